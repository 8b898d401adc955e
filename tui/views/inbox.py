"""9 Inbox: candidate contacts from the articles in the inbox folder, with their evidence highlighted.

Articles dropped into ``<data>-inbox/`` (next to the table folder) are read with the extractor and
matched against the table. The list shows one line per candidate; the pane below shows every
proposed value with its sentence, the words that gave it highlighted. ``a`` accepts, ``x`` rejects,
``d`` sets or corrects the article's publication date (the article is read again with it), ``t``
attaches the candidate to an existing contact (and accepts it), ``w`` appends the accepted ones to
the table (backup first and the same checks as ``diplodash extract --accept``).
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from diplodash.tui import format as fmt
from diplodash.tui.bindings import VIEW_BINDINGS
from diplodash.tui.state import ViewData
from diplodash.tui.views.base import Caption, View

INBOX_BINDINGS: list[Binding] = VIEW_BINDINGS["inbox"]

MARKS = {"pending": "·", "accepted": "✓", "rejected": "✗"}


class InboxLoaded(Message):
    """The articles of the inbox folder were read and matched (posted by the load worker)."""

    def __init__(self, inbox, folder: Path, dataset) -> None:
        super().__init__()
        self.inbox = inbox
        self.folder = folder
        self.dataset = dataset


class InboxWritten(Message):
    """The accepted candidates were appended (``backup`` None: nothing was accepted) or the write failed."""

    def __init__(self, backup: Path | None = None, rows: int = 0, error: str | None = None) -> None:
        super().__init__()
        self.backup = backup
        self.rows = rows
        self.error = error


def evidence_text(sentence: str, cue: str, start: int, end: int) -> Text:
    """The sentence as safe text (control characters made visible), the cue highlighted."""
    shown = fmt.safe(sentence)
    cue_shown = fmt.safe(cue)
    if 0 <= start <= end <= len(sentence) and sentence[start:end] == cue:
        begin = len(fmt.safe(sentence[:start]))
    else:  # HTML: offsets are in the markup, the sentence is text
        begin = shown.find(cue_shown) if cue_shown else -1
    piece = Text(shown)
    if begin >= 0 and cue_shown:
        piece.stylize("reverse bold", begin, begin + len(cue_shown))
    return piece


class InboxView(View):
    VIEW_ID = "inbox"
    TITLE = "Inbox"
    BINDINGS = INBOX_BINDINGS

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.inbox = None
        self.published: dict[str, str] = {}  # publication dates set with d, kept across reloads
        self.loaded_for: object = None
        self.writing = False

    def compose(self) -> ComposeResult:
        yield Caption("Inbox: reading articles…", id="inbox-caption", classes="caption")
        yield OptionList(id="inbox-list")
        with VerticalScroll(id="inbox-evidence"):
            yield Caption("", id="inbox-detail")

    def render_data(self, data: ViewData) -> None:
        if self.loaded_for is data.dataset:
            return
        self.loaded_for = data.dataset
        self.load(data)

    @work(thread=True, exclusive=True, exit_on_error=False, group="inbox", name="inbox")
    def load(self, data: ViewData) -> None:
        """Read and match the inbox's articles (extraction takes a while per article: a thread)."""
        from diplodash.extract.inbox import Inbox, inbox_folder

        worker = get_current_worker()
        folder = inbox_folder(data.dataset.files["contacts"].parent)
        inbox = Inbox(data.config, data.dataset).load_folder(folder)
        for file, value in list(self.published.items()):
            if any(i.extraction.file == file for i in inbox.items):
                inbox.set_published(file, value)
        if not worker.is_cancelled:
            self.post_message(InboxLoaded(inbox, folder, data.dataset))

    def on_inbox_loaded(self, message: InboxLoaded) -> None:
        message.stop()
        if message.dataset is not self.loaded_for:
            return  # a newer load superseded it
        inbox = message.inbox
        self.inbox = inbox
        where = fmt.short_path(message.folder)
        caption = f"Inbox: {len(inbox.items)} candidate(s) from {where}"
        if inbox.errors:
            caption += f"; {len(inbox.errors)} file(s) unreadable: " + "; ".join(inbox.errors[:2])
        if not inbox.items:
            caption += " (drop .txt or .html articles there and press r)"
        self.query_one("#inbox-caption", Caption).set_text(fmt.safe(caption))
        self.refresh_list()

    def refresh_list(self, keep: int | None = None) -> None:
        options = self.query_one("#inbox-list", OptionList)
        highlighted = options.highlighted if keep is None else keep
        options.clear_options()
        # No option ids: two articles may give the same candidate id, and an OptionList refuses duplicates.
        options.add_options([Option(Text(f"{MARKS[item.state]} {fmt.safe(item.title)}")) for item in (self.inbox.items if self.inbox else [])])
        if self.inbox and self.inbox.items:
            options.highlighted = min(highlighted or 0, len(self.inbox.items) - 1)
            self.show_evidence(self.inbox.items[options.highlighted])
        else:
            self.query_one("#inbox-detail", Caption).set_text("")

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self.inbox and 0 <= event.option_index < len(self.inbox.items):
            self.show_evidence(self.inbox.items[event.option_index])

    def show_evidence(self, item) -> None:
        text = Text()
        text.append(fmt.safe(item.title) + "\n", style="bold")
        extraction = item.extraction
        published = f"published {extraction.published} ({extraction.published_from})" if extraction.published else "publication date unknown: d sets it"
        text.append(fmt.safe(f"{fmt.short_path(extraction.file)} · {published}") + "\n", style="dim")
        if item.kind == "contact" and item.item.match is not None:
            text.append(fmt.safe(item.item.match.reason) + "\n")
        for label, evidence in item.evidence():
            text.append(f"\n{fmt.safe(label)}\n", style="bold")
            start = evidence.cue_start - evidence.start
            text.append_text(evidence_text(evidence.sentence, evidence.cue, start, start + len(evidence.cue)))
            text.append(f"   @{evidence.cue_start}-{evidence.cue_end}\n", style="dim")
        self.query_one("#inbox-detail", Caption).set_text(text)

    def _current(self):
        options = self.query_one("#inbox-list", OptionList)
        if not self.inbox or options.highlighted is None or not self.inbox.items:
            return None, None
        return self.inbox.items[options.highlighted], options.highlighted

    def _mark(self, state: str) -> None:
        item, index = self._current()
        if item is None:
            return
        item.state = state
        following = min(index + 1, len(self.inbox.items) - 1)
        self.refresh_list(keep=following)

    def action_accept(self) -> None:
        self._mark("accepted")

    def action_reject(self) -> None:
        self._mark("rejected")

    def action_write(self) -> None:
        if not self.inbox or self.writing:
            return
        served = getattr(self.app, "served", None)
        if served is not None and served.served and not served.writes:
            self.notify(
                "This dashboard is served read-only: nothing was written. Start it with 'diplodash serve --allow-writes' to append from the Inbox.",
                title="Writes are off", severity="warning", markup=False,
            )
            return
        if not any(item.state == "accepted" for item in self.inbox.items):
            self.notify("Accept candidates with a first.", title="Nothing to write", markup=False)
            return
        self.writing = True
        self.write(self.inbox)

    def action_set_published(self) -> None:
        from diplodash.extract.dates import parse_partial
        from diplodash.tui.screens.inbox_dialogs import InputDialog

        item, index = self._current()
        if item is None:
            return
        extraction = item.extraction
        file = extraction.file
        now = f"now {extraction.published} ({extraction.published_from})" if extraction.published else "now unknown"

        def check(value: str) -> str | None:
            return None if parse_partial(value) else "use YYYY-MM-DD, YYYY-MM or YYYY"

        def done(value: str | None) -> None:
            if value is None or self.inbox is None:
                return
            try:
                count = self.inbox.set_published(file, value)
                self.published[file] = value
            except (ValueError, OSError) as exc:
                self.notify(fmt.safe(str(exc)), title="Date not set", severity="error", markup=False)
                return
            self.notify(f"{fmt.short_path(file)} read again as published {value}: {count} item(s)", title="Publication date", markup=False)
            self.refresh_list(keep=index)

        self.app.push_screen(
            InputDialog(f"Publication date of {fmt.short_path(file)}", f"YYYY-MM-DD, YYYY-MM or YYYY ({now})", str(extraction.published or ""), "relative dates (“on Thursday”) are read against it", check, "inbox-date-dialog"),
            done,
        )

    def action_attach(self) -> None:
        from diplodash.tui.screens.inbox_dialogs import InputDialog

        item, index = self._current()
        if item is None:
            return
        if item.kind != "contact":
            self.notify("A reported total is a claim, not a contact: it cannot be attached.", title="Not attached", markup=False)
            return
        inbox = self.inbox
        contact_ids = set(inbox.dataset.contacts.get_column("contact_id").to_list())
        choices = inbox.contact_choices(item.id)
        match = item.item.match
        value = item.attached or (match.contact_id if match is not None and match.kind == "new_report" else (choices[0] if choices else ""))

        def check(value: str) -> str | None:
            return None if value in contact_ids else f"no contact '{value}' in the table"

        def done(value: str | None) -> None:
            if value is None or self.inbox is None:
                return
            try:
                self.inbox.attach(item.id, value)
            except (ValueError, KeyError) as exc:
                self.notify(fmt.safe(str(exc)), title="Not attached", severity="error", markup=False)
                return
            self.refresh_list(keep=index)

        hints = "nearest contacts: " + ", ".join(choices) if choices else "no contact of this pair in the table"
        self.app.push_screen(InputDialog(f"Attach {item.id} to a contact", "contact_id of the table", value, hints, check, "inbox-attach-dialog"), done)

    @work(thread=True, exclusive=True, exit_on_error=False, group="inbox-write", name="inbox write")
    def write(self, inbox) -> None:
        """Plan, back up and append (reads and writes the table: a thread); post InboxWritten."""
        from diplodash.extract.accept import AcceptError
        from diplodash.metrics.problems import DataError

        try:
            backup, plan = inbox.write()
        except (AcceptError, DataError, OSError) as exc:
            self.post_message(InboxWritten(error=str(exc)))
            return
        self.post_message(InboxWritten(backup, plan.row_count if backup is not None else 0))

    def on_inbox_written(self, message: InboxWritten) -> None:
        message.stop()
        self.writing = False
        if message.error is not None:
            self.notify(fmt.safe(message.error), title="Nothing written", severity="error", markup=False)
            return
        if message.backup is None:
            self.notify("Accept candidates with a first.", title="Nothing to write", markup=False)
            return
        self.notify(f"{message.rows} row(s) appended; backup in {fmt.short_path(message.backup)}", title="Written", markup=False)
        self.loaded_for = None
        reload = getattr(self.app, "action_reload", None)
        if reload is not None:
            reload()  # the table changed: read it again (and the inbox with it)

    def focus_default(self) -> None:
        self.query_one("#inbox-list", OptionList).focus()
