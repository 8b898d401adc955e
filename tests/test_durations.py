"""Tests for metrics.durations: worded contact durations read into minutes."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diplodash.metrics.durations import (
    MAX_MINUTES,
    QUALIFIERS,
    Duration,
    DurationParseError,
    find_durations,
    parse_duration,
)

# --------------------------------------------------------------------------- parse_duration: forms

FORMS = [
    # digits and decimals
    ("50 minutes", 50, "exact"),
    ("62 minutes", 62, "exact"),
    ("50-minute", 50, "exact"),
    ("45 min", 45, "exact"),
    ("3 h", 180, "exact"),
    ("2.5 h", 150, "exact"),
    ("almost 2.5 hours", 150, "almost"),
    ("1 h 15 min", 75, "exact"),
    ("2 h 5 min", 125, "exact"),
    ("2 h 1 min", 121, "exact"),
    ("3 h 21 min", 201, "exact"),
    ("1.5 h", 90, "exact"),
    ("4.5 h", 270, "exact"),
    ("90 min", 90, "exact"),
    ("1.1 hours", 66, "exact"),
    ("2 hrs", 120, "exact"),
    ("1h15min", 75, "exact"),
    ("2 h 0 min", 120, "exact"),
    ("1h15", 75, "exact"),
    ("2h05", 125, "exact"),
    ("48 hours", MAX_MINUTES, "exact"),
    # number words
    ("two hours and one minute", 121, "exact"),
    ("fifteen-minute", 15, "exact"),
    ("three-hour", 180, "exact"),
    ("five hours", 300, "exact"),
    ("forty-five minutes", 45, "exact"),
    ("twenty five minutes", 25, "exact"),
    ("ninety-nine minutes", 99, "exact"),
    ("a minute", 1, "exact"),
    # hours, halves and quarters
    ("an hour", 60, "exact"),
    ("hour-long", 60, "exact"),
    ("an hour-long", 60, "exact"),
    ("an hourlong", 60, "exact"),
    ("two hours long", 120, "exact"),
    ("one hour", 60, "exact"),
    ("half an hour", 30, "exact"),
    ("half-hour", 30, "exact"),
    ("a half-hour", 30, "exact"),
    ("an hour and a half", 90, "exact"),
    ("one and a half hours", 90, "exact"),
    ("an hour and a quarter", 75, "exact"),
    ("an hour and three quarters", 105, "exact"),
    ("a quarter of an hour", 15, "exact"),
    ("three quarters of an hour", 45, "exact"),
    ("two and a half hours", 150, "exact"),
    ("a minute and a half", 1.5, "exact"),
    ("an hour and 15 minutes", 75, "exact"),
    ("an hour and a minute", 61, "exact"),
    ("1 hour 10 minutes", 70, "exact"),
    ("two hours, five minutes", 125, "exact"),
    # qualifiers before the figure
    ("about an hour", 60, "about"),
    ("around 40 minutes", 40, "about"),
    ("approximately two hours", 120, "about"),
    ("approx. 40 min", 40, "about"),
    ("roughly 90 minutes", 90, "about"),
    ("some 40 minutes", 40, "about"),
    ("an estimated 50 minutes", 50, "about"),
    ("nearly three hours", 180, "almost"),
    ("just under an hour", 60, "almost"),
    ("slightly under two hours", 120, "almost"),
    ("not quite an hour", 60, "almost"),
    ("nearly one and a half hours", 90, "almost"),
    ("under an hour", 60, "less_than"),
    ("less than 30 minutes", 30, "less_than"),
    ("fewer than 20 minutes", 20, "less_than"),
    ("more than two hours", 120, "more_than"),
    ("over an hour", 60, "more_than"),
    ("just over 90 minutes", 90, "more_than"),
    ("slightly over three hours", 180, "more_than"),
    ("upwards of two hours", 120, "more_than"),
    ("at least 45 minutes", 45, "more_than"),
    ("longer than an hour", 60, "more_than"),
    ("a little over an hour", 60, "more_than"),
    # qualifiers after the figure
    ("an hour or so", 60, "about"),
    ("two-hour-plus", 120, "more_than"),
    ("an hour-plus", 60, "more_than"),
    ("90-plus minutes", 90, "more_than"),
    ("90+ minutes", 90, "more_than"),
    ("two hours or more", 120, "more_than"),
    ("about two hours or so", 120, "about"),
    # no figure
    ("lengthy", None, "qualitative"),
    ("long", None, "qualitative"),
    ("brief", None, "qualitative"),
    ("short", None, "qualitative"),
    ("lengthy, no figure", None, "qualitative"),
    # case, spacing, dashes, surrounding punctuation
    ("TWO HOURS", 120, "exact"),
    ("Half An Hour", 30, "exact"),
    ("50\u00a0minutes", 50, "exact"),  # non-breaking space
    ("50\u202fminutes", 50, "exact"),  # narrow non-breaking space
    ("50\u2013minute", 50, "exact"),  # en dash
    ("forty\u2011five minutes", 45, "exact"),  # non-breaking hyphen
    ("  (about 50 minutes).  ", 50, "about"),
    ('"lengthy"', None, "qualitative"),
]


@pytest.mark.parametrize(("text", "minutes", "qualifier"), FORMS, ids=[form[0] for form in FORMS])
def test_parse_forms(text, minutes, qualifier):
    duration = parse_duration(text)
    assert duration == Duration(None if minutes is None else float(minutes), qualifier, text)
    assert duration.minutes is None or isinstance(duration.minutes, float)


def test_the_forms_table_is_large_and_covers_every_qualifier():
    assert len(FORMS) >= 45
    assert {qualifier for _, _, qualifier in FORMS} == set(QUALIFIERS)


# --------------------------------------------------------------------------- parse_duration: errors

ERRORS = [
    # (text, column, words the message must contain)
    ("", 1, "empty"),
    ("   ", 1, "empty"),
    (".,;", 1, "no figure"),
    ("50", 3, "expected hours or minutes after '50'"),
    ("about 50", 9, "expected hours or minutes"),
    ("two hourz", 5, "unknown word 'hourz'"),
    ("50 apples", 4, "unknown word 'apples'"),
    ("fifty minutes of talks", 18, "unknown word 'talks'"),
    ("a couple of hours", 3, "unknown word 'couple'"),
    ("0 minutes", 1, "longer than zero"),
    ("zero minutes", 1, "longer than zero"),
    ("0 h 0 min", 1, "longer than zero"),
    ("-5 minutes", 1, "negative"),
    ("about \u22125 minutes", 7, "negative"),
    ("49 hours", 1, "absurd"),
    ("about 49 hours", 7, "absurd"),
    ("2881 minutes", 1, "absurd"),
    ("3 days", 3, "'days' is not a contact-duration unit"),
    ("a 12-day", 6, "'day' is not a contact-duration unit"),
    ("30 seconds", 4, "not a contact-duration unit"),
    ("about", 6, "expected a figure after 'about'"),
    ("hour", 1, "expected a figure before 'hour'"),
    ("a half", 7, "expected hours or minutes after 'a half'"),
    ("2 hours 90 minutes", 9, "fewer than 60"),
    ("an hour or two", 9, "unexpected 'or'"),
    ("40-50 minutes", 4, "expected hours or minutes after '40'"),
    ("1 and 2 hours", 3, "expected hours or minutes after '1'"),
    ("2,5 hours", 2, "expected hours or minutes after '2'"),
    ("2 hours 3 hours", 9, "unexpected '3'"),
    ("1h75", 5, "expected hours or minutes after '75'"),
    ("50 minutes @ noon", 14, "unknown word 'noon'"),
    ("2 h @ 5 min", 5, "unexpected '@'"),
    ("more than two hours or so", 21, "contradicts"),
    ("about 90-plus minutes", 7, "contradictory qualifiers"),
    ("minutes", 1, "unexpected 'minutes'"),
]


@pytest.mark.parametrize(("text", "column", "words"), ERRORS, ids=[repr(e[0]) for e in ERRORS])
def test_parse_errors(text, column, words):
    with pytest.raises(DurationParseError) as caught:
        parse_duration(text)
    err = caught.value
    assert (err.text, err.column) == (text, column)
    assert words in err.message
    assert str(err) == f"cannot read {text!r} as a duration: {err.message} at column {column}"


def test_error_message_reads_like_the_spec():
    with pytest.raises(DurationParseError) as caught:
        parse_duration("two hourz")
    assert str(caught.value) == "cannot read 'two hourz' as a duration: unknown word 'hourz' at column 5"


def test_error_is_a_value_error_and_pickles():
    err = DurationParseError("50", 3, "expected a unit")
    assert isinstance(err, ValueError)
    again = pickle.loads(pickle.dumps(err))
    assert (again.text, again.column, again.message, str(again)) == (err.text, err.column, err.message, str(err))


def test_duration_is_frozen_and_checks_its_fields():
    duration = parse_duration("an hour")
    with pytest.raises(AttributeError):
        duration.minutes = 1.0  # type: ignore[misc]
    with pytest.raises(ValueError):
        Duration(60.0, "roughly", "an hour")
    with pytest.raises(ValueError):
        Duration(None, "exact", "an hour")
    with pytest.raises(ValueError):
        Duration(60.0, "qualitative", "lengthy")


# --------------------------------------------------------------------------- find_durations


def mention(
    text: str, words: str, minutes: float | None, qualifier: str, *, after: int = 0
) -> tuple[int, int, Duration]:
    """The expected (start, end, Duration) for the first occurrence of ``words`` in ``text[after:]``."""
    start = text.index(words, after)
    return (start, start + len(words), Duration(minutes, qualifier, words))


FIND_CASES = [
    ("the 50-minute call ended", [("50-minute", 50.0, "exact")]),
    ("they spoke for two hours and one minute, according to the Kremlin",
     [("two hours and one minute", 121.0, "exact")]),
    ("The call lasted almost 2.5 hours, Ushakov said.", [("almost 2.5 hours", 150.0, "almost")]),
    ("Their three-hour meeting in Helsinki", [("three-hour", 180.0, "exact")]),
    ("a fifteen-minute warning before the talks", [("fifteen-minute", 15.0, "exact")]),
    ("It was an hour-long conversation.", [("an hour-long", 60.0, "exact")]),
    ("talks lasted about an hour and a half", [("about an hour and a half", 90.0, "about")]),
    ("The leaders held a lengthy phone call on Tuesday.", [("lengthy", None, "qualitative")]),
    ("a brief telephone conversation", [("brief", None, "qualitative")]),
    ("they met for 1 h 15 min.", [("1 h 15 min", 75.0, "exact")]),
    ("an hour or so", [("an hour or so", 60.0, "about")]),
    ("a two-hour-plus meeting", [("two-hour-plus", 120.0, "more_than")]),
    ("talked for an hour plus a working lunch", [("an hour", 60.0, "exact")]),
    ("The 40\u00a0minute call", [("40\u00a0minute", 40.0, "exact")]),
    # nothing to find
    ("Putin set a 12-day deadline", []),
    ("the 75th anniversary of the victory", []),
    ("the two held 17 one-on-one calls in 2021", []),
    ("a long-awaited summit, in short", []),
    ("a ceasefire within 72 hours", []),  # absurd as a contact duration
    ("the call lasted 40-50 minutes", []),  # ranges are not read at all
    ("between one and two hours", []),
    ("a 2,5 hours figure", []),
    ("a 1h75 slot and an x2 hours code", []),  # would cut a word in two
    ("they met 1h15 in all", [("1h15", 75.0, "exact")]),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), FIND_CASES, ids=[case[0][:40] for case in FIND_CASES])
def test_find_durations(text, expected):
    assert find_durations(text) == [mention(text, words, minutes, q) for words, minutes, q in expected]


def test_find_several_mentions_in_order():
    text = (
        "First a 50-minute call, then half an hour in person on 3 May, then over 2 hours on video. "
        "The Kremlin said it lasted an hour. Five minutes later the talks resumed."
    )
    assert find_durations(text) == [
        mention(text, "50-minute", 50.0, "exact"),
        mention(text, "half an hour", 30.0, "exact"),
        mention(text, "over 2 hours", 120.0, "more_than"),
        mention(text, "an hour", 60.0, "exact", after=text.index("lasted")),
        mention(text, "Five minutes", 5.0, "exact"),
    ]


def test_find_spans_are_exact_offsets():
    text = "Spoke for two hours and one minute, according to"
    assert find_durations(text) == [(10, 34, Duration(121.0, "exact", "two hours and one minute"))]


# --------------------------------------------------------------------------- properties

UNDER_TWENTY = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def in_words(n: int) -> str:
    """1..99 as English words, hyphenating compounds: 45 -> 'forty-five'."""
    if n < 20:
        return UNDER_TWENTY[n - 1]
    tens, ones = divmod(n, 10)
    return TENS[tens - 2] + (f"-{UNDER_TWENTY[ones - 1]}" if ones else "")


@given(st.integers(1, 600))
def test_minutes_in_digits(n):
    assert parse_duration(f"{n} minutes").minutes == n
    hours, minutes = divmod(n, 60)
    assert parse_duration(f"{hours} h {minutes} min").minutes == n
    assert parse_duration(f"{hours} hours and {minutes} minutes").minutes == n


@given(st.integers(1, 99), st.sampled_from([" ", "-", "\u00a0", "\u2013"]))
def test_minutes_in_words(n, joiner):
    words = in_words(n).replace("-", joiner)
    assert parse_duration(f"{words} minutes").minutes == n
    assert parse_duration(f"{words}-minute").minutes == n


@given(st.integers(1, 47), st.integers(0, 59), st.sampled_from([" ", ", ", " and ", ", and "]))
def test_hours_in_words_with_minutes(hours, minutes, joiner):
    text = f"{in_words(hours)} hours" + (f"{joiner}{in_words(minutes)} minutes" if minutes else "")
    assert parse_duration(text).minutes == hours * 60 + minutes


@given(st.integers(1, 2880), st.sampled_from(sorted({"about", "almost", "over", "under", "some", "nearly"})))
def test_a_generated_mention_is_found_in_running_text(n, prefix):
    words = f"{prefix} {n} minutes"
    text = f"In 2021 the leaders, 17 times in all, spoke {words}, the Kremlin said."
    expected = parse_duration(words)
    assert find_durations(text) == [mention(text, words, expected.minutes, expected.qualifier)]


@settings(max_examples=300)
@given(st.text())
def test_parse_never_raises_anything_else(text):
    try:
        duration = parse_duration(text)
    except DurationParseError as err:
        assert err.text == text
        assert 1 <= err.column <= len(text) + 1
    else:
        assert duration.qualifier in QUALIFIERS
        assert duration.minutes is None or 0 < duration.minutes <= MAX_MINUTES


FRAGMENTS = [
    "a", "an", "and", "of", "or", "so", "plus", "+", "half", "quarter", "quarters", "long", "lengthy",
    "brief", "call", "phone", "hour", "hours", "h", "min", "minute", "minutes", "hourlong", "day",
    "about", "almost", "just", "under", "over", "more", "than", "less", "at", "least", "some",
    "estimated", "approx.", "two", "three", "forty", "five", "twenty", "one", "on", "to", "zero",
    "0", "1", "2", "2.5", "15", "45", "60", "90", "2021", "75th", "3000", ",", ".", "(", ")", "-5",
]
SEPARATORS = [" ", " ", " ", "-", ", ", ". ", "\u00a0", "\u2013", "", "\n"]


@st.composite
def article_like(draw):
    """Text made of duration vocabulary, so the grammar is exercised far more than by st.text()."""
    pieces = draw(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=3)), max_size=25))
    return "".join(piece + draw(st.sampled_from(SEPARATORS)) for piece in pieces)


def check_mentions(text):
    found = find_durations(text)
    previous_end = 0
    for start, end, duration in found:
        assert previous_end <= start < end <= len(text)
        previous_end = end
        assert duration.text == text[start:end]
        assert parse_duration(text[start:end]) == duration
    return found


@settings(max_examples=400)
@given(article_like())
def test_find_on_duration_vocabulary(text):
    check_mentions(text)
    try:
        parse_duration(text)
    except DurationParseError as err:
        assert 1 <= err.column <= len(text) + 1


@settings(max_examples=300)
@given(st.text())
def test_find_on_arbitrary_text(text):
    check_mentions(text)


RUNNING_TEXT_FORMS = [form for form in FORMS if form[0].strip() == form[0] and form[0][0].isalnum()]


@pytest.mark.parametrize(("text", "minutes", "qualifier"), RUNNING_TEXT_FORMS, ids=[f[0] for f in RUNNING_TEXT_FORMS])
def test_every_form_is_found_whole_in_running_text(text, minutes, qualifier):
    if qualifier == "qualitative":
        text = text.split(",")[0]  # "lengthy, no figure" is a curator's note, not article prose
        article = f"They held a {text} call."
    else:
        article = f"They spoke for {text}; the Kremlin confirmed it."
    expected = mention(article, text, None if minutes is None else float(minutes), qualifier)
    assert check_mentions(article) == [expected]
