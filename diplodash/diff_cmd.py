"""``diplodash diff``: what changed between two snapshot folders, or a snapshot and the current table.

Kept apart from cli.py, which only adds the subparser (``add_parser``) and calls ``run``. polars and the
metrics are imported when the command runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from diplodash.errors import EXIT_DATA, EXIT_FILE, EXIT_OK

DESCRIPTION = """\
Compare two snapshot folders (written by 'diplodash export' or the app's e), or a snapshot and the
current table: contacts added, removed and changed (by id, cell by cell, old -> new), accounts added,
removed and changed (by report id), and every metric cell that changed (old -> new, with the delta),
keyed by the metric's group columns; columns added or removed are listed once."""

EPILOG = """\
examples:
  diplodash diff exports/snapshot-20260601-090000 exports/snapshot-20260608-090000
  diplodash diff exports/snapshot-20260601-090000            against the current table
  diplodash diff OLD current --format html --output changes.html

against the current table, the figures are computed for the old snapshot's selection and grouping
(the same filters and groups, so only the data differs), as of --as-of, else the config's as_of, else today.

exit codes: 0 ok (with or without changes), 1 a folder is not a readable snapshot or the data has errors,
2 bad command line, 3 the output file could not be written"""


def add_parser(commands, common) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "diff",
        help="what changed between two snapshots, or a snapshot and the current table",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("old", metavar="OLD", help="a snapshot folder")
    parser.add_argument("new", metavar="NEW", nargs="?", default="current", help="a snapshot folder, or 'current' (the default): the current table")
    parser.add_argument("--format", choices=("table", "csv", "json", "markdown", "html"), default="table")
    parser.add_argument("--output", metavar="FILE", help="write the diff to FILE (atomically) instead of printing it")
    common(parser)
    parser.set_defaults(run=run)
    return parser


def run(args) -> int:
    from diplodash.metrics.diff import SnapshotError, diff_sides, read_snapshot, render_diff
    from diplodash.metrics.problems import DataError

    try:
        old = read_snapshot(args.old)
        new = _current(args, old) if args.new == "current" else read_snapshot(args.new)
    except SnapshotError as exc:
        print(f"diplodash: {_visible(str(exc))}", file=sys.stderr)
        return EXIT_DATA
    except DataError as error:
        for problem in error.problems:
            print(_visible(str(problem)), file=sys.stderr)
        return EXIT_DATA
    text = render_diff(diff_sides(old, new), args.format, old, new)
    if not args.output:
        sys.stdout.write(text)
        return EXIT_OK
    from diplodash.metrics.atomic import write_file

    try:
        write_file(Path(args.output), text)
    except OSError as exc:
        print(f"diplodash: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_FILE
    print(args.output)
    return EXIT_OK


def _visible(text: str) -> str:
    from diplodash.metrics.render import visible

    return visible(text)


def _current(args, old):
    """The current table, selected and grouped as ``old`` was (its manifest's selection and grouping)."""
    import datetime as dt

    from diplodash.config import load_config
    from diplodash.metrics.dataset import load_dataset
    from diplodash.metrics.diff import SnapshotError, current_side, manifest_selection
    from diplodash.metrics.selection import SelectionError, check_grouping

    config = load_config(getattr(args, "config", None))
    when = getattr(args, "as_of", None) or config.as_of or dt.date.today()
    data = getattr(args, "data", None)
    dataset = load_dataset(config, Path(data) if data else None, today=when)
    for problem in dataset.problems:
        if problem.severity == "warning":
            print(_visible(str(problem)), file=sys.stderr)
    manifest = old.manifest
    try:
        selection = manifest_selection(manifest)
        by = check_grouping(str(manifest.get("group_by") or config.default_group_by))
    except (SnapshotError, SelectionError) as exc:
        raise SnapshotError(f"{Path(args.old) / 'manifest.json'}: its selection or grouping cannot be used: {exc}") from None
    compared = comparison = None
    if "compare" in old.metrics:  # the export holds the default comparison: compute the same one now
        from diplodash.metrics.snapshot import compare_selections, default_comparison

        try:
            comparison = default_comparison(dataset)
        except SelectionError:
            comparison = None
        if comparison is not None:
            compared = compare_selections(dataset, comparison[0], comparison[1], as_of=when, within=selection)
    return current_side(dataset, selection, by, as_of=when, compared=compared, comparison=comparison)
