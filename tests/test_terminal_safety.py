"""What reaches the terminal: data text must never run as escape sequences or markup.

The app runs under a real pseudo-terminal on a table whose cells hold escape sequences, bidi overrides and
Textual markup; the raw bytes it writes must not contain any of them as written.
"""

from __future__ import annotations

import os
import select
import sys
import time
from pathlib import Path

import pytest

from fixture_tables import CONFIG, ROOT, write_small_table

TITLE = "\x1b]0;PWNED\x07"
CLEAR = "\x1b[2J"
CSI8 = "\x9b31m"
BIDI = "\u202eevil"
MARKUP = "[@click=app.quit]boom[/]"


def hostile_table(folder: Path) -> Path:
    write_small_table(folder)
    contacts = folder / "contacts.csv"
    text = contacts.read_text(encoding="utf-8")
    text = text.replace("Joe Biden", f"Joe{TITLE}{CLEAR}Biden{CSI8}{BIDI}", 1).replace("Donald Trump", f"{MARKUP} Trump")
    contacts.write_text(text, encoding="utf-8")
    return folder


def run_in_pty(args: list[str], keys: list[tuple[float, bytes]], total: float) -> bytes:
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # child
        os.chdir(ROOT)
        os.environ.update({"TERM": "xterm-256color", "COLUMNS": "120", "LINES": "36"})
        os.execv(sys.executable, [sys.executable, "-m", "diplodash", *args])
    import fcntl
    import struct
    import termios

    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
    output = bytearray()
    start = time.monotonic()
    pending = list(keys)
    try:
        while time.monotonic() - start < total:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                output += chunk
            while pending and time.monotonic() - start >= pending[0][0]:
                os.write(fd, pending.pop(0)[1])
            finished, _ = os.waitpid(pid, os.WNOHANG)
            if finished:
                break
    finally:
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
        os.close(fd)
    return bytes(output)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
def test_hostile_cells_never_reach_the_terminal_raw(tmp_path):
    folder = hostile_table(tmp_path / "table")
    keys = [(4.0, b"g"), (5.0, b"7"), (6.5, b"1"), (7.5, b"q")]
    raw = run_in_pty(["--data", str(folder), "--config", str(CONFIG)], keys, total=20.0)
    assert raw, "the app wrote nothing"
    text = raw.decode("utf-8", errors="replace")
    for payload in (TITLE, "\x1b]0;PWNED", CLEAR + "Biden", CSI8, BIDI):
        assert payload not in text, f"{payload!r} reached the terminal"
    assert "PWNED" in text  # the cell was shown, with its escapes made visible
    assert "@click=app.quit" in text  # markup shown literally ...
    assert "boom" in text


def test_terminal_gone_is_seen_on_a_hung_up_pty_and_not_on_a_live_one():
    import pty

    from diplodash.tui.hangup import terminal_gone

    master, slave = pty.openpty()
    try:
        assert not terminal_gone(slave)
        os.close(master)
        assert terminal_gone(slave)
    finally:
        os.close(slave)


def _start_in_pty(tmp_path):
    """The app under a pty as a grandchild of the session leader (as in a tmux pane: a shell runs it)."""
    import pty

    table = write_small_table(tmp_path / "table")
    pid_file = tmp_path / "app.pid"
    pid, fd = pty.fork()
    if pid == 0:  # the session leader: it starts the app and waits, as a shell would
        os.chdir(ROOT)
        os.environ.update({"TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"})
        child = os.fork()
        if child == 0:
            os.execv(sys.executable, [sys.executable, "-m", "diplodash", "--config", str(CONFIG), "--data", str(table), "--as-of", "2025-06-30"])
        pid_file.write_text(str(child))
        os.waitpid(child, 0)
        os._exit(0)
    deadline = time.monotonic() + 60
    seen = bytearray()
    while time.monotonic() < deadline and b"contacts" not in seen:  # the first figures are on screen
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    assert b"contacts" in seen, "the app did not start"
    return pid, fd, int(pid_file.read_text())


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc to see the app process")
@pytest.mark.parametrize("how", ["close the terminal", "SIGTERM"])
def test_the_app_ends_when_its_terminal_closes_or_it_is_told_to(tmp_path, how):
    import signal

    leader, fd, app = _start_in_pty(tmp_path)
    try:
        if how == "SIGTERM":
            os.kill(app, signal.SIGTERM)
        else:
            os.close(fd)
            fd = None
        deadline = time.monotonic() + 30  # a liveness bound (a hang), not a speed target
        while _alive(app) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(app), f"the app kept running after: {how}"
    finally:
        for pid in (app, leader):
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass
        try:
            os.waitpid(leader, 0)
        except ChildProcessError:
            pass
        if fd is not None:
            os.close(fd)
