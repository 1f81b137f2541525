"""Shared fixtures: the real seeds, split and normalised once per test session."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "manuscript" / "sources"
GOLDEN = ROOT / "tests" / "golden"
SEED_JANUARY = "000_375b4828d7d8f646.txt"      # "Archive for January, 2022"
SEED_TAGGED = "002_90ad01e3225f3153.txt"       # "Posts Tagged 'Central Asia'"


def check_golden(name: str, data) -> None:
    """Compare with tests/golden/<name>; UPDATE_GOLDEN=1 rewrites it (review the diff!)."""
    path = GOLDEN / name
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    if os.environ.get("UPDATE_GOLDEN") or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(text), \
        f"{name} differs from the golden file; if the change is intended, rerun with UPDATE_GOLDEN=1"


@pytest.fixture(scope="session")
def book():
    from scripts.book import load_book
    return load_book(ROOT / "manuscript" / "book.yaml")


@pytest.fixture(scope="session")
def seed_paths():
    return sorted(SOURCES.glob("*.txt"))


@pytest.fixture(scope="session")
def split_result(book, seed_paths):
    from scripts.split import split_sources
    return split_sources(seed_paths, book)


@pytest.fixture(scope="session")
def normalised(book, seed_paths):
    from scripts.normalise import normalise
    from scripts.split import split_sources
    return normalise(split_sources(seed_paths, book).articles)


def by_slug(articles):
    return {a.slug: a for a in articles}
