"""``diplodash serve``: the dashboard in a browser, on loopback, behind a random token.

Kept apart from cli.py, which only adds the subparser (``add_parser``) and calls ``run``. The web server
(aiohttp, textual-serve) is imported only when the command runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from diplodash.errors import EXIT_DATA, EXIT_FILE, EXIT_OK
DEFAULT_HOST, DEFAULT_PORT, DEFAULT_MAX_SESSIONS = "127.0.0.1", 8000, 4

DESCRIPTION = """\
Serve the dashboard to a web browser: every tab runs its own dashboard on the server. It listens on
loopback (127.0.0.1) unless --host names another address, and prints one line with the address to open;
that address carries a random access token (?token=...), which the browser then keeps as a cookie.
Without the token every page answers 403; only the server's own page may open a session."""

EPILOG = """\
in the browser:
  exports (e) arrive as a zip download of the snapshot folder; nothing is written on the server.
  the Inbox (9) never writes the table unless the server was started with --allow-writes.

examples:
  diplodash serve
  diplodash serve --port 8080 --data my-table
  diplodash serve --host 0.0.0.0 --max-sessions 2     reachable from other machines (a warning is printed)"""


def add_parser(commands, common) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "serve", help="the dashboard in a web browser (token-protected, loopback by default)",
        description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default: {DEFAULT_HOST}; another one is reachable from other machines)")
    parser.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT}; 0 picks a free one)")
    parser.add_argument("--max-sessions", type=_positive, default=DEFAULT_MAX_SESSIONS, metavar="N", help=f"at most N tabs at once, each its own app process (default: {DEFAULT_MAX_SESSIONS})")
    parser.add_argument("--allow-writes", action="store_true", help="let the Inbox append accepted candidates to the table (off by default)")
    common(parser)
    return parser


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port {value} is not between 0 and 65535")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def app_argv(args) -> list[str]:
    """The command each session runs: this Python, the dashboard, with the server's --data/--config/--as-of."""
    argv = [sys.executable, "-m", "diplodash", "app"]
    if getattr(args, "data", None):
        argv += ["--data", str(Path(args.data).resolve())]
    if getattr(args, "config", None):
        argv += ["--config", str(Path(args.config).resolve())]
    if getattr(args, "as_of", None):
        argv += ["--as-of", args.as_of.isoformat()]
    return argv


def run(args) -> int:
    from diplodash.config import load_config
    from diplodash.metrics.problems import DataError
    from diplodash.metrics.render import visible

    try:  # a broken config is reported here, once, not in every tab
        load_config(getattr(args, "config", None))
    except DataError as error:
        for problem in error.problems:
            print(visible(str(problem)).replace("\\n", "\n"), file=sys.stderr)
        return EXIT_DATA

    import asyncio

    from diplodash.serve import DiplodashServer, is_loopback
    from diplodash.tui.served import Served

    server = DiplodashServer(
        app_argv(args), host=args.host, port=args.port, max_sessions=args.max_sessions,
        served=Served(served=True, writes=args.allow_writes),
    )
    if not is_loopback(args.host):
        print(
            f"diplodash serve: warning: listening on {args.host}: other machines can reach this dashboard; anyone holding the "
            "address with its token can use it, over plain http (not encrypted).",
            file=sys.stderr,
        )
    if args.allow_writes:
        print("diplodash serve: warning: --allow-writes: the Inbox in the browser can append to the table.", file=sys.stderr)

    def announce(url: str) -> None:
        print(f"diplodash serve: open {url}  (Ctrl+C stops the server)", flush=True)
        for other in server.other_urls():
            print(f"diplodash serve: from another machine: {other}", flush=True)

    try:
        asyncio.run(server.run_until_stopped(announce))
    except OSError as exc:
        print(f"diplodash serve: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_FILE
    print("diplodash serve: stopped", file=sys.stderr)
    return EXIT_OK
