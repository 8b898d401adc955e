"""The search line of a table (/): type, enter moves to the first match after the cursor; n and N then walk
the matches. Escape closes it without moving."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Input

from diplodash.tui.bindings import SCREEN_BINDINGS


class SearchScreen(ModalScreen[str | None]):
    BINDINGS = SCREEN_BINDINGS["search"]

    def __init__(self, query: str = "") -> None:
        super().__init__(classes="search-screen")
        self.query_text = query

    def compose(self) -> ComposeResult:
        yield Input(self.query_text, placeholder="search this table (enter: go; then n next, N previous)", id="table-search")

    def on_mount(self) -> None:
        self.query_one("#table-search", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
