"""A snapshot: every metric for one selection and grouping, as of a date, computed together.

Nothing here reads the clock: ``as_of`` (the date every window ends by, metrics.window) is a parameter,
and so is any timestamp a caller wants to record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import polars as pl

from diplodash.metrics.dataset import Dataset
from diplodash.metrics.measures import calls_per_year, compare, coverage, durations, initiators, overview, timeline, tone
from diplodash.metrics.schema import SIDES
from diplodash.metrics.selection import Selected, Selection, check_grouping, grouping_keys, natural_order, select

# Name -> plan builder. The order is the order of views and exports.
METRICS = {
    "overview": overview.plan,
    "calls_per_year": calls_per_year.plan,
    "initiators": initiators.plan,
    "durations": durations.plan,
    "tone": tone.plan,
    "coverage": coverage.plan,
    "timeline": timeline.plan,
}

# The columns of the selected contacts that the metrics above read (coverage reads the unfiltered table).
# A snapshot filters and groups the contacts once, keeping only these, instead of once per aggregation:
# at 10 million contacts that was most of the snapshot's time.
SNAPSHOT_COLUMNS = (
    "group", "contact_id", "date", "date_text", "year", "period", "leader", "counterpart", "format", "initiator_side", "initiator_disputed",
    "duration_minutes", "duration_figures", *(f"duration_minutes_{s}" for s in SIDES),
    "tone_labels", *(f"tone_labels_{s}" for s in SIDES),
)


@dataclass
class Snapshot:
    selection: Selection
    by: str
    tables: dict[str, pl.DataFrame]
    as_of: dt.date

    def __getitem__(self, name: str) -> pl.DataFrame:
        return self.tables[name]


def table_first(dataset: Dataset) -> dt.date | None:
    """The table's first contact: no rate window starts before it."""
    if dataset.contacts.is_empty():
        return None
    return dataset.contacts.get_column("date").min()


def selected(dataset: Dataset, selection: Selection, by: str, *, as_of: dt.date) -> Selected:
    return select(
        dataset.contacts.lazy(), dataset.reports.lazy(), dataset.claims.lazy(), dataset.config, selection, by,
        as_of=as_of, table_first=table_first(dataset),
    )


def compute_snapshot(
    dataset: Dataset, selection: Selection | None = None, by: str | None = None, names: tuple[str, ...] | None = None, *, as_of: dt.date
) -> Snapshot:
    selection = (selection or Selection()).check()
    by = check_grouping(by or dataset.config.default_group_by)
    chosen = selected(dataset, selection, by, as_of=as_of)
    names = names or tuple(METRICS)
    unknown = [n for n in names if n not in METRICS]
    if unknown:
        raise KeyError(f"unknown metric {unknown[0]!r}; metrics are {', '.join(METRICS)}")
    if len(names) > 1:
        keep = [c for c in SNAPSHOT_COLUMNS if c != "group"] + [k for k in grouping_keys(by) if k not in SNAPSHOT_COLUMNS and k != "side"]
        contacts = chosen.contacts.select("group", *dict.fromkeys(keep)).with_columns(pl.col("group").cast(pl.Categorical)).collect()
        chosen = replace(chosen, contacts=contacts.lazy())
    frames = pl.collect_all([METRICS[name](chosen) for name in names])
    tables = {name: natural_order(frame, by, dataset.config) for name, frame in zip(names, frames)}
    return Snapshot(selection, by, tables, as_of)


def compute_metric(dataset: Dataset, name: str, selection: Selection | None = None, by: str | None = None, *, as_of: dt.date) -> pl.DataFrame:
    return compute_snapshot(dataset, selection, by, (name,), as_of=as_of)[name]


def default_comparison(dataset: Dataset) -> tuple[Selection, Selection] | None:
    """The comparison shown first: the config's ``compare_a``/``compare_b``, otherwise the two most recent
    periods (by start) that hold contacts. None when neither exists."""
    config = dataset.config
    if config.compare_a and config.compare_b:
        return (
            Selection.parse(config.compare_a, label=" ".join(v.partition("=")[2] for v in config.compare_a)),
            Selection.parse(config.compare_b, label=" ".join(v.partition("=")[2] for v in config.compare_b)),
        )
    used = set(dataset.contacts.get_column("period").unique().to_list()) if "period" in dataset.contacts.columns else set()
    present = sorted((p for p in config.periods if p.name in used), key=lambda p: p.start)
    if len(present) < 2:
        return None
    a, b = present[-2].name, present[-1].name
    return Selection(periods=(a,), label=a), Selection(periods=(b,), label=b)


def compare_selections(dataset: Dataset, a: Selection, b: Selection, *, as_of: dt.date, within: Selection | None = None) -> pl.DataFrame:
    """Two selections side by side; ``within`` (the global filter) narrows both, and says so in their names."""
    if within is not None:
        a, b = replace(a, within=within), replace(b, within=within)
    return compare.plan(selected(dataset, a.check(), "none", as_of=as_of), selected(dataset, b.check(), "none", as_of=as_of)).collect()
