"""Snapshot diff (metrics/diff.py, diplodash diff, the Changes view) on hand-made pairs of snapshots.

Test data: the leaders, counterparts and rows below are invented. Each pair of snapshots is made by exporting
a small table, editing it (a contact added, a duration changed) and exporting again, or by editing an exported
folder (a metric cell changed, a column added). Every expected change is worked out by hand from these rows.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from fixture_tables import AS_OF, CONFIG, EXPORTED_AT, write_csv
from diplodash.cli import main
from diplodash.metrics.diff import current_side, diff_sides, read_snapshot, render_diff, snapshots_in
from diplodash.metrics.export import export_snapshot
from diplodash.metrics.schema import CONTACTS, REPORTS, SOURCES
from diplodash.metrics.selection import Selection

LEADER, OTHER = "Leader Alpha", "Counterpart Beta"
CONTACTS_ROWS = [
    # contact_id, date, format
    ("t1", "2024-03-01", "phone"),
    ("t2", "2024-05-10", "phone"),
    ("t3", "2025-01-20", "summit"),
]
REPORTS_ROWS = [
    # report_id, contact_id, duration_text
    ("t1/1", "t1", "30 minutes"),
    ("t2/1", "t2", "60 minutes"),
    ("t3/1", "t3", "2 hours"),
]


def write_table(folder: Path, contacts=CONTACTS_ROWS, reports=REPORTS_ROWS, excerpt: str = "x") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / "sources.csv", SOURCES.names, [{"source_id": "s1", "kind": "web", "outlet": "Test outlet"}])
    write_csv(folder / "contacts.csv", CONTACTS.names, [
        dict(contact_id=c, date=d, date_precision="day", leader=LEADER, counterpart=OTHER, format=f, status="confirmed", source_ids="s1", excerpt=excerpt)
        for c, d, f in contacts
    ])
    write_csv(folder / "reports.csv", REPORTS.names, [
        dict(report_id=r, contact_id=c, side="leader", duration_text=t, source_ids="s1", excerpt="x") for r, c, t in reports
    ])
    return folder


def load(config, folder: Path):
    from diplodash.metrics.dataset import load_dataset

    dataset = load_dataset(config, folder, today=AS_OF)
    assert not [p for p in dataset.problems if p.severity == "error"], dataset.problems
    return dataset


def export(config, table: Path, out: Path, name: str) -> Path:
    return export_snapshot(load(config, table), Selection(), "counterpart", out, name, as_of=AS_OF, exported_at=EXPORTED_AT)


@pytest.fixture
def pair(tmp_path, config):
    """Snapshot "old" of the three contacts; snapshot "new" after adding t4 (phone, 20 minutes) and changing
    t1's duration from 30 to 45 minutes."""
    table = write_table(tmp_path / "table")
    old = export(config, table, tmp_path / "exports", "old")
    write_table(table, CONTACTS_ROWS + [("t4", "2025-06-01", "phone")],
                [("t1/1", "t1", "45 minutes"), *REPORTS_ROWS[1:], ("t4/1", "t4", "20 minutes")])
    new = export(config, table, tmp_path / "exports", "new")
    return old, new, table


def changes_of(old: Path, new: Path) -> pl.DataFrame:
    return diff_sides(read_snapshot(old), read_snapshot(new))


def rows(frame: pl.DataFrame, section: str) -> set[tuple]:
    part = frame.filter(pl.col("section") == section)
    return {(r["change"], r["key"], r["column"], r["old"], r["new"]) for r in part.iter_rows(named=True)}


def test_same_snapshot_has_no_changes(pair):
    old, _, _ = pair
    assert changes_of(old, old).is_empty()


def test_contact_added_and_duration_changed(pair):
    old, new, _ = pair
    changes = changes_of(old, new)
    contacts = rows(changes, "contacts")
    added = [r for r in contacts if r[0] == "added"]
    assert len(added) == 1 and added[0][1] == "t4" and added[0][4].startswith("2025-06-01 · Leader Alpha · Counterpart Beta · phone")
    changed = {r for r in contacts if r[0] == "changed"}
    # t1's one account says 45 minutes now: its figure, its text and its min-max range all change
    assert changed == {
        ("changed", "t1", "duration_minutes", "30.0", "45.0"),
        ("changed", "t1", "duration_text", "30 minutes", "45 minutes"),
        ("changed", "t1", "duration_min", "30.0", "45.0"),
        ("changed", "t1", "duration_max", "30.0", "45.0"),
    }
    accounts = rows(changes, "accounts")
    assert ("changed", "t1/1", "duration_text", "30 minutes", "45 minutes") in accounts
    assert ("changed", "t1/1", "duration_minutes", "30.0", "45.0") in accounts
    assert {r[1] for r in accounts if r[0] == "added"} == {"t4/1"}
    assert not [r for r in contacts | accounts if r[0] == "removed"]


def test_metric_cells_changed_with_deltas(pair):
    old, new, _ = pair
    overview = diff_sides(read_snapshot(old), read_snapshot(new)).filter(pl.col("section") == "overview")
    cells = {r["column"]: (r["old"], r["new"], r["delta"]) for r in overview.iter_rows(named=True) if r["key"] == OTHER}
    # contacts 3 -> 4, calls (phone) 2 -> 3, with a duration 3 -> 4
    assert cells["contacts"] == ("3", "4", 1.0)
    assert cells["calls"] == ("2", "3", 1.0)
    assert cells["with_duration"] == ("3", "4", 1.0)
    # minutes: old 30, 60, 120 -> median 60, mean 70; new 45, 60, 120, 20 -> median (45+60)/2 = 52.5, mean 245/4 = 61.25
    assert cells["median_minutes"] == ("60.0", "52.5", -7.5)
    assert cells["mean_minutes"] == ("70.0", "61.25", -8.75)
    calls = diff_sides(read_snapshot(old), read_snapshot(new)).filter(pl.col("section") == "calls_per_year")
    # the calls of 2025 go from 0 (only the summit) to 1 (t4): keyed by group and year
    calls_2025 = {r["column"]: r["delta"] for r in calls.iter_rows(named=True) if r["key"] == f"group={OTHER}; year=2025"}
    assert calls_2025["calls"] == 1.0 and calls_2025["contacts"] == 1.0


def test_edited_metric_cell_and_added_column(tmp_path, config):
    table = write_table(tmp_path / "table")
    old = export(config, table, tmp_path / "exports", "old")
    new = tmp_path / "exports" / "edited"
    shutil.copytree(old, new)
    overview = pl.read_parquet(new / "overview.parquet")
    overview.with_columns(pl.lit(9, dtype=pl.UInt32).alias("meetings")).write_parquet(new / "overview.parquet")  # 1 -> 9
    text = (new / "contacts.csv").read_text(encoding="utf-8").splitlines()
    (new / "contacts.csv").write_text("\n".join([text[0] + ",checked_by"] + [line + ",desk" for line in text[1:]]) + "\n", encoding="utf-8")
    changes = changes_of(old, new)
    assert rows(changes, "contacts") == {("column added", "", "checked_by", None, None)}  # reported once, not per cell
    assert rows(changes, "overview") == {("changed", OTHER, "meetings", "1", "9")}
    assert changes.filter(pl.col("section") == "overview").get_column("delta").to_list() == [8.0]
    assert changes.height == 2


def test_current_table_against_its_own_snapshot_and_after_an_edit(pair, config):
    old, new, table = pair
    dataset = load(config, table)
    now = current_side(dataset, Selection(), "counterpart", as_of=AS_OF)
    assert diff_sides(read_snapshot(new), now).is_empty()  # the table as exported in "new"
    assert diff_sides(read_snapshot(old), now).equals(changes_of(old, new))


# ---------------------------------------------------------------------------------------------- command line


def run_cli(capsys, *args) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_formats(pair, capsys):
    old, new, _ = pair
    code, out, _ = run_cli(capsys, "diff", str(old), str(new), "--format", "csv")
    assert code == 0
    parsed = list(csv.DictReader(io.StringIO(out)))
    assert parsed[0].keys() == {"section", "change", "key", "column", "old", "new", "delta"}
    assert {"section": "contacts", "change": "added", "key": "t4"}.items() <= next(r for r in parsed if r["key"] == "t4").items()
    assert len(parsed) == changes_of(old, new).height

    code, out, _ = run_cli(capsys, "diff", str(old), str(new), "--format", "json")
    payload = json.loads(out)
    assert code == 0 and payload["old"]["label"] == "old" and payload["new"]["label"] == "new"
    assert payload["counts"]["contacts"] == {"added": 1, "changed": 4}
    assert len(payload["changes"]) == len(parsed)

    code, out, _ = run_cli(capsys, "diff", str(old), str(new))
    assert code == 0 and out.startswith("old: old (as of 2026-06-30)\nnew: new (as of 2026-06-30)\ncontacts: 1 added, 4 changed cells;")
    assert "t1" in out and "duration_text" in out

    code, out, _ = run_cli(capsys, "diff", str(old), str(new), "--format", "markdown")
    assert code == 0 and "## contacts" in out and "## overview" in out and "| changed | t1 | duration_text | 30 minutes | 45 minutes |" in out

    code, out, _ = run_cli(capsys, "diff", str(old), str(old), "--format", "table")
    assert code == 0 and out.endswith("no changes\n")


def test_cli_html_escapes_every_cell(tmp_path, config, capsys):
    table = write_table(tmp_path / "table")
    old = export(config, table, tmp_path / "exports", "old")
    write_table(table, excerpt='<b>&"x"</b>')
    new = export(config, table, tmp_path / "exports", "new")
    code, out, _ = run_cli(capsys, "diff", str(old), str(new), "--format", "html")
    assert code == 0 and out.startswith("<!DOCTYPE html>")
    assert "&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;" in out and "<b>" not in out


def test_cli_against_current_and_output_file(pair, tmp_path, capsys):
    old, new, table = pair
    target = tmp_path / "changes.json"
    code, out, _ = run_cli(capsys, "diff", str(old), "--config", str(CONFIG), "--data", str(table), "--as-of", "2026-06-30", "--format", "json", "--output", str(target))
    assert code == 0 and out.strip() == str(target)
    payload = json.loads(target.read_text(encoding="utf-8"))
    assert payload["new"]["label"] == "current" and payload["counts"]["contacts"] == {"added": 1, "changed": 4}
    code, out, _ = run_cli(capsys, "diff", str(new), "current", "--config", str(CONFIG), "--data", str(table), "--as-of", "2026-06-30")
    assert code == 0 and "no changes" in out


def test_cli_bad_folders(tmp_path, pair, capsys):
    old, _, _ = pair
    code, _, err = run_cli(capsys, "diff", str(tmp_path / "nowhere"), str(old))
    assert code == 1 and f"{tmp_path / 'nowhere'}: no such folder" in err and "Traceback" not in err
    code, _, err = run_cli(capsys, "diff", str(tmp_path), str(old))
    assert code == 1 and "manifest.json: missing" in err
    broken = tmp_path / "broken"
    shutil.copytree(old, broken)
    (broken / "manifest.json").write_text('{\n  "tool": "diplodash",\n  oops\n}\n', encoding="utf-8")
    code, _, err = run_cli(capsys, "diff", str(old), str(broken))
    assert code == 1 and f"{broken / 'manifest.json'}:3:3: not valid JSON" in err
    shutil.copytree(old, tmp_path / "no-parquet")
    (tmp_path / "no-parquet" / "tone.parquet").unlink()
    code, _, err = run_cli(capsys, "diff", str(old), str(tmp_path / "no-parquet"))
    assert code == 1 and "tone.parquet: missing from the snapshot" in err
    (broken / "manifest.json").write_text(json.dumps({"tool": "diplodash"}), encoding="utf-8")
    (broken / "contacts.csv").write_bytes(b"contact_id\n\xff\xfe\n")
    code, _, err = run_cli(capsys, "diff", str(old), str(broken))
    assert code == 1 and f"{broken / 'contacts.csv'}:2:1: not UTF-8 text" in err
    with pytest.raises(SystemExit) as usage:
        main(["diff", str(old), "--format", "xml"])
    assert usage.value.code == 2 and "invalid choice: 'xml'" in capsys.readouterr().err
    code, _, err = run_cli(capsys, "diff", str(old), str(old), "--output", str(tmp_path / "missing-folder" / "x.html"))
    assert code == 3 and "cannot write" in err


def test_snapshots_newest_first(pair):
    old, new, _ = pair
    manifest = json.loads((old / "manifest.json").read_text(encoding="utf-8"))
    manifest["created"] = "2026-07-08T09:30:00+00:00"  # a week after "new"
    (old / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (old.parent / "not-a-snapshot").mkdir()
    assert snapshots_in(old.parent) == [old, new]
    assert render_diff(changes_of(old, new), "table", read_snapshot(old), read_snapshot(new)).count("\n") > 10


# ---------------------------------------------------------------------------------------------- the view


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.mark.anyio
async def test_changes_view_follows_the_selection(tmp_path, config):
    from diplodash.tui.app import DiplodashApp
    from test_app_pilot import loaded, wait_for

    table = write_table(tmp_path / "table")
    exports = tmp_path / "exports"
    export(config, table, exports, "old")
    write_table(table, CONTACTS_ROWS + [("t4", "2025-06-01", "phone")], [("t1/1", "t1", "45 minutes"), *REPORTS_ROWS[1:], ("t4/1", "t4", "20 minutes")])
    app = DiplodashApp(config_flag=str(CONFIG), data=str(table), watch=False, export_dir=exports, as_of=AS_OF, view="overview")
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot, app)
        await pilot.press("d")
        view = app.query_one("#view-changes")
        await wait_for(pilot, lambda: view.changes is not None, what="changes")
        contacts = view.changes.filter(pl.col("section") == "contacts")
        assert {r["key"] for r in contacts.iter_rows(named=True) if r["change"] == "added"} == {"t4"}
        caption = str(view.query_one("#changes-caption").render())
        assert "Since old (newest): contacts: 1 added, 4 changed cells" in caption
        assert view.table.row_count == view.changes.height > 0
        # only the 2024 contacts: t3 and t4 are outside; the caption says the selections differ
        before = view.changes
        app.set_selection(Selection(years=(2024,)))
        await wait_for(pilot, lambda: view.changes is not before and app._current(app.data), what="recomputed changes")
        await pilot.pause(0.2)
        await wait_for(pilot, lambda: view.data is app.data and view.changes is not before, what="changes of the new selection")
        removed = {r["key"] for r in view.changes.filter((pl.col("section") == "contacts") & (pl.col("change") == "removed")).iter_rows(named=True)}
        assert removed == {"t3"}
        assert "the selections differ" in str(view.query_one("#changes-caption").render())


def test_changes_view_shortens_long_decimals_only():
    from diplodash.tui.views.changes import display_frame

    frame = pl.DataFrame({"old": ["1.8699520876112252", "337", "45.0", "2025-01-20 → 2026-12-03", None], "new": ["-0.123456", "x", "1.5", "", "2"]})
    shown = display_frame(frame)
    assert shown.get_column("old").to_list() == ["1.87", "337", "45.0", "2025-01-20 → 2026-12-03", None]
    assert shown.get_column("new").to_list() == ["-0.1235", "x", "1.5", "", "2"]


@pytest.mark.anyio
async def test_changes_view_steps_to_an_older_snapshot_and_says_when_there_is_none(tmp_path, config):
    from diplodash.tui.app import DiplodashApp
    from test_app_pilot import loaded, wait_for

    table = write_table(tmp_path / "table")
    exports = tmp_path / "exports"
    app = DiplodashApp(config_flag=str(CONFIG), data=str(table), watch=False, export_dir=exports, as_of=AS_OF, view="changes")
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot, app)
        view = app.query_one("#view-changes")
        caption = view.query_one("#changes-caption")
        await wait_for(pilot, lambda: "No snapshot in" in str(caption.render()), what="no snapshot caption")
        first = export(config, table, exports, "a-first")
        manifest = json.loads((first / "manifest.json").read_text(encoding="utf-8"))
        manifest["created"] = "2026-06-01T09:30:00+00:00"  # a month before the second
        (first / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        write_table(table, CONTACTS_ROWS[:2], REPORTS_ROWS[:2])  # t3 deleted
        export(config, table, exports, "b-second")
        await pilot.press("1", "d")
        await wait_for(pilot, lambda: "Since b-second (newest)" in str(caption.render()), what="newest base")
        # the app still shows the three contacts it loaded (no reload): against b-second, t3 and its account are added
        added = view.changes.filter(pl.col("change") == "added")
        assert {(r["section"], r["key"]) for r in added.iter_rows(named=True) if r["section"] in ("contacts", "accounts")} == {("contacts", "t3"), ("accounts", "t3/1")}
        await pilot.press("b")
        await wait_for(pilot, lambda: "Since a-first (2 of 2, newest first)" in str(caption.render()), what="older base")
        # a-first holds the very table the app shows: no contact or account changed; its metrics were grouped by
        # counterpart (the app groups by period), and the caption says so
        assert view.changes.filter(pl.col("section").is_in(["contacts", "accounts"])).is_empty()
        assert "the groupings differ: old counterpart, new period" in str(caption.render())
        await pilot.press("b")
        await wait_for(pilot, lambda: "Since b-second (newest)" in str(caption.render()), what="round again")
