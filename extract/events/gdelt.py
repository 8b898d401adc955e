"""GDELT 2.0 events: 61 tab-separated columns, no header (the GDELT 2.0 event codebook's order).

Kept: GLOBALEVENTID (0), SQLDATE (1, YYYYMMDD), Actor1Name (6), Actor2Name (16), EventCode (26),
NumArticles (33) and SOURCEURL (60, the last). A line with fewer columns is read with the missing
ones empty (and so never matches); extra columns are ignored.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from diplodash.extract.events import CAMEO_CONSULT, CodedRow, EventFileError, Names, parse_day
from diplodash.extract.events.scan import blocks, consultations_in, plain

N_COLUMNS = 61
ID, DATE, ACTOR1, ACTOR2, CODE, ARTICLES, URL = 0, 1, 6, 16, 26, 33, 60


def _col(index: int) -> pl.Expr:
    return pl.col(f"c{index}")


NAMES = [f"c{i}" for i in range(N_COLUMNS)]


def frame(lf: pl.LazyFrame) -> pl.LazyFrame:
    return lf.select(
        pl.col("line"),
        _col(ID).alias("event_id"),
        _col(DATE).alias("date"),
        _col(ACTOR1).alias("actor"),
        _col(ACTOR2).alias("recipient"),
        _col(CODE).alias("code"),
        pl.lit("").alias("mode_text"),
        _col(URL).alias("url"),
        pl.lit("").alias("outlet"),
        _col(ARTICLES).alias("title"),
    )


def column_count(path: Path) -> int:
    with plain(path) as p, open(p, "rb") as handle:
        return handle.readline().count(b"\t") + 1


def read(files, leader: Names, counterpart: Names, dataset: str = "gdelt") -> list[CodedRow]:
    rows: list[CodedRow] = []
    for name in files:
        path = Path(name)
        with plain(path) as p:
            with open(p, "rb") as handle:
                first = handle.readline()
            count = first.count(b"\t") + 1
            if first and count < URL + 1:
                raise EventFileError(f"{name}:1:1: {count} tab-separated columns; a GDELT 2.0 events file has {N_COLUMNS}")
            found = consultations_in(blocks(p, NAMES, keep=[NAMES[i] for i in (ID, DATE, ACTOR1, ACTOR2, CODE, ARTICLES, URL)]), leader, counterpart, select=frame)
        rows += _rows(found, str(name), dataset)
    return rows


def _rows(found: pl.DataFrame, file: str, dataset: str) -> list[CodedRow]:
    out = []
    for r in found.iter_rows(named=True):
        day = parse_day(r["date"])
        if day is None:
            continue
        mode, fmt = CAMEO_CONSULT[r["code"]]
        articles = r["title"].strip()
        out.append(
            CodedRow(dataset, file, r["line"], r["event_id"].strip(), day, r["actor"].strip(), r["recipient"].strip(), r["code"], mode, fmt,
                     (r["url"].strip(),) if r["url"].strip() else (), (), f"{articles} article(s)" if articles else "")
        )
    return out
