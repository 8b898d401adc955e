"""From the user's files to the overview, cold, each in its own process: diplodash against a DuckDB script.

    python -m bench.e2e --sizes 100k,1M [--runs 1] [--output bench/RESULTS-e2e.md]

Per size and format (the generator's CSV and Parquet folders of SYNTHETIC tables), three kinds of process:

- ``diplodash``: ``diplodash metrics overview --format csv`` on the folder, the derived-table cache off (cold).
- ``duckdb``: a short SQL script a user could write instead, over the same files: per period contacts and
  calls, initiator shares from the accounts' claims, median and mean minutes from the figures in the wording,
  and the count of each tone label's words.
- ``polars-floor``: polars reading the contacts and accounts files and nothing else (CSV: every cell as text).

Each process's wall time and peak RSS (``ru_maxrss`` from ``os.wait4``) are recorded. The per-period contacts
and calls of the DuckDB script must equal diplodash's, or the run fails.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.generate import DATA_DIR, LABELS, TONE, config_path, generate, parse_size, periods, size_label, table_dir

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
DIPLODASH = str(Path(PY).with_name("diplodash"))
RESULTS = Path(__file__).resolve().parent / "RESULTS-e2e.md"
CALL_FORMATS = ("phone", "video_call")  # the overview counts multi-party calls apart (metrics/schema.py CALLS)
NO_PERIOD = "(no period)"


def run(argv: list[str], env: dict | None = None, timeout: float = 3600.0) -> tuple[str, float, int, float]:
    """Run a process to completion: its stdout, wall seconds, peak RSS in KiB and CPU seconds (user + system)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(argv, stdout=out, stderr=err, cwd=ROOT, env={**os.environ, **(env or {})})
        deadline = time.time() + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.time() > deadline:
                proc.kill()
            time.sleep(0.005)
        seconds = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
        if code != 0:
            err.seek(0)
            raise RuntimeError(f"{' '.join(argv[:4])} failed ({code}):\n{err.read().decode('utf-8', 'replace')[-2000:]}")
    return text, seconds, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


# ------------------------------------------------------------------------------------------ the DuckDB script


def _sql_list(values) -> str:
    return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"


def duckdb_script(folder: Path, fmt: str) -> str:
    """The SQL a user could write over the folder's two files; one row per period."""
    if fmt == "csv":
        contacts = f"read_csv('{folder / 'contacts.csv'}', all_varchar = true)"
        reports = f"read_csv('{folder / 'reports.csv'}', all_varchar = true)"
        day = "CAST(CASE length(date) WHEN 4 THEN date || '-01-01' WHEN 7 THEN date || '-01' ELSE date END AS DATE)"
    else:
        contacts = f"read_parquet('{folder / 'contacts.parquet'}')"
        reports = f"read_parquet('{folder / 'reports.parquet'}')"
        day = "date"
    cases = []
    for name, counterpart, start, end in periods():
        cond = f"counterpart = '{counterpart}' AND d >= DATE '{start}'" + (f" AND d < DATE '{end}'" if end else "")
        cases.append(f"WHEN {cond} THEN '{name}'")
    period = f"CASE {' '.join(cases)} ELSE '{NO_PERIOD}' END"
    tone_counts = ",\n       ".join(
        f"sum(CASE WHEN regexp_matches(tones, '{'|'.join(w.replace(chr(39), chr(39) * 2) for w in TONE[label][1])}') THEN 1 ELSE 0 END) AS tone_{label}"
        for label in LABELS
    )
    minutes = (
        "CASE WHEN regexp_matches(duration_text, '(\\d+) hours? (\\d+) minutes') THEN "
        "60 * CAST(regexp_extract(duration_text, '(\\d+) hours?', 1) AS INTEGER) + CAST(regexp_extract(duration_text, '(\\d+) minutes', 1) AS INTEGER) "
        "WHEN regexp_matches(duration_text, '^an hour') THEN 60 "
        "WHEN regexp_matches(duration_text, '(\\d+) hours?') THEN 60 * CAST(regexp_extract(duration_text, '(\\d+) hours?', 1) AS INTEGER) "
        "WHEN regexp_matches(duration_text, '(\\d+)[ -]min') THEN CAST(regexp_extract(duration_text, '(\\d+)[ -]min', 1) AS INTEGER) END"
    )
    return f"""
WITH c AS (SELECT contact_id, counterpart, format, status, {day} AS d FROM {contacts}),
r AS (SELECT contact_id, initiator_claim, {minutes} AS minutes, tone_text FROM {reports}),
per AS (
  SELECT contact_id,
         count(DISTINCT initiator_claim) AS claims, any_value(initiator_claim) AS claim,
         median(minutes) AS minutes, string_agg(tone_text, ' ') AS tones
  FROM r GROUP BY contact_id)
SELECT {period} AS period, count(*) AS contacts,
       count(*) FILTER (WHERE format IN {_sql_list(CALL_FORMATS)}) AS calls,
       avg(CASE WHEN per.claims = 1 AND per.claim = 'leader' THEN 1.0 ELSE 0.0 END) AS initiated_leader,
       avg(CASE WHEN per.claims = 1 AND per.claim = 'counterpart' THEN 1.0 ELSE 0.0 END) AS initiated_counterpart,
       median(per.minutes) AS median_minutes, avg(per.minutes) AS mean_minutes,
       {tone_counts}
FROM c LEFT JOIN per USING (contact_id)
WHERE status = 'confirmed'
GROUP BY ALL ORDER BY period"""


def duckdb_main(folder: str, fmt: str) -> int:
    import duckdb

    rows = duckdb.sql(duckdb_script(Path(folder), fmt)).fetchall()
    print(json.dumps({"periods": {row[0]: [row[1], row[2]] for row in rows}}))
    return 0


def floor_main(folder: str, fmt: str) -> int:
    import polars as pl

    base = Path(folder)
    if fmt == "csv":
        frames = [pl.read_csv(base / f"{name}.csv", infer_schema=False) for name in ("contacts", "reports")]
    else:
        frames = [pl.read_parquet(base / f"{name}.parquet") for name in ("contacts", "reports")]
    print(json.dumps({"rows": [f.height for f in frames]}))
    return 0


# ------------------------------------------------------------------------------------------ the driver


def diplodash_periods(text: str) -> dict[str, list[int]]:
    found = {}
    for row in csv.DictReader(io.StringIO(text)):
        found[row["group"]] = [int(row["contacts"]), int(row["calls"])]
    return found


def bench_one(n: int, fmt: str, runs: int, today: str, log=print) -> dict:
    folder = table_dir(n, fmt)
    config = str(config_path())
    rows: dict[str, list[dict]] = {"diplodash": [], "duckdb": [], "polars-floor": []}
    agree = None
    for index in range(runs):
        order = ["diplodash", "duckdb", "polars-floor"]
        order = order[index % 3:] + order[: index % 3]
        for engine in order:
            if engine == "diplodash":
                argv = [DIPLODASH, "--config", config, "--data", str(folder), "metrics", "overview", "--format", "csv", "--as-of", today]
                text, seconds, rss, cpu = run(argv, env={"DIPLODASH_CACHE_DIR": "off"})
                got = diplodash_periods(text)
            else:
                kind = "duckdb" if engine == "duckdb" else "floor"
                text, seconds, rss, cpu = run([PY, "-m", "bench.e2e", "--child", kind, str(folder), fmt])
                got = json.loads(text.strip().splitlines()[-1]).get("periods")
            rows[engine].append({"seconds": seconds, "rss_kib": rss, "cpu": cpu})
            if engine == "diplodash":
                mine = got
            elif engine == "duckdb":
                theirs = got
            log(f"  {size_label(n)} {fmt} {engine}: {seconds:.2f} s wall, {cpu:.2f} s CPU, {rss / 1024:.0f} MiB")
        agree = mine == theirs
        if not agree:
            raise SystemExit(f"per-period contacts/calls differ at {size_label(n)} {fmt}:\ndiplodash {mine}\nduckdb    {theirs}")
    return {"rows": rows, "agree": agree, "periods": mine}


def _median(values):
    values = sorted(values)
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def versions() -> str:
    from importlib import metadata

    parts = [f"python {sys.version.split()[0]}"]
    for name in ("diplodash", "polars", "duckdb", "pyarrow"):
        try:
            parts.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name} (absent)")
    return ", ".join(parts)


def report(results: dict) -> str:
    lines = [
        "# diplodash from the user's files vs a DuckDB script",
        "",
        f"Written by `python -m bench.e2e` on {results['date']}. Tables are **SYNTHETIC** (bench/generate.py); no real contacts.",
        "Each figure is one process, cold (`diplodash metrics overview --format csv`, derived-table cache off), timed from",
        "spawn to exit; CPU is the process's user + system time, less disturbed than wall time on a shared machine (where",
        "CPU is far below wall, the process was waiting for a core); peak memory is the process's `ru_maxrss`. Median over the runs.",
        "",
        "## Ratios (diplodash over DuckDB on the same files)",
        "",
        "| contacts | format | time ratio (wall) | CPU time ratio | peak memory ratio | diplodash / polars read floor (wall) | target |",
        "|---:|---|---:|---:|---:|---:|---|",
    ]
    for key, entry in results["sizes"].items():
        m = {e: (_median([r["seconds"] for r in rows]), _median([r["rss_kib"] for r in rows])) for e, rows in entry["rows"].items()}
        t, mem = m["diplodash"][0] / m["duckdb"][0], m["diplodash"][1] / m["duckdb"][1]
        cpu = _median([r["cpu"] for r in entry["rows"]["diplodash"]]) / _median([r["cpu"] for r in entry["rows"]["duckdb"]])
        target = "time <= 1.0x, memory <= 1.5x: " + ("pass" if t <= 1.0 and mem <= 1.5 else "miss")
        lines.append(f"| {key.split('-')[0]} | {key.split('-')[1]} | {t:.2f}x | {cpu:.2f}x | {mem:.2f}x | {m['diplodash'][0] / m['polars-floor'][0]:.2f}x | {target} |")
    for n in sorted({k.split("-")[0] for k in results["sizes"]}):
        csv_key, pq_key = f"{n}-csv", f"{n}-parquet"
        if csv_key in results["sizes"] and pq_key in results["sizes"]:
            c = _median([r["seconds"] for r in results["sizes"][csv_key]["rows"]["diplodash"]])
            p = _median([r["seconds"] for r in results["sizes"][pq_key]["rows"]["diplodash"]])
            lines.append(f"\nAt {n}: diplodash from Parquet takes {p / c:.2f}x its CSV time (target <= 0.5x: {'pass' if p / c <= 0.5 else 'miss'}).")
    lines += ["", "## Each process", "", "| contacts | format | process | median wall | median CPU | peak memory | runs |", "|---:|---|---|---:|---:|---:|---:|"]
    for key, entry in results["sizes"].items():
        for engine, rows in entry["rows"].items():
            lines.append(f"| {key.split('-')[0]} | {key.split('-')[1]} | {engine} | {_median([r['seconds'] for r in rows]):.2f} s | {_median([r['cpu'] for r in rows]):.2f} s | {_median([r['rss_kib'] for r in rows]) / 1024:.0f} MiB | {len(rows)} |")
    lines += ["", "Cross-check: the DuckDB script's per-period contacts and calls equal diplodash's at every size and format above"
              " (the run stops otherwise).", "", "## Machine", "",
              f"- versions: {results['versions']}", f"- CPUs: {os.cpu_count()}",
              f"- load average at start / end: {results['load_start']} / {results['load_end']} (the machine is shared; figures carry that noise)",
              f"- sizes not run: {results['skipped']}", ""]
    notes = Path(__file__).resolve().parent / "NOTES-e2e.md"
    if notes.is_file():
        lines += [notes.read_text(encoding="utf-8")]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        kind, folder, fmt = argv[1:4]
        return duckdb_main(folder, fmt) if kind == "duckdb" else floor_main(folder, fmt)
    parser = argparse.ArgumentParser(description="diplodash from the files vs a DuckDB script, cold, each in its own process.")
    parser.add_argument("--sizes", default="100k,1m")
    parser.add_argument("--formats", default="csv,parquet")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--today", default=dt.date.today().isoformat())
    parser.add_argument("--output", default=str(RESULTS))
    parser.add_argument("--skipped", default="10M: not run (time)", help="what the report says about sizes left out")
    parser.add_argument("--report-only", action="store_true", help="write the report again from the last run's results (new notes)")
    args = parser.parse_args(argv)
    if args.report_only:
        results = json.loads((DATA_DIR / "e2e-results.json").read_text())
        _write(Path(args.output), report(results))
        return 0
    results = {"date": dt.datetime.now().astimezone().isoformat(timespec="minutes"), "load_start": load_average(), "versions": versions(), "sizes": {}, "skipped": args.skipped}
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    for n in (parse_size(s) for s in args.sizes.split(",") if s.strip()):
        generate(n, formats=tuple(formats))
        for fmt in formats:
            results["sizes"][f"{size_label(n)}-{fmt}"] = bench_one(n, fmt, args.runs, args.today)
    results["load_end"] = load_average()
    _write(DATA_DIR / "e2e-results.json", json.dumps(results, indent=1))
    _write(Path(args.output), report(results))
    return 0


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    print(f"wrote {path}")


if __name__ == "__main__":
    sys.exit(main())
