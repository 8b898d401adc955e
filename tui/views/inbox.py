"""9 Inbox: candidate contacts from the articles in the inbox folder, with their evidence highlighted.

Articles dropped into ``<data>-inbox/`` (next to the table folder) are read with the extractor and
matched against the table. The list shows one line per candidate; the pane below shows every
proposed value with its sentence, the words that gave it highlighted. ``a`` accepts, ``x`` rejects,
``w`` appends the accepted ones to the table (backup first, as ``diplodash extract --accept``).
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.bindings import VIEW_BINDINGS
from tui.state import ViewData
from tui.views.base import Caption, View

INBOX_BINDINGS: list[Binding] = [
    Binding("a", "accept", "Accept", id="inbox.accept", tooltip="Accept the highlighted candidate"),
    Binding("x", "reject", "Reject", id="inbox.reject", tooltip="Reject the highlighted candidate"),
    Binding("w", "write", "Write", id="inbox.write", tooltip="Append the accepted candidates to the table (after a backup)"),
]

MARKS = {"pending": "·", "accepted": "✓", "rejected": "✗"}


class InboxView(View):
    VIEW_ID = "inbox"
    TITLE = "Inbox"
    BINDINGS = VIEW_BINDINGS.get("inbox", INBOX_BINDINGS)  # the registry's, once tui/bindings.py lists them

    DEFAULT_CSS = """
    InboxView #inbox-list { height: 40%; }
    InboxView #inbox-evidence { height: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.inbox = None
        self.loaded_for: object = None

    def compose(self) -> ComposeResult:
        yield Caption("Inbox: reading articles…", id="inbox-caption")
        yield OptionList(id="inbox-list")
        with VerticalScroll(id="inbox-evidence"):
            yield Caption("", id="inbox-detail")

    def render_data(self, data: ViewData) -> None:
        if self.loaded_for is data.dataset:
            return
        self.loaded_for = data.dataset
        self.load(data)

    @work(thread=True, exclusive=True, group="inbox")
    def load(self, data: ViewData) -> None:
        from metrics.extract.inbox import Inbox, inbox_folder

        folder = inbox_folder(data.dataset.files["contacts"].parent)
        inbox = Inbox(data.config, data.dataset).load_folder(folder)
        self.app.call_from_thread(self.loaded, inbox, folder)

    def loaded(self, inbox, folder) -> None:
        self.inbox = inbox
        caption = f"Inbox: {len(inbox.items)} candidate(s) from {folder}"
        if inbox.errors:
            caption += f"; {len(inbox.errors)} file(s) unreadable: " + "; ".join(inbox.errors[:2])
        if not inbox.items:
            caption += " (drop .txt or .html articles there and press r)"
        self.query_one("#inbox-caption", Caption).set_text(caption)
        self.refresh_list()

    def refresh_list(self, keep: int | None = None) -> None:
        options = self.query_one("#inbox-list", OptionList)
        highlighted = options.highlighted if keep is None else keep
        options.clear_options()
        for item in self.inbox.items if self.inbox else []:
            options.add_option(Option(Text(f"{MARKS[item.state]} {item.title}"), id=item.id))
        if self.inbox and self.inbox.items:
            options.highlighted = min(highlighted or 0, len(self.inbox.items) - 1)
            self.show_evidence(self.inbox.items[options.highlighted])

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self.inbox and event.option_id:
            self.show_evidence(self.inbox.get(event.option_id))

    def show_evidence(self, item) -> None:
        text = Text()
        text.append(item.title + "\n", style="bold")
        if item.kind == "contact" and item.item.match is not None:
            text.append(item.item.match.reason + "\n")
        for label, evidence in item.evidence():
            text.append(f"\n{label}\n", style="bold")
            sentence = evidence.sentence
            start = max(evidence.cue_start - evidence.start, 0) if evidence.cue_start >= evidence.start else 0
            end = min(start + (evidence.cue_end - evidence.cue_start), len(sentence))
            piece = Text(sentence)
            if sentence[start:end] == evidence.cue or evidence.cue in sentence:
                if sentence[start:end] != evidence.cue:  # HTML: offsets are in the markup, the sentence is text
                    start = sentence.find(evidence.cue)
                    end = start + len(evidence.cue)
                piece.stylize("reverse bold", start, end)
            text.append_text(piece)
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
        self.inbox.mark(item.id, state)
        following = min(index + 1, len(self.inbox.items) - 1)
        self.refresh_list(keep=following)

    def action_accept(self) -> None:
        self._mark("accepted")

    def action_reject(self) -> None:
        self._mark("rejected")

    def action_write(self) -> None:
        from metrics.extract.accept import AcceptError
        from metrics.problems import DataError

        if not self.inbox:
            return
        try:
            backup, plan = self.inbox.write()
        except (AcceptError, DataError, OSError) as exc:
            self.notify(str(exc), title="Nothing written", severity="error")
            return
        if backup is None:
            self.notify("Accept candidates with a first.", title="Nothing to write")
            return
        self.notify(f"{plan.row_count} row(s) appended; backup in {backup}", title="Written")
        self.loaded_for = None  # the app's reload (r, or the file watcher) re-reads the table and the inbox

    def focus_default(self) -> None:
        self.query_one("#inbox-list", OptionList).focus()
