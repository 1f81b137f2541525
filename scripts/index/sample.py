"""A reproducible sample of the index's sub-entry locators, each with the sentence it points at.

    python -m scripts.index.sample --build build --terms manuscript/index.yaml --n 50 --seed 13

Precision of sub-entries is checked by reading: does the passage a locator points at discuss
the sub-topic?  This prints, for a seeded sample of sub-entry locators of the built chapters,
the entry, the sub-entry and the sentence around the anchor, for a reader to judge.  The
sentence is the one the matching rule read (scripts.index.match.sentence_spans), so the
sample shows exactly the evidence the rule had.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from scripts.index.match import mark_occurrences, sentence_spans
from scripts.index.report import chapter_sources
from scripts.index.terms import IndexTerms, load_terms


@dataclass
class Locator:
    chapter: str
    anchor: str
    entry: str
    sub: str
    sentence: str


def _sentence_at(markup: str, anchor_id: str) -> str:
    """The sentence of the anchor's block that holds the anchor."""
    root = etree.fromstring(f"<root>{markup}</root>".encode("utf-8"))
    anchor = root.find(f".//*[@id='{anchor_id}']")
    block = anchor.getparent()
    while block.tag not in ("p", "li", "h1", "h2", "h3", "h4", "td", "th", "blockquote", "dd"):
        if block.getparent() is None:
            break
        block = block.getparent()
    for sup in list(block.iter("sup")):           # a note number is not part of the sentence
        tail = sup.tail or ""
        sup.tail = None
        sup.text = ""
        for child in list(sup):
            sup.remove(child)
        sup.tail = tail
    marker = "\u2063"                       # an invisible separator marks the anchor's place
    anchor.text = marker + (anchor.text or "")
    text = re.sub(r"\s+", " ", "".join(block.itertext()))
    place = text.index(marker)
    text = text.replace(marker, "")
    for start, end in sentence_spans(text):
        if start <= place < end:
            return text[start:end].strip()
    return text.strip()


def locators(build: Path, terms: IndexTerms) -> list[Locator]:
    out = []
    for chapter_id, html in chapter_sources(build / "articles"):
        marked, found = mark_occurrences(html, chapter_id, terms)
        for o in found:
            if o.sub is None:
                continue
            entry = terms.entries[o.term]
            sub = next(s for s in entry.subentries if s.key == o.sub)
            out.append(Locator(chapter_id, o.anchor_id, entry.term, sub.term,
                               _sentence_at(marked, o.anchor_id)))
    return out


def draw(build: Path, terms: IndexTerms, n: int, seed: int) -> list[Locator]:
    every = locators(build, terms)
    return random.Random(seed).sample(every, min(n, len(every)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", type=Path, default=Path("build"))
    parser.add_argument("--terms", type=Path, default=Path("manuscript/index.yaml"))
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)
    terms = load_terms(args.terms)
    sample = draw(args.build, terms, args.n, args.seed)
    total = len(locators(args.build, terms))
    out = [f"{len(sample)} of {total} sub-entry locators (seed {args.seed}).", ""]
    for number, loc in enumerate(sample, 1):
        out.append(f"{number}. **{loc.entry} › {loc.sub}** ({loc.chapter}, `{loc.anchor}`): "
                   f"{loc.sentence}")
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
