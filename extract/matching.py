"""Candidates against the loaded table: the same contact as an existing row, or a new one.

A candidate is the same contact as a table row when the leader and counterpart are the same, the
format is the same (a candidate of unknown format matches any format, and says so), and the dates
agree: at most one day apart when both are days, the same month when either gives only the month,
the same year when either gives only the year. Several rows may agree: the nearest date wins
(an exact date first), then the first row in file order; the others are listed as alternatives.
A matching candidate is offered as a new report on that contact; any other as a new contact.

A candidate whose date is coarser than the row's ("in June" against 2025-06-14) may agree with
several rows: the match is then *ambiguous* (``Match.ambiguous``) and is never accepted without the
curator naming the contact (``--only 003#2=putin-trump-2025-06-14``). Within one article two
candidates are not given the same row while another agreeing row is free ("a May 2019 call" and
"a call in 2019" are two contacts).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable

from diplodash.extract.dates import PartialDate, compatible

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
    coarse: bool = False  # the candidate's date is coarser than the matched row's

    @property
    def ambiguous(self) -> bool:
        """Several rows agree and the candidate's date cannot tell them apart."""
        return self.kind == NEW_REPORT and self.coarse and bool(self.alternatives)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "contact_id": self.contact_id,
            "reason": self.reason,
            "alternatives": list(self.alternatives),
            "ambiguous": self.ambiguous,
        }


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


def match_candidate(candidate, table: Iterable[ExistingContact], taken: frozenset[str] = frozenset()) -> Match:
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
    # rows already given to another candidate of the same article go last
    hits.sort(key=lambda item: (item[1].contact_id in taken, item[0]))
    best = hits[0][1]
    reason = f"same leader and counterpart, {'same format' if fmt else 'format unknown (any format)'}, date {best.date} agrees with {date}"
    coarse = _ORDER.index(date.precision) < _ORDER.index(best.date.precision)
    if coarse:
        reason += f" (the article gives only the {date.precision})"
    return Match(NEW_REPORT, best.contact_id, reason, tuple(row.contact_id for _, row in hits[1:]), coarse)


_ORDER = ("year", "month", "day")


def match_candidates(candidates, dataset_or_table) -> None:
    """Set ``candidate.match`` for each candidate (against a Dataset or a list of ExistingContact)."""
    table = dataset_or_table if isinstance(dataset_or_table, list) else existing_contacts(dataset_or_table)
    taken: dict[str, set[str]] = {}
    # the most precise dates choose first, so "a call in 2019" does not take the row "May 2019" needs
    order = sorted(candidates, key=lambda c: -_ORDER.index(c.date_precision) if c.date_precision else 1)
    for candidate in order:
        mine = taken.setdefault(candidate.file, set())
        candidate.match = match_candidate(candidate, table, frozenset(mine))
        if candidate.match.contact_id:
            mine.add(candidate.match.contact_id)
