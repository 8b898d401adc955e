"""Make ``diplodash`` the one import package, mechanically and re-runnably.

The user's top-level folders stay where they are (``metrics/``, ``tui/``, and ``extract/`` beside ``metrics/``);
``diplodash/metrics``, ``diplodash/tui`` and ``diplodash/extract`` are relative symlinks to them, so they are
imported as ``diplodash.metrics`` and so on, in an editable install and in the wheel alike.

Run from the repository root: ``python tools/one_package.py``. It

1. moves ``metrics/extract/`` to ``extract/`` (with ``git mv`` for tracked files) when it is still there;
2. creates the three symlinks;
3. rewrites imports (``from metrics.x``, ``import tui.y as z``) and dotted module names in string literals
   (``"metrics.dataset.read_table"``, ``f"tui.views.{name}"``) in every Python file of the source, tests,
   bench and tools; a string is rewritten only when its first part names a real module (``"metrics.json"`` stays);
4. takes ``load_config``/``parse_config`` from ``diplodash.config`` (the config's one entry point, which checks the
   ``[extract]`` table too) instead of ``diplodash.metrics.config``.

Running it again changes nothing. It prints each file it changed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("metrics", "tui", "extract")
SCAN = ("metrics", "tui", "extract", "diplodash", "tests", "bench", "tools")

IMPORT = re.compile(r"^(?P<indent>[ \t]*)(?P<kw>from|import)[ \t]+(?P<mod>(?:metrics|tui|extract)(?:\.[A-Za-z_]\w*)*)(?=[ \t,]|$)", re.M)
STRING = re.compile(r"(?P<q>[\"'])(?P<mod>(?:metrics|tui|extract)(?:\.[A-Za-z_]\w*)+)(?P<rest>\.?(?:\{|[\"']))")


def tracked(path: Path) -> bool:
    result = subprocess.run(["git", "ls-files", "--error-unmatch", str(path)], cwd=ROOT, capture_output=True)
    return result.returncode == 0


def move_extraction() -> None:
    old = ROOT / "metrics" / "extract"
    if not old.is_dir() or old.is_symlink():
        return
    new = ROOT / "extract"
    new.mkdir(exist_ok=True)
    for source in sorted(old.rglob("*")):
        if source.is_dir() or "__pycache__" in source.parts:
            continue
        target = new / source.relative_to(old)
        if target.exists():
            sys.exit(f"one_package: both {source.relative_to(ROOT)} and {target.relative_to(ROOT)} exist; merge them by hand")
        target.parent.mkdir(parents=True, exist_ok=True)
        if tracked(source):
            subprocess.run(["git", "mv", str(source), str(target)], cwd=ROOT, check=True)
        else:
            shutil.move(source, target)
        print(f"moved {source.relative_to(ROOT)} -> {target.relative_to(ROOT)}")
    shutil.rmtree(old)


def link_packages() -> None:
    for name in PACKAGES:
        link = ROOT / "diplodash" / name
        if link.is_symlink():
            continue
        if link.exists():
            sys.exit(f"one_package: {link.relative_to(ROOT)} exists and is not a symlink")
        link.symlink_to(Path("..") / name, target_is_directory=True)
        subprocess.run(["git", "add", str(link)], cwd=ROOT, check=True)
        print(f"linked diplodash/{name} -> ../{name}")


def new_name(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] == "metrics" and len(parts) > 1 and parts[1] == "extract":
        parts = parts[1:]
    if not module_exists(parts):
        return None
    return ".".join(["diplodash", *parts])


def module_exists(parts: list[str]) -> bool:
    base = ROOT / parts[0]
    if len(parts) == 1:
        return base.is_dir()
    first = base / parts[1]
    return first.is_dir() or first.with_suffix(".py").is_file()


def rewrite(text: str) -> str:
    def on_import(match: re.Match) -> str:
        name = new_name(match["mod"])
        if name is None:
            return match[0]
        return f"{match['indent']}{match['kw']} {name}"

    def on_string(match: re.Match) -> str:
        name = new_name(match["mod"])
        if name is None:
            return match[0]
        return f"{match['q']}{name}{match['rest']}"

    return STRING.sub(on_string, IMPORT.sub(on_import, text))


OWNER_NAMES = ("load_config", "parse_config")  # moved from metrics.config to the config's entry point
FROM_METRICS_CONFIG = re.compile(r"^(?P<indent>[ \t]*)from diplodash\.metrics\.config import (?P<names>[^()\n]+)$", re.M)


def config_owner(text: str) -> str:
    """``load_config``/``parse_config`` come from ``diplodash.config``, the one entry point of the config."""

    def on_line(match: re.Match) -> str:
        names = [n.strip() for n in match["names"].split(",") if n.strip()]
        moved = [n for n in names if n.split(" as ")[0].strip() in OWNER_NAMES]
        if not moved:
            return match[0]
        kept = [n for n in names if n not in moved]
        lines = [f"{match['indent']}from diplodash.config import {', '.join(moved)}"]
        if kept:
            lines.append(f"{match['indent']}from diplodash.metrics.config import {', '.join(kept)}")
        return "\n".join(lines)

    return FROM_METRICS_CONFIG.sub(on_line, text)


def rewrite_files() -> None:
    me = Path(__file__).resolve()
    for folder in SCAN:
        base = ROOT / folder
        if not base.is_dir() or base.is_symlink():
            continue
        for path in sorted(base.rglob("*.py")):
            if path.resolve() == me or any((ROOT / p).is_symlink() for p in path.relative_to(ROOT).parents):
                continue
            text = path.read_text(encoding="utf-8")
            new = config_owner(rewrite(text)) if path.parent != ROOT / "metrics" else rewrite(text)
            if new != text:
                path.write_text(new, encoding="utf-8")
                print(f"rewrote {path.relative_to(ROOT)}")


def main() -> int:
    move_extraction()
    link_packages()
    rewrite_files()
    return 0


if __name__ == "__main__":
    sys.exit(main())
