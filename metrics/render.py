"""Turning frames into CSV, JSON and Markdown text that is safe to open in a spreadsheet or a viewer."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re

import polars as pl

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")


def visible(text: str) -> str:
    """Control and invisible characters as visible escapes (\\x1b, \\u202e); everything else unchanged."""
    return CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


def neutralise(cell: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: prefix such text with a quote."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return repr(value)  # the shortest text that reads back as the same number: exports are lossless
    if isinstance(value, (list, tuple)):
        return ";".join(cell_text(v) for v in value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def flat(frame: pl.DataFrame) -> pl.DataFrame:
    """Lists joined with ';' so that every cell is a scalar."""
    return frame.with_columns([pl.col(c).list.join(";").alias(c) for c, t in frame.schema.items() if isinstance(t, pl.List) and t.inner == pl.String])


def to_csv(frame: pl.DataFrame) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(frame.columns)
    text_columns = {c for c, t in frame.schema.items() if t == pl.String or isinstance(t, pl.List)}
    for row in frame.iter_rows():
        writer.writerow([neutralise(cell_text(v)) if c in text_columns else cell_text(v) for c, v in zip(frame.columns, row)])
    return out.getvalue()


def _json_value(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    return value


def to_records(frame: pl.DataFrame) -> dict:
    return {
        "schema": {name: str(dtype) for name, dtype in frame.schema.items()},
        "rows": [{k: _json_value(v) for k, v in row.items()} for row in frame.iter_rows(named=True)],
    }


def to_json(payload) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=2, default=str)


def md_cell(value) -> str:
    """A Markdown table cell: floats to three decimals (report.md is read by people; the CSV and Parquet files
    beside it keep every digit), pipes and line breaks escaped, control characters visible."""
    if isinstance(value, float) and math.isfinite(value):
        text = f"{value:.3f}".rstrip("0").rstrip(".")
        return "0" if text == "-0" else text
    text = visible(cell_text(value))
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r\n", " ").replace("\n", " ").replace("\r", " ")


def to_markdown(frame: pl.DataFrame, limit: int | None = None) -> str:
    rows = frame.rows() if limit is None else frame.head(limit).rows()
    lines = ["| " + " | ".join(md_cell(c) for c in frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(md_cell(v) for v in row) + " |" for row in rows]
    if limit is not None and frame.height > limit:
        lines.append(f"\n… {frame.height - limit} more rows in the CSV file.")
    return "\n".join(lines)


def to_table(frame: pl.DataFrame) -> str:
    """A plain aligned text table for the terminal (no markup; control characters made visible)."""
    cells = [[visible(cell_text(v)) for v in row] for row in frame.iter_rows()]
    header = [visible(c) for c in frame.columns]
    widths = [max([len(header[i])] + [len(r[i]) for r in cells]) for i in range(len(header))]
    numeric = [frame.schema[c].is_numeric() for c in frame.columns]

    def line(values):
        return "  ".join(v.rjust(w) if n else v.ljust(w) for v, w, n in zip(values, widths, numeric)).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths])] + [line(r) for r in cells])


def format_value(value: float | None, unit: str) -> str:
    """A compared figure as text by its unit (metrics.measures.compare): counts as integers, shares as
    percentages, rates and years to one decimal, minutes to the minute."""
    if value is None:
        return ""
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "share":
        return f"{value * 100:.1f}%"
    if unit == "minutes":
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{value:,.2f}" if unit == "rate" else f"{value:,.1f}"


def compare_text(frame: pl.DataFrame) -> pl.DataFrame:
    """The comparison with a, b and delta formatted per row by its unit (the ratio to two decimals)."""
    rows = {"metric": [], "a": [], "b": [], "delta": [], "ratio": []}
    for row in frame.iter_rows(named=True):
        unit = row["unit"]
        rows["metric"].append(row["metric"])
        for key in ("a", "b"):
            rows[key].append(format_value(row[key], unit))
        delta = row["delta"]
        sign = "+" if delta is not None and delta > 0 else ""
        rows["delta"].append(sign + format_value(delta, "count" if unit == "count" else unit) if delta is not None else "")
        rows["ratio"].append(f"{row['ratio']:.2f}×" if row["ratio"] is not None else "")
    return pl.DataFrame(rows, schema={k: pl.String for k in rows})
