"""Finding phrases in text: roster people, titles, speakers and every cue list of the config.

``PhraseMatcher`` compiles a list of phrases into one regular expression that matches whole words,
longest phrase first. Case: a phrase with a capital letter after its first character ("Mr. Trump",
"White House") keeps that case; an all-lower-case phrase ("the american leader") matches any case.
The first letter is always free, so "the Russian president" also matches at a sentence start.
Spaces match any run of whitespace, a hyphen matches a hyphen or a space, an apostrophe matches
' or ’, and a dot after a word is optional ("Mr Trump").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable

from diplodash.extract.settings import ExtractSettings, Person


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    text: str
    phrase: str
    payload: Any


def phrase_pattern(phrase: str) -> str:
    """The regular expression for one phrase (without the word boundaries)."""
    parts: list[str] = []
    for ch in phrase:
        if ch.isspace():
            if not parts or parts[-1] != r"\s+":
                parts.append(r"\s+")
        elif ch in "-\u2010\u2011\u2013":
            parts.append(r"[-\u2010\u2011\u2013\s]")
        elif ch in "'\u2019":
            parts.append("['\u2019]")
        elif ch == ".":
            parts.append(r"\.?")
        else:
            parts.append(re.escape(ch))
    body = "".join(parts)
    cased = any(c.isupper() for c in phrase[1:])
    if not cased:
        return f"(?i:{body})"
    first = phrase[0]
    if first.isalpha():
        rest = body[len(re.escape(first)) :]
        return f"[{re.escape(first.lower())}{re.escape(first.upper())}]{rest}"
    return body


class PhraseMatcher:
    def __init__(self, phrases: Iterable[tuple[str, Any]]):
        self.payload: dict[str, Any] = {}
        for phrase, payload in phrases:
            phrase = phrase.strip()
            if phrase and phrase not in self.payload:
                self.payload[phrase] = payload
        ordered = sorted(self.payload, key=len, reverse=True)
        self._groups = {f"p{i}": phrase for i, phrase in enumerate(ordered)}
        if ordered:
            body = "|".join(f"(?P<p{i}>{phrase_pattern(p)})" for i, p in enumerate(ordered))
            # A trailing dot is optional in the pattern, so do not require a word end after an abbreviation.
            self.regex: re.Pattern | None = re.compile(rf"(?<![\w])(?:{body})(?![\w])")
        else:
            self.regex = None

    def __bool__(self) -> bool:
        return self.regex is not None

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[Hit]:
        if self.regex is None:
            return []
        end = len(text) if end is None else end
        hits = []
        for m in self.regex.finditer(text, start, end):
            phrase = self._groups[m.lastgroup]
            hits.append(Hit(m.start(), m.end(), m.group(0), phrase, self.payload[phrase]))
        return hits

    def alternation(self) -> str:
        """All phrases as one regex alternation (for embedding in larger patterns)."""
        ordered = sorted(self.payload, key=len, reverse=True)
        return "|".join(phrase_pattern(p) for p in ordered) or "(?!x)x"


def slug(name: str) -> str:
    """The id word for a person: last word of the name, ASCII, lower case ("Viktor Orbán" -> "orban")."""
    last = name.strip().split()[-1] if name.strip() else name
    ascii_text = unicodedata.normalize("NFKD", last).encode("ascii", "ignore").decode("ascii")
    cleaned = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return cleaned or "x"


@dataclass(frozen=True)
class Mention:
    """A person, title, pair word or speaker found in the text."""

    start: int
    end: int
    text: str
    kind: str  # person, title, pair, speaker
    side: str | None  # leader, counterpart, press (None for pair)
    person: Person | None = None


def role_phrases(person) -> list[str]:
    """The phrases that name a person by role: country x office, and "his/her/their <country> counterpart"."""
    phrases: list[str] = []
    offices = list(person.offices) + (["leader"] if person.offices and "leader" not in person.offices else [])
    for country in person.country:
        for office in offices:
            phrases += [f"the {country} {office}", f"{country} {office}", f"{country}'s {office}", f"{country}’s {office}"]
            if not country.endswith(("an", "ian", "ese", "ish", "ic")) and country[:1].isupper():
                phrases += [f"the {office} of {country}", f"{office} of {country}"]
        phrases += [f"{possessive} {country} counterpart" for possessive in ("his", "her", "their", "the")]
    return phrases


class Roster:
    def __init__(self, settings: ExtractSettings):
        self.settings = settings
        self.leader = settings.leader
        # Role phrases from each person's country and offices ("the Calvarian president", "her Ostmark
        # counterpart", "the prime minister of Ostmark"): a phrase that fits one person names that person;
        # one that fits several ("the American president" in a roster with two presidents) names a side.
        owners: dict[str, set] = {}
        for person in settings.roster:
            for phrase in role_phrases(person):
                owners.setdefault(phrase, set()).add(person)
        aliases = {alias for person in settings.roster for alias in person.aliases}
        personal = [(p, next(iter(o))) for p, o in owners.items() if len(o) == 1 and p not in aliases]
        shared = [(p, self.side_of(next(iter(o)))) for p, o in owners.items() if len(o) > 1 and len({self.side_of(x) for x in o}) == 1]
        self.people = PhraseMatcher([(alias, person) for person in settings.roster for alias in person.aliases] + personal)
        self.titles = PhraseMatcher(
            [(t, "leader") for t in settings.titles["leader"]] + [(t, "counterpart") for t in settings.titles["counterpart"]] + shared
        )
        self.pairs = PhraseMatcher((t, "pair") for t in settings.titles["pair"])
        self.speakers = PhraseMatcher((s, side) for side in ("press", "leader", "counterpart") for s in settings.speakers[side])

    @staticmethod
    def side_of(person: Person) -> str:
        return "leader" if person.role == "leader" else "counterpart"

    def principal(self, person: Person) -> str | None:
        """The counterpart a person stands for: themself, or the leader an envoy represents."""
        if person.role == "counterpart":
            return person.name
        if person.role == "envoy":
            return person.of
        return None

    def mentions(self, text: str, start: int, end: int) -> list[Mention]:
        """People, titles, pair words and speakers in text[start:end], longest first where they overlap."""
        found: list[Mention] = []
        for hit in self.people.find(text, start, end):
            found.append(Mention(hit.start, hit.end, hit.text, "person", self.side_of(hit.payload), hit.payload))
        for hit in self.titles.find(text, start, end):
            found.append(Mention(hit.start, hit.end, hit.text, "title", hit.payload))
        for hit in self.pairs.find(text, start, end):
            found.append(Mention(hit.start, hit.end, hit.text, "pair", None))
        for hit in self.speakers.find(text, start, end):
            found.append(Mention(hit.start, hit.end, hit.text, "speaker", hit.payload))
        found.sort(key=lambda m: (m.start, -(m.end - m.start)))
        kept: list[Mention] = []
        for mention in found:
            if kept and mention.start < kept[-1].end:
                # overlapping: keep the longer; a person inside a title ("Russian President Vladimir Putin") is not overlapping
                continue
            kept.append(mention)
        return kept
