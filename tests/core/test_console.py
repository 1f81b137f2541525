"""Progress of the long stages: a bar on a terminal, a few plain lines in a log."""

from __future__ import annotations

import io

from scripts.core import console
from scripts.core.console import Progress


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_log_gets_a_plain_line_every_few_seconds_not_one_per_part(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(console.time, "perf_counter", clock)
    out = io.StringIO()
    shown = Progress("pdf", 40, "parts laid out", stream=out, after=1.0, every=5.0, terminal=False)
    shown.update(1, "3 pages so far")                    # before `after`: nothing
    for done in range(2, 41):
        clock.now += 0.5                                  # a part every half second: 20 s in all
        shown.update(done, f"{done * 3} pages so far")
    shown.close()
    # Shown once a second has passed, then every five seconds: four lines for twenty seconds.
    assert out.getvalue().splitlines() == [
        "  pdf: 3/40 parts laid out, 9 pages so far (1 s)",
        "  pdf: 13/40 parts laid out, 39 pages so far (6 s)",
        "  pdf: 23/40 parts laid out, 69 pages so far (11 s)",
        "  pdf: 33/40 parts laid out, 99 pages so far (16 s)"]


def test_a_terminal_gets_one_bar_redrawn_in_place_and_cleared_at_the_end(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(console.time, "perf_counter", clock)
    out = io.StringIO()
    shown = Progress("pdf", 4, "parts laid out", stream=out, after=0.0, terminal=True)
    for done in range(1, 5):
        clock.now += 1
        shown.update(done, f"{done * 10} pages so far")
    text = out.getvalue()
    assert "\n" not in text and text.count("\r") == 4
    assert "  pdf [" + "#" * 24 + "] 4/4 parts laid out, 40 pages so far" in text
    assert "  pdf [" + "#" * 6 + "." * 18 + "] 1/4" in text
    shown.close()
    widest = max(len(line) for line in text.split("\r"))
    assert out.getvalue() == text + "\r" + " " * widest + "\r"      # the line left clean
