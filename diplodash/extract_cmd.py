"""``diplodash extract``: propose contacts and reports from articles, review them, accept them.

Kept apart from cli.py, which only adds the subparser (``add_parser``) and calls ``run``. Everything
heavy (dateparser, polars) is imported when the command runs.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

from diplodash.errors import EXIT_DATA, EXIT_FILE, EXIT_OK, EXIT_USAGE, print_problems

DESCRIPTION = """\
Read news articles (plain text or HTML) and propose contacts and reports for the table, each value
with its evidence: the sentence and the character offsets in the file. Each candidate is matched
against the table: the same leader and counterpart, a date within a day (or the same month/year
when the article is less precise) and the same format make it a new report on that contact;
anything else is a new contact."""

EPILOG = """\
review and accept:
  1. diplodash extract article.txt --published 2025-10-17        list the candidates with evidence
  2. diplodash extract article.txt --published 2025-10-17 --accept --dry-run
                                                                 show the rows as a diff, change nothing
  3. diplodash extract article.txt --published 2025-10-17 --accept
                                                                 back up, then append the rows
  4. diplodash validate

which candidates --accept takes:
  without --only  every candidate that is complete and unambiguous: a report on the one contact it
                  matches, or a new contact with a counterpart and a date; reported totals with a
                  date range. Incomplete and ambiguous ones are listed as skipped, with the reason.
  --only ID,...   exactly these (ids as listed: 003#1 for a contact, 003#t1 for a total); an id
                  that cannot be accepted is an error, not a silent skip.
  --only ID=CONTACT_ID
                  attach candidate ID to that existing contact as a new report (for an ambiguous
                  match, or one the matcher missed).
  --reject ID,... never these.

what is written: rows are appended to sources.csv (the article, once), contacts.csv, reports.csv
and claims.csv; existing rows are never reordered or rewritten. Before writing, the result is
checked as 'diplodash validate' would, and the files about to change are copied to
<data>-backups/<time>/ next to the table folder. Each file is replaced atomically.

other:
  --published DATE   publication date (YYYY-MM-DD, YYYY-MM or YYYY) for relative dates such as
                     "on Thursday"; otherwise taken from HTML metadata or a dateline in the text.
  --source-id ID     source id for the rows (default: extract-<file name>); a new id adds a
                     sources.csv row.
  --evaluate         run on the curated seed articles (files named in sources.csv seed_file) and
                     print recall and precision per field against the table. Given one folder
                     holding an expected.json (tests/fixtures/heldout/), score its reports
                     against it instead, per half (--half dev|test for one).

exit codes: 0 ok, 1 problems in the data, config or article, 2 bad command line, 3 a file could not be read or written"""


def add_parser(commands, common) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "extract",
        help="propose contacts from articles, with evidence; --accept appends them",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("files", nargs="*", metavar="FILE", help="articles: .txt or .html (with --evaluate: the seed articles)")
    parser.add_argument("--published", metavar="DATE", help="publication date: YYYY-MM-DD, YYYY-MM or YYYY")
    parser.add_argument("--source-id", metavar="ID", help="source id for accepted rows (default: extract-<file name>)")
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
    parser.add_argument("--accept", action="store_true", help="append the selected candidates to the table (see below)")
    parser.add_argument("--dry-run", action="store_true", help="with --accept: print the diff of what would be written, write nothing")
    parser.add_argument("--only", action="append", metavar="ID[=CONTACT_ID],...", help="accept only these candidates")
    parser.add_argument("--reject", action="append", metavar="ID,...", help="never accept these candidates")
    parser.add_argument("--evaluate", action="store_true", help="recall and precision per field on the seed articles, or on a folder with an expected.json")
    parser.add_argument("--half", choices=("dev", "test"), help="with --evaluate on a folder with an expected.json: only this half")
    common(parser)
    return parser


class _Fail(Exception):
    def __init__(self, message: str, code: int):
        super().__init__(message)
        self.code = code


def run(args) -> int:
    from diplodash.metrics.problems import DataError

    try:
        if args.evaluate:
            return _evaluate(args)
        return _extract(args)
    except DataError as error:
        print_problems(error.problems)
        return EXIT_DATA
    except _Fail as fail:
        print(f"diplodash extract: {fail}", file=sys.stderr)
        return fail.code


def _setup(args):
    from diplodash.config import load_config
    from diplodash.metrics.dataset import load_dataset
    from diplodash.extract import Extractor

    config = load_config(args.config)
    extractor = Extractor(config)
    dataset = load_dataset(config, Path(args.data) if args.data else None)
    return config, extractor, dataset


def read_articles(extractor, files: list[str], published: str | None):
    """Extract every file; unreadable or non-text files are reported clearly (exit 3 / exit 1)."""
    from diplodash.extract.text import ArticleError

    extractions = []
    for name in files:
        path = Path(name)
        if path.is_dir():
            raise _Fail(f"{name}: is a folder; give the article files (e.g. {name}/*.txt)", EXIT_FILE)
        try:
            extractions.append(extractor.extract_file(path, published))
        except FileNotFoundError:
            raise _Fail(f"{name}: no such file", EXIT_FILE)
        except IsADirectoryError:
            raise _Fail(f"{name}: is a folder; give the article files (e.g. {name}/*.txt)", EXIT_FILE)
        except PermissionError:
            raise _Fail(f"{name}: permission denied", EXIT_FILE)
        except ArticleError as exc:
            raise _Fail(f"{name}: {exc}", EXIT_DATA)
        except OSError as exc:
            raise _Fail(f"{name}: cannot read: {exc.strerror or exc}", EXIT_FILE)
    return extractions


def _extract(args) -> int:
    from diplodash.extract.dates import parse_partial
    from diplodash.extract.matching import match_candidates

    if not args.files:
        raise _Fail("give at least one article file (or --evaluate)", EXIT_USAGE)
    if args.published and parse_partial(args.published) is None:
        raise _Fail(f"--published {args.published!r}: use YYYY-MM-DD, YYYY-MM or YYYY", EXIT_USAGE)
    if (args.only or args.reject or args.dry_run) and not args.accept:
        if args.dry_run:
            args.accept = True  # a dry run is the preview of --accept
        else:
            raise _Fail("--only and --reject choose what --accept writes: add --accept (and --dry-run to preview)", EXIT_USAGE)
    if args.source_id:
        from diplodash.metrics.atomic import SAFE_NAME

        if not SAFE_NAME.match(args.source_id) or ";" in args.source_id:
            raise _Fail(f"--source-id {args.source_id!r}: use letters, digits, '.', '_' and '-'", EXIT_USAGE)

    config, extractor, dataset = _setup(args)
    extractions = read_articles(extractor, args.files, args.published)
    for extraction in extractions:
        match_candidates(extraction.candidates, dataset)

    if not args.accept:
        _show(extractions, args.format)
        return EXIT_OK
    return _accept(args, config, dataset, extractions)


def _accept(args, config, dataset, extractions) -> int:
    from diplodash.metrics.atomic import ExportError
    from diplodash.extract.accept import AcceptError, Selection, apply_plan, check_plan, plan_accept

    selection = Selection.parse(args.only, args.reject)
    try:
        plan = plan_accept(extractions, dataset, selection, args.source_id)
    except AcceptError as exc:
        raise _Fail(str(exc), EXIT_DATA)
    out = sys.stdout
    for decision in plan.decisions:
        print(f"{'accept' if decision.accepted else 'skip  '}  {decision.item_id:<10} {decision.why}", file=out)
    if not plan.changed:
        print("nothing to write", file=out)
        return EXIT_OK
    if args.dry_run:
        problems = check_plan(plan, config)
        out.write(plan.diff())
        if problems:
            print_problems(problems)
            return EXIT_DATA
        print(f"dry run: {plan.row_count} row(s) would be appended; nothing written", file=out)
        return EXIT_OK
    try:
        backup = apply_plan(plan, config)
    except AcceptError as exc:
        raise _Fail(str(exc), EXIT_DATA)
    except (ExportError, OSError) as exc:
        raise _Fail(f"could not write the table: {getattr(exc, 'strerror', None) or exc}", EXIT_FILE)
    counts = ", ".join(f"{len(rows)} to {plan.files[t].name}" for t, rows in plan.rows.items() if rows)
    print(f"appended {plan.row_count} row(s): {counts}", file=out)
    print(f"backup: {backup}", file=out)
    return EXIT_OK


# ---------------------------------------------------------------------------------- output


def rows_of(extraction) -> list[dict]:
    """One flat row per proposed value (the csv output, and what a review screen lists)."""
    rows: list[dict] = []

    def add(candidate_id, match, field, proposed, side="", speaker="", value=None):
        evidence = proposed.evidence[0] if proposed and proposed.evidence else None
        rows.append(
            {
                "file": extraction.file,
                "candidate": candidate_id,
                "match": match,
                "field": field,
                "value": value if value is not None else (proposed.value if proposed else ""),
                "side": side,
                "speaker": speaker,
                "note": proposed.note if proposed else "",
                "cue": " ".join(evidence.cue.split()) if evidence else "",
                "cue_start": evidence.cue_start if evidence else "",
                "cue_end": evidence.cue_end if evidence else "",
                "sentence_start": evidence.start if evidence else "",
                "sentence_end": evidence.end if evidence else "",
                **_numbers(field, proposed),
            }
        )

    for c in extraction.candidates:
        match = _match_text(c)
        if c.counterpart:
            add(c.id, match, "counterpart", c.counterpart)
        for envoy in c.envoys:
            add(c.id, match, "envoy", envoy)
        if c.date:
            add(c.id, match, "date", c.date, value=f"{c.date.value} ({c.date_precision})")
        for d in c.unresolved_dates:
            add(c.id, match, "date_unresolved", d)
        if c.format:
            add(c.id, match, "format", c.format)
        if c.status:
            add(c.id, match, "status", c.status)
        for r in c.reports:
            if r.duration_text:
                add(c.id, match, "duration", r.duration_text, r.side, r.speaker)
            if r.initiator_claim:
                add(c.id, match, "initiator", r.initiator_claim, r.side, r.speaker)
            for t in r.tone:
                add(c.id, match, "tone", t, r.side, r.speaker)
    for t in extraction.totals:
        rows.append(
            {
                "file": extraction.file,
                "candidate": t.id,
                "match": "new claim",
                "field": "total",
                "value": f"{t.count} {'/'.join(t.formats) or 'contacts'} with {t.counterpart or '?'} {t.start or '?'}..{t.end or '?'}",
                "side": t.side,
                "speaker": t.speaker,
                "note": t.note,
                "cue": " ".join(t.evidence.cue.split()),
                "cue_start": t.evidence.cue_start,
                "cue_end": t.evidence.cue_end,
                "sentence_start": t.evidence.start,
                "sentence_end": t.evidence.end,
                **_numbers("total", None),
            }
        )
    return rows


def _numbers(field: str, proposed) -> dict:
    """The duration columns: numbers a script can use (empty for the other fields)."""
    from diplodash.extract.candidates import duration_numbers

    numbers = duration_numbers(proposed.value if field == "duration" and proposed else None)
    return {key: ("" if value is None else (int(value) if float(value).is_integer() else value)) if not isinstance(value, str) else value for key, value in numbers.items()}


def _match_text(candidate) -> str:
    m = candidate.match
    if m is None:
        return ""
    if m.kind == "new_report":
        text = f"report on {m.contact_id}"
        if m.ambiguous:
            text += " (ambiguous: also " + ", ".join(m.alternatives) + ")"
        return text
    missing = candidate.missing()
    return "new contact" + (f" (incomplete: no {' and '.join(missing)})" if missing else "")


def _show(extractions, fmt: str) -> None:
    if fmt == "json":
        print(json.dumps([e.to_dict() for e in extractions], ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        buffer = io.StringIO()
        writer = None
        for extraction in extractions:
            for row in rows_of(extraction):
                if writer is None:
                    writer = csv.DictWriter(buffer, fieldnames=list(row), lineterminator="\n")
                    writer.writeheader()
                writer.writerow(row)
        sys.stdout.write(buffer.getvalue())
        return
    for index, extraction in enumerate(extractions):
        if index:
            print()
        published = f"published {extraction.published} ({extraction.published_from})" if extraction.published else "publication date unknown"
        print(f"{extraction.file}: {len(extraction.candidates)} candidate(s), {len(extraction.totals)} total(s); {published}")
        for warning in extraction.warnings:
            print(f"  warning: {warning}")
        current = None
        for row in rows_of(extraction):
            if row["candidate"] != current:
                current = row["candidate"]
                print(f"\n  {current}  {row['match']}")
            who = f" [{row['side']}{': ' + row['speaker'] if row['speaker'] else ''}]" if row["side"] else ""
            where = f"@{row['cue_start']}-{row['cue_end']}" if row["cue_start"] != "" else ""
            note = f"  ({row['note']})" if row["note"] and row["field"] not in ("counterpart",) else ""
            print(f"    {row['field']:<11} {str(row['value'])[:48]:<48}{who}  “{_short(row['cue'])}” {where}{note}")


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -------------------------------------------------------------------------------- evaluation


def _evaluate(args) -> int:
    from diplodash.config import load_config
    from diplodash.metrics.dataset import load_dataset
    from diplodash.extract.evaluate import evaluate_seeds, format_table

    config = load_config(args.config)
    dataset = load_dataset(config, Path(args.data) if args.data else None)
    files = [Path(f) for f in args.files]
    if len(files) == 1 and (files[0] / "expected.json").is_file():
        from diplodash.extract.evaluate import evaluate_heldout

        halves = [args.half] if args.half else ["dev", "test"]
        from diplodash.config import parse_config

        results = {half: evaluate_heldout(files[0], config, half, parse_config) for half in halves}
        if args.format == "json":
            print(json.dumps({half: r.to_dict() for half, r in results.items()}, indent=2))
        else:
            print("\n\n".join(format_table(r, f"{half} half: {len(r.files)} report(s) of {files[0]}") for half, r in results.items()))
        return EXIT_OK
    if len(files) == 1 and files[0].is_dir():
        files = sorted(files[0].glob("*.txt"))
    if not files:
        raise _Fail("--evaluate needs the seed articles: diplodash extract --evaluate ../shared/seeds/*.txt", EXIT_USAGE)
    result = evaluate_seeds(files, config, dataset)
    if args.format == "json":
        print(json.dumps(result.to_dict(), indent=2))
    else:
        print(format_table(result))
    return EXIT_OK
