"""Suggest index headwords the editor may have missed.

Reads the article Markdown (or, before the text stages have run, the raw sources), finds
capitalised phrases and acronyms, pairs acronyms with the expansion written before them
("Collective Security Treaty Organization (CSTO)"), groups spelling variants
(-ise/-ize, Uyghur/Uighur, Rahmon/Rakhmon) and leaves out what manuscript/index.yaml
already locates.  Writes a Markdown report; it never edits manuscript/.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

import yaml

from scripts.core.errors import UserError
from scripts.core.paths import BookPaths
from scripts.index.match import find_terms
from scripts.index.terms import IndexTerms, load_terms
from scripts.index.topics import (
    MIN_CHAPTERS,
    MIN_PARAGRAPHS,
    SHOWN,
    Topic,
    find_topics,
    suggested_entry,
)

# Words that start a capitalised run but are never part of a name.
HONORIFICS = {"mr", "mrs", "ms", "dr", "sir", "president", "premier", "prime", "minister",
              "general", "gen", "lt", "then", "former", "chinese", "russian", "kazakh", "uzbek",
              "tajik", "kyrgyz", "turkmen", "secretary", "chairman", "leader", "ceo", "founder"}
# Capitalised words that are not names (calendar words, the pronoun, boilerplate).
NEVER = {"i", "january", "february", "march", "april", "may", "june", "july", "august",
         "september", "october", "november", "december", "monday", "tuesday", "wednesday",
         "thursday", "friday", "saturday", "sunday", "photo", "courtesy", "handout", "ibid",
         "vol", "no", "pp", "see", "note", "notes", "jan", "feb", "mar", "apr", "jun", "jul",
         "aug", "sep", "sept", "oct", "nov", "dec"}
# Lower-case words that may sit inside a name ("Belt and Road", "Katibat al-Tawhid wal Jihad").
CONNECTORS = {"of", "the", "and", "for", "al", "wal", "de", "bin"}
ROMAN = re.compile(r"^[IVXLC]+$")
# "I’m", "I’ve": the pronoun with a verb, never a name.
_CONTRACTION = re.compile(r"[’'](?:m|ve|ll|d|re)$")

# A capitalised word, or initials such as "U.S." / "S." (longest alternative first).
_WORD = r"(?:[A-Z][\w’'\-]*\w|(?:[A-Z]\.)+)"
_PHRASE = re.compile(rf"{_WORD}(?:\s+(?:(?:{'|'.join(sorted(CONNECTORS))})[\s\-]+)*{_WORD})*")
# Real acronyms are short; longer all-capital words are shouted captions ("REUTERS").
_ACRONYM = re.compile(r"(?<![\w.])([A-Z][A-Z0-9&]{1,5})s?(?![\w])")
_PAREN_ACRONYM = re.compile(r"\(([A-Z][A-Z0-9&]{1,9})\)")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|[“‘\"(]\s*)$")


@dataclass
class Candidate:
    phrase: str
    kind: str                                   # "acronym" or "name"
    count: int = 0
    variants: Counter = field(default_factory=Counter)
    expansion: str = ""
    indexed: bool = False


# ---------------------------------------------------------------- reading the text


def read_texts(articles: Path) -> tuple[str, list[str]]:
    """(what was read, list of plain-text paragraphs) of the built articles.  Never the raw
    scrapes: their duplicates, captions and bios would count as the book's text."""
    read, chapters = read_chapters(articles)
    return read, [paragraph for chapter in chapters for paragraph in chapter]


def read_chapters(articles: Path) -> tuple[str, list[list[str]]]:
    """(what was read, each article's plain-text paragraphs)."""
    markdown = sorted(articles.glob("[0-9]*.md")) if articles.is_dir() else []
    if not markdown:
        raise UserError("no articles to look for index terms in", file=str(articles),
                        hint="run 'make articles' (or plain 'make') first")
    return (f"{len(markdown)} articles in {articles}",
            [markdown_paragraphs(path.read_text(encoding="utf-8")) for path in markdown])


def markdown_paragraphs(text: str) -> list[str]:
    """Body paragraphs of an article: front-matter prose fields, no notes, no URLs, no escapes."""
    paragraphs: list[str] = []
    if text.startswith("---"):
        end = text.find("\n---", 3)
        if end > 0:
            meta = yaml.safe_load(text[3:end]) or {}
            paragraphs += [str(meta[k]) for k in ("title", "subtitle", "headnote") if meta.get(k)]
            text = text[end + 4:]
    in_note = False
    for block in re.split(r"\n\s*\n", text):
        if re.match(r"\[\^[^\]]+\]:", block):
            in_note = True
            continue
        if in_note and block.startswith((" ", "\t")):
            continue
        in_note = False
        block = re.sub(r"<https?://[^>]+>|https?://\S+", " ", block)
        block = re.sub(r"\[\^[^\]]+\]", "", block)
        block = re.sub(r"\\(.)", r"\1", block)
        block = re.sub(r"^(?:#+|\d+\.|[-*]|:::)\s*", "", block, flags=re.MULTILINE)
        paragraphs.append(" ".join(block.split()))
    return [p for p in paragraphs if p]


def _is_title_case(line: str) -> bool:
    # A headline: most long words capitalised and no closing full stop (sentences have one).
    if re.search(r"[.!?][”\"’')]*\s*$", line):
        return False
    words = [w for w in re.findall(r"[A-Za-z]+", line) if len(w) > 3]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) / len(words) > 0.7


# ---------------------------------------------------------------- variants


def fold(phrase: str) -> str:
    """A spelling-insensitive key: diacritics, -ise/-ize, y/i, kh/h, zh/j, doubled letters, plural."""
    text = "".join(c for c in unicodedata.normalize("NFKD", phrase) if not unicodedata.combining(c))
    text = text.lower().replace("’", "'").replace("-", " ")
    text = re.sub(r"\bthe\s+", "", text)
    text = re.sub(r"is(ation|e|ed|ing)\b", r"iz\1", text)
    text = re.sub(r"our\b", "or", text)
    for old, new in (("kh", "h"), ("zh", "j"), ("y", "i"), ("ou", "u")):
        text = text.replace(old, new)
    text = re.sub(r"(.)\1", r"\1", text)
    text = re.sub(r"'s\b", "", text)
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in text.split())


def _similar(a: str, b: str) -> bool:
    if " " in a or " " in b or len(a) < 6 or len(b) < 6 or a[0] != b[0]:
        return False
    return SequenceMatcher(None, a, b).ratio() >= 0.8


# ---------------------------------------------------------------- finding candidates


def _clean_phrase(phrase: str, at_sentence_start: bool, lowercase_words: set[str]) -> str:
    words = phrase.split()
    if words and words[0] == "The":
        words = words[1:]
    # "Meanwhile the Kremlin", "Militants of the KTJ": a sentence's first word joined by a
    # connector is an ordinary word, not the start of a name.
    if at_sentence_start and len(words) > 2 and words[1] in ("the", "of"):
        words = words[1:]
        at_sentence_start = False
    while words and (words[0].lower().strip(".") in HONORIFICS or _CONTRACTION.sub("", words[0].lower()) in NEVER
                     or (at_sentence_start and words[0].lower() in lowercase_words)):
        words = words[1:]
        at_sentence_start = False
    while words and words[0] in CONNECTORS:
        words = words[1:]
    while words and words[-1].lower() in CONNECTORS:
        words = words[:-1]
    text = " ".join(words)
    text = re.sub(r"[’']s$", "", text)
    return text.strip(" .,-’'")


def _expansion_before(text: str, acronym: str) -> str:
    """The words just before '(ACR)' whose initials spell ACR, or ''."""
    words = re.findall(r"[\w’'\-]+", text)[-12:]
    for start in range(len(words) - 1, -1, -1):
        chunk = words[start:]
        initials = ""
        for word in chunk:
            for part in word.split("-"):
                if part and part[0].isupper():
                    initials += part[0]
                elif part.lower() not in CONNECTORS:
                    initials += part[:1].upper() if part[:1].isalpha() else ""
        if chunk and chunk[0][:1].isupper() and initials.replace(" ", "") == acronym:
            return " ".join(chunk)
    return ""


def find_candidates(paragraphs: Iterable[str], terms: IndexTerms | None = None) -> list[Candidate]:
    paragraphs = list(paragraphs)
    lowercase_count = Counter(w for p in paragraphs for w in re.findall(r"\b[a-z]+\b", p))
    lowercase_words = set(lowercase_count)
    titled = {w.lower() for p in paragraphs for w in re.findall(r"\b[A-Z][a-z]+\b", p)}
    mid_sentence: set[str] = set()
    found: dict[str, Candidate] = {}

    def add(phrase: str, kind: str, expansion: str = "") -> None:
        key = phrase if kind == "acronym" else fold(phrase)
        candidate = found.setdefault(key, Candidate(phrase, kind))
        candidate.count += 1
        candidate.variants[phrase] += 1
        if expansion and not candidate.expansion:
            candidate.expansion = expansion

    for paragraph in paragraphs:
        for match in _ACRONYM.finditer(paragraph):
            acronym = match.group(1)
            if ROMAN.match(acronym) or acronym.lower() in NEVER or acronym.lower() in titled:
                continue
            expansion = ""
            if paragraph[match.start() - 1:match.start()] == "(" and paragraph[match.end():match.end() + 1] == ")":
                expansion = _expansion_before(paragraph[:match.start() - 1], acronym)
            add(acronym, "acronym", expansion)
        if _is_title_case(paragraph):
            continue          # headlines capitalise every word: no evidence of a name
        for match in _PHRASE.finditer(paragraph):
            start = _SENTENCE_START.search(paragraph[:match.start()]) is not None
            phrase = _clean_phrase(match.group(), start, lowercase_words)
            if not phrase or phrase.isupper() or len(phrase) < 3 or phrase.lower() in NEVER:
                continue
            if not start:
                mid_sentence.add(fold(phrase))
            add(phrase, "name")

    candidates = []
    for key, candidate in found.items():
        candidate.phrase = candidate.variants.most_common(1)[0][0]
        if candidate.kind == "name":
            single = " " not in candidate.phrase
            if key not in mid_sentence or candidate.count < (3 if single else 2):
                continue
            # A single word written lower-case as often as capitalised is an ordinary word.
            if single and lowercase_count[candidate.phrase.lower()] >= candidate.count:
                continue
        elif candidate.count < 2 and not candidate.expansion:
            continue
        if terms is not None:
            candidate.indexed = _indexed(candidate, terms)
        candidates.append(candidate)
    _split_pairs(candidates, found)
    _merge_similar(candidates)
    return sorted(candidates, key=lambda c: (-c.count, c.phrase))


def _split_pairs(candidates: list[Candidate], found: dict[str, Candidate]) -> None:
    """'Kyrgyzstan and Tajikistan' is two names when each half also stands alone in the text."""
    for candidate in list(candidates):
        halves = candidate.phrase.split(" and ")
        if candidate.kind != "name" or len(halves) != 2:
            continue
        if all(fold(half) in found or half in found for half in halves):
            candidates.remove(candidate)


def _indexed(candidate: Candidate, terms: IndexTerms) -> bool:
    for variant in candidate.variants:
        hits = find_terms(variant, terms)
        if hits and any(text == variant for text, _ in hits):
            return True
    return bool(candidate.expansion) and any(
        text == candidate.expansion for text, _ in find_terms(candidate.expansion, terms))


def _merge_similar(candidates: list[Candidate]) -> None:
    """Fold near-identical single-word names (transliteration variants) into the commoner one."""
    names = sorted((c for c in candidates if c.kind == "name"), key=lambda c: -c.count)
    for index, keep in enumerate(names):
        if keep.count == 0:
            continue
        for other in names[index + 1:]:
            if other.count and _similar(fold(keep.phrase), fold(other.phrase)):
                keep.variants.update(other.variants)
                keep.count += other.count
                keep.indexed = keep.indexed or other.indexed
                other.count = 0
    candidates[:] = [c for c in candidates if c.count]


# ---------------------------------------------------------------- report


def render_report(candidates: list[Candidate], read: str, terms_path: str,
                  topics: list[Topic] | None = None) -> str:
    new = [c for c in candidates if not c.indexed]
    acronyms = [c for c in new if c.kind == "acronym"]
    names = [c for c in new if c.kind == "name"]
    variant_groups = [c for c in candidates if c.kind == "name" and len(c.variants) > 1]
    lines = [
        "# Index candidates", "",
        f"Read: {read}. Terms file: `{terms_path}` (this report never edits it).", "",
        f"**{len(new)} candidates** not yet located by the index "
        f"({len(acronyms)} acronyms, {len(names)} names and phrases); "
        f"{len(candidates) - len(new)} frequent phrases are already indexed.", "",
        "How to read it: a candidate is a capitalised phrase seen at least twice (a single word "
        "three times, and at least once inside a sentence, so a sentence's first word is not "
        "taken for a name) or an acronym seen twice or introduced with its expansion. "
        "To index one, copy its suggested entry into the terms file and adjust it.", "",
        "## Acronyms", "",
        "| acronym | expansion in the text | count | suggested entry |", "| --- | --- | ---: | --- |",
    ]
    for c in acronyms:
        suggestion = (f"`- term: {c.expansion} ({c.phrase})` `match: [{c.expansion}, {c.phrase}]`"
                      if c.expansion else f"`- term: {c.phrase}`")
        lines.append(f"| {c.phrase} | {c.expansion or '–'} | {c.count} | {suggestion} |")
    lines += ["", "## Names and phrases", "",
              "| candidate | spellings seen | count |", "| --- | --- | ---: |"]
    for c in names:
        spellings = ", ".join(f"{v} ({n})" for v, n in c.variants.most_common())
        lines.append(f"| {c.phrase} | {spellings} | {c.count} |")
    lines += ["", "## Spelling variants grouped", "",
              "Phrases the text spells more than one way (-ise/-ize, y/i, kh/h, plurals...). "
              "An indexed headword should list every spelling under `match:`.", "",
              "| phrase | spellings | already indexed |", "| --- | --- | --- |"]
    for c in variant_groups:
        spellings = ", ".join(f"{v} ({n})" for v, n in c.variants.most_common())
        lines.append(f"| {c.phrase} | {spellings} | {'yes' if c.indexed else 'no'} |")
    lines += ["", "## Topics", ""]
    if topics is None:
        lines.append("Topic nouns are only suggested for books in English (book.yaml `language`).")
    else:
        lines += [f"Subjects a reader may look up: lower-case nouns written in at least {MIN_PARAGRAPHS} "
                  f"paragraphs of {MIN_CHAPTERS} chapters and not yet indexed, the likeliest first "
                  "(see scripts/index/topics.py for how a noun is told from other words). Many are "
                  "too general to index; choose the ones a reader would turn to.", "",
                  "| topic | paragraphs | chapters | forms | for example | suggested entry |",
                  "| --- | ---: | ---: | --- | --- | --- |"]
        for topic in topics[:SHOWN]:
            forms = ", ".join(f"{form} ({n})" for form, n in topic.forms.most_common())
            entry = " ".join(f"`{line.strip()}`" for line in suggested_entry(topic).splitlines())
            example = topic.example.replace("|", "\\|")
            lines.append(f"| {topic.shown} | {len(topic.paragraphs)} | {len(topic.chapters)} | {forms} "
                         f"| {example} | {entry} |")
        if len(topics) > SHOWN:
            rest = ", ".join(f"{t.shown} ({len(t.paragraphs)})" for t in topics[SHOWN:])
            lines += ["", f"Also seen ({len(topics) - SHOWN} more, by the same measure; paragraphs in brackets): {rest}."]
    return "\n".join(lines) + "\n"


def run(paths: BookPaths) -> str:
    """Suggest index headwords the editor may have missed (build/reports/index-candidates.md)."""
    from scripts.core.atomic import write_text

    terms = load_terms(paths.index_terms) if paths.index_terms.exists() else None
    read, chapters = read_chapters(paths.articles)
    candidates = find_candidates([p for chapter in chapters for p in chapter], terms)
    topics = None
    if _in_english(paths):
        topics = find_topics(chapters, lambda word: terms is not None and _locates(word, terms))
    out = paths.reports / "index-candidates.md"
    write_text(out, render_report(candidates, read, str(paths.index_terms), topics))
    new = sum(not c.indexed for c in candidates)
    return f"{new} candidates ({len(candidates) - new} already indexed), {len(topics or [])} topics -> {out}"


def _in_english(paths: BookPaths) -> bool:
    from scripts.core.book import book_for
    return book_for(paths).language.lower().split("-")[0] == "en"


def _locates(word: str, terms: IndexTerms) -> bool:
    """The index already finds this word as (the whole of) one of its phrases."""
    return any(text.lower() == word.lower() for text, _ in find_terms(word, terms))
