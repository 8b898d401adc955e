"""Contacts from machine-coded event data: GDELT 2.0 (events, and events joined to their mentions),
ICEWS, POLECAT and PLOVER-style JSONL.

Each reader (one module per dataset) scans its files lazily with polars (plain or gzip), keeps the
consultations (CAMEO 040-046, or PLOVER ``CONSULT``) between the two named actors, and returns
``CodedRow``s: one per coded row, with the file and line it came from. ``collapse`` turns them into
candidate contacts of the same shape as ``extract``'s, one per real contact, each with every coded row
and source URL as evidence; they are then matched and accepted exactly as extracted candidates are.

None of these datasets records who initiated a contact, how long it lasted or how each side
described it, so an imported contact has the status ``event_data`` (not counted by default).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

DATASETS = ("gdelt", "gdelt-mentions", "icews", "polecat", "plover")
EVENT_STATUS = "event_data"  # declared with the other statuses in metrics/schema.py

# CAMEO 04 "consult": its codes and what each says about the format of the contact
CAMEO_CONSULT = {
    "040": ("consult", None),
    "041": ("discuss by telephone", "phone"),
    "042": ("make a visit", "in_person"),
    "043": ("host a visit", "in_person"),
    "044": ("meet at a third location", "in_person"),
    "045": ("mediate", None),
    "046": ("engage in negotiation", None),
}
# PLOVER CONSULT modes and the table's formats
PLOVER_MODES = {
    "phone": "phone",
    "telephone": "phone",
    "visit": "in_person",
    "third-party": "in_person",
    "third_party": "in_person",
    "multilateral": "summit",
}


class EventFileError(Exception):
    """A file that cannot be read as the named dataset (message names file:line:column)."""


def cameo(code: str | None) -> str:
    """A CAMEO code as three digits where its leading zero was lost ("42" -> "042")."""
    text = (code or "").strip()
    return text.zfill(3) if text.isdigit() and len(text) < 3 else text


def parse_day(text: str | None) -> dt.date | None:
    """YYYYMMDD, YYYY-MM-DD, or either followed by a time; None when it is no date."""
    value = (text or "").strip()[:10]
    try:
        if len(value) >= 8 and value[:8].isdigit():
            return dt.date(int(value[:4]), int(value[4:6]), int(value[6:8]))
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class CodedRow:
    """One coded row of an event dataset: a consultation between the two actors."""

    dataset: str
    file: str
    line: int
    event_id: str
    date: dt.date
    actor: str
    recipient: str
    code: str  # the CAMEO code or PLOVER event type
    mode: str  # what the code or mode says ("make a visit", "phone", ...)
    format: str | None
    urls: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    title: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        # ICEWS Event IDs are not unique without the date
        return (self.dataset, self.event_id, self.date.isoformat())

    def describe(self) -> str:
        urls = f" {len(self.urls)} source(s)" if self.urls else ""
        return f"{self.file}:{self.line}: {self.dataset} event {self.event_id} on {self.date}: {self.actor} -> {self.recipient}, {self.code} {self.mode}{urls}"


@dataclass
class Names:
    """The spellings that stand for one actor: the roster's name and aliases, compared case-insensitively."""

    name: str
    spellings: frozenset[str] = field(default_factory=frozenset)


def names_for(name: str, settings) -> Names:
    """The roster person called ``name`` (by name or alias), or just ``name`` when the roster lacks them."""
    wanted = _fold(name)
    for person in settings.roster:
        spellings = {_fold(person.name), *(_fold(a) for a in person.aliases)}
        if wanted in spellings:
            return Names(person.name, frozenset(spellings))
    return Names(name.strip(), frozenset({wanted}))


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())
