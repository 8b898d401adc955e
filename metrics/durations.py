"""Read how news reports word the length of a diplomatic contact.

``parse_duration("almost 2.5 hours")`` gives ``Duration(150.0, "almost", ...)``;
``find_durations(article)`` finds every such mention in running text.

Reading happens in two small steps:

* a tokenizer splits the text into numbers, words and punctuation, keeping
  each token's character offsets; whitespace (non-breaking too), hyphens and
  en dashes only separate tokens, so "50-minute" reads like "50 minute";
* a recursive-descent grammar over those tokens::

    mention    := qualitative | [prefix] amount ["long"] [suffix]
    amount     := term [ "and" fraction | [","] ["and"] minutes ]   # minutes (< 60) only after hours; "1h15" too
    term       := fraction ["of"] ["a" | "an"] unit                 # half an hour, three quarters of an hour
                | unit "long"                                       # hour-long
                | quantity ["and" fraction] ["plus"] unit           # two and a half hours, 90-plus minutes
    fraction   := [quantity] ("half" | "quarter" | "quarters")
    quantity   := digits | number words up to ninety-nine | "a" | "an"
    unit       := "hour(s)" | "hr(s)" | "h" | "minute(s)" | "min(s)"

  ``prefix`` ("about", "just under", ...) and ``suffix`` ("or so", "-plus", ...)
  come from the tables below, which also say which qualifier each one means.

Only hours and minutes are contact durations: days, weeks and so on are not
read. Amounts are computed with exact fractions and turned into float minutes
at the end, so "1.1 hours" is 66.0, not 66.00000000000001.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

__all__ = [
    "MAX_MINUTES",
    "QUALIFIERS",
    "Duration",
    "DurationParseError",
    "find_durations",
    "parse_duration",
]

QUALIFIERS = ("exact", "about", "almost", "more_than", "less_than", "qualitative")

#: Longest believable contact: anything above 48 hours is a misreading.
MAX_MINUTES = 48 * 60


@dataclass(frozen=True, slots=True)
class Duration:
    """One worded duration: minutes (None for a figure-less "lengthy"), its qualifier, the text read."""

    minutes: float | None
    qualifier: str
    text: str

    def __post_init__(self) -> None:
        if self.qualifier not in QUALIFIERS:
            raise ValueError(f"unknown qualifier {self.qualifier!r}; expected one of {QUALIFIERS}")
        if (self.minutes is None) != (self.qualifier == "qualitative"):
            raise ValueError("minutes must be None exactly when the qualifier is 'qualitative'")


class DurationParseError(ValueError):
    """The text is not one duration. ``column`` is the 1-based offset in ``text`` where reading failed."""

    def __init__(self, text: str, column: int, message: str):
        self.text = text
        self.column = column
        self.message = message
        super().__init__(f"cannot read {text!r} as a duration: {message} at column {column}")

    def __reduce__(self):  # keep the exception picklable despite the 3-argument constructor
        return (type(self), (self.text, self.column, self.message))


# --------------------------------------------------------------------------- vocabulary

_ONES = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_ARTICLES = ("a", "an")

#: Unit words and how many minutes one of them is.
_UNITS = {
    "hour": 60, "hours": 60, "hr": 60, "hrs": 60, "h": 60,
    "minute": 1, "minutes": 1, "min": 1, "mins": 1,
}
#: Units that may stand without a figure before "long" ("hour-long").
_BARE_UNITS = ("hour", "minute")
#: Units a reader might try, which are not contact durations: named in the error.
_UNSUPPORTED_UNITS = frozenset(
    "second seconds sec secs day days week weeks fortnight month months year years".split()
)
_FRACTIONS = {"half": Fraction(1, 2), "quarter": Fraction(1, 4), "quarters": Fraction(1, 4)}

_PREFIXES = {
    ("about",): "about", ("around",): "about", ("approximately",): "about",
    ("approx",): "about", ("roughly",): "about", ("some",): "about",
    ("an", "estimated"): "about",
    ("almost",): "almost", ("nearly",): "almost", ("not", "quite"): "almost",
    ("just", "under"): "almost", ("slightly", "under"): "almost", ("a", "little", "under"): "almost",
    ("under",): "less_than", ("less", "than"): "less_than", ("fewer", "than"): "less_than",
    ("well", "under"): "less_than",
    ("more", "than"): "more_than", ("over",): "more_than", ("just", "over"): "more_than",
    ("slightly", "over"): "more_than", ("a", "little", "over"): "more_than",
    ("well", "over"): "more_than", ("upwards", "of"): "more_than", ("at", "least"): "more_than",
    ("longer", "than"): "more_than", ("slightly", "more", "than"): "more_than",
    ("a", "little", "more", "than"): "more_than",
}
_SUFFIXES = {
    ("or", "so"): "about",
    ("plus",): "more_than", ("or", "more"): "more_than", ("or", "longer"): "more_than",
    ("or", "less"): "less_than",
}


def _index_by_first_word(table: dict[tuple[str, ...], str]) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """Phrases grouped by their first word, longest first, so the first that matches is the longest."""
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for phrase, meaning in sorted(table.items(), key=lambda item: -len(item[0])):
        index.setdefault(phrase[0], []).append((phrase, meaning))
    return index


_PREFIX_INDEX = _index_by_first_word(_PREFIXES)
_SUFFIX_INDEX = _index_by_first_word(_SUFFIXES)

#: Figure-less wordings ("a lengthy call"), read as Duration(None, "qualitative").
_QUALITATIVE = frozenset("lengthy long brief short marathon extended quick".split())
#: A curator's note that may follow a qualitative word: "lengthy, no figure".
_NO_FIGURE = ("no", "figure")
#: In running text a qualitative word counts only right before one of these ("a brief phone call").
_CONTACT_NOUNS = frozenset(
    "call calls phone telephone video conversation conversations talk talks meeting meetings "
    "discussion discussions session sessions exchange chat summit negotiations".split()
)

#: Every word parse_duration can use; anything else is reported as an unknown word.
_VOCABULARY = frozenset(
    {"and", "of", "long", *_ARTICLES, *_ONES, *_TENS, *_UNITS, *_FRACTIONS, *_QUALITATIVE, *_NO_FIGURE}
    | {word for phrase in (*_PREFIXES, *_SUFFIXES) for word in phrase}
)


# --------------------------------------------------------------------------- tokenizer


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "num", "word" or "punct"
    value: object  # Fraction for "num", lower-case str for "word", the character for "punct"
    raw: str
    start: int
    end: int


_TOKEN_RE = re.compile(
    r"""
      (?P<gap>   [\s\-\u2010\u2011\u2013\u2212]+ )   # whitespace, hyphens, en dash, minus sign
    | (?P<num>   [0-9]+ (?:\.[0-9]+)? )
    | (?P<word>  (?i:approx\.) | [^\W\d_]+ )           # "approx." keeps its dot
    | (?P<punct> . )
    """,
    re.VERBOSE | re.DOTALL,
)
_MINUS_SIGNS = "-\u2212"
#: Run-together words read as two tokens: "hourlong" is "hour" + "long".
_SPLIT_WORDS = {f"{unit}long": len(unit) for unit in _BARE_UNITS}


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    for m in _TOKEN_RE.finditer(text):
        kind, raw, start, end = m.lastgroup, m.group(), m.start(), m.end()
        if kind == "num":
            value = Fraction(Decimal(raw))
            # "-5 minutes" is negative; "1-2" and "pre-2021" only use a hyphen as a joiner.
            if start and text[start - 1] in _MINUS_SIGNS and (start == 1 or not text[start - 2].isalnum()):
                start -= 1
                value = -value
            tokens.append(_Token("num", value, text[start:end], start, end))
        elif kind == "word":
            word = raw.lower().rstrip(".")
            if word in _SPLIT_WORDS:
                cut = start + _SPLIT_WORDS[word]
                tokens.append(_Token("word", word[: cut - start], text[start:cut], start, cut))
                tokens.append(_Token("word", word[cut - start :], text[cut:end], cut, end))
                continue
            tokens.append(_Token("word", word, text[start:end], start, end))
        elif kind == "punct":
            if raw == "+":  # "90+ minutes", "2h+"
                tokens.append(_Token("word", "plus", raw, start, end))
            else:
                tokens.append(_Token("punct", raw, raw, start, end))
    return tokens


# --------------------------------------------------------------------------- grammar


class _Match(NamedTuple):
    end: int  # index of the first token after the mention
    minutes: Fraction | None
    qualifier: str


class _Term(NamedTuple):
    end: int
    minutes: Fraction
    unit: int  # minutes in the unit: 60 or 1
    simple: bool  # a plain "<quantity> <unit>", which may take an "and a half" or minutes tail
    qualifier: str | None  # "more_than" for "90-plus minutes"


class _Grammar:
    """Recursive descent over a token list. Each rule takes a token index and returns
    what it read (ending at a later index) or None. Failures worth reporting are kept,
    the furthest one wins, so parse_duration can say where and why reading stopped."""

    def __init__(self, tokens: list[_Token], *, in_text: bool):
        self.tokens = tokens
        self.in_text = in_text  # running text (find_durations) rather than one whole duration
        self.failure: tuple[int, str] | None = None

    # -- helpers

    def _fail(self, index: int, message: str) -> None:
        if self.failure is None or index > self.failure[0]:
            self.failure = (index, message)

    def _word(self, i: int) -> str | None:
        if i < len(self.tokens) and self.tokens[i].kind == "word":
            return self.tokens[i].value
        return None

    def _is_punct(self, i: int, char: str) -> bool:
        return i < len(self.tokens) and self.tokens[i].kind == "punct" and self.tokens[i].value == char

    def _raw(self, start: int, end: int) -> str:
        return " ".join(token.raw for token in self.tokens[start:end])

    def _phrase(self, i: int, index: dict[str, list[tuple[tuple[str, ...], str]]]) -> tuple[int, str] | None:
        """The longest indexed phrase starting at ``i``, as (end, what it means)."""
        for phrase, meaning in index.get(self._word(i), ()):
            if all(self._word(i + k) == word for k, word in enumerate(phrase)):
                return i + len(phrase), meaning
        return None

    # -- rules

    def mention(self, i: int) -> _Match | None:
        return self._qualitative(i) or self._measured(i)

    def _qualitative(self, i: int) -> _Match | None:
        if self._word(i) not in _QUALITATIVE:
            return None
        end = i + 1
        if self.in_text:  # "a lengthy call", but not "long-awaited" or "in short"
            return _Match(end, None, "qualitative") if self._word(end) in _CONTACT_NOUNS else None
        note = end + self._is_punct(end, ",")
        if self._word(note) == _NO_FIGURE[0] and self._word(note + 1) == _NO_FIGURE[1]:
            end = note + 2
        return _Match(end, None, "qualitative")

    def _measured(self, i: int) -> _Match | None:
        prefix = self._phrase(i, _PREFIX_INDEX)
        for start, qualifier in ([prefix] if prefix else []) + [(i, None)]:
            amount = self._amount(start)
            if amount is None:
                if qualifier:
                    self._fail(start, f"expected a figure after {self._raw(i, start)!r}")
                continue
            end, minutes, inner = amount
            qualifiers = {q for q in (qualifier, inner) if q}
            if self._word(end) == "long":  # "hour-long", "two hours long"
                end += 1
            suffix = self._suffix(end)
            if suffix and qualifiers and suffix[1] not in qualifiers:
                self._fail(end, f"{self._raw(end, suffix[0])!r} contradicts the qualifier before it")
            elif suffix:
                end, qualifiers = suffix[0], qualifiers | {suffix[1]}
            if len(qualifiers) > 1:
                self._fail(start, "contradictory qualifiers " + " and ".join(map(repr, sorted(qualifiers))))
            elif minutes <= 0:
                self._fail(start, "a duration must be longer than zero")
            elif minutes > MAX_MINUTES:
                self._fail(start, f"{_number(minutes)} minutes is absurd for one contact (over 48 hours)")
            else:
                return _Match(end, minutes, qualifiers.pop() if qualifiers else "exact")
        return None

    def _suffix(self, i: int) -> tuple[int, str] | None:
        suffix = self._phrase(i, _SUFFIX_INDEX)
        # "an hour plus a working lunch": "plus" adds something else, it does not qualify the hour.
        if suffix and self._word(i) == "plus" and self._quantity(suffix[0]):
            return None
        return suffix

    def _amount(self, i: int) -> tuple[int, Fraction, str | None] | None:
        term = self._term(i)
        if term is None:
            return None
        if term.simple:
            fraction = self._and_fraction(term.end)  # "an hour and a half"
            if fraction:
                return fraction[0], term.minutes + fraction[1] * term.unit, term.qualifier
            if term.unit == 60:
                # "two hours and one minute", "1 h 15 min", "1h15"
                tail = self._minutes_tail(term.end) or self._clock_minutes(term.end)
                if tail:
                    return tail.end, term.minutes + tail.minutes, term.qualifier
        return term.end, term.minutes, term.qualifier

    def _minutes_tail(self, i: int) -> _Term | None:
        j = i + self._is_punct(i, ",")
        j += self._word(j) == "and"
        term = self._term(j)
        if term is None or term.unit != 1 or not term.simple:
            return None
        if term.minutes >= 60:
            self._fail(j, "the minutes after the hours must be fewer than 60")
            return None
        return term

    def _clock_minutes(self, i: int) -> _Term | None:
        """The bare minutes of "1h15" or "2h05": a whole number under 60 glued to an "h"."""
        if self._word(i - 1) != "h" or i >= len(self.tokens):
            return None
        token = self.tokens[i]
        glued = token.start == self.tokens[i - 1].end
        if glued and token.kind == "num" and token.value.denominator == 1 and 0 <= token.value < 60:
            return _Term(i + 1, token.value, 1, True, None)
        return None

    def _term(self, i: int) -> _Term | None:
        fraction = self._fraction(i)  # "half an hour", "a quarter of an hour", "half-hour"
        if fraction:
            j, value = fraction
            j += self._word(j) == "of"
            j += self._word(j) in _ARTICLES
            unit = _UNITS.get(self._word(j))
            if unit is None:
                self._fail(j, f"expected hours or minutes after {self._raw(i, j)!r}")
                return None
            return _Term(j + 1, value * unit, unit, False, None)

        if self._word(i) in _BARE_UNITS:  # "hour-long"
            if self._word(i + 1) == "long":
                unit = _UNITS[self._word(i)]
                return _Term(i + 1, Fraction(unit), unit, True, None)
            self._fail(i, f"expected a figure before {self.tokens[i].raw!r}")
            return None

        quantity = self._quantity(i)
        if quantity is None:
            return None
        j, value = quantity
        if value < 0:
            self._fail(i, "a duration cannot be negative")
            return None
        simple, qualifier = True, None
        fraction = self._and_fraction(j)  # "two and a half hours"
        if fraction:
            j, value, simple = fraction[0], value + fraction[1], False
        if self._word(j) == "plus":  # "90-plus minutes"
            j, qualifier, simple = j + 1, "more_than", False
        unit = _UNITS.get(self._word(j))
        if unit is None:
            self._fail(j, f"expected hours or minutes after {self._raw(i, j)!r}")
            return None
        return _Term(j + 1, value * unit, unit, simple, qualifier)

    def _and_fraction(self, i: int) -> tuple[int, Fraction] | None:
        return self._fraction(i + 1) if self._word(i) == "and" else None

    def _fraction(self, i: int) -> tuple[int, Fraction] | None:
        j, count = self._quantity(i) or (i, Fraction(1))  # "half", "a half", "three quarters"
        share = _FRACTIONS.get(self._word(j))
        return (j + 1, count * share) if share else None

    def _quantity(self, i: int) -> tuple[int, Fraction] | None:
        if i >= len(self.tokens):
            return None
        token = self.tokens[i]
        if token.kind == "num":
            return i + 1, token.value
        word = self._word(i)
        if word in _ARTICLES:
            return i + 1, Fraction(1)
        if word in _TENS:  # "forty-five", "twenty five", "thirty"
            ones = _ONES.get(self._word(i + 1), 0)
            if 1 <= ones <= 9:
                return i + 2, Fraction(_TENS[word] + ones)
            return i + 1, Fraction(_TENS[word])
        if word in _ONES:
            return i + 1, Fraction(_ONES[word])
        return None


def _number(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"


def _is_figure(token: _Token) -> bool:
    return token.kind == "num" or (token.kind == "word" and (token.value in _ONES or token.value in _TENS))


def _cuts_a_word(tokens: list[_Token], start: int, end: int) -> bool:
    """Whether tokens[start:end] begins or ends inside a run of letters and digits ("1h75", "x2 hours")."""

    def glued(left: int, right: int) -> bool:
        return (
            0 <= left and right < len(tokens)
            and tokens[left].end == tokens[right].start
            and tokens[left].kind != "punct" and tokens[right].kind != "punct"
        )

    return glued(start - 1, start) or glued(end - 1, end)


def _continues_a_figure(text: str, tokens: list[_Token], i: int) -> bool:
    """Whether token ``i`` is the second half of a range or of a number this module cannot read:
    "40-50 minutes", "one to two hours", "between 1 and 2 hours", "2,5 hours", "1,000 minutes".
    Reading from there would report a figure the text does not give."""
    if i == 0 or not _is_figure(tokens[i]):
        return False
    before, figure = tokens[i - 1], tokens[i]
    if _is_figure(before):  # "40-50", "two-three"
        return text[before.end : figure.start].strip() in ("-", "\u2010", "\u2011", "\u2013")
    if i < 2 or not _is_figure(tokens[i - 2]):
        return False
    if before.kind == "punct" and before.value in ",.":  # "2,5", "1.2.5": glued digits
        return tokens[i - 2].kind == "num" and tokens[i - 2].end == before.start and before.end == figure.start
    return before.kind == "word" and before.value in ("to", "or", "and")


# --------------------------------------------------------------------------- public API


def parse_duration(text: str) -> Duration:
    """Read ``text`` as exactly one duration; surrounding whitespace and punctuation are ignored.

    Raises DurationParseError, with the column where reading failed, for anything else.
    """
    tokens = _tokenize(text)
    lo, hi = 0, len(tokens)
    while lo < hi and tokens[lo].kind == "punct":
        lo += 1
    while hi > lo and tokens[hi - 1].kind == "punct":
        hi -= 1
    body = tokens[lo:hi]
    if not body:
        raise DurationParseError(text, 1, "empty text" if not text.strip() else "no figure or wording to read")

    for token in body:
        if token.kind == "word" and token.value not in _VOCABULARY:
            if token.value in _UNSUPPORTED_UNITS:
                message = f"{token.raw!r} is not a contact-duration unit (only hours and minutes are)"
            else:
                message = f"unknown word {token.raw!r}"
            raise DurationParseError(text, token.start + 1, message)

    grammar = _Grammar(body, in_text=False)
    match = grammar.mention(0)
    if match and match.end == len(body):
        minutes = None if match.minutes is None else float(match.minutes)
        return Duration(minutes, match.qualifier, text)

    reached = match.end if match else 0
    index, message = grammar.failure or (reached, "")
    if index < reached or not message:
        index, message = reached, f"unexpected {body[reached].raw!r}"
    column = body[index].start + 1 if index < len(body) else body[-1].end + 1
    raise DurationParseError(text, column, message)


def find_durations(text: str) -> list[tuple[int, int, Duration]]:
    """Every duration mention in free text, as (start, end, Duration), in order and non-overlapping.

    ``text[start:end]`` is the mention, qualifier included ("almost 2.5 hours"), and reads back
    with parse_duration to the same Duration. Figure-less words ("lengthy") count only right
    before a contact noun ("a lengthy phone call"). Mentions that would read half a range or half
    a number ("40-50 minutes", "one to two hours", "2,5 hours", "1h75") are left out, as are
    absurd or zero figures ("within 72 hours"). Never raises.
    """
    tokens = _tokenize(text)
    grammar = _Grammar(tokens, in_text=True)
    found: list[tuple[int, int, Duration]] = []
    i = 0
    while i < len(tokens):
        match = None if _continues_a_figure(text, tokens, i) else grammar.mention(i)
        if match is None or _cuts_a_word(tokens, i, match.end):
            i += 1
            continue
        start, end = tokens[i].start, tokens[match.end - 1].end
        minutes = None if match.minutes is None else float(match.minutes)
        found.append((start, end, Duration(minutes, match.qualifier, text[start:end])))
        i = match.end
    return found
