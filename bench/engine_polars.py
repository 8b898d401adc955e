"""diplodash's own metrics (polars), as the app and the command line run them.

- ``polars``: the snapshot on the derived table held in memory (what the app does on every regrouping):
  ``metrics.snapshot.compute_snapshot`` over a Dataset whose contacts are the prepared derived table.
- ``polars-stream``: the same plans (``metrics.snapshot.METRICS``) over ``scan_parquet`` of the derived
  table, collected together with the streaming engine: the figures straight from the Parquet file.
- end to end: ``load_dataset`` (read, type, validate, derive) from the raw table, then the snapshot.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from bench.common import Spec


def _empty_reports() -> pl.DataFrame:
    from diplodash.metrics.dataset import _empty
    from diplodash.metrics.derive import derive_reports
    from diplodash.metrics.schema import REPORTS
    from diplodash.metrics.tone_lexicon import ToneLexicon

    return derive_reports(_empty(REPORTS).collect(), ToneLexicon(()))


def _selection_for(spec: Spec):
    from diplodash.metrics.selection import Selection

    return Selection()


class InMemory:
    name = "polars"

    def __init__(self, prepared: Path, config, spec: Spec):
        from diplodash.metrics.dataset import Dataset

        contacts = pl.read_parquet(prepared / "contacts.parquet")
        claims = pl.read_parquet(prepared / "claims.parquet")
        self.dataset = Dataset(contacts=contacts, reports=_empty_reports(), claims=claims, sources=pl.DataFrame(), files={}, config=config)
        self.spec = spec

    def run(self) -> dict[str, pl.DataFrame]:
        from diplodash.metrics.snapshot import compute_snapshot

        return compute_snapshot(self.dataset, _selection_for(self.spec), self.spec.by, as_of=self.spec.today).tables


class Streaming:
    name = "polars-stream"

    def __init__(self, prepared: Path, config, spec: Spec):
        self.prepared, self.config, self.spec = prepared, config, spec
        self.reports = _empty_reports().lazy()

    def run(self) -> dict[str, pl.DataFrame]:
        from diplodash.metrics.selection import select
        from diplodash.metrics.snapshot import METRICS

        contacts = pl.scan_parquet(self.prepared / "contacts.parquet")
        claims = pl.scan_parquet(self.prepared / "claims.parquet")
        chosen = select(contacts, self.reports, claims, self.config, _selection_for(self.spec), self.spec.by, as_of=self.spec.today)
        plans = [plan(chosen) for plan in METRICS.values()]
        frames = pl.collect_all(plans, engine="streaming")
        return dict(zip(METRICS, frames))


class EndToEnd:
    """load_dataset from the raw table (Parquet or CSV folder) and the snapshot."""

    name = "polars-e2e"

    def __init__(self, folder: Path, config, spec: Spec, snapshot: bool = True):
        self.folder, self.config, self.spec, self.snapshot = folder, config, spec, snapshot

    def run(self) -> dict[str, pl.DataFrame]:
        from diplodash.metrics.dataset import load_dataset
        from diplodash.metrics.snapshot import compute_snapshot

        dataset = load_dataset(self.config, self.folder)
        errors = [p for p in dataset.problems if p.severity == "error"]
        assert not errors, errors[:3]
        if not self.snapshot:
            return {}
        return compute_snapshot(dataset, _selection_for(self.spec), self.spec.by, as_of=self.spec.today).tables


def prepare(folder: Path, config, out: Path) -> tuple[int, int]:
    """Load the raw Parquet table once and write the derived contacts and typed claims the engines share."""
    from diplodash.metrics.dataset import load_dataset

    dataset = load_dataset(config, folder)
    out.mkdir(parents=True, exist_ok=True)
    dataset.contacts.write_parquet(out / "contacts.parquet")
    dataset.claims.write_parquet(out / "claims.parquet")
    return dataset.contacts.height, dataset.reports.height
