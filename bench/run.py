"""``make bench``: diplodash's metrics against DuckDB and pandas, loading, and the app; writes bench/RESULTS.md.

    python -m bench.run [--sizes 1000,100000,1000000,10000000] [--runs 5] [--skip-app] [--skip-load]

Every measurement runs in its own child process (``bench.worker``), so its peak memory (``ru_maxrss`` of the
child, from ``os.wait4``) is its own. Engines are interleaved: each round starts one process per engine, in
an order rotated each round, and each process does one warm-up then one timed run. The tables are SYNTHETIC
(bench/generate.py), generated on first use with a fixed seed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import METRIC_NAMES, OUT_DIR, ROOT, differences, prepared_dir, prepared_key, read_results
from bench.generate import DATA_DIR, SIZES, config_path, generate, parse_size, size_label, table_dir

PY = sys.executable
ENGINES = ("polars", "polars-stream", "duckdb", "duckdb-parquet", "pandas")
ENGINE_NOTES = {
    "polars": "diplodash: compute_snapshot on the derived table in memory (what the app does on each regrouping)",
    "polars-stream": "diplodash's plans on scan_parquet of the derived file, streaming engine",
    "duckdb": "DuckDB SQL on the derived table loaded into a DuckDB table",
    "duckdb-parquet": "DuckDB SQL straight on read_parquet of the derived file",
    "pandas": "pandas on the derived table (only the columns the metrics read)",
}
PREPARED = "PREPARED.json"
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
BIG = 10_000_000


def log(*parts) -> None:
    print(*parts, flush=True)


# ------------------------------------------------------------------------------------------ children


def child(argv: list[str], timeout: float = 3600.0) -> tuple[dict, float, int]:
    """Run a child to completion: its JSON (last line of stdout), wall seconds, and peak RSS in KiB."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=err, cwd=ROOT)
        deadline = time.time() + timeout
        out = proc.stdout.read()  # the child's stdout is small: one JSON line
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.time() > deadline:
                proc.kill()
            time.sleep(0.01)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        if proc.returncode != 0:
            err.seek(0)
            tail = err.read().decode("utf-8", "replace")[-2000:]
            raise RuntimeError(f"{' '.join(argv[2:])} failed ({proc.returncode}):\n{tail}")
    lines = [line for line in out.decode().splitlines() if line.strip()]
    return (json.loads(lines[-1]) if lines else {}), seconds, usage.ru_maxrss


def worker(*args: str, timeout: float = 3600.0) -> tuple[dict, float, int]:
    return child([PY, "-m", "bench.worker", *args], timeout)


# ------------------------------------------------------------------------------------------ data


def ensure_data(sizes: list[int]) -> dict[int, dict]:
    """Generate the tables that are missing and (re)prepare the derived table when the code changed."""
    info = {}
    for n in sizes:
        started = time.perf_counter()
        generate(n, log=log)
        if time.perf_counter() - started > 1:
            log(f"generated {size_label(n)} in {time.perf_counter() - started:.0f} s")
        key = prepared_key(n)
        marker = prepared_dir(n) / PREPARED
        try:
            current = json.loads(marker.read_text()) == key
        except (OSError, ValueError):
            current = False
        if not current:
            log(f"preparing the derived table at {size_label(n)} (load_dataset from Parquet)...")
            result, seconds, rss = worker("prepare", "--size", str(n))
            marker.write_text(json.dumps(key))
            log(f"  {result.get('contacts')} contacts, {result.get('reports')} reports, {seconds:.1f} s, {rss / 1024:.0f} MiB")
        info[n] = key
    return info


# ------------------------------------------------------------------------------------------ snapshot


def bench_snapshot(n: int, runs: int, today: str, pandas_runs_big: int, out_root: Path) -> dict:
    rows: dict[str, dict] = {e: {"seconds": [], "setup": [], "rss_kib": [], "warmup": 1} for e in ENGINES}
    for round_ in range(runs):
        order = ENGINES[round_ % len(ENGINES):] + ENGINES[: round_ % len(ENGINES)]
        for engine in order:
            warmup = 1
            if engine == "pandas" and n >= BIG:
                if round_ >= pandas_runs_big:
                    continue
                warmup = 0
            rows[engine]["warmup"] = warmup
            args = ["snapshot", "--engine", engine, "--size", str(n), "--today", today, "--repeat", "1", "--warmup", str(warmup)]
            if round_ == 0 or (engine == "pandas" and n >= BIG and round_ == 0):
                args += ["--out", str(out_root / size_label(n) / engine)]
            result, _, rss = worker(*args)
            rows[engine]["seconds"] += result["seconds"]
            rows[engine]["setup"].append(result["setup"])
            rows[engine]["rss_kib"].append(rss)
            log(f"  {size_label(n):>5} round {round_ + 1}/{runs} {engine:<15} {result['seconds'][0]:8.3f} s  {rss / 1024:7.0f} MiB")
    for row in rows.values():
        row["median"] = statistics.median(row["seconds"]) if row["seconds"] else None
        row["peak_mib"] = max(row["rss_kib"]) / 1024 if row["rss_kib"] else None
        row["runs"] = len(row["seconds"])
    return rows


FIGURES = (
    ("overview", "contacts", "sum"),
    ("overview", "median_minutes", "first"),
    ("initiators", "disputed", "sum"),
    ("durations", "mean", "first"),
    ("tone", "contacts", "sum"),
    ("coverage", "enumerated", "sum"),
)


def cross_check(n: int, out_root: Path) -> dict:
    """Every engine's six tables against diplodash's, plus a few figures side by side."""
    folder = out_root / size_label(n)
    reference = read_results(folder / "polars")
    found = {"agree": {}, "figures": {}}
    for engine in ENGINES:
        tables = read_results(folder / engine)
        if not tables:
            continue
        problems = []
        for name in METRIC_NAMES:
            if name not in tables:
                problems.append(f"{name}: missing")
                continue
            problems += [f"{name}: {d}" for d in differences(reference[name], tables[name], limit=2)]
        found["agree"][engine] = problems
        figures = []
        for table, column, how in FIGURES:
            series = tables[table].get_column(column)
            value = series.sum() if how == "sum" else series[0]
            figures.append(value)
        found["figures"][engine] = figures
    return found


# ------------------------------------------------------------------------------------------ loading


def bench_load(n: int, runs: int) -> dict:
    rows = {}
    for fmt in ("parquet", "csv"):
        seconds, rss = [], []
        for _ in range(runs):
            result, _, peak = worker("load", "--size", str(n), "--format", fmt, "--repeat", "1")
            seconds += result["seconds"]
            rss.append(peak)
            log(f"  {size_label(n):>5} load {fmt:<8} {result['seconds'][0]:8.3f} s  {peak / 1024:7.0f} MiB")
        rows[fmt] = {"seconds": seconds, "median": statistics.median(seconds), "peak_mib": max(rss) / 1024, "runs": runs}
    return rows


# ------------------------------------------------------------------------------------------ the app


def import_floor(runs: int) -> dict:
    floors = {
        "brief": "import textual, polars, textual_plotext",
        "issue": "import polars, textual_plotext; from textual.app import App; from textual.widgets import DataTable",
    }
    found = {}
    for name, code in floors.items():
        seconds = []
        for _ in range(runs):
            began = time.perf_counter()
            subprocess.run([PY, "-c", code], check=True, cwd=ROOT)
            seconds.append(time.perf_counter() - began)
        found[name] = {"code": code, "seconds": seconds, "median": statistics.median(seconds)}
    return found


def headless(config: Path, data: Path | None, keys: str, timeout: float) -> dict:
    argv = [PY, "-m", "bench.app_probe", "headless", "--config", str(config), "--keys", keys, "--timeout", str(timeout)]
    if data:
        argv += ["--data", str(data)]
    spawned = time.time()
    try:
        proc = subprocess.run(argv, capture_output=True, cwd=ROOT, timeout=timeout * 2 + 60)
    except subprocess.TimeoutExpired:
        return {"error": "timed out"}
    line = next((x for x in proc.stdout.decode().splitlines() if x.startswith("PROBE ")), None)
    if line is None:
        return {"error": (proc.stderr.decode("utf-8", "replace").strip().splitlines() or ["no output"])[-1][:300]}
    raw = json.loads(line[6:])
    return _relative(raw, spawned)


def _relative(raw: dict, origin: float) -> dict:
    out = {k: (v - origin if isinstance(v, float) and k != "quiet" else v) for k, v in raw.items() if k != "actions"}
    out["actions"] = [
        {"key": a["key"], "last_frame": (a["last_frame"] - a["sent"]) if a.get("last_frame") else None, "frames": a.get("frames")}
        for a in raw.get("actions", [])
    ]
    return out


def pty(argv: list[str], keys: list[str], timeout: float) -> dict:
    from bench.app_probe import pty_app

    try:
        raw = pty_app(argv, keys, quiet=0.5, timeout=timeout, cwd=ROOT)
    except Exception as exc:  # a measurement that fails is reported, the others still run
        return {"error": f"{type(exc).__name__}: {exc}"[:300]}
    return _relative(raw, raw["started"])


def bench_app(runs: int, big_runs: int, with_big: bool) -> dict:
    from bench.app_probe import COLUMNS, ROWS

    found: dict = {"terminal": f"{COLUMNS}x{ROWS}", "floor": import_floor(runs)}
    bundled = ROOT / "config.toml"
    app_argv = [str(Path(PY).with_name("diplodash")), "--config"]
    found["bundled_headless"] = [headless(bundled, None, "", 120) for _ in range(runs)]
    found["bundled_pty"] = [pty(app_argv + [str(bundled)], [], 120) for _ in range(runs)]
    for row in found["bundled_pty"] + found["bundled_headless"]:
        log(f"  bundled first frame {row.get('first_frame')}  {row.get('error', '')}")
    if with_big:
        keys = ["2", "g", "1", "7"]
        csv = table_dir(1_000_000, "csv")
        found["big_headless"] = [headless(config_path(), csv, ",".join(keys), 600) for _ in range(big_runs)]
        found["big_pty"] = [pty(app_argv + [str(config_path()), "--data", str(csv)], keys, 600) for _ in range(big_runs)]
        for row in found["big_pty"] + found["big_headless"]:
            log(f"  1m: first frame {row.get('first_frame')}, shown {row.get('settled', row.get('loaded'))}, keys {row.get('actions')} {row.get('error', '')}")
        vd = str(Path(PY).with_name("vd"))
        found["visidata_pty"] = [pty([vd, str(csv / "contacts.csv")], [], 600) for _ in range(big_runs)]
        for row in found["visidata_pty"]:
            log(f"  visidata 1m: first frame {row.get('first_frame')}, quiet {row.get('settled')} {row.get('error', '')}")
    return found


# ------------------------------------------------------------------------------------------ report


def _median(rows: list[dict], key: str) -> float | None:
    values = [r[key] for r in rows if isinstance(r.get(key), (int, float))]
    return statistics.median(values) if values else None


def _action(rows: list[dict], key: str, index: int) -> float | None:
    values = []
    for r in rows:
        acts = [a for a in r.get("actions", []) if a["key"] == key]
        if len(acts) > index and acts[index]["last_frame"] is not None:
            values.append(acts[index]["last_frame"])
    return statistics.median(values) if values else None


def targets(results: dict) -> list[tuple[str, str, bool | None]]:
    out = []
    snap = results["snapshot"].get(str(BIG)) or results["snapshot"].get(BIG)
    if snap:
        p, d, pd = snap["polars"]["median"], snap["duckdb"]["median"], snap["pandas"]["median"]
        out.append(("snapshot at 10M <= 0.8x DuckDB (in memory)", f"{p:.2f} s vs DuckDB {d:.2f} s = {p / d:.2f}x", p <= 0.8 * d))
        out.append(("snapshot at 10M >= 10x faster than pandas", f"pandas {pd:.2f} s / {p:.2f} s = {pd / p:.1f}x", pd >= 10 * p))
        ps, dp = snap["polars-stream"]["peak_mib"], snap["duckdb-parquet"]["peak_mib"]
        out.append(("peak memory at 10M from Parquet <= 1.5x DuckDB on the same file", f"{ps:.0f} MiB vs {dp:.0f} MiB = {ps / dp:.2f}x", ps <= 1.5 * dp))
    else:
        out.append(("snapshot / memory at 10M", "not measured in this run (size not selected)", None))
    app = results.get("app")
    if app:
        floor = app["floor"]["issue"]["median"]
        first = _median(app["bundled_pty"], "first_frame")
        if first is not None:
            out.append(("first frame (pty) on the bundled table <= 1.3x import floor", f"{first * 1000:.0f} ms vs floor {floor * 1000:.0f} ms = {first / floor:.2f}x", first <= 1.3 * floor))
        if "big_pty" in app:
            for label, key, index in (("view switch (2)", "2", 0), ("regrouping (g)", "g", 0), ("view switch back (1)", "1", 0)):
                v = _action(app["big_pty"], key, index)
                out.append((f"last frame after {label} at 1M <= 50 ms (pty)", "n/a" if v is None else f"{v * 1000:.0f} ms", None if v is None else v <= 0.05))
            v = _action(app["big_pty"], "7", 0)
            out.append(("Contacts view at 1M <= 300 ms (pty, last frame)", "n/a" if v is None else f"{v * 1000:.0f} ms", None if v is None else v <= 0.3))
    return out


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version()}
    for name in ("polars", "duckdb", "pandas", "pyarrow", "textual", "textual-plotext", "visidata"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def machine() -> list[str]:
    lines = []
    try:
        info = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in info.splitlines():
            if line.split(":")[0].strip() in ("Architecture", "Model name", "CPU(s)", "Thread(s) per core", "Hypervisor vendor", "L3 cache"):
                lines.append(" ".join(line.split()))
    except OSError:
        pass
    lines.append(f"nproc: {os.cpu_count()}")
    try:
        mem = next(row for row in Path("/proc/meminfo").read_text().splitlines() if row.startswith("MemTotal"))
        lines.append(f"memory: {int(mem.split()[1]) / 1024 / 1024:.1f} GiB")
    except (OSError, StopIteration):
        pass
    lines.append(f"kernel: {platform.release()}")
    return lines


def fmt_s(v) -> str:
    if v is None:
        return "n/a"
    return f"{v * 1000:.0f} ms" if v < 1 else f"{v:.2f} s"


def report(results: dict) -> str:
    L = []
    L.append("# diplodash benchmarks")
    L.append("")
    L.append(f"Written by `make bench` (`python -m bench.run {' '.join(results['argv'])}`) on {results['date']}. Tables are **SYNTHETIC** (bench/generate.py, seed {results['seed']}); no real contacts.")
    L.append("")
    L.append("## Machine and versions")
    L += [f"- {line}" for line in results["machine"]]
    L.append("- versions: " + ", ".join(f"{k} {v}" for k, v in results["versions"].items()))
    L.append(f"- load average at start / end: {results['load_start']} / {results.get('load_end')}. Other agents run tests on this machine at the same time: figures carry that noise (medians help, not fully).")
    L.append("")
    L.append("## Targets")
    L.append("")
    L.append("| target | measured | result |")
    L.append("|---|---|---|")
    for name, text, ok in results["targets"]:
        L.append(f"| {name} | {text} | {'pass' if ok else ('miss' if ok is False else 'n/a')} |")
    L.append("")
    L.append("## Snapshot of the six metrics")
    L.append("")
    L.append("Median of the timed runs (each in its own process after one warm-up, engines interleaved, order rotated each round); the ratio is the engine's time over diplodash's in-memory time; peak is the largest `ru_maxrss` of the engine's processes (interpreter, libraries, table and work).")
    L.append("")
    for engine, note in ENGINE_NOTES.items():
        L.append(f"- `{engine}`: {note}")
    L.append("")
    L.append("| contacts | engine | median | runs | ratio to diplodash | peak memory | set-up (read) |")
    L.append("|---:|---|---:|---:|---:|---:|---:|")
    for n, rows in results["snapshot"].items():
        base = rows["polars"]["median"]
        for engine in ENGINES:
            row = rows[engine]
            if row["median"] is None:
                continue
            ratio = row["median"] / base if base else None
            L.append(f"| {size_label(int(n))} | {engine} | {fmt_s(row['median'])} | {row['runs']}{' (no warm-up)' if row['warmup'] == 0 else ''} | {ratio:.2f}x | {row['peak_mib']:.0f} MiB | {fmt_s(statistics.median(row['setup']))} |")
    L.append("")
    L.append("### Cross-check")
    L.append("")
    L.append("Every engine's six result tables are compared with diplodash's, cell by cell (floats to 1e-9 relative). A few figures: " + ", ".join(f"{t}.{c} ({h})" for t, c, h in FIGURES) + ".")
    L.append("")
    for n, check in results["check"].items():
        for engine, problems in check["agree"].items():
            figures = ", ".join(f"{v:.6g}" if isinstance(v, float) else str(v) for v in check["figures"][engine])
            L.append(f"- {size_label(int(n))} {engine}: {'agree' if not problems else 'DIFFER: ' + '; '.join(problems[:3])} ({figures})")
    L.append("")
    if results.get("load"):
        L.append("## Loading (read, type, validate, derive: `load_dataset`)")
        L.append("")
        L.append("| contacts | format | median | runs | peak memory |")
        L.append("|---:|---|---:|---:|---:|")
        for n, rows in results["load"].items():
            for fmt, row in rows.items():
                L.append(f"| {size_label(int(n))} | {fmt} | {fmt_s(row['median'])} | {row['runs']} | {row['peak_mib']:.0f} MiB |")
        L.append("")
    app = results.get("app")
    if app:
        L.append("## The app")
        L.append("")
        L.append(f"Terminal {app['terminal']}. Times from process start. Under a pty the first frame is the first write after the switch to the alternate screen that reaches the last row; \"shown\" is the last byte before 1 s of quiet (data loaded and drawn); after a key, the last frame is the last byte before 0.5 s of quiet. Headless (`run_test`), a frame is a call of Textual's `App._display`. The keys at 1M are pressed in order: 2 (Calls), g (regroup), 1 (Overview), 7 (Contacts).")
        L.append("")
        for name, row in app["floor"].items():
            L.append(f"- import floor ({name}): `python -c \"{row['code']}\"`: median {fmt_s(row['median'])} of {len(row['seconds'])}")
        L.append("")
        L.append("| what | first frame | shown | 2 | g | 1 | 7 | runs | errors |")
        L.append("|---|---:|---:|---:|---:|---:|---:|---:|---|")
        for key, label in (("bundled_headless", "bundled table, headless"), ("bundled_pty", "bundled table, pty"), ("big_headless", "1M CSV, headless"), ("big_pty", "1M CSV, pty"), ("visidata_pty", "VisiData, 1M contacts.csv, pty")):
            rows = app.get(key)
            if not rows:
                continue
            shown = _median(rows, "settled") if "pty" in key else _median(rows, "loaded")
            cells = [fmt_s(_action(rows, k, 0)) if "big" in key else "" for k in ("2", "g", "1", "7")]
            errors = "; ".join(sorted({r["error"][:120] for r in rows if r.get("error")}))
            L.append(f"| {label} | {fmt_s(_median(rows, 'first_frame'))} | {fmt_s(shown)} | {' | '.join(cells)} | {len(rows)} | {errors} |")
        L.append("")
    if results.get("notes"):
        L.append("## Profiled, changed, and what remains")
        L.append("")
        L.append(results["notes"].strip())
        L.append("")
    return "\n".join(L) + "\n"


def write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description="Benchmark diplodash against DuckDB and pandas; write bench/RESULTS.md.")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--runs", type=int, default=5, help="timed runs per engine and size (median)")
    parser.add_argument("--pandas-runs-big", type=int, default=3, help="pandas runs at 10M (it takes tens of seconds a run)")
    parser.add_argument("--load-runs", type=int, default=3, help="runs of each load below 10M (one at 10M)")
    parser.add_argument("--app-runs", type=int, default=5)
    parser.add_argument("--app-big-runs", type=int, default=3)
    parser.add_argument("--skip-app", action="store_true")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--today", default=dt.date.today().isoformat(), help="the day open periods end (same for every engine)")
    parser.add_argument("--output", default=str(RESULTS))
    parser.add_argument("--out-dir", default=str(OUT_DIR), help="result tables and results.json go here")
    parser.add_argument("--report-only", action="store_true", help="only write RESULTS.md again from OUT_DIR/results.json (new notes)")
    parser.add_argument("--notes", default=str(Path(__file__).resolve().parent / "NOTES.md"), help="a Markdown file appended as the profiling notes")
    args = parser.parse_args(argv)
    sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    from bench.generate import SEED

    if args.report_only:
        results = json.loads((Path(args.out_dir) / "results.json").read_text())
        notes = Path(args.notes)
        results["notes"] = notes.read_text(encoding="utf-8") if notes.is_file() else ""
        write_atomic(Path(args.output), report(results))
        log(f"wrote {args.output} from {Path(args.out_dir) / 'results.json'}")
        return 0

    results: dict = {"argv": argv, "date": dt.datetime.now().astimezone().isoformat(timespec="minutes"), "seed": SEED, "load_start": load_average()}
    results["machine"], results["versions"] = machine(), versions()
    log(f"sizes {', '.join(size_label(n) for n in sizes)}; {args.runs} runs; data in {DATA_DIR}")
    ensure_data(sizes)
    out_dir = Path(args.out_dir)
    out_root = out_dir / "results"
    results["snapshot"], results["check"], results["load"] = {}, {}, {}
    for n in sizes:
        log(f"snapshot at {size_label(n)}")
        results["snapshot"][str(n)] = bench_snapshot(n, args.runs, args.today, args.pandas_runs_big, out_root)
        results["check"][str(n)] = cross_check(n, out_root)
        bad = {e: p for e, p in results["check"][str(n)]["agree"].items() if p}
        log(f"  cross-check: {'all engines agree' if not bad else bad}")
    if not args.skip_load:
        for n in sizes:
            log(f"load at {size_label(n)}")
            results["load"][str(n)] = bench_load(n, 1 if n >= BIG else args.load_runs)
    if not args.skip_app:
        log("the app")
        with_big = 1_000_000 in sizes or max(sizes) >= 1_000_000
        if with_big:
            generate(1_000_000, log=log)
        results["app"] = bench_app(args.app_runs, args.app_big_runs, with_big)
    results["load_end"] = load_average()
    results["targets"] = targets(results)
    notes = Path(args.notes)
    results["notes"] = notes.read_text(encoding="utf-8") if notes.is_file() else ""
    out_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(out_dir / "results.json", json.dumps(results, indent=1, default=str))
    text = report(results)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(output, text)
    log("")
    log("targets:")
    for name, measured, ok in results["targets"]:
        log(f"  [{'PASS' if ok else ('MISS' if ok is False else 'n/a ')}] {name}: {measured}")
    log(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
