"""Dates in articles, resolved against the publication date.

``find_dates(text, start, end, published)`` finds date expressions with our own patterns and
resolves each to a partial date (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``) with its precision:

* explicit dates ("January 28, 2017", "May 2017", "28 января 2017 года", "in 2019") are read by
  dateparser (English and Russian), which also says how precise they are;
* a month or a day without a year ("in June", "November 11") is the most recent one on or before
  publication (dateparser with ``RELATIVE_BASE`` = publication, ``PREFER_DATES_FROM = 'past'``);
* weekday names ("on Thursday", "Tuesday morning", "Thursday's call") are our rule: the most recent
  such weekday on or before the publication date;
* "today", "yesterday", "N days ago", "last week", "last month", "this year" count from publication.

A relative date needs a publication date as precise as itself: against a month-precision
publication ("2025-10") a weekday gives the month only, and with no publication date it stays
unresolved (value None) but is still reported, with a note saying why.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["PartialDate", "DateMention", "find_dates", "parse_partial", "find_dateline", "compatible"]


@dataclass(frozen=True, order=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def __str__(self) -> str:
        if self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def first(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def last(self) -> dt.date:
        if self.day:
            return self.first()
        if self.month:
            return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return dt.date(self.year, 12, 31)

    @classmethod
    def of(cls, date: dt.date, precision: str = "day") -> "PartialDate":
        if precision == "year":
            return cls(date.year)
        if precision == "month":
            return cls(date.year, date.month)
        return cls(date.year, date.month, date.day)

    def coarsen(self, precision: str) -> "PartialDate":
        order = ("year", "month", "day")
        if order.index(precision) >= order.index(self.precision):
            return self
        return PartialDate.of(self.first(), precision)


def parse_partial(text: str | None) -> PartialDate | None:
    """``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` (anything else: None)."""
    if not text:
        return None
    m = re.fullmatch(r"\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*", str(text))
    if not m:
        return None
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if day:
            dt.date(year, int(month), int(day))
            return PartialDate(year, int(month), int(day))
        if month:
            if not 1 <= int(month) <= 12:
                return None
            return PartialDate(year, int(month))
        return PartialDate(year)
    except ValueError:
        return None


def compatible(a: PartialDate, b: PartialDate, days: int = 1) -> bool:
    """Same contact date: days apart at most ``days`` when both are days; otherwise the coarser one holds the finer."""
    if a.precision == "day" and b.precision == "day":
        return abs((a.first() - b.first()).days) <= days
    precision = "year" if "year" in (a.precision, b.precision) else "month"
    return a.coarsen(precision) == b.coarsen(precision)


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    value: PartialDate | None
    rule: str  # explicit, month_day, month, year, weekday, relative
    note: str = ""


# ------------------------------------------------------------------------------------- patterns

_MONTHS_EN = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_MONTH_STEMS_RU = {
    "январ": 1, "феврал": 2, "март": 3, "апрел": 4, "ма": 5, "июн": 6, "июл": 7, "август": 8,
    "сентябр": 9, "октябр": 10, "ноябр": 11, "декабр": 12,
}
_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
    "понедельник": 0, "вторник": 1, "среду": 2, "среда": 2, "четверг": 3, "пятницу": 4, "пятница": 4,
    "субботу": 5, "суббота": 5, "воскресенье": 6,
}
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "a": 1, "an": 1}

_MON = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
_MON_RU = r"(?:январ[ьяе]|феврал[ьяе]|март[ае]?|апрел[ьяе]|ма[йяе]|июн[ьяе]|июл[ьяе]|август[ае]?|сентябр[ьяе]|октябр[ьяе]|ноябр[ьяе]|декабр[ьяе])"
_DAY = r"(?:[12][0-9]|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_WD_RU = r"(?:понедельник|вторник|среду|четверг|пятницу|субботу|воскресенье)"
_PREP = r"(?:in|since|during|by|until|till|from|of|for|early|late|mid-?|this|last|past|that|the)"
_NUMWORD = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|a|an)"

_PATTERNS: list[tuple[str, str]] = [
    ("iso", rf"\b{_YEAR}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])\b"),
    ("explicit", rf"\b{_MON}\s+{_DAY},?\s+{_YEAR}\b"),  # January 28, 2017
    ("explicit", rf"\b{_DAY}\s+{_MON},?\s+{_YEAR}\b"),  # 28 January 2017
    ("explicit", rf"(?i:\b{_DAY}\s+{_MON_RU}\s+{_YEAR}(?:\s+(?:года|г\.))?)"),  # 28 января 2017 года
    ("explicit", rf"\b{_MON},?\s+{_YEAR}\b"),  # May 2017
    ("explicit", rf"(?i:\bв\s+{_MON_RU}\s+{_YEAR}(?:\s+(?:года|г\.))?)"),  # в мае 2017 года
    ("month_day", rf"\b{_MON}\s+{_DAY}\b(?!\s*,?\s*\d)"),  # November 11
    ("month_day", rf"\b{_DAY}\s+{_MON}\b(?!\s*,?\s*\d)"),  # 11 November
    ("month_day", rf"(?i:\b{_DAY}\s+{_MON_RU})\b(?!\s*\d)"),  # 11 ноября
    ("month", rf"(?i:\b{_PREP})\s+{_MON}\b(?!\s*\d)"),  # in June, last May
    ("month", rf"(?i:\bв\s+{_MON_RU})\b(?!\s*\d)"),  # в июне
    ("year", rf"(?i:\b(?:in|since|during|by|until|of|early|late|mid-?)\s+){_YEAR}\b(?!-)"),  # in 2019
    ("year", rf"(?i:\bв\s+){_YEAR}(?:\s+году)?\b"),  # в 2019 году
    ("weekday", rf"\b(?:(?i:on|last|this|by|since|until|early|late)\s+)?{_WD}(?:['’]s)?(?:\s+(?i:morning|afternoon|evening|night))?\b"),
    ("weekday", rf"(?i:\bво?\s+{_WD_RU})\b"),
    ("relative", r"(?i:\b(?:today|tonight|this\s+morning|this\s+afternoon|this\s+evening|yesterday|last\s+night|the\s+day\s+before\s+yesterday|сегодня|вчера)\b)"),
    ("relative", rf"(?i:\b{_NUMWORD}\s+(?:days?|weeks?)\s+ago\b)"),
    ("relative", r"(?i:\b(?:last|this|earlier\s+this|the\s+previous|past)\s+(?:week|month|year)\b)"),
]
_FINDER = re.compile("|".join(f"(?P<{kind}{i}>{pattern})" for i, (kind, pattern) in enumerate(_PATTERNS)))


@lru_cache(maxsize=8)
def _parser(base: dt.datetime | None):
    from dateparser.date import DateDataParser

    settings = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
    if base is not None:
        settings["RELATIVE_BASE"] = base
    return DateDataParser(languages=["en", "ru"], settings=settings)


def _dateparser(text: str, base: dt.date | None) -> PartialDate | None:
    """Read one explicit date with dateparser; its ``period`` gives the precision."""
    cleaned = re.sub(r"(?i)^(?:in|since|during|by|until|till|from|of|for|early|late|mid-?|this|last|past|that|the|в|во)\s+", "", text.strip())
    cleaned = re.sub(r"(?<=\d)(?:st|nd|rd|th)\b", "", cleaned)
    cleaned = re.sub(r"\s+(?:года|году|г\.)$", "", cleaned)
    base_dt = dt.datetime.combine(base, dt.time(12)) if base else None
    data = _parser(base_dt).get_date_data(cleaned)
    if data is None or data.date_obj is None:
        return None
    period = data.period if data.period in ("day", "month", "year") else "day"
    return PartialDate.of(data.date_obj.date(), period)


def _month_number(word: str) -> int | None:
    word = word.lower().rstrip(".")
    if word in _MONTHS_EN:
        return _MONTHS_EN[word]
    for stem, number in sorted(_MONTH_STEMS_RU.items(), key=lambda kv: -len(kv[0])):
        if word.startswith(stem):
            return number
    return None


def _base(published: PartialDate | None) -> dt.date | None:
    """The reference day for resolving: the publication day, or the last day of its month/year."""
    return published.last() if published else None


def find_dates(text: str, start: int = 0, end: int | None = None, published: PartialDate | None = None) -> list[DateMention]:
    end = len(text) if end is None else end
    found: list[DateMention] = []
    for m in _FINDER.finditer(text, start, end):
        kind = re.sub(r"\d+$", "", m.lastgroup)
        raw = m.group(0)
        mention = _resolve(kind, raw, published)
        found.append(DateMention(m.start(), m.end(), raw, *mention))
    return found


def _resolve(kind: str, raw: str, published: PartialDate | None) -> tuple[PartialDate | None, str, str]:
    base = _base(published)
    if kind in ("iso", "explicit"):
        return _dateparser(raw, base), "explicit", ""
    if kind == "year":
        year = int(re.search(r"\d{4}", raw).group(0))
        return PartialDate(year), "year", ""
    if published is None:
        return None, kind, "relative date: no publication date to resolve it against"
    if kind == "month_day":
        if published.precision == "year":
            return None, kind, "day without a year, and the publication date gives only the year"
        value = _dateparser(raw, base)
        return value, kind, f"most recent {raw.strip()} on or before publication ({published})"
    if kind == "month":
        words = raw.split()
        month = _month_number(words[-1])
        if month is None:
            return None, kind, ""
        qualifier = words[0].lower() if len(words) > 1 else ""
        year = published.year
        if published.precision != "year" and month > published.month:
            year -= 1
        if qualifier in ("last", "past") and published.precision != "year" and month == published.month:
            year -= 1
        note = f"most recent {words[-1]} on or before publication ({published})"
        if published.precision == "year":
            note = f"the publication year ({published}); the month may be in the year before"
        return PartialDate(year, month), kind, note
    if kind == "weekday":
        word = re.search(rf"(?i){_WD}|{_WD_RU}", raw).group(0).lower()
        weekday = _WEEKDAYS[word]
        if published.precision != "day":
            return published, kind, f"weekday against a {published.precision}-precision publication date ({published}): {published.precision} only"
        pub = published.first()
        back = (pub.weekday() - weekday) % 7
        if re.match(r"(?i)last\s", raw) and back == 0:
            back = 7
        day = pub - dt.timedelta(days=back)
        if re.match(r"(?i)(?:by|until|since)\s", raw):
            # "By Friday, he had spoken with Orbán": some day up to (or from) that Friday, not on it
            return PartialDate.of(day, "month"), kind, f"{raw.strip()!r} bounds the day ({day}) without giving it: month only"
        return PartialDate.of(day), kind, f"the {day:%A} on or before publication ({published})"
    return _relative(raw, published)


def _relative(raw: str, published: PartialDate) -> tuple[PartialDate | None, str, str]:
    text = re.sub(r"\s+", " ", raw.strip().lower())
    pub = published.first()
    day_precise = published.precision == "day"
    offset = None
    if text in ("today", "tonight", "this morning", "this afternoon", "this evening", "сегодня"):
        offset = 0
    elif text in ("yesterday", "last night", "вчера"):
        offset = 1
    elif text == "the day before yesterday":
        offset = 2
    m = re.fullmatch(rf"({_NUMWORD}) (days?|weeks?) ago", text)
    if m:
        count = int(m.group(1)) if m.group(1).isdigit() else _NUMBERS.get(m.group(1), 1)
        offset = count * (7 if m.group(2).startswith("week") else 1)
    if offset is not None:
        if not day_precise:
            return published, "relative", f"{raw!r} against a {published.precision}-precision publication date: {published.precision} only"
        day = pub - dt.timedelta(days=offset)
        precision = "day" if not m or not m.group(2).startswith("week") else "month"
        value = PartialDate.of(day, precision)
        return value, "relative", f"{raw.strip()} counted from publication ({published})"
    m = re.fullmatch(r"(last|this|earlier this|the previous|past) (week|month|year)", text)
    if not m:
        return None, "relative", ""
    which, unit = m.groups()
    previous = which in ("last", "the previous", "past")
    if unit == "year":
        return PartialDate(published.year - (1 if previous else 0)), "relative", f"{raw.strip()}: from publication ({published})"
    if unit == "month":
        if published.precision == "year":
            return PartialDate(published.year), "relative", f"{raw.strip()}: the publication gives only the year"
        first = published.first()
        if previous:
            first = (first.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        return PartialDate.of(first, "month"), "relative", f"{raw.strip()}: from publication ({published})"
    # week
    if not day_precise:
        return published.coarsen("month") if published.precision == "day" else published, "relative", f"{raw.strip()}: publication is {published.precision}-precise"
    monday = pub - dt.timedelta(days=pub.weekday() + (7 if previous else 0))
    sunday = monday + dt.timedelta(days=6)
    if monday.year == sunday.year and monday.month == sunday.month:
        return PartialDate.of(monday, "month"), "relative", f"{raw.strip()}: {monday}..{sunday}, month only"
    if monday.year == sunday.year:
        return PartialDate(monday.year), "relative", f"{raw.strip()}: {monday}..{sunday} spans two months, year only"
    return None, "relative", f"{raw.strip()}: {monday}..{sunday} spans two years"


# ----------------------------------------------------------------------------- publication date

_DATELINE = re.compile(
    rf"^\s*(?:(?:published|updated|posted|опубликовано)\s*(?:on|:)?\s*)?(?:{_WD},?\s+)?(?P<date>{_MON}\s+{_DAY},?\s+{_YEAR}|{_DAY}\s+{_MON},?\s+{_YEAR}|{_YEAR}-\d\d-\d\d|(?i:{_DAY}\s+{_MON_RU}\s+{_YEAR}))(?:\s*(?:,|at|в)?\s*\d{{1,2}}[:.]\d\d(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{{2,4}})?)?\s*$",
    re.IGNORECASE,
)


def find_dateline(text: str, lines: int = 25) -> tuple[PartialDate, int, int] | None:
    """A publication date printed on a line of its own near the top ("December 31, 2021"), with its offsets."""
    offset = 0
    seen = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if body.strip():
            seen += 1
            m = _DATELINE.match(body)
            if m:
                value = _dateparser(m.group("date"), None)
                if value and value.precision == "day":
                    return value, offset + m.start("date"), offset + m.end("date")
            if seen >= lines:
                break
        offset += len(line)
    return None


def parse_published(text: str | None) -> PartialDate | None:
    """A publication date given by the user or by HTML metadata: YYYY[-MM[-DD]] or an ISO timestamp."""
    if not text:
        return None
    value = parse_partial(text)
    if value:
        return value
    m = re.match(r"\s*(\d{4}-\d{2}-\d{2})[T ]", text)
    if m:
        return parse_partial(m.group(1))
    return _dateparser(text, None)
