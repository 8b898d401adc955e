"""SYNTHETIC contact tables for the benchmarks: realistic shapes, no real facts.

Every value here is generated. Leaders and counterparts are called "Synthetic ...", every source row says
it is synthetic, every folder and the config file carry ``synthetic`` in their names, and each folder holds a
``SYNTHETIC.json`` describing how it was made. Never mix these tables with the curated one in ``seeds/``.

Shapes: dates over 35 years (1990-2024, 5% month or year precision), 50 counterparts (Zipf-like), 12 periods
(three terms for each of the four busiest counterparts), six formats, four statuses, 1 to 4 accounts per contact
(2.15 on average), initiator claims giving leader / counterpart / unknown (about 3% disputed), 0 to 3 of 20 tone
labels per contact spread over its accounts, and no duration figure for 40% of contacts (some of those with a
figure-less "lengthy"); where a figure exists, accounts may disagree by 5 to 15 minutes.

Randomness is a counter-based generator (splitmix64 evaluated as polars expressions), keyed by the seed, a
stream number and the row's global index: the same seed gives the same table whatever the chunking, and the
whole generator is vectorised polars (no numpy needed, so the test suite can run it with the dev extra only).

    python -m bench.generate --sizes 1000,100000 [--formats parquet,csv] [--force]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import shutil
import sys
import time
from functools import lru_cache
from pathlib import Path

import polars as pl

GENERATOR_VERSION = 1
SEED = 20_251_123
CHUNK = 1_000_000
DATA_DIR = Path(__file__).resolve().parent / "data"
SIZES = (1_000, 100_000, 1_000_000, 10_000_000)
FORMATS_WRITTEN = ("parquet", "csv")
CONFIG_NAME = "synthetic-config.toml"
MARKER = "SYNTHETIC.json"

LEADER = "Synthetic Leader"
COUNTERPARTS = tuple(f"Synthetic Counterpart {i:02d}" for i in range(1, 51))
FIRST_DAY = dt.date(1990, 1, 1)
LAST_DAY = dt.date(2024, 12, 31)
FORMATS = ("phone", "video_call", "in_person", "summit", "envoy_meeting", "multi_party_call")
FORMAT_WEIGHTS = (0.55, 0.10, 0.15, 0.07, 0.06, 0.07)
STATUSES = ("confirmed", "one_side", "denied", "unconfirmed")
STATUS_WEIGHTS = (0.85, 0.07, 0.03, 0.05)
SIDES = ("leader", "counterpart", "press", "other")
SPEAKERS = {"leader": "Synthetic leader office", "counterpart": "Synthetic counterpart office", "press": "Synthetic Outlet", "other": "Synthetic observer"}
TOPICS = ("trade", "energy", "security", "arms control", "sanctions", "climate", "health", "migration", "cyber", "space", "grain", "prisoners")
ENVOYS = ("Synthetic Envoy A", "Synthetic Envoy B", "Synthetic Envoy C")
N_SOURCES = 200
REPORTS_PER_CONTACT = (0.30, 0.35, 0.25, 0.10)  # 1, 2, 3 or 4 accounts
LABELS_PER_CONTACT = (0.20, 0.35, 0.30, 0.15)  # 0, 1, 2 or 3 tone labels
SHARE_WITH_DURATION = 0.60
# label -> (valence, words); the first word is the one the synthetic readouts use.
TONE = {
    "constructive": (1.0, ("constructive", "конструктивный")),
    "businesslike": (0.5, ("businesslike", "business-like")),
    "substantive": (0.5, ("substantive",)),
    "frank": (0.0, ("frank", "candid")),
    "positive": (1.0, ("positive",)),
    "friendly": (1.0, ("friendly", "chemistry")),
    "useful": (0.5, ("useful",)),
    "serious": (0.0, ("serious",)),
    "productive": (1.0, ("productive",)),
    "good": (1.0, ("good", "great")),
    "specific": (0.0, ("specific",)),
    "trusting": (1.0, ("trusting",)),
    "respectful": (1.0, ("respectful",)),
    "informative": (0.5, ("informative",)),
    "detailed": (0.0, ("detailed",)),
    "balanced": (0.0, ("balanced",)),
    "professional": (0.5, ("professional",)),
    "cooperative": (1.0, ("cooperative", "cooperation")),
    "tense": (-0.5, ("tense", "difficult")),
    "no_progress": (-1.0, ("no progress",)),
}
LABELS = tuple(TONE)


def size_label(n: int) -> str:
    for unit, factor in (("m", 1_000_000), ("k", 1_000)):
        if n >= factor and n % factor == 0:
            return f"{n // factor}{unit}"
    return str(n)


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "")
    for unit, factor in (("m", 1_000_000), ("k", 1_000)):
        if text.endswith(unit):
            return int(float(text[:-1]) * factor)
    return int(text)


def table_dir(n: int, fmt: str, root: Path | None = None) -> Path:
    return (root or DATA_DIR) / f"synthetic-{size_label(n)}-{fmt}"


def config_path(root: Path | None = None) -> Path:
    return (root or DATA_DIR) / CONFIG_NAME


# ----------------------------------------------------------------------------------- periods and config


def periods() -> list[tuple[str, str, dt.date, dt.date | None]]:
    """Twelve periods: three four-year terms for each of the four busiest counterparts; the last is open."""
    found = []
    for j, counterpart in enumerate(COUNTERPARTS[:4]):
        base = 1992 + 8 * j
        for term in range(3):
            start = dt.date(base + 4 * term, 1, 20)
            end = None if (j == 3 and term == 2) else dt.date(base + 4 * term + 4, 1, 20)
            found.append((f"C{j + 1:02d} term {term + 1}", counterpart, start, end))
    return found


def config_text(data_path: str) -> str:
    lines = [
        "# SYNTHETIC: the config of the generated benchmark tables (bench/generate.py). Not real data.",
        "",
        "[data]",
        f'path = "{data_path}"',
        "",
        "[defaults]",
        'group_by = "period"',
        'count_statuses = ["confirmed"]',
        "",
    ]
    for name, counterpart, start, end in periods():
        lines += ["[[periods]]", f'name = "{name}"', f'counterpart = "{counterpart}"', f"start = {start.isoformat()}"]
        if end is not None:
            lines.append(f"end = {end.isoformat()}")
        lines.append("")
    lines += ["[tone]", "replace = true  # the synthetic lexicon alone, not added to the bundled one", ""]
    for label, (valence, words) in TONE.items():
        lines += [f"[tone.{label}]", f"valence = {valence}", "words = [" + ", ".join(json.dumps(w, ensure_ascii=False) for w in words) + "]", ""]
    return "\n".join(lines)


def write_config(root: Path | None = None, data_path: str | None = None) -> Path:
    root = root or DATA_DIR
    root.mkdir(parents=True, exist_ok=True)
    path = config_path(root)
    text = config_text(data_path or table_dir(SIZES[0], "parquet", root).name)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    return path


# ------------------------------------------------------------------------------------------ randomness

_MASK = 2**64 - 1
_K1, _K2, _K3 = 0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB


def _u64(value: int) -> pl.Expr:
    return pl.lit(value & _MASK, dtype=pl.UInt64)


def _splitmix(z: pl.Expr) -> pl.Expr:
    z = z + _u64(_K1)
    z = (z ^ (z // _u64(2**30))) * _u64(_K2)
    z = (z ^ (z // _u64(2**27))) * _u64(_K3)
    return z ^ (z // _u64(2**31))


def _splitmix_int(x: int) -> int:
    z = (x + _K1) & _MASK
    z = ((z ^ (z >> 30)) * _K2) & _MASK
    z = ((z ^ (z >> 27)) * _K3) & _MASK
    return z ^ (z >> 31)


def uniform(key: str, seed: int, stream: int) -> pl.Expr:
    """A uniform float in [0, 1) for each row, from the row's key column (UInt64) and a stream number."""
    base = _splitmix_int(_splitmix_int(seed) + stream * 0x100000001B3)
    return (_splitmix(pl.col(key) + _u64(base)) // _u64(2**11)).cast(pl.Float64) / float(2**53)


def pick(u: pl.Expr, weights) -> pl.Expr:
    """Index drawn from ``weights`` for each uniform ``u``."""
    total = float(sum(weights))
    cumulative, running = [], 0.0
    for w in weights[:-1]:
        running += w / total
        cumulative.append(running)
    return pl.lit(pl.Series(cumulative, dtype=pl.Float64)).search_sorted(u, side="right").cast(pl.UInt32)


def choose(u: pl.Expr, values, weights=None) -> pl.Expr:
    weights = weights or [1.0] * len(values)
    return pl.lit(pl.Series(values)).gather(pick(u, weights))


# ------------------------------------------------------------------------------------------ vocabularies

MINUTES = tuple(range(5, 301, 5))
MINUTE_WEIGHTS = tuple(math.exp(-((math.log(m) - math.log(55)) ** 2) / (2 * 0.55**2)) / m for m in MINUTES)
# wording templates of a figure: exact, exact (short), exact (hours), about, almost, more than
TEMPLATE_WEIGHTS = (0.35, 0.10, 0.25, 0.15, 0.08, 0.07)


def _hours_wording(m: int) -> str:
    h, rest = divmod(m, 60)
    if h == 0:
        return f"{m}-minute"
    hours = "an hour" if h == 1 and not rest else f"{h} hour{'s' if h > 1 else ''}"
    return hours if not rest else f"{hours} {rest} minutes"


@lru_cache(maxsize=1)
def duration_vocabulary() -> tuple[str, ...]:
    """Every wording the generator writes, at index minutes_index * 6 + template; checked with the parser."""
    from diplodash.metrics.durations import parse_duration

    words = []
    for m in MINUTES:
        for text, qualifier in ((f"{m} minutes", "exact"), (f"{m} min", "exact"), (_hours_wording(m), "exact"), (f"about {m} minutes", "about"), (f"almost {m} minutes", "almost"), (f"more than {m} minutes", "more_than")):
            parsed = parse_duration(text)
            assert parsed.minutes == m and parsed.qualifier == qualifier, (text, parsed)
            words.append(text)
    return tuple(words)


def tone_wording(mask: int) -> str | None:
    words = [TONE[label][1][0] for bit, label in enumerate(LABELS) if mask >> bit & 1]
    if not words:
        return None
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


# ------------------------------------------------------------------------------------------ the tables


def generate_chunk(start: int, count: int, seed: int = SEED) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Contacts ``start .. start+count-1`` and their accounts, with typed columns (dates, lists)."""
    u = lambda stream: uniform("_g", seed, stream)  # noqa: E731
    days = (LAST_DAY - FIRST_DAY).days + 1
    epoch = (FIRST_DAY - dt.date(1970, 1, 1)).days
    label_weights = [1 / (i + 1) ** 0.7 for i in range(len(LABELS))]
    base = pl.DataFrame({"_g": pl.int_range(start, start + count, dtype=pl.UInt64, eager=True)})
    day = (pl.lit(epoch, dtype=pl.Int32) + (u(1) * days).cast(pl.Int32)).cast(pl.Date)
    precision = choose(u(2), ["day", "month", "year"], [0.95, 0.04, 0.01])
    contacts = base.with_columns(
        ("syn-" + pl.col("_g").cast(pl.String).str.zfill(8)).alias("contact_id"),
        day.alias("_day"),
        precision.alias("date_precision"),
        choose(u(3), COUNTERPARTS, [1 / (i + 1) ** 0.9 for i in range(len(COUNTERPARTS))]).alias("counterpart"),
        choose(u(4), FORMATS, FORMAT_WEIGHTS).alias("format"),
        choose(u(5), STATUSES, STATUS_WEIGHTS).alias("status"),
        pick(u(6), [0.5, 0.35, 0.15]).alias("_n_topics"),
        choose(u(7), TOPICS).alias("_t1"),
        choose(u(8), TOPICS).alias("_t2"),
        pick(u(9), [0.7, 0.3]).alias("_n_sources"),
        ("syn-src-" + (u(10) * N_SOURCES).cast(pl.Int32).add(1).cast(pl.String).str.zfill(3)).alias("_s1"),
        ("syn-src-" + (u(11) * N_SOURCES).cast(pl.Int32).add(1).cast(pl.String).str.zfill(3)).alias("_s2"),
        (pick(u(12), REPORTS_PER_CONTACT) + 1).alias("_k"),
        (u(13) < SHARE_WITH_DURATION).alias("_has_duration"),
        pick(u(14), MINUTE_WEIGHTS).alias("_minutes_index"),
        choose(u(15), ["leader", "counterpart", "none"], [0.35, 0.35, 0.30]).alias("_initiator"),
        (u(16) < 0.03).alias("_disputed"),
        pick(u(17), LABELS_PER_CONTACT).alias("_n_labels"),
        *[pick(u(18 + j), label_weights).alias(f"_l{j}") for j in range(3)],
        *[u(21 + j).alias(f"_slot{j}") for j in range(3)],
        choose(u(24), [[ENVOYS[0], ENVOYS[1]], [ENVOYS[1]], [ENVOYS[2], ENVOYS[0]]]).alias("_envoys"),
    ).with_columns(
        pl.when(pl.col("date_precision") == "month").then(pl.col("_day").dt.truncate("1mo"))
        .when(pl.col("date_precision") == "year").then(pl.col("_day").dt.truncate("1y"))
        .otherwise(pl.col("_day")).alias("date"),
        pl.lit(LEADER).alias("leader"),
        pl.when(pl.col("format") == "envoy_meeting").then(pl.col("_envoys")).otherwise(pl.lit([], dtype=pl.List(pl.String))).alias("envoys"),
        pl.concat_list("_t1", "_t2").list.head(pl.col("_n_topics")).list.unique(maintain_order=True).alias("topics"),
        pl.concat_list("_s1", "_s2").list.head(pl.col("_n_sources") + 1).list.unique(maintain_order=True).alias("source_ids"),
        pl.lit("synthetic contact").alias("excerpt"),
        pl.lit(None, dtype=pl.String).alias("notes"),
    )

    reports = contacts.select(
        "_g", "contact_id", "_k", "_has_duration", "_minutes_index", "_initiator", "_disputed", "_n_labels",
        pl.col("source_ids").list.first().alias("_source"),
        *[f"_l{j}" for j in range(3)], *[f"_slot{j}" for j in range(3)],
        pl.int_ranges(0, "_k", dtype=pl.UInt64).alias("_nth"),
    ).explode("_nth")
    ru = lambda stream: uniform("_r", seed, stream)  # noqa: E731
    vocabulary = pl.Series(duration_vocabulary())
    first = pl.col("_nth") == 0
    side = pl.when(first).then(choose(ru(1), ["leader", "counterpart"], [0.7, 0.3])).otherwise(choose(ru(2), SIDES, [0.3, 0.3, 0.3, 0.1]))
    reports = reports.with_columns((pl.col("_g") * 4 + pl.col("_nth")).alias("_r")).with_columns(side.alias("side"))
    deviation = choose(ru(3), [-15, -10, -5, 5, 10, 15])
    minutes_index = pl.when(~first & (ru(4) < 0.15)).then((pl.col("_minutes_index").cast(pl.Int32) + deviation // 5).clip(0, len(MINUTES) - 1)).otherwise(pl.col("_minutes_index").cast(pl.Int32))
    states = pl.col("_has_duration") & (first | (ru(5) < 0.6))
    wording = pl.lit(vocabulary).gather(minutes_index * 6 + pick(ru(6), TEMPLATE_WEIGHTS).cast(pl.Int32))
    duration = pl.when(states).then(wording).when(~pl.col("_has_duration") & (ru(7) < 0.05)).then(pl.lit("lengthy"))
    truth = pl.col("_initiator")
    opposite = pl.when(truth == "leader").then(pl.lit("counterpart")).otherwise(pl.lit("leader"))
    claim = (
        pl.when(pl.col("_disputed") & (truth != "none") & (pl.col("_nth") == 1)).then(opposite)
        .when((truth != "none") & (first | ((ru(8) < 0.5) & (pl.col("side") != "other")))).then(truth)
    )
    reports = reports.with_columns(
        (pl.col("contact_id") + "/" + (pl.col("_nth") + 1).cast(pl.String)).alias("report_id"),
        pl.concat_list("_source").alias("source_ids"),
        pl.col("side").replace_strict(SPEAKERS, return_dtype=pl.String).alias("speaker"),
        duration.alias("duration_text"),
        claim.alias("initiator_claim"),
        _tone_mask().alias("_mask"),
        pl.lit("synthetic account").alias("excerpt"),
        pl.lit(None, dtype=pl.String).alias("notes"),
    )
    masks = reports.get_column("_mask").unique().to_list()
    reports = reports.with_columns(pl.col("_mask").replace_strict({m: tone_wording(m) for m in masks}, return_dtype=pl.String).alias("tone_text"))
    contacts = contacts.select("contact_id", "date", "date_precision", "leader", "counterpart", "envoys", "format", "status", "topics", "source_ids", "excerpt", "notes")
    reports = reports.select("report_id", "contact_id", "source_ids", "side", "speaker", "duration_text", "initiator_claim", "tone_text", "excerpt", "notes")
    return contacts, reports


def _tone_mask() -> pl.Expr:
    """Bit i set when tone label i sits on this account: each of the contact's labels goes to one account."""
    mask = pl.lit(0, dtype=pl.Int64)
    for j in range(3):
        here = (pl.col("_n_labels") > j) & ((pl.col(f"_slot{j}") * pl.col("_k")).cast(pl.UInt64) == pl.col("_nth"))
        bit = pl.lit(2, dtype=pl.Int64).pow(pl.col(f"_l{j}").cast(pl.Int64)).cast(pl.Int64)
        # OR without double counting: add the bit only when it is not already set
        already = (mask // bit) % 2 == 1
        mask = mask + pl.when(here & ~already).then(bit).otherwise(pl.lit(0, dtype=pl.Int64))
    return mask


def claims_table(n: int, seed: int = SEED) -> pl.DataFrame:
    """Two dozen reported totals over the busiest counterparts, roughly in line with the generated volume."""
    import random

    rng = random.Random(seed)
    rows = []
    span_days = (LAST_DAY - FIRST_DAY).days + 1
    weights = [1 / (i + 1) ** 0.9 for i in range(len(COUNTERPARTS))]
    share = {c: w / sum(weights) for c, w in zip(COUNTERPARTS, weights)}
    for i in range(24):
        counterpart = COUNTERPARTS[i % 8]
        start = FIRST_DAY + dt.timedelta(days=rng.randrange(span_days - 800))
        end = min(start + dt.timedelta(days=rng.randrange(365, 8 * 365)), LAST_DAY)
        formats = rng.choice([[], ["phone"], ["phone", "multi_party_call"], ["in_person", "summit"]])
        format_share = sum(w for f, w in zip(FORMATS, FORMAT_WEIGHTS) if f in formats) if formats else 1.0
        expected = n * share[counterpart] * format_share * ((end - start).days + 1) / span_days * STATUS_WEIGHTS[0]
        rows.append(
            {
                "claim_id": f"syn-claim-{i + 1:02d}",
                "leader": LEADER,
                "counterpart": counterpart,
                "start": start,
                "end": end,
                "formats": formats,
                "claimed_count": max(int(round(expected * rng.uniform(0.8, 1.3))), 0),
                "side": rng.choice(SIDES),
                "speaker": "Synthetic spokesperson",
                "description": f"synthetic total {i + 1}",
                "source_ids": [f"syn-src-{rng.randrange(N_SOURCES) + 1:03d}"],
                "excerpt": "synthetic claim",
                "notes": None,
            }
        )
    return pl.DataFrame(rows, schema={"claim_id": pl.String, "leader": pl.String, "counterpart": pl.String, "start": pl.Date, "end": pl.Date, "formats": pl.List(pl.String), "claimed_count": pl.Int64, "side": pl.String, "speaker": pl.String, "description": pl.String, "source_ids": pl.List(pl.String), "excerpt": pl.String, "notes": pl.String})


def sources_table(seed: int = SEED) -> pl.DataFrame:
    ids = [f"syn-src-{i:03d}" for i in range(1, N_SOURCES + 1)]
    return pl.DataFrame(
        {
            "source_id": ids,
            "kind": ["web"] * N_SOURCES,
            "outlet": [f"Synthetic Outlet {i % 17 + 1}" for i in range(N_SOURCES)],
            "title": [f"SYNTHETIC source {i + 1} (generated by bench/generate.py; not a real article)" for i in range(N_SOURCES)],
            "author": [None] * N_SOURCES,
            "published": [str(1990 + (i * 7 + seed) % 35) for i in range(N_SOURCES)],
            "published_note": ["synthetic"] * N_SOURCES,
            "url": [None] * N_SOURCES,
            "seed_file": [None] * N_SOURCES,
            "cited_in": ["bench/generate.py (synthetic)"] * N_SOURCES,
        },
        schema={"source_id": pl.String, "kind": pl.String, "outlet": pl.String, "title": pl.String, "author": pl.String, "published": pl.String, "published_note": pl.String, "url": pl.String, "seed_file": pl.String, "cited_in": pl.String},
    )


# ------------------------------------------------------------------------------------------ writing


def _as_csv(frame: pl.DataFrame) -> pl.DataFrame:
    """CSV cells: lists joined with ';', dates as precise as their precision says."""
    exprs = []
    for name, dtype in frame.schema.items():
        if dtype == pl.List(pl.String):
            exprs.append(pl.col(name).list.join(";").alias(name))
    if "date_precision" in frame.columns:
        exprs.append(
            pl.when(pl.col("date_precision") == "month").then(pl.col("date").dt.strftime("%Y-%m"))
            .when(pl.col("date_precision") == "year").then(pl.col("date").dt.strftime("%Y"))
            .otherwise(pl.col("date").dt.strftime("%Y-%m-%d")).alias("date")
        )
    return frame.with_columns(exprs) if exprs else frame


def _marker(n: int, fmt: str, seed: int, reports: int, seconds: float) -> dict:
    return {
        "synthetic": True,
        "what": "SYNTHETIC benchmark table generated by bench/generate.py: no real contacts, leaders or sources",
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "contacts": n,
        "reports": reports,
        "format": fmt,
        "config": CONFIG_NAME,
        "seconds": round(seconds, 1),
        "generated_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
    }


def is_current(folder: Path, n: int, seed: int = SEED) -> bool:
    try:
        meta = json.loads((folder / MARKER).read_text())
    except (OSError, ValueError):
        return False
    return meta.get("generator_version") == GENERATOR_VERSION and meta.get("seed") == seed and meta.get("contacts") == n


def generate(n: int, formats=FORMATS_WRITTEN, seed: int = SEED, root: Path | None = None, force: bool = False, chunk: int = CHUNK, log=print) -> dict[str, Path]:
    """Write the n-contact table in each format (a folder per format) and return the folders.

    Folders already generated with the same version, seed and size are reused. Each folder is written under a
    temporary name and renamed when complete, so an interrupted run never leaves a half table behind.
    """
    root = root or DATA_DIR
    root.mkdir(parents=True, exist_ok=True)
    write_config(root)
    wanted = {fmt: table_dir(n, fmt, root) for fmt in formats}
    todo = {fmt: path for fmt, path in wanted.items() if force or not is_current(path, n, seed)}
    if not todo:
        return wanted
    started = time.perf_counter()
    tmp = {fmt: path.with_name(path.name + ".tmp") for fmt, path in todo.items()}
    for path in tmp.values():
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        (path / "parts").mkdir() if "parquet" in path.name else None
    total_reports = 0
    for index, begin in enumerate(range(0, n, chunk)):
        contacts, reports = generate_chunk(begin, min(chunk, n - begin), seed)
        total_reports += reports.height
        for fmt, path in tmp.items():
            if fmt == "parquet":
                contacts.write_parquet(path / "parts" / f"contacts-{index:04d}.parquet")
                reports.write_parquet(path / "parts" / f"reports-{index:04d}.parquet")
            else:
                for name, frame in (("contacts", contacts), ("reports", reports)):
                    with open(path / f"{name}.csv", "ab") as handle:
                        _as_csv(frame).write_csv(handle, include_header=index == 0)
        if n > chunk:
            log(f"  generated {begin + contacts.height:,} of {n:,} contacts ({time.perf_counter() - started:.0f} s)")
        del contacts, reports
    for fmt, path in tmp.items():
        claims, sources = claims_table(n, seed), sources_table(seed)
        if fmt == "parquet":
            for name in ("contacts", "reports"):
                pl.scan_parquet(path / "parts" / f"{name}-*.parquet").sink_parquet(path / f"{name}.parquet")
            shutil.rmtree(path / "parts")
            claims.write_parquet(path / "claims.parquet")
            sources.write_parquet(path / "sources.parquet")
        else:
            _as_csv(claims).write_csv(path / "claims.csv")
            sources.write_csv(path / "sources.csv")
        (path / MARKER).write_text(json.dumps(_marker(n, fmt, seed, total_reports, time.perf_counter() - started), indent=2) + "\n")
        final = todo[fmt]
        shutil.rmtree(final, ignore_errors=True)
        os.replace(path, final)
    return wanted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate the SYNTHETIC benchmark tables into bench/data/.")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="contacts per table, comma-separated (1000, 100k, 1m...)")
    parser.add_argument("--formats", default=",".join(FORMATS_WRITTEN))
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--force", action="store_true", help="regenerate even when a current table exists")
    args = parser.parse_args(argv)
    for n in [parse_size(s) for s in args.sizes.split(",") if s.strip()]:
        started = time.perf_counter()
        folders = generate(n, tuple(f.strip() for f in args.formats.split(",")), args.seed, force=args.force)
        print(f"{size_label(n)}: {', '.join(str(p) for p in folders.values())} ({time.perf_counter() - started:.1f} s)")
    print(f"config: {config_path()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
