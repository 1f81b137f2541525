"""A new user's book.yaml needs only a title and an author: the rest is defaulted, the
date and the years from the posts, and the split report says what was filled in."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from scripts.core.book import PostDates, book_for, load_book
from scripts.core.errors import UserError
from scripts.core.paths import BookPaths
from tests.conftest import run_stages

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "wxr-small.xml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "book.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_title_and_author_are_enough(tmp_path):
    book = load_book(write(tmp_path, 'title: "My Blog"\nauthor: "Ann Lee"\n'),
                     PostDates(newest="2023-05-01", oldest="2019-02-03", language="fr-FR"))
    assert (book.language, book.publisher, book.author_file_as) == ("fr-FR", "Ann Lee", "Lee, Ann")
    assert book.rights == "© 2019–2023 Ann Lee. All rights reserved."
    assert book.date.isoformat() == "2023-05-01" and book.identifier.startswith("urn:uuid:")
    assert set(book.defaulted) == {"language", "publisher", "rights", "identifier", "date"}


def test_the_derived_identifier_is_stable_and_belongs_to_title_and_author(tmp_path):
    first = load_book(write(tmp_path, "title: A\nauthor: B\n")).identifier
    assert load_book(write(tmp_path, "title: A\nauthor: B\nlanguage: de\n")).identifier == first
    assert load_book(write(tmp_path, "title: A2\nauthor: B\n")).identifier != first


def test_what_book_yaml_gives_wins(tmp_path):
    book = load_book(write(tmp_path, 'title: A\nauthor: B\nlanguage: en-GB\ndate: "2020-01-01"\n'),
                     PostDates(newest="2023-05-01", language="fr"))
    assert (book.language, book.date.isoformat()) == ("en-GB", "2020-01-01")
    assert "language" not in book.defaulted and "date" not in book.defaulted


def test_no_date_anywhere_stops_with_the_line_to_add(tmp_path):
    book_yaml = write(tmp_path, "title: A\nauthor: B\n")
    with pytest.raises(UserError, match="no date") as error:
        book_for(BookPaths(tmp_path, tmp_path / "build"))
    assert error.value.file == str(book_yaml) and "date:" in error.value.hint


# Builds a whole EPUB: `make test`, not the fast lane.
@pytest.mark.slow
def test_a_minimal_book_builds_from_a_wordpress_export_with_its_dates(tmp_path):
    book = tmp_path / "blog"
    (book / "sources").mkdir(parents=True)
    shutil.copy(FIXTURE, book / "sources" / "site.xml")
    (book / "book.yaml").write_text('title: "Test Blog"\nauthor: "Jane Writer"\n', encoding="utf-8")
    paths = BookPaths.of(book)
    assert run_stages(book, paths.build, "split", "normalise", "dedupe", "notes", "articles", "html",
                      "bibliography", "index", "epub") == 0
    resolved = book_for(paths)
    assert (resolved.date.isoformat(), resolved.language) == ("2021-02-02", "en-US")
    assert resolved.rights == "© 2020–2021 Jane Writer. All rights reserved."
    report = (paths.reports / "split.md").read_text(encoding="utf-8")
    assert "`date`: the newest post's date (2021-02-02)" in report
    extra = json.loads(paths.split_extra.read_text(encoding="utf-8"))
    assert extra["book"]["newest"] == "2021-02-02"
    assert paths.staged_epub.exists()


# ---------------------------------------------------------------- a book with no chapter

def _split(book: Path) -> str:
    from scripts.text.split import run
    with pytest.raises(UserError) as caught:
        run(BookPaths.of(book))
    return str(caught.value) + " " + (caught.value.hint or "")


def test_a_book_without_sources_says_where_to_put_them(tmp_path):
    (tmp_path / "book.yaml").write_text("title: T\nauthor: A\n", encoding="utf-8")
    said = _split(tmp_path)
    assert "no sources" in said and str(tmp_path / "sources") in said and "make new" in said


def test_posts_that_are_all_drafts_say_what_was_found(tmp_path):
    (tmp_path / "sources").mkdir()
    (tmp_path / "book.yaml").write_text("title: T\nauthor: A\n", encoding="utf-8")
    (tmp_path / "sources" / "2020-01-01-half-done.md").write_text(
        "---\ntitle: Half done\ndraft: true\n---\n\nNot yet written.\n", encoding="utf-8")
    said = _split(tmp_path)
    assert "everything found was left out (1 draft)" in said and "select" not in said
