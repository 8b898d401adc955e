"""Compare: two selections side by side (say Biden against Trump's second term), every metric with deltas.

Schema: metric (str), a (f64), b (f64), delta (f64, b - a), ratio (f64, b / a when a is not zero).
Rows: the overview's numeric figures, then the share of contacts carrying each tone label
("tone: constructive"), then per-side median durations.
"""

from __future__ import annotations

import polars as pl

from metrics.measures import overview
from metrics.schema import SIDES
from metrics.selection import Selected

NUMERIC = (
    "contacts", "calls", "meetings", "years", "calls_per_year",
    "initiated_leader", "initiated_counterpart", "initiator_unknown",
    "with_duration", "median_minutes", "mean_minutes",
)


def _long(selected: Selected, today=None) -> pl.LazyFrame:
    wide = overview.plan(selected, today).select([pl.col(c).cast(pl.Float64) for c in NUMERIC])
    figures = wide.unpivot(variable_name="metric", value_name="value")
    contacts = selected.contacts
    total = pl.len()
    tones = (
        contacts.select(pl.col("tone_labels").alias("label"))
        .explode("label")
        .drop_nulls("label")
        .group_by("label")
        .agg(pl.len().alias("n"))
        .join(contacts.select(total.alias("total")), how="cross")
        .select(("tone: " + pl.col("label")).alias("metric"), (pl.col("n") / pl.col("total")).cast(pl.Float64).alias("value"))
    )
    sides = contacts.select(
        [pl.col(f"duration_minutes_{s}").median().cast(pl.Float64).alias(f"median_minutes ({s})") for s in SIDES]
    ).unpivot(variable_name="metric", value_name="value")
    return pl.concat([figures, sides, tones.sort("metric")], how="vertical").with_row_index("_order")


def plan(a: Selected, b: Selected, today=None) -> pl.LazyFrame:
    left = _long(a, today).rename({"value": "a"})
    right = _long(b, today).rename({"value": "b", "_order": "_order_b"})
    joined = left.join(right, on="metric", how="full", coalesce=True)
    return (
        joined.with_columns(
            pl.when(pl.col("metric").str.starts_with("tone: ")).then(pl.col("a").fill_null(0.0)).otherwise(pl.col("a")).alias("a"),
            pl.when(pl.col("metric").str.starts_with("tone: ")).then(pl.col("b").fill_null(0.0)).otherwise(pl.col("b")).alias("b"),
        )
        .with_columns(
            (pl.col("b") - pl.col("a")).alias("delta"),
            pl.when(pl.col("a") != 0).then(pl.col("b") / pl.col("a")).alias("ratio"),
            pl.coalesce(pl.col("_order"), pl.col("_order_b") + 10_000).alias("_sort"),
        )
        .sort("_sort")
        .select("metric", "a", "b", "delta", "ratio")
    )
