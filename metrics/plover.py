"""The table as PLOVER-style JSONL: one CONSULT event per contact, with a ``cite_info`` per source.

So a curated table can travel back into the event-data ecosystem. Each line holds ``id`` (the
contact id), ``event_date`` (at the contact's precision: 2025-10-17, 2025-10 or 2025),
``date_precision``, ``event_type`` ``CONSULT``, ``mode`` (phone for phone and video calls, visit for
in-person and envoy meetings, multilateral for summits and multi-party calls), ``actor`` and
``recipient`` (``{"name": ...}``: the leader and the counterpart), diplodash's own ``format``,
``status``, ``counted`` and ``envoys``, and ``cite_info``: one object per source the contact or its
accounts cite (url, publication, title, date). ``diplodash import plover`` reads the same layout back.
"""

from __future__ import annotations

import json

import polars as pl

from diplodash.metrics.dataset import Dataset

MODES = {"phone": "phone", "video_call": "phone", "in_person": "visit", "envoy_meeting": "visit", "summit": "multilateral", "multi_party_call": "multilateral"}


def _list(value) -> list[str]:
    if value is None:
        return []
    return [v for v in (value if isinstance(value, list) else str(value).split(";")) if v]


def plover_lines(dataset: Dataset, contacts: pl.DataFrame | None = None) -> list[str]:
    """One JSON line per contact of ``contacts`` (default: every contact of the table), in date order."""
    frame = (dataset.contacts if contacts is None else contacts).sort("date", "contact_id")
    sources = {r["source_id"]: r for r in dataset.sources.iter_rows(named=True)} if "source_id" in dataset.sources.columns else {}
    by_contact: dict[str, list[str]] = {}
    if "source_ids" in dataset.reports.columns:
        for r in dataset.reports.select("contact_id", "source_ids").iter_rows(named=True):
            by_contact.setdefault(r["contact_id"], []).extend(_list(r["source_ids"]))
    lines = []
    for c in frame.iter_rows(named=True):
        ids = list(dict.fromkeys(_list(c.get("source_ids")) + by_contact.get(c["contact_id"], [])))
        cites = []
        for sid in ids:
            s = sources.get(sid, {})
            published = s.get("published")
            cites.append({
                "source_id": sid,
                "url": s.get("url") or None,
                "publication": s.get("outlet") or None,
                "title": s.get("title") or None,
                "date": str(published) if published else None,
            })
        date_text = c.get("date_text") or (c["date"].isoformat() if c.get("date") else None)
        event = {
            "id": c["contact_id"],
            "event_date": date_text,
            "date_precision": c.get("date_precision") or "day",
            "event_type": "CONSULT",
            "mode": MODES.get(c.get("format") or "", None),
            "actor": {"name": c["leader"]},
            "recipient": {"name": c["counterpart"]},
            "format": c.get("format") or None,
            "status": c.get("status"),
            "counted": c.get("counted"),
            "envoys": _list(c.get("envoys")),
            "cite_info": cites,
        }
        lines.append(json.dumps(event, ensure_ascii=False, default=str))
    return lines
