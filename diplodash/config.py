"""The config's one entry point: every section of config.toml read once and checked together.

The sections the metrics, the app and the exports use are declared in ``diplodash.metrics.config``; the
``[extract]`` table is declared beside the extraction code (``diplodash.extract.settings``), which sits above the
metrics. This module joins them, so ``diplodash validate``, the command line and the app see every problem of the file
at once, each at its file:line:column, and the metrics never import the extraction code.
"""

from __future__ import annotations

import os
from pathlib import Path

from diplodash.extract.settings import settings_problems
from diplodash.metrics.config import Config, SectionCheckers, parse_config_text, read_config

SECTIONS: SectionCheckers = {"extract": settings_problems}


def load_config(flag: str | os.PathLike | None = None) -> Config:
    """The config named by ``flag`` (or found in the discovery order), with every section checked."""
    return read_config(flag, SECTIONS)


def parse_config(raw: bytes | str, path: Path, found_by: str = "--config") -> Config:
    """Config text, with every section checked (for tests and callers that already hold the bytes)."""
    return parse_config_text(raw, path, found_by, SECTIONS)
