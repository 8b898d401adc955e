"""Tone: which labels the readouts use, per group and per side.

Schema: group (str), side (all | leader | counterpart | press | other), label (str), contacts (u32, contacts
whose accounts by that side carry the label), share (f64, of the group's contacts), valence (f64 or null,
from the lexicon). Sorted by group, side, then most frequent label first.
"""

from __future__ import annotations

import polars as pl

from diplodash.metrics.schema import SIDES
from diplodash.metrics.selection import Selected, text_group

SIDE_ORDER = ("all",) + SIDES


def plan(selected: Selected) -> pl.LazyFrame:
    contacts = selected.contacts
    totals = text_group(contacts.group_by("group").agg(pl.len().alias("_total")))
    frames = []
    for side in SIDE_ORDER:
        column = "tone_labels" if side == "all" else f"tone_labels_{side}"
        frames.append(
            contacts.select("group", pl.col(column).alias("label"))
            .explode("label")
            .drop_nulls("label")
            .group_by("group", "label")
            .agg(pl.len().cast(pl.UInt32).alias("contacts"))
            .pipe(text_group)
            .with_columns(pl.lit(side).alias("side"))
        )
    valence = pl.LazyFrame(
        {"label": [t.label for t in selected.config.tone], "valence": [t.valence for t in selected.config.tone]},
        schema={"label": pl.String, "valence": pl.Float64},
    )
    order = pl.col("side").replace_strict({s: i for i, s in enumerate(SIDE_ORDER)}, return_dtype=pl.Int32)
    return (
        pl.concat(frames, how="vertical")
        .join(totals, on="group", how="left")
        .with_columns((pl.col("contacts") / pl.col("_total")).alias("share"))
        .join(valence, on="label", how="left")
        .sort(["group", order, "contacts", "label"], descending=[False, False, True, False])
        .select("group", "side", "label", "contacts", "share", "valence")
    )
