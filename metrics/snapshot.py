"""A snapshot: every metric for one selection and grouping, computed together with ``pl.collect_all``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import polars as pl

from metrics.dataset import Dataset
from metrics.measures import calls_per_year, compare, coverage, durations, initiators, overview, tone
from metrics.schema import SIDES
from metrics.selection import Selected, Selection, select

# Name -> plan builder. The order is the order of views and exports.
METRICS = {
    "overview": overview.plan,
    "calls_per_year": calls_per_year.plan,
    "initiators": initiators.plan,
    "durations": durations.plan,
    "tone": tone.plan,
    "coverage": coverage.plan,
}

# The columns of the selected contacts that the metrics above read (coverage reads the unfiltered table).
# A snapshot filters and groups the contacts once, keeping only these, instead of once per aggregation:
# at 10 million contacts that was most of the snapshot's time.
SNAPSHOT_COLUMNS = (
    "group", "date", "year", "format", "initiator_side", "initiator_disputed",
    "duration_minutes", "duration_figures", *(f"duration_minutes_{s}" for s in SIDES),
    "tone_labels", *(f"tone_labels_{s}" for s in SIDES),
)


@dataclass
class Snapshot:
    selection: Selection
    by: str
    tables: dict[str, pl.DataFrame]
    computed_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().astimezone())

    def __getitem__(self, name: str) -> pl.DataFrame:
        return self.tables[name]


def selected(dataset: Dataset, selection: Selection, by: str) -> Selected:
    return select(dataset.contacts.lazy(), dataset.reports.lazy(), dataset.claims.lazy(), dataset.config, selection, by)


def compute_snapshot(dataset: Dataset, selection: Selection | None = None, by: str | None = None, names: tuple[str, ...] | None = None) -> Snapshot:
    selection = selection or Selection()
    by = by or dataset.config.default_group_by
    chosen = selected(dataset, selection, by)
    names = names or tuple(METRICS)
    unknown = [n for n in names if n not in METRICS]
    if unknown:
        raise KeyError(f"unknown metric {unknown[0]!r}; metrics are {', '.join(METRICS)}")
    if len(names) > 1:
        contacts = chosen.contacts.select(SNAPSHOT_COLUMNS).with_columns(pl.col("group").cast(pl.Categorical)).collect()
        chosen = replace(chosen, contacts=contacts.lazy())
    frames = pl.collect_all([METRICS[name](chosen) for name in names])
    return Snapshot(selection, by, dict(zip(names, frames)))


def compute_metric(dataset: Dataset, name: str, selection: Selection | None = None, by: str | None = None) -> pl.DataFrame:
    return compute_snapshot(dataset, selection, by, (name,))[name]


def compare_selections(dataset: Dataset, a: Selection, b: Selection) -> pl.DataFrame:
    return compare.plan(selected(dataset, a, "none"), selected(dataset, b, "none")).collect()
