"""Time the dedupe stage on a synthetic manuscript: N articles of ~50 paragraphs.

The paragraphs are drawn from the real seeds' vocabulary with its own word
frequencies (so stock phrases are as common as in real prose), and each article
gets the damage the seeds show: an exact repeat, a glued copy, a truncated
copy, a Title-Case pull quote and a bio.  The run reports the time and checks
every planted repeat was found and nothing else was removed.

    .venv/bin/python -m scripts.dev.bench_dedupe --articles 1000
"""

from __future__ import annotations

import argparse
import random
import re
import time
from collections import Counter
from pathlib import Path

from scripts.core import model as m
from scripts.text.dedupe import dedupe

PARAGRAPHS = 50


def vocabulary(model: Path) -> list[str]:
    """Every word of the seeds, repeated as often as it occurs (sampling keeps the frequencies)."""
    if model.exists():
        words = [w for a in m.load_articles(model) for b in a.blocks for w in re.findall(r"[\w’]+", b.text)]
        if len(words) > 1000:
            return words
    return [f"w{n}" for n in range(5000)] * 3


def synthetic(articles: int, words: list[str], seed: int = 1) -> tuple[list[m.Article], Counter]:
    rng = random.Random(seed)
    planted: Counter = Counter()
    out = []
    for n in range(articles):
        slug = f"a{n}"
        texts = [" ".join(rng.choice(words) for _ in range(rng.randint(40, 110))) + "."
                 for _ in range(PARAGRAPHS)]
        kinds = [m.PARAGRAPH] * len(texts)
        # The damage: a paragraph again, a copy glued on, an opening, a Title-Case pull quote, a bio.
        texts.append(texts[3]); kinds.append(m.PARAGRAPH); planted["duplicate"] += 1
        texts[10] = texts[10] + " " + texts[8]; planted["glued-copy"] += 1
        texts.append(" ".join(texts[20].split()[:15])); kinds.append(m.PARAGRAPH); planted["truncated-copy"] += 1
        texts.append(texts[30].title()); kinds.append(m.PARAGRAPH); planted["pull-quote"] += 1
        texts.append("Jane Doe is a senior fellow at the Institute of Things and author of a book "
                     f"number {n}."); kinds.append(m.BIO); planted["bio-moved-to-back-matter"] += 1
        blocks = [m.Block(kind=k, text=t, id=f"b{i}", source=m.SourceRef("synthetic.txt", n * 100 + i, n * 100 + i))
                  for i, (k, t) in enumerate(zip(kinds, texts))]
        out.append(m.Article(slug=slug, source_file="synthetic.txt", first_line=n * 100,
                             last_line=n * 100 + len(blocks), blocks=blocks, authors=["Jane Doe"]))
    return out, planted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--vocabulary", type=Path, default=Path("build/model/normalised.json"))
    args = parser.parse_args(argv)
    articles, planted = synthetic(args.articles, vocabulary(args.vocabulary))
    paragraphs = sum(len(a.blocks) for a in articles)
    start, cpu = time.perf_counter(), time.process_time()
    outcome = dedupe(articles, "Jane Doe")
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    found = Counter(r.reason for _, r in outcome.removals)
    # CPU time too: on a shared machine the wall clock also counts other people's jobs.
    print(f"dedupe: {args.articles} articles, {paragraphs} blocks in {elapsed:.2f} s "
          f"({cpu:.2f} s CPU)")
    print(f"planted {dict(sorted(planted.items()))}")
    print(f"found   {dict(sorted(found.items()))}")
    return 0 if found == planted else 1


if __name__ == "__main__":
    raise SystemExit(main())
