"""The benchmark generator writes valid, clearly synthetic tables that diplodash loads (at ~1,000 contacts)."""

from __future__ import annotations

import json

import polars as pl
import pytest

from bench import generate as gen
from diplodash.config import load_config
from diplodash.metrics.dataset import load_dataset
from diplodash.metrics.snapshot import compute_snapshot
from fixture_tables import AS_OF

N = 1_000


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    root = tmp_path_factory.mktemp("bench-data")
    folders = gen.generate(N, root=root, log=lambda *_: None)
    return root, folders


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_loader_accepts_the_table_without_problems(tables, fmt):
    root, folders = tables
    config = load_config(gen.config_path(root))
    dataset = load_dataset(config, folders[fmt])
    assert dataset.problems == []
    assert dataset.contacts.height == N
    assert 1.5 * N < dataset.reports.height < 3 * N  # several accounts per contact
    assert "synthetic" in folders[fmt].name
    snapshot = compute_snapshot(dataset, as_of=AS_OF)
    assert snapshot["overview"].height > 1
    assert snapshot["coverage"].height == 24


def test_formats_hold_the_same_table(tables):
    root, folders = tables
    config = load_config(gen.config_path(root))
    a, b = (load_dataset(config, folders[fmt]).contacts.drop("__line") for fmt in ("parquet", "csv"))
    assert a.equals(b)


def test_config_names_periods_and_lexicon_and_defaults_to_the_small_table(tables):
    root, folders = tables
    config = load_config(gen.config_path(root))
    assert len(config.periods) == 12
    assert len(config.tone) == 20
    assert config.data_path.resolve() == folders["parquet"].resolve()
    assert load_dataset(config).contacts.height == N


def test_shapes_are_realistic(tables):
    root, folders = tables
    dataset = load_dataset(load_config(gen.config_path(root)), folders["parquet"])
    contacts = dataset.contacts
    assert contacts["counterpart"].n_unique() >= 40
    assert contacts["year"].max() - contacts["year"].min() >= 30
    assert set(contacts["initiator_side"].unique()) == {"leader", "counterpart", "unknown"}
    assert 0.3 < contacts["duration_minutes"].null_count() / contacts.height < 0.5
    labels = contacts["tone_labels"].list.len()
    assert labels.min() == 0 and labels.max() == 3
    assert contacts["period"].n_unique() == 13  # twelve periods and "(no period)"
    assert set(dataset.sources["title"].str.contains("SYNTHETIC")) == {True}
    marker = json.loads((folders["csv"] / gen.MARKER).read_text())
    assert marker["synthetic"] is True and marker["contacts"] == N


def test_reused_when_current_and_independent_of_chunking(tables, tmp_path):
    root, folders = tables
    stamp = (folders["parquet"] / "contacts.parquet").stat().st_mtime_ns
    gen.generate(N, root=root, log=lambda *_: None)
    assert (folders["parquet"] / "contacts.parquet").stat().st_mtime_ns == stamp
    other = gen.generate(N, formats=("parquet",), root=tmp_path, chunk=300, log=lambda *_: None)
    for name in ("contacts", "reports"):
        assert pl.read_parquet(other["parquet"] / f"{name}.parquet").equals(pl.read_parquet(folders["parquet"] / f"{name}.parquet"))
