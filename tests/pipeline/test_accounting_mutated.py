"""Nothing is lost from a mutated source either: a scrape whose posts are shuffled, one of
whose posts is copied again, or whose post lost its introduction still has every line in
the book or a report (or stops with a located error, never dropping a line silently); and
every word of a real blog's WordPress export (tests/corpus/cclabs-wxr) is accounted for."""

from __future__ import annotations

import pytest

from scripts.core import model as m
from scripts.core.book import load_book
from scripts.core.paths import BookPaths
from scripts.stages import TEXT_STAGES
from scripts.text.split import read_source, split_archive
from tests.conftest import ROOT, SEED_JANUARY, SOURCES, demo_book_copy, run_stages
from tests.pipeline.test_accounting import LAST_MODEL, accounted_lines
from tests.pipeline.test_accounting_structured import a_book, missing_words


def _posts(lines: list[str]) -> tuple[list[str], list[list[str]], list[m.Article]]:
    """The page's lines before the first post, each post's lines (in the archive's order),
    and the articles they are."""
    articles = split_archive(lines, SEED_JANUARY)
    starts = [a.first_line for a in articles] + [len(lines) + 1]
    head = lines[:starts[0] - 1]
    return head, [lines[starts[i] - 1:starts[i + 1] - 1] for i in range(len(articles))], articles


def _mutated(how: str) -> list[str]:
    head, posts, articles = _posts(read_source(SOURCES / SEED_JANUARY))
    if how == "shuffled":
        order = posts[1::2] + posts[0::2]
    elif how == "duplicated":
        order = posts + [posts[1]]
    else:                                 # the second post's introduction taken out
        intro = articles[1].blocks[0]
        assert intro.kind == m.INTRO
        second = posts[1][intro.source.last_line - articles[1].first_line + 1:]
        order = [posts[0], second, *posts[2:]]
    return head + [line for post in order for line in (post if post[-1:] == [""] else post + [""])]


@pytest.mark.slow
@pytest.mark.parametrize("how", ["shuffled", "duplicated", "introduction-removed"])
def test_every_line_of_a_mutated_scrape_is_accounted_for(tmp_path, how, capsys):
    source = tmp_path / "mutated.txt"
    source.write_text("\n".join(_mutated(how)), encoding="utf-8")
    book_yaml = (ROOT / "manuscript" / "book.yaml").read_text(encoding="utf-8")
    listed = [f"  - {name}\n" for name in (s.name for s in SOURCES.glob("*.txt"))]
    for entry in listed[1:]:
        book_yaml = book_yaml.replace(entry, "")
    book_yaml = book_yaml.replace(listed[0], "  - mutated.txt\n")
    book = demo_book_copy(tmp_path / "book", sources=[source], book_yaml=book_yaml)
    build = tmp_path / "build"
    code = run_stages(book, build, *(s.name for s in TEXT_STAGES))
    if code:
        err = capsys.readouterr().err
        assert code == 2 and "Traceback" not in err and "mutated.txt:" in err, err
        return
    accounted = accounted_lines(build / LAST_MODEL, BookPaths.of(book, build).split_extra)
    lines = source.read_text(encoding="utf-8").split("\n")
    missing = [f"{n}: {text[:60]}" for n, text in enumerate(lines, 1)
               if text.strip() and ("mutated.txt", n) not in accounted]
    assert not missing, f"{len(missing)} lines went nowhere: {missing[:5]}"
    if how == "duplicated":
        assert "repeated post" in " ".join(accounted.values())
    load_book(book / "book.yaml")


@pytest.mark.slow
def test_every_word_of_a_real_blogs_export_is_in_the_book_or_a_report(tmp_path):
    book = a_book(tmp_path, ROOT / "tests" / "corpus" / "cclabs-wxr" / "wordpress.xml")
    missing = missing_words(book, tmp_path / "build", book / "sources" / "export.xml")
    assert not missing, f"words that went nowhere: {missing.most_common(10)}"
