"""The app ends when its terminal goes away or it is told to stop.

A terminal that is closed (a tmux pane killed, an SSH link dropped) sends SIGHUP; a service manager sends
SIGTERM. Raising from a signal handler into the running event loop can be swallowed by whatever code it lands
in, and Textual's input thread, once the terminal is gone, reads end-of-file in a busy loop: the app would go
on running, unseen, using a core. So the app takes both signals through the event loop (``add_signal_handler``
runs the handler as an ordinary callback) and also checks, once a second, that its terminal is still there.
Either way it exits with 130, as the command line does on an interrupt.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import termios

EXIT_INTERRUPTED = 130
SIGNALS = tuple(s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None)
CHECK_SECONDS = 1.0


def terminal_fd() -> int | None:
    """The file descriptor of the app's terminal, or None when it has none (headless, piped)."""
    for stream in (sys.__stdin__, sys.__stdout__, sys.__stderr__):
        try:
            if stream is not None and os.isatty(stream.fileno()):
                return stream.fileno()
        except (OSError, ValueError):
            continue
    return None


def terminal_gone(fd: int) -> bool:
    """True when ``fd`` no longer answers as a terminal (after a hang-up its attributes read as EIO)."""
    try:
        termios.tcgetattr(fd)
    except (termios.error, OSError):
        return True
    return False


def watch(app) -> None:
    """End ``app`` (a Textual App, running) on SIGTERM/SIGHUP or when its terminal goes away."""
    if getattr(app, "is_headless", False):
        return  # tests drive a headless app: no terminal to lose, and the test runner keeps its own handlers

    def end(reason: str) -> None:
        app.exit(return_code=EXIT_INTERRUPTED, message=f"diplodash: interrupted ({reason})")

    loop = asyncio.get_running_loop()
    for sig in SIGNALS:
        try:
            loop.add_signal_handler(sig, end, signal.Signals(sig).name)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, or no such support
            pass
    fd = terminal_fd()
    if fd is not None:

        def check() -> None:
            if terminal_gone(fd):
                end("the terminal was closed")

        app.set_interval(CHECK_SECONDS, check, name="terminal-watch")
