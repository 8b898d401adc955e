"""Coverage: reported totals (claims.csv) against the contacts the table enumerates in the same scope.

Schema: claim_id, counterpart, start, end, formats (str, ';'-joined, empty = all), side, description,
claimed (i64), enumerated (u32), gap (i64, claimed - enumerated; negative when the table holds more),
coverage (f64, enumerated / claimed), source_ids (str).
A claim carries its own scope (dates, formats), so only the selection's counterpart, leader and status
filters apply to it.
"""

from __future__ import annotations

import polars as pl

from diplodash.metrics.selection import Selected


def plan(selected: Selected) -> pl.LazyFrame:
    selection, config = selected.selection, selected.config
    contacts = selected.all_contacts.filter(pl.col("status").is_in(list(selection.status_filter(config))))
    claims = selected.claims
    if selection.counterparts:
        contacts = contacts.filter(pl.col("counterpart").is_in(list(selection.counterparts)))
        claims = claims.filter(pl.col("counterpart").is_in(list(selection.counterparts)))
    if selection.leaders:
        contacts = contacts.filter(pl.col("leader").is_in(list(selection.leaders)))
        claims = claims.filter(pl.col("leader").is_null() | pl.col("leader").is_in(list(selection.leaders)))
    # Count per (leader, counterpart, day, format) first, so the claim join stays small at any table size.
    # A claim counts the contacts of its own leader (every leader's when its leader is empty).
    daily = contacts.group_by("leader", "counterpart", "date", "format").agg(pl.len().alias("_n"))
    claims = claims.with_row_index("_claim")
    matched = (
        claims.select("_claim", pl.col("leader").alias("_claim_leader"), "counterpart", "start", "end", "formats")
        .join(daily, on="counterpart", how="inner")
        .filter(
            (pl.col("_claim_leader").is_null() | (pl.col("_claim_leader") == pl.col("leader")))
            & (pl.col("date") >= pl.col("start"))
            & (pl.col("date") <= pl.col("end"))
            & ((pl.col("formats").list.len() == 0) | pl.col("formats").list.contains(pl.col("format")))
        )
        .group_by("_claim")
        .agg(pl.col("_n").sum().cast(pl.UInt32).alias("enumerated"))
    )
    return (
        claims.join(matched, on="_claim", how="left")
        .with_columns(pl.col("enumerated").fill_null(0))
        .with_columns(
            pl.col("claimed_count").alias("claimed"),
            (pl.col("claimed_count") - pl.col("enumerated").cast(pl.Int64)).alias("gap"),
            pl.when(pl.col("claimed_count") > 0).then(pl.col("enumerated") / pl.col("claimed_count")).alias("coverage"),
            pl.col("formats").list.join(";").alias("formats"),
            pl.col("source_ids").list.join(";").alias("source_ids"),
        )
        .sort("_claim")
        .select("claim_id", "counterpart", "start", "end", "formats", "side", "description", "claimed", "enumerated", "gap", "coverage", "source_ids")
    )
