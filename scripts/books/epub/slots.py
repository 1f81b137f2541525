"""The EPUB's templates and their slots.  templates/epub/ holds every page's markup (Jinja2);
where a page takes content the book made elsewhere (a chapter's HTML, a title with its
emphasis), the template has an empty `<div data-slot="name">`, which is replaced here by
that content as XHTML, so no HTML is ever pasted into a template as text."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from lxml import etree

from scripts.books.epub.markup import Dropped, html_to_xhtml, inline_html_to_xhtml, parse_document, q, shift_headings
from scripts.core import paths as resources

TEMPLATES = resources.TEMPLATES / "epub"


def environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                       keep_trailing_newline=True)


def render(env: Environment, template: str, **context: Any) -> etree._Element:
    return parse_document(env.get_template(template).render(**context))


def _slot(root: etree._Element, name: str) -> etree._Element | None:
    return next((e for e in root.iter(q("div")) if e.get("data-slot") == name), None)


def fill_inline(root: etree._Element, name: str, fragment_html: str, where: str,
                 dropped: list[Dropped]) -> None:
    """Replace a slot with inline content (a title, an outlet name)."""
    slot = _slot(root, name)
    if slot is None:
        return
    fragment = inline_html_to_xhtml(fragment_html, where)
    dropped.extend(fragment.dropped)
    parent = slot.getparent()
    position = parent.index(slot)
    holder = fragment.elements[0]
    _splice(parent, position, holder.text or "", list(holder), slot.tail or "")
    parent.remove(slot)


def _splice(parent: etree._Element, position: int, text: str, children: list[etree._Element],
            tail: str) -> None:
    """Put text and children at `position` in parent (where the slot element stands)."""
    previous = parent[position - 1] if position > 0 else None
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    for offset, child in enumerate(children):
        parent.insert(position + 1 + offset, child)
    last = children[-1] if children else None
    if last is not None:
        last.tail = (last.tail or "") + tail
    elif previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail


def fill_blocks(root: etree._Element, name: str, elements: list[etree._Element]) -> None:
    """Replace a slot with block elements (paragraphs, sections)."""
    slot = _slot(root, name)
    if slot is None:
        return
    parent = slot.getparent()
    position = parent.index(slot)
    for offset, element in enumerate(elements):
        parent.insert(position + 1 + offset, element)
    parent.remove(slot)


def block_fragment(fragment_html: str, where: str, dropped: list[Dropped],
                    top_heading: int) -> list[etree._Element]:
    fragment = html_to_xhtml(fragment_html, where)
    dropped.extend(fragment.dropped)
    elements = fragment.elements
    shift_headings(elements, top_heading)
    return elements
