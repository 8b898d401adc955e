"""What the views show, computed off the UI thread in one go.

``compute_view_data`` runs inside a thread worker: it calls the headless metrics layer and aggregates
everything the charts need, so widgets only format and draw.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from diplodash.metrics.cache import file_sha256
from diplodash.metrics.config import Config
from diplodash.metrics.dataset import Dataset, find_files
from diplodash.metrics.export import selected_contacts
from diplodash.metrics.problems import Problem
from diplodash.metrics.selection import Selection
from diplodash.metrics.sides import pairs_of, side_name_expr, side_names_for
from diplodash.metrics.snapshot import Snapshot, compare_selections, compute_snapshot, selected
from diplodash.metrics.snapshot import default_comparison as default_pair

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
    contacts_table: pl.DataFrame | None = None  # the Contacts view's frame (contacts_table), built in the worker
    as_of: dt.date | None = None  # the date every figure is computed as of (metrics.window)

    @property
    def config(self) -> Config:
        return self.dataset.config

    @functools.cached_property
    def side_labels(self) -> dict[str, str]:
        """The side names of the selected contacts: per leader and counterpart when they all agree."""
        return side_names_for(self.dataset.config, pairs_of(self.contacts))

    def table(self, name: str) -> pl.DataFrame:
        return self.snapshot.tables[name]

    @property
    def key(self) -> tuple:
        """What the figures were computed for: (selection, grouping, comparison, as-of date)."""
        return (self.selection, self.by, self.comparison, self.as_of)

    def frame(self, name: str) -> pl.DataFrame | None:
        """A frame the views draw, by name: a metric table of the snapshot, ``duration_points``, ``compared``
        or ``contacts_table`` (what a view records in ``View.shown``)."""
        if name == "duration_points":
            return self.duration_points
        if name == "compared":
            return self.compared
        if name == "contacts_table":
            return self.contacts_table
        return self.snapshot.tables[name]

    @property
    def groups(self) -> tuple[str, ...]:
        """Every group in the natural order (metrics.selection.natural_order): the order that fixes each group's colour."""
        overview = self.snapshot.tables.get("overview")
        if overview is None or overview.is_empty():
            return ()
        return tuple(dict.fromkeys(overview.get_column("group").to_list()))


def default_comparison(config: Config, dataset: Dataset | None = None) -> Comparison | None:
    """The config's default comparison, else the two most recent periods with contacts (metrics.snapshot)."""
    if dataset is None:
        return None
    pair = default_pair(dataset)
    return Comparison(*pair) if pair else None


def duration_points(
    dataset: Dataset, selection: Selection, by: str, limit: int = MAX_POINTS, order: Sequence[str] | None = None, *, as_of: dt.date
) -> pl.DataFrame:
    """The durations chart's points: one per contact (with its min-max spread), or monthly aggregates.

    Groups follow ``order`` (the durations table's, so that the chart reads as the table); groups not in it
    come after, by first contact.

    Schema: group, x (i64, position: groups one after another, each in date order), label (contact id or month), date, minutes (default
    figure or monthly median), low, high (f64, the spread), n (u32, contacts behind the point).
    """
    chosen = (
        selected(dataset, selection, by, as_of=as_of)
        .contacts.select("group", "contact_id", "date", "duration_minutes", "duration_min", "duration_max")
        .filter(pl.col("duration_minutes").is_not_null())
        .collect()
    )
    if chosen.height > limit:
        # Too many to draw one by one: medians per month, or per quarter, year... until few enough points.
        for every, label in (("1mo", "%Y-%m"), ("3mo", "%Y-%m"), ("1y", "%Y"), ("5y", "%Y"), ("25y", "%Y")):
            bucketed = (
                chosen.with_columns(pl.col("date").dt.truncate(every).alias("month"))
                .group_by("group", "month")
                .agg(
                    pl.col("duration_minutes").median().alias("duration_minutes"),
                    pl.col("duration_min").min().alias("duration_min"),
                    pl.col("duration_max").max().alias("duration_max"),
                    pl.len().cast(pl.UInt32).alias("n"),
                )
                .with_columns(pl.col("month").dt.strftime(label).alias("contact_id"), pl.col("month").alias("date"))
            )
            if bucketed.height <= limit:
                break
        chosen = bucketed
    else:
        chosen = chosen.with_columns(pl.lit(1, dtype=pl.UInt32).alias("n"))
    rank = {g: i for i, g in enumerate(order or ())}
    return (
        chosen.with_columns(
            pl.col("date").min().over("group").alias("_first"),
            pl.col("group").replace_strict(rank, default=len(rank), return_dtype=pl.Int64).alias("_rank"),
        )
        .sort("_rank", "_first", "group", "date", "contact_id")
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


# The Contacts view's columns, in order.
CONTACT_TABLE_COLUMNS = (
    "date", "counterpart", "format", "status", "initiator", "duration_minutes", "range", "duration_text",
    "tone_labels", "topics", "envoys", "period", "reports", "source_ids", "contact_id",
)


def contacts_table(contacts: pl.DataFrame, config: Config | None = None) -> pl.DataFrame:
    """The contacts as the Contacts view shows them: a min–max range column where sources disagree.

    With a config, ``initiator`` holds the initiating side's name for each contact's own pair ("China",
    "Kremlin", "White House"); ``unknown`` and ``disputed`` stay as they are.
    """
    if config is not None and {"initiator", "leader", "counterpart"} <= set(contacts.columns):
        contacts = contacts.with_columns(side_name_expr(config, pl.col("initiator")).alias("initiator"))
    if "duration_min" in contacts.columns:
        spread = (
            pl.when(pl.col("duration_max") > pl.col("duration_min"))
            .then(pl.format("{}–{}", pl.col("duration_min").round(0).cast(pl.Int64), pl.col("duration_max").round(0).cast(pl.Int64)))
            .alias("range")
        )
        contacts = contacts.with_columns(spread)
    if "date_text" in contacts.columns:  # a date as precise as it is known (2025-10), sorted by its first day
        contacts = contacts.with_columns(pl.col("date_text").alias("date"))
    return contacts.select([c for c in CONTACT_TABLE_COLUMNS if c in contacts.columns])


class FigureCache:
    """Computed figures of one dataset, per key (selection, grouping, comparison), shared by worker threads.

    Two threads asking for the same key compute it once: the second waits for the first's result. The
    newest ``size`` entries are kept. A new dataset gets a new cache.
    """

    def __init__(self, dataset: Dataset, size: int = 48) -> None:
        self.dataset = dataset
        self.size = size
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, Future] = OrderedDict()

    def peek(self, key: Hashable):
        """The finished value for ``key``, or None (never computes, never waits)."""
        with self._lock:
            future = self._entries.get(key)
        if future is None or not future.done() or future.exception() is not None:
            return None
        return future.result()

    def get(self, key: Hashable, compute: Callable[[], object]):
        with self._lock:
            future = self._entries.get(key)
            owner = future is None
            if owner:
                future = Future()
                self._entries[key] = future
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
            else:
                self._entries.move_to_end(key)
        if owner:
            try:
                future.set_result(compute())
            except BaseException as error:
                future.set_exception(error)
                with self._lock:
                    if self._entries.get(key) is future:
                        del self._entries[key]
                raise
        return future.result()


def compared_frame(dataset: Dataset, selection: Selection, comparison: Comparison | None, *, as_of: dt.date) -> pl.DataFrame | None:
    """The Compare view's frame: ``comparison``'s two sides, within the global ``selection`` (the one call of
    compare_selections in the app; the selection is in the cache key, so a filter change recomputes it)."""
    if comparison is None:
        return None
    return compare_selections(dataset, comparison.a, comparison.b, as_of=as_of, within=selection)


def table_groups(frame: pl.DataFrame) -> list[str]:
    """The groups of a metric table in its own order (first appearance): the order every chart follows."""
    if frame.is_empty() or "group" not in frame.columns:
        return []
    return list(dict.fromkeys(frame.get_column("group").to_list()))


def view_key(selection: Selection, by: str, comparison: Comparison | None, as_of: dt.date | None = None) -> tuple:
    return ("view", selection, by, comparison, as_of)


def compute_view_data(
    dataset: Dataset,
    selection: Selection,
    by: str,
    comparison: Comparison | None,
    version: int = 0,
    cache: FigureCache | None = None,
    *,
    as_of: dt.date,
) -> ViewData:
    """Every figure the views need (runs in a worker thread); parts already in ``cache`` are reused.

    The selected contacts depend on the selection only, the metrics on (selection, grouping), the
    comparison on its two selections: a regrouping at a million contacts recomputes only the metrics.
    """
    if cache is None or cache.dataset is not dataset:
        cache = FigureCache(dataset)
    contacts = cache.get(("contacts", selection), lambda: selected_contacts(dataset, selection))
    table = cache.get(("contacts_table", selection), lambda: contacts_table(contacts, dataset.config))
    snapshot = cache.get(("snapshot", selection, by, as_of), lambda: compute_snapshot(dataset, selection, by, as_of=as_of))
    points = cache.get(
        ("points", selection, by, as_of),
        lambda: duration_points(dataset, selection, by, order=table_groups(snapshot.tables["durations"]), as_of=as_of),
    )
    compared = (
        cache.get(("compared", selection, comparison, as_of), lambda: compared_frame(dataset, selection, comparison, as_of=as_of))
        if comparison
        else None
    )
    return cache.get(
        view_key(selection, by, comparison, as_of),
        lambda: ViewData(dataset, selection, by, snapshot, contacts, points, comparison, compared, version, table, as_of),
    )


# ---------------------------------------------------------------------------------------------- files


def sha256_file(path: Path) -> str | None:
    """The file's sha256 (metrics.cache.file_sha256), or None when it cannot be read."""
    try:
        return file_sha256(path)
    except OSError:
        return None


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
