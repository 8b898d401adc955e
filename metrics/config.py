"""Configuration: found in a clear order, parsed with tomli, validated with file:line:column messages.

Discovery order (first found wins): ``--config``, ``$DIPLODASH_CONFIG``, ``./config.toml``, the user
config folder, the bundled default.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import tomli

from diplodash.metrics.keymap import keymap_conflicts, keymap_problems
from diplodash.metrics.problems import DataError, Problem, did_you_mean
from diplodash.metrics.schema import SIDES, STATUSES

ENV_VAR = "DIPLODASH_CONFIG"
LIMIT_VAR = "DIPLODASH_MAX_CONFIG_BYTES"
MAX_CONFIG_BYTES = 1024 * 1024  # a config is a page of settings; the limit can be raised with $DIPLODASH_MAX_CONFIG_BYTES
VIEWS = ("overview", "calls", "initiators", "durations", "tone", "coverage", "contacts", "compare", "inbox", "timeline", "changes")
CLIPBOARD_METHODS = ("auto", "osc52", "tool", "file")  # how y/Y copy: auto = OSC 52 unless the terminal is known not to support it
GROUPINGS = ("period", "counterpart", "leader", "year", "format", "side", "status", "none")  # metrics.selection checks combinations

# A further top-level table's checker: (table, file, locate) -> problems. The config's entry point
# (diplodash.config) passes the checkers of the layers above this one, so this module never imports them.
SectionCheckers = dict[str, Callable[[dict[str, Any], str, "KeyLocator"], list[Problem]]]

_TOP_KEYS = ("data", "defaults", "sides", "durations", "periods", "tone", "keymap", "extract")
_SECTION_KEYS = {
    "data": ("path",),
    "defaults": ("view", "group_by", "export_dir", "count_statuses", "as_of", "compare_a", "compare_b", "theme", "clipboard"),
    "sides": (*SIDES, "leaders", "counterparts"),
    "durations": ("side_priority",),
    "periods": ("name", "counterpart", "start", "end"),
    "tone": ("valence", "words"),
}


@dataclass(frozen=True, slots=True)
class Period:
    name: str
    counterpart: str
    start: dt.date
    end: dt.date | None  # exclusive; None = open


@dataclass(frozen=True, slots=True)
class ToneLabel:
    label: str
    words: tuple[str, ...]
    valence: float | None = None


@dataclass(frozen=True)
class SideNames:
    """What each reporting side is called: the [sides] table, overridden per leader and per counterpart.

    ``leaders`` and ``counterparts`` map a person's name to the sides their own table names. A side is
    named by the table of the person it belongs to first: the ``counterpart`` side by the counterpart's
    table, then the leader's; every other side (leader, press, other) by the leader's, then the
    counterpart's; then the [sides] table (``default``).
    """

    default: dict[str, str]
    leaders: dict[str, dict[str, str]] = field(default_factory=dict)
    counterparts: dict[str, dict[str, str]] = field(default_factory=dict)

    def precedence(self, side: str) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
        """The two per-person tables for ``side``, the stronger first."""
        return (self.counterparts, self.leaders) if side == "counterpart" else (self.leaders, self.counterparts)

    def name(self, side: str, leader: str | None = None, counterpart: str | None = None) -> str:
        """The display name of ``side`` for a contact of ``leader`` with ``counterpart``; unknown sides as given."""
        first, second = self.precedence(side)
        people = (leader, counterpart) if first is self.leaders else (counterpart, leader)
        for table, person in zip((first, second), people):
            entry = table.get(person) if person is not None else None
            if entry and side in entry:
                return entry[side]
        return self.default.get(side, side)


@dataclass(frozen=True)
class Config:
    path: Path | None
    found_by: str
    data_path: Path
    periods: tuple[Period, ...]
    tone: tuple[ToneLabel, ...]
    side_labels: dict[str, str]  # the [sides] table: the default names (metrics.sides names a contact's sides)
    duration_side_priority: tuple[str, ...]
    default_view: str = "overview"
    default_group_by: str = "period"
    export_dir: Path = Path("exports")
    count_statuses: tuple[str, ...] = ("confirmed",)
    keymap: dict[str, str] = field(default_factory=dict)
    extract: dict[str, Any] = field(default_factory=dict)
    as_of: dt.date | None = None  # figures as of this date; None: the caller's today
    compare_a: tuple[str, ...] = ()  # the default comparison: filter clauses of each side ("period=Biden")
    compare_b: tuple[str, ...] = ()
    side_names: SideNames | None = None  # per leader and counterpart; None: side_labels for every contact
    theme: str | None = None  # the app's colour theme ([defaults] theme); None: the app's own default
    clipboard: str = "auto"  # [defaults] clipboard: one of CLIPBOARD_METHODS

    @property
    def sides(self) -> SideNames:
        return self.side_names or SideNames(dict(self.side_labels))


def bundled_root() -> Path:
    """The folder holding the bundled config.toml and seeds/ (source tree or installed wheel)."""
    import diplodash  # a plain package with no UI imports

    installed = Path(diplodash.__file__).parent / "bundled"
    if (installed / "config.toml").is_file():
        return installed
    return Path(diplodash.__file__).resolve().parent.parent


def user_config_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("diplodash")) / "config.toml"


def discover(flag: str | os.PathLike | None = None) -> tuple[Path, str]:
    """Return the config file to use and how it was found."""
    if flag:
        return Path(flag), "--config"
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env), f"${ENV_VAR}"
    local = Path.cwd() / "config.toml"
    if local.is_file():
        return local, "./config.toml"
    user = user_config_path()
    if user.is_file():
        return user, "user config folder"
    return bundled_root() / "config.toml", "bundled default"


def read_config(flag: str | os.PathLike | None = None, sections: SectionCheckers | None = None) -> Config:
    """The config named by the flag (or discovered), read safely and checked; ``sections`` check further tables."""
    from diplodash.metrics.safefile import UnsafeFile, read_regular

    path, found_by = discover(flag)
    limit = config_limit()
    try:
        # Only a regular file (a FIFO or /dev/zero is refused by name, never read), up to the limit.
        raw = read_regular(path, limit, "config file", f"; raise ${LIMIT_VAR} to read it")
    except UnsafeFile as exc:
        raise DataError([Problem(str(path), None, None, f"{exc.message.removeprefix(str(path) + ': ')} (named by {found_by})", code="config")])
    except FileNotFoundError:
        raise DataError([Problem(str(path), None, None, f"config file not found (named by {found_by})", code="config")])
    except OSError as exc:
        raise DataError([Problem(str(path), None, None, f"cannot read config file: {exc.strerror}", code="config")])
    return parse_config_text(raw, path, found_by, sections)


def config_limit() -> int:
    value = os.environ.get(LIMIT_VAR, "").strip()
    if not value:
        return MAX_CONFIG_BYTES
    if not value.isdigit() or int(value) < 1:
        raise DataError([Problem(f"${LIMIT_VAR}", None, None, f"${LIMIT_VAR}={value!r}: must be a whole number of bytes", code="config")])
    return int(value)


def parse_config_text(raw: bytes | str, path: Path, found_by: str = "--config", sections: SectionCheckers | None = None) -> Config:
    """Parse and check config text. ``sections`` maps a top-level table (``extract``) to the checker its owner
    declares, so every problem of the file is reported at once without this layer importing that owner."""
    name = str(path)
    if isinstance(raw, bytes):
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
            raise DataError([Problem(name, line, col, "config is not UTF-8 text", code="config")])
    else:
        text = raw.lstrip("\ufeff")
    try:
        data = tomli.loads(text)
    except tomli.TOMLDecodeError as exc:
        line, col = getattr(exc, "lineno", None), getattr(exc, "colno", None)
        msg = getattr(exc, "msg", str(exc))
        raise DataError([Problem(name, line, col, f"TOML syntax: {msg}\n{_caret(text, line, col)}", code="toml")])
    except RecursionError:
        depth = _max_depth(text)
        raise DataError([Problem(name, depth[0], depth[1], "TOML nested too deeply (arrays or inline tables inside each other hundreds of levels deep): flatten it", code="toml")]) from None
    locate = KeyLocator(text)
    checker = _Checker(name, locate)
    config = checker.build(data, path, found_by)
    for section, check in (sections or {}).items():
        table = data.get(section)
        if isinstance(table, dict) and table:
            checker.problems += check(table, name, locate)
    if checker.problems:
        raise DataError(checker.problems)
    return config


def _max_depth(text: str) -> tuple[int | None, int | None]:
    """Where brackets nest deepest (ignoring strings roughly): for the message of a too-deep TOML file."""
    depth = best = 0
    where: tuple[int | None, int | None] = (None, None)
    line, col = 1, 0
    for ch in text[: 4 * 1024 * 1024]:
        col += 1
        if ch == "\n":
            line, col = line + 1, 0
        elif ch in "[{":
            depth += 1
            if depth > best:
                best, where = depth, (line, col)
        elif ch in "]}":
            depth = max(depth - 1, 0)
    return where


def _caret(text: str, line: int | None, col: int | None) -> str:
    if not line:
        return ""
    lines = text.splitlines() or [""]
    source = lines[min(line, len(lines)) - 1]
    return f"    {source}\n    {' ' * max((col or 1) - 1, 0)}^"


class KeyLocator:
    """Finds the line and column where a key was written, so semantic errors point at it."""

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?")
    _KEY = re.compile(r'^\s*("(?:[^"\\]|\\.)*"|[A-Za-z0-9_.\-]+)\s*=')

    def __init__(self, text: str):
        self.where: dict[tuple, tuple[int, int]] = {}
        counters: dict[str, int] = {}
        table: tuple = ()
        for number, line in enumerate(text.splitlines(), start=1):
            header = self._HEADER.match(line)
            if header:
                parts = tuple(p.strip().strip('"') for p in header.group(2).split("."))
                if header.group(1) == "[[":
                    key = ".".join(parts)
                    counters[key] = counters.get(key, -1) + 1
                    table = parts + (counters[key],)
                else:
                    table = parts
                self.where.setdefault(table, (number, line.index("[") + 1))
                continue
            key = self._KEY.match(line)
            if key:
                raw = key.group(1)
                parts = (raw[1:-1],) if raw.startswith('"') else tuple(raw.split("."))  # "a.b" = ... is one key
                self.where.setdefault(table + parts, (number, line.index(raw) + 1))

    def __call__(self, *path) -> tuple[int | None, int | None]:
        while path:
            if path in self.where:
                return self.where[path]
            path = path[:-1]
        return None, None


class ConfigChecker:
    """Collects the problems of one config file, each located at the key that caused it. ``prefix`` is the table
    a section's checker works inside (``("extract",)``): its paths are relative to it."""

    prefix: tuple = ()

    def __init__(self, file: str, locate: KeyLocator | Callable[..., tuple[int | None, int | None]]):
        self.file = file
        self.locate = locate
        self.problems: list[Problem] = []

    def error(self, path: tuple, message: str) -> None:
        line, col = self.locate(*self.prefix, *path)
        self.problems.append(Problem(self.file, line, col, message, code="config"))

    def unknown_keys(self, path: tuple, table: dict, allowed: tuple[str, ...]) -> None:
        for key in table:
            if key not in allowed:
                hint = "; " + (did_you_mean(key, allowed).strip() or f"known keys: {', '.join(allowed)}")
                self.error(path + (key,), f"unknown key '{'.'.join(map(str, self.prefix + path + (key,)))}'{hint}")


class _Checker(ConfigChecker):

    def table(self, data: dict, key: str) -> dict:
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.error((key,), f"'{key}' must be a table, not {_type_name(value)}")
            return {}
        return value

    def string(self, table: dict, path: tuple, default: str | None = None, choices: tuple[str, ...] = ()) -> str | None:
        value = table.get(path[-1], default)
        if value is None:
            return None
        if not isinstance(value, str):
            self.error(path, f"'{'.'.join(map(str, path))}' must be a string, not {_type_name(value)}")
            return default
        if choices and value not in choices:
            hint = did_you_mean(value, choices)
            self.error(path, f"'{value}' is not a valid {path[-1]}: {hint}choose one of {', '.join(choices)}")
            return default
        return value

    def string_list(self, table: dict, path: tuple, default: tuple[str, ...], choices: tuple[str, ...] = ()) -> tuple[str, ...]:
        value = table.get(path[-1], list(default))
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(path, f"'{'.'.join(map(str, path))}' must be a list of strings")
            return default
        for item in value:
            if choices and item not in choices:
                self.error(path, f"'{item}' in {path[-1]} is not one of {', '.join(choices)}")
        return tuple(value)

    def build(self, data: dict, path: Path, found_by: str) -> Config:
        self.unknown_keys((), data, _TOP_KEYS)
        base = path.parent

        data_table = self.table(data, "data")
        self.unknown_keys(("data",), data_table, _SECTION_KEYS["data"])
        data_path = self.string(data_table, ("data", "path"), "seeds") or "seeds"

        defaults = self.table(data, "defaults")
        self.unknown_keys(("defaults",), defaults, _SECTION_KEYS["defaults"])
        view = self.string(defaults, ("defaults", "view"), "overview", VIEWS)
        group_by = self.string(defaults, ("defaults", "group_by"), "period")
        for key in (group_by or "").split(","):
            if key.strip() not in GROUPINGS:
                hint = did_you_mean(key.strip(), GROUPINGS)
                self.error(("defaults", "group_by"), f"'{group_by}' is not a valid group_by: {hint}choose one of {', '.join(GROUPINGS)}, or two joined by a comma")
                group_by = "period"
                break
        as_of = self.as_of(defaults)
        compare_a = self.string_list(defaults, ("defaults", "compare_a"), ())
        compare_b = self.string_list(defaults, ("defaults", "compare_b"), ())
        if bool(compare_a) != bool(compare_b):
            self.error(("defaults", "compare_a" if compare_a else "compare_b"), "set both compare_a and compare_b (the two sides of the default comparison), or neither")
        export_dir = self.string(defaults, ("defaults", "export_dir"), "exports")
        statuses = self.string_list(defaults, ("defaults", "count_statuses"), ("confirmed",), STATUSES)
        theme = self.string(defaults, ("defaults", "theme"), None)
        clipboard = self.string(defaults, ("defaults", "clipboard"), "auto", CLIPBOARD_METHODS)

        sides = self.table(data, "sides")
        self.unknown_keys(("sides",), sides, _SECTION_KEYS["sides"])
        side_labels = {s: self.string(sides, ("sides", s), s.replace("_", " ").title()) or s for s in SIDES}
        side_names = SideNames(side_labels, self.people_sides(sides, "leaders"), self.people_sides(sides, "counterparts"))

        durations = self.table(data, "durations")
        self.unknown_keys(("durations",), durations, _SECTION_KEYS["durations"])
        priority = self.string_list(durations, ("durations", "side_priority"), SIDES, SIDES)

        periods = self.periods(data.get("periods", []))
        tone = self.tone(self.table(data, "tone"))
        if not self.tone_replaces and not is_bundled(path):
            tone = extend_lexicon(bundled_tone(), tone)

        keymap_table = self.table(data, "keymap")
        keymap: dict[str, str] = {}
        for binding_id, keys in keymap_table.items():
            if not isinstance(keys, str) or not keys.strip():
                self.error(("keymap", binding_id), f"keymap '{binding_id}' must be a non-empty string of keys, like \"ctrl+q\"")
                continue
            problems = keymap_problems(binding_id, keys, VIEWS)
            for problem in problems:
                self.error(("keymap", binding_id), problem)
            if not problems:
                keymap[binding_id] = keys
        for binding_id, message in keymap_conflicts(keymap):
            self.error(("keymap", binding_id), message)

        extract = self.table(data, "extract")  # checked by its owner (diplodash.extract.settings): SectionCheckers
        return Config(
            path=path,
            found_by=found_by,
            data_path=(base / data_path),
            periods=periods,
            tone=tone,
            side_labels=side_labels,
            side_names=side_names,
            duration_side_priority=priority,
            default_view=view or "overview",
            default_group_by=group_by or "period",
            # The bundled default lives inside the installed package: its exports go to the current folder.
            export_dir=(Path.cwd() if found_by == "bundled default" else base) / (export_dir or "exports"),
            count_statuses=statuses,
            keymap=keymap,
            extract=extract,
            as_of=as_of,
            compare_a=compare_a,
            compare_b=compare_b,
            theme=theme or None,
            clipboard=clipboard or "auto",
        )

    def as_of(self, defaults: dict) -> dt.date | None:
        value = defaults.get("as_of")
        if value is None:
            return None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.error(("defaults", "as_of"), f"'defaults.as_of' must be a date like 2026-03-31 (TOML date or string), not {value!r}")
        return None

    def people_sides(self, sides: dict, key: str) -> dict[str, dict[str, str]]:
        """[sides.leaders."Name"] or [sides.counterparts."Name"]: side names for one person's contacts."""
        where = ("sides", key)
        value = sides.get(key, {})
        if not isinstance(value, dict):
            self.error(where, f"'sides.{key}' must be a table of tables, like [sides.{key}.\"Name\"], not {_type_name(value)}")
            return {}
        people: dict[str, dict[str, str]] = {}
        for person, entry in value.items():
            if not isinstance(entry, dict):
                self.error(where + (person,), f"'sides.{key}.\"{person}\"' must be a table of side names (leader, counterpart, press, other), not {_type_name(entry)}")
                continue
            if not person.strip():
                self.error(where + (person,), f"'sides.{key}' has an entry with an empty name")
                continue
            self.unknown_keys(where + (person,), entry, SIDES)
            names = {}
            for side in SIDES:
                if side in entry:
                    name = self.string(entry, where + (person, side))
                    if name is not None and not name.strip():
                        self.error(where + (person, side), f"side name 'sides.{key}.\"{person}\".{side}' is empty")
                    elif name is not None:
                        names[side] = name
            people[person] = names
        return people

    def periods(self, value: Any) -> tuple[Period, ...]:
        if not isinstance(value, list):
            self.error(("periods",), "'periods' must be an array of tables: [[periods]]")
            return ()
        periods: list[Period] = []
        for index, item in enumerate(value):
            where = ("periods", index)
            if not isinstance(item, dict):
                self.error(where, "each [[periods]] entry must be a table")
                continue
            self.unknown_keys(where, item, _SECTION_KEYS["periods"])
            name = self.string(item, where + ("name",))
            counterpart = self.string(item, where + ("counterpart",), "*")
            start, end = item.get("start"), item.get("end")
            if not name:
                self.error(where, "a period needs a name")
                continue
            if not isinstance(start, dt.date) or isinstance(start, dt.datetime):
                self.error(where + ("start",), f"period '{name}': start must be a date like 2021-01-20")
                continue
            if end is not None and (not isinstance(end, dt.date) or isinstance(end, dt.datetime)):
                self.error(where + ("end",), f"period '{name}': end must be a date like 2025-01-20")
                continue
            if end is not None and end <= start:
                self.error(where + ("end",), f"period '{name}' ends ({end}) before it starts ({start})")
                continue
            periods.append(Period(name, counterpart or "*", start, end))
        self._check_overlaps(periods)
        return tuple(periods)

    def _check_overlaps(self, periods: list[Period]) -> None:
        far = dt.date.max
        for i, a in enumerate(periods):
            for b in periods[i + 1 :]:
                if a.name == b.name:
                    self.error(("periods", i), f"period name '{a.name}' is used twice")
                    continue
                same_people = a.counterpart == b.counterpart or "*" in (a.counterpart, b.counterpart)
                if same_people and a.start < (b.end or far) and b.start < (a.end or far):
                    # Overlaps are allowed (a transition inside a term) but must be deliberate: the
                    # earlier-listed period wins, so a later one that is fully shadowed is an error.
                    if a.start <= b.start and (b.end or far) <= (a.end or far):
                        self.error(
                            ("periods", periods.index(b)),
                            f"period '{b.name}' lies wholly inside '{a.name}', which is listed first and always wins; list it before '{a.name}'",
                        )

    tone_replaces = False

    def tone(self, table: dict) -> tuple[ToneLabel, ...]:
        labels: list[ToneLabel] = []
        owner: dict[str, str] = {}
        for label, spec in table.items():
            where = ("tone", label)
            if label == "replace":
                if not isinstance(spec, bool):
                    self.error(where, f"'tone.replace' must be true or false, not {_type_name(spec)}")
                else:
                    self.tone_replaces = spec
                continue
            if not isinstance(spec, dict):
                self.error(where, f"tone label '{label}' must be a table with 'words' (and optional 'valence')")
                continue
            self.unknown_keys(where, spec, _SECTION_KEYS["tone"])
            words = spec.get("words")
            if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
                self.error(where + ("words",), f"tone label '{label}' needs 'words', a non-empty list of strings")
                continue
            valence = spec.get("valence")
            if valence is not None and (isinstance(valence, bool) or not isinstance(valence, (int, float)) or not -1 <= valence <= 1):
                self.error(where + ("valence",), f"tone label '{label}': valence must be a number from -1 to 1")
                valence = None
            for word in words:
                key = word.strip().casefold()
                if key in owner and owner[key] != label:
                    self.error(where + ("words",), f"tone word '{word}' is claimed by both '{owner[key]}' and '{label}'")
                owner[key] = label
            labels.append(ToneLabel(label, tuple(w.strip() for w in words), None if valence is None else float(valence)))
        return tuple(labels)


def is_bundled(path: Path) -> bool:
    """Is ``path`` the bundled config.toml?"""
    try:
        return Path(path).resolve() == (bundled_root() / "config.toml").resolve()
    except OSError:
        return False


def bundled_tone() -> tuple[ToneLabel, ...]:
    """The bundled config's tone lexicon (checked when the bundled config is read; an unreadable one is empty)."""
    path = bundled_root() / "config.toml"
    try:
        data = tomli.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomli.TOMLDecodeError):
        return ()
    table = data.get("tone", {})
    return _Checker(str(path), KeyLocator("")).tone(table if isinstance(table, dict) else {})


def extend_lexicon(base: tuple[ToneLabel, ...], own: tuple[ToneLabel, ...]) -> tuple[ToneLabel, ...]:
    """The bundled lexicon ``base`` extended by a user config's ``own`` labels.

    A label of the same name takes the user's words and valence; a word the user gives another label
    leaves the bundled label (which is dropped when no word is left). Bundled labels keep their order,
    new labels follow in the user's order.
    """
    mine = {label.label: label for label in own}
    claimed = {word.casefold() for label in own for word in label.words}
    out: list[ToneLabel] = []
    for label in base:
        if label.label in mine:
            out.append(mine.pop(label.label))
            continue
        words = tuple(w for w in label.words if w.casefold() not in claimed)
        if words:
            out.append(ToneLabel(label.label, words, label.valence))
    out += [label for label in own if label.label in mine]
    return tuple(out)


def _type_name(value: Any) -> str:
    return {dict: "a table", list: "an array", str: "a string", bool: "a boolean", int: "an integer", float: "a number"}.get(type(value), type(value).__name__)
