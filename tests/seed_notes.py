"""The notes of the seeds, read straight from the raw archive for tests.

An oracle independent of the pipeline: the bibliography tests build their input
here, so a change in the split or notes stages cannot move their expectations.
The line ranges are seed facts, which tests may assert; the pipeline code never
sees them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from scripts.core.model import Article, Note, SourceRef

ROOT = Path(__file__).resolve().parents[1]
ARCHIVE = "002_90ad01e3225f3153.txt"

# (slug, first line, last line, how a note starts) -- 1-based, inclusive.  The slugs are
# the ones the split stage gives these articles.
NOTE_LISTS = [
    # RSIS CTTA annual assessment: an unheaded "1 Text" list after "About the Authors".
    ("central-asia", 136, 242, re.compile(r"^(\d+) (.+)$")),
    # The SCO journal article: a "Notes" list of "1. Text".
    ("paving-digital-silk-road-with-shanghai", 464, 640, re.compile(r"^(\d+)\. (.+)$")),
    # The Foreign Policy piece: its markers are "[1]" and its notes link definitions.
    ("why-xi-jinping-chose-central-asia", 740, 744, re.compile(r"^\[(\d+)\]: (.+)$")),
]


def seed_notes() -> Iterator[tuple[str, int, str, SourceRef]]:
    lines = (ROOT / "manuscript" / "sources" / ARCHIVE).read_text(encoding="utf-8").splitlines()
    for slug, first, last, pattern in NOTE_LISTS:
        for number in range(first, last + 1):
            match = pattern.match(lines[number - 1])
            if match:
                yield slug, int(match.group(1)), match.group(2), SourceRef(ARCHIVE, number, number)


def seed_articles() -> list[Article]:
    """Articles in chapter order (the order of NOTE_LISTS), carrying only their notes."""
    articles: dict[str, Article] = {}
    for slug, number, text, source in seed_notes():
        article = articles.setdefault(slug, Article(
            slug=slug, source_file=ARCHIVE, first_line=source.first_line,
            last_line=source.last_line))
        article.notes.append(Note(number=number, text=text, source=source))
    return list(articles.values())
