"""The index stage: check the book's index.yaml against the built chapters and report coverage.

`make index` runs it before the books are built, so the editor sees which headwords the text
never mentions (they are left out of the printed index) and how often each one is located.
The occurrences are those the html stage marked in the chapters (scripts.content.chapters),
which both books print; the books never need this stage's report.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from scripts.core.atomic import write_text
from scripts.core.memo import Memo, code_version
from scripts.core.paths import BookPaths
from scripts.index.match import Occurrence
from scripts.index.render import build_model, sort_key
from scripts.index.terms import IndexTerms, load_terms

# ---------------------------------------------------------------- the index stage


def chapter_sources(articles: Path) -> list[tuple[str, str]]:
    """(chapter id, XHTML) of the built chapters: the same parts the book builders index
    (title, subtitle, headnote and body), never the raw scrapes."""
    from scripts.content.chapters import load_chapters
    return [(chapter.id, chapter_xhtml(chapter.title, chapter.subtitle, chapter.headnote, chapter.body))
            for chapter in load_chapters(articles)]


def chapter_xhtml(title: str, subtitle: str, headnote: str, body: str) -> str:
    """A chapter's indexable parts as one fragment (the shape the book templates produce)."""
    parts = [f"<h1>{title}</h1>"]
    parts += [f'<p class="subtitle">{subtitle}</p>'] if subtitle else []
    parts += [f'<div class="headnote"><p>{headnote}</p></div>'] if headnote else []
    return "<section>" + "".join(parts) + body + "</section>"


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


def run(paths: BookPaths) -> str:
    """The index stage: the editor's terms checked against the built chapters -> reports/index.md."""
    report = paths.reports / "index.md"
    if not paths.index_terms.exists():
        write_text(report, f"# Index\n\nThis book has no index: {paths.index_terms} does not exist.\n"
                           "See reports/index-candidates.md (`make index-candidates`) for headwords "
                           "to start one with.\n")
        return f"no index terms ({paths.index_terms}) -> {report}"
    from scripts.content.chapters import load_chapters
    memo = Memo.in_build(paths.build, "index", code_version())
    terms = load_terms(paths.index_terms, memo)
    memo.prune()
    # The occurrences the html stage marked, the very ones both books print.
    chapters = load_chapters(paths.articles, terms)
    occurrences: list[Occurrence] = [o for chapter in chapters for o in chapter.occurrences or []]
    model = build_model(terms, occurrences, target="pdf")
    write_text(report, coverage_report(terms, occurrences, model.dropped, paths.articles.as_posix()))
    return (f"{len(terms.entries)} entries, {len(occurrences)} locators in "
            f"{len(chapters)} chapters -> {report}")
