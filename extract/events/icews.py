"""ICEWS coded events: tab-separated with a header, one row per coded sentence.

Read by header name: Event ID, Event Date, Source Name, Target Name, CAMEO Code, Event Text,
Story ID, Sentence Number, Publisher. ICEWS has no article URLs: the evidence is the story id, the
sentence number and the publisher. An Event ID is not unique without its date, so a coded row is
known by both; CAMEO codes that lost their leading zero ("42") are read as three digits.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from diplodash.extract.events import CAMEO_CONSULT, CodedRow, Names, parse_day
from diplodash.extract.events.scan import blocks, consultations_in, header_line, plain

REQUIRED = ("Event ID", "Event Date", "Source Name", "Target Name", "CAMEO Code")


def _text(names: list[str], name: str) -> pl.Expr:
    return pl.col(name) if name in names else pl.lit("")


def read(files, leader: Names, counterpart: Names) -> list[CodedRow]:
    rows: list[CodedRow] = []
    for name in files:
        with plain(Path(name)) as p:
            skip, names = header_line(p, REQUIRED)

            def select(lf, names=names):
                return lf.select(
                    pl.col("line"),
                    pl.col("Event ID").alias("event_id"),
                    pl.col("Event Date").alias("date"),
                    pl.col("Source Name").alias("actor"),
                    pl.col("Target Name").alias("recipient"),
                    pl.col("CAMEO Code").alias("code"),
                    _text(names, "Event Text").alias("mode_text"),
                    pl.concat_str(pl.lit("story "), _text(names, "Story ID"), pl.lit(", sentence "), _text(names, "Sentence Number")).alias("url"),
                    _text(names, "Publisher").alias("outlet"),
                    pl.lit("").alias("title"),
                )
            found = consultations_in(blocks(p, names, skip + 1), leader, counterpart, select=select)
        for r in found.iter_rows(named=True):
            day = parse_day(r["date"])
            if day is None:
                continue
            mode, fmt = CAMEO_CONSULT[r["code"]]
            rows.append(
                CodedRow("icews", str(name), r["line"], r["event_id"].strip(), day, r["actor"].strip(), r["recipient"].strip(), r["code"], mode, fmt,
                         (), (r["outlet"].strip(),) if r["outlet"].strip() else (), r["url"])
            )
    return rows
