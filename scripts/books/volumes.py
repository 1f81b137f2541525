"""The volumes stage: a long book printed as several books (book.yaml `volumes:`).

A volume is a run of the book's chapters, in book order, made a complete book of its own:
its title ("<title>, Volume 2", its years as the subtitle), an identifier derived from the
book's, its own contents, notes, an index of its own pages (the editor's index.yaml terms
that occur in it), a bibliography of only what its chapters cite, and its back matter.
Its files go to build/volumes/NN/ (anthology.pdf, anthology-screen.pdf, with `epub:
per-volume` anthology.epub, bibliography.html, reports/volume.json); build/volumes/volumes.json
lists them all.

Nothing is made twice.  The volume is laid out by the PDF stage's own `typeset`, its chapters
as the whole book's chapters (`chapters_as`), so every chapter part is the one the pdf stage
cached in build/pdf-parts/ (read here, never written): only each volume's front matter,
back matter and heads and folios are laid out, in the same pool of workers, and cached in
the volume's own pdf-parts/.  The EPUB is the epub stage's `build`, given the volume's
chapters.

How the book is cut:
- `by: year` (`years: N`): one volume per N calendar years, counted from the first chapter's
  year; a chapter with no date stays with the chapter before it (the first with the next).
- `by: category`: one volume per category (a chapter's first, as its source lists them; the
  split stage records them in build/model/split-extra.json), in the order the categories
  first come in the book; a chapter with none stays with the chapter before it.
- `by: pages` (`pages: N`): as many chapters, in book order, as keep the volume's print
  master at N pages or fewer, front and back matter included.  The chapters' pages come from
  their laid-out parts; each volume is laid out and, if its index or bibliography push it
  over, given one chapter fewer until it fits.  A chapter that alone does not fit is an error.
"""

from __future__ import annotations

import functools
import json
import shutil
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

from scripts.books.backmatter import book_as_printed
from scripts.books.contributors import load_people
from scripts.books.pdf.build import (
    Layout,
    book_running_head,
    load_bibliography,
    load_chapters,
    load_index_functions,
    typeset,
    write_pdfs,
)
from scripts.books.pdf.parts import LaidOutPart, PartCache, PartJob
from scripts.content.chapters import Chapter
from scripts.core.atomic import write_bytes, write_text
from scripts.core.book import IDENTIFIER_NAMESPACE, Book, Volumes, book_for, year_range
from scripts.core.errors import UserError
from scripts.core.identity import Isbns
from scripts.core.memo import Memo, code_version
from scripts.core.paths import BookPaths


# ---------------------------------------------------------------- which chapters

def by_year(chapters: list[Chapter], years: int = 1) -> list[list[Chapter]]:
    """The chapters in volumes of `years` calendar years each (from the first chapter's year),
    each volume in book order; an undated chapter goes with the chapter before it."""
    year_of: list[int | None] = [int(c.date[:4]) if c.date[:4].isdigit() else None for c in chapters]
    known = [y for y in year_of if y is not None]
    if not known:
        return [list(chapters)]
    first = min(known)
    # an undated chapter takes the year of the chapter before it (the first: of the next dated)
    filled, last = [], next(y for y in year_of if y is not None)
    for year in year_of:
        last = year if year is not None else last
        filled.append(last)
    groups: dict[int, list[Chapter]] = {}
    for chapter, year in zip(chapters, filled):
        groups.setdefault((year - first) // years, []).append(chapter)
    return [groups[key] for key in sorted(groups)]


def by_category(chapters: list[Chapter], categories: dict[str, list[str]]) -> list[tuple[str, list[Chapter]]]:
    """A volume for each category, named by the category: a chapter goes by its first category
    (the first its source lists: WordPress marks none as the main one), a
    chapter with none with the chapter before it (the first with the next that has one).  The
    volumes come in the order their first chapters have in the book, each in book order."""
    named = [(categories.get(c.slug) or [""])[0] for c in chapters]
    last = next((name for name in named if name), "")
    groups: dict[str, list[Chapter]] = {}
    for chapter, name in zip(chapters, named):
        last = name or last
        groups.setdefault(last, []).append(chapter)
    return list(groups.items())


def fit_by_pages(spans: list[int], start: int, overhead: int, cap: int) -> int:
    """The end of the longest run of chapters from `start` whose pages (`spans`, each with
    its blank verso) and the volume's other pages (`overhead`) stay within `cap`; at least one."""
    end, total = start, overhead
    while end < len(spans) and (end == start or total + spans[end] <= cap):
        total += spans[end]
        end += 1
    return end


# ---------------------------------------------------------------- one volume as a book

@dataclass
class Volume:
    number: int
    chapters: list[Chapter]
    book: Book                        # the volume's own title, subtitle, identifier
    layout: Layout | None = None


def volume_book(book: Book, number: int, chapters: list[Chapter], name: str = "") -> Book:
    """The volume as a book: "<title>, Volume N", its `name` (a category) or its chapters'
    years as its subtitle (after the book's own, when it has one), its own identifier derived
    from the book's, and its own ISBNs (book.yaml `volumes: isbn:`), never the book's: an ISBN
    names one edition of one book."""
    from scripts.core.book import YEARS
    # A subtitle that prints `{years}` says them already (the volume's, when it is printed).
    years = "" if YEARS in book.subtitle else year_range(c.date for c in chapters)
    subtitle = ", ".join(part for part in (book.subtitle, name or years) if part)
    identifier = f"urn:uuid:{uuid.uuid5(IDENTIFIER_NAMESPACE, f'{book.identifier}|volume {number}')}"
    # The band on the editor's artwork (cover.py) prints the years even when the subtitle
    # does: the artwork prints no subtitle.
    label = " · ".join(part for part in (f"Volume {number}", name or year_range(c.date for c in chapters))
                       if part)
    return replace(book, title=f"{book.title}, Volume {number}", subtitle=subtitle,
                   identifier=identifier, isbn=book.volumes.isbn_of(number) if book.volumes else Isbns(),
                   volume_label=label)


class SharedCache(PartCache):
    """The volume's own parts (front matter, back matter, furniture) in its own folder, which
    it prunes; the chapters read from the whole book's cache, which the pdf stage keeps."""

    def __init__(self, folder: Path, shared: Path):
        super().__init__(folder)
        self.shared = PartCache(shared)

    def get(self, job: PartJob) -> LaidOutPart | None:
        return super().get(job) or self.shared.get(job)


def volume_bibliography(paths: BookPaths, chapters: list[Chapter], language: str, memo: Memo) -> str:
    """The book's bibliography cut to the works the volume's chapters cite, formatted by the
    bibliography stage's own citeproc call ("" when they cite none)."""
    from scripts.bibliography.build import format_bibliography
    if not paths.bibliography_json.exists() or not paths.bibliography_citations.exists():
        return ""
    slugs = {c.slug for c in chapters}
    cited = json.loads(paths.bibliography_citations.read_text(encoding="utf-8"))
    items = json.loads(paths.bibliography_json.read_text(encoding="utf-8"))
    ids = [item["id"] for item in items
           if any(place.get("slug") in slugs for place in cited.get(item["id"], []))]
    return format_bibliography(paths.bibliography_json, ids, language, memo)


@dataclass
class Typesetter:
    """What every volume's layout shares: the book, its chapters as the PDF prepares them,
    the back matter's people, the index, the caches."""
    paths: BookPaths
    book: Book
    chapters: list[Chapter] | None       # None: loaded here, with the index's marks (as the pdf stage's)
    memo: Memo | None
    bibliography_memo: Memo | None

    def __post_init__(self):
        self.people = load_people(self.paths.contributors)
        self.index_functions = self.terms = None
        if self.paths.index_terms.exists():
            functions = load_index_functions()
            self.index_functions = (functions if self.memo is None else
                                    replace(functions, load_terms=functools.partial(functions.load_terms,
                                                                                    memo=self.memo)))
            self.terms = self.index_functions.load_terms(self.paths.index_terms)
        if self.chapters is None:
            self.chapters = load_chapters(self.paths.articles, self.terms)
        # The chapters' documents are the whole book's: the years its subtitle prints are all of them.
        self.whole = book_as_printed(self.book, self.chapters)
        # one cache a volume, kept across the tries of a cut by pages (pruned at the end)
        self.caches: dict[int, SharedCache] = {}
        self.epub_memo = Memo.in_build(self.paths.build, "volumes-epub", code_version())

    def lay_out(self, volume: Volume) -> Layout:
        own = self.paths.volume(volume.number)
        bibliography = volume_bibliography(self.paths, volume.chapters, self.book.language,
                                           self.bibliography_memo)
        write_text(own.bibliography_html, bibliography)
        cache = self.caches.setdefault(volume.number, SharedCache(own.pdf_parts, self.paths.pdf_parts))
        volume.layout = typeset(volume.book, volume.chapters, contributors=self.people,
                                bibliography=load_bibliography(own.bibliography_html) if bibliography else "",
                                index_functions=self.index_functions, index_terms=self.terms,
                                cache=cache, memo=self.memo, chapters_as=self.whole)
        return volume.layout

    def print_pages(self, layout: Layout) -> int:
        return self.book.printer.pages_for(layout.page_count)

    def whole_book_spans(self) -> list[int]:
        """Each chapter's pages in the whole book, with its blank verso, from the folios the pdf
        stage reported (the last chapter's is not known there: guessed at two)."""
        report = self.paths.reports / "pdf.json"
        folios = {}
        if report.exists():
            folios = {c["slug"]: c["page"] for c in json.loads(report.read_text(encoding="utf-8"))["chapters"]}
        starts = [int(folios[c.slug]) if folios.get(c.slug, "").isdigit() else None for c in self.chapters]
        spans = []
        for here, after in zip(starts, starts[1:] + [None]):
            spans.append(after - here if here is not None and after is not None and after > here else 2)
        return spans

    def categories(self) -> dict[str, list[str]]:
        """Each chapter's categories, as the split stage found them in the sources."""
        extra = self.paths.split_extra
        found = json.loads(extra.read_text(encoding="utf-8")).get("categories", {}) if extra.exists() else {}
        if not any(found.get(c.slug) for c in self.chapters):
            raise UserError("book.yaml says 'volumes: by: category', but no chapter has a category",
                            file=str(self.paths.book_yaml),
                            hint="categories come from a WordPress export or the posts' front matter "
                                 "('categories:'); cut the book 'by: year' or 'by: pages' instead")
        return found

    def whole_front_pages(self) -> int:
        """The whole book's front matter pages: a first guess at a volume's (its contents are shorter)."""
        report = self.paths.reports / "pdf.json"
        return json.loads(report.read_text(encoding="utf-8")).get("front_matter_pages", 0) if report.exists() else 0

    def prune(self) -> None:
        for cache in self.caches.values():
            cache.prune()
        for memo in (self.memo, self.bibliography_memo, self.epub_memo):
            memo.prune()


def plan(setter: Typesetter, volumes: Volumes) -> list[Volume]:
    """The volumes, each laid out."""
    book, chapters = setter.book, setter.chapters
    if volumes.by == "year":
        planned = [Volume(n, group, volume_book(book, n, group))
                   for n, group in enumerate(by_year(chapters, volumes.years), 1)]
    elif volumes.by == "category":
        planned = [Volume(n, group, volume_book(book, n, group, name))
                   for n, (name, group) in enumerate(by_category(chapters, setter.categories()), 1)]
    else:
        return _plan_by_pages(setter, volumes.pages)
    for volume in planned:
        setter.lay_out(volume)
    return planned


def _plan_by_pages(setter: Typesetter, cap: int) -> list[Volume]:
    book, chapters = setter.book, setter.chapters
    # Each chapter's pages with the blank verso before the next part: the whole book's, then
    # as laid out in the volume (the same parts: the same pages).  The other pages of a volume
    # (front and back matter) are guessed from the volume before, then measured.
    spans = setter.whole_book_spans()
    planned: list[Volume] = []
    start, overhead = 0, setter.whole_front_pages()
    while start < len(chapters):
        end = fit_by_pages(spans, start, overhead, cap)
        while True:
            number = len(planned) + 1
            group = chapters[start:end]
            volume = Volume(number, group, volume_book(book, number, group))
            layout = setter.lay_out(volume)
            for index, chapter in enumerate(group, start):
                spans[index] = _span(layout, chapter.id)
            total = setter.print_pages(layout)
            overhead = total - sum(spans[start:end])
            if total <= cap:
                break
            if end - start == 1:
                raise UserError(f"chapter {group[0].number} ('{group[0].title_text}') makes a volume of "
                                f"{total} pages, more than book.yaml's 'volumes: pages: {cap}'",
                                file=str(setter.paths.book_yaml),
                                hint="raise 'pages:' (up to the printer's maximum), or split the piece "
                                     "into two posts")
            end = min(end - 1, fit_by_pages(spans, start, overhead, cap))
        planned.append(volume)
        start = end
    return planned


def _span(layout: Layout, chapter_id: str) -> int:
    """A chapter's pages in a layout, with the blank verso before the part after it."""
    part = next(p for p in layout.sequence if p is not None and p.name == chapter_id)
    return part.pages + part.pages % 2


# ---------------------------------------------------------------- the stage

def _index_entries(layout: Layout) -> list[dict]:
    if layout.index_model is None:
        return []

    def entry(rendered) -> dict:
        return {"term": rendered.term, "locators": [locator.label for locator in rendered.locators],
                "subentries": [entry(sub) for sub in rendered.subentries]}
    return [entry(rendered) for _, group in layout.index_model.groups for rendered in group]


def write_volume(setter: Typesetter, volume: Volume, epub: bool) -> dict:
    """The volume's PDFs (and EPUB) from its layout, and its report (reports/volume.json)."""
    own = setter.paths.volume(volume.number)
    layout = volume.layout
    sizes = write_pdfs(layout, volume.book, own.print_pdf, own.screen_pdf)
    printed = book_as_printed(volume.book, volume.chapters)
    fit_head = book_running_head(volume.book)
    files = {"print": own.print_pdf.name, "screen": own.screen_pdf.name}
    if epub:
        from scripts.books.epub.build import build as build_epub, write_report
        result = build_epub(setter.paths.articles, volume.book,
                            bibliography=own.bibliography_html if own.bibliography_html.stat().st_size else None,
                            contributors=setter.paths.contributors, index_terms=setter.paths.index_terms,
                            memo=setter.epub_memo, only={c.slug for c in volume.chapters})
        write_bytes(own.epub, result.epub)
        write_report(result, own.reports, own.epub)
        files["epub"] = own.epub.name
    else:
        # an EPUB of an earlier build with `epub: per-volume` is not this volume's any more
        for stale in (own.epub, own.reports / "epub.json"):
            stale.unlink(missing_ok=True)
    report = {
        "number": volume.number, "title": printed.title, "subtitle": printed.subtitle,
        "identifier": volume.book.identifier, "folder": str(own.build),
        "pages": layout.page_count, "print_pages": sizes["print_pages"],
        "front_matter_pages": layout.first_body_page,
        "chapters": [{"number": c.number, "slug": c.slug, "title": c.title_text, "date": c.date,
                      "page": layout.labels[layout.anchors[c.id]], "running_head": fit_head(c.title_text)}
                     for c in volume.chapters],
        "parts": layout.parts, "parts_laid_out": layout.parts_laid_out,
        "unresolved_links": sizes["unresolved_links"],
        "bibliography": own.bibliography_html.stat().st_size > 0,
        "index": _index_entries(layout),
        "files": files, "print_bytes": sizes["print_bytes"], "screen_bytes": sizes["screen_bytes"],
    }
    write_text(own.reports / "volume.json", json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return report


def run(paths: BookPaths) -> str:
    """The volumes stage: book.yaml's `volumes:` -> build/volumes/NN/ and volumes.json.  A book
    without the key is one book: the manifest says so and nothing else is made."""
    book = book_for(paths)
    if book.volumes is None:
        write_text(paths.volumes_manifest, json.dumps({"by": None, "volumes": []}, indent=1) + "\n")
        return f"one book (book.yaml has no 'volumes:') -> {paths.volumes_manifest}"
    setter = Typesetter(paths, book, None,
                        Memo.in_build(paths.build, "volumes", code_version()),
                        Memo.in_build(paths.build, "volumes-bibliography", code_version()))
    volumes = plan(setter, book.volumes)
    epub = book.volumes.epub == "per-volume"
    reports = [write_volume(setter, volume, epub) for volume in volumes]
    setter.prune()
    # a volume folder left from an earlier cut of the book (fewer volumes now) goes
    made = {paths.volume(v.number).build.name for v in volumes}
    for stale in sorted(paths.volumes.iterdir()) if paths.volumes.is_dir() else ():
        if stale.is_dir() and stale.name.isdigit() and stale.name not in made:
            shutil.rmtree(stale)
    maximum = book.printer.maximum_pages
    over = [r["number"] for r in reports if maximum is not None and r["print_pages"] > maximum]
    # an ISBN book.yaml gives a volume this cut does not make is named, not silently unused
    unused_isbns = [number for number, _ in book.volumes.isbns if number > len(reports)]
    manifest = {"by": book.volumes.by, "epub": book.volumes.epub,
                "cap": book.volumes.pages or maximum, "over_the_printer_s_maximum": over,
                "isbn_for_no_volume": unused_isbns,
                "volumes": [{key: r[key] for key in ("number", "title", "subtitle", "identifier", "folder",
                                                     "pages", "print_pages", "files")}
                            | {"chapters": [c["slug"] for c in r["chapters"]]} for r in reports]}
    write_text(paths.volumes_manifest, json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    pages = ", ".join(str(r["print_pages"]) for r in reports)
    laid = sum(r["parts_laid_out"] for r in reports)
    warning = (f"; volume {', '.join(map(str, over))} over {book.printer.name}'s {maximum} pages"
               if over else "")
    if unused_isbns:
        warning += (f"; book.yaml gives ISBNs to volume {', '.join(map(str, unused_isbns))}, which this "
                    f"cut does not make ({len(reports)} volumes)")
    return (f"{len(reports)} volumes by {book.volumes.by} ({pages} pages), {laid} parts laid out "
            f"(the chapters from the pdf stage's cache){warning} -> {paths.volumes}/")
