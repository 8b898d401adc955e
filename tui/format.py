"""Turning data values into plain display text: numbers rounded, nulls visible, control characters escaped.

Everything here returns ``str`` meant for ``rich.text.Text(value)``: never markup, so data text such as
``[@click=app.quit]x[/]`` shows literally.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

from diplodash.metrics.render import visible

NULL = "—"
UNKNOWN = "unknown"

# Column names whose values are fractions of a whole, shown as percentages.
PERCENT_COLUMNS = frozenset(
    {"share", "coverage", "initiated_leader", "initiated_counterpart", "initiator_unknown"}
)
# Column names that hold years or ids: integers shown without thousands separators.
PLAIN_INT_COLUMNS = frozenset({"year", "__line", "line"})


def safe(text: object) -> str:
    """Data text with control characters (and newlines, tabs) shown as visible escapes."""
    return visible(str(text)).replace("\n", "\\n").replace("\t", "\\t")


def clip(text: str, width: int | None) -> str:
    if width is None or len(text) <= width:
        return text
    return text[: max(width - 1, 0)] + "…"


def number(value: float | int | None, column: str = "", *, digits: int = 1, null: str = NULL, fixed: bool = False) -> str:
    """A rounded number: percentages for share columns, integers without decimals, floats to ``digits``
    (whole floats without decimals unless ``fixed``, so a column can keep one number of decimals)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return null
    if isinstance(value, bool):
        return "yes" if value else "no"
    if column in PERCENT_COLUMNS:
        return percent(value)
    if isinstance(value, int):
        return str(value) if column in PLAIN_INT_COLUMNS or abs(value) < 10_000 else f"{value:,}"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if fixed:
        return f"{value:,.{digits}f}" if abs(value) >= 10_000 else f"{value:.{digits}f}"
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}" if abs(value) >= 10_000 else str(int(value))
    return f"{value:,.{digits}f}"


def percent(value: float | None, null: str = NULL) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return null
    return f"{value * 100:.0f}%"


def minutes(value: float | None, null: str = UNKNOWN) -> str:
    """Minutes as ``1 h 30 min`` / ``45 min``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return null
    total = round(value)
    hours, rest = divmod(total, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" if not rest else f"{hours} h {rest:02d} min"


def cell(value: object, column: str = "", *, null: str = NULL, width: int | None = None) -> str:
    """Any cell value as display text."""
    if value is None:
        return null
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return number(value, column, null=null)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return clip("; ".join(safe(v) for v in value if v is not None), width)
    return clip(safe(value), width)


def short_path(path: Path | str | None) -> str:
    """A path relative to the current folder when inside it, with ~ for the home folder otherwise."""
    if path is None:
        return NULL
    path = Path(path)
    try:
        resolved = path.resolve()
    except OSError:
        resolved = path
    for base, prefix in ((Path.cwd(), ""), (Path.home(), "~/")):
        try:
            relative = resolved.relative_to(base.resolve())
        except (ValueError, OSError):
            continue
        text = str(relative)
        return safe(prefix + text if text != "." else (prefix or "./"))
    return safe(str(resolved))


_EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(fraction: float | None, width: int = 8) -> str:
    """A horizontal bar of ``width`` cells filled to ``fraction`` (0-1), in eighth-cell steps."""
    if fraction is None or (isinstance(fraction, float) and math.isnan(fraction)):
        return " " * width
    fraction = min(max(fraction, 0.0), 1.0)
    eighths = round(fraction * width * 8)
    full, rest = divmod(eighths, 8)
    text = "█" * full + (_EIGHTHS[rest] if rest else "")
    return text.ljust(width)


def partial_date(value, precision: str | None) -> str:
    """A date as precise as its source: 2025, 2025-01 or 2025-01-17 (a parsed partial date is its first day)."""
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return {"year": text[:4], "month": text[:7]}.get(precision or "day", text)
