"""Reading only what is a regular file, within a size limit; replacing a file only while it is still
exactly what was read; one advisory lock per folder for diplodash's own writers.

- ``read_regular`` opens without blocking (a FIFO named like an article or a config never hangs), refuses
  FIFOs, devices, sockets and folders by name, and reads at most ``limit`` bytes (``/dev/zero`` or a huge
  file is refused, never read into memory).
- ``FileState`` is what a plan was computed from (size, mtime, sha256); ``checked_replace`` re-checks it
  just before the rename and, after the rename, checks that nobody wrote into the old file in between
  (another program appending with its own open file): if so, their bytes are put back and the change is
  refused. Nothing written by someone else is ever lost.
- ``folder_lock`` is an advisory ``flock`` on the folder itself (no lock file is left behind).
- Temporary names carry the writer's pid (``.<name>.<pid>-<random>.tmp``); ``remove_stale`` deletes those
  whose process is gone, so even a SIGKILL leaves nothing behind after the next run.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import re
import secrets
import shutil
import stat
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

MiB = 1024 * 1024
_LAST_FILE: list[str | None] = [None]


def note_file(path) -> None:
    """Remember the file being read, so an unexpected error can name it (see diplodash.errors)."""
    _LAST_FILE[0] = str(path)


def last_file() -> str | None:
    return _LAST_FILE[0]


class UnsafeFile(OSError):
    """A path that exists but is not a readable regular file, or is over its size limit."""

    def __init__(self, path, message: str):
        super().__init__(message)
        self.path = str(path)
        self.message = message

    def __str__(self) -> str:
        return self.message


class FileChanged(OSError):
    """A file changed after the plan was computed from it: nothing was written."""


class LockBusy(OSError):
    pass


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def kind_of(mode: int) -> str | None:
    """What a non-regular file is ('a folder', 'a named pipe (FIFO)', ...); None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def not_regular(path: Path) -> str | None:
    """Why ``path`` (which exists or is a dangling/looping link) is not a regular file, or None."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "is a symbolic link loop"
        if exc.errno == errno.ENOENT and os.path.islink(path):
            return f"is a symbolic link to nothing ({os.readlink(path)})"
        if exc.errno == errno.EACCES:
            return "permission denied"
        return f"cannot be read: {exc.strerror or exc}"
    kind = kind_of(mode)
    if kind is None:
        return None
    link = " (through a symbolic link)" if os.path.islink(path) else ""
    return f"is {kind}{link}, not a regular file"


def read_regular(path, limit: int | None = None, what: str = "file", limit_hint: str = "") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; UnsafeFile naming the path otherwise.

    FileNotFoundError and PermissionError pass through for the caller's own wording.
    """
    path = Path(path)
    note_file(path)
    a_what = f"{'an' if what[:1] in 'aeiou' else 'a'} {what}"
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnsafeFile(path, f"{path}: is a symbolic link loop") from None
        if exc.errno == errno.ENXIO:  # a socket
            raise UnsafeFile(path, f"{path}: is a socket, not a regular file") from None
        raise
    try:
        info = os.fstat(fd)
        kind = kind_of(info.st_mode)
        if kind is not None:
            raise UnsafeFile(path, f"{path}: is {kind}, not a regular {what}")
        if limit is not None and info.st_size > limit:
            raise UnsafeFile(path, f"{path}: {info.st_size} bytes is over the limit for {a_what} ({limit} bytes){limit_hint}")
        chunks, total = [], 0
        cap = (limit + 1) if limit is not None else None
        while True:
            block = os.read(fd, 1 << 20 if cap is None else min(1 << 20, cap - total))
            if not block:
                break
            chunks.append(block)
            total += len(block)
            if cap is not None and total >= cap:
                raise UnsafeFile(path, f"{path}: grew over the limit for {a_what} ({limit} bytes) while it was read{limit_hint}")
        return b"".join(chunks)
    finally:
        os.close(fd)


# ------------------------------------------------------------------------------ checked replace


@dataclass(frozen=True)
class FileState:
    """What a file was when a plan was computed from it (``exists=False``: it did not exist)."""

    exists: bool
    size: int = 0
    mtime_ns: int = 0
    sha256: str = ""

    @classmethod
    def of(cls, path: Path) -> "FileState":
        state, _ = cls.read(path)
        return state

    @classmethod
    def read(cls, path: Path) -> tuple["FileState", bytes]:
        """The state and the bytes, read consistently (retried if the file changes while read)."""
        note_file(path)
        for _ in range(20):
            try:
                with open(path, "rb") as handle:
                    first = os.fstat(handle.fileno())
                    if not stat.S_ISREG(first.st_mode):
                        raise UnsafeFile(path, f"{path}: {not_regular(Path(path)) or 'is not a regular file'}")
                    data = handle.read()
                    second = os.fstat(handle.fileno())
            except FileNotFoundError:
                return cls(False), b""
            if (first.st_size, first.st_mtime_ns) == (second.st_size, second.st_mtime_ns) == (len(data), second.st_mtime_ns):
                return cls(True, len(data), second.st_mtime_ns, hashlib.sha256(data).hexdigest()), data
            time.sleep(0.01)
        raise FileChanged(f"{path} keeps changing while it is read; try again once it is saved")

    def same_content(self, other: "FileState") -> bool:
        return (self.exists, self.size, self.sha256) == (other.exists, other.size, other.sha256)

    def describe(self) -> str:
        return f"{self.size} bytes" if self.exists else "absent"


def _changed_message(path: Path, expected: FileState, now: FileState) -> str:
    return (
        f"{path} changed since it was read ({expected.describe()} then, {now.describe()} now): another program "
        "wrote to it; nothing was written. Run the command again to include its change"
    )


def temp_name(path: Path) -> Path:
    return path.parent / f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp"


def _write_temp(path: Path, data: bytes) -> Path:
    tmp = temp_name(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o644)
    try:
        try:
            shutil.copymode(path, tmp)
        except OSError:
            pass
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    return tmp


def checked_replace(path: Path, data: bytes, expected: FileState) -> FileState:
    """Replace ``path`` with ``data`` only if it is still ``expected``; the new file's state.

    Raises FileChanged (writing nothing, or putting back what another program wrote) otherwise.
    """
    path = Path(path)
    if path.is_symlink():
        raise FileChanged(f"{path}: refusing to write through a symbolic link")
    tmp = _write_temp(path, data)
    held = None
    try:
        if expected.exists:
            try:
                held = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
            except FileNotFoundError:
                raise FileChanged(_changed_message(path, expected, FileState(False))) from None
            before = os.fstat(held)
        now = FileState.of(path)
        if not now.same_content(expected) or (expected.exists and (before.st_size != expected.size)):
            raise FileChanged(_changed_message(path, expected, now))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        if held is not None:
            os.close(held)
        raise
    fsync_dir(path.parent)
    if held is None:
        return FileState.of(path)
    try:
        after = os.fstat(held)
        if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
            # Someone wrote into the old file between the check and the rename (their handle was
            # already open): put their bytes back, keep ours out, and refuse.
            os.lseek(held, 0, os.SEEK_SET)
            old = b"".join(iter(lambda: os.read(held, 1 << 20), b""))
            current = Path(path).read_bytes()
            tail = current[len(data) :] if current.startswith(data) else b""
            write_bytes(path, old + tail)
            raise FileChanged(_changed_message(path, expected, FileState(True, len(old))))
    finally:
        os.close(held)
    return FileState.of(path)


def write_bytes(path: Path, data: bytes) -> None:
    """Replace a file atomically (temporary file with the pid in its name, fsync, rename)."""
    path = Path(path)
    tmp = _write_temp(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def take_back(path: Path, ours: bytes, before: bytes) -> bool:
    """Undo our replacement of ``path`` (``before`` -> ``ours``) keeping whatever was appended since.

    Returns False when the file no longer starts with our bytes (then it is left alone).
    """
    current = Path(path).read_bytes() if Path(path).exists() else b""
    if not current.startswith(ours):
        return False
    write_bytes(path, before + current[len(ours) :])
    return True


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ------------------------------------------------------------------------------------- locking


@contextmanager
def folder_lock(folder: Path, timeout: float = 10.0):
    """An exclusive advisory lock on ``folder`` for diplodash's writers (waits up to ``timeout`` s)."""
    folder = Path(folder)
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockBusy(f"another diplodash is writing in {folder}; try again when it is done") from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing releases the lock


# ----------------------------------------------------------------------------- stale temporaries

_STALE = re.compile(r"^\..+\.(?:partial-)?(\d+)-[0-9a-f]{8}(?:\.tmp)?$")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(folder: Path) -> list[Path]:
    """Delete temporaries (``.name.<pid>-<hex>.tmp``, ``.name.partial-<pid>-<hex>``) of dead processes."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        m = _STALE.match(entry.name)
        if not m or _alive(int(m.group(1))):
            continue
        path = Path(entry.path)
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
        except OSError:
            pass
    return removed
