"""The command line through its real entry point (a subprocess running `python -m diplodash`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from fixture_tables import AS_OF, CONFIG, ROOT


def run(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "NO_COLOR": "1", **(env or {})}
    environment.pop("DIPLODASH_CONFIG", None) if "DIPLODASH_CONFIG" not in (env or {}) else None
    # Every figure as of a pinned date (--as-of), never the calendar: the same output on any day.
    return subprocess.run([sys.executable, "-m", "diplodash", "--as-of", AS_OF.isoformat(), *args], capture_output=True, text=True, cwd=cwd or ROOT, env=environment, timeout=120)


def test_help_lists_commands_and_exit_codes():
    result = run("--help")
    assert result.returncode == 0
    for word in ("validate", "metrics", "export", "compare", "exit codes"):
        assert word in result.stdout


def test_validate_bundled_table_is_clean():
    result = run("validate")
    assert result.returncode == 0, result.stderr
    assert "ok: no problems found" in result.stdout


def test_validate_reports_every_problem_with_location(small_table):
    contacts = small_table / "contacts.csv"
    lines = contacts.read_text().splitlines()
    lines[2] = lines[2].replace("2021-06-16", "2021-13-45").replace("summit", "sumit")
    lines[4] = lines[4].replace("phone", "fone")
    contacts.write_text("\n".join(lines) + "\n")
    result = run("validate", str(small_table), "--config", str(CONFIG))
    assert result.returncode == 1
    assert f"{contacts}:3:" in result.stderr and "'2021-13-45' is not a date" in result.stderr
    assert "did you mean 'summit'" in result.stderr
    assert f"{contacts}:5:" in result.stderr and "'fone'" in result.stderr
    assert "3 errors found" in result.stderr


def test_validate_json_is_stable(small_table):
    (small_table / "reports.csv").write_text((small_table / "reports.csv").read_text().replace("62 minutes", "sixty-two minutez"))
    result = run("validate", str(small_table), "--format", "json", "--config", str(CONFIG))
    assert result.returncode == 1
    payload = json.loads(result.stdout)
    assert payload["version"] == 1 and payload["ok"] is False and payload["errors"] == 1
    problem = payload["problems"][0]
    assert set(problem) == {"file", "line", "column", "message", "severity", "code"}
    assert problem["line"] == 3 and problem["code"] == "duration"


def test_metrics_formats(small_table):
    table = run("metrics", "initiators", "--by", "period", "--data", str(small_table), "--config", str(CONFIG))
    assert table.returncode == 0, table.stderr
    assert "initiator_side" in table.stdout and "Biden" in table.stdout
    as_csv = run("metrics", "calls_per_year", "--format", "csv", "--data", str(small_table), "--config", str(CONFIG))
    assert as_csv.stdout.splitlines()[0] == "group,year,calls,multi_party_calls,meetings,contacts,window_days,calls_in_window"
    as_json = run("metrics", "durations", "--format", "json", "--where", "counterpart=Joe Biden", "--data", str(small_table), "--config", str(CONFIG))
    rows = json.loads(as_json.stdout)["rows"]
    default = [r for r in rows if r["basis"] == "default"][0]
    assert default["median"] == 62 and default["contacts"] == 3


def test_metrics_bad_filter_is_a_usage_error(small_table):
    result = run("metrics", "--where", "format=fone", "--data", str(small_table), "--config", str(CONFIG))
    assert result.returncode == 2 and "did you mean 'phone'" in result.stderr
    result = run("metrics", "--by", "colour", "--data", str(small_table), "--config", str(CONFIG))
    assert result.returncode == 2 and "unknown grouping" in result.stderr


def test_compare(small_table):
    result = run("compare", "--a", "period=Biden", "--b", "period=Trump 2nd term", "--format", "csv", "--data", str(small_table), "--config", str(CONFIG))
    assert result.returncode == 0, result.stderr
    assert "median_minutes,minutes,62.0,135.0,73.0," in result.stdout


def test_export_writes_a_whole_snapshot(small_table, tmp_path):
    out = tmp_path / "exports"
    result = run("export", "--out", str(out), "--by", "period", "--data", str(small_table), "--config", str(CONFIG))
    assert result.returncode == 0, result.stderr
    folder = Path(result.stdout.strip())
    assert folder.parent == out and folder.is_dir()
    names = {p.name for p in folder.iterdir()}
    for metric in ("overview", "calls_per_year", "initiators", "durations", "tone", "coverage"):
        assert {f"{metric}.csv", f"{metric}.parquet"} <= names
    assert {"manifest.json", "metrics.json", "contacts.csv", "report.md"} <= names
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["group_by"] == "period" and manifest["data"]["contacts"]["sha256"]
    assert set(manifest["files"]) == names - {"manifest.json"}
    contacts = pl.read_csv(folder / "contacts.csv")
    for column in ("contact_id", "date", "date_precision", "year", "leader", "counterpart", "period", "format", "initiator", "initiator_side", "status", "duration_minutes", "tone_labels", "source_ids"):
        assert column in contacts.columns
    assert contacts.height == 6
    assert pl.read_parquet(folder / "initiators.parquet").equals(pl.read_csv(folder / "initiators.csv", schema_overrides={"contacts": pl.UInt32, "disputed": pl.UInt32}))
    # never overwrites: the same name again is refused
    again = run("export", "--out", str(out), "--name", folder.name, "--data", str(small_table), "--config", str(CONFIG))
    assert again.returncode == 3 and "never overwritten" in again.stderr


def test_export_to_unwritable_folder_is_a_clear_error(small_table, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user that can write anywhere")
        result = run("export", "--out", str(locked), "--data", str(small_table), "--config", str(CONFIG))
        assert result.returncode == 3 and "not writable" in result.stderr
    finally:
        locked.chmod(0o700)


def test_config_discovery_order(tmp_path, small_table):
    config = tmp_path / "mine.toml"
    config.write_text(CONFIG.read_text().replace('path = "seeds"', f'path = "{small_table}"'))
    by_env = run("config", env={"DIPLODASH_CONFIG": str(config)})
    assert f"config file: {config} (found by $DIPLODASH_CONFIG)" in by_env.stdout
    by_flag = run("config", "--config", str(CONFIG), env={"DIPLODASH_CONFIG": str(config)})
    assert "found by --config" in by_flag.stdout
    (tmp_path / "config.toml").write_text(config.read_text())
    local = run("config", cwd=tmp_path, env={"XDG_CONFIG_HOME": str(tmp_path / "xdg")})
    assert "found by ./config.toml" in local.stdout
    empty = tmp_path / "empty"
    empty.mkdir()
    bundled = run("config", cwd=empty, env={"XDG_CONFIG_HOME": str(tmp_path / "xdg")})
    assert "found by bundled default" in bundled.stdout
    user = tmp_path / "xdg" / "diplodash"
    user.mkdir(parents=True)
    (user / "config.toml").write_text(config.read_text())
    by_user = run("config", cwd=empty, env={"XDG_CONFIG_HOME": str(tmp_path / "xdg")})
    assert "found by user config folder" in by_user.stdout


def test_bad_config_names_file_line_and_column(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text('[data]\npath = "seeds"\n[defaults]\nview = overview\n')
    result = run("metrics", "--config", str(config))
    assert result.returncode == 1
    assert f"{config}:4:8: error: TOML syntax" in result.stderr
    assert "    view = overview\n           ^" in result.stderr


def test_headless_commands_do_not_import_textual():
    code = (
        "import sys; import diplodash.cli as c; import metrics.snapshot, metrics.export, metrics.dataset; "
        "c.main(['metrics', 'overview', '--format', 'csv']); "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'textual_plotext', 'plotext', 'rich', 'tui')); "
        "print('IMPORTED', bad)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "IMPORTED []" in result.stdout


def test_import_linter_contracts_hold():
    linter = Path(sys.executable).with_name("lint-imports")
    if not linter.exists():
        pytest.skip("import-linter is not installed")
    import tomli

    declared = tomli.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]
    assert {"forbidden", "layers"} <= {c["type"] for c in declared}
    result = subprocess.run([str(linter), "pyproject.toml"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(declared)} kept, 0 broken" in result.stdout


def test_data_and_config_work_before_and_after_the_command(small_table):
    before = run("--data", str(small_table), "--config", str(CONFIG), "metrics", "overview", "--by", "none", "--format", "csv")
    after = run("metrics", "overview", "--by", "none", "--format", "csv", "--data", str(small_table), "--config", str(CONFIG))
    assert before.returncode == after.returncode == 0
    assert before.stdout == after.stdout and "all,6,4,0,2," in before.stdout  # 6 contacts, 4 calls, no multi-party call, 2 meetings
