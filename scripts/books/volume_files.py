"""The volumes a build made (build/volumes/volumes.json, scripts/books/volumes.py), as the
stages that come after them read them: check-print preflights each print master, release
ships each volume's files."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from scripts.core.book import Book
from scripts.core.errors import UserError
from scripts.core.paths import BookPaths


@dataclass(frozen=True)
class MadeVolume:
    number: int
    book: Book            # the volume as printed: its title, subtitle, identifier and own ISBNs
    paths: BookPaths      # its files: build/volumes/NN/anthology.pdf ...


def made_volumes(paths: BookPaths, book: Book) -> list[MadeVolume]:
    """The volumes of a book that asks for them (`book`: the whole book as printed), in
    order; none for a book without `volumes:`.  An error when they are not made yet."""
    if book.volumes is None:
        return []
    if not paths.volumes_manifest.exists():
        raise UserError("book.yaml prints the book in volumes, and they are not made yet",
                        file=str(paths.volumes_manifest), hint="run 'make' (or 'make volumes') first")
    listed = json.loads(paths.volumes_manifest.read_text(encoding="utf-8"))["volumes"]
    return [MadeVolume(v["number"], replace(book, title=v["title"], subtitle=v["subtitle"],
                                            identifier=v["identifier"], isbn=book.volumes.isbn_of(v["number"])),
                       paths.volume(v["number"]))
            for v in listed]


def printed_as_volumes_only(book: Book, pages: int) -> bool:
    """Whether the whole book is printed only as its volumes: it asks for volumes and has
    more pages than its printer binds in one book (a 1,000-post blog's 5,588, KDP's 828)."""
    maximum = book.printer.maximum_pages
    return book.volumes is not None and maximum is not None and pages > maximum
