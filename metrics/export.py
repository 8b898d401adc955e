"""Snapshot export: one folder holding every metric of a selection, written atomically.

Layout (documented in README):
  manifest.json   export time, as-of date, tool version, data files with sha256, config, selection,
                  grouping, comparison, files
  metrics.json    every metric (and the comparison): rows
  <metric>.csv, <metric>.parquet   one pair per metric; compare.csv/.parquet when a comparison is given
  contacts.csv    the selected contacts with their derived columns, excerpt and notes (date at its precision)
  reports.csv     every account of those contacts, with its source ids and excerpt
  sources.csv     the sources those contacts and accounts cite
  report.md       the same figures as Markdown tables
plus any extra files the caller adds (the app adds an SVG screenshot of its view). A snapshot is
self-contained evidence: every figure can be traced to its contacts, accounts and sources inside it.
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
from diplodash.metrics.atomic import AtomicFolder, safe_name
from diplodash.metrics.dataset import Dataset, file_sha256
from diplodash.metrics.render import flat, to_csv, to_json, to_markdown, to_records
from diplodash.metrics.snapshot import Snapshot, compare_selections, compute_snapshot
from diplodash.metrics.selection import Selection

CONTACT_COLUMNS = (
    "contact_id", "date", "date_text", "date_precision", "year", "leader", "counterpart", "envoys", "period", "format",
    "initiator", "initiator_side", "initiator_name", "status", "counted", "duration_minutes", "duration_text",
    "duration_qualifier", "duration_side", "duration_min", "duration_max", "tone_labels", "tone_labels_leader",
    "tone_labels_counterpart", "tone_labels_press", "reported_by", "reports", "topics", "source_ids", "excerpt", "notes",
)
REPORT_COLUMNS = (
    "report_id", "contact_id", "side", "speaker", "duration_text", "duration_minutes", "duration_qualifier",
    "initiator_claim", "tone_text", "tone_labels", "source_ids", "excerpt", "notes",
)


def selected_contacts(dataset: Dataset, selection: Selection) -> pl.DataFrame:
    """The contacts a selection keeps (every column the views and exports show), in date order."""
    frame = dataset.contacts.filter(selection.check().expr(dataset.config))
    return frame.select([c for c in CONTACT_COLUMNS if c in frame.columns]).sort("date", "contact_id")


def exported_contacts(contacts: pl.DataFrame) -> pl.DataFrame:
    """Contacts as written to files: ``date`` at its precision (``2025-10``), ``date_start`` its first day."""
    return contacts.with_columns(pl.col("date_text").alias("date"), pl.col("date").alias("date_start")).drop("date_text")


def selected_reports(dataset: Dataset, contacts: pl.DataFrame) -> pl.DataFrame:
    reports = dataset.reports.join(contacts.select("contact_id"), on="contact_id", how="semi")
    return reports.select([c for c in REPORT_COLUMNS if c in reports.columns]).sort("contact_id", "report_id")


def cited_sources(dataset: Dataset, contacts: pl.DataFrame, reports: pl.DataFrame) -> pl.DataFrame:
    ids = pl.concat([contacts.select("source_ids"), reports.select("source_ids")]).explode("source_ids").drop_nulls().unique()
    return dataset.sources.join(ids.rename({"source_ids": "source_id"}), on="source_id", how="semi").drop("__line", strict=False)


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
    *,
    as_of: dt.date,
    exported_at: dt.datetime,
    comparison: tuple[Selection, Selection] | None = None,
    compared: pl.DataFrame | None = None,
) -> Path:
    """Write a snapshot folder and return its path. Raises metrics.atomic.ExportError on failure.

    ``exported_at`` stamps the folder name and the manifest (the caller's clock, the time of the export);
    ``comparison`` (two selections, narrowed by ``selection``) adds compare.csv/.parquet and its rows.
    """
    out_dir = Path(out_dir or dataset.config.export_dir)
    auto = name is None  # a chosen name is never changed; the default one is made unique at commit
    name = name or default_name(exported_at)
    files = snapshot_files(
        dataset, selection, by, extra_files, snapshot, as_of=as_of, exported_at=exported_at, comparison=comparison, compared=compared,
    )
    with AtomicFolder(out_dir, name, unique=auto) as folder:
        for filename, blob in files.items():
            folder.write(filename, blob)
        return folder.commit()


def default_name(exported_at: dt.datetime) -> str:
    return f"snapshot-{exported_at.strftime('%Y%m%d-%H%M%S')}"


def snapshot_files(
    dataset: Dataset,
    selection: Selection,
    by: str,
    extra_files: dict[str, bytes | str] | None = None,
    snapshot: Snapshot | None = None,
    *,
    as_of: dt.date,
    exported_at: dt.datetime,
    comparison: tuple[Selection, Selection] | None = None,
    compared: pl.DataFrame | None = None,
) -> dict[str, bytes]:
    """Every file of a snapshot, by name, in memory (manifest.json last: it holds the others' sha256)."""
    snapshot = snapshot or compute_snapshot(dataset, selection, by, as_of=as_of)
    if comparison is not None and compared is None:
        compared = compare_selections(dataset, comparison[0], comparison[1], as_of=as_of, within=selection)
    contacts = selected_contacts(dataset, selection)
    reports = selected_reports(dataset, contacts)
    sources = cited_sources(dataset, contacts, reports)
    tables = dict(snapshot.tables)
    if compared is not None:
        tables["compare"] = compared
    files: dict[str, bytes] = {}
    written: dict[str, str] = {}

    def put(filename: str, data: bytes | str) -> None:
        blob = data.encode("utf-8") if isinstance(data, str) else data
        files[safe_name(filename)] = blob
        written[filename] = hashlib.sha256(blob).hexdigest()

    put("metrics.json", to_json({name: to_records(frame) for name, frame in tables.items()}))
    for metric, frame in tables.items():
        put(f"{metric}.csv", to_csv(flat(frame)))
        put(f"{metric}.parquet", _parquet_bytes(frame))
    put("contacts.csv", to_csv(flat(exported_contacts(contacts))))
    put("reports.csv", to_csv(flat(reports)))
    put("sources.csv", to_csv(flat(sources)))
    put("report.md", report_markdown(dataset, snapshot, contacts, tables, exported_at, comparison))
    for filename, data in (extra_files or {}).items():
        put(filename, data)
    put("manifest.json", to_json(manifest(dataset, snapshot, written, tables, exported_at, comparison)))
    return files


def snapshot_zip(files: dict[str, bytes], name: str, exported_at: dt.datetime) -> bytes:
    """A snapshot as one zip archive holding the folder ``name/`` (for a download instead of a folder on disk).
    Every entry is stamped with ``exported_at``: the same files give the same bytes."""
    import zipfile

    buffer = io.BytesIO()
    stamp = exported_at.timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for filename, blob in files.items():
            info = zipfile.ZipInfo(f"{safe_name(name)}/{safe_name(filename)}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, blob)
    return buffer.getvalue()


def manifest(
    dataset: Dataset, snapshot: Snapshot, written: dict[str, str], tables: dict[str, pl.DataFrame],
    exported_at: dt.datetime, comparison: tuple[Selection, Selection] | None = None,
) -> dict:
    config = dataset.config
    return {
        "tool": "diplodash",
        "version": diplodash.__version__,
        "created": exported_at.isoformat(timespec="seconds"),
        "as_of": snapshot.as_of.isoformat(),
        "python": platform.python_version(),
        "polars": pl.__version__,
        "data": {
            table: {"path": str(path), "sha256": file_sha256(path)} for table, path in sorted(dataset.files.items())
        },
        "data_loaded": dataset.loaded_at.isoformat(timespec="seconds") if dataset.loaded_at else None,
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
        "comparison": (
            {"a": comparison[0].name(), "b": comparison[1].name(), "within": snapshot.selection.describe()} if comparison else None
        ),
        "metrics": {name: {"rows": frame.height, "columns": frame.columns} for name, frame in tables.items()},
        "files": written,
    }


def report_markdown(
    dataset: Dataset, snapshot: Snapshot, contacts: pl.DataFrame, tables: dict[str, pl.DataFrame] | None = None,
    exported_at: dt.datetime | None = None, comparison: tuple[Selection, Selection] | None = None,
) -> str:
    from diplodash.metrics.render import md_cell

    tables = tables if tables is not None else snapshot.tables
    lines = [
        "# diplodash snapshot",
        "",
        f"- Created: {exported_at.isoformat(timespec='seconds') if exported_at else 'not recorded'}",
        f"- Figures as of: {snapshot.as_of.isoformat()} (no rate window runs past this date)",
        f"- Data: {md_cell(', '.join(str(p) for p in dataset.files.values()))}",
        f"- Selection: {md_cell(snapshot.selection.describe())}",
        f"- Grouped by: {snapshot.by}",
        f"- Contacts selected: {contacts.height}",
        *([f"- Comparison: a = {md_cell(comparison[0].name())}, b = {md_cell(comparison[1].name())}, both within the selection"] if comparison else []),
        "",
        "Durations are in minutes; shares are fractions of the group's contacts. Every contact's sources are in contacts.csv",
        "(source_ids) and in the table's sources file.",
        "",
    ]
    for metric, frame in tables.items():
        lines += [f"## {metric.replace('_', ' ').capitalize()}", "", to_markdown(flat(frame), limit=200), ""]
    lines += ["## Contacts", "", to_markdown(exported_contacts(contacts).select("contact_id", "date", "counterpart", "format", "initiator", "status", "duration_minutes", "tone_labels", "source_ids"), limit=500), ""]
    return "\n".join(lines)
