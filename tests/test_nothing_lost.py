"""Issue 11, writes: an accept never loses a concurrent edit, never duplicates an account, and SIGTERM,
SIGHUP or a kill during a write leave nothing behind. Through the real entry point (``diplodash.cli.main``
in-process, or ``python -m diplodash`` in a subprocess), every case with a timeout so a hang fails fast."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixture_tables import ROOT, write_small_table
from diplodash.metrics.schema import CONTACTS, REPORTS

ARTICLES = {
    # text, --published: a new contact (2025-02-10), a report on c4 (2025-02-13), a Biden call (c3's day)
    "monday": ("Putin and Trump spoke by phone on Monday at Putin's request, the Kremlin said. The call lasted 50 minutes.\n", "2025-02-14"),
    "thursday": ("Putin and Trump spoke by phone on Thursday, the Kremlin said. The call lasted 40 minutes and was constructive.\n", "2025-02-14"),
    "biden": ("Putin and Biden spoke by phone on Saturday, the White House said. The call lasted an hour.\n", "2022-02-14"),
}


class Hang(Exception):
    pass


@contextmanager
def deadline(seconds: float):
    """Fail a test that takes longer than ``seconds`` (SIGALRM interrupts even a blocking open)."""
    fired = []

    def alarm(signum, frame):
        fired.append(True)
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert not fired, f"hung: more than {seconds} s"


def cli(capsys, *args: str, seconds: float = 60) -> tuple[int, str, str]:
    from diplodash.cli import main

    with deadline(seconds):
        code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def run(*args: str, timeout: float = 60, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "NO_COLOR": "1", **(env or {})}
    environment.pop("DIPLODASH_CONFIG", None)
    return subprocess.run([sys.executable, "-m", "diplodash", *args], capture_output=True, text=True, cwd=ROOT, env=environment, timeout=timeout)


def article(folder: Path, key: str) -> tuple[str, str]:
    text, published = ARTICLES[key]
    path = folder / f"{key}.txt"
    path.write_text(text, encoding="utf-8")
    return str(path), published


def rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def other_contact(n: int) -> str:
    """A valid contacts.csv line another program appends."""
    values = {"contact_id": f"other{n}", "date": f"2019-{1 + n % 12:02d}-{1 + n % 28:02d}", "date_precision": "day", "leader": "Vladimir Putin",
              "counterpart": "Donald Trump", "format": "phone", "status": "confirmed", "source_ids": "s1", "excerpt": f"appended by another program {n}"}
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([values.get(c, "") for c in CONTACTS.names])
    return buffer.getvalue()


def other_report(n: int) -> str:
    values = {"report_id": f"c1/other{n}", "contact_id": "c1", "source_ids": "s1", "side": "press", "excerpt": f"another program's account {n}"}
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([values.get(c, "") for c in REPORTS.names])
    return buffer.getvalue()


def leftovers(*folders: Path) -> list[str]:
    return [p.name for folder in folders if folder.exists() for p in folder.iterdir() if p.name.startswith(".")]


# ------------------------------------------------------------------------------ idempotent accept


def test_accepting_the_same_article_twice_appends_nothing_the_second_time(tmp_path, capsys):
    table = write_small_table(tmp_path / "table")
    path, published = article(tmp_path, "monday")
    code, out, err = cli(capsys, "--data", str(table), "extract", path, "--published", published, "--accept")
    assert code == 0, err
    assert "appended 4 row(s)" in out
    first = {p.name: p.read_bytes() for p in table.iterdir()}

    code, out, err = cli(capsys, "--data", str(table), "extract", path, "--published", published, "--accept", "--dry-run")
    assert code == 0, err
    assert "already in the table: putin-trump-2025-02-10/1, putin-trump-2025-02-10/2" in out
    assert "nothing to write" in out

    code, out, err = cli(capsys, "--data", str(table), "extract", path, "--published", published, "--accept")
    assert code == 0, err
    assert "already in the table" in out and "nothing to write" in out
    assert {p.name: p.read_bytes() for p in table.iterdir()} == first


def test_a_report_on_an_existing_contact_is_not_appended_twice(tmp_path, capsys):
    table = write_small_table(tmp_path / "table")
    path, published = article(tmp_path, "thursday")
    code, out, err = cli(capsys, "--data", str(table), "extract", path, "--published", published, "--accept")
    assert code == 0, err
    assert "new report on c4" in out
    reports = rows(table / "reports.csv")
    code, out, err = cli(capsys, "--data", str(table), "extract", path, "--published", published, "--accept")
    assert code == 0 and "already in the table: c4/2" in out
    assert rows(table / "reports.csv") == reports


# --------------------------------------------------------------------------- concurrent writers

APPENDER = r"""
import sys, time
path, count, pause = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
sys.path.insert(0, sys.argv[4])
from test_nothing_lost import other_contact
print("started", flush=True)
for n in range(count):
    with open(path, "a", encoding="utf-8") as handle:  # what a second terminal's `>>` does
        handle.write(other_contact(n))
    time.sleep(pause)
"""


def test_a_second_process_appending_during_accept_loses_nothing(tmp_path):
    table = write_small_table(tmp_path / "table")
    path, published = article(tmp_path, "monday")
    contacts = table / "contacts.csv"
    original = contacts.read_bytes()
    appender = subprocess.Popen(
        [sys.executable, "-c", APPENDER, str(contacts), "400", "0.01", str(Path(__file__).parent)],
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )
    try:
        assert appender.stdout.readline().strip() == "started"
        during = run("--data", str(table), "extract", path, "--published", published, "--accept", timeout=60)
        assert appender.wait(timeout=60) == 0
    finally:
        appender.kill()
    # Every row the other program wrote is there, once, in its order, after the original bytes.
    text = contacts.read_bytes()
    assert text.startswith(original)
    theirs = "".join(other_contact(n) for n in range(400))
    if during.returncode == 0:
        assert "appended" in during.stdout
        mine = [r for r in rows(contacts) if r[0].startswith("putin-trump-2025-02-10")]
        assert len(mine) == 1
        rest = text[len(original):].decode("utf-8")
        assert rest.replace(next(line for line in rest.splitlines(keepends=True) if line.startswith("putin-trump")), "", 1) == theirs
    else:
        # refused either when the table is loaded (it changed while read) or by the accept's own check
        assert during.returncode == 1, during.stderr
        assert ("changed since" in during.stderr and "nothing was written" in during.stderr) or "changed while it was read" in during.stderr, during.stderr
        assert "Traceback" not in during.stderr
        assert text == original + theirs.encode()
    assert not leftovers(table)

    # Once the other program is done, the accept goes through and keeps all of its rows.
    after = run("--data", str(table), "extract", path, "--published", published, "--accept", timeout=60)
    assert after.returncode == 0, after.stderr
    ids = [r[0] for r in rows(contacts)[1:]]
    assert all(ids.count(f"other{n}") == 1 for n in range(400))
    assert sum(1 for i in ids if i.startswith("putin-trump-2025-02-10")) == 1
    assert run("--data", str(table), "validate").returncode == 0


def test_a_write_into_the_old_file_after_the_check_is_put_back(tmp_path):
    """The narrowest race: another program's open handle writes into the old file between our last check
    and the rename. The accept is refused and their bytes are in the file."""
    from diplodash.metrics import safefile

    path = tmp_path / "contacts.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    expected = safefile.FileState.of(path)
    handle = open(path, "a", encoding="utf-8")  # opened before the accept, like a spreadsheet's
    real_replace = os.replace

    def racing(src, dst):
        handle.write("3,4\n")
        handle.flush()
        real_replace(src, dst)

    safefile.os.replace = racing
    try:
        with pytest.raises(safefile.FileChanged, match="changed since it was read"):
            safefile.checked_replace(path, b"a,b\n1,2\nours\n", expected)
    finally:
        safefile.os.replace = real_replace
        handle.close()
    assert path.read_text(encoding="utf-8") == "a,b\n1,2\n3,4\n"
    assert not leftovers(tmp_path)


# Random sequences of accept / append-by-another-program (also at any point inside an accept) / reload.
STEP = st.one_of(
    st.tuples(st.just("accept"), st.sampled_from(sorted(ARTICLES)), st.none()),
    st.tuples(st.just("append"), st.sampled_from(["contacts", "reports"]), st.none()),
    st.tuples(st.just("racing_accept"), st.sampled_from(sorted(ARTICLES)), st.tuples(st.sampled_from(["contacts", "reports"]), st.integers(0, 12))),
    st.tuples(st.just("reload"), st.none(), st.none()),
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(STEP, min_size=1, max_size=5))
def test_random_accepts_appends_and_reloads_never_lose_a_row(tmp_path_factory, capsys, steps):
    from diplodash.metrics import safefile
    from diplodash.config import load_config
    from diplodash.metrics.dataset import load_dataset

    base = tmp_path_factory.mktemp("run")
    table = write_small_table(base / "table")
    config = load_config(ROOT / "config.toml")
    files = {"contacts": table / "contacts.csv", "reports": table / "reports.csv"}
    theirs: dict[str, list[str]] = {"contacts": [], "reports": []}
    counter = [0]

    def append(name: str) -> None:
        counter[0] += 1
        line = other_contact(counter[0]) if name == "contacts" else other_report(counter[0])
        with open(files[name], "a", encoding="utf-8") as handle:
            handle.write(line)
        theirs[name].append(line)

    for kind, what, race in steps:
        before = {name: path.read_bytes() for name, path in files.items()}
        if kind == "append":
            append(what)
        elif kind == "reload":
            dataset = load_dataset(config, table)
            for name, path in files.items():
                assert getattr(dataset, name).height == len(rows(path)) - 1
        else:
            path, published = article(base, what)
            real_of = safefile.FileState.of.__func__
            calls = [0]

            def hooked(cls, target, calls=calls, race=race, real_of=real_of):  # another program writes at the race's chosen moment of the accept
                calls[0] += 1
                if race is not None and calls[0] == race[1] + 1:
                    append(race[0])
                return real_of(cls, target)

            if kind == "racing_accept":
                safefile.FileState.of = classmethod(hooked)
            try:
                code, out, err = cli(capsys, "--data", str(table), "extract", path, "--published", published, "--accept")
            finally:
                safefile.FileState.of = classmethod(real_of)
            assert code in (0, 1), err
            assert "Traceback" not in err
            if code == 1:
                assert "changed since" in err
        # Count and content: everything that was there is still there, in order, and every row the other
        # program wrote is in its file exactly once; nothing accepted twice; the table still validates.
        for name, path in files.items():
            now = path.read_bytes()
            assert now.startswith(before[name]) or all(line.encode() in now for line in before[name].decode().splitlines(keepends=True))
            text = now.decode("utf-8")
            for line in theirs[name]:
                assert text.count(line) == 1, (name, line)
        keys = [tuple(r[1:8]) for r in rows(files["reports"])[1:] if r[0] and "other" not in r[0]]
        assert len(keys) == len(set(keys))
        ids = [r[0] for r in rows(files["contacts"])[1:]]
        assert len(ids) == len(set(ids))
        load_dataset(config, table)  # raises DataError if anything became invalid
        assert not leftovers(table)


# ------------------------------------------------------------------------------------- signals

SLOW_EXPORT = r"""
import os, sys, time
os.environ["DIPLODASH_CACHE_DIR"] = "off"  # only the export writes through AtomicFolder here
import diplodash.metrics.atomic as atomic
real = atomic.AtomicFolder.write
def slow(self, relative, data):
    print("writing", flush=True)
    time.sleep(0.2)
    return real(self, relative, data)
atomic.AtomicFolder.write = slow
from diplodash.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_during_an_export_leaves_nothing_behind(tmp_path, sig):
    out = tmp_path / "exports"
    process = subprocess.Popen([sys.executable, "-c", SLOW_EXPORT, "export", "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert process.stdout.readline().strip() == "writing"
        assert any(p.name.startswith(".snapshot-") for p in out.iterdir())  # the temporary folder exists now
        process.send_signal(sig)
        _, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert list(out.iterdir()) == []


def test_a_killed_export_leaves_a_temporary_the_next_run_removes(tmp_path):
    out = tmp_path / "exports"
    process = subprocess.Popen([sys.executable, "-c", SLOW_EXPORT, "export", "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert process.stdout.readline().strip() == "writing"
        process.kill()  # SIGKILL: no handler runs
        process.wait(timeout=30)
    finally:
        process.kill()
    assert [p.name for p in out.iterdir() if ".partial-" in p.name]
    done = run("export", "--out", str(out))
    assert done.returncode == 0, done.stderr
    names = [p.name for p in out.iterdir()]
    assert len(names) == 1 and names[0].startswith("snapshot-"), names


def test_exports_started_in_the_same_second_are_both_written(tmp_path):
    out = tmp_path / "exports"
    command = [sys.executable, "-m", "diplodash", "export", "--out", str(out)]
    env = {k: v for k, v in os.environ.items() if k != "DIPLODASH_CONFIG"}
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env) for _ in range(3)]
    results = [p.communicate(timeout=90) + (p.returncode,) for p in processes]
    assert [code for _, _, code in results] == [0, 0, 0], [err for _, err, _ in results]
    folders = sorted(Path(o.strip()).name for o, _, _ in results)
    assert len(set(folders)) == 3
    assert sorted(p.name for p in out.iterdir()) == folders
    for name in folders:
        assert (out / name / "manifest.json").is_file()


def test_a_signal_during_accept_leaves_the_table_whole(tmp_path):
    table = write_small_table(tmp_path / "table")
    before = {p.name: p.read_bytes() for p in table.iterdir()}
    path, published = article(tmp_path, "monday")
    slow_accept = r"""
import sys, time
import diplodash.metrics.safefile as safefile
real = safefile.checked_replace
def slow(path, data, expected):
    print("writing", flush=True)
    time.sleep(0.3)
    return real(path, data, expected)
import diplodash.extract.accept as accept
accept.checked_replace = slow
from diplodash.cli import main
sys.exit(main(sys.argv[1:]))
"""
    process = subprocess.Popen([sys.executable, "-c", slow_accept, "--data", str(table), "extract", path, "--published", published, "--accept"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        seen = 0
        while seen < 2:  # the second file is being written: the first one is already replaced
            line = process.stdout.readline()
            assert line, process.stderr.read()
            seen += line.strip() == "writing"
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 130, err
    assert {p.name: p.read_bytes() for p in table.iterdir()} == before  # all files or none
    assert not leftovers(table)
