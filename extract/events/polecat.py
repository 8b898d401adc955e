"""POLECAT: monthly tab-separated files with a header, coded in PLOVER (ICEWS's successor).

Read by header name: Event ID, Event Date, Event Type (CONSULT kept), Event Mode, Actor Name,
Recipient Name, and where present Source, Feed, Story Date, Publication Date and a URL column.
Tolerates the known quirks: a spurious line before the header, the header repeated inside the file,
and extra tabs at the end of a line. (The published codebook's full column list could not be
checked here; only the columns named above are relied on.)
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from diplodash.extract.events import PLOVER_MODES, CodedRow, Names, parse_day
from diplodash.extract.events.scan import blocks, consultations_in, header_line, plain

REQUIRED = ("Event ID", "Event Date", "Event Type", "Actor Name", "Recipient Name")
URL_NAMES = ("URL", "Source URL", "Url", "url")


def _text(names: list[str], *choices: str) -> pl.Expr:
    for name in choices:
        if name in names:
            return pl.col(name)
    return pl.lit("")


def read(files, leader: Names, counterpart: Names) -> list[CodedRow]:
    rows: list[CodedRow] = []
    for name in files:
        with plain(Path(name)) as p:
            skip, names = header_line(p, REQUIRED)

            def select(lf, names=names):
                return lf.filter(pl.col("Event ID") != "Event ID").select(  # the header repeated inside the file
                    pl.col("line"),
                    pl.col("Event ID").alias("event_id"),
                    pl.col("Event Date").alias("date"),
                    pl.col("Actor Name").alias("actor"),
                    pl.col("Recipient Name").alias("recipient"),
                    pl.col("Event Type").alias("code"),
                    _text(names, "Event Mode").alias("mode_text"),
                    _text(names, *URL_NAMES).alias("url"),
                    _text(names, "Source", "Feed").alias("outlet"),
                    _text(names, "Publication Date", "Story Date").alias("title"),
                )
            found = consultations_in(blocks(p, names, skip + 1), leader, counterpart, cameo_codes=False, select=select)
        for r in found.iter_rows(named=True):
            day = parse_day(r["date"])
            if day is None:
                continue
            mode = r["mode_text"].strip().lower()
            url = r["url"].strip()
            rows.append(
                CodedRow("polecat", str(name), r["line"], r["event_id"].strip(), day, r["actor"].strip(), r["recipient"].strip(), "CONSULT",
                         mode or "(no mode)", PLOVER_MODES.get(mode), (url,) if url else (), (r["outlet"].strip(),) if r["outlet"].strip() else (),
                         f"published {r['title'].strip()}" if r["title"].strip() else "")
            )
    return rows
