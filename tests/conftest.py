from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
# The derived-table cache (metrics.cache) is on in the tests too, in a folder of their own (never the user's).
os.environ.setdefault("DIPLODASH_CACHE_DIR", tempfile.mkdtemp(prefix="diplodash-test-cache-"))

from fixture_tables import AS_OF, CONFIG, copy_seeds, write_small_table  # noqa: E402


@pytest.fixture(autouse=True)
def state_folder(tmp_path_factory, monkeypatch) -> Path:
    """Each test's own state folder (where the app keeps where it was left off): never the user's."""
    folder = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("DIPLODASH_STATE_DIR", str(folder))
    return folder


@pytest.fixture(scope="session")
def config():
    from diplodash.config import load_config

    return load_config(CONFIG)


@pytest.fixture
def small_table(tmp_path) -> Path:
    return write_small_table(tmp_path / "table")


@pytest.fixture
def small_dataset(config, small_table):
    from diplodash.metrics.dataset import load_dataset

    return load_dataset(config, small_table)


@pytest.fixture(scope="session")
def seeds_dataset(config):
    from diplodash.metrics.dataset import load_dataset

    return load_dataset(config)


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    return copy_seeds(tmp_path / "seeds")


@pytest.fixture
def app_config(tmp_path, seeds_copy) -> Path:
    """config.toml copied into tmp_path: reads ``seeds_copy`` and exports to tmp_path/exports (app tests)."""
    import re

    text = CONFIG.read_text(encoding="utf-8")
    text = re.sub(r'(?m)^path = "[^"]*"', f'path = "{seeds_copy.name}"', text, count=1)
    text = re.sub(r'(?m)^export_dir = "[^"]*"', 'export_dir = "exports"', text, count=1)
    text = re.sub(r"(?m)^\[defaults\]\n", f"[defaults]\nas_of = {AS_OF.isoformat()}\n", text, count=1)  # the app's figures never follow the calendar
    path = seeds_copy.parent / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path
