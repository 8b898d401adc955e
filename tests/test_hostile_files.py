"""Broken and hostile table files: each ends in a clear problem with file, line and column, never a traceback."""

from __future__ import annotations

import codecs
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixture_tables import AS_OF, write_small_table
from diplodash.metrics.dataset import load_dataset
from diplodash.metrics.problems import DataError

HEADER = "contact_id,date,date_precision,leader,counterpart,envoys,format,status,topics,source_ids,excerpt,notes"
ROW = "c{n},2021-03-0{n},day,Vladimir Putin,Joe Biden,,phone,confirmed,,,x,"


def table(folder: Path, text: str | bytes, name: str = "contacts.csv") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return folder


def problems_of(config, path: Path) -> list:
    with pytest.raises(DataError) as caught:
        load_dataset(config, path, today=AS_OF)  # "in the future" is relative to the pinned date
    return caught.value.problems


def errors(problems):
    return [p for p in problems if p.severity == "error"]


def good_rows(count: int = 3) -> str:
    return "\n".join([HEADER] + [ROW.format(n=n) for n in range(1, count + 1)]) + "\n"


def test_clean_minimal_table_loads(config, tmp_path):
    dataset = load_dataset(config, table(tmp_path / "t", good_rows()))
    assert dataset.contacts.height == 3 and dataset.problems == []


def test_too_many_and_too_few_fields(config, tmp_path):
    text = good_rows().replace(ROW.format(n=2), ROW.format(n=2) + ",extra").replace(ROW.format(n=3), "c3,2021-03-03,day")
    found = errors(problems_of(config, table(tmp_path / "t", text)))
    assert [(p.line, p.code) for p in found] == [(3, "ragged"), (4, "ragged")]
    assert "too many fields: 13 instead of 12" in found[0].message
    assert "too few fields: 3 instead of 12" in found[1].message


def test_unterminated_quote(config, tmp_path):
    text = good_rows() + 'c4,2021-03-04,day,Vladimir Putin,"Joe Biden,,phone,confirmed,,,x,\n'
    found = errors(problems_of(config, table(tmp_path / "t", text)))
    assert found[0].line == 5 and found[0].code == "csv" and found[0].column == 34
    assert "unterminated quote" in found[0].message


def test_byte_order_mark_is_ignored(config, tmp_path):
    dataset = load_dataset(config, table(tmp_path / "t", codecs.BOM_UTF8 + good_rows().encode()))
    assert dataset.contacts.height == 3 and "contact_id" in dataset.contacts.columns


def test_utf16_file_is_read_with_a_warning(config, tmp_path):
    dataset = load_dataset(config, table(tmp_path / "t", good_rows().encode("utf-16")))
    assert dataset.contacts.height == 3
    assert [p.code for p in dataset.problems] == ["encoding"]


def test_latin1_file_is_read_with_a_warning_naming_the_byte(config, tmp_path):
    text = good_rows().replace("Joe Biden", "Joe Bidén", 1).encode("latin-1")
    dataset = load_dataset(config, table(tmp_path / "t", text))
    assert "Joe Bidén" in dataset.contacts.get_column("counterpart").to_list()
    warning = dataset.problems[0]
    assert (warning.line, warning.column, warning.code) == (2, 41, "encoding")


def test_cr_only_line_ends(config, tmp_path):
    dataset = load_dataset(config, table(tmp_path / "t", good_rows().replace("\n", "\r")))
    assert dataset.contacts.height == 3


def test_duplicate_header(config, tmp_path):
    text = good_rows().replace("excerpt,notes", "excerpt,date", 1)
    found = errors(problems_of(config, table(tmp_path / "t", text)))
    assert found[0].line == 1 and "duplicate column 'date'" in found[0].message and found[0].column == 98


def test_missing_required_column(config, tmp_path):
    text = "\n".join(line.rsplit(",", 6)[0] if False else ",".join(line.split(",")[:4] + line.split(",")[5:]) for line in good_rows().splitlines())
    found = errors(problems_of(config, table(tmp_path / "t", text)))
    assert any("missing required column 'counterpart'" in p.message and p.line == 1 for p in found)


def test_unknown_extra_column_is_a_warning_with_a_hint(config, tmp_path):
    lines = good_rows().splitlines()
    text = "\n".join([lines[0] + ",statsu"] + [line + ",x" for line in lines[1:]])
    dataset = load_dataset(config, table(tmp_path / "t", text))
    assert any("unknown column 'statsu' is ignored (did you mean 'status'?)" in p.message for p in dataset.problems)


def test_empty_file_and_header_only(config, tmp_path):
    assert "file is empty" in errors(problems_of(config, table(tmp_path / "a", "")))[0].message
    dataset = load_dataset(config, table(tmp_path / "b", HEADER + "\n"))
    assert dataset.contacts.height == 0
    assert any(p.code == "empty" for p in dataset.problems)
    from diplodash.metrics.snapshot import compute_snapshot

    snapshot = compute_snapshot(dataset, as_of=AS_OF)  # an empty table gives empty metrics, not a crash
    assert snapshot["overview"].height == 0


def test_huge_field(config, tmp_path):
    text = good_rows().replace(",x,", "," + "y" * 2_000_000 + ",", 1)
    dataset = load_dataset(config, table(tmp_path / "t", text))
    assert dataset.contacts.height == 3


def test_name_with_glob_characters(config, tmp_path):
    folder = tmp_path / "t[1]"
    folder.mkdir()
    path = folder / "weird[1].csv"
    path.write_text(good_rows())
    (folder / "weird2.csv").write_text(good_rows(1))  # a glob would have matched this too
    assert load_dataset(config, path).contacts.height == 3


def test_vanished_file(config, tmp_path):
    found = problems_of(config, tmp_path / "nothing-here.csv")
    assert "data path not found" in found[0].message


def test_corrupt_parquet_and_json(config, tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "contacts.parquet").write_bytes(b"PAR1" + b"\x00garbage" * 50 + b"PAR1")
    assert "cannot read parquet file" in errors(problems_of(config, folder))[0].message
    folder = tmp_path / "j"
    folder.mkdir()
    (folder / "contacts.json").write_text('[{"contact_id": "c1", "date": ')
    assert "cannot read json file" in errors(problems_of(config, folder))[0].message


def test_truncated_parquet(config, tmp_path):
    frame = pl.read_csv(table(tmp_path / "src", good_rows()) / "contacts.csv", infer_schema=False)
    folder = tmp_path / "p"
    folder.mkdir()
    path = folder / "contacts.parquet"
    frame.write_parquet(path)
    path.write_bytes(path.read_bytes()[:-40])
    assert errors(problems_of(config, folder))[0].code == "file"


def test_parquet_and_ndjson_tables_load(config, tmp_path):
    source = pl.read_csv(table(tmp_path / "src", good_rows()) / "contacts.csv", infer_schema=False)
    for suffix, write in ((".parquet", source.write_parquet), (".ndjson", source.write_ndjson), (".json", source.write_json)):
        folder = tmp_path / suffix[1:]
        folder.mkdir()
        write(folder / f"contacts{suffix}")
        assert load_dataset(config, folder).contacts.height == 3


def test_bad_values_each_reported_with_line_and_column(config, tmp_path):
    rows = [
        HEADER,
        "c1,12/03/2021,day,Vladimir Putin,Joe Biden,,phone,confirmed,,,x,",
        "c2,2021-03,day,Vladimir Putin,Joe Biden,,phone,confirmed,,,x,",
        "c3,2099-01-01,day,Vladimir Putin,Joe Biden,,phone,confirmed,,,x,",
        "c4,2021-03-04,day,Vladimir Putin,Joe Biden,,carrier pigeon,rumoured,,,x,",
        "c4,2021-03-05,day,Vladimir Putin,,,phone,confirmed,,,x,",
    ]
    found = problems_of(config, table(tmp_path / "t", "\n".join(rows) + "\n"))
    messages = {(p.line, p.column, p.severity): p.message for p in found}
    assert "date: '12/03/2021' is not a date" in messages[(2, 4, "error")]
    assert "does not match the shape of the date" in messages[(3, 12, "error")]
    assert "is in the future" in messages[(4, 4, "warning")]
    assert "format: unknown value 'carrier pigeon'" in messages[(5, 45, "error")]
    assert "status: unknown value 'rumoured'" in messages[(5, 60, "error")]
    assert "counterpart: a value is required" in messages[(6, 34, "error")]
    assert "duplicate contact_id 'c4' (first on line 5)" in messages[(6, None, "error")]


def test_bad_durations_and_dangling_ids(config, tmp_path):
    folder = write_small_table(tmp_path / "t")
    reports = (folder / "reports.csv").read_text().splitlines()
    reports[1] = reports[1].replace("about an hour", "-5 minutes")
    reports[2] = reports[2].replace("62 minutes", "900 hours")
    reports[3] = reports[3].replace("3 h 21 min", "three hourz").replace("s1", "nope")
    reports.append("c9/1,c9,s1,leader,,50 minutes,,,x,")
    (folder / "reports.csv").write_text("\n".join(reports) + "\n")
    found = errors(problems_of(config, folder))
    by_line = {}
    for p in found:
        by_line.setdefault(p.line, []).append(p.message)
    assert any("'-5 minutes'" in m for m in by_line[2])
    assert any("'900 hours'" in m and "absurd" in m for m in by_line[3])
    assert any("'three hourz'" in m for m in by_line[4]) and any("source id 'nope'" in m for m in by_line[4])
    assert any("unknown contact 'c9'" in m for m in by_line[12])


def test_markup_and_control_characters_are_warned_and_kept(config, tmp_path):
    text = good_rows().replace(",x,", ",[@click=app.quit]x[/] \x1b[2J\u202e,", 1)
    dataset = load_dataset(config, table(tmp_path / "t", text))
    assert dataset.contacts.filter(pl.col("excerpt").str.contains("@click", literal=True)).height == 1
    warning = [p for p in dataset.problems if p.code == "unsafe"][0]
    assert (warning.line, warning.column) == (2, 63)
    assert "U+001B" in warning.message and "U+202E" in warning.message


CSV_ALPHABET = st.sampled_from(list('abc,"\n\r;-:0123456789 \t\x00\x1b[]/=é') + ["2021-03-01", "phone", "confirmed", "day", "c1"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.lists(CSV_ALPHABET, max_size=80).map("".join), keep_header=st.booleans())
def test_fuzzed_csv_gives_a_dataset_or_problems(config, tmp_path_factory, body, keep_header):
    folder = tmp_path_factory.mktemp("fuzz")
    text = (HEADER + "\n" if keep_header else "") + body
    (folder / "contacts.csv").write_bytes(text.encode("utf-8", errors="surrogatepass"))
    try:
        dataset = load_dataset(config, folder)
    except DataError as error:
        assert error.problems and all(p.file and p.message for p in error.problems)
    else:
        from diplodash.metrics.snapshot import compute_snapshot

        compute_snapshot(dataset, as_of=AS_OF)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300))
def test_fuzzed_bytes_give_a_dataset_or_problems(config, tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("bytes")
    (folder / "contacts.csv").write_bytes(data)
    try:
        load_dataset(config, folder)
    except DataError as error:
        assert error.problems


def test_file_truncated_while_read(config, tmp_path, monkeypatch):
    """The structure scan sees five records, then the file is cut short before polars reads it."""
    import diplodash.metrics.readers as readers

    folder = table(tmp_path / "t", good_rows())
    path = folder / "contacts.csv"
    real_scan = readers.scan_csv_structure

    def scan_then_truncate(stream, name):
        result = real_scan(stream, name)
        if name.endswith("contacts.csv"):
            path.write_text(path.read_text().splitlines(keepends=True)[0] + path.read_text().splitlines(keepends=True)[1])
        return result

    monkeypatch.setattr(readers, "scan_csv_structure", scan_then_truncate)
    found = errors(problems_of(config, folder))
    assert any("changed while it was read" in p.message and p.file.endswith("contacts.csv") for p in found)
