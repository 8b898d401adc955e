"""Overview: the headline figures of each group side by side.

Schema: group, contacts (u32), calls (u32), meetings (u32), first (date), last (date), years (f64, the span
calls are averaged over), calls_per_year (f64), initiated_leader, initiated_counterpart, initiator_unknown
(f64 shares of contacts), with_duration (u32), median_minutes, mean_minutes (f64), top_tone (str: the most
frequent labels with their counts).

The span (``years``): for a period group, the period from its start to its end or today; for a year
group, one year; otherwise from the group's first to its last contact, at least one year.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from metrics.schema import CALL_FORMATS
from metrics.selection import Selected, text_group

IN_PERSON = ("in_person", "summit", "envoy_meeting")
TOP_TONES = 3


def _period_spans(selected: Selected, today: dt.date) -> pl.LazyFrame:
    names, years = [], []
    for period in selected.config.periods:
        end = min(period.end or today, today)
        names.append(period.name)
        years.append(max((end - period.start).days, 1) / 365.25)
    return pl.LazyFrame({"group": names, "_period_years": years}, schema={"group": pl.String, "_period_years": pl.Float64})


def span_expr(by: str, single_period: bool) -> pl.Expr:
    observed = (((pl.col("last") - pl.col("first")).dt.total_days() + 1) / 365.25).clip(lower_bound=1.0)
    if by == "year":
        return pl.lit(1.0)
    if by == "period" or single_period:
        return pl.coalesce(pl.col("_period_years"), observed)
    return observed


def plan(selected: Selected, today: dt.date | None = None) -> pl.LazyFrame:
    today = today or dt.date.today()
    contacts = selected.contacts
    share = lambda side: (pl.col("initiator_side") == side).mean().alias(f"initiated_{side}" if side != "unknown" else "initiator_unknown")  # noqa: E731
    base = contacts.group_by("group").agg(
        pl.len().cast(pl.UInt32).alias("contacts"),
        pl.col("format").is_in(list(CALL_FORMATS)).sum().cast(pl.UInt32).alias("calls"),
        pl.col("format").is_in(list(IN_PERSON)).sum().cast(pl.UInt32).alias("meetings"),
        pl.col("date").min().alias("first"),
        pl.col("date").max().alias("last"),
        share("leader"),
        share("counterpart"),
        share("unknown"),
        pl.col("duration_minutes").is_not_null().sum().cast(pl.UInt32).alias("with_duration"),
        pl.col("duration_minutes").median().cast(pl.Float64).alias("median_minutes"),
        pl.col("duration_minutes").mean().cast(pl.Float64).alias("mean_minutes"),
    ).pipe(text_group)
    tones = (
        contacts.select("group", pl.col("tone_labels").alias("label"))
        .explode("label")
        .drop_nulls("label")
        .group_by("group", "label")
        .agg(pl.len().alias("n"))
        .pipe(text_group)
        .sort(["group", "n", "label"], descending=[False, True, False])
        .group_by("group", maintain_order=True)
        .agg((pl.col("label") + " " + pl.col("n").cast(pl.String)).head(TOP_TONES).str.join(", ").alias("top_tone"))
    )
    periods = selected.selection.periods
    single = len(periods) == 1
    spans = _period_spans(selected, today)
    if single:
        spans = spans.filter(pl.col("group") == periods[0]).with_columns(pl.lit(None, dtype=pl.String).alias("_key"))
    frame = base.join(tones, on="group", how="left")
    if selected.by == "period":
        frame = frame.join(spans, on="group", how="left")
    elif single:
        frame = frame.join(spans.select("_period_years"), how="cross")
    else:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias("_period_years"))
    return (
        frame.with_columns(span_expr(selected.by, single).alias("years"))
        .with_columns((pl.col("calls") / pl.col("years")).alias("calls_per_year"), pl.col("top_tone").fill_null(""))
        .sort("first", "group")
        .select(
            "group", "contacts", "calls", "meetings", "first", "last", "years", "calls_per_year",
            "initiated_leader", "initiated_counterpart", "initiator_unknown",
            "with_duration", "median_minutes", "mean_minutes", "top_tone",
        )
    )
