"""Every problem of the last load (p): file:line:column: severity: message, one per line."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from diplodash.metrics.problems import Problem
from diplodash.tui import format as fmt
from diplodash.tui.bindings import SCREEN_BINDINGS
from diplodash.tui.topbar import problem_line


class ProblemsScreen(ModalScreen[None]):
    BINDINGS = SCREEN_BINDINGS["problems"]

    def __init__(self, problems: list[Problem], title: str) -> None:
        super().__init__(classes="dialog-screen")
        self.problems = problems
        self.title_text = title

    def compose(self) -> ComposeResult:
        yield Footer()
        with Vertical(id="problems-dialog", classes="dialog"):
            yield Static(Text(self.title_text, style="bold"), classes="dialog-title")
            with VerticalScroll():
                text = Text()
                for problem in self.problems:
                    text.append(f"{problem.severity}: ", style="bold red" if problem.severity == "error" else "bold yellow")
                    text.append(problem_line(problem) + "\n")
                    rest = problem.message.splitlines()[1:]
                    for line in rest:
                        text.append("    " + fmt.safe(line) + "\n", style="dim")
                if not self.problems:
                    text.append("No problems.")
                yield Static(text)

    def action_dismiss(self) -> None:
        self.dismiss(None)
