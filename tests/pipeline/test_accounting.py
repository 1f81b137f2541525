"""Nothing is lost: every non-empty line of every seed ends up in the book or in a report.

The text stages run here, in-process, through their command lines, into a
temporary build directory: the text stages of scripts/stages.py (split ->
normalise -> dedupe -> notes).  `accounted_lines` then says where each source
line went.  A line counts as in the book only if it sits in a block whose kind
the book renders (or a later stage still has to consume); a block of any other
kind left in `article.blocks` would vanish without a report, so it does not count.

Notes count where the notes stage puts them: `article.notes` (with their source
lines) and, for the notes heading, `article.removed`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts.core import model as m
from scripts.content.articles import CHAPTER_KINDS
from scripts.core.paths import BookPaths
from scripts.stages import TEXT_STAGES
from tests.conftest import SOURCES, demo_book_copy, run_stages

# Rendered as the chapter's front matter by scripts/content/articles.py (title, subtitle,
# headnote, author list).
FRONT_MATTER_KINDS = frozenset({m.INTRO, m.TITLE, m.STANDFIRST, m.BYLINE})
# Blocks a later text stage would consume (none left now the notes stage runs: it moves
# NOTE and LINK_DEFINITION blocks into article.notes and the notes heading to `removed`).
PENDING_KINDS: frozenset[str] = frozenset()
IN_BOOK_KINDS = CHAPTER_KINDS | FRONT_MATTER_KINDS | PENDING_KINDS

# The last text stage's model, relative to a build folder (from the stage table).
LAST_MODEL = TEXT_STAGES[-1].outputs(BookPaths(Path("."), Path(".")))[0]


def run_text_stages(build: Path) -> Path:
    """Run every text stage of the stage table through the command line into `build`,
    on a copy of the demo book without its dedupe decisions (the accounting must hold for
    the stage's own choices); return the last stage's model."""
    book = demo_book_copy(build / "book", editor_files=())
    paths = BookPaths.of(book, build)
    assert run_stages(book, build, *(s.name for s in TEXT_STAGES)) == 0
    return paths.noted_model


def _lines(source: m.SourceRef) -> range:
    return range(source.first_line, source.last_line + 1)


def accounted_lines(model_path: Path, extra_path: Path) -> dict[tuple[str, int], str]:
    """(source file, line) -> where that line went, for every line the pipeline accounts for.

    Destinations: "book: slug#b5 (paragraph)", "note: slug#3", "report: duplicate
    slug#b7 (twin slug#b5)", "page chrome", "repeated post: kept at file:line".  A
    line can have several (a glued paragraph is in the book and, for its copied
    tail, in the report); they are joined with " | "."""
    where: dict[tuple[str, int], list[str]] = {}

    def put(file: str, lines, text: str) -> None:
        for line in lines:
            where.setdefault((file, line), []).append(text)

    for article in m.load_articles(model_path):
        for block in article.blocks:
            if block.kind in IN_BOOK_KINDS:
                put(block.source.file, _lines(block.source), f"book: {article.slug}#{block.id} ({block.kind})")
        for note in article.notes:
            if note.source is not None:
                put(note.source.file, _lines(note.source), f"note: {article.slug}#{note.number}")
        for removal in article.removed:
            if removal.reason:
                twin = f" (twin {removal.twin})" if removal.twin else ""
                put(removal.block.source.file, _lines(removal.block.source),
                    f"report: {removal.reason} {article.slug}#{removal.block.id}{twin}")
    extra = json.loads(extra_path.read_text(encoding="utf-8")) if extra_path.exists() else {}
    for chrome in extra.get("chrome", []):
        put(chrome["file"], [chrome["line"]], "page chrome")
    for merged in extra.get("merged", []):
        file, _, span = merged["dropped"].rpartition(":")
        first, _, last = span.partition("-")
        put(file, range(int(first), int(last or first) + 1), f"repeated post: kept at {merged['kept']}")
    return {key: " | ".join(value) for key, value in where.items()}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    build = tmp_path_factory.mktemp("build")
    run_text_stages(build)
    return build


@pytest.fixture(scope="module")
def accounted(built) -> dict[tuple[str, int], str]:
    return accounted_lines(built / LAST_MODEL, built / "model" / "split-extra.json")


def test_every_non_empty_source_line_is_accounted_for(accounted):
    missing = []
    for path in sorted(SOURCES.glob("*.txt")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip() and (path.name, number) not in accounted:
                missing.append(f"{path.name}:{number}: {line[:70]}")
    assert not missing, f"{len(missing)} source lines went nowhere:\n" + "\n".join(missing[:20])


def test_every_accounted_line_exists_in_the_sources(accounted):
    # (A paragraph joined across a blank line spans that blank line too, so blank is fine.)
    lines = {p.name: p.read_text(encoding="utf-8").splitlines() for p in SOURCES.glob("*.txt")}
    for (file, number) in accounted:
        assert file in lines and 1 <= number <= len(lines[file]), \
            f"{file}:{number} is accounted for but is not a line of the sources"


def test_no_block_is_left_in_a_chapter_that_the_book_would_silently_drop(built):
    for article in m.load_articles(built / LAST_MODEL):
        stray = [f"{b.id} ({b.kind})" for b in article.blocks if b.kind not in IN_BOOK_KINDS]
        assert not stray, f"{article.slug}: {stray} would vanish without a report"


def test_every_removal_is_in_the_dedupe_report_with_its_text(built):
    report = json.loads((built / "reports" / "dedupe.json").read_text(encoding="utf-8"))
    reported = {(r["article"], r["block"]): r for r in report["removals"]}
    for article in m.load_articles(built / "model" / "deduped.json"):
        for removal in article.removed:
            row = reported[(article.slug, removal.block.id)]
            assert row["reason"] == removal.reason and row["text"] == removal.block.text


def test_a_glued_paragraph_is_in_the_book_and_its_copied_tail_in_the_report(accounted):
    # "For China, the end of the Soviet Union ..." with the opening paragraph glued on.
    where = accounted[("002_90ad01e3225f3153.txt", 698)]
    assert "book: why-xi-jinping-chose-central-asia#b6 (paragraph)" in where
    assert "report: glued-copy why-xi-jinping-chose-central-asia#b6-tail" in where


def test_a_line_that_goes_nowhere_is_caught(built, tmp_path):
    """The check can fail: drop one removal from the model and its line is missing."""
    articles = m.load_articles(built / LAST_MODEL)
    victim = next(a for a in articles if a.removed)
    lost = victim.removed.pop(0)
    m.save_articles(tmp_path / "model.json", articles)
    accounted = accounted_lines(tmp_path / "model.json", built / "model" / "split-extra.json")
    assert (lost.block.source.file, lost.block.source.first_line) not in accounted
