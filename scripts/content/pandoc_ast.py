"""Build pandoc AST nodes from plain text.

Scraped text never passes through a Markdown or HTML parser on its way into
the book: it becomes `Str` nodes, and pandoc's writers escape it.  That is
what makes a `<script>` or a `*` in a scrape harmless.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

import pypandoc

from scripts.core.model import NOTE_CLOSE, NOTE_OPEN

Node = dict[str, Any]

# Only web addresses become links; anything else (javascript:, data:) stays text.  A
# sentence's own punctuation after an address ("see https://example.org/a!") is not part of it.
URL = re.compile(r"<{0,2}(https?://[^\s<>]+[^\s<>.,;:!?)\]’”'\"])>?")


@lru_cache(maxsize=1)
def api_version() -> list[int]:
    return json.loads(pypandoc.convert_text("", "json", format="markdown"))["pandoc-api-version"]


def document(blocks: list[Node], meta: dict[str, Any] | None = None) -> str:
    return json.dumps({"pandoc-api-version": api_version(), "meta": meta or {}, "blocks": blocks},
                      ensure_ascii=False)


def text_inlines(text: str) -> list[Node]:
    """Plain text as Str/Space nodes."""
    nodes: list[Node] = []
    for i, word in enumerate(text.split(" ")):
        if i:
            nodes.append({"t": "Space"})
        if word:
            nodes.append({"t": "Str", "c": word})
    return nodes


def linked_inlines(text: str) -> list[Node]:
    """Text whose web addresses become links (for notes)."""
    nodes: list[Node] = []
    position = 0
    for match in URL.finditer(text):
        nodes += text_inlines(text[position:match.start()])
        url = match.group(1)
        nodes.append({"t": "Link", "c": [["", ["uri"], []], [{"t": "Str", "c": url}], [url, ""]]})
        position = match.end()
    nodes += text_inlines(text[position:])
    return nodes


def inlines_with_notes(text: str, note_text: dict[int, str]) -> list[Node]:
    """Body text whose note markers (NOTE_OPEN n NOTE_CLOSE) become pandoc notes."""
    nodes: list[Node] = []
    pattern = re.compile(re.escape(NOTE_OPEN) + r"(\d+)" + re.escape(NOTE_CLOSE))
    position = 0
    for match in pattern.finditer(text):
        nodes += text_inlines(text[position:match.start()])
        number = int(match.group(1))
        nodes.append({"t": "Note", "c": [para(linked_inlines(note_text[number]))]})
        position = match.end()
    nodes += text_inlines(text[position:])
    return nodes


def para(inlines: list[Node]) -> Node:
    return {"t": "Para", "c": inlines}


def header(level: int, inlines: list[Node], identifier: str = "") -> Node:
    return {"t": "Header", "c": [level, [identifier, [], []], inlines]}


def ordered_list(start: int, items: list[list[Node]]) -> Node:
    return {"t": "OrderedList", "c": [[start, {"t": "Decimal"}, {"t": "Period"}], items]}


def bullet_list(items: list[list[Node]]) -> Node:
    return {"t": "BulletList", "c": items}


def block_quote(blocks: list[Node]) -> Node:
    return {"t": "BlockQuote", "c": blocks}


def code_block(text: str) -> Node:
    """Preformatted text: pandoc's writers escape it and keep its lines and spaces."""
    return {"t": "CodeBlock", "c": [["", [], []], text]}


def div(classes: list[str], blocks: list[Node], identifier: str = "") -> Node:
    return {"t": "Div", "c": [[identifier, classes, []], blocks]}


def meta_inlines(text: str) -> Node:
    return {"t": "MetaInlines", "c": text_inlines(text)}


def meta_string(text: str) -> Node:
    return {"t": "MetaString", "c": text}


def meta_list(items: list[Node]) -> Node:
    return {"t": "MetaList", "c": items}


def figure(src: str, alt: str, caption: list[Node]) -> Node:
    """A picture with its caption under it (pandoc writes <figure>, <img> and <figcaption>)."""
    image = {"t": "Image", "c": [["", [], [["alt", alt]] if alt else []], caption, [src, ""]]}
    return {"t": "Figure", "c": [["", [], []], [None, [{"t": "Plain", "c": caption}] if caption else []],
                                 [{"t": "Plain", "c": [image]}]]}
