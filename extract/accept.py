"""Accepting reviewed candidates: new rows appended to the table's CSV files, never anything else.

``plan_accept`` turns the selected candidates into rows (a new contact with its reports, or new
reports on an existing contact, or a claim for a reported total, plus a sources row for the article
when its id is new) and the exact bytes each file will have afterwards. ``apply_plan`` then:

1. under an advisory lock on the table folder (``metrics.safefile.folder_lock``), checks that no file
   changed since it was read (the plan holds each file's size, mtime and sha256);
2. checks the result: the new files, written to a scratch folder, must load with
   ``metrics.dataset.load_dataset`` without errors (so what is accepted passes ``diplodash validate``);
3. copies every file it will change into a timestamped backup folder next to the data
   (``<data>-backups/<YYYYmmdd-HHMMSS>/``, created atomically);
4. writes each file atomically (temporary file, fsync, rename), sources first, then contacts,
   reports and claims, so a row never refers to one not yet written; each file is checked again just
   before its rename, and if another program changed it the accept is refused and undone (their
   change kept, ours taken out).

An account already in the table (the same contact, source, side and wording) is reported as such and
not appended again, so accepting the same article twice changes nothing.

Rows are only ever appended: every changed file keeps its old bytes as an exact prefix. A file that
does not end with a line break gets one before the new rows (the only byte added between old and
new). New ids never collide with an id in the table or in the same batch.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from diplodash.metrics.atomic import AtomicFolder
from diplodash.metrics.safefile import FileChanged, FileState, LockBusy, checked_replace, folder_lock, take_back
from diplodash.extract.matching import NEW_REPORT
from diplodash.extract.roster import slug
from diplodash.metrics.problems import DataError, Problem
from diplodash.metrics.schema import CLAIMS, CONTACTS, REPORTS, SOURCES

WRITE_ORDER = ("sources", "contacts", "reports", "claims")
SPECS = {"sources": SOURCES, "contacts": CONTACTS, "reports": REPORTS, "claims": CLAIMS}
EXCERPT_CHARS = 80  # characters of the source's words kept in a row's excerpt


class AcceptError(Exception):
    """The candidates cannot be accepted as asked (a clear message for the curator)."""


@dataclass
class Selection:
    """Which candidates to accept: ids (optionally ``ID=CONTACT_ID`` to choose the contact) or the rule."""

    ids: dict[str, str | None] | None = None  # None: the rule (every complete, unambiguous candidate)
    rejected: set[str] = field(default_factory=set)

    @classmethod
    def parse(cls, only: Iterable[str] | None = None, reject: Iterable[str] | None = None) -> "Selection":
        ids: dict[str, str | None] | None = None
        for chunk in only or ():
            for item in chunk.split(","):
                item = item.strip()
                if not item:
                    continue
                ids = {} if ids is None else ids
                cid, _, target = item.partition("=")
                ids[cid.strip()] = target.strip() or None
        rejected = {i.strip() for chunk in reject or () for i in chunk.split(",") if i.strip()}
        return cls(ids, rejected)


@dataclass
class Decision:
    item_id: str
    accepted: bool
    why: str


@dataclass
class AcceptPlan:
    files: dict[str, Path]
    before: dict[str, bytes]
    after: dict[str, bytes]
    rows: dict[str, list[dict[str, str]]]
    decisions: list[Decision]
    backup_parent: Path
    states: dict[str, FileState] = field(default_factory=dict)  # what each file was when planned

    @property
    def changed(self) -> list[str]:
        return [t for t in WRITE_ORDER if t in self.after and self.after[t] != self.before[t]]

    @property
    def row_count(self) -> int:
        return sum(len(rows) for rows in self.rows.values())

    def diff(self) -> str:
        """A unified diff of every file the plan changes (only added lines, by construction)."""
        out: list[str] = []
        for table in self.changed:
            old = self.before[table].decode("utf-8-sig").splitlines(keepends=True)
            new = self.after[table].decode("utf-8-sig").splitlines(keepends=True)
            name = str(self.files[table])
            for line in difflib.unified_diff(old, new, fromfile=f"a/{name}", tofile=f"b/{name}", n=1):
                out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
        return "".join(out)


# ------------------------------------------------------------------------------------- planning


def plan_accept(extractions, dataset, selection: Selection, source_id: str | None = None, today: dt.date | None = None) -> AcceptPlan:
    """Rows for the selected candidates of ``extractions`` (already matched against ``dataset``)."""
    files = dict(dataset.files)
    for table in ("contacts", "reports"):
        if table not in files:
            raise AcceptError(f"the table has no {table} file: accepting needs a folder with contacts.csv and reports.csv")
    if any(p.suffix.lower() != ".csv" for p in files.values()):
        odd = ", ".join(str(p) for p in files.values() if p.suffix.lower() != ".csv")
        raise AcceptError(f"accepting appends to CSV files only; this table has {odd}")
    folder = files["contacts"].parent
    for table in WRITE_ORDER:
        files.setdefault(table, folder / f"{table}.csv")
    states: dict[str, FileState] = {}
    before: dict[str, bytes] = {}
    for t in WRITE_ORDER:
        states[t], before[t] = FileState.read(files[t])
    headers = {t: _header(before[t], SPECS[t].names) for t in WRITE_ORDER}

    ids = {
        "contacts": set(dataset.contacts.get_column("contact_id").to_list()),
        "reports": set(dataset.reports.get_column("report_id").to_list()),
        "claims": set(dataset.claims.get_column("claim_id").to_list()),
        "sources": set(dataset.sources.get_column("source_id").to_list()),
    }
    rows: dict[str, list[dict[str, str]]] = {t: [] for t in WRITE_ORDER}
    decisions: list[Decision] = []
    known_items = {c.id for e in extractions for c in e.candidates} | {t.id for e in extractions for t in e.totals}
    if selection.ids is not None:
        unknown = sorted(set(selection.ids) - known_items)
        if unknown:
            raise AcceptError(f"no candidate with id {', '.join(unknown)} (ids are listed by 'diplodash extract FILE')")
    contact_ids = set(ids["contacts"])
    accounts = _existing_accounts(dataset)
    claims = _existing_claims(dataset)

    for extraction in extractions:
        source = source_id or default_source_id(extraction.file)
        used_source = False
        for candidate in extraction.candidates:
            # a candidate from coded event data brings its own source row (see extract/events/collapse.py)
            own_source = getattr(candidate, "source_row", None)
            file_source = source
            source = candidate.source_id if own_source else file_source
            ok, why, target = _choose(candidate, selection, contact_ids)
            if ok and target is not None:
                reports = [r for r in candidate.reports if r.has_account()] or [None]
                rows_for = [_report_row(candidate, r, "", target, source, True) for r in reports]
                present = [accounts.get(_account_key(row)) for row in rows_for]
                if all(present):
                    decisions.append(Decision(candidate.id, False, f"already in the table: {', '.join(dict.fromkeys(present))} (same contact, source, side and wording)"))
                    source = file_source
                    continue
                if any(present):
                    why += f"; {sum(1 for p in present if p)} of its accounts already in the table ({', '.join(p for p in present if p)})"
            decisions.append(Decision(candidate.id, ok, why))
            if not ok:
                source = file_source
                continue
            if own_source:
                if source not in ids["sources"]:
                    ids["sources"].add(source)
                    rows["sources"].append(own_source(today))
            else:
                used_source = True
            if target is None:
                contact_id = _new_id(f"{slug(candidate.leader)}-{slug(candidate.counterpart.value)}-{candidate.date.value}", ids["contacts"], letters=True)
                rows["contacts"].append(_contact_row(candidate, contact_id, source))
                contact_ids.add(contact_id)
                reports = [r for r in candidate.reports if r.has_account()] or [None]
            else:
                contact_id = target
                reports = [r for r in candidate.reports if r.has_account()] or [None]
            for report in reports:
                row = _report_row(candidate, report, "", contact_id, source, target is not None)
                if _account_key(row) in accounts:
                    continue
                row["report_id"] = _next_report_id(contact_id, ids["reports"])
                accounts[_account_key(row)] = row["report_id"]
                rows["reports"].append(row)
            source = file_source
        for total in extraction.totals:
            ok, why = _choose_total(total, selection)
            row = _claim_row(total, "", source, dataset) if ok else None
            if row is not None and _claim_key(row) in claims:
                decisions.append(Decision(total.id, False, f"already in the table: claim {claims[_claim_key(row)]} (same source, counterpart, range and count)"))
                continue
            decisions.append(Decision(total.id, ok, why))
            if not ok:
                continue
            used_source = True
            row["claim_id"] = _new_id(f"{source}-total-{total.count}", ids["claims"])
            claims[_claim_key(row)] = row["claim_id"]
            rows["claims"].append(row)
        if used_source and source not in ids["sources"]:
            ids["sources"].add(source)
            rows["sources"].append(_source_row(extraction, source, today))

    after = {t: (_append(before[t], headers[t], rows[t]) if rows[t] else before[t]) for t in WRITE_ORDER}
    data_path = folder
    return AcceptPlan(files, before, after, rows, decisions, data_path.parent / f"{data_path.name}-backups", states)


def _norm(value) -> str:
    return " ".join(_clean(value).split())


def _account_key(row: dict[str, str]) -> tuple:
    return (row["contact_id"], row["source_ids"], row["side"], *(_norm(row[c]) for c in ("duration_text", "initiator_claim", "tone_text")))


def _existing_accounts(dataset) -> dict[tuple, str]:
    """(contact, source, side, wording) -> report id, for every account already in the table."""
    found: dict[tuple, str] = {}
    columns = ("report_id", "contact_id", "source_ids", "side", "duration_text", "initiator_claim", "tone_text")
    reports = dataset.reports
    if not set(columns) <= set(reports.columns):
        return found
    for rid, contact, sources, side, *wording in reports.select(columns).iter_rows():
        for source in sources or []:
            found.setdefault((contact, source, side or "", *(_norm(w) for w in wording)), rid)
    return found


def _claim_key(row: dict[str, str]) -> tuple:
    return (row["source_ids"], _norm(row["counterpart"]), _norm(row["start"]), _norm(row["end"]), _norm(row["claimed_count"]))


def _existing_claims(dataset) -> dict[tuple, str]:
    found: dict[tuple, str] = {}
    columns = ("claim_id", "source_ids", "counterpart", "start", "end", "claimed_count")
    claims = dataset.claims
    if not set(columns) <= set(claims.columns):
        return found
    for cid, sources, *rest in claims.select(columns).iter_rows():
        for source in sources or []:
            found.setdefault((source, *(_norm("" if v is None else v) for v in rest)), cid)
    return found


def default_source_id(path: str) -> str:
    stem = Path(path).stem
    cleaned = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "article"
    return f"extract-{cleaned[:60]}"


def _choose(candidate, selection: Selection, contact_ids: set[str]) -> tuple[bool, str, str | None]:
    if candidate.id in selection.rejected:
        return False, "rejected", None
    match = candidate.match
    chosen = selection.ids.get(candidate.id) if selection.ids is not None else None
    if selection.ids is not None and candidate.id not in selection.ids:
        return False, "not selected", None
    if chosen:
        if chosen not in contact_ids:
            raise AcceptError(f"{candidate.id}={chosen}: no contact '{chosen}' in the table")
        return True, f"new report on {chosen} (chosen by the curator)", chosen
    if match is not None and match.kind == NEW_REPORT:
        if match.ambiguous:
            others = ", ".join((match.contact_id,) + match.alternatives)
            if selection.ids is not None:
                raise AcceptError(f"{candidate.id} agrees with several contacts ({others}): name one, e.g. --only {candidate.id}={match.contact_id}")
            return False, f"ambiguous: agrees with {others}; choose with --only {candidate.id}=CONTACT_ID", None
        return True, f"new report on {match.contact_id}", match.contact_id
    missing = candidate.missing()
    if missing:
        if selection.ids is not None:
            raise AcceptError(f"{candidate.id} cannot be a new contact: no {' and '.join(missing)} (the table requires it); or attach it to a contact with --only {candidate.id}=CONTACT_ID")
        return False, f"incomplete: no {' and '.join(missing)}", None
    return True, "new contact", None


def _choose_total(total, selection: Selection) -> tuple[bool, str]:
    if total.id in selection.rejected:
        return False, "rejected"
    if selection.ids is not None and total.id not in selection.ids:
        return False, "not selected"
    missing = total.missing()
    if missing:
        if selection.ids is not None:
            raise AcceptError(f"{total.id} cannot be a claim: no {' and '.join(missing)} (give the range by hand in claims.csv)")
        return False, f"incomplete: no {' and '.join(missing)}"
    return True, "new claim"


def _new_id(base: str, taken: set[str], letters: bool = False) -> str:
    candidate = base
    n = 0
    while candidate in taken:
        n += 1
        candidate = f"{base}{chr(ord('a') + n)}" if letters and n < 26 else f"{base}-{n + 1}"
    taken.add(candidate)
    return candidate


def _next_report_id(contact_id: str, taken: set[str]) -> str:
    numbers = [int(m.group(1)) for rid in taken if (m := re.fullmatch(re.escape(contact_id) + r"/(\d+)", rid))]
    report_id = f"{contact_id}/{max(numbers, default=0) + 1}"
    taken.add(report_id)
    return report_id


def _excerpt(evidence) -> str:
    """A short excerpt for the row: the words that gave the value, with a few words either side.

    The table cites its sources; it does not copy their prose, so the excerpt is at most
    ``EXCERPT_CHARS`` characters of whole words around the cue, never the whole sentence.
    """
    if evidence is None:
        return ""
    sentence = " ".join(evidence.sentence.split())
    cue = " ".join(evidence.cue.split())
    if len(cue) >= EXCERPT_CHARS:
        return cue[: EXCERPT_CHARS - 1].rsplit(" ", 1)[0] + "…"
    at = sentence.find(cue)
    if at < 0:
        return cue
    if len(sentence) <= EXCERPT_CHARS:
        return sentence
    cue_end = at + len(cue)
    room = EXCERPT_CHARS - len(cue)
    start = max(0, at - room // 2)
    end = min(len(sentence), cue_end + room - (at - start))
    start = max(0, min(start, end - EXCERPT_CHARS))
    if start > 0:  # begin at a word: after the first space in the window, never inside the cue
        space = sentence.find(" ", start - 1, at)
        start = space + 1 if space >= 0 else at
    if end < len(sentence):  # end at a word
        space = sentence.rfind(" ", cue_end, end + 1)
        end = space if space >= 0 else cue_end
    piece = sentence[start:end].strip()
    return ("…" if start > 0 else "") + piece + ("…" if end < len(sentence) else "")


def _contact_row(candidate, contact_id: str, source: str) -> dict[str, str]:
    notes = [f"extracted from {Path(candidate.file).name} ({candidate.id})"]
    if candidate.date and candidate.date.note:
        notes.append(f"date: {candidate.date.note}")
    if candidate.counterpart and candidate.counterpart.note:
        notes.append(f"counterpart: {candidate.counterpart.note}")
    status = candidate.status.value if candidate.status else "unconfirmed"
    if not candidate.status:
        notes.append("status: no cue in the text, so unconfirmed")
    return {
        "contact_id": contact_id,
        "date": candidate.date.value,
        "date_precision": candidate.date_precision,
        "leader": candidate.leader,
        "counterpart": candidate.counterpart.value,
        "envoys": "; ".join(e.value for e in candidate.envoys),
        "format": candidate.format.value if candidate.format else "",
        "status": status,
        "topics": "",
        "source_ids": source,
        "excerpt": _excerpt(candidate.excerpt_evidence),
        "notes": "; ".join(notes),
    }


def _report_row(candidate, report, report_id: str, contact_id: str, source: str, existing: bool) -> dict[str, str]:
    notes = [f"extracted from {Path(candidate.file).name} ({candidate.id})"]
    if existing and candidate.match is not None and candidate.match.contact_id == contact_id:
        notes.append(candidate.match.reason)
    if report is None:
        notes.append(getattr(candidate, "report_note", "") or "the article mentions the contact without a duration, initiator or tone")
        return {
            "report_id": report_id,
            "contact_id": contact_id,
            "source_ids": source,
            "side": "press",
            "speaker": "",
            "duration_text": "",
            "initiator_claim": "",
            "tone_text": "",
            "excerpt": _excerpt(candidate.excerpt_evidence),
            "notes": "; ".join(notes),
        }
    evidence = next(
        (p.evidence[0] for p in (report.duration_text, report.initiator_claim, *report.tone) if p is not None and p.evidence),
        report.evidence,
    )
    if report.initiator_claim and report.initiator_claim.note:
        notes.append(f"initiator: {report.initiator_claim.note}")
    return {
        "report_id": report_id,
        "contact_id": contact_id,
        "source_ids": source,
        "side": report.side,
        "speaker": report.speaker,
        "duration_text": report.duration_text.value if report.duration_text else "",
        "initiator_claim": report.initiator_claim.value if report.initiator_claim else "",
        "tone_text": report.tone_text,
        "excerpt": _excerpt(evidence),
        "notes": "; ".join(notes),
    }


def _claim_row(total, claim_id: str, source: str, dataset) -> dict[str, str]:
    return {
        "claim_id": claim_id,
        "leader": _leader(dataset),
        "counterpart": total.counterpart,
        "start": total.start,
        "end": total.end,
        "formats": ";".join(total.formats),
        "claimed_count": str(total.count),
        "side": total.side,
        "speaker": total.speaker,
        "description": f"{'ordinal' if total.ordinal else 'count'}: {' '.join(total.evidence.cue.split())}",
        "source_ids": source,
        "excerpt": _excerpt(total.evidence),
        "notes": f"extracted from {Path(total.file).name} ({total.id}); {total.note}".rstrip("; "),
    }


def _leader(dataset) -> str:
    from diplodash.extract.settings import load_settings

    return load_settings(dataset.config).leader.name


def _source_row(extraction, source: str, today: dt.date | None) -> dict[str, str]:
    how = {
        "--published": "given with --published",
        "set in the Inbox": "set by the curator in the Inbox",
        "html meta": "from the page's metadata",
        "dateline": "printed near the top of the article",
    }.get(extraction.published_from, "")
    return {
        "source_id": source,
        "kind": "web",
        "outlet": "",
        "title": "",
        "author": "",
        "published": str(extraction.published) if extraction.published else "",
        "published_note": how or "not found",
        "url": "",
        "seed_file": "",
        "cited_in": f"extract {Path(extraction.file).name} on {(today or dt.date.today()).isoformat()}",
    }


# --------------------------------------------------------------------------------- CSV writing


def _header(raw: bytes, default: tuple[str, ...]) -> list[str]:
    text = raw.decode("utf-8-sig", errors="replace")
    if not text.strip():
        return list(default)
    first = next(csv.reader(io.StringIO(text)), None)
    return first or list(default)


def _newline(raw: bytes) -> str:
    return "\r\n" if b"\r\n" in raw[:65536] else "\n"


def _append(raw: bytes, header: list[str], rows: list[dict[str, str]]) -> bytes:
    newline = _newline(raw)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator=newline, extrasaction="ignore", restval="")
    if not raw.strip():
        writer.writeheader()
        raw = b""
    for row in rows:
        writer.writerow({k: _clean(v) for k, v in row.items()})
    prefix = raw if not raw or raw.endswith((b"\n", b"\r")) else raw + newline.encode()
    return prefix + buffer.getvalue().encode("utf-8")


def _clean(value) -> str:
    text = "" if value is None else str(value)
    return re.sub(r"[\r\n\t]+", " ", text)


# ------------------------------------------------------------------------------------ applying


def check_plan(plan: AcceptPlan, config) -> list[Problem]:
    """Load the planned files from a scratch folder: the errors ``diplodash validate`` would give."""
    from diplodash.metrics.dataset import load_dataset

    with tempfile.TemporaryDirectory(prefix="diplodash-accept-") as scratch:
        folder = Path(scratch)
        for table in WRITE_ORDER:
            if plan.after[table] or plan.files[table].exists():
                (folder / plan.files[table].name).write_bytes(plan.after[table])
        try:
            load_dataset(config, folder)
        except DataError as error:
            return [
                Problem(str(plan.files[_table_of(p.file)]) if _table_of(p.file) else p.file, p.line, p.column, p.message, p.severity, p.code)
                for p in error.errors
            ]
    return []


def _table_of(file: str) -> str | None:
    stem = Path(file).stem
    return stem if stem in WRITE_ORDER else None


def apply_plan(plan: AcceptPlan, config, now: dt.datetime | None = None) -> Path | None:
    """Back up, then append. Returns the backup folder (None when nothing changes)."""
    changed = plan.changed
    if not changed:
        return None
    folder = plan.files[changed[0]].parent
    try:
        with folder_lock(folder):
            return _apply_locked(plan, config, changed, now)
    except (FileChanged, LockBusy) as exc:
        raise AcceptError(str(exc)) from None


def _apply_locked(plan: AcceptPlan, config, changed: list[str], now: dt.datetime | None) -> Path:
    for table in changed:
        path = plan.files[table]
        if path.is_symlink():
            raise AcceptError(f"{path}: refusing to write through a symbolic link")
        expected = plan.states[table]
        current = FileState.of(path)
        if not current.same_content(expected):
            raise AcceptError(f"{path} changed since the candidates were read ({expected.describe()} then, {current.describe()} now): another program wrote to it; nothing was written. Run extract again to include its change")
    problems = check_plan(plan, config)
    if problems:
        raise DataError(problems)
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    plan.backup_parent.mkdir(parents=True, exist_ok=True)
    with AtomicFolder(plan.backup_parent, stamp, unique=True) as backup:
        for table in changed:
            path = plan.files[table]
            if path.exists():
                backup.write(path.name, plan.before[table])
        folder = backup.commit()
    written: list[str] = []
    try:
        for table in changed:
            checked_replace(plan.files[table], plan.after[table], plan.states[table])
            written.append(table)
    except BaseException:
        for table in written:  # take back what was already replaced (all files or none), keeping others' appends
            take_back(plan.files[table], plan.after[table], plan.before[table])
        raise
    return folder


def restore(backup: Path, files: dict[str, Path]) -> None:
    """Put the backed-up files back (used by tests and by hand: the backup holds whole files)."""
    for path in files.values():
        saved = Path(backup) / path.name
        if saved.exists():
            shutil.copyfile(saved, path)
