"""The back-of-book index: the editor's terms, their occurrences in the chapters, the index pages.

The book builders call three functions:

    terms = load_terms("manuscript/index.yaml")           # validated, UserError on mistakes
    html, occurrences = mark_occurrences(chapter_html, "ch03", terms)   # per chapter
    fragment = render_index_html(terms, all_occurrences, target="epub", chapter_href=...)

`mark_occurrences` puts an empty anchor `<span class="ix" id="ix-ch03-7"></span>` before each
indexed occurrence; the PDF builder reads the page of every anchor from WeasyPrint's layout and
passes it back as `page_of`, re-rendering until `locators_stable(previous, current)`.

Sub-entry rule (documented for the editor in docs/index.md): a sub-entry occurs in a block
(paragraph, list item, heading, table cell) that contains both one of its headword's phrases
and one of its own phrases.  Its locator is the headword's first occurrence in that block, so
the page a locator names always shows the headword itself.  A block that matches no sub-entry
gives locators to the headword (unless the entry says `main_locators: false`).
"""

from __future__ import annotations

import argparse
import html as html_lib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path

import yaml
from lxml import etree
from lxml import html as lxml_html

from scripts.core import paths
from scripts.core.config import Validator
from scripts.core.errors import UserError

DEFAULT_PATH = "manuscript/index.yaml"
ENTRY_KEYS = ("term", "match", "sort", "see", "see_also", "subentries", "main_locators")
SUB_KEYS = ("term", "match", "sort")
EPUB_NS = "http://www.idpf.org/2007/ops"
ANCHOR_CLASS = "ix"

# ---------------------------------------------------------------- the terms


@dataclass(frozen=True)
class SubEntry:
    key: str
    term: str
    phrases: tuple[str, ...]
    sort: str = ""
    line: int | None = None


@dataclass(frozen=True)
class Entry:
    key: str
    term: str
    phrases: tuple[str, ...]            # what locates it in the text; empty for a pure "see"
    sort: str = ""
    see: str | None = None              # key of the preferred entry
    see_also: tuple[str, ...] = ()      # keys
    subentries: tuple[SubEntry, ...] = ()
    main_locators: bool = True
    line: int | None = None


@dataclass
class IndexTerms:
    entries: dict[str, Entry]
    source: str = DEFAULT_PATH
    _matcher: _Matcher | None = field(default=None, repr=False, compare=False)

    def entry(self, key_or_term: str) -> Entry:
        if key_or_term in self.entries:
            return self.entries[key_or_term]
        for entry in self.entries.values():
            if entry.term == key_or_term:
                return entry
        raise KeyError(key_or_term)

    def variants_for(self, headword_key: str) -> list[str]:
        """The phrases that locate a headword in the text (for tests that check a page shows it)."""
        return list(self.entry(headword_key).phrases)

    @property
    def matcher(self) -> _Matcher:
        if self._matcher is None:
            self._matcher = _Matcher(self)
        return self._matcher


def slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def is_acronym(phrase: str) -> bool:
    """SCO, U.S., G7: matched case-sensitively, because 'Sco' or 'us' are other words."""
    letters = [c for c in phrase if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


# ---------------------------------------------------------------- loading and validation


def load_terms(path: Path | str = DEFAULT_PATH) -> IndexTerms:
    path = Path(path)
    if not path.exists():
        raise UserError("the index terms file is missing", file=str(path),
                        hint="create it (see docs/index.md for the format) or restore it from git")
    return parse_terms(path.read_text(encoding="utf-8"), str(path))


def parse_terms(text: str, name: str = DEFAULT_PATH) -> IndexTerms:
    validator = _Validator(name)
    root = validator.parse(text, syntax_hint="check the indentation and quoting on that line; quote a "
                                             "phrase that contains ': ', ' #' or a comma inside [ ]")
    return validator.terms(root)


def _line(node: yaml.Node | None) -> int | None:
    return node.start_mark.line + 1 if node is not None else None


class _Validator(Validator):
    """The shared checks (mapping, text, boolean, fail) plus what only an index has:
    headwords, phrases that may locate one headword only, see and see-also targets."""

    def texts_with_nodes(self, node: yaml.Node, what: str) -> list[tuple[str, yaml.Node]]:
        # The nodes come along so that a phrase or target found wrong later still has its line.
        items = self.sequence(node, what, hint="write e.g. [Shanghai Cooperation Organisation, SCO]",
                              allow_single=True, allow_empty=False)
        return [(self.text(item, f"each item of {what}"), item) for item in items]

    def terms(self, root: yaml.Node | None) -> IndexTerms:
        if root is None:
            raise UserError("the index terms file is empty", file=self.file, line=1,
                            hint="start it with 'entries:' followed by '- term: ...' items")
        top = self.mapping(root, "the file", ("entries",))
        if "entries" not in top:
            raise self.fail("the file has no 'entries:' list", root,
                            hint="start it with 'entries:' followed by '- term: ...' items")
        entries_node = top["entries"][1]
        if not isinstance(entries_node, yaml.SequenceNode):
            raise self.fail("'entries' must be a list of '- term: ...' items", entries_node)

        raw = [self.entry(node) for node in entries_node.value]
        by_term: dict[str, dict] = {}
        by_key: dict[str, dict] = {}
        for item in raw:
            if item["term"] in by_term:
                first = by_term[item["term"]]
                raise self.fail(f"headword '{item['term']}' is given twice (first on line "
                                f"{_line(first['node'])})", item["node"],
                                hint="merge the two entries into one")
            if item["key"] in by_key:
                other = by_key[item["key"]]
                raise self.fail(f"headwords '{other['term']}' and '{item['term']}' differ only in "
                                "punctuation or case", item["node"], hint="merge them or reword one")
            by_term[item["term"]] = by_key[item["key"]] = item

        claimed: dict[str, tuple[str, yaml.Node]] = {}
        for item in raw:
            for phrase, node in item["phrases"]:
                norm = _phrase_identity(phrase)
                if norm in claimed and claimed[norm][0] != item["term"]:
                    owner, owner_node = claimed[norm]
                    raise self.fail(f"the phrase '{phrase}' locates two headwords: '{owner}' "
                                    f"(line {_line(owner_node)}) and '{item['term']}'", node,
                                    hint="a phrase may point to one headword only: remove it from "
                                         "one entry, or make that entry a 'see' reference")
                claimed[norm] = (item["term"], node)

        def resolve(target: str, node: yaml.Node, what: str) -> str:
            if target in by_term:
                return by_term[target]["key"]
            close = [t for t in by_term if t.startswith(target + ",") or t.endswith(", " + target)]
            close = close or get_close_matches(target, list(by_term), n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else "add that headword, or correct the spelling"
            if "," in target or close and "," in close[0]:
                hint += " (a headword containing a comma must be quoted inside [ ])"
            raise self.fail(f"{what} '{target}' is not a headword in this file", node, hint=hint)

        entries: dict[str, Entry] = {}
        for item in raw:
            see = None
            if item["see"] is not None:
                target, node = item["see"]
                see = resolve(target, node, "'see' target")
                if see == item["key"]:
                    raise self.fail(f"'{item['term']}' refers to itself with 'see'", node)
                if by_key[see]["see"] is not None:
                    raise self.fail(f"'see' target '{target}' is itself only a 'see' reference",
                                    node, hint=f"point straight to '{by_key[see]['see'][0]}'")
            see_also = []
            for target, node in item["see_also"]:
                key = resolve(target, node, "'see also' target")
                if key == item["key"]:
                    raise self.fail(f"'{item['term']}' lists itself under 'see_also'", node)
                if key not in see_also:
                    see_also.append(key)
            entries[item["key"]] = Entry(
                key=item["key"], term=item["term"],
                phrases=tuple(dict.fromkeys(p for p, _ in item["phrases"])),
                sort=item["sort"], see=see, see_also=tuple(see_also),
                subentries=tuple(item["subentries"]), main_locators=item["main_locators"],
                line=_line(item["node"]))
        return IndexTerms(entries=entries, source=self.file)

    def entry(self, node: yaml.Node) -> dict:
        keys = self.mapping(node, "an index entry", ENTRY_KEYS)
        if "term" not in keys:
            raise self.fail("an index entry has no 'term:'", node,
                            hint="every entry starts with '- term: Headword as printed'")
        term = self.text(keys["term"][1], "'term'")
        item = {"term": term, "key": slug(term), "node": node, "see": None, "see_also": [],
                "sort": "", "subentries": [], "main_locators": True}
        if not item["key"]:
            raise self.fail(f"headword '{term}' has no letters or digits", keys["term"][1])
        if "sort" in keys:
            item["sort"] = self.text(keys["sort"][1], "'sort'")
        if "see" in keys:
            if set(keys) & {"match", "subentries", "see_also", "main_locators"}:
                raise self.fail(f"'{term}' has 'see' and also its own matches, sub-entries or "
                                "'see also'", keys["see"][0],
                                hint="a 'see' entry only sends the reader elsewhere: move the "
                                     "other keys to the entry it points to")
            item["see"] = (self.text(keys["see"][1], "'see'"), keys["see"][1])
            item["phrases"] = []
            return item
        item["phrases"] = (self.texts_with_nodes(keys["match"][1], "'match'") if "match" in keys
                           else [(term, keys["term"][1])])
        if "see_also" in keys:
            item["see_also"] = self.texts_with_nodes(keys["see_also"][1], "'see_also'")
        if "main_locators" in keys:
            item["main_locators"] = self.boolean(keys["main_locators"][1], "'main_locators'")
        if "subentries" in keys:
            subs_node = keys["subentries"][1]
            if not isinstance(subs_node, yaml.SequenceNode) or not subs_node.value:
                raise self.fail("'subentries' must be a list of '- term: ...' items", subs_node)
            seen: dict[str, yaml.Node] = {}
            for sub_node in subs_node.value:
                sub_keys = self.mapping(sub_node, f"a sub-entry of '{term}'", SUB_KEYS)
                if "term" not in sub_keys or "match" not in sub_keys:
                    raise self.fail(f"a sub-entry of '{term}' needs both 'term:' and 'match:'",
                                    sub_node, hint="'match' lists the phrases that, in the same "
                                                   "paragraph as the headword, make this sub-entry")
                sub_term = self.text(sub_keys["term"][1], "'term'")
                sub_key = slug(sub_term)
                if sub_key in seen:
                    raise self.fail(f"sub-entry '{sub_term}' of '{term}' is given twice "
                                    f"(first on line {_line(seen[sub_key])})", sub_node)
                seen[sub_key] = sub_node
                phrases = self.texts_with_nodes(sub_keys["match"][1], "'match'")
                item["subentries"].append(SubEntry(
                    key=sub_key, term=sub_term, phrases=tuple(dict.fromkeys(p for p, _ in phrases)),
                    sort=self.text(sub_keys["sort"][1], "'sort'") if "sort" in sub_keys else "",
                    line=_line(sub_node)))
        if not item["main_locators"] and not item["subentries"]:
            raise self.fail(f"'{term}' has 'main_locators: false' but no sub-entries, so it "
                            "could never have a locator", keys["main_locators"][0],
                            hint="add sub-entries or remove 'main_locators: false'")
        return item


# ---------------------------------------------------------------- matching

_APOSTROPHES = "'’"
_DASHES = "-‐‑–"
_SPACE = r"\s+"


def _phrase_identity(phrase: str) -> str:
    """Two phrases with the same identity match the same text."""
    text = re.sub(r"\s+", " ", phrase.strip())
    text = re.sub(f"[{_APOSTROPHES}]", "’", text)
    text = re.sub(f"[{_DASHES}]", "-", text)
    if not is_acronym(text):
        text = text[:1].lower() + text[1:]
    return text


def _phrase_pattern(phrase: str) -> str:
    parts = []
    for index, char in enumerate(phrase.strip()):
        if char in _APOSTROPHES:
            parts.append(f"[{_APOSTROPHES}]")
        elif char in _DASHES:
            parts.append(f"[{_DASHES}]")
        elif char.isspace():
            if not parts or parts[-1] != _SPACE:
                parts.append(_SPACE)      # pandoc wraps lines, so a space may be a newline
        elif index == 0 and not is_acronym(phrase) and char.lower() != char.upper():
            parts.append(f"[{re.escape(char.upper())}{re.escape(char.lower())}]")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


# Whole words only: no letter or digit on either side, and no apostrophe-word after
# ("Xi" must not match "Xi'an", but does match the possessive "Xi's").
_BEFORE = r"(?<![\w])"
_AFTER = r"(?![\w])(?![" + _APOSTROPHES + r"](?!s\b)\w)"


def compile_phrases(phrases: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for many phrases; the longest phrase wins where several start at one place."""
    unique = sorted(set(phrases), key=lambda p: (-len(p), p))
    if not unique:
        return None
    return re.compile(_BEFORE + "(?:" + "|".join(_phrase_pattern(p) for p in unique) + ")" + _AFTER)


class _Matcher:
    def __init__(self, terms: IndexTerms):
        self.owner: dict[str, str] = {}
        for entry in terms.entries.values():
            for phrase in entry.phrases:
                self.owner[_phrase_identity(phrase)] = entry.key
        self.pattern = compile_phrases(p for e in terms.entries.values() for p in e.phrases)
        self.sub_patterns = {
            (entry.key, sub.key): compile_phrases(sub.phrases)
            for entry in terms.entries.values() for sub in entry.subentries}

    def find(self, text: str) -> list[tuple[int, int, str]]:
        if self.pattern is None:
            return []
        found = []
        for match in self.pattern.finditer(text):
            key = self.owner.get(_phrase_identity(match.group()))
            if key is not None:
                found.append((match.start(), match.end(), key))
        return found


def find_terms(text: str, terms: IndexTerms) -> list[tuple[str, str]]:
    """(matched text, headword key) for each occurrence in plain text, e.g. a PDF page's text."""
    return [(text[s:e], key) for s, e, key in terms.matcher.find(text)]


# ---------------------------------------------------------------- marking a chapter


@dataclass(frozen=True)
class Occurrence:
    anchor_id: str
    term: str              # headword key
    sub: str | None        # sub-entry key, or None for the headword itself
    chapter_id: str
    block: int = 0         # ordinal of the paragraph/list item/heading within the chapter
    text: str = ""         # the words matched


_BLOCK_TAGS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "dd", "dt",
                         "td", "th", "figcaption", "caption", "div", "section", "aside", "header",
                         "article", "body", "pre"})
_SKIP_TAGS = frozenset({"head", "script", "style", "code", "pre", "kbd", "samp", "math", "svg",
                        "sup"})
_NOTE_TOKENS = frozenset({"footnotes", "footnote", "endnotes", "endnote", "notes", "doc-endnotes",
                          "doc-footnote", "doc-endnote", "doc-noteref", "doc-backlink", "noteref",
                          "footnote-ref", "footnote-back", "rearnotes", "rearnote", "index",
                          "doc-index", ANCHOR_CLASS})
_URL_TEXT = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*://|www\.|mailto:)", re.I)
_CHAPTER_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def _local(element) -> str:
    return etree.QName(element).localname.lower() if isinstance(element.tag, str) else ""


def _tokens(element, name: str) -> set[str]:
    value = element.get(name)
    if value is None and name == "epub:type":
        value = element.get(f"{{{EPUB_NS}}}type")
    return set(value.split()) if value else set()


def _excluded(element) -> bool:
    """Text in this element (and inside it) is never indexed."""
    local = _local(element)
    if local in _SKIP_TAGS:
        return True
    # data-noindex marks a heading; pandoc's --section-divs copies the heading's attributes
    # onto its <section>, which must not take the whole section out of the index.
    if element.get("data-noindex") is not None and local != "section":
        return True
    if (_tokens(element, "class") | _tokens(element, "role") | _tokens(element, "epub:type")) & _NOTE_TOKENS:
        return True
    if local == "a":
        text = "".join(element.itertext()).strip()
        href = (element.get("href") or "").strip()
        if "uri" in _tokens(element, "class") or "email" in _tokens(element, "class"):
            return True
        if text and (_URL_TEXT.match(text) or text == href):
            return True
    return False


def _parse(markup: str):
    """Return (root, serialise) where serialise() gives the markup back in the same shape."""
    head = markup.lstrip()[:200].lower()
    if head.startswith(("<?xml", "<!doctype", "<html")):
        parser = etree.XMLParser(resolve_entities=False, strip_cdata=False)
        try:
            tree = etree.fromstring(markup.encode("utf-8"), parser).getroottree()
        except etree.XMLSyntaxError:
            tree = lxml_html.document_fromstring(markup).getroottree()
        declaration = head.startswith("<?xml")

        def whole() -> str:
            text = etree.tostring(tree, encoding="unicode", method="xml")
            return ('<?xml version="1.0" encoding="utf-8"?>\n' + text) if declaration else text
        return tree.getroot(), whole

    try:
        # Declare the epub prefix only when used, or every top-level element would repeat it.
        declare = f' xmlns:epub="{EPUB_NS}"' if "epub:" in markup else ""
        root = etree.fromstring(f"<ix-fragment{declare}>{markup}</ix-fragment>".encode("utf-8"))
    except etree.XMLSyntaxError:
        # Not XML (named entities, void tags): read it as HTML, write it back as XHTML.
        root = lxml_html.fragment_fromstring(markup, create_parent="ix-fragment")

    def fragment() -> str:
        out = [html_lib.escape(root.text or "", quote=False)]
        out += [etree.tostring(child, encoding="unicode", method="xml", with_tail=True)
                for child in root]
        return "".join(out)
    return root, fragment


def mark_occurrences(html: str, chapter_id: str, terms: IndexTerms) -> tuple[str, list[Occurrence]]:
    """Anchor every indexed occurrence in a chapter's (X)HTML; notes, URLs and data-noindex are skipped."""
    if not _CHAPTER_ID.match(chapter_id):
        raise ValueError(f"chapter id {chapter_id!r} cannot be part of an XML id")
    root, serialise = _parse(html)
    matcher = terms.matcher
    taken_ids = {el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    ns = etree.QName(root).namespace if isinstance(root.tag, str) else None

    # Pass 1: collect every match with the text node and block it sits in.
    # A slot is (element, "text"|"tail"); matches are (slot, start, end, key, block).
    blocks: dict[int, int] = {}
    block_text: dict[int, list[str]] = defaultdict(list)
    matches: list[tuple[tuple, int, int, str, int]] = []

    def block_of(element) -> int:
        node = element
        while node is not None and _local(node) not in _BLOCK_TAGS and node is not root:
            node = node.getparent()
        node = node if node is not None else root
        return blocks.setdefault(id(node), len(blocks))

    def scan(slot, text: str | None, block: int) -> None:
        if not text:
            return
        block_text[block].append(text)
        for start, end, key in matcher.find(text):
            matches.append((slot, start, end, key, block))

    def walk(element) -> None:
        # An excluded element's tail still belongs to its parent, so the parent scans it.
        if not isinstance(element.tag, str) or (element is not root and _excluded(element)):
            return
        scan((element, "text"), element.text, block_of(element))
        for child in element:
            walk(child)
            if child.tail:
                scan((child, "tail"), child.tail, block_of(element))
    walk(root)

    # Pass 2: decide which matches get an anchor and what they locate.
    plan: dict[int, list[tuple[str, str | None]]] = defaultdict(list)   # match index -> (key, sub)
    first_in_block: dict[tuple[int, str], int] = {}
    for index, (_, _, _, key, block) in enumerate(matches):
        first_in_block.setdefault((block, key), index)
    subs_in_block: dict[tuple[int, str], list[str]] = {}
    for (block, key), _ in first_in_block.items():
        entry = terms.entries[key]
        text = " ".join(block_text[block])
        subs_in_block[(block, key)] = [
            sub.key for sub in entry.subentries
            if (pattern := matcher.sub_patterns[(key, sub.key)]) and pattern.search(text)]
    for index, (_, _, _, key, block) in enumerate(matches):
        subs = subs_in_block[(block, key)]
        if subs:
            if first_in_block[(block, key)] == index:
                plan[index] = [(key, sub) for sub in subs]
        elif terms.entries[key].main_locators:
            plan[index] = [(key, None)]

    # Pass 3: insert the anchors, numbering them in reading order.
    occurrences: list[Occurrence] = []
    anchors_at: dict[tuple, list[tuple[int, str]]] = defaultdict(list)
    counter = 0
    for index, (slot, start, end, key, block) in enumerate(matches):
        if index not in plan:
            continue
        counter += 1
        anchor_id = f"ix-{chapter_id}-{counter}"
        while anchor_id in taken_ids:
            counter += 1
            anchor_id = f"ix-{chapter_id}-{counter}"
        taken_ids.add(anchor_id)
        anchors_at[(id(slot[0]), slot[1])].append((start, end, anchor_id))
        element, which = slot
        matched = (element.text if which == "text" else element.tail)[start:end]
        occurrences += [Occurrence(anchor_id, k, sub, chapter_id, block, re.sub(r"\s+", " ", matched))
                        for k, sub in plan[index]]
    slots = {(id(slot[0]), slot[1]): slot for slot, *_ in matches}
    tag = f"{{{ns}}}span" if ns else "span"
    for slot_id, anchors in anchors_at.items():
        element, which = slots[slot_id]
        _insert_anchors(element, which, sorted(anchors), tag)
    return serialise(), occurrences


def _insert_anchors(element, which: str, anchors: list[tuple[int, int, str]], tag: str) -> None:
    """Wrap each matched phrase in an anchor span.  The span holds the words rather
    than standing empty before them: WeasyPrint's line breaker mishandles empty
    inline boxes in justified, hyphenated text (lines of one word appear)."""
    text = element.text if which == "text" else element.tail
    cuts = [start for start, _, _ in anchors] + [len(text)]
    spans = []
    for (start, end, anchor_id), next_cut in zip(anchors, cuts[1:]):
        span = etree.Element(tag)
        span.set("class", ANCHOR_CLASS)
        span.set("id", anchor_id)
        span.text = text[start:end]
        span.tail = text[end:next_cut]
        spans.append(span)
    pieces = text[:anchors[0][0]]
    if which == "text":
        element.text = pieces
        for offset, span in enumerate(spans):
            element.insert(offset, span)
    else:
        element.tail = pieces
        parent = element.getparent()
        position = parent.index(element)
        for offset, span in enumerate(spans, 1):
            parent.insert(position + offset, span)


# ---------------------------------------------------------------- pure helpers for rendering

_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.I)
_SUB_LEAD_WORDS = re.compile(r"^(?:(?:the|a|an|and|in|of|on|with|as|for|to|by|from)\s+)+", re.I)


def sort_key(text: str, *, sub: bool = False) -> tuple[str, str]:
    """Word-by-word filing ignoring case, diacritics, punctuation and a leading 'The'.

    For sub-entries, leading function words ('and the CSTO', 'in Turkmenistan') are ignored too.
    """
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    folded = folded.casefold().strip()
    folded = (_SUB_LEAD_WORDS if sub else _LEADING_ARTICLE).sub("", folded)
    folded = re.sub(r"[’'‘\"“”()\[\].]", "", folded)
    folded = re.sub(r"[^\w]+", " ", folded).strip()
    return folded, text


def letter_of(text: str) -> str:
    """The letter group a sort key files under; '#' for numerals and symbols."""
    first = sort_key(text)[0][:1].upper()
    return first if "A" <= first <= "Z" else "#"


def group_by_letter(items: Sequence, key: Callable = lambda x: x) -> list[tuple[str, list]]:
    """[(letter, items...)] in filing order, numerals and symbols first."""
    groups: dict[str, list] = defaultdict(list)
    for item in sorted(items, key=lambda i: sort_key(key(i))):
        groups[letter_of(key(item))].append(item)
    return sorted(groups.items(), key=lambda g: (g[0] != "#", g[0]))


_ROMAN = re.compile(r"^[ivxlcdm]+$", re.I)


def _roman_value(label: str) -> int:
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    total, previous = 0, 0
    for char in reversed(label.lower()):
        value = values[char]
        total += -value if value < previous else value
        previous = max(previous, value)
    return total


def merge_page_runs(labels: Iterable[str], *, min_range: int = 3) -> list[tuple[str, str | None]]:
    """Page labels -> [(first, last or None)]: one per page, runs of `min_range`+ pages as ranges.

    Arabic numbers and roman numerals each form runs ('xi'..'xiii'); other labels stay single,
    in the order first seen.  Roman (front matter) comes before arabic.
    """
    seen: list[str] = list(dict.fromkeys(label.strip() for label in labels if label and label.strip()))
    arabic = sorted({int(l) for l in seen if l.isdigit()})
    roman = sorted({l for l in seen if _ROMAN.match(l) and not l.isdigit()}, key=_roman_value)
    other = [l for l in seen if not l.isdigit() and not _ROMAN.match(l)]

    def runs(values: list, number: Callable, label: Callable) -> list[tuple[str, str | None]]:
        out, run = [], []
        for value in values:
            if run and number(value) != number(run[-1]) + 1:
                out += _close_run(run, label, min_range)
                run = []
            run.append(value)
        return out + (_close_run(run, label, min_range) if run else [])

    return (runs(roman, _roman_value, str) + runs(arabic, int, str)
            + [(label, None) for label in other])


def _close_run(run: list, label: Callable, min_range: int) -> list[tuple[str, str | None]]:
    if len(run) >= min_range:
        return [(label(run[0]), label(run[-1]))]
    return [(label(value), None) for value in run]


def format_page_runs(runs: Sequence[tuple[str, str | None]]) -> str:
    return ", ".join(first if last is None else f"{first}–{last}" for first, last in runs)


def locators_stable(previous: dict[str, str] | None, current: dict[str, str]) -> bool:
    """True when a re-render would print the same locators (the PDF builder's loop stops)."""
    return previous is not None and previous == current


def missing_anchors(occurrences: Iterable[Occurrence], page_of: dict[str, str]) -> list[str]:
    """Anchors the layout did not report: their locators would print as '?'."""
    return sorted({o.anchor_id for o in occurrences if o.anchor_id not in page_of})


# ---------------------------------------------------------------- the index model and its HTML


@dataclass
class Locator:
    label: str
    href: str
    title: str = ""


@dataclass
class RenderedEntry:
    key: str
    id: str
    term: str
    locators: list[Locator] = field(default_factory=list)
    see: tuple[str, str] | None = None                  # (term, id)
    see_also: list[tuple[str, str]] = field(default_factory=list)
    subentries: list[RenderedEntry] = field(default_factory=list)


@dataclass
class IndexModel:
    groups: list[tuple[str, list[RenderedEntry]]]
    dropped: list[tuple[str, str]]                      # (term, reason): for the report


def _default_chapter_label(chapter_id: str) -> str:
    digits = re.findall(r"\d+", chapter_id)
    return str(int(digits[-1])) if digits else chapter_id


def build_model(terms: IndexTerms, occurrences: Sequence[Occurrence], *, target: str,
                page_of: dict[str, str] | None = None,
                chapter_href: Callable[[str], str] | None = None,
                chapter_label: Callable[[str], str] | None = None) -> IndexModel:
    if target not in ("epub", "pdf"):
        raise ValueError(f"target must be 'epub' or 'pdf', not {target!r}")
    if target == "epub" and chapter_href is None:
        raise ValueError("an EPUB index needs chapter_href to link to the chapters")
    chapter_label = chapter_label or _default_chapter_label
    by_target: dict[tuple[str, str | None], list[Occurrence]] = defaultdict(list)
    for occurrence in occurrences:
        if occurrence.term in terms.entries:
            by_target[(occurrence.term, occurrence.sub)].append(occurrence)

    def href(occurrence: Occurrence) -> str:
        base = chapter_href(occurrence.chapter_id) if chapter_href else ""
        return f"{base}#{occurrence.anchor_id}"

    def locators(found: list[Occurrence]) -> list[Locator]:
        if not found:
            return []
        if target == "epub":
            # One link per paragraph; several in one chapter are numbered 3.1, 3.2...
            per_block = list({(o.chapter_id, o.block): o for o in reversed(found)}.values())[::-1]
            per_chapter: dict[str, list[Occurrence]] = defaultdict(list)
            for o in per_block:
                per_chapter[o.chapter_id].append(o)
            out = []
            for chapter, items in per_chapter.items():
                label = chapter_label(chapter)
                for n, o in enumerate(items, 1):
                    shown = label if len(items) == 1 else f"{label}.{n}"
                    title = f"chapter {label}" + ("" if len(items) == 1 else f", passage {n}")
                    out.append(Locator(shown, href(o), title))
            return out
        if page_of is None:
            # First PDF pass: placeholders of about the final width, one per paragraph.
            per_block = {(o.chapter_id, o.block): o for o in reversed(found)}
            return [Locator("00", href(o)) for o in reversed(per_block.values())]
        first_on_page: dict[str, Occurrence] = {}
        missing = []
        for o in found:
            label = page_of.get(o.anchor_id)
            if label is None:
                missing.append(o)
            else:
                first_on_page.setdefault(label, o)
        out = [Locator(first if last is None else f"{first}–{last}", href(first_on_page[first]))
               for first, last in merge_page_runs(first_on_page)]
        return out + [Locator("?", href(o), "page not known") for o in missing[:1]]

    rendered: dict[str, RenderedEntry] = {}
    dropped: list[tuple[str, str]] = []
    for entry in terms.entries.values():
        if entry.see is not None:
            continue
        item = RenderedEntry(entry.key, f"ixe-{entry.key}", entry.term,
                             locators=locators(by_target.get((entry.key, None), [])))
        for sub in sorted(entry.subentries, key=lambda s: sort_key(s.sort or s.term, sub=True)):
            sub_locators = locators(by_target.get((entry.key, sub.key), []))
            if sub_locators:
                item.subentries.append(RenderedEntry(sub.key, f"ixe-{entry.key}--{sub.key}",
                                                     sub.term, locators=sub_locators))
        if item.locators or item.subentries:
            rendered[entry.key] = item
        else:
            dropped.append((entry.term, "no occurrence in the text"))
    for entry in terms.entries.values():
        if entry.key in rendered:
            item = rendered[entry.key]
            for key in entry.see_also:
                if key in rendered:
                    item.see_also.append((terms.entries[key].term, rendered[key].id))
            item.see_also.sort(key=lambda t: sort_key(t[0]))
        elif entry.see is not None:
            if entry.see in rendered:
                rendered[entry.key] = RenderedEntry(
                    entry.key, f"ixe-{entry.key}", entry.term,
                    see=(terms.entries[entry.see].term, rendered[entry.see].id))
            else:
                dropped.append((entry.term, f"its 'see' target '{terms.entries[entry.see].term}' "
                                            "has no occurrence"))
    sort_text = {key: terms.entries[key].sort or terms.entries[key].term for key in rendered}
    groups = group_by_letter(list(rendered.values()), key=lambda e: sort_text[e.key])
    return IndexModel(groups=groups, dropped=dropped)


def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
    templates = paths.TEMPLATES
    return Environment(loader=FileSystemLoader(templates), autoescape=select_autoescape(default=True),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                       keep_trailing_newline=True)


def render_index_html(terms: IndexTerms, occurrences: Sequence[Occurrence], *, target: str,
                      page_of: dict[str, str] | None = None,
                      chapter_href: Callable[[str], str] | None = None,
                      chapter_label: Callable[[str], str] | None = None,
                      title: str = "Index") -> str:
    """The index section as an XHTML fragment (EPUB: epub:type index semantics; PDF: page numbers)."""
    model = build_model(terms, occurrences, target=target, page_of=page_of,
                        chapter_href=chapter_href, chapter_label=chapter_label)
    template = _environment().get_template("index.html.j2")
    return template.render(model=model, epub=target == "epub", title=title)


# ---------------------------------------------------------------- CLI: check the terms on the text


def _chapter_sources(articles: Path, sources: Sequence[Path]) -> list[tuple[str, str]]:
    """(chapter id, XHTML) for the articles when they exist, else for the raw sources."""
    if articles.is_dir() and any(articles.glob("[0-9]*.md")):
        from scripts.content.chapters import load_chapters
        # The same parts the book builders index: title, subtitle, headnote and body.
        return [(chapter.id, chapter_xhtml(chapter.title, chapter.subtitle, chapter.headnote, chapter.body))
                for chapter in load_chapters(articles)]
    out = []
    for number, path in enumerate(sources, 1):
        out.append((f"src{number:02d}", source_as_xhtml(path.read_text(encoding="utf-8"))))
    return out


def chapter_xhtml(title: str, subtitle: str, headnote: str, body: str) -> str:
    """A chapter's indexable parts as one fragment (the shape the book templates produce)."""
    parts = [f"<h1>{title}</h1>"]
    parts += [f'<p class="subtitle">{subtitle}</p>'] if subtitle else []
    parts += [f'<div class="headnote"><p>{headnote}</p></div>'] if headnote else []
    return "<section>" + "".join(parts) + body + "</section>"


_NOTE_LINE = re.compile(r"^\d{1,3}\.?\s+\S.*(?:https?://|Ibid\.)")


def source_as_xhtml(text: str) -> str:
    """A raw archive as paragraphs, with note-like lines ('12 Author, Title, https://...') kept apart."""
    body, notes = [], []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        (notes if _NOTE_LINE.match(line) else body).append(f"<p>{html_lib.escape(line, quote=False)}</p>")
    return "".join(body) + (f'<section class="footnotes">{"".join(notes)}</section>' if notes else "")


def coverage_report(terms: IndexTerms, occurrences: Sequence[Occurrence], dropped, source: str) -> str:
    from collections import Counter
    heads = [e for e in terms.entries.values() if e.see is None]
    refs = [e for e in terms.entries.values() if e.see is not None]
    per_term = Counter(o.term for o in occurrences if o.sub is None)
    per_sub = Counter((o.term, o.sub) for o in occurrences if o.sub is not None)
    anchors = len({o.anchor_id for o in occurrences})
    lines = [
        "# Index terms: coverage", "",
        f"Counted on: {source}.", "",
        "| what | count |", "| --- | ---: |",
        f"| headwords with their own matches | {len(heads)} |",
        f"| 'see' references | {len(refs)} |",
        f"| sub-entries | {sum(len(e.subentries) for e in heads)} |",
        f"| match phrases (variants and abbreviations) | {sum(len(e.phrases) for e in heads)} |",
        f"| anchors placed | {anchors} |",
        f"| locators (headword or sub-entry) | {len(occurrences)} |",
        f"| headwords found in the text | {len({o.term for o in occurrences})} |", "",
        "## Not in the printed index", "",
        "Entries left out because the text never mentions them (check the spelling in `match:`):", "",
    ]
    lines += [f"- {term}: {reason}" for term, reason in dropped] or ["- none"]
    lines += ["", "## Occurrences per headword", "",
              "| headword | headword locators | sub-entry locators |", "| --- | ---: | ---: |"]
    for entry in sorted(heads, key=lambda e: sort_key(e.sort or e.term)):
        subs = ", ".join(f"{s.term} {per_sub[(entry.key, s.key)]}" for s in entry.subentries)
        lines.append(f"| {entry.term} | {per_term[entry.key]} | {subs or '–'} |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    from scripts.core.atomic import write_text
    from scripts.core.console import progress, stage

    parser = argparse.ArgumentParser(description="Check the index terms against the text.")
    parser.add_argument("--terms", default=DEFAULT_PATH)
    parser.add_argument("--articles", default="build/articles")
    parser.add_argument("--report", default="build/reports/index.md")
    parser.add_argument("sources", nargs="*", type=Path)
    args = parser.parse_args(argv)
    with stage("index") as line:
        terms = load_terms(args.terms)
        chapters = _chapter_sources(Path(args.articles), args.sources)
        occurrences: list[Occurrence] = []
        for chapter_id, body in progress(chapters, "chapters"):
            occurrences += mark_occurrences(body, chapter_id, terms)[1]
        model = build_model(terms, occurrences, target="pdf")
        used = "build/articles" if any(c.startswith("ch") for c, _ in chapters) else "the raw sources"
        write_text(args.report, coverage_report(terms, occurrences, model.dropped, used))
        line.summary = (f"{len(terms.entries)} entries, {len(occurrences)} locators in "
                        f"{len(chapters)} chapters -> {args.report}")
    return 0


if __name__ == "__main__":
    from scripts.core.errors import cli
    raise SystemExit(cli(main)())


def run(paths) -> str:
    """The index stage: the editor's terms checked against the built chapters
    (never the raw scrapes) -> reports/index.md."""
    from scripts.content.chapters import load_chapters
    from scripts.core.atomic import write_text
    from scripts.core.console import progress

    report = paths.reports / "index.md"
    if not paths.index_terms.exists():
        write_text(report, f"# Index\n\nThis book has no index: {paths.index_terms} does not exist.\n"
                           "See reports/index-candidates.md (`make index-candidates`) for headwords "
                           "to start one with.\n")
        return f"no index terms ({paths.index_terms}) -> {report}"
    terms = load_terms(paths.index_terms)
    chapters = [(c.id, chapter_xhtml(c.title, c.subtitle, c.headnote, c.body))
                for c in load_chapters(paths.articles)]
    occurrences: list[Occurrence] = []
    for chapter_id, body in progress(chapters, "chapters"):
        occurrences += mark_occurrences(body, chapter_id, terms)[1]
    model = build_model(terms, occurrences, target="pdf")
    write_text(report, coverage_report(terms, occurrences, model.dropped, paths.articles.as_posix()))
    return (f"{len(terms.entries)} entries, {len(occurrences)} locators in "
            f"{len(chapters)} chapters -> {report}")
