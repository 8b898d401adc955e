"""The diplodash command line. Textual is imported only when the dashboard starts, so the headless
commands (validate, metrics, export, compare) start fast.

Exit codes: 0 success; 1 the data or config has errors; 2 the command line is wrong; 3 an export could
not be written; 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from diplodash.errors import EXIT_DATA, EXIT_FILE, EXIT_OK, EXIT_USAGE, print_problems

DESCRIPTION = """\
diplodash: how often two leaders talked, who called first, for how long, and how each side described it.

Run without a command to open the dashboard on the configured table (the bundled one by default)."""

EPILOG = """\
filters (--where, repeatable; values separated by commas):
  counterpart=NAME  period=NAME  format=phone,video_call  status=confirmed,denied
  from=YYYY-MM-DD  to=YYYY-MM-DD  year=2021,2022  leader=NAME

examples:
  diplodash validate
  diplodash metrics initiators --by period
  diplodash metrics calls_per_year --where counterpart="Donald Trump" --format csv
  diplodash compare --a period=Biden --b "period=Trump 2nd term"
  diplodash export --out exports --by counterpart

exit codes: 0 ok, 1 errors in the data or config, 2 bad command line, 3 export failed, 130 interrupted"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 2 with a hint, as argparse does, but shorter
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"diplodash: error: {message}\n(see 'diplodash --help')\n")


def _common(parser: argparse.ArgumentParser, top: bool = False) -> None:
    # On subcommands the default is SUPPRESS, so `diplodash --data X metrics` keeps the X given before.
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--data", metavar="PATH", default=default, help="the contact table: a folder of tables or one contacts file (default: from the config)")
    parser.add_argument("--config", metavar="FILE", default=default, help="config file (default: $DIPLODASH_CONFIG, ./config.toml, user config, bundled)")
    parser.add_argument("--debug", action="store_true", default=False if top else argparse.SUPPRESS, help="on an unexpected error, print the Python traceback")
    parser.add_argument("--as-of", metavar="YYYY-MM-DD", dest="as_of", default=default, type=_date_arg, help="compute every figure as of this date (default: [defaults] as_of in the config, else today)")


def _date_arg(text: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (YYYY-MM-DD)") from None


def as_of(args, config):
    """The as-of date: --as-of, else the config's [defaults] as_of, else today (the one place the command
    line reads the calendar; the metrics never do)."""
    import datetime as dt

    return getattr(args, "as_of", None) or config.as_of or dt.date.today()


def _selection_args(parser: argparse.ArgumentParser, by: bool = True) -> None:
    parser.add_argument("--where", action="append", default=[], metavar="KEY=VALUE", help="filter the contacts (see the filters below)")
    parser.add_argument("--all-statuses", action="store_true", help="also count contacts that are denied, one-sided or unconfirmed")
    if by:
        parser.add_argument("--by", metavar="DIM", help="grouping: period, counterpart, leader, year, format, side, status, none, or two keys joined by a comma (period,leader); default: from the config")


def build_parser() -> argparse.ArgumentParser:
    from diplodash.metrics.snapshot import METRICS  # headless and light: no Textual

    parser = _Parser(prog="diplodash", description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"diplodash {_version()}")
    _common(parser, top=True)
    parser.add_argument("--fresh", action="store_true", help="the dashboard starts clean: not where it was left off last time")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    app = commands.add_parser("app", help="open the dashboard (the default)", description="Open the dashboard.")
    _common(app)
    app.add_argument("--fresh", action="store_true", default=argparse.SUPPRESS, help="start clean, not where the dashboard was left off")

    validate = commands.add_parser("validate", help="check the table (or given files) and list every problem", description="Check the table and list every problem as file:line:column: message. Exit 0 when clean, 1 when there are errors.")
    validate.add_argument("files", nargs="*", metavar="FILE", help="a table folder or contacts file to check instead of the configured one")
    validate.add_argument("--format", choices=("text", "json"), default="text")
    validate.add_argument("--strict", action="store_true", help="treat warnings as errors")
    _common(validate)

    metrics = commands.add_parser("metrics", help="print one metric, or every metric", description="Print a metric as a table, CSV or JSON.", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    metrics.add_argument("name", nargs="?", choices=tuple(METRICS) + ("all",), default="all", metavar="NAME", help=f"one of: {', '.join(METRICS)}, all (default)")
    metrics.add_argument("--format", choices=("table", "csv", "json"), default="table")
    _selection_args(metrics)
    _common(metrics)

    compare = commands.add_parser("compare", help="two selections side by side with deltas", description="Compare two selections: every metric side by side with deltas.", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    compare.add_argument("--a", action="append", default=[], metavar="KEY=VALUE", required=True, help="filter for the first selection (repeatable)")
    compare.add_argument("--b", action="append", default=[], metavar="KEY=VALUE", required=True, help="filter for the second selection (repeatable)")
    compare.add_argument("--all-statuses", action="store_true")
    compare.add_argument("--format", choices=("table", "csv", "json"), default="table")
    compare.add_argument("--where", action="append", default=[], metavar="KEY=VALUE", help="a global filter both sides lie within (as the app's filter)")
    compare.add_argument("--export", action="store_true", help="also write a snapshot folder holding the comparison (compare.csv/.parquet, metrics.json, report.md)")
    compare.add_argument("--out", metavar="DIR", help="with --export: parent folder for the snapshot (default: export_dir from the config)")
    _common(compare)

    export = commands.add_parser("export", help="write a snapshot folder of every metric", description="Write a snapshot folder (manifest.json, metrics.json, CSV and Parquet per metric, contacts.csv, report.md) atomically and print its path.", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    export.add_argument("--out", metavar="DIR", help="parent folder for the snapshot (default: export_dir from the config)")
    export.add_argument("--name", metavar="NAME", help="folder name (default: snapshot-<time>); never overwrites")
    export.add_argument("--plover", metavar="FILE", help="instead: write the selected contacts as PLOVER-style JSONL (CONSULT events with cite_info) to FILE")
    _selection_args(export)
    _common(export)

    from diplodash.extract_cmd import add_parser as add_extract  # argparse only; the work is imported when it runs

    add_extract(commands, _common)
    from diplodash import serve_cmd  # argparse only; the web server is imported when it runs

    serve_cmd.add_parser(commands, _common)
    from diplodash.diff_cmd import add_parser as add_diff  # argparse only; the diff is imported when it runs
    add_diff(commands, _common)
    from diplodash.import_cmd import add_parser as add_import  # import and coverage --against

    add_import(commands, _common)

    config = commands.add_parser("config", help="show which config file is used and why", description="Show the config file in use, how it was found, and where the user config lives.")
    _common(config)
    return parser


def _version() -> str:
    import diplodash

    return diplodash.__version__


def main(argv: list[str] | None = None) -> int:
    # One handler for the whole run (diplodash/errors.py): interrupts and SIGTERM/SIGHUP exit 130 after
    # cleaning up, a broken pipe exits 0, anything unexpected is a short message (traceback with --debug).
    from diplodash.errors import guarded

    argv = sys.argv[1:] if argv is None else list(argv)
    return guarded(lambda: _main(argv), debug="--debug" in argv)


def _main(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command = args.command or "app"
    if command == "app":
        return _run_app(args)
    from diplodash.metrics.problems import DataError

    try:
        if command == "validate":
            return _validate(args)
        if command == "config":
            return _config(args)
        if command == "serve":
            from diplodash import serve_cmd

            return serve_cmd.run(args)
        if command == "diff":
            return args.run(args)
        if command == "extract":
            from diplodash.extract_cmd import run as run_extract

            return run_extract(args)
        if command in ("import", "coverage"):
            from diplodash.import_cmd import run as run_import

            return run_import(args)
        config = _load_config(args)
        dataset = _load(args, config)
        if command == "metrics":
            return _metrics(args, dataset)
        if command == "compare":
            return _compare(args, dataset)
        if command == "export":
            return _export(args, dataset)
    except DataError as error:
        print_problems(error.problems)
        return EXIT_DATA
    except _Usage as error:
        print(f"diplodash: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    parser.error(f"unknown command {command}")
    return EXIT_USAGE


class _Usage(Exception):
    pass


def _load_config(args):
    from diplodash.config import load_config

    return load_config(args.config)


def _load(args, config):
    from diplodash.metrics.dataset import load_dataset

    import datetime as dt

    dataset = load_dataset(config, Path(args.data) if args.data else None, today=as_of(args, config))
    dataset.loaded_at = dt.datetime.now().astimezone()
    warnings = [p for p in dataset.problems if p.severity == "warning"]
    if warnings:
        print_problems(warnings)
    return dataset


def _selection(args, dataset, clauses=None, label=""):
    from diplodash.metrics.selection import Selection, SelectionError

    from diplodash.metrics.schema import NO_PERIOD

    known = {
        "counterpart": sorted(dataset.contacts.get_column("counterpart").unique().to_list()),
        "leader": sorted(dataset.contacts.get_column("leader").unique().to_list()),
        "period": [p.name for p in dataset.config.periods] + [NO_PERIOD],
    }
    try:
        # Selection.check (inside parse) refuses an empty date range: it would print zeros as if they were data
        return Selection.parse(args.where if clauses is None else clauses, all_statuses=args.all_statuses, label=label, known=known)
    except SelectionError as exc:
        raise _Usage(f"{label + ': ' if label else ''}{exc}") from None


def _grouping(args, dataset) -> str:
    from diplodash.metrics.selection import SelectionError, check_grouping

    try:
        return check_grouping(args.by or dataset.config.default_group_by)
    except SelectionError as exc:
        raise _Usage(str(exc)) from None


def _validate(args) -> int:
    from diplodash.config import load_config
    from diplodash.metrics.dataset import load_dataset
    from diplodash.metrics.problems import DataError, Problem, problems_to_json

    problems: list[Problem] = []
    try:
        config = load_config(args.config)
        targets = [Path(f) for f in args.files] or [Path(args.data) if args.data else None]
        for target in targets:
            try:
                problems += load_dataset(config, target, today=as_of(args, config)).problems
            except DataError as error:
                problems += error.problems
    except DataError as error:
        problems += error.problems
    failing = [p for p in problems if p.severity == "error" or args.strict]
    if args.format == "json":
        print(problems_to_json(problems))
    elif problems:
        print_problems(problems)
    else:
        print("ok: no problems found")
    return EXIT_DATA if failing else EXIT_OK


def _config(args) -> int:
    from diplodash.config import load_config
    from diplodash.metrics.config import discover, user_config_path

    path, found_by = discover(args.config)
    print(f"config file: {path} (found by {found_by})")
    print(f"user config: {user_config_path()}")
    config = load_config(args.config)
    print(f"data: {config.data_path}")
    print(f"exports: {config.export_dir}")
    return EXIT_OK


def _emit(frames: dict, fmt: str) -> None:
    from diplodash.metrics.render import flat, to_csv, to_json, to_records, to_table

    if fmt == "json":
        payload = {name: to_records(frame) for name, frame in frames.items()}
        print(to_json(payload if len(payload) > 1 else next(iter(payload.values()))))
        return
    for index, (name, frame) in enumerate(frames.items()):
        if len(frames) > 1:
            print(("\n" if index else "") + f"# {name}")
        if fmt == "table" and name == "compare":
            from diplodash.metrics.render import compare_text

            frame = compare_text(frame)  # counts as integers, shares as percentages
        print(to_csv(flat(frame)) if fmt == "csv" else to_table(_rounded(flat(frame))), end="" if fmt == "csv" else "\n")


def _rounded(frame):
    import polars as pl

    return frame.with_columns([pl.col(c).round(3) for c, t in frame.schema.items() if t.is_float()])


def _metrics(args, dataset) -> int:
    from diplodash.metrics.snapshot import compute_snapshot

    selection = _selection(args, dataset)
    names = None if args.name == "all" else (args.name,)
    snapshot = compute_snapshot(dataset, selection, _grouping(args, dataset), names, as_of=as_of(args, dataset.config))
    _emit(snapshot.tables, args.format)
    return EXIT_OK


def _compare(args, dataset) -> int:
    from diplodash.metrics.snapshot import compare_selections

    a = _selection(args, dataset, args.a, "a")
    b = _selection(args, dataset, args.b, "b")
    within = _selection(args, dataset, args.where, "")
    when = as_of(args, dataset.config)
    frame = compare_selections(dataset, a, b, as_of=when, within=within)
    if args.format == "table":
        print(f"a: {a.describe()}\nb: {b.describe()}\nboth within: {within.describe()}\nas of: {when}\n")
    _emit({"compare": frame}, args.format)
    if args.export:
        return _write_export(args, dataset, within, dataset.config.default_group_by, (a, b), compared=frame)
    return EXIT_OK


def _default_comparison(dataset):
    from diplodash.metrics.selection import SelectionError
    from diplodash.metrics.snapshot import default_comparison

    try:
        return default_comparison(dataset)
    except SelectionError as exc:
        raise _Usage(f"[defaults] compare_a/compare_b in {dataset.config.path}: {exc}") from None


def _export(args, dataset) -> int:
    selection = _selection(args, dataset)
    if getattr(args, "plover", None):
        return _export_plover(args, dataset, selection)
    return _write_export(args, dataset, selection, _grouping(args, dataset), _default_comparison(dataset))


def _export_plover(args, dataset, selection) -> int:
    from diplodash.metrics.atomic import ExportError, write_file
    from diplodash.metrics.export import selected_contacts
    from diplodash.metrics.plover import plover_lines

    lines = plover_lines(dataset, selected_contacts(dataset, selection))
    try:
        write_file(Path(args.plover), "".join(line + "\n" for line in lines))
    except (ExportError, OSError) as exc:
        print(f"diplodash: export failed: {getattr(exc, 'strerror', None) or exc} ({args.plover})", file=sys.stderr)
        return EXIT_FILE
    print(f"{args.plover}: {len(lines)} contact(s) as PLOVER JSONL")
    return EXIT_OK


def _write_export(args, dataset, selection, by, comparison, compared=None) -> int:
    import datetime as dt

    from diplodash.metrics.atomic import ExportError
    from diplodash.metrics.export import export_snapshot

    try:
        folder = export_snapshot(
            dataset, selection, by, Path(args.out) if args.out else None, getattr(args, "name", None),
            as_of=as_of(args, dataset.config), exported_at=dt.datetime.now().astimezone(), comparison=comparison, compared=compared,
        )
    except ExportError as exc:
        print(f"diplodash: export failed: {exc}", file=sys.stderr)
        return EXIT_FILE
    except OSError as exc:
        print(f"diplodash: export failed: {exc.strerror or exc} ({exc.filename or ''})", file=sys.stderr)
        return EXIT_FILE
    print(folder)
    return EXIT_OK


def _run_app(args) -> int:
    try:
        from diplodash.tui.app import run
    except ImportError as exc:  # the app lands in a later step; the headless commands work without it
        print(f"diplodash: the dashboard is not available ({exc}). Try 'diplodash metrics'.", file=sys.stderr)
        return EXIT_USAGE
    return run(config_flag=args.config, data=args.data, as_of=getattr(args, "as_of", None), fresh=getattr(args, "fresh", False))
