"""The splitter on real text scrapes of other blogs (tests/fixtures/scrapes/, see SOURCE.md):
posts found by their titles, dates, bylines and the theme's chrome, not by an introduction."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

SCRAPES = Path(__file__).resolve().parent.parent / "fixtures" / "scrapes"
EXPECTED = yaml.safe_load((SCRAPES / "expected.yaml").read_text(encoding="utf-8"))
PAGES = sorted(EXPECTED)


def lines_of(page: str) -> list[str]:
    return (SCRAPES / page).read_text(encoding="utf-8").split("\n")


@pytest.mark.parametrize("page", PAGES)
def test_the_expected_titles_are_the_pages_own_lines(page):
    """expected.yaml was written by hand: each title must be the line it names."""
    lines = lines_of(page)
    for post in EXPECTED[page]:
        assert lines[post["line"] - 1] == post["title"], (page, post["line"])


def test_every_page_is_named_in_the_source_notes():
    source = (SCRAPES / "SOURCE.md").read_text(encoding="utf-8")
    for page in PAGES:
        assert Path(page).name in source and Path(page).parent.name in source
