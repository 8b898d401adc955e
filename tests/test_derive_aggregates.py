"""Per-contact aggregates of the accounts (metrics.derive): the orders and joins that no other test pins.

- ``reported_by``: the sides that reported, unique and sorted.
- ``tone_labels`` (and per side): labels in order of first use across the contact's accounts in file (row)
  order, each label once.
- ``tone_text_<side>``: that side's tone texts joined with " | " in row order, nulls skipped; "" for a
  contact with accounts but no text on that side, null for a contact without accounts.
- contacts keep their order; a contact without accounts gets empty lists and zero counts.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from diplodash.config import load_config
from diplodash.metrics.derive import contact_aggregates, derive_contacts, derive_reports
from diplodash.metrics.tone_lexicon import ToneLexicon


def _tables():
    contacts = pl.DataFrame(
        {
            "__line": [2, 3, 4],
            "contact_id": ["b", "none", "a"],
            "date": [dt.date(2020, 1, 2), dt.date(2020, 1, 3), dt.date(2020, 1, 4)],
            "leader": ["L"] * 3,
            "counterpart": ["C"] * 3,
            "status": ["confirmed", None, "denied"],
        }
    )
    # Rows out of contact order on purpose: file order, not contact order, decides the lists.
    accounts = [
        ("a", "press", "frank and constructive", None),
        ("b", "leader", "useful, frank", "leader"),
        ("a", "leader", "businesslike", "counterpart"),
        ("a", "press", None, None),
        ("a", "press", "constructive", None),
        ("b", "leader", "constructive", "leader"),
        ("a", "counterpart", "frank", "counterpart"),
    ]
    reports = pl.DataFrame(
        {
            "__line": list(range(2, len(accounts) + 2)),
            "contact_id": [a[0] for a in accounts],
            "side": [a[1] for a in accounts],
            "duration_text": [None] * len(accounts),
            "initiator_claim": [a[3] for a in accounts],
            "tone_text": [a[2] for a in accounts],
        },
        schema={"__line": pl.Int64, "contact_id": pl.String, "side": pl.String, "duration_text": pl.String, "initiator_claim": pl.String, "tone_text": pl.String},
    )
    config = load_config(None)
    return contacts, derive_reports(reports, ToneLexicon(config.tone)), config


def test_lists_and_joined_texts_follow_file_order():
    contacts, reports, config = _tables()
    derived = derive_contacts(contacts, reports, config)
    assert derived.get_column("contact_id").to_list() == ["b", "none", "a"]
    rows = {r["contact_id"]: r for r in derived.iter_rows(named=True)}
    a, b, none = rows["a"], rows["b"], rows["none"]
    assert a["reported_by"] == ["counterpart", "leader", "press"]
    assert b["reported_by"] == ["leader"]
    assert a["tone_labels"] == ["constructive", "frank", "businesslike"]
    assert a["tone_labels_press"] == ["constructive", "frank"]
    assert a["tone_labels_leader"] == ["businesslike"]
    assert a["tone_labels_counterpart"] == ["frank"]
    assert a["tone_labels_other"] == []
    assert b["tone_labels"] == ["frank", "useful", "constructive"]
    assert a["tone_text_press"] == "frank and constructive | constructive"
    assert a["tone_text_other"] == ""
    assert b["tone_text_leader"] == "useful, frank | constructive"
    assert (a["reports"], b["reports"], none["reports"]) == (5, 2, 0)
    assert (a["initiator"], b["initiator"], none["initiator"]) == ("counterpart", "leader", "unknown")
    assert none["reported_by"] == [] and none["tone_labels"] == [] and none["tone_labels_press"] == []
    assert none["tone_text_press"] is None


def test_contact_aggregates_one_row_per_reported_contact():
    _, reports, config = _tables()
    frame = contact_aggregates(reports, config).sort("contact_id")
    assert frame.get_column("contact_id").to_list() == ["a", "b"]
    assert frame.get_column("reported_by").to_list() == [["counterpart", "leader", "press"], ["leader"]]
    assert frame.get_column("tone_labels").to_list() == [["constructive", "frank", "businesslike"], ["frank", "useful", "constructive"]]


def test_sides_outside_the_fixed_set_are_still_listed_sorted():
    contacts, reports, config = _tables()
    reports = reports.with_columns(pl.when(pl.col("__line") == 2).then(pl.lit("zzz")).otherwise(pl.col("side")).alias("side"))
    derived = derive_contacts(contacts, reports, config)
    assert derived.filter(pl.col("contact_id") == "a").get_column("reported_by").to_list() == [["counterpart", "leader", "press", "zzz"]]
