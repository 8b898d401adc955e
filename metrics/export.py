"""Snapshot export: one folder holding every metric of a selection, written atomically.

Layout (documented in README):
  manifest.json   time, tool version, data files with sha256, config, selection, grouping, files
  metrics.json    every metric: schema and rows
  <metric>.csv, <metric>.parquet   one pair per metric
  contacts.csv    the selected contacts with their derived columns
  report.md       the same figures as Markdown tables
plus any extra files the caller adds (the app adds an SVG screenshot of its view).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import platform
from pathlib import Path

import polars as pl

import diplodash
from metrics.atomic import AtomicFolder
from metrics.dataset import Dataset, file_sha256
from metrics.render import flat, to_csv, to_json, to_markdown, to_records
from metrics.snapshot import Snapshot, compute_snapshot, selected
from metrics.selection import Selection

CONTACT_COLUMNS = (
    "contact_id", "date", "date_precision", "year", "leader", "counterpart", "envoys", "period", "format",
    "initiator", "initiator_side", "initiator_name", "status", "counted", "duration_minutes", "duration_text",
    "duration_qualifier", "duration_side", "duration_min", "duration_max", "tone_labels", "tone_labels_leader",
    "tone_labels_counterpart", "tone_labels_press", "reported_by", "reports", "topics", "source_ids",
)


def selected_contacts(dataset: Dataset, selection: Selection) -> pl.DataFrame:
    frame = selected(dataset, selection, "none").contacts.collect()
    return frame.select([c for c in CONTACT_COLUMNS if c in frame.columns]).sort("date", "contact_id")


def _parquet_bytes(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()


def export_snapshot(
    dataset: Dataset,
    selection: Selection,
    by: str,
    out_dir: Path | None = None,
    name: str | None = None,
    extra_files: dict[str, bytes | str] | None = None,
    snapshot: Snapshot | None = None,
) -> Path:
    """Write a snapshot folder and return its path. Raises metrics.atomic.ExportError on failure."""
    snapshot = snapshot or compute_snapshot(dataset, selection, by)
    out_dir = Path(out_dir or dataset.config.export_dir)
    stamp = snapshot.computed_at.strftime("%Y%m%d-%H%M%S")
    auto = name is None  # a chosen name is never changed; the default one is made unique at commit
    name = name or f"snapshot-{stamp}"
    contacts = selected_contacts(dataset, selection)
    written: dict[str, str] = {}

    with AtomicFolder(out_dir, name, unique=auto) as folder:

        def put(filename: str, data: bytes | str) -> None:
            blob = data.encode("utf-8") if isinstance(data, str) else data
            folder.write(filename, blob)
            written[filename] = hashlib.sha256(blob).hexdigest()

        put("metrics.json", to_json({name: to_records(frame) for name, frame in snapshot.tables.items()}))
        for metric, frame in snapshot.tables.items():
            put(f"{metric}.csv", to_csv(flat(frame)))
            put(f"{metric}.parquet", _parquet_bytes(frame))
        put("contacts.csv", to_csv(flat(contacts)))
        put("report.md", report_markdown(dataset, snapshot, contacts))
        for filename, data in (extra_files or {}).items():
            put(filename, data)
        put("manifest.json", to_json(manifest(dataset, snapshot, written)))
        return folder.commit()


def manifest(dataset: Dataset, snapshot: Snapshot, written: dict[str, str]) -> dict:
    config = dataset.config
    return {
        "tool": "diplodash",
        "version": diplodash.__version__,
        "created": snapshot.computed_at.isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "polars": pl.__version__,
        "data": {
            table: {"path": str(path), "sha256": file_sha256(path)} for table, path in sorted(dataset.files.items())
        },
        "data_loaded": dataset.loaded_at.isoformat(timespec="seconds"),
        "config": {
            "path": str(config.path) if config.path else None,
            "found_by": config.found_by,
            "sha256": file_sha256(config.path) if config.path and Path(config.path).is_file() else None,
            "count_statuses": list(config.count_statuses),
            "periods": [
                {"name": p.name, "counterpart": p.counterpart, "start": p.start.isoformat(), "end": p.end.isoformat() if p.end else None}
                for p in config.periods
            ],
        },
        "selection": snapshot.selection.to_dict(),
        "selection_text": snapshot.selection.describe(),
        "group_by": snapshot.by,
        "metrics": {name: {"rows": frame.height, "columns": frame.columns} for name, frame in snapshot.tables.items()},
        "files": written,
    }


def report_markdown(dataset: Dataset, snapshot: Snapshot, contacts: pl.DataFrame) -> str:
    from metrics.render import md_cell

    lines = [
        "# diplodash snapshot",
        "",
        f"- Created: {snapshot.computed_at.isoformat(timespec='seconds')}",
        f"- Data: {md_cell(', '.join(str(p) for p in dataset.files.values()))}",
        f"- Selection: {md_cell(snapshot.selection.describe())}",
        f"- Grouped by: {snapshot.by}",
        f"- Contacts selected: {contacts.height}",
        "",
        "Durations are in minutes; shares are fractions of the group's contacts. Every contact's sources are in contacts.csv",
        "(source_ids) and in the table's sources file.",
        "",
    ]
    for metric, frame in snapshot.tables.items():
        lines += [f"## {metric.replace('_', ' ').capitalize()}", "", to_markdown(flat(frame), limit=200), ""]
    lines += ["## Contacts", "", to_markdown(contacts.select("contact_id", "date", "counterpart", "format", "initiator", "status", "duration_minutes", "tone_labels", "source_ids"), limit=500), ""]
    return "\n".join(lines)
