"""Search and frequency tables over a table's frame (polars only: no widget here, so tests call it directly).

``Finder`` finds the cells whose value, as text, holds a query (case ignored), one column at a time on the
whole frame, and walks them row by row, left to right. ``frequency`` counts a column's values like
VisiData's Shift-F: each value, how many rows hold it and their share, most frequent first.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

import polars as pl


def _as_text(frame: pl.DataFrame, column: str) -> pl.Expr:
    dtype = frame.schema[column]
    expr = pl.col(column)
    if isinstance(dtype, pl.List):
        return expr.list.eval(pl.element().cast(pl.String)).list.join(" ")
    return expr.cast(pl.String)


def matching_rows(frame: pl.DataFrame, column: str, query: str) -> list[int]:
    """Sorted row positions whose value in ``column``, as text, holds ``query`` (case ignored)."""
    try:
        mask = frame.select(_as_text(frame, column).str.to_lowercase().str.contains(query.lower(), literal=True).fill_null(False)).to_series()
    except pl.exceptions.PolarsError:  # a column that has no text form (a struct): never matches
        return []
    return mask.arg_true().to_list()


class Finder:
    """The matches of the last query over the last frame and columns, kept until one of them changes."""

    def __init__(self) -> None:
        self._key: tuple | None = None
        self._rows: list[list[int]] = []

    def matches(self, frame: pl.DataFrame, columns: list[str], query: str) -> list[list[int]]:
        key = (id(frame), frame.height, tuple(columns), query.lower())
        if key != self._key:
            self._rows = [matching_rows(frame, c, query) for c in columns]
            self._key = key
            self._frame = frame  # keeps the frame alive, so that its id is not reused while cached
        return self._rows

    def find(self, frame: pl.DataFrame, columns: list[str], query: str, row: int, column: int, direction: int = 1) -> tuple[int, int, int, int] | None:
        """The next match after the cell (row, column) in reading order (``direction`` -1: before it), round the
        end: (row, column, its number among the matches from 1, matches). None when nothing matches."""
        rows = self.matches(frame, columns, query)
        count = sum(len(r) for r in rows)
        if not count:
            return None
        best: tuple[int, int] | None = None
        for j, found in enumerate(rows):
            if not len(found):
                continue
            if direction >= 0:
                at = bisect_left(found, row if j > column else row + 1)
                candidate = (found[at], j) if at < len(found) else None
                if candidate and (best is None or candidate < best):
                    best = candidate
            else:
                at = bisect_right(found, row if j < column else row - 1) - 1
                candidate = (found[at], j) if at >= 0 else None
                if candidate and (best is None or candidate > best):
                    best = candidate
        if best is None:  # round the end: the first match (or the last, going back)
            ends = [(found[0] if direction >= 0 else found[-1], j) for j, found in enumerate(rows) if len(found)]
            best = min(ends) if direction >= 0 else max(ends)
        r, c = best
        # its number: the matches in rows above it, and those left of it in its row, plus one
        above = sum(bisect_left(found, r) for found in rows)
        left = sum(1 for j, found in enumerate(rows[:c]) if bisect_left(found, r) < len(found) and found[bisect_left(found, r)] == r)
        number = above + left + 1
        return r, c, number, count


def frequency(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """Each value of ``column`` over the frame's rows: value (the column's own type, null included), count (u32)
    and share (f64 of the rows), by count, most frequent first; values as frequent as each other in the order
    they first appear."""
    if column not in frame.columns:
        return pl.DataFrame()
    total = frame.height
    counts = frame.group_by(column, maintain_order=True).agg(pl.len().cast(pl.UInt32).alias("count"))
    return counts.sort("count", descending=True, maintain_order=True).with_columns(
        (pl.col("count").cast(pl.Float64) / max(total, 1)).alias("share")
    )
