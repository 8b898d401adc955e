"""Messages the workers post back to the app (Textual's post_message is thread-safe)."""

from __future__ import annotations

from pathlib import Path

from textual.message import Message

from diplodash.metrics.config import Config
from diplodash.metrics.dataset import Dataset
from diplodash.metrics.problems import Problem
from diplodash.tui.state import FigureCache, ViewData


class DataLoaded(Message):
    """A load finished: a valid config and dataset, and the figures for the current selection."""

    def __init__(self, config: Config, dataset: Dataset, data: ViewData, fingerprint: str, reason: str, cache: FigureCache | None = None) -> None:
        super().__init__()
        self.cache = cache
        self.config = config
        self.dataset = dataset
        self.data = data
        self.fingerprint = fingerprint
        self.reason = reason


class LoadFailed(Message):
    """The config or the data has errors; the app keeps showing the last good data."""

    def __init__(self, problems: list[Problem], fingerprint: str | None, reason: str) -> None:
        super().__init__()
        self.problems = problems
        self.fingerprint = fingerprint
        self.reason = reason


class LoadSkipped(Message):
    """A change event whose files hash the same as what is loaded: nothing to do."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class Computed(Message):
    """Figures for a new selection, grouping or comparison on the loaded dataset."""

    def __init__(self, data: ViewData) -> None:
        super().__init__()
        self.data = data


class Exported(Message):
    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path


class ExportFailed(Message):
    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message


class ExportZipped(Message):
    """A snapshot built in memory as a zip archive, ready to be delivered to the browser."""

    def __init__(self, filename: str, blob: bytes) -> None:
        super().__init__()
        self.filename = filename
        self.blob = blob
