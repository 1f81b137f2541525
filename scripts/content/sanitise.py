"""The one allow-list sanitiser for the chapter HTML, shared by both books.

Pandoc reads the articles with raw HTML switched off (scripts/content/chapters.py), so
scraped text reaches the books as escaped text; this is the second lock on the same door,
and the only one for anything that slips past the first.  It works in place on an lxml
tree (the wrapper element of a fragment; the wrapper itself is not judged) and returns what
it took out, so each book's report can list it: nothing leaves the text silently.

What stays (everything pandoc's HTML writer makes of our articles, the bibliography
citeproc writes, and the index stage's own markup):

* the elements of ``ALLOWED_ELEMENTS``, with the global attributes (id, class, lang, dir,
  title, role, aria-*, epub:type) and the few an element needs (``a href``, ``ol start``,
  table spans...); ``class`` keeps only the classes the books know (``KNOWN_CLASSES``);
* an ``img`` of the book's own pictures (``../images/<hash>.jpg``, which only the articles
  stage writes: scraped text cannot make one, it arrives escaped), with its alt text;
* ``href`` only to the web (http, https), to mail (mailto), to a fragment of the same
  document (``#fn1``) or, when the caller names them (``internal``), to the book's own pages.

What goes:

* an element outside the list is unwrapped: its text and its allowed children stay;
* an element whose content is never prose (``DROPPED_WITH_CONTENT``: script, style, iframe,
  object, embed, video, audio, svg, math, forms...) goes with everything inside it;
* any other ``img`` goes and its alternative text stays, as text: the alt text is the author's words
  for the picture, a reader loses the picture either way (the EPUB carries no remote
  resources and the print book cannot fetch them), and without the alt text a sentence that
  names the picture would lose its object;
* a link whose target is not allowed (``javascript:``, ``data:``, ``file:``, a relative
  path to a file) is unwrapped: its text stays;
* every other attribute (``onclick``, ``style``, ``src``, ``data-*``...) and every unknown
  class;
* comments and processing instructions (never text).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from lxml import etree

from scripts.content.pictures import BOOK_IMAGE

# What pandoc's html5 writer produces for prose (with --section-divs), plus <i> and <header>,
# which the index template writes.
ALLOWED_ELEMENTS = frozenset({
    "p", "div", "section", "header", "blockquote", "figure", "figcaption", "hr", "br",
    "h1", "h2", "h3", "h4", "h5", "h6", "ol", "ul", "li", "dl", "dt", "dd",
    "a", "em", "strong", "i", "u", "del", "mark", "sub", "sup", "span", "code", "pre",
    "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td",
})

# Elements whose content is not prose a reader should see: dropped with all they hold.
DROPPED_WITH_CONTENT = frozenset({
    "script", "noscript", "template", "style", "link", "meta", "base", "head", "title",
    "iframe", "frame", "frameset", "object", "embed", "applet", "param",
    "video", "audio", "source", "track", "canvas", "svg", "math",
    "form", "input", "button", "select", "textarea",
})

GLOBAL_ATTRIBUTES = frozenset({
    "id", "class", "lang", "dir", "title", "role", "epub:type",
    "aria-label", "aria-labelledby", "aria-describedby", "aria-hidden",
})
ELEMENT_ATTRIBUTES = {
    "a": {"href"},
    "ol": {"start", "type", "reversed"},
    "li": {"value"},
    "th": {"colspan", "rowspan", "headers", "scope", "abbr"},
    "td": {"colspan", "rowspan", "headers"},
    "col": {"span"}, "colgroup": {"span"},
    # The editor's "leave this part out of the index" marker (docs/index.md); pandoc's
    # --section-divs moves a heading's attributes onto its section.
    **{h: {"data-noindex"} for h in ("h1", "h2", "h3", "h4", "h5", "h6", "section")},
}

# Classes the books' styles and reshaping know: pandoc's (sections, notes, links, spans),
# citeproc's (the bibliography), the index stage's (ix, ix-*), the PDF's fragments'.
KNOWN_CLASSES = frozenset({
    "footnotes", "footnotes-end-of-document", "footnote-ref", "footnote-back",
    "uri", "email", "sidebar", "smallcaps", "underline", "unnumbered", "citation",
    "csl-bib-body", "csl-entry", "csl-left-margin", "csl-right-inline", "csl-indent",
    "csl-block", "hanging-indent", "references", "nocase",
    "book-index", "ix", "subtitle", "headnote",
})
KNOWN_CLASS_PATTERN = re.compile(r"^(level[1-6]|ix-[a-z][a-z-]*)$")

WEB_SCHEMES = frozenset({"http", "https"})
ID_RE = re.compile(r"^[A-Za-z_][-A-Za-z0-9_.]*$")
NUMBER_RE = re.compile(r"^-?\d+$")
EXCERPT = 60


@dataclass(frozen=True)
class Dropped:
    """One thing the sanitiser took out, for a book's report."""
    where: str      # the chapter's file (or the input's name: bibliography.html, index)
    what: str       # "element", "image", "link", "attribute", "class", "comment"
    detail: str     # the element's tag, the image's src, the link's target, name="value"...
    excerpt: str    # a short excerpt of the text it stood in (or held)
    reason: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def safe_href(href: str, internal: frozenset[str] = frozenset()) -> bool:
    """A web or mail address, a same-document fragment, or one of the book's own pages
    (`internal`: the file names generated back matter may link to, such as the index's)."""
    href = href.strip()
    if href.startswith("#"):
        return True
    parts = urlsplit(href)
    scheme = parts.scheme.lower()
    if scheme in WEB_SCHEMES:
        return bool(parts.netloc)
    if scheme == "mailto":
        return bool(parts.path)
    if scheme or parts.netloc:
        return False                       # javascript:, data:, file:, //host ...
    # A relative link in scraped text points at a file nothing in the book holds.
    return parts.path in internal


def _short(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= EXCERPT else text[:EXCERPT - 1] + "…"


def _text(element: etree._Element) -> str:
    return _short("".join(element.itertext()))


def _append_text(parent: etree._Element, position: int, text: str) -> None:
    """Put text where the child at `position` of `parent` stands (before it is removed)."""
    if not text:
        return
    if position > 0:
        previous = parent[position - 1]
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _remove(element: etree._Element, replacement: str = "") -> None:
    """Remove an element and its content, keeping its tail (and `replacement` before it)."""
    parent = element.getparent()
    position = parent.index(element)
    _append_text(parent, position, replacement + (element.tail or ""))
    parent.remove(element)


def _unwrap(element: etree._Element) -> None:
    """Replace an element with its text and children (and keep its tail)."""
    parent = element.getparent()
    position = parent.index(element)
    _append_text(parent, position, element.text or "")
    children = list(element)
    for offset, child in enumerate(children):
        parent.insert(position + offset, child)      # moves the child, tail and all
    if children:
        last = children[-1]
        last.tail = (last.tail or "") + (element.tail or "")
        parent.remove(element)
    else:
        _append_text(parent, position, element.tail or "")
        parent.remove(element)


class _Sanitiser:
    def __init__(self, where: str, internal: frozenset[str]):
        self.where = where
        self.internal = internal
        self.dropped: list[Dropped] = []

    def drop(self, what: str, detail: str, excerpt: str, reason: str) -> None:
        self.dropped.append(Dropped(self.where, what, detail, excerpt, reason))

    def children(self, parent: etree._Element) -> None:
        for child in list(parent):
            self.element(child)

    def element(self, element: etree._Element) -> None:
        if not isinstance(element.tag, str):
            kind = "comment" if isinstance(element, etree._Comment) else "processing instruction"
            self.drop("comment", kind, _short(element.text), "not text: dropped")
            _remove(element)
            return
        tag = element.tag.lower()
        if tag in DROPPED_WITH_CONTENT:
            source = element.get("src") or element.get("data") or element.get("href") or ""
            self.drop("element", f"<{tag}{' ' + _short(source) if source else ''}>", _text(element),
                      "not prose: dropped with its content")
            _remove(element)
            return
        if tag == "img" and BOOK_IMAGE.match(element.get("src", "")):
            # The book's own copy of a picture (the articles stage wrote it): it stays,
            # with its alternative text and nothing else.
            alt = " ".join((element.get("alt") or "").split())
            for name in list(element.attrib):
                if name not in ("src", "alt"):
                    self.drop("attribute", f'<img {name}="{_short(element.get(name))}">', _short(alt),
                              "not an attribute of the book's pictures")
                    del element.attrib[name]
            element.set("alt", alt)
            return
        if tag == "img":
            alt = " ".join((element.get("alt") or "").split())
            self.drop("image", element.get("src", ""), _short(alt),
                      "the books carry no images from the text: kept its alternative text"
                      if alt else "the books carry no images from the text (it had no alt text)")
            _remove(element, alt)
            return
        self.children(element)          # children first: unwrapping moves them up
        if tag not in ALLOWED_ELEMENTS:
            self.drop("element", f"<{tag}>", _text(element),
                      "not an element of the book's prose: kept its text")
            _unwrap(element)
            return
        self.attributes(element, tag)
        if tag == "a" and element.get("href") is not None \
                and not safe_href(element.get("href"), self.internal):
            self.drop("link", element.get("href"), _text(element),
                      "not a web, mail or in-book address: kept the text, dropped the link")
            _unwrap(element)

    def attributes(self, element: etree._Element, tag: str) -> None:
        allowed = ELEMENT_ATTRIBUTES.get(tag, ())
        for name in list(element.attrib):
            value = element.get(name)
            key = name.lower()
            if key == "href":
                continue                 # judged with the link, which keeps its text
            if key not in GLOBAL_ATTRIBUTES and key not in allowed:
                reason = "not an attribute of the book's prose"
            elif key == "id" and not ID_RE.match(value):
                reason = "not a usable id"
            elif key in ("start", "value", "span", "colspan", "rowspan") \
                    and not NUMBER_RE.match(value.strip()):
                reason = "not a number"
            elif key == "class":
                self.classes(element, tag, value)
                continue
            else:
                continue
            self.drop("attribute", f'<{tag} {name}="{_short(value)}">', _text(element), reason)
            del element.attrib[name]

    def classes(self, element: etree._Element, tag: str, value: str) -> None:
        tokens = value.split()
        unknown = [t for t in tokens if t not in KNOWN_CLASSES and not KNOWN_CLASS_PATTERN.match(t)]
        if not unknown:
            return
        for token in unknown:
            self.drop("class", f'<{tag} class="{token}">', _text(element),
                      "not a class the books know")
        kept = [t for t in tokens if t not in unknown]
        if kept:
            element.set("class", " ".join(kept))
        else:
            del element.attrib["class"]


def sanitise(root: etree._Element, where: str, *,
             internal: frozenset[str] = frozenset()) -> list[Dropped]:
    """Clean everything inside `root` in place; return what was dropped (inner things first).

    `where` names the chapter (its file) in the report; `internal` lists the book's own
    pages a relative link may point at (generated back matter only; never scraped text)."""
    sanitiser = _Sanitiser(where, internal)
    sanitiser.children(root)
    return sanitiser.dropped
