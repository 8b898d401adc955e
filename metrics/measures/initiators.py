"""Initiators: who picked up the phone first, per group.

Schema: group (str), initiator_side (leader | counterpart | unknown), contacts (u32), share (f64, of the
group's contacts; the three shares of a group sum to 1), disputed (u32, contacts whose sources disagree,
counted under unknown). Every side appears for every group, with zero where none: unknown is never dropped.
"""

from __future__ import annotations

import polars as pl

from diplodash.metrics.schema import INITIATOR_SIDES
from diplodash.metrics.selection import Selected, text_group


def plan(selected: Selected) -> pl.LazyFrame:
    contacts = selected.contacts
    counts = contacts.group_by("group", "initiator_side").agg(
        pl.len().cast(pl.UInt32).alias("contacts"),
        pl.col("initiator_disputed").sum().cast(pl.UInt32).alias("disputed"),
    ).pipe(text_group)
    sides = pl.LazyFrame({"initiator_side": list(INITIATOR_SIDES), "_order": list(range(len(INITIATOR_SIDES)))})
    grid = text_group(contacts.select("group").unique()).join(sides, how="cross")
    return (
        grid.join(counts, on=["group", "initiator_side"], how="left")
        .with_columns(pl.col("contacts", "disputed").fill_null(0))
        .with_columns((pl.col("contacts") / pl.col("contacts").sum().over("group")).fill_nan(0.0).alias("share"))
        .sort("group", "_order")
        .select("group", "initiator_side", "contacts", "share", "disputed")
    )
