"""Results remembered between builds, by the hash of what made them.

After a one-paragraph edit most of a stage's work is the same as last time: the same
chapters through pandoc, the same index marks, the same font subsets.  A `Memo` keeps
each such result in the build folder (build/cache/<name>/<key>.pickle) under the hash
of everything the result depends on: the inputs the caller names, and a version
string for the code, templates and tools that shape it (`code_version`).  A result
is therefore only ever reused for exactly the inputs that made it, and a build from
the memo gives the bytes a clean build gives.

Safe against interruption: every entry is written atomically (scripts/core/atomic.py),
and an entry that cannot be read back (truncated, from another format, unpicklable)
counts as missing and is computed again.  Each memo drops, when asked (`prune`), the
entries the run did not use, so its folder holds one build's worth.

The PDF's laid-out parts have a cache of their own (scripts/books/pdf/parts.py), kept
as PDF files; this one is for Python values.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from scripts.core.atomic import write_bytes

T = TypeVar("T")

FOLDER = "cache"                # under the build folder
SUFFIX = ".pickle"
# Bumped when what an entry holds changes shape for every memo at once.
MEMO_FORMAT = 1
_MISSING = object()


def _digest(parts: Iterable[str | bytes]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode("utf-8")
        # The length first: ("ab", "c") and ("a", "bc") must not give one key.
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


PACKAGE = Path(__file__).resolve().parents[1]          # scripts/


@lru_cache(maxsize=None)
def code_version(*resources: Path) -> str:
    """A digest of the toolchain's own code (every source file of scripts/: any change to
    it changes every key, which costs a rebuild of the memo, never a stale result), of
    the pinned library versions (requirements.txt: lxml, fontTools, pyphen... shape the
    results too) and of the templates, stylesheets or other files named (a folder stands
    for its files)."""
    files = sorted(PACKAGE.rglob("*.py")) + sorted(PACKAGE.rglob("*.lua"))
    files += [lock for lock in (PACKAGE.parent / "requirements.txt",) if lock.is_file()]
    for resource in resources:
        files += sorted(p for p in resource.rglob("*") if p.is_file()) if resource.is_dir() else [resource]
    return _digest(part for path in files for part in (str(path), path.read_bytes()))


class Memo:
    """build/cache/<name>/<key>.pickle.  `folder` None remembers nothing (every value is
    computed), as a build without a build folder needs.  `shared`: the folder serves other
    builds too (scripts/content/pandoc_batch.py's ANTHOLOGY_PANDOC_CACHE), so this run's
    `prune` must not drop what they use."""

    def __init__(self, folder: Path | None, version: str, *, shared: bool = False):
        self.folder = folder
        self.version = version
        self.shared = shared
        self.used: set[str] = set()
        self.computed = 0             # how many values this run had to compute (for tests, reports)
        self.reused = 0

    @classmethod
    def in_build(cls, build: Path, name: str, version: str) -> Memo:
        return cls(build / FOLDER / name, version)

    def key(self, *parts: str | bytes) -> str:
        return _digest((str(MEMO_FORMAT), self.version, *parts))[:40]

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / f"{key}{SUFFIX}"

    def get(self, key: str) -> Any:
        """The remembered value, or `_MISSING` (never stored, or an entry that cannot be read)."""
        self.used.add(key)
        if self.folder is None:
            return _MISSING
        try:
            data = self._path(key).read_bytes()
            stored_key, value = pickle.loads(data)
        except Exception:             # missing, or damaged (as good as none): computed again
            return _MISSING
        return value if stored_key == key else _MISSING

    def put(self, key: str, value: Any) -> None:
        self.used.add(key)
        if self.folder is not None:
            write_bytes(self._path(key), pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL))

    def remember(self, parts: tuple[str | bytes, ...], compute: Callable[[], T]) -> T:
        """The value for these inputs: remembered, or computed now and remembered."""
        key = self.key(*parts)
        value = self.get(key)
        if value is _MISSING:
            value = compute()
            self.computed += 1
            self.put(key, value)
        else:
            self.reused += 1
        return value

    def prune(self) -> int:
        """Drop the entries this run did not use; return how many (none from a shared folder)."""
        if self.folder is None or self.shared or not self.folder.is_dir():
            return 0
        # (and what a killed build left of a write: atomic.py's temporary files)
        stale = [p for p in self.folder.iterdir()
                 if (p.name.endswith(SUFFIX) and p.name[:-len(SUFFIX)] not in self.used)
                 or (p.name.startswith(".") and p.name.endswith(".tmp"))]
        for path in stale:
            path.unlink(missing_ok=True)
        return len(stale)
