"""The tone lexicon: readout wording ("businesslike and constructive") to labels (businesslike, constructive)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from diplodash.metrics.config import ToneLabel


@dataclass(frozen=True)
class ToneMatch:
    start: int
    end: int
    label: str
    word: str


class ToneLexicon:
    def __init__(self, labels: tuple[ToneLabel, ...]):
        self.labels = labels
        self.order = {label.label: index for index, label in enumerate(labels)}
        self.valence = {label.label: label.valence for label in labels}
        self._label_of: dict[str, str] = {}
        for label in labels:
            for word in label.words:
                self._label_of[word.casefold()] = label.label
        words = sorted(self._label_of, key=len, reverse=True)  # longest phrase first
        pattern = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
        self._regex = re.compile(rf"(?<!\w)(?:{pattern})(?!\w)", re.IGNORECASE) if words else None

    def matches(self, text: str | None) -> list[ToneMatch]:
        if not text or self._regex is None:
            return []
        found = []
        for match in self._regex.finditer(text):
            word = re.sub(r"\s+", " ", match.group(0)).casefold()
            found.append(ToneMatch(match.start(), match.end(), self._label_of[word], match.group(0)))
        return found

    def labels_for(self, text: str | None) -> list[str]:
        """Distinct labels in lexicon order."""
        labels = {m.label for m in self.matches(text)}
        return sorted(labels, key=self.order.__getitem__)
