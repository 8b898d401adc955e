"""Every metric on the small hand-made table (tests/fixture_tables.py), against figures computed by hand."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from diplodash.metrics.selection import Selection, SelectionError, check_grouping
from diplodash.metrics.snapshot import compare_selections, compute_metric, compute_snapshot
from fixture_tables import AS_OF


def rows(frame: pl.DataFrame, *columns: str) -> list[tuple]:
    return [tuple(r) for r in frame.select(columns).rows()]


def by_group(frame: pl.DataFrame, group: str) -> dict:
    return frame.filter(pl.col("group") == group).row(0, named=True)


def test_derived_columns(small_dataset):
    contacts = small_dataset.contacts.sort("contact_id")
    got = {r["contact_id"]: r for r in contacts.iter_rows(named=True)}
    # exact before qualified: the White House's 62 minutes beats the Kremlin's "about an hour"
    assert got["c1"]["duration_minutes"] == 62 and got["c1"]["duration_side"] == "counterpart"
    assert (got["c1"]["duration_min"], got["c1"]["duration_max"]) == (60, 62)
    # both exact and equal: the leader side wins by priority, and the contact is not disputed
    assert got["c3"]["duration_side"] == "leader" and got["c3"]["duration_figures"] == 1
    assert got["c2"]["duration_minutes"] == 201
    assert got["c4"]["duration_qualifier"] == "almost" and got["c4"]["duration_minutes"] == 90
    assert got["c5"]["duration_minutes"] is None
    # initiator: agreement, disagreement, silence
    assert (got["c1"]["initiator"], got["c1"]["initiator_side"]) == ("counterpart", "counterpart")
    assert (got["c3"]["initiator"], got["c3"]["initiator_side"], got["c3"]["initiator_disputed"]) == ("disputed", "unknown", True)
    assert got["c4"]["initiator"] == "unknown"
    assert got["c5"]["initiator_name"] == "Vladimir Putin"
    # tone per side
    assert got["c1"]["tone_labels_leader"] == ["businesslike", "frank"]
    assert got["c1"]["tone_labels_counterpart"] == ["substantive"]
    assert sorted(got["c1"]["tone_labels"]) == ["businesslike", "frank", "substantive"]
    # year, precision and period
    assert got["c5"]["date"] == dt.date(2025, 5, 1) and got["c5"]["date_precision"] == "month"
    assert got["c6"]["period"] == "Trump transition" and got["c6"]["counted"] is False
    assert got["c7"]["period"] == "Trump 2nd term" and got["c1"]["year"] == 2021


def test_calls_per_year(small_dataset):
    # Windows (metrics.window), as of 2026-06-30, the table's first contact 2021-03-01: Biden from 2021-03-01
    # to 2025-01-20, Trump's second term from 2025-01-20 to the as-of date. Every year of the window is a row.
    frame = compute_metric(small_dataset, "calls_per_year", Selection(), "period", as_of=AS_OF)
    assert rows(frame, "group", "year", "calls", "meetings", "contacts", "window_days", "calls_in_window") == [
        ("Biden", 2021, 1, 1, 2, 306, 1),  # 2021-03-01 .. 2021-12-31
        ("Biden", 2022, 1, 0, 1, 365, 1),
        ("Biden", 2023, 0, 0, 0, 365, 0),
        ("Biden", 2024, 0, 0, 0, 366, 0),
        ("Biden", 2025, 0, 0, 0, 19, 0),  # 2025-01-01 .. 2025-01-19
        ("Trump 2nd term", 2025, 2, 1, 3, 346, 2),  # 2025-01-20 .. 2025-12-31
        ("Trump 2nd term", 2026, 0, 0, 0, 181, 0),  # 2026-01-01 .. 2026-06-30 (as of)
    ]


def test_calls_per_year_fills_empty_years(small_dataset):
    frame = compute_metric(small_dataset, "calls_per_year", Selection(), "none", as_of=AS_OF)
    assert rows(frame, "year", "contacts") == [(2021, 2), (2022, 1), (2023, 0), (2024, 0), (2025, 3), (2026, 0)]


def test_initiators_keep_unknown_and_sum_to_one(small_dataset):
    frame = compute_metric(small_dataset, "initiators", Selection(), "period", as_of=AS_OF)
    assert rows(frame.filter(pl.col("group") == "Biden"), "initiator_side", "contacts", "disputed") == [
        ("leader", 0, 0),
        ("counterpart", 2, 0),
        ("unknown", 1, 1),
    ]
    trump = frame.filter(pl.col("group") == "Trump 2nd term")
    assert trump.get_column("share").to_list() == pytest.approx([1 / 3, 0, 2 / 3])


def test_durations(small_dataset):
    frame = compute_metric(small_dataset, "durations", Selection(), "period", as_of=AS_OF)
    biden = frame.filter((pl.col("group") == "Biden") & (pl.col("basis") == "default")).row(0, named=True)
    assert (biden["contacts"], biden["with_duration"], biden["min"], biden["median"], biden["max"], biden["total"], biden["disputed"]) == (3, 3, 50, 62, 201, 313, 2)
    assert biden["mean"] == pytest.approx(313 / 3)
    leader = frame.filter((pl.col("group") == "Biden") & (pl.col("basis") == "leader")).row(0, named=True)
    assert (leader["with_duration"], leader["median"]) == (2, 55)
    press = frame.filter((pl.col("group") == "Biden") & (pl.col("basis") == "press")).row(0, named=True)
    assert (press["with_duration"], press["median"]) == (1, 180)
    trump = frame.filter((pl.col("group") == "Trump 2nd term") & (pl.col("basis") == "default")).row(0, named=True)
    assert (trump["with_duration"], trump["median"], trump["total"]) == (2, 135, 270)


def test_tone(small_dataset):
    frame = compute_metric(small_dataset, "tone", Selection(), "period", as_of=AS_OF)
    trump_all = frame.filter((pl.col("group") == "Trump 2nd term") & (pl.col("side") == "all"))
    assert rows(trump_all, "label", "contacts") == [("constructive", 3), ("frank", 1), ("useful", 1)]
    assert trump_all.get_column("share").to_list() == pytest.approx([1.0, 1 / 3, 1 / 3])
    biden_counterpart = frame.filter((pl.col("group") == "Biden") & (pl.col("side") == "counterpart"))
    assert rows(biden_counterpart, "label", "contacts") == [("substantive", 1)]
    assert frame.filter(pl.col("label") == "constructive").get_column("valence").unique().to_list() == [1.0]


def test_coverage_and_statuses(small_dataset):
    frame = compute_metric(small_dataset, "coverage", Selection(), "none", as_of=AS_OF)
    assert rows(frame, "claim_id", "claimed", "enumerated", "gap") == [("trump-2025-calls", 3, 2, 1), ("trump-late-2024-calls", 1, 0, 1)]
    assert frame.get_column("coverage").to_list()[0] == pytest.approx(2 / 3)
    everything = compute_metric(small_dataset, "coverage", Selection(all_statuses=True), "none", as_of=AS_OF)
    assert everything.get_column("enumerated").to_list() == [2, 1]  # the denied call counts only on request


def test_overview(small_dataset):
    frame = compute_metric(small_dataset, "overview", Selection(), "period", as_of=AS_OF )
    biden = by_group(frame, "Biden")
    assert (biden["contacts"], biden["calls"], biden["multi_party_calls"], biden["meetings"]) == (3, 2, 0, 1)
    # 2021-03-01 (the table's first contact; the term began 2021-01-20) to 2025-01-20: 1461 - 40 days
    assert (biden["window_start"], biden["window_end"]) == (dt.date(2021, 3, 1), dt.date(2025, 1, 20))
    assert biden["years"] == pytest.approx(1421 / 365.25)
    assert biden["calls_per_year"] == pytest.approx(2 / (1421 / 365.25))
    assert biden["window"] == "2021-03-01 → 2025-01-20, 3.9 y"
    trump = by_group(frame, "Trump 2nd term")
    assert trump["window"] == "2025-01-20 → 2026-06-30 (as of), 1.4 y"
    assert trump["years"] == pytest.approx(527 / 365.25) and trump["calls_per_year"] == pytest.approx(2 / (527 / 365.25))
    assert (trump["first"], trump["last"]) == ("2025-02-12", "2025-08-06")
    assert biden["initiated_counterpart"] == pytest.approx(2 / 3)
    assert biden["median_minutes"] == 62
    assert by_group(frame, "Trump 2nd term")["top_tone"].startswith("constructive 3")


def test_filters(small_dataset):
    biden = compute_metric(small_dataset, "overview", Selection(counterparts=("Joe Biden",)), "none", as_of=AS_OF)
    assert biden.get_column("contacts").to_list() == [3]
    ranged = compute_metric(small_dataset, "overview", Selection(date_from=dt.date(2021, 6, 1), date_to=dt.date(2025, 2, 12)), "none", as_of=AS_OF)
    assert ranged.get_column("contacts").to_list() == [3]  # c2, c3, c4 (c6 is denied)
    phone = compute_metric(small_dataset, "overview", Selection(formats=("phone",), all_statuses=True), "none", as_of=AS_OF)
    assert phone.get_column("contacts").to_list() == [5]


def test_grouping_by_side_counts_each_reporting_side(small_dataset):
    frame = compute_metric(small_dataset, "overview", Selection(), "side", as_of=AS_OF)
    counts = dict(rows(frame, "group", "contacts"))
    assert counts == {"leader": 5, "counterpart": 3, "press": 1}


def test_compare(small_dataset):
    frame = compare_selections(small_dataset, Selection(periods=("Biden",)), Selection(periods=("Trump 2nd term",)), as_of=AS_OF)
    got = {r["metric"]: r for r in frame.iter_rows(named=True)}
    assert (got["contacts"]["a"], got["contacts"]["b"], got["contacts"]["delta"]) == (3, 3, 0)
    assert got["median_minutes"]["a"] == 62 and got["median_minutes"]["b"] == 135
    assert got["median_minutes"]["delta"] == 73
    assert got["tone: constructive"]["a"] == 0 and got["tone: constructive"]["b"] == 1.0
    assert got["tone: substantive"]["a"] == pytest.approx(1 / 3) and got["tone: substantive"]["b"] == 0


def test_snapshot_computes_every_metric_together(small_dataset):
    snapshot = compute_snapshot(small_dataset, Selection(), "year", as_of=AS_OF)
    assert set(snapshot.tables) == {"overview", "calls_per_year", "initiators", "durations", "tone", "coverage", "timeline"}
    assert snapshot["overview"].get_column("group").to_list() == ["2021", "2022", "2025"]
    assert snapshot["overview"].get_column("years").to_list() == pytest.approx([306 / 365.25, 365 / 365.25, 365 / 365.25])  # days / 365.25


def test_selection_parsing():
    selection = Selection.parse(["counterpart=Joe Biden,Donald Trump", "from=2021-01-01", "format=phone"])
    assert selection.counterparts == ("Joe Biden", "Donald Trump") and selection.date_from == dt.date(2021, 1, 1)
    with pytest.raises(SelectionError, match="did you mean 'phone'"):
        Selection.parse(["format=phon"])
    with pytest.raises(SelectionError, match="did you mean 'counterpart'"):
        Selection.parse(["counterpat=x"])
    with pytest.raises(SelectionError, match="not a date"):
        Selection.parse(["from=yesterday"])
    with pytest.raises(SelectionError, match="did you mean 'period'"):
        check_grouping("perod")
