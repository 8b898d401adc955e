"""Xi Jinping's hub: figures that ../shared/reference/xi-us-contacts.md states, reproduced from the bundled table,
the citations of every new row, and the side names per leader and counterpart."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from fixture_tables import AS_OF, CONFIG, SEEDS
from diplodash.config import parse_config
from diplodash.metrics.problems import DataError
from diplodash.metrics.selection import Selection
from diplodash.metrics.sides import pairs_of, side_name, side_name_expr, side_names, side_names_for
from diplodash.metrics.snapshot import compute_metric

XI = "Xi Jinping"
REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "xi-us-contacts.md"
CITED_IN = "reference/xi-us-contacts.md"


def contact(dataset, contact_id: str) -> dict:
    frame = dataset.contacts.filter(pl.col("contact_id") == contact_id)
    assert frame.height == 1, contact_id
    return frame.row(0, named=True)


def counts(dataset, selection: Selection, column: str = "contacts") -> dict:
    frame = compute_metric(dataset, "calls_per_year", selection, "format", as_of=AS_OF)  # one row per group and year
    summed = frame.group_by("group").agg(pl.col(column).sum())
    return {g: n for g, n in summed.rows() if n}


def rows(table: str) -> list[dict]:
    return list(csv.DictReader(open(SEEDS / f"{table}.csv", encoding="utf-8")))


# ------------------------------------------------------------------ the reference file's figures


def test_every_contact_of_the_reference_file(seeds_dataset):
    # 23 with Trump (first term), 9 with Biden, 7 with Trump (second term, the pre-inauguration call included),
    # and the April 2025 call China denied
    xi = seeds_dataset.contacts.filter(pl.col("leader") == XI)
    assert xi.height == 40
    everything = Selection(leaders=(XI,), all_statuses=True)
    frame = compute_metric(seeds_dataset, "overview", everything, "period", as_of=AS_OF)
    assert dict(frame.select("group", "contacts").rows()) == {"Trump 1st term": 23, "Biden": 9, "Trump transition": 1, "Trump 2nd term": 7}
    assert xi.filter(pl.col("status") == "denied").get_column("contact_id").to_list() == ["xi-trump-2025-04"]


def test_nine_biden_xi_contacts_four_phone_calls_two_video_calls(seeds_dataset):
    biden = Selection(leaders=(XI,), counterparts=("Joe Biden",))
    assert counts(seeds_dataset, biden) == {"phone": 4, "video_call": 2, "in_person": 2, "summit": 1}
    overview = compute_metric(seeds_dataset, "overview", biden, "none", as_of=AS_OF).row(0, named=True)
    assert overview["contacts"] == 9 and overview["calls"] == 6


def test_28_july_2022_call_two_hours_17_minutes_as_the_white_house_gave_it(seeds_dataset):
    call = contact(seeds_dataset, "xi-biden-2022-07-28")
    assert call["format"] == "phone" and call["duration_minutes"] == 137
    assert call["duration_side"] == "counterpart" and call["duration_text"] == "two hours and 17 minutes"
    # "more than two hours" (White House) and "reportedly lasted 2.5 hours" (Sputnik) are kept beside it
    assert call["duration_figures"] == 3 and call["duration_max"] == 150
    assert call["initiator_side"] == "counterpart"  # "at the request of the latter" (China: readout)


def test_the_april_2025_call_china_denied_is_kept_but_not_counted(seeds_dataset):
    call = contact(seeds_dataset, "xi-trump-2025-04")
    assert call["status"] == "denied" and call["counted"] is False and call["date_precision"] == "month"
    year = Selection(leaders=(XI,), years=(2025,))
    assert counts(seeds_dataset, year) == {"phone": 4, "in_person": 1}
    assert counts(seeds_dataset, Selection(leaders=(XI,), years=(2025,), all_statuses=True)) == {"phone": 5, "in_person": 1}


def test_both_counts_of_2025_calls_are_kept_each_with_its_source(seeds_dataset):
    # "their third phone call this year" (Xinhua) against "the second call ... since Trump returned to the
    # White House" (AP) and "for the second time this year" (CFR): the 17 Jan call, before the inauguration
    coverage = compute_metric(seeds_dataset, "coverage", Selection(leaders=(XI,)), "none", as_of=AS_OF)
    claims = {r["claim_id"]: r for r in coverage.iter_rows(named=True)}
    xinhua, ap, cfr = claims["xinhua-2025-09-19-third-this-year"], claims["ap-2025-09-19-second-since-return"], claims["cfr-2025-09-19-second-this-year"]
    assert (xinhua["claimed"], xinhua["enumerated"], xinhua["side"]) == (3, 3, "leader")
    assert (ap["claimed"], ap["enumerated"], ap["side"]) == (2, 2, "press")
    assert (cfr["claimed"], cfr["enumerated"], cfr["gap"]) == (2, 3, -1)
    assert {s for c in (xinhua, ap, cfr) for s in c["source_ids"].split(";")} >= {"xi-anews-2025-09-19", "xi-interfax-1106058", "xi-millenniumpost-628088", "xi-cfr-trump-xi-making"}


def test_the_fifth_call_since_biden_took_office_counts_the_video_calls(seeds_dataset):
    coverage = compute_metric(seeds_dataset, "coverage", Selection(leaders=(XI,)), "none", as_of=AS_OF)
    claims = {r["claim_id"]: r for r in coverage.iter_rows(named=True)}
    assert claims["fifth-call-2022-07-28"]["claimed"] == claims["fifth-call-2022-07-28"]["enumerated"] == 5
    assert claims["reuters-2024-11-16-third-meeting"]["enumerated"] == 3  # "third meeting as their countries' leaders"
    assert claims["cri-2017-11-08-third-meeting"]["enumerated"] == 3  # "the third meeting between Xi and Trump"
    assert claims["newsru-2021-11-16-third-time-spoken"]["enumerated"] == 3


def test_xi_claims_do_not_count_putins_contacts_and_back(seeds_dataset):
    coverage = compute_metric(seeds_dataset, "coverage", Selection(), "none", as_of=AS_OF)
    claims = {r["claim_id"]: r for r in coverage.iter_rows(named=True)}
    assert claims["kremlin-2025-phone-calls"]["enumerated"] == 10  # Putin's ten, not Xi's four besides
    assert claims["cnbc-2025-06-05-second-this-year"]["enumerated"] == 2  # Xi's two, not Putin's calls of early 2025


def test_dates_follow_beijing_where_the_sources_give_it(seeds_dataset):
    # 10 Feb 2021 (Wednesday evening) in Washington, "Thursday morning", 11 Feb, in Beijing
    call = contact(seeds_dataset, "xi-biden-2021-02-11")
    assert call["date"] == dt.date(2021, 2, 11)
    notes = {r["contact_id"]: r["notes"] for r in rows("contacts")}
    assert "10 Feb" in notes["xi-biden-2021-02-11"] and "Washington" in notes["xi-biden-2021-02-11"]
    assert contact(seeds_dataset, "xi-biden-2021-11-16")["date"] == dt.date(2021, 11, 16)
    assert contact(seeds_dataset, "xi-trump-2017-02-10")["date"] == dt.date(2017, 2, 10)


def test_the_busan_meeting_keeps_every_sides_duration(seeds_dataset):
    # about 100 minutes (JoongAng), "a little over 100 minutes" (CNA), "one hour and 40 minutes" (China Daily)
    meeting = contact(seeds_dataset, "xi-trump-2025-10-30")
    assert meeting["format"] == "in_person" and meeting["duration_minutes"] == 100
    assert meeting["duration_min"] == meeting["duration_max"] == 100  # three wordings, one figure
    accounts = seeds_dataset.reports.filter(pl.col("contact_id") == "xi-trump-2025-10-30")
    assert accounts.filter(pl.col("duration_text").is_not_null()).get_column("speaker").to_list() == ["Korea JoongAng Daily", "CNA", "China Daily"]


def test_chinese_readout_wording_gets_its_labels(seeds_dataset):
    call = contact(seeds_dataset, "xi-trump-2025-09-19")  # "pragmatic, positive and constructive" (China)
    assert {"pragmatic", "positive", "constructive"} <= set(call["tone_labels_leader"])
    virtual = contact(seeds_dataset, "xi-biden-2021-11-16")  # "wide-ranging, in-depth, candid, constructive, ..."
    assert {"wide_ranging", "in_depth", "frank", "constructive", "substantive", "productive"} <= set(virtual["tone_labels_leader"])
    tone = compute_metric(seeds_dataset, "tone", Selection(leaders=(XI,), counterparts=("Joe Biden",)), "none", as_of=AS_OF)
    in_depth = tone.filter((pl.col("side") == "leader") & (pl.col("label") == "in_depth"))
    assert in_depth.get_column("contacts").to_list() == [8]  # every Biden contact but Lima


# ------------------------------------------------------------------ citations


@pytest.fixture(scope="module")
def new_rows():
    sources = {r["source_id"]: r for r in rows("sources")}
    contacts = [r for r in rows("contacts") if r["leader"] == XI]
    ids = {r["contact_id"] for r in contacts}
    reports = [r for r in rows("reports") if r["contact_id"] in ids]
    claims = [r for r in rows("claims") if r["leader"] == XI]
    return sources, {"contacts": contacts, "reports": reports, "claims": claims}


def test_every_new_row_cites_an_existing_source_and_an_excerpt(new_rows):
    sources, tables = new_rows
    assert [len(tables[t]) for t in ("contacts", "reports", "claims")] == [40, 117, 25]
    bad = []
    for table, found in tables.items():
        for row in found:
            ids = [s.strip() for s in row["source_ids"].split(";") if s.strip()]
            key = next(iter(row.values()))
            if not ids or not row["excerpt"].strip():
                bad.append(f"{table} {key}: no source or no excerpt")
            for i in ids:
                if i not in sources or sources[i]["cited_in"] != CITED_IN or not sources[i]["url"]:
                    bad.append(f"{table} {key}: source {i!r} missing or not from the reference file")
    assert bad == []


def test_every_report_cites_only_sources_of_its_contact(new_rows):
    _, tables = new_rows
    contact_sources = {r["contact_id"]: set(r["source_ids"].split(";")) for r in tables["contacts"]}
    for row in tables["reports"]:
        assert set(row["source_ids"].split(";")) <= contact_sources[row["contact_id"]], row["report_id"]


@pytest.mark.skipif(not REFERENCE.is_file(), reason="../shared is not beside this checkout")
def test_every_xi_source_url_is_in_the_reference_file(new_rows):
    sources, _ = new_rows
    text = REFERENCE.read_text(encoding="utf-8")
    xi = [s for s in sources.values() if s["cited_in"] == CITED_IN]
    assert len(xi) == 189
    assert [s["url"] for s in xi if s["url"] not in text] == []


# ------------------------------------------------------------------ side names


def test_side_names_per_leader_and_counterpart(config):
    assert side_names(config, XI, "Joe Biden") == {"leader": "China", "counterpart": "White House", "press": "Press", "other": "Other"}
    assert side_name(config, "leader", "Vladimir Putin", "Donald Trump") == "Kremlin"
    assert side_name(config, "counterpart", "Vladimir Putin", "Viktor Orbán") == "Hungary"  # not "White House"
    assert side_name(config, "leader", "Someone Else", "Another") == config.side_labels["leader"] == "Leader"


def test_a_selection_over_both_hubs_names_the_leader_side_by_default(config, seeds_dataset):
    from diplodash.metrics.export import selected_contacts

    xi_biden = selected_contacts(seeds_dataset, Selection(leaders=(XI,), counterparts=("Joe Biden",)))
    assert side_names_for(config, pairs_of(xi_biden))["leader"] == "China"
    biden = selected_contacts(seeds_dataset, Selection(counterparts=("Joe Biden",)))
    names = side_names_for(config, pairs_of(biden))
    assert names["leader"] == "Leader" and names["counterpart"] == "White House"


def test_side_name_column_per_contact(config, seeds_dataset):
    frame = seeds_dataset.contacts.filter(pl.col("contact_id").is_in(["xi-trump-2017-07-08", "xi-biden-2022-07-28", "putin-trump-2025-10-16", "putin-orban-2025-10"]))
    named = dict(frame.select("contact_id", side_name_expr(config, pl.col("initiator_side")).alias("name")).rows())
    assert named["xi-trump-2017-07-08"] == "China"  # "at the invitation of Xi" (Reuters)
    assert named["xi-biden-2022-07-28"] == "White House"
    assert named["putin-trump-2025-10-16"] == "Kremlin"  # "We proposed the phone conversation"
    assert named["putin-orban-2025-10"] in {"Kremlin", "Hungary", "unknown"}


def test_counterpart_table_wins_for_the_counterpart_side_and_leader_table_for_the_rest():
    text = CONFIG.read_text(encoding="utf-8") + '\n[sides.leaders."A"]\ncounterpart = "A says"\npress = "A press"\n[sides.counterparts."B"]\ncounterpart = "B office"\npress = "B press"\n'
    config = parse_config(text.encode(), Path("sides.toml"))
    assert side_names(config, "A", "B") == {"leader": "Leader", "counterpart": "B office", "press": "A press", "other": "Other"}
    assert side_name(config, "counterpart", "A", "C") == "A says"


def _problems(text: str) -> list:
    with pytest.raises(DataError) as caught:
        parse_config(text.encode(), Path("my.toml"))
    return caught.value.problems


@pytest.mark.parametrize(
    ("extra", "needle", "message"),
    [
        ('[sides.leaders."Xi Jinping2"]\nleadr = "China"\n', 'leadr = "China"', "did you mean 'leader'?"),
        ('[sides.counterparts."Joe Biden2"]\ncounterpart = 3\n', "counterpart = 3", "must be a string, not an integer"),
        ('[sides.counterparts."Joe Biden2"]\ncounterpart = ""\n', 'counterpart = ""', "is empty"),
    ],
)
def test_bad_side_names_are_named_with_line_and_column(extra, needle, message):
    text = CONFIG.read_text(encoding="utf-8") + "\n" + extra
    found = _problems(text)
    line = text.splitlines().index(needle) + 1
    assert any(p.line == line and p.column == 1 and message in p.message and p.file == "my.toml" for p in found), found


def test_sides_leaders_must_be_tables():
    text = CONFIG.read_text(encoding="utf-8").replace('[sides.leaders."Vladimir Putin"]\nleader = "Kremlin"\n', "")
    text = text.replace('[sides.leaders."Xi Jinping"]\nleader = "China"\n', "").replace('other = "Other"\n', 'other = "Other"\nleaders = 5\n', 1)
    found = _problems(text)
    line = text.splitlines().index("leaders = 5") + 1
    assert any(p.line == line and "must be a table of tables" in p.message for p in found), found
