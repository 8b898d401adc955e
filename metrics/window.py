"""The window of a rate: the time a group of contacts was exposed to contact, as of a date.

This module is the one definition of the window every rate divides by (``calls_per_year`` in the Overview
and Compare, the year columns of Calls per year). The rule:

1. **The as-of date bounds everything.** Nothing runs past the as-of date (inclusive); nothing starts
   before the table's first contact or the date filter's start.
2. **The selection narrows it.** The date filter (``from``/``to``), the year filter and the period filter
   each keep only their own time.
3. **The group's own time narrows it.** A period group keeps its period, a year group its year; a
   "(no period)" group keeps the time outside every period of its counterparts. Other groupings
   (counterpart, format, status, side, leader, none) have no time of their own.
4. **Exposure.** A contact with counterpart C can only be expected while C holds office: the window keeps
   the periods configured for C (a counterpart with no period is exposed the whole time). So a contact
   with C outside all of C's periods (a "(no period)" call with a president out of office) lies outside
   every window: it is counted, never averaged.

The window is computed for each counterpart of the group's contacts and the results are united: a union of
date intervals (Trump's two terms are two intervals).
Its length in years is its days / 365.25. A rate is the calls *dated inside the window* divided by that
length, so the same contacts over the same window give the same rate in every grouping, a date filter
narrows the window, year groups add up to the selection, and contacts outside the window (a call before a
term began) are counted in the totals and shown, but never in a rate. Where the window is empty there is no
rate (null), and the window reads "no window".

Intervals are half-open ``[start, end)`` in days; the as-of date is the last day included.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from diplodash.metrics.config import Config, Period
from diplodash.metrics.schema import NO_PERIOD

DAYS_PER_YEAR = 365.25

Interval = tuple[dt.date, dt.date]  # [start, end)


@dataclass(frozen=True)
class Window:
    intervals: tuple[Interval, ...]  # sorted, disjoint, non-empty: the union shown and measured
    # Each counterpart's own part of the window: a contact counts in a rate when its date lies in its own
    # counterpart's part (a call with a president out of office is outside, even while another is in).
    parts: tuple[tuple[str, tuple[Interval, ...]], ...] = ()

    @property
    def days(self) -> int:
        return sum((end - start).days for start, end in self.intervals)

    @property
    def years(self) -> float | None:
        return self.days / DAYS_PER_YEAR if self.intervals else None

    @property
    def start(self) -> dt.date | None:
        return self.intervals[0][0] if self.intervals else None

    @property
    def end(self) -> dt.date | None:
        """The first day after the window (exclusive), as period ends are written in the config."""
        return self.intervals[-1][1] if self.intervals else None

    def contains(self, day: dt.date) -> bool:
        return any(start <= day < end for start, end in self.intervals)

    def text(self, as_of: dt.date) -> str:
        """``2021-01-20 → 2025-01-20, 4.0 y``; an interval running to the as-of date ends "→ 2026-12-01 (as of)"."""
        if not self.intervals:
            return "no window"
        parts = []
        last_day = as_of + dt.timedelta(days=1)
        for start, end in self.intervals:
            shown = f"{as_of.isoformat()} (as of)" if end == last_day else end.isoformat()
            parts.append(f"{start.isoformat()} → {shown}")
        return f"{', '.join(parts)}, {self.years:.1f} y"


def normalise(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    """Sorted, merged, non-empty intervals."""
    merged: list[list[dt.date]] = []
    for start, end in sorted(i for i in intervals if i[0] < i[1]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((s, e) for s, e in merged)


def intersect(a: Sequence[Interval], b: Sequence[Interval]) -> tuple[Interval, ...]:
    out = []
    for s1, e1 in a:
        for s2, e2 in b:
            start, end = max(s1, s2), min(e1, e2)
            if start < end:
                out.append((start, end))
    return normalise(out)


def subtract(a: Sequence[Interval], b: Sequence[Interval]) -> tuple[Interval, ...]:
    out = list(normalise(a))
    for s2, e2 in normalise(b):
        next_out = []
        for s1, e1 in out:
            if e2 <= s1 or s2 >= e1:
                next_out.append((s1, e1))
                continue
            if s1 < s2:
                next_out.append((s1, s2))
            if e2 < e1:
                next_out.append((e2, e1))
        out = next_out
    return normalise(out)


def year_interval(year: int) -> Interval:
    return (dt.date(year, 1, 1), dt.date(year + 1, 1, 1))


def period_interval(period: Period, bound: Interval) -> Interval:
    return (period.start, period.end or bound[1])


def _periods_of(config: Config, counterpart: str) -> list[Period]:
    return [p for p in config.periods if p.counterpart in (counterpart, "*")]


@dataclass(frozen=True)
class Frame:
    """What every window of one computation shares: the bounds and the selection's own time."""

    bound: Interval  # [first contact of the table or the filter's start, as-of + 1 day)
    selected: tuple[Interval, ...]  # the selection's dates and years, within the bound
    period_filters: tuple[tuple[str, ...], ...]  # each selection's period filter (applied per group)
    config: Config
    as_of: dt.date


def selection_frame(config: Config, selections: Sequence, table_first: dt.date | None, as_of: dt.date) -> Frame:
    """The bound and the time kept by the selection(s) (a comparison side within the global filter)."""
    end = as_of + dt.timedelta(days=1)
    start = table_first or as_of
    for selection in selections:
        if selection.date_from:
            start = max(start, selection.date_from) if table_first else selection.date_from
    bound = (min(start, end), end)
    kept: tuple[Interval, ...] = (bound,)
    filters = tuple(s.periods for s in selections if s.periods)
    for selection in selections:
        if selection.date_from or selection.date_to:
            lo = selection.date_from or bound[0]
            hi = selection.date_to + dt.timedelta(days=1) if selection.date_to else bound[1]
            kept = intersect(kept, [(lo, hi)])
        if selection.years:
            kept = intersect(kept, normalise(year_interval(y) for y in selection.years if 1 <= y <= 9998))
    return Frame(bound, kept, filters, config, as_of)


def own_time(frame: Frame, key: str, value: object, counterpart: str) -> tuple[Interval, ...]:
    """A group's own time for one grouping key (period or year), for one of its counterparts; the whole
    bound for other keys. "(no period)" is the time outside every period of that counterpart."""
    if key == "period":
        periods = _periods_of(frame.config, counterpart)
        if value == NO_PERIOD:
            return subtract([frame.bound], [period_interval(p, frame.bound) for p in periods])
        return normalise(period_interval(p, frame.bound) for p in periods if p.name == value)
    if key == "year":
        try:
            year = int(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return ()
        return (year_interval(year),) if 1 <= year <= 9998 else ()
    return (frame.bound,)


def exposure(frame: Frame, counterpart: str) -> tuple[Interval, ...]:
    """When contact with ``counterpart`` can be expected: its periods, or the whole bound if it has none."""
    periods = _periods_of(frame.config, counterpart)
    return normalise(period_interval(p, frame.bound) for p in periods) if periods else (frame.bound,)


def group_window(frame: Frame, keys: dict[str, object], counterparts: Sequence[str]) -> Window:
    """The window of one group: ``keys`` maps each grouping key to the group's value for it.

    Computed per counterpart, then united: for each counterpart of the group's contacts, the selection's
    time ∩ the counterpart's exposure ∩ the group's own time (∩ a period filter's periods). A narrower
    selection can only remove counterparts and time, so it never widens a window.
    """
    spans: list[Interval] = []
    parts: list[tuple[str, tuple[Interval, ...]]] = []
    for counterpart in counterparts:
        window = intersect(frame.selected, exposure(frame, counterpart))
        for names in frame.period_filters:  # a period filter keeps its periods' time, as a period group does
            window = intersect(window, normalise(i for name in names for i in own_time(frame, "period", name, counterpart)))
        for key, value in keys.items():
            window = intersect(window, own_time(frame, key, value, counterpart))
        spans += window
        parts.append((counterpart, window))
    return Window(normalise(spans), tuple(parts))


# ------------------------------------------------------------------------------------------ per group


def group_windows(selected) -> dict[str, Window]:
    """The window of every group of a selection (``metrics.selection.Selected``), by group name."""
    import polars as pl

    from diplodash.metrics.selection import grouping_keys

    keys = [k for k in grouping_keys(selected.by) if k in ("period", "year")]
    frame = selection_frame(selected.config, selected.selection.chain(), selected.table_first, selected.as_of)
    groups = (
        selected.contacts.group_by("group")
        .agg(pl.col("counterpart").unique().sort().alias("_counterparts"), *[pl.col(k).first() for k in keys])
        .pipe(lambda f: f.with_columns(pl.col("group").cast(pl.String)))
        .collect()
    )
    out: dict[str, Window] = {}
    for row in groups.iter_rows(named=True):
        counterparts = [c for c in row["_counterparts"] if c is not None]
        out[row["group"]] = group_window(frame, {k: row[k] for k in keys}, counterparts)
    return out


def windows_frame(windows: dict[str, Window], as_of: dt.date):
    """One row per group: window (text), window_start, window_end (exclusive), years (f64 or null)."""
    import polars as pl

    return pl.LazyFrame(
        {
            "group": list(windows),
            "window": [w.text(as_of) for w in windows.values()],
            "window_start": [w.start for w in windows.values()],
            "window_end": [w.end for w in windows.values()],
            "years": [w.years for w in windows.values()],
        },
        schema={"group": pl.String, "window": pl.String, "window_start": pl.Date, "window_end": pl.Date, "years": pl.Float64},
    )


def intervals_frame(windows: dict[str, Window]):
    """One row per interval of each group's counterparts' parts: group, counterpart, _start, _end (exclusive)."""
    import polars as pl

    rows = [(g, c, s, e) for g, w in windows.items() for c, part in w.parts for s, e in part]
    return pl.LazyFrame(
        {"group": [r[0] for r in rows], "counterpart": [r[1] for r in rows], "_start": [r[2] for r in rows], "_end": [r[3] for r in rows]},
        schema={"group": pl.String, "counterpart": pl.String, "_start": pl.Date, "_end": pl.Date},
    )


def in_window(contacts, windows: dict[str, Window]):
    """The contacts (``group`` as text, with ``counterpart``) dated inside their counterpart's part of the window."""
    import polars as pl

    return (
        contacts.join(intervals_frame(windows), on=["group", "counterpart"], how="inner")
        .filter((pl.col("date") >= pl.col("_start")) & (pl.col("date") < pl.col("_end")))
        .drop("_start", "_end")
    )
