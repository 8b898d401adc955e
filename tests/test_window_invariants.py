"""Metamorphic and property tests of the rates and their windows (metrics.window), on random tables.

(i) the same contacts over the same window give the same rate in every grouping; (ii) a date filter narrows
the window; (iii) a year group's window lies inside its year, and the year groups add up to the selection;
(iv) no window runs past the as-of date or starts before the table's or the filter's start; (v) every rate
comes with its window. Also: totals over groups equal the selection's, results do not depend on row order,
"calls" are phone and video calls in every metric, and the as-of date is the only clock.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fixture_tables import AS_OF
from diplodash.metrics.schema import CALLS
from diplodash.metrics.selection import GROUPING_CYCLE, Selection
from diplodash.metrics.snapshot import compare_selections, compute_snapshot, table_first
from hypothesis import HealthCheck, settings

from test_measure_properties import build, contact_rows

SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

dates = st.dates(dt.date(2016, 1, 1), dt.date(2026, 6, 30))
as_of_dates = st.dates(dt.date(2020, 1, 1), dt.date(2027, 12, 31))


def overview(dataset, selection, by, as_of=AS_OF) -> dict[str, dict]:
    frame = compute_snapshot(dataset, selection, by, ("overview",), as_of=as_of)["overview"]
    return {row["group"]: row for row in frame.iter_rows(named=True)}


def _calls(dataset, selection) -> int:
    return dataset.contacts.filter(selection.expr(dataset.config) & pl.col("format").is_in(list(CALLS))).height


@SETTINGS
@given(rows=contact_rows, as_of=as_of_dates)
def test_i_same_contacts_same_window_same_rate_in_every_grouping(config, rows, as_of):
    dataset = build(config, rows)
    by_period = overview(dataset, Selection(), "period", as_of)
    for period in config.periods:
        if period.name not in by_period:
            continue
        expected = by_period[period.name]
        within = Selection(periods=(period.name,))
        alone = overview(dataset, within, "none", as_of)["all"]
        by_counterpart = overview(dataset, within, "counterpart", as_of)[period.counterpart]
        two_keys = overview(dataset, Selection(), "period,leader", as_of)[f"{period.name} · Vladimir Putin"]
        for other in (alone, by_counterpart, two_keys):
            assert other["window"] == expected["window"]
            assert other["calls_in_window"] == expected["calls_in_window"]
            assert other["calls_per_year"] == pytest.approx(expected["calls_per_year"]) if expected["calls_per_year"] is not None else other["calls_per_year"] is None


@SETTINGS
@given(rows=contact_rows, start=dates, length=st.integers(0, 2000), by=st.sampled_from(GROUPING_CYCLE))
def test_ii_a_date_filter_narrows_the_window(config, rows, start, length, by):
    dataset = build(config, rows)
    end = start + dt.timedelta(days=length)
    wide = overview(dataset, Selection(all_statuses=True), by)
    narrow = overview(dataset, Selection(all_statuses=True, date_from=start, date_to=end), by)
    for group, row in narrow.items():
        if row["years"] is None:
            continue
        assert row["window_start"] >= start and row["window_end"] <= end + dt.timedelta(days=1)
        if group in wide and wide[group]["years"] is not None and by != "side":
            assert row["years"] <= wide[group]["years"] + 1e-9


@SETTINGS
@given(rows=contact_rows, as_of=as_of_dates, all_statuses=st.booleans())
def test_iii_year_groups_lie_in_their_year_and_add_up(config, rows, as_of, all_statuses):
    dataset = build(config, rows)
    selection = Selection(all_statuses=all_statuses)
    years = overview(dataset, selection, "year", as_of)
    whole = overview(dataset, selection, "none", as_of).get("all")
    for group, row in years.items():
        if row["years"] is not None:
            assert row["window_start"] >= dt.date(int(group), 1, 1) and row["window_end"] <= dt.date(int(group) + 1, 1, 1)
            assert row["years"] <= 366 / 365.25
    assert sum(r["calls"] for r in years.values()) == (whole["calls"] if whole else 0) == _calls(dataset, selection)
    assert sum(r["calls_in_window"] for r in years.values()) == (whole["calls_in_window"] if whole else 0)
    per_year = compute_snapshot(dataset, selection, "none", ("calls_per_year",), as_of=as_of)["calls_per_year"]
    assert per_year.get_column("calls").sum() == _calls(dataset, selection)
    assert per_year.get_column("window_days").sum() == (round(whole["years"] * 365.25) if whole and whole["years"] else 0)


@SETTINGS
@given(rows=contact_rows, as_of=as_of_dates, by=st.sampled_from(GROUPING_CYCLE), start=st.one_of(st.none(), dates))
def test_iv_v_windows_stay_inside_the_data_the_filter_and_the_as_of_date(config, rows, as_of, by, start):
    dataset = build(config, rows)
    first = table_first(dataset)
    for row in overview(dataset, Selection(all_statuses=True, date_from=start), by, as_of).values():
        if row["years"] is None:
            assert row["window"] == "no window" and row["calls_per_year"] is None
            continue
        assert row["window_end"] <= as_of + dt.timedelta(days=1)
        assert row["window_start"] >= max(first, start) if start else row["window_start"] >= first
        assert row["window"].endswith(f"{row['years']:.1f} y") and "→" in row["window"]
        assert row["calls_in_window"] <= row["calls"]
        assert row["calls_per_year"] == pytest.approx(row["calls_in_window"] / row["years"])


@SETTINGS
@given(rows=contact_rows, by=st.sampled_from([g for g in GROUPING_CYCLE if g != "side"]), all_statuses=st.booleans())
def test_totals_over_groups_equal_the_selection(config, rows, by, all_statuses):
    dataset = build(config, rows)
    selection = Selection(all_statuses=all_statuses)
    groups = overview(dataset, selection, by)
    chosen = dataset.contacts.filter(selection.expr(config))
    assert sum(r["contacts"] for r in groups.values()) == chosen.height
    assert sum(r["calls"] for r in groups.values()) == _calls(dataset, selection)
    assert sum(r["multi_party_calls"] for r in groups.values()) == chosen.filter(pl.col("format") == "multi_party_call").height
    assert sum(r["contacts"] - r["calls"] - r["multi_party_calls"] - r["meetings"] for r in groups.values()) == chosen.filter(pl.col("format").is_null()).height


@SETTINGS
@given(rows=contact_rows, by=st.sampled_from(GROUPING_CYCLE), seed=st.integers(0, 2**16))
def test_results_do_not_depend_on_row_order(config, rows, by, seed):
    import random

    shuffled = list(rows)
    random.Random(seed).shuffle(shuffled)
    a = compute_snapshot(build(config, rows), Selection(all_statuses=True), by, ("overview", "calls_per_year", "initiators"), as_of=AS_OF)
    b = compute_snapshot(build(config, shuffled), Selection(all_statuses=True), by, ("overview", "calls_per_year", "initiators"), as_of=AS_OF)
    for name in a.tables:
        left, right = a[name], b[name]
        if name == "overview":  # which of two same-day contacts is "first" may differ; the dates do not
            left, right = left.drop("top_tone"), right.drop("top_tone")
        assert left.equals(right), name


@SETTINGS
@given(rows=contact_rows, a=st.sampled_from(["Biden", "Trump 2nd term", "Trump 1st term"]), fmt=st.sampled_from(["phone", "video_call", "multi_party_call", "summit"]))
def test_calls_mean_phone_and_video_in_every_metric_and_compare_stays_within_the_filter(config, rows, a, fmt):
    dataset = build(config, rows)
    within = Selection(formats=(fmt,))
    compared = compare_selections(dataset, Selection(periods=(a,)), Selection(), as_of=AS_OF, within=within)
    got = {r["metric"]: r for r in compared.iter_rows(named=True)}
    narrowed = Selection(periods=(a,), formats=(fmt,))
    assert got["contacts"]["a"] == dataset.contacts.filter(narrowed.expr(config)).height
    assert got["calls"]["a"] == _calls(dataset, narrowed)
    assert got["contacts"]["b"] == dataset.contacts.filter(within.expr(config)).height
    assert got["calls"]["unit"] == "count" and got["calls_per_year"]["unit"] == "rate"
    snapshot = compute_snapshot(dataset, within, "year", ("overview", "calls_per_year"), as_of=AS_OF)
    expected = _calls(dataset, within)
    assert snapshot["overview"].get_column("calls").sum() == expected == snapshot["calls_per_year"].get_column("calls").sum()


@SETTINGS
@given(rows=contact_rows, as_of=as_of_dates)
def test_the_as_of_date_is_the_only_clock(config, rows, as_of):
    dataset = build(config, rows)
    one = compute_snapshot(dataset, Selection(), "period", ("overview", "calls_per_year"), as_of=as_of)
    two = compute_snapshot(dataset, Selection(), "period", ("overview", "calls_per_year"), as_of=as_of)
    for name in one.tables:
        assert one[name].equals(two[name])


def test_nothing_under_metrics_reads_the_wall_clock():
    """A static check: the metrics layer never calls today(), now(), utcnow() or time.time()."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "metrics"
    offenders = []
    for path in root.rglob("*.py"):
        if "extract" in path.parts:  # extraction resolves "today" in articles against --published, its own clock
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("today", "now", "utcnow", "time") and isinstance(node.ctx, ast.Load):
                if isinstance(node.value, (ast.Name, ast.Attribute)):
                    offenders.append(f"{path.relative_to(root.parent)}:{node.lineno}: .{node.attr}")
    assert offenders == []
