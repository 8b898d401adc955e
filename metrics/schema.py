"""The shape of the contact table: its four tables, their columns and enumerations.

``seeds/README.md`` documents the same schema for curators; this module is what the loader checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FORMATS = ("phone", "video_call", "in_person", "summit", "envoy_meeting", "multi_party_call")
# event_data: a contact known only from machine-coded event data (GDELT, ICEWS, POLECAT, PLOVER)
STATUSES = ("confirmed", "one_side", "denied", "unconfirmed", "event_data")
COUNTED_STATUSES = ("confirmed",)
DATE_PRECISIONS = ("day", "month", "year")
SIDES = ("leader", "counterpart", "press", "other")
INITIATOR_CLAIMS = ("leader", "counterpart")
# The derived initiator of a contact; ``disputed`` counts as unknown in shares but stays visible.
INITIATOR_SIDES = ("leader", "counterpart", "unknown")
SOURCE_KINDS = ("seed_article", "web")

# "Calls" are one-on-one phone and video calls: every metric, view and export counts them so. Multi-party
# calls and meetings are counted in their own rows (see metrics/glossary.py).
CALLS = ("phone", "video_call")
MULTI_PARTY = ("multi_party_call",)
MEETINGS = ("in_person", "summit", "envoy_meeting")

# Group names that are not values of the data.
NO_PERIOD = "(no period)"  # a contact outside every configured period
UNKNOWN_GROUP = "(unknown)"  # an empty value of the grouping column
NO_ACCOUNT = "(no account)"  # grouping by side: a contact that no account reports

Kind = Literal["text", "enum", "date", "partial_date", "int", "list"]


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: Kind = "text"
    required: bool = False  # the column must exist
    non_empty: bool = False  # every cell must hold a value
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TableSpec:
    name: str
    key: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


SOURCES = TableSpec(
    "sources",
    "source_id",
    (
        Column("source_id", required=True, non_empty=True),
        Column("kind", "enum", choices=SOURCE_KINDS),
        Column("outlet"),
        Column("title"),
        Column("author"),
        Column("published", "partial_date"),
        Column("published_note"),
        Column("url"),
        Column("seed_file"),
        Column("cited_in"),
    ),
)

# Report columns that a single flat contacts file may carry inline (one account per contact).
INLINE_REPORT_COLUMNS = ("side", "speaker", "duration_text", "initiator_claim", "tone_text")

CONTACTS = TableSpec(
    "contacts",
    "contact_id",
    (
        Column("contact_id", required=True, non_empty=True),
        Column("date", "partial_date", required=True, non_empty=True),
        Column("date_precision", "enum", choices=DATE_PRECISIONS),
        Column("leader", required=True, non_empty=True),
        Column("counterpart", required=True, non_empty=True),
        Column("envoys", "list"),
        Column("format", "enum", required=True, choices=FORMATS),  # empty = unknown
        Column("status", "enum", choices=STATUSES),
        Column("topics", "list"),
        Column("source_ids", "list"),
        Column("excerpt"),
        Column("notes"),
    ),
)

REPORTS = TableSpec(
    "reports",
    "report_id",
    (
        Column("report_id", required=True, non_empty=True),
        Column("contact_id", required=True, non_empty=True),
        Column("source_ids", "list"),
        Column("side", "enum", required=True, non_empty=True, choices=SIDES),
        Column("speaker"),
        Column("duration_text"),
        Column("initiator_claim", "enum", choices=INITIATOR_CLAIMS),
        Column("tone_text"),
        Column("excerpt"),
        Column("notes"),
    ),
)

CLAIMS = TableSpec(
    "claims",
    "claim_id",
    (
        Column("claim_id", required=True, non_empty=True),
        Column("leader"),
        Column("counterpart", required=True, non_empty=True),
        Column("start", "date", required=True, non_empty=True),
        Column("end", "date", required=True, non_empty=True),
        Column("formats", "list"),
        Column("claimed_count", "int", required=True, non_empty=True),
        Column("side", "enum", choices=SIDES),
        Column("speaker"),
        Column("description"),
        Column("source_ids", "list"),
        Column("excerpt"),
        Column("notes"),
    ),
)

TABLES = {spec.name: spec for spec in (SOURCES, CONTACTS, REPORTS, CLAIMS)}
