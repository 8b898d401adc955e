"""The ids of the dashboard's key bindings and the syntax of keys, for checking ``[keymap]`` in config.toml.

This module knows no UI library: the app's bindings (tui/bindings.py) carry these ids, and a test keeps the
two lists the same. Each view ``v`` of ``metrics.config.VIEWS`` has the id ``view.v``, so a new view needs
no change here (only its own keys, if it has any, go into OTHER_IDS).
"""

from __future__ import annotations

import unicodedata

from diplodash.metrics.problems import did_you_mean

OTHER_IDS: tuple[str, ...] = (
    "grouping.cycle", "filters.open", "compare.setup", "snapshot.export", "data.reload", "contacts.search",
    "problems.show", "help.show", "palette.open", "app.quit", "selection.undo", "source.open",
    "calls.measure", "contacts.open", "contacts.clear_search", "compare.swap",
    "inbox.accept", "inbox.reject", "inbox.write", "inbox.published", "inbox.attach", "changes.older",
    "table.sort", "table.copy_cell", "table.copy_row", "table.select", "table.up", "table.down", "table.left", "table.right", "table.page_up",
    "table.page_down", "table.first", "table.last",
    "filters.cancel", "filters.apply", "compare.cancel", "compare.apply", "contact.close", "contact.close_q",
    "contact.copy", "contact.copy_row", "contact.open_source",
    "help.close", "help.close_again", "problems.close", "inbox.dialog_cancel",
    # Every table: hide and show columns, the frequency table, search with next and previous.
    "table.hide_column", "table.show_columns", "table.frequency", "table.search", "table.search_next",
    "table.search_previous", "frequency.close", "frequency.close_q", "search.cancel",
)


# The app-wide bindings and their default keys (tui/bindings.py APP_BINDINGS; a test keeps them equal).
# They are active together, so two of them on one key would hide one: a config error.
APP_DEFAULT_KEYS: dict[str, str] = {
    **{f"view.{view}": str(n) for n, view in enumerate(
        ("overview", "calls", "initiators", "durations", "tone", "coverage", "contacts", "compare", "inbox"), start=1)},
    "view.timeline": "0",
    "view.changes": "d",
    "grouping.cycle": "g", "filters.open": "f", "compare.setup": "c", "selection.undo": "u", "source.open": "o", "snapshot.export": "e", "data.reload": "r",
    "contacts.search": "slash", "problems.show": "p", "help.show": "question_mark", "palette.open": "ctrl+p",
    "app.quit": "q",
}
_KEY_ALIASES = {"?": "question_mark", "/": "slash", " ": "space", "-": "minus", "+": "plus"}


def _normal(key: str) -> str:
    key = key.strip()
    return _KEY_ALIASES.get(key, key)


def keymap_conflicts(keymap: dict[str, str]) -> list[tuple[str, str]]:
    """(binding id, message) for every app-wide key that two bindings would answer to after ``keymap``.

    The message names both bindings and whether each key is the user's or the default.
    """
    owners: dict[str, list[tuple[str, bool]]] = {}
    for binding_id, default in APP_DEFAULT_KEYS.items():
        mine = binding_id in keymap
        for key in (keymap[binding_id] if mine else default).split(","):
            if key.strip():
                owners.setdefault(_normal(key), []).append((binding_id, mine))
    found: list[tuple[str, str]] = []
    for key, who in owners.items():
        if len(who) < 2 or not any(mine for _, mine in who):
            continue
        blamed = next(b for b, mine in reversed(who) if mine)
        for other, mine in who:
            if other == blamed:
                continue
            origin = "set in [keymap]" if mine else "its default key"
            found.append((blamed, f"keymap '{blamed}' = '{keymap[blamed]}': key '{key}' is also bound to '{other}' ({origin}); "
                          f"two app-wide bindings on one key would hide one: choose another key, or rebind '{other}' too"))
    return found


def binding_ids(views: tuple[str, ...]) -> tuple[str, ...]:
    """Every binding id: ``view.<id>`` for each view, then the rest."""
    return (*(f"view.{view}" for view in views), *OTHER_IDS)

MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
NAMED_KEYS = frozenset(
    {"enter", "escape", "tab", "space", "backspace", "delete", "insert", "home", "end", "pageup", "pagedown",
     "up", "down", "left", "right", "minus", "plus"}
    | {f"f{n}" for n in range(1, 25)}
)


def key_problem(key: str) -> str | None:
    """Why ``key`` (one key such as ``ctrl+q``, ``G``, ``question_mark``) is not a key, or None."""
    if not key:
        return "an empty key"
    if key == "+":
        return None
    parts = key.split("+")
    *modifiers, name = parts
    for modifier in modifiers:
        if modifier not in MODIFIERS:
            hint = f" ({did_you_mean(modifier, MODIFIERS).strip() or 'modifiers: ' + ', '.join(MODIFIERS)})"
            return f"'{modifier}' in '{key}' is not a modifier{hint}"
    if not name:
        return f"'{key}' names no key after '+'"
    if len(name) == 1:
        return None if name.isprintable() and not name.isspace() else f"'{key}' is not a printable key"
    if name in NAMED_KEYS:
        return None
    try:
        unicodedata.lookup(name.replace("_", " ").upper())  # question_mark, slash, full_stop ...
        return None
    except KeyError:
        hint = did_you_mean(name, sorted(NAMED_KEYS)).strip()
        return f"'{name}' is not a key name" + (f"; {hint}" if hint else "")


def keymap_problems(binding_id: str, keys: str, views: tuple[str, ...]) -> list[str]:
    """What is wrong with one ``[keymap]`` entry (an empty list when nothing is)."""
    problems: list[str] = []
    known = binding_ids(views)
    if binding_id not in known:
        hint = did_you_mean(binding_id, known)
        problems.append(f"unknown binding id '{binding_id}' in [keymap]: {hint}the help screen (?) lists every id")
    for key in keys.split(","):
        problem = key_problem(key.strip())
        if problem:
            problems.append(f"keymap '{binding_id}': {problem}")
    return problems
