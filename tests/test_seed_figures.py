"""Figures that the source articles and the reference file state, reproduced from the bundled table."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import polars as pl
import pytest

from fixture_tables import AS_OF, SEEDS
from diplodash.metrics.selection import Selection
from diplodash.metrics.snapshot import compute_metric

SHARED = Path(__file__).resolve().parents[2] / "shared"
# The table holds two hubs (Putin, Xi) with the same counterparts: Putin's figures are scoped to him.
PUTIN = "Vladimir Putin"


def contact(dataset, contact_id: str) -> dict:
    frame = dataset.contacts.filter(pl.col("contact_id") == contact_id)
    assert frame.height == 1, contact_id
    return frame.row(0, named=True)


def test_bundled_table_loads_without_problems(seeds_dataset):
    assert [p for p in seeds_dataset.problems if p.severity == "error"] == []
    assert seeds_dataset.contacts.height >= 45


def test_biden_video_call_two_hours_one_minute(seeds_dataset):
    # The Week (seed 002): "two hours and one minute, according to the White House"
    call = contact(seeds_dataset, "putin-biden-2021-12-07")
    assert call["format"] == "video_call" and call["duration_minutes"] == 121


def test_new_year_call_fifty_minutes_at_putins_request(seeds_dataset):
    # seed 000: "the 50-minute call", "at Vladimir Putin's request"
    call = contact(seeds_dataset, "putin-biden-2021-12-30")
    assert call["duration_minutes"] == 50 and call["initiator_side"] == "leader"
    assert "serious" in call["tone_labels_counterpart"]


def test_october_2025_call_was_the_eighth_of_the_year(seeds_dataset):
    # seed 003: "marked Putin's eighth phone conversation with the American leader this year"
    selection = Selection(counterparts=("Donald Trump",), leaders=(PUTIN,), formats=("phone",), date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 10, 16))
    overview = compute_metric(seeds_dataset, "overview", selection, "none", as_of=AS_OF)
    assert overview.get_column("calls").to_list() == [8]
    assert contact(seeds_dataset, "putin-trump-2025-10-16")["initiator_side"] == "leader"  # "We proposed the phone conversation"


def test_five_witkoff_meetings_by_october_2025(seeds_dataset):
    selection = Selection(formats=("envoy_meeting",), date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 10, 16))
    assert compute_metric(seeds_dataset, "overview", selection, "none", as_of=AS_OF).get_column("contacts").to_list() == [5]


def test_kremlin_count_of_2025_contacts(seeds_dataset):
    # reference: 17 contacts in 2025: the Alaska summit, 10 phone calls, 6 meetings with envoys
    year = Selection(counterparts=("Donald Trump",), leaders=(PUTIN,), years=(2025,))
    frame = compute_metric(seeds_dataset, "calls_per_year", year, "format", as_of=AS_OF)
    counts = dict(frame.select("group", "contacts").rows())
    assert counts == {"envoy_meeting": 6, "phone": 10, "summit": 1}
    coverage = compute_metric(seeds_dataset, "coverage", Selection(), "none", as_of=AS_OF)
    claims = {r["claim_id"]: r for r in coverage.iter_rows(named=True)}
    assert claims["kremlin-2025-contacts"]["enumerated"] == claims["kremlin-2025-contacts"]["claimed"] == 17


def test_first_term_one_on_one_calls_against_the_kremlin_website(seeds_dataset):
    # Meduza (seed 004): "Out of the 17 one-on-one calls ... mentioned on the Kremlin's website"
    coverage = compute_metric(seeds_dataset, "coverage", Selection(), "none", as_of=AS_OF)
    claim = coverage.filter(pl.col("claim_id") == "kremlin-website-first-term-one-on-one").row(0, named=True)
    assert claim["claimed"] == 17
    assert claim["enumerated"] == 16 and claim["gap"] == 1  # the table is one call short, and says so


def test_first_term_constructive_readouts(seeds_dataset):
    # Meduza: the first call and six more were officially described as "constructive"
    tone = compute_metric(seeds_dataset, "tone", Selection(periods=("Trump 1st term",), leaders=(PUTIN,)), "none", as_of=AS_OF)
    constructive = tone.filter((pl.col("side") == "leader") & (pl.col("label") == "constructive"))
    assert constructive.get_column("contacts").to_list() == [7]


def test_denied_call_is_kept_but_not_counted(seeds_dataset):
    call = contact(seeds_dataset, "putin-trump-2024-11-07")
    assert call["status"] == "denied" and call["counted"] is False
    counted = compute_metric(seeds_dataset, "overview", Selection(periods=("Trump transition",), leaders=(PUTIN,)), "none", as_of=AS_OF)
    assert counted.height == 0
    everything = compute_metric(seeds_dataset, "overview", Selection(periods=("Trump transition",), leaders=(PUTIN,), all_statuses=True), "none", as_of=AS_OF)
    assert everything.get_column("contacts").to_list() == [1]


def test_kremlin_and_trump_disagree_on_the_birthday_call(seeds_dataset):
    # reference: 50 minutes (Kremlin: Ushakov); about an hour (White House: Trump)
    call = contact(seeds_dataset, "putin-trump-2025-06-14")
    assert call["duration_minutes_leader"] == 50 and call["duration_minutes_counterpart"] == 60
    assert call["duration_minutes"] == 50 and call["duration_figures"] == 2


def _normalise(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text)


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is not beside this checkout")
def test_every_excerpt_is_found_in_its_shared_source():
    """Each excerpt piece (pieces joined by ' | ') is verbatim in the shared file its sources are cited in."""
    sources = {r["source_id"]: r for r in csv.DictReader(open(SEEDS / "sources.csv", encoding="utf-8"))}
    texts = {}
    for row in sources.values():
        where = SHARED / row["cited_in"]
        texts[row["source_id"]] = _normalise(where.read_text(encoding="utf-8"))
    missing = []
    for table in ("contacts", "reports", "claims"):
        for number, row in enumerate(csv.DictReader(open(SEEDS / f"{table}.csv", encoding="utf-8")), start=2):
            ids = [s.strip() for s in row["source_ids"].split(";") if s.strip()]
            assert ids, f"{table}.csv:{number}: no source"
            assert row["excerpt"].strip(), f"{table}.csv:{number}: no excerpt"
            for piece in row["excerpt"].split(" | "):
                piece = _normalise(piece.strip().strip('"'))
                if not any(piece.replace('""', '"') in texts[i] or piece in texts[i] for i in ids):
                    missing.append(f"{table}.csv:{number}: {piece!r}")
    assert missing == []
