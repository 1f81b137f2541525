"""Build the EPUB 3 anthology (build/anthology.epub) from the article Markdown.

Input: build/articles/NN-slug.md (the contract in the team brief), manuscript/book.yaml, and,
when they exist, build/bibliography.html, build/contributors.json and manuscript/index.yaml.
Output: one EPUB, byte-identical for identical inputs, plus build/reports/epub.json listing
what was left out and why.

scripts.content.chapters (pandoc through pypandoc) turns each article into HTML; lxml reshapes that HTML into XHTML
(scripts.books.epub.markup); Jinja2 templates in templates/epub/ hold all markup; EbookLib writes the
package, and a last pass rewrites the zip with fixed timestamps.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment
from lxml import etree

from scripts.core.paths import BookPaths
from scripts.core import paths as resources
from scripts.books import fonts as epub_fonts
from scripts.core.atomic import write_bytes, write_text
from scripts.books.backmatter import (BackMatterSection, SourceEntry, back_matter_sections,
                                      book_as_printed, rights_exceptions, source_entries)
from scripts.books.contributors import Person, load_people
from scripts.core.book import Book, book_for, load_book
from scripts.content.chapters import Chapter, checked, load_chapters
from scripts.books.epub.slots import block_fragment, environment, fill_blocks, fill_inline, render
from scripts.books.epub.package import COVER_IMAGE, CSS_NAME, all_text, font_css, package_epub
from scripts.core.console import progress
from scripts.books.cover import cover_alt_text, cover_jpeg
from scripts.books.epub.markup import (EPUB_TYPE, Dropped, close_heading_gaps, ensure_unique_ids,
                                 html_to_xhtml, parse_document, q, section_headings,
                                 serialize, shift_headings, text_of, transform_notes,
                                 transform_sidebars)
from scripts.core.errors import UserError
from scripts.core.identity import credit_lines
from scripts.core.memo import Memo, code_version
from scripts.index.match import Occurrence
from scripts.index.render import render_index_html
from scripts.index.terms import IndexTerms, load_terms

STYLESHEET = resources.STYLES / "epub.css"



# ---------------------------------------------------------------- the book's parts

def chapter_file(chapter: Chapter) -> str:
    return f"chapter-{chapter.number:02d}.xhtml"


def chapter_uid(chapter: Chapter) -> str:
    return f"chapter-{chapter.number:02d}"


@dataclass
class Page:
    """One XHTML document of the book."""
    file_name: str
    uid: str
    title: str
    content: bytes
    kind: str                          # cover, titlepage, copyright, toc, chapter, backmatter
    landmark: str = ""                 # epub:type for the landmarks nav, if any
    sections: list[tuple[str, str]] = field(default_factory=list)
    number: int | None = None
    pictures: list[str] = field(default_factory=list)      # file names in build/images/


@dataclass
class BuildResult:
    epub: bytes
    dropped: list[Dropped]
    chapters: int
    notes: int
    back_matter: list[str]
    missing_glyphs: list[str]


# ---------------------------------------------------------------- reading the articles

def load_articles(articles_dir: Path, terms: IndexTerms | None = None) -> list[Chapter]:
    """The chapters as the html stage prepared them (with the index's marks, given its
    terms), through the books' gate (content.chapters)."""
    chapters = [checked(c) for c in progress(load_chapters(articles_dir, terms), "chapters")]
    numbers = [c.number for c in chapters]
    if len(set(numbers)) != len(numbers):
        raise UserError("two articles have the same chapter number", file=str(articles_dir),
                        hint="rebuild the articles with `make articles`")
    return chapters


# ---------------------------------------------------------------- pages

def _common(book: Book, page_title: str, body_class: str) -> dict[str, Any]:
    return {"lang": book.language, "page_title": page_title, "css_href": CSS_NAME,
            "body_class": body_class, "book": book}


def _byline(article: Chapter, book: Book) -> str:
    """The article's authors, shown only when they are not simply the book's author."""
    names = article.author_names
    if not names or names == [book.author]:
        return ""
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"By {joined}"


def chapter_page(env: Environment, book: Book, article: Chapter, index_hook: Any,
                 dropped: list[Dropped]) -> tuple[Page, int]:
    where = article.where
    root = render(
        env, "chapter.xhtml.j2", **_common(book, article.title_text, "chapter"),
        number=article.number, has_subtitle=bool(article.subtitle),
        byline=_byline(article, book), provenance=article.provenance, slot="outlet",
        has_headnote=bool(article.headnote_at_head), headnote_label="Author’s note")
    fill_inline(root, "title", article.title, where, dropped)
    fill_inline(root, "subtitle", article.subtitle, where, dropped)
    fill_inline(root, "outlet", article.outlet, where, dropped)
    fill_blocks(root, "headnote", block_fragment(article.headnote_at_head, where, dropped, 2))
    body_html = article.body
    if index_hook is not None:
        body_html = index_hook.mark(article)
    fill_blocks(root, "body", block_fragment(body_html, where, dropped, 2))
    notes = transform_notes(root, notes_heading_level=2)
    transform_sidebars(root)
    close_heading_gaps(root)
    ensure_unique_ids(root)
    pictures = _pictures_in_package(root)
    sections = section_headings(root, level=2)
    page = Page(chapter_file(article), chapter_uid(article), article.title_text, serialize(root),
                "chapter", sections=sections, number=article.number, pictures=pictures)
    return page, notes


PICTURES = "images"          # the pictures' folder in the package, beside the chapters


def _pictures_in_package(root: etree._Element) -> list[str]:
    """Point the chapter's pictures (../images/NAME, relative to build/articles/) at their
    place in the package, images/NAME; return their names."""
    names = []
    for image in root.iter(q("img")):
        name = Path(image.get("src", "")).name
        image.set("src", f"{PICTURES}/{name}")
        names.append(name)
    return names


def simple_page(env: Environment, book: Book, template: str, file_name: str, uid: str,
                title: str, kind: str, landmark: str = "", **context: Any) -> Page:
    root = render(env, template, **_common(book, title, kind), **context)
    ensure_unique_ids(root)
    return Page(file_name, uid, title, serialize(root), kind, landmark)


def backmatter_page(env: Environment, book: Book, *, kind: str, heading: str, epub_type: str,
                    role: str, elements: list[etree._Element], landmark: str) -> Page:
    root = render(env, "backmatter.xhtml.j2", **_common(book, heading, kind), kind=kind,
                   heading=heading, epub_type=epub_type, role=role)
    fill_blocks(root, "body", elements)
    close_heading_gaps(root)
    ensure_unique_ids(root)
    return Page(f"{kind}.xhtml", kind, heading, serialize(root), "backmatter", landmark,
                sections=section_headings(root, level=2) if kind != "index" else [])


# ---------------------------------------------------------------- optional back matter

def _fragment_page(env: Environment, template: str, **context: Any) -> etree._Element:
    """A back-matter fragment template, parsed, for its slots to be filled."""
    fragment = env.get_template(template).render(**context)
    return parse_document(f'<div xmlns="http://www.w3.org/1999/xhtml">{fragment}</div>')


def about_pieces_page(env: Environment, book: Book, section: BackMatterSection,
                      articles: list[Chapter], dropped: list[Dropped]) -> Page:
    """The blogger's introductions moved out of the chapters' openings (`intro: back`)."""
    moved = [a for a in articles if a.headnote_at_back]
    holder = _fragment_page(env, "about-pieces.xhtml.j2", pieces=[
        {"number": a.number, "href": chapter_file(a)} for a in moved])
    for article in moved:
        fill_inline(holder, f"title-{article.number}", article.title, article.where, dropped)
        fill_blocks(holder, f"intro-{article.number}",
                     block_fragment(article.headnote, article.where, dropped, 3))
    return backmatter_page(env, book, kind=section.id, heading=section.heading,
                           epub_type="appendix", role="doc-appendix", elements=list(holder),
                           landmark="appendix")


def sources_page(env: Environment, book: Book, section: BackMatterSection,
                 entries: list[SourceEntry], dropped: list[Dropped]) -> Page:
    """Where and when each piece first appeared, its co-authors and its credit or rights line."""
    holder = _fragment_page(env, "sources.xhtml.j2", entries=[
        {"number": e.number, "href": chapter_file(e.chapter), "provenance": e.chapter.provenance,
         "coauthors": e.coauthors, "credit": bool(e.chapter.credit), "rights": e.rights}
        for e in entries])
    for entry in entries:
        chapter = entry.chapter
        fill_inline(holder, f"title-{entry.number}", chapter.title, chapter.where, dropped)
        fill_inline(holder, f"outlet-{entry.number}", chapter.outlet, chapter.where, dropped)
        fill_inline(holder, f"credit-{entry.number}", chapter.credit, chapter.where, dropped)
    return backmatter_page(env, book, kind=section.id, heading=section.heading,
                           epub_type="acknowledgments", role="doc-acknowledgments",
                           elements=list(holder), landmark="acknowledgments")


def contributors_page(env: Environment, book: Book, section: BackMatterSection,
                      found: list[Person], articles: list[Chapter]) -> Page:
    by_slug = {a.slug: a for a in articles}
    people = [{"name": p.name, "bio": p.bio,
               "chapters": [{"href": chapter_file(by_slug[s]), "title": by_slug[s].title_text}
                            for s in p.slugs if s in by_slug]} for p in found]
    several = len(people) > 1
    fragment = env.get_template("contributors.xhtml.j2").render(people=people, several=several)
    holder = parse_document(f'<div xmlns="http://www.w3.org/1999/xhtml">{fragment}</div>')
    return backmatter_page(env, book, kind=section.id, heading=section.heading,
                           epub_type="contributors", role="", elements=list(holder),
                           landmark="contributors")


def bibliography_page(env: Environment, book: Book, section: BackMatterSection, path: Path,
                      dropped: list[Dropped]) -> Page | None:
    fragment_html = path.read_text(encoding="utf-8")
    elements = block_fragment(fragment_html, path.name, dropped, 2)
    # The page's heading is the section's; a top heading of the fragment's own would be a second.
    if elements and elements[0].tag == q("h2"):
        elements = elements[1:]
        shift_headings(elements, 2)
    if not any(text_of(e) for e in elements):
        return None
    return backmatter_page(env, book, kind=section.id, heading=section.heading,
                           epub_type="bibliography", role="doc-bibliography",
                           elements=elements, landmark="bibliography")


class IndexHook:
    """Adapter to the index (scripts.index): the chapters come with their occurrences marked
    (content.chapters, once for both books); the hook gathers them and renders the index
    with links to their anchors."""

    def __init__(self, terms: IndexTerms):
        self.terms = terms
        self.occurrences: list[Occurrence] = []

    @classmethod
    def load(cls, terms_path: Path | None, memo: Memo | None = None) -> IndexHook | None:
        """None when the editor keeps no index terms (the book then has no index).  With a
        memo, the terms are read back when the file is unchanged."""
        if terms_path is None or not terms_path.exists():
            return None
        return cls(load_terms(terms_path, memo))

    def mark(self, article: Chapter) -> str:
        """The chapter's body with its index anchors; its occurrences join the index's."""
        self.occurrences.extend(article.occurrences or [])
        return article.indexed_body if article.indexed_body is not None else article.body

    def render(self, articles: list[Chapter], title: str) -> str:
        files = {a.id: chapter_file(a) for a in articles}
        return render_index_html(self.terms, self.occurrences, target="epub", title=title,
                                 chapter_href=lambda chapter_id: files[chapter_id])


def index_page(env: Environment, book: Book, back_section: BackMatterSection, hook: IndexHook,
               articles: list[Chapter], dropped: list[Dropped]) -> Page | None:
    """The index stage's own section (letter groups, EPUB index semantics) under the back
    matter's heading for it, placed in a page of its own; None when no term occurs in the text."""
    if not hook.occurrences:
        return None
    internal = frozenset(chapter_file(a) for a in articles)
    fragment = html_to_xhtml(hook.render(articles, back_section.heading), "index", internal)
    dropped.extend(fragment.dropped)
    section = next((e for e in fragment.elements if e.tag == q("section")), None)
    if section is None or not text_of(section):
        return None
    section.set(EPUB_TYPE, " ".join(["backmatter", *(section.get(EPUB_TYPE) or "index").split()]))
    shift_headings([section], 1)
    heading = section.find(q("h1"))
    if heading is not None:
        heading.set("id", heading.get("id") or f"{back_section.id}-heading")
        section.set("aria-labelledby", heading.get("id"))
    title = back_section.heading
    root = render(env, "fragment.xhtml.j2", **_common(book, title, back_section.id))
    fill_blocks(root, "body", fragment.elements)
    close_heading_gaps(root)
    ensure_unique_ids(root)
    return Page(f"{back_section.id}.xhtml", back_section.id, title, serialize(root),
                "backmatter", "index")


# ---------------------------------------------------------------- navigation

def nav_page(env: Environment, book: Book, pages: list[Page]) -> Page:
    toc = []
    for page in pages:
        if page.kind == "chapter":
            toc.append({"kind": "chapter", "href": page.file_name, "title": page.title,
                        "number": page.number,
                        "children": [{"href": f"{page.file_name}#{i}", "title": t}
                                     for i, t in page.sections]})
        elif page.kind == "backmatter":
            toc.append({"kind": "backmatter", "href": page.file_name, "title": page.title,
                        "number": None, "children": []})
    landmarks = []
    first_chapter = next(p for p in pages if p.kind == "chapter")
    for page in pages:
        if page.kind == "cover":
            landmarks.append({"type": "cover", "href": page.file_name, "title": "Cover"})
        elif page.kind == "titlepage":
            landmarks.append({"type": "titlepage", "href": page.file_name, "title": "Title Page"})
            landmarks.append({"type": "toc", "href": "nav.xhtml#toc", "title": "Contents"})
        elif page is first_chapter:
            landmarks.append({"type": "bodymatter", "href": page.file_name,
                              "title": "Start of Content"})
        elif page.kind == "backmatter":
            landmarks.append({"type": page.landmark, "href": page.file_name,
                              "title": page.title})
    return simple_page(env, book, "nav.xhtml.j2", "nav.xhtml", "nav", "Contents", "toc",
                       toc=toc, landmarks=landmarks)


# ---------------------------------------------------------------- the whole book

def build(articles_dir: Path, book_path: Path | Book, *, bibliography: Path | None = None,
          contributors: Path | None = None, index_terms: Path | None = None,
          memo: Memo | None = None, only: set[str] | None = None) -> BuildResult:
    """`book_path`: the book.yaml, or the book already read (with its defaults resolved).
    `memo`: where the index terms and the font subsets of earlier builds are remembered.
    `only`: the slugs of the chapters to take (a volume's), all of them when None."""
    book = book_path if isinstance(book_path, Book) else load_book(book_path)
    env = environment()
    dropped: list[Dropped] = []
    index_hook = IndexHook.load(index_terms, memo)
    articles = [a for a in load_articles(articles_dir, index_hook.terms if index_hook else None)
                if only is None or a.slug in only]
    book = book_as_printed(book, articles)           # {years}: the chapters' years

    chapters = []
    notes = 0
    for article in articles:
        dropped.extend(article.dropped)          # what the html stage's sanitiser took out
        page, count = chapter_page(env, book, article, index_hook, dropped)
        chapters.append(page)
        notes += count

    people = load_people(contributors)
    sections = back_matter_sections(
        people, bibliography=bibliography is not None and bibliography.exists(),
        index=index_hook is not None, chapters=articles)
    entries = source_entries(articles, book)
    make_page = {
        "about-pieces": lambda section: about_pieces_page(env, book, section, articles, dropped),
        "sources": lambda section: sources_page(env, book, section, entries, dropped),
        "contributors": lambda section: contributors_page(env, book, section, people, articles),
        "bibliography": lambda section: bibliography_page(env, book, section, bibliography, dropped),
        "index": lambda section: index_page(env, book, section, index_hook, articles, dropped),
    }
    # A bibliography or an index with nothing in it after all gives no page.
    back = [page for section in sections if (page := make_page[section.id](section)) is not None]

    front = [
        simple_page(env, book, "cover.xhtml.j2", "cover.xhtml", "cover", "Cover", "cover",
                    image_href=COVER_IMAGE, alt=cover_alt_text(book)),
        simple_page(env, book, "titlepage.xhtml.j2", "titlepage.xhtml", "titlepage",
                    book.title, "titlepage", credits=credit_lines(book.contributors, "title")),
        copyright_page(env, book, articles, entries, back, dropped),
    ]
    pages = front + chapters + back
    nav = nav_page(env, book, pages)
    pages = front + [nav] + chapters + back

    characters = all_text(pages)
    display = set().union(*(epub_fonts.display_characters(etree.fromstring(p.content)) for p in pages))
    epub_fonts.refuse_missing_glyphs(book, characters, display)      # a face book.yaml chose
    styles = epub_fonts.embedded_styles(book)
    missing = sorted(epub_fonts.missing_characters(characters, styles[0]))
    # The display face sets only the titles and headings: its subsets hold only their characters.
    body = tuple(s for s in styles if s.family == epub_fonts.EMBEDDED_FAMILY)
    fonts = {**epub_fonts.subset_fonts(characters, body, memo),
             **epub_fonts.subset_fonts(display, tuple(s for s in styles if s not in body), memo)}
    css = (font_css(fonts) + STYLESHEET.read_text(encoding="utf-8")).encode()
    pictures = {name: (articles_dir.parent / PICTURES / name).read_bytes()
                for page in chapters for name in page.pictures}
    data = package_epub(book, pages, css, fonts, cover_jpeg(book), articles,
                        has_index=any(p.landmark == "index" for p in back),
                        pictures={f"{PICTURES}/{n}": data for n, data in sorted(pictures.items())})
    return BuildResult(data, dropped, len(chapters), notes, [p.title for p in back],
                       [f"U+{ord(c):04X}" for c in missing])


def copyright_page(env: Environment, book: Book, articles: list[Chapter], entries: list[SourceEntry],
                   back: list[Page], dropped: list[Dropped]) -> Page:
    """The rights (with the pieces the book's own line does not cover), the edition, the
    outlets, and where the list of first publications is."""
    exceptions = rights_exceptions(entries)
    sources = next((p for p in back if p.uid == "sources"), None)
    root = render(env, "copyright.xhtml.j2", **_common(book, "Copyright", "copyright"),
                   edition_date=_long_date(book.date),
                   exceptions=[{"number": e.number, "title": e.chapter.title_text,
                                "credit": bool(e.chapter.credit), "rights": e.rights} for e in exceptions],
                   outlets=list(dict.fromkeys(a.outlet_text for a in articles if a.outlet_text)),
                   sources_page={"href": sources.file_name, "title": sources.title} if sources else None,
                   credits=credit_lines(book.contributors, "copyright"),
                   typeface_credit=typeface_credit(book))
    for entry in exceptions:
        fill_inline(root, f"credit-{entry.number}", entry.chapter.credit, entry.chapter.where, dropped)
    ensure_unique_ids(root)
    return Page("copyright.xhtml", "copyright", "Copyright", serialize(root), "copyright")


def typeface_credit(book: Book) -> str:
    """"Anthology Book, a subset of Charis SIL by SIL International, ...": each embedded face,
    named as the OFL asks of a renamed subset, with its origin and licence."""
    subsets = {}
    for style in epub_fonts.embedded_styles(book):
        subsets.setdefault(style.family, f"{style.family}, a subset of {style.source} by {style.maker}")
    faces = list(subsets.values())
    if len(faces) > 1:
        faces[1:] = [f"the titles in {face}" for face in faces[1:]]
    return "; ".join(faces) + ", used under the SIL Open Font License 1.1."


def _long_date(date: dt.date) -> str:
    return f"{date.day} {date.strftime('%B')} {date.year}"


def write_report(result: BuildResult, reports: Path, out: Path) -> None:
    report = {
        "epub": str(out), "bytes": len(result.epub), "chapters": result.chapters,
        "notes": result.notes, "back_matter": result.back_matter,
        "characters_without_glyph": result.missing_glyphs,
        "dropped": [d.as_dict() for d in result.dropped],
    }
    write_text(reports / "epub.json", json.dumps(report, indent=2, ensure_ascii=False) + "\n")


def run(paths: BookPaths) -> str:
    """The epub stage: the chapters and the back matter -> build/staging/anthology.epub (the
    publish stage puts it in place with the PDFs)."""
    # No font files in the version: each subset's key holds the digest of its own font file.
    memo = Memo.in_build(paths.build, "epub", code_version())
    result = build(paths.articles, book_for(paths), bibliography=paths.bibliography_html,
                   contributors=paths.contributors, index_terms=paths.index_terms, memo=memo)
    memo.prune()
    write_bytes(paths.staged_epub, result.epub)
    write_report(result, paths.reports, paths.staged_epub)
    extra = f", back matter: {', '.join(result.back_matter)}" if result.back_matter else ""
    return (f"{paths.staged_epub} ({len(result.epub) / 1024:.0f} KB): {result.chapters} "
            f"chapters, {result.notes} notes{extra}; "
            f"{len(result.dropped)} dropped (see {paths.reports}/epub.json)")
