"""Small hand-made tables for tests: every expected figure in test_measures.py is computed by hand from these."""

from __future__ import annotations

import datetime as dt

import csv
import shutil
from pathlib import Path

from diplodash.metrics.schema import CLAIMS, CONTACTS, REPORTS, SOURCES

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CONFIG = ROOT / "config.toml"

# Every figure in the tests is computed as of a pinned date (never the calendar), and exports are stamped
# with a pinned time: the suite gives the same results on any day.
AS_OF = dt.date(2026, 6, 30)  # after the bundled table's last contact (2026-05-13)
EXPORTED_AT = dt.datetime(2026, 7, 1, 9, 30, 0, tzinfo=dt.timezone.utc)

CONTACT_ROWS = [
    # contact_id, date, date_precision, leader, counterpart, envoys, format, status
    ("c1", "2021-03-01", "day", "Vladimir Putin", "Joe Biden", "", "phone", "confirmed"),
    ("c2", "2021-06-16", "day", "Vladimir Putin", "Joe Biden", "", "summit", "confirmed"),
    ("c3", "2022-02-12", "day", "Vladimir Putin", "Joe Biden", "", "phone", "confirmed"),
    ("c4", "2025-02-12", "day", "Vladimir Putin", "Donald Trump", "", "phone", "confirmed"),
    ("c5", "2025-05", "month", "Vladimir Putin", "Donald Trump", "", "phone", "confirmed"),
    ("c6", "2024-11-07", "day", "Vladimir Putin", "Donald Trump", "", "phone", "denied"),
    ("c7", "2025-08-06", "day", "Vladimir Putin", "Donald Trump", "Steve Witkoff", "envoy_meeting", "confirmed"),
]

REPORT_ROWS = [
    # report_id, contact_id, side, duration_text, initiator_claim, tone_text
    ("c1/1", "c1", "leader", "about an hour", "counterpart", "businesslike and frank"),
    ("c1/2", "c1", "counterpart", "62 minutes", "", "substantive"),
    ("c2/1", "c2", "counterpart", "3 h 21 min", "counterpart", ""),
    ("c2/2", "c2", "press", "under 3 h", "", ""),
    ("c3/1", "c3", "leader", "50 minutes", "leader", ""),
    ("c3/2", "c3", "counterpart", "50-minute", "counterpart", ""),
    ("c4/1", "c4", "leader", "almost 1.5 h", "", "constructive"),
    ("c5/1", "c5", "leader", "", "leader", "frank and constructive"),
    ("c6/1", "c6", "press", "", "", ""),
    ("c7/1", "c7", "leader", "about 3 h", "", "very useful and constructive"),
]

CLAIM_ROWS = [
    # claim_id, counterpart, start, end, formats, claimed_count
    ("trump-2025-calls", "Donald Trump", "2025-01-01", "2025-12-31", "phone", "3"),
    ("trump-late-2024-calls", "Donald Trump", "2024-11-01", "2024-12-31", "phone", "1"),
]


def write_csv(path: Path, header: tuple[str, ...], rows: list[dict]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(header), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row.get(k, "") for k in header})
    return path


def write_small_table(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / "sources.csv", SOURCES.names, [{"source_id": "s1", "kind": "web", "outlet": "Test"}])
    contacts = [
        dict(zip(("contact_id", "date", "date_precision", "leader", "counterpart", "envoys", "format", "status"), row), source_ids="s1", excerpt="x")
        for row in CONTACT_ROWS
    ]
    write_csv(folder / "contacts.csv", CONTACTS.names, contacts)
    reports = [
        dict(zip(("report_id", "contact_id", "side", "duration_text", "initiator_claim", "tone_text"), row), source_ids="s1", excerpt="x")
        for row in REPORT_ROWS
    ]
    write_csv(folder / "reports.csv", REPORTS.names, reports)
    claims = [
        dict(zip(("claim_id", "counterpart", "start", "end", "formats", "claimed_count"), row), leader="Vladimir Putin", side="leader", source_ids="s1")
        for row in CLAIM_ROWS
    ]
    write_csv(folder / "claims.csv", CLAIMS.names, claims)
    return folder


def copy_seeds(folder: Path) -> Path:
    shutil.copytree(SEEDS, folder, ignore=shutil.ignore_patterns("*.md"))
    return folder
