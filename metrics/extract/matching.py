"""Candidates against the loaded table: the same contact as an existing row, or a new one.

A candidate is the same contact as a table row when the leader and counterpart are the same, the
format is the same (a candidate of unknown format matches any format, and says so), and the dates
agree: at most one day apart when both are days, the same month when either gives only the month,
the same year when either gives only the year. Several rows may agree: the nearest date wins
(an exact date first), then the first row in file order; the others are listed as alternatives.
A matching candidate is offered as a new report on that contact; any other as a new contact.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable

from metrics.extract.dates import PartialDate, compatible

NEW_CONTACT = "new_contact"
NEW_REPORT = "new_report"


@dataclass(frozen=True)
class ExistingContact:
    contact_id: str
    date: PartialDate | None
    leader: str
    counterpart: str
    format: str | None
    envoys: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    kind: str  # new_contact or new_report
    contact_id: str | None
    reason: str
    alternatives: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "contact_id": self.contact_id, "reason": self.reason, "alternatives": list(self.alternatives)}


def _key(name: str | None) -> str:
    if not name:
        return ""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return " ".join(text.casefold().split())


def existing_contacts(dataset) -> list[ExistingContact]:
    """The contacts of a loaded metrics.dataset.Dataset, in file order."""
    frame = dataset.contacts
    columns = ["contact_id", "date", "date_precision", "leader", "counterpart", "format"]
    has_envoys = "envoys" in frame.columns
    rows = frame.select(columns + (["envoys"] if has_envoys else [])).iter_rows()
    found = []
    for row in rows:
        contact_id, date, precision, leader, counterpart, fmt = row[:6]
        envoys = tuple(row[6] or ()) if has_envoys else ()
        value = PartialDate.of(date, precision or "day") if date is not None else None
        found.append(ExistingContact(contact_id, value, leader or "", counterpart or "", fmt, envoys))
    return found


def match_candidate(candidate, table: Iterable[ExistingContact]) -> Match:
    date = candidate.partial_date
    counterpart = candidate.counterpart.value if candidate.counterpart else None
    if date is None or counterpart is None:
        what = " and ".join(x for x, v in (("date", date), ("counterpart", counterpart)) if v is None)
        return Match(NEW_CONTACT, None, f"no {what}: cannot be compared with the table")
    fmt = candidate.format.value if candidate.format else None
    hits: list[tuple[tuple, ExistingContact]] = []
    for order, row in enumerate(table):
        if _key(row.leader) != _key(candidate.leader) or _key(row.counterpart) != _key(counterpart):
            continue
        if fmt and row.format and row.format != fmt:
            continue
        if row.date is None or not compatible(row.date, date):
            continue
        distance = abs((row.date.first() - date.first()).days) if row.date.precision == date.precision == "day" else 0
        exact = str(row.date) == str(date)
        hits.append(((not exact, distance, order), row))
    if not hits:
        return Match(NEW_CONTACT, None, f"no contact in the table with {counterpart}, {fmt or 'any format'}, on a date agreeing with {date}")
    hits.sort(key=lambda item: item[0])
    best = hits[0][1]
    reason = f"same leader and counterpart, {'same format' if fmt else 'format unknown (any format)'}, date {best.date} agrees with {date}"
    return Match(NEW_REPORT, best.contact_id, reason, tuple(row.contact_id for _, row in hits[1:]))


def match_candidates(candidates, dataset_or_table) -> None:
    """Set ``candidate.match`` for each candidate (against a Dataset or a list of ExistingContact)."""
    table = dataset_or_table if isinstance(dataset_or_table, list) else existing_contacts(dataset_or_table)
    for candidate in candidates:
        candidate.match = match_candidate(candidate, table)
