"""Durations: how long the leaders talked, per group, by the default figure and by each side's own figures.

Schema: group (str), basis (default | leader | counterpart | press | other), contacts (u32, in the group),
with_duration (u32), min, median, mean, max, total (f64 minutes, null when none), disputed (u32, contacts
whose sources give different figures; only on the default basis).
The default figure of a contact follows the rule in seeds/README.md.
"""

from __future__ import annotations

import polars as pl

from metrics.schema import SIDES
from metrics.selection import Selected

BASES = ("default",) + SIDES


def _stats(column: str) -> list[pl.Expr]:
    minutes = pl.col(column)
    return [
        pl.len().cast(pl.UInt32).alias("contacts"),
        minutes.is_not_null().sum().cast(pl.UInt32).alias("with_duration"),
        minutes.min().cast(pl.Float64).alias("min"),
        minutes.median().cast(pl.Float64).alias("median"),
        minutes.mean().cast(pl.Float64).alias("mean"),
        minutes.max().cast(pl.Float64).alias("max"),
        pl.when(minutes.is_not_null().any()).then(minutes.sum()).cast(pl.Float64).alias("total"),
    ]


def plan(selected: Selected) -> pl.LazyFrame:
    contacts = selected.contacts
    frames = [
        contacts.group_by("group").agg(*_stats("duration_minutes"), (pl.col("duration_figures") > 1).sum().cast(pl.UInt32).alias("disputed")).with_columns(pl.lit("default").alias("basis"))
    ]
    for side in SIDES:
        frames.append(
            contacts.group_by("group").agg(*_stats(f"duration_minutes_{side}"), pl.lit(0, dtype=pl.UInt32).alias("disputed")).with_columns(pl.lit(side).alias("basis"))
        )
    order = pl.col("basis").replace_strict({b: i for i, b in enumerate(BASES)}, return_dtype=pl.Int32)
    return (
        pl.concat(frames, how="vertical")
        .sort(["group", order])
        .select("group", "basis", "contacts", "with_duration", "min", "median", "mean", "max", "total", "disputed")
    )
