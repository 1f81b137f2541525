"""A time limit on every stage, so no input can make a build run forever.

Every stage's work grows with its input, and some inputs (a scrape that lost its line
breaks, a page of a hundred thousand paragraphs) make it crawl; a bug can make it loop.
Either way the editor must get an answer, not a terminal that never returns: past its
limit a stage stops with a UserError naming the stage and what it was working on.

Two mechanisms, because not every loop can be interrupted the same way:

- SIGALRM raises `_Expired` in the main thread, wherever Python code is running (the
  `re` engine checks for signals too), so the stage unwinds: its atomic writes leave no
  temporary file, and the command line prints the error;
- a watchdog thread ends the process (exit 2, the same message) a little later, for a
  loop inside a C library that never returns to Python.

Stages say what they are working on with `working_on(...)` (the split stage names each
source, the text stages each article), so the message points at the input to look at.
ANTHOLOGY_TIME_LIMIT sets the limit in seconds (0: none), e.g. for a very large book.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from scripts.core.errors import UserError

ENVIRONMENT = "ANTHOLOGY_TIME_LIMIT"
# Far above what any stage takes on a real blog (a 1,000-post book's text stages take
# seconds, its EPUB under a minute, its PDF a few minutes on two cores): only an input
# that makes a stage crawl or loop reaches it.
DEFAULT_SECONDS = 1800
GRACE_SECONDS = 30              # the watchdog's wait after the signal, for C code to return

_working_on: list[str] = []


class _Expired(BaseException):
    """Raised by the alarm: a BaseException, so no `except Exception` in a stage can
    swallow it on the way out."""


@contextmanager
def working_on(what: str) -> Iterator[None]:
    """Name the input a stage is busy with ("sources/archive.txt", "slug (file:line)")."""
    _working_on.append(what)
    try:
        yield
    finally:
        _working_on.pop()


def seconds_allowed() -> float:
    given = os.environ.get(ENVIRONMENT, "").strip()
    if not given:
        return DEFAULT_SECONDS
    try:
        value = float(given)
    except ValueError:
        raise UserError(f"{ENVIRONMENT} is '{given}', not a number of seconds",
                        hint=f"set it to the seconds a stage may take, e.g. {ENVIRONMENT}=3600, "
                             "or 0 for no limit") from None
    if value < 0:
        raise UserError(f"{ENVIRONMENT} is negative ({given})", hint="give a number of seconds, or 0 for no limit")
    return value


def _exceeded(stage: str, seconds: float, where: str) -> UserError:
    return UserError(f"the {stage} stage was stopped after {seconds:g} s, still working on {where}",
                     hint=f"something in {where} makes the stage crawl or loop (a paragraph of millions of "
                          f"characters, a scrape that lost its line breaks): check it, or, for a very large "
                          f"book, allow more time with {ENVIRONMENT}=<seconds> (0: no limit)")


@contextmanager
def time_limit(stage: str, inputs: str, seconds: float | None = None) -> Iterator[None]:
    """Run the block under the stage's time limit; past it, a UserError naming the stage and
    its input (`inputs` is named when the stage did not say what it was working on)."""
    seconds = seconds_allowed() if seconds is None else seconds
    in_main = threading.current_thread() is threading.main_thread()
    if seconds <= 0 or not in_main:
        yield
        return
    _working_on.clear()
    finished = threading.Event()
    busy_with: list[str] = []         # what the stage was working on when the time ran out

    def alarm(signum, frame):
        busy_with[:] = _working_on
        raise _Expired()

    def watchdog() -> None:
        if not finished.wait(seconds + GRACE_SECONDS):
            where = _working_on[-1] if _working_on else inputs
            print(f"error: {_exceeded(stage, seconds, where)}", file=sys.stderr, flush=True)
            os._exit(2)

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    guard = threading.Thread(target=watchdog, name=f"time limit of {stage}", daemon=True)
    guard.start()
    try:
        yield
    except _Expired:
        raise _exceeded(stage, seconds, busy_with[-1] if busy_with else inputs) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        finished.set()
        _working_on.clear()
