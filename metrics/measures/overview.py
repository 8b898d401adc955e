"""Overview: the headline figures of each group side by side.

Schema: group (str), contacts (u32, every format), calls (u32, one-on-one phone and video calls),
multi_party_calls (u32), meetings (u32: in person, summits, envoy meetings), first, last (str: the first and
last contact's date at its precision, ``2025-10``), window (str, the rate's window, see metrics.window),
window_start, window_end (date, end exclusive), years (f64, the window's length), calls_in_window (u32),
calls_per_year (f64: calls_in_window / years; null without a window), initiated_leader,
initiated_counterpart, initiator_unknown (f64 shares of the group's contacts, summing to 1), with_duration
(u32), median_minutes, mean_minutes (f64, over contacts with a default duration), top_tone (str: the most
frequent labels with their counts).
"""

from __future__ import annotations

import polars as pl

from diplodash.metrics.expressions import calls_in_window, format_counts
from diplodash.metrics.selection import Selected, text_group
from diplodash.metrics.window import group_windows, in_window, windows_frame

TOP_TONES = 3

OUTPUT = (
    "group", "contacts", "calls", "multi_party_calls", "meetings", "first", "last",
    "window", "window_start", "window_end", "years", "calls_in_window", "calls_per_year",
    "initiated_leader", "initiated_counterpart", "initiator_unknown",
    "with_duration", "median_minutes", "mean_minutes", "top_tone",
)


def _share(side: str) -> pl.Expr:
    name = f"initiated_{side}" if side != "unknown" else "initiator_unknown"
    return (pl.col("initiator_side") == side).mean().alias(name)


def plan(selected: Selected) -> pl.LazyFrame:
    contacts = selected.contacts
    windows = group_windows(selected)
    base = contacts.group_by("group").agg(
        pl.len().cast(pl.UInt32).alias("contacts"),
        *format_counts(),
        pl.col("date_text").sort_by("date").first().alias("first"),
        pl.col("date_text").sort_by("date").last().alias("last"),
        _share("leader"),
        _share("counterpart"),
        _share("unknown"),
        pl.col("duration_minutes").is_not_null().sum().cast(pl.UInt32).alias("with_duration"),
        pl.col("duration_minutes").median().cast(pl.Float64).alias("median_minutes"),
        pl.col("duration_minutes").mean().cast(pl.Float64).alias("mean_minutes"),
    ).pipe(text_group)
    inside = (
        in_window(text_group(contacts.select("group", "counterpart", "date", "format")), windows)
        .group_by("group")
        .agg(calls_in_window())
    )
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
    return (
        base.join(windows_frame(windows, selected.as_of), on="group", how="left")
        .join(inside, on="group", how="left")
        .join(tones, on="group", how="left")
        .with_columns(pl.col("calls_in_window").fill_null(0), pl.col("top_tone").fill_null(""))
        .with_columns(pl.when(pl.col("years") > 0).then(pl.col("calls_in_window") / pl.col("years")).alias("calls_per_year"))
        .sort("group")
        .select(OUTPUT)
    )
