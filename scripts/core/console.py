"""One line per stage with its time, and progress for the slow ones."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TextIO, TypeVar

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


class Progress:
    """Progress of a long stage on stderr, shown once it has run `after` seconds: a bar
    redrawn in place when stderr is a terminal; otherwise (a CI log, a pipe) a plain line at
    most every `every` seconds, so a log gets a few lines, not one per item.  `update` takes
    how many of `total` are done and a few words on the rest ("87 pages so far")."""

    WIDTH = 24

    def __init__(self, label: str, total: int, unit: str, *, stream: TextIO | None = None,
                 after: float = 1.0, every: float = 5.0, terminal: bool | None = None):
        self.label, self.total, self.unit = label, total, unit
        self.stream = stream or sys.stderr
        self.terminal = self.stream.isatty() if terminal is None else terminal
        self.after, self.every = after, every
        self.start = time.perf_counter()
        self.shown_at: float | None = None       # when a line or the bar was last written
        self.width = 0                           # of the bar's line, to clear it at the end

    def update(self, done: int, detail: str = "") -> None:
        now = time.perf_counter()
        if now - self.start < self.after:
            return
        if self.terminal:
            if self.shown_at is not None and now - self.shown_at < 0.1 and done < self.total:
                return                            # ten redraws a second are plenty
            filled = round(self.WIDTH * done / self.total) if self.total else self.WIDTH
            line = (f"  {self.label} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{self.total} "
                    f"{self.unit}" + (f", {detail}" if detail else ""))
            self.stream.write("\r" + line.ljust(self.width))
            self.width = max(self.width, len(line))
        else:
            if self.shown_at is not None and now - self.shown_at < self.every:
                return
            self.stream.write(f"  {self.label}: {done}/{self.total} {self.unit}"
                              + (f", {detail}" if detail else "") + f" ({now - self.start:.0f} s)\n")
        self.stream.flush()
        self.shown_at = now

    def close(self) -> None:
        """Take the bar off the line, so the stage's own line follows on a clean one."""
        if self.terminal and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


def progress(items: Iterable[T], label: str, after_seconds: float = 2.0) -> Iterator[T]:
    """Yield items, showing how many are done once the loop has run for `after_seconds`."""
    items = list(items)
    shown = Progress(label, len(items), "done", after=after_seconds)
    try:
        for done, item in enumerate(items, 1):
            yield item
            shown.update(done)
    finally:
        shown.close()
