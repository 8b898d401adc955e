"""Problems found in input files, reported as ``file:line:column: severity: message``.

Every reader and validator in diplodash returns (or raises) these, so the command line, the
app's banner and ``validate --format json`` all speak the same language.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import asdict, dataclass, field
from typing import Iterable, Literal


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """The one suggestion helper: "did you mean 'x'? " for the closest of ``choices``, or "" when none is close."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"did you mean '{close[0]}'? " if close else ""

Severity = Literal["error", "warning"]

# How many problems of one kind are listed before the rest are summarised.
MAX_PER_KIND = 50


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int | None
    column: int | None
    message: str
    severity: Severity = "error"
    code: str = "invalid"

    def location(self) -> str:
        parts = [self.file or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        return f"{self.location()}: {self.severity}: {self.message}"

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class DataError(Exception):
    """Raised when input cannot be used; carries every problem found, not only the first."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.summary())

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def summary(self) -> str:
        errors = self.errors
        if not errors:
            return "no errors"
        head = str(errors[0])
        more = len(errors) - 1
        return head if not more else f"{head} (and {more} more)"

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(
        problems,
        key=lambda p: (p.file, p.line if p.line is not None else -1, p.column or 0, p.message),
    )


def cap_problems(problems: list[Problem], limit: int = MAX_PER_KIND) -> list[Problem]:
    """Keep at most ``limit`` problems per (file, code), adding one summary line for the rest."""
    kept: list[Problem] = []
    seen: dict[tuple[str, str], int] = {}
    for problem in problems:
        key = (problem.file, problem.code)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] <= limit:
            kept.append(problem)
    for (file, code), count in seen.items():
        if count > limit:
            kept.append(
                Problem(file, None, None, f"{count - limit} more problems of kind '{code}' not listed", "error", code)
            )
    return kept


def problems_to_json(problems: Iterable[Problem]) -> str:
    """The stable JSON shape of ``diplodash validate --format json`` (documented in README)."""
    items = [p.to_dict() for p in problems]
    payload = {
        "version": 1,
        "ok": not any(p["severity"] == "error" for p in items),
        "errors": sum(1 for p in items if p["severity"] == "error"),
        "warnings": sum(1 for p in items if p["severity"] == "warning"),
        "problems": items,
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)
