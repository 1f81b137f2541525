"""The print book: article Markdown -> Jinja2 HTML -> WeasyPrint -> two PDFs.

Inputs : manuscript/book.yaml, build/articles/NN-slug.md (+ optional back matter:
         build/contributors.json, build/bibliography.html, manuscript/index.yaml's terms)
Outputs: build/anthology.pdf          print master: 6 x 9 in trim, 3 mm bleed, PDF/X-4
         build/anthology-screen.pdf   download copy: same pages, no bleed, PDF/UA-1 (tagged)
         build/reports/pdf.json       pages, passes, folio labels, fonts, what was left out

The book is laid out ONCE.  Both files are written from that one layout, so
their pagination cannot drift apart: the screen copy only has its MediaBox cut
back to the trim.  When the index module is present the layout is repeated
until every index locator names the page its anchor landed on.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import jinja2
import pydyf
from lxml import html as lxml_html
from markupsafe import Markup

from scripts.content.chapters import Chapter
from scripts.core.paths import BookPaths
from scripts.core import paths as resources
from scripts.core.atomic import write_bytes, write_text
from scripts.books.backmatter import (back_matter_sections, book_as_printed, rights_exceptions,
                                      source_entries)
from scripts.books.pdf.hyphenation import hyphenate_html, hyphenate_text
from scripts.books.contributors import Person, load_people
from scripts.core.book import Book, book_for, load_book
from scripts.core.errors import UserError
from scripts.content.sanitise import Dropped, sanitise

TEMPLATES = resources.TEMPLATES / "print"
STYLESHEET = resources.STYLES / "print.css"

# The index needs page numbers that only exist after layout, and writing them can
# move text (a locator list grows by a line).  Real books settle in two or three
# passes; more than this means an oscillation that would never settle.
MAX_PASSES = 5

# Running heads must fit on one line of the head; past this a title is shortened.
RUNNING_HEAD_MAX = 42
DANGLING_WORDS = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on",
                  "or", "the", "to", "with"}


# ---------------------------------------------------------------- chapters

def running_head(title: str, limit: int = RUNNING_HEAD_MAX) -> str:
    """A head that fits one line: the full title, else its part before a colon, else cut at a word."""
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    before_colon = title.split(":", 1)[0].strip()
    if ":" in title and 2 <= len(before_colon.split()) and len(before_colon) <= limit:
        return before_colon
    words = title[:limit + 1].split(" ")[:-1]
    # Never end a head on "with the" or "of": drop short lower-case words at the cut.
    while len(words) > 1 and words[-1].lower() in DANGLING_WORDS:
        words.pop()
    return " ".join(words).rstrip(",;:–—-") + "…"


def keep_ranges_together(text: str) -> Markup:
    """Escape text and keep number ranges such as 2022–2023 from breaking at the dash."""
    escaped = str(Markup.escape(text))
    return Markup(re.sub(r"(\d+[–-]\d+)", r'<span class="nowrap">\1</span>', escaped))


def load_chapters(articles_dir: Path) -> list[Chapter]:
    """The chapters as the html stage prepared them (scripts.content.chapters), with the
    print book's finishing on the body: endnotes, break points in printed URLs."""
    from scripts.content import chapters as chapter_stage
    if not articles_dir.is_dir() or not any(articles_dir.glob("[0-9]*.md")):
        raise UserError(f"no articles found in {articles_dir}",
                        hint="build them first with `make articles`")
    book_chapters = []
    # The chapters name their pictures relative to build/articles/; WeasyPrint resolves the
    # book's HTML against the project, so each picture gets its file's own address.
    pictures = (articles_dir.parent / "images").resolve().as_uri() + "/"
    for source in map(chapter_stage.checked, chapter_stage.load_chapters(articles_dir)):
        body = prepare_fragment(source.body, where=source.where, dropped=source.dropped)
        book_chapters.append(replace(source, body=body.replace('src="../images/', f'src="{pictures}')))
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
    """Split a URL after / ? & = and before . so the line may break there (not hyphenate)."""
    return [part for part in re.split(r"(?<=[/?&=_])(?!/)|(?=[.#])", text) if part]


def _mark_urls(wrapper) -> None:
    """Printed URLs get break points after their slashes (and the class `url`, which the
    stylesheet never hyphenates), so a long address breaks inside the text block."""
    for link in wrapper.xpath(".//a[contains(@class, 'uri')] | .//a[starts-with(@href, 'http')]"):
        text = link.text_content()
        if not text.startswith(("http://", "https://", "www.")) or len(link):
            continue
        parts = _break_url(text)
        link.text = parts[0]
        for part in parts[1:]:
            wbr = lxml_html.Element("wbr")
            wbr.tail = part
            link.append(wbr)
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
    # libxml2 predates <wbr> and writes an end tag for it.
    return "".join(lxml_html.tostring(child, encoding="unicode")
                   for child in wrapper).replace("<wbr></wbr>", "<wbr>")


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
    return "".join(lxml_html.tostring(child, encoding="unicode")
                   for child in wrapper).replace("<wbr></wbr>", "<wbr>")


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


def anchor_pages(document) -> dict[str, int]:
    """Each anchor's FIRST page index (an element spanning pages is listed on each)."""
    pages: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            pages.setdefault(anchor, index)
    return pages


# ---------------------------------------------------------------- HTML

def template_environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    environment.filters["ranges"] = keep_ranges_together
    environment.filters["running_head"] = running_head
    # A chapter's fields are pandoc's HTML of escaped text, sanitised by the html
    # stage and again on loading: safe to place as markup.
    environment.filters["fragment"] = Markup
    return environment


def render_book_html(book: Book, chapters: list[Chapter], *, contributors: list[Person],
                     bibliography: str, index_html: str) -> str:
    template = template_environment().get_template("book.html")
    back_matter = back_matter_sections(contributors, bibliography=bool(bibliography),
                                       index=bool(index_html), chapters=chapters)
    book = book_as_printed(book, chapters)           # {years}: the chapters' years
    sources = source_entries(chapters, book)
    return template.render(
        book=book, chapters=chapters, contributors=contributors, back_matter=back_matter,
        sources=sources, rights_exceptions=rights_exceptions(sources),
        bibliography=Markup(bibliography), index_html=Markup(index_html),
        chapter_body=lambda chapter: Markup(chapter.body),
        date=book.date.isoformat())


# ---------------------------------------------------------------- layout

@dataclass
class Layout:
    document: object
    labels: list[str]
    first_body_page: int
    passes: int
    index_used: bool
    index_model: object = None      # scripts.index.render.IndexModel as printed (for the report and tests)


def typeset(book: Book, chapters: list[Chapter], *, contributors: list[Person] | None = None,
            bibliography: str = "", index_functions: IndexFunctions | None = None,
            index_terms=None) -> Layout:
    """Lay the book out, repeating while the index's page numbers are still moving."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    contributors = contributors or []
    # @font-face only reaches the layout through a shared FontConfiguration.
    fonts = FontConfiguration()
    stylesheet = CSS(filename=str(STYLESHEET), font_config=fonts)
    occurrences = None
    if index_functions is not None:
        marked = []
        occurrences = []
        for chapter in chapters:
            body, found = index_functions.mark_occurrences(chapter.body, chapter.id, index_terms)
            marked.append(replace(chapter, body=body))
            occurrences.extend(found)
        chapters = marked
    # Break points go in after the index has found its words (see hyphenation.py).
    language = book.language
    chapters = [replace(c, body=hyphenate_html(c.body, language),
                        subtitle=hyphenate_html(c.subtitle, language),
                        headnote=hyphenate_html(c.headnote, language)) for c in chapters]
    bibliography = hyphenate_html(bibliography, language)
    contributors = [replace(p, bio=[hyphenate_text(paragraph, language) for paragraph in p.bio])
                    for p in contributors]

    page_of: dict[str, str] = {}
    for passes in range(1, MAX_PASSES + 1):
        # The first pass only has to find the pages of the text's anchors; the index
        # comes after all the text, so laying it out with placeholders would be wasted work.
        index_html = ""
        if index_functions is not None and page_of:
            index_html = index_functions.render_index_html(index_terms, occurrences,
                                                           target="pdf", page_of=page_of)
        html = render_book_html(book, chapters, contributors=contributors,
                                bibliography=bibliography, index_html=index_html)
        document = HTML(string=html, base_url=str(resources.PROJECT)).render(
            stylesheets=[stylesheet], font_config=fonts, output_intent="srgb")
        anchors = anchor_pages(document)
        first_chapter = chapters[0].id
        if first_chapter not in anchors:
            raise UserError("the first chapter did not reach the page (layout failed)")
        labels = folio_labels(len(document.pages), anchors[first_chapter])
        # Only the occurrences' anchors matter: ids inside the index itself move as
        # the placeholder locators are replaced, but the index follows the text,
        # so the text's pages settle after one pass unless the front matter grows.
        wanted = {o.anchor_id for o in occurrences} if occurrences else anchors.keys()
        new_page_of = {anchor: labels[index] for anchor, index in anchors.items() if anchor in wanted}
        if index_functions is None or new_page_of == page_of:
            printed = (index_functions.build_model(index_terms, occurrences, target="pdf",
                                                   page_of=page_of)
                       if index_functions is not None else None)
            return Layout(document, labels, anchors[first_chapter], passes,
                          index_functions is not None, printed)
        page_of = new_page_of
    raise UserError(f"index page numbers still changed after {MAX_PASSES} layout passes",
                    hint="an index entry is probably moving text across a page break; "
                         "report this with build/reports/pdf.json")


# ---------------------------------------------------------------- PDF post-processing

def _pages(pdf: pydyf.PDF) -> list[pydyf.Dictionary]:
    return [obj for obj in pdf.objects
            if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/Page"]


def _page_labels(first_body_page: int) -> pydyf.Dictionary:
    """/PageLabels so a viewer's page box shows i, ii ... then 1, 2 ... like the folios."""
    numbers = pydyf.Array([0, pydyf.Dictionary({"S": "/r"})])
    if first_body_page > 0:
        numbers.extend([first_body_page, pydyf.Dictionary({"S": "/D"})])
    else:
        numbers[1] = pydyf.Dictionary({"S": "/D"})
    return pydyf.Dictionary({"Nums": numbers})


def _stable_document_id(pdf: pydyf.PDF, book: Book) -> None:
    """WeasyPrint writes a random xmpMM:DocumentID; same inputs must give the same bytes."""
    reference = pdf.catalog.get("Metadata")
    if reference is None:
        return
    if isinstance(reference, str):
        reference = reference.encode()
    number = int(reference.split()[0])
    stream = pdf.objects[number]
    stable = "xmp.did:" + hashlib.sha1(book.identifier.encode()).hexdigest()
    stream.stream = [re.sub(rb"xmp\.did:[0-9a-f-]{36}", stable.encode(), part)
                     for part in stream.stream]


def print_finisher(book: Book, first_body_page: int):
    def finish(document, pdf: pydyf.PDF) -> None:
        # PDF/X allows no annotations inside the BleedBox (TrapNet and PrinterMark
        # aside): the printer's master carries no links; the screen copy has them.
        for page in _pages(pdf):
            page.pop("Annots", None)
        pdf.catalog["PageLabels"] = _page_labels(first_body_page)
        _stable_document_id(pdf, book)
    return finish


def screen_finisher(book: Book, first_body_page: int):
    def finish(document, pdf: pydyf.PDF) -> None:
        # The same layout, cut back to the trim: no bleed, identical pagination.
        for page in _pages(pdf):
            trim = page.pop("TrimBox", None)
            page.pop("BleedBox", None)
            if trim is not None:
                page["MediaBox"] = pydyf.Array(trim)
        pdf.catalog["PageLabels"] = _page_labels(first_body_page)
        pdf.catalog["PageMode"] = "/UseOutlines"
        _stable_document_id(pdf, book)
    return finish


def blank_page(document):
    """One empty page of the book's page size, bleed included (the stylesheet's default
    @page carries no running head or folio)."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    fonts = FontConfiguration()
    return HTML(string="<!DOCTYPE html><html><body></body></html>").render(
        stylesheets=[CSS(filename=str(STYLESHEET), font_config=fonts)], font_config=fonts).pages[0]


def for_print(document):
    """A printed book is sheets folded in two: its page count is even.  An odd count
    gets a blank verso at the end (the screen PDF keeps the pages it has)."""
    if len(document.pages) % 2 == 0:
        return document
    return document.copy(document.pages + [blank_page(document)])


def write_pdfs(layout: Layout, book: Book, print_path: Path, screen_path: Path) -> dict:
    document = layout.document
    identifier = hashlib.sha1(book.identifier.encode()).hexdigest().encode()
    print_bytes = for_print(document).write_pdf(
        pdf_variant="pdf/x-4", output_intent="srgb", pdf_identifier=identifier,
        finisher=print_finisher(book, layout.first_body_page))
    screen_bytes = document.write_pdf(
        pdf_variant="pdf/ua-1", output_intent="srgb", pdf_identifier=identifier,
        finisher=screen_finisher(book, layout.first_body_page))
    write_bytes(print_path, print_bytes)
    write_bytes(screen_path, screen_bytes)
    return {"print_bytes": len(print_bytes), "screen_bytes": len(screen_bytes),
            "print_pages": len(document.pages) + len(document.pages) % 2}


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

    def as_dict(self) -> dict:
        data = {"pages": self.pages, "passes": self.passes, "front_matter_pages": self.front_matter_pages,
                "chapters": [asdict(c) for c in self.chapters], "left_out": [asdict(x) for x in self.left_out],
                "print_pages": self.print_pages,
                "print_bytes": self.print_bytes, "screen_bytes": self.screen_bytes,
                "dropped": [d.as_dict() for d in self.dropped]}
        if self.index is not None:
            data["index"] = self.index
        return data


def build(book_path: Path | Book, articles_dir: Path, print_path: Path, screen_path: Path,
          reports_dir: Path, contributors_path: Path | None = None,
          bibliography_path: Path | None = None, index_terms: Path | None = None) -> PdfReport:
    book = book_path if isinstance(book_path, Book) else load_book(book_path)
    chapters = load_chapters(articles_dir)
    contributors = load_people(contributors_path)
    dropped = [d for chapter in chapters for d in chapter.dropped]
    bibliography = load_bibliography(bibliography_path, dropped)
    use_index = index_terms is not None and index_terms.exists()
    index_functions = load_index_functions() if use_index else None
    terms = index_functions.load_terms(index_terms) if index_functions else None
    layout = typeset(book, chapters, contributors=contributors, bibliography=bibliography,
                     index_functions=index_functions, index_terms=terms)
    sizes = write_pdfs(layout, book, print_path, screen_path)
    left_out = []
    if index_functions is None:
        left_out.append(LeftOut("index", f"no index terms ({index_terms or 'none given'}); "
                                "see build/reports/index-candidates.md for suggestions"))
    if not contributors:
        left_out.append(LeftOut("contributors", f"no contributors in {contributors_path or '(none given)'}"))
    if not bibliography:
        left_out.append(LeftOut("bibliography", f"no bibliography in {bibliography_path or '(none given)'}"))
    first_pages = anchor_pages(layout.document)
    report = PdfReport(
        pages=len(layout.document.pages), passes=layout.passes, front_matter_pages=layout.first_body_page,
        chapters=[ChapterPlacement(c.id, c.slug, c.title_text, running_head(c.title_text),
                                   layout.labels[first_pages[c.id]]) for c in chapters],
        left_out=left_out, print_bytes=sizes["print_bytes"], screen_bytes=sizes["screen_bytes"],
        print_pages=sizes["print_pages"],
        dropped=dropped)
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
    """The pdf stage: the chapters and the back matter -> the print and screen PDFs."""
    report = build(book_for(paths), paths.articles, paths.print_pdf, paths.screen_pdf, paths.reports,
                   paths.contributors, paths.bibliography_html, index_terms=paths.index_terms)
    blank = " (+1 blank verso in print)" if report.print_pages > report.pages else ""
    return (f"{report.pages} pages{blank} in {report.passes} pass(es) -> "
            f"{paths.print_pdf}, {paths.screen_pdf}")
