"""Coded rows to candidate contacts: one candidate per real contact.

Event data inflates counts: CAMEO codes one visit twice (042 make a visit by one side, 043 host a
visit by the other), one meeting is coded once per article, and the same event may sit in several
files. So, for one pair of leaders:

1. identical coded rows (the same dataset, event id and date) are one row, their sources merged;
2. rows of the same format whose dates are at most one day apart are one contact (reciprocal
   042/043 pairs, many articles about one event);
3. a row whose code gives no format (040 consult, 045, 046, or a PLOVER mode not known) joins the
   one contact of a known format within a day when there is exactly one, else it is a contact of
   unknown format (or joins one).

Each candidate has the earliest date of its rows, the format, the status ``event_data``, and as
evidence every coded row (file and line) and every source URL. The ``Evidence`` fields keep
``extract``'s shape: ``start`` and ``end`` hold the line number, ``sentence`` describes the coded row
and ``cue`` is the code (or the URL, for a source).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from diplodash.extract.candidates import Candidate, Evidence, Extraction, Proposed
from diplodash.extract.events import EVENT_STATUS, CodedRow

WINDOW = dt.timedelta(days=1)
STATUS_NOTE = "from coded event data only: no account of the contact by either side (not counted by default)"


@dataclass
class Cluster:
    format: str | None
    rows: list[CodedRow] = field(default_factory=list)

    @property
    def first(self) -> dt.date:
        return min(r.date for r in self.rows)

    @property
    def last(self) -> dt.date:
        return max(r.date for r in self.rows)

    def near(self, day: dt.date) -> bool:
        return self.first - WINDOW <= day <= self.last + WINDOW


def dedupe(rows: list[CodedRow]) -> list[CodedRow]:
    merged: dict[tuple, CodedRow] = {}
    for row in rows:
        seen = merged.get(row.key)
        if seen is None:
            merged[row.key] = row
        else:
            merged[row.key] = dataclasses.replace(
                seen,
                urls=tuple(dict.fromkeys(seen.urls + row.urls)),
                outlets=tuple(dict.fromkeys(seen.outlets + row.outlets)),
            )
    return list(merged.values())


def clusters(rows: list[CodedRow]) -> list[Cluster]:
    rows = sorted(dedupe(rows), key=lambda r: (r.date, r.format is None, r.file, r.line))
    found: list[Cluster] = []
    for row in (r for r in rows if r.format is not None):
        home = next((c for c in found if c.format == row.format and c.near(row.date)), None)
        if home is None:
            home = Cluster(row.format)
            found.append(home)
        home.rows.append(row)
    for row in (r for r in rows if r.format is None):
        known = [c for c in found if c.format is not None and c.near(row.date)]
        home = known[0] if len(known) == 1 else next((c for c in found if c.format is None and c.near(row.date)), None)
        if home is None:
            home = Cluster(None)
            found.append(home)
        home.rows.append(row)
    found.sort(key=lambda c: (c.first, c.format or ""))
    return found


def _evidence(row: CodedRow) -> Evidence:
    cue = f"{row.code} {row.mode}"
    sentence = f"{cue}: {row.actor} -> {row.recipient}, {row.dataset} event {row.event_id} on {row.date}"
    return Evidence(row.file, row.line, row.line, sentence, 0, len(cue), cue)


def _url_evidence(row: CodedRow, url: str) -> Evidence:
    sentence = f"{row.dataset} event {row.event_id} on {row.date}: source {url}"
    at = sentence.find(url)
    return Evidence(row.file, row.line, row.line, sentence, at, at + len(url), url)


@dataclass
class ImportedCandidate(Candidate):
    """A candidate from coded event data: its own source row (the dataset's events) when accepted."""

    rows: list[CodedRow] = field(default_factory=list)
    report_note: str = "coded event data: the event is recorded without a duration, initiator or tone"

    @property
    def source_id(self) -> str:
        first = self.rows[0]
        return re.sub(r"[^A-Za-z0-9._-]+", "-", f"{first.dataset}-{first.event_id}-{first.date}")[:80]

    @property
    def urls(self) -> list[str]:
        return list(dict.fromkeys(u for r in self.rows for u in r.urls))

    def source_row(self, today: dt.date | None = None) -> dict[str, str]:
        first = self.rows[0]
        lines = ", ".join(f"{Path(r.file).name}:{r.line} ({r.event_id} {r.code})" for r in self.rows)
        urls = self.urls
        cited = f"import {first.dataset} on {(today or dt.date.today()).isoformat()}: {lines}"
        if len(urls) > 1:
            cited += "; other sources: " + " ".join(urls[1:])
        outlets = list(dict.fromkeys(o for r in self.rows for o in r.outlets))
        return {
            "source_id": self.source_id,
            "kind": "web",
            "outlet": "; ".join(outlets),
            "title": "",
            "author": "",
            "published": "",
            "published_note": f"coded event data ({first.dataset}); the articles' dates are not in the file",
            "url": urls[0] if urls else "",
            "seed_file": "",
            "cited_in": cited,
        }

    def to_dict(self):
        data = super().to_dict()
        data["dataset"] = self.rows[0].dataset
        data["coded_rows"] = [dataclasses.asdict(r) | {"date": r.date.isoformat()} for r in self.rows]
        data["urls"] = self.urls
        return data


def candidates(rows: list[CodedRow], leader: str, counterpart: str) -> list[ImportedCandidate]:
    out = []
    for number, cluster in enumerate(clusters(rows), 1):
        evidence = tuple(_evidence(r) for r in cluster.rows)
        sources = [_url_evidence(r, u) for r in cluster.rows for u in r.urls]
        first, last = cluster.first, cluster.last
        date_note = f"coded on {first} to {last}; the earliest kept" if first != last else ""
        codes = ", ".join(dict.fromkeys(f"{r.code} {r.mode}" for r in cluster.rows))
        fmt_note = f"from {codes}"
        if cluster.format == "summit":
            fmt_note += " (multilateral: a summit or a multi-party call; check the sources)"
        out.append(
            ImportedCandidate(
                id=f"e{number}",
                file=cluster.rows[0].file,
                leader=leader,
                counterpart=Proposed(counterpart, evidence),
                envoys=[],
                date=Proposed(first.isoformat(), evidence, date_note),
                format=Proposed(cluster.format, tuple(e for e, r in zip(evidence, cluster.rows) if r.format), fmt_note) if cluster.format else None,
                status=Proposed(EVENT_STATUS, evidence, STATUS_NOTE),
                reports=[],
                mentions=list(evidence) + sources,
                rows=list(cluster.rows),
            )
        )
    return out


def extraction(rows: list[CodedRow], files: list[str], leader: str, counterpart: str) -> Extraction:
    """The candidates of one import as one Extraction (the shape ``extract`` prints and accepts)."""
    found = candidates(rows, leader, counterpart)
    warnings = [f"{len(rows)} coded row(s) kept, {len(found)} contact(s) after collapsing duplicates"]
    return Extraction(", ".join(files), None, "", found, [], warnings)
