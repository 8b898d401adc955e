"""README's tour states its figures as of a fixed date: every cell of its table is recomputed here."""

from __future__ import annotations

import datetime as dt
import re

from fixture_tables import ROOT
from diplodash.metrics.selection import Selection
from diplodash.metrics.snapshot import compute_metric

TOUR_AS_OF = dt.date(2026, 6, 30)


def tour_rows() -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- tour:start", 1)[1].split("<!-- tour:end -->", 1)[0]
    lines = [line for line in block.splitlines() if line.startswith("| ") and not line.startswith("| period")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]


def pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def test_the_readme_tour_is_what_the_table_says(seeds_dataset):
    assert "--as-of 2026-06-30 metrics overview --by period,leader" in (ROOT / "README.md").read_text(encoding="utf-8")
    frame = compute_metric(seeds_dataset, "overview", Selection(), "period,leader", as_of=TOUR_AS_OF)
    computed = {r["group"]: r for r in frame.iter_rows(named=True)}
    rows = tour_rows()
    assert len(rows) == 6
    for group, contacts, calls, meetings, rate, window, leader, counterpart, unknown, median in rows:
        row = computed[group]
        assert (contacts, calls, meetings) == (str(row["contacts"]), str(row["calls"]), str(row["meetings"])), group
        assert rate == f"{row['calls_per_year']:.1f}" and window == row["window"], group
        assert (leader, counterpart, unknown) == (pct(row["initiated_leader"]), pct(row["initiated_counterpart"]), pct(row["initiator_unknown"])), group
        minutes, timed = re.fullmatch(r"(\S+) \((\d+)\)", median).groups()
        assert float(minutes) == row["median_minutes"] and int(timed) == row["with_duration"], group


def test_the_glossary_in_readme_is_the_one_on_screen():
    from diplodash.metrics.glossary import GLOSSARY

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for term, meaning in GLOSSARY.items():
        assert f"| {term} | {meaning} |" in text, term
