"""What to look at (a Selection of contacts) and how to split it (a grouping).

Every metric takes the same (frames, selection, grouping); ``select`` applies both once and hands the
metrics lazy frames carrying a ``group`` column.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, replace

import polars as pl

from diplodash.metrics.config import GROUPINGS, Config
from diplodash.metrics.problems import did_you_mean
from diplodash.metrics.schema import FORMATS, NO_ACCOUNT, NO_PERIOD, SIDES, STATUSES, UNKNOWN_GROUP

KEY_SEPARATOR = " · "  # between the values of a two-key group ("Biden · Xi Jinping")
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
    within: "Selection | None" = None  # a comparison side is narrowed by the global filter

    def chain(self) -> tuple["Selection", ...]:
        """This selection and every selection it lies within: a contact is selected when all of them keep it."""
        return (self,) + (self.within.chain() if self.within is not None else ())

    def status_filter(self, config: Config) -> tuple[str, ...]:
        if self.all_statuses:
            return STATUSES
        return self.statuses or tuple(config.count_statuses)

    def expr(self, config: Config) -> pl.Expr:
        if self.within is not None:
            return self._expr(config) & self.within.expr(config)
        return self._expr(config)

    def _expr(self, config: Config) -> pl.Expr:
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
        text = "; ".join(parts) or "everything"
        if self.within is not None and self.within.describe() != "everything":
            text += f" (within {self.within.describe()})"
        return text

    def name(self) -> str:
        return self.label or self.describe()

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("within")
        for key in ("date_from", "date_to"):
            data[key] = data[key].isoformat() if data[key] else None
        data["within"] = self.within.to_dict() if self.within is not None else None
        return data

    def check(self) -> "Selection":
        """An empty date range is a mistake, not a selection of nothing."""
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise SelectionError(f"empty date range: from={self.date_from} is later than to={self.date_to}")
        return self

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
                hint = did_you_mean(key, FILTER_KEYS)
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
                        hint = did_you_mean(item, choices)
                        raise SelectionError(f"filter {key}: unknown value '{item}'; {hint}choose from {', '.join(choices)}")
            values[_FIELD[key]] = items
        return cls(**values, all_statuses=all_statuses, label=label).check()


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


# The order `g` cycles through in the app: every single key, and the comparison of hubs (period × leader).
GROUPING_CYCLE = ("period", "period,leader", "counterpart", "leader", "year", "format", "side", "status", "none")


def next_grouping(by: str) -> str:
    position = GROUPING_CYCLE.index(by) if by in GROUPING_CYCLE else -1
    return GROUPING_CYCLE[(position + 1) % len(GROUPING_CYCLE)]


def grouping_keys(by: str) -> tuple[str, ...]:
    """``period,leader`` -> ("period", "leader"); ``none`` -> ()."""
    keys = tuple(k.strip() for k in by.split(",") if k.strip())
    return tuple(k for k in keys if k != "none")


def check_grouping(by: str) -> str:
    """A grouping: one key, or two or more joined by commas (``period,leader``). Returns its normal form."""
    keys = tuple(k.strip().lower() for k in by.split(",") if k.strip()) or ("",)
    for key in keys:
        if key not in GROUPINGS:
            hint = did_you_mean(key, GROUPINGS)
            raise SelectionError(f"unknown grouping '{key}': {hint}choose one of {', '.join(GROUPINGS)}, or two joined by a comma (period,leader)")
    if len(keys) > 1:
        if "none" in keys or "side" in keys:
            raise SelectionError(f"grouping '{by}': 'none' and 'side' cannot be combined with another key")
        if len(set(keys)) != len(keys):
            raise SelectionError(f"grouping '{by}' names a key twice")
    return ",".join(keys)


def _key_text(key: str) -> pl.Expr:
    return pl.col(key).cast(pl.String).fill_null(UNKNOWN_GROUP)


def group_expr(by: str) -> pl.Expr:
    keys = grouping_keys(by)
    if not keys:
        return pl.lit(ALL).alias("group")
    if keys == ("side",):
        return pl.col("reported_by").alias("group")  # exploded afterwards: a contact counts for each side that reported it
    if len(keys) == 1:
        return _key_text(keys[0]).alias("group")
    return pl.concat_str([_key_text(k) for k in keys], separator=KEY_SEPARATOR).alias("group")


def _rank(key: str, value: str, config: Config) -> tuple:
    """The natural place of one key's value: periods by start, years ascending, enumerations in their
    documented order, names alphabetically; "(no period)", "(unknown)" and "(no account)" last."""
    if value in (NO_PERIOD, UNKNOWN_GROUP, NO_ACCOUNT):
        return (2, 0, value)
    if key == "period":
        starts = {p.name: (p.start, i) for i, p in enumerate(config.periods)}
        if value in starts:
            return (0, starts[value], value)
        return (1, 0, value)
    if key == "year":
        try:
            return (0, int(value), value)
        except ValueError:
            return (1, 0, value)
    order = {"format": FORMATS, "status": STATUSES, "side": SIDES}.get(key)
    if order is not None and value in order:
        return (0, order.index(value), value)
    return (0, value.casefold(), value)


def group_rank(groups: list[str], by: str, config: Config) -> dict[str, int]:
    """Each group's position in the natural order of the grouping (the same in every table and chart)."""
    keys = grouping_keys(by)

    def rank(group: str) -> tuple:
        if len(keys) <= 1:
            return (_rank(keys[0], group, config),) if keys else ()
        values = group.split(KEY_SEPARATOR, len(keys) - 1)
        values += [""] * (len(keys) - len(values))
        return tuple(_rank(k, v, config) for k, v in zip(keys, values))

    return {g: i for i, g in enumerate(sorted(dict.fromkeys(groups), key=rank))}


def natural_order(frame: pl.DataFrame, by: str, config: Config) -> pl.DataFrame:
    """Sort a metric's rows by group in the natural order, keeping the rows' order within a group."""
    if "group" not in frame.columns or frame.is_empty():
        return frame
    ranks = group_rank(frame.get_column("group").cast(pl.String).to_list(), by, config)
    order = pl.col("group").cast(pl.String).replace_strict(ranks, return_dtype=pl.Int64)
    return frame.sort(order, maintain_order=True)


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
    as_of: dt.date  # every figure is computed as of this date (metrics.window)
    table_first: dt.date | None = None  # the table's first contact: no window starts before it


def select(
    contacts: pl.LazyFrame, reports: pl.LazyFrame, claims: pl.LazyFrame, config: Config, selection: Selection, by: str,
    *, as_of: dt.date, table_first: dt.date | None = None,
) -> Selected:
    by = check_grouping(by)
    chosen = contacts.filter(selection.expr(config)).with_columns(group_expr(by))
    if by == "side":
        chosen = chosen.explode("group").with_columns(pl.col("group").fill_null(NO_ACCOUNT))
    if by == "side":  # an account belongs to the side that gave it
        ids = chosen.select("contact_id").unique()
        chosen_reports = reports.join(ids, on="contact_id", how="semi").with_columns(pl.col("side").alias("group"))
    else:
        chosen_reports = reports.join(chosen.select("contact_id", "group"), on="contact_id", how="inner")
    return Selected(chosen, chosen_reports, contacts, claims, config, selection, by, as_of, table_first)
