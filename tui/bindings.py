"""Every key of the app in one place: the Footer, the help screen, the command palette and the user keymap
(``[keymap]`` in config.toml, binding id = keys) all read these bindings.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class ViewSpec:
    id: str  # also the config's defaults.view value
    title: str
    short: str  # tab label when the terminal is narrow
    module: str  # tui.views.<module>, imported when the view is first shown
    cls: str
    key: str

    @property
    def binding_id(self) -> str:
        return f"view.{self.id}"


VIEWS: tuple[ViewSpec, ...] = (
    ViewSpec("overview", "Overview", "Over.", "overview", "OverviewView", "1"),
    ViewSpec("calls", "Calls per year", "Calls", "calls", "CallsView", "2"),
    ViewSpec("initiators", "Initiators", "Init.", "initiators", "InitiatorsView", "3"),
    ViewSpec("durations", "Durations", "Dur.", "durations", "DurationsView", "4"),
    ViewSpec("tone", "Tone", "Tone", "tone", "ToneView", "5"),
    ViewSpec("coverage", "Coverage", "Cov.", "coverage", "CoverageView", "6"),
    ViewSpec("contacts", "Contacts", "Cont.", "contacts", "ContactsView", "7"),
    ViewSpec("compare", "Compare", "Comp.", "compare", "CompareView", "8"),
    ViewSpec("inbox", "Inbox", "Inbox", "inbox", "InboxView", "9"),
    ViewSpec("timeline", "Timeline", "Time", "timeline", "TimelineView", "0"),
    ViewSpec("changes", "Changes", "Chg.", "changes", "ChangesView", "d"),
)
VIEW_IDS = tuple(v.id for v in VIEWS)
VIEW_BY_ID = {v.id: v for v in VIEWS}

APP_BINDINGS: list[Binding] = [
    *[
        Binding(v.key, f"show_view('{v.id}')", v.title, show=False, id=v.binding_id, tooltip=f"Show the {v.title} view")
        for v in VIEWS
    ],
    Binding("g", "cycle_grouping", "Group", id="grouping.cycle", tooltip="Cycle the grouping"),
    Binding("f", "open_filters", "Filter", id="filters.open", tooltip="Choose which contacts to count"),
    Binding("c", "setup_compare", "Compare", id="compare.setup", tooltip="Choose two selections to compare"),
    Binding("u", "undo", "Undo", id="selection.undo", tooltip="Undo the last filter, grouping or comparison change"),
    Binding("o", "open_source", "Open", show=False, id="source.open", tooltip="Open the source URL under the cursor in the browser"),
    Binding("e", "export", "Export", id="snapshot.export", tooltip="Write a snapshot folder of every metric"),
    Binding("r", "reload", "Reload", id="data.reload", tooltip="Read the config and the data again"),
    Binding("slash", "search", "Search", show=False, id="contacts.search", tooltip="Search the contacts"),
    Binding("p", "show_problems", "Problems", id="problems.show", tooltip="List every problem in the data and config"),
    Binding("question_mark", "help", "Help", id="help.show", tooltip="Every key and its binding id"),
    Binding("ctrl+p", "command_palette", "Commands", show=False, id="palette.open", tooltip="Search every action"),
    Binding("q", "quit", "Quit", id="app.quit", tooltip="Quit diplodash"),
]


# Keys of one view: shown in the Footer while the view has the focus.
VIEW_BINDINGS: dict[str, list[Binding]] = {
    "calls": [Binding("m", "cycle_measure", "Measure", id="calls.measure", tooltip="Chart calls, contacts or meetings")],
    "contacts": [
        # On the contacts table itself, so the Footer shows it over the table's own (hidden) enter.
        Binding("enter", "open_contact", "Details", id="contacts.open", tooltip="Every source's account of the contact"),
        Binding("escape", "clear_search", "Clear", id="contacts.clear_search", tooltip="Clear the search"),
    ],
    "compare": [Binding("x", "swap", "Swap A/B", id="compare.swap", tooltip="Swap the two selections")],
    "changes": [Binding("b", "older", "Older base", id="changes.older", tooltip="Compare with an older snapshot (round again after the oldest)")],
    "inbox": [
        Binding("a", "accept", "Accept", id="inbox.accept", tooltip="Accept the highlighted candidate"),
        Binding("x", "reject", "Reject", id="inbox.reject", tooltip="Reject the highlighted candidate"),
        Binding("w", "write", "Write", id="inbox.write", tooltip="Append the accepted candidates to the table (after a backup)"),
        Binding("D", "set_published", "Date", id="inbox.published", tooltip="Set or correct the highlighted article's publication date"),
        Binding("t", "attach", "Attach", id="inbox.attach", tooltip="Attach the highlighted candidate to an existing contact"),
    ],
}

TABLE_BINDINGS: list[Binding] = [
    Binding("s", "sort_column", "Sort", id="table.sort", tooltip="Sort by the cursor's column (again to reverse)"),
    Binding("y", "copy_cell", "Copy", id="table.copy_cell", tooltip="Copy the cursor's cell"),
    Binding("Y", "copy_row", "Copy row", show=False, id="table.copy_row", tooltip="Copy the cursor's row as CSV"),
    Binding("enter", "select_cursor", "Select", show=False, id="table.select", tooltip="Select the cursor's row"),
    Binding("up", "cursor(-1, 0)", "Up", show=False, id="table.up", tooltip="Cursor up"),
    Binding("down", "cursor(1, 0)", "Down", show=False, id="table.down", tooltip="Cursor down"),
    Binding("left", "cursor(0, -1)", "Left", show=False, id="table.left", tooltip="Cursor left"),
    Binding("right", "cursor(0, 1)", "Right", show=False, id="table.right", tooltip="Cursor right"),
    Binding("pageup", "page(-1)", "Page up", show=False, id="table.page_up", tooltip="A page up"),
    Binding("pagedown", "page(1)", "Page down", show=False, id="table.page_down", tooltip="A page down"),
    Binding("home", "edge(-1)", "First row", show=False, id="table.first", tooltip="The first row"),
    Binding("end", "edge(1)", "Last row", show=False, id="table.last", tooltip="The last row"),
    # Hide and show columns, the frequency table, search with next and previous (every table).
    Binding("minus", "hide_column", "Hide column", show=False, id="table.hide_column", tooltip="Hide the cursor's column"),
    Binding("H", "show_columns", "Show columns", show=False, id="table.show_columns", tooltip="Show every hidden column again"),
    Binding("F", "frequency", "Frequency", show=False, id="table.frequency", tooltip="Count the values of the cursor's column"),
    Binding("slash", "search", "Search", show=False, id="table.search", tooltip="Search every cell of the table"),
    Binding("n", "search_next(1)", "Next match", show=False, id="table.search_next", tooltip="The next cell that matches the search"),
    Binding("N", "search_next(-1)", "Previous match", show=False, id="table.search_previous", tooltip="The previous cell that matches the search"),
]

# Keys of the modal screens.
SCREEN_BINDINGS: dict[str, list[Binding]] = {
    "filters": [
        Binding("escape", "cancel", "Cancel", id="filters.cancel", tooltip="Close without changing the filters"),
        Binding("ctrl+s", "apply", "Apply", id="filters.apply", tooltip="Apply the filters"),
    ],
    "compare": [
        Binding("escape", "cancel", "Cancel", id="compare.cancel", tooltip="Close without changing the comparison"),
        Binding("ctrl+s", "apply", "Compare", id="compare.apply", tooltip="Compare the two selections"),
    ],
    "contact": [
        Binding("escape", "dismiss", "Close", id="contact.close", tooltip="Back to the contacts"),
        Binding("q", "dismiss", "Close", show=False, id="contact.close_q", tooltip="Back to the contacts"),
        Binding("y", "copy_contact", "Copy", id="contact.copy", tooltip="Copy the contact's facts"),
        Binding("Y", "copy_contact_csv", "Copy CSV", show=False, id="contact.copy_row", tooltip="Copy the contact as a CSV row"),
        Binding("o", "open_source", "Open", id="contact.open_source", tooltip="Open the contact's first source URL"),
    ],
    "help": [
        Binding("escape", "dismiss", "Close", id="help.close", tooltip="Close the help"),
        Binding("question_mark", "dismiss", "Close", show=False, id="help.close_again", tooltip="Close the help"),
    ],
    "problems": [Binding("escape", "dismiss", "Close", id="problems.close", tooltip="Close the list")],
    "inbox_input": [Binding("escape", "cancel", "Cancel", id="inbox.dialog_cancel", tooltip="Close the dialog, changing nothing")],
    "frequency": [
        Binding("escape", "dismiss", "Close", id="frequency.close", tooltip="Back to the table"),
        Binding("q", "dismiss", "Close", show=False, id="frequency.close_q", tooltip="Back to the table"),
    ],
    "search": [Binding("escape", "cancel", "Cancel", id="search.cancel", tooltip="Close the search without moving")],
}

SECTIONS: tuple[tuple[str, str, str], ...] = (
    # (title, kind, key into the tables above)
    ("Calls per year view", "view", "calls"),
    ("Contacts view", "view", "contacts"),
    ("Compare view", "view", "compare"),
    ("Inbox view", "view", "inbox"),
    ("Changes view", "view", "changes"),
    ("Tables (every view)", "table", ""),
    ("Filter screen", "screen", "filters"),
    ("Compare set-up", "screen", "compare"),
    ("Contact details", "screen", "contact"),
    ("Help", "screen", "help"),
    ("Problems", "screen", "problems"),
    ("Inbox dialogs", "screen", "inbox_input"),
    ("Frequency table", "screen", "frequency"),
    ("Table search", "screen", "search"),
)


def binding_sections() -> list[tuple[str, list[Binding]]]:
    """Every binding of the app, grouped for the help screen."""
    sections = [("Everywhere", list(APP_BINDINGS))]
    for title, kind, key in SECTIONS:
        if kind == "view":
            sections.append((title, VIEW_BINDINGS[key]))
        elif kind == "table":
            sections.append((title, TABLE_BINDINGS))
        else:
            sections.append((title, SCREEN_BINDINGS[key]))
    return sections


def all_bindings() -> list[Binding]:
    return [b for _, bindings in binding_sections() for b in bindings]


def binding_list(bindings) -> list[Binding]:
    """Bindings of a BINDINGS list (which may hold tuples), one per key."""
    out: list[Binding] = []
    for item in Binding.make_bindings(bindings):
        out.append(item)
    return out
