"""Article extraction: read news articles and propose contacts and reports for the table.

Headless (no Textual, Rich or plotext). The pieces:

* ``settings``   the ``[extract]`` config section, checked (roster, titles, speakers, cue lists);
* ``text``       plain text / HTML to paragraphs and sentences, with offsets back into the file;
* ``roster``     phrase matching for people, titles, speakers and cue lists;
* ``dates``      date expressions resolved against the publication date;
* ``cues``       the rules of diplomatic reporting, sentence by sentence;
* ``candidates`` sentences grouped into candidate contacts, each value with its evidence;
* ``matching``   candidates against the loaded table: a new report on an existing contact, or new;
* ``accept``     appending accepted candidates to the CSV files (backups, dry-run diff);
* ``inbox``      the small stateful API an app view uses (list, accept, reject, write);
* ``evaluate``   recall and precision per field against the curated table (seed articles).

Typical use::

    from diplodash.extract import extract_file
    extraction = extract_file("article.txt", config, published="2024-11-11")
"""

from __future__ import annotations

import re
from pathlib import Path

from diplodash.extract.candidates import Candidate, Evidence, Extraction, Proposed, ProposedReport, TotalCandidate, build_extraction
from diplodash.extract.cues import Rules
from diplodash.extract.dates import PartialDate, find_dateline, parse_published
from diplodash.extract.settings import ExtractSettings, load_settings
from diplodash.extract.text import Article, article_from_text, load_article

__all__ = [
    "Candidate",
    "Evidence",
    "Extraction",
    "Extractor",
    "Proposed",
    "ProposedReport",
    "TotalCandidate",
    "extract_file",
    "extract_text",
]


class Extractor:
    """Settings and compiled rules for one config; reuse it for many files."""

    def __init__(self, config, settings: ExtractSettings | None = None):
        from diplodash.metrics.tone_lexicon import ToneLexicon

        self.config = config
        self.settings = settings or load_settings(config)
        self.rules = Rules(self.settings, ToneLexicon(config.tone))
        self.periods = tuple(getattr(config, "periods", ()))

    def extract_article(self, article: Article, published: str | PartialDate | None = None) -> Extraction:
        given = parse_published(published) if isinstance(published, str) else published
        source = "--published" if given else ""
        evidence = None
        if given is None and article.published_meta:
            given = parse_published(article.published_meta)
            source = "html meta" if given else ""
        if given is None:
            found = find_dateline(article.text)
            if found:
                given, start, end = found
                source = "dateline"
        extraction = build_extraction(self.rules, article, given, source, self.periods)
        if source == "dateline":
            from diplodash.extract.candidates import Evidence as _Evidence

            sentence = next((s for s in article.sentences if s.start <= start < s.end), None)
            if sentence:
                s0, s1 = article.file_span(sentence.start, sentence.end)
                c0, c1 = article.file_span(start, end)
                evidence = _Evidence(article.path, s0, s1, sentence.text, c0, c1, article.text[start:end])
            extraction.published_evidence = evidence
        if not extraction.candidates:
            hint = roster_hint(self.rules, article)
            if hint:
                extraction.warnings.append(hint)
        if given is None:
            extraction.warnings.append("no publication date (give --published): relative dates such as “on Thursday” stay unresolved")
        return extraction

    def extract_file(self, path: str | Path, published: str | PartialDate | None = None) -> Extraction:
        return self.extract_article(load_article(path, self.settings.end_markers, self.settings.max_article_bytes), published)

    def extract_text(self, text: str, published: str | PartialDate | None = None, path: str = "<text>", html: bool = False) -> Extraction:
        return self.extract_article(article_from_text(text, path, self.settings.end_markers, html=html), published)


_NAME = re.compile(r"(?<![\w.])(?:[A-Z][\w’'\-]+)(?:\s+(?:[A-Z]\.\s+)?[A-Z][\w’'\-]+){1,4}")
_TITLE_WORDS = frozenset({"President", "Minister", "Chancellor", "King", "Queen", "Premier", "Emir", "Sultan", "Mr", "Ms", "Mrs", "Dr"})
_NOT_A_NAME_START = frozenset({"The", "On", "In", "At", "A", "An", "After", "Before", "When", "While", "Still", "Yet", "But", "And", "According", "Readout", "Analysis", "Prime", "President", "Mr", "Ms", "Mrs"})


def roster_hint(rules: Rules, article: Article) -> str:
    """Why an article gave no candidate when it speaks of contacts: the people it names are not in the
    roster. Returns a hint naming the config section and the names found (or "")."""
    text = article.text
    speaks_of_contacts = any(rules.contact_matcher.find(text, s.start, s.end) for s in article.sentences)
    if not speaks_of_contacts:
        return ""
    known = [m for s in article.sentences for m in rules.roster.mentions(text, s.start, s.end) if m.kind == "person"]
    names: list[str] = []
    for m in _NAME.finditer(text):
        words = m.group(0).split()
        titled = [i for i, w in enumerate(words) if w.rstrip(".") in _TITLE_WORDS]
        if titled:
            words = words[titled[-1] + 1 :]  # "Norvian President Marek Valden": the name after the title
        while words and words[0].rstrip(".") in _NOT_A_NAME_START:
            words = words[1:]
        words = words[:3]
        if len(words) < 2:
            continue
        name = " ".join(words)
        if any(k.start <= m.start() < k.end or m.start() <= k.start < m.end() for k in known):
            continue
        if name not in names:
            names.append(name)
    people = {m.person.role for m in known}
    if "leader" in people and people & {"counterpart", "envoy"}:
        return ""
    missing = "the leader" if "leader" not in people else "a counterpart"
    found = ", ".join(names[:8]) if names else "none that look like names"
    return (
        f"no candidate: the article speaks of contacts but names {missing} of the roster nowhere; "
        f"add the people to [[extract.roster]] (the [extract] section of the config). Names found: {found}"
    )


def extract_file(path: str | Path, config, published: str | PartialDate | None = None) -> Extraction:
    return Extractor(config).extract_file(path, published)


def extract_text(text: str, config, published: str | PartialDate | None = None, html: bool = False) -> Extraction:
    return Extractor(config).extract_text(text, published, html=html)
