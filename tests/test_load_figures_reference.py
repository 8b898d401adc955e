"""The loader's figures against a straightforward reference computed here, row by row in plain Python.

The overview's per-period contacts, calls, multi-party calls, meetings and initiator shares, as loaded and
derived by diplodash (read, type, check, derive, select), must equal frame for frame what a reading of the raw
CSV files with the csv module gives: on the bundled table and on a synthetic table from the benchmark
generator (2,000 SYNTHETIC contacts: test data, no real contacts). Any change to the load path that alters
a figure fails here.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from bench import generate as gen
from diplodash.config import load_config
from diplodash.metrics.dataset import load_dataset
from diplodash.metrics.schema import CALLS, MEETINGS, MULTI_PARTY, NO_PERIOD
from diplodash.metrics.snapshot import compute_snapshot

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2025, 12, 31)
COLUMNS = ["group", "contacts", "calls", "multi_party_calls", "meetings", "initiated_leader", "initiated_counterpart", "initiator_unknown"]


def _day(text: str) -> dt.date:
    parts = [int(p) for p in text.split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2])


def reference_overview(folder: Path, config) -> pl.DataFrame:
    """Per period: the counted contacts, their formats and the shares of the initiator sides."""
    claims: dict[str, set[str]] = defaultdict(set)
    with open(folder / "reports.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["initiator_claim"]:
                claims[row["contact_id"]].add(row["initiator_claim"])
    groups: dict[str, list] = {}
    with open(folder / "contacts.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if (row["status"] or "confirmed") not in config.count_statuses:
                continue
            day = _day(row["date"])
            period = NO_PERIOD
            for p in config.periods:
                if p.counterpart in ("*", row["counterpart"]) and day >= p.start and (p.end is None or day < p.end):
                    period = p.name
                    break
            said = claims.get(row["contact_id"], set())
            side = next(iter(said)) if len(said) == 1 else "unknown"
            side = side if side in ("leader", "counterpart") else "unknown"
            g = groups.setdefault(period, [0, 0, 0, 0, 0, 0, 0])
            g[0] += 1
            g[1] += row["format"] in CALLS
            g[2] += row["format"] in MULTI_PARTY
            g[3] += row["format"] in MEETINGS
            g[4 + ("leader", "counterpart", "unknown").index(side)] += 1
    rows = [[name, g[0], g[1], g[2], g[3], g[4] / g[0], g[5] / g[0], g[6] / g[0]] for name, g in sorted(groups.items())]
    schema = dict(zip(COLUMNS, [pl.String, pl.UInt32, pl.UInt32, pl.UInt32, pl.UInt32, pl.Float64, pl.Float64, pl.Float64]))
    return pl.DataFrame(rows, schema=schema, orient="row")


def _loaded(config, folder: Path) -> pl.DataFrame:
    dataset = load_dataset(config, folder, today=AS_OF)
    overview = compute_snapshot(dataset, as_of=AS_OF)["overview"]
    return overview.select(COLUMNS).sort("group")


@pytest.fixture(autouse=True)
def _no_cache(monkeypatch):
    monkeypatch.setenv("DIPLODASH_CACHE_DIR", "off")


def test_bundled_table_figures_equal_the_reference():
    config = load_config(ROOT / "config.toml")
    folder = ROOT / "seeds"
    got = _loaded(config, folder)
    assert got.height > 1
    assert_frame_equal(got, reference_overview(folder, config), check_exact=True)


def test_synthetic_table_figures_equal_the_reference(tmp_path):
    folders = gen.generate(2_000, formats=("csv", "parquet"), root=tmp_path, log=lambda *_: None)
    config = load_config(gen.config_path(tmp_path))
    expected = reference_overview(folders["csv"], config)
    assert expected.height == 13  # twelve periods and the contacts outside them
    for fmt in ("csv", "parquet"):
        assert_frame_equal(_loaded(config, folders[fmt]), expected, check_exact=True)
