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
        if given is None:
            extraction.warnings.append("no publication date (give --published): relative dates such as “on Thursday” stay unresolved")
        return extraction

    def extract_file(self, path: str | Path, published: str | PartialDate | None = None) -> Extraction:
        return self.extract_article(load_article(path, self.settings.end_markers, self.settings.max_article_bytes), published)

    def extract_text(self, text: str, published: str | PartialDate | None = None, path: str = "<text>", html: bool = False) -> Extraction:
        return self.extract_article(article_from_text(text, path, self.settings.end_markers, html=html), published)


def extract_file(path: str | Path, config, published: str | PartialDate | None = None) -> Extraction:
    return Extractor(config).extract_file(path, published)


def extract_text(text: str, config, published: str | PartialDate | None = None, html: bool = False) -> Extraction:
    return Extractor(config).extract_text(text, published, html=html)
