"""Calls per year: calls, multi-party calls and meetings per group and calendar year.

Schema: group (str), year (i32), calls (u32, phone and video), multi_party_calls (u32), meetings (u32),
contacts (u32, every format), window_days (i32, days of the group's rate window inside that year; see
metrics.window), calls_in_window (u32). Every year from the first to the last of the group's window and
contacts appears, with zeros where there were none, so quiet years stay visible; a year with window_days 0
lies outside the window (a counterpart out of office).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from diplodash.metrics.expressions import calls_in_window, format_counts
from diplodash.metrics.selection import Selected, text_group
from diplodash.metrics.window import group_windows, in_window, intersect, year_interval


def plan(selected: Selected) -> pl.LazyFrame:
    contacts = selected.contacts
    windows = group_windows(selected)
    counts = contacts.group_by("group", "year").agg(*format_counts(), pl.len().cast(pl.UInt32).alias("contacts")).pipe(text_group)
    inside = (
        in_window(text_group(contacts.select("group", "counterpart", "date", "year", "format")), windows)
        .group_by("group", "year")
        .agg(calls_in_window())
    )
    seen = contacts.group_by("group").agg(pl.col("year").min().alias("lo"), pl.col("year").max().alias("hi")).pipe(text_group).collect()
    rows: dict[str, list] = {"group": [], "year": [], "window_days": []}
    for group, lo, hi in seen.iter_rows():
        window = windows.get(group)
        years = [y for y in (lo, hi) if y is not None]
        if window is not None and window.intervals:
            years += [window.start.year, (window.end - dt.timedelta(days=1)).year]
        if not years:
            continue
        for year in range(min(years), max(years) + 1):
            days = sum((e - s).days for s, e in intersect(window.intervals, [year_interval(year)])) if window else 0
            rows["group"].append(group)
            rows["year"].append(year)
            rows["window_days"].append(days)
    grid = pl.LazyFrame(rows, schema={"group": pl.String, "year": pl.Int32, "window_days": pl.Int32})
    return (
        grid.join(counts, on=["group", "year"], how="left")
        .join(inside, on=["group", "year"], how="left")
        .with_columns(pl.col("calls", "multi_party_calls", "meetings", "contacts", "calls_in_window").fill_null(0))
        .sort("group", "year")
        .select("group", "year", "calls", "multi_party_calls", "meetings", "contacts", "window_days", "calls_in_window")
    )
