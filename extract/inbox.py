"""The review queue an app view needs: candidates from the articles in an inbox folder, marked
accepted or rejected one by one, then written in one go with the same append-only machinery as
``diplodash extract --accept``.

The inbox folder is ``<data>-inbox/`` next to the table folder (``seeds-inbox/`` for ``seeds/``): a
curator drops ``.txt`` or ``.html`` articles there. Publication dates come from the articles
(HTML metadata or a dateline); ``published`` overrides them for every file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from diplodash.extract.accept import AcceptError, Selection, apply_plan, plan_accept
from diplodash.metrics.safefile import FileState

PENDING, ACCEPTED, REJECTED = "pending", "accepted", "rejected"
SUFFIXES = (".txt", ".html", ".htm")


def inbox_folder(data_path: Path) -> Path:
    data_path = Path(data_path)
    folder = data_path if data_path.is_dir() else data_path.parent
    return folder.parent / f"{folder.name}-inbox"


@dataclass
class InboxItem:
    id: str
    kind: str  # contact or total
    item: object  # Candidate or TotalCandidate
    extraction: object
    state: str = PENDING

    @property
    def title(self) -> str:
        if self.kind == "total":
            t = self.item
            return f"{self.id}  total: {t.count} {'/'.join(t.formats) or 'contacts'} with {t.counterpart or '?'}"
        c = self.item
        match = c.match
        where = "new contact" if match is None or match.kind != "new_report" else f"report on {match.contact_id}"
        parts = [c.counterpart.value if c.counterpart else "?", c.date.value if c.date else "no date", c.format.value if c.format else "?"]
        return f"{self.id}  {' · '.join(parts)}  → {where}"

    def evidence(self) -> list[tuple[str, object]]:
        """(field label, Evidence) pairs to show, in reading order."""
        if self.kind == "total":
            return [("total", self.item.evidence)]
        c = self.item
        found: list[tuple[str, object]] = []
        for label, proposed in (("counterpart", c.counterpart), ("date", c.date), ("format", c.format), ("status", c.status)):
            if proposed is not None and proposed.evidence:
                found.append((f"{label}: {proposed.value}", proposed.evidence[0]))
        for r in c.reports:
            who = f"{r.side}{' ' + r.speaker if r.speaker else ''}"
            for label, proposed in (("duration", r.duration_text), ("initiator", r.initiator_claim)):
                if proposed is not None and proposed.evidence:
                    found.append((f"{label}: {proposed.value} [{who}]", proposed.evidence[0]))
            for tone in r.tone:
                found.append((f"tone: {tone.value} [{who}]", tone.evidence[0]))
        return found


class Inbox:
    def __init__(self, config, dataset, published: str | None = None):
        from diplodash.extract import Extractor

        self.config = config
        self.dataset = dataset
        self.published = published
        self.extractor = Extractor(config)
        # What the table files were when the candidates were matched against them: ``write`` refuses if
        # another program changed them since (the review may take minutes).
        self.states = {table: FileState.of(path) for table, path in dataset.files.items()}
        self.items: list[InboxItem] = []
        self.errors: list[str] = []

    def load_folder(self, folder: Path) -> "Inbox":
        folder = Path(folder)
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES) if folder.is_dir() else []
        return self.load_files(files)

    def load_files(self, files) -> "Inbox":
        from diplodash.extract.matching import match_candidates
        from diplodash.extract.text import ArticleError

        for path in files:
            try:
                extraction = self.extractor.extract_file(path, self.published)
            except (OSError, ArticleError) as exc:
                self.errors.append(f"{path}: {exc}")
                continue
            match_candidates(extraction.candidates, self.dataset)
            self.items += [InboxItem(c.id, "contact", c, extraction) for c in extraction.candidates]
            self.items += [InboxItem(t.id, "total", t, extraction) for t in extraction.totals]
        return self

    def get(self, item_id: str) -> InboxItem:
        return next(i for i in self.items if i.id == item_id)

    def mark(self, item_id: str, state: str) -> InboxItem:
        item = self.get(item_id)
        item.state = state
        return item

    def plan(self):
        accepted = [i.id for i in self.items if i.state == ACCEPTED]
        extractions = list({id(i.extraction): i.extraction for i in self.items}.values())
        selection = Selection.parse(only=[",".join(accepted)]) if accepted else Selection({}, set())
        return plan_accept(extractions, self.dataset, selection)

    def write(self):
        """Append the accepted items (raises AcceptError / DataError with a clear message); the backup folder."""
        for table, path in self.dataset.files.items():
            now = FileState.of(path)
            if not now.same_content(self.states[table]):
                raise AcceptError(
                    f"{path} changed since the Inbox read it ({self.states[table].describe()} then, {now.describe()} now): "
                    "another program wrote to it; nothing was written. Reload (r) and accept again"
                )
        plan = self.plan()
        return apply_plan(plan, self.config), plan
