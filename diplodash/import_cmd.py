"""``diplodash import`` and ``diplodash coverage --against``: contacts from coded event data.

Kept apart from cli.py, which only adds the subparsers (``add_parser``) and calls ``run``. The
candidates are the same shape as ``extract``'s and go through the same review and accept.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from diplodash.errors import EXIT_DATA, EXIT_FILE, EXIT_OK, EXIT_USAGE, print_problems
from diplodash.extract_cmd import _accept, _Fail, _match_text, rows_of

KINDS = ("gdelt", "gdelt-mentions", "icews", "polecat", "plover")

DESCRIPTION = """\
Read machine-coded event data (GDELT 2.0 events, GDELT events with their mentions, ICEWS, POLECAT,
PLOVER JSONL; plain or .gz) and propose the consultations between two leaders as candidate contacts:
CAMEO 040-046 or PLOVER CONSULT, the names matched case-insensitively through the roster's aliases
([extract] roster in the config). Duplicates are collapsed into one candidate per real contact
(reciprocal 042/043 visits, the same format within a day, many articles about one event), each with
every coded row and source URL as evidence. Imported contacts have the status event_data: they are
not counted unless asked for (--all-statuses, or [defaults] count_statuses)."""

EPILOG = """\
review and accept, as with 'diplodash extract':
  1. diplodash import icews events.tsv --leader NAME --counterpart NAME          list the candidates
  2. ... --accept --dry-run                                                        the rows as a diff
  3. ... --accept                                                                  back up, then append
formats: phone (CAMEO 041, PLOVER phone), in_person (042, 043, 044, visit, third-party),
summit (PLOVER multilateral), unknown (040, 045, 046)
gdelt-mentions: give the events files (61 columns) and their mentions files together"""

COVERAGE_DESCRIPTION = """\
Compare the table with coded event data for one pair of leaders: per year, the contacts the dataset
has that the table lacks, the table's contacts the dataset lacks, and the matched ones, with the
evidence of each (coded rows and source URLs; contact ids and sources)."""


def add_parser(commands, common) -> argparse.ArgumentParser:
    parser = commands.add_parser("import", help="propose contacts from GDELT, ICEWS, POLECAT or PLOVER data; --accept appends them",
                                 description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dataset", choices=KINDS, metavar="DATASET", help=", ".join(KINDS))
    _pair_args(parser)
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
    parser.add_argument("--accept", action="store_true", help="append the selected candidates to the table")
    parser.add_argument("--dry-run", action="store_true", help="with --accept: print the diff, write nothing")
    parser.add_argument("--only", action="append", metavar="ID[=CONTACT_ID],...", help="accept only these candidates")
    parser.add_argument("--reject", action="append", metavar="ID,...", help="never accept these candidates")
    common(parser)
    coverage = commands.add_parser("coverage", help="what coded event data has that the table lacks, and the reverse",
                                   description=COVERAGE_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    coverage.add_argument("--against", required=True, choices=KINDS, metavar="DATASET", help=f"the dataset the FILEs hold: {', '.join(KINDS)}")
    _pair_args(coverage)
    coverage.add_argument("--format", choices=("table", "csv", "json"), default="table")
    common(coverage)
    return parser


def _pair_args(parser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="event files (plain or .gz)")
    parser.add_argument("--leader", required=True, metavar="NAME", help="one actor (a roster name or alias)")
    parser.add_argument("--counterpart", required=True, metavar="NAME", help="the other actor")
    parser.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="first day kept")
    parser.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="last day kept")


def run(args) -> int:
    from diplodash.metrics.problems import DataError

    try:
        return _coverage(args) if args.command == "coverage" else _import(args)
    except DataError as error:
        print_problems(error.problems)
        return EXIT_DATA
    except _Fail as fail:
        print(f"diplodash {args.command}: {fail}", file=sys.stderr)
        return fail.code


def _day(text: str | None, flag: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _Fail(f"{flag} {text!r}: use YYYY-MM-DD", EXIT_USAGE) from None


def read_rows(args, settings):
    """The coded rows of args.files for the pair, within --from/--to, and the pair's roster names."""
    from diplodash.extract.events import EventFileError, names_for
    from diplodash.extract.events import gdelt, gdelt_mentions, icews, plover, polecat

    start, end = _day(args.start, "--from"), _day(args.end, "--to")
    if start and end and start > end:
        raise _Fail(f"--from {start} is after --to {end}", EXIT_USAGE)
    leader, counterpart = names_for(args.leader, settings), names_for(args.counterpart, settings)
    kind = getattr(args, "dataset", None) or args.against
    reader = {"gdelt": gdelt.read, "gdelt-mentions": gdelt_mentions.read, "icews": icews.read, "polecat": polecat.read, "plover": plover.read}[kind]
    for name in args.files:
        path = Path(name)
        if path.is_dir():
            raise _Fail(f"{name}: is a folder; give the event files", EXIT_FILE)
        if not path.exists():
            raise _Fail(f"{name}: no such file", EXIT_FILE)
    try:
        rows = reader(list(args.files), leader, counterpart)
    except EventFileError as exc:
        raise _Fail(str(exc), EXIT_DATA) from None
    except PermissionError as exc:
        raise _Fail(f"{exc.filename}: permission denied", EXIT_FILE) from None
    except OSError as exc:
        raise _Fail(f"{getattr(exc, 'filename', '') or ''}: cannot read: {exc.strerror or exc}", EXIT_FILE) from None
    rows = [r for r in rows if (start is None or r.date >= start) and (end is None or r.date <= end)]
    return rows, leader, counterpart, start, end


def _setup(args):
    from diplodash.config import load_config
    from diplodash.extract.settings import load_settings
    from diplodash.metrics.dataset import load_dataset

    config = load_config(args.config)
    dataset = load_dataset(config, Path(args.data) if args.data else None)
    return config, load_settings(config), dataset


def _import(args) -> int:
    from diplodash.extract.events.collapse import extraction
    from diplodash.extract.matching import match_candidates

    if (args.only or args.reject or args.dry_run) and not args.accept:
        if args.dry_run:
            args.accept = True
        else:
            raise _Fail("--only and --reject choose what --accept writes: add --accept (and --dry-run to preview)", EXIT_USAGE)
    config, settings, dataset = _setup(args)
    rows, leader, counterpart, _, _ = read_rows(args, settings)
    found = extraction(rows, list(args.files), leader.name, counterpart.name)
    match_candidates(found.candidates, dataset)
    if not args.accept:
        show(found, args.format)
        return EXIT_OK
    args.source_id = None
    return _accept(args, config, dataset, [found])


def import_rows(found) -> list[dict]:
    """``extract``'s flat rows (one per proposed value), then one per coded row and per source URL."""
    base = rows_of(found)
    out: list[dict] = []
    for c in found.candidates:
        out += [r for r in base if r["candidate"] == c.id]
        match = _match_text(c)
        for r in c.rows:
            out.append({**_blank(base, found.file), "candidate": c.id, "match": match, "field": "coded_row", "value": r.describe(),
                        "cue": f"{r.code} {r.mode}", "cue_start": r.line, "cue_end": r.line})
        for url in c.urls:
            out.append({**_blank(base, found.file), "candidate": c.id, "match": match, "field": "source", "value": url})
    return out


def _blank(base, file) -> dict:
    keys = list(base[0]) if base else ["file", "candidate", "match", "field", "value", "side", "speaker", "note", "cue", "cue_start", "cue_end", "sentence_start", "sentence_end"]
    return {k: "" for k in keys} | {"file": file}


def show(found, fmt: str) -> None:
    if fmt == "json":
        print(json.dumps([found.to_dict()], ensure_ascii=False, indent=2))
        return
    rows = import_rows(found)
    if fmt == "csv":
        import csv

        if rows:
            writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        return
    print(f"{found.file}: {len(found.candidates)} candidate(s)")
    for warning in found.warnings:
        print(f"  {warning}")
    current = None
    for row in rows:
        if row["candidate"] != current:
            current = row["candidate"]
            print(f"\n  {current}  {row['match']}")
        if row["field"] in ("coded_row", "source"):
            print(f"    {row['field']:<11} {row['value']}")
        elif row["field"] != "counterpart":
            note = f"  ({row['note']})" if row["note"] else ""
            print(f"    {row['field']:<11} {row['value']}{note}")


# ---------------------------------------------------------------------------------- coverage


def coverage_rows(candidates, dataset, leader: str, counterpart: str, start: dt.date | None, end: dt.date | None) -> list[dict]:
    """One row per contact: in both, only in the dataset, or only in the table, with the evidence.

    The table's contacts are those of the pair within --from/--to, or else within the years the
    dataset's kept rows span (a table year the dataset has no row for says nothing about it).
    """
    from diplodash.extract.matching import _key

    out: list[dict] = []
    matched: dict[str, list] = {}
    for c in candidates:
        if c.match is not None and c.match.contact_id:
            matched.setdefault(c.match.contact_id, []).append(c)
        else:
            out.append(_row("dataset only", c.date.value, c.format.value if c.format else "", "", _dataset_evidence(c)))
    years = {int(c.date.value[:4]) for c in candidates}
    contacts = dataset.contacts
    sources = {r["source_id"]: r for r in dataset.sources.iter_rows(named=True)} if "source_id" in dataset.sources.columns else {}
    for r in contacts.iter_rows(named=True):
        if _key(r["leader"]) != _key(leader) or _key(r["counterpart"]) != _key(counterpart) or r["date"] is None:
            continue
        day = r["date"]
        if start or end:
            if (start and day < start) or (end and day > end):
                continue
        elif not years or not (min(years) <= day.year <= max(years)):
            continue
        ids = r.get("source_ids") or []
        ids = ids if isinstance(ids, list) else [s for s in str(ids).split(";") if s]
        table_evidence = [f"table {r['contact_id']} ({r['status']})"] + [
            f"source {s}: {sources[s].get('url') or sources[s].get('outlet') or ''}".rstrip(": ") if s in sources else f"source {s}" for s in ids
        ]
        mine = matched.get(r["contact_id"])
        if mine:
            for c in mine:
                out.append(_row("both", day.isoformat(), r["format"] or "", r["contact_id"], table_evidence + _dataset_evidence(c)))
        else:
            out.append(_row("table only", day.isoformat(), r["format"] or "", r["contact_id"], table_evidence))
    out.sort(key=lambda row: (row["year"], row["date"], row["where"]))
    return out


def _row(where, date, fmt, contact_id, evidence) -> dict:
    return {"year": int(date[:4]), "date": date, "where": where, "format": fmt, "contact_id": contact_id, "evidence": evidence}


def _dataset_evidence(candidate) -> list[str]:
    lines = [f"{Path(r.file).name}:{r.line} {r.dataset} {r.event_id} {r.code} {r.mode}" for r in candidate.rows]
    return lines + candidate.urls


def coverage_summary(rows: list[dict]) -> list[dict]:
    years: dict[int, dict] = {}
    for row in rows:
        y = years.setdefault(row["year"], {"year": row["year"], "both": 0, "dataset only": 0, "table only": 0})
        y[row["where"]] += 1
    return [years[y] for y in sorted(years)]


def _coverage(args) -> int:
    from diplodash.extract.events.collapse import candidates as collapse
    from diplodash.extract.matching import match_candidates

    _, settings, dataset = _setup(args)
    rows, leader, counterpart, start, end = read_rows(args, settings)
    found = collapse(rows, leader.name, counterpart.name)
    match_candidates(found, dataset)
    listed = coverage_rows(found, dataset, leader.name, counterpart.name, start, end)
    summary = coverage_summary(listed)
    if args.format == "json":
        print(json.dumps({"leader": leader.name, "counterpart": counterpart.name, "dataset": args.against, "years": summary, "contacts": listed}, ensure_ascii=False, indent=2))
        return EXIT_OK
    if args.format == "csv":
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["year", "date", "where", "format", "contact_id", "evidence"])
        for row in listed:
            writer.writerow([row["year"], row["date"], row["where"], row["format"], row["contact_id"], " | ".join(row["evidence"])])
        return EXIT_OK
    print(f"{leader.name} and {counterpart.name}: the table against {args.against} ({', '.join(args.files)})")
    for year in summary:
        print(f"\n{year['year']}: {year['both']} in both, {year['dataset only']} only in the dataset, {year['table only']} only in the table")
        for row in (r for r in listed if r["year"] == year["year"]):
            print(f"  {row['date']}  {row['where']:<12} {row['format'] or '?':<16} {row['contact_id']}")
            for line in row["evidence"]:
                print(f"      {line}")
    if not summary:
        print("\nno contacts on either side")
    return EXIT_OK
