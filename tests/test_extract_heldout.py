"""Extraction rules that generalise, the held-out evaluation, duration numbers, the roster hint and
idempotent accept. Every text here is test data written for these tests: the leaders, countries and
offices of the invented roster (Marek Valden of Norvia, Ilse Carrow of Ostmark, Tomas Reyka of
Calvaria) do not exist."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from diplodash.extract import Extractor
from diplodash.extract.candidates import duration_numbers

HELDOUT = Path(__file__).resolve().parent / "fixtures" / "heldout"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def invented():
    from diplodash.config import parse_config

    text = (ROOT / "config.toml").read_text(encoding="utf-8") + "\n" + (HELDOUT / "invented.toml").read_text(encoding="utf-8")
    return Extractor(parse_config(text, HELDOUT / "invented.toml"))


@pytest.fixture(scope="module")
def bundled(config):
    return Extractor(config)


def one(extractor, text, published="2025-06-20"):
    extraction = extractor.extract_text(text, published)
    assert len(extraction.candidates) == 1, [c.to_dict() for c in extraction.candidates]
    return extraction.candidates[0]


def accounts(candidate):
    return {(r.side, r.duration_text.value if r.duration_text else None, r.initiator_claim.value if r.initiator_claim else None, r.tone_labels) for r in candidate.reports}


# ------------------------------------------------------------------------------------ rules


def test_role_phrases_name_the_person_of_that_country(invented):
    c = one(invented, "The Norvian president spoke by phone with his Calvarian counterpart on Tuesday.")
    assert c.counterpart.value == "Tomas Reyka" and c.format.value == "phone" and c.date.value == "2025-06-17"
    c = one(invented, "Marek Valden met the prime minister of Ostmark in Vestra on Monday.")
    assert c.counterpart.value == "Ilse Carrow"


def test_a_role_phrase_gives_the_initiative(invented):
    c = one(invented, "The Calvarian president telephoned Valden on Tuesday, the Calvarian foreign ministry said.")
    assert {r.initiator_claim.value for r in c.reports if r.initiator_claim} == {"counterpart"}


def test_possessive_speaker_takes_the_side_of_the_person_named_before(invented):
    text = "Ilse Carrow and Marek Valden spoke by phone on Tuesday.\nThe call was constructive, her office said."
    c = one(invented, text)
    assert ("counterpart", None, None, ("constructive",)) in accounts(c)
    text = "Ilse Carrow and Marek Valden spoke by phone on Tuesday.\nThe call was constructive, his office said."
    assert ("leader", None, None, ("constructive",)) in accounts(one(invented, text))


def test_describing_verb_attributes_and_is_no_phone_call(invented):
    c = one(invented, "Valden and Carrow met on Tuesday.\nCarrow called the meeting cordial.")
    assert [r.initiator_claim for r in c.reports] == [None]
    assert ("counterpart", None, None, ("cordial",)) in accounts(c)


def test_accounts_continue_into_the_next_one_sentence_paragraph(invented):
    text = "Valden and Reyka spoke by phone on Tuesday.\nIt lasted 35 minutes and was pragmatic, the Norvian side said."
    c = one(invented, text)
    assert ("leader", "35 minutes", None, ("pragmatic",)) in accounts(c)


def test_tone_in_a_sentence_that_does_not_point_back_is_not_taken(invented):
    text = "Valden and Reyka spoke by phone on Tuesday.\nAnalysts expect a productive autumn."
    c = one(invented, text)
    assert all(not r.tone for r in c.reports)


def test_initiator_in_passive_and_nominal_forms(invented):
    for text in (
        "Valden and Carrow spoke by phone on Tuesday in a call requested by Carrow.",
        "Valden and Carrow spoke by phone on Tuesday at the Ostmark side's initiative.",
        "Valden and Reyka met on Tuesday; the meeting had been the initiative of Reyka.",
    ):
        c = one(invented, text.replace("Ostmark side", "Calvarian side") if "Reyka" in text else text.replace("the Ostmark side's", "Carrow's"))
        assert {r.initiator_claim.value for r in c.reports if r.initiator_claim} == {"counterpart"}, text


def test_duration_after_for_needs_the_contact_before_it(invented):
    c = one(invented, "Valden spoke with Reyka on Tuesday for more than an hour.")
    assert {r.duration_text.value for r in c.reports if r.duration_text} == {"more than an hour"}
    c = one(invented, "Valden spoke with Reyka on Tuesday. Aides had waited for two hours.")
    assert not any(r.duration_text for r in c.reports)


def test_met_at_a_summit_is_a_summit(bundled):
    assert one(bundled, "Putin and Biden met at a summit in Geneva on Wednesday.").format.value == "summit"


def test_a_role_phrase_shared_by_two_people_names_a_side_only(bundled):
    # Trump and Biden are both "American" presidents in the bundled roster: the phrase names the side,
    # and the publication date's period picks the counterpart
    c = one(bundled, "The Russian president spoke with the American president by phone on Tuesday.", "2021-07-10")
    assert c.counterpart.value == "Joe Biden"


# ------------------------------------------------------------------------- duration numbers


@pytest.mark.parametrize(
    "text, expected",
    [
        ("50 minutes", (50, 50, 50, "exact")),
        ("more than an hour", (60, 60, None, "more_than")),
        ("almost two hours", (120, None, 120, "almost")),
        ("about 40 minutes", (40, None, None, "about")),
        ("lengthy", (None, None, None, "qualitative")),
    ],
)
def test_duration_numbers(text, expected):
    d = duration_numbers(text)
    assert (d["minutes"], d["min_minutes"], d["max_minutes"], d["qualifier"]) == expected


def test_csv_and_json_carry_the_numbers(tmp_path, capsys):
    from diplodash.cli import main

    article = tmp_path / "a.txt"
    article.write_text("Putin and Trump spoke by phone for more than an hour on Thursday, the Kremlin said.\n", encoding="utf-8")
    assert main(["extract", "--format", "csv", "--published", "2025-10-17", str(article)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    [duration] = [r for r in rows if r["field"] == "duration"]
    assert (duration["minutes"], duration["min_minutes"], duration["max_minutes"], duration["qualifier"]) == ("60", "60", "", "more_than")
    assert main(["extract", "--format", "json", "--published", "2025-10-17", str(article)]) == 0
    [report] = [r for r in json.loads(capsys.readouterr().out)[0]["candidates"][0]["reports"] if r["duration_text"]]
    assert report["minutes"] == 60 and report["min_minutes"] == 60 and report["max_minutes"] is None


# ------------------------------------------------------------------------------ roster hint


def test_no_roster_match_gives_a_hint_with_the_names_found(bundled):
    extraction = bundled.extract_text("Norvian President Marek Valden spoke by phone with Ilse Carrow on Tuesday.", "2025-06-20")
    assert not extraction.candidates
    [hint] = [w for w in extraction.warnings if "roster" in w]
    assert "[[extract.roster]]" in hint and "[extract]" in hint and "Marek Valden" in hint and "Ilse Carrow" in hint


def test_no_hint_when_the_article_speaks_of_no_contact(bundled):
    extraction = bundled.extract_text("Marek Valden opened a bridge in Vestra on Tuesday.", "2025-06-20")
    assert not any("roster" in w for w in extraction.warnings)


# ------------------------------------------------------------------------------ accept twice


def test_accepting_the_same_article_twice_appends_nothing_the_second_time(bundled, config, small_table):
    from diplodash.extract.accept import Selection, apply_plan, plan_accept
    from diplodash.extract.matching import match_candidates
    from diplodash.extract.text import article_from_text
    from diplodash.metrics.dataset import load_dataset

    text = "Putin and Trump spoke by phone on Monday at Putin's request, the Kremlin said. The call lasted 50 minutes."
    for round_ in range(2):
        dataset = load_dataset(config, small_table)
        extraction = bundled.extract_article(article_from_text(text, "same.txt"), "2025-02-14")
        match_candidates(extraction.candidates, dataset)
        plan = plan_accept([extraction], dataset, Selection.parse())
        if round_ == 0:
            assert plan.row_count >= 2
            apply_plan(plan, config)
            after_first = load_dataset(config, small_table).reports.height
        else:
            assert plan.row_count == 0
            assert any("already in the table" in d.why for d in plan.decisions)
    assert load_dataset(config, small_table).reports.height == after_first


# -------------------------------------------------------------------------------- evaluation


def test_heldout_evaluation_counts_by_hand(tmp_path, config):
    from diplodash.extract.evaluate import evaluate_heldout

    # one report: a call found with its duration and the Kremlin's tone, but the expected file also
    # wants a counterpart initiator the text does not give, and an extra tone the text does not have
    (tmp_path / "x1.txt").write_text("Putin and Trump spoke by phone on Monday for 50 minutes, the Kremlin said.\nThe Kremlin called it frank.\n", encoding="utf-8")
    spec = {"reports": [{"file": "x1.txt", "half": "dev", "config": "bundled", "published": "2025-06-20", "totals": [],
                         "contacts": [{"counterpart": "Donald Trump", "date": "2025-06-16", "format": "phone", "duration": [50],
                                       "initiator": ["counterpart"], "tone": [["frank", "leader"], ["good", "counterpart"]]}]}]}
    (tmp_path / "expected.json").write_text(json.dumps(spec), encoding="utf-8")
    result = evaluate_heldout(tmp_path, config, "dev")
    s = result.scores
    assert (s["contact"].tp, s["contact"].fp, s["contact"].fn) == (1, 0, 0)
    assert (s["date"].tp, s["format"].tp, s["duration"].tp) == (1, 1, 1)
    assert (s["initiator"].tp, s["initiator"].fn) == (0, 1)
    assert (s["tone+side"].tp, s["tone+side"].fp, s["tone+side"].fn) == (1, 0, 1)
    assert evaluate_heldout(tmp_path, config, "test").files == []


def test_heldout_set_is_split_and_complete():
    spec = json.loads((HELDOUT / "expected.json").read_text(encoding="utf-8"))
    reports = spec["reports"]
    assert len(reports) >= 40
    for r in reports:
        assert (HELDOUT / r["file"]).is_file()
        number = int(r["file"][1:3])
        assert r["half"] == ("dev" if number % 2 else "test")
        sentences = (HELDOUT / r["file"]).read_text(encoding="utf-8").count(".")
        assert sentences >= 2
