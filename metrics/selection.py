"""What to look at (a Selection of contacts) and how to split it (a grouping).

Every metric takes the same (frames, selection, grouping); ``select`` applies both once and hands the
metrics lazy frames carrying a ``group`` column.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import asdict, dataclass, field, replace

import polars as pl

from metrics.config import Config
from metrics.schema import FORMATS, STATUSES

GROUPINGS = ("period", "counterpart", "year", "format", "side", "status", "none")
FILTER_KEYS = ("counterpart", "period", "format", "status", "from", "to", "year", "leader")
ALL = "all"


class SelectionError(ValueError):
    pass


@dataclass(frozen=True)
class Selection:
    counterparts: tuple[str, ...] = ()
    periods: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()  # empty: the config's count_statuses
    years: tuple[int, ...] = ()
    leaders: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive
    all_statuses: bool = False
    label: str = field(default="", compare=False)

    def status_filter(self, config: Config) -> tuple[str, ...]:
        if self.all_statuses:
            return STATUSES
        return self.statuses or tuple(config.count_statuses)

    def expr(self, config: Config) -> pl.Expr:
        conditions = [pl.col("status").is_in(list(self.status_filter(config)))]
        if self.counterparts:
            conditions.append(pl.col("counterpart").is_in(list(self.counterparts)))
        if self.leaders:
            conditions.append(pl.col("leader").is_in(list(self.leaders)))
        if self.periods:
            conditions.append(pl.col("period").is_in(list(self.periods)))
        if self.formats:
            conditions.append(pl.col("format").is_in(list(self.formats)))
        if self.years:
            conditions.append(pl.col("year").is_in(list(self.years)))
        if self.date_from:
            conditions.append(pl.col("date") >= pl.lit(self.date_from))
        if self.date_to:
            conditions.append(pl.col("date") <= pl.lit(self.date_to))
        return pl.all_horizontal(conditions)

    def describe(self) -> str:
        parts = []
        for name, values in (("counterpart", self.counterparts), ("leader", self.leaders), ("period", self.periods), ("format", self.formats), ("status", self.statuses), ("year", self.years)):
            if values:
                parts.append(f"{name}={','.join(map(str, values))}")
        if self.date_from:
            parts.append(f"from={self.date_from}")
        if self.date_to:
            parts.append(f"to={self.date_to}")
        if self.all_statuses:
            parts.append("all statuses")
        return "; ".join(parts) or "everything"

    def name(self) -> str:
        return self.label or self.describe()

    def to_dict(self) -> dict:
        data = asdict(self)
        for key in ("date_from", "date_to"):
            data[key] = data[key].isoformat() if data[key] else None
        return data

    def with_filter(self, key: str, values: tuple) -> "Selection":
        return replace(self, **{_FIELD[key]: values})

    @classmethod
    def parse(cls, clauses: list[str] | tuple[str, ...], *, all_statuses: bool = False, label: str = "", known: dict[str, list[str]] | None = None) -> "Selection":
        """Parse ``key=value[,value]`` clauses (``counterpart=Joe Biden``, ``from=2021-01-01``)."""
        values: dict[str, object] = {}
        for clause in clauses:
            if "=" not in clause:
                raise SelectionError(f"filter '{clause}' must look like key=value (keys: {', '.join(FILTER_KEYS)})")
            key, _, raw = clause.partition("=")
            key = key.strip().lower()
            if key not in FILTER_KEYS:
                close = difflib.get_close_matches(key, FILTER_KEYS, n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                raise SelectionError(f"unknown filter key '{key}': {hint}keys are {', '.join(FILTER_KEYS)}")
            items = tuple(v.strip() for v in raw.split(",") if v.strip())
            if not items:
                raise SelectionError(f"filter '{clause}' has no value")
            if key in ("from", "to"):
                try:
                    values[_FIELD[key]] = dt.date.fromisoformat(items[0])
                except ValueError:
                    raise SelectionError(f"filter {key}: '{items[0]}' is not a date (YYYY-MM-DD)") from None
                continue
            if key == "year":
                try:
                    values["years"] = tuple(int(v) for v in items)
                except ValueError:
                    raise SelectionError(f"filter year: '{raw}' must be whole years like 2021,2022") from None
                continue
            choices = {"format": list(FORMATS), "status": list(STATUSES)}.get(key) or (known or {}).get(key)
            if choices:
                for item in items:
                    if item not in choices:
                        close = difflib.get_close_matches(item, choices, n=1)
                        hint = f"did you mean '{close[0]}'? " if close else ""
                        raise SelectionError(f"filter {key}: unknown value '{item}'; {hint}choose from {', '.join(choices)}")
            values[_FIELD[key]] = items
        return cls(**values, all_statuses=all_statuses, label=label)


_FIELD = {
    "counterpart": "counterparts",
    "leader": "leaders",
    "period": "periods",
    "format": "formats",
    "status": "statuses",
    "year": "years",
    "from": "date_from",
    "to": "date_to",
}


def check_grouping(by: str) -> str:
    if by not in GROUPINGS:
        close = difflib.get_close_matches(by, GROUPINGS, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise SelectionError(f"unknown grouping '{by}': {hint}choose one of {', '.join(GROUPINGS)}")
    return by


def group_expr(by: str) -> pl.Expr:
    if by == "none":
        return pl.lit(ALL).alias("group")
    if by == "side":
        return pl.col("reported_by").alias("group")  # exploded afterwards: a contact counts for each side that reported it
    return pl.col(by).cast(pl.String).fill_null("(unknown)").alias("group")


def text_group(frame: pl.LazyFrame) -> pl.LazyFrame:
    """``group`` back to text after an aggregation: a snapshot groups on a Categorical copy (faster keys)."""
    return frame.with_columns(pl.col("group").cast(pl.String))


@dataclass
class Selected:
    """The frames every metric works on, already filtered and carrying ``group``."""

    contacts: pl.LazyFrame
    reports: pl.LazyFrame
    all_contacts: pl.LazyFrame  # unfiltered, for coverage, whose claims carry their own scope
    claims: pl.LazyFrame
    config: Config
    selection: Selection
    by: str


def select(contacts: pl.LazyFrame, reports: pl.LazyFrame, claims: pl.LazyFrame, config: Config, selection: Selection, by: str) -> Selected:
    check_grouping(by)
    chosen = contacts.filter(selection.expr(config)).with_columns(group_expr(by))
    if by == "side":
        chosen = chosen.explode("group").with_columns(pl.col("group").fill_null("(no account)"))
    if by == "side":  # an account belongs to the side that gave it
        ids = chosen.select("contact_id").unique()
        chosen_reports = reports.join(ids, on="contact_id", how="semi").with_columns(pl.col("side").alias("group"))
    else:
        chosen_reports = reports.join(chosen.select("contact_id", "group"), on="contact_id", how="inner")
    return Selected(chosen, chosen_reports, contacts, claims, config, selection, by)
