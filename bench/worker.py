"""One measurement in its own process (so its peak memory is its own): ``python -m bench.worker TASK ...``.

Prints one JSON line: ``{"seconds": [...], "setup": s, ...}``. The driver (bench.run) reads the process's
peak RSS from os.wait4; the worker also reports VmHWM from /proc/self/status as a cross-check.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

ENGINES = ("polars", "polars-stream", "duckdb", "duckdb-parquet", "pandas")


def vm_hwm_kib() -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def engine_class(name: str):
    if name == "polars":
        from bench.engine_polars import InMemory
    elif name == "polars-stream":
        from bench.engine_polars import Streaming as InMemory
    elif name == "duckdb":
        from bench.engine_duckdb import InMemory
    elif name == "duckdb-parquet":
        from bench.engine_duckdb import FromParquet as InMemory
    elif name == "pandas":
        from bench.engine_pandas import InMemory
    else:
        raise SystemExit(f"unknown engine {name}")
    return InMemory


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("task", choices=("snapshot", "e2e", "load", "prepare"))
    parser.add_argument("--engine", default="polars")
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--format", default="parquet")
    parser.add_argument("--by", default="period")
    parser.add_argument("--today", default=dt.date.today().isoformat())
    parser.add_argument("--repeat", type=int, default=1, help="timed runs after the warm-up")
    parser.add_argument("--warmup", type=int, default=0)
    parser.add_argument("--out", help="write the result tables here (Parquet) after timing")
    args = parser.parse_args(argv)

    from bench.common import Spec, load_config, prepared_dir, write_results
    from bench.generate import table_dir

    config = load_config()
    spec = Spec.from_config(config, args.by, dt.date.fromisoformat(args.today))
    result: dict = {}
    started = time.perf_counter()
    if args.task == "prepare":
        from bench.engine_polars import prepare

        contacts, reports = prepare(table_dir(args.size, "parquet"), config, prepared_dir(args.size))
        result = {"seconds": [time.perf_counter() - started], "contacts": contacts, "reports": reports}
    else:
        if args.task == "snapshot":
            engine = engine_class(args.engine)(prepared_dir(args.size), config, spec)
        else:
            from bench.engine_polars import EndToEnd

            engine = EndToEnd(table_dir(args.size, args.format), config, spec, snapshot=args.task == "e2e")
        setup = time.perf_counter() - started
        tables = None
        for _ in range(args.warmup):
            tables = engine.run()
        seconds = []
        for _ in range(args.repeat):
            began = time.perf_counter()
            tables = engine.run()
            seconds.append(time.perf_counter() - began)
        result = {"seconds": seconds, "setup": setup}
        if args.out and tables:
            write_results(tables, Path(args.out))
    result["vm_hwm_kib"] = vm_hwm_kib()
    print(json.dumps(result))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
