"""Files that appear whole or not at all: write to a temporary name in the target folder, fsync, rename."""

from __future__ import annotations

import os
import re
import secrets
import shutil
from pathlib import Path

from diplodash.metrics.safefile import folder_lock, remove_stale, temp_name
from diplodash.metrics.safefile import fsync_dir as _fsync_dir

SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")


class ExportError(OSError):
    pass


def safe_name(name: str) -> str:
    """A file or folder name that cannot escape its folder: no separators, no '..', no leading dot."""
    if not SAFE_NAME.match(name) or ".." in name:
        raise ExportError(f"unsafe name {name!r}: use letters, digits, '.', '_' and '-', not starting with '.' and without '..'")
    return name


def write_file(path: Path, data: bytes | str) -> None:
    """Write one file atomically (never follows or replaces through a symlink at the final name)."""
    path = Path(path)
    if path.is_symlink():
        raise ExportError(f"{path}: refusing to write through a symbolic link")
    blob = data.encode("utf-8") if isinstance(data, str) else data
    tmp = temp_name(path)  # carries the pid: a killed writer's leftover is removed by the next run
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(blob)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


class AtomicFolder:
    """Build a folder under a temporary name beside its final place, then rename it into place.

    A crash or kill before ``commit`` leaves only a hidden ``.name.partial-<pid>-*`` folder, never a
    half-written snapshot under the final name, and the next writer in that folder removes it once its
    process is gone; an existing folder is never replaced. With ``unique`` the name is a stem: the
    first free ``name``, ``name-2``, ... is chosen at commit, under the folder's lock, so writers
    started in the same second each get their own folder.
    """

    def __init__(self, parent: Path, name: str, unique: bool = False):
        self.parent = Path(parent)
        self.name = safe_name(name)
        self.unique = unique
        try:
            self.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ExportError(f"cannot create export folder {self.parent}: {exc.strerror or exc}") from exc
        if not os.access(self.parent, os.W_OK):
            raise ExportError(f"export folder {self.parent} is not writable")
        remove_stale(self.parent)
        try:
            self.tmp = self.parent / f".{self.name}.partial-{os.getpid()}-{secrets.token_hex(4)}"
            os.mkdir(self.tmp, 0o755)
        except OSError as exc:
            raise ExportError(f"cannot write in {self.parent}: {exc.strerror or exc}") from exc

    def write(self, relative: str, data: bytes | str) -> Path:
        target = self.tmp / safe_name(relative)
        blob = data.encode("utf-8") if isinstance(data, str) else data
        try:
            with open(target, "xb") as handle:
                handle.write(blob)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise ExportError(f"cannot write {target.name} in {self.parent}: {exc.strerror or exc}") from exc
        return target

    def commit(self) -> Path:
        _fsync_dir(self.tmp)
        with folder_lock(self.parent):
            final = self.parent / (unique_name(self.parent, self.name) if self.unique else self.name)
            if final.exists() or final.is_symlink():
                raise ExportError(f"{final} already exists; snapshots are never overwritten")
            os.rename(self.tmp, final)
        _fsync_dir(self.parent)
        return final

    def abort(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> "AtomicFolder":
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is not None:
            self.abort()


def unique_name(parent: Path, stem: str) -> str:
    name, n = stem, 1
    while (Path(parent) / name).exists():
        n += 1
        name = f"{stem}-{n}"
    return name
