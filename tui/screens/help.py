"""The help screen (?): every key, generated from the bindings, with its binding id for the keymap, and the
glossary of every term on screen (metrics.glossary)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from diplodash.metrics.glossary import GLOSSARY
from diplodash.tui.bindings import SCREEN_BINDINGS


class HelpScreen(ModalScreen[None]):
    BINDINGS = SCREEN_BINDINGS["help"]

    def __init__(self, sections: list[tuple[str, list[tuple[str, str, str]]]], config_note: str = "") -> None:
        """``sections``: (title, [(keys, description, binding id)])."""
        super().__init__(classes="dialog-screen")
        self.sections = sections
        self.config_note = config_note

    def compose(self) -> ComposeResult:
        yield Footer()
        with Vertical(id="help-dialog", classes="dialog"):
            yield Static(Text("Keys", style="bold"), classes="dialog-title")
            with VerticalScroll(id="help-body"):
                for title, rows in self.sections:
                    table = Table(title=Text(title, style="bold"), title_justify="left", expand=True, show_edge=False, pad_edge=False, box=None)
                    table.add_column(Text("key", style="dim"), no_wrap=True, width=12)
                    table.add_column(Text("does", style="dim"), ratio=2)
                    table.add_column(Text("binding id", style="dim"), no_wrap=True, ratio=1)
                    for keys, description, binding_id in rows:
                        table.add_row(Text(keys, style="bold"), Text(description), Text(binding_id, style="italic"))
                    yield Static(table, classes="help-section")
                terms = Table(title=Text("What the figures mean", style="bold"), title_justify="left", expand=True, show_edge=False, pad_edge=False, box=None)
                terms.add_column(Text("term", style="dim"), no_wrap=True, width=18)
                terms.add_column(Text("meaning", style="dim"), ratio=1)
                for term, meaning in GLOSSARY.items():
                    terms.add_row(Text(term, style="bold"), Text(meaning))
                yield Static(terms, classes="help-section", id="help-glossary")
            yield Static(Text(self.config_note, style="dim"), id="help-note")

    def action_dismiss(self) -> None:
        self.dismiss(None)

    @property
    def ids(self) -> list[str]:
        return [binding_id for _, rows in self.sections for _, _, binding_id in rows]
