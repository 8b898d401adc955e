"""Typing one table: text columns become dates, enums, integers and lists, and every bad cell is a Problem.

All checks of a table are expressions evaluated in one pass; only the offending rows are collected.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from diplodash.metrics.problems import Problem, did_you_mean
from diplodash.metrics.readers import LINE, decode_bytes, field_offsets
from diplodash.metrics.schema import Column, TableSpec

PRECISION = "date_precision"
# Characters that would reach the terminal as control sequences, reorder text, or hide in it.
UNSAFE_CHARS = r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
MAX_DATE = dt.date(2200, 1, 1)
# Dates before this are refused: every later step (years, periods, exports, Python dates) handles them,
# and year 0 or negative years (which polars parses) would break the ones that convert to Python dates.
MIN_DATE = dt.date(1800, 1, 1)


def _text(name: str) -> pl.Expr:
    return pl.col(name).cast(pl.String).str.strip_chars()


def _filled(name: str) -> pl.Expr:
    return _text(name).fill_null("").str.len_chars() > 0


def _partial_date(name: str) -> pl.Expr:
    text = _text(name)
    padded = (
        pl.when(text.str.contains(r"^\d{4}$"))
        .then(text + "-01-01")
        .when(text.str.contains(r"^\d{4}-\d{2}$"))
        .then(text + "-01")
        .when(text.str.contains(r"^\d{4}-\d{2}-\d{2}$"))
        .then(text)
    )
    return padded.str.to_date("%Y-%m-%d", strict=False)


def _shape_precision(name: str) -> pl.Expr:
    text = _text(name)
    return (
        pl.when(text.str.contains(r"^\d{4}$"))
        .then(pl.lit("year"))
        .when(text.str.contains(r"^\d{4}-\d{2}$"))
        .then(pl.lit("month"))
        .otherwise(pl.lit("day"))
    )


def split_list(name: str) -> pl.Expr:
    return (
        _text(name)
        .fill_null("")
        .str.split(";")
        .list.eval(pl.element().str.strip_chars().filter(pl.element().str.len_chars() > 0))
        .alias(name)
    )


def type_table(frame: pl.LazyFrame, spec: TableSpec, file: str, today: dt.date | None = None) -> tuple[pl.LazyFrame, list[Problem]]:
    """Return the typed table (unknown columns dropped, absent optional columns added as nulls) and problems.

    ``today`` is the caller's date for the "date in the future" warning (none without it: nothing here
    reads the clock)."""
    schema = frame.collect_schema()
    present = set(schema.names())
    checks: dict[str, tuple[pl.Expr, str, str]] = {}  # check name -> (invalid?, column, message kind)
    typed: list[pl.Expr] = [pl.col(LINE)]

    for column in spec.columns:
        name = column.name
        if name not in present:
            typed.append(_absent(column))
            continue
        dtype = schema[name]
        if column.non_empty:
            checks[f"{name}:empty"] = (~_filled(name), name, "empty")
        if column.kind == "enum":
            allowed = pl.lit(list(column.choices), dtype=pl.List(pl.String))
            checks[f"{name}:enum"] = (_filled(name) & ~_text(name).is_in(list(column.choices)), name, "enum")
            typed.append(pl.when(_filled(name)).then(_text(name)).alias(name))
            del allowed
        elif column.kind in ("date", "partial_date"):
            if dtype == pl.Date:
                typed.append(pl.col(name))
                checks[f"{name}:range"] = (pl.col(name) > pl.lit(MAX_DATE), name, "absurd_date")
                checks[f"{name}:past"] = (pl.col(name) < pl.lit(MIN_DATE), name, "ancient_date")
                if column.kind == "partial_date" and today is not None:
                    checks[f"{name}:future"] = (pl.col(name) > pl.lit(today), name, "future")
                continue
            parsed = _partial_date(name) if column.kind == "partial_date" else _text(name).str.to_date("%Y-%m-%d", strict=False)
            checks[f"{name}:date"] = (_filled(name) & parsed.is_null(), name, column.kind)
            checks[f"{name}:range"] = (parsed > pl.lit(MAX_DATE), name, "absurd_date")
            checks[f"{name}:past"] = (parsed < pl.lit(MIN_DATE), name, "ancient_date")
            if column.kind == "partial_date" and spec.name == "contacts" and today is not None:
                checks[f"{name}:future"] = (parsed > pl.lit(today), name, "future")
            typed.append(parsed.alias(name))
            if column.kind == "partial_date" and spec.name != "contacts":
                # A partial date parses to its first day; keep how precise it was (contacts have date_precision).
                typed.append(pl.when(parsed.is_not_null()).then(_shape_precision(name)).alias(f"{name}_precision"))
            if column.kind == "partial_date" and name == "date" and PRECISION in present:
                checks["date:precision"] = (
                    _filled(PRECISION) & parsed.is_not_null() & (_text(PRECISION) != _shape_precision(name)),
                    PRECISION,
                    "precision",
                )
        elif column.kind == "int":
            number = _text(name).cast(pl.Int64, strict=False) if dtype == pl.String else pl.col(name).cast(pl.Int64, strict=False)
            checks[f"{name}:int"] = (_filled(name) & number.is_null(), name, "int")
            checks[f"{name}:negative"] = (number < 0, name, "negative")
            typed.append(number.alias(name))
        elif column.kind == "list":
            typed.append(split_list(name) if dtype != pl.List(pl.String) else pl.col(name))
        else:
            typed.append(pl.when(_filled(name)).then(pl.col(name).cast(pl.String)).alias(name))
        if column.kind in ("text", "list") and dtype == pl.String:
            checks[f"{name}:unsafe"] = (pl.col(name).str.contains(UNSAFE_CHARS), name, "unsafe")

    if spec.name == "contacts" and "date" in present:
        # The precision is derived from the date's shape when the column is absent or empty.
        # (An absent column was added above as nulls: replace it, never add a second column of that name.)
        typed = [e for e in typed if e.meta.output_name() != PRECISION]
        if PRECISION in present:
            typed.append(pl.when(_filled(PRECISION)).then(_text(PRECISION)).otherwise(_shape_precision("date")).alias(PRECISION))
        else:
            typed.append(_shape_precision("date").alias(PRECISION))

    problems = _collect_problems(frame, spec, file, checks, present)
    extra = [c for c in spec_extras(spec) if c in present]
    typed += [pl.when(_filled(c)).then(_text(c)).alias(c) for c in extra]
    return frame.select(typed), problems


def spec_extras(spec: TableSpec) -> tuple[str, ...]:
    from diplodash.metrics.schema import INLINE_REPORT_COLUMNS

    return INLINE_REPORT_COLUMNS if spec.name == "contacts" else ()


def _absent(column: Column) -> pl.Expr:
    dtype = {"date": pl.Date, "partial_date": pl.Date, "int": pl.Int64, "list": pl.List(pl.String)}.get(column.kind, pl.String)
    if column.kind == "list":
        return pl.lit([], dtype=dtype).alias(column.name)
    return pl.lit(None, dtype=dtype).alias(column.name)


def _collect_problems(frame: pl.LazyFrame, spec: TableSpec, file: str, checks: dict, present: set[str]) -> list[Problem]:
    if not checks:
        return []
    flags = [expr.fill_null(False).alias(key) for key, (expr, _, _) in checks.items()]
    columns = sorted({column for _, column, _ in checks.values()} & present)
    bad = (
        frame.select([pl.col(LINE)] + [pl.col(c).cast(pl.String).alias(c) for c in columns] + flags)
        .filter(pl.any_horizontal([pl.col(k) for k in checks]))
        .head(5000)
        .collect()
    )
    if bad.is_empty():
        return []
    locate = _cell_locator(file, list(frame.collect_schema().names()))
    problems: list[Problem] = []
    for row in bad.iter_rows(named=True):
        for key, (_, column, kind) in checks.items():
            if row[key]:
                value = row.get(column)
                line = row[LINE]
                problems.append(
                    Problem(file, line, locate(line, column), _message(spec, column, kind, value), "warning" if kind in ("future", "unsafe") else "error", kind)
                )
    return problems


def _message(spec: TableSpec, column: str, kind: str, value: str | None) -> str:
    shown = _show(value)
    if kind == "empty":
        return f"{column}: a value is required"
    if kind == "enum":
        choices = spec.column(column).choices
        hint = did_you_mean((value or "").strip(), choices)
        return f"{column}: unknown value {shown}; {hint}choose one of {', '.join(choices)}"
    if kind == "partial_date":
        return f"{column}: {shown} is not a date; write YYYY-MM-DD, YYYY-MM or YYYY"
    if kind == "date":
        return f"{column}: {shown} is not a date; write YYYY-MM-DD"
    if kind == "absurd_date":
        return f"{column}: {shown} is implausibly far in the future (dates from {MAX_DATE} on are refused)"
    if kind == "ancient_date":
        return f"{column}: {shown} is before {MIN_DATE.year}: dates before {MIN_DATE} are refused (a year 0 or a typo?)"
    if kind == "future":
        return f"{column}: {shown} is in the future"
    if kind == "precision":
        return f"{column}: {shown} does not match the shape of the date (YYYY = year, YYYY-MM = month, YYYY-MM-DD = day)"
    if kind == "int":
        return f"{column}: {shown} is not a whole number"
    if kind == "negative":
        return f"{column}: {shown} is negative"
    if kind == "unsafe":
        bad = sorted({f"U+{ord(ch):04X}" for ch in (value or "") if _is_unsafe(ch)})
        return f"{column}: control or invisible characters ({', '.join(bad)}) will be shown as escapes"
    return f"{column}: invalid value {shown}"


def _is_unsafe(ch: str) -> bool:
    import re

    return re.fullmatch(UNSAFE_CHARS, ch) is not None


def _show(value: str | None, limit: int = 60) -> str:
    if value is None:
        return "(empty)"
    text = value if len(value) <= limit else value[:limit] + "…"
    return repr(text)


def _cell_locator(file: str, columns: list[str]):
    """For CSV files, the character column where a cell starts; otherwise the field number."""
    cache: dict[str, list[str]] = {}

    def locate(line: int | None, column: str) -> int | None:
        if line is None:
            return None
        path = Path(file)
        if path.suffix.lower() != ".csv":
            return columns.index(column) + 1 if column in columns else None
        if "lines" not in cache:
            try:
                text, _ = decode_bytes(path.read_bytes(), file)
                cache["lines"] = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
            except Exception:
                cache["lines"] = []
        lines = cache["lines"]
        if not lines or line - 1 >= len(lines):
            return None
        header = next(iter(__import__("csv").reader([lines[0]])), [])
        header = [h.strip() for h in header]
        if column not in header:
            return None
        offsets = field_offsets(lines[line - 1])
        index = header.index(column)
        return offsets[index] if index < len(offsets) else None

    return locate
