"""Side names: what a contact's reporting sides are called on screen and in exports.

The table stores sides as ``leader``, ``counterpart``, ``press`` and ``other``; the config names them
per leader and per counterpart (``[sides.leaders."Xi Jinping"] leader = "China"``), with the [sides]
table as the default (``metrics.config.SideNames`` holds the rule). Three ways to ask:

- ``side_name(config, side, leader, counterpart)``: one side of one contact ("China" for Xi's side).
- ``side_names_for(config, pairs)``: the names for a set of contacts (a view's selection): each side's
  name when every (leader, counterpart) pair gives it the same one, else the [sides] default, so a view
  over Putin's and Xi's contacts does not call both "Kremlin".
- ``side_name_expr(config, side)``: a polars expression for a per-contact column (``side`` an expression
  holding side codes; other values, such as ``unknown``, pass through).
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from diplodash.metrics.config import Config
from diplodash.metrics.schema import SIDES


def side_name(config: Config, side: str, leader: str | None = None, counterpart: str | None = None) -> str:
    """The display name of ``side`` for a contact of ``leader`` with ``counterpart``."""
    return config.sides.name(side, leader, counterpart)


def side_names(config: Config, leader: str | None = None, counterpart: str | None = None) -> dict[str, str]:
    """Every side's display name for one (leader, counterpart) pair."""
    return {side: side_name(config, side, leader, counterpart) for side in SIDES}


def side_names_for(config: Config, pairs: Iterable[tuple[str | None, str | None]]) -> dict[str, str]:
    """Every side's name for a set of contacts: the pairs' common name per side, else the default."""
    names: dict[str, set[str]] = {side: set() for side in SIDES}
    for leader, counterpart in set(pairs):
        for side in SIDES:
            names[side].add(side_name(config, side, leader, counterpart))
    default = config.sides.default
    return {side: next(iter(found)) if len(found) == 1 else default.get(side, side) for side, found in names.items()}


def pairs_of(contacts: pl.DataFrame) -> list[tuple[str | None, str | None]]:
    """The distinct (leader, counterpart) pairs of a contacts frame (empty when it lacks the columns)."""
    if "leader" not in contacts.columns or "counterpart" not in contacts.columns:
        return []
    return list(contacts.select("leader", "counterpart").unique().iter_rows())


def side_name_expr(
    config: Config,
    side: pl.Expr,
    leader: pl.Expr | None = None,
    counterpart: pl.Expr | None = None,
) -> pl.Expr:
    """A per-contact side name: ``side`` (codes) named for the row's ``leader`` and ``counterpart`` columns."""
    leader = pl.col("leader") if leader is None else leader
    counterpart = pl.col("counterpart") if counterpart is None else counterpart
    sides = config.sides
    named: pl.Expr = side.cast(pl.String)
    for code in SIDES:
        first, second = sides.precedence(code)
        people = (leader, counterpart) if first is sides.leaders else (counterpart, leader)
        name: pl.Expr = pl.lit(sides.default.get(code, code))
        # The weaker table first, so that the stronger one's match is the outermost when.
        for table, person in ((second, people[1]), (first, people[0])):
            for who, entry in table.items():
                if code in entry:
                    name = pl.when(person == who).then(pl.lit(entry[code])).otherwise(name)
        named = pl.when(side == code).then(name).otherwise(named)
    return named
