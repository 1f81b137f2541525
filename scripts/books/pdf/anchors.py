"""Index anchors as places in the laid-out text, never as boxes in it.

The index stage marks each indexed occurrence with a span around its words (`<span
class="ix" id="ix-ch03-7">`).  In the EPUB that span is the link target.  In the PDF an
inline box changes how WeasyPrint breaks a justified, hyphenated paragraph: when a word
inside a span does not fit, the line breaker falls back to an earlier break point than it
would in plain text, so lines come out short or a word is left alone (issue 13, measured on
the demo book: 17 lines of one chapter broke differently).  The printed chapter must read
exactly as it would with no index at all.

So the PDF lays out the chapter with the spans lifted out and their words left in place.
What a span located is kept as data: the block it sat in (marked with a `data-ixb`
attribute, which makes no box and no named destination) and which occurrence of its words
in that block it was.  Once the part is laid out, each one is found in the block's lines,
and its place is handed to WeasyPrint as an anchor, so it becomes a named destination and a
page number like any id would.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass

from lxml import etree
from lxml import html as lxml_html

from scripts.index.match import ANCHOR_CLASS, BLOCK_TAGS

BLOCK_ATTRIBUTE = "data-ixb"

# What WeasyPrint adds or keeps in a line's text that the source text does not have: soft
# hyphens (and the hyphen shown where a line breaks at one) and white space, which the
# layout collapses and drops at line ends.
_HYPHEN_AT_BREAK = re.compile("\u00ad[\u2010-]$")
_INVISIBLE = re.compile(r"[\s\u00ad\u200b]+")


def comparable(text: str) -> str:
    """Text as both the source and the laid-out lines can be compared: no white space, no
    soft hyphens, case folded (a stylesheet may change case, never letters)."""
    return _INVISIBLE.sub("", text).casefold()


@dataclass(frozen=True)
class TextAnchor:
    """An index anchor to be placed after layout: the `nth` (0-based) occurrence of `words`
    in the block whose data-ixb is `block`."""
    anchor_id: str
    block: str
    words: str               # comparable() form
    nth: int


def lift_index_anchors(markup: str, chapter_id: str) -> tuple[str, tuple[TextAnchor, ...]]:
    """The chapter's HTML fragment without its index spans (their words stay), and where
    each span was."""
    if f'class="{ANCHOR_CLASS}"' not in markup:
        return markup, ()
    root = lxml_html.fragment_fromstring(markup, create_parent="ix-lift")
    anchors: list[TextAnchor] = []
    numbered = 0
    for span in list(root.iter("span")):
        if span.get("class") != ANCHOR_CLASS or not span.get("id"):
            continue
        block = span.getparent()
        while block is not root and block.tag not in BLOCK_TAGS:
            block = block.getparent()
        if block.get(BLOCK_ATTRIBUTE) is None:
            numbered += 1
            block.set(BLOCK_ATTRIBUTE, f"{chapter_id}-{numbered}")
        words = comparable("".join(span.itertext()))
        before = comparable(_text_before(block, span))
        anchors.append(TextAnchor(span.get("id"), block.get(BLOCK_ATTRIBUTE), words,
                                  _count(before + words, words) - 1))
        _unwrap(span)
    out = [html_lib.escape(root.text or "", quote=False)]
    out += [etree.tostring(child, encoding="unicode", method="html", with_tail=True) for child in root]
    return "".join(out), tuple(anchors)


def _text_before(block, target) -> str:
    """The block's text that comes before `target` in reading order."""
    pieces: list[str] = []

    def walk(element) -> bool:
        if element is target:
            return True
        if element.text:
            pieces.append(element.text)
        for child in element:
            if walk(child):
                return True
            if child.tail:
                pieces.append(child.tail)
        return False
    walk(block)
    return "".join(pieces)


def _count(haystack: str, needle: str) -> int:
    """Occurrences of needle in haystack, overlapping ones included (both sides count alike)."""
    count, at = 0, haystack.find(needle)
    while needle and at >= 0:
        count += 1
        at = haystack.find(needle, at + 1)
    return count


def _unwrap(span) -> None:
    """Replace the span by its content, its text joined to what precedes it."""
    parent = span.getparent()
    position = parent.index(span)
    previous = parent[position - 1] if position else None
    lead = (span.text or "")
    if previous is not None:
        previous.tail = (previous.tail or "") + lead
    else:
        parent.text = (parent.text or "") + lead
    children = list(span)
    for offset, child in enumerate(children):
        parent.insert(position + offset, child)
    tail = span.tail or ""
    last = children[-1] if children else previous
    if last is not None:
        last.tail = (last.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(span)


# ---------------------------------------------------------------- after layout

def place_text_anchors(document, anchors: tuple[TextAnchor, ...]) -> list[str]:
    """Find each anchor in the laid-out lines and add it to its page's anchors (WeasyPrint
    writes those as named destinations).  An occurrence that cannot be found in the lines
    (text the stylesheet hides) is placed at the start of its block; the ids so placed are
    returned so the report can say so."""
    if not anchors:
        return []
    wanted = {anchor.block for anchor in anchors}
    # Each block's text as laid out, in reading order: (page index, the text box's
    # rectangle as WeasyPrint gives an anchor's, comparable text).
    pieces: dict[str, list[tuple[int, float, float, str]]] = {}
    for index, page in enumerate(document.pages):
        _collect(page._page_box, None, index, wanted, pieces)
    approximate = []
    for anchor in anchors:
        boxes = pieces.get(anchor.block, [])
        place = _find(boxes, anchor.words, anchor.nth)
        if place is None:
            approximate.append(anchor.anchor_id)
            place = boxes[0][:2] if boxes else None
        if place is not None:
            page, rectangle = place
            document.pages[page].anchors.setdefault(anchor.anchor_id, rectangle)
    return approximate


def _collect(box, block, page: int, wanted: set[str], pieces: dict) -> None:
    element = getattr(box, "element", None)
    tag = getattr(box, "element_tag", "") or ""
    if element is not None and "::" not in tag:
        marked = element.get(BLOCK_ATTRIBUTE) if hasattr(element, "get") else None
        if marked in wanted:
            block = marked
    text = getattr(box, "text", None)
    if block is not None and isinstance(text, str) and "::" not in tag:
        shown = _HYPHEN_AT_BREAK.sub("", text)
        x, y, width, height = box.hit_area()
        pieces.setdefault(block, []).append((page, (x, y, x + width, y + height), comparable(shown)))
    for child in getattr(box, "children", None) or ():
        _collect(child, block, page, wanted, pieces)


def _find(boxes: list[tuple[int, tuple, str]], words: str, nth: int):
    """The (page, rectangle) of the text box where the nth occurrence of words begins."""
    joined = "".join(text for *_, text in boxes)
    at = -1
    for _ in range(nth + 1):
        at = joined.find(words, at + 1)
        if at < 0:
            return None
    offset = 0
    for page, rectangle, text in boxes:
        if offset + len(text) > at:
            return page, rectangle
        offset += len(text)
    return None
