"""Importing coded event data (test data: the invented actors of tests/fixtures/events/).

Every expected candidate below is worked out by hand from the fixture rows (see the comments).
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from diplodash.cli import main
from diplodash.extract.events import EventFileError, names_for
from diplodash.extract.events import gdelt, gdelt_mentions, icews, plover, polecat
from diplodash.extract.events.collapse import candidates
from diplodash.extract.settings import load_settings

EVENTS = Path(__file__).resolve().parent / "fixtures" / "events"
GDELT = EVENTS / "gdelt-events.export.CSV"
MENTIONS = EVENTS / "gdelt-mentions.mentions.CSV"
ICEWS = EVENTS / "icews.events.2019.tab"
POLECAT = EVENTS / "polecat-2023-05.tsv"
PLOVER = EVENTS / "plover.jsonl"


@pytest.fixture(scope="module")
def pair():
    from diplodash.config import load_config

    settings = load_settings(load_config(EVENTS / "config.toml"))
    return names_for("verin", settings), names_for("BRAM KOSTEL", settings)


def _summary(found):
    return [(c.date.value, c.format.value if c.format else None, [r.line for r in c.rows]) for c in found]


def test_names_resolve_through_the_roster_aliases(pair):
    leader, counterpart = pair
    assert leader.name == "Alda Verin" and "president verin" in leader.spellings
    assert counterpart.name == "Bram Kostel" and counterpart.spellings == {"bram kostel", "kostel"}


def test_gdelt_reciprocal_visits_and_same_day_rows_collapse(pair):
    rows = gdelt.read([GDELT], *pair)
    # kept: lines 1-4, 7, 8 (line 5 is another pair, line 6 CAMEO 190 is no consultation)
    assert sorted(r.line for r in rows) == [1, 2, 3, 4, 7, 8]
    found = candidates(rows, "Alda Verin", "Bram Kostel")
    # 042 + 043 on 03-05 and 042 on 03-06: one visit; 041 and 040 on 04-12: one call; 040 on 06-20 alone: format unknown
    assert _summary(found) == [
        ("2024-03-05", "in_person", [1, 2, 3]),
        ("2024-04-12", "phone", [4, 8]),
        ("2024-06-20", None, [7]),
    ]
    assert found[0].status.value == "event_data"
    assert found[0].urls == [
        "https://news.example.org/verin-visits-kostel",
        "https://news.example.org/kostel-hosts-verin",
        "https://wire.example.org/second-day-of-visit",
    ]


def test_gdelt_events_joined_to_their_mentions_keep_every_article(pair):
    rows = gdelt_mentions.read([GDELT, MENTIONS], *pair)
    call = next(c for c in candidates(rows, "Alda Verin", "Bram Kostel") if c.date.value == "2024-04-12")
    # event 1004: its own SOURCEURL and five mentions; event 1008: its SOURCEURL; the mention of 1005 is another pair
    assert len(call.urls) == 7
    assert sum("verin-kostel-phone-" in u for u in call.urls) == 5
    assert not any("lind" in u for u in call.urls)
    visit = next(c for c in candidates(rows, "Alda Verin", "Bram Kostel") if c.date.value == "2024-03-05")
    assert len(visit.urls) == 3  # the mention of 1001 repeats its SOURCEURL: kept once


def test_icews_duplicate_event_ids_need_the_date(pair):
    rows = icews.read([ICEWS], *pair)
    # lines 2 and 3 are the same coded row (501 on 02-10), line 4 reuses 501 on 08-20, line 5 hosts the visit a day later
    found = candidates(rows, "Alda Verin", "Bram Kostel")
    assert _summary(found) == [("2019-02-10", "in_person", [2, 5]), ("2019-08-20", "phone", [4])]
    assert {r.code for r in rows} == {"042", "043", "041"}  # "42" and "41" read with their leading zero


def test_polecat_spurious_header_repeated_header_and_extra_tabs(pair):
    rows = polecat.read([POLECAT], *pair)
    # line 1 is spurious, line 2 the header, line 5 the header again; P2 (line 4) ends with two extra tabs
    found = candidates(rows, "Alda Verin", "Bram Kostel")
    assert _summary(found) == [("2023-05-02", "phone", [3, 4]), ("2023-05-18", "summit", [6])]
    assert found[0].urls == ["https://ledger.example.org/call", "https://courier.example.org/call"]


def test_plover_jsonl_modes_and_cite_info(pair):
    found = candidates(plover.read([PLOVER], *pair), "Alda Verin", "Bram Kostel")
    # visit and third-party on 09-14 are one in-person contact; pl-4 is ASSAULT
    assert _summary(found) == [("2022-09-14", "in_person", [1, 2]), ("2022-11-03", "phone", [3])]
    assert found[0].urls == ["https://ledger.example.org/visit", "https://courier.example.org/meeting"]


def test_gzip_files_read_the_same(tmp_path, pair):
    packed = tmp_path / "events.CSV.gz"
    packed.write_bytes(gzip.compress(GDELT.read_bytes()))
    assert [r.line for r in gdelt.read([packed], *pair)] == [r.line for r in gdelt.read([GDELT], *pair)]


def test_a_file_in_the_wrong_layout_is_a_located_error(tmp_path, pair):
    with pytest.raises(EventFileError, match=r":1:1: no header line naming"):
        icews.read([GDELT], *pair)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"event_type": "CONSULT"}\n{oops\n')
    with pytest.raises(EventFileError, match=r"bad.jsonl:2:2: not JSON"):
        plover.read([bad], *pair)


# ----------------------------------------------------------------------------------- command


@pytest.fixture
def table(tmp_path):
    shutil.copytree(EVENTS, tmp_path / "events")
    return tmp_path / "events"


def _run(capsys, table, *args):
    code = main(["--config", str(table / "config.toml"), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def _bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


def test_import_lists_candidates_and_writes_nothing_without_accept(capsys, table):
    before = _bytes(table / "table")
    code, out, _ = _run(capsys, table, "import", "gdelt", str(table / GDELT.name), "--leader", "Verin", "--counterpart", "Kostel")
    assert code == 0
    assert "e1  report on k1" in out and "e2  new contact" in out and "e3  new contact" in out
    code, out, _ = _run(capsys, table, "import", "gdelt", str(table / GDELT.name), "--leader", "Verin", "--counterpart", "Kostel", "--accept", "--dry-run")
    assert code == 0 and "dry run: 8 row(s) would be appended; nothing written" in out
    assert _bytes(table / "table") == before
    assert not (table / "table-backups").exists()


def test_import_json_has_the_extract_shape_with_coded_rows(capsys, table):
    code, out, _ = _run(capsys, table, "import", "icews", str(table / ICEWS.name), "--leader", "Verin", "--counterpart", "Kostel", "--format", "json")
    assert code == 0
    [extraction] = json.loads(out)
    assert set(extraction) >= {"file", "candidates", "totals", "warnings"}
    first = extraction["candidates"][0]
    assert first["date"]["value"] == "2019-02-10" and first["format"]["value"] == "in_person"
    assert [r["line"] for r in first["coded_rows"]] == [2, 5]
    assert first["match"]["kind"] == "new_contact"


def test_from_and_to_limit_the_days(capsys, table):
    code, out, _ = _run(capsys, table, "import", "gdelt", str(table / GDELT.name), "--leader", "Verin", "--counterpart", "Kostel", "--from", "2024-04-01", "--to", "2024-04-30")
    assert code == 0 and "1 candidate(s)" in out and "2024-04-12" in out


def test_accept_backs_up_appends_and_the_table_validates(capsys, table):
    before = _bytes(table / "table")
    code, out, _ = _run(capsys, table, "import", "polecat", str(table / POLECAT.name), "--leader", "Verin", "--counterpart", "Kostel", "--accept")
    assert code == 0, out
    after = _bytes(table / "table")
    for name, old in before.items():
        assert after[name].startswith(old)
    contacts = after["contacts.csv"].decode()[len(before["contacts.csv"]):]
    assert contacts.count("\n") == 2 and ",event_data," in contacts and ",phone," in contacts and ",summit," in contacts
    assert "https://courier.example.org/call" in after["sources.csv"].decode()
    assert len(list((table / "table-backups").iterdir())) == 1
    code, out, _ = _run(capsys, table, "validate")
    assert code == 0, out
    # accepting the same file again adds nothing new
    code, out, _ = _run(capsys, table, "import", "polecat", str(table / POLECAT.name), "--leader", "Verin", "--counterpart", "Kostel", "--accept")
    assert code == 0 and _bytes(table / "table") == after


def test_imported_contacts_are_not_counted_by_default(capsys, table):
    _run(capsys, table, "import", "plover", str(table / PLOVER.name), "--leader", "Verin", "--counterpart", "Kostel", "--accept")
    from diplodash.config import load_config
    from diplodash.metrics.dataset import load_dataset
    from diplodash.metrics.schema import COUNTED_STATUSES

    dataset = load_dataset(load_config(table / "config.toml"))
    statuses = dataset.contacts.get_column("status").to_list()
    assert statuses.count("event_data") == 2 and "event_data" not in COUNTED_STATUSES


def test_missing_file_and_bad_dates_are_clear(capsys, table):
    code, _, err = _run(capsys, table, "import", "gdelt", str(table / "nope.csv"), "--leader", "Verin", "--counterpart", "Kostel")
    assert code == 3 and "nope.csv: no such file" in err
    code, _, err = _run(capsys, table, "import", "gdelt", str(table / GDELT.name), "--leader", "Verin", "--counterpart", "Kostel", "--from", "2024-13-01")
    assert code == 2 and "--from '2024-13-01'" in err


# ----------------------------------------------------------------------------------- coverage


def test_coverage_against_a_dataset_lists_misses_on_both_sides(capsys, table):
    code, out, _ = _run(capsys, table, "coverage", "--against", "gdelt", str(table / GDELT.name), "--leader", "Verin", "--counterpart", "Kostel", "--format", "json")
    assert code == 0
    report = json.loads(out)
    # 2024: k1 matches the 03-05 visit; the 04-12 call and 06-20 consultation are only in the dataset; k2 only in the
    # table; k3 (2018) lies outside the years the dataset covers
    assert report["years"] == [{"year": 2024, "both": 1, "dataset only": 2, "table only": 1}]
    where = {(r["date"], r["where"]): r for r in report["contacts"]}
    assert set(where) == {("2024-03-05", "both"), ("2024-04-12", "dataset only"), ("2024-06-20", "dataset only"), ("2024-09-09", "table only")}
    both = where[("2024-03-05", "both")]["evidence"]
    assert "table k1 (confirmed)" in both and "https://news.example.org/kostel-hosts-verin" in both
    assert where[("2024-09-09", "table only")]["contact_id"] == "k2"


def test_coverage_with_a_range_includes_table_years_the_dataset_lacks(capsys, table):
    code, out, _ = _run(capsys, table, "coverage", "--against", "icews", str(table / ICEWS.name), "--leader", "Verin", "--counterpart", "Kostel",
                        "--from", "2018-01-01", "--to", "2019-12-31")
    assert code == 0
    assert "2018: 0 in both, 0 only in the dataset, 1 only in the table" in out
    assert "2019: 0 in both, 2 only in the dataset, 0 only in the table" in out


# ----------------------------------------------------------------------------------- PLOVER export


def test_export_plover_writes_one_consult_per_contact_and_reads_back(capsys, table, pair):
    out_file = table / "out.jsonl"
    code, out, err = _run(capsys, table, "export", "--plover", str(out_file))
    assert code == 0, err
    events = [json.loads(line) for line in out_file.read_text().splitlines()]
    # the three confirmed contacts, in date order
    assert [e["id"] for e in events] == ["k3", "k1", "k2"]
    k1 = events[1]
    assert (k1["event_type"], k1["mode"], k1["actor"], k1["recipient"]) == ("CONSULT", "visit", {"name": "Alda Verin"}, {"name": "Bram Kostel"})
    assert k1["cite_info"] == [{"source_id": "t1", "url": "https://ledger.example.org/k1", "publication": "Example Ledger", "title": None, "date": "2024-03-06"}]
    back = candidates(plover.read([out_file], *pair), "Alda Verin", "Bram Kostel")
    assert _summary(back) == [("2018-01-15", "phone", [1]), ("2024-03-05", "in_person", [2]), ("2024-09-09", "phone", [3])]
    assert not list(table.glob(".out.jsonl*"))  # no temporary file left behind


def test_reading_in_small_blocks_gives_the_same_rows_and_lines(monkeypatch, tmp_path, pair):
    from diplodash.extract.events import scan

    whole = [(r.line, r.event_id) for r in gdelt.read([GDELT], *pair)]
    polecat_whole = [(r.line, r.event_id) for r in polecat.read([POLECAT], *pair)]
    monkeypatch.setattr(scan, "BLOCK_BYTES", 300)  # shorter than a GDELT line: blocks of one line each
    assert [(r.line, r.event_id) for r in gdelt.read([GDELT], *pair)] == whole
    assert [(r.line, r.event_id) for r in polecat.read([POLECAT], *pair)] == polecat_whole
    spaced = tmp_path / "spaced.CSV"  # an empty line keeps the numbering of the lines after it
    lines = GDELT.read_text().splitlines()
    spaced.write_text("\n".join(lines[:2] + [""] + lines[2:]) + "\n")
    assert [r.line for r in gdelt.read([spaced], *pair)] == [1, 2, 4, 5, 8, 9]
