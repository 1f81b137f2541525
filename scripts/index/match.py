"""Finding the index terms in the text and anchoring them in a chapter.

`find_terms` finds headwords in plain text (a PDF page's, for the tests and the candidates
report); `mark_occurrences` puts an anchor span `<span class="ix" id="ix-ch03-7">` around each
indexed occurrence in a chapter's (X)HTML and returns the Occurrence each one locates.  Both
book builders call it once per chapter; scripts.index.render turns the occurrences into the
index.  Kept apart because it is the part that reads and rewrites the chapters' markup.

Sub-entry rule (documented for the editor in docs/index.md): a sub-entry occurs in a
*sentence* that contains both one of its headword's phrases and one of its own phrases.  A
paragraph was too wide: it names many things, and a sub-entry found by "both in one paragraph"
pointed at passages about something else (8 wrong of 19 sampled).  Its locator is the
headword's first occurrence in that sentence, so the page a locator names shows the headword.
A sentence that matches no sub-entry gives locators to the headword (unless the entry says
`main_locators: false`).

Double postings (China › relations with Kazakhstan, Kazakhstan › China's relations with) are
found from the terms: a sub-entry whose phrases locate another headword that has a sub-entry
pointing back.  The two are one fact filed twice, so they are decided together: a sentence
that names both headwords gives both sub-entries, at one anchor (the first of the two), and
the reader finds the same pages under either.
"""

from __future__ import annotations

import html as html_lib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree
from lxml import html as lxml_html

from scripts.index.terms import (
    APOSTROPHES,
    DASHES,
    IndexTerms,
    is_acronym,
    phrase_identity,
)
from scripts.core.memo import Memo

EPUB_NS = "http://www.idpf.org/2007/ops"
ANCHOR_CLASS = "ix"

_SPACE = r"\s+"


def _phrase_pattern(phrase: str) -> str:
    parts = []
    for index, char in enumerate(phrase.strip()):
        if char in APOSTROPHES:
            parts.append(f"[{APOSTROPHES}]")
        elif char in DASHES:
            parts.append(f"[{DASHES}]")
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
_AFTER = r"(?![\w])(?![" + APOSTROPHES + r"](?!s\b)\w)"


def compile_phrases(phrases: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for many phrases; the longest phrase wins where several start at one place."""
    unique = sorted(set(phrases), key=lambda p: (-len(p), p))
    if not unique:
        return None
    return re.compile(_BEFORE + "(?:" + "|".join(_phrase_pattern(p) for p in unique) + ")" + _AFTER)


def double_postings(terms: IndexTerms) -> dict[tuple[str, str], tuple[str, str]]:
    """(headword, sub-entry) -> its twin (other headword, other sub-entry): A › sA whose phrases
    locate exactly one other headword B, which has one sub-entry sB whose phrases locate A."""
    owner = {phrase_identity(p): e.key for e in terms.entries.values() for p in e.phrases}

    def points_at(entry_key: str, sub) -> str | None:
        targets = {owner.get(phrase_identity(p)) for p in sub.phrases} - {None, entry_key}
        return next(iter(targets)) if len(targets) == 1 else None

    twins: dict[tuple[str, str], tuple[str, str]] = {}
    for entry in terms.entries.values():
        for sub in entry.subentries:
            other = points_at(entry.key, sub)
            if other is None:
                continue
            back = [s for s in terms.entries[other].subentries if points_at(other, s) == entry.key]
            if len(back) == 1:
                twins[(entry.key, sub.key)] = (other, back[0].key)
    return twins


class _Matcher:
    """Every phrase of the terms compiled into one pattern, and each sub-entry's into its own."""

    def __init__(self, terms: IndexTerms):
        self.owner: dict[str, str] = {}
        for entry in terms.entries.values():
            for phrase in entry.phrases:
                self.owner[phrase_identity(phrase)] = entry.key
        self.pattern = compile_phrases(p for e in terms.entries.values() for p in e.phrases)
        self.sub_patterns = {
            (entry.key, sub.key): compile_phrases(sub.phrases)
            for entry in terms.entries.values() for sub in entry.subentries}
        self.with_patterns = {
            (entry.key, sub.key): compile_phrases(sub.with_phrases)
            for entry in terms.entries.values() for sub in entry.subentries if sub.with_phrases}
        self.twins = double_postings(terms)

    def find(self, text: str) -> list[tuple[int, int, str]]:
        if self.pattern is None:
            return []
        found = []
        for match in self.pattern.finditer(text):
            key = self.owner.get(phrase_identity(match.group()))
            if key is not None:
                found.append((match.start(), match.end(), key))
        return found


def _matcher_for(terms: IndexTerms) -> _Matcher:
    """The terms' compiled phrases, built on first use: compiling is the slow part, and the
    builders match the same terms against every chapter."""
    if terms.compiled_phrases is None:
        terms.compiled_phrases = _Matcher(terms)
    return terms.compiled_phrases


def find_terms(text: str, terms: IndexTerms) -> list[tuple[str, str]]:
    """(matched text, headword key) for each occurrence in plain text, e.g. a PDF page's text."""
    return [(text[s:e], key) for s, e, key in _matcher_for(terms).find(text)]


# ---------------------------------------------------------------- marking a chapter


@dataclass(frozen=True)
class Occurrence:
    anchor_id: str
    term: str              # headword key
    sub: str | None        # sub-entry key, or None for the headword itself
    chapter_id: str
    block: int = 0         # ordinal of the paragraph/list item/heading within the chapter
    text: str = ""         # the words matched


BLOCK_TAGS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "dd", "dt",
                         "td", "th", "figcaption", "caption", "div", "section", "aside", "header",
                         "article", "body", "pre"})
_SKIP_TAGS = frozenset({"head", "script", "style", "code", "pre", "kbd", "samp", "math", "svg",
                        "sup"})
_NOTE_TOKENS = frozenset({"footnotes", "footnote", "endnotes", "endnote", "notes", "doc-endnotes",
                          "doc-footnote", "doc-endnote", "doc-noteref", "doc-backlink", "noteref",
                          "footnote-ref", "footnote-back", "rearnotes", "rearnote", "index",
                          "doc-index", ANCHOR_CLASS})
_URL_TEXT = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*://|www\.|mailto:)", re.IGNORECASE)
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
        root = etree.fromstring(f"<ix-fragment{declare}>{markup}</ix-fragment>".encode())
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
    matcher = _matcher_for(terms)
    taken_ids = {el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    ns = etree.QName(root).namespace if isinstance(root.tag, str) else None

    # Pass 1: collect every match with the text node and block it sits in.
    # A slot is (element, "text"|"tail"); matches are (slot, start, end, key, block).
    # Keyed by the elements themselves, never by id(): lxml makes a new proxy object for
    # a node each time one is asked for, and a freed proxy's id() can come back for
    # another node, which would merge two blocks (and shift every later anchor's number).
    blocks: dict[etree._Element, int] = {}
    block_text: dict[int, list[str]] = defaultdict(list)
    block_length: dict[int, int] = defaultdict(int)
    matches: list[tuple[tuple, int, int, str, int]] = []
    at: list[int] = []          # each match's offset in its block's text (pieces joined by " ")

    def block_of(element) -> int:
        node = element
        while node is not None and _local(node) not in BLOCK_TAGS and node is not root:
            node = node.getparent()
        node = node if node is not None else root
        return blocks.setdefault(node, len(blocks))

    def scan(slot, text: str | None, block: int) -> None:
        if not text:
            return
        offset = block_length[block] + (1 if block_text[block] else 0)
        block_text[block].append(text)
        block_length[block] = offset + len(text)
        for start, end, key in matcher.find(text):
            matches.append((slot, start, end, key, block))
            at.append(offset + start)

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

    # Pass 2: decide which matches get an anchor and what they locate, sentence by sentence.
    plan = _plan(matches, at, {b: " ".join(t) for b, t in block_text.items()}, terms, matcher)

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
        anchors_at[slot].append((start, end, anchor_id))
        element, which = slot
        matched = (element.text if which == "text" else element.tail)[start:end]
        occurrences += [Occurrence(anchor_id, k, sub, chapter_id, block, re.sub(r"\s+", " ", matched))
                        for k, sub in plan[index]]
    tag = f"{{{ns}}}span" if ns else "span"
    for (element, which), anchors in anchors_at.items():
        _insert_anchors(element, which, sorted(anchors), tag)
    return serialise(), occurrences


def remembering(memo: Memo):
    """`mark_occurrences`, each chapter's result remembered by its markup, its id and the
    terms' fingerprint: after an edit to one chapter, the others are not matched again."""
    def mark(html: str, chapter_id: str, terms: IndexTerms) -> tuple[str, list[Occurrence]]:
        return memo.remember(("index marks", html, chapter_id, terms.fingerprint),
                             lambda: mark_occurrences(html, chapter_id, terms))
    return mark


# A sentence ends at . ! or ? (and any closing quote or bracket) before a space and a capital,
# a digit or an opening quote, unless the full stop ends an abbreviation or an initial.
_SENTENCE_END = re.compile(r"[.!?][”’\"')\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])")
_NOT_AN_END = re.compile(r"(?:\b[A-Z]|\b(?:Mr|Mrs|Ms|Dr|St|Prof|Gen|Lt|Col|Capt|Sen|Rep|Gov|"
                         r"No|Vol|pp|vs|etc|cf|al|Jr|Sr|Inc|Ltd|Co|Corp|e\.g|i\.e|U\.S|U\.K|"
                         r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec))\.$")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a block's text."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        if match.group()[0] == "." and _NOT_AN_END.search(text[max(0, match.start() - 5):match.start() + 1]):
            continue
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


# How near a sub-entry's phrase must be to its headword, in words between them: a long
# sentence names many things, and a phrase ten words away is usually about something else.
NEAR_WORDS = 10
# Nothing but a coordinator between two phrases ("X and the Y", "X as well as Y")...
_COORDINATION = re.compile(r"(?:\s|,|\band\b|\bor\b|\bthe\b|\bas well as\b)*")
# ...and the pair is one of a longer list or a "both ... and": items side by side, no relation.
_LIST_BEFORE = re.compile(r"(?:[A-Z][\w’'.-]*,\s+|\bboth\s+)$")
# Where one clause ends and another, about something else, begins.
_CLAUSE_BREAK = re.compile(r"[;()]|\s[–—]\s|,\s+(?:while|whereas|but|though|although|yet)\b|\bthan\b")
_LOWER_WORD = re.compile(r"\b(?!(?:and|or)\b)[a-z][\w’'-]*")


def _related(sentence: str, heads: list[tuple[int, int]], subs: list[tuple[int, int]]) -> bool:
    """Does a headword mention and a sub-entry phrase stand close together, and not merely as
    items of one list ("Russia, China, Iran and a host of other nations": a comma and no
    ordinary word between them; "Iran, China and the US", "both Central Asia and Russia",
    "Central Asia as well as China": only a coordinator between them, in a longer list)?"""
    for h_start, h_end in heads:
        for s_start, s_end in subs:
            if s_start < h_end and h_start < s_end:
                continue                          # the same words: no evidence of a relation
            between = sentence[min(h_end, s_end):max(h_start, s_start)]
            if len(between.split()) > NEAR_WORDS:
                continue
            if "," in between and not _LOWER_WORD.search(between):
                continue
            if _COORDINATION.fullmatch(between) and (
                    "," in between or " as well as " in f" {between} "
                    or _LIST_BEFORE.search(sentence[:min(h_start, s_start)])):
                continue                          # "Iran, China and the US", "both X and Y"
            if _CLAUSE_BREAK.search(between):
                continue                          # "…, while routes across Afghanistan…"
            return True
    return False


def _has_with(matcher: _Matcher, sentence: str, *subs: tuple[str, str]) -> bool:
    """The sentence holds one of the sub-entry's `with:` phrases, if it has any.  Twins are
    one fact filed twice: a `with:` on either applies to both."""
    patterns = [matcher.with_patterns[s] for s in subs if s in matcher.with_patterns]
    return not patterns or any(pattern.search(sentence) for pattern in patterns)


def _plan(matches, at: list[int], block_text: dict[int, str], terms: IndexTerms,
          matcher: _Matcher) -> dict[int, list[tuple[str, str | None]]]:
    """match index -> the (headword, sub-entry or None) locators it anchors."""
    plan: dict[int, list[tuple[str, str | None]]] = defaultdict(list)
    in_sentence: dict[tuple[int, int], list[int]] = defaultdict(list)   # (block, sentence) -> matches
    spans = {block: sentence_spans(text) for block, text in block_text.items()}
    for index, (_, _, _, _, block) in enumerate(matches):
        number = next((n for n, (s, e) in enumerate(spans[block]) if s <= at[index] < e),
                      len(spans[block]) - 1)
        in_sentence[(block, number)].append(index)
    for (block, number), indexes in in_sentence.items():
        start, end = spans[block][number]
        sentence = block_text[block][start:end]
        first: dict[str, int] = {}
        spans_of: dict[str, list[tuple[int, int]]] = defaultdict(list)   # headword -> its mentions
        for index in indexes:
            key = matches[index][3]
            first.setdefault(key, index)
            length = matches[index][2] - matches[index][1]
            spans_of[key].append((at[index] - start, at[index] - start + length))
        with_subs: set[str] = set()
        for key, index in first.items():
            for sub in terms.entries[key].subentries:
                twin = matcher.twins.get((key, sub.key))
                if twin is not None:
                    continue                 # decided with its twin, below
                pattern = matcher.sub_patterns[(key, sub.key)]
                found = [m.span() for m in pattern.finditer(sentence)] if pattern else []
                if found and _related(sentence, spans_of[key], found) and \
                        _has_with(matcher, sentence, (key, sub.key)):
                    plan[index].append((key, sub.key))
                    with_subs.add(key)
        for (key, sub), (other, other_sub) in matcher.twins.items():
            # Both headwords themselves in the sentence, so each locator's page shows its
            # headword; one anchor, the first of the two, so both give the same page.
            if key < other and key in first and other in first and \
                    _related(sentence, spans_of[key], spans_of[other]) and \
                    _has_with(matcher, sentence, (key, sub), (other, other_sub)):
                anchor = min(first[key], first[other])
                plan[anchor] += [(key, sub), (other, other_sub)]
                with_subs |= {key, other}
        for index in indexes:
            key = matches[index][3]
            if key not in with_subs and terms.entries[key].main_locators:
                plan[index].insert(0, (key, None))
    return plan


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
