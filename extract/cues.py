"""The rules of diplomatic reporting: what one sentence of an article says about a contact.

``Rules.analyze(text, sentence, ...)`` returns the clues of one sentence; assembling them into
candidate contacts across sentences is ``candidates.py``. The word lists come from the
``[extract]`` config section (``settings.py``); the rules that read them are all here:

contact mentions
    A format phrase ("phone call", "video link", "summit", "hosted") or a generic contact word
    ("call", "conversation", "spoke", "meeting"). "called" counts only with an object ("called
    Trump", "called him"). A mention is *plural* ("their calls") when it is in ``cues.plural``: it
    describes several contacts and opens none. It is *prospective* when a word of
    ``cues.prospective`` stands up to six words before it in the same clause ("expected to hold a
    phone call", "a potential summit", "no call"). It is *definite* after the/this/that/their/a
    possessive ("Thursday's call") and *indefinite* after a/an.
dates
    Each date in the sentence gets a role: ``scope`` inside a reported total ("this year"),
    ``report`` when a reporting verb is nearer to it than any contact mention ("Peskov stated on
    Friday"), ``contact`` otherwise, and ``context`` in a sentence without a contact mention.
attribution
    Who gives the account: a speaker ([extract.speakers]) or a roster person next to a reporting
    verb ("the Kremlin said", "said the senior administration official", "Peskov, Putin's
    spokesman, stated"), after "according to", or before a reporting noun ("the Kremlin's
    statement"). "He said" takes the previous sentence's speaker. No attribution: the press.
durations
    Every find_durations() mention that is tied to a contact: a contact word right after it
    ("50-minute call") or a duration verb right before it ("spoke for two hours and one minute").
    "a fifteen-minute warning" is not a contact duration.
initiator
    ``[extract.initiator] patterns`` with {who} resolved to a side: the leader's people, titles and
    speakers are ``leader``; counterparts, their envoys and speakers are ``counterpart``; "we" in a
    quotation is the quoted speaker's side. Sentences with a hedge ("my bet is") give none.
tone
    ToneLexicon.matches(), minus ``cues.tone_ignore`` phrases, joined into runs ("businesslike and
    constructive"). A run whose nearest contact word is plural or prospective ("their calls were
    friendly") is *generic* and is given to no contact.
status
    ``[extract.status]`` phrases; the strongest in a contact's sentences wins (denied, one_side,
    confirmed, unconfirmed), and an account attributed to either side also confirms.
totals
    "17 one-on-one calls" (a number before a plural contact word) and "the eighth phone
    conversation ... this year" (an ordinal, only with a scope from ``totals.scopes``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from diplodash.metrics.durations import Duration, find_durations
from diplodash.extract.dates import DateMention, PartialDate, find_dates
from diplodash.extract.roster import Mention, PhraseMatcher, Roster, phrase_pattern
from diplodash.extract.settings import STATUS_ORDER, ExtractSettings
from diplodash.extract.text import Sentence
from diplodash.metrics.schema import CALLS, MEETINGS, MULTI_PARTY
from diplodash.metrics.tone_lexicon import ToneLexicon

CALL_FAMILY = frozenset(CALLS + MULTI_PARTY)  # contacts at a distance
MEETING_FAMILY = frozenset(MEETINGS)
SPEAKER_WINDOW = 240  # characters either side of a mention searched for "according to", "said" and the like

_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
}
_CARDINALS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
}
_DEFINITE = frozenset({"the", "this", "that", "their", "his", "her", "its", "our", "these", "those", "latest", "этот", "тот"})
_INDEFINITE = frozenset({"a", "an", "one"})
_OBJECT_PRONOUNS = r"(?:him|her|me|them|us|back|to\s+(?:wish|congratulate|thank|offer|discuss))"
_QUOTE_PAIRS = {"\u201c": "\u201d", "\u00ab": "\u00bb", "\u201e": "\u201c"}
_PRONOUN_SPEAKER = r"(?i:\b(?:he|she|they|it|он|она|они)\b)"
_CONTACT_EXTRA_NOUNS = ("session", "sessions", "negotiations", "exchange", "discussion", "discussions", "bilat", "talk")


# ------------------------------------------------------------------------------------- clues


@dataclass(frozen=True)
class Cue:
    start: int  # offsets in the article text
    end: int
    text: str


@dataclass(frozen=True)
class ContactCue(Cue):
    format: str | None
    explicit: bool
    plural: bool = False
    prospective: bool = False
    definite: bool = False
    indefinite: bool = False

    @property
    def real(self) -> bool:
        return not self.plural and not self.prospective


@dataclass(frozen=True)
class Attribution(Cue):
    side: str  # leader, counterpart, press
    speaker: str
    inherited: bool = False


@dataclass(frozen=True)
class DateCue(Cue):
    mention: DateMention
    role: str  # contact, report, scope, context


@dataclass(frozen=True)
class DurationCue(Cue):
    duration: Duration


@dataclass(frozen=True)
class InitiatorCue(Cue):
    side: str  # leader or counterpart
    who: str


@dataclass(frozen=True)
class ToneCue(Cue):
    labels: tuple[str, ...]
    generic: bool
    quoted: bool


@dataclass(frozen=True)
class StatusCue(Cue):
    status: str


@dataclass(frozen=True)
class TotalCue(Cue):
    count: int
    ordinal: bool
    formats: tuple[str, ...]
    scope: str  # the scope words ("this year"), or ""


@dataclass
class Clues:
    sentence: Sentence
    mentions: list[Mention] = field(default_factory=list)
    contacts: list[ContactCue] = field(default_factory=list)
    attribution: Attribution | None = None
    pronoun_speaker: bool = False
    possessive: str = ""  # "his office said" with no person here to stand for: the pronoun, resolved by the reader
    dates: list[DateCue] = field(default_factory=list)
    durations: list[DurationCue] = field(default_factory=list)
    initiators: list[InitiatorCue] = field(default_factory=list)
    tones: list[ToneCue] = field(default_factory=list)
    statuses: list[StatusCue] = field(default_factory=list)
    totals: list[TotalCue] = field(default_factory=list)
    hedged: bool = False
    anaphoric: bool = False  # the sentence points back at a contact ("it", "the exchange")
    quoted: bool = False  # some of the sentence is inside a quotation
    starts_quoted: bool = False  # the sentence opens inside (or with) a quotation

    @property
    def real_contacts(self) -> list[ContactCue]:
        return [c for c in self.contacts if c.real]

    def people(self, *roles: str) -> list[Mention]:
        return [m for m in self.mentions if m.kind == "person" and m.person.role in roles]

    @property
    def leader_ref(self) -> bool:
        return any(
            (m.kind == "person" and m.person.role == "leader") or (m.kind in ("title", "speaker") and m.side == "leader") or m.kind == "pair"
            for m in self.mentions
        )

    @property
    def pair_ref(self) -> bool:
        return any(m.kind == "pair" for m in self.mentions)


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Quotations in the text (curly, guillemets, and straight quotes paired within a line)."""
    spans: list[tuple[int, int]] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in _QUOTE_PAIRS:
            close = text.find(_QUOTE_PAIRS[ch], i + 1)
            stop = text.find("\n\n", i + 1)
            if close != -1 and (stop == -1 or close < stop):
                spans.append((i, close + 1))
                i = close + 1
                continue
        elif ch == '"':
            line_end = text.find("\n", i + 1)
            line_end = n if line_end == -1 else line_end
            close = text.find('"', i + 1, line_end)
            if close != -1:
                spans.append((i, close + 1))
                i = close + 1
                continue
        i += 1
    return spans


def _gap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, a_start - b_end, b_start - a_end)


def _clause_break(between: str) -> bool:
    return bool(re.search(r"[;:—–(]|,\s", between))


def _words_before(text: str, start: int, floor: int, count: int) -> list[str]:
    """Up to ``count`` words before ``start`` in the same clause (stops at , ; : ( — and quotes)."""
    window = text[max(floor, start - 80) : start]
    cut = max(window.rfind(ch) for ch in ",;:(\u2014\u2013\u201c\u201d\"")
    if cut != -1:
        window = window[cut + 1 :]
    return re.findall(r"[\w'’\-]+", window)[-count:]


# -------------------------------------------------------------------------------------- rules


class Rules:
    def __init__(self, settings: ExtractSettings, lexicon: ToneLexicon):
        self.settings = settings
        self.lexicon = lexicon
        self.roster = Roster(settings)
        cues = settings.cues
        contact_phrases: list[tuple[str, tuple]] = []
        for fmt, phrases in settings.formats.items():
            contact_phrases += [(p, (fmt, True, False)) for p in phrases]
        for fmt, phrases in settings.contact_words.items():
            contact_phrases += [(p, (None if fmt == "none" else fmt, False, False)) for p in phrases]
        contact_phrases += [(p, (None, False, True)) for p in cues["plural"]]
        self.contact_matcher = PhraseMatcher(contact_phrases)
        self.prospective = PhraseMatcher((p, True) for p in cues["prospective"])
        self.hedges = PhraseMatcher((p, True) for p in cues["hedges"])
        self.anaphora = PhraseMatcher((p, True) for p in cues["anaphora"])
        self.tone_ignore = PhraseMatcher((p, True) for p in cues["tone_ignore"])
        self.status = PhraseMatcher((p, status) for status in STATUS_ORDER for p in settings.status[status])
        self.we = PhraseMatcher((p, True) for p in settings.initiator["we"])
        topics = "|".join(phrase_pattern(p) for p in sorted(cues["topic_markers"], key=len, reverse=True)) or "(?!x)x"
        self.topic_before = re.compile(rf"(?<!\w)(?:{topics})\s+[\"“«']?(?:[\w\-]+\s+)?$")

        verbs = "|".join(phrase_pattern(v) for v in sorted(settings.reporting_verbs, key=len, reverse=True)) or "(?!x)x"
        nouns = "|".join(phrase_pattern(v) for v in sorted(settings.reporting_nouns, key=len, reverse=True)) or "(?!x)x"
        self.verb_re = re.compile(rf"(?<!\w)(?:{verbs})(?!\w)")
        adverbs = r"(?:(?:also|later|then|again|has|had|have|was|were|is|flatly|officially|openly|personally|already|repeatedly|\w+ly)\s+){0,3}"
        # "the Kremlin called the conversation businesslike": a describing verb with the contact as its object
        objects = "|".join(sorted(self._contact_object_nouns(settings), key=len, reverse=True))
        describing = "|".join(phrase_pattern(v) for v in sorted(cues["describing"], key=len, reverse=True)) or "(?!x)x"
        self.describing_object = rf"\s+(?i:it\b|(?:the|this|that|their|its)\s+(?:[\w\-]+\s+)?(?:{objects})(?!\w))"
        self.describing_after = re.compile(self.describing_object)
        describe = rf"(?:{describing})(?={self.describing_object})"
        speaker_nouns = "|".join(phrase_pattern(v) for v in sorted(cues["speaker_nouns"], key=len, reverse=True)) or "(?!x)x"
        self.after_speaker = re.compile(
            rf"^(?:['’]s\s+(?:[\w\-]+\s+)?(?:{nouns})(?!\w)|(?:\s+(?:{speaker_nouns}))?(?:\s*,[^,“”\"]{{1,80}},)?\s+{adverbs}(?:{verbs}|{describe})(?!\w))"
        )
        self.before_speaker = re.compile(rf"(?:(?i:according\s+to)\s+(?:[\w\-]+\s+){{0,2}}|(?:{verbs})(?:\s+by)?\s+(?:(?i:the|a|an)\s+)?)$")
        self.possessive_speaker = re.compile(
            rf"(?<!\w)(?P<pronoun>(?i:his|her|their|the))\s+(?P<noun>{speaker_nouns})(?:\s*,[^,“”\"]{{1,80}},)?\s+{adverbs}(?:{verbs}|{describe})(?!\w)"
            rf"|(?:{verbs})\s+(?P<pronoun2>(?i:his|her|their|the))\s+(?P<noun2>{speaker_nouns})(?!\w)"
        )
        self.pronoun_verb = re.compile(rf"{_PRONOUN_SPEAKER}\s+{adverbs}(?:{verbs}|{describe})(?!\w)")

        from diplodash.extract.roster import role_phrases

        who_phrases = [a for p in settings.roster for a in p.aliases] + [r for p in settings.roster for r in role_phrases(p)]
        who_phrases += list(settings.titles["leader"]) + list(settings.titles["counterpart"])
        who_phrases += list(settings.speakers["leader"]) + list(settings.speakers["counterpart"])
        who_phrases += list(settings.initiator["we"])
        who = "|".join(re.escape(p).replace(r"\ ", r"\s+").replace("'", "['’]") for p in sorted(set(who_phrases), key=len, reverse=True))
        self.initiator_patterns: list[tuple[re.Pattern, bool]] = []
        for pattern in settings.initiator["patterns"]:
            has_who = "{who}" in pattern
            body = pattern.replace("'", "['’]") if "['’]" not in pattern else pattern
            body = body.replace("{who}", f"(?P<who>{who})")
            self.initiator_patterns.append((re.compile(rf"(?<!\w){body}", re.IGNORECASE), has_who))

        contact_nouns = {w.lower() for fmt in settings.contact_words.values() for w in fmt if " " not in w}
        contact_nouns |= {w.lower() for w in cues["plural"] if " " not in w}
        contact_nouns |= {"phone", "telephone", "video", "summit", *_CONTACT_EXTRA_NOUNS}
        self.contact_nouns = frozenset(contact_nouns)
        self.duration_before = re.compile(
            rf"(?:(?:{'|'.join(phrase_pattern(v) for v in sorted(cues['duration_verbs'], key=len, reverse=True)) or '(?!x)x'})"
            rf"(?:\s+(?i:for|about|over|nearly|almost|just|some))?|(?i:{'|'.join(sorted(self.contact_nouns, key=len, reverse=True))})\s+(?i:of|lasting|for))\s*$"
        )
        mods = "|".join(phrase_pattern(m) for m in sorted(settings.totals["modifiers"], key=len, reverse=True)) or "(?!x)x"
        plural = "|".join(phrase_pattern(p) for p in sorted(set(cues["plural"]) | {"talks"}, key=len, reverse=True))
        singular = r"(?i:call|conversation|meeting|summit|talks|contact|phone\s+call|telephone\s+conversation|phone\s+conversation)"
        numbers = "|".join(sorted(_CARDINALS, key=len, reverse=True))
        ordinals = "|".join(sorted(_ORDINALS, key=len, reverse=True))
        scopes = "|".join(f"(?:{s})" for s in settings.totals["scopes"]) or "(?!x)x"
        self.cardinal_re = re.compile(rf"(?<![\w.,])(?P<n>\d{{1,3}}|(?i:{numbers}))\s+(?P<mods>(?:(?:{mods})\s+){{0,3}})(?P<noun>{plural})(?!\w)")
        self.ordinal_re = re.compile(
            rf"(?<!\w)(?P<n>(?i:{ordinals})|\d{{1,3}}(?:st|nd|rd|th))\s+(?P<mods>(?:(?:{mods})\s+){{0,3}})(?P<noun>{singular})(?!\w)(?P<tail>[^;!?]{{0,80}}?)(?P<scope>(?i:{scopes}))"
        )

    @staticmethod
    def _contact_object_nouns(settings: ExtractSettings) -> set[str]:
        words = {w.lower() for fmt in settings.contact_words.values() for w in fmt if " " not in w}
        words |= {w.lower() for w in settings.cues["plural"] if " " not in w}
        words |= {w.lower() for w in settings.cues["anaphora"] if " " in w and w.lower().startswith("the ")} and {
            w.lower().split(" ", 1)[1] for w in settings.cues["anaphora"] if w.lower().startswith("the ")
        }
        return {re.escape(w) for w in words | {"summit", "exchange", "video call", "phone call", *_CONTACT_EXTRA_NOUNS}}

    # ---------------------------------------------------------------------------- analysis

    def analyze(self, text: str, sentence: Sentence, quotes: list[tuple[int, int]], published: PartialDate | None) -> Clues:
        s, e = sentence.start, sentence.end
        clues = Clues(sentence)
        clues.mentions = self.roster.mentions(text, s, e)
        in_quotes = [q for q in quotes if q[0] < e and q[1] > s]
        clues.quoted = bool(in_quotes)
        clues.starts_quoted = any(a <= s < b for a, b in in_quotes)

        def quoted(pos: int) -> bool:
            return any(a <= pos < b for a, b in in_quotes)

        clues.contacts = self._contacts(text, sentence, clues.mentions)
        clues.hedged = bool(self.hedges.find(text, s, e))
        clues.anaphoric = bool(self.anaphora.find(text, s, e))
        clues.attribution = self._attribution(text, sentence, clues.mentions, quoted)
        if clues.attribution is None:
            clues.attribution, clues.possessive = self._possessive(text, sentence, clues.mentions, quoted)
        if clues.attribution is None and self.pronoun_verb.search(text, s, e):
            m = self.pronoun_verb.search(text, s, e)
            clues.pronoun_speaker = not quoted(m.start())
        clues.totals = self._totals(text, sentence, clues.mentions)
        clues.dates = self._dates(text, sentence, clues, published)
        clues.durations = self._durations(text, sentence, clues.real_contacts)
        clues.initiators = self._initiators(text, sentence, clues, quoted)
        clues.tones = self._tones(text, sentence, clues, quoted)
        clues.statuses = [StatusCue(h.start, h.end, h.text, h.payload) for h in self.status.find(text, s, e)]
        return clues

    def _contacts(self, text: str, sentence: Sentence, mentions: list[Mention]) -> list[ContactCue]:
        s, e = sentence.start, sentence.end
        found: list[ContactCue] = []
        for hit in self.contact_matcher.find(text, s, e):
            fmt, explicit, plural = hit.payload
            before = _words_before(text, hit.start, s, 1)
            word = hit.text.lower()
            # "to call", "will call": a verb, not a contact that took place
            if word in ("call", "talk", "phone", "meet") and before and before[-1].lower() in ("to", "will", "would", "could", "should", "can", "must"):
                continue
            found.append(self._describe(text, sentence, hit.start, hit.end, hit.text, fmt, explicit, plural))
        # "called Trump", "called him", "called to wish": a phone contact; bare "called" is not ("what is called").
        object_re = self._object_re()
        for m in re.finditer(r"(?<!\w)(?i:called|calling|rang)(?!\w)", text[s:e]):
            start, end = s + m.start(), s + m.end()
            if any(c.start <= start < c.end for c in found):
                continue
            if object_re.match(text, end, e):
                found.append(self._describe(text, sentence, start, end, text[start:end], "phone", False, False))
        found.sort(key=lambda c: c.start)
        return found

    def _object_re(self) -> re.Pattern:
        # Built once: rebuilding the roster alternation for every sentence cost more than reading the text.
        if getattr(self, "_object_pattern", None) is None:
            self._object_pattern = re.compile(rf"\s+(?:(?:the|his|her|their)\s+)?(?:{_OBJECT_PRONOUNS}\b|{self.roster.people.alternation()}|{self.roster.titles.alternation()})")
        return self._object_pattern

    def _describe(self, text, sentence, start, end, raw, fmt, explicit, plural) -> ContactCue:
        words = _words_before(text, start, sentence.start, 6)
        window = " ".join(words)
        prospective = bool(self.prospective.find(window))
        definite = indefinite = False
        for word in reversed(words[-3:]):
            lower = word.lower()
            if lower in _DEFINITE or lower.endswith(("'s", "’s")):
                definite = True
                break
            if lower in _INDEFINITE:
                indefinite = True
                break
        return ContactCue(start, end, raw, fmt, explicit, plural, prospective, definite, indefinite)

    def _attribution(self, text: str, sentence: Sentence, mentions: list[Mention], quoted) -> Attribution | None:
        s, e = sentence.start, sentence.end
        for m in mentions:
            if m.kind == "pair" or quoted(m.start):
                continue
            # Bounded windows: the cues sit right next to the mention, and scanning the whole sentence
            # for every mention made a name repeated n times cost n^2.
            after = self.after_speaker.match(text[m.end : min(e, m.end + SPEAKER_WINDOW)])
            before = self.before_speaker.search(text[max(s, m.start - SPEAKER_WINDOW // 2) : m.start])
            if after or before:
                if m.kind == "person":
                    side, speaker = self.roster.side_of(m.person), m.person.name
                else:
                    side, speaker = m.side, re.sub(r"(?i)^the\s+", "", m.text)
                    if m.kind == "title":
                        speaker = ""
                return Attribution(m.start, m.end, m.text, side, speaker)
        return None

    def _possessive(self, text: str, sentence: Sentence, mentions: list[Mention], quoted) -> tuple[Attribution | None, str]:
        """ "his office said", "said her spokeswoman", "the office said": the side of the person the
        pronoun stands for: a person of that pronoun named before it in the sentence (the first, the
        sentence's subject). Without one here, the pronoun is returned for the sentences before."""
        m = self.possessive_speaker.search(text, sentence.start, sentence.end)
        if m is None or quoted(m.start()):
            return None, ""
        pronoun = (m.group("pronoun") or m.group("pronoun2")).lower()
        start = m.start() if m.group("pronoun") else m.start("pronoun2")
        person = self.resolve_pronoun(pronoun, [x for x in mentions if x.start < start])
        if person is None:
            return None, pronoun
        side, speaker = person
        return Attribution(m.start(), m.end(), m.group(0), side, speaker), ""

    def resolve_pronoun(self, pronoun: str, mentions: list[Mention]) -> tuple[str, str] | None:
        """The side and name a possessive (his/her/their) stands for among ``mentions`` (the first that fits)."""
        if pronoun == "the":
            return None
        wanted = {"his": "he", "her": "she", "their": "they"}.get(pronoun)
        for x in mentions:
            if x.kind == "person" and x.person.role in ("leader", "counterpart"):
                if x.person.pronoun in (None, wanted) or wanted == "they":
                    return self.roster.side_of(x.person), x.person.name
            elif x.kind == "title" and x.side in ("leader", "counterpart"):
                return x.side, ""
        return None

    def _dates(self, text: str, sentence: Sentence, clues: Clues, published: PartialDate | None) -> list[DateCue]:
        real = clues.real_contacts
        verbs = [(m.start(), m.end()) for m in self.verb_re.finditer(text, sentence.start, sentence.end)]
        cues: list[DateCue] = []
        for mention in find_dates(text, sentence.start, sentence.end, published):
            if any(t.start <= mention.start < t.end for t in clues.totals):
                role = "scope"
            elif not real:
                role = "context"
            else:
                near_contact = min(_gap(mention.start, mention.end, c.start, c.end) for c in real)
                near_verb = min((_gap(mention.start, mention.end, a, b) for a, b in verbs), default=10**9)
                role = "report" if near_verb < near_contact else "contact"
                # "a reported call ... in 2019 was denied": a date right after its contact mention, with
                # no reporting verb between them, dates the contact even when a verb follows it
                before = [c for c in real if c.end <= mention.start]
                if role == "report" and before:
                    last = max(c.end for c in before)
                    if not any(last <= a < mention.start for a, _ in verbs) and not _clause_break(text[last : mention.start]):
                        role = "contact"
            cues.append(DateCue(mention.start, mention.end, mention.text, mention, role))
        return cues

    def _durations(self, text: str, sentence: Sentence, real: list[ContactCue] = ()) -> list[DurationCue]:
        body = text[sentence.start : sentence.end]
        found: list[DurationCue] = []
        for start, end, duration in find_durations(body):
            following = re.match(r"[\s\-\u2010\u2011\u2013]*(?:long\s+)?([^\W\d_]+)", body[end:])
            tied = bool(following and following.group(1).lower() in self.contact_nouns)
            if not tied:
                tied = bool(self.duration_before.search(body[max(0, start - 40) : start]))
            if not tied and real:
                # "spoke with Putin on Thursday for more than an hour": "for" after the contact's own words
                before = body[:start]
                tied = bool(re.search(r"(?i)(?<!\w)for\s+$", before)) and any(
                    c.end - sentence.start <= start and not _clause_break(text[c.end : sentence.start + start].replace(",", "")) for c in real
                )
            if tied:
                found.append(DurationCue(sentence.start + start, sentence.start + end, duration.text, duration))
        return found

    def _who_side(self, text: str, start: int, end: int, clues: Clues, quoted) -> str | None:
        for m in clues.mentions:
            if m.start <= start < m.end or start <= m.start < end:
                if m.kind == "person":
                    return self.roster.side_of(m.person)
                if m.kind in ("title", "speaker") and m.side in ("leader", "counterpart"):
                    return m.side
        if self.we.find(text, start, end):
            attribution = clues.attribution
            if quoted(start) and attribution and attribution.side in ("leader", "counterpart"):
                return attribution.side
            return None
        return None

    def _initiators(self, text: str, sentence: Sentence, clues: Clues, quoted) -> list[InitiatorCue]:
        if clues.hedged:
            return []
        found: list[InitiatorCue] = []
        for regex, has_who in self.initiator_patterns:
            for m in regex.finditer(text, sentence.start, sentence.end):
                if any(c.start < m.end() and m.start() < c.end for c in found):
                    continue
                if self.describing_after.match(text, m.end()) and re.search(r"(?i)(?:called|calls|rang)$", m.group(0)):
                    continue  # "the Kremlin called the conversation businesslike": a description, not a phone call
                if has_who:
                    side = self._who_side(text, m.start("who"), m.end("who"), clues, quoted)
                    who = m.group("who")
                else:
                    before = [x for x in clues.mentions if x.end <= m.start() and x.kind != "pair"]
                    side = None
                    who = ""
                    if before:
                        x = before[-1]
                        side = self.roster.side_of(x.person) if x.kind == "person" else (x.side if x.side in ("leader", "counterpart") else None)
                        who = x.text
                if side:
                    found.append(InitiatorCue(m.start(), m.end(), m.group(0), side, who))
        found.sort(key=lambda c: c.start)
        return found

    def _tones(self, text: str, sentence: Sentence, clues: Clues, quoted) -> list[ToneCue]:
        body = text[sentence.start : sentence.end]
        ignored = [(h.start, h.end) for h in self.tone_ignore.find(body)]
        matches = [m for m in self.lexicon.matches(body) if not any(a <= m.start < b for a, b in ignored)]
        runs: list[list] = []
        for m in matches:
            if runs and re.fullmatch(r"\s*(?:,|and|,\s*and|&|и|,\s*и)\s*", body[runs[-1][-1].end : m.start], re.IGNORECASE):
                runs[-1].append(m)
            else:
                runs.append([m])
        found: list[ToneCue] = []
        for run in runs:
            if self.topic_before.search(body[: run[0].start]):
                continue  # "a call on economic cooperation": a topic, not a tone
            start, end = sentence.start + run[0].start, sentence.start + run[-1].end
            labels = tuple(dict.fromkeys(m.label for m in run))
            nearest = min(clues.contacts, key=lambda c: _gap(start, end, c.start, c.end), default=None)
            generic = nearest is not None and not nearest.real
            found.append(ToneCue(start, end, text[start:end], labels, generic, quoted(start)))
        return found

    def _totals(self, text: str, sentence: Sentence, mentions: list[Mention]) -> list[TotalCue]:
        found: list[TotalCue] = []
        envoy = any(m.kind == "person" and m.person.role == "envoy" for m in mentions)
        for regex, ordinal in ((self.cardinal_re, False), (self.ordinal_re, True)):
            for m in regex.finditer(text, sentence.start, sentence.end):
                raw = m.group("n").lower()
                if raw.isdigit():
                    count = int(raw)
                elif ordinal:
                    count = _ORDINALS.get(raw) or int(re.match(r"\d+", raw).group(0))
                else:
                    count = _CARDINALS[raw]
                if count <= 0 or count > 500:
                    continue
                words = (m.group("mods") + " " + m.group("noun")).lower()
                if re.search(r"video", words):
                    formats = ("video_call",)
                elif re.search(r"phone|telephone", words):
                    formats = ("phone",)
                elif re.search(r"summit", words):
                    formats = ("summit",)
                elif re.search(r"meeting|in.person|face.to.face", words):
                    formats = ("envoy_meeting",) if envoy else ("in_person",)
                elif re.search(r"call|conversation", words):
                    formats = ("phone", "video_call")
                else:
                    formats = ()
                scope = m.group("scope") if ordinal else ""
                found.append(TotalCue(m.start(), m.end(), m.group(0), count, ordinal, formats, scope))
        return found
