"""The pipeline as one table: every stage, what it reads, what it writes, what runs it.

This table is the single description of how the stages fit together.  Everything
that needs to know it reads it from here:

- the command line (`anthology <stage>`, scripts/cli.py) runs a stage's function;
- Make's rules are generated from it (`anthology make-rules`), so a stage is
  rebuilt exactly when one of its inputs, its code or its templates change;
- the benchmark (scripts/dev/bench.py) and the accounting test run the stages
  in this order.

A stage's function takes the book's paths and returns the one-line summary the
console prints.  Inputs are either files an earlier stage writes or files in the
editor's book folder; `optional` inputs (the editor files) count when present.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scripts.core import paths as resources
from scripts.core.paths import BookPaths


@dataclass(frozen=True)
class Stage:
    name: str
    help: str
    module: str                                   # where `function` lives (its imports are its code)
    function: str                                 # called with the BookPaths; returns the summary
    inputs: Callable[[BookPaths], list[Path]]
    outputs: Callable[[BookPaths], list[Path]]
    optional: Callable[[BookPaths], list[Path]] = lambda p: []
    resources: tuple[Path, ...] = ()              # templates, styles, fonts: files or folders
    builds: bool = True                           # part of `make` (False: a check or a helper)
    settings: tuple[tuple[str, str], ...] = ()    # environment variables it reads: (NAME=VALUE, what)
    # Whether `make` builds it for this book (a build stage only some books ask for: the volumes).
    wanted: Callable[[BookPaths], bool] = lambda p: True

    def run(self, paths: BookPaths) -> str:
        from importlib import import_module
        return getattr(import_module(self.module), self.function)(paths)


def _sources(paths: BookPaths) -> list[Path]:
    from scripts.core.errors import UserError
    from scripts.text.split import source_files
    try:
        return source_files(paths)
    except UserError:
        return []                 # the split stage reports what is wrong with the sources


def _pictures(paths: BookPaths) -> list[Path]:
    """The files of the book's images folder (book.yaml `images:`): which pictures the split
    finds there, and the copies the articles stage makes, depend on them."""
    from scripts.core.book import load_book
    from scripts.core.errors import UserError
    try:
        folder = load_book(paths.book_yaml).images if paths.book_yaml.exists() else None
    except UserError:
        return []                 # the stage that reads book.yaml reports what is wrong with it
    if folder is None:
        return []
    from scripts.ingest.images import ImageFolder
    # Make cannot name a file with a space in it, and pictures often have one: the folders
    # stand for them (a folder changes when a file is added, removed or renamed in it).
    folders = [folder, *(d for d in sorted(folder.rglob("*")) if d.is_dir())]
    files = sorted(ImageFolder(folder).files.values())
    return [p for p in folders + files if not any(c in str(p) for c in " #:$%")]


def _cover_art(paths: BookPaths) -> list[Path]:
    """The editor's front-cover artwork (book.yaml `cover:`): the EPUB, the cover and the
    release are made from it, so an edit to the picture rebuilds them."""
    from scripts.core.book import load_book
    from scripts.core.errors import UserError
    try:
        art = load_book(paths.book_yaml).cover if paths.book_yaml.exists() else None
    except UserError:
        return []                 # the stage that reads book.yaml reports what is wrong with it
    # Make cannot name a file with a space in it: such a picture is read, but not watched.
    return [art.path] if art is not None and not any(c in str(art.path) for c in " #:$%") else []


def _volumes_wanted(paths: BookPaths) -> bool:
    """Whether book.yaml asks for volumes (a book.yaml Make cannot read yet: no; the stage
    that reads book.yaml reports what is wrong with it)."""
    from scripts.core.book import load_book
    from scripts.core.errors import UserError
    try:
        return paths.book_yaml.exists() and load_book(paths.book_yaml).volumes is not None
    except UserError:
        return False


def _volumes_inputs(paths: BookPaths) -> list[Path]:
    """The whole book's chapters, back matter and PDF (its parts are the volumes' chapters, and
    its report their pages): only for a book that asks for volumes; another's reads book.yaml."""
    if not _volumes_wanted(paths):
        return [paths.book_yaml]
    return [paths.book_yaml, paths.articles_stamp, paths.chapters_html, paths.contributors,
            paths.bibliography_json, paths.bibliography_citations, paths.staged_print_pdf,
            paths.reports / "pdf.json"]


def _reports_written(paths: BookPaths, builds: bool) -> list[Path]:
    """The reports of the stages `make` runs (builds=True), or of the checks and helpers."""
    from scripts.workbench.reports_page import report_outputs
    return [report for _, _, reports in report_outputs(paths, built=builds) for report in reports]


def _reports(*names: str) -> Callable[[BookPaths], list[Path]]:
    return lambda p: [p.reports / n for n in names]


_T = resources.TEMPLATES
_S = resources.STYLES

STAGES: tuple[Stage, ...] = (
    Stage("split", "find each post in the archives and the role of every block",
          "scripts.text.split", "run",
          inputs=lambda p: [p.book_yaml, *_sources(p)],
          optional=lambda p: [p.split_decisions, *_pictures(p)],
          outputs=lambda p: [p.split_model, p.split_extra]),
    Stage("normalise", "repair scraping damage, recording every fix (reports/split.md)",
          "scripts.text.normalise", "run",
          inputs=lambda p: [p.split_model, p.split_extra],
          outputs=lambda p: [p.normalised_model, *_reports("split.json", "split.md")(p)]),
    Stage("dedupe", "take repeated text, bios and captions out of the chapters, audited",
          "scripts.text.dedupe", "run",
          inputs=lambda p: [p.normalised_model, p.book_yaml],
          optional=lambda p: [p.dedupe_overrides, p.split_extra],
          outputs=lambda p: [p.deduped_model, p.contributors,
                             *_reports("dedupe.json", "dedupe.html")(p)],
          resources=(_T / "reports",)),
    Stage("notes", "match note markers to notes, in sequence",
          "scripts.text.notes", "run",
          inputs=lambda p: [p.deduped_model],
          optional=lambda p: [p.notes_overrides],
          outputs=lambda p: [p.noted_model, *_reports("notes.json", "notes.md")(p)]),
    Stage("articles", "write each chapter as Pandoc Markdown (build/articles/)",
          "scripts.content.articles", "run",
          inputs=lambda p: [p.noted_model, p.book_yaml],
          optional=lambda p: [p.chapter_decisions, p.split_extra, *_pictures(p)],
          outputs=lambda p: [p.articles_stamp, *_reports("chapters.md")(p)],
          resources=(Path(__file__).parent / "content" / "pandoc_batch.lua",)),
    Stage("html", "convert every chapter to HTML once and mark the index's words, for the index and both books",
          "scripts.content.chapters", "run",
          inputs=lambda p: [p.articles_stamp],
          optional=lambda p: [p.index_terms],
          outputs=lambda p: [p.chapters_html],
          resources=(_T / "pandoc", Path(__file__).parent / "content" / "pandoc_batch.lua")),
    Stage("bibliography", "read the notes' references into CSL-JSON and format them with citeproc",
          "scripts.bibliography.build", "run_stage",
          inputs=lambda p: [p.noted_model, p.book_yaml],
          optional=lambda p: [p.bibliography_overrides, p.split_extra],
          outputs=lambda p: [p.bibliography_json, p.bibliography_html, p.bibliography_citations,
                             *_reports("bibliography.md")(p)]),
    Stage("index", "check the index terms against the chapters (reports/index.md)",
          "scripts.index.report", "run",
          inputs=lambda p: [p.chapters_html],
          optional=lambda p: [p.index_terms],
          outputs=_reports("index.md"), resources=(_T / "index.html.j2",)),
    Stage("epub", "build the EPUB 3 edition (into build/staging/: publish puts it in place)",
          "scripts.books.epub.build", "run",
          inputs=lambda p: [p.articles_stamp, p.chapters_html, p.book_yaml, p.contributors,
                            p.bibliography_html],
          optional=lambda p: [p.index_terms, p.split_extra, *_cover_art(p)],
          outputs=lambda p: [p.staged_epub, *_reports("epub.json")(p)],
          resources=(_T / "epub", _T / "pandoc", _T / "index.html.j2", _S / "epub.css", resources.FONTS)),
    Stage("pdf", "typeset the print PDF (trim and bleed) and the screen PDF (tagged), into build/staging/",
          "scripts.books.pdf.build", "run",
          inputs=lambda p: [p.articles_stamp, p.chapters_html, p.book_yaml, p.contributors,
                            p.bibliography_html],
          optional=lambda p: [p.index_terms, p.split_extra],
          outputs=lambda p: [p.staged_print_pdf, p.staged_screen_pdf, *_reports("pdf.json")(p)],
          resources=(_T / "print", _T / "index.html.j2", _S / "print.css", _S / "printing", resources.FONTS),
          settings=(("ANTHOLOGY_PDF_WORKERS=N", "lay the parts out in N processes (one per core by default)"),)),
    Stage("publish", "put the EPUB and both PDFs in place together, or none of them (build/books.json)",
          "scripts.books.publish", "run",
          inputs=lambda p: [p.staged_epub, p.staged_print_pdf, p.staged_screen_pdf],
          outputs=lambda p: [p.books_manifest, p.epub, p.print_pdf, p.screen_pdf]),
    Stage("volumes", "print a long book as volumes (book.yaml 'volumes:'), each a complete book in "
          "build/volumes/NN/, its chapters the pdf stage's parts",
          "scripts.books.volumes", "run",
          inputs=_volumes_inputs,
          optional=lambda p: [p.index_terms, p.split_extra] if _volumes_wanted(p) else [],
          outputs=lambda p: [p.volumes_manifest],
          resources=(_T / "print", _T / "epub", _T / "pandoc", _T / "index.html.j2", _S / "print.css",
                     _S / "epub.css", _S / "printing", resources.FONTS),
          settings=(("ANTHOLOGY_PDF_WORKERS=N", "lay the parts out in N processes (one per core by default)"),),
          wanted=_volumes_wanted),
    # Not part of `make`: checks and helpers an editor runs by name.
    Stage("index-candidates", "suggest index headwords the index may be missing",
          "scripts.index.candidates", "run",
          inputs=lambda p: [p.articles_stamp],
          optional=lambda p: [p.index_terms],
          outputs=_reports("index-candidates.md"), builds=False),
    Stage("check-epub", "EPUBCheck on the EPUB: any fatal error, error or warning fails",
          "scripts.books.epub.check", "run_epubcheck",
          inputs=lambda p: [p.epub], outputs=_reports("epubcheck.json"), builds=False),
    Stage("check-print", "preflight the print PDF, and each volume's, against the book's printer profile "
          "(boxes, page count, fonts, safe zone, colour): any failure fails",
          "scripts.books.pdf.preflight", "run",
          inputs=lambda p: [p.print_pdf, p.book_yaml] + ([p.volumes_manifest] if _volumes_wanted(p) else []),
          optional=lambda p: [p.split_extra],
          outputs=_reports("preflight.json"), resources=(_S / "printing",), builds=False),
    Stage("check-a11y", "DAISY Ace on the EPUB: any accessibility violation fails",
          "scripts.books.epub.check", "run_ace",
          inputs=lambda p: [p.epub], outputs=lambda p: [p.reports / "ace" / "report.json"],
          builds=False),
    Stage("release", "gather the checked books and what serves them into build/dist/<slug>-<date>/ and its .zip",
          "scripts.release.build", "run",
          inputs=lambda p: [p.epub, p.print_pdf, p.screen_pdf, p.book_yaml]
          + ([p.volumes_manifest] if _volumes_wanted(p) else []),
          optional=lambda p: [p.split_extra, *_cover_art(p)],
          outputs=lambda p: [p.dist, p.reports / "release-checks.json"],
          resources=(_T / "release", _S / "release.css", _S / "print-cover.css", _S / "printing", resources.FONTS),
          builds=False),
    Stage("cover", "the front cover alone as build/cover.jpg (the artwork, or the typographic cover)",
          "scripts.books.cover", "run",
          inputs=lambda p: [p.book_yaml], optional=lambda p: [p.split_extra, p.articles_stamp, *_cover_art(p)],
          outputs=lambda p: [p.build / "cover.jpg"],
          resources=(resources.FONTS,), builds=False),
    # Last: it reads every report the stages above write (the checks' when they have run).
    Stage("reports", "one page linking every report, with counts and each decision's places (reports/index.html)",
          "scripts.workbench.reports_page", "run",
          inputs=lambda p: [p.books_manifest, *_reports_written(p, builds=True)],
          optional=lambda p: _reports_written(p, builds=False),
          outputs=lambda p: [p.reports / "index.html", p.reports / "rendered"],
          resources=(_T / "reports" / "index.html.j2", _T / "reports" / "rendered.html.j2", _S / "reports.css")),
)

BY_NAME = {stage.name: stage for stage in STAGES}
BUILD_STAGES = tuple(stage for stage in STAGES if stage.builds)
TEXT_STAGES = tuple(BY_NAME[name] for name in ("split", "normalise", "dedupe", "notes"))
