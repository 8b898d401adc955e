"""Reading tab-separated event files lazily (plain or gzip) and keeping the pair's consultations.

Every reader brings its file to the same lazy frame (line, event_id, date, actor, recipient, code,
mode_text, url, outlet, title, all strings but the line number) and ``consultations`` filters it with
polars' streaming engine, so a file of millions of rows is read in bounded memory. A gzip file is
first decompressed in chunks to a temporary file beside nothing the user owns (the system's temp folder).
"""

from __future__ import annotations

import contextlib
import gzip
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

import polars as pl

from diplodash.extract.events import CAMEO_CONSULT, EventFileError, Names

COLUMNS = ("line", "event_id", "date", "actor", "recipient", "code", "mode_text", "url", "outlet", "title")


@contextlib.contextmanager
def plain(path: Path) -> Iterator[Path]:
    """The file itself, or for a .gz file a decompressed temporary copy (removed afterwards)."""
    if path.suffix.lower() != ".gz":
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="diplodash-events-") as folder:
        target = Path(folder) / path.stem
        try:
            with gzip.open(path, "rb") as source, open(target, "wb") as out:
                shutil.copyfileobj(source, out, 1 << 20)
        except (OSError, EOFError) as exc:
            raise EventFileError(f"{path}: not a readable gzip file ({exc})") from None
        yield target


def scan_tsv(path: Path, has_header: bool, skip_rows: int = 0, width: int | None = None) -> pl.LazyFrame:
    """A lazy scan of a tab-separated file; without a header, ``width`` columns named c0, c1, ..."""
    schema = {f"c{i}": pl.String for i in range(width)} if width else None
    return pl.scan_csv(
        path,
        separator="\t",
        has_header=has_header,
        skip_rows=skip_rows,
        quote_char=None,
        infer_schema=False,
        schema=schema,
        **({"extra_columns": "ignore"} if schema else {}),
        truncate_ragged_lines=True,
        encoding="utf8-lossy",
    )


def consultations(frame: pl.LazyFrame, leader: Names, counterpart: Names, cameo_codes: bool = True) -> pl.DataFrame:
    """The rows of ``frame`` (in the common columns) that are consultations between the two actors."""
    actor = pl.col("actor").str.strip_chars().str.to_lowercase()
    recipient = pl.col("recipient").str.strip_chars().str.to_lowercase()
    mine, theirs = list(leader.spellings), list(counterpart.spellings)
    pair = (actor.is_in(mine) & recipient.is_in(theirs)) | (actor.is_in(theirs) & recipient.is_in(mine))
    code = pl.col("code").str.strip_chars()
    if cameo_codes:
        code = pl.when(code.str.len_chars() < 3).then(code.str.zfill(3)).otherwise(code)
        kind = code.is_in(list(CAMEO_CONSULT))
    else:
        kind = code.str.to_uppercase() == "CONSULT"
    try:
        frame = frame.with_columns(pl.exclude("line").fill_null(""))
        return frame.filter(kind & pair).with_columns(code=code).collect(engine="streaming")
    except pl.exceptions.PolarsError as exc:
        raise EventFileError(str(exc).splitlines()[0]) from None


def header_line(path: Path, required: tuple[str, ...], looked: int = 10) -> tuple[int, list[str]]:
    """The index of the header line (the first of the first lines naming every required column) and its names."""
    with open(path, "rb") as handle:
        for index in range(looked):
            raw = handle.readline()
            if not raw:
                break
            names = [n.strip().strip('"') for n in raw.decode("utf-8", "replace").rstrip("\r\n").split("\t")]
            if all(r in names for r in required):
                return index, names
    raise EventFileError(f"{path}:1:1: no header line naming {', '.join(required)} in the first {looked} lines")
