"""The print book: article Markdown -> Jinja2 HTML -> WeasyPrint -> two PDFs.

Inputs : manuscript/book.yaml, build/articles/NN-slug.md (+ optional back matter:
         build/contributors.json, build/bibliography.html, manuscript/index.yaml's terms)
Outputs: build/anthology.pdf          print master: book.yaml's trim, its printer's bleed, PDF/X-4
         build/anthology-screen.pdf   download copy: same pages, no bleed, PDF/UA-1 (tagged)
         build/reports/pdf.json       pages, passes, folio labels, fonts, what was left out

The book is laid out once, in parts (scripts/books/pdf/parts.py: each chapter and
back-matter section alone, in parallel, cached), and both files are joined from those
same parts (scripts/books/pdf/join.py), so their pagination cannot drift apart: the
screen copy's pages are only cut back to the trim.  The index is laid out after the
chapters, from the pages their words landed on: no second pass over the text.

Why some 660 lines: this module is the plan that ties the others together (what each
part holds, in what order, with which folios, and the report of it); the work itself is
in the modules beside it (parts, join, anchors, heads, page, hyphenation, finish).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import jinja2
from lxml import html as lxml_html
from markupsafe import Markup

from scripts.books.backmatter import (
    back_matter_sections,
    book_as_printed,
    rights_exceptions,
    source_entries,
)
from scripts.books.contributors import Person, load_people
from scripts.books.pdf import hyphenation
from scripts.books.pdf.anchors import TextAnchor, lift_index_anchors
from scripts.books.pdf.engine import engine_versions
from scripts.books.pdf.heads import head_style, running_head
from scripts.books.pdf.hyphenation import hyphenate_html, hyphenate_text
from scripts.books.pdf.join import BLANK, join_both
from scripts.books.pdf.page import page_setup, text_measure
from scripts.books.pdf.parts import (
    FRONT,
    FURNITURE,
    TEXT,
    LaidOutPart,
    PartCache,
    PartJob,
    Task,
    constant,
    lay_out_plan,
    worker_count,
    point_links_out,
)
from scripts.content.chapters import Chapter
from scripts.content.sanitise import Dropped, sanitise
from scripts.core import paths as resources
from scripts.core.atomic import write_bytes, write_text
from scripts.core.console import Progress
from scripts.core.book import Book, book_for, load_book
from scripts.core.identity import credit_lines
from scripts.core.memo import Memo, code_version
from scripts.books.fonts import chosen_faces, display_characters, print_faces, refuse_missing_glyphs
from scripts.core.errors import UserError
from scripts.core.paths import BookPaths

TEMPLATES = resources.TEMPLATES / "print"
# The most parts one document of heads and folios covers (a blog's parts run to some 3 to 15
# pages, so some 100 to 400 pages a document): see typeset().
FURNITURE_PARTS = 24

# ---------------------------------------------------------------- chapters

def keep_ranges_together(text: str) -> Markup:
    """Escape text and keep number ranges such as 2022–2023 from breaking at the dash."""
    escaped = str(Markup.escape(text))
    return Markup(re.sub(r"(\d+[–-]\d+)", r'<span class="nowrap">\1</span>', escaped))


def load_chapters(articles_dir: Path, terms=None) -> list[Chapter]:
    """The chapters as the html stage prepared them (scripts.content.chapters; with the
    index's marks, given its `terms`), with the print book's finishing on the body:
    endnotes, break points in printed URLs."""
    from scripts.content import chapters as chapter_stage
    if not articles_dir.is_dir() or not any(articles_dir.glob("[0-9]*.md")):
        raise UserError(f"no articles found in {articles_dir}",
                        hint="build them first with `make articles`")
    book_chapters = []
    # The chapters name their pictures relative to build/articles/; WeasyPrint resolves the
    # book's HTML against the project, so each picture gets its file's own address.
    pictures = (articles_dir.parent / "images").resolve().as_uri() + "/"
    for source in map(chapter_stage.checked, chapter_stage.load_chapters(articles_dir, terms)):
        body = prepare_fragment(source.body, where=source.where, dropped=source.dropped)
        # The marked body is the same body with anchors: what its finishing drops is dropped
        # from the body too, and reported once.
        indexed = (None if source.indexed_body is None
                   else prepare_fragment(source.indexed_body, where=source.where, dropped=[]))
        book_chapters.append(replace(
            source, body=body.replace('src="../images/', f'src="{pictures}'),
            indexed_body=indexed and indexed.replace('src="../images/', f'src="{pictures}')))
    numbers = [c.number for c in book_chapters]
    if len(set(numbers)) != len(numbers):
        raise UserError(f"two articles share a chapter number in {articles_dir}",
                        hint="rebuild the articles (make articles)")
    return book_chapters


# ---------------------------------------------------------------- HTML fragments

def _sanitise(root, where: str = "", dropped: list[Dropped] | None = None) -> None:
    """The books' one allow-list sanitiser (scripts.content.sanitise); what it drops is
    added to `dropped` for the report."""
    found = sanitise(root, where)
    if dropped is not None:
        dropped.extend(found)


def _break_url(text: str) -> list[str]:
    """Split a URL after / ? & = _ and before . # - so the line may break there (never
    hyphenate).  Before a hyphen, not after it: a line ending in a URL's own hyphen reads as
    a word hyphenated, and the reader types the address without it."""
    return [part for part in re.split(r"(?<=[/?&=_])(?!/)|(?=[.#-])", text) if part]


# A break point inside a printed URL.  The character, not <wbr>: WeasyPrint draws a <wbr>
# as an inline box holding this same character, so each one split the link into three
# more boxes, each with its own link annotation and structure elements.  A 1,000-post
# book's bibliography (21,702 break points) took 1,288 MB and 62 s to lay out, 200,607
# objects; with the character, 458 MB, 24 s and 48,693, on the same lines and pages.
URL_BREAK = "\u200b"
# After a URL's hyphen: WORD JOINER, so the line breaks before the hyphen only (the line
# breaking rules allow a break after any hyphen).
URL_HYPHEN = "-\u2060"


def _mark_urls(wrapper) -> None:
    """Printed URLs get break points after their slashes (and the class `url`, which the
    stylesheet never hyphenates), so a long address breaks inside the text block."""
    for link in wrapper.xpath(".//a[contains(@class, 'uri')] | .//a[starts-with(@href, 'http')]"):
        text = link.text_content()
        if not text.startswith(("http://", "https://", "www.")) or len(link):
            continue
        link.text = URL_BREAK.join(_break_url(text)).replace("-", URL_HYPHEN)
        classes = set((link.get("class") or "").split()) | {"url"}
        link.set("class", " ".join(sorted(classes)))


def prepare_fragment(fragment: str, prefix: str | None = None, *, where: str = "",
                     dropped: list[Dropped] | None = None) -> str:
    """Make one chapter's pandoc HTML safe and unique inside a whole book.

    With `prefix`, ids are prefixed with it (every chapter has its own fn1;
    scripts.content.chapters already asks pandoc for prefixed ids, so it passes none); pandoc's end-of-document footnotes become the chapter's endnotes, where the
    note number itself links back to the reference (no arrow glyph, which the
    book face may lack); printed URLs get break points after their slashes.
    What the sanitiser drops is added to `dropped` (named by `where`, the chapter's file).
    """
    wrapper = lxml_html.fragment_fromstring(fragment or "<p></p>", create_parent="div")
    _sanitise(wrapper, where, dropped)
    # WeasyPrint ignores <ol start>; numbered evidence that resumes after a heading
    # (paragraphs 21, 22 ...) must not restart at 1.  The style is ours, set after
    # the sanitiser has removed every style attribute that came with the text.
    for ordered in wrapper.xpath(".//ol[@start]"):
        if ordered.get("start").isdigit():
            ordered.set("style", f"counter-reset: list-item {int(ordered.get('start')) - 1}")
    for element in wrapper.iter() if prefix else ():
        if element.get("id"):
            element.set("id", f"{prefix}-{element.get('id')}")
        href = element.get("href")
        if href and href.startswith("#"):
            element.set("href", f"#{prefix}-{href[1:]}")

    for notes in wrapper.xpath(".//section[contains(@class, 'footnotes')]"):
        for rule in notes.findall("hr"):
            notes.remove(rule)
        notes.set("class", "endnotes")
        notes.attrib.pop("role", None)
        heading = lxml_html.Element("h2")
        heading.set("class", "endnotes-heading")
        heading.text = "Notes"
        notes.insert(0, heading)
        for number, item in enumerate(notes.xpath("./ol/li"), 1):
            back = item.xpath(".//a[contains(@class, 'footnote-back')]")
            target = back[0].get("href") if back else None
            for link in back:
                link.drop_tree()
            label = lxml_html.Element("a")
            label.set("class", "note-number")
            if target:
                label.set("href", target)
            label.text = f"{number}."
            first = item[0] if len(item) and item[0].tag == "p" else item
            label.tail = first.text
            first.text = None
            first.insert(0, label)
        notes.set("role", "doc-endnotes")

    _mark_urls(wrapper)
    return "".join(lxml_html.tostring(child, encoding="unicode") for child in wrapper)


def load_bibliography(path: Path | None, dropped: list[Dropped] | None = None) -> str:
    if not path or not path.exists():
        return ""
    wrapper = lxml_html.fragment_fromstring(path.read_text(encoding="utf-8"),
                                            create_parent="div")
    _sanitise(wrapper, path.name, dropped)
    # The section's heading is the back matter's (scripts/books/backmatter.py); a top
    # heading of the fragment's own would print a second one, as the EPUB drops it too.
    if len(wrapper) and wrapper[0].tag in ("h1", "h2"):
        wrapper.remove(wrapper[0])
    _mark_urls(wrapper)
    return "".join(lxml_html.tostring(child, encoding="unicode") for child in wrapper)


# ---------------------------------------------------------------- the index hook

@dataclass(frozen=True)
class IndexFunctions:
    """What typeset() needs from the index stage, passed in so a test can hand in a stand-in."""
    load_terms: Callable
    mark_occurrences: Callable
    render_index_html: Callable
    build_model: Callable


def load_index_functions() -> IndexFunctions:
    # Imported here, not at the top: a book without index terms never loads the index stage.
    from scripts.index.match import mark_occurrences
    from scripts.index.render import build_model, render_index_html
    from scripts.index.terms import load_terms
    return IndexFunctions(load_terms=load_terms, mark_occurrences=mark_occurrences,
                          render_index_html=render_index_html, build_model=build_model)


# ---------------------------------------------------------------- folios

def roman(number: int) -> str:
    numerals = (("m", 1000), ("cm", 900), ("d", 500), ("cd", 400), ("c", 100), ("xc", 90),
                ("l", 50), ("xl", 40), ("x", 10), ("ix", 9), ("v", 5), ("iv", 4), ("i", 1))
    out = []
    for letters, value in numerals:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


def folio_labels(page_count: int, first_body_page: int) -> list[str]:
    """Folio of each page index: lower-case roman before the first chapter, arabic from 1 after.

    Mirrors the page counters of print.css (`:nth(1 of main)` resets the count).
    """
    return [roman(i + 1) if i < first_body_page else str(i - first_body_page + 1)
            for i in range(page_count)]


def recto_starts(page_counts: list[int]) -> tuple[list[int], int]:
    """Where each part opens when every part opens on a recto (page index 0 is one):
    the page index of each part's first page, and the pages in all, blank versos included."""
    starts, position = [], 0
    for count in page_counts:
        position += position % 2            # a blank verso before a part that would open on a verso
        starts.append(position)
        position += count
    return starts, position


# ---------------------------------------------------------------- HTML

def book_running_head(book: Book) -> Callable[[str], str]:
    """The running-head rule for this book: fitted to its trim's text block and set in its
    body face's italic (print.css's head is the body face; faces.css says so for a chosen one)."""
    body = chosen_faces(book)[0][1]
    return _running_head_rule(book.trim, book.printer, body.folder / dict(body.files)["Italic"])


@functools.cache
def _running_head_rule(trim, printer, italic: Path) -> Callable[[str], str]:
    # Cached: the templates ask for the rule once for every title they print.
    return functools.partial(running_head, measure_pt=text_measure(trim, printer), style=head_style(italic))


@functools.cache
def template_environment() -> jinja2.Environment:
    # One environment for the whole stage: a book is rendered as some twenty part
    # documents, and a new environment would compile every template again for each.
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    environment.filters["ranges"] = keep_ranges_together
    environment.filters["running_head"] = lambda title, book: book_running_head(book)(title)
    environment.filters["credits"] = credit_lines       # "Edited by ...": the title and copyright pages
    environment.filters["print_faces"] = print_faces    # book.yaml's faces, when it chooses any
    # A chapter's fields are pandoc's HTML of escaped text, sanitised by the html
    # stage and again on loading: safe to place as markup.
    environment.filters["fragment"] = Markup
    return environment


def render_book_html(book: Book, chapters: list[Chapter], *, contributors: list[Person],
                     bibliography: str, index_html: str) -> str:
    """The whole book as one HTML document (what one bare WeasyPrint render lays out)."""
    back_matter = back_matter_sections(contributors, bibliography=bool(bibliography),
                                       index=bool(index_html), chapters=chapters)
    return render_part_html(book, chapters, back_matter, contributors=contributors,
                            bibliography=bibliography, index_html=index_html, front=True,
                            part_chapters=chapters, part_sections=back_matter)


def render_part_html(book: Book, chapters: list[Chapter], back_matter, *, contributors: list[Person],
                     bibliography: str = "", index_html: str = "", front: bool = False,
                     part_chapters: list[Chapter] = (), part_sections=(),
                     folios: dict[str, str] | None = None, alone: bool = False) -> str:
    """One part of the book as an HTML document: the front matter (whose contents list
    every chapter and back-matter section, with `folios` when they are known), and/or
    the chapters and back-matter sections given.  `alone`: laid out without heads and folios."""
    template = template_environment().get_template("book.html")
    printed = book_as_printed(book, chapters)         # {years}: the chapters' years
    sources = source_entries(chapters, printed)
    return template.render(
        book=printed, toc_chapters=chapters, chapters=list(part_chapters), back_matter=back_matter,
        sources=sources, rights_exceptions=rights_exceptions(sources),
        back_here=list(part_sections), contributors=contributors, front=front, folios=folios,
        laid_out_alone=alone, bibliography=Markup(bibliography), index_html=Markup(index_html),
        chapter_body=lambda chapter: Markup(chapter.body), date=book.date.isoformat())


def render_furniture_html(book: Book, parts: list[tuple[str, int]], first_folio: int = 1) -> str:
    """Running heads and folios for consecutive parts of the body matter, (running head,
    pages) per part, the first part's first page numbered `first_folio`."""
    template = template_environment().get_template("furniture.html")
    return template.render(book=book, first_folio=first_folio,
                           parts=[{"running_head": head, "pages": pages} for head, pages in parts])


# ---------------------------------------------------------------- layout

@dataclass
class Layout:
    """The book laid out in parts: the page sequence to join, and what it printed."""
    sequence: list                   # LaidOutPart or join.BLANK, in page order
    furniture: list                  # (furniture document, the book's page index it lies from)
    labels: list[str]
    first_body_page: int
    anchors: dict[str, int]          # anchor id -> its first page index in the book
    index_used: bool
    index_model: object = None       # scripts.index.render.IndexModel as printed (for the report and tests)
    parts: int = 0
    parts_laid_out: int = 0          # how many were laid out this time (the others came from the cache)
    passes: int = 1                  # layout passes over the text: the index needs no second one
    whole_html: Callable[[], str] | None = None   # the same book as ONE document (the benchmark's baseline)
    approximate_anchors: list[str] = field(default_factory=list)   # index anchors put at their block's start

    @property
    def page_count(self) -> int:
        return len(self.labels)


def _book_ids(book: Book) -> tuple[bytes, str]:
    digest = hashlib.sha1(book.identifier.encode()).hexdigest()
    return digest.encode(), "xmp.did:" + digest


def typeset(book: Book, chapters: list[Chapter], *, contributors: list[Person] | None = None,
            bibliography: str = "", index_functions: IndexFunctions | None = None,
            index_terms=None, cache: PartCache | None = None, memo: Memo | None = None,
            on_progress: Callable[[int, int, int], None] | None = None,
            chapters_as: Book | None = None) -> Layout:
    """Lay the book out in parts: the chapters and back matter (in parallel), then the
    index from their pages, then the front matter and the heads and folios.  `memo`: where
    each fragment's hyphenation is remembered (only what changed is hyphenated again).
    `on_progress` is told (parts laid out, parts in all, pages so far) as each part is laid out.
    `chapters_as`: the book whose documents the chapters are laid out as (a volume's are the
    whole book's, with its years filled in, so they are the whole book's cached parts)."""
    contributors = contributors or []
    hyphenate = hyphenation.remembering(memo) if memo is not None else hyphenate_html
    cache = cache or PartCache(None)
    occurrences = None
    text_anchors: dict[str, tuple[TextAnchor, ...]] = {}
    if index_functions is not None:
        marked = []
        occurrences = []
        for chapter in chapters:
            # Marked once by the html stage for both books; a chapter that comes without
            # the marks (a test's) is marked here.
            body, found = ((chapter.indexed_body, chapter.occurrences) if chapter.occurrences is not None
                           else index_functions.mark_occurrences(chapter.body, chapter.id, index_terms))
            # The spans come out again, their places kept as data: see anchors.py.
            body, text_anchors[chapter.id] = lift_index_anchors(body, chapter.id)
            marked.append(replace(chapter, body=body))
            occurrences.extend(found)
        chapters = marked
    # Break points go in after the index has found its words (see hyphenation.py), each
    # chapter's when its part is handed to a worker: the first parts are laid out while the
    # others are hyphenated.
    language = book.language
    hyphenated: dict[str, Chapter] = {}

    def with_break_points(chapter: Chapter) -> Chapter:
        if chapter.id not in hyphenated:
            hyphenated[chapter.id] = replace(chapter, body=hyphenate(chapter.body, language),
                                             subtitle=hyphenate(chapter.subtitle, language),
                                             headnote=hyphenate(chapter.headnote, language))
        return hyphenated[chapter.id]

    listed: list[Chapter] = []

    def every_chapter() -> list[Chapter]:
        """The chapters as a part that lists them has them (the contents, "About these
        pieces", the sources), made once: a body is printed only in its chapter's own part,
        so here only what is listed gets its break points, and no part waits for every body's."""
        if not listed:
            listed.extend(replace(c, subtitle=hyphenate(c.subtitle, language),
                                  headnote=hyphenate(c.headnote, language)) for c in chapters)
        return listed

    back_matter_text: dict[str, object] = {}

    def with_break_points_back() -> tuple[str, list[Person]]:
        """The bibliography and the people's bios, hyphenated when a part first prints them."""
        if not back_matter_text:
            back_matter_text["bibliography"] = hyphenate(bibliography, language)
            back_matter_text["people"] = [replace(p, bio=[hyphenate_text(paragraph, language) for paragraph in p.bio])
                                          for p in contributors]
        return back_matter_text["bibliography"], back_matter_text["people"]
    if not chapters:
        raise UserError("the book has no chapters to lay out", hint="check book.yaml's sources")

    identifier, document_id = _book_ids(book)
    page = page_setup(book.trim, book.printer)
    fit_head = book_running_head(book)
    back_matter = back_matter_sections(contributors, bibliography=bool(bibliography),
                                       index=index_functions is not None, chapters=chapters)

    chapter_ids = {c.id for c in chapters} if chapters_as is not None else set()
    whole_book_ids = _book_ids(chapters_as) if chapters_as is not None else (identifier, document_id)

    def job(name: str, kind: str = TEXT, **part) -> PartJob:
        as_book, ids = (chapters_as, whole_book_ids) if name in chapter_ids else (book, (identifier, document_id))
        # A chapter's part prints only that chapter (the others give the book's years and
        # sources, which hyphenation does not touch); every other part may print them all.
        own = part.get("part_chapters")
        if own:
            toc, printed_bibliography, people = chapters, bibliography, contributors
            part["part_chapters"] = [with_break_points(c) for c in own]
        else:
            toc = every_chapter()
            printed_bibliography, people = with_break_points_back()
        html = render_part_html(as_book, toc, back_matter, contributors=people,
                                bibliography=printed_bibliography, **part)
        return PartJob(name, point_links_out(html), *ids, page, kind=kind,
                       text_anchors=text_anchors.get(name, ()))

    # The plan: every chapter and back-matter section laid out on its own; the index as soon
    # as the chapters are (from the pages its words landed on); the front matter (its
    # contents print the folios) and the heads and folios once the parts before them are.
    names = [c.id for c in chapters] + [s.id for s in back_matter]
    heads = dict(zip(names, [fit_head(c.title_text) for c in chapters] + [s.heading for s in back_matter]))
    has_index = index_functions is not None
    known = names[:names.index("index")] if has_index else names      # laid out without the index
    after_index = names[len(known):]
    printed_index: dict[str, object] = {"page_of": {}, "html": ""}

    def starts_of(laid, upto: list[str]) -> list[int]:
        return recto_starts([laid[name].pages for name in upto])[0]

    def index_job(laid) -> PartJob:
        chapter_names = [c.id for c in chapters]
        wanted = {o.anchor_id for o in occurrences}
        page_of: dict[str, str] = {}
        for name, start in zip(chapter_names, starts_of(laid, chapter_names)):
            for anchor, page in laid[name].anchors.items():
                if anchor in wanted:
                    page_of.setdefault(anchor, str(start + page + 1))
        html = index_functions.render_index_html(index_terms, occurrences, target="pdf", page_of=page_of)
        printed_index.update(page_of=page_of, html=html)
        section = next(s for s in back_matter if s.id == "index")
        return job("index", part_sections=[section], index_html=html, alone=True)

    def front_job(laid) -> PartJob:
        order = [name for name in names if name in laid]
        # the first section not laid out yet (the index) opens on the next recto
        starts, total = recto_starts([laid[name].pages for name in order])
        folios = {name: str(start + 1) for name, start in zip(order, starts)}
        for name in names[len(order):len(order) + 1]:
            folios[name] = str(total + total % 2 + 1)
        return job("front", front=True, folios=folios, kind=FRONT)

    def furniture_job(first: int, last: int):
        def make(laid) -> PartJob:
            start = starts_of(laid, names[:last])[first]
            html = render_furniture_html(book, [(heads[n], laid[n].pages) for n in names[first:last]], start + 1)
            return PartJob(f"furniture-{first}", html, identifier, document_id, page, kind=FURNITURE)
        return make

    # Each part's HTML is made when the part is handed to a worker, so the first chapters are
    # being laid out while the others' HTML is made; the longest chapters go first.
    def part_job(chapter: Chapter):
        return lambda laid: job(chapter.id, part_chapters=[chapter], alone=True)

    tasks = [Task(c.id, part_job(chapter=c), priority=2, size=len(c.body)) for c in chapters]
    # The back matter's sections: with an index, after the chapters, to be laid out while
    # the index is (it can start only once every chapter is: the seeds' index takes 2.5 s).
    # Without one, among the chapters, longest first, so no worker is left with a long one
    # at the end: a 300-post book's bibliography (66 pages, 16 s) was laid out last, alone,
    # while the other worker waited.  Their HTML is made now, for its size.
    for section in (s for s in back_matter if s.id != "index"):
        section_job = job(section.id, part_sections=[section], alone=True)
        tasks.append(Task(section.id, constant(section_job), priority=1 if has_index else 2,
                          size=len(section_job.html)))
    # The heads and folios in documents of at most FURNITURE_PARTS parts each: WeasyPrint
    # holds a document's every page, so one document for a 5,000-page blog would hold some
    # 1.2 GB; the ranges follow the parts, so they are known before any page is.
    ranges = [(first, min(first + FURNITURE_PARTS, len(known))) for first in range(0, len(known), FURNITURE_PARTS)]
    if has_index:
        ranges.append((len(known), len(names)))
    for first, last in ranges:
        # (sized by its parts, so it goes before the front matter when both are ready: it is the longer)
        tasks.append(Task(f"furniture-{first}", furniture_job(first, last), needs=tuple(names[:last]), priority=2,
                          size=last - first))
    # The contents need the folio of every section; only the index's own length is not
    # needed, unless a section follows it.
    tasks.append(Task("front", front_job, needs=tuple(known if len(after_index) <= 1 else names), priority=2))
    if has_index:
        tasks.append(Task("index", index_job, needs=tuple(c.id for c in chapters), priority=3))

    def laid_so_far(laid: dict[str, LaidOutPart]) -> None:
        if on_progress is not None:
            # The heads and folios are laid over the pages of the parts: no pages of their own.
            pages = sum(part.pages for name, part in laid.items() if not name.startswith("furniture-"))
            on_progress(len(laid), len(tasks), pages)

    laid = lay_out_plan(tasks, cache, on_laid=laid_so_far, page_css=page.css)
    front = laid["front"]
    furniture = [laid[f"furniture-{first}"] for first, _ in ranges]
    # (the index's job is made, and its locators computed, whether or not its layout was cached)
    page_of, index_html = printed_index["page_of"], printed_index["html"]

    main = [laid[name] for name in names]
    starts, main_pages = recto_starts([part.pages for part in main])
    # Where each furniture document lies (a page index in the body matter), and a check that
    # it has as many pages as the parts it covers: print.css's furniture rules and the
    # parts' page breaks must agree page for page.
    covers = [(starts[first], recto_starts([part.pages for part in main[first:last]])[1]) for first, last in ranges]
    for document, (first, pages) in zip(furniture, covers):
        if document.pages != pages:
            raise RuntimeError(f"the heads and folios from body page {first + 1} cover {document.pages} "
                               f"pages, the parts there have {pages}: print.css's furniture rules no "
                               "longer match the parts' page breaks")

    first_body_page = front.pages + front.pages % 2
    sequence, position = [front], front.pages
    anchors = dict(front.anchors)
    for part, start in zip(main, starts):
        while position < first_body_page + start:
            sequence.append(BLANK)
            position += 1
        sequence.append(part)
        for anchor, page in part.anchors.items():
            anchors.setdefault(anchor, position + page)
        position += part.pages
    labels = folio_labels(first_body_page + main_pages, first_body_page)
    printed = (index_functions.build_model(index_terms, occurrences, target="pdf", page_of=page_of)
               if index_functions is not None else None)
    all_parts = [front, *furniture, *main]
    placed = [(document, first_body_page + first) for document, (first, _) in zip(furniture, covers)]

    def whole_html() -> str:
        printed_bibliography, people = with_break_points_back()
        return render_part_html(book, every_chapter(), back_matter, contributors=people,
                                bibliography=printed_bibliography, index_html=index_html, front=True,
                                part_chapters=[with_break_points(c) for c in chapters], part_sections=back_matter)

    return Layout(sequence, placed, labels, first_body_page, anchors, index_functions is not None,
                  printed, parts=len(all_parts),
                  parts_laid_out=sum(not part.from_cache for part in all_parts), whole_html=whole_html,
                  approximate_anchors=[a for part in main for a in part.approximate])


# ---------------------------------------------------------------- the two PDFs

def write_pdfs(layout: Layout, book: Book, print_path: Path, screen_path: Path) -> dict:
    # The print master: the printer's bleed and page-count rule (book.yaml `printer:`).
    printed, screen = join_both(layout.sequence, layout.furniture, layout.first_body_page, book.printer,
                                workers=worker_count(2))
    write_bytes(print_path, printed.data)
    write_bytes(screen_path, screen.data)
    return {"print_bytes": len(printed.data), "screen_bytes": len(screen.data),
            "print_pages": printed.pages, "unresolved_links": sorted(set(screen.unresolved_links))}


# ---------------------------------------------------------------- CLI

@dataclass
class ChapterPlacement:
    """Where a chapter landed in the print book, and the head its pages carry."""
    anchor: str
    slug: str
    title: str
    running_head: str
    page: str                         # the printed folio of its first page


@dataclass
class LeftOut:
    part: str                         # "index", "contributors", "bibliography"
    reason: str


@dataclass
class PdfReport:
    """What the print book contains (build/reports/pdf.json): pages, chapters and their
    folios, what was left out and why, what the sanitiser dropped, the printed index."""
    pages: int
    passes: int
    front_matter_pages: int
    chapters: list[ChapterPlacement]
    left_out: list[LeftOut]
    print_bytes: int
    screen_bytes: int
    dropped: list[Dropped]
    index: list[dict] | None = None   # entry by entry: term, key, variants, locators, sub-entries
    print_pages: int = 0              # the print PDF's pages: `pages`, made even with a blank verso
    parts: int = 0                    # documents laid out separately and joined
    parts_laid_out: int = 0           # of which laid out by this build (the rest from the cache)
    unresolved_links: list[str] = field(default_factory=list)   # links whose target no part holds
    # Index locators whose words were not found in the laid-out lines (text the stylesheet
    # hides), so they point at the start of their paragraph: each may name a page too early.
    index_anchors_at_paragraph_start: list[str] = field(default_factory=list)
    trim: str = ""                    # book.yaml's trim, as "6 × 9 in"
    printer: str = ""                 # the printer profile the print master follows (book.yaml `printer:`)
    # The engine and native libraries that decide the bytes (engine.py): two builds' reports
    # name what differed when their PDFs do.
    engine: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict:
        data = {"pages": self.pages, "passes": self.passes, "front_matter_pages": self.front_matter_pages,
                "trim": self.trim, "printer": self.printer, "engine": self.engine,
                "parts": self.parts, "parts_laid_out": self.parts_laid_out,
                "unresolved_links": self.unresolved_links,
                "index_anchors_at_paragraph_start": self.index_anchors_at_paragraph_start,
                "chapters": [asdict(c) for c in self.chapters], "left_out": [asdict(x) for x in self.left_out],
                "print_pages": self.print_pages,
                "print_bytes": self.print_bytes, "screen_bytes": self.screen_bytes,
                "dropped": [d.as_dict() for d in self.dropped]}
        if self.index is not None:
            data["index"] = self.index
        return data


def build(book_path: Path | Book, articles_dir: Path, print_path: Path, screen_path: Path,
          reports_dir: Path, contributors_path: Path | None = None,
          bibliography_path: Path | None = None, index_terms: Path | None = None,
          parts_dir: Path | None = None, memo: Memo | None = None) -> PdfReport:
    """`parts_dir`: where each part's layout is cached (none: every part is laid out).
    `memo`: where the index terms and each fragment's hyphenation are remembered."""
    book = book_path if isinstance(book_path, Book) else load_book(book_path)
    use_index = index_terms is not None and index_terms.exists()
    index_functions = load_index_functions() if use_index else None
    if index_functions is not None and memo is not None:
        index_functions = replace(index_functions,
                                  load_terms=functools.partial(index_functions.load_terms, memo=memo))
    terms = index_functions.load_terms(index_terms) if index_functions else None
    chapters = load_chapters(articles_dir, terms)
    contributors = load_people(contributors_path)
    dropped = [d for chapter in chapters for d in chapter.dropped]
    bibliography = load_bibliography(bibliography_path, dropped)
    if book.fonts.file:
        # A face book.yaml chose must have every character the book prints (the whole book's
        # text, as one document, before any part is laid out).
        whole = lxml_html.document_fromstring(render_book_html(
            book, chapters, contributors=contributors, bibliography=bibliography, index_html=""))
        refuse_missing_glyphs(book, set(whole.text_content()), display_characters(whole))
    cache = PartCache(parts_dir)
    shown: list[Progress] = []

    def show(done: int, total: int, pages: int) -> None:
        if not shown:
            shown.append(Progress("pdf", total, "parts laid out"))
        shown[0].update(done, f"{pages} pages so far" if done < total else f"{pages} pages; joining them")

    try:
        layout = typeset(book, chapters, contributors=contributors, bibliography=bibliography,
                         index_functions=index_functions, index_terms=terms, cache=cache, memo=memo,
                         on_progress=show)
        sizes = write_pdfs(layout, book, print_path, screen_path)
    finally:
        for progress in shown:
            progress.close()
    cache.prune()
    if memo is not None:
        memo.prune()
    left_out = []
    if index_functions is None:
        left_out.append(LeftOut("index", f"no index terms ({index_terms or 'none given'}); "
                                "see build/reports/index-candidates.md for suggestions"))
    if not contributors:
        left_out.append(LeftOut("contributors", f"no contributors in {contributors_path or '(none given)'}"))
    if not bibliography:
        left_out.append(LeftOut("bibliography", f"no bibliography in {bibliography_path or '(none given)'}"))
    fit_head = book_running_head(book)
    report = PdfReport(
        pages=layout.page_count, passes=layout.passes, front_matter_pages=layout.first_body_page,
        chapters=[ChapterPlacement(c.id, c.slug, c.title_text, fit_head(c.title_text),
                                   layout.labels[layout.anchors[c.id]]) for c in chapters],
        left_out=left_out, print_bytes=sizes["print_bytes"], screen_bytes=sizes["screen_bytes"],
        print_pages=sizes["print_pages"], parts=layout.parts, parts_laid_out=layout.parts_laid_out,
        unresolved_links=sizes["unresolved_links"], dropped=dropped,
        index_anchors_at_paragraph_start=layout.approximate_anchors,
        trim=book.trim.describe(), printer=book.printer.key, engine=engine_versions())
    if layout.index_model is not None:
        # What the index prints, entry by entry, with each headword's variants: an
        # editor (and the tests) can check every locator against its page's text.
        def entry(rendered, headword_key):
            return {"term": rendered.term, "key": rendered.key,
                    "variants": terms.variants_for(headword_key),
                    "locators": [locator.label for locator in rendered.locators],
                    "subentries": [entry(sub, headword_key) for sub in rendered.subentries]}
        report.index = [entry(rendered, rendered.key)
                        for _, group in layout.index_model.groups for rendered in group]
    write_text(reports_dir / "pdf.json", json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n")
    return report


def run(paths: BookPaths) -> str:
    """The pdf stage: the chapters and the back matter -> the print and screen PDFs, in
    build/staging/ (the publish stage puts them in place with the EPUB)."""
    report = build(book_for(paths), paths.articles, paths.staged_print_pdf, paths.staged_screen_pdf, paths.reports,
                   paths.contributors, paths.bibliography_html, index_terms=paths.index_terms,
                   parts_dir=paths.pdf_parts, memo=Memo.in_build(paths.build, "pdf", code_version()))
    added = report.print_pages - report.pages
    blank = f" (+{added} blank in print)" if added else ""
    return (f"{report.pages} pages{blank} of {report.trim} for {report.printer}, "
            f"{report.parts_laid_out} of {report.parts} parts laid out -> "
            f"{paths.staged_print_pdf}, {paths.staged_screen_pdf}")
