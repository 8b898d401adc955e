"""Compare: two selections side by side (say Biden against Trump's second term), every metric with deltas.

Schema: metric (str), unit (count | years | rate | share | minutes: how to show the row), a (f64), b (f64),
delta (f64, b - a), ratio (f64, b / a when a is not zero). Rows: the overview's numeric figures (calls per
year over each side's own window, metrics.window), then per-side median durations, then the share of
contacts carrying each tone label ("tone: constructive").
"""

from __future__ import annotations

import polars as pl

from diplodash.metrics.measures import overview
from diplodash.metrics.schema import SIDES
from diplodash.metrics.selection import Selected

# The overview's figures compared, with their unit.
NUMERIC = {
    "contacts": "count", "calls": "count", "multi_party_calls": "count", "meetings": "count",
    "years": "years", "calls_in_window": "count", "calls_per_year": "rate",
    "initiated_leader": "share", "initiated_counterpart": "share", "initiator_unknown": "share",
    "with_duration": "count", "median_minutes": "minutes", "mean_minutes": "minutes",
}
UNITS = ("count", "years", "rate", "share", "minutes")


def _long(selected: Selected) -> pl.LazyFrame:
    wide = overview.plan(selected).select([pl.col(c).cast(pl.Float64) for c in NUMERIC])
    # Every figure has its row, also for a selection with no contact (counts 0, the rest empty).
    names = pl.LazyFrame({"metric": list(NUMERIC)})
    figures = (
        names.join(wide.unpivot(variable_name="metric", value_name="value"), on="metric", how="left", maintain_order="left")
        .with_columns(pl.when(pl.col("metric").replace_strict(NUMERIC, return_dtype=pl.String) == "count").then(pl.col("value").fill_null(0.0)).otherwise(pl.col("value")).alias("value"))
    )
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


def unit_expr() -> pl.Expr:
    units = {**NUMERIC, **{f"median_minutes ({s})": "minutes" for s in SIDES}}
    return pl.col("metric").replace_strict(units, default="share", return_dtype=pl.String).alias("unit")


def plan(a: Selected, b: Selected) -> pl.LazyFrame:
    left = _long(a).rename({"value": "a"})
    right = _long(b).rename({"value": "b", "_order": "_order_b"})
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
        .select("metric", unit_expr(), "a", "b", "delta", "ratio")
    )
