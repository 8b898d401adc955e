"""What changed between two snapshots (metrics.export), or between a snapshot and the current table.

A side of the diff (``Side``) holds what a snapshot folder holds: the contacts (contacts.csv), their accounts
(reports.csv) and every metric table (<metric>.parquet). ``read_snapshot`` reads a folder; ``current_side``
computes the same things from the loaded table with the code the export uses (``selected_contacts``,
``exported_contacts``, ``flat``, ``to_csv`` for the contacts and accounts, ``compute_snapshot`` for the
metrics), so an unchanged table diffs as nothing.

The result (``diff_sides``) is one long frame, a row per change:

  section   contacts | accounts | <metric name>
  change    added | removed | changed | column added | column removed
  key       the row's key: the contact id, the report id, or the metric's group columns (``group=Biden; year=2021``)
  column    the cell's column (changed cells, added and removed columns)
  old, new  the cell's text before and after (for an added or removed row: the row in short)
  delta     new - old, for numeric metric cells

Contacts and accounts are compared as the text the snapshot files hold (CSV cells, read back as strings),
so a cell reads in the diff as it reads in the file; metric cells are compared as typed values from the
Parquet files (numbers within 1e-9, relative, are equal), so the delta of a number is exact.

Why polars joins and not daff: the rows of every table here have a key (contact_id, report_id, a metric's
group columns), so aligning rows is a join on that key, not daff's guess of which rows match; a join keeps
the columns' types (daff works on lists of Python values, which loses the difference between 2 and "2" and
gives no numeric delta); it needs no new dependency and runs at polars speed on large tables, where daff's
pure-Python row comparison is slow. daff's strength, the standard "highlighter" diff format, would be one more
output format on top of these frames, not a reason to compute them with it.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from diplodash.metrics.render import cell_text, flat, md_cell, to_csv, to_json, to_table, visible

# Each metric's group columns: what identifies one of its rows. A metric not listed is keyed by "group"
# when it has one, else by its first column.
METRIC_KEYS: dict[str, tuple[str, ...]] = {
    "overview": ("group",),
    "calls_per_year": ("group", "year"),
    "initiators": ("group", "initiator_side"),
    "durations": ("group", "basis"),
    "tone": ("group", "side", "label"),
    "coverage": ("claim_id",),
    "compare": ("metric",),
}

# What an added or removed contact or account shows in short.
CONTACT_SUMMARY = ("date", "leader", "counterpart", "format", "status", "duration_minutes")
ACCOUNT_SUMMARY = ("contact_id", "side", "speaker", "duration_text", "tone_text")

DIFF_SCHEMA = {
    "section": pl.String, "change": pl.String, "key": pl.String, "column": pl.String,
    "old": pl.String, "new": pl.String, "delta": pl.Float64,
}
FORMATS = ("table", "csv", "json", "markdown", "html")
MAX_SNAPSHOT_FILE = 512 * 1024 * 1024


class SnapshotError(ValueError):
    """A folder that is not a readable snapshot: the message names the file (and line when known)."""


@dataclass
class Side:
    """One side of a diff: a snapshot folder's contents, or the current table's."""

    label: str
    contacts: pl.DataFrame  # every column as text, as in contacts.csv
    accounts: pl.DataFrame  # every column as text, as in reports.csv
    metrics: dict[str, pl.DataFrame]
    manifest: dict = field(default_factory=dict)

    @property
    def as_of(self) -> str | None:
        return self.manifest.get("as_of")

    @property
    def selection_text(self) -> str | None:
        return self.manifest.get("selection_text")

    @property
    def group_by(self) -> str | None:
        return self.manifest.get("group_by")


# ---------------------------------------------------------------------------------------------- reading


def _read_text_csv(path: Path) -> pl.DataFrame:
    from diplodash.metrics.safefile import note_file, read_regular

    note_file(path)
    try:
        blob = read_regular(path, limit=MAX_SNAPSHOT_FILE, what="snapshot file")
    except OSError as exc:
        raise SnapshotError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return _text_frame(blob, path)


def _text_frame(blob: bytes, path: Path | str) -> pl.DataFrame:
    try:
        text = blob.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = blob[: exc.start].count(b"\n") + 1
        raise SnapshotError(f"{path}:{line}:1: not UTF-8 text") from None
    if not text.strip():
        raise SnapshotError(f"{path}:1:1: empty file (a snapshot's CSV files have a header line)")
    try:
        frame = pl.read_csv(io.StringIO(text), infer_schema=False)
    except Exception as exc:  # polars raises several kinds for malformed CSV
        raise SnapshotError(f"{path}:1:1: not a readable CSV file ({str(exc).splitlines()[0][:160]})") from None
    return frame


def read_snapshot(folder: str | Path) -> Side:
    """A snapshot folder written by ``diplodash export`` (or the app's e). Raises SnapshotError."""
    from diplodash.metrics.safefile import note_file, read_regular

    folder = Path(folder)
    if not folder.exists():
        raise SnapshotError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise SnapshotError(f"{folder}: not a folder (a snapshot is a folder written by 'diplodash export')")
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise SnapshotError(f"{manifest_path}: missing: {folder} is not a snapshot folder (written by 'diplodash export')")
    note_file(manifest_path)
    try:
        manifest = json.loads(read_regular(manifest_path, limit=64 * 1024 * 1024, what="manifest").decode("utf-8"))
    except json.JSONDecodeError as exc:
        raise SnapshotError(f"{manifest_path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    except UnicodeDecodeError:
        raise SnapshotError(f"{manifest_path}:1:1: not UTF-8 text") from None
    except OSError as exc:
        raise SnapshotError(f"{manifest_path}: cannot read: {exc.strerror or exc}") from None
    if not isinstance(manifest, dict) or manifest.get("tool") != "diplodash":
        raise SnapshotError(f"{manifest_path}:1:1: not a diplodash manifest (no \"tool\": \"diplodash\")")
    for name in ("contacts.csv", "reports.csv"):
        if not (folder / name).is_file():
            raise SnapshotError(f"{folder / name}: missing from the snapshot")
    contacts = _read_text_csv(folder / "contacts.csv")
    accounts = _read_text_csv(folder / "reports.csv")
    listed = manifest.get("metrics")
    names = list(listed) if isinstance(listed, dict) else sorted(p.stem for p in folder.glob("*.parquet"))
    metrics: dict[str, pl.DataFrame] = {}
    for name in names:
        path = folder / f"{name}.parquet"
        if not path.is_file():
            raise SnapshotError(f"{path}: missing from the snapshot (manifest.json lists the metric {name!r})")
        note_file(path)
        try:
            metrics[name] = pl.read_parquet(io.BytesIO(read_regular(path, limit=MAX_SNAPSHOT_FILE, what="snapshot file")))
        except OSError as exc:
            raise SnapshotError(f"{path}: cannot read: {exc.strerror or exc}") from None
        except Exception as exc:
            raise SnapshotError(f"{path}: not a readable Parquet file ({str(exc).splitlines()[0][:160]})") from None
    return Side(folder.name, contacts, accounts, metrics, manifest)


def current_side(dataset, selection, by: str, *, as_of: dt.date, snapshot=None, compared: pl.DataFrame | None = None,
                 comparison=None, label: str = "current") -> Side:
    """The current table as a snapshot of ``selection`` grouped ``by`` would hold it (nothing is written)."""
    from diplodash.metrics.export import exported_contacts, selected_contacts, selected_reports
    from diplodash.metrics.snapshot import compute_snapshot

    snapshot = snapshot or compute_snapshot(dataset, selection, by, as_of=as_of)
    contacts = selected_contacts(dataset, selection)
    reports = selected_reports(dataset, contacts)
    metrics = dict(snapshot.tables)
    if compared is not None:
        metrics["compare"] = compared
    manifest = {"as_of": snapshot.as_of.isoformat(), "selection_text": snapshot.selection.describe(), "group_by": snapshot.by}
    if comparison is not None:
        manifest["comparison"] = {"a": comparison[0].name(), "b": comparison[1].name()}
    return Side(
        label,
        _text_frame(to_csv(flat(exported_contacts(contacts))).encode("utf-8"), "current contacts"),
        _text_frame(to_csv(flat(reports)).encode("utf-8"), "current reports"),
        metrics,
        manifest,
    )


def manifest_selection(manifest: dict):
    """The selection a snapshot was exported with (manifest.json "selection"; Selection.to_dict). Raises
    SnapshotError naming the field when it cannot be read back."""
    from diplodash.metrics.selection import Selection

    def read(data, where: str):
        if data is None:
            return None
        if not isinstance(data, dict):
            raise SnapshotError(f"manifest.json: {where} is not an object")
        try:
            values = {
                "counterparts": tuple(str(v) for v in data.get("counterparts") or ()),
                "periods": tuple(str(v) for v in data.get("periods") or ()),
                "formats": tuple(str(v) for v in data.get("formats") or ()),
                "statuses": tuple(str(v) for v in data.get("statuses") or ()),
                "years": tuple(int(v) for v in data.get("years") or ()),
                "leaders": tuple(str(v) for v in data.get("leaders") or ()),
                "date_from": dt.date.fromisoformat(data["date_from"]) if data.get("date_from") else None,
                "date_to": dt.date.fromisoformat(data["date_to"]) if data.get("date_to") else None,
                "all_statuses": bool(data.get("all_statuses", False)),
                "label": str(data.get("label") or ""),
            }
        except (TypeError, ValueError) as exc:
            raise SnapshotError(f"manifest.json: {where} cannot be read: {exc}") from None
        return Selection(**values, within=read(data.get("within"), f"{where}.within"))

    return (read(manifest.get("selection"), "selection") or Selection()).check()


def latest_snapshot(folder: str | Path) -> Path | None:
    """The newest snapshot folder (by its manifest's creation time, then name) under ``folder``, or None."""
    return next(iter(snapshots_in(folder)), None)


def snapshots_in(folder: str | Path) -> list[Path]:
    """The snapshot folders under ``folder`` (each holding a manifest.json), newest first."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    found = []
    for child in folder.iterdir():
        manifest = child / "manifest.json"
        if child.name.startswith(".") or not manifest.is_file():
            continue
        try:
            created = str(json.loads(manifest.read_text(encoding="utf-8")).get("created") or "")
        except (OSError, ValueError, AttributeError):
            created = ""
        found.append((created, child.name, child))
    return [path for _, _, path in sorted(found, reverse=True)]


# ---------------------------------------------------------------------------------------------- diffing


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema=DIFF_SCHEMA)


def _rows(records: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(records, schema=DIFF_SCHEMA) if records else _empty()


def _key_text(row: dict, keys: tuple[str, ...]) -> str:
    if len(keys) == 1:
        return cell_text(row[keys[0]])
    return "; ".join(f"{k}={cell_text(row[k])}" for k in keys)


def _summary(row: dict, columns: tuple[str, ...], named: bool = False) -> str:
    return " · ".join((f"{c}={cell_text(row[c])}" if named else cell_text(row[c])) for c in columns if c in row and cell_text(row[c]) != "")


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return _same(float(a), float(b))
    return a == b


def _delta(a, b) -> float | None:
    numeric = (int, float)
    if isinstance(a, numeric) and isinstance(b, numeric) and not isinstance(a, bool) and not isinstance(b, bool):
        value = float(b) - float(a)
        return None if math.isnan(value) else value
    return None


def diff_frames(
    section: str, old: pl.DataFrame, new: pl.DataFrame, keys: tuple[str, ...], summary: tuple[str, ...] = (), named: bool = False
) -> pl.DataFrame:
    """Rows added, removed and changed (cell by cell) between two frames aligned on ``keys``, and the
    columns added and removed. Columns only one side has are reported once, not cell by cell."""
    records: list[dict] = []
    for column in new.columns:
        if column not in old.columns:
            records.append(dict(section=section, change="column added", key="", column=column, old=None, new=None, delta=None))
    for column in old.columns:
        if column not in new.columns:
            records.append(dict(section=section, change="column removed", key="", column=column, old=None, new=None, delta=None))
    keys = tuple(k for k in keys if k in old.columns and k in new.columns) or (("group",) if "group" in old.columns and "group" in new.columns else ())
    if not keys:
        common = [c for c in old.columns if c in new.columns]
        if not common:
            return _rows(records)
        keys = (common[0],)
    # A key that is not unique (it should be) still aligns: the n-th row of a key with the n-th.
    old = old.with_columns(pl.int_range(pl.len()).over(list(keys)).alias("__n"))
    new = new.with_columns(pl.int_range(pl.len()).over(list(keys)).alias("__n"))
    on = [*keys, "__n"]
    for k in keys:  # join on the same type (a column may change type between versions)
        if old.schema[k] != new.schema[k]:
            old, new = old.with_columns(pl.col(k).cast(pl.String)), new.with_columns(pl.col(k).cast(pl.String))
    common = [c for c in old.columns if c in new.columns and c not in on]
    added = new.join(old.select(on), on=on, how="anti")
    removed = old.join(new.select(on), on=on, how="anti")
    both = old.select(*on, *common).join(new.select(*on, *common), on=on, how="inner", suffix="__new")
    for change, frame in (("removed", removed), ("added", added)):
        for row in frame.iter_rows(named=True):
            text = _summary(row, summary, named) if summary else ""
            records.append(dict(section=section, change=change, key=_key_text(row, keys), column="",
                                old=text if change == "removed" else None, new=text if change == "added" else None, delta=None))
    if common and both.height:
        differs = pl.any_horizontal([pl.col(c).ne_missing(pl.col(f"{c}__new")) for c in common])
        for row in both.filter(differs).iter_rows(named=True):
            for column in common:
                a, b = row[column], row[f"{column}__new"]
                if not _same(a, b):
                    records.append(dict(section=section, change="changed", key=_key_text(row, keys), column=column,
                                        old=cell_text(a) if a is not None else None, new=cell_text(b) if b is not None else None, delta=_delta(a, b)))
    return _rows(records)


def diff_sides(old: Side, new: Side) -> pl.DataFrame:
    """Every change from ``old`` to ``new`` (the schema in the module docstring), contacts first, then
    accounts, then the metrics in the order the new side holds them."""
    parts = [
        diff_frames("contacts", old.contacts, new.contacts, ("contact_id",), CONTACT_SUMMARY),
        diff_frames("accounts", old.accounts, new.accounts, ("report_id",), ACCOUNT_SUMMARY),
    ]
    names = list(dict.fromkeys([*new.metrics, *old.metrics]))
    for name in names:
        if name not in old.metrics:
            parts.append(_rows([dict(section=name, change="metric added", key="", column="", old=None, new=f"{new.metrics[name].height} rows", delta=None)]))
            continue
        if name not in new.metrics:
            parts.append(_rows([dict(section=name, change="metric removed", key="", column="", old=f"{old.metrics[name].height} rows", new=None, delta=None)]))
            continue
        keys = METRIC_KEYS.get(name, ())
        old_frame, new_frame = old.metrics[name], new.metrics[name]
        parts.append(diff_frames(name, old_frame, new_frame, keys, tuple(c for c in new_frame.columns if c not in keys)[:4], named=True))
    return pl.concat(parts, how="vertical")


def counts(changes: pl.DataFrame) -> dict[str, dict[str, int]]:
    """Changes per section and kind: {"contacts": {"added": 1, "changed": 2}, ...} (changed counts cells)."""
    out: dict[str, dict[str, int]] = {}
    for section, change, n in changes.group_by("section", "change", maintain_order=True).len().iter_rows():
        out.setdefault(section, {})[change] = n
    return out


def summary_line(changes: pl.DataFrame) -> str:
    if changes.is_empty():
        return "no changes"
    parts = []
    for section, kinds in counts(changes).items():
        words = ", ".join(f"{n} {kind}" + (" cells" if kind == "changed" and n != 1 else " cell" if kind == "changed" else "") for kind, n in kinds.items())
        parts.append(f"{section}: {words}")
    return "; ".join(parts)


# ---------------------------------------------------------------------------------------------- output


def _delta_text(value: float | None) -> str:
    if value is None:
        return ""
    if float(value).is_integer():
        return f"{value:+.0f}"
    return f"{value:+.6g}"


def header_lines(old: Side, new: Side) -> list[str]:
    lines = [f"old: {old.label}" + (f" (as of {old.as_of})" if old.as_of else ""), f"new: {new.label}" + (f" (as of {new.as_of})" if new.as_of else "")]
    if old.selection_text is not None and new.selection_text is not None and old.selection_text != new.selection_text:
        lines.append(f"note: the selections differ: old {old.selection_text!r}, new {new.selection_text!r}")
    if old.group_by and new.group_by and old.group_by != new.group_by:
        lines.append(f"note: the groupings differ: old {old.group_by}, new {new.group_by}")
    pairs = [side.manifest.get("comparison") for side in (old, new)]
    if all(isinstance(p, dict) for p in pairs) and [(p.get("a"), p.get("b")) for p in pairs] != [(pairs[0].get("a"), pairs[0].get("b"))] * 2:
        lines.append(f"note: the comparisons differ: old {pairs[0].get('a')} vs {pairs[0].get('b')}, new {pairs[1].get('a')} vs {pairs[1].get('b')}")
    return lines


def _text_columns(changes: pl.DataFrame) -> pl.DataFrame:
    return changes.with_columns(pl.Series("delta", [_delta_text(v) for v in changes.get_column("delta").to_list()], dtype=pl.String))


def render_diff(changes: pl.DataFrame, fmt: str, old: Side, new: Side) -> str:
    """The diff as text in one of FORMATS (csv: the frame as it is; html: every cell escaped)."""
    if fmt == "csv":
        return to_csv(changes)
    if fmt == "json":
        payload = {
            "old": {"label": old.label, "as_of": old.as_of, "selection": old.selection_text, "group_by": old.group_by},
            "new": {"label": new.label, "as_of": new.as_of, "selection": new.selection_text, "group_by": new.group_by},
            "counts": counts(changes),
            "changes": [dict(row) for row in changes.iter_rows(named=True)],
        }
        return to_json(payload) + "\n"
    heading = header_lines(old, new)
    if fmt == "table":
        if changes.is_empty():
            return "\n".join([*heading, summary_line(changes)]) + "\n"
        return "\n".join([*heading, summary_line(changes), "", to_table(_text_columns(changes))]) + "\n"
    if fmt == "markdown":
        lines = ["# diplodash diff", "", *[f"- {md_cell(line)}" for line in heading], f"- {md_cell(summary_line(changes))}", ""]
        for section in dict.fromkeys(changes.get_column("section").to_list()):
            part = _text_columns(changes.filter(pl.col("section") == section)).drop("section")
            lines += [f"## {md_cell(section)}", "", _markdown(part), ""]
        return "\n".join(lines)
    if fmt == "html":
        return _html(changes, heading)
    raise ValueError(f"unknown format {fmt!r}; formats are {', '.join(FORMATS)}")


def _markdown(frame: pl.DataFrame) -> str:
    lines = ["| " + " | ".join(md_cell(c) for c in frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(md_cell(v) if v is not None else "" for v in row) + " |" for row in frame.rows()]
    return "\n".join(lines)


def _esc(value) -> str:
    return html.escape(visible(cell_text(value)), quote=True)


def _html(changes: pl.DataFrame, heading: list[str]) -> str:
    out = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">', "<title>diplodash diff</title>",
        "<style>body{font-family:sans-serif}table{border-collapse:collapse;margin-bottom:1.5em}"
        "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}"
        ".added{background:#e6ffe6}.removed{background:#ffe6e6}.num{text-align:right}</style>",
        "</head>", "<body>", "<h1>diplodash diff</h1>", "<ul>",
        *[f"<li>{_esc(line)}</li>" for line in heading], f"<li>{_esc(summary_line(changes))}</li>", "</ul>",
    ]
    columns = ("change", "key", "column", "old", "new", "delta")
    shown = _text_columns(changes)
    for section in dict.fromkeys(shown.get_column("section").to_list()):
        out += [f"<h2>{_esc(section)}</h2>", "<table>", "<tr>" + "".join(f"<th>{c}</th>" for c in columns) + "</tr>"]
        for row in shown.filter(pl.col("section") == section).iter_rows(named=True):
            kind = "added" if "added" in row["change"] else "removed" if "removed" in row["change"] else "changed"
            cells = "".join(f'<td class="num">{_esc(row[c])}</td>' if c == "delta" else f"<td>{_esc(row[c])}</td>" for c in columns)
            out.append(f'<tr class="{kind}">{cells}</tr>')
        out.append("</table>")
    if changes.is_empty():
        out.append("<p>no changes</p>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)
