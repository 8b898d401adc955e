"""Timeline: every contact on a time axis, one row per relationship (leader and counterpart).

Schema: relationship (str, "leader · counterpart"), leader, counterpart (str), contacts (u32), calls (u32,
phone and video), multi_party_calls (u32), meetings (u32), first, last (date: the first and last contact),
longest_gap_days (i32: the longest silence between two contacts in a row, null with fewer than two),
since_last_days (i32: days from the last contact to the as-of date), dates (list[date]: every contact's
date, in order), families (list[str]: each contact's format family, in the same order: call,
multi_party_call, meeting, unknown).

The rows follow the selection (its filters); the grouping does not split them (a relationship is one row
whatever the grouping; grouping by side counts a contact once). The axis ends at the as-of date: a contact
dated later is left off. ``boundaries`` gives the configured periods' starts and ends on the axis.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import polars as pl

from diplodash.metrics.config import Config
from diplodash.metrics.measures.overview import format_counts
from diplodash.metrics.schema import CALLS, MEETINGS, MULTI_PARTY
from diplodash.metrics.selection import KEY_SEPARATOR, Selected

FAMILIES = ("call", "multi_party_call", "meeting", "unknown")

OUTPUT = (
    "relationship", "leader", "counterpart", "contacts", "calls", "multi_party_calls", "meetings", "first", "last",
    "longest_gap_days", "since_last_days", "dates", "families",
)


def family_expr(column: str = "format") -> pl.Expr:
    """A contact's format family: call (phone, video), multi_party_call, meeting (in person, summit, envoy), unknown."""
    fmt = pl.col(column)
    return (
        pl.when(fmt.is_in(list(CALLS))).then(pl.lit("call"))
        .when(fmt.is_in(list(MULTI_PARTY))).then(pl.lit("multi_party_call"))
        .when(fmt.is_in(list(MEETINGS))).then(pl.lit("meeting"))
        .otherwise(pl.lit("unknown"))
        .alias("family")
    )


def plan(selected: Selected) -> pl.LazyFrame:
    as_of = selected.as_of
    contacts = (
        selected.contacts.select("contact_id", "leader", "counterpart", "date", "format")
        .unique("contact_id", keep="first", maintain_order=True)  # grouping by side repeats a contact per side
        .filter(pl.col("date") <= pl.lit(as_of))
        .with_columns(family_expr())
        .sort("date", "contact_id")
    )
    return (
        contacts.group_by("leader", "counterpart", maintain_order=True)
        .agg(
            pl.len().cast(pl.UInt32).alias("contacts"),
            *format_counts(),
            pl.col("date").min().alias("first"),
            pl.col("date").max().alias("last"),
            pl.col("date").diff().dt.total_days().max().cast(pl.Int32).alias("longest_gap_days"),
            pl.col("date").alias("dates"),
            pl.col("family").alias("families"),
        )
        .with_columns(
            pl.concat_str([pl.col("leader"), pl.col("counterpart")], separator=KEY_SEPARATOR).alias("relationship"),
            (pl.lit(as_of) - pl.col("last")).dt.total_days().cast(pl.Int32).alias("since_last_days"),
        )
        .sort("leader", "first", "counterpart")
        .select(*OUTPUT)
    )


def boundaries(config: Config, counterparts: Iterable[str], start: dt.date, end: dt.date) -> pl.DataFrame:
    """The configured periods' starts and ends between ``start`` and ``end`` (inclusive), for the periods of
    ``counterparts`` (and those of every counterpart, "*"), in date order.

    Schema: date (date), period (str), edge (str: start | end; a period's end is its first day after, as in
    the config).
    """
    wanted = set(counterparts)
    rows: list[tuple[dt.date, str, str]] = []
    for period in config.periods:
        if period.counterpart != "*" and period.counterpart not in wanted:
            continue
        for day, edge in ((period.start, "start"), (period.end, "end")):
            if day is not None and start <= day <= end:
                rows.append((day, period.name, edge))
    rows.sort(key=lambda r: (r[0], r[2] != "end", r[1]))
    return pl.DataFrame(rows, schema={"date": pl.Date, "period": pl.String, "edge": pl.String}, orient="row")
