"""The ``[extract]`` section of the config: roster, titles, speakers and cue lists, checked.

``diplodash.metrics.config`` passes ``[extract]`` through as a raw dict (``diplodash.config`` has it checked
here at load, with every other problem of the file); ``load_settings(config)`` checks it
against the built-in defaults (``defaults.toml`` beside this module, which is also the section
pasted into the bundled config.toml) and raises DataError listing every problem, located at the
config line that caused it. A key present in the config replaces the built-in value of that key; a
key left out keeps the built-in value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import tomli

from diplodash.metrics.config import ConfigChecker, KeyLocator
from diplodash.metrics.problems import DataError, Problem
from diplodash.metrics.schema import FORMATS

DEFAULTS_FILE = Path(__file__).with_name("defaults.toml")
ROLES = ("leader", "counterpart", "envoy")
STATUS_ORDER = ("denied", "one_side", "confirmed", "unconfirmed")  # strongest first
SPEAKER_SIDES = ("leader", "counterpart", "press")
CONTACT_WORD_FORMATS = FORMATS + ("none",)

# key -> (kind, sub-keys) for the tables of string lists
_LIST_TABLES = {
    "titles": ("leader", "counterpart", "pair"),
    "speakers": SPEAKER_SIDES,
    "formats": FORMATS,
    "contact_words": CONTACT_WORD_FORMATS,
    "cues": ("plural", "prospective", "hedges", "duration_verbs", "tone_ignore", "topic_markers", "anaphora", "speaker_nouns", "describing"),
    "initiator": ("patterns", "we"),
    "status": STATUS_ORDER,
    "totals": ("modifiers", "scopes"),
    "reporting": ("verbs", "nouns"),
}
_TOP_LISTS = ("end_markers",)
_KEYS = ("roster", "max_article_bytes") + _TOP_LISTS + tuple(_LIST_TABLES)
MAX_ARTICLE_BYTES = 1024 * 1024  # default size limit of one article ([extract] max_article_bytes)
_ROSTER_KEYS = ("name", "role", "aliases", "of", "country", "offices", "pronoun")


@dataclass(frozen=True)
class Person:
    name: str
    role: str  # leader, counterpart, envoy
    aliases: tuple[str, ...]
    of: str | None = None  # for envoys: the counterpart they represent
    country: tuple[str, ...] = ()  # "Calvarian", "Calvaria": with offices, role phrases ("the Calvarian president")
    offices: tuple[str, ...] = ()  # "president", "prime minister"
    pronoun: str | None = None  # "he" / "she": "his office", "her counterpart" resolve to this person


@dataclass(frozen=True)
class ExtractSettings:
    roster: tuple[Person, ...]
    titles: dict[str, tuple[str, ...]]
    speakers: dict[str, tuple[str, ...]]
    reporting_verbs: tuple[str, ...]
    reporting_nouns: tuple[str, ...]
    formats: dict[str, tuple[str, ...]]
    contact_words: dict[str, tuple[str, ...]]
    cues: dict[str, tuple[str, ...]]
    initiator: dict[str, tuple[str, ...]]
    status: dict[str, tuple[str, ...]]
    totals: dict[str, tuple[str, ...]]
    end_markers: tuple[str, ...]
    max_article_bytes: int = MAX_ARTICLE_BYTES

    @property
    def leader(self) -> Person:
        return next(p for p in self.roster if p.role == "leader")

    def person(self, name: str) -> Person | None:
        return next((p for p in self.roster if p.name == name), None)

    @property
    def counterparts(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.roster if p.role == "counterpart")


@lru_cache(maxsize=1)
def default_section() -> dict[str, Any]:
    return tomli.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))["extract"]


def load_settings(config) -> ExtractSettings:
    """The extraction settings of a metrics.config.Config (its raw ``extract`` dict over the defaults)."""
    raw = getattr(config, "extract", None) or {}
    path = getattr(config, "path", None)
    return parse_settings(raw, str(path) if path else "<config>", _locator(path))


def parse_settings(raw: dict[str, Any], file: str = "<config>", locate=None) -> ExtractSettings:
    checker = _Checker(file, locate or (lambda *path: (None, None)))
    settings = checker.build(raw)
    if checker.problems:
        raise DataError(checker.problems)
    return settings


def settings_problems(raw: dict[str, Any], file: str, locate) -> list[Problem]:
    """Every problem of a raw ``[extract]`` table (``locate(*path)`` gives a key's line and column)."""
    checker = _Checker(file, locate)
    checker.build(raw)
    return checker.problems


def _locator(path):
    """Line/column finder for keys in the config file, reusing metrics.config's locator when it can."""
    if not path:
        return None
    try:
        return KeyLocator(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError):
        return None


class _Checker(ConfigChecker):
    prefix = ("extract",)

    def strings(self, value: Any, path: tuple, default: tuple[str, ...]) -> tuple[str, ...]:
        name = "extract." + ".".join(map(str, path))
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(path, f"'{name}' must be a list of strings")
            return default
        cleaned = tuple(v.strip() for v in value if v.strip())
        if len(cleaned) != len(value):
            self.error(path, f"'{name}' holds an empty string")
        return cleaned

    def build(self, raw: dict[str, Any]) -> ExtractSettings:
        defaults = default_section()
        if not isinstance(raw, dict):
            self.error((), "'extract' must be a table")
            raw = {}
        self.unknown_keys((), raw, _KEYS)

        lists: dict[str, tuple[str, ...]] = {}
        for key in _TOP_LISTS:
            default = tuple(defaults[key])
            lists[key] = self.strings(raw[key], (key,), default) if key in raw else default

        tables: dict[str, dict[str, tuple[str, ...]]] = {}
        for key, subkeys in _LIST_TABLES.items():
            default = {k: tuple(v) for k, v in defaults[key].items()}
            value = raw.get(key, default)
            if not isinstance(value, dict):
                self.error((key,), f"'extract.{key}' must be a table")
                value = default
            self.unknown_keys((key,), value, subkeys)
            merged = dict(default)
            if value is not default:
                for sub, items in value.items():
                    if sub in subkeys:
                        merged[sub] = self.strings(items, (key, sub), default.get(sub, ()))
            tables[key] = {k: merged.get(k, ()) for k in subkeys}

        for pattern in tables["initiator"]["patterns"]:
            if pattern.count("{who}") > 1:
                self.error(("initiator", "patterns"), f"initiator pattern {pattern!r} uses {{who}} more than once")
                continue
            try:
                re.compile(pattern.replace("{who}", "(?P<who>x)"))
            except re.error as exc:
                self.error(("initiator", "patterns"), f"initiator pattern {pattern!r} is not a valid regular expression: {exc}")
        for scope in tables["totals"]["scopes"]:
            try:
                re.compile(scope)
            except re.error as exc:
                self.error(("totals", "scopes"), f"totals scope {scope!r} is not a valid regular expression: {exc}")

        roster = self.roster(raw["roster"] if "roster" in raw else defaults["roster"])
        limit = raw.get("max_article_bytes", MAX_ARTICLE_BYTES)
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 1 << 30:
            self.error(("max_article_bytes",), "'extract.max_article_bytes' must be a whole number of bytes from 1 to 1073741824")
            limit = MAX_ARTICLE_BYTES
        return ExtractSettings(
            roster=roster,
            titles=tables["titles"],
            speakers=tables["speakers"],
            reporting_verbs=tables["reporting"]["verbs"],
            reporting_nouns=tables["reporting"]["nouns"],
            formats=tables["formats"],
            contact_words=tables["contact_words"],
            cues=tables["cues"],
            initiator=tables["initiator"],
            status=tables["status"],
            totals=tables["totals"],
            end_markers=lists["end_markers"],
            max_article_bytes=limit,
        )

    def roster(self, value: Any) -> tuple[Person, ...]:
        if not isinstance(value, list) or not value:
            self.error(("roster",), "'diplodash.extract.roster' must be a non-empty array of tables: [[extract.roster]]")
            return ()
        people: list[Person] = []
        for index, entry in enumerate(value):
            where = ("roster", index)
            if not isinstance(entry, dict):
                self.error(where, "each [[extract.roster]] entry must be a table")
                continue
            self.unknown_keys(where, entry, _ROSTER_KEYS)
            name, role, of = entry.get("name"), entry.get("role"), entry.get("of")
            if not isinstance(name, str) or not name.strip():
                self.error(where + ("name",), "a roster entry needs a 'name' (as written in contacts.csv)")
                continue
            if role not in ROLES:
                self.error(where + ("role",), f"roster entry '{name}': role must be one of {', '.join(ROLES)}")
                continue
            aliases = self.strings(entry.get("aliases", []), where + ("aliases",), ())
            if role == "envoy" and not isinstance(of, str):
                self.error(where + ("of",), f"envoy '{name}' needs 'of', the counterpart they represent")
                continue
            if role != "envoy" and of is not None:
                self.error(where + ("of",), f"roster entry '{name}': only envoys take 'of'")
            country = self.strings(entry.get("country", []), where + ("country",), ())
            offices = self.strings(entry.get("offices", []), where + ("offices",), ())
            pronoun = entry.get("pronoun")
            if pronoun is not None and pronoun not in ("he", "she", "they"):
                self.error(where + ("pronoun",), f"roster entry '{name}': pronoun must be \"he\", \"she\" or \"they\"")
                pronoun = None
            people.append(
                Person(name.strip(), role, tuple(dict.fromkeys((name.strip(),) + aliases)), of if role == "envoy" else None, country, offices, pronoun)
            )
        names = [p.name for p in people]
        for index, person in enumerate(people):
            if names.count(person.name) > 1 and names.index(person.name) != index:
                self.error(("roster", index, "name"), f"roster name '{person.name}' is listed twice")
            if person.role == "envoy" and person.of not in [p.name for p in people if p.role == "counterpart"]:
                self.error(("roster", index, "of"), f"envoy '{person.name}': 'of' = '{person.of}' is not a counterpart in the roster")
        leaders = [p for p in people if p.role == "leader"]
        if len(leaders) != 1 and people:
            self.error(("roster",), f"the roster needs exactly one leader (role = \"leader\"), found {len(leaders)}")
        owner: dict[str, str] = {}
        for person in people:
            for alias in person.aliases:
                if owner.setdefault(alias, person.name) != person.name:
                    self.error(("roster",), f"alias '{alias}' is given to both '{owner[alias]}' and '{person.name}'")
        return tuple(people)
