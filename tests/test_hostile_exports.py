"""Exports: whole or nothing, never overwriting, safe names, formula-neutral CSV, escaped Markdown."""

from __future__ import annotations

import errno
import json
import os

import polars as pl
import pytest

from diplodash.metrics import atomic
from diplodash.metrics.atomic import AtomicFolder, ExportError, safe_name, write_file
from diplodash.metrics.export import export_snapshot
from diplodash.metrics.render import neutralise, to_csv, to_markdown, to_table, visible
from diplodash.metrics.selection import Selection
from fixture_tables import AS_OF, EXPORTED_AT


def test_formula_cells_are_neutralised():
    frame = pl.DataFrame({"text": ["=HYPERLINK(\"x\")", "+1", "-cmd", "@SUM(A1)", "plain"], "number": [-1.5, 2.0, 3.0, 4.0, 5.0]})
    lines = to_csv(frame).splitlines()
    assert lines[1].startswith("\"'=HYPERLINK") and lines[1].endswith(",-1.5")  # numbers keep their sign
    assert [line.split(",")[0] for line in lines[2:]] == ["'+1", "'-cmd", "'@SUM(A1)", "plain"]
    assert neutralise("\tx") == "'\tx"


def test_markdown_escapes_pipes_newlines_and_controls():
    text = to_markdown(pl.DataFrame({"a|b": ["x|y\nz", "\x1b[31mred"]}))
    assert "| a\\|b |" in text and "| x\\|y z |" in text and "\\x1b[31mred" in text and "\x1b" not in text


def test_terminal_table_shows_control_characters_as_escapes():
    assert "\x1b" not in to_table(pl.DataFrame({"x": ["\x1b]0;title\x07", "\u202egnp.exe"]}))
    assert visible("a\u200bb") == "a\\u200bb"


@pytest.mark.parametrize("name", ["..", "../escape", "/etc/passwd", ".hidden", "a/b", "", "x" * 200, "a..b"])
def test_unsafe_names_are_refused(name):
    with pytest.raises(ExportError, match="unsafe name"):
        safe_name(name)


def test_existing_snapshot_is_never_overwritten(small_dataset, tmp_path):
    out = tmp_path / "out"
    first = export_snapshot(small_dataset, Selection(), "period", out, "snap", as_of=AS_OF, exported_at=EXPORTED_AT)
    before = (first / "manifest.json").read_bytes()
    with pytest.raises(ExportError, match="never overwritten"):
        export_snapshot(small_dataset, Selection(), "year", out, "snap", as_of=AS_OF, exported_at=EXPORTED_AT)
    assert (first / "manifest.json").read_bytes() == before
    assert [p.name for p in out.iterdir()] == ["snap"]  # the aborted attempt left nothing behind


def test_symlink_at_the_final_name_is_not_followed(small_dataset, tmp_path):
    target = tmp_path / "elsewhere"
    target.mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "snap").symlink_to(target)
    with pytest.raises(ExportError):
        export_snapshot(small_dataset, Selection(), "period", tmp_path / "out", "snap", as_of=AS_OF, exported_at=EXPORTED_AT)
    assert list(target.iterdir()) == []
    link = tmp_path / "file-link"
    link.symlink_to(tmp_path / "victim")
    with pytest.raises(ExportError, match="symbolic link"):
        write_file(link, "x")
    assert not (tmp_path / "victim").exists()


def test_failure_midway_leaves_no_partial_snapshot(small_dataset, tmp_path, monkeypatch):
    real_write = AtomicFolder.write
    calls = {"n": 0}

    def failing_write(self, relative, data):
        calls["n"] += 1
        if calls["n"] == 5:
            raise ExportError(f"cannot write {relative} in {self.parent}: {os.strerror(errno.ENOSPC)}")
        return real_write(self, relative, data)

    monkeypatch.setattr(AtomicFolder, "write", failing_write)
    with pytest.raises(ExportError, match="No space left on device"):
        export_snapshot(small_dataset, Selection(), "period", tmp_path / "out", "snap", as_of=AS_OF, exported_at=EXPORTED_AT)
    assert list((tmp_path / "out").iterdir()) == []


def test_killed_export_leaves_no_snapshot(small_table, tmp_path):
    """SIGKILL in the middle of an export: the final name never appears, only a hidden partial folder."""
    import signal
    import subprocess
    import sys

    from fixture_tables import CONFIG, ROOT

    out = tmp_path / "out"
    script = f"""
import sys, time
from diplodash.metrics.atomic import AtomicFolder
real = AtomicFolder.write
def slow(self, relative, data):
    path = real(self, relative, data)
    if relative == "overview.parquet":
        print("WRITING", flush=True)
        time.sleep(60)
    return path
AtomicFolder.write = slow
from diplodash.cli import main
sys.exit(main(["export", "--out", {str(out)!r}, "--name", "snap", "--data", {str(small_table)!r}, "--config", {str(CONFIG)!r}]))
"""
    process = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "WRITING"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert not (out / "snap").exists()
    leftovers = [p.name for p in out.iterdir()]
    assert len(leftovers) == 1 and leftovers[0].startswith(".snap.partial-")


def test_snapshot_is_complete_and_consistent(small_dataset, tmp_path):
    folder = export_snapshot(small_dataset, Selection(counterparts=("Joe Biden",)), "year", tmp_path, as_of=AS_OF, exported_at=EXPORTED_AT)
    manifest = json.loads((folder / "manifest.json").read_text())
    for name, digest in manifest["files"].items():
        import hashlib

        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    metrics = json.loads((folder / "metrics.json").read_text())
    assert metrics["overview"]["rows"][0]["group"] == "2021"
    assert manifest["selection"]["counterparts"] == ["Joe Biden"]
    report = (folder / "report.md").read_text()
    assert "- Selection: counterpart=Joe Biden" in report and "## Initiators" in report


def test_unwritable_parent_is_a_clear_error(small_dataset, tmp_path, monkeypatch):
    monkeypatch.setattr(atomic.os, "access", lambda path, mode: False)
    with pytest.raises(ExportError, match="is not writable"):
        export_snapshot(small_dataset, Selection(), "period", tmp_path / "ro", as_of=AS_OF, exported_at=EXPORTED_AT)


def test_markdown_rounds_floats_for_people_and_csv_keeps_every_digit():
    frame = pl.DataFrame({"mean": [91.66666666666667, 4.0, -0.0001], "n": [1, 2, 3]})
    markdown = to_markdown(frame)
    assert "| 91.667 | 1 |" in markdown and "| 4 | 2 |" in markdown and "| 0 | 3 |" in markdown
    assert "91.66666666666667" in to_csv(frame)
