from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fixture_tables import CONFIG, copy_seeds, write_small_table  # noqa: E402


@pytest.fixture(scope="session")
def config():
    from metrics.config import load_config

    return load_config(CONFIG)


@pytest.fixture
def small_table(tmp_path) -> Path:
    return write_small_table(tmp_path / "table")


@pytest.fixture
def small_dataset(config, small_table):
    from metrics.dataset import load_dataset

    return load_dataset(config, small_table)


@pytest.fixture(scope="session")
def seeds_dataset(config):
    from metrics.dataset import load_dataset

    return load_dataset(config)


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    return copy_seeds(tmp_path / "seeds")
