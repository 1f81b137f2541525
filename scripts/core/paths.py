"""Where things are: the toolchain's own resources, and one book's inputs and outputs.

Two kinds of place.  The *resources* (templates/, styles/, the fonts) ship with the
toolchain and are the same for every book.  A *book* is a folder an editor owns
(book.yaml, sources, editor files) plus the build folder its outputs go to; the
demo book is manuscript/ with its outputs in build/.  Every stage takes its paths
from a `BookPaths`, so nothing else in the code spells out a build path.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

# In a checkout the resources sit beside scripts/ (the layout an editor sees);
# an installed copy carries them in <prefix>/share/anthology/ (see pyproject.toml).
_PACKAGE = Path(__file__).resolve().parent.parent
_CHECKOUT = _PACKAGE.parent
_RESOURCES = (_CHECKOUT if (_CHECKOUT / "templates").is_dir()
              else Path(sys.prefix) / "share" / "anthology")

PROJECT = _CHECKOUT
TEMPLATES = _RESOURCES / "templates"
STYLES = _RESOURCES / "styles"
FONTS = STYLES / "fonts"

DEMO_BOOK = PROJECT / "manuscript"


@dataclass(frozen=True)
class BookPaths:
    """Every input and output of one book.  `book` is the editor's folder (book.yaml,
    sources/, the optional editor files); `build` is where every generated file goes.
    The build only ever reads `book` and only ever writes `build`."""

    book: Path
    build: Path

    @classmethod
    def of(cls, book: Path | str | None = None, build: Path | str | None = None) -> BookPaths:
        """The demo book (manuscript/, outputs in build/) when no folder is named; a
        user's own book folder keeps its outputs in <folder>/build/ unless told otherwise."""
        book_dir = Path(book) if book else DEMO_BOOK
        if book_dir.name == "book.yaml":           # the file named instead of its folder
            book_dir = book_dir.parent
        if build:
            build_dir = Path(build)
        elif book_dir.resolve() == DEMO_BOOK.resolve():
            build_dir = PROJECT / "build"
        else:
            build_dir = book_dir / "build"
        return cls(_as_given(book_dir), _as_given(build_dir))

    # ------------------------------------------------ the editor's folder (read only)
    @property
    def book_yaml(self) -> Path:
        return self.book / "book.yaml"

    @property
    def sources_dir(self) -> Path:
        return self.book / "sources"

    @property
    def split_decisions(self) -> Path:
        """Where posts begin in a text scrape, when the text alone does not say (optional)."""
        return self.book / "split.yaml"

    @property
    def dedupe_overrides(self) -> Path:
        return self.book / "dedupe.yaml"

    @property
    def notes_overrides(self) -> Path:
        return self.book / "notes.yaml"

    @property
    def bibliography_overrides(self) -> Path:
        return self.book / "bibliography.yaml"

    @property
    def index_terms(self) -> Path:
        return self.book / "index.yaml"

    @property
    def chapter_decisions(self) -> Path:
        """Per chapter: first publication (date, outlet, kind), title, authors, credit line,
        where the blogger's introduction goes; and one name per outlet (optional)."""
        return self.book / "chapters.yaml"

    # ------------------------------------------------ generated
    @property
    def model(self) -> Path:
        return self.build / "model"

    @property
    def reports(self) -> Path:
        return self.build / "reports"

    @property
    def split_model(self) -> Path:
        return self.model / "split.json"

    @property
    def split_extra(self) -> Path:
        """What split found besides articles (posts merged, page chrome), for the split report."""
        return self.model / "split-extra.json"

    @property
    def normalised_model(self) -> Path:
        return self.model / "normalised.json"

    @property
    def deduped_model(self) -> Path:
        return self.model / "deduped.json"

    @property
    def noted_model(self) -> Path:
        return self.model / "noted.json"

    @property
    def contributors(self) -> Path:
        return self.build / "contributors.json"

    @property
    def articles(self) -> Path:
        return self.build / "articles"

    @property
    def articles_stamp(self) -> Path:
        """Touched when the articles stage has written a complete set of chapters."""
        return self.articles / ".built"

    @property
    def chapters_html(self) -> Path:
        return self.build / "html" / "chapters.json"

    @property
    def bibliography_json(self) -> Path:
        return self.build / "bibliography.json"

    @property
    def bibliography_html(self) -> Path:
        return self.build / "bibliography.html"

    @property
    def bibliography_citations(self) -> Path:
        return self.build / "bibliography-citations.json"

    # The books an editor opens: links into `published`, the one generation of books made
    # by one build (scripts/books/publish.py), so the EPUB and the PDFs change together.
    @property
    def epub(self) -> Path:
        return self.build / "anthology.epub"

    @property
    def print_pdf(self) -> Path:
        return self.build / "anthology.pdf"

    @property
    def screen_pdf(self) -> Path:
        return self.build / "anthology-screen.pdf"

    @property
    def books_manifest(self) -> Path:
        """What `published` holds: each book's file, size and SHA-256, and its generation."""
        return self.build / "books.json"

    @property
    def published(self) -> Path:
        """A link to the current generation folder; replacing it publishes every book at once."""
        return self.build / "published"

    @property
    def generations(self) -> Path:
        return self.build / "generations"

    # Where the epub and pdf stages write their books; the publish stage takes them from here.
    @property
    def staging(self) -> Path:
        return self.build / "staging"

    @property
    def staged_epub(self) -> Path:
        return self.staging / self.epub.name

    @property
    def staged_print_pdf(self) -> Path:
        return self.staging / self.print_pdf.name

    @property
    def staged_screen_pdf(self) -> Path:
        return self.staging / self.screen_pdf.name

    @property
    def pdf_parts(self) -> Path:
        """The PDF stage's cache: each part's layout under the hash of what it depends on."""
        return self.build / "pdf-parts"

    # A book printed in volumes (book.yaml `volumes:`; scripts/books/volumes.py).
    @property
    def volumes(self) -> Path:
        return self.build / "volumes"

    @property
    def volumes_manifest(self) -> Path:
        """What the volumes stage made: each volume's chapters, title, pages and files."""
        return self.volumes / "volumes.json"

    def volume(self, number: int) -> BookPaths:
        """One volume's outputs, as a book of their own: build/volumes/NN/anthology.pdf,
        anthology-screen.pdf, anthology.epub, bibliography.html, reports/, pdf-parts/.
        The volume is made from this book's chapters, so its own inputs are never read."""
        return BookPaths(self.book, self.volumes / f"{number:02d}")

    @property
    def dist(self) -> Path:
        """Where `make release` puts each edition's folder (<slug>-<date>/) and its .zip."""
        return self.build / "dist"


def _as_given(path: Path) -> Path:
    """Relative to the working directory when inside it, so messages and reports say
    `build/anthology.epub` rather than a path that differs from machine to machine."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path
