"""What every engine shares: where the prepared (derived) tables live, the metric order, the selection the
benchmark uses (the config's default: count_statuses, no filter), and the cross-check of results."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from bench.generate import DATA_DIR, MARKER, config_path, size_label, table_dir

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = Path(__file__).resolve().parent / "out"
METRIC_NAMES = ("overview", "calls_per_year", "initiators", "durations", "tone", "coverage")
SIDES = ("leader", "counterpart", "press", "other")
CALL_FORMATS = ("phone", "video_call", "multi_party_call")
IN_PERSON = ("in_person", "summit", "envoy_meeting")
INITIATOR_SIDES = ("leader", "counterpart", "unknown")
# The derived columns the six metrics read (pandas reads only these; the others read what they need).
NEEDED = (
    "contact_id", "date", "year", "period", "counterpart", "leader", "format", "status",
    "initiator_side", "initiator_disputed", "duration_minutes", "duration_figures",
    *(f"duration_minutes_{s}" for s in SIDES), "tone_labels", *(f"tone_labels_{s}" for s in SIDES),
)


def prepared_dir(n: int) -> Path:
    return DATA_DIR / f"synthetic-{size_label(n)}-derived"


def metrics_code_hash() -> str:
    """The derived table depends on the loader and derive code: a change there re-prepares it."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "metrics").rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def prepared_key(n: int) -> dict:
    marker = json.loads((table_dir(n, "parquet") / MARKER).read_text())
    return {"table": {k: marker[k] for k in ("generator_version", "seed", "contacts")}, "metrics": metrics_code_hash()}


@dataclass(frozen=True)
class Spec:
    """One snapshot to compute: the grouping, the day ``today`` stands for, and the config's facts."""

    by: str
    today: dt.date
    statuses: tuple[str, ...]
    periods: tuple[tuple[str, dt.date, dt.date | None], ...]  # name, start, end
    valence: tuple[tuple[str, float | None], ...]

    @classmethod
    def from_config(cls, config, by: str, today: dt.date) -> "Spec":
        return cls(
            by=by,
            today=today,
            statuses=tuple(config.count_statuses),
            periods=tuple((p.name, p.start, p.end) for p in config.periods),
            valence=tuple((t.label, t.valence) for t in config.tone),
        )

    def period_years(self) -> dict[str, float]:
        spans = {}
        for name, start, end in self.periods:
            stop = min(end or self.today, self.today)
            spans[name] = max((stop - start).days, 1) / 365.25
        return spans


def load_config():
    from diplodash.config import load_config as load

    return load(config_path())


# ------------------------------------------------------------------------------------------ cross-check


def normalise(frame: pl.DataFrame) -> pl.DataFrame:
    exprs = []
    for name, dtype in frame.schema.items():
        if dtype.is_integer():
            exprs.append(pl.col(name).cast(pl.Int64))
        elif dtype.is_float():
            exprs.append(pl.col(name).cast(pl.Float64))
        elif dtype == pl.Datetime or isinstance(dtype, pl.Datetime):
            exprs.append(pl.col(name).cast(pl.Date))
        elif dtype in (pl.Categorical,) or isinstance(dtype, (pl.Categorical, pl.Enum)):
            exprs.append(pl.col(name).cast(pl.String))
        else:
            exprs.append(pl.col(name))
    return frame.select(exprs)


def differences(reference: pl.DataFrame, other: pl.DataFrame, limit: int = 5) -> list[str]:
    """Human-readable differences between two metric tables (same order expected); [] when equal."""
    a, b = normalise(reference), normalise(other)
    if a.columns != b.columns:
        return [f"columns differ: {a.columns} vs {b.columns}"]
    if a.height != b.height:
        return [f"{a.height} rows vs {b.height} rows"]
    found = []
    for name in a.columns:
        x, y = a.get_column(name), b.get_column(name)
        if x.dtype.is_float() or y.dtype.is_float():
            x, y = x.cast(pl.Float64), y.cast(pl.Float64)
            frame = pl.DataFrame({"x": x, "y": y})
            bad = frame.with_row_index().filter(
                (pl.col("x").is_null() != pl.col("y").is_null())
                | ((pl.col("x") - pl.col("y")).abs() > 1e-9 * pl.max_horizontal(pl.lit(1.0), pl.col("x").abs()))
            )
        else:
            if x.dtype != y.dtype:
                x, y = x.cast(pl.String), y.cast(pl.String)
            bad = pl.DataFrame({"x": x, "y": y}).with_row_index().filter(~pl.col("x").eq_missing(pl.col("y")))
        for index, xv, yv in bad.head(limit).iter_rows():
            found.append(f"column {name!r}, row {index}: {xv!r} vs {yv!r}")
        if len(found) >= limit:
            break
    return found


def write_results(tables: dict[str, pl.DataFrame], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.write_parquet(folder / f"{name}.parquet")


def read_results(folder: Path) -> dict[str, pl.DataFrame]:
    return {name: pl.read_parquet(folder / f"{name}.parquet") for name in METRIC_NAMES if (folder / f"{name}.parquet").is_file()}
