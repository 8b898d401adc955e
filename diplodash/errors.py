"""The command line's last line of defence: no Python traceback reaches the user.

``guarded`` runs a command and turns

- SIGINT, SIGTERM and SIGHUP into exit 130 ("interrupted") after the writes in progress have cleaned up
  (the handlers raise ``Terminated``, a BaseException, so every ``finally``/``except BaseException`` that
  removes a temporary file or folder runs);
- a broken pipe (``diplodash metrics | head``) into a quiet exit 0;
- anything unexpected (MemoryError, RecursionError, a bug) into one short message naming the file that was
  being read and asking for a report; the traceback is printed only with ``--debug``.
"""

from __future__ import annotations

import signal
import sys
import traceback
from contextlib import contextmanager

# Every command's exit codes, defined once (README "Exit codes" lists them).
EXIT_OK = 0
EXIT_DATA = 1  # errors in the data or the config
EXIT_USAGE = 2  # a wrong command line
EXIT_FILE = 3  # a file could not be read or written (an export, an article, the table)
EXIT_INTERRUPTED = 130
EXIT_BUG = EXIT_DATA  # an unexpected error is reported like a data error: the command did not do its job
HANDLED_SIGNALS = tuple(s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None)


class Terminated(BaseException):
    """Raised in the main thread when SIGTERM or SIGHUP arrives (like KeyboardInterrupt for SIGINT)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        try:
            return signal.Signals(self.signum).name
        except ValueError:
            return f"signal {self.signum}"


def _raise(signum, frame) -> None:
    raise Terminated(signum)


@contextmanager
def signals_raise():
    """While inside, SIGTERM and SIGHUP raise ``Terminated`` (so writes clean up); restored after."""
    previous = {}
    try:
        for sig in HANDLED_SIGNALS:
            previous[sig] = signal.signal(sig, _raise)
    except ValueError:  # not the main thread: leave the handlers alone
        previous = {}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def file_at_fault(exc: BaseException) -> str | None:
    """The file the error concerns: the exception's own filename, else the last file diplodash opened."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        name = getattr(exc, "filename", None) or getattr(exc, "path", None)
        if name:
            return str(name)
        exc = exc.__cause__ or exc.__context__
    from diplodash.metrics.safefile import last_file

    return last_file()


def guarded(run, debug: bool = False) -> int:
    """Run ``run()`` (which returns an exit code) with the handling described above."""
    try:
        with signals_raise():
            return run()
    except KeyboardInterrupt:
        print("diplodash: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Terminated as exc:
        print(f"diplodash: interrupted ({exc.name}); nothing was left half-written", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _quiet_stdout()
        return 0
    except SystemExit:
        raise
    except BaseException as exc:  # MemoryError, RecursionError, a bug: a message, not a traceback
        return report_unexpected(exc, debug)


def report_unexpected(exc: BaseException, debug: bool = False) -> int:
    where = file_at_fault(exc)
    what = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}" if str(exc).strip() else type(exc).__name__
    hint = {
        MemoryError: "the input is too large to handle",
        RecursionError: "the input is nested too deeply",
    }.get(type(exc))
    lines = [f"diplodash: unexpected error{f' while reading {where}' if where else ''}: {what}"]
    if hint:
        lines.append(f"  ({hint})")
    if debug:
        lines.append("".join(traceback.format_exception(exc)).rstrip())
    else:
        lines.append("  This is a bug in diplodash: please report it with the command line you ran and the output of the same command with --debug.")
    try:
        print("\n".join(lines), file=sys.stderr)
    except Exception:
        pass
    return EXIT_BUG


def _quiet_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def print_problems(problems, stream=None) -> None:
    """The one printer of problems for every command: one ``file:line:column: severity: message`` per problem on
    stderr (control characters shown as escapes, a multi-line message's caret line kept), then the error count."""
    from diplodash.metrics.render import visible

    stream = stream if stream is not None else sys.stderr
    for problem in problems:
        print(visible(str(problem)).replace("\\n", "\n"), file=stream)
    errors = sum(1 for p in problems if p.severity == "error")
    if errors:
        print(f"{errors} error{'s' if errors != 1 else ''} found.", file=stream)
