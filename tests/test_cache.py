"""The derived-table cache (metrics.cache): a second load of unchanged files is frame-equal and skips the
work; any change to a data file, the settings or the date gives a fresh load; a broken entry is ignored."""

from __future__ import annotations

import dataclasses

import pytest

from fixture_tables import AS_OF, write_small_table
from diplodash.metrics import cache as derived_cache
from diplodash.metrics import dataset as dataset_module
from diplodash.metrics.dataset import load_dataset


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(derived_cache.ENV_VAR, str(folder))
    return folder


def frames(dataset):
    return (dataset.contacts, dataset.reports, dataset.claims, dataset.sources)


def test_a_second_load_comes_from_the_cache_and_equals_the_first(config, tmp_path, cache_dir, monkeypatch):
    table = write_small_table(tmp_path / "t")
    first = load_dataset(config, table, today=AS_OF)
    assert len([p for p in cache_dir.iterdir() if not p.name.startswith(".")]) == 1

    def no_work(*args, **kwargs):
        raise AssertionError("loaded from the files although nothing changed")

    monkeypatch.setattr(dataset_module, "_load", no_work)
    second = load_dataset(config, table, today=AS_OF)
    for a, b in zip(frames(first), frames(second)):
        assert a.equals(b) and a.schema == b.schema
    assert second.problems == first.problems and second.files == first.files


def test_any_change_gives_a_fresh_load(config, tmp_path, cache_dir):
    table = write_small_table(tmp_path / "t")
    before = load_dataset(config, table, today=AS_OF)
    contacts = table / "contacts.csv"
    contacts.write_text(contacts.read_text(encoding="utf-8").replace("c3,2022-02-12", "c3,2022-02-13"), encoding="utf-8")
    after = load_dataset(config, table, today=AS_OF)
    assert after.contacts.filter(after.contacts["contact_id"] == "c3")["date"].dt.day().item() == 13
    assert before.contacts.height == after.contacts.height
    tone = dataclasses.replace(config, tone=config.tone[1:])  # another lexicon: other labels
    relabelled = load_dataset(tone, table, today=AS_OF)
    assert relabelled.contacts["tone_labels"].to_list() != after.contacts["tone_labels"].to_list()
    assert len([p for p in cache_dir.iterdir() if not p.name.startswith(".")]) == 3


def test_a_broken_entry_is_ignored(config, tmp_path, cache_dir):
    table = write_small_table(tmp_path / "t")
    first = load_dataset(config, table, today=AS_OF)
    for entry in cache_dir.iterdir():
        (entry / "contacts.parquet").write_bytes(b"not parquet")
    again = load_dataset(config, table, today=AS_OF)
    assert again.contacts.equals(first.contacts)


def test_a_table_edited_while_it_was_read_is_not_cached(config, tmp_path, cache_dir, monkeypatch):
    table = write_small_table(tmp_path / "t")
    keys = iter(["before", "after"])
    monkeypatch.setattr(derived_cache, "fingerprint", lambda *a, **k: next(keys))
    load_dataset(config, table, today=AS_OF)
    assert not cache_dir.exists() or not [p for p in cache_dir.iterdir() if not p.name.startswith(".")]


def test_the_cache_can_be_turned_off(config, tmp_path, monkeypatch):
    monkeypatch.setenv(derived_cache.ENV_VAR, "off")
    assert derived_cache.cache_root() is None
    table = write_small_table(tmp_path / "t")
    assert load_dataset(config, table, today=AS_OF).contacts.height == 7
