"""GDELT 2.0 events joined to their Mentions table (one row per article that mentions an event).

The Mentions columns, tab-separated without a header: GLOBALEVENTID (0), EventTimeDate (1),
MentionTimeDate (2), MentionType (3), MentionSourceName (4), MentionIdentifier (5, the URL for web
articles), SentenceID, Actor1CharOffset, ... Files are told apart by their column count: 61 for
events, fewer for mentions. Each kept event gains every mention's URL and outlet as evidence.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import polars as pl

from diplodash.extract.events import CodedRow, EventFileError, Names
from diplodash.extract.events import gdelt
from diplodash.extract.events.scan import blocks, plain

EVENT_ID, SOURCE_NAME, IDENTIFIER = 0, 4, 5


def read(files, leader: Names, counterpart: Names) -> list[CodedRow]:
    events_files, mentions_files = [], []
    for name in files:
        (events_files if gdelt.column_count(Path(name)) >= gdelt.N_COLUMNS else mentions_files).append(name)
    if not events_files:
        raise EventFileError(f"{files[0]}:1:1: no GDELT events file ({gdelt.N_COLUMNS} columns) among the files; give the events files and their mentions files")
    rows = gdelt.read(events_files, leader, counterpart, dataset="gdelt")
    wanted = sorted({r.event_id for r in rows})
    mentions: dict[str, list[tuple[str, str]]] = {}
    for name in mentions_files:
        names = [f"c{i}" for i in range(IDENTIFIER + 1)]
        kept = []
        with plain(Path(name)) as p:
            for block in blocks(p, names, keep=[names[EVENT_ID], names[SOURCE_NAME], names[IDENTIFIER]]):
                lf = block.select(
                    pl.col(f"c{EVENT_ID}").fill_null("").str.strip_chars().alias("event_id"),
                    pl.col(f"c{SOURCE_NAME}").fill_null("").alias("outlet"),
                    pl.col(f"c{IDENTIFIER}").fill_null("").alias("url"),
                )
                try:
                    kept.append(lf.filter(pl.col("event_id").is_in(wanted)).collect())
                except pl.exceptions.PolarsError as exc:
                    raise EventFileError(f"{name}: {str(exc).splitlines()[0]}") from None
        found = pl.concat(kept) if kept else pl.DataFrame(schema={"event_id": pl.String, "outlet": pl.String, "url": pl.String})
        for r in found.iter_rows(named=True):
            mentions.setdefault(r["event_id"], []).append((r["url"].strip(), r["outlet"].strip()))
    joined = []
    for row in rows:
        extra = mentions.get(row.event_id, [])
        urls = tuple(dict.fromkeys([*row.urls, *(u for u, _ in extra if u)]))
        outlets = tuple(dict.fromkeys(o for _, o in extra if o))
        joined.append(dataclasses.replace(row, dataset="gdelt", urls=urls, outlets=outlets))
    return joined
