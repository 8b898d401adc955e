"""Article extraction, rule by rule, on short texts written for these tests (no article text here).

Each test names the cue, duration form or date form it checks; the fixtures in
tests/fixtures/extract/ are small invented articles for the end-to-end checks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from diplodash.extract import Extractor
from diplodash.extract.dates import PartialDate, find_dates, parse_partial

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "extract"


@pytest.fixture(scope="module")
def extractor(config):
    return Extractor(config)


def one(extractor, text, published="2025-10-17"):
    extraction = extractor.extract_text(text, published)
    assert len(extraction.candidates) == 1, [c.to_dict() for c in extraction.candidates]
    return extraction.candidates[0]


def report_values(candidate, field):
    values = []
    for report in candidate.reports:
        value = getattr(report, field)
        if value:
            values.append((report.side, value.value if hasattr(value, "value") else value))
    return values


# ------------------------------------------------------------------------------------ durations


@pytest.mark.parametrize(
    "sentence, wording, minutes, qualifier",
    [
        ("Putin and Trump spoke for two hours and one minute, the Kremlin said.", "two hours and one minute", 121, "exact"),
        ("Putin and Trump held a 50-minute phone call, the Kremlin said.", "50-minute", 50, "exact"),
        ("Putin and Trump held a phone call lasting almost 2.5 hours, the Kremlin said.", "almost 2.5 hours", 150, "almost"),
        ("The phone call between Putin and Trump lasted an hour and a quarter, the Kremlin said.", "an hour and a quarter", 75, "exact"),
    ],
)
def test_duration_forms_use_the_table_parser(extractor, sentence, wording, minutes, qualifier):
    from diplodash.metrics.durations import parse_duration

    candidate = one(extractor, sentence)
    durations = [r.duration_text for r in candidate.reports if r.duration_text]
    assert [d.value for d in durations] == [wording]
    parsed = parse_duration(durations[0].value)  # what the table will read back
    assert (parsed.minutes, parsed.qualifier) == (minutes, qualifier)
    evidence = durations[0].evidence[0]
    assert sentence[evidence.cue_start : evidence.cue_end] == wording


def test_a_duration_not_tied_to_a_contact_is_not_proposed(extractor):
    candidate = one(extractor, "Putin and Trump spoke by phone on Thursday. Aides were given a fifteen-minute warning.")
    assert not [r for r in candidate.reports if r.duration_text]


# ---------------------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "text, published, value, precision",
    [
        ("on Thursday", "2025-10-17", "2025-10-16", "day"),  # a Friday: the day before
        ("on Friday", "2025-10-17", "2025-10-17", "day"),  # the same day
        ("on Thursday", "2025-10", "2025-10", "month"),  # a month-precise publication gives the month only
        ("in June", "2025-10-17", "2025-06", "month"),
        ("in November", "2025-10-17", "2024-11", "month"),  # the most recent November before publication
        ("last week", "2025-10-17", "2025-10", "month"),  # Mon 6 .. Sun 12 October
        ("last week", "2025-10-09", "2025", "year"),  # 29 September .. 5 October: two months
        ("yesterday", "2025-10-17", "2025-10-16", "day"),
        ("January 28, 2017", None, "2017-01-28", "day"),  # explicit: dateparser, no publication needed
        ("28 January 2017", None, "2017-01-28", "day"),
        ("May 2017", None, "2017-05", "month"),
        ("in 2019", None, "2019", "year"),
        ("28 января 2017 года", None, "2017-01-28", "day"),
        ("в июне", "2025-10-17", "2025-06", "month"),
    ],
)
def test_date_forms_with_precision(text, published, value, precision):
    found = find_dates(text, published=parse_partial(published))
    assert len(found) == 1, found
    assert found[0].value is not None, found[0].note
    assert (str(found[0].value), found[0].value.precision) == (value, precision)


def test_last_week_is_year_only_when_it_spans_two_months():
    found = find_dates("last week", published=parse_partial("2025-10-02"))
    # the week before Thursday 2 October 2025 is 22..28 September: inside one month
    assert str(found[0].value) == "2025-09"


def test_relative_dates_stay_unresolved_without_a_publication_date(extractor):
    found = find_dates("on Thursday")
    assert found[0].value is None and "publication" in found[0].note
    extraction = extractor.extract_text("Putin and Trump spoke by phone on Thursday, the Kremlin said.")
    assert extraction.candidates[0].date is None
    assert extraction.candidates[0].unresolved_dates[0].value == "on Thursday"
    assert any("--published" in w for w in extraction.warnings)


def test_by_a_weekday_bounds_the_date_without_giving_the_day():
    found = find_dates("By Friday", published=parse_partial("2025-10-17"))
    assert str(found[0].value) == "2025-10"


def test_date_in_the_text_is_resolved_against_a_dateline(extractor):
    extraction = extractor.extract_file(FIXTURES / "readout.txt")
    assert extraction.published == PartialDate(2025, 3, 14) and extraction.published_from == "dateline"
    assert extraction.candidates[0].date.value == "2025-03-13"


def test_a_report_date_is_not_the_contact_date(extractor):
    candidate = one(extractor, "Peskov stated on Friday that Putin and Trump had a phone conversation in June.")
    assert candidate.date.value == "2025-06"


# ------------------------------------------------------------------------------ roster and format


@pytest.mark.parametrize(
    "text, counterpart",
    [
        ("The Russian president and Mr. Trump spoke by phone on Thursday.", "Donald Trump"),
        ("The Kremlin leader held a phone call with President Biden on Thursday.", "Joe Biden"),
        ("Путин провел телефонный разговор с Трампом в четверг.", "Donald Trump"),
    ],
)
def test_roster_aliases_and_titles(extractor, text, counterpart):
    candidate = one(extractor, text)
    assert candidate.counterpart.value == counterpart
    assert candidate.leader == "Vladimir Putin"


@pytest.mark.parametrize(
    "text, fmt",
    [
        ("Putin and Trump held a phone conversation on Thursday.", "phone"),
        ("Putin and Biden held a video call on Thursday.", "video_call"),
        ("Putin and Trump held a summit on Thursday.", "summit"),
        ("Putin met Trump on Thursday.", "in_person"),
        ("Putin hosted Steve Witkoff on Thursday.", "envoy_meeting"),
    ],
)
def test_format_cues(extractor, text, fmt):
    assert one(extractor, text).format.value == fmt


def test_plural_and_prospective_mentions_open_no_contact(extractor):
    extraction = extractor.extract_text(
        "Putin and Trump will hold a phone call next week. Their calls were always friendly.", "2025-10-17"
    )
    assert extraction.candidates == []


# ---------------------------------------------------------------------------------- initiator


@pytest.mark.parametrize(
    "text, side",
    [
        ("Putin and Trump spoke by phone on Thursday at Putin's request.", "leader"),
        ("Putin and Trump spoke by phone on Thursday. Russia sought the conversation, the Kremlin said.", "leader"),
        ("Putin and Trump spoke by phone on Thursday. Peskov said: “We proposed the phone conversation.”", "leader"),
        ("Putin called Trump on Thursday to wish him a happy birthday.", "leader"),
        ("Putin and Trump spoke by phone on Thursday at the initiative of the American side.", "counterpart"),
        ("Putin and Trump spoke by phone on Thursday. The White House said: “We proposed the phone conversation.”", "counterpart"),
    ],
)
def test_initiator_cues(extractor, text, side):
    candidate = one(extractor, text)
    claims = {value for _, value in report_values(candidate, "initiator_claim")}
    assert claims == {side}


def test_speculation_gives_no_initiator(extractor):
    candidate = one(extractor, "Putin and Trump spoke by phone on Thursday. My bet is that Trump placed the call.")
    assert report_values(candidate, "initiator_claim") == []


# --------------------------------------------------------------------------------------- tone


def test_tone_wording_with_the_side_it_is_attributed_to(extractor):
    candidate = one(
        extractor,
        "Putin and Trump spoke by phone on Thursday. Yuri Ushakov said the conversation was “businesslike and constructive.” "
        "The White House called the call productive.",
    )
    tones = {(r.side, r.tone_text) for r in candidate.reports if r.tone}
    assert ("leader", "businesslike and constructive") in tones
    labels = {label for r in candidate.reports for label in r.tone_labels}
    assert {"businesslike", "constructive"} <= labels


def test_russian_readout_words_map_to_the_same_labels(extractor):
    candidate = one(extractor, "Путин и Трамп провели телефонный разговор в четверг. Разговор был деловым и конструктивным, заявил Ушаков.")
    labels = {label for r in candidate.reports for label in r.tone_labels}
    assert "businesslike" in labels


def test_tone_in_a_topic_or_a_set_phrase_is_not_tone(extractor):
    candidate = one(extractor, "Putin and Trump held a phone call on economic cooperation on Thursday and spent a great deal of time on trade.")
    assert [r for r in candidate.reports if r.tone] == []


# -------------------------------------------------------------------------------------- status


@pytest.mark.parametrize(
    "text, status",
    [
        ("A reported call between Putin and Trump on Thursday never took place, Peskov said. The Kremlin denied it.", "denied"),
        ("Putin and Trump reportedly spoke by phone on Thursday.", "unconfirmed"),
        ("Putin and Trump spoke by phone on Thursday; the White House neither confirmed nor denied it.", "one_side"),
        ("Putin and Trump spoke by phone on Thursday, the Kremlin said.", "confirmed"),
    ],
)
def test_status_cues(extractor, text, status):
    assert one(extractor, text).status.value == status


# -------------------------------------------------------------------------------------- totals


def test_reported_totals(extractor):
    extraction = extractor.extract_text(
        "Putin and Trump spoke by phone on Thursday, their eighth phone conversation this year. "
        "Over four years they held 17 one-on-one calls.",
        "2025-10-17",
    )
    totals = {(t.count, t.formats, t.ordinal) for t in extraction.totals}
    assert (8, ("phone",), True) in totals
    assert (17, ("phone", "video_call"), False) in totals
    eighth = next(t for t in extraction.totals if t.count == 8)
    assert (eighth.start, eighth.end) == ("2025-01-01", "2025-10-16")


def test_an_ordinal_without_a_scope_is_not_a_total(extractor):
    extraction = extractor.extract_text("Putin and Trump held a second phone call on Thursday.", "2025-10-17")
    assert extraction.totals == []


# --------------------------------------------------------------------------- evidence and HTML


def test_every_value_carries_evidence_pointing_into_the_file(extractor):
    path = FIXTURES / "readout.txt"
    raw = path.read_text(encoding="utf-8")
    extraction = extractor.extract_file(path)
    checked = 0
    for candidate in extraction.candidates:
        proposed = [candidate.counterpart, candidate.date, candidate.format, candidate.status]
        for report in candidate.reports:
            proposed += [report.duration_text, report.initiator_claim, *report.tone]
        for value in filter(None, proposed):
            for evidence in value.evidence:
                assert raw[evidence.start : evidence.end] == evidence.sentence
                assert raw[evidence.cue_start : evidence.cue_end] == evidence.cue
                assert evidence.start <= evidence.cue_start <= evidence.cue_end <= evidence.end
                checked += 1
    assert checked >= 10


def test_end_marker_stops_reading_reader_comments(extractor):
    extraction = extractor.extract_file(FIXTURES / "readout.txt")
    assert all("reader" not in m.sentence for c in extraction.candidates for m in c.mentions)


def test_html_is_stripped_and_offsets_point_at_the_markup(extractor):
    path = FIXTURES / "page.html"
    raw = path.read_text(encoding="utf-8")
    extraction = extractor.extract_file(path)
    assert extraction.published_from == "html meta" and str(extraction.published) == "2025-05-20"
    [candidate] = extraction.candidates  # the script's text is not read
    assert candidate.date.value == "2025-05-19"
    assert [r.duration_text.value for r in candidate.reports if r.duration_text] == ["an hour and a quarter"]
    [initiator] = [r.initiator_claim for r in candidate.reports if r.initiator_claim]
    evidence = initiator.evidence[0]
    assert raw[evidence.cue_start : evidence.cue_end] == "at Putin&#8217;s request"


# -------------------------------------------------------------------------------------- config


def test_extract_section_problems_point_at_the_config_line(tmp_path):
    from diplodash.config import load_config
    from diplodash.metrics.problems import DataError

    path = tmp_path / "config.toml"
    path.write_text(
        '[data]\npath = "seeds"\n\n[extract.status]\ndenied = "denied"\nconfirmd = ["x"]\n\n'
        '[extract.initiator]\npatterns = ["at {who}\'s request("]\n',
        encoding="utf-8",
    )
    with pytest.raises(DataError) as info:
        load_config(path)
    where = {(p.line, p.column) for p in info.value.problems}
    messages = " | ".join(p.message for p in info.value.problems)
    assert (5, 1) in where and (6, 1) in where and (9, 1) in where
    assert "did you mean 'confirmed'" in messages and "regular expression" in messages


def test_roster_from_the_config_extends_the_defaults(tmp_path):
    from diplodash.config import load_config

    path = tmp_path / "config.toml"
    text = (FIXTURES.parent.parent.parent / "config.toml").read_text(encoding="utf-8")
    text += (
        '\n[[extract.roster]]\nname = "Vladimir Putin"\nrole = "leader"\naliases = ["Putin"]\n'
        '\n[[extract.roster]]\nname = "Xi Jinping"\nrole = "counterpart"\naliases = ["Xi", "the Chinese leader"]\n'
    )
    path.write_text(text, encoding="utf-8")
    extractor = Extractor(load_config(path))
    candidate = one(extractor, "Putin held a video call with the Chinese leader on Thursday.")
    assert candidate.counterpart.value == "Xi Jinping"
