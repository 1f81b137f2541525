"""The Kobo edition: the built EPUB with Kobo's span markup, as <slug>.kepub.epub.

Kobo's readers keep the reading position, the highlights and the reading statistics of a
"kepub" by spans around each sentence: `<span class="koboSpan" id="kobo.P.S">`, P counting
the document's paragraphs (every block holding text: p, h1, li, td, ...) and S the sentence
within it, both from 1.  A span never crosses an element's boundary: text inside a link
or an emphasis gets spans of its own inside that element, so every element, id and link
of the EPUB stays as it was and only spans are added.  The navigation document is left
alone (it is a list of links, not reading text).  Everything else in the container is
copied byte for byte, each entry with its own zip attributes, so the edition is as
reproducible as the EPUB it comes from.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile

from lxml import etree

XHTML = "http://www.w3.org/1999/xhtml"
OPF = "http://www.idpf.org/2007/opf"
CONTAINER = "urn:oasis:names:tc:opendocument:xmlns:container"
# Elements a sentence continues through: text inside them belongs to the paragraph around them.
INLINE = {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "del", "em", "i", "ins",
          "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var"}
# Elements whose text is not reading text, or where a span is not allowed.
SKIP = {"head", "script", "style", "svg", "math", "ruby", "textarea", "select", "option",
        "button", "template"}
# A sentence ends at . ! ? or … (with any closing quotes or brackets) followed by a space;
# the space stays with the sentence before it, as Kobo's own conversion does.
SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*\s+")


def sentences(text: str) -> list[str]:
    pieces, start = [], 0
    for end in SENTENCE_END.finditer(text):
        pieces.append(text[start:end.end()])
        start = end.end()
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


class _Paragraphs:
    """Numbers a document's paragraphs as their first sentence is met."""

    def __init__(self) -> None:
        self.count = 0

    def start(self) -> list[int]:
        return [0, 0]                       # [paragraph number (0: none yet), sentences so far]

    def span(self, state: list[int], text: str):
        if state[0] == 0:
            self.count += 1
            state[0] = self.count
        state[1] += 1
        span = etree.Element(f"{{{XHTML}}}span", {"class": "koboSpan", "id": f"kobo.{state[0]}.{state[1]}"})
        span.text = text
        return span


def _spans(paragraphs: _Paragraphs, state: list[int], text: str | None) -> list:
    if not text or not text.strip():
        return []
    return [paragraphs.span(state, piece) for piece in sentences(text)]


def _walk(element, paragraphs: _Paragraphs, state: list[int] | None) -> None:
    name = _local(element)
    if name in SKIP or not name:
        return
    if name not in INLINE or state is None:
        state = paragraphs.start()          # a block: its own text is a paragraph of its own
    children = list(element)                # before any span goes in: spans are not walked
    made = _spans(paragraphs, state, element.text)
    if made:
        element.text = None
        for index, span in enumerate(made):
            element.insert(index, span)
    for child in children:
        if isinstance(child.tag, str):
            _walk(child, paragraphs, state)
        tail = _spans(paragraphs, state, child.tail)
        if tail:
            child.tail = None
            position = element.index(child) + 1
            for offset, span in enumerate(tail):
                element.insert(position + offset, span)


def add_spans(document: bytes) -> bytes:
    """One XHTML content document with Kobo's spans in its body."""
    tree = etree.parse(io.BytesIO(document))
    taken = [i for i in tree.getroot().xpath("//@id") if str(i).startswith("kobo.")]
    if taken:
        raise ValueError(f"the document already has Kobo span ids: {taken[:3]}")
    body = tree.getroot().find(f"{{{XHTML}}}body")
    if body is not None:
        _walk(body, _Paragraphs(), None)
    # The declaration as the EPUB writes it (lxml's own uses single quotes), then the doctype
    # and the document.
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + etree.tostring(tree, encoding="utf-8") + b"\n"


def content_documents(archive: zipfile.ZipFile) -> set[str]:
    """The package's XHTML content documents other than the navigation document."""
    container = etree.fromstring(archive.read("META-INF/container.xml"))
    opf_name = container.find(f".//{{{CONTAINER}}}rootfile").get("full-path")
    opf = etree.fromstring(archive.read(opf_name))
    base = posixpath.dirname(opf_name)
    return {posixpath.normpath(posixpath.join(base, item.get("href")))
            for item in opf.iter(f"{{{OPF}}}item")
            if item.get("media-type") == "application/xhtml+xml"
            and "nav" not in (item.get("properties") or "").split()}


def kepub(epub: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(epub)) as source, zipfile.ZipFile(out, "w") as target:
        documents = content_documents(source)
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename in documents:
                data = add_spans(data)
            copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            copy.compress_type = info.compress_type
            copy.create_system = info.create_system
            copy.external_attr = info.external_attr
            target.writestr(copy, data, compresslevel=9)
    return out.getvalue()
