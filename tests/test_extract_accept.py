"""Matching candidates against the table, and accepting them: append-only, backed up, atomic, valid."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from diplodash.extract import Extractor
from diplodash.extract.accept import AcceptError, Selection, apply_plan, plan_accept
from diplodash.extract.matching import NEW_CONTACT, NEW_REPORT, match_candidates
from diplodash.extract.text import article_from_text

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "extract"

# c4 is a 2025-02-12 phone call with Trump, c5 a 2025-05 phone call, c7 a 2025-08-06 envoy meeting (fixture_tables)
SAME_CALL = "Putin and Trump spoke by phone on Thursday at Putin's request, the Kremlin said. The call lasted 50 minutes."


@pytest.fixture(scope="module")
def extractor(config):
    return Extractor(config)


def extracted(extractor, dataset, text, published, path="article.txt"):
    extraction = extractor.extract_article(article_from_text(text, path), published)
    match_candidates(extraction.candidates, dataset)
    return extraction


# --------------------------------------------------------------------------------------- matching


def test_same_pair_date_within_a_day_and_format_is_a_new_report(extractor, small_dataset):
    # Thursday before Friday 2025-02-14 is 2025-02-13: one day after c4
    [candidate] = extracted(extractor, small_dataset, SAME_CALL, "2025-02-14").candidates
    assert candidate.date.value == "2025-02-13"
    assert (candidate.match.kind, candidate.match.contact_id) == (NEW_REPORT, "c4")


def test_two_days_apart_is_a_new_contact(extractor, small_dataset):
    [candidate] = extracted(extractor, small_dataset, SAME_CALL.replace("Thursday", "Monday"), "2025-02-14").candidates
    assert candidate.date.value == "2025-02-10"
    assert candidate.match.kind == NEW_CONTACT


def test_other_format_or_counterpart_is_a_new_contact(extractor, small_dataset):
    text = "Putin and Trump held a summit on Thursday, the Kremlin said."
    [candidate] = extracted(extractor, small_dataset, text, "2025-02-14").candidates
    assert candidate.match.kind == NEW_CONTACT
    text = "Putin and Biden spoke by phone on Thursday, the Kremlin said."
    [candidate] = extracted(extractor, small_dataset, text, "2025-02-14").candidates
    assert candidate.match.kind == NEW_CONTACT


def test_a_month_date_matches_the_month_and_is_ambiguous_when_several_rows_agree(extractor, small_dataset):
    from diplodash.extract.matching import ExistingContact, match_candidate
    from diplodash.extract.dates import PartialDate

    [candidate] = extracted(extractor, small_dataset, "Putin and Trump spoke by phone in May, the Kremlin said.", "2025-10-17").candidates
    assert (candidate.match.kind, candidate.match.contact_id, candidate.match.ambiguous) == (NEW_REPORT, "c5", False)
    table = [
        ExistingContact("x1", PartialDate(2025, 5, 2), "Vladimir Putin", "Donald Trump", "phone"),
        ExistingContact("x2", PartialDate(2025, 5, 20), "Vladimir Putin", "Donald Trump", "phone"),
    ]
    match = match_candidate(candidate, table)
    assert match.kind == NEW_REPORT and match.ambiguous and set((match.contact_id, *match.alternatives)) == {"x1", "x2"}


# --------------------------------------------------------------------------------------- accepting


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


def test_accept_appends_only_keeps_a_byte_identical_prefix_and_backs_up(extractor, config, small_table, small_dataset):
    before = _snapshot(small_table)
    extraction = extracted(extractor, small_dataset, SAME_CALL, "2025-02-14")
    extraction2 = extracted(extractor, small_dataset, SAME_CALL.replace("Thursday", "Monday"), "2025-02-14", path="other.txt")
    plan = plan_accept([extraction, extraction2], small_dataset, Selection.parse())
    backup = apply_plan(plan, config, now=dt.datetime(2025, 2, 14, 12, 0, 0))
    after = _snapshot(small_table)
    for name, old in before.items():
        assert after[name][: len(old)] == old, f"{name}: existing bytes changed"
    assert after["contacts.csv"] != before["contacts.csv"] and after["reports.csv"] != before["reports.csv"]
    # the backup holds the old files, next to the data
    assert backup.parent == small_table.parent / f"{small_table.name}-backups" and backup.name == "20250214-120000"
    for name in ("contacts.csv", "reports.csv", "sources.csv"):
        assert (backup / name).read_bytes() == before[name]
    # the result loads cleanly (what `diplodash validate` checks) and holds the new rows
    from diplodash.metrics.dataset import load_dataset

    dataset = load_dataset(config, small_table)
    reports = dataset.reports.filter(dataset.reports["contact_id"] == "c4")
    assert "50 minutes" in reports.get_column("duration_text").to_list()
    assert "leader" in reports.get_column("initiator_claim").to_list()
    assert "putin-trump-2025-02-10" in dataset.contacts.get_column("contact_id").to_list()
    # existing rows kept their order
    assert dataset.contacts.get_column("contact_id").to_list()[:7] == ["c1", "c2", "c3", "c4", "c5", "c6", "c7"]


def test_new_ids_never_collide(extractor, config, small_table, small_dataset):
    from diplodash.metrics.dataset import load_dataset

    text = SAME_CALL.replace("Thursday", "Monday")
    for round_ in range(3):
        dataset = load_dataset(config, small_table)
        extraction = extracted(extractor, dataset, text, "2025-02-14", path=f"a{round_}.txt")
        # the same new contact every time: after the first round it matches, so force new contacts by id
        for candidate in extraction.candidates:
            candidate.match = None
        apply_plan(plan_accept([extraction], dataset, Selection.parse()), config, now=dt.datetime(2025, 1, 1, 0, 0, round_))
    dataset = load_dataset(config, small_table)
    ids = dataset.contacts.get_column("contact_id").to_list()
    assert len(ids) == len(set(ids))
    assert {"putin-trump-2025-02-10", "putin-trump-2025-02-10b", "putin-trump-2025-02-10c"} <= set(ids)
    report_ids = dataset.reports.get_column("report_id").to_list()
    assert len(report_ids) == len(set(report_ids))


def test_next_report_number_follows_the_existing_ones(extractor, config, small_table, small_dataset):
    extraction = extracted(extractor, small_dataset, SAME_CALL, "2025-02-14")
    plan = plan_accept([extraction], small_dataset, Selection.parse())
    assert {row["report_id"] for row in plan.rows["reports"]} <= {"c4/2", "c4/3"}


def test_dry_run_diff_shows_only_added_lines_and_writes_nothing(extractor, small_table, small_dataset):
    before = _snapshot(small_table)
    extraction = extracted(extractor, small_dataset, SAME_CALL, "2025-02-14")
    plan = plan_accept([extraction], small_dataset, Selection.parse())
    diff = plan.diff()
    body = [line for line in diff.splitlines() if not line.startswith(("---", "+++", "@@"))]
    assert any(line.startswith("+c4/") for line in body)
    assert not [line for line in body if line.startswith("-")]
    assert _snapshot(small_table) == before


def test_a_failed_write_leaves_every_file_as_it_was(extractor, config, small_table, small_dataset, monkeypatch):
    import diplodash.extract.accept as accept

    before = _snapshot(small_table)
    extraction = extracted(extractor, small_dataset, SAME_CALL.replace("Thursday", "Monday"), "2025-02-14")
    plan = plan_accept([extraction], small_dataset, Selection.parse())
    assert len(plan.changed) >= 2
    real = accept.checked_replace
    calls = []

    def failing(path, data, expected):
        calls.append(path)
        if len(calls) == 2:  # the second file fails mid-way
            raise OSError(28, "No space left on device")
        return real(path, data, expected)

    monkeypatch.setattr(accept, "checked_replace", failing)
    with pytest.raises(OSError):
        apply_plan(plan, config)
    assert _snapshot(small_table) == before
    assert not [p for p in small_table.iterdir() if p.name.endswith(".tmp")]


def test_a_file_changed_since_extraction_is_not_overwritten(extractor, config, small_table, small_dataset):
    extraction = extracted(extractor, small_dataset, SAME_CALL, "2025-02-14")
    plan = plan_accept([extraction], small_dataset, Selection.parse())
    with open(small_table / "reports.csv", "a", encoding="utf-8") as handle:
        handle.write("c1/9,c1,s1,press,,,,,x,\n")
    with pytest.raises(AcceptError, match="changed"):
        apply_plan(plan, config)


def test_selection_only_reject_and_choice_of_contact(extractor, small_dataset):
    extraction = extracted(extractor, small_dataset, SAME_CALL, "2025-02-14", path="x.txt")
    cid = extraction.candidates[0].id
    plan = plan_accept([extraction], small_dataset, Selection.parse(reject=[cid]))
    assert plan.rows["reports"] == [] and not plan.changed
    plan = plan_accept([extraction], small_dataset, Selection.parse(only=[f"{cid}=c3"]))
    assert {row["contact_id"] for row in plan.rows["reports"]} == {"c3"}
    with pytest.raises(AcceptError, match="no candidate"):
        plan_accept([extraction], small_dataset, Selection.parse(only=["nope#1"]))
    with pytest.raises(AcceptError, match="no contact"):
        plan_accept([extraction], small_dataset, Selection.parse(only=[f"{cid}=c99"]))


def test_an_incomplete_candidate_is_skipped_by_the_rule_and_refused_by_id(extractor, small_dataset):
    extraction = extracted(extractor, small_dataset, "Putin and Biden spoke by phone, the Kremlin said.", None, path="y.txt")
    [candidate] = extraction.candidates
    plan = plan_accept([extraction], small_dataset, Selection.parse())
    assert not plan.changed and "incomplete" in plan.decisions[0].why
    with pytest.raises(AcceptError, match="no date"):
        plan_accept([extraction], small_dataset, Selection.parse(only=[candidate.id]))


def test_file_without_final_newline_and_crlf_files_keep_their_bytes(extractor, config, small_table, small_dataset):
    contacts = small_table / "contacts.csv"
    contacts.write_bytes(contacts.read_bytes().replace(b"\n", b"\r\n").rstrip(b"\r\n"))
    from diplodash.metrics.dataset import load_dataset

    dataset = load_dataset(config, small_table)
    old = contacts.read_bytes()
    extraction = extracted(extractor, dataset, SAME_CALL.replace("Thursday", "Monday"), "2025-02-14")
    apply_plan(plan_accept([extraction], dataset, Selection.parse()), config)
    new = contacts.read_bytes()
    assert new.startswith(old + b"\r\n") and new.endswith(b"\r\n") and b"\r\r" not in new
    load_dataset(config, small_table)


# --------------------------------------------------------------------------------- command line


def test_cli_round_trip_and_bad_input(tmp_path, small_table):
    from test_cli import run

    article = tmp_path / "note.txt"
    article.write_text(SAME_CALL.replace("Thursday", "Monday") + "\n", encoding="utf-8")
    data = ["--data", str(small_table)]
    listed = run(*data, "extract", str(article), "--published", "2025-02-14")
    assert listed.returncode == 0, listed.stderr
    assert "note#1" in listed.stdout and "“on Monday”" in listed.stdout
    before = _snapshot(small_table)
    dry = run(*data, "extract", str(article), "--published", "2025-02-14", "--accept", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "+++ b/" in dry.stdout and "dry run" in dry.stdout and _snapshot(small_table) == before
    done = run(*data, "extract", str(article), "--published", "2025-02-14", "--accept", "--only", "note#1")
    assert done.returncode == 0, done.stderr
    assert "backup:" in done.stdout
    assert run(*data, "validate").returncode == 0

    missing = run(*data, "extract", str(tmp_path / "absent.txt"))
    assert missing.returncode == 3 and "no such file" in missing.stderr
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\x00\x00\x01")
    bad = run(*data, "extract", str(binary))
    assert bad.returncode == 1 and "binary" in bad.stderr
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    assert "empty" in run(*data, "extract", str(empty)).stderr
    usage = run(*data, "extract", str(article), "--published", "last tuesday")
    assert usage.returncode == 2 and "YYYY-MM-DD" in usage.stderr


def test_help_documents_the_review_rule():
    from test_cli import run

    result = run("extract", "--help")
    assert result.returncode == 0
    for words in ("--only ID,...", "--reject", "--dry-run", "backups", "complete and unambiguous"):
        assert words in result.stdout


def test_excerpt_is_a_short_window_of_whole_words_around_the_cue():
    from diplodash.extract.accept import EXCERPT_CHARS, _excerpt
    from diplodash.extract.candidates import Evidence

    words = " ".join(f"word{i}" for i in range(60))
    sentence = f"{words} the two leaders spoke for fifty minutes {words}"
    cue = "fifty minutes"
    at = sentence.index(cue)
    excerpt = _excerpt(Evidence("a.txt", 0, len(sentence), sentence, at, at + len(cue), cue))
    assert cue in excerpt
    assert len(excerpt) <= EXCERPT_CHARS + 2  # plus the two ellipses
    assert excerpt.startswith("…") and excerpt.endswith("…")
    inner = excerpt.strip("…")
    assert inner in sentence and not inner.startswith("ord") and inner.split()[0] in sentence.split()
    short = "They spoke for fifty minutes."
    assert _excerpt(Evidence("a.txt", 0, len(short), short, 15, 28, cue)) == short
