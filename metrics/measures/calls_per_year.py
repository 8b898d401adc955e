"""Calls per year: how many calls (phone, video, multi-party) and contacts of any format, per group and year.

Schema: group (str), year (i32), calls (u32), meetings (u32), contacts (u32).
Years between a group's first and last contact with no contact appear with zeros, so gaps are visible.
"""

from __future__ import annotations

import polars as pl

from metrics.schema import CALL_FORMATS
from metrics.selection import Selected, text_group

IN_PERSON = ("in_person", "summit", "envoy_meeting")


def plan(selected: Selected) -> pl.LazyFrame:
    counts = selected.contacts.group_by("group", "year").agg(
        pl.col("format").is_in(list(CALL_FORMATS)).sum().cast(pl.UInt32).alias("calls"),
        pl.col("format").is_in(list(IN_PERSON)).sum().cast(pl.UInt32).alias("meetings"),
        pl.len().cast(pl.UInt32).alias("contacts"),
    ).pipe(text_group)
    spans = counts.group_by("group").agg(pl.int_ranges(pl.col("year").min(), pl.col("year").max() + 1, dtype=pl.Int32).first().alias("year")).explode("year")
    return (
        spans.join(counts, on=["group", "year"], how="left")
        .with_columns(pl.col("calls", "meetings", "contacts").fill_null(0))
        .sort("group", "year")
    )
