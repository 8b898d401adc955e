"""Broken configs: every mistake named with file, line and column; unknown keys get the nearest suggestion."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixture_tables import CONFIG
from diplodash.config import parse_config
from diplodash.metrics.problems import DataError

BASE = CONFIG.read_text(encoding="utf-8")


def problems(text: str | bytes) -> list:
    with pytest.raises(DataError) as caught:
        parse_config(text.encode("utf-8") if isinstance(text, str) else text, Path("my.toml"))
    return caught.value.problems


def line_of(text: str, needle: str) -> int:
    return text.splitlines().index(needle) + 1


def test_bundled_config_is_valid():
    config = parse_config(BASE.encode(), CONFIG)
    assert [p.name for p in config.periods] == ["Trump 1st term", "Biden", "Trump transition", "Trump 2nd term"]
    assert config.side_labels["leader"] == "Leader"  # the default; each leader names their own side
    assert config.sides.name("leader", "Vladimir Putin") == "Kremlin" and config.sides.name("leader", "Xi Jinping") == "China"


def test_syntax_error_has_line_column_and_caret():
    found = problems('[data]\npath = "seeds\n')
    assert (found[0].line, found[0].column, found[0].code) == (2, 14, "toml")
    assert '    path = "seeds\n' in found[0].message


def test_wrong_types():
    text = BASE.replace('view = "overview"', "view = 3").replace("valence = 0.5\nwords = [\"substantive\"", 'valence = "high"\nwords = ["substantive"')
    found = problems(text)
    assert any(p.line == line_of(text, "view = 3          # overview, calls, initiators, durations, tone, coverage, contacts, compare") and "must be a string, not an integer" in p.message for p in found)
    assert any("valence must be a number from -1 to 1" in p.message for p in found)


def test_unknown_keys_suggest_the_nearest():
    text = BASE.replace("side_priority = [", "side_priorty = [").replace("[keymap]", "[keymap]\n\"app.quit\" = 5")
    found = problems(text)
    unknown = [p for p in found if "side_priorty" in p.message][0]
    assert "did you mean 'side_priority'?" in unknown.message and unknown.line == line_of(text, 'side_priorty = ["leader", "counterpart", "press", "other"]')
    assert any("keymap 'app.quit' must be a non-empty string" in p.message for p in found)
    top = problems(BASE + '\n[colours]\nx = 1\n')
    assert "unknown key 'colours'" in top[0].message


def test_byte_order_mark_is_accepted():
    config = parse_config(b"\xef\xbb\xbf" + BASE.encode(), Path("bom.toml"))
    assert config.periods


def test_periods_that_end_before_they_start_or_are_shadowed():
    text = BASE.replace("start = 2021-01-20\nend = 2025-01-20", "start = 2021-01-20\nend = 2020-01-20")
    found = problems(text)
    assert "period 'Biden' ends (2020-01-20) before it starts (2021-01-20)" in found[0].message
    shadowed = BASE + '\n[[periods]]\nname = "Late Trump"\ncounterpart = "Donald Trump"\nstart = 2026-01-01\nend = 2026-06-01\n'
    found = problems(shadowed)
    assert "lies wholly inside 'Trump 2nd term'" in found[0].message
    assert found[0].line == len(shadowed.splitlines()) - 4  # the [[periods]] header of the shadowed period


def test_bad_tone_lexicon():
    found = problems(BASE.replace('[tone.serious]\nvalence = 0\nwords = ["serious"]', '[tone.serious]\nvalence = 0\nwords = []'))
    assert "tone label 'serious' needs 'words'" in found[0].message
    found = problems(BASE.replace('words = ["specific"]', 'words = ["specific", "frank"]'))
    assert "tone word 'frank' is claimed by both 'frank' and 'specific'" in found[0].message


def test_not_utf8():
    found = problems(BASE.encode("utf-8").replace(b"Kremlin", b"Kreml\xedn"))
    assert found[0].line == line_of(BASE, 'leader = "Kremlin"') and "not UTF-8" in found[0].message


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list('[]="\n .,-_0123456789abcdefgkmnoprstuvwy#') + ["view", "periods", "tone", "start", "2021-01-20", "true", "[[periods]]"]), max_size=60).map("".join))
def test_fuzzed_config_gives_a_config_or_problems(text):
    try:
        parse_config(text.encode(), Path("fuzz.toml"))
    except DataError as error:
        assert error.problems and all(p.message for p in error.problems)
