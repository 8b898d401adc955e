"""How well extraction reproduces the curated table: recall and precision per field on the seed articles.

For each seed article (a ``sources.csv`` row with ``seed_file``), the *truth* is what the curated
table holds from it: the contacts whose ``source_ids`` name the article, and the reports whose
``source_ids`` name it. The article is extracted with the publication date the curated sources row
gives (none when the row has none), exactly as a curator would run ``diplodash extract``.

Alignment (candidate -> curated contact), most precise candidate dates first:

1. a dated candidate takes a not yet aligned curated contact of this article with the same
   counterpart and a date that agrees (``dates.compatible``; an article saying "May 2017" agrees
   with 2017-05-02), preferring the same format, then the nearest date;
2. an undated candidate takes a not yet aligned curated contact with the same counterpart,
   preferring the same format;
3. a candidate still unaligned that agrees (counterpart, date, format) with a contact the table
   knows from *other* sources is *true but uncited*: its date, format and status count for
   precision (right or wrong) but add nothing to recall, since the curators did not cite this
   article for it; its accounts are not compared (the table holds none from this article);
4. any other candidate is spurious: each value it proposes is a false positive.

Fields (items counted per aligned contact):

* date: the candidate's date agrees with the curated date (a month for a day counts: the article
  gives no more);
* format, status: equal to the curated contact's;
* initiator: the set of claims (leader/counterpart) over the article's reports of the contact;
* duration: the set of durations in minutes (parse_duration) over those reports;
* tone: the set of tone labels (the config's lexicon) over those reports; ``tone+side`` also
  requires the side the wording is attributed to;
* total: reported totals as (counterpart, count) against ``claims.csv`` rows citing the article.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from diplodash.metrics.durations import DurationParseError, parse_duration
from diplodash.extract.dates import PartialDate, compatible, parse_partial

FIELDS = ("contact", "date", "format", "initiator", "duration", "tone", "tone+side", "status", "total")


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    def add(self, predicted: set, truth: set, recall: bool = True) -> None:
        self.tp += len(predicted & truth)
        self.fp += len(predicted - truth)
        if recall:
            self.fn += len(truth - predicted)


@dataclass
class Evaluation:
    scores: dict[str, Score] = field(default_factory=lambda: {f: Score() for f in FIELDS})
    files: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)  # one line per alignment decision, for reading the numbers

    def to_dict(self) -> dict:
        return {
            "files": self.files,
            "fields": {
                name: {"tp": s.tp, "fp": s.fp, "fn": s.fn, "precision": s.precision, "recall": s.recall}
                for name, s in self.scores.items()
            },
            "log": self.log,
        }


def _minutes(text: str | None):
    if not text:
        return None
    try:
        duration = parse_duration(text)
    except DurationParseError:
        return " ".join(text.lower().split())
    return duration.minutes if duration.minutes is not None else duration.text.lower()


def _contact_date(row) -> PartialDate | None:
    value, precision = row["date"], row["date_precision"] or "day"
    return PartialDate.of(value, precision) if value is not None else None


def evaluate_seeds(files, config, dataset, extractor=None) -> Evaluation:
    from diplodash.extract import Extractor
    from diplodash.metrics.tone_lexicon import ToneLexicon

    extractor = extractor or Extractor(config)
    lexicon = ToneLexicon(config.tone)
    # the loader types `published` as a date (2025-10 becomes 2025-10-01): read the file's own text
    import csv

    with open(dataset.files["sources"], newline="", encoding="utf-8-sig") as handle:
        source_rows = list(csv.DictReader(handle))
    contacts = dataset.contacts.to_dicts()
    reports = dataset.reports.to_dicts()
    claims = dataset.claims.to_dicts()
    result = Evaluation()

    for path in files:
        path = Path(path)
        rows = [s for s in source_rows if (s.get("seed_file") or "") == path.name]
        if not rows:
            result.log.append(f"{path.name}: not a seed article of this table (no sources row names it); skipped")
            continue
        source_ids = {s["source_id"] for s in rows}
        published = next((s["published"] for s in rows if s.get("published")), None)
        extraction = extractor.extract_file(path, parse_partial(published) if published else None)
        result.files.append(path.name)

        def cites(row) -> bool:
            return bool(source_ids & set(row.get("source_ids") or []))  # noqa: B023 (used in this iteration only)

        truth = [c for c in contacts if cites(c)]
        others = [c for c in contacts if not cites(c)]
        truth_reports: dict[str, list[dict]] = {}
        for r in reports:
            if cites(r):
                truth_reports.setdefault(r["contact_id"], []).append(r)

        def precision_rank(c):
            p = c.date_precision
            return {"day": 0, "month": 1, "year": 2}.get(p, 3)

        aligned: dict[str, dict] = {}  # candidate id -> contact row
        uncited: set[str] = set()
        used: set[str] = set()
        for cand in sorted(extraction.candidates, key=precision_rank):
            counterpart = cand.counterpart.value if cand.counterpart else None
            fmt = cand.format.value if cand.format else None
            date = cand.partial_date
            pool = [c for c in truth if c["contact_id"] not in used and c["counterpart"] == counterpart]
            if date is not None:
                pool = [c for c in pool if _contact_date(c) and compatible(_contact_date(c), date)]
                pool.sort(key=lambda c: (c["format"] != fmt, abs((_contact_date(c).first() - date.first()).days)))
            else:
                pool.sort(key=lambda c: c["format"] != fmt)
            if pool:
                aligned[cand.id] = pool[0]
                used.add(pool[0]["contact_id"])
                result.log.append(f"{path.name} {cand.id} -> {pool[0]['contact_id']}")
                continue
            if date is not None:
                known = [c for c in others if c["counterpart"] == counterpart and c["format"] == fmt and _contact_date(c) and compatible(_contact_date(c), date)]
                if known:
                    aligned[cand.id] = known[0]
                    uncited.add(cand.id)
                    result.log.append(f"{path.name} {cand.id} -> {known[0]['contact_id']} (true, but the table does not cite this article for it)")
                    continue
            result.log.append(f"{path.name} {cand.id}: spurious ({counterpart}, {date}, {fmt})")

        scores = result.scores
        scores["contact"].tp += len([c for c in aligned if c not in uncited])
        scores["contact"].fp += len(extraction.candidates) - len(aligned)
        scores["contact"].fn += len(truth) - len(used)
        by_candidate = {c.id: c for c in extraction.candidates}

        def predicted_items(cand) -> dict[str, set]:
            items = {"initiator": set(), "duration": set(), "tone": set(), "tone+side": set()}
            for r in cand.reports:
                if r.initiator_claim:
                    items["initiator"].add(r.initiator_claim.value)
                if r.duration_text:
                    items["duration"].add(_minutes(r.duration_text.value))
                for label in r.tone_labels:
                    items["tone"].add(label)
                    items["tone+side"].add((label, r.side))
            return items

        def truth_items(contact_id) -> dict[str, set]:
            items = {"initiator": set(), "duration": set(), "tone": set(), "tone+side": set()}
            for r in truth_reports.get(contact_id, []):  # noqa: B023 (used in this iteration only)
                if r.get("initiator_claim"):
                    items["initiator"].add(r["initiator_claim"])
                if r.get("duration_text"):
                    items["duration"].add(_minutes(r["duration_text"]))
                for label in lexicon.labels_for(r.get("tone_text")):
                    items["tone"].add(label)
                    items["tone+side"].add((label, r["side"]))
            return items

        for cid, cand in by_candidate.items():
            contact = aligned.get(cid)
            counts_recall = contact is not None and cid not in uncited
            date = cand.partial_date
            if contact is None:
                for name, value in (("date", date), ("format", cand.format), ("status", cand.status)):
                    if value is not None:
                        scores[name].fp += 1
                for name, items in predicted_items(cand).items():
                    scores[name].fp += len(items)
                continue
            true_date = _contact_date(contact)
            scores["date"].add({"ok"} if date and compatible(true_date, date) else ({"wrong"} if date else set()), {"ok"}, counts_recall)
            for name, value, true in (
                ("format", cand.format.value if cand.format else None, contact["format"]),
                ("status", cand.status.value if cand.status else None, contact["status"]),
            ):
                scores[name].add({value} if value else set(), {true} if true else set(), counts_recall)
            mine = predicted_items(cand)
            theirs = truth_items(contact["contact_id"]) if counts_recall else {k: set() for k in mine}
            for name in mine:
                if not counts_recall:
                    # uncited: the table has no account from this article to compare with; count nothing
                    continue
                scores[name].add(mine[name], theirs[name])
        for contact in truth:
            if contact["contact_id"] in used:
                continue
            for name in ("date", "format", "status"):
                scores[name].fn += 1
            for name, items in truth_items(contact["contact_id"]).items():
                scores[name].fn += len(items)

        truth_totals = {(c["counterpart"], int(c["claimed_count"])) for c in claims if cites(c) and c.get("claimed_count") is not None}
        predicted_totals = {(t.counterpart, t.count) for t in extraction.totals}
        scores["total"].add(predicted_totals, truth_totals)
    return result


def format_table(result: Evaluation, title: str | None = None) -> str:
    def pct(value):
        return "   –" if value is None else f"{value * 100:3.0f}%"

    lines = [
        title or f"extraction vs the curated table, {len(result.files)} seed article(s)",
        f"{'field':<10} {'recall':>7} {'precision':>9} {'tp':>4} {'fp':>4} {'fn':>4}",
    ]
    for name, s in result.scores.items():
        lines.append(f"{name:<10} {pct(s.recall):>7} {pct(s.precision):>9} {s.tp:>4} {s.fp:>4} {s.fn:>4}")
    return "\n".join(lines)


# ------------------------------------------------------------------------- held-out reports


HELDOUT_FIELDS = ("contact", "leader", "date", "format", "duration", "initiator", "tone", "tone+side", "total")


def evaluate_heldout(folder, config, half: str | None = None, parse_config=None) -> Evaluation:
    """Recall and precision per field on a folder of short reports with an ``expected.json``.

    ``expected.json`` lists each report: ``file``, ``half`` (dev/test), ``published``, ``config``
    ("bundled", or the name of a TOML file in the folder read on top of ``config``'s own file with
    ``parse_config(text, path)``, the config entry point's parser, passed in by the caller),
    ``contacts`` (counterpart, date, format, duration in minutes, initiator claims, tone as
    [label, side] pairs) and ``totals`` ([counterpart, count]). A candidate is aligned with an
    expected contact of the same counterpart and a compatible date; a candidate left over is
    spurious (each value it proposes a false positive), an expected contact left over is missed.
    """
    import json

    from diplodash.extract import Extractor

    folder = Path(folder)
    spec = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    extractors: dict[str, Extractor] = {}

    def extractor_of(name: str) -> Extractor:
        if name not in extractors:
            if name == "bundled":
                extractors[name] = Extractor(config)
            else:
                if parse_config is None:
                    raise ValueError(f"{name}: reading a report's own config needs parse_config")
                base = config.path.read_text(encoding="utf-8") if config.path else ""
                overlay = (folder / name).read_text(encoding="utf-8")
                extractors[name] = Extractor(parse_config(base + "\n" + overlay, folder / name))
        return extractors[name]

    result = Evaluation(scores={f: Score() for f in HELDOUT_FIELDS})
    for report in spec["reports"]:
        if half and report["half"] != half:
            continue
        extractor = extractor_of(report["config"])
        extraction = extractor.extract_file(folder / report["file"], parse_partial(report["published"]))
        result.files.append(report["file"])
        leader = extractor.settings.leader.name
        _score_report(result, report, extraction, leader)
    return result


def _score_report(result: Evaluation, report: dict, extraction, leader: str) -> None:
    scores = result.scores
    name = report["file"]
    expected = list(report["contacts"])
    used: set[int] = set()
    aligned: list[tuple] = []
    spurious = []
    for cand in extraction.candidates:
        counterpart = cand.counterpart.value if cand.counterpart else None
        date = cand.partial_date
        pick = None
        for i, want in enumerate(expected):
            if i in used or want["counterpart"] != counterpart:
                continue
            if date is not None and not compatible(parse_partial(want["date"]), date):
                continue
            pick = i
            break
        if pick is None:
            spurious.append(cand)
            result.log.append(f"{name} {cand.id}: spurious ({counterpart}, {date})")
        else:
            used.add(pick)
            aligned.append((cand, expected[pick]))
            result.log.append(f"{name} {cand.id} -> expected contact {pick + 1}")

    def items(cand) -> dict[str, set]:
        got = {"duration": set(), "initiator": set(), "tone": set(), "tone+side": set()}
        for r in cand.reports:
            if r.initiator_claim:
                got["initiator"].add(r.initiator_claim.value)
            if r.duration_text:
                got["duration"].add(_minutes(r.duration_text.value))
            for label in r.tone_labels:
                got["tone"].add(label)
                got["tone+side"].add((label, r.side))
        return got

    def wanted(want) -> dict[str, set]:
        return {
            "duration": {float(m) for m in want["duration"]},
            "initiator": set(want["initiator"]),
            "tone": {label for label, _ in want["tone"]},
            "tone+side": {(label, side) for label, side in want["tone"]},
        }

    scores["contact"].tp += len(aligned)
    scores["contact"].fp += len(spurious)
    scores["contact"].fn += len(expected) - len(used)
    for cand in spurious:
        for field_name, value in (("leader", cand.leader), ("date", cand.date), ("format", cand.format)):
            if value:
                scores[field_name].fp += 1
        for field_name, got in items(cand).items():
            scores[field_name].fp += len(got)
    for cand, want in aligned:
        scores["leader"].add({cand.leader} if cand.leader else set(), {leader})
        date = cand.partial_date
        scores["date"].add({"ok"} if date and date == parse_partial(want["date"]) else ({"wrong"} if date else set()), {"ok"})
        scores["format"].add({cand.format.value} if cand.format else set(), {want["format"]})
        if (cand.format.value if cand.format else None) != want["format"] or not (date and date == parse_partial(want["date"])):
            result.log.append(f"{name} {cand.id}: date {date}, format {cand.format.value if cand.format else None}; expected {want['date']}, {want['format']}")
        got, truth = items(cand), wanted(want)
        for field_name in got:
            scores[field_name].add(got[field_name], truth[field_name])
            if got[field_name] != truth[field_name]:
                result.log.append(f"{name} {cand.id} {field_name}: got {sorted(map(str, got[field_name]))}, expected {sorted(map(str, truth[field_name]))}")
    for i, want in enumerate(expected):
        if i in used:
            continue
        result.log.append(f"{name}: expected contact {i + 1} ({want['counterpart']}, {want['date']}) not found")
        for field_name in ("leader", "date", "format"):
            scores[field_name].fn += 1
        for field_name, truth in wanted(want).items():
            scores[field_name].fn += len(truth)
    predicted_totals = {(t.counterpart, t.count) for t in extraction.totals}
    truth_totals = {(t["counterpart"], int(t["count"])) for t in report.get("totals", [])}
    scores["total"].add(predicted_totals, truth_totals)
    if predicted_totals != truth_totals:
        result.log.append(f"{name} totals: got {sorted(predicted_totals)}, expected {sorted(truth_totals)}")
