"""A cache of the derived table, so that a second start on unchanged files skips reading, typing, checking
and deriving.

Keyed by a fingerprint of everything the derived table depends on: diplodash's version, the bytes of every
data file (sha256), the settings the derivation reads (periods, tone lexicon, duration priority, counted
statuses, side names) and the date the "in the future" warnings are checked against. Nothing in the cache is
trusted without that check: a load hashes the files first, and a changed byte anywhere gives a new key. The
fingerprint is taken again after a fresh load, and the result is stored only if it did not change meanwhile
(a file edited while it was read is never cached under the old key).

Where: ``$DIPLODASH_CACHE_DIR``, else the user cache folder (``platformdirs``); ``DIPLODASH_CACHE_DIR=off``
turns the cache off. Each entry is a folder written atomically (metrics.atomic); a broken entry is ignored
and replaced. Only the newest ``KEEP`` entries are kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from pathlib import Path

import polars as pl

from diplodash.metrics.problems import Problem

ENV_VAR = "DIPLODASH_CACHE_DIR"
KEEP = 8
TABLES = ("contacts", "reports", "claims", "sources")
FORMAT = 1  # bump when the cached layout or the derivation changes in a way the version does not show


def cache_root() -> Path | None:
    value = os.environ.get(ENV_VAR)
    if value is not None:
        return None if value.strip().lower() in ("", "off", "0", "no") else Path(value)
    import platformdirs

    return Path(platformdirs.user_cache_dir("diplodash")) / "derived"


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes (the one file fingerprint: exports, reload and the cache use it)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fingerprint(files: dict[str, Path], config, today: dt.date | None) -> str:
    import diplodash

    digest = hashlib.sha256()
    settings = (
        FORMAT, diplodash.__version__, pl.__version__, repr(config.periods), repr(config.tone),
        repr(config.duration_side_priority), repr(config.count_statuses), repr(config.side_labels),
        repr(getattr(config, "side_names", None)), str(today),
    )
    digest.update(repr(settings).encode())
    for name in sorted(files):
        digest.update(f"\0{name}\0{Path(files[name]).resolve()}\0".encode())
        digest.update(file_sha256(Path(files[name])).encode())
    return digest.hexdigest()


def read(key: str) -> tuple[dict[str, pl.DataFrame], list[Problem]] | None:
    root = cache_root()
    if root is None:
        return None
    folder = root / key
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if meta.get("key") != key:
            return None
        tables = {name: pl.read_parquet(folder / f"{name}.parquet") for name in TABLES}
        problems = [Problem(**p) for p in meta.get("problems", [])]
    except (OSError, ValueError, TypeError, KeyError, pl.exceptions.PolarsError):
        return None  # absent or broken: load from the files (and write a fresh entry)
    try:
        os.utime(folder)  # most recently used
    except OSError:
        pass
    return tables, problems


def write(key: str, tables: dict[str, pl.DataFrame], problems: list[Problem]) -> None:
    """Store an entry; any failure only means no cache (the load itself succeeded)."""
    root = cache_root()
    if root is None:
        return
    from diplodash.metrics.atomic import AtomicFolder

    try:
        root.mkdir(parents=True, exist_ok=True)
        if (root / key).exists():
            return
        with AtomicFolder(root, key) as folder:
            for name in TABLES:
                buffer = _parquet(tables[name])
                folder.write(f"{name}.parquet", buffer)
            meta = {"key": key, "problems": [_problem(p) for p in problems]}
            folder.write("meta.json", json.dumps(meta, ensure_ascii=False))
            folder.commit()
        _prune(root)
    except Exception:  # noqa: BLE001 - a cache that cannot be written is no cache, never an error
        return


def _problem(problem: Problem) -> dict:
    return {"file": problem.file, "line": problem.line, "column": problem.column, "message": problem.message, "severity": problem.severity, "code": problem.code}


def _parquet(frame: pl.DataFrame) -> bytes:
    import io

    buffer = io.BytesIO()
    frame.write_parquet(buffer, compression="lz4")
    return buffer.getvalue()


def _prune(root: Path) -> None:
    entries = sorted((p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        shutil.rmtree(old, ignore_errors=True)
