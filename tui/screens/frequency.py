"""The frequency table (F) of a table's column: each value, its count and its share of the table's current
rows, most frequent first (like VisiData's Shift-F). The counts come from ``tui.tablefind.frequency``."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import polars as pl
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from diplodash.tui import format as fmt
from diplodash.tui.bindings import SCREEN_BINDINGS
from diplodash.tui.table import FrameTable


class FrequencyScreen(ModalScreen[None]):
    BINDINGS = SCREEN_BINDINGS["frequency"]

    def __init__(
        self, counts: pl.DataFrame, column: str, label: str, rows: int, *,
        nulls: Mapping[str, str] | None = None, formats: Mapping[str, Callable[[object], str]] | None = None,
    ) -> None:
        super().__init__(classes="dialog-screen")
        self.counts = counts
        self.column = column
        self.label = label
        self.rows = rows
        self._nulls = dict(nulls or {})
        self._formats = dict(formats or {})

    def compose(self) -> ComposeResult:
        yield Footer()
        with Vertical(id="frequency-dialog", classes="dialog"):
            title = f"Frequency of {fmt.safe(self.label)}: {self.counts.height:,} distinct values over {self.rows:,} rows"
            yield Static(Text(title, style="bold"), classes="dialog-title", markup=False)
            yield FrameTable(id="frequency-table", max_width=60)

    @property
    def table(self) -> FrameTable:
        return self.query_one("#frequency-table", FrameTable)

    def on_mount(self) -> None:
        self.table.set_frame(self.counts, labels={self.column: self.label}, nulls=self._nulls, formats=self._formats)
        self.table.focus()

    def on_frame_table_selected(self, event: FrameTable.Selected) -> None:
        event.stop()
