"""Stage: the bibliography, compiled from the notes and formatted by citeproc.

Input: the articles with their notes (build/model/noted.json), in chapter order.
Outputs:
  build/bibliography.json            CSL-JSON, one item per distinct work (stable ids)
  build/bibliography.html            the formatted list, by pandoc --citeproc with its
                                     built-in Chicago author-date style; entries keep
                                     id="ref-<id>" so the book can link to them
  build/bibliography-citations.json  id -> where it is cited [{slug, chapter, note}]
  build/reports/bibliography.md      notes without a reference, low-confidence parses

Reading one note is `scripts.bibliography.parse`; this module resolves
"Ibid." and short forms within an article, merges the same work cited in
several notes or articles, applies the editor's overrides and formats.
"""

from __future__ import annotations

import copy
import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scripts.core.paths import BookPaths
from scripts.core.atomic import write_text
from scripts.bibliography.names import NameReport, name_sites, organisation_forms, unify
from scripts.bibliography.overrides import (Overrides, check_aliases_used, check_notes_exist,
                                            load_overrides)
from scripts.bibliography.report import render_report
from scripts.bibliography.parse import (CITATION, IBID, NAME_CONNECTORS, NO_SOURCE, NOTE_REF,
                                        Segment, fold, parse_note, url_host)
from scripts.core.console import progress
from scripts.core.errors import UserError
from scripts.core.memo import Memo
from scripts.core.model import Article, load_articles


@dataclass
class Citation:
    """One reference found in one note (several notes may cite the same work)."""
    slug: str
    chapter: int
    note: int
    item: dict[str, Any]
    how: str = "full"           # full, ibid, short form of note N, as note N, override
    warnings: list[str] = field(default_factory=list)
    segment: str = ""
    creator_text: str = ""
    id: str = ""


@dataclass
class Unreferenced:
    slug: str
    note: int
    reason: str
    text: str


@dataclass
class Report:
    notes: int = 0
    unreferenced: list[Unreferenced] = field(default_factory=list)   # notes that cite nothing
    skipped_parts: list[Unreferenced] = field(default_factory=list)  # prose beside a citation
    citations: list[Citation] = field(default_factory=list)
    works: int = 0
    problems: list[str] = field(default_factory=list)                # across works
    names: NameReport = field(default_factory=NameReport)             # forms unified, sites named
    foreign_titles: list[str] = field(default_factory=list)          # ids given language 'und'
    types: list[str] = field(default_factory=list)                   # each work's CSL type

    @property
    def low_confidence(self) -> list[Citation]:
        return [c for c in self.citations if c.warnings]


# ---------------------------------------------------------------- resolving within an article

def _initials(name: str) -> str:
    return "".join(w[0] for w in re.findall(r"[^\W\d_][\w’'-]*", name)
                   if w.casefold() not in {"of", "the", "and", "for"}).upper()


def same_creator(short: str, full: Citation, aliases: dict[str, str]) -> bool:
    """'SCO' ~ 'Shanghai Cooperation Organisation', 'Erokhin' ~ 'Dmitry Erokhin', 'UNSC' ~ …"""
    if not short or not full.creator_text:
        return False
    short_key, full_key = fold(short), fold(full.creator_text)
    if short_key == full_key or fold(aliases.get(short, "")) == full_key:
        return True
    first = (full.item.get("author") or [{}])[0]
    if fold(first.get("family", "")) == short_key:
        return True
    return short.isupper() and len(short) >= 2 and _initials(full.creator_text) == short


def same_title_start(short: str, full: str) -> bool:
    short_key, full_key = fold(short), fold(full)
    return len(short_key) >= 3 and (full_key.startswith(short_key) or short_key.startswith(full_key))


def _copy(citation: Citation, slug: str, chapter: int, note: int, how: str) -> Citation:
    return Citation(slug, chapter, note, copy.deepcopy(citation.item), how, [],
                    citation.segment, citation.creator_text)


def resolve_article(article: Article, chapter: int, overrides: Overrides,
                    report: Report) -> list[Citation]:
    """Read every note of one article; resolve Ibid., short forms and 'note N' pointers."""
    by_note: dict[int, list[Citation]] = {}
    earlier: list[Citation] = []            # full references, in note order
    aliases: dict[str, str] = {}            # "SCO" -> "Shanghai Cooperation Organisation"
    found_all: list[Citation] = []
    previous: int | None = None
    for note in article.notes:
        override = overrides.notes.get((article.slug, note.number))
        segments = _segments_for(note.text, override, overrides)
        found: list[Citation] = []
        reasons: list[str] = []
        for segment in segments:
            here = (article.slug, chapter, note.number)
            if segment.kind == NO_SOURCE:
                reasons.append(segment.reason)
                report.skipped_parts.append(Unreferenced(article.slug, note.number,
                                                         segment.reason, segment.text))
            elif segment.kind == IBID:
                before = by_note.get(previous, []) if previous is not None else []
                if not before:
                    reasons.append("Ibid. but the previous note cites nothing")
                for cited in before:
                    resolved = _copy(cited, *here, how=f"ibid (note {previous})")
                    if len(before) > 1:
                        resolved.warnings.append(
                            "Ibid. after a note citing several works: all of them are credited")
                    found.append(resolved)
            elif segment.kind == NOTE_REF:
                target = by_note.get(segment.target_note or -1, [])
                if not target:
                    reasons.append(f"points to note {segment.target_note}, which cites nothing")
                found += [_copy(c, *here, how=f"as note {segment.target_note}") for c in target]
            else:
                citation = _citation(segment, here, aliases, earlier, reasons)
                if citation is not None:
                    found.append(citation)
        by_note[note.number] = found
        previous = note.number
        if not found:
            report.unreferenced.append(Unreferenced(
                article.slug, note.number,
                override.reason if override and override.reason else
                "; ".join(dict.fromkeys(reasons)) or "nothing recognised", note.text))
        found_all += found
    return found_all


def _segments_for(text: str, override, overrides: Overrides) -> list[Segment]:
    if override is not None and override.references is not None:
        return [Segment(CITATION, "(from the overrides file)", item=copy.deepcopy(ref),
                        creator_text=_creator_text(ref)) for ref in override.references] or \
               [Segment(NO_SOURCE, text, reason=override.reason)]
    segments = parse_note(text, overrides.names)
    if override is not None and override.fix is not None:
        cited = [s for s in segments if s.kind == CITATION]
        if len(override.fix) != len(cited):
            raise UserError(
                f"the fix has {len(override.fix)} entr{'y' if len(override.fix) == 1 else 'ies'}"
                f" but the note yields {len(cited)} reference(s)", file=overrides.file,
                line=override.line,
                hint="give one fix per reference, in order ({} for one to leave alone), "
                     "or replace them with 'references:'")
        for segment, fix in zip(cited, override.fix):
            segment.item.update(copy.deepcopy(fix))
            if fix:
                segment.warnings = []
                segment.short_form = segment.short_form and not (
                    {"URL", "issued", "container-title"} & set(fix))
    return segments


def _creator_text(item: dict[str, Any]) -> str:
    first = (item.get("author") or [{}])[0]
    return first.get("literal") or " ".join(
        p for p in (first.get("given"), first.get("family")) if p)


def _citation(segment: Segment, here: tuple[str, int, int], aliases: dict[str, str],
              earlier: list[Citation], reasons: list[str]) -> Citation | None:
    for alias in segment.aliases:
        aliases[alias] = segment.creator_text
    if segment.creator_text in aliases and segment.item.get("author") == [
            {"literal": segment.creator_text}]:
        # "SCO" after "Shanghai Cooperation Organisation (SCO)": one author, one spelling.
        segment.item["author"] = [{"literal": aliases[segment.creator_text]}]
    if segment.short_form:
        for full in reversed(earlier):
            if same_creator(segment.creator_text, full, aliases) and \
                    same_title_start(segment.item.get("title", ""), full.item.get("title", "")):
                return _copy(full, *here, how=f"short form of note {full.note}")
        if segment.item.get("type") == "report" and not segment.warnings:
            # An unquoted "Creator, Words" with nothing else is more often prose.
            reasons.append("prose, or a short form that matches no earlier note")
            return None
        segment.warnings.append("looks like a short form, but no earlier note in this "
                                "article gives the full reference")
    citation = Citation(*here, item=segment.item, warnings=list(segment.warnings),
                        segment=segment.text, creator_text=segment.creator_text)
    if not segment.short_form:
        earlier.append(citation)
    return citation


# ---------------------------------------------------------------- merging and ids

def normal_url(url: str) -> str:
    url = re.sub(r"^https?://(www\.)?", "", url.strip()).split("#")[0]
    return url.rstrip("/").casefold()


def work_key(item: dict[str, Any]) -> str:
    """Two citations are the same work when creator and title agree (or, for a bare
    address, the address).  Not the address alone: notes copy a wrong address."""
    url = item.get("URL", "")
    title = item.get("title", "")
    if not title:
        return "url:" + normal_url(url)
    return f"{fold(_creator_text(item))}|{fold(title)}"


_STOP = {"the", "and", "for", "from", "with", "of", "on", "in", "to", "a", "an", "at", "by",
         "its", "is", "are", "was"}


def _ascii_words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.findall(r"[a-z0-9]+", text.casefold().replace("’", "").replace("'", ""))


def base_id(item: dict[str, Any]) -> str:
    """'erokhin-2020-comparative-analysis-digital': readable and stable across builds."""
    first = (item.get("author") or [{}])[0]
    # Without an author Chicago leads with the outlet, and so does the id.
    who = _ascii_words(re.sub(r"\b(\w)\.", r"\1", first.get("family") or first.get("literal")
                              or item.get("container-title") or item.get("publisher") or ""))
    who = who[1:] if who[:1] == ["the"] and len(who) > 1 else who    # "The Epoch Times": epoch
    if not item.get("title"):
        # A bare address: "finance-yahoo-com-nd", "statcounter-nd-gs-statcounter-com".
        host = [w for w in _ascii_words(url_host(item.get("URL", ""))) if w != "www"]
        named_by_site = first.get("literal") == url_host(item.get("URL", ""))
        return "-".join(([] if named_by_site else who[:1]) + host +
                        [str(item.get("issued", {}).get("date-parts", [["nd"]])[0][0])])
    words = [w for w in _ascii_words(item.get("title", "")) if w not in _STOP]
    year = str(item.get("issued", {}).get("date-parts", [[""]])[0][0] or "nd")
    parts = ([who[0]] if who else []) + [year] + words[:3]
    return "-".join(parts) or "ref"


def _richness(item: dict[str, Any]) -> int:
    return sum(1 for v in item.values() if v)


def merge(citations: list[Citation], report: Report) -> list[dict[str, Any]]:
    """One CSL item per distinct work; sets each citation's id."""
    groups: dict[str, list[Citation]] = defaultdict(list)
    for citation in citations:
        groups[work_key(citation.item)].append(citation)
    used: dict[str, int] = {}
    items = []
    for key in sorted(groups):
        group = groups[key]
        best = max(group, key=lambda c: _richness(c.item))    # max keeps the first of equals
        item = copy.deepcopy(best.item)
        item.pop("id", None)
        base = base_id(item)
        used[base] = used.get(base, 0) + 1
        item_id = base if used[base] == 1 else f"{base}-{used[base]}"
        for citation in group:
            citation.id = item_id
        urls = sorted({normal_url(c.item["URL"]) for c in group if c.item.get("URL")})
        if len(urls) > 1:
            report.problems.append(f"`{item_id}` is cited with different addresses: "
                                   + ", ".join(urls))
        items.append({"id": item_id, **item})
    by_url: dict[str, list[str]] = defaultdict(list)
    for item in items:
        if item.get("URL"):
            by_url[normal_url(item["URL"])].append(item["id"])
    for url, ids in sorted(by_url.items()):
        if len(ids) > 1:
            report.problems.append(f"one address for different works ({', '.join(ids)}): {url}"
                                   " -- check the notes, one address may be wrong")
    return sorted(items, key=lambda i: i["id"])


# ---------------------------------------------------------------- the stage

def build_bibliography(articles: list[Article], overrides: Overrides | None = None
                       ) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]], Report]:
    """CSL items, where each is cited (id -> [{slug, chapter, note}]) and the report."""
    overrides = overrides or Overrides()
    check_notes_exist(overrides, {(a.slug, n.number) for a in articles for n in a.notes})
    report = Report()
    citations: list[Citation] = []
    for chapter, article in enumerate(progress(articles, "bibliography"), 1):
        report.notes += len(article.notes)
        citations += resolve_article(article, chapter, overrides, report)
    cited = [c.item for c in citations]
    check_aliases_used(overrides, set(organisation_forms(cited)))
    report.names.rewrites = unify(cited, overrides.organisations)
    report.names.sites = name_sites(cited, [f"{c.slug}#{c.note}" for c in citations])
    items = merge(citations, report)
    mark_languages(items, book_vocabulary(articles), report)
    report.types = [item["type"] for item in items]
    report.citations = citations
    report.works = len(items)
    cited_in: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for citation in citations:
        place = {"slug": citation.slug, "chapter": citation.chapter, "note": citation.note}
        if place not in cited_in[citation.id]:
            cited_in[citation.id].append(place)
    return items, {k: cited_in[k] for k in sorted(cited_in)}, report


# Citeproc reads <i>, <b>, <sup>, <sub> and <span> in CSL strings as formatting.
# Scraped text is data: a zero-width space after '<' keeps such a tag literal.
_CSL_MARKUP = re.compile(r"<(?=/?(?:i|b|sup|sub|span|sc)\b)", re.I)


def csl_safe(value: Any) -> Any:
    if isinstance(value, str):
        return _CSL_MARKUP.sub("<\u200b", value)
    if isinstance(value, list):
        return [csl_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: csl_safe(v) for k, v in value.items()}
    return value


# ---------------------------------------------------------------- titles the style must not case

_TITLE_WORD = re.compile(r"[^\W\d_][\w’'-]*")
_PROSE_KINDS = {"paragraph", "numbered", "bullet", "heading", "standfirst", "title", "sidebar"}


def book_vocabulary(articles: list[Article]) -> set[str]:
    """Every word of the book's own text, folded: the lexicon of the language it is in.
    Notes are left out: they are where the foreign titles are."""
    return {fold(w) for a in articles for b in a.blocks if str(b.kind) in _PROSE_KINDS
            for w in _TITLE_WORD.findall(b.text)}


# English's commonest short words: nearly every English title of some length has one.
_ENGLISH_LINKS = {"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have",
                  "in", "into", "is", "it", "its", "of", "on", "or", "over", "the", "their",
                  "to", "was", "were", "will", "with"}


def foreign_title(title: str, vocabulary: set[str]) -> bool:
    """Is the title in another language than English, the one the style title-cases?

    Two signs, both needed: none of English's commonest short words, and most of its longer
    words never used in the book's own text ('Prezident Poruchil Obespechit’ Realizatsiyu
    Proyektov po Razvitiyu GBAO').  The names the book discusses are in its text, so
    'Dauletmurat Tajimuratov Arrested' stays English; so does a title with 'of' or 'in'
    whose words the book happens not to use.  Three longer words at least: a short title is
    no evidence either way."""
    words = [fold(w) for w in _TITLE_WORD.findall(title)]
    if any(w in _ENGLISH_LINKS for w in words):
        return False
    long = [w for w in words if len(w) >= 4]
    return len(long) >= 3 and sum(w not in vocabulary for w in long) > len(long) / 2


def mark_languages(items: list[dict[str, Any]], vocabulary: set[str], report: Report) -> None:
    """`language: und` on a title in another language that gives no translation (one with a
    translation has its language from the parser), so that citeproc leaves its case alone.
    Without the book's text (notes alone) there is no evidence, and nothing is marked."""
    if not vocabulary:
        return
    for item in items:
        if item.get("title") and not item.get("language") and \
                foreign_title(item["title"], vocabulary):
            item["language"] = "und"
            report.foreign_titles.append(item["id"])


# Particles of names, lower-case inside a title in every style ("Katibat al Tawhid wal
# Jihad"); title-casing would capitalise them.
_PARTICLES = NAME_CONNECTORS | {"wal", "bint", "ben", "dos", "das", "del", "della", "di", "ter",
                                "ten", "op", "zu", "y"}
_PARTICLE = re.compile(r"(?<=[\w,’'”)] )(" + "|".join(sorted(_PARTICLES, key=len, reverse=True))
                       + r")(?= [^\W\d_])")


def protect_case(item: dict[str, Any]) -> dict[str, Any]:
    """Shield the name particles of an English title from title-casing (CSL's `nocase`).
    A title in another language is never title-cased, so it needs none."""
    title = item.get("title")
    if not title or (item.get("language") and not item["language"].startswith("en")):
        return item
    shielded = _PARTICLE.sub(lambda m: f'<span class="nocase">{m.group(1)}</span>', title)
    return item if shielded == title else {**item, "title": shielded}


def csl_output(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The CSL-JSON written for citeproc: scraped markup made inert, then our own case spans."""
    return [protect_case(item) for item in csl_safe(items)]


def format_bibliography(bibliography_json: Path, ids: list[str], lang: str, memo: Memo | None = None) -> str:
    """The HTML list, formatted by pandoc's citeproc with its default (Chicago author-date) style.
    With a memo (whose version names pandoc's), the list formatted last time from the very
    same CSL-JSON: an edit to the text seldom changes a reference."""
    if not ids:
        return ""
    if memo is not None:
        return memo.remember(("citeproc", bibliography_json.read_bytes(), "\0".join(ids), lang),
                             lambda: format_bibliography(bibliography_json, ids, lang))
    import pypandoc

    document = "---\nnocite: |\n  " + ", ".join(f"@{i}" for i in ids) + "\n---\n"
    html = pypandoc.convert_text(
        document, "html", format="markdown",
        extra_args=["--citeproc", f"--bibliography={bibliography_json}",
                    f"--metadata=lang:{lang}", "--wrap=none"])
    # The nocase spans are ours (protect_case), an instruction to citeproc, not to a reader.
    return _NOCASE_SPAN.sub(r"\1", html)


_NOCASE_SPAN = re.compile(r'<span class="nocase">([^<]*)</span>')


# ---------------------------------------------------------------- CLI

def run(noted: Path, out_dir: Path, reports: Path, overrides_path: Path, lang: str,
        memo: Memo | None = None) -> tuple[list[dict[str, Any]], Report]:
    articles = load_articles(noted)
    overrides = load_overrides(overrides_path)
    items, cited_in, report = build_bibliography(articles, overrides)
    bibliography_json = out_dir / "bibliography.json"
    write_text(bibliography_json,
               json.dumps(csl_output(items), ensure_ascii=False, indent=1) + "\n")
    html = format_bibliography(bibliography_json, [i["id"] for i in items], lang, memo)
    write_text(out_dir / "bibliography.html", html)
    write_text(out_dir / "bibliography-citations.json",
               json.dumps(cited_in, ensure_ascii=False, indent=1) + "\n")
    write_text(reports / "bibliography.md", render_report(report, str(overrides_path)))
    return items, report


def run_stage(paths: BookPaths) -> str:
    """The bibliography stage: the notes -> CSL-JSON -> citeproc HTML, and its report."""
    from scripts.core.book import book_for

    from scripts.content.pandoc_batch import pandoc_memo

    lang = book_for(paths).language
    memo = pandoc_memo(paths.build, "bibliography")
    items, report = run(paths.noted_model, paths.build, paths.reports, paths.bibliography_overrides,
                        lang, memo)
    memo.prune()
    return (f"{report.notes} notes, {len(report.citations)} references, "
            f"{len(items)} works, {len(report.unreferenced)} notes without one, "
            f"{len(report.low_confidence)} to check, {len(report.names.undecided)} sites to name"
            f" -> {paths.bibliography_html}")
