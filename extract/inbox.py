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
    attached: str | None = None  # the existing contact the curator attached this candidate to

    @property
    def title(self) -> str:
        if self.kind == "total":
            t = self.item
            return f"{self.id}  total: {t.count} {'/'.join(t.formats) or 'contacts'} with {t.counterpart or '?'}"
        c = self.item
        match = c.match
        where = "new contact" if match is None or match.kind != "new_report" else f"report on {match.contact_id}"
        if self.attached:
            where = f"report on {self.attached} (attached)"
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

    def set_published(self, file: str, value: str) -> int:
        """Read one article again with this publication date (YYYY-MM-DD, YYYY-MM or YYYY): its relative
        dates ("on Thursday") resolve against it and the sources row records it. Marks and
        attachments of candidates that keep their id are kept. Returns the article's item count;
        raises ValueError with a message for a date that is not one."""
        from diplodash.extract.dates import parse_partial
        from diplodash.extract.matching import match_candidates

        value = value.strip()
        date = parse_partial(value)
        if date is None:
            raise ValueError(f"{value!r} is not a date: use YYYY-MM-DD, YYYY-MM or YYYY")
        positions = [n for n, i in enumerate(self.items) if i.extraction.file == file]
        if not positions:
            raise ValueError(f"no article {file} in the inbox")
        kept = {i.id: (i.state, i.attached) for i in self.items if i.extraction.file == file}
        extraction = self.extractor.extract_file(file, date)
        extraction.published_from = "set in the Inbox"
        match_candidates(extraction.candidates, self.dataset)
        fresh = [InboxItem(c.id, "contact", c, extraction) for c in extraction.candidates]
        fresh += [InboxItem(t.id, "total", t, extraction) for t in extraction.totals]
        for item in fresh:
            item.state, item.attached = kept.get(item.id, (PENDING, None))
        first = positions[0]
        self.items = [i for i in self.items if i.extraction.file != file]
        self.items[first:first] = fresh
        return len(fresh)

    def contact_choices(self, item_id: str, limit: int = 6) -> list[str]:
        """Contacts of the table a candidate may be attached to: same counterpart, nearest date first."""
        item = self.get(item_id)
        if item.kind != "contact":
            return []
        c = item.item
        rows = self.dataset.contacts
        if "leader" in rows.columns:
            rows = rows.filter(rows["leader"] == c.leader)
        if c.counterpart is not None and "counterpart" in rows.columns:
            rows = rows.filter(rows["counterpart"] == c.counterpart.value)
        ids = rows.get_column("contact_id").to_list()
        dates = rows.get_column("date").to_list() if "date" in rows.columns else [None] * len(ids)
        anchor = c.partial_date.first() if c.partial_date else None
        if anchor is not None:
            order = sorted(zip(ids, dates), key=lambda pair: abs((pair[1] - anchor).days) if pair[1] is not None else 10**6)
        else:
            order = list(zip(ids, dates))
        return [cid for cid, _ in order[:limit]]

    def attach(self, item_id: str, contact_id: str) -> InboxItem:
        """Attach a candidate to an existing contact (its accounts become new reports on it) and accept it.
        Raises ValueError with a message for a total or an unknown contact id."""
        item = self.get(item_id)
        contact_id = contact_id.strip()
        if item.kind != "contact":
            raise ValueError(f"{item_id} is a reported total, not a contact: it cannot be attached")
        if contact_id not in set(self.dataset.contacts.get_column("contact_id").to_list()):
            raise ValueError(f"no contact '{contact_id}' in the table")
        item.attached = contact_id
        item.state = ACCEPTED
        return item

    def get(self, item_id: str) -> InboxItem:
        return next(i for i in self.items if i.id == item_id)

    def mark(self, item_id: str, state: str) -> InboxItem:
        item = self.get(item_id)
        item.state = state
        return item

    def check_accepted(self) -> None:
        """What stops the accepted items being written, said in the Inbox's own keys (AcceptError)."""
        for item in self.items:
            if item.state != ACCEPTED or item.kind != "contact" or item.attached:
                continue
            c = item.item
            match = c.match
            if match is not None and match.kind == "new_report":
                if match.ambiguous:
                    others = ", ".join((match.contact_id,) + tuple(match.alternatives))
                    raise AcceptError(f"{item.id} agrees with several contacts ({others}): attach it to one with t; nothing was written")
                continue
            missing = c.missing()
            if missing:
                hint = "set the article's publication date with d, or attach it to a contact with t" if "date" in missing else "attach it to a contact with t"
                raise AcceptError(f"{item.id} cannot be a new contact: no {' and '.join(missing)}; {hint}; nothing was written")

    def plan(self):
        accepted = [f"{i.id}={i.attached}" if i.attached else i.id for i in self.items if i.state == ACCEPTED]
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
        self.check_accepted()
        plan = self.plan()
        return apply_plan(plan, self.config), plan
