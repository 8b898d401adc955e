"""d Changes: what changed since a snapshot (metrics.diff), for the current selection and grouping.

The base is the newest snapshot in the export folder (``b`` steps to an older one, and round again). The
current side is computed from the figures the other views show (the same selection, grouping, comparison and
as-of date), so the view follows the filters like every view; when the snapshot was exported with another
selection or grouping, the caption says so (its figures then differ for that reason too).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.worker import get_current_worker

from diplodash.tui import format as fmt
from diplodash.tui.bindings import VIEW_BINDINGS
from diplodash.tui.state import ViewData
from diplodash.tui.table import FrameTable
from diplodash.tui.views.base import Caption, View

COLUMNS = ("section", "change", "key", "column", "old", "new", "delta")
LONG_DECIMAL = r"^-?\d+\.\d{5,}$"  # a float's every digit (exports are lossless): four decimals on screen


def display_frame(changes: pl.DataFrame) -> pl.DataFrame:
    """Old and new as the screen shows them: long decimals to four places (the diff keeps every digit)."""

    def short(column: str) -> pl.Expr:
        value = pl.col(column)
        rounded = value.cast(pl.Float64, strict=False).round(4).cast(pl.String)
        return pl.when(value.str.contains(LONG_DECIMAL)).then(rounded).otherwise(value).alias(column)

    return changes.with_columns(short("old"), short("new"))


class ChangesComputed(Message):
    """The diff against a snapshot is ready (``error`` set when the snapshot could not be read)."""

    def __init__(
        self, data: ViewData, base: Path | None, changes: pl.DataFrame | None, notes: list[str], error: str | None = None, position: str = ""
    ) -> None:
        super().__init__()
        self.position = position
        self.data = data
        self.base = base
        self.changes = changes
        self.notes = notes
        self.error = error


def delta_style(value: object) -> str | None:
    if value is None or value == 0:
        return "dim"
    return "bold green" if value > 0 else "bold red"


def change_style(value: object) -> str | None:
    text = str(value or "")
    if "added" in text:
        return "green"
    if "removed" in text:
        return "red"
    return None


class ChangesView(View):
    VIEW_ID = "changes"
    TITLE = "Changes"
    BINDINGS = VIEW_BINDINGS["changes"]
    DEFAULT_CSS = """
    ChangesView #changes-table { height: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.step = 0  # 0: the newest snapshot, 1: the one before, ...
        self.base: Path | None = None
        self.changes: pl.DataFrame | None = None
        self._read: dict[tuple, object] = {}  # snapshot folder (path, manifest mtime) -> its Side

    def compose(self) -> ComposeResult:
        yield Caption("Changes: comparing with the latest snapshot…", id="changes-caption", classes="caption")
        yield FrameTable(id="changes-table")

    @property
    def table(self) -> FrameTable:
        return self.query_one("#changes-table", FrameTable)

    def render_data(self, data: ViewData) -> None:
        self.compute(data, Path(self.app.export_dir), self.step)

    @work(thread=True, exclusive=True, exit_on_error=False, group="changes", name="changes")
    def compute(self, data: ViewData, export_dir: Path, step: int) -> None:
        from diplodash.metrics.diff import SnapshotError, current_side, diff_sides, header_lines, read_snapshot, snapshots_in

        worker = get_current_worker()
        found = snapshots_in(export_dir)
        if not found:
            self.post_message(ChangesComputed(data, None, None, [], f"No snapshot in {fmt.short_path(export_dir)} yet: press e to export one; the changes since it show here."))
            return
        base = found[step % len(found)]
        position = "newest" if step % len(found) == 0 else f"{step % len(found) + 1} of {len(found)}, newest first"
        try:
            stamp = (str(base), (base / "manifest.json").stat().st_mtime_ns)
            old = self._read.get(stamp) or read_snapshot(base)
            self._read = {stamp: old}
        except (SnapshotError, OSError) as exc:
            self.post_message(ChangesComputed(data, base, None, [], f"{exc}"))
            return
        comparison = (data.comparison.a, data.comparison.b) if data.comparison is not None else None
        new = current_side(data.dataset, data.selection, data.by, as_of=data.snapshot.as_of, snapshot=data.snapshot,
                           compared=data.compared, comparison=comparison, label="now")
        changes = diff_sides(old, new)
        notes = [line for line in header_lines(old, new) if line.startswith("note:")]
        if not worker.is_cancelled:
            self.post_message(ChangesComputed(data, base, changes, notes, position=position))

    def on_changes_computed(self, message: ChangesComputed) -> None:
        message.stop()
        if message.data is not self.data:
            return  # newer figures are on their way
        from diplodash.metrics.diff import summary_line

        self.base = message.base
        self.changes = message.changes
        caption = self.query_one("#changes-caption", Caption)
        if message.changes is None:
            caption.set_text(fmt.safe(message.error or ""))
            self.table.set_frame(pl.DataFrame(schema={c: pl.String for c in COLUMNS}))
            return
        notes = "".join(f" · {n.removeprefix('note: ')}" for n in message.notes)
        caption.set_text(fmt.safe(f"Since {message.base.name if message.base else '?'} ({message.position}): {summary_line(message.changes)}{notes}"))
        self.table.set_frame(
            display_frame(message.changes),
            styles={"delta": delta_style, "change": change_style},
            formats={"delta": lambda v: f"{v:+,.3f}".rstrip("0").rstrip(".") if isinstance(v, float) else str(v)},
            nulls={"old": "", "new": "", "delta": ""},
        )

    def on_show(self) -> None:
        """Shown again: a snapshot may have been written (or removed) meanwhile."""
        if self.data is not None and self.is_mounted:
            self.render_data(self.data)

    def snapshot_written(self) -> None:
        """The app wrote a snapshot: compare with the newest again."""
        self.step = 0
        self.on_show()

    def action_older(self) -> None:
        self.step += 1
        if self.data is not None:
            self.render_data(self.data)
