"""PLOVER-style JSONL: one JSON object per line, read line by line (bounded memory).

Read from each object: ``id``, ``event_date`` (or ``date``), ``event_type`` (CONSULT kept), ``mode``,
``actor`` and ``recipient`` (a name, or an object with ``name``), and ``cite_info`` (an object or a
list of objects with ``url``, ``publication``, ``title``, ``date``). A line that is not a JSON object
is an error naming file:line:column. The same layout is what ``diplodash export --plover`` writes.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from diplodash.extract.events import PLOVER_MODES, CodedRow, EventFileError, Names, _fold, parse_day


def _name(value) -> str:
    if isinstance(value, dict):
        value = value.get("name") or value.get("actor_name") or ""
    return str(value or "").strip()


def _cites(value) -> list[dict]:
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, dict)]
    return []


def read(files, leader: Names, counterpart: Names) -> list[CodedRow]:
    rows: list[CodedRow] = []
    for name in files:
        path = Path(name)
        opener = gzip.open if path.suffix.lower() == ".gz" else open
        with opener(path, "rt", encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise EventFileError(f"{name}:{number}:{exc.colno}: not JSON: {exc.msg}") from None
                if not isinstance(obj, dict):
                    raise EventFileError(f"{name}:{number}:1: a line must be a JSON object")
                if str(obj.get("event_type", "")).upper() != "CONSULT":
                    continue
                actor, recipient = _name(obj.get("actor")), _name(obj.get("recipient"))
                a, r = _fold(actor), _fold(recipient)
                if not ((a in leader.spellings and r in counterpart.spellings) or (a in counterpart.spellings and r in leader.spellings)):
                    continue
                day = parse_day(str(obj.get("event_date") or obj.get("date") or ""))
                if day is None:
                    continue
                mode = str(obj.get("mode") or "").strip().lower()
                cites = _cites(obj.get("cite_info"))
                rows.append(
                    CodedRow("plover", str(name), number, str(obj.get("id", number)), day, actor, recipient, "CONSULT", mode or "(no mode)",
                             PLOVER_MODES.get(mode), tuple(dict.fromkeys(str(c["url"]) for c in cites if c.get("url"))),
                             tuple(dict.fromkeys(str(c["publication"]) for c in cites if c.get("publication"))),
                             next((str(c["title"]) for c in cites if c.get("title")), ""))
                )
    return rows
