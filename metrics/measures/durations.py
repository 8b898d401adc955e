"""Durations: how long the leaders talked, per group, by the default figure and by each side's own figures.

Schema: group (str), basis (default | leader | counterpart | press | other), contacts (u32, in the group),
with_duration (u32), min, median, mean, max, total (f64 minutes, null when none), disputed (u32, contacts
whose sources give different figures; only on the default basis).
The default figure of a contact follows the rule in seeds/README.md.
"""

from __future__ import annotations

import polars as pl

from diplodash.metrics.schema import SIDES
from diplodash.metrics.selection import Selected, text_group

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
    # One pass over the contacts for every basis (prefixed columns), then one row per basis: at 10 million
    # contacts, five separate group-bys cost five scans.
    contacts = selected.contacts
    columns = {"default": "duration_minutes", **{side: f"duration_minutes_{side}" for side in SIDES}}
    stats = [expr.name.prefix(f"{basis}:") for basis, column in columns.items() for expr in _stats(column)[1:]]
    wide = contacts.group_by("group").agg(
        pl.len().cast(pl.UInt32).alias("contacts"),
        *stats,
        (pl.col("duration_figures") > 1).sum().cast(pl.UInt32).alias("default:disputed"),
    ).pipe(text_group)
    names = ("with_duration", "min", "median", "mean", "max", "total")
    frames = [
        wide.select(
            "group",
            pl.lit(basis).alias("basis"),
            "contacts",
            *[pl.col(f"{basis}:{name}").alias(name) for name in names],
            (pl.col("default:disputed") if basis == "default" else pl.lit(0, dtype=pl.UInt32)).alias("disputed"),
        )
        for basis in columns
    ]
    order = pl.col("basis").replace_strict({b: i for i, b in enumerate(BASES)}, return_dtype=pl.Int32)
    return (
        pl.concat(frames, how="vertical")
        .sort(["group", order])
        .select("group", "basis", "contacts", "with_duration", "min", "median", "mean", "max", "total", "disputed")
    )
