"""The index stage's command line: check manuscript/index.yaml against the text and report coverage.

`make index` runs it before the books are built, so the editor sees which headwords the text
never mentions (they are left out of the printed index) and how often each one is located.
Kept apart because the books never need it: they call scripts.index.match and
scripts.index.render themselves.
"""

from __future__ import annotations

import argparse
import html as html_lib
import re
from collections.abc import Sequence
from pathlib import Path

from scripts.index.match import Occurrence, mark_occurrences
from scripts.index.render import build_model, sort_key
from scripts.index.terms import DEFAULT_PATH, IndexTerms, load_terms

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
