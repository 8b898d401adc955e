"""From sentence clues to candidate contacts: which sentences speak of the same contact.

Reading goes sentence by sentence, keeping a list of the contacts met so far (the first one is the
article's *main* contact, usually its headline story) and the *current* one (the last one touched):

* a sentence with a dated contact mention joins a contact with a compatible date (same day or one
  day apart, or the same month/year for a coarser date unless the mention is indefinite: "a May
  2017 call" is a new contact, "spoke on the phone in January 2017" is the January 28 call met
  before); a definite dated mention ("Thursday's call") dates an undated contact; otherwise it opens
  a new contact;
* an undated mention joins the current contact when it is in the same paragraph; otherwise, if it
  names a counterpart, is definite ("the call") or speaks of both leaders ("the two leaders
  spoke"), it joins the main contact, or else the latest one, that fits (same counterpart, no
  clashing explicit format, no report date more than a month after the contact); otherwise it
  opens a new contact when it names a counterpart (or both leaders) and the leader's side;
* a sentence without a contact mention continues the current contact while it follows one in the
  same paragraph, for accounts only (durations, initiator, quoted tone, status).

A new contact needs the leader's side in the sentence (a roster name, a title, a speaker such as
"the Kremlin", both leaders, or "he" right after a sentence naming the leader) and a counterpart.
A new undated contact takes the date of the sentence before it in the same paragraph, noted as such.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from diplodash.extract.cues import (
    CALL_FAMILY,
    Attribution,
    Clues,
    ContactCue,
    DateCue,
    Rules,
    TotalCue,
    quote_spans,
)
from diplodash.extract.dates import PartialDate, compatible
from diplodash.extract.settings import STATUS_ORDER
from diplodash.extract.text import Article, Sentence

REPORT_WINDOW_DAYS = 31  # a report dated more than this after a contact is not about it


# --------------------------------------------------------------------------------- output types


@dataclass(frozen=True)
class Evidence:
    """Where a value comes from: the sentence and the words that gave it, as offsets in the file."""

    file: str
    start: int
    end: int
    sentence: str
    cue_start: int
    cue_end: int
    cue: str

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Proposed:
    value: Any
    evidence: tuple[Evidence, ...]
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {"value": value, "note": self.note, "evidence": [e.to_dict() for e in self.evidence]}


def duration_numbers(text: str | None) -> dict[str, Any]:
    """A duration's wording as numbers: ``minutes`` (the figure), ``qualifier`` (exact, about, almost,
    more_than, less_than, qualitative) and the bounds the wording states, ``min_minutes`` and
    ``max_minutes`` (exact: both the figure; more than: a floor; almost, less than: a ceiling;
    about and qualitative: none). Read with the table's own parser (metrics/durations.py)."""
    from diplodash.metrics.durations import DurationParseError, parse_duration

    empty = {"minutes": None, "min_minutes": None, "max_minutes": None, "qualifier": None}
    if not text:
        return empty
    try:
        duration = parse_duration(text)
    except DurationParseError:
        return empty
    minutes = duration.minutes
    low = minutes if duration.qualifier in ("exact", "more_than") else None
    high = minutes if duration.qualifier in ("exact", "almost", "less_than") else None
    return {"minutes": minutes, "min_minutes": low, "max_minutes": high, "qualifier": duration.qualifier}


@dataclass
class ProposedReport:
    """One side's account of a contact in this article (a reports.csv row)."""

    side: str
    speaker: str
    duration_text: Proposed | None = None
    initiator_claim: Proposed | None = None
    tone: list[Proposed] = field(default_factory=list)  # each value: the wording; note: its labels
    evidence: Evidence | None = None  # the sentence for the excerpt

    @property
    def tone_text(self) -> str:
        return "; ".join(dict.fromkeys(t.value for t in self.tone))

    @property
    def tone_labels(self) -> tuple[str, ...]:
        labels: list[str] = []
        for t in self.tone:
            labels += [label for label in t.note.split(", ") if label and label not in labels]
        return tuple(labels)

    def has_account(self) -> bool:
        return bool(self.duration_text or self.initiator_claim or self.tone)

    def to_dict(self) -> dict[str, Any]:
        return {
            "side": self.side,
            "speaker": self.speaker,
            "duration_text": self.duration_text.to_dict() if self.duration_text else None,
            **duration_numbers(self.duration_text.value if self.duration_text else None),
            "initiator_claim": self.initiator_claim.to_dict() if self.initiator_claim else None,
            "tone_text": self.tone_text or None,
            "tone_labels": list(self.tone_labels),
            "tone": [t.to_dict() for t in self.tone],
            "evidence": self.evidence.to_dict() if self.evidence else None,
        }


@dataclass
class Candidate:
    """A proposed contact, or a new account of one already in the table (see ``match``)."""

    id: str
    file: str
    leader: str
    counterpart: Proposed | None
    envoys: list[Proposed]
    date: Proposed | None  # value: "YYYY-MM-DD" / "YYYY-MM" / "YYYY"
    format: Proposed | None
    status: Proposed | None
    reports: list[ProposedReport]
    mentions: list[Evidence]  # every sentence read as being about this contact, in order
    unresolved_dates: list[Proposed] = field(default_factory=list)
    match: Any = None  # matching.Match, set by match_candidates

    @property
    def date_precision(self) -> str | None:
        value = self.partial_date
        return value.precision if value else None

    @property
    def partial_date(self) -> PartialDate | None:
        from diplodash.extract.dates import parse_partial

        return parse_partial(self.date.value) if self.date else None

    @property
    def excerpt_evidence(self) -> Evidence | None:
        for proposed in (self.date, self.format, self.counterpart):
            if proposed and proposed.evidence:
                return proposed.evidence[0]
        return self.mentions[0] if self.mentions else None

    def missing(self) -> list[str]:
        """What the table requires that this candidate lacks (it cannot be accepted as a new contact)."""
        missing = []
        if not self.counterpart:
            missing.append("counterpart")
        if not self.date:
            missing.append("date")
        return missing

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "file": self.file,
            "leader": self.leader,
            "counterpart": self.counterpart.to_dict() if self.counterpart else None,
            "envoys": [e.to_dict() for e in self.envoys],
            "date": self.date.to_dict() if self.date else None,
            "date_precision": self.date_precision,
            "unresolved_dates": [d.to_dict() for d in self.unresolved_dates],
            "format": self.format.to_dict() if self.format else None,
            "status": self.status.to_dict() if self.status else None,
            "reports": [r.to_dict() for r in self.reports],
            "mentions": [m.to_dict() for m in self.mentions],
            "match": self.match.to_dict() if self.match is not None else None,
            "missing": self.missing(),
        }


@dataclass
class TotalCandidate:
    """A reported total ("the eighth phone conversation this year"): a claims.csv row."""

    id: str
    file: str
    count: int
    ordinal: bool
    counterpart: str | None
    formats: tuple[str, ...]
    side: str
    speaker: str
    start: str | None
    end: str | None
    evidence: Evidence
    note: str = ""

    def missing(self) -> list[str]:
        return [name for name, value in (("counterpart", self.counterpart), ("start", self.start), ("end", self.end)) if not value]

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["formats"] = list(self.formats)
        data["missing"] = self.missing()
        return data


@dataclass
class Extraction:
    file: str
    published: PartialDate | None
    published_from: str  # "--published", "html meta", "dateline", or "" (unknown)
    candidates: list[Candidate]
    totals: list[TotalCandidate]
    warnings: list[str] = field(default_factory=list)
    published_evidence: Evidence | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "published": str(self.published) if self.published else None,
            "published_from": self.published_from,
            "published_evidence": self.published_evidence.to_dict() if self.published_evidence else None,
            "candidates": [c.to_dict() for c in self.candidates],
            "totals": [t.to_dict() for t in self.totals],
            "warnings": self.warnings,
        }


# ---------------------------------------------------------------------------------- assembling


@dataclass
class _Event:
    index: int
    sentences: list[Clues] = field(default_factory=list)
    anchor: Clues | None = None
    counterpart: str | None = None
    counterpart_cue: Any = None
    counterpart_note: str = ""
    date: PartialDate | None = None
    date_cues: list[tuple[Clues, Any, str]] = field(default_factory=list)  # (clues, cue, note)
    continuation: set[int] = field(default_factory=set)  # sentence indices read as continuation only
    last_paragraph: int = -1

    def explicit_format(self) -> str | None:
        for clues in self.sentences:
            for cue in clues.real_contacts:
                if cue.explicit and cue.format:
                    return cue.format
        return None


class Assembler:
    def __init__(self, rules: Rules, article: Article, published: PartialDate | None, periods=()):
        self.rules = rules
        self.article = article
        self.text = article.text
        self.published = published
        self.periods = periods
        self.events: list[_Event] = []
        self.current: _Event | None = None
        self.recent_counterparts: list[tuple[int, str]] = []
        self.attributions: list[tuple[int, Attribution]] = []
        self.clues: list[Clues] = []
        self.where: dict[int, _Event] = {}  # sentence index -> event

    # -- helpers

    def evidence(self, sentence: Sentence, start: int | None = None, end: int | None = None) -> Evidence:
        a = self.article
        s_start, s_end = a.file_span(sentence.start, sentence.end)
        start = sentence.start if start is None else start
        end = sentence.end if end is None else end
        c_start, c_end = a.file_span(start, end)
        return Evidence(a.path, s_start, s_end, sentence.text, c_start, c_end, self.text[start:end])

    def named_counterparts(self, clues: Clues, near: int | None = None) -> list[tuple[str, Any]]:
        """Counterparts named in the sentence (envoys stand for their principal), nearest to ``near`` first."""
        found = []
        for m in clues.mentions:
            if m.kind == "person" and m.person.role in ("counterpart", "envoy"):
                found.append((self.rules.roster.principal(m.person), m))
        if near is not None:
            found.sort(key=lambda item: abs(item[1].start - near))
        return found

    def context_counterpart(self, index: int) -> str | None:
        for where, name in reversed(self.recent_counterparts):
            if index - where <= 5:
                return name
            break
        if self.recent_counterparts:
            return Counter(name for _, name in self.recent_counterparts).most_common(1)[0][0]
        return self.period_counterpart()

    def period_counterpart(self) -> str | None:
        if not self.published:
            return None
        day = self.published.first()
        for period in self.periods:
            if period.counterpart != "*" and period.start <= day and (period.end is None or day < period.end):
                return period.counterpart
        return None

    # -- main loop

    def run(self) -> list[_Event]:
        quotes = quote_spans(self.text)
        previous: Clues | None = None
        previous_event: _Event | None = None
        for sentence in self.article.sentences:
            clues = self.rules.analyze(self.text, sentence, quotes, self.published)
            self._inherit_attribution(clues, previous)
            self.clues.append(clues)
            target = None
            chained = None
            if clues.real_contacts:
                target = self._place(clues, previous)
            elif (
                self.current is not None
                and previous_event is self.current
                and previous is not None
                and sentence.paragraph - previous.sentence.paragraph <= 1
            ):
                # A sentence without a contact word continues the contact of the sentence before
                # it (same or next paragraph: wire copy gives each sentence its own line); it is kept
                # only when it says something (an account, a status). Unquoted tone counts only when
                # the sentence points back at the contact ("it was constructive") or a side speaks.
                chained = self.current
                if _has_account(clues, quoted_only=not _refers_back(clues)) or clues.statuses:
                    target = chained
                    target.continuation.add(sentence.index)
            if target is not None:
                target.sentences.append(clues)
                target.last_paragraph = sentence.paragraph
                self.where[sentence.index] = target
                self.current = target
            for name, _ in self.named_counterparts(clues):
                self.recent_counterparts.append((sentence.index, name))
            if clues.attribution and not clues.attribution.inherited:
                self.attributions.append((sentence.index, clues.attribution))
            previous, previous_event = clues, target or chained
        return self.events

    def _inherit_attribution(self, clues: Clues, previous: Clues | None) -> None:
        if clues.attribution is not None:
            return
        if clues.possessive:
            # "her office said" / "the office said" with no one named in the sentence: the person named in
            # the sentences before (his/her), or the last office that spoke (the)
            if clues.possessive == "the":
                if self.attributions and clues.sentence.index - self.attributions[-1][0] <= 3:
                    clues.attribution = dataclasses.replace(self.attributions[-1][1], inherited=True)
                return
            for earlier in reversed(self.clues[-3:]):
                if earlier is clues:
                    continue
                found = self.rules.resolve_pronoun(clues.possessive, earlier.mentions)
                if found:
                    side, speaker = found
                    clues.attribution = Attribution(clues.sentence.start, clues.sentence.start, "", side, speaker, inherited=True)
                    return
            return
        if clues.pronoun_speaker and previous and previous.attribution and 0 <= clues.sentence.paragraph - previous.sentence.paragraph <= 1:
            clues.attribution = dataclasses.replace(previous.attribution, inherited=True)
        elif clues.starts_quoted and self.attributions and clues.sentence.index - self.attributions[-1][0] <= 3:
            clues.attribution = dataclasses.replace(self.attributions[-1][1], inherited=True)

    def _can_open(self, clues: Clues, previous: Clues | None, dated: bool = False) -> bool:
        """A new contact needs the leader's side and a counterpart in the sentence; a dated mention
        ("the Kremlin said of a May 2017 call") may take its counterpart from the sentences before."""
        leader = clues.leader_ref
        if not leader and previous is not None and previous.sentence.paragraph == clues.sentence.paragraph:
            starts_with_he = self.text[clues.sentence.start : clues.sentence.start + 3].lower() in ("he ", "он ")
            leader = starts_with_he and previous.leader_ref
        has_counterpart = bool(self.named_counterparts(clues)) or clues.pair_ref or any(
            m.kind == "title" and m.side == "counterpart" for m in clues.mentions
        )
        if not has_counterpart and dated:
            has_counterpart = self.context_counterpart(clues.sentence.index) is not None
        return leader and has_counterpart

    def _place(self, clues: Clues, previous: Clues | None) -> _Event | None:
        real = clues.real_contacts
        # The mention that ties the sentence to a contact: a definite one ("their meeting") if any.
        first = next((c for c in real if c.definite), real[0])
        named = self.named_counterparts(clues, first.start)
        counterpart = named[0][0] if named else None
        explicit = {first.format} if first.explicit and first.format else set()
        definite = any(c.definite for c in real)
        report_dates = [d.mention.value for d in clues.dates if d.role == "report" and d.mention.value]

        def fits(event: _Event) -> bool:
            if counterpart and event.counterpart and event.counterpart != counterpart:
                return False
            mine = event.explicit_format()
            if mine and explicit and not ({mine} & explicit or ({mine, *explicit} <= {"in_person", "envoy_meeting"})):
                return False
            return True

        def consistent(event: _Event) -> bool:
            if event.date is None:
                return True
            for report in report_dates:
                if report.last() < event.date.first():
                    return False
                if (report.first() - event.date.last()).days > REPORT_WINDOW_DAYS:
                    return False
            return True

        dated = [d for d in clues.dates if d.role == "contact" and d.mention.value]
        if dated:
            date = min(dated, key=lambda d: min(abs(d.start - c.start) for c in real))
            near = min(real, key=lambda c: abs(c.start - date.start))
            value = date.mention.value
            for event in reversed(self.events):
                if event.date is None or not fits(event):
                    continue
                same = event.date == value
                close = compatible(event.date, value) and not near.indefinite
                if same or close:
                    self._set_date(event, value, clues, date)
                    self._set_counterpart(event, counterpart, named)
                    return event
            if definite:
                for event in self._preference():
                    if event.date is None and fits(event) and (counterpart is None or event.counterpart in (None, counterpart)):
                        self._set_date(event, value, clues, date)
                        self._set_counterpart(event, counterpart, named)
                        return event
            elif not near.indefinite:
                # "Biden and Putin spoke Tuesday morning" right after the headline: it dates the contact just met
                event = self.current
                if (
                    event is not None
                    and event.date is None
                    and clues.sentence.paragraph - event.last_paragraph <= 1
                    and fits(event)
                    and (counterpart is None or event.counterpart in (None, counterpart))
                ):
                    self._set_date(event, value, clues, date)
                    self._set_counterpart(event, counterpart, named)
                    return event
            if self._can_open(clues, previous, dated=True):
                event = self._open(clues, counterpart, named)
                self._set_date(event, value, clues, date)
                return event
            return None

        # the same or the next paragraph (wire copy gives each sentence its own line)
        same_paragraph = self.current is not None and 0 <= clues.sentence.paragraph - self.current.last_paragraph <= 1
        if same_paragraph and fits(self.current) and consistent(self.current):
            self._set_counterpart(self.current, counterpart, named)
            return self.current
        if counterpart or definite or clues.pair_ref:
            for event in self._preference():
                if fits(event) and consistent(event) and (counterpart is None or event.counterpart in (None, counterpart)):
                    self._set_counterpart(event, counterpart, named)
                    return event
        if self._can_open(clues, previous):
            event = self._open(clues, counterpart, named)
            self._inherit_date(event, clues, previous)
            return event
        return None

    def _preference(self) -> list[_Event]:
        """The main contact first, then the others from the latest back."""
        if not self.events:
            return []
        return [self.events[0]] + [e for e in reversed(self.events) if e is not self.events[0]]

    def _open(self, clues: Clues, counterpart: str | None, named) -> _Event:
        event = _Event(len(self.events), anchor=clues)
        self.events.append(event)
        if counterpart:
            event.counterpart, event.counterpart_cue = counterpart, named[0][1]
        else:
            titled = [m for m in clues.mentions if m.kind in ("title", "pair") and m.side in ("counterpart", None)]
            event.counterpart = self.context_counterpart(clues.sentence.index)
            event.counterpart_cue = titled[0] if titled else None
            event.counterpart_note = "not named in the sentence: taken from the sentences before it" if event.counterpart else ""
        return event

    def _set_counterpart(self, event: _Event, counterpart: str | None, named) -> None:
        if counterpart and event.counterpart is None:
            event.counterpart, event.counterpart_cue = counterpart, named[0][1]

    def _set_date(self, event: _Event, value: PartialDate, clues: Clues, cue: DateCue, note: str = "") -> None:
        order = ("year", "month", "day")
        if event.date is None or order.index(value.precision) > order.index(event.date.precision):
            event.date = value
            event.date_cues.insert(0, (clues, cue, note or cue.mention.note))
        else:
            event.date_cues.append((clues, cue, note or cue.mention.note))

    def _inherit_date(self, event: _Event, clues: Clues, previous: Clues | None) -> None:
        if previous is None or previous.sentence.paragraph != clues.sentence.paragraph:
            return
        dates = [d for d in previous.dates if d.mention.value and d.role != "scope"]
        if dates:
            cue = dates[-1]
            self._set_date(event, cue.mention.value, previous, cue, f"inherited from the sentence before; {cue.mention.note}".rstrip("; "))


# ---------------------------------------------------------------------------------- building


def build_extraction(rules: Rules, article: Article, published: PartialDate | None, published_from: str, periods=(), stem: str | None = None) -> Extraction:
    assembler = Assembler(rules, article, published, periods)
    events = assembler.run()
    stem = stem or _stem(article.path)
    candidates = [_candidate(assembler, event, f"{stem}#{n}") for n, event in enumerate(events, start=1)]
    totals = _totals(assembler, stem)
    return Extraction(article.path, published, published_from, candidates, totals, list(article.warnings))


def _stem(path: str) -> str:
    from pathlib import Path

    return Path(path).stem.split("_")[0] if "_" in Path(path).stem else Path(path).stem


def _candidate(a: Assembler, event: _Event, cid: str) -> Candidate:
    rules = a.rules
    leader = rules.settings.leader.name
    mentions = [a.evidence(c.sentence) for c in event.sentences]

    counterpart = None
    if event.counterpart:
        cue = event.counterpart_cue
        ev = a.evidence(event.anchor.sentence, cue.start, cue.end) if cue is not None else a.evidence(event.anchor.sentence)
        counterpart = Proposed(event.counterpart, (ev,), event.counterpart_note)

    envoys: dict[str, Proposed] = {}
    for clues in event.sentences:
        if clues.sentence.index in event.continuation:
            continue
        for m in clues.people("envoy"):
            if m.person.of == event.counterpart and m.person.name not in envoys:
                envoys[m.person.name] = Proposed(m.person.name, (a.evidence(clues.sentence, m.start, m.end),))

    date = None
    unresolved: list[Proposed] = []
    if event.date is not None:
        clues, cue, note = event.date_cues[0]
        others = [a.evidence(c.sentence, d.start, d.end) for c, d, _ in event.date_cues[1:]]
        date = Proposed(str(event.date), (a.evidence(clues.sentence, cue.start, cue.end), *others), note)
    for clues in event.sentences:
        for d in clues.dates:
            if d.role == "contact" and d.mention.value is None:
                unresolved.append(Proposed(d.text, (a.evidence(clues.sentence, d.start, d.end),), d.mention.note))

    fmt = _format(a, event, envoys)
    status = _status(a, event)
    reports = _reports(a, event)
    return Candidate(cid, a.article.path, leader, counterpart, list(envoys.values()), date, fmt, status, reports, mentions, unresolved)


def _format(a: Assembler, event: _Event, envoys: dict) -> Proposed | None:
    anchor = event.anchor
    ordered = [anchor] + [c for c in event.sentences if c is not anchor and c.sentence.index not in event.continuation]
    choice: tuple[Clues, ContactCue] | None = None
    for explicit in (True, False):
        for clues in ordered:
            for cue in clues.real_contacts:
                if cue.format and cue.explicit == explicit:
                    choice = (clues, cue)
                    break
            if choice:
                break
        if choice:
            break
    if choice is None:
        return None
    clues, cue = choice
    if cue.explicit and cue.format == "in_person":
        # "met at a summit": a summit is the more precise word for the same in-person meeting
        summit = next((c for c in clues.real_contacts if c.explicit and c.format == "summit"), None)
        cue = summit or cue
    value, note = cue.format, ("named by the wording" if cue.explicit else "suggested by a generic contact word")
    if envoys and value not in CALL_FAMILY and value != "summit":
        value, note = "envoy_meeting", "a meeting with the counterpart's envoy"
    return Proposed(value, (a.evidence(clues.sentence, cue.start, cue.end),), note)


def _status(a: Assembler, event: _Event) -> Proposed | None:
    found: dict[str, list] = {s: [] for s in STATUS_ORDER}
    for clues in event.sentences:
        for cue in clues.statuses:
            found[cue.status].append(a.evidence(clues.sentence, cue.start, cue.end))
        attribution = clues.attribution
        if attribution and attribution.side in ("leader", "counterpart") and (clues.real_contacts or _has_account(clues)):
            if attribution.inherited:
                found["confirmed"].append(a.evidence(clues.sentence))
            else:
                found["confirmed"].append(a.evidence(clues.sentence, attribution.start, attribution.end))
    for status in STATUS_ORDER:
        if found[status]:
            note = {
                "denied": "a side denied it",
                "one_side": "one side reported it, the other would not confirm",
                "confirmed": "an account from one of the two sides (a readout or a statement)",
                "unconfirmed": "press report only",
            }[status]
            return Proposed(status, tuple(found[status]), note)
    return None


def _refers_back(clues: Clues) -> bool:
    """A sentence without a contact word that still speaks of the contact met before it: it points
    back at it ("it", "the exchange": ``cues.anaphora``) or one of the two sides gives it."""
    attribution = clues.attribution
    return clues.anaphoric or clues.pair_ref or bool(attribution and attribution.side in ("leader", "counterpart"))


def _has_account(clues: Clues, quoted_only: bool = False) -> bool:
    tones = [t for t in clues.tones if not t.generic and (t.quoted or not quoted_only)]
    return bool(clues.durations or clues.initiators or tones)


def _reports(a: Assembler, event: _Event) -> list[ProposedReport]:
    reports: list[ProposedReport] = []

    def report_for(side: str, speaker: str, clues: Clues, kind: str) -> ProposedReport:
        for report in reports:
            if report.side == side and report.speaker == speaker:
                if kind == "duration" and report.duration_text:
                    continue
                if kind == "initiator" and report.initiator_claim:
                    continue
                return report
        report = ProposedReport(side, speaker, evidence=a.evidence(clues.sentence))
        reports.append(report)
        return report

    for clues in event.sentences:
        attribution = clues.attribution
        side = attribution.side if attribution else "press"
        speaker = attribution.speaker if attribution else ""
        for cue in clues.durations:
            report = report_for(side, speaker, clues, "duration")
            report.duration_text = Proposed(cue.duration.text, (a.evidence(clues.sentence, cue.start, cue.end),), _minutes_note(cue.duration))
        for cue in clues.initiators:
            existing = [r for r in reports if r.side == side and r.speaker == speaker and r.initiator_claim]
            if existing and existing[0].initiator_claim.value == cue.side:
                existing[0].initiator_claim = Proposed(cue.side, existing[0].initiator_claim.evidence + (a.evidence(clues.sentence, cue.start, cue.end),), existing[0].initiator_claim.note)
                continue
            report = report_for(side, speaker, clues, "initiator")
            report.initiator_claim = Proposed(cue.side, (a.evidence(clues.sentence, cue.start, cue.end),), f"“{cue.text}”")
        for cue in clues.tones:
            if cue.generic or (not clues.real_contacts and not cue.quoted and not _refers_back(clues)):
                continue
            report = report_for(side, speaker, clues, "tone")
            report.tone.append(Proposed(cue.text, (a.evidence(clues.sentence, cue.start, cue.end),), ", ".join(cue.labels)))
    return reports


def _minutes_note(duration) -> str:
    if duration.minutes is None:
        return "no figure"
    return f"{duration.minutes:g} minutes ({duration.qualifier})"


def _totals(a: Assembler, stem: str) -> list[TotalCandidate]:
    found: list[TotalCandidate] = []
    for clues in a.clues:
        for cue in clues.totals:
            named = a.named_counterparts(clues, cue.start)
            counterpart = named[0][0] if named else a.context_counterpart(clues.sentence.index)
            attribution = clues.attribution
            start, end, note = _scope(a, clues, cue)
            found.append(
                TotalCandidate(
                    f"{stem}#t{len(found) + 1}",
                    a.article.path,
                    cue.count,
                    cue.ordinal,
                    counterpart,
                    cue.formats,
                    attribution.side if attribution else "press",
                    attribution.speaker if attribution else "",
                    start,
                    end,
                    a.evidence(clues.sentence, cue.start, cue.end),
                    note,
                )
            )
    return found


def _scope(a: Assembler, clues: Clues, cue: TotalCue) -> tuple[str | None, str | None, str]:
    scope = cue.scope.lower()
    event = a.where.get(clues.sentence.index)
    if not scope:
        return None, None, "no date range in the text: give start and end by hand"
    import re

    year = re.search(r"\d{4}", scope)
    if year:
        y = int(year.group(0))
        return f"{y}-01-01", f"{y}-12-31", f"“{cue.scope}”"
    if "this year" in scope or "of the year" in scope or "so far" in scope:
        anchor = event.date if event is not None and event.date is not None else a.published
        if anchor is None:
            return None, None, f"“{cue.scope}”: no date to count the year from"
        start = f"{anchor.year}-01-01"
        end = str(anchor) if anchor.precision == "day" else None
        note = f"“{cue.scope}” up to " + ("the contact's date" if event is not None and event.date is not None else "publication")
        if end is None:
            note += f" ({anchor}: not precise enough for an end date)"
        return start, end, note
    return None, None, f"“{cue.scope}”: give start and end by hand"
