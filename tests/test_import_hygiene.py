"""One import package: the wheel holds ``diplodash`` alone, and nothing is imported by a bare ``metrics``, ``tui`` or
``extract`` name at run time (import-linter checks the source statically; these check what actually happens)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BARE = ("metrics", "tui", "extract")

# Runs the command line in-process, then lists every loaded module by a bare name and every diplodash module
# loaded from outside the given package folder.
PROBE = r"""
import os, sys
root = sys.argv[1]
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.abspath(root)]
from diplodash.cli import main
code = main(["--as-of", "2026-06-30", "metrics", "overview", "--by", "none", "--format", "csv"])
bare = sorted(m for m in sys.modules if m.split(".")[0] in ("metrics", "tui", "extract"))
import diplodash
print("EXIT", code)
print("BARE", bare)
print("FROM", os.path.dirname(diplodash.__file__))
"""


def test_the_command_line_loads_no_module_by_a_bare_name_even_beside_a_decoy(tmp_path):
    # A folder holding its own metrics.py and tui.py: a bare import would pick them up and fail loudly.
    for name in BARE:
        (tmp_path / f"{name}.py").write_text("raise SystemExit('decoy imported')\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path)], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "EXIT 0" in result.stdout and "BARE []" in result.stdout, result.stdout


def test_the_wheel_holds_diplodash_alone_and_runs_from_itself(tmp_path):
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(tmp_path / "dist"), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    if built.returncode != 0 and "hatchling" in built.stderr and "No matching distribution" in built.stderr:
        pytest.skip("the build backend (hatchling) cannot be installed here")
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("diplodash-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path / "site")
    assert {n.split("/")[0] for n in names} == {"diplodash", f"{wheel.name.split('-')[0]}-{wheel.name.split('-')[1]}.dist-info"}
    for module in ("diplodash/metrics/window.py", "diplodash/tui/app.py", "diplodash/extract/settings.py", "diplodash/config.py"):
        assert module in names
    assert not any(Path(n).parts[0] in BARE for n in names)
    assert "diplodash/bundled/config.toml" in names and any(n.startswith("diplodash/bundled/seeds/") for n in names)
    # The unpacked wheel first on the path, the source tree removed from it: the command line runs from the wheel.
    env = {"PYTHONPATH": str(tmp_path / "site"), "PATH": "/usr/bin:/bin", "DIPLODASH_CACHE_DIR": "off", "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", PROBE, str(ROOT)], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "EXIT 0" in result.stdout and "BARE []" in result.stdout, result.stdout
    assert f"FROM {tmp_path / 'site' / 'diplodash'}" in result.stdout
