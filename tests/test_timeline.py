"""The timeline metric (metrics.measures.timeline) on a small invented table: every figure computed by hand.

Test data only: the leaders, counterparts and contacts below are invented.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from diplodash.config import load_config
from diplodash.metrics.dataset import load_dataset
from diplodash.metrics.measures.timeline import boundaries
from diplodash.metrics.schema import CONTACTS, REPORTS, SOURCES
from diplodash.metrics.selection import Selection
from diplodash.metrics.snapshot import compute_metric
from fixture_tables import write_csv

AS_OF = dt.date(2024, 12, 31)

CONFIG_TEXT = """
[data]
path = "table"

[[periods]]
name = "Term A"
counterpart = "Rosa Quill"
start = 2020-01-01
end = 2022-07-01

[[periods]]
name = "Term B"
counterpart = "Rosa Quill"
start = 2022-07-01

[[periods]]
name = "Marko term"
counterpart = "Marko Vell"
start = 2019-03-01
end = 2021-03-01
"""

ROWS = [
    # contact_id, date, leader, counterpart, format, status
    ("t1", "2020-02-01", "Anton Brisk", "Rosa Quill", "phone", "confirmed"),
    ("t2", "2020-02-11", "Anton Brisk", "Rosa Quill", "video_call", "confirmed"),
    ("t3", "2021-02-10", "Anton Brisk", "Rosa Quill", "summit", "confirmed"),
    ("t4", "2022-08-01", "Anton Brisk", "Rosa Quill", "", "confirmed"),  # unknown format
    ("t5", "2025-03-01", "Anton Brisk", "Rosa Quill", "phone", "confirmed"),  # after the as-of date: left off
    ("t6", "2020-05-05", "Anton Brisk", "Marko Vell", "multi_party_call", "confirmed"),
    ("t7", "2020-06-04", "Anton Brisk", "Marko Vell", "envoy_meeting", "confirmed"),
    ("t8", "2021-01-01", "Ciri Dawn", "Rosa Quill", "in_person", "confirmed"),
    ("t9", "2021-01-05", "Ciri Dawn", "Rosa Quill", "phone", "denied"),  # not counted by default
]


@pytest.fixture
def invented(tmp_path):
    folder = tmp_path / "table"
    folder.mkdir()
    write_csv(folder / "sources.csv", SOURCES.names, [{"source_id": "s1", "kind": "web", "outlet": "Test"}])
    contacts = [
        dict(zip(("contact_id", "date", "leader", "counterpart", "format", "status"), row), date_precision="day", source_ids="s1", excerpt="x")
        for row in ROWS
    ]
    write_csv(folder / "contacts.csv", CONTACTS.names, contacts)
    # one account per contact, two for t1 (both sides): grouping by side repeats t1
    reports = [{"report_id": f"{row[0]}/1", "contact_id": row[0], "side": "leader", "source_ids": "s1"} for row in ROWS]
    reports.append({"report_id": "t1/2", "contact_id": "t1", "side": "counterpart", "source_ids": "s1"})
    write_csv(folder / "reports.csv", REPORTS.names, reports)
    path = tmp_path / "config.toml"
    path.write_text(CONFIG_TEXT, encoding="utf-8")
    config = load_config(path)
    return load_dataset(config, folder, cache=False)


def test_one_row_per_relationship_figures_by_hand(invented):
    frame = compute_metric(invented, "timeline", Selection(), "period", as_of=AS_OF)
    assert frame.get_column("relationship").to_list() == ["Anton Brisk · Rosa Quill", "Anton Brisk · Marko Vell", "Ciri Dawn · Rosa Quill"]
    brisk_quill, brisk_vell, dawn_quill = frame.rows(named=True)
    # t5 lies after the as-of date: four contacts, the last on 2022-08-01
    assert (brisk_quill["contacts"], brisk_quill["calls"], brisk_quill["multi_party_calls"], brisk_quill["meetings"]) == (4, 2, 0, 1)
    assert (brisk_quill["first"], brisk_quill["last"]) == (dt.date(2020, 2, 1), dt.date(2022, 8, 1))
    # gaps: 10 days (02-01 → 02-11), 365 (2020-02-11 → 2021-02-10, a leap year), 537 (2021-02-10 → 2022-08-01)
    assert brisk_quill["longest_gap_days"] == 537
    # 2022-08-01 → 2024-12-31: 365 (to 2023-08-01) + 366 (to 2024-08-01, over 29 February) + 152 (to 31 December) = 883
    assert brisk_quill["since_last_days"] == (AS_OF - dt.date(2022, 8, 1)).days == 883
    assert brisk_quill["dates"] == [dt.date(2020, 2, 1), dt.date(2020, 2, 11), dt.date(2021, 2, 10), dt.date(2022, 8, 1)]
    assert brisk_quill["families"] == ["call", "call", "meeting", "unknown"]
    assert (brisk_vell["contacts"], brisk_vell["multi_party_calls"], brisk_vell["meetings"], brisk_vell["longest_gap_days"]) == (2, 1, 1, 30)
    assert brisk_vell["families"] == ["multi_party_call", "meeting"]
    # the denied t9 is not counted: one contact, no gap
    assert (dawn_quill["contacts"], dawn_quill["longest_gap_days"], dawn_quill["families"]) == (1, None, ["meeting"])


def test_follows_the_selection_the_as_of_date_and_ignores_the_grouping(invented):
    chosen = compute_metric(invented, "timeline", Selection(formats=("phone",)), "period", as_of=AS_OF)
    assert chosen.select("relationship", "contacts").rows() == [("Anton Brisk · Rosa Quill", 1)]
    later = compute_metric(invented, "timeline", Selection(), "none", as_of=dt.date(2025, 6, 1))
    assert later.row(0, named=True)["contacts"] == 5 and later.row(0, named=True)["last"] == dt.date(2025, 3, 1)
    earlier = compute_metric(invented, "timeline", Selection(), "none", as_of=dt.date(2020, 3, 1))
    assert earlier.select("relationship", "contacts").rows() == [("Anton Brisk · Rosa Quill", 2)]
    # grouping by side repeats a contact for each side that reported it; the timeline counts it once
    for by in ("side", "format", "period,leader", "year"):
        again = compute_metric(invented, "timeline", Selection(), by, as_of=AS_OF)
        assert again.get_column("contacts").to_list() == [4, 2, 1], by


def test_period_boundaries(invented):
    config = invented.config
    got = boundaries(config, ["Rosa Quill"], dt.date(2019, 1, 1), AS_OF)
    # Term A ends where Term B starts: the end comes first; Term B is open (no end)
    assert got.rows() == [
        (dt.date(2020, 1, 1), "Term A", "start"),
        (dt.date(2022, 7, 1), "Term A", "end"),
        (dt.date(2022, 7, 1), "Term B", "start"),
    ]
    both = boundaries(config, ["Rosa Quill", "Marko Vell"], dt.date(2020, 6, 1), dt.date(2022, 6, 30))
    assert both.rows() == [(dt.date(2021, 3, 1), "Marko term", "end")]
    assert boundaries(config, [], dt.date(2019, 1, 1), AS_OF).is_empty()


def test_exported_and_printed_like_every_metric(invented):
    from diplodash.metrics.render import flat, to_csv

    frame = compute_metric(invented, "timeline", Selection(), "period", as_of=AS_OF)
    text = to_csv(flat(frame))
    assert "2020-02-01;2020-02-11;2021-02-10;2022-08-01" in text and "call;call;meeting;unknown" in text
    assert isinstance(frame.schema["dates"], pl.List)


def test_chart_points_one_per_contact_and_thinned_when_many():
    from diplodash.tui.views.timeline import TimelineView, relationship_labels, year_fraction

    frame = pl.DataFrame(
        {"dates": [[dt.date(2020, 1, 1), dt.date(2024, 7, 1)], [dt.date(2021, 3, 1)]], "families": [["call", "meeting"], ["call"]]}
    )
    points = TimelineView.points(frame, 2020.0, 2025.0, 60)
    # the first relationship on top (y 2); 2024-07-01 is day 183 of a leap year: 2024 + 182/366
    assert points.rows() == [(2020.0, 2, "call"), (2024 + 182 / 366, 2, "meeting"), (2021 + 59 / 365, 1, "call")]
    assert year_fraction(dt.date(2021, 3, 1)) == 2021 + 59 / 365
    many = pl.DataFrame({"dates": [[dt.date(2020, 1, 1) + dt.timedelta(days=i % 1800) for i in range(20_000)]], "families": [["call"] * 20_000]})
    thinned = TimelineView.points(many, 2020.0, 2025.0, 60)
    assert 0 < thinned.height <= 60 * 4 + 1  # at most one point per quarter cell of a 60-cell axis
    # labels: in full when they fit, else all in one shorter form
    pairs = [("Anton Brisk", "Rosa Quill"), ("Ciri Dawn", "Rosa Quill")]
    assert relationship_labels(pairs, 30) == ["Anton Brisk · Rosa Quill", "Ciri Dawn · Rosa Quill"]
    assert relationship_labels(pairs, 19) == ["A. Brisk · R. Quill", "C. Dawn · R. Quill"]
    assert relationship_labels(pairs, 18) == ["A. Brisk–R. Quill", "C. Dawn–R. Quill"]  # "A. Brisk · R. Quill" is 19 cells
