"""The app's timings: first frame, and the last frame after a key, headless (``run_test``) and under a pty.

The app is a black box driven through its public keys (1-8 views, ``g`` grouping). Two ways to watch it:

- headless, in a child process (``python -m bench.app_probe headless ...``): the app runs under
  ``App.run_test``; a frame is a call of Textual's ``App._display`` with something to show (in headless
  mode Textual composes every frame and only skips writing it to a terminal). Prints one JSON line with
  wall-clock times (``time.time()``) the driver subtracts from its own time of spawning the process.
- pty (``run_pty`` below, called by the driver): the real program on a pseudo-terminal of 120 x 40; the
  first frame is the first write, after the switch to the alternate screen, that reaches the last row
  (a full paint); the last frame after a key is the last byte written before the output goes quiet.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import json
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

COLUMNS, ROWS = 120, 40
ALT_SCREEN = b"\x1b[?1049h"


# ------------------------------------------------------------------------------------------ headless


async def _headless(config: str, data: str | None, keys: list[str], quiet: float, timeout: float) -> dict:
    from diplodash.config import load_config
    from diplodash.tui.app import DiplodashApp

    imported = time.time()
    app = DiplodashApp(load_config(config), data=data)
    frames: list[float] = []
    original = app._display

    def display(screen, renderable):
        if renderable is not None and not app._batch_count:
            frames.append(time.time())
        return original(screen, renderable)

    app._display = display  # instance attribute: only this app, only to note when a frame is composed
    result: dict = {"imported": imported, "actions": []}

    async def settle(pilot, since: float, until=None) -> float | None:
        """Wait until ``until()`` holds (if given) and no frame came for ``quiet`` s; the last frame's time."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            await pilot.pause(0.02)
            if until is not None and not until():
                continue
            last = frames[-1] if frames and frames[-1] >= since else None
            busy = any(w.is_running and w.group != "watch" for w in app.workers)  # the file watcher runs for ever
            if not busy and time.time() - max(last or since, since) >= quiet:
                return last
        return None

    async with app.run_test(size=(COLUMNS, ROWS)) as pilot:
        result["run_test_entered"] = time.time()
        result["first_frame"] = frames[0] if frames else None
        loaded = await settle(pilot, 0.0, lambda: app.loads >= 1 or app.load_failed)
        result["loaded"] = loaded
        result["load_failed"] = bool(app.load_failed)
        for key in keys:
            sent = time.time()
            await pilot.press(key)
            last = await settle(pilot, sent)
            result["actions"].append({"key": key, "sent": sent, "last_frame": last, "frames": sum(1 for f in frames if f >= sent)})
        await pilot.press("q")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("headless",))
    parser.add_argument("--config", required=True)
    parser.add_argument("--data")
    parser.add_argument("--keys", default="", help="comma-separated keys to press after the data is shown")
    parser.add_argument("--quiet", type=float, default=0.3)
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args(argv)
    keys = [k for k in args.keys.split(",") if k]
    result = asyncio.run(_headless(args.config, args.data, keys, args.quiet, args.timeout))
    print("PROBE " + json.dumps(result))
    sys.stdout.flush()
    return 0


# ------------------------------------------------------------------------------------------ pty


class PtyRun:
    """A program on a pseudo-terminal; every chunk it writes is kept with the time it was read."""

    def __init__(self, argv: list[str], cwd: Path | None = None, env: dict | None = None):
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        environment = dict(os.environ if env is None else env)
        environment.update({"TERM": "xterm-256color", "COLUMNS": str(COLUMNS), "LINES": str(ROWS)})
        environment.pop("TEXTUAL", None)
        self.started = time.time()
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=environment, start_new_session=True, close_fds=True)
        os.close(slave)
        self.master = master
        self.chunks: list[tuple[float, bytes]] = []
        self.buffer = bytearray()
        self.alt_at: int | None = None  # offset of the alternate-screen switch in buffer
        self.first_frame: float | None = None
        self._last_row = re.compile(rb"\x1b\[" + str(ROWS).encode() + rb";\d+H")

    def _read(self, wait: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], wait)
        if not ready:
            return False
        try:
            data = os.read(self.master, 1 << 16)
        except OSError:
            data = b""
        if not data:
            raise EOFError
        now = time.time()
        self.chunks.append((now, data))
        start = len(self.buffer)
        self.buffer += data
        if self.alt_at is None:
            found = self.buffer.find(ALT_SCREEN, max(0, start - len(ALT_SCREEN)))
            if found >= 0:
                self.alt_at = found
        if self.alt_at is not None and self.first_frame is None:
            if self._last_row.search(self.buffer, self.alt_at):
                self.first_frame = now
        return True

    def wait_first_frame(self, timeout: float) -> float | None:
        deadline = time.time() + timeout
        while self.first_frame is None and time.time() < deadline:
            self._read(0.05)
        return self.first_frame

    def settle(self, quiet: float, timeout: float, since: float) -> float | None:
        """Read until nothing came for ``quiet`` s; the time of the last chunk read after ``since``."""
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            if self._read(quiet):
                last = self.chunks[-1][0]
                continue
            break
        return last if last is not None and last >= since else None

    def send(self, data: bytes) -> float:
        sent = time.time()
        os.write(self.master, data)
        return sent

    def close(self, quit_keys: bytes = b"q", grace: float = 3.0) -> None:
        try:
            if self.proc.poll() is None and quit_keys:
                self.send(quit_keys)
                deadline = time.time() + grace
                while self.proc.poll() is None and time.time() < deadline:
                    try:
                        self._read(0.05)
                    except EOFError:
                        break
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGTERM)
                try:
                    self.proc.wait(2)
                except subprocess.TimeoutExpired:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                    self.proc.wait()
        finally:
            os.close(self.master)


def pty_app(argv: list[str], keys: list[str], quiet: float, timeout: float, cwd: Path | None = None, loaded_quiet: float = 1.0) -> dict:
    """Start ``argv`` on a pty; the first frame, the settled (data shown) time, then each key's last frame."""
    run = PtyRun(argv, cwd)
    result = {"started": run.started, "actions": []}
    try:
        result["first_frame"] = run.wait_first_frame(timeout)
        result["settled"] = run.settle(loaded_quiet, timeout, run.started)
        for key in keys:
            sent = run.send(key.encode())
            last = run.settle(quiet, timeout, sent)
            result["actions"].append({"key": key, "sent": sent, "last_frame": last})
        result["bytes"] = len(run.buffer)
    except EOFError:
        result["error"] = "the program exited: " + bytes(run.buffer[-400:]).decode("utf-8", "replace")
    finally:
        run.close()
    return result


if __name__ == "__main__":
    sys.exit(main())
