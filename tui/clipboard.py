"""Copying text out of the app: OSC 52 where the terminal supports it, else a system clipboard tool, else a file.

No UI library here: the app passes its OSC 52 writer (``App.copy_to_clipboard``). ``deliver`` returns a
sentence saying which way was used, for the notification.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from diplodash.metrics.atomic import write_file

CLIPBOARD_FILE = "clipboard.txt"
# Terminals known to ignore OSC 52 (TERM_PROGRAM values).
NO_OSC52 = frozenset({"Apple_Terminal"})


def tools(env: Mapping[str, str]) -> list[tuple[str, list[str]]]:
    """The clipboard tools to try, in order: (name, command line reading the text on stdin)."""
    found: list[tuple[str, list[str]]] = []
    if env.get("WAYLAND_DISPLAY"):
        found.append(("wl-copy", ["wl-copy"]))
    if env.get("DISPLAY"):
        found.append(("xclip", ["xclip", "-selection", "clipboard"]))
        found.append(("xsel", ["xsel", "--clipboard", "--input"]))
    found.append(("pbcopy", ["pbcopy"]))
    return found


def osc52_supported(env: Mapping[str, str]) -> bool:
    return env.get("TERM_PROGRAM", "") not in NO_OSC52


def deliver(
    text: str,
    *,
    osc52: Callable[[str], None],
    folder: Path,
    method: str = "auto",
    env: Mapping[str, str] | None = None,
    which: Callable[[str], str | None] = shutil.which,
    run: Callable[..., object] = subprocess.run,
) -> str:
    """Put ``text`` on the clipboard and say how: OSC 52, a tool (wl-copy, xclip, xsel, pbcopy) or a file."""
    env = os.environ if env is None else env
    if method == "osc52" or (method == "auto" and osc52_supported(env)):
        osc52(text)
        return "copied to the clipboard (OSC 52)"
    if method in ("auto", "tool"):
        for name, command in tools(env):
            if which(command[0]) is None:
                continue
            try:
                run(command, input=text.encode("utf-8"), check=True, timeout=3, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            except (OSError, subprocess.SubprocessError):
                continue
            return f"copied to the clipboard ({name})"
    path = Path(folder) / CLIPBOARD_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    write_file(path, text)
    return f"no clipboard available: written to {path}"


def csv_row(columns: Sequence[str], values: Sequence[object]) -> str:
    """A header line and one row as CSV (the row copy of Y)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerow(["" if v is None else v for v in values])
    return out.getvalue()
