"""One line per stage with its time, and progress for the slow ones."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")


class StageLine:
    def __init__(self, name: str):
        self.name = name
        self.summary = ""


@contextmanager
def stage(name: str) -> Iterator[StageLine]:
    """Time a stage; print `[name] 0.42 s  summary` when it ends."""
    line = StageLine(name)
    start = time.perf_counter()
    yield line
    elapsed = time.perf_counter() - start
    print(f"[{name:<12}] {elapsed:6.2f} s  {line.summary}".rstrip(), flush=True)


def progress(items: Iterable[T], label: str, after_seconds: float = 2.0) -> Iterator[T]:
    """Yield items; once the loop has run for `after_seconds`, report every tenth on stderr."""
    items = list(items)
    total = len(items)
    step = max(1, total // 10)
    start = time.perf_counter()
    shown = False
    for done, item in enumerate(items, 1):
        yield item
        if (done % step == 0 or done == total) and time.perf_counter() - start > after_seconds:
            print(f"\r  {label}: {done}/{total}", end="", file=sys.stderr, flush=True)
            shown = True
    if shown:
        print(file=sys.stderr, flush=True)
