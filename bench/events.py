"""SYNTHETIC GDELT-shaped file and the streaming filter of ``diplodash import gdelt`` over it.

Generates a 61-column, tab-separated, header-less file (GDELT 2.0 events layout) of N rows, every
value synthetic: actors "SYNTHETIC LEADER A" and "SYNTHETIC LEADER B" consult (CAMEO 041/042/043)
in one row of every 1000, other rows pair other synthetic actors or code other events. Then runs the
reader in a child process and reports its peak resident memory (ru_maxrss), the time, the rows kept,
and the same for an eager read of the whole file (polars.read_csv) for comparison. Peak RSS
(ru_maxrss) counts the file's pages polars memory-maps to read it; ``peak_anon_mib`` (RssAnon
sampled every 20 ms) is the memory the process itself holds.

    python -m bench.events --rows 10000000 [--eager] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

DATA_DIR = Path(__file__).resolve().parent / "data"
CHUNK = 1_000_000
PAIR = ("SYNTHETIC LEADER A", "SYNTHETIC LEADER B")


def generate(path: Path, rows: int) -> Path:
    """Write ``rows`` synthetic GDELT-shaped lines to ``path`` (in chunks, so generating is bounded too)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".partial")
    with open(tmp, "wb") as out:
        for start in range(0, rows, CHUNK):
            n = min(CHUNK, rows - start)
            i = pl.int_range(start, start + n, eager=True).alias("i")
            frame = pl.DataFrame(i).with_columns(
                day=(pl.lit(20150101) + (pl.col("i") % 28) + 100 * ((pl.col("i") // 28) % 12)).cast(pl.String),
                hit=(pl.col("i") % 1000) == 7,
                code=pl.when(pl.col("i") % 3 == 0).then(pl.lit("041")).when(pl.col("i") % 3 == 1).then(pl.lit("042")).otherwise(pl.lit("190")),
            )
            frame = frame.with_columns(
                a1=pl.when(pl.col("hit")).then(pl.lit(PAIR[0])).otherwise(pl.lit("SYNTHETIC ACTOR ") + (pl.col("i") % 97).cast(pl.String)),
                a2=pl.when(pl.col("hit")).then(pl.lit(PAIR[1])).otherwise(pl.lit("SYNTHETIC ACTOR ") + (pl.col("i") % 89).cast(pl.String)),
                code=pl.when(pl.col("hit")).then(pl.lit("041")).otherwise(pl.col("code")),
            )
            cols = [pl.lit("")] * 61
            cols[0] = (pl.col("i") + 1).cast(pl.String)
            cols[1] = pl.col("day")
            cols[6] = pl.col("a1")
            cols[16] = pl.col("a2")
            cols[26] = pl.col("code")
            cols[33] = pl.lit("3")
            cols[60] = pl.lit("https://synthetic.example.org/story/") + pl.col("i").cast(pl.String)
            wide = frame.select([c.alias(f"c{k}") for k, c in enumerate(cols)])
            wide.write_csv(out, separator="\t", include_header=False, quote_style="never")
    os.replace(tmp, path)
    return path


def _rss_anon_kib() -> int:
    """Anonymous resident memory (the heap), without the file pages polars maps to read the file."""
    try:
        for line in open("/proc/self/status"):
            if line.startswith("RssAnon:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _child(path: str, mode: str) -> None:
    import threading

    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], _rss_anon_kib())
            stop.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    t0 = time.perf_counter()
    if mode == "stream":
        from diplodash.extract.events import Names
        from diplodash.extract.events import gdelt

        a, b = (Names(n, frozenset({n.lower()})) for n in PAIR)
        kept = len(gdelt.read([path], a, b))
    else:
        kept = pl.read_csv(path, separator="\t", has_header=False, quote_char=None, infer_schema=False).height
    seconds = time.perf_counter() - t0
    stop.set()
    sampler.join()
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"mode": mode, "kept": kept, "seconds": round(seconds, 2), "peak_rss_mib": round(rss_kib / 1024, 1),
                      "peak_anon_mib": round(max(peak[0], _rss_anon_kib()) / 1024, 1)}))


def measure(path: Path, mode: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "bench.events", "--child", mode, str(path)], capture_output=True, text=True, check=True,
                          env=dict(os.environ, POLARS_MAX_THREADS=os.environ.get("POLARS_MAX_THREADS", "2")))
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--eager", action="store_true", help="also measure an eager read of the whole file")
    parser.add_argument("--keep", action="store_true", help="keep the generated file")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child[1], args.child[0])
        return 0
    path = DATA_DIR / f"synthetic-gdelt-{args.rows}.CSV"
    t0 = time.perf_counter()
    if not path.exists():
        generate(path, args.rows)
    print(f"file: {path} ({path.stat().st_size / 2**20:.0f} MiB, {args.rows} rows; ready in {time.perf_counter() - t0:.1f} s)")
    try:
        for mode in ("stream", "eager") if args.eager else ("stream",):
            print(json.dumps(measure(path, mode)))
    finally:
        if not args.keep:
            path.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
