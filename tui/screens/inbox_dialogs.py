"""The Inbox's small dialogs: one line of input, checked before the dialog closes.

``InputDialog`` asks for one value (an article's publication date, the contact to attach a
candidate to); ``check`` returns an error message (shown in the dialog, which stays open) or None
(the dialog closes with the value). Escape closes it with None.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static

from diplodash.tui import format as fmt
from diplodash.tui.bindings import SCREEN_BINDINGS


class InputDialog(ModalScreen[str | None]):
    BINDINGS = SCREEN_BINDINGS["inbox_input"]

    def __init__(self, title: str, prompt: str, value: str = "", hints: str = "", check: Callable[[str], str | None] | None = None, dialog_id: str = "inbox-input") -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.prompt = prompt
        self.value = value
        self.hints = hints
        self.check = check
        self.dialog_id = dialog_id

    def compose(self) -> ComposeResult:
        yield Footer()
        with Vertical(id=self.dialog_id, classes="dialog inbox-dialog"):
            yield Static(Text(fmt.safe(self.title_text), style="bold"), classes="dialog-title")
            yield Static(Text(fmt.safe(self.prompt)))
            yield Input(value=self.value, id="inbox-input-value")
            yield Static(Text(fmt.safe(self.hints), style="dim"), id="inbox-input-hints")
            yield Static(Text(""), id="inbox-input-error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        problem = self.check(value) if self.check else None
        if problem:
            self.query_one("#inbox-input-error", Static).update(Text(fmt.safe(problem), style="bold red"))
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
