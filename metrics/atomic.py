"""Files that appear whole or not at all: write to a temporary name in the target folder, fsync, rename."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

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
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
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


def _fsync_dir(folder: Path) -> None:
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


class AtomicFolder:
    """Build a folder under a temporary name beside its final place, then rename it into place.

    A crash or kill before ``commit`` leaves only a hidden ``.name.partial-*`` folder, never a
    half-written snapshot under the final name; an existing folder is never replaced.
    """

    def __init__(self, parent: Path, name: str):
        self.parent = Path(parent)
        self.name = safe_name(name)
        try:
            self.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ExportError(f"cannot create export folder {self.parent}: {exc.strerror or exc}") from exc
        if not os.access(self.parent, os.W_OK):
            raise ExportError(f"export folder {self.parent} is not writable")
        try:
            self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.name}.partial-", dir=self.parent))
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
        final = self.parent / self.name
        if final.exists() or final.is_symlink():
            raise ExportError(f"{final} already exists; snapshots are never overwritten")
        _fsync_dir(self.tmp)
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
