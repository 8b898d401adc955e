"""The base of every view: it receives ViewData and redraws itself in place."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import polars as pl
from rich.text import Text
from textual.containers import Vertical
from textual.widgets import Static

from diplodash.tui.state import ViewData
from diplodash.tui.table import FrameTable


@dataclass(frozen=True, eq=False)
class Shown:
    """What a view's table (or a chart's figure) was built from: the data's key (selection, grouping,
    comparison) and the frames, by name (``ViewData.frame``)."""

    key: tuple
    frames: Mapping[str, pl.DataFrame]


class View(Vertical):
    """A view of the dashboard. Subclasses implement ``render_data``; the app calls ``show_data``.

    ``shown`` records what the view last drew its table from (None before the first drawing); ``SOURCES``
    names the frames of ``ViewData`` it draws (see ``ViewData.frame``).
    """

    VIEW_ID: ClassVar[str] = ""
    TITLE: ClassVar[str] = ""
    SOURCES: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="view")
        self.data: ViewData | None = None
        self.shown: Shown | None = None
        self.version = -1
        self._focus_wanted = False  # the app asked for the focus before the view was composed

    def show_data(self, data: ViewData) -> None:
        """Show new figures (called by the app on the UI thread; nothing heavy happens here)."""
        self.data = data
        self.version = data.version
        if self.is_mounted:
            self.redraw_data()

    def redraw_data(self) -> None:
        """Draw the view from ``self.data`` and record what it was drawn from."""
        if self.data is None:
            return
        data = self.data
        self.render_data(data)
        self.shown = Shown(getattr(data, "key", ()), {name: data.frame(name) for name in self.SOURCES})

    def on_mount(self) -> None:
        if self.data is not None:
            self.redraw_data()
        if self._focus_wanted:
            self.call_after_refresh(self._focus_later)

    def take_focus(self) -> None:
        """Focus the view's default widget now if it is composed, and again once laid out.

        A view mounted a moment ago (by the switch or by the idle mounting) has no children until its
        compose has run: the request is remembered and honoured on mount, so the first key reaches the view.
        """
        self._focus_wanted = not self._holds_focus()
        if not self._focus_wanted:
            return
        if self.is_mounted and self.children:
            self.focus_default()  # now, so that a key pressed right after the switch reaches the view
        if self.is_mounted:
            self.call_after_refresh(self._focus_later)

    def _focus_later(self) -> None:
        if not self._focus_wanted or getattr(self.app, "view", None) != self.VIEW_ID:
            return
        if self._holds_focus():
            self._focus_wanted = False
            return
        self.focus_default()

    def _holds_focus(self) -> bool:
        focused = self.screen.focused if self.is_attached else None
        return focused is not None and (focused is self or self in focused.ancestors)

    def on_descendant_focus(self) -> None:
        self._focus_wanted = False

    @property
    def focus_pending(self) -> bool:
        return self._focus_wanted

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
