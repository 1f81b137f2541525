"""The editorial apparatus of each piece: where and when it first appeared, who wrote it, whose
rights it carries, and what becomes of the blogger's introduction to it.

What the sources say (the article model's outlet, authors, date and INTRO block) is completed
and corrected by the editor's optional chapters.yaml, keyed by the chapter's slug:

    outlets:                                   # every variant -> the one form the book prints
      Nikkei Asian Review: Nikkei Asia
    chapters:
      ties-that-bind-kazakhstan-china-are:
        date: 2021-12                          # YYYY-MM-DD, YYYY-MM or YYYY
        outlet: Nikkei Asia
        kind: article                          # article, report, evidence, talk
        title: Ties that bind Kazakhstan to China are starting to unravel
        authors: [Raffaello Pantucci]
        credit: © Nikkei Inc. Reproduced with permission.
        intro: back                            # keep, back, drop (book.yaml `intros:` decides otherwise)

The articles stage applies it (the result is each article's front matter, so the html stage's
`Chapter` carries it to both books) and writes build/reports/chapters.md: every chapter's
provenance and where each field came from, the chapters without a date, outlet names that look
like one outlet, the introductions left out (with their text), and year ranges written by hand
in book.yaml that the chapters' dates contradict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from scripts.core import model as m
from scripts.core.book import INTRO_PLACES, YEARS, Book, year_range
from scripts.core.config import Validator, did_you_mean, line_of
from scripts.core.errors import UserError

FILE_KEYS = ("outlets", "chapters")
CHAPTER_KEYS = ("date", "outlet", "kind", "title", "authors", "credit", "intro")
HINT = ("chapters.yaml takes 'outlets:' (variant: one form) and 'chapters:' (one mapping per "
        "chapter slug, with " + ", ".join(CHAPTER_KEYS) + ")")


@dataclass(frozen=True)
class Wording:
    """How a kind of piece says where it first appeared.  `titled`: the outlet is the title of a
    publication (set in italics, as a periodical's name is), not a body such as a committee."""
    lead: str               # before the outlet
    titled: bool
    alone: str              # when the outlet is not known: before the date, or the whole line


# The kind of a piece is stated in data (chapters.yaml `kind:`), never guessed from an outlet's
# name: a blog's "Foreign Affairs Committee" and a magazine called "Foreign Affairs" differ only
# in what the editor knows about them.
KINDS: dict[str, Wording] = {
    "article": Wording("First published in", True, "First published"),
    "report": Wording("First published by", False, "First published"),
    "evidence": Wording("Written evidence to the", False, "Written evidence"),
    "talk": Wording("First given as a talk at", False, "First given as a talk"),
}
DEFAULT_KIND = "article"

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def long_date(iso: str) -> str:
    """"5 January 2022", "January 2022" or "2022", as precise as the date is known."""
    parts = iso.split("-") if iso else []
    if len(parts) == 3:
        return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return iso


@dataclass
class Decision:
    """One chapter's entry in chapters.yaml; "" / None for what the editor left to the sources."""
    slug: str
    line: int | None
    date: str = ""
    outlet: str = ""
    kind: str = ""
    title: str = ""
    authors: list[str] | None = None
    credit: str = ""
    intro: str = ""


@dataclass
class Decisions:
    file: str = ""
    outlets: dict[str, str] = field(default_factory=dict)       # variant -> the one form
    chapters: dict[str, Decision] = field(default_factory=dict)

    def outlet(self, name: str) -> str:
        return self.outlets.get(name, name)


def load_decisions(path: Path) -> Decisions:
    """chapters.yaml, checked; an empty Decisions when the file does not exist."""
    if not path.exists():
        return Decisions()
    name = str(path)
    check = Validator(name)
    root = check.parse(path.read_text(encoding="utf-8"), syntax_hint="check the indentation and "
                       "quoting on that line (quote a value that contains ': ' or starts with a symbol)")
    if root is None:
        return Decisions(file=name)
    fields = check.mapping(root, "the file", FILE_KEYS, hint=HINT)
    decisions = Decisions(file=name)
    if "outlets" in fields:
        for variant, one in check.mapping(fields["outlets"].value, "'outlets'",
                                          hint="write one 'Variant Name: One Form' per line").items():
            decisions.outlets[variant] = check.text(one.value, f"the one form of '{variant}'")
    if "chapters" in fields:
        entries = check.mapping(fields["chapters"].value, "'chapters'",
                                hint="write one 'chapter-slug:' per line, its keys indented below it")
        for slug, entry in entries.items():
            decisions.chapters[slug] = _decision(check, slug, entry)
    return decisions


def _decision(check: Validator, slug: str, entry) -> Decision:
    what = f"chapter '{slug}'"
    keys = check.mapping(entry.value, what, CHAPTER_KEYS, hint=HINT)

    def text(key: str) -> str:
        return check.text(keys[key].value, f"'{key}' of {what}") if key in keys else ""

    return Decision(
        slug=slug, line=line_of(entry.key),
        date=check.partial_date(keys["date"].value, f"'date' of {what}") if "date" in keys else "",
        outlet=text("outlet"), title=text("title"), credit=text("credit"),
        kind=check.choice(keys["kind"].value, f"kind of {what}", tuple(KINDS)) if "kind" in keys else "",
        authors=(check.texts(keys["authors"].value, f"'authors' of {what}", allow_single=True,
                             allow_empty=False) if "authors" in keys else None),
        intro=check.choice(keys["intro"].value, f"intro of {what}", INTRO_PLACES,
                           hint="write keep, back or drop") if "intro" in keys else "")


@dataclass
class Piece:
    """One chapter's apparatus as the book prints it, and where each part came from."""
    slug: str
    title: str
    authors: list[str]
    outlet: str
    outlet_given: str         # as the source (or chapters.yaml) named it, before `outlets:`
    kind: str
    date: str                 # ISO, whole or partial; "" when nobody knows
    date_from: str            # "the source", "chapters.yaml" or ""
    credit: str
    intro: str                # keep, back or drop; "" when the article has no introduction
    intro_text: str


def resolve(article: m.Article, book: Book, decisions: Decisions | None = None) -> Piece:
    decision = (decisions.chapters.get(article.slug) if decisions else None) or Decision(article.slug, None)
    outlets = decisions or Decisions()
    given = decision.outlet or article.outlet
    source_date = article.date[:10]
    intro_text = article.headnote
    return Piece(
        slug=article.slug, title=decision.title or article.title,
        authors=decision.authors if decision.authors is not None else (article.authors or [book.author]),
        outlet=outlets.outlet(given), outlet_given=given, kind=decision.kind or DEFAULT_KIND,
        date=decision.date or source_date,
        date_from="chapters.yaml" if decision.date else ("the source" if source_date else ""),
        credit=decision.credit, intro=(decision.intro or book.intros) if intro_text else "",
        intro_text=intro_text)


def check_slugs(decisions: Decisions, articles: list[m.Article],
                report_file: str = "build/reports/chapters.md") -> None:
    """An entry for no chapter is an error: the editor's decision would otherwise vanish."""
    slugs = [a.slug for a in articles]
    for decision in decisions.chapters.values():
        if decision.slug not in slugs:
            suggestion = did_you_mean(decision.slug, slugs)
            raise UserError(f"no chapter has the slug '{decision.slug}'", file=decisions.file,
                            line=decision.line,
                            hint=(suggestion + " " if suggestion else "")
                            + f"the slugs are in {report_file} (and the file names of "
                              "build/articles/)")


# ---------------------------------------------------------------- the report

_WRITTEN_RANGE = re.compile(r"\b((?:1[89]|20)\d\d)(?:\s*[–—-]\s*((?:1[89]|20)\d\d))?\b")


def similar_outlets(pieces: list[Piece], decisions: Decisions) -> list[tuple[str, str]]:
    """Pairs of printed outlet names that differ in a few letters ("Nikkei Asian Review",
    "Nikkei Asia Review"): probably one outlet, for the editor to unify under `outlets:`.
    Two names the editor has both written as a one form are decided, and not asked again."""
    names = sorted({p.outlet for p in pieces if p.outlet})
    decided = set(decisions.outlets.values())
    pairs = []
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            if {first, second} <= decided:
                continue
            if SequenceMatcher(None, first.casefold(), second.casefold()).ratio() >= 0.85:
                pairs.append((first, second))
    return pairs


def contradicted_years(book: Book, years: str) -> list[str]:
    """book.yaml's subtitle and rights, when they state years by hand that the dated chapters
    do not span (the chapters say 2021–2022, the subtitle 2022–2023)."""
    if not years:
        return []
    first, last = years[:4], years[-4:]
    found = []
    for key in ("subtitle", "rights"):
        for match in _WRITTEN_RANGE.finditer(getattr(book, key)):
            start, end = match.group(1), match.group(2) or match.group(1)
            if (start, end) != (first, last):
                found.append(f"book.yaml's {key} says {match.group(0)}, but the dated chapters "
                             f"were first published in {years}: write {YEARS} there to follow them")
    return found


def report(pieces: list[Piece], book: Book, decisions: Decisions) -> str:
    numbered = list(enumerate(pieces, 1))
    undated = [(n, p) for n, p in numbered if not p.date]
    places = {place: [(n, p) for n, p in numbered if p.intro == place] for place in INTRO_PLACES}
    years = year_range(p.date for p in pieces)
    lines = ["# Chapters: first publication, authors and introductions", "",
             f"{len(pieces)} chapters, {len(pieces) - len(undated)} dated "
             f"(years {years or 'unknown'}); introductions: "
             + ", ".join(f"{len(places[p])} {p}" for p in INTRO_PLACES)
             + f". Editor's file: {decisions.file or 'chapters.yaml (none)'}.", ""]
    lines += ["## Chapters without a date", ""]
    lines += ([f"- {n}. `{p.slug}` ({p.outlet or 'outlet not known'}): add `date:` under "
               f"`{p.slug}:` in chapters.yaml" for n, p in undated] or ["None."])
    lines += ["", "## Outlets", ""]
    renamed = sorted({(p.outlet_given, p.outlet) for p in pieces if p.outlet_given != p.outlet})
    outlets = [f"- {given} → {one} (`outlets:`)" for given, one in renamed]
    outlets += [f"- “{a}” and “{b}” look like one outlet: if they are, name one form for both "
                f"under `outlets:`" for a, b in similar_outlets(pieces, decisions)]
    lines += outlets or ["No outlet renamed, none that looks like another."]
    lines += ["", "## Years", ""]
    lines += contradicted_years(book, years) or [
        f"The chapters' years: {years or 'none dated'}; {YEARS} in book.yaml prints them."]
    if undated and years:
        lines.append(f"{len(undated)} chapters have no date: the book's years are those of the "
                     "dated ones, and may be too few.")
    lines += ["", "## Introductions left out (`intro: drop`)", ""]
    lines += ([f"- {n}. `{p.slug}`: “{p.intro_text}”" for n, p in places["drop"]] or ["None."])
    lines += ["", "## Every chapter", "",
              "| # | slug | first published | date (from) | authors | introduction |",
              "|---|---|---|---|---|---|"]
    for n, p in numbered:
        wording = KINDS[p.kind]
        where = f"{wording.lead} {p.outlet}" if p.outlet else wording.alone
        date = f"{p.date} ({p.date_from})" if p.date else "—"
        lines.append(f"| {n} | `{p.slug}` | {where} | {date} | {', '.join(p.authors)} | "
                     f"{p.intro or '—'} |")
    return "\n".join(lines) + "\n"
