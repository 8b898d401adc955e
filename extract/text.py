"""Reading an article: plain text or HTML (stripped with the stdlib html.parser), cut into
paragraphs and sentences, with a map from every text offset back to the character offset in the file.

Plain text is used as is, so text offsets are file offsets. HTML is reduced to its visible text
(block elements end a paragraph; script, style and head are dropped); each character of that text
remembers where it came from in the file, so evidence can point at the original markup.
"""

from __future__ import annotations

import bisect
import codecs
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from html import unescape
from pathlib import Path

__all__ = ["Article", "ArticleError", "Sentence", "load_article", "article_from_text", "split_sentences"]

MAX_BYTES = 1024 * 1024  # an article is text; the default limit ([extract] max_article_bytes in the config)


class ArticleError(ValueError):
    """The file cannot be read as an article (empty, binary, far too large)."""


@dataclass(frozen=True)
class Sentence:
    index: int
    paragraph: int
    start: int  # offsets in Article.text
    end: int
    text: str


@dataclass
class Article:
    path: str
    text: str  # the readable text (equal to the file for plain text)
    file_text: str  # the decoded file
    is_html: bool = False
    published_meta: str | None = None  # from <meta ... published_time> in HTML
    warnings: list[str] = field(default_factory=list)
    cut_at: int | None = None  # text offset where an end marker stopped reading
    sentences: list[Sentence] = field(default_factory=list)
    # (text_start, file_start, text_length, file_length): pieces of the text and their place in the file
    _pieces: list[tuple[int, int, int, int]] = field(default_factory=list)

    def file_offset(self, offset: int) -> int:
        """The file offset of text offset ``offset`` (start side for an entity or a synthetic break)."""
        if not self._pieces:
            return offset
        starts = [p[0] for p in self._pieces]
        i = max(bisect.bisect_right(starts, offset) - 1, 0)
        text_start, file_start, text_len, file_len = self._pieces[i]
        delta = offset - text_start
        if text_len == file_len:
            return file_start + min(delta, file_len)
        return file_start if delta < text_len else file_start + file_len

    def file_span(self, start: int, end: int) -> tuple[int, int]:
        if not self._pieces:
            return start, end
        if end <= start:
            s = self.file_offset(start)
            return s, s
        return self.file_offset(start), self._file_end(end)

    def _file_end(self, end: int) -> int:
        starts = [p[0] for p in self._pieces]
        i = max(bisect.bisect_right(starts, end - 1) - 1, 0)
        text_start, file_start, text_len, file_len = self._pieces[i]
        delta = end - text_start
        if text_len == file_len:
            return file_start + min(delta, file_len)
        return file_start + file_len


def decode(raw: bytes) -> tuple[str, list[str]]:
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16"), []
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = len(raw[raw.rfind(b"\n", 0, exc.start) + 1 : exc.start].decode("utf-8", errors="replace")) + 1
        if _UTF8_MULTIBYTE.search(raw):
            # Otherwise UTF-8: never re-decode the whole file; only the stray bytes become U+FFFD.
            return raw.decode("utf-8", errors="replace"), [f"byte 0x{raw[exc.start]:02X} at line {line}, column {column} is not UTF-8 (shown as \ufffd; the rest is read as UTF-8)"]
        return raw.decode("cp1252", errors="replace"), [f"file is not UTF-8 (first at line {line}, column {column}): read as Windows-1252"]


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


_HTML_SNIFF = re.compile(r"^\s*(?:<!doctype\s+html|<html|<head|<body|<article|<p[\s>]|<div[\s>]|<meta)", re.I)


def looks_like_html(path: str, text: str) -> bool:
    return Path(path).suffix.lower() in (".html", ".htm", ".xhtml") or bool(_HTML_SNIFF.match(text[:2000]))


def load_article(path: str | Path, end_markers: tuple[str, ...] = (), limit: int = MAX_BYTES) -> Article:
    from diplodash.metrics.safefile import UnsafeFile, read_regular

    path = Path(path)
    try:
        # Only a regular file, opened without blocking (a FIFO never hangs), read up to the limit.
        raw = read_regular(path, limit, "article", "; raise [extract] max_article_bytes in the config to read it")
    except UnsafeFile as exc:
        raise ArticleError(exc.message.removeprefix(f"{path}: ")) from None
    if not raw.strip():
        raise ArticleError("the file is empty: nothing to read")
    text, warnings = decode(raw)
    if "\x00" in text:
        raise ArticleError("this looks like a binary file (it holds NUL bytes), not a text or HTML article")
    article = article_from_text(text, str(path), end_markers, html=looks_like_html(str(path), text))
    article.warnings[:0] = warnings
    return article


def article_from_text(text: str, path: str = "<text>", end_markers: tuple[str, ...] = (), html: bool = False) -> Article:
    if html:
        stripper = _Stripper(text)
        stripper.feed(text)
        stripper.close()
        readable, pieces = stripper.result()
        article = Article(path, readable, text, True, stripper.published, _pieces=pieces)
    else:
        article = Article(path, text, text)
    article.cut_at = _end_marker(article.text, end_markers)
    article.sentences = split_sentences(article.text, article.cut_at)
    return article


def _end_marker(text: str, markers: tuple[str, ...]) -> int | None:
    wanted = {m.strip().casefold() for m in markers}
    if not wanted:
        return None
    offset = 0
    for line in text.splitlines(keepends=True):
        if line.strip().casefold() in wanted and offset > 0:
            return offset
        offset += len(line)
    return None


# ----------------------------------------------------------------------------------- sentences

# Words whose final dot does not end a sentence.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st gen sen rep gov jr sr vs etc no jan feb mar apr jun jul aug sep sept oct nov dec "
    "u.s u.k e.g i.e lt col capt prof inc corp co ltd approx dept".split()
)
_BOUNDARY = re.compile(r"[.!?…]+[\"”’»)\]]*(?=\s)")


def split_sentences(text: str, stop: int | None = None) -> list[Sentence]:
    """Sentences within lines: a line is a paragraph, and a sentence never crosses a line end."""
    sentences: list[Sentence] = []
    limit = len(text) if stop is None else stop
    paragraph = -1
    offset = 0
    for line in text[:limit].splitlines(keepends=True):
        line_start = offset
        offset += len(line)
        body = line.rstrip("\r\n")
        if not body.strip():
            continue
        paragraph += 1
        start = 0
        for m in _BOUNDARY.finditer(body):
            end = m.end()
            if not _ends_sentence(body, m.start(), end):
                continue
            _add(sentences, text, line_start + start, line_start + end, paragraph)
            start = end
        _add(sentences, text, line_start + start, line_start + len(body), paragraph)
    return sentences


_LAST_WORD = re.compile(r"([\w.]+)$")


def _ends_sentence(line: str, dot: int, end: int) -> bool:
    if line[dot] != ".":
        return True
    word = _LAST_WORD.search(line, max(0, dot - 64), dot)  # a window: a long line is not rescanned per dot
    if word:
        token = word.group(1).lower()
        if token in _ABBREVIATIONS or token.rstrip(".") in _ABBREVIATIONS:
            return False
        if len(token) == 1 and line[dot - 1].isupper():  # initials: "Dmitri S. Peskov"
            return False
    rest = line[end:].lstrip()
    if rest and rest[0].islower():  # "approx. two hours", "the U.S. president"
        return False
    return True


def _add(sentences: list[Sentence], text: str, start: int, end: int, paragraph: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        sentences.append(Sentence(len(sentences), paragraph, start, end, text[start:end]))


# ---------------------------------------------------------------------------------------- HTML

_BLOCK = frozenset(
    "p div br h1 h2 h3 h4 h5 h6 li ul ol tr td th table section article header footer aside blockquote "
    "pre figure figcaption dt dd dl hr main nav title address".split()
)
_SKIP = frozenset("script style noscript template svg head iframe object".split())
_PUBLISHED_META = frozenset(
    "article:published_time og:published_time published_time pubdate publishdate date dc.date dc.date.issued "
    "datepublished sailthru.date parsely-pub-date".split()
)


class _Stripper(HTMLParser):
    def __init__(self, source: str):
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.parts: list[str] = []
        self.pieces: list[tuple[int, int, int, int]] = []
        self.length = 0
        self.skip = 0
        self.in_title = False
        self.published: str | None = None

    def _pos(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _emit(self, text: str, file_start: int, file_len: int) -> None:
        if not text:
            return
        self.pieces.append((self.length, file_start, len(text), file_len))
        self.parts.append(text)
        self.length += len(text)

    def _break(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self._emit("\n", self._pos(), 0)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
            if key in _PUBLISHED_META and attrs.get("content") and not self.published:
                self.published = attrs["content"].strip()
        if tag == "time" and not self.published and (attrs.get("itemprop") == "datePublished" or "pubdate" in attrs):
            self.published = (attrs.get("datetime") or "").strip() or None
        if tag == "title":
            self.in_title = True  # kept even inside <head>: it is the headline
        if tag in _SKIP and tag != "head":
            self.skip += 1
        elif tag in _BLOCK:
            self._break()

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in _SKIP and tag != "head":
            self.skip -= 1

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
            self._break()
        if tag in _SKIP and tag != "head":
            self.skip = max(self.skip - 1, 0)
        elif tag in _BLOCK:
            self._break()

    def _visible(self) -> bool:
        return self.skip == 0 and (self.in_title or not self._in_head())

    def _in_head(self) -> bool:
        return False  # <head> content other than <title> is script/style/meta, skipped above

    def handle_data(self, data):
        if not self._visible():
            return
        # Newlines inside a block are spaces in HTML; replacing them keeps offsets one to one.
        self._emit(re.sub(r"[\r\n\t\f]", " ", data), self._pos(), len(data))

    def _entity(self, raw: str) -> None:
        if not self._visible():
            return
        self._emit(unescape(raw).replace("\xa0", " ") if unescape(raw) != raw else raw, self._pos(), len(raw))

    def handle_entityref(self, name):
        end = self.source.find(";", self._pos())
        raw = self.source[self._pos() : end + 1] if end != -1 and end - self._pos() < 40 else f"&{name}"
        self._entity(raw)

    def handle_charref(self, name):
        end = self.source.find(";", self._pos())
        raw = self.source[self._pos() : end + 1] if end != -1 and end - self._pos() < 40 else f"&#{name}"
        self._entity(raw)

    def result(self) -> tuple[str, list[tuple[int, int, int, int]]]:
        text = "".join(self.parts)
        return text, self.pieces
