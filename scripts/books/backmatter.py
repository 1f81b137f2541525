"""The back matter of both books: which sections, in what order, under which heading.

The EPUB and the PDF builders used to title their back matter each on its own, and the PDF
printed the index's heading twice (its own template's, then the index fragment's).  Deciding
the sections here, once, keeps the two books' back matter alike and gives every section one
heading: the builder prints it, and the fragment it fills the section with (the contributors'
bios, the bibliography, the index) brings none of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scripts.books.contributors import Person, heading as people_heading
from scripts.content.chapters import Chapter
from scripts.core.book import Book, book_for, with_years, year_range
from scripts.core.paths import BookPaths

ABOUT_PIECES = "About these pieces"
SOURCES = "Sources and acknowledgements"


@dataclass(frozen=True)
class BackMatterSection:
    id: str         # the section's id in the PDF; its file (id.xhtml) and landmark in the EPUB
    heading: str    # printed once, at the top of the section, and its entry in the contents


def back_matter_sections(people: Sequence[Person], *, bibliography: bool, index: bool,
                         chapters: Sequence[Chapter] = ()) -> list[BackMatterSection]:
    """The sections in reading order; a part the book has nothing for gets no section.
    The blogger's introductions moved out of the chapters come first (a note on the text),
    then where each piece first appeared, then the people, the bibliography and the index."""
    sections = []
    if any(c.headnote_at_back for c in chapters):
        sections.append(BackMatterSection("about-pieces", ABOUT_PIECES))
    if any(c.provenance or c.credit for c in chapters):
        sections.append(BackMatterSection("sources", SOURCES))
    if people:
        sections.append(BackMatterSection("contributors", people_heading(list(people))))
    if bibliography:
        sections.append(BackMatterSection("bibliography", "Bibliography"))
    if index:
        sections.append(BackMatterSection("index", "Index"))
    return sections


@dataclass(frozen=True)
class SourceEntry:
    """One piece in "Sources and acknowledgements", and on the copyright page when its rights
    are not simply the book's."""
    chapter: Chapter
    coauthors: list[str]      # who wrote it with the book's author (or instead of them)
    rights: str               # a rights notice of its own, as plain text; "" when the book's covers it

    @property
    def number(self) -> int:
        return self.chapter.number


def _names(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def source_entries(chapters: Sequence[Chapter], book: Book) -> list[SourceEntry]:
    """Every chapter, with who else wrote it and the rights notice it needs.  The editor's
    credit line (chapters.yaml `credit:`) is the piece's notice; a piece written with others
    and given none is theirs jointly, so the book's own "© <author>" would not be true of it."""
    entries = []
    for chapter in chapters:
        names = chapter.author_names or [book.author]
        others = [n for n in names if n != book.author]
        rights = ""
        if not chapter.credit and others:
            year = chapter.date[:4]
            rights = f"© {year + ' ' if year else ''}{_names(names)}."
        entries.append(SourceEntry(chapter, others, rights))
    return entries


def rights_exceptions(entries: Sequence[SourceEntry]) -> list[SourceEntry]:
    """The pieces the book's rights line does not cover: co-written, or with a credit line."""
    return [e for e in entries if e.rights or e.chapter.credit]


def book_as_printed(book: Book, chapters: Sequence[Chapter]) -> Book:
    """The book with `{years}` (subtitle, rights) made the years its chapters first appeared,
    so the title page, the copyright page and the cover follow the chapters' dates."""
    return with_years(book, year_range(c.date for c in chapters))


def printed_book_for(paths: BookPaths) -> Book:
    """book.yaml's book as the books print it, for what is made beside or after them (the
    store cover, the release's page, feed and print cover): the chapters' years once the
    chapters are made, before that the posts'."""
    from scripts.content.chapters import load_chapters

    chapters = load_chapters(paths.articles) if paths.articles_stamp.exists() else []
    return book_as_printed(book_for(paths), chapters)
