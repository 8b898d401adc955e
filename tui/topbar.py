"""The top bar (dataset, selection, grouping, when loaded) and the banner line (errors and warnings).

Both render rich Text built from plain strings: data text never goes through markup.
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from diplodash.metrics.problems import Problem
from diplodash.tui import format as fmt


class TopBar(Static):
    """One line: app name, data path, selection, grouping, contacts selected and when the data was loaded."""

    data_path: reactive[str] = reactive("")
    selection: reactive[str] = reactive("everything")
    grouping: reactive[str] = reactive("")
    loaded_at: reactive[dt.datetime | None] = reactive(None)
    as_of: reactive[dt.date | None] = reactive(None)
    contacts: reactive[int | None] = reactive(None)
    busy: reactive[str] = reactive("")

    def render(self) -> Text:
        width = self.size.width or 80
        narrow = width < 110
        parts: list[tuple[str, str]] = []
        parts.append(("data " if not narrow else "", fmt.safe(self.data_path) or fmt.NULL))
        parts.append(("selection " if not narrow else "sel ", fmt.safe(self.selection)))
        parts.append(("by ", self.grouping or fmt.NULL))
        if self.contacts is not None:
            parts.append(("", f"{self.contacts:,} contacts"))
        if self.as_of is not None:
            parts.append(("as of ", self.as_of.isoformat()))
        when = self.loaded_at.strftime("%H:%M:%S" if narrow else "%Y-%m-%d %H:%M:%S") if self.loaded_at else "not loaded"
        parts.append(("loaded " if not narrow else "", when))
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" ◆ diplodash ", style="bold reverse")
        for label, value in parts:
            text.append("  ")
            if label:
                text.append(label, style="dim")
            text.append(value, style="bold")
        if self.busy:
            text.append("  ")
            text.append(f"⟳ {self.busy}", style="italic")
        return text

    @property
    def plain(self) -> str:
        return self.render().plain


def problem_line(problem: Problem) -> str:
    """``file:line:column: message`` with the file relative to the current folder, on one line."""
    location = problem.location()
    if problem.file:
        location = location.replace(problem.file, fmt.short_path(problem.file), 1)
    message = problem.message.splitlines()[0] if problem.message else ""
    return fmt.safe(f"{location}: {message}")


class Banner(Static):
    """Hidden unless the last load failed (error) or the data has warnings."""

    def __init__(self, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)
        self.display = False
        self.kind: str | None = None
        self.message: str = ""

    def show_problems(self, problems: list[Problem], *, failed: bool, since: dt.datetime | None = None) -> None:
        errors = [p for p in problems if p.severity == "error"]
        shown = errors or problems
        if not shown:
            self.clear_banner()
            return
        first = shown[0]
        more = len(shown) - 1
        text = Text(no_wrap=True, overflow="ellipsis")
        if failed:
            text.append(" ✖ ", style="bold")
            text.append(problem_line(first))
            if more:
                text.append(f"  (+{more} more problem{'s' if more != 1 else ''})")
            if since:
                text.append(f"  · showing the data loaded at {since.strftime('%H:%M:%S')}", style="italic")
            self.kind = "error"
        else:
            text.append(" ⚠ ", style="bold")
            text.append(f"{len(shown)} warning{'s' if len(shown) != 1 else ''}: ")
            text.append(problem_line(first))
            self.kind = "warning"
        text.append("  · p lists them", style="dim")
        self.message = text.plain
        self.set_class(failed, "-error")
        self.set_class(not failed, "-warning")
        self.update(text)
        self.display = True

    def show_text(self, message: str, kind: str = "error") -> None:
        text = Text(f" ✖ {fmt.safe(message)}" if kind == "error" else f" ⚠ {fmt.safe(message)}", no_wrap=True, overflow="ellipsis")
        self.kind = kind
        self.message = text.plain
        self.set_class(kind == "error", "-error")
        self.set_class(kind != "error", "-warning")
        self.update(text)
        self.display = True

    def clear_banner(self) -> None:
        self.kind = None
        self.message = ""
        self.update("")
        self.display = False
