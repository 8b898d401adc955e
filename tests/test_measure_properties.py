"""Invariants of the metrics on random tables (hypothesis): shares sum to one, counts add up, filters commute."""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diplodash.metrics.dataset import Dataset
from diplodash.metrics.derive import derive_contacts, derive_reports
from diplodash.metrics.schema import FORMATS, SIDES, STATUSES
from diplodash.metrics.selection import GROUPINGS, Selection
from diplodash.metrics.snapshot import compute_snapshot
from diplodash.metrics.tone_lexicon import ToneLexicon
from fixture_tables import AS_OF

COUNTERPARTS = ("Joe Biden", "Donald Trump", "Viktor Orbán")
DURATIONS = ("", "50 minutes", "about an hour", "almost 2.5 hours", "two hours and one minute", "lengthy")
TONES = ("", "businesslike and constructive", "frank", "very useful", "no label here")

contact_rows = st.lists(
    st.tuples(
        st.dates(dt.date(2016, 1, 1), dt.date(2026, 6, 30)),
        st.sampled_from(COUNTERPARTS),
        st.sampled_from(FORMATS),
        st.sampled_from(STATUSES),
        st.lists(st.tuples(st.sampled_from(SIDES), st.sampled_from(DURATIONS), st.sampled_from(("", "leader", "counterpart")), st.sampled_from(TONES)), max_size=3),
    ),
    min_size=1,
    max_size=25,
)


def build(config, rows) -> Dataset:
    contacts = pl.DataFrame(
        {
            "__line": list(range(2, len(rows) + 2)),
            "contact_id": [f"c{i}" for i in range(len(rows))],
            "date": [r[0] for r in rows],
            "date_precision": ["day"] * len(rows),
            "leader": ["Vladimir Putin"] * len(rows),
            "counterpart": [r[1] for r in rows],
            "envoys": [[] for _ in rows],
            "format": [r[2] for r in rows],
            "status": [r[3] for r in rows],
            "topics": [[] for _ in rows],
            "source_ids": [[] for _ in rows],
        },
        schema_overrides={"__line": pl.Int64, "envoys": pl.List(pl.String), "topics": pl.List(pl.String), "source_ids": pl.List(pl.String)},
    )
    accounts = [(f"c{i}", *a) for i, r in enumerate(rows) for a in r[4]]
    reports = pl.DataFrame(
        {
            "__line": list(range(2, len(accounts) + 2)),
            "contact_id": [a[0] for a in accounts],
            "side": [a[1] for a in accounts],
            "duration_text": [a[2] or None for a in accounts],
            "initiator_claim": [a[3] or None for a in accounts],
            "tone_text": [a[4] or None for a in accounts],
        },
        schema={"__line": pl.Int64, "contact_id": pl.String, "side": pl.String, "duration_text": pl.String, "initiator_claim": pl.String, "tone_text": pl.String},
    )
    reports = derive_reports(reports, ToneLexicon(config.tone))
    derived = derive_contacts(contacts, reports, config)
    return Dataset(derived, reports, pl.DataFrame(schema={"claim_id": pl.String}), pl.DataFrame(), {}, config)


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@SETTINGS
@given(rows=contact_rows, by=st.sampled_from(GROUPINGS), all_statuses=st.booleans())
def test_shares_sum_to_one_and_counts_add_up(config, rows, by, all_statuses):
    dataset = build(config, rows)
    selection = Selection(all_statuses=all_statuses)
    snapshot = compute_snapshot(dataset, selection, by, ("overview", "calls_per_year", "initiators", "durations"), as_of=AS_OF)
    selected = dataset.contacts.filter(selection.expr(config))
    initiators = snapshot["initiators"]
    if initiators.height:
        sums = initiators.group_by("group").agg(pl.col("share").sum())
        assert all(abs(s - 1.0) < 1e-9 for s in sums.get_column("share"))
    if by != "side":  # by side, a contact counts once for each side that reported it
        assert initiators.get_column("contacts").sum() == selected.height
        assert snapshot["calls_per_year"].get_column("contacts").sum() == selected.height
        assert snapshot["overview"].get_column("contacts").sum() == selected.height
    default = snapshot["durations"].filter(pl.col("basis") == "default")
    assert (default.get_column("with_duration") <= default.get_column("contacts")).all()
    assert ((default.get_column("min") <= default.get_column("median")) | default.get_column("min").is_null()).all()


@SETTINGS
@given(rows=contact_rows, counterparts=st.sets(st.sampled_from(COUNTERPARTS), min_size=1), formats=st.sets(st.sampled_from(FORMATS), min_size=1))
def test_filters_commute_and_intersect(config, rows, counterparts, formats):
    dataset = build(config, rows)
    one = Selection(counterparts=tuple(sorted(counterparts))).with_filter("format", tuple(sorted(formats)))
    other = Selection(formats=tuple(sorted(formats))).with_filter("counterpart", tuple(sorted(counterparts)))
    assert one == other
    both = set(dataset.contacts.filter(one.expr(config)).get_column("contact_id"))
    left = set(dataset.contacts.filter(Selection(counterparts=tuple(counterparts)).expr(config)).get_column("contact_id"))
    right = set(dataset.contacts.filter(Selection(formats=tuple(formats)).expr(config)).get_column("contact_id"))
    assert both == left & right


@SETTINGS
@given(rows=contact_rows)
def test_tone_shares_are_fractions_of_the_group(config, rows):
    dataset = build(config, rows)
    tone = compute_snapshot(dataset, Selection(all_statuses=True), "counterpart", ("tone",), as_of=AS_OF)["tone"]
    assert ((tone.get_column("share") > 0) & (tone.get_column("share") <= 1)).all()
    per_side = tone.filter(pl.col("side") != "all")
    everything = tone.filter(pl.col("side") == "all")
    for group, label, contacts in per_side.select("group", "label", "contacts").rows():
        overall = everything.filter((pl.col("group") == group) & (pl.col("label") == label)).get_column("contacts")
        assert overall.len() == 1 and overall[0] >= contacts  # a side never sees a label more often than all sides together
