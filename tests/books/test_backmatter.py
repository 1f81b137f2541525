"""The back matter's sections, decided once for both books (scripts/books/backmatter.py)."""

from __future__ import annotations

from scripts.books.backmatter import BackMatterSection, back_matter_sections
from scripts.books.contributors import Person

AUTHOR = Person("Raffaello Pantucci", ["Raffaello Pantucci is a Senior Fellow."], "author")
CONTRIBUTOR = Person("Niva Yau", ["Niva Yau is a Senior Researcher."])


def test_sections_come_in_reading_order_with_their_headings():
    assert back_matter_sections([AUTHOR, CONTRIBUTOR], bibliography=True, index=True) == [
        BackMatterSection("contributors", "About the Author and Contributors"),
        BackMatterSection("bibliography", "Bibliography"),
        BackMatterSection("index", "Index"),
    ]


def test_a_part_without_content_has_no_section():
    assert back_matter_sections([], bibliography=False, index=False) == []
    assert [s.id for s in back_matter_sections([AUTHOR], bibliography=False, index=True)] == [
        "contributors", "index"]
    assert back_matter_sections([AUTHOR], bibliography=False, index=False)[0].heading == \
        "About the Author"


def test_what_is_made_after_the_books_prints_the_chapters_years_not_the_placeholder(tmp_path):
    """The store cover, the release's page, feed and print cover read the book as the books
    print it: `{years}` in the subtitle and rights is the chapters' years."""
    from scripts.books.backmatter import printed_book_for
    from scripts.core.paths import BookPaths
    from tests.conftest import run_stages

    (tmp_path / "sources" / "posts").mkdir(parents=True)
    for year in ("2017", "2019"):
        (tmp_path / "sources" / "posts" / f"{year}-05-01-post.md").write_text(
            f"---\ntitle: A post of {year}\ndate: {year}-05-01\n---\n\nA paragraph written in {year}.\n",
            encoding="utf-8")
    (tmp_path / "book.yaml").write_text(
        'title: Essays\nauthor: A. Writer\nsubtitle: "Pieces, {years}"\nrights: "© {years} A. Writer"\n'
        "sources: [posts]\n", encoding="utf-8")
    paths = BookPaths.of(tmp_path, tmp_path / "build")
    assert run_stages(tmp_path, paths.build, "split", "normalise", "dedupe", "notes", "articles") == 0
    book = printed_book_for(paths)
    assert book.subtitle == "Pieces, 2017–2019"
    assert book.rights == "© 2017–2019 A. Writer"
