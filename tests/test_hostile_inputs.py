"""Issue 11, reads: hostile files, configs and articles give a clear message and exit code, never a hang
or a traceback, and never a silently smaller figure. Through ``diplodash.cli.main`` (in-process, under a
deadline that interrupts even a blocking open) or ``python -m diplodash``."""

from __future__ import annotations

import json
import os
import time

import pytest

from fixture_tables import ROOT, copy_seeds, write_small_table
from test_nothing_lost import ARTICLES, cli, deadline, run

TRUMP_CALL = "Vladimir Putin spoke with Donald Trump by phone on 3 March 2025."


def no_traceback(err: str) -> None:
    assert "Traceback" not in err and "Error:" not in err.replace("error:", ""), err


# ------------------------------------------------------------------------------------ articles


def test_an_article_over_the_size_limit_is_refused_naming_the_limit(tmp_path, capsys):
    big = tmp_path / "big.txt"
    big.write_bytes((TRUMP_CALL + "\n").encode() * (5 * 1024 * 1024 // len(TRUMP_CALL)))
    started = time.monotonic()
    code, out, err = cli(capsys, "extract", str(big), seconds=30)
    assert code == 1
    assert f"big.txt: {big.stat().st_size} bytes is over the limit for an article (1048576 bytes)" in err
    assert "max_article_bytes" in err
    assert time.monotonic() - started < 10


def test_the_article_limit_is_configurable(tmp_path, capsys):
    config = tmp_path / "config.toml"
    config.write_text((ROOT / "config.toml").read_text(encoding="utf-8").replace('path = "seeds"', f'path = "{ROOT / "seeds"}"', 1)
                      + "\n[extract]\nmax_article_bytes = 100\n", encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text(TRUMP_CALL * 3 + "\n", encoding="utf-8")
    code, out, err = cli(capsys, "--config", str(config), "extract", str(article))
    assert code == 1 and "limit for an article (100 bytes)" in err
    config.write_text(config.read_text(encoding="utf-8").replace("= 100", "= -5"), encoding="utf-8")
    code, out, err = cli(capsys, "--config", str(config), "validate")
    assert code == 1 and "max_article_bytes' must be a whole number" in err


def test_a_name_repeated_ten_thousand_times_is_extracted_in_linear_time(tmp_path, capsys):
    article = tmp_path / "rep.txt"
    article.write_text(TRUMP_CALL + " " + "Putin " * 10_000 + ".\n" + "Putin and Trump. " * 5_000 + "\n", encoding="utf-8")
    code, out, err = cli(capsys, "extract", str(article), "--published", "2025-03-05", seconds=60)
    assert code == 0, err
    assert "Donald Trump" in out


def test_extraction_time_grows_linearly_with_repetitions(config):
    from diplodash.extract import Extractor

    extractor = Extractor(config)
    extractor.extract_text(TRUMP_CALL + "\n", path="warm.txt")

    def seconds(n: int) -> float:
        text = TRUMP_CALL + " " + "Putin " * n + ".\n" + "Putin and Trump. " * (n // 2) + "\n"
        started = time.perf_counter()
        extractor.extract_text(text, path="rep.txt")
        return time.perf_counter() - started

    small, large = min(seconds(1500) for _ in range(2)), min(seconds(6000) for _ in range(2))
    # four times the text: quadratic work would take 16x; allow noise on a shared machine
    assert large < 8 * small + 0.5, (small, large)


def test_a_fifo_and_a_device_given_as_article_are_refused_without_hanging(tmp_path, capsys):
    fifo = tmp_path / "article.txt"
    os.mkfifo(fifo)
    code, out, err = cli(capsys, "extract", str(fifo), seconds=20)
    assert code == 1 and "is a named pipe (FIFO), not a regular article" in err
    code, out, err = cli(capsys, "extract", "/dev/zero", seconds=20)
    assert code == 1 and "/dev/zero: is a character device, not a regular article" in err
    no_traceback(err)


def test_a_stray_byte_in_an_article_is_not_a_reason_to_misread_it(tmp_path):
    from diplodash.extract.text import load_article

    path = tmp_path / "a.txt"
    path.write_bytes("Putin called Viktor Orbán.\nA stray \xe9 byte.\n".encode("utf-8").replace(b"\xc3\xa9", b"\xe9"))
    article = load_article(path)
    assert "Viktor Orbán" in article.text
    assert any("line 2, column 9 is not UTF-8" in w for w in article.warnings)


# ------------------------------------------------------------------------------------- configs


def test_dev_zero_a_fifo_and_a_huge_file_as_config_are_refused(tmp_path, capsys):
    code, out, err = cli(capsys, "--config", "/dev/zero", "validate", seconds=20)
    assert code == 1 and "/dev/zero: error: is a character device, not a regular config file (named by --config)" in err
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    code, out, err = cli(capsys, "--config", str(fifo), "metrics", seconds=20)
    assert code == 1 and "is a named pipe (FIFO)" in err
    huge = tmp_path / "huge.toml"
    huge.write_bytes(b"# padding\n" * 200_000)
    code, out, err = cli(capsys, "--config", str(huge), "validate", seconds=20)
    assert code == 1 and "over the limit for a config file (1048576 bytes); raise $DIPLODASH_MAX_CONFIG_BYTES" in err
    no_traceback(err)


def test_a_config_nested_100000_deep_is_a_toml_error_with_its_line(tmp_path, capsys):
    deep = tmp_path / "deep.toml"
    deep.write_text("[defaults]\nview = 'overview'\nx = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    code, out, err = cli(capsys, "--config", str(deep), "validate", seconds=30)
    assert code == 1
    assert f"{deep}:3:" in err and "nested too deeply" in err
    no_traceback(err)


@pytest.mark.parametrize("keys,other", [('"view.overview" = "q"', "app.quit"), ('"view.overview" = "f"', "filters.open"),
                                        ('"grouping.cycle" = "x"\n"compare.setup" = "x"', "grouping.cycle")])
def test_a_key_bound_twice_is_a_config_error_naming_both_and_the_line(tmp_path, capsys, keys, other):
    config = tmp_path / "config.toml"
    config.write_text(f'[data]\npath = "{ROOT / "seeds"}"\n\n[keymap]\n{keys}\n', encoding="utf-8")
    code, out, err = cli(capsys, "--config", str(config), "validate")
    assert code == 1
    line = 5 + keys.count("\n")
    assert f"{config}:{line}:1: error: keymap '" in err and f"is also bound to '{other}'" in err, err


def test_swapping_two_keys_is_not_a_conflict(tmp_path, capsys):
    config = tmp_path / "config.toml"
    config.write_text(f'[data]\npath = "{ROOT / "seeds"}"\n\n[keymap]\n"view.overview" = "q"\n"app.quit" = "1"\n', encoding="utf-8")
    code, out, err = cli(capsys, "--config", str(config), "validate")
    assert code == 0, err


def test_the_keymap_defaults_match_the_app_bindings():
    from diplodash.metrics.keymap import APP_DEFAULT_KEYS
    from diplodash.tui.bindings import APP_BINDINGS

    assert APP_DEFAULT_KEYS == {b.id: b.key for b in APP_BINDINGS}


# ------------------------------------------------------------------------------ table files


def test_a_folder_named_reports_csv_is_an_error_naming_it(tmp_path, capsys):
    table = copy_seeds(tmp_path / "t")
    (table / "reports.csv").unlink()
    (table / "reports.csv").mkdir()
    code, out, err = cli(capsys, "validate", str(table))
    assert code == 1 and f"{table / 'reports.csv'}: error: is a folder, not a regular file: the reports table must be a regular file" in err
    code, out, err = cli(capsys, "--data", str(table), "metrics")
    assert code == 1 and "reports.csv" in err and out == ""


def test_a_sources_file_linked_to_a_device_is_an_error(tmp_path, capsys):
    table = copy_seeds(tmp_path / "t")
    (table / "sources.csv").unlink()
    (table / "sources.csv").symlink_to("/dev/null")
    code, out, err = cli(capsys, "validate", str(table))
    assert code == 1 and "sources.csv: error: is a character device (through a symbolic link), not a regular file" in err


def test_a_symlink_loop_and_a_fifo_named_contacts_csv_are_named(tmp_path, capsys):
    loop = copy_seeds(tmp_path / "loop")
    (loop / "contacts.csv").unlink()
    (loop / "contacts.csv").symlink_to(loop / "other.csv")
    (loop / "other.csv").symlink_to(loop / "contacts.csv")
    code, out, err = cli(capsys, "validate", str(loop))
    assert code == 1 and f"{loop / 'contacts.csv'}: error: is a symbolic link loop" in err
    assert "no contacts file" not in err
    fifo = copy_seeds(tmp_path / "fifo")
    (fifo / "contacts.csv").unlink()
    os.mkfifo(fifo / "contacts.csv")
    code, out, err = cli(capsys, "validate", str(fifo), seconds=20)
    assert code == 1 and "contacts.csv: error: is a named pipe (FIFO), not a regular file" in err
    code, out, err = cli(capsys, "validate", str(fifo / "contacts.csv"), seconds=20)
    assert code == 1 and "data path is a named pipe (FIFO)" in err


def test_a_json_table_nested_deep_is_an_error_not_a_crash(tmp_path, capsys):
    table = tmp_path / "t"
    table.mkdir()
    (table / "contacts.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    code, out, err = cli(capsys, "validate", str(table), seconds=30)
    assert code == 1 and "contacts.json" in err
    no_traceback(err)


def _seed_records(n: int = 4) -> list[dict]:
    import csv

    with open(ROOT / "seeds" / "contacts.csv", encoding="utf-8", newline="") as handle:
        return [dict(r) for r in list(csv.DictReader(handle))[:n]]


def test_a_broken_ndjson_line_is_named(tmp_path, capsys):
    table = tmp_path / "t"
    table.mkdir()
    lines = [json.dumps(r, ensure_ascii=False) for r in _seed_records()]
    lines[2] = lines[2][:-7]
    (table / "contacts.ndjson").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = cli(capsys, "validate", str(table))
    assert code == 1 and f"{table / 'contacts.ndjson'}:3:" in err and "line 3: broken JSON" in err


def test_a_bad_value_in_a_json_record_names_the_record(tmp_path, capsys):
    table = tmp_path / "t"
    table.mkdir()
    records = _seed_records()
    records[2]["notes"] = {"nested": True}
    (table / "contacts.json").write_text(json.dumps(records, indent=1), encoding="utf-8")
    code, out, err = cli(capsys, "validate", str(table))
    assert code == 1 and f"{table / 'contacts.json'}:3:" in err and "record 3, field 'notes': the value is an object" in err
    (table / "contacts.json").write_text(json.dumps(records, indent=1)[:-40], encoding="utf-8")
    code, out, err = cli(capsys, "validate", str(table))
    assert code == 1 and "broken JSON" in err and f"{table / 'contacts.json'}:" in err


# --------------------------------------------------------------------------------- encodings


def test_one_latin1_byte_in_a_utf8_file_is_an_error_at_its_line_and_column(tmp_path, capsys):
    table = copy_seeds(tmp_path / "t")
    raw = (table / "contacts.csv").read_bytes()
    at = raw.index("Orbán".encode())
    stray = raw.index(b"\n", at) - 1  # the last character of that line becomes a Latin-1 byte
    raw = raw[:stray] + b"\xe9" + raw[stray + 1 :]
    (table / "contacts.csv").write_bytes(raw)
    line = raw.count(b"\n", 0, stray) + 1
    column = len(raw[raw.rfind(b"\n", 0, stray) + 1 : stray].decode("utf-8")) + 1
    code, out, err = cli(capsys, "validate", str(table))
    assert code == 1
    assert f"contacts.csv:{line}:{column}: error: byte 0xE9 is not UTF-8, in a file that is otherwise UTF-8" in err
    assert "OrbÃ¡n" not in err


def test_a_file_wholly_in_latin1_is_read_as_written_with_a_warning(tmp_path, capsys):
    table = write_small_table(tmp_path / "t")
    text = (table / "contacts.csv").read_text(encoding="utf-8").replace("Joe Biden", "Viktor Orbán")
    (table / "contacts.csv").write_bytes(text.encode("cp1252"))
    code, out, err = cli(capsys, "--data", str(table), "metrics", "overview", "--by", "counterpart", "--format", "csv")
    assert code == 0, err
    assert "Viktor Orbán" in out and "OrbÃ¡n" not in out
    assert "warning: file is not UTF-8 (byte 0xE1); read it as Windows-1252" in err


def test_utf16_without_a_bom_is_read_as_utf16(tmp_path, capsys):
    table = copy_seeds(tmp_path / "t")
    expected = cli(capsys, "--data", str(table), "metrics", "overview", "--format", "csv")
    for name in ("contacts.csv", "reports.csv"):
        (table / name).write_bytes((table / name).read_text(encoding="utf-8").encode("utf-16-le"))
    code, out, err = cli(capsys, "--data", str(table), "metrics", "overview", "--format", "csv")
    assert code == 0, err
    assert out == expected[1]
    assert "warning: file is UTF-16-LE without a byte order mark" in err and "too many fields" not in err


def test_nul_bytes_in_a_csv_are_an_encoding_error(tmp_path, capsys):
    table = write_small_table(tmp_path / "t")
    raw = (table / "contacts.csv").read_bytes()
    at = raw.index(b"\n") + 5
    (table / "contacts.csv").write_bytes(raw[:at] + b"\x00" + raw[at:])
    code, out, err = cli(capsys, "validate", str(table))
    assert code == 1 and "contacts.csv:2:5: error: file holds NUL bytes" in err


# ------------------------------------------------------------------------------ dates and ranges


def test_year_zero_is_refused_by_validate_and_never_crashes_metrics(tmp_path, capsys):
    table = write_small_table(tmp_path / "t")
    text = (table / "contacts.csv").read_text(encoding="utf-8").replace("2021-03-01", "0000-01-01", 1)
    (table / "contacts.csv").write_text(text, encoding="utf-8")
    code, out, err = cli(capsys, "validate", str(table))
    assert code == 1 and "contacts.csv:2:" in err and "'0000-01-01' is before 1800" in err
    code, out, err = cli(capsys, "--data", str(table), "metrics", "--by", "year")
    assert code == 1 and "before 1800" in err
    no_traceback(err)
    text = text.replace("2025-02-12", "9999-12-31", 1)
    (table / "contacts.csv").write_text(text, encoding="utf-8")
    code, out, err = cli(capsys, "validate", str(table))
    assert code == 1 and "'9999-12-31' is implausibly far in the future" in err


def test_an_empty_date_range_is_a_usage_error_naming_both_dates(capsys):
    code, out, err = cli(capsys, "metrics", "--where", "from=2025-06-01", "--where", "to=2025-01-01")
    assert code == 2 and "empty date range: from=2025-06-01 is later than to=2025-01-01" in err and out == ""
    code, out, err = cli(capsys, "compare", "--a", "from=2022-01-01", "--a", "to=2021-01-01", "--b", "period=Biden")
    assert code == 2 and "a: empty date range: from=2022-01-01 is later than to=2021-01-01" in err
    code, out, err = cli(capsys, "export", "--where", "from=2025-06-01", "--where", "to=2025-01-01")
    assert code == 2


# ------------------------------------------------------------------------------------ the Inbox


def test_the_inbox_write_refuses_when_a_file_changed_and_lists_a_fifo(tmp_path, config):
    from diplodash.metrics.dataset import load_dataset
    from diplodash.extract.accept import AcceptError
    from diplodash.extract.inbox import ACCEPTED, Inbox

    table = write_small_table(tmp_path / "table")
    inbox_dir = tmp_path / "table-inbox"
    inbox_dir.mkdir()
    text, published = ARTICLES["monday"]
    (inbox_dir / "a.txt").write_text(text, encoding="utf-8")
    os.mkfifo(inbox_dir / "b.txt")
    with deadline(20):
        inbox = Inbox(config, load_dataset(config, table), published).load_folder(inbox_dir)
    assert any("b.txt" in e and "named pipe" in e for e in inbox.errors)
    for item in inbox.items:
        inbox.mark(item.id, ACCEPTED)
    with open(table / "contacts.csv", "a", encoding="utf-8") as handle:
        handle.write("late,2019-01-01,day,Vladimir Putin,Donald Trump,,phone,confirmed,,s1,x,\n")
    before = (table / "contacts.csv").read_bytes()
    with pytest.raises(AcceptError, match="changed since"):
        inbox.write()
    assert (table / "contacts.csv").read_bytes() == before


# ------------------------------------------------------------------------------ unexpected errors


@pytest.mark.parametrize("error", [RuntimeError("a bug"), MemoryError(), RecursionError("maximum recursion depth exceeded")])
def test_an_unexpected_error_is_a_short_message_naming_the_file(monkeypatch, capsys, error):
    import diplodash.metrics.readers as readers

    def broken(path, spec):
        from diplodash.metrics.safefile import note_file

        note_file(path)
        raise error

    monkeypatch.setattr("diplodash.metrics.dataset.read_table", broken)
    monkeypatch.setenv("DIPLODASH_CACHE_DIR", "off")  # a cached table would never reach the reader
    code, out, err = cli(capsys, "metrics")
    assert code == 1
    assert "diplodash: unexpected error while reading" in err and "contacts.csv" in err
    assert "please report it" in err and "--debug" in err
    assert "Traceback" not in err
    code, out, err = cli(capsys, "--debug", "metrics")
    assert code == 1 and "Traceback (most recent call last)" in err
    del readers


def test_the_real_binary_never_hangs_on_a_fifo(tmp_path):
    fifo = tmp_path / "contacts.csv"
    os.mkfifo(fifo)
    result = run("--data", str(tmp_path), "metrics", timeout=30)
    assert result.returncode == 1 and "is a named pipe (FIFO)" in result.stderr and "Traceback" not in result.stderr
    result = run("--config", "/dev/zero", "metrics", timeout=30)
    assert result.returncode == 1 and "character device" in result.stderr
