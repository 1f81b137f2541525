"""The EPUB container: metadata (OPF), manifest and spine through EbookLib, then the zip
made reproducible (fixed timestamps and order, mimetype first and stored).

Kept apart from build.py, which makes the book's pages: this module only packs
pages that exist, so the package rules (EPUB 3.3, the accessibility metadata) are
in one place.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from typing import TYPE_CHECKING

from ebooklib import epub as ebook
from lxml import etree

from scripts.books import fonts as epub_fonts
from scripts.core.book import Book
from scripts.content.chapters import Chapter
from scripts.content.pictures import media_type
from scripts.core.errors import UserError

# Where the package keeps the shared parts (the pages link to them by these names).
CSS_NAME = "css/epub.css"
COVER_IMAGE = "images/cover.jpg"
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"

if TYPE_CHECKING:                   # build.py makes the pages and imports this module
    from scripts.books.epub.build import Page


def build_time(book: Book) -> dt.datetime:
    """The one timestamp of the build: SOURCE_DATE_EPOCH if set, else the edition date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).replace(tzinfo=None)
        except ValueError:
            raise UserError(f"SOURCE_DATE_EPOCH is not a number of seconds: {epoch!r}",
                            hint="unset it, or set it to a Unix timestamp") from None
    return dt.datetime.combine(book.date, dt.time(0, 0))


def font_css(families: dict[epub_fonts.FontStyle, bytes]) -> str:
    rules = []
    for style in families:
        rules.append(
            "@font-face {\n"
            f"  font-family: \"{style.family}\";\n"
            f"  font-weight: {style.weight};\n  font-style: {style.style};\n"
            f"  src: url(\"../{style.embedded_name}\") format(\"{style.css_format}\");\n"
            "}\n")
    return "".join(rules)


def all_text(pages: list[Page]) -> set[str]:
    characters: set[str] = set()
    for page in pages:
        root = etree.fromstring(page.content)
        for text in root.itertext():
            characters.update(text)
        for element in root.iter():
            if isinstance(element.tag, str):
                # alt and aria-label text may be spoken or shown in place of the element.
                for name in ("alt", "aria-label", "title"):
                    characters.update(element.get(name) or "")
    return characters


def _metadata(package: ebook.EpubBook, book: Book, articles: list[Chapter],
              has_index: bool) -> None:
    package.set_identifier(book.identifier)
    package.set_language(book.language)
    # Titles and creator written here rather than with EbookLib's helpers, which refine the
    # wrong ids ("#id" is the identifier) and give file-as a MARC scheme.
    package.title = book.title
    package.add_metadata("DC", "title", book.title, {"id": "title"})
    package.add_metadata(None, "meta", "main", {"refines": "#title", "property": "title-type"})
    if book.subtitle:
        package.add_metadata("DC", "title", book.subtitle, {"id": "subtitle"})
        package.add_metadata(None, "meta", "subtitle",
                             {"refines": "#subtitle", "property": "title-type"})
    package.add_metadata("DC", "creator", book.author, {"id": "author"})
    package.add_metadata(None, "meta", book.author_file_as,
                         {"refines": "#author", "property": "file-as"})
    package.add_metadata(None, "meta", "aut",
                         {"refines": "#author", "property": "role", "scheme": "marc:relators"})
    package.add_metadata("DC", "publisher", book.publisher)
    package.add_metadata("DC", "rights", book.rights)
    package.add_metadata("DC", "date", book.date.isoformat())
    if book.description:
        package.add_metadata("DC", "description", book.description)
    _identity(package, book, articles)
    for article in articles:
        source = f"“{article.title_text}”"
        if article.provenance:
            line = article.provenance.text
            source += f", {line[0].lower()}{line[1:]}"
        package.add_metadata("DC", "source", source)
    # Accessibility metadata: each statement is true of what this build makes.
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "alternativeText",
                "displayTransformability", "ARIA"]
    if has_index:
        features.append("index")
    a11y: list[tuple[str, str]] = [
        ("schema:accessMode", "textual"), ("schema:accessMode", "visual"),
        ("schema:accessModeSufficient", "textual"),
        *[("schema:accessibilityFeature", f) for f in features],
        ("schema:accessibilityHazard", "none"),
        ("schema:accessibilitySummary",
         "Reflowable text with a navigable table of contents that lists every chapter and its "
         "section headings, headings in order, semantic markup for chapters, notes and back "
         "matter, and notes linked both ways. The only image, the cover, has a text "
         "alternative. The text can be resized and restyled by the reader."),
        ("dcterms:conformsTo", CONFORMS_TO),
        ("a11y:certifiedBy", book.publisher),
    ]
    for prop, value in a11y:
        package.add_metadata(None, "meta", value, {"property": prop})
    package.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})


def _identity(package: ebook.EpubBook, book: Book, articles: list[Chapter]) -> None:
    """The ISBN, the series, the contributors and the subjects' codes (book.yaml)."""
    # The package's unique identifier stays book.yaml's stable `identifier`: reading systems
    # match a book in their library by it (annotations, reading position, updates), so it must
    # not change when an ISBN is given later.  The ISBN is a second identifier, typed as an
    # ISBN-13 (ONIX code list 5, value 15) for the stores that look for it.
    if book.isbn.epub:
        package.add_metadata("DC", "identifier", book.isbn.epub.urn, {"id": "isbn"})
        package.add_metadata(None, "meta", "15", {"refines": "#isbn", "property": "identifier-type",
                                                  "scheme": "onix:codelist5"})
    if book.series:
        package.add_metadata(None, "meta", book.series.name,
                             {"property": "belongs-to-collection", "id": "series"})
        package.add_metadata(None, "meta", "series", {"refines": "#series", "property": "collection-type"})
        if book.series.number is not None:
            package.add_metadata(None, "meta", str(book.series.number),
                                 {"refines": "#series", "property": "group-position"})
        # calibre (and the readers that take its metadata, e.g. KOReader) read these instead.
        package.add_metadata(None, "meta", "", {"name": "calibre:series", "content": book.series.name})
        if book.series.number is not None:
            package.add_metadata(None, "meta", "", {"name": "calibre:series_index",
                                                    "content": str(book.series.number)})
    for n, (name, code, file_as) in enumerate(contributors(book, articles), 1):
        package.add_metadata("DC", "contributor", name, {"id": f"contributor-{n}"})
        package.add_metadata(None, "meta", code, {"refines": f"#contributor-{n}", "property": "role",
                                                  "scheme": "marc:relators"})
        if file_as:
            package.add_metadata(None, "meta", file_as, {"refines": f"#contributor-{n}",
                                                         "property": "file-as"})
    n = 0
    for subject in book.subjects:
        codes = [(authority, term) for authority, term in (("BISAC", subject.bisac),
                                                           ("THEMA", subject.thema)) if term]
        if not codes:
            package.add_metadata("DC", "subject", subject.name)
        # One dc:subject per code: a subject carries one authority and its one term.
        for authority, term in codes:
            n += 1
            package.add_metadata("DC", "subject", subject.name, {"id": f"subject-{n}"})
            package.add_metadata(None, "meta", authority, {"refines": f"#subject-{n}", "property": "authority"})
            package.add_metadata(None, "meta", term, {"refines": f"#subject-{n}", "property": "term"})


def contributors(book: Book, articles: list[Chapter]) -> list[tuple[str, str, str]]:
    """(name, MARC relator code, file-as) of everyone the OPF lists besides the author: book.yaml's
    contributors with their roles, then the chapters' co-authors (chapters.yaml, the sources) as
    contributors (ctb), each once; a co-author book.yaml already names keeps book.yaml's role."""
    people = [(c.name, c.code, c.file_as) for c in book.contributors]
    named = {book.author, *(c.name for c in book.contributors)}
    for article in articles:
        for name in article.author_names:
            if name not in named:
                named.add(name)
                people.append((name, "ctb", ""))
    return people


def _item(uid: str, file_name: str, media_type: str, content: bytes,
          properties: list[str] | None = None) -> ebook.EpubItem:
    item = ebook.EpubItem(uid=uid, file_name=file_name, media_type=media_type, content=content)
    item.properties = properties or []
    return item


def package_epub(book: Book, pages: list[Page], css: bytes, fonts: dict[epub_fonts.FontStyle, bytes],
                 cover: bytes, articles: list[Chapter], has_index: bool,
                 pictures: dict[str, bytes] | None = None) -> bytes:
    """`pictures`: the chapters' pictures, by their file name in the package."""
    package = ebook.EpubBook()
    package.FOLDER_NAME = "EPUB"
    _metadata(package, book, articles, has_index)

    package.add_item(_item("cover-image", COVER_IMAGE, "image/jpeg", cover, ["cover-image"]))
    package.add_item(_item("css", CSS_NAME, "text/css", css))
    for n, (style, data) in enumerate(fonts.items(), 1):
        package.add_item(_item(f"font-{n}", style.embedded_name, style.media_type, data))
    for n, (name, data) in enumerate((pictures or {}).items(), 1):
        package.add_item(_item(f"picture-{n}", name, media_type(name), data))
    items = {}
    for page in pages:
        properties = ["nav"] if page.kind == "toc" else []
        items[page.uid] = _item(page.uid, page.file_name, "application/xhtml+xml",
                                page.content, properties)
        package.add_item(items[page.uid])
    # The NCX is for EPUB 2 reading systems; EPUB 3 ones use nav.xhtml.
    package.add_item(ebook.EpubNcx())
    package.toc = [ebook.Link(p.file_name, p.title, p.uid) for p in pages
                   if p.kind in ("chapter", "backmatter")]
    package.spine = [items[p.uid] for p in pages]
    package.guide = [{"type": "cover", "href": "cover.xhtml", "title": "Cover"},
                     {"type": "toc", "href": "nav.xhtml", "title": "Contents"},
                     {"type": "text", "href": next(p.file_name for p in pages
                                                   if p.kind == "chapter"), "title": "Start"}]

    buffer = io.BytesIO()
    writer = ebook.EpubWriter(buffer, package, {"mtime": build_time(book), "epub3_pages": False,
                                                "epub3_landmark": False, "raise_exceptions": True})
    writer.process()
    writer.write()
    return normalise_zip(buffer.getvalue(), build_time(book), book.language)


def normalise_zip(data: bytes, when: dt.datetime, language: str) -> bytes:
    """Rewrite the container with one fixed timestamp and fixed attributes on every entry, so
    two builds of the same book are byte-identical (zip records each file's write time)."""
    stamp = max(when, dt.datetime(1980, 1, 1)).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = source.namelist()
        # The mimetype entry must come first and be stored uncompressed (OCF).
        names.sort(key=lambda n: (n != "mimetype", n != "META-INF/container.xml"))
        for name in names:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3
            info.external_attr = 0o644 << 16
            if name == "mimetype":
                info.compress_type = zipfile.ZIP_STORED
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, _tidy(name, source.read(name), language), compresslevel=9)
    return out.getvalue()


def _tidy(name: str, content: bytes, language: str) -> bytes:
    """Fix what EbookLib writes that the checkers would flag."""
    if name.endswith(".opf"):
        root = etree.fromstring(content)
        # EbookLib declares the reserved 'rendition' prefix, which EPUB 3 forbids redeclaring.
        root.attrib.pop("prefix", None)
        # The package's own language (Ace asks for it; the dc:language says the same).
        root.set("{http://www.w3.org/XML/1998/namespace}lang", language)
        return etree.tostring(root, encoding="utf-8", xml_declaration=True, pretty_print=True)
    return content


