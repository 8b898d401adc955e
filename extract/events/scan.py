"""Reading tab-separated event files lazily (plain or gzip) and keeping the pair's consultations.

The file is read in blocks of whole lines (``BLOCK_BYTES``); every reader brings each block to the same
lazy frame (line, event_id, date, actor, recipient, code, mode_text, url, outlet, title, all strings but
the line number) and ``consultations`` filters it, so a file of millions of rows is read in bounded
memory (only one block and the kept rows are held at once). A gzip file is
first decompressed in chunks to a temporary file beside nothing the user owns (the system's temp folder).
"""

from __future__ import annotations

import contextlib
import gzip
import io
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


BLOCK_BYTES = 8 << 20  # each block of lines read at once: the bound on memory, whatever the file's size


def blocks(path: Path, names: list[str], skip_lines: int = 0, block_bytes: int | None = None, keep: list[str] | None = None) -> Iterator[pl.LazyFrame]:
    """The tab-separated file as lazy frames of whole lines, ``block_bytes`` at a time, every column a string
    named by ``names`` (missing columns empty, extra ones dropped), each with its 1-based ``line`` number;
    only the columns in ``keep`` (default: all) are parsed."""
    schema = {name: pl.String for name in names}
    block_bytes = block_bytes or BLOCK_BYTES
    line = 1
    with open(path, "rb") as handle:
        for _ in range(skip_lines):
            if not handle.readline():
                return
            line += 1
        rest = b""
        while True:
            chunk = handle.read(block_bytes)
            data = rest + chunk
            if not chunk:
                rest = b""
            else:
                cut = data.rfind(b"\n") + 1
                if cut == 0:  # one line longer than a block: read on
                    rest = data
                    continue
                data, rest = data[:cut], data[cut:]
            if data.strip():
                yield _frame(data, schema, keep).with_row_index("line", offset=line)
            line += data.count(b"\n")
            if not chunk:
                return


def _frame(data: bytes, schema: dict, keep: list[str] | None) -> pl.LazyFrame:
    # empty lines are kept as empty rows so that row numbers stay line numbers
    text = data.replace(b"\r\n", b"\n")
    frame = pl.read_csv(
        io.BytesIO(text),
        separator="\t",
        has_header=False,
        quote_char=None,
        infer_schema=False,
        schema=schema,
        truncate_ragged_lines=True,
        extra_columns="ignore",
        encoding="utf8-lossy",
        raise_if_empty=False,
        columns=[i for i, n in enumerate(schema) if n in keep] if keep else None,
    )
    lines = text.count(b"\n") + (0 if text.endswith(b"\n") else 1)
    if frame.height != lines:  # polars skipped empty lines: number them from the text itself
        kept = [i for i, raw in enumerate(text.split(b"\n")[:lines]) if raw.strip(b"\t ")]
        if len(kept) == frame.height:
            return frame.with_columns(pl.Series("__at", kept)).lazy().sort("__at").drop("__at")
    return frame.lazy()


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
        return frame.filter(kind & pair).with_columns(code=code).collect()
    except pl.exceptions.PolarsError as exc:
        raise EventFileError(str(exc).splitlines()[0]) from None


def consultations_in(frames, leader: Names, counterpart: Names, cameo_codes: bool = True, select=None) -> pl.DataFrame:
    """``consultations`` over every block, concatenated (only the kept rows are ever held together)."""
    found = [consultations(select(f) if select else f, leader, counterpart, cameo_codes) for f in frames]
    return pl.concat(found) if found else pl.DataFrame(schema={c: (pl.UInt32 if c == "line" else pl.String) for c in COLUMNS})


def header_line(path: Path, required: tuple[str, ...], looked: int = 10) -> tuple[int, list[str]]:
    """The index of the header line (the first of the first lines naming every required column) and its names."""
    with open(path, "rb") as handle:
        for index in range(looked):
            raw = handle.readline()
            if not raw:
                break
            names = [n.strip().strip('"') for n in raw.decode("utf-8", "replace").rstrip("\r\n").split("\t")]
            if all(r in names for r in required):
                seen: dict[str, int] = {}
                unique = []
                for n in names:  # a repeated name gets a suffix, so every column keeps its place
                    seen[n] = seen.get(n, 0) + 1
                    unique.append(n if seen[n] == 1 else f"{n}_{seen[n]}")
                return index, unique
    raise EventFileError(f"{path}:1:1: no header line naming {', '.join(required)} in the first {looked} lines")
