"""Atomic file writes: a reader (or an interrupted build) never sees half a file."""

from __future__ import annotations

import fcntl
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scripts.core.errors import cannot_write


def file_mode() -> int:
    """The mode an ordinary new file gets (0644 under the usual umask 022): mkstemp makes
    its file 0600, which a web server running as another user could not serve."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_bytes(path: Path | str, data: bytes) -> None:
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise cannot_write(path, error) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, file_mode())
        os.replace(tmp, path)
    except BaseException as error:
        if os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(error, OSError):
            raise cannot_write(path, error) from None
        raise


@contextmanager
def writing(path: Path | str) -> Iterator[None]:
    """For what changes the build folder other than `write_bytes` (a link replaced, a file
    removed, a time set, a folder made): an OSError becomes the UserError write_bytes gives,
    naming `path` (the file the editor would look for, not a temporary name)."""
    try:
        yield
    except OSError as error:
        raise cannot_write(path, error) from None


def write_text(path: Path | str, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


@contextmanager
def build_lock(build: Path) -> Iterator[None]:
    """One stage at a time in a build folder.  Two `make` runs in one tree each run
    their stages under this lock, so they never write one file at once; every write
    is atomic, so neither ever reads the other's half-written file."""
    lock = build / ".lock"
    with writing(lock):
        build.mkdir(parents=True, exist_ok=True)
        handle = open(lock, "a")
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for another build in {build}/ to finish its stage ...", file=sys.stderr, flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
