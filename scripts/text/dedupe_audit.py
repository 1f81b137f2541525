"""The dedupe audit: every block taken out of a chapter, beside the copy that stays,
with the differences marked (build/reports/dedupe.json and dedupe.html)."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from scripts.core import model as m
from scripts.text.dedupe_keys import block_ref
from scripts.text.wording import text_hash

if TYPE_CHECKING:                      # the stage imports this module: no cycle at run time
    from scripts.text.dedupe import Outcome


_NON_WORD = re.compile(r"[^\w\x00]+")


def _folded(words: list[str]) -> list[str]:
    """Each word without punctuation, case folded: one regex pass over the joined text
    (a report of ten thousand rows spent most of its time in per-word regex calls)."""
    return _NON_WORD.sub("", "\x00".join(words).casefold()).split("\x00") if words else []


def word_diff(removed: str, kept: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Both texts as (class, text) runs: 'same', 'case' (differs only in capitals), 'changed'."""
    left, right = removed.split(), kept.split()
    folded_left, folded_right = _folded(left), _folded(right)
    matcher = difflib.SequenceMatcher(None, folded_left, folded_right, autojunk=False)
    out_left: list[tuple[str, str]] = []
    out_right: list[tuple[str, str]] = []

    def push(out: list, cls: str, words: list[str]) -> None:
        if not words:
            return
        if out and out[-1][0] == cls:
            out[-1] = (cls, out[-1][1] + " " + " ".join(words))
        else:
            out.append((cls, " ".join(words)))

    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for a, b in zip(left[i1:i2], right[j1:j2]):
                cls = "same" if a == b else "case"
                push(out_left, cls, [a])
                push(out_right, cls, [b])
        else:
            push(out_left, "changed", left[i1:i2])
            push(out_right, "changed", right[j1:j2])
    return out_left, out_right


def _find_block(articles: list[m.Article], ref: str) -> m.Block | None:
    slug, _, block_id = ref.partition("#")
    for article in articles:
        if article.slug == slug:
            for block in list(article.blocks) + [r.block for r in article.removed]:
                if block.id == block_id:
                    return block
    return None


def audit(outcome: Outcome) -> dict:
    articles = outcome.articles
    chapter = {a.slug: n for n, a in enumerate(articles, 1)}
    keys = outcome.keys
    rows = []
    for article in articles:
        for removal in article.removed:
            twin = _find_block(articles, removal.twin) if removal.twin else None
            rows.append({
                "article": article.slug, "chapter": chapter[article.slug], "block": removal.block.id,
                "key": keys.get((article.slug, removal.block.id), f"{article.slug}#{text_hash(removal.block.text)}"),
                "reason": removal.reason, "block_kind": removal.block.kind,
                "source": str(removal.block.source), "text": removal.block.text,
                "twin": removal.twin, "twin_source": str(twin.source) if twin else "",
                "twin_text": twin.text if twin else "",
                "similarity": removal.similarity, "detail": removal.detail,
            })
    kept = [{
        "article": articles[k.article].slug, "block": k.block.id, "key": keys.get((articles[k.article].slug, k.block.id), ""),
        "text": k.block.text, "other": block_ref(articles, k.other), "other_text": k.other[1].text,
        "similarity": k.similarity, "why": k.why,
    } for k in outcome.kept]
    blocks = [{
        "article": a.slug, "chapter": chapter[a.slug],
        "blocks": [{"id": b.id, "kind": b.kind, "key": keys.get((a.slug, b.id), ""), "source": str(b.source),
                    "start": b.text[:90]} for b in a.blocks],
    } for a in articles]
    counts = Counter(r["reason"] for r in rows)
    return {"summary": dict(sorted(counts.items())), "removals": rows, "kept_repeats": kept,
            "overrides": outcome.overridden, "contributors": outcome.contributors, "articles": blocks}


def render_html(report: dict, template_dir: Path) -> str:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
    env = Environment(loader=FileSystemLoader(str(template_dir)),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    for row in report["removals"]:
        row["diff"] = word_diff(row["text"], row["twin_text"]) if row["twin_text"] else None
    # A repeat inside one article is shown word by word, as a removal is; a paragraph the
    # author re-used in another article is listed with its share (a book of a thousand
    # posts has thousands, and the editor needs to find them, not to read their diffs).
    inside, across = [], []
    for row in report["kept_repeats"]:
        if row["other"].partition("#")[0] == row["article"]:
            row["diff"] = word_diff(row["text"], row["other_text"])
            inside.append(row)
        else:
            across.append(row)
    html = env.get_template("dedupe.html").render(report=report, kept_inside=inside, kept_across=across)
    for row in report["removals"] + report["kept_repeats"]:
        row.pop("diff", None)
    return html


