"""What the views show, computed off the UI thread in one go.

``compute_view_data`` runs inside a thread worker: it calls the headless metrics layer and aggregates
everything the charts need, so widgets only format and draw.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from metrics.config import Config
from metrics.dataset import Dataset, find_files
from metrics.export import selected_contacts
from metrics.problems import Problem
from metrics.selection import Selection
from metrics.snapshot import Snapshot, compare_selections, compute_snapshot, selected

# Above this many contacts the durations chart shows monthly medians with their range, not every contact.
MAX_POINTS = 400


@dataclass(frozen=True)
class Comparison:
    a: Selection
    b: Selection

    def describe(self) -> tuple[str, str]:
        return self.a.name(), self.b.name()


@dataclass
class ViewData:
    """Everything the views show for one dataset, selection and grouping."""

    dataset: Dataset
    selection: Selection
    by: str
    snapshot: Snapshot
    contacts: pl.DataFrame  # the selected contacts (metrics.export.selected_contacts)
    duration_points: pl.DataFrame  # group, x, label, minutes, low, high, n (see duration_points)
    comparison: Comparison | None = None
    compared: pl.DataFrame | None = None  # compare_selections(a, b)
    version: int = 0

    @property
    def config(self) -> Config:
        return self.dataset.config

    @property
    def side_labels(self) -> dict[str, str]:
        return self.dataset.config.side_labels

    def table(self, name: str) -> pl.DataFrame:
        return self.snapshot.tables[name]

    @property
    def groups(self) -> tuple[str, ...]:
        """Every group in the overview's order (by first contact): the order that fixes each group's colour."""
        overview = self.snapshot.tables.get("overview")
        if overview is None or overview.is_empty():
            return ()
        return tuple(dict.fromkeys(overview.get_column("group").to_list()))


def default_comparison(config: Config, dataset: Dataset | None = None) -> Comparison | None:
    """Biden against Trump's second term when those periods exist, else the last two periods."""
    names = [p.name for p in config.periods]
    if "Biden" in names and "Trump 2nd term" in names:
        pair = ("Biden", "Trump 2nd term")
    else:
        present = names
        if dataset is not None:
            used = set(dataset.contacts.get_column("period").unique().to_list())
            present = [n for n in names if n in used] or names
        if len(present) < 2:
            return None
        pair = (present[-2], present[-1])
    return Comparison(Selection(periods=(pair[0],), label=pair[0]), Selection(periods=(pair[1],), label=pair[1]))


def duration_points(dataset: Dataset, selection: Selection, by: str, limit: int = MAX_POINTS) -> pl.DataFrame:
    """The durations chart's points: one per contact (with its min-max spread), or monthly aggregates.

    Schema: group, x (i64, position: groups one after another, each in date order), label (contact id or month), date, minutes (default
    figure or monthly median), low, high (f64, the spread), n (u32, contacts behind the point).
    """
    chosen = (
        selected(dataset, selection, by)
        .contacts.select("group", "contact_id", "date", "duration_minutes", "duration_min", "duration_max")
        .filter(pl.col("duration_minutes").is_not_null())
        .collect()
    )
    if chosen.height > limit:
        chosen = (
            chosen.with_columns(pl.col("date").dt.truncate("1mo").alias("month"))
            .group_by("group", "month")
            .agg(
                pl.col("duration_minutes").median().alias("duration_minutes"),
                pl.col("duration_min").min().alias("duration_min"),
                pl.col("duration_max").max().alias("duration_max"),
                pl.len().cast(pl.UInt32).alias("n"),
            )
            .with_columns(pl.col("month").dt.strftime("%Y-%m").alias("contact_id"), pl.col("month").alias("date"))
        )
    else:
        chosen = chosen.with_columns(pl.lit(1, dtype=pl.UInt32).alias("n"))
    return (
        chosen.with_columns(pl.col("date").min().over("group").alias("_first"))
        .sort("_first", "group", "date", "contact_id")
        .with_row_index("x")
        .select(
            "group",
            pl.col("x").cast(pl.Int64),
            pl.col("contact_id").alias("label"),
            "date",
            pl.col("duration_minutes").alias("minutes"),
            pl.col("duration_min").alias("low"),
            pl.col("duration_max").alias("high"),
            "n",
        )
    )


def compute_view_data(dataset: Dataset, selection: Selection, by: str, comparison: Comparison | None, version: int = 0) -> ViewData:
    """Every figure the views need (runs in a worker thread)."""
    snapshot = compute_snapshot(dataset, selection, by)
    contacts = selected_contacts(dataset, selection)
    points = duration_points(dataset, selection, by)
    compared = compare_selections(dataset, comparison.a, comparison.b) if comparison else None
    return ViewData(dataset, selection, by, snapshot, contacts, points, comparison, compared, version)


# ---------------------------------------------------------------------------------------------- files


def sha256_file(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def relevant_files(config_path: Path | None, data_path: Path) -> list[Path]:
    """The files whose content decides what the app shows: the config and every table file."""
    files: list[Path] = []
    if config_path is not None:
        files.append(Path(config_path))
    found, _ = find_files(Path(data_path))
    files += [found[name] for name in sorted(found)]
    return files


def fingerprint(config_path: Path | None, data_path: Path) -> str:
    """sha256 over the config file and the data files (names and bytes)."""
    digest = hashlib.sha256()
    for path in relevant_files(config_path, data_path):
        digest.update(str(path).encode())
        digest.update((sha256_file(path) or "missing").encode())
    return digest.hexdigest()


@dataclass
class LoadOutcome:
    """The result of one load attempt, for the banner."""

    ok: bool
    problems: list[Problem] = field(default_factory=list)
    at: dt.datetime = field(default_factory=lambda: dt.datetime.now().astimezone())
