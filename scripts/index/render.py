"""The index pages: filing order, letter groups, page runs, and the index section's HTML.

    fragment = render_index_html(terms, all_occurrences, target="epub", chapter_href=...)

The EPUB index links each locator to its anchor; the PDF index prints page numbers, which only
exist after layout.  The PDF builder therefore reads the page of every anchor from WeasyPrint's
layout and passes it back as `page_of`, re-rendering until `locators_stable(previous, current)`.
`build_model` is the same index as data, for the builders' reports and the tests.
Kept apart from matching because it never reads a chapter: only Occurrences and pages.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from scripts.core import paths
from scripts.index.match import Occurrence
from scripts.index.terms import IndexTerms

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
                      title: str | None = None) -> str:
    """The index section as an XHTML fragment (EPUB: epub:type index semantics; PDF: page numbers).

    `title` is the heading the fragment opens with, for a builder that makes the fragment its
    page (the EPUB); None leaves it out, for a builder that heads the section itself (the PDF).
    """
    model = build_model(terms, occurrences, target=target, page_of=page_of,
                        chapter_href=chapter_href, chapter_label=chapter_label)
    template = _environment().get_template("index.html.j2")
    return template.render(model=model, epub=target == "epub", title=title)
