"""Where the user left off: the last view, filters, grouping, comparison, sort and theme, kept between starts.

A small versioned JSON file in the user state folder (``platformdirs.user_state_dir("diplodash")``, or
``$DIPLODASH_STATE_DIR``), written atomically. This module knows no UI library: the app only calls
``read_state``, ``stale_values`` and ``write_state``. A damaged file, one of another version, or one naming
values the data no longer holds is ignored with a warning, never an error.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from diplodash.metrics.atomic import write_file
from diplodash.metrics.selection import Selection

STATE_VAR = "DIPLODASH_STATE_DIR"
STATE_FILE = "state.json"
VERSION = 1
MAX_BYTES = 256 * 1024  # a state file is a few hundred bytes; anything larger is not ours


def state_dir() -> Path:
    """The folder of the state file (and of the clipboard fallback): $DIPLODASH_STATE_DIR, else the user state folder."""
    override = os.environ.get(STATE_VAR, "").strip()
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_state_dir("diplodash"))


def state_path() -> Path:
    return state_dir() / STATE_FILE


@dataclass(frozen=True)
class LeftOff:
    """What comes back on the next start."""

    view: str | None = None
    selection: Selection = field(default_factory=Selection)
    grouping: str | None = None
    comparison: tuple[Selection, Selection] | None = None  # only a comparison the user chose
    sort: dict[str, tuple[str, bool]] = field(default_factory=dict)  # view id -> (column, descending)
    theme: str | None = None

    def to_json(self) -> str:
        data = {
            "version": VERSION,
            "view": self.view,
            "selection": self.selection.to_dict(),
            "grouping": self.grouping,
            "comparison": [self.comparison[0].to_dict(), self.comparison[1].to_dict()] if self.comparison else None,
            "sort": {view: [column, descending] for view, (column, descending) in sorted(self.sort.items())},
            "theme": self.theme,
        }
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


class StateError(ValueError):
    """The state file cannot be used (the message says why)."""


_TUPLES = {"counterparts": str, "periods": str, "formats": str, "statuses": str, "years": int, "leaders": str}


def selection_from_dict(data: object, depth: int = 0) -> Selection:
    """The inverse of ``Selection.to_dict``; a StateError for anything else."""
    if not isinstance(data, dict) or depth > 4:
        raise StateError("a selection is not an object")
    known = {f.name for f in fields(Selection)}
    unknown = set(data) - known
    if unknown:
        raise StateError(f"unknown selection field {sorted(unknown)[0]!r}")
    values: dict = {}
    for name, kind in _TUPLES.items():
        items = data.get(name, [])
        if not isinstance(items, list) or not all(isinstance(v, kind) and not isinstance(v, bool) for v in items):
            raise StateError(f"selection field {name!r} is not a list of {kind.__name__}")
        values[name] = tuple(items)
    for name in ("date_from", "date_to"):
        value = data.get(name)
        if value is not None:
            try:
                values[name] = dt.date.fromisoformat(value)
            except (TypeError, ValueError):
                raise StateError(f"selection field {name!r} is not a date") from None
    flag = data.get("all_statuses", False)
    label = data.get("label", "")
    if not isinstance(flag, bool) or not isinstance(label, str):
        raise StateError("selection fields all_statuses/label have the wrong type")
    within = data.get("within")
    try:
        return Selection(
            **values, all_statuses=flag, label=label, within=selection_from_dict(within, depth + 1) if within is not None else None
        ).check()
    except ValueError as exc:
        raise StateError(str(exc)) from None


def parse_state(text: str) -> LeftOff:
    """The state in ``text``; a StateError when it is damaged or of another version."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise StateError(f"not JSON ({exc.__class__.__name__})") from None
    if not isinstance(data, dict):
        raise StateError("not a JSON object")
    version = data.get("version")
    if version != VERSION:
        raise StateError(f"version {version!r}, this diplodash writes version {VERSION}")

    def text_or_none(key: str) -> str | None:
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise StateError(f"{key!r} is not a string")
        return value

    comparison = data.get("comparison")
    if comparison is not None:
        if not isinstance(comparison, list) or len(comparison) != 2:
            raise StateError("'comparison' is not a pair of selections")
        comparison = (selection_from_dict(comparison[0]), selection_from_dict(comparison[1]))
    sort_data = data.get("sort") or {}
    if not isinstance(sort_data, dict):
        raise StateError("'sort' is not an object")
    sort: dict[str, tuple[str, bool]] = {}
    for view, value in sort_data.items():
        if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], str) and isinstance(value[1], bool)):
            raise StateError(f"sort of {view!r} is not [column, descending]")
        sort[view] = (value[0], value[1])
    return LeftOff(
        view=text_or_none("view"),
        selection=selection_from_dict(data.get("selection") or {}),
        grouping=text_or_none("grouping"),
        comparison=comparison,
        sort=sort,
        theme=text_or_none("theme"),
    )


def read_state(path: Path | None = None) -> tuple[LeftOff | None, str | None]:
    """(the state, None), (None, None) when there is no file, or (None, a warning naming the file and why)."""
    path = path or state_path()
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, f"{path}: cannot read the saved state ({exc.strerror or exc}); starting fresh"
    if len(raw) > MAX_BYTES:
        return None, f"{path}: the saved state is larger than {MAX_BYTES} bytes; ignored, starting fresh"
    try:
        return parse_state(raw.decode("utf-8")), None
    except UnicodeDecodeError:
        return None, f"{path}: the saved state is not UTF-8 text; ignored, starting fresh"
    except StateError as exc:
        return None, f"{path}: the saved state is ignored ({exc}); starting fresh"


def write_state(state: LeftOff, path: Path | None = None) -> None:
    """Write the state atomically (an OSError when the folder cannot be written)."""
    path = path or state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_file(path, state.to_json())


_KNOWN = {"counterparts": "counterpart", "periods": "period", "formats": "format", "leaders": "leader", "years": "year"}


def stale_values(state: LeftOff, known: Mapping[str, set], groupings: tuple[str, ...], views: tuple[str, ...]) -> list[str]:
    """What the state names that is no longer there: filter values not in the data (``known`` maps counterpart,
    period, format, leader, year to the values present), an unknown grouping or view."""
    stale: list[str] = []
    sides = [state.selection, *(state.comparison or ())]
    for selection in sides:
        for chained in selection.chain():
            for name, key in _KNOWN.items():
                for value in getattr(chained, name):
                    if value not in known.get(key, set()):
                        stale.append(f"{key} {value!r}")
    if state.grouping is not None and any(part.strip() not in groupings for part in state.grouping.split(",")):
        stale.append(f"grouping {state.grouping!r}")
    if state.view is not None and state.view not in views:
        stale.append(f"view {state.view!r}")
    return list(dict.fromkeys(stale))
