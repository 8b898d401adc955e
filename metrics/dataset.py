"""Loading the contact table: find its files, read, type, cross-check and derive, in one call.

``load_dataset`` either returns a Dataset (with warnings attached) or raises DataError listing every
problem it found, so the command line and the app can show all of them at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from diplodash.metrics import cache as derived_cache
from diplodash.metrics.cache import file_sha256
from diplodash.metrics.config import Config
from diplodash.metrics.derive import derive_contacts, derive_reports
from diplodash.metrics.problems import DataError, Problem, cap_problems, sort_problems
from diplodash.metrics.readers import INPUT_ERRORS, LINE, SUFFIXES, read_table
from diplodash.metrics.safefile import not_regular
from diplodash.metrics.schema import CLAIMS, CONTACTS, FORMATS, INLINE_REPORT_COLUMNS, REPORTS, SOURCES, TableSpec
from diplodash.metrics.tone_lexicon import ToneLexicon
from diplodash.metrics.validate import type_table


@dataclass
class Dataset:
    contacts: pl.DataFrame  # one row per contact, with derived columns
    reports: pl.DataFrame  # one row per account of a contact
    claims: pl.DataFrame  # reported totals
    sources: pl.DataFrame
    files: dict[str, Path]
    config: Config
    problems: list[Problem] = field(default_factory=list)  # warnings only
    loaded_at: dt.datetime | None = None  # stamped by the caller (the command line or the app), never read here

    @property
    def lexicon(self) -> ToneLexicon:
        return ToneLexicon(self.config.tone)

    def fingerprint(self) -> str:
        """sha256 over the data files' bytes: the same content gives the same fingerprint."""
        digest = hashlib.sha256()
        for name in sorted(self.files):
            digest.update(name.encode())
            digest.update(file_sha256(self.files[name]).encode())
        return digest.hexdigest()


def find_files(path: Path) -> tuple[dict[str, Path], list[Problem]]:
    """Map table names to files: a folder of tables, or one contacts file.

    A table name that exists but is not a readable regular file (a folder named reports.csv, a FIFO, a
    link to a device, a symbolic link loop) is an error naming it, never skipped: the figures would
    silently come out smaller.
    """
    if not os.path.lexists(path):
        return {}, [Problem(str(path), None, None, "data path not found", code="file")]
    if not path.is_dir():
        reason = not_regular(path)
        if reason:
            return {}, [Problem(str(path), None, None, f"data path {reason}: give a folder of tables or one contacts file", code="file")]
        return {"contacts": path}, []
    files: dict[str, Path] = {}
    problems: list[Problem] = []
    for spec in (CONTACTS, REPORTS, CLAIMS, SOURCES):
        found = []
        for suffix in SUFFIXES:
            candidate = path / f"{spec.name}{suffix}"
            if not os.path.lexists(candidate):
                continue
            reason = not_regular(candidate)
            if reason:
                problems.append(Problem(str(candidate), None, None, f"{reason}: the {spec.name} table must be a regular file", code="file"))
                continue
            found.append(candidate)
        if len(found) > 1:
            problems.append(Problem(str(path), None, None, f"several files for the {spec.name} table ({', '.join(p.name for p in found)}): keep one", code="file"))
        elif found:
            files[spec.name] = found[0]
    if "contacts" not in files and not problems:
        problems.append(Problem(str(path), None, None, f"no contacts file in this folder (looked for contacts{{{','.join(SUFFIXES)}}})", code="file"))
    return files, problems


def _empty(spec: TableSpec) -> pl.LazyFrame:
    frame = pl.DataFrame({LINE: pl.Series([], dtype=pl.Int64)}).lazy()
    typed, _ = type_table(frame, spec, "<none>")
    return typed


def load_dataset(config: Config, path: Path | None = None, today: dt.date | None = None, *, cache: bool = True) -> Dataset:
    """Load, check and derive the table. With ``cache``, a table whose files, settings and date are
    unchanged since an earlier load comes from the derived-table cache (metrics.cache) instead."""
    path = Path(path) if path else config.data_path
    files, problems = find_files(path)
    if problems:
        raise DataError(problems)
    key = None
    if cache and derived_cache.cache_root() is not None:
        try:
            key = derived_cache.fingerprint(files, config, today)
        except OSError:
            key = None  # unreadable now: the load below says which file and why
        hit = derived_cache.read(key) if key else None
        if hit is not None:
            tables, warnings = hit
            return Dataset(tables["contacts"], tables["reports"], tables["claims"], tables["sources"], files, config, warnings)
    dataset = _load(config, files, problems, today)
    if key is not None:
        try:
            unchanged = derived_cache.fingerprint(files, config, today) == key
        except OSError:
            unchanged = False
        if unchanged:  # never store a table that was edited while it was read under the old key
            derived_cache.write(key, {"contacts": dataset.contacts, "reports": dataset.reports, "claims": dataset.claims, "sources": dataset.sources}, dataset.problems)
    return dataset


def _load(config: Config, files: dict[str, Path], problems: list[Problem], today: dt.date | None) -> Dataset:
    tables: dict[str, pl.DataFrame] = {}
    for spec in (CONTACTS, REPORTS, CLAIMS, SOURCES):
        if spec.name not in files:
            tables[spec.name] = _empty(spec).collect()
            continue
        file = files[spec.name]
        try:
            raw, found = read_table(file, spec)
            problems += found
            if any(p.severity == "error" and p.code == "header" for p in found):
                continue
            typed, found = type_table(raw, spec, str(file), today)
            problems += found
            tables[spec.name] = typed.collect()
        except DataError as error:
            problems += error.problems
        except INPUT_ERRORS as exc:  # polars may panic on hostile input; report it, never crash
            problems.append(Problem(str(file), None, None, f"cannot read table: {str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__}", code="file"))
    if any(name not in tables for name in ("contacts", "reports", "claims", "sources")):
        # A table could not be read at all: cross-checks would only repeat that.
        raise DataError(cap_problems(sort_problems(problems)))

    if "reports" not in files:
        tables["reports"] = _inline_reports(tables["contacts"])
    lexicon = ToneLexicon(config.tone)
    reports = derive_reports(tables["reports"].drop([c for c in tables["reports"].columns if c in ()]), lexicon)
    problems += _cross_check(tables, reports, files, lexicon)
    if any(p.severity == "error" for p in problems):
        raise DataError(cap_problems(sort_problems(problems)))
    contacts = derive_contacts(tables["contacts"].drop([c for c in INLINE_REPORT_COLUMNS if c in tables["contacts"].columns]), reports, config)
    return Dataset(
        contacts=contacts,
        reports=reports,
        claims=tables["claims"],
        sources=tables["sources"],
        files=files,
        config=config,
        problems=cap_problems(sort_problems(problems)),
    )


def _inline_reports(contacts: pl.DataFrame) -> pl.DataFrame:
    """A single flat contacts file may carry one account per contact in its own columns."""
    columns = {c: (pl.col(c) if c in contacts.columns else pl.lit(None, dtype=pl.String)) for c in INLINE_REPORT_COLUMNS}
    frame = contacts.select(
        pl.col(LINE),
        (pl.col("contact_id") + "/1").alias("report_id"),
        pl.col("contact_id"),
        pl.col("source_ids"),
        columns["side"].fill_null("other").alias("side"),
        columns["speaker"].alias("speaker"),
        columns["duration_text"].alias("duration_text"),
        columns["initiator_claim"].alias("initiator_claim"),
        columns["tone_text"].alias("tone_text"),
        pl.col("excerpt"),
        pl.lit(None, dtype=pl.String).alias("notes"),
    )
    has_account = pl.any_horizontal([pl.col(c).is_not_null() for c in ("duration_text", "initiator_claim", "tone_text")])
    return frame.filter(has_account)


def _where(files: dict[str, Path], table: str) -> str:
    return str(files.get(table, table))


def _cross_check(tables: dict[str, pl.DataFrame], reports: pl.DataFrame, files: dict[str, Path], lexicon: ToneLexicon) -> list[Problem]:
    problems: list[Problem] = []
    for spec in (CONTACTS, REPORTS, CLAIMS, SOURCES):
        frame = tables[spec.name] if spec.name != "reports" else reports
        if spec.name == "reports" and "reports" not in files:
            continue
        dupes = frame.filter(pl.col(spec.key).is_duplicated()).sort(LINE)
        first_line: dict[str, int] = {}
        for key, line in dupes.select(spec.key, LINE).iter_rows():
            if key in first_line:
                problems.append(Problem(_where(files, spec.name), line, None, f"duplicate {spec.key} '{key}' (first on line {first_line[key]})", code="duplicate"))
            else:
                first_line[key] = line

    contact_ids = tables["contacts"].select("contact_id")
    orphans = reports.join(contact_ids, on="contact_id", how="anti")
    for line, contact in orphans.select(LINE, "contact_id").iter_rows():
        problems.append(Problem(_where(files, "reports"), line, None, f"report about an unknown contact '{contact}' (not in the contacts table)", code="dangling"))

    if "sources" in files:
        known = tables["sources"].select(pl.col("source_id"))
        for table, frame in (("contacts", tables["contacts"]), ("reports", reports), ("claims", tables["claims"])):
            if table not in files and not (table == "reports" and "contacts" in files):
                continue
            used = frame.select(LINE, pl.col("source_ids").alias("source_id")).explode("source_id").drop_nulls("source_id")
            for line, source in used.join(known, on="source_id", how="anti").sort(LINE).iter_rows():
                problems.append(Problem(_where(files, table if table in files else "contacts"), line, None, f"source id '{source}' is not in the sources table", code="dangling"))

    report_file = "reports" if "reports" in files else "contacts"
    bad = reports.filter(pl.col("duration_error").is_not_null()).sort(LINE)
    for line, text, message in bad.select(LINE, "duration_text", "duration_error").iter_rows():
        problems.append(Problem(_where(files, report_file), line, None, f"duration_text: cannot read {text!r} as a duration: {message}", code="duration"))
    unmatched = reports.filter(pl.col("tone_text").is_not_null() & (pl.col("tone_labels").list.len() == 0)).sort(LINE)
    for line, text in unmatched.select(LINE, "tone_text").head(50).iter_rows():
        problems.append(
            Problem(_where(files, report_file), line, None, f"tone_text: {text!r} matches no label of the tone lexicon (add its words to [tone] in the config)", "warning", "tone")
        )

    claims = tables["claims"]
    if "claims" in files:
        for line, start, end in claims.filter(pl.col("start") > pl.col("end")).select(LINE, "start", "end").iter_rows():
            problems.append(Problem(_where(files, "claims"), line, None, f"claim range ends ({end}) before it starts ({start})", code="range"))
        used = claims.select(LINE, pl.col("formats").alias("format")).explode("format").drop_nulls("format")
        for line, value in used.filter(~pl.col("format").is_in(list(FORMATS))).iter_rows():
            problems.append(Problem(_where(files, "claims"), line, None, f"formats: unknown format '{value}'; choose from {', '.join(FORMATS)}", code="enum"))
    return problems
