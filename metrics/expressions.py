"""Expression factories: each counted term as one polars expression, reused inside every ``.agg``.

What a call, a multi-party call and a meeting are is declared in ``metrics/schema.py`` (the format families) and
explained in ``metrics/glossary.py``; these expressions are the only place the metrics turn that into counting.
"""

from __future__ import annotations

import polars as pl

from diplodash.metrics.schema import CALLS, MEETINGS, MULTI_PARTY


def count_formats(formats: tuple[str, ...], name: str) -> pl.Expr:
    """How many contacts of the group have one of ``formats``, as u32 named ``name``."""
    return pl.col("format").is_in(list(formats)).sum().cast(pl.UInt32).alias(name)


def format_counts() -> list[pl.Expr]:
    """Calls, multi-party calls and meetings of a group."""
    return [count_formats(CALLS, "calls"), count_formats(MULTI_PARTY, "multi_party_calls"), count_formats(MEETINGS, "meetings")]


def calls_in_window() -> pl.Expr:
    """Calls of a group that fall inside its rate window (apply to contacts already cut to the window)."""
    return count_formats(CALLS, "calls_in_window")
