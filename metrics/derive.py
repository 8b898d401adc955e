"""Derived columns: minutes from duration wording, tone labels, the default figure per contact,
initiator side, year and period.

The rules that pick one figure per contact are documented in seeds/README.md ("The default figure").
Text parsing runs once per distinct wording, never per row, so large tables stay fast.
"""

from __future__ import annotations

import polars as pl

from diplodash.metrics.config import Config
from diplodash.metrics.durations import DurationParseError, parse_duration
from diplodash.metrics.schema import NO_PERIOD, SIDES
from diplodash.metrics.tone_lexicon import ToneLexicon

LINE = "__line"  # the accounts' line in their file (metrics.readers.LINE)
CODE = "_contact"  # a contact's integer number while aggregating

DURATION_COLUMNS = {"duration_minutes": pl.Float64, "duration_qualifier": pl.String, "duration_error": pl.String, "duration_error_column": pl.Int64}


def duration_table(texts: list[str]) -> pl.DataFrame:
    """One row per distinct wording: minutes, qualifier, and the parse error if any."""
    rows = {"duration_text": [], **{k: [] for k in DURATION_COLUMNS}}
    for text in texts:
        rows["duration_text"].append(text)
        try:
            parsed = parse_duration(text)
        except DurationParseError as exc:
            values = (None, None, exc.message, exc.column)
        else:
            values = (parsed.minutes, parsed.qualifier, None, None)
        for key, value in zip(DURATION_COLUMNS, values):
            rows[key].append(value)
    return pl.DataFrame(rows, schema={"duration_text": pl.String, **DURATION_COLUMNS})


def tone_table(texts: list[str], lexicon: ToneLexicon) -> pl.DataFrame:
    return pl.DataFrame(
        {"tone_text": texts, "tone_labels": [lexicon.labels_for(t) for t in texts]},
        schema={"tone_text": pl.String, "tone_labels": pl.List(pl.String)},
    )


def derive_reports(reports: pl.DataFrame, lexicon: ToneLexicon) -> pl.DataFrame:
    """Add minutes, qualifier and tone labels to each account."""
    durations = duration_table(reports.get_column("duration_text").drop_nulls().unique().to_list())
    tones = tone_table(reports.get_column("tone_text").drop_nulls().unique().to_list(), lexicon)
    # Only the two key columns go through the joins; their new columns are added to the accounts as they are
    # (a join of the whole, wide table copied every column of it).
    added = (
        reports.select("duration_text", "tone_text")
        .join(durations, on="duration_text", how="left", nulls_equal=False, maintain_order="left")
        .join(tones, on="tone_text", how="left", maintain_order="left")
        .select(*DURATION_COLUMNS, pl.col("tone_labels").fill_null(pl.lit([], dtype=pl.List(pl.String))))
    )
    return reports.hstack(added.get_columns())


def contact_aggregates(reports: pl.DataFrame, config: Config) -> pl.DataFrame:
    """Per contact (one row per contact_id of the accounts): the default duration and its spread, the
    initiator, and tone labels and texts per side."""
    codes = reports.select(pl.col("contact_id").rank("dense").alias(CODE))
    ids = reports.lazy().select(codes.to_series(), "contact_id").unique(CODE)
    aggregates = _aggregates(reports, codes.to_series(), config)
    return ids.join(aggregates, on=CODE, how="inner").drop(CODE).collect()


def _aggregates(reports: pl.DataFrame, code: pl.Series, config: Config) -> pl.LazyFrame:
    claims, tone, default = _aggregate_parts(reports, code, config)
    empty = pl.lit([], dtype=pl.List(pl.String))
    label_columns = ["tone_labels", *[f"tone_labels_{s}" for s in SIDES]]
    frame = claims.join(tone, on=CODE, how="left").with_columns([pl.col(c).fill_null(empty) for c in label_columns])
    columns = [CODE, "reports", "reported_by", *label_columns, *[f"tone_text_{s}" for s in SIDES], "initiator"]
    return frame.select(columns).join(default, on=CODE, how="left")


def _aggregate_parts(reports: pl.DataFrame, code: pl.Series, config: Config) -> tuple[pl.LazyFrame, pl.LazyFrame, pl.LazyFrame]:
    """The per-contact aggregates keyed by ``code`` (the contact's integer number, one per account).

    Every aggregation groups by that integer, never by the text key: one group-by over the accounts
    (count, claims, sides, tone texts), one over the timed accounts (the default figure), one over the
    exploded tone labels (all sides and each side). Per-row list operations and joins of list columns on
    text keys took most of the load time of a large table.
    """
    priority = {side: rank for rank, side in enumerate(config.duration_side_priority)}
    known_sides = reports.height == 0 or bool(reports.select(pl.col("side").is_in(list(SIDES)).fill_null(False).all()).item())
    accounts = reports.lazy().select(
        code.alias(CODE), "side", "initiator_claim", "tone_text", "tone_labels", "duration_minutes", "duration_text", "duration_qualifier", LINE
    )
    timed = (
        accounts.filter(pl.col("duration_minutes").is_not_null())
        .select(
            CODE,
            "side",
            "duration_minutes",
            "duration_text",
            "duration_qualifier",
            (pl.col("duration_qualifier") != "exact").alias("_inexact"),
            pl.col("side").replace_strict(priority, default=len(priority), return_dtype=pl.Int32).alias("_side_rank"),
            LINE,
        )
        .sort([CODE, "_inexact", "_side_rank", LINE])
    )
    default = timed.group_by(CODE).agg(
        pl.col("duration_minutes").first(),
        pl.col("duration_text").first(),
        pl.col("duration_qualifier").first(),
        pl.col("side").first().alias("duration_side"),
        pl.col("duration_minutes").min().alias("duration_min"),
        pl.col("duration_minutes").max().alias("duration_max"),
        pl.col("duration_minutes").n_unique().alias("duration_figures"),
        *[pl.col("duration_minutes").filter(pl.col("side") == side).first().alias(f"duration_minutes_{side}") for side in SIDES],
    )
    # The claims made about a contact: none (min is null), one value (min == max) or several (disputed).
    if known_sides:
        # Sides come from a fixed set: which of them reported, in sorted order, without list operations per row.
        # The sides of a contact as a bit mask, then its sorted list looked up among the 2**len(SIDES) subsets.
        order = sorted(SIDES)
        subsets = pl.Series([[s for i, s in enumerate(order) if mask >> i & 1] for mask in range(1 << len(order))], dtype=pl.List(pl.String))
        sides = [(pl.col("side") == side).any().alias(f"_by_{side}") for side in order]
        reported_by = pl.lit(subsets).gather(pl.sum_horizontal([pl.col(f"_by_{side}").cast(pl.UInt32) * (1 << i) for i, side in enumerate(order)]))
    else:
        sides = [pl.col("side").alias("reported_by")]
        reported_by = pl.col("reported_by").list.unique().list.sort()
    claims = (
        accounts.with_columns([pl.when(pl.col("side") == side).then(pl.col("tone_text")).alias(f"tone_text_{side}") for side in SIDES])
        .group_by(CODE)
        .agg(
            pl.col("initiator_claim").min().alias("_claim_min"),
            pl.col("initiator_claim").max().alias("_claim_max"),
            pl.len().alias("reports"),
            *sides,
            *[pl.col(f"tone_text_{side}") for side in SIDES],
        )
    )
    initiator = (
        pl.when(pl.col("_claim_min").is_null())
        .then(pl.lit("unknown"))
        .when(pl.col("_claim_min") != pl.col("_claim_max"))
        .then(pl.lit("disputed"))
        .otherwise(pl.col("_claim_min"))
    )
    claims = claims.select(
        CODE,
        "reports",
        reported_by.alias("reported_by"),
        *[pl.col(f"tone_text_{side}").list.join(" | ") for side in SIDES],  # nulls are skipped
        initiator.alias("initiator"),
    )
    # Tone labels: one row per (account, label) in file order; a contact's labels in order of first use,
    # over all its accounts and per side (the first use on each side is kept, then filtered per side).
    labels = accounts.select(CODE, "side", pl.col("tone_labels").alias("label")).explode("label", empty_as_null=False, keep_nulls=False)
    tone = labels.unique([CODE, "side", "label"], keep="first", maintain_order=True).group_by(CODE).agg(
        pl.col("label").unique(maintain_order=True).alias("tone_labels"),
        *[pl.col("label").filter(pl.col("side") == side).alias(f"tone_labels_{side}") for side in SIDES],
    )
    return claims, tone, default


def date_at_precision(date: str, precision: str) -> pl.Expr:
    """A date as precise as it is known: ``2025-10-16``, ``2025-10`` or ``2025`` (the one date formatter)."""
    return (
        pl.when(pl.col(precision) == "year")
        .then(pl.col(date).dt.strftime("%Y"))
        .when(pl.col(precision) == "month")
        .then(pl.col(date).dt.strftime("%Y-%m"))
        .otherwise(pl.col(date).dt.strftime("%Y-%m-%d"))
    )


def period_expr(config: Config) -> pl.Expr:
    expr = None
    for period in config.periods:
        who = pl.lit(True) if period.counterpart == "*" else pl.col("counterpart") == period.counterpart
        when = who & (pl.col("date") >= pl.lit(period.start))
        if period.end is not None:
            when = when & (pl.col("date") < pl.lit(period.end))
        expr = pl.when(when).then(pl.lit(period.name)) if expr is None else expr.when(when).then(pl.lit(period.name))
    if expr is None:
        return pl.lit(NO_PERIOD).alias("period")
    return expr.otherwise(pl.lit(NO_PERIOD)).alias("period")


EMPTY_LIST = pl.lit([], dtype=pl.List(pl.String))


def derive_contacts(contacts: pl.DataFrame, reports: pl.DataFrame, config: Config) -> pl.DataFrame:
    # Number the contact ids of both tables at once (a dense rank), so that the accounts are aggregated
    # and joined onto the contacts by an integer instead of the text key.
    codes = pl.concat([contacts.get_column("contact_id"), reports.get_column("contact_id")]).rank("dense")
    parts = pl.collect_all(_aggregate_parts(reports, codes.slice(contacts.height), config))
    # Each part is keyed by the code; its rows are gathered into the contacts' order (a left join that only
    # moves the part's columns, never the contacts'). Frames collected by the streaming engine come in
    # chunks, and gathering list columns across chunks was several times slower than rechunking first.
    keys = pl.DataFrame({CODE: codes.slice(0, contacts.height)})
    columns: dict[str, pl.Series] = {}
    for part in parts:
        position = keys.join(part.select(CODE).with_row_index("_row"), on=CODE, how="left", maintain_order="left").get_column("_row")
        for column in part.drop(CODE).rechunk().select(pl.all().gather(position)).get_columns():
            columns[column.name] = column
    order = ["reports", "reported_by", "tone_labels", *[f"tone_labels_{s}" for s in SIDES], *[f"tone_text_{s}" for s in SIDES], "initiator"]
    frame = contacts.hstack([columns[name] for name in order] + [columns[name] for name in columns if name not in order])
    list_columns = ["tone_labels", "reported_by"] + [f"tone_labels_{s}" for s in SIDES]
    return frame.with_columns(
        pl.col("date").dt.year().cast(pl.Int32).alias("year"),
        (date_at_precision("date", "date_precision") if "date_precision" in contacts.columns else pl.col("date").dt.strftime("%Y-%m-%d")).alias("date_text"),
        period_expr(config),
        pl.col("status").fill_null("confirmed"),
        pl.col("initiator").fill_null("unknown"),
        pl.when(pl.col("initiator").is_in(["leader", "counterpart"])).then(pl.col("initiator")).otherwise(pl.lit("unknown")).alias("initiator_side"),
        (pl.col("initiator") == "disputed").fill_null(False).alias("initiator_disputed"),
        pl.col("reports").fill_null(0).cast(pl.UInt32),
        pl.col("duration_figures").fill_null(0).cast(pl.UInt32),
        *[pl.col(c).fill_null(EMPTY_LIST) for c in list_columns],
    ).with_columns(
        pl.when(pl.col("initiator_side") == "leader")
        .then(pl.col("leader"))
        .when(pl.col("initiator_side") == "counterpart")
        .then(pl.col("counterpart"))
        .alias("initiator_name"),
        pl.col("status").is_in(list(config.count_statuses)).alias("counted"),
    )
