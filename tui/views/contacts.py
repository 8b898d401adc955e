"""7 Contacts: every selected contact in a table; / searches it, Enter opens every source's account."""

from __future__ import annotations

import polars as pl
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import get_current_worker

from diplodash.tui import format as fmt
from diplodash.tui.bindings import VIEW_BINDINGS
from diplodash.tui.state import ViewData, contacts_table
from diplodash.tui.table import FrameTable
from diplodash.tui.views.base import Caption, View

LABELS = {"duration_minutes": "length", "duration_text": "as worded", "tone_labels": "tone", "source_ids": "sources", "reports": "accounts"}
SEARCHED = ("contact_id", "counterpart", "format", "status", "period", "initiator", "duration_text", "tone_labels", "topics", "envoys", "source_ids")


def haystack(frame: pl.DataFrame) -> pl.Series:
    """One lower-case text per row holding every searched column."""
    parts = []
    for column in SEARCHED:
        if column not in frame.columns:
            continue
        dtype = frame.schema[column]
        expr = pl.col(column).list.join(" ") if isinstance(dtype, pl.List) else pl.col(column).cast(pl.String)
        parts.append(expr.fill_null(""))
    if not parts:
        return pl.Series("haystack", [""] * frame.height)
    return frame.select(pl.concat_str(parts, separator=" ").str.to_lowercase().alias("haystack")).to_series()


class ContactsTable(FrameTable):
    """The contacts table: Enter opens the contact (the binding lives here so the Footer shows it)."""

    BINDINGS = [b for b in VIEW_BINDINGS["contacts"] if b.id == "contacts.open"]

    def action_open_contact(self) -> None:
        self.action_select_cursor()

    def action_search(self) -> None:
        """Here / narrows the rows to the contacts that match (the view's search line); n and N then walk the
        matching cells, as in every table."""
        view = next((a for a in self.ancestors if isinstance(a, ContactsView)), None)
        if view is not None:
            view.open_search()


class ContactsView(View):
    VIEW_ID = "contacts"
    SOURCES = ("contacts_table",)
    TITLE = "Contacts"
    BINDINGS = [b for b in VIEW_BINDINGS["contacts"] if b.id != "contacts.open"]

    class Searched(Message):
        def __init__(self, query: str, frame: pl.DataFrame, version: int) -> None:
            super().__init__()
            self.query = query
            self.frame = frame
            self.version = version

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.query_text = ""
        self._all = pl.DataFrame()
        self._haystack: pl.Series | None = None
        self._search_timer: Timer | None = None
        self.matches = 0  # rows matching the search

    def compose(self) -> ComposeResult:
        search = Input(placeholder="search contacts: counterpart, topic, tone, source…", id="contacts-search")
        search.display = False  # shown by /
        yield search
        yield Caption(id="contacts-caption", classes="caption")
        yield ContactsTable(id="contacts-table", max_width=36)

    @property
    def table(self) -> FrameTable:
        return self.query_one("#contacts-table", FrameTable)

    def render_data(self, data: ViewData) -> None:
        self._all = data.contacts_table if data.contacts_table is not None else contacts_table(data.contacts, data.config)
        self._haystack = None
        if self.query_text:
            self.run_search(self.query_text)
        else:
            self._show(self._all)

    def _show(self, frame: pl.DataFrame) -> None:
        self.matches = frame.height
        self.table.search_query = self.query_text
        sides = self.data.side_labels if self.data else {}
        initiators = {"leader": sides.get("leader", "leader"), "counterpart": sides.get("counterpart", "counterpart")}
        self.table.set_frame(
            frame,
            labels=LABELS,
            nulls={"duration_minutes": "unknown", "duration_text": "", "range": "", "format": "unknown"},
            formats={"duration_minutes": fmt.minutes, "initiator": lambda v: fmt.safe(initiators.get(v, v))},
        )
        self._caption()

    def _caption(self) -> None:
        total = self._all.height
        text = f"{total:,} contacts selected"
        if self.query_text:
            text += f" · {self.matches:,} match “{fmt.safe(self.query_text)}”"
        text += " · / search (n, N: next, previous) · enter: every source's account · s: sort"
        self.query_one("#contacts-caption", Caption).set_text(text)

    # ------------------------------------------------------------------ search

    def open_search(self) -> None:
        search = self.query_one("#contacts-search", Input)
        search.display = True
        search.focus()

    @on(Input.Changed, "#contacts-search")
    def _search_changed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        value = event.value
        self._search_timer = self.set_timer(0.15, lambda: self.run_search(value))

    @on(Input.Submitted, "#contacts-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self.run_search(event.value)
        self.table.focus()

    def run_search(self, query: str) -> None:
        self.query_text = query.strip()
        if not self.query_text:
            self._show(self._all)
            return
        self._search(self.query_text, self._all, self._haystack, self.version)

    @work(thread=True, exclusive=True, exit_on_error=False, group="search")
    def _search(self, query: str, frame: pl.DataFrame, hay: pl.Series | None, version: int) -> None:
        worker = get_current_worker()
        if hay is None or hay.len() != frame.height:
            hay = haystack(frame)
        found = frame.filter(hay.str.contains(query.lower(), literal=True))
        if not worker.is_cancelled:
            self.post_message(self.Searched(query, found, version))
            self.call_from_thread(setattr, self, "_haystack", hay)

    def on_contacts_view_searched(self, event: Searched) -> None:
        if event.query == self.query_text and event.version == self.version:
            self._show(event.frame)

    def action_clear_search(self) -> None:
        search = self.query_one("#contacts-search", Input)
        if search.display or self.query_text:
            search.value = ""
            search.display = False
            self.run_search("")
            self.table.focus()

    # ------------------------------------------------------------------ details

    def on_frame_table_selected(self, event: FrameTable.Selected) -> None:
        event.stop()
        self._open(event.row)

    def _open(self, row: int) -> None:
        record = self.table.row_data(row)
        if record is None or self.data is None:
            return
        from diplodash.tui.screens.contact import ContactScreen

        self.app.push_screen(ContactScreen(self.data.dataset, record["contact_id"]))
