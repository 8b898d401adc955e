"""The base of every view: it receives ViewData and redraws itself in place."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.containers import Vertical
from textual.widgets import Static

from tui.state import ViewData
from tui.table import FrameTable


class View(Vertical):
    """A view of the dashboard. Subclasses implement ``render_data``; the app calls ``show_data``."""

    VIEW_ID: ClassVar[str] = ""
    TITLE: ClassVar[str] = ""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="view")
        self.data: ViewData | None = None
        self.version = -1

    def show_data(self, data: ViewData) -> None:
        """Show new figures (called by the app on the UI thread; nothing heavy happens here)."""
        self.data = data
        self.version = data.version
        if self.is_mounted:
            self.render_data(data)

    def on_mount(self) -> None:
        if self.data is not None:
            self.render_data(self.data)

    def render_data(self, data: ViewData) -> None:  # pragma: no cover - every view overrides it
        raise NotImplementedError

    def focus_default(self) -> None:
        """Put the focus where the view's keys work (its first table)."""
        tables = self.query(FrameTable)
        if tables:
            tables.first().focus()


class Caption(Static):
    """A one-line caption above a chart or table (plain text, never markup)."""

    def __init__(self, text: str = "", **kwargs) -> None:
        super().__init__(Text(text), markup=False, **kwargs)

    def set_text(self, text: str | Text) -> None:
        self.update(text if isinstance(text, Text) else Text(text))


def group_order(frame, column: str = "group") -> list[str]:
    """Groups in the order the metrics give them (first appearance)."""
    if frame.is_empty():
        return []
    return list(dict.fromkeys(frame.get_column(column).to_list()))
