"""bench.run works end to end at a tiny size (1,000 contacts, one run): every engine, the cross-check, loading
and the report. No timing is asserted: machines are noisy."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("duckdb")
pytest.importorskip("pandas")


def test_bench_run_end_to_end_at_1k(tmp_path):
    from bench import run

    output = tmp_path / "RESULTS.md"
    assert run.main(["--sizes", "1000", "--runs", "1", "--load-runs", "1", "--skip-app", "--output", str(output), "--out-dir", str(tmp_path / "out"), "--notes", str(tmp_path / "none.md")]) == 0
    text = output.read_text(encoding="utf-8")
    assert "SYNTHETIC" in text and "## Targets" in text and "## Loading" in text
    for engine in run.ENGINES:
        assert f"| 1k | {engine} |" in text
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    check = results["check"]["1000"]["agree"]
    assert set(check) == set(run.ENGINES)
    assert all(problems == [] for problems in check.values()), check
