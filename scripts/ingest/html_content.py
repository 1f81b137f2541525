"""A post's HTML body -> the model's blocks, with its footnotes linked.

Shared by the structured adapters: a WordPress export's `content:encoded`, the HTML
pandoc makes of a Markdown post, and the post found in a saved page all arrive here.
lxml's HTML parser reads the markup (it repairs what browsers repair); the walk
below gives every piece of text a role:

- paragraphs, headings, list items, quotations and preformatted text become blocks;
- a table keeps its text, one paragraph per row (the book has no table layout yet);
- images, embeds, scripts and forms are left out, each recorded with its line;
- a note reference is a link from the text to a later element (`<a href="#fn1">1</a>`,
  WordPress footnotes, Word's `_ftn1`, pandoc's `footnote-ref`), or a bare `<sup>2</sup>`
  when a numbered list under a "Notes" heading ends the post.  The referenced items
  become NOTE blocks numbered in reading order, and the reference a sentinel
  (model.note_ref) that the notes stage reads as a sure link.

Text is only ever text: no markup from the source reaches the model.

Why one module of some 750 lines: it is one walk over one tree.  Telling a note's
reference from an ordinary link or a superscript needs the whole post (where the notes
list is, which labels it holds), so the walk and the note rules share the converter's
state; most of the module is that one class and the helpers only it calls.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from lxml import etree
from lxml import html as lxml_html

from scripts.core import model as m
from scripts.core.errors import UserError
from scripts.ingest.images import Found, ImageFolder, unreadable
from scripts.ingest.common import LeftOut, clean_text

CONTAINERS = frozenset({"div", "section", "article", "main", "header", "footer", "center", "body",
                        "address", "details", "summary", "hgroup", "figure", "span", "font", "html"})
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
BLOCK_TAGS = (CONTAINERS - {"span", "font"}) | HEADINGS | frozenset({
    "p", "ul", "ol", "li", "blockquote", "pre", "table", "dl", "dt", "dd", "hr", "figcaption",
    "aside", "nav", "caption", "thead", "tbody", "tfoot", "tr", "td", "th"})
# Never text: markup whose content is code or styling.
UNREAD = {"script": "a script", "style": "a style sheet", "noscript": "a no-script fallback",
          "template": "a template", "head": "the page head", "title": "the page title"}
# Media and widgets: left out with their address, since the book cannot play them.
MEDIA = frozenset({"iframe", "embed", "object", "video", "audio", "canvas", "svg", "map", "form",
                   "input", "button", "select", "textarea", "math", "picture", "source"})
WHITESPACE = re.compile(r"[ \t\n\r\f\v\u200b]+")
NOTE_LABEL = re.compile(r"[\[(]?(\d{1,3}|[*†‡§])[\])]?\.?")
NOTES_HEADINGS = re.compile(r"^(?:notes?|end ?notes|foot ?notes|references|sources|citations)\s*:?$", re.I)
BACK_LINK = re.compile(r"^\s*(?:↩\ufe0e?\ufe0f?|⤴|\^|↑|back|return(?: to text)?)\s*$", re.I)
LEADING_LABEL = re.compile(r"^\s*(?:\[\d{1,3}\]|\(\d{1,3}\)|\d{1,3}[.)]?|[*†‡§])(?=\s|$)\s*")
SENTINEL = re.compile(f"{m.NOTE_OPEN}\\d+{m.NOTE_CLOSE}")
BRACKETED_REF = re.compile(f"[\\[(]({SENTINEL.pattern})[\\])]")
SPACE_BEFORE_REF = re.compile(f"\\s+(?={m.NOTE_OPEN})")
SUPERSCRIPTS = str.maketrans("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ")
SUBSCRIPTS = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")


def table_keys(table: dict[int, str]) -> set[str]:
    return {chr(code) for code in table}


@dataclass
class Content:
    """A post body as the model holds it: blocks (notes last), and what was left out."""
    blocks: list[m.Block] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)

    @property
    def notes(self) -> int:
        return sum(1 for b in self.blocks if b.kind == m.NOTE)


TEXTILE_NOTE = re.compile(r"^[ \t]*(<p>)?fn(\d{1,3})\.[ \t]+(.*?)(</p>)?$", re.M)


def textile_notes(content: str) -> str:
    """Posts written with the Textile plugin keep its notes: "word[1]" in the text and a
    paragraph "fn1. The note." below (or "<p>fn1. ...</p>" once converted to HTML).  Each
    cited number with such a paragraph becomes a linked note; a bracketed number with no
    fn paragraph stays text.  Lines are kept one for one."""
    numbers = {match.group(2) for match in TEXTILE_NOTE.finditer(content)}
    if not numbers:
        return content
    content = TEXTILE_NOTE.sub(lambda mt: f'<p id="textile-fn{mt.group(2)}">{mt.group(3)}</p>', content)
    return re.sub(r"(?<=\S)\[(\d{1,3})\]",
                  lambda mt: f'<sup><a href="#textile-fn{mt.group(1)}">{mt.group(1)}</a></sup>'
                  if mt.group(1) in numbers else mt.group(0), content)


def parse_fragment(markup: str) -> etree._Element:
    """A fragment of HTML as one element tree (a <div> around it).  The HTML parser
    never fetches anything and never expands entities beyond HTML's own."""
    markup = clean_text(markup)
    if not markup.strip():
        return lxml_html.fragment_fromstring("<div></div>")
    return lxml_html.fragment_fromstring(markup, create_parent="div")


def convert(markup: str, file: str, first_line: int = 1, *, positions: bool = False,
            images: ImageFolder | None = None) -> Content:
    """The HTML of one post body (its first line is `first_line` of `file`) as blocks.
    `positions`: the HTML was written by pandoc with `sourcepos`, and each element's
    `data-pos` gives its line in the source (the HTML's own lines do not).  `images`: the
    local copy of the blog's pictures; a picture found there becomes a figure."""
    root = parse_fragment(markup)
    refuse_too_deep(root, file, first_line, positions=positions)
    return _Converter(file, first_line, positions, images).run(root)


# libxml2's HTML parser stops building the tree at this depth and drops everything inside
# it without a word (a page of unclosed <font> tags gets there): the text would be lost.
PARSER_DEPTH = 255


def refuse_too_deep(root: etree._Element, file: str, first_line: int = 1, *, positions: bool = False) -> None:
    """A UserError where the HTML nests elements as deep as the parser goes, since the text
    inside them is gone.  (A path of fixed depth: as cheap as the tree is wide.)  With
    `positions` the HTML is pandoc's of a Markdown post: the error names the post's line
    and what in Markdown opens so many levels."""
    deepest = root.xpath("(." + "/*" * (PARSER_DEPTH - 2) + ")[1]")
    if deepest and positions:
        where = next((e.get("data-pos") for e in (deepest[0], *deepest[0].iterancestors()) if e.get("data-pos")), "")
        raise UserError("the post nests quotes, lists, links or emphasis hundreds of levels deep",
                        file=file, line=first_line + _position_line(where) - 1,
                        hint="remove the run of '>', '*', '[' or list markers that opens the levels")
    if deepest:
        line = first_line + (deepest[0].sourceline or 1) - 1
        raise UserError(f"the HTML here nests elements {PARSER_DEPTH - 1} levels deep, deeper than an HTML "
                        "parser reads: the text inside would be lost", file=file, line=line,
                        hint="close the elements left open there (often <font>, <b> or <div> tags "
                             "repeated without their end tags), or remove the run of them")


def convert_element(root: etree._Element, file: str, first_line: int = 1,
                    images: ImageFolder | None = None) -> Content:
    """Like `convert`, for an element already parsed (a saved page's article)."""
    return _Converter(file, first_line, images=images).run(root)


# The characters WHITESPACE matches other than the space: text holding none of them, and no
# two spaces together, has no run for it to collapse (most runs of text a post holds).
_COLLAPSIBLE = ("\t", "\n", "\r", "\f", "\v", "\u200b", "  ")


def normalise_space(text: str) -> str:
    # The substring tests are far cheaper than a substitution that rewrites every single
    # space with a space, and this runs on every run of text of every post.
    if not any(chars in text for chars in _COLLAPSIBLE):
        return text.strip()
    return WHITESPACE.sub(" ", text).strip()


def _tag(element) -> str:
    return element.tag.lower() if isinstance(element.tag, str) else ""


def _classes(element) -> str:
    return f"{element.get('class', '')} {element.get('id', '')}".lower()


class _Converter:
    def __init__(self, file: str, first_line: int, positions: bool = False,
                 images: ImageFolder | None = None):
        self.file = file
        self.images = images
        # Pictures met inside a paragraph, not yet placed: (img, its copy, caption, before the text).
        self.pictures: list[tuple[etree._Element, Found, str, bool]] = []
        self.offset = first_line - 1
        self.positions = positions
        self.content = Content()
        self.refs: dict[etree._Element, etree._Element] = {}     # reference -> note item
        self.note_items: set[etree._Element] = set()
        self.skip: set[etree._Element] = set()                   # the notes' containers and items
        self.numbered: list[tuple[int, etree._Element]] = []     # (note number, item), reading order
        self.item_heads: set[int] = set()                        # ids of the blocks that open a list item

    # ------------------------------------------------------------ helpers

    def line(self, element) -> int:
        if self.positions:
            return self.offset + self.source_lines.get(element, 1)
        return self.offset + (getattr(element, "sourceline", None) or 1)

    def map_positions(self, root) -> None:
        """Each element's source line from pandoc's `data-pos` ranges: its own, else its
        first descendant's; raw HTML, which pandoc does not position, takes the line
        where the element before it ended."""
        self.source_lines: dict = {}
        after_previous = 1
        for element in root.iter():
            if not _tag(element):
                continue
            own = element.get("data-pos")
            if own:
                self.source_lines[element] = _position_line(own)
                after_previous = max(after_previous, _position_end(own))
                continue
            inner = next((d.get("data-pos") for d in element.iterdescendants() if d.get("data-pos")), None)
            # A code block's <pre> sits in a positioned <div class="sourceCode">: its line.
            outer = next((a.get("data-pos") for a in element.iterancestors() if a.get("data-pos")), None)
            self.source_lines[element] = _position_line(inner or outer) if inner or outer else after_previous

    def add(self, kind: m.Kind, text: str, element, number: int | None = None) -> None:
        text = _tidy_markers(normalise_space(text))
        if not _without_refs(text).strip():
            for ref in SENTINEL.findall(text):      # a reference alone on a line: keep it on
                if self.content.blocks:              # the text before it
                    self.content.blocks[-1].text += ref
            self.place_pictures()
            return
        line = self.line(element)
        self.place_pictures(before=True)
        self.content.blocks.append(m.Block(kind=kind, text=text, number=number,
                                           source=m.SourceRef(self.file, line, line)))
        self.place_pictures()

    # ------------------------------------------------------------ pictures

    def picture(self, image) -> Found | None:
        """The local copy of a picture, or None (then it is reported as left out)."""
        src = image.get("src") or image.get("data-src") or ""
        found = None
        if self.images and src:
            # A relative address is relative to the post's own file (a Hugo page bundle's
            # index.md beside its pictures): that folder first, then the address alone.
            beside = "" if re.match(r"[a-z][a-z0-9+.-]*:|/", src, re.I) else \
                posixpath.normpath(posixpath.join(posixpath.dirname(self.file), src))
            found = (self.images.find(beside) if beside and beside != src else None) or self.images.find(src)
        problem = unreadable(found) if found else ""
        if found is None or problem:
            where = problem or ("it is not in the book's images folder" if self.images else
                                "the book has no copy of it (name the blog's uploads folder as "
                                "'images:' in book.yaml)")
            self.leave_out(image, "image", image.get("alt") or src, f"a picture ({src or 'no address'}): {where}")
            return None
        return found

    def add_figure(self, image, found: Found, caption: str) -> None:
        line = self.line(image)
        self.content.blocks.append(m.Block(
            kind=m.FIGURE, text=_tidy_markers(normalise_space(caption)), image=found.path,
            alt=normalise_space(image.get("alt") or ""), source=m.SourceRef(self.file, line, line)))

    def place_pictures(self, before: bool = False) -> None:
        """Pictures met inside a paragraph become figures of their own: those before its
        first words ahead of it (`before`), the others after it."""
        placing = [p for p in self.pictures if p[3] or not before]
        self.pictures = [p for p in self.pictures if p not in placing]
        for image, found, caption, _ in placing:
            self.add_figure(image, found, caption)

    def leave_out(self, element, what: str, text: str, reason: str) -> None:
        self.content.left_out.append(LeftOut(self.file, self.line(element), what,
                                             normalise_space(text), reason))

    # ------------------------------------------------------------ the walk

    def run(self, root) -> Content:
        _wrap_loose_text(root)
        if self.positions:
            self.map_positions(root)
        self.find_notes(root)
        self.walk(root, m.PARAGRAPH)
        self.place_pictures()
        blocks = self.content.blocks
        if self.numbered and blocks and blocks[-1].kind == m.HEADING and NOTES_HEADINGS.match(blocks[-1].text):
            blocks[-1].kind = m.NOTES_HEADING       # "Notes" over the list: the notes stage accounts it
        for number, item in self.numbered:
            text = self.note_text(item)
            line = self.line(item)
            blocks.append(m.Block(kind=m.NOTE, text=text or "(empty note)", number=number,
                                  source=m.SourceRef(self.file, line, line)))
        return self.content

    def walk(self, element, kind: m.Kind) -> None:
        """Give the text directly inside `element` the role `kind`; block children get theirs."""
        buffer: list[str] = [element.text or ""]
        anchor = [element]                            # where the pending run of text starts

        def flush() -> None:
            self.add(kind, "".join(buffer), anchor[0])
            buffer.clear()

        for child in element:
            tag = _tag(child)
            if child in self.skip:
                pass
            elif not tag:                              # a comment or processing instruction
                pass
            elif tag in BLOCK_TAGS or tag in UNREAD:
                flush()
                self.block(child, tag, kind)
                anchor[0] = child
            else:
                opening = not _without_refs("".join(buffer)).strip()
                if opening:
                    anchor[0] = child
                waiting = len(self.pictures)
                buffer.append(self.inline(child))
                if opening:                            # pictures before the text go before it
                    self.pictures[waiting:] = [(*p[:3], True) for p in self.pictures[waiting:]]
            buffer.append(child.tail or "")
        flush()

    def block(self, element, tag: str, kind: m.Kind) -> None:
        inner = kind if kind in (m.QUOTE, m.BULLET, m.NUMBERED, m.CAPTION, m.PULL_QUOTE) else m.PARAGRAPH
        if tag in UNREAD:
            if tag not in ("head", "title") and element.text_content().strip():
                self.leave_out(element, "markup", UNREAD[tag], f"{UNREAD[tag]} is code, not text")
        elif tag in HEADINGS:
            self.add(m.HEADING, self.inline_children(element), element)
        elif tag == "blockquote":
            pull = "pullquote" in _classes(element) or "pull-quote" in _classes(element)
            self.walk(element, m.PULL_QUOTE if pull else m.QUOTE)
        elif tag in ("ul", "ol"):
            self.list(element, tag)
        elif tag == "li":
            self.walk(element, m.BULLET)
        elif tag == "pre":
            self.preformatted(element)
        elif tag == "table":
            self.table(element)
        elif tag == "figure":
            if element.find(".//img") is not None or element.find(".//video") is not None:
                self.figure(element)
            else:
                self.walk(element, inner)
        elif tag == "figcaption":
            self.walk(element, inner)
        elif tag in ("nav", "aside") and kind == m.PARAGRAPH and self.is_chrome(element):
            self.leave_out(element, "page-chrome", element.text_content(), "navigation, not the post")
        elif tag == "hr":
            pass                                       # a section break: the headings carry structure
        else:                                          # p, div, section, dd, dt, caption, td...
            self.walk(element, inner)

    def list(self, element, tag: str) -> None:
        number = _int(element.get("start"), 1)
        for child in element:
            if child in self.skip or not _tag(child):
                continue
            if _tag(child) == "li":
                if tag == "ol":
                    self.walk_list_item(child, m.NUMBERED, number)
                    number += 1
                else:
                    self.walk_list_item(child, m.BULLET)
            elif _tag(child) in BLOCK_TAGS:
                self.block(child, _tag(child), m.BULLET)
            else:                                      # text straight inside the list
                self.add(m.BULLET, self.inline(child), child)

    def walk_list_item(self, item, kind: m.Kind, number: int | None = None) -> None:
        """One list item is one block: a second paragraph inside the item joins the first
        (the model's list items are single paragraphs), so the numbering stays right."""
        before = len(self.content.blocks)
        self.walk(item, kind)
        # Items of a list nested in this one are items of their own, not paragraphs of this one.
        own = [b for b in self.content.blocks[before:] if b.kind == kind and id(b) not in self.item_heads]
        if own:
            self.item_heads.add(id(own[0]))
            own[0].number = number
            for extra in own[1:]:
                own[0].text += " " + extra.text
                own[0].source.last_line = max(own[0].source.last_line, extra.source.last_line)
            merged = {id(b) for b in own[1:]}
            self.content.blocks[before:] = [b for b in self.content.blocks[before:] if id(b) not in merged]

    def preformatted(self, element) -> None:
        text = element.text_content().strip("\n")
        if text.strip():
            line = self.line(element)
            self.content.blocks.append(m.Block(kind=m.CODE, text=text, source=m.SourceRef(
                self.file, line, line + text.count("\n"))))

    def table(self, element) -> None:
        rows = [row for row in element.iter("tr")]
        if not rows:
            self.walk(element, m.PARAGRAPH)
            return
        caption = element.find("caption")
        if caption is not None:
            self.add(m.PARAGRAPH, self.inline_children(caption), caption)
        for row in rows:
            cells = [normalise_space(self.inline_children(cell)) for cell in row
                     if _tag(cell) in ("td", "th")]
            self.add(m.PARAGRAPH, " · ".join(c for c in cells if c), row)
        self.leave_out(element, "table-layout", " · ".join(
            normalise_space(self.inline_children(c)) for c in rows[0] if _tag(c) in ("td", "th")),
            f"a table of {len(rows)} rows: its text is kept, one paragraph per row, not its grid")

    def figure(self, element) -> None:
        """A figure with a picture: a figure of the book when it has a copy of the picture
        (the caption under it), else the caption alone (later stages report it)."""
        captions = [c for c in element.iter() if _tag(c) == "figcaption"
                    or "wp-caption-text" in _classes(c)]
        for caption in captions:
            self.skip.add(caption)
        caption_text = " ".join(self.inline_children(c) for c in captions)
        found = [(image, copy) for image in element.iter("img") if (copy := self.picture(image))]
        if found:
            # A gallery's pictures in order; its caption goes under the last of them.
            for number, (image, copy) in enumerate(found, 1):
                self.add_figure(image, copy, caption_text if number == len(found) else "")
            self.skip.update(e for e in element.iterdescendants() if _tag(e) == "figure")
        else:
            for caption in captions:
                self.add(m.CAPTION, self.inline_children(caption), caption)
        for child in element:
            tag = _tag(child)
            if tag and child not in self.skip and tag not in ("img", "a", "picture") and tag in BLOCK_TAGS:
                self.block(child, tag, m.PARAGRAPH)

    def is_chrome(self, element) -> bool:
        return bool(re.search(r"share|social|related|nav|menu|breadcrumb|widget|comment",
                              _classes(element))) or _tag(element) == "nav"

    # ------------------------------------------------------------ inline text

    def inline_children(self, element) -> str:
        parts = [element.text or ""]
        for child in element:
            if child not in self.skip:
                parts.append(self.inline(child))
            parts.append(child.tail or "")
        return "".join(parts)

    def inline(self, element) -> str:
        """The text of an inline element (its tail is the caller's), references as sentinels."""
        tag = _tag(element)
        if not tag or element in self.skip:
            return ""
        if element in self.refs:
            return m.note_ref(self.number_for(self.refs[element]))
        if tag == "br":
            return " "
        if tag == "img":
            found = self.picture(element)
            if found:
                self.pictures.append((element, found, "", False))
            return ""
        if tag in UNREAD:
            if element.text_content().strip():
                self.leave_out(element, "markup", UNREAD[tag], f"{UNREAD[tag]} is code, not text")
            return ""
        if tag in MEDIA:
            source = element.get("src") or element.get("data") or element.get("href") or tag
            self.leave_out(element, "embed", source, f"embedded {tag}: the book cannot show it")
            return ""
        if tag in ("sup", "sub"):
            text = self.inline_children(element)
            table = SUPERSCRIPTS if tag == "sup" else SUBSCRIPTS
            # m², CO₂, 1ˢᵗ: the model has no markup, so digits and signs take their
            # Unicode forms; anything else stays as written.
            return text.translate(table) if text and all(c in table_keys(table) for c in text) else text
        if tag in BLOCK_TAGS:                          # a block inside inline text: keep its words
            return " " + self.inline_children(element) + " "
        return self.inline_children(element)

    # ------------------------------------------------------------ notes

    def number_for(self, item) -> int:
        """Notes are numbered in the order the text first cites them.  A note cited twice
        is printed at each place (the book's notes are per reference)."""
        number = len(self.numbered) + 1
        self.numbered.append((number, item))
        return number

    def find_notes(self, root) -> None:
        order = {el: i for i, el in enumerate(root.iter())}
        targets: dict[str, etree._Element] = {}
        for el in root.iter():
            if not _tag(el):
                continue
            for key in ("id", "name"):
                if el.get(key):
                    targets.setdefault(el.get(key), el)
        for anchor in root.iter("a"):
            href = anchor.get("href", "")
            if not href.startswith("#") or len(href) < 2:
                continue
            target = targets.get(href[1:])
            if target is None or order.get(target, -1) <= order[anchor]:
                continue                               # back-links point up the page
            label = normalise_space(anchor.text_content())
            classes = _classes(anchor)
            if not (NOTE_LABEL.fullmatch(label) or ("footnote" in classes and label)
                    or anchor.get("role") == "doc-noteref"):
                continue
            item = _note_item(target, root)
            if item is None or any(a is anchor for a in item.iter("a")):
                continue
            self.refs[self._reference(anchor)] = item
        if not self.refs:
            self.find_unlinked_notes(root)
        self.note_items = set(self.refs.values())
        self.skip |= self.note_items
        for container in {item.getparent() for item in self.note_items if item.getparent() is not None}:
            self.skip_notes_container(container)

    def _reference(self, anchor):
        """The element to replace by the sentinel: the link, or the <sup> that is only the link."""
        parent = anchor.getparent()
        if (parent is not None and _tag(parent) in ("sup", "span")
                and normalise_space(parent.text_content()).strip("[]()") ==
                normalise_space(anchor.text_content()).strip("[]()")):
            return parent
        return anchor

    def skip_notes_container(self, container) -> None:
        """The list holding the notes leaves the running text; anything else in it that is
        not a cited note is recorded as left out."""
        if container is None or _tag(container) not in ("ol", "ul", "div", "section", "aside", "footer"):
            return
        if _tag(container) not in ("ol", "ul") and not re.search(r"foot|note", _classes(container)):
            return          # notes that are paragraphs of the post itself: only they leave
        for child in container:
            if not _tag(child) or child in self.note_items:
                continue
            text = normalise_space(child.text_content())
            if text and not NOTES_HEADINGS.match(text):
                self.leave_out(child, "unreferenced-note", text,
                               "in the post's notes list, but nothing in the text refers to it")
        self.skip.add(container)
        parent = container.getparent()
        # A wrapper that holds only the notes list (and a heading or rule) goes with it.
        if parent is not None and _tag(parent) in ("div", "section", "aside", "footer") \
                and "footnote" in _classes(parent):
            for child in parent:
                if child is container or not _tag(child):
                    continue
                text = normalise_space(child.text_content())
                if text and not NOTES_HEADINGS.match(text):
                    self.leave_out(child, "unreferenced-note", text, "in the post's notes section")
            self.skip.add(parent)

    def find_unlinked_notes(self, root) -> None:
        """Notes written by hand, without links: superscripts in the text (1, 2 or †, ‡) and,
        at the end of the post, after a "Notes" heading or a rule (<hr>), a numbered list or
        paragraphs that open with the same labels.  Linked label by label, in order, and only
        when every note is cited: otherwise the superscripts stay text (m², 1st)."""
        start = _hand_notes_start(root)
        if start is None:
            return
        order = {el: i for i, el in enumerate(root.iter())}
        items: dict[str, etree._Element] = {}
        for sibling in start.itersiblings():
            if _tag(sibling) == "ol":
                first = _int(sibling.get("start"), 1)
                for k, li in enumerate(li for li in sibling if _tag(li) == "li"):
                    items.setdefault(str(first + k), li)
            elif _tag(sibling) in ("p", "div", "li"):
                label = _leading_label(sibling)
                if label:
                    items.setdefault(label, sibling)
        labels = list(items)
        sups = [s for s in root.iter("sup") if order[s] < order[start] and s not in self.skip
                and HAND_LABEL.fullmatch(normalise_space(s.text_content()).strip("[]"))]
        if labels and not sups:
            # No superscripts at all: the references may be the labels themselves, glued to
            # the text ("relation.†", "excluded1."), as a migration that lost the <sup> leaves
            # them.  Each label must then be found once, in order, glued after a word or a
            # stop; the finds become superscripts and are linked below.
            sups = _glued_references(root, start, labels)
        cited: list[tuple[etree._Element, str]] = []
        for sup in sups:
            if len(cited) < len(labels) and normalise_space(sup.text_content()).strip("[]") == labels[len(cited)]:
                cited.append((sup, labels[len(cited)]))
        if not labels or len(cited) != len(labels):
            return
        # A superscript left over that reads as the next note (the list has N, the text
        # cites N+1) says the list and the text disagree: then nothing is linked.
        used = {sup for sup, _ in cited}
        if labels[-1].isdigit() and any(normalise_space(s.text_content()).strip("[]") == str(len(labels) + 1)
                                        for s in sups if s not in used):
            return
        for sup, label in cited:
            self.refs[sup] = items[label]
        if NOTES_HEADINGS.match(normalise_space(start.text_content())):
            self.skip.add(start)

    def note_text(self, item) -> str:
        """A note's text without its number label and its link back to the text.  A link's
        address is kept after its words: in a note it is usually the source."""
        parts: list[str] = [item.text or ""]
        for child in item:
            parts.append(self.note_inline(child))
            parts.append(child.tail or "")
        text = normalise_space("".join(parts))
        text = LEADING_LABEL.sub("", text, count=1)
        return normalise_space(re.sub(r"\s*(?:↩\ufe0e?\ufe0f?|⤴)\s*", " ", text))

    def note_inline(self, element) -> str:
        tag = _tag(element)
        if not tag or tag in UNREAD or tag in MEDIA or tag == "img":
            return ""
        if tag == "br":
            return " "
        if tag == "a":
            href = element.get("href", "")
            words = normalise_space(element.text_content())
            if href.startswith("#") or BACK_LINK.match(words):
                return "" if (BACK_LINK.match(words) or NOTE_LABEL.fullmatch(words) or not words) else words
            if re.match(r"https?://", href) and href.rstrip("/") not in (words.rstrip("/"), f"http://{words}",
                                                                          f"https://{words}"):
                return f"{words}, {href}" if words else href
            return words
        parts = [element.text or ""]
        for child in element:
            parts.append(self.note_inline(child))
            parts.append(child.tail or "")
        text = "".join(parts)
        return f" {text} " if tag in BLOCK_TAGS else text


def _wrap_loose_text(root) -> None:
    """Text sitting straight in the post after a block element ("<hr />\n<sup>†</sup> A
    note", common in hand-written HTML) becomes a paragraph of its own, as a browser shows
    it, so that it can be recognised (a note) and located (its line)."""
    for child in list(root):
        if _tag(child) in ("div", "section", "article", "main", "body"):
            _wrap_loose_text(child)                    # wrappers (pandoc's positions, a theme's)
        if not _tag(child) or _tag(child) not in BLOCK_TAGS:
            continue
        inline = []
        for following in child.itersiblings():
            if not _tag(following) or _tag(following) in BLOCK_TAGS or _tag(following) in UNREAD:
                break
            inline.append(following)
        if not (child.tail or "").strip() and not any(normalise_space(el.text_content()) for el in inline):
            continue
        paragraph = lxml_html.Element("p")
        paragraph.text, child.tail = child.tail, None
        paragraph.sourceline = child.sourceline
        for following in inline:
            paragraph.append(following)          # moves it, its tail with it
        child.addnext(paragraph)


def _text_slots(element, stop, slots: list) -> bool:
    """(element, "text"|"tail") in reading order up to `stop`; False once `stop` is reached."""
    if element is stop:
        return False
    if _tag(element) in ("pre", "code", "a"):
        pass                                           # a label inside code or a link is not a reference
    else:
        slots.append((element, "text"))
        for child in element:
            if not _tag(child):
                slots.append((child, "tail"))
                continue
            if not _text_slots(child, stop, slots):
                return False
            slots.append((child, "tail"))
    return True


def _glued_references(root, start, labels: list[str]) -> list:
    slots: list = []
    _text_slots(root, start, slots)
    found = []
    where = [0, 0]                                     # (slot index, offset) of the last find
    for label in labels:
        pattern = re.compile((r"(?<=[a-z.,;:!?)”’\"'])" if label.isdigit() else r"(?<=[\w.,;:!?)”’\"'])")
                             + re.escape(label) + r"(?=[\s.,;:!?)]|$)")
        hit = None
        for index in range(where[0], len(slots)):
            element, attribute = slots[index]
            text = getattr(element, attribute) or ""
            match = pattern.search(text, where[1] if index == where[0] else 0)
            if match:
                hit = (index, match)
                break
        if hit is None:
            return []
        found.append((slots[hit[0]], hit[1]))
        where = [hit[0], hit[1].end()]
    # Every label found, in order: make each find a <sup> of its own (right to left within
    # one text, so the earlier offsets stay right).
    sups = []
    for (element, attribute), match in reversed(found):
        text = getattr(element, attribute)
        sup = lxml_html.Element("sup")
        sup.text = match.group(0)
        sup.tail = text[match.end():]
        setattr(element, attribute, text[:match.start()])
        if attribute == "text":
            element.insert(0, sup)
        else:
            element.addnext(sup)
        sups.append(sup)
    return list(reversed(sups))


HAND_LABEL = re.compile(r"\d{1,3}|[*†‡§¶]{1,3}")


def _leading_label(element) -> str:
    """The label a hand-written note opens with: <sup>2</sup>, "2.", "[2]", "†"."""
    first = element[0] if len(element) and not (element.text or "").strip() else None
    if first is not None and _tag(first) == "sup":
        label = normalise_space(first.text_content()).strip("[]")
        return label if HAND_LABEL.fullmatch(label) else ""
    match = re.match(r"\s*\[?(\d{1,3}|[*†‡§¶]{1,3})[\].)]?\s", element.text_content())
    return match.group(1) if match else ""


def _hand_notes_start(root):
    """Where hand-written notes begin: the last "Notes" heading (or a paragraph or bold line
    saying only that), else the last rule after which every paragraph opens with a label."""
    heading = None
    for el in root.iter():
        if _tag(el) in HEADINGS | {"p", "strong", "b"} and NOTES_HEADINGS.match(normalise_space(el.text_content())):
            heading = el
    if heading is not None:
        while heading.getparent() is not None and heading.getparent() is not root \
                and _tag(heading) not in HEADINGS | {"p"}:
            heading = heading.getparent()
        return heading
    rules = [el for el in root.iter("hr")]
    for rule in reversed(rules):
        after = [s for s in rule.itersiblings() if _tag(s) and normalise_space(s.text_content())]
        if after and all(_tag(s) in ("p", "div", "ol") and (_tag(s) == "ol" or _leading_label(s)) for s in after):
            return rule
    return None


def _position_line(position: str) -> int:
    """The first line of a pandoc sourcepos range ("file@3:1-4:7" or "3:1-4:7")."""
    match = re.search(r"(?:^|@)(\d+):\d+", position)
    return int(match.group(1)) if match else 1


def _position_end(position: str) -> int:
    match = re.search(r"-(\d+):(\d+)$", position)
    return int(match.group(1)) if match else _position_line(position)


def _note_item(target, root):
    """The element holding the note a reference points to: its list item or paragraph."""
    el = target
    while el is not None and el is not root:
        if _tag(el) in ("li", "p", "dd", "aside") or (_tag(el) == "div" and el is not target.getparent()):
            return el
        el = el.getparent()
    return target if target is not root else None


def _tidy_markers(text: str) -> str:
    """'word [¹]' -> 'word¹': brackets and the space before a reference were its typography."""
    if m.NOTE_OPEN not in text:         # most blocks hold no reference: nothing to tidy
        return text
    return SPACE_BEFORE_REF.sub("", BRACKETED_REF.sub(r"\1", text))


def _without_refs(text: str) -> str:
    """The text with its note references taken out (the check for a block of nothing else)."""
    return SENTINEL.sub("", text) if m.NOTE_OPEN in text else text


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
