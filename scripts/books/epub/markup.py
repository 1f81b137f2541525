"""Turn pandoc's HTML into EPUB 3 XHTML: notes, semantics, and nothing executable.

Everything here works on lxml trees in the XHTML namespace (never on strings with regular
expressions).  Pandoc's HTML is parsed as HTML and cleaned by the books' one sanitiser
(scripts.content.sanitise: an allow-list; unknown elements keep their text, unknown attributes
go), copied element by element into XHTML, then reshaped:

* footnote references become `epub:type="noteref"` links (`role="doc-noteref"`);
* the footnotes section becomes `section epub:type="endnotes" role="doc-endnotes"` with a
  "Notes" heading and one `li epub:type="endnote"` per note (no deprecated `doc-endnote` role),
  each ending in a back-link (`role="doc-backlink"`) to its reference;
* `div.sidebar` becomes an `aside` labelled by its heading;
* headings are shifted so the body starts one level under the page's own heading.

What the sanitiser drops (a link with a scheme a reading system could execute, an image the
EPUB cannot carry...) comes back as `Dropped` entries for the stage report.
"""

from __future__ import annotations

import re

from lxml import etree, html as lxml_html

from scripts.content.sanitise import Dropped, sanitise

XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
EPUB_TYPE = f"{{{OPS}}}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NSMAP = {None: XHTML, "epub": OPS}


def q(tag: str) -> str:
    """The XHTML-namespaced name of a tag."""
    return f"{{{XHTML}}}{tag}"


class Fragment:
    """A list of XHTML elements (the body of a page), with what was dropped on the way."""

    def __init__(self, elements: list[etree._Element], dropped: list[Dropped]):
        self.elements = elements
        self.dropped = dropped


# ---------------------------------------------------------------- HTML -> safe XHTML

def _copy(src: etree._Element, parent: etree._Element) -> None:
    """Copy an (already sanitised) HTML element into the XHTML namespace under `parent`."""
    element = etree.SubElement(parent, q(src.tag.lower()))
    for name, value in src.attrib.items():
        if name.lower() == "epub:type":
            # Structural semantics (the index's index-entry...): words, never code.
            element.set(EPUB_TYPE, " ".join(value.split()))
        else:
            element.set(name.lower(), value)
    _fill(element, src)


def _append_text(parent: etree._Element, text: str) -> None:
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _fill(target: etree._Element, src: etree._Element) -> None:
    if src.text:
        _append_text(target, src.text)
    for child in src:
        _copy(child, target)
        if child.tail:
            _append_text(target, child.tail)


def _sanitised(fragment_html: str, create_parent: str, where: str,
               internal: frozenset[str]) -> tuple[etree._Element, list[Dropped]]:
    """Pandoc's HTML parsed and put through the books' one sanitiser."""
    wrapper = lxml_html.fragment_fromstring(fragment_html, create_parent=create_parent)
    return wrapper, sanitise(wrapper, where, internal=internal)


BLOCK_ELEMENTS = {
    "p", "div", "section", "aside", "blockquote", "figure", "hr", "h1", "h2", "h3", "h4", "h5",
    "h6", "ol", "ul", "dl", "table", "pre", "header", "footer", "nav",
}


def html_to_xhtml(fragment_html: str, where: str,
                  internal: frozenset[str] = frozenset()) -> Fragment:
    """Parse an HTML fragment (pandoc's output) into safe XHTML block elements.

    Loose inline content at the top level (a one-paragraph headnote is just text) is gathered
    into paragraphs, so the result is always a list of blocks."""
    if not fragment_html.strip():
        return Fragment([], [])
    wrapper, dropped = _sanitised(fragment_html, "div", where, internal)
    holder = etree.Element(q("div"))
    _fill(holder, wrapper)
    elements: list[etree._Element] = []
    run: etree._Element | None = None

    def inline_run() -> etree._Element:
        nonlocal run
        if run is None:
            run = etree.Element(q("p"))
            elements.append(run)
        return run

    if holder.text and holder.text.strip():
        inline_run().text = holder.text.strip()
    for child in list(holder):
        tail = child.tail
        child.tail = None
        if etree.QName(child).localname in BLOCK_ELEMENTS:
            run = None
            elements.append(child)
        else:
            inline_run().append(child)
        if tail and tail.strip():
            target = inline_run()
            _append_text(target, tail)
    for element in elements:
        if element.getparent() is not None:
            element.getparent().remove(element)
    return Fragment(elements, dropped)


def inline_html_to_xhtml(fragment_html: str, where: str) -> Fragment:
    """Parse inline HTML (a title, an outlet) into one XHTML span holding the safe content."""
    dropped: list[Dropped] = []
    holder = etree.Element(q("span"))
    if fragment_html.strip():
        wrapper, dropped = _sanitised(fragment_html, "span", where, frozenset())
        _fill(holder, wrapper)
    return Fragment([holder], dropped)


# ---------------------------------------------------------------- reshaping

HEADINGS = [q(f"h{n}") for n in range(1, 7)]

def _epub_type(element: etree._Element, value: str) -> None:
    element.set(EPUB_TYPE, value)


def _classes(element: etree._Element) -> set[str]:
    return set((element.get("class") or "").split())


def _note_number(identifier: str) -> str:
    """The note's number from pandoc's id ("fn3", or "ch02-fn3" with an id prefix)."""
    found = re.search(r"(\d+)$", identifier)
    return found.group(1) if found else identifier


def transform_notes(root: etree._Element, notes_heading_level: int = 2,
                    notes_title: str = "Notes") -> int:
    """Turn pandoc's footnotes into EPUB noterefs and endnotes; return the number of notes."""
    refs = [a for a in root.iter(q("a"))
            if "doc-noteref" in (a.get("role") or "") or "footnote-ref" in _classes(a)]
    new_ids: dict[str, str] = {}
    for ref in refs:
        number = _note_number(ref.get("href", "").lstrip("#"))
        old_ref_id = ref.get("id", "")
        ref.set("id", f"noteref-{number}")
        if old_ref_id:
            new_ids[old_ref_id] = f"noteref-{number}"
        new_ids[ref.get("href", "").lstrip("#")] = f"note-{number}"
        ref.set("href", f"#note-{number}")
        ref.set("role", "doc-noteref")
        _epub_type(ref, "noteref")
        ref.attrib.pop("class", None)
        if not len(ref) and ref.text:
            sup = etree.SubElement(ref, q("sup"))
            sup.text, ref.text = ref.text, None

    count = 0
    for section in list(root.iter(q("section"), q("div"), q("aside"))):
        if not ("doc-endnotes" in (section.get("role") or "") or "footnotes" in _classes(section)):
            continue
        section.tag = q("section")
        section.attrib.clear()
        section.set("id", "notes")
        section.set("class", "endnotes")
        section.set("role", "doc-endnotes")
        section.set("aria-labelledby", "notes-heading")
        _epub_type(section, "endnotes")
        for hr in list(section.iter(q("hr"))):
            _remove_keep_tail(hr)
        heading = etree.Element(q(f"h{notes_heading_level}"))
        heading.set("id", "notes-heading")
        heading.text = notes_title
        section.insert(0, heading)
        section.text = None
        for item in section.iter(q("li")):
            number = _note_number(item.get("id", ""))
            item.set("id", f"note-{number}")
            # epub:type="endnote" is what reading systems look for to pop the note up.  No
            # role="doc-endnote": DPUB-ARIA 1.1 deprecated it (Ace flags it); inside an <ol> the
            # <li> is already a list item of the doc-endnotes section.
            _epub_type(item, "endnote")
            count += 1
            for back in item.iter(q("a")):
                if "doc-backlink" in (back.get("role") or "") or "footnote-back" in _classes(back):
                    back.attrib.clear()
                    back.set("href", f"#noteref-{number}")
                    back.set("role", "doc-backlink")
                    back.set("class", "backlink")
                    back.set("aria-label", f"Back to reference {number}")
                    for child in list(back):
                        back.remove(child)
                    back.text = "\u2191"  # an upwards arrow: the face has it, unlike pandoc's ↩
    # Links inside the text that pointed at old ids follow the renaming.
    for a in root.iter(q("a")):
        href = a.get("href", "")
        if href.startswith("#") and href[1:] in new_ids and a.get("role") not in (
                "doc-noteref", "doc-backlink"):
            a.set("href", "#" + new_ids[href[1:]])
    return count


def _remove_keep_tail(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def transform_sidebars(root: etree._Element) -> None:
    """`::: sidebar` divs become asides labelled by their own heading.  (With --section-divs
    pandoc merges the div into the section its heading opens.)  A bare aside: EPUB 3.3
    deprecates epub:type="sidebar"."""
    used = {e.get("id") for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
    sidebars = [e for e in root.iter(q("div"), q("aside"), q("section"))
                if "sidebar" in _classes(e)]
    for n, div in enumerate(sidebars, 1):
        div.tag = q("aside")
        div.attrib.pop(EPUB_TYPE, None)
        div.set("class", "sidebar")
        heading = next((h for h in div if h.tag in HEADINGS), None)
        if heading is None:
            div.set("aria-label", "Side box")
            continue
        if not heading.get("id"):
            identifier = f"sidebar-{n}-heading"
            while identifier in used:
                identifier += "-x"
            heading.set("id", identifier)
            used.add(identifier)
        div.set("aria-labelledby", heading.get("id"))


def shift_headings(elements: list[etree._Element], top_level: int) -> None:
    """Renumber headings so the highest one in `elements` is `top_level`, keeping their steps."""
    found = [h for e in elements for h in e.iter(*HEADINGS)]
    found += [e for e in elements if e.tag in HEADINGS and e not in found]
    if not found:
        return
    highest = min(int(h.tag[-1]) for h in found)
    shift = top_level - highest
    for heading in found:
        heading.tag = q(f"h{min(6, max(1, int(heading.tag[-1]) + shift))}")


def close_heading_gaps(root: etree._Element) -> None:
    """Headings never skip a level going down (h2 then h4 becomes h2 then h3)."""
    previous = 0
    for heading in root.iter(*HEADINGS):
        level = int(heading.tag[-1])
        if previous and level > previous + 1:
            level = previous + 1
            heading.tag = q(f"h{level}")
        previous = level


def ensure_unique_ids(root: etree._Element) -> None:
    """Give every duplicate id a new one (first comes first) and keep same-page links right."""
    seen: set[str] = set()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        identifier = element.get("id")
        if identifier is None:
            continue
        if identifier in seen:
            n = 2
            while f"{identifier}-{n}" in seen:
                n += 1
            identifier = f"{identifier}-{n}"
            element.set("id", identifier)
        seen.add(identifier)


def section_headings(root: etree._Element, level: int = 2) -> list[tuple[str, str]]:
    """(id, text) of the body's headings at `level`, giving an id to any that lacks one."""
    out: list[tuple[str, str]] = []
    used = {e.get("id") for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
    for n, heading in enumerate(root.iter(q(f"h{level}")), 1):
        if heading.get("id") == "notes-heading":
            continue
        parent = heading.getparent()
        identifier = heading.get("id")
        if not identifier and parent is not None and parent.tag == q("section") \
                and parent.get("id") and parent.index(heading) == 0:
            identifier = parent.get("id")
        if not identifier:
            identifier = f"section-{n}"
            while identifier in used:
                identifier += "-x"
            heading.set("id", identifier)
            used.add(identifier)
        # An aside's headings belong to the aside, not to the chapter's outline.
        if any(a.tag == q("aside") for a in heading.iterancestors()):
            continue
        out.append((identifier, text_of(heading)))
    return out


def text_of(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def serialize(root: etree._Element) -> bytes:
    """An XHTML document as bytes: XML declaration, HTML doctype, UTF-8."""
    body = etree.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n' + body + "\n").encode()


def parse_document(text: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
    return etree.fromstring(text.encode("utf-8"), parser)
