"""The print edition's pages in the EPUB: a page-break marker where each printed page starts.

A reader of the EPUB can then cite, and go to, the page a reader of the paperback sees: each
marker (`<span epub:type="pagebreak" role="doc-pagebreak" aria-label="17"/>`) stands at
the word the printed page begins with, the navigation document gains a `page-list` of them,
and the package names the print edition as the pages' source (`pageBreakSource`).

The pages come from the print PDF itself, read with poppler (pdftotext, one page per form
feed), so the markers follow whatever the PDF stage typeset.  Each page's opening is found
in the EPUB's reading text, in order, after the previous page's place:

- the two are compared as letters only, folded (NFKC, case): spaces, punctuation, line
  breaks and the typesetter's hyphens differ between the books, and so do the numbers
  standing alone (note references, folios, index locators);
- a page's text starts at its first line, or at its second when the first is a running
  head: nowhere else; sixty letters must agree, so a page of contents that repeats a
  chapter's opening words is not taken for the chapter, and a page with less text than
  that (a half-title) is not placed;
- the marker goes before the word the page starts in (a word hyphenated across the page
  break begins the page it ends on), and before any numbers the page opens with that the
  EPUB has there too (a chapter's number).

A page that opens a chapter, whose head the two books set differently (a byline, where
"first published in" goes), is found by its text a little further down and starts where
the chapter's document does.  A page whose opening the EPUB does not hold in that order (a
blank page, the half-title, the contents with its page numbers) gets no marker;
release.json lists them.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from scripts.core.errors import UserError
from scripts.release.kepub import CONTAINER, OPF, SKIP, XHTML

EPUB_NS = "http://www.idpf.org/2007/ops"
WORD = re.compile(r"\w+")
AGREE = 60                 # letters that must agree for a place to be taken
REACH = 40_000             # a page starts at most this many letters after the previous one
OPENING_REACH = 600        # a chapter's head is at most this many letters, in either book


@dataclass(frozen=True)
class PrintedPage:
    label: str             # the printed folio ("iv", "17"), as the PDF's page labels give it
    text: str


def printed_pages(pdf: Path) -> list[PrintedPage]:
    import pikepdf
    if shutil.which("pdftotext") is None:
        raise UserError("pdftotext (poppler) is missing, and the release reads the print pages with it",
                        hint="apt-get install poppler-utils (make release does it when run as root)")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout.split("\f")
    with pikepdf.open(pdf) as document:
        labels = [page.label for page in document.pages]
    return [PrintedPage(label, text[n] if n < len(text) else "") for n, label in enumerate(labels)]


def _fold(word: str) -> str:
    return unicodedata.normalize("NFKC", word).casefold()


def _letters(text: str) -> str:
    """Only the letters, folded: what the two books share however each broke its lines."""
    return "".join(c for c in unicodedata.normalize("NFKC", text).casefold() if c.isalpha())


@dataclass(frozen=True)
class PageStart:
    letters: list[str]     # the page's letters from each place its text may start
    numbers: list[list[str]]   # and the numbers standing before the first letter there


def page_start(page: PrintedPage) -> PageStart:
    """Where a page's text may start: its first word, or the first word after its first
    line (a running head).  The typesetter's hyphens at line ends go."""
    lines = [line for line in page.text.splitlines() if line.strip()]
    letters, numbers = [], []
    for skip in (0, 1)[:len(lines)]:
        text = re.sub(r"[\u2010\u00ad]\n", "", "\n".join(lines[skip:]))
        letters.append(_letters(text))
        lead = []
        for word in WORD.findall(unicodedata.normalize("NFKC", text).casefold()):
            if not word.isdigit():
                break
            lead.append(word)
        numbers.append(lead)
    return PageStart(letters, numbers)


# ---------------------------------------------------------------- the EPUB's reading text

@dataclass
class Token:
    word: str
    document: str
    owner: object          # the element whose .text (or, with tail, whose .tail) holds it
    tail: bool
    offset: int            # where the word starts in that text


def _tokens(name: str, body, out: list[Token]) -> None:
    def text(owner, tail: bool) -> None:
        value = owner.tail if tail else owner.text
        for match in WORD.finditer(value or ""):
            out.append(Token(_fold(match.group()), name, owner, tail, match.start()))

    def walk(element) -> None:
        if not isinstance(element.tag, str) or etree.QName(element).localname in SKIP:
            return
        text(element, False)
        for child in element:
            walk(child)
            text(child, True)
    walk(body)


def place(pages: list[PageStart], tokens: list[Token]) -> list[int | None]:
    """Each page's start as an index into `tokens`, or None where it is not found."""
    text, owner = [], []
    for n, token in enumerate(tokens):
        for c in _letters(token.word):
            text.append(c)
            owner.append(n)
    letters = "".join(text)
    document_starts: dict[str, int] = {}           # each document's first letter
    for at, n in enumerate(owner):
        document_starts.setdefault(tokens[n].document, at)
    found: list[int | None] = []
    previous = -1                                   # where in `letters` the last page started
    for page in pages:
        hit = None
        for want, lead in zip(page.letters, page.numbers):
            want = want[:AGREE]
            if len(want) < AGREE:
                continue                            # too little text to place it surely
            at = letters.find(want, previous + 1, None if previous < 0 else previous + REACH)
            if at >= 0:
                hit = (at, lead)
                break
        if hit is None:
            opening = _chapter_opening(page, letters, owner, tokens, document_starts, previous)
            if opening is not None:
                found.append(owner[opening])
                previous = opening
                continue
            found.append(None)
            continue
        at, lead = hit
        start = owner[at]                           # the word the page starts in
        floor = owner[previous] if previous >= 0 else -1
        for number in reversed(lead):               # numbers before the first letter
            if start - 1 > floor and tokens[start - 1].word == number:
                start -= 1
            else:
                break
        found.append(start)
        previous = at
    return found


def _chapter_opening(page: PageStart, letters: str, owner: list[int], tokens: list[Token],
                     document_starts: dict[str, int], previous: int) -> int | None:
    """A page that opens a chapter, whose head the two books set differently (a byline, the
    place of "first published in"): found by its text a little further down, it starts
    where that chapter's document does, if no page started in that document yet."""
    if not page.letters:
        return None
    top = page.letters[0]
    # A shorter run than AGREE will do: it must also fall in the head of a chapter not begun.
    run, step = AGREE * 2 // 3, AGREE // 6
    for offset in range(step, min(len(top) - run, OPENING_REACH) + 1, step):
        at = letters.find(top[offset:offset + run], previous + 1,
                          None if previous < 0 else previous + REACH)
        if at < 0:
            continue
        document = tokens[owner[at]].document
        first = document_starts[document]
        begun = previous >= 0 and tokens[owner[previous]].document == document
        if first > previous and not begun and at - first <= OPENING_REACH:
            return first
        return None
    return None


# ---------------------------------------------------------------- writing the markers

def _marker(parent, label: str):
    """A marker made inside its parent, so it takes the document's own `epub:` prefix."""
    span = etree.SubElement(parent, f"{{{XHTML}}}span")
    span.set(f"{{{EPUB_NS}}}type", "pagebreak")
    span.set("role", "doc-pagebreak")
    span.set("id", marker_id(label))
    span.set("aria-label", label)
    return span


def marker_id(label: str) -> str:
    return "print-page-" + re.sub(r"[^A-Za-z0-9_-]", "-", label)


def _hidden_ancestor(element):
    """The outermost element around `element` hidden from assistive technology, if any: a
    marker inside it could not be announced, so it goes just before it."""
    hidden = None
    while element is not None and isinstance(element.tag, str):
        if element.get("aria-hidden") == "true":
            hidden = element
        element = element.getparent()
    return hidden


def _insert(token: Token, label: str) -> None:
    owner = token.owner
    hidden = _hidden_ancestor(owner.getparent() if token.tail else owner)
    if hidden is not None:
        parent = hidden.getparent()
        parent.insert(parent.index(hidden), _marker(parent, label))
        return
    if token.tail:
        parent, value = owner.getparent(), owner.tail
        owner.tail = value[:token.offset]
        span = _marker(parent, label)
        parent.insert(parent.index(owner) + 1, span)
    else:
        value = owner.text
        owner.text = value[:token.offset]
        span = _marker(owner, label)
        owner.insert(0, span)
    span.tail = value[token.offset:]


def _serialise(tree) -> bytes:
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + etree.tostring(tree, encoding="utf-8") + b"\n"


def _package(archive: zipfile.ZipFile):
    container = etree.fromstring(archive.read("META-INF/container.xml"))
    name = container.find(f".//{{{CONTAINER}}}rootfile").get("full-path")
    return name, etree.fromstring(archive.read(name))


@dataclass
class PageList:
    epub: bytes
    marked: list[str]
    unmarked: list[str]


def add_page_list(epub: bytes, printed: list[PrintedPage], source: str) -> PageList:
    import posixpath
    with zipfile.ZipFile(io.BytesIO(epub)) as archive:
        opf_name, opf = _package(archive)
        base = posixpath.dirname(opf_name)
        items = {i.get("id"): i for i in opf.iter(f"{{{OPF}}}item")}
        nav_name = next(posixpath.join(base, i.get("href")) for i in items.values()
                        if "nav" in (i.get("properties") or "").split())
        spine = [posixpath.join(base, items[ref.get("idref")].get("href"))
                 for ref in opf.iter(f"{{{OPF}}}itemref")]
        trees = {name: etree.parse(io.BytesIO(archive.read(name))) for name in spine if name != nav_name}
        tokens: list[Token] = []
        for name, tree in trees.items():
            body = tree.getroot().find(f"{{{XHTML}}}body")
            if body is not None:
                _tokens(name, body, tokens)
        starts = place([page_start(p) for p in printed], tokens)
        # Markers go in from the last, so an earlier marker's offsets stay true.
        placed = sorted(((s, p.label) for s, p in zip(starts, printed) if s is not None), reverse=True)
        for start, label in placed:
            _insert(tokens[start], label)
        marked = [p.label for s, p in zip(starts, printed) if s is not None]
        if not marked:
            # No page found: no page-list (an empty one is invalid, and the package would
            # claim page numbers it does not have).
            return PageList(epub, [], [p.label for p in printed])
        links = [(posixpath.relpath(tokens[s].document, posixpath.dirname(nav_name)), p.label)
                 for s, p in zip(starts, printed) if s is not None]
        changed = {name: _serialise(tree) for name, tree in trees.items()}
        changed[nav_name] = _nav_with_pages(archive.read(nav_name), links)
        changed[opf_name] = _package_with_source(opf, source)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for info in archive.infolist():
                copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                copy.compress_type, copy.create_system = info.compress_type, info.create_system
                copy.external_attr = info.external_attr
                target.writestr(copy, changed.get(info.filename, archive.read(info.filename)), compresslevel=9)
    return PageList(out.getvalue(), marked, [p.label for s, p in zip(starts, printed) if s is None])


def _nav_with_pages(nav: bytes, links: list[tuple[str, str]]) -> bytes:
    tree = etree.parse(io.BytesIO(nav))
    body = tree.getroot().find(f"{{{XHTML}}}body")
    x = f"{{{XHTML}}}"
    page_list = etree.SubElement(body, f"{x}nav")
    page_list.set(f"{{{EPUB_NS}}}type", "page-list")
    page_list.set("role", "doc-pagelist")
    page_list.set("id", "page-list")
    page_list.set("aria-labelledby", "page-list-heading")
    page_list.set("hidden", "hidden")
    page_list.text = "\n"
    heading = etree.SubElement(page_list, f"{x}h2", id="page-list-heading")
    heading.text, heading.tail = "Pages of the print edition", "\n"
    listing = etree.SubElement(page_list, f"{x}ol")
    listing.text, listing.tail = "\n", "\n"
    for document, label in links:
        item = etree.SubElement(listing, f"{x}li")
        link = etree.SubElement(item, f"{x}a", href=f"{document}#{marker_id(label)}")
        link.text, item.tail = label, "\n"
    page_list.tail = "\n"
    return _serialise(tree)


def _package_with_source(opf, source: str) -> bytes:
    metadata = opf.find(f"{{{OPF}}}metadata")
    # EPUB 3.3 puts pageBreakSource in the default vocabulary (no prefix).
    for prop, value in (("pageBreakSource", source),
                        ("schema:accessibilityFeature", "pageBreakMarkers"),
                        ("schema:accessibilityFeature", "pageNavigation")):
        meta = etree.SubElement(metadata, f"{{{OPF}}}meta", property=prop)
        meta.text = value
    etree.indent(metadata, space="  ", level=1)
    return etree.tostring(opf.getroottree(), xml_declaration=True, encoding="utf-8", pretty_print=True)
