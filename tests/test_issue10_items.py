"""One regression test per numbered item of the issue "Figures that stay right under every filter, grouping
and date" (items 1 and 6, charts, are in test_app_pilot.py / test_charts). Expected figures are counted by
hand from seeds/contacts.csv (the lines are quoted in the comments)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from fixture_tables import AS_OF, CONFIG, EXPORTED_AT, ROOT
from diplodash.config import parse_config
from diplodash.metrics.dataset import load_dataset
from diplodash.metrics.export import export_snapshot
from diplodash.metrics.render import compare_text
from diplodash.metrics.selection import Selection
from diplodash.metrics.snapshot import compare_selections, compute_metric, compute_snapshot, default_comparison

PUTIN = Selection(leaders=("Vladimir Putin",))


def rows_by_group(frame: pl.DataFrame) -> dict[str, dict]:
    return {r["group"]: r for r in frame.iter_rows(named=True)}


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "diplodash", "--as-of", AS_OF.isoformat(), *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_item_02_a_date_filter_narrows_the_window(seeds_dataset):
    # Putin-Biden calls from 2021-06-01 to 2021-12-31: 2021-07-09 phone, 2021-12-07 video_call, 2021-12-30 phone.
    selection = Selection(leaders=("Vladimir Putin",), counterparts=("Joe Biden",), date_from=dt.date(2021, 6, 1), date_to=dt.date(2021, 12, 31))
    row = compute_metric(seeds_dataset, "overview", selection, "counterpart", as_of=AS_OF).row(0, named=True)
    assert (row["calls"], row["calls_in_window"]) == (3, 3)
    assert row["window"] == "2021-06-01 → 2022-01-01, 0.6 y"
    assert row["calls_per_year"] == pytest.approx(3 / (214 / 365.25))


def test_item_02_the_same_contacts_give_the_same_rate_by_period_and_by_counterpart(seeds_dataset):
    by_period = rows_by_group(compute_metric(seeds_dataset, "overview", PUTIN, "period", as_of=AS_OF))["Biden"]
    by_counterpart = rows_by_group(compute_metric(seeds_dataset, "overview", PUTIN, "counterpart", as_of=AS_OF))["Joe Biden"]
    assert by_period["calls"] == by_counterpart["calls"] == 6
    assert by_period["window"] == by_counterpart["window"] == "2021-01-20 → 2025-01-20, 4.0 y"
    assert by_period["calls_per_year"] == pytest.approx(by_counterpart["calls_per_year"]) == pytest.approx(6 / (1461 / 365.25))


def test_item_02_no_span_of_one_year_by_default_and_a_year_filter_keeps_its_year(seeds_dataset):
    groups = rows_by_group(compute_metric(seeds_dataset, "overview", PUTIN, "counterpart", as_of=AS_OF))
    orban = groups["Viktor Orbán"]  # one contact; no period configured for Orbán: exposed from the table's first contact
    assert orban["window_start"] == seeds_dataset.contacts.get_column("date").min() and orban["window_end"] == AS_OF + dt.timedelta(days=1)
    summit = rows_by_group(compute_metric(seeds_dataset, "overview", PUTIN, "format", as_of=AS_OF))["summit"]
    assert summit["years"] != pytest.approx(7.086)  # no longer first-to-last contact
    year = compute_metric(seeds_dataset, "overview", Selection(leaders=("Vladimir Putin",), years=(2025,)), "none", as_of=AS_OF).row(0, named=True)
    assert year["window_start"] >= dt.date(2025, 1, 1) and year["window_end"] <= dt.date(2026, 1, 1)
    assert year["years"] <= 1.0


def test_item_02_the_open_term_ends_at_the_as_of_date_not_the_calendar(seeds_dataset):
    early = rows_by_group(compute_metric(seeds_dataset, "overview", PUTIN, "period", as_of=dt.date(2026, 3, 31)))["Trump 2nd term"]
    late = rows_by_group(compute_metric(seeds_dataset, "overview", PUTIN, "period", as_of=AS_OF))["Trump 2nd term"]
    assert early["window"] == "2025-01-20 → 2026-03-31 (as of), 1.2 y"
    assert late["window"] == "2025-01-20 → 2026-06-30 (as of), 1.4 y"
    assert early["calls"] == late["calls"] == 11 and early["calls_per_year"] > late["calls_per_year"]


def test_item_03_calls_are_phone_and_video_only(seeds_dataset):
    first = rows_by_group(compute_metric(seeds_dataset, "overview", PUTIN, "period", as_of=AS_OF))["Trump 1st term"]
    assert (first["calls"], first["multi_party_calls"]) == (16, 2)  # README and the Kremlin list: 16 one-on-one calls
    per_year = compute_metric(seeds_dataset, "calls_per_year", Selection(leaders=("Vladimir Putin",), periods=("Trump 1st term",)), "none", as_of=AS_OF)
    assert per_year.get_column("calls").sum() == 16 and per_year.get_column("multi_party_calls").sum() == 2


def test_item_04_a_month_date_is_shown_as_a_month_everywhere(seeds_dataset, tmp_path):
    from diplodash.tui.state import contacts_table

    orban = Selection(counterparts=("Viktor Orbán",))
    row = compute_metric(seeds_dataset, "overview", orban, "none", as_of=AS_OF).row(0, named=True)
    assert (row["first"], row["last"]) == ("2025-10", "2025-10")
    from diplodash.metrics.export import selected_contacts

    assert contacts_table(selected_contacts(seeds_dataset, orban)).get_column("date").to_list() == ["2025-10"]
    out = cli("metrics", "overview", "--where", "counterpart=Viktor Orbán", "--format", "csv")
    assert out.returncode == 0, out.stderr
    assert ",2025-10,2025-10," in out.stdout and "2025-10-01" not in out.stdout
    folder = export_snapshot(seeds_dataset, orban, "none", tmp_path, as_of=AS_OF, exported_at=EXPORTED_AT)
    exported = pl.read_csv(folder / "contacts.csv", infer_schema=False)
    assert exported.get_column("date").to_list() == ["2025-10"] and exported.get_column("date_start").to_list() == ["2025-10-01"]


def test_item_05_calls_per_year_shows_every_year_of_the_window(seeds_dataset):
    biden = compute_metric(seeds_dataset, "calls_per_year", Selection(leaders=("Vladimir Putin",), counterparts=("Joe Biden",)), "counterpart", as_of=AS_OF)
    years = {r["year"]: r for r in biden.iter_rows(named=True)}
    assert sorted(years) == [2021, 2022, 2023, 2024, 2025]
    assert (years[2023]["calls"], years[2024]["calls"]) == (0, 0) and years[2024]["window_days"] == 366
    assert years[2021]["calls"] == 5 and years[2022]["calls"] == 1  # five calls in 2021, 2022-02-12


def test_item_07_compare_lies_within_the_filter_shows_integers_and_is_exported(seeds_dataset, tmp_path):
    within = Selection(formats=("phone",), leaders=("Vladimir Putin",))
    frame = compare_selections(seeds_dataset, Selection(periods=("Biden",)), Selection(periods=("Trump 2nd term",)), as_of=AS_OF, within=within)
    got = {r["metric"]: r for r in frame.iter_rows(named=True)}
    assert got["calls"]["a"] == 5  # Biden's phone calls: the video call of 2021-12-07 is outside the filter
    text = {r["metric"]: r for r in compare_text(frame).iter_rows(named=True)}
    assert text["calls"]["a"] == "5" and text["contacts"]["b"] == "11" and text["initiated_leader"]["a"].endswith("%")
    folder = export_snapshot(
        seeds_dataset, within, "period", tmp_path, as_of=AS_OF, exported_at=EXPORTED_AT,
        comparison=(Selection(periods=("Biden",), label="Biden"), Selection(periods=("Trump 2nd term",), label="Trump 2nd term")),
    )
    assert pl.read_csv(folder / "compare.csv").filter(pl.col("metric") == "calls").get_column("a").to_list() == [5.0]
    assert "compare" in json.loads((folder / "metrics.json").read_text())
    assert json.loads((folder / "manifest.json").read_text())["comparison"]["a"] == "Biden"
    assert "## Compare" in (folder / "report.md").read_text()
    out = cli("compare", "--a", "period=Biden", "--b", "period=Trump 2nd term", "--where", "format=phone", "--export", "--out", str(tmp_path / "cli"))
    assert out.returncode == 0, out.stderr
    assert "both within: format=phone" in out.stdout
    written = Path(out.stdout.strip().splitlines()[-1])
    assert (written / "compare.csv").is_file()


def test_item_08_groups_in_natural_order_in_every_metric(seeds_dataset):
    snapshot = compute_snapshot(seeds_dataset, Selection(all_statuses=True), "period", as_of=AS_OF)
    expected = ["Trump 1st term", "Biden", "Trump transition", "Trump 2nd term", "(no period)"]
    for name in ("overview", "calls_per_year", "initiators", "durations", "tone"):
        groups = list(dict.fromkeys(snapshot[name].get_column("group").to_list()))
        assert groups == [g for g in expected if g in groups], name
    years = compute_metric(seeds_dataset, "overview", Selection(), "year", as_of=AS_OF).get_column("group").to_list()
    assert years == sorted(years, key=int)


def test_item_09_exports_carry_the_export_time(seeds_dataset, tmp_path):
    seeds_dataset.loaded_at = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
    folder = export_snapshot(seeds_dataset, Selection(), "period", tmp_path, as_of=AS_OF, exported_at=EXPORTED_AT)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert folder.name == "snapshot-20260701-093000"
    assert manifest["created"] == EXPORTED_AT.isoformat(timespec="seconds") and manifest["as_of"] == AS_OF.isoformat()
    assert manifest["data_loaded"].startswith("2020-01-01")
    reports = pl.read_csv(folder / "reports.csv", infer_schema=False)
    contacts = pl.read_csv(folder / "contacts.csv", infer_schema=False)
    assert set(reports.get_column("contact_id")) <= set(contacts.get_column("contact_id"))
    assert {"excerpt", "notes"} <= set(contacts.columns) and reports.height > contacts.height
    assert (folder / "sources.csv").is_file()


def test_item_10_the_minimal_contacts_file_works(config, tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text("contact_id,date,leader,counterpart,format\na,2021-03-01,A,B,phone\nb,2021-05,A,B,in_person\n", encoding="utf-8")
    dataset = load_dataset(config, path)
    got = {r["contact_id"]: r for r in dataset.contacts.iter_rows(named=True)}
    assert got["b"]["date_precision"] == "month" and got["b"]["date_text"] == "2021-05"
    assert got["a"]["status"] == "confirmed" and got["a"]["initiator"] == "unknown" and got["a"]["reports"] == 0
    overview = compute_metric(dataset, "overview", Selection(), "none", as_of=AS_OF).row(0, named=True)
    assert (overview["calls"], overview["meetings"]) == (1, 1)


def test_item_11_the_default_comparison_comes_from_the_config(seeds_dataset, tmp_path):
    text = CONFIG.read_text(encoding="utf-8")
    a, b = default_comparison(seeds_dataset)
    assert (a.periods, b.periods) == (("Biden",), ("Trump 2nd term",))  # the bundled config's compare_a / compare_b
    plain = parse_config(text.replace('compare_a = ["period=Biden"]\n', "").replace('compare_b = ["period=Trump 2nd term"]\n', ""), CONFIG)
    assert plain.compare_a == ()
    fallback = default_comparison(load_dataset(plain))
    assert fallback is not None and (fallback[0].periods, fallback[1].periods) == (("Trump transition",), ("Trump 2nd term",))  # the two latest by start
    source = (ROOT / "tui" / "state.py").read_text(encoding="utf-8")
    assert "Biden" not in source and "Trump" not in source


# Runs the command line with the Python clock (time.time, datetime.now, date.today, at the C level) moved by
# argv[1] days, after checking that it moved.
TRAVEL = r"""
import datetime, sys, time, time_machine
real = datetime.date.today()
with time_machine.travel(datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=int(sys.argv[1])), tick=True):
    if int(sys.argv[1]):
        assert datetime.date.today() > real and datetime.date.fromtimestamp(time.time()) > real, "the clock did not move"
    from diplodash.cli import main
    sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.parametrize("command", [["metrics", "overview"], ["metrics", "calls_per_year", "--by", "period,leader"], ["compare", "--a", "period=Biden", "--b", "period=Trump 2nd term"], ["metrics", "coverage", "--by", "year"]])
def test_item_12_the_same_figures_a_year_and_ten_years_ahead(command):
    """No figure follows the calendar: the same command gives the same output with the clock moved (time-machine)."""
    args = ["--as-of", AS_OF.isoformat(), *command, "--format", "csv"]
    runs = [subprocess.run([sys.executable, "-c", TRAVEL, str(days), *args], capture_output=True, text=True, cwd=ROOT, timeout=120) for days in (0, 365, 3653)]
    for run in runs:
        assert run.returncode == 0, run.stderr
    assert runs[0].stdout and runs[0].stdout == runs[1].stdout == runs[2].stdout


def test_item_12_no_wall_clock_the_suite_passes_a_year_ahead(tmp_path):
    """The same command gives the same figures with the system date a year ahead for the whole process, Rust
    included (libfaketime, when the machine has it; the time-machine test above always runs)."""
    import shutil

    faketime = shutil.which("faketime")
    if faketime is None:
        pytest.skip("libfaketime is not installed (optional: the time-machine test moves the Python clock)")
    args = [sys.executable, "-m", "diplodash", "--as-of", AS_OF.isoformat(), "metrics", "overview", "--format", "csv"]
    now = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, timeout=120)
    ahead = subprocess.run([faketime, "-f", "+365d", *args], capture_output=True, text=True, cwd=ROOT, timeout=120)
    check = subprocess.run([faketime, "-f", "+365d", sys.executable, "-c", "import datetime; print(datetime.date.today())"], capture_output=True, text=True, timeout=60)
    import os

    if "FAKETIME" not in os.environ:  # (when the whole suite already runs a year ahead, both clocks are moved alike)
        assert check.stdout.strip() > dt.date.today().isoformat()  # the clock really moved
    assert now.returncode == ahead.returncode == 0 and now.stdout == ahead.stdout
