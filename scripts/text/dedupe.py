"""Stage 3: take out the text the scrapes repeat, and move what is not chapter text to the back matter.

Input: build/model/normalised.json (and manuscript/book.yaml for the author's
name, manuscript/dedupe.yaml for the editor's overrides).
Output: build/model/deduped.json, build/contributors.json and the audit,
build/reports/dedupe.json and dedupe.html.

A block leaves a chapter only by moving to `article.removed` with its reason
and, for a repeat, the place of the copy that stays (`twin`) and the
similarity that decided it.  What leaves:

- repeats the scraper made of running text, found with word 5-gram shingles
  and an inverted index (candidate pairs share rare shingles), then confirmed
  by an exact comparison of their words:
  duplicate (the same paragraph again), glued-copy (a paragraph that ends
  with a full copy of an earlier one: the copy is cut off, the real part
  stays), truncated-copy (a paragraph that is only the opening of another),
  pull-quote (a copy set in Title Case or as a pull quote, wording may
  differ a little), sidebar-repeats-body (a side-box paragraph that repeats
  the body), near-duplicate (the same paragraph with a word or two changed);
- per-article bios: the back matter gets one bio per person
  (build/contributors.json), chosen by completeness;
- captions (the book has no photos), back-matter headings and contributor
  name lines.

What stays, on purpose: a standfirst or caption is never a copy of the body
(its role is to echo it); notes are the notes stage's business; a phrase
shorter than MIN_WORDS words is never a paragraph's worth of repeat; and
text repeated in a different article is the author's own re-use (listed in
the report, never removed).  The decision is by role first and by overlap
second.

The stage's parts: text/wording.py compares text, text/dedupe_keys.py gives blocks
their keys and reads the editor's decisions, text/dedupe_bios.py chooses each person's
bio, text/dedupe_audit.py writes the audit; this module finds the repeats, decides, and
runs the stage.  It stays some 640 lines because the shingle index and the decisions are
one algorithm: what counts as a candidate pair is tuned against what the decision accepts.
"""

from __future__ import annotations

import gc
import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property
from itertools import chain, combinations, groupby


from scripts.core.paths import BookPaths
from scripts.core import paths as resources
from scripts.core import model as m
from scripts.core.atomic import write_text
from scripts.core.reports import json_text
from scripts.core.errors import UserError
from scripts.text.dedupe_audit import audit, render_html
from scripts.text.dedupe_bios import Bio, apply_bio_choices, bio_subjects, choose_bios
from scripts.text.dedupe_keys import (REPORT, BlockKeys, Overrides, block_keys, block_ref, load_overrides,
                                      tail_key)
from scripts.text.wording import (MIN_WORDS, comparable, containment, find_run, is_title_case,
                                  meaning_changes, opens_with, same_characters, shingles_of,
                                  similarity, words_at)

# A shingle found in more blocks than this is a stock phrase ("at the same time
# as the"); it cannot tell two blocks apart, so it does not propose pairs.
RARE_MAX = 30
# Below this share of shared shingles a pair is not worth comparing word by word.
CANDIDATE_CONTAINMENT = 0.3
# A block with this share of its wording in another article's block is a paragraph the
# author used again (listed for the editor, never removed); below it, shared phrasing.
REUSED_ELSEWHERE = 0.6
NEAR_DUPLICATE = 0.9      # difflib ratio of the case-folded words
PULL_QUOTE_SIMILAR = 0.8  # a Title-Case copy or a pull quote may be reworded a little more
SIDEBAR_CONTAINED = 0.8   # share of a side-box paragraph's shingles found in one body paragraph

# Running text: the blocks that can be copies of one another.
TEXT_KINDS = frozenset({m.PARAGRAPH, m.NUMBERED, m.BULLET, m.SIDEBAR, m.PULL_QUOTE})
# Roles set apart from the body: their copies of body text go whatever the source.
SET_APART = frozenset({m.SIDEBAR, m.PULL_QUOTE})
# Which copy stays when two are the same: the body's, then the side box's, then the pull quote's.
ROLE_RANK = {m.PARAGRAPH: 0, m.NUMBERED: 0, m.BULLET: 0, m.SIDEBAR: 1, m.PULL_QUOTE: 2}
# Roles that never stay in a chapter, whatever their text.
ALWAYS_LEAVE = {
    m.CAPTION: ("caption-without-image", "a photo caption, and the book has no photos"),
    m.BACKMATTER_HEADING: ("back-matter-heading", "the book has one back matter for all articles"),
    m.CONTRIBUTOR: ("contributor-name-moved", "the name heads the contributor's bio in the back matter"),
}

DUPLICATE = "duplicate"
GLUED = "glued-copy"
TRUNCATED = "truncated-copy"
PULL_QUOTE = "pull-quote"
SIDEBAR_COPY = "sidebar-repeats-body"
NEAR = "near-duplicate"
BIO_MOVED = "bio-moved-to-back-matter"
BIO_UNKNOWN = "bio-without-name"
SIDEBAR_EMPTIED = "side-box-emptied"
EDITOR = "editor-override"


# ---------------------------------------------------------------- the index of running text

@dataclass
class Entry:
    """One block of running text as the index sees it."""
    article: int
    position: int             # the block's place in its article
    block: m.Block
    words: tuple[str, ...]
    shingles: set[int]

    @cached_property
    def title_case(self) -> bool:
        return is_title_case(self.block.text)

    @property
    def rank(self) -> int:
        return ROLE_RANK.get(self.block.kind, 0) + (2 if self.title_case else 0)


def make_entry(article: int, position: int, block: m.Block) -> Entry:
    words = comparable(block.text)
    return Entry(article, position, block, words, shingles_of(words))


class ShingleIndex:
    """Inverted index shingle -> entries, for the shingles found in more than one block.

    Most shingles of real prose occur once; set operations (in C) find the
    shared ones first, so only those are posted, and only the rare ones
    (at most RARE_MAX blocks) propose pairs."""

    def __init__(self, entries: list[Entry]):
        self.entries = entries
        seen: set[int] = set()
        shared: set[int] = set()
        for entry in entries:                  # set operations in C, no per-shingle Python loop
            shared |= entry.shingles & seen
            seen |= entry.shingles
        self.shared = shared
        self.postings: dict[int, list[int]] = defaultdict(list)
        # Each entry's posted shingles, kept: later passes need them, and intersecting an
        # entry's shingles with a set of 100,000 again costs a cache miss per shingle.
        self.posted: list[set[int]] = []
        for number, entry in enumerate(entries):
            posted = entry.shingles & shared
            self.posted.append(posted)
            for shingle in posted:
                self.postings[shingle].append(number)

    def update(self, number: int, entry: Entry) -> None:
        """Re-index one entry whose text lost words (a glued copy cut off)."""
        for shingle in self.entries[number].shingles - entry.shingles:
            postings = self.postings.get(shingle)
            if postings and number in postings:
                postings.remove(number)
        self.entries[number] = entry
        self.posted[number] = entry.shingles & self.shared

    def _rare(self, postings: list[int]) -> bool:
        return len(postings) <= RARE_MAX

    def candidates(self) -> list[tuple[int, int, int]]:
        """(a, b, shared) for every pair of blocks of ONE article sharing enough rare shingles
        that one may copy the other (only a copy inside an article is ever taken out)."""
        article_of = [entry.article for entry in self.entries]
        shared: Counter = Counter()
        for postings in self.postings.values():
            # Most rare shingles are in blocks of different articles (no pair here): the
            # check in C spares those the loop below.
            if self._rare(postings) and len(set(map(article_of.__getitem__, postings))) < len(postings):
                # Postings are in entry order, and entries in article order: each run of one
                # article's entries gives that article's pairs, counted in C.
                for _, run in groupby(postings, key=article_of.__getitem__):
                    run = list(run)
                    if len(run) > 1:
                        shared.update(combinations(run, 2))
        sizes = [len(entry.shingles) for entry in self.entries]
        return sorted((a, b, count) for (a, b), count in shared.items()
                      if count >= CANDIDATE_CONTAINMENT * min(sizes[a], sizes[b]))

    def reused_across_articles(self, share: float) -> list[tuple[int, int]]:
        """(a, b) for blocks of different articles where `share` of the smaller block's
        shingles are rare shingles of the other: a paragraph the author used again.

        A prefix filter instead of counting every pair: if the smaller block A shares
        k >= share*|A| of its rare shingles with B, then B holds at least one of A's
        len(rare) - k + 1 rarest ones, so only the postings of those few are looked at,
        and each pair they propose is checked with one set intersection."""
        # An entry's rare shingles: its posted ones less the few frequent ones (a small set,
        # so the difference is cheap where the intersection with every rare one was not).
        frequent = {s for s, postings in self.postings.items() if len(postings) > RARE_MAX}
        rare_of = [posted - frequent for posted in self.posted]
        frequency = {s: len(p) for s, p in self.postings.items()}
        sizes = [len(entry.shingles) for entry in self.entries]
        article_of = [entry.article for entry in self.entries]
        found: set[tuple[int, int]] = set()
        for a, own in enumerate(rare_of):
            needed = math.ceil(share * sizes[a]) if sizes[a] else 1
            if len(own) < needed:
                continue
            # Rarest first, ties by shingle: a stable sort by frequency of the shingles in
            # order (keys looked up in C, not a Python key function per shingle).
            prefix = sorted(sorted(own), key=frequency.__getitem__)[:len(own) - needed + 1]
            # Each block the prefix's postings name, once (gathered in C: a block sharing
            # several prefix shingles would otherwise be probed once for each).
            probed = set(chain.from_iterable(map(self.postings.__getitem__, prefix)))
            smaller = (sizes[a], a)
            for b in probed:                   # each pair probed by its smaller, across articles
                if (article_of[b] != article_of[a] and (sizes[b], b) > smaller
                        and len(own & rare_of[b]) >= needed):
                    found.add((a, b))
        return sorted(found)

    def recount(self, pairs: list[tuple[int, int, int]], changed: set[int]) -> list[tuple[int, int, int]]:
        """The candidates again after some entries lost words: cutting text only removes
        shingles, so no new pair can appear; only pairs touching a changed entry are recounted."""
        result = []
        for a, b, count in pairs:
            if a in changed or b in changed:
                common = self.entries[a].shingles & self.entries[b].shingles
                count = sum(1 for shingle in common if 1 < len(self.postings.get(shingle, ())) <= RARE_MAX)
                smaller = min(len(self.entries[a].shingles), len(self.entries[b].shingles))
                if count < CANDIDATE_CONTAINMENT * smaller:
                    continue
            result.append((a, b, count))
        return result


# ---------------------------------------------------------------- decisions

@dataclass
class Decision:
    article: int
    block: m.Block
    reason: str
    detail: str = ""
    twin: tuple[int, m.Block] | None = None
    similarity: float | None = None
    tail_at: int | None = None            # glued copy: the offset where the copy starts
    tail: m.Block | None = None           # glued copy: the cut-off copy, once cut
    tail_key: str = ""                    # glued copy: the key an editor uses to keep it


@dataclass
class KeptRepeat:
    """A repeat the stage examined and kept, with why (for the editor to check)."""
    article: int
    block: m.Block
    other: tuple[int, m.Block]
    similarity: float
    why: str


@dataclass
class Outcome:
    articles: list[m.Article]
    contributors: dict
    removals: list[tuple[int, m.Removal]]            # (article index, removal) made by this run
    kept: list[KeptRepeat]
    keys: BlockKeys                                   # (slug, block id) -> key, every block seen
    overridden: list[dict]


def glued_copies(index: ShingleIndex, pairs: list[tuple[int, int, int]],
                 structured: set[int]) -> list[Decision]:
    """Paragraphs that end with a full copy of an earlier paragraph of the same article.
    Only a text scrape glues paragraphs together: a source that marks its paragraphs
    (the articles in `structured`) has none."""
    decisions = []
    cut: set[tuple[int, str]] = set()
    for a, b, _ in pairs:
        for copy, host in ((a, b), (b, a)):
            c, h = index.entries[copy], index.entries[host]
            if (c.article != h.article or c.article in structured or c.position >= h.position
                    or (h.article, h.block.id) in cut
                    or c.rank != h.rank or len(c.words) < MIN_WORDS
                    or len(h.words) - len(c.words) < 3 or h.words[-len(c.words):] != c.words):
                continue
            spans = words_at(h.block.text)
            offset = spans[len(h.words) - len(c.words)][1]
            cut.add((h.article, h.block.id))
            decisions.append(Decision(
                h.article, h.block, GLUED,
                f"the last {len(c.words)} of its {len(h.words)} words repeat {c.block.id}; "
                f"the first {len(h.words) - len(c.words)} stay", (c.article, c.block), 1.0, offset))
    return decisions


def copy_decision(x: Entry, y: Entry) -> tuple[Decision | None, KeptRepeat | None]:
    """Decide about one candidate pair of the same article: which (if any) is a copy."""
    def twin_of(e: Entry) -> tuple[int, m.Block]:
        return (e.article, e.block)

    if len(x.words) < MIN_WORDS or len(y.words) < MIN_WORDS:
        return None, None
    if x.words == y.words:
        keep, copy = sorted((x, y), key=lambda e: (e.rank, e.position))
        if not same_characters(x.block.text, y.block.text):
            return None, KeptRepeat(copy.article, copy.block, twin_of(keep), 1.0,
                                    "the same words with different symbols between them "
                                    "(a formula, a list, a quotation): not a copy")
        reason = _copy_reason(copy, keep, DUPLICATE)
        return Decision(copy.article, copy.block, reason,
                        f"the same words as {keep.block.id}", twin_of(keep), 1.0), None
    short, long = (x, y) if len(x.words) < len(y.words) else (y, x)
    if opens_with(short.words, long.words) and short.rank >= long.rank:
        reason = _copy_reason(short, long, TRUNCATED)
        return Decision(short.article, short.block, reason,
                        f"only the opening {len(short.words)} of the {len(long.words)} words of "
                        f"{long.block.id}", twin_of(long), 1.0), None
    at = find_run(short.words, long.words)
    if at >= 0:
        if short.rank < long.rank:
            # A body paragraph found inside a longer side box or pull quote: taking out
            # either would lose words or move body text into the box.  The editor decides.
            return None, KeptRepeat(short.article, short.block, twin_of(long), 1.0,
                                    "a body paragraph repeated inside a longer side box or pull "
                                    "quote: which to keep is an editor's decision")
        reason = _copy_reason(short, long, DUPLICATE)
        return Decision(short.article, short.block, reason,
                        f"all its {len(short.words)} words are part of {long.block.id} "
                        f"(from word {at + 1})", twin_of(long), 1.0), None
    ratio = similarity(x.words, y.words)
    keep, copy = sorted((x, y), key=lambda e: (e.rank, e.position))
    if ratio >= min(PULL_QUOTE_SIMILAR, NEAR_DUPLICATE):
        changes = meaning_changes(keep.words, copy.words)
        if changes:
            return None, KeptRepeat(copy.article, copy.block, twin_of(keep), round(ratio, 3),
                                    f"the words that differ ({', '.join(changes)}) change what "
                                    "it says: not a copy")
    if copy.rank > keep.rank and copy.block.kind != m.SIDEBAR and ratio >= PULL_QUOTE_SIMILAR:
        return Decision(copy.article, copy.block, PULL_QUOTE,
                        f"{'Title Case ' if copy.title_case else ''}copy of {keep.block.id}, "
                        f"reworded slightly", twin_of(keep), round(ratio, 3)), None
    if copy.block.kind == m.SIDEBAR and keep.rank == 0:
        share = containment(copy.words, keep.words)
        if share >= SIDEBAR_CONTAINED:
            return Decision(copy.article, copy.block, SIDEBAR_COPY,
                            f"{share:.0%} of its wording is in {keep.block.id}",
                            twin_of(keep), round(share, 3)), None
    if ratio >= NEAR_DUPLICATE:
        return Decision(copy.article, copy.block, NEAR,
                        f"{keep.block.id} with a few words changed", twin_of(keep), round(ratio, 3)), None
    return None, None


def _copy_reason(copy: Entry, kept: Entry, plain: str) -> str:
    if copy.block.kind == m.SIDEBAR and kept.rank < ROLE_RANK[m.SIDEBAR]:
        return SIDEBAR_COPY
    if copy.block.kind == m.PULL_QUOTE or (copy.title_case and not kept.title_case):
        return PULL_QUOTE
    return plain


def find_repeats(articles: list[m.Article], keys: BlockKeys, overrides: Overrides
                 ) -> tuple[list[Decision], list[KeptRepeat]]:
    entries = [make_entry(ai, pos, block)
               for ai, article in enumerate(articles)
               for pos, block in enumerate(article.blocks) if block.kind in TEXT_KINDS]
    index = ShingleIndex(entries)
    pairs = index.candidates()
    protected = set(overrides.keep)

    # Glued copies first: once the copy is cut off, the real part can be compared
    # with the rest (its own twin may be further down, repeated exactly).
    glued = glued_copies(index, pairs, {n for n, article in enumerate(articles) if article.structured})
    number_of = {(e.article, e.block.id): n for n, e in enumerate(index.entries)}
    changed: set[int] = set()
    for decision in glued:
        decision.tail_key = tail_key(articles[decision.article].slug,
                                     decision.block.text[decision.tail_at or 0:])
        if decision.tail_key in protected:
            continue                       # the editor keeps it whole; the override is reported
        decision.tail = _split_tail(decision)
        n = number_of[(decision.article, decision.block.id)]
        old = index.entries[n]
        index.update(n, make_entry(old.article, old.position, decision.block))
        changed.add(n)
    if changed:
        pairs = index.recount(pairs, changed)

    decisions: list[Decision] = list(glued)
    kept: list[KeptRepeat] = []
    removed: set[tuple[int, str]] = set()
    proposals = []
    for a, b in index.reused_across_articles(REUSED_ELSEWHERE):
        x, y = sorted((index.entries[a], index.entries[b]), key=lambda e: (e.article, e.position))
        if len(x.words) >= MIN_WORDS and len(y.words) >= MIN_WORDS:
            share = max(containment(x.words, y.words), containment(y.words, x.words))
            if share >= REUSED_ELSEWHERE:
                kept.append(KeptRepeat(y.article, y.block, (x.article, x.block), round(share, 3),
                                       "in a different article: the author's own re-use"))
    for a, b, _ in pairs:
        x, y = index.entries[a], index.entries[b]
        decision, keep_note = copy_decision(x, y)
        if decision and articles[x.article].structured and decision.block.kind not in SET_APART:
            decision, keep_note = None, KeptRepeat(
                decision.article, decision.block, decision.twin, decision.similarity or 1.0,
                f"looks like a {decision.reason}, but the source marks its own paragraphs: a repeat "
                "inside one post is the author's text, not a scraper's copy")
        if keep_note:
            kept.append(keep_note)
        if decision:
            proposals.append(decision)
    # Strongest evidence first; a block already taken out can neither go twice nor be a twin.
    strength = {DUPLICATE: 0, SIDEBAR_COPY: 1, TRUNCATED: 1, PULL_QUOTE: 2, NEAR: 3}
    proposals.sort(key=lambda d: (strength.get(d.reason, 0), -(d.similarity or 0), d.article,
                                  d.block.source.first_line))
    for decision in proposals:
        twin_block = decision.twin[1] if decision.twin else None
        if (decision.article, decision.block.id) in removed or (
                twin_block is not None and (decision.twin[0], twin_block.id) in removed):
            continue
        decisions.append(decision)
        if keys.get((articles[decision.article].slug, decision.block.id)) in protected:
            continue                       # reported as overridden; it stays, and may be a twin
        removed.add((decision.article, decision.block.id))
    return decisions, kept


def _split_tail(decision: Decision) -> m.Block:
    """Cut the glued copy off its host block; return the copy as a block of its own."""
    block = decision.block
    offset = decision.tail_at or 0
    tail = m.Block(kind=block.kind, text=block.text[offset:].strip(), source=block.source,
                   number=block.number, id=f"{block.id}-tail")
    block.text = block.text[:offset].rstrip()
    return tail


# ---------------------------------------------------------------- the stage

def dedupe(articles: list[m.Article], author: str, overrides: Overrides | None = None,
           report: str = REPORT) -> Outcome:
    """Decide, for every article, what leaves the chapter; move it to `removed`.  Pure but for
    mutating the articles it is given (returned in the outcome).  `report`: the audit an
    error about an editor's key sends them to."""
    overrides = overrides or Overrides()
    keys: BlockKeys = {}
    for article in articles:
        keys.update(block_keys(article))

    decisions: list[Decision] = []
    for ai, article in enumerate(articles):
        for block in article.blocks:
            if block.kind in ALWAYS_LEAVE:
                reason, detail = ALWAYS_LEAVE[block.kind]
                decisions.append(Decision(ai, block, reason, detail))

    # Bios: every one leaves; the back matter keeps the most complete per person.
    bios = [Bio(ai, block, bio_subjects(article, pos, block))
            for ai, article in enumerate(articles)
            for pos, block in enumerate(article.blocks) if block.kind == m.BIO]
    earlier_bios = [Bio(ai, r.block, bio_subjects(article, 0, r.block))
                    for ai, article in enumerate(articles)
                    for r in article.removed if r.reason == BIO_MOVED]
    contributors, chosen = choose_bios(bios + earlier_bios, author, articles)
    bio_overrides = apply_bio_choices(contributors, chosen, bios + earlier_bios, articles, keys, overrides, report)
    by_editor = {o["person"]: o for o in bio_overrides}
    for bio in bios:
        chosen_for = [name for name, b in chosen.items() if b.block is bio.block]
        if not bio.names and not chosen_for:
            decisions.append(Decision(bio.article, bio.block, BIO_UNKNOWN,
                                      "a bio whose subject could not be named: not in the back matter; "
                                      "add it by hand if wanted"))
            continue
        if chosen_for:
            editor = [f"{overrides.file}:{by_editor[n]['line']}" for n in chosen_for if n in by_editor]
            best, detail = bio, (f"chosen {'by the editor (' + ', '.join(editor) + ') ' if editor else ''}"
                                 f"as the back matter's bio of {' and '.join(chosen_for)}")
        else:
            subject = author if author in bio.names else bio.names[0]
            best = chosen.get(subject)
            if best is None:                 # the editor wrote this person's bio, or chose none
                decisions.append(Decision(bio.article, bio.block, BIO_MOVED,
                                          f"bio of {' and '.join(bio.names)}; the back matter has the editor's "
                                          f"choice for {subject} ({overrides.file}:{by_editor[subject]['line']})"))
                continue
            detail = (f"bio of {' and '.join(bio.names)}; the back matter uses a more complete one")
        decisions.append(Decision(bio.article, bio.block, BIO_MOVED, detail, (best.article, best.block),
                                  round(similarity(comparable(bio.block.text), comparable(best.block.text)), 3)))

    # The index makes millions of small objects and no cycles: the cyclic garbage
    # collector would only walk them again and again (it tripled the time at scale).
    collecting = gc.isenabled()
    gc.disable()
    try:
        repeats, kept = find_repeats(articles, keys, overrides)
    finally:
        if collecting:
            gc.enable()
    decisions += repeats
    _check_override_keys(articles, keys, {d.tail_key for d in repeats if d.reason == GLUED}, overrides, report)

    # A pull quote repeats the body by definition; one with no twin close enough still
    # cannot stay (the chapter has no place for it), so it is reported for a look.
    decided = {(d.article, d.block.id) for d in decisions}
    for ai, article in enumerate(articles):
        for block in article.blocks:
            if block.kind == m.PULL_QUOTE and (ai, block.id) not in decided:
                decisions.append(Decision(ai, block, PULL_QUOTE, "no body paragraph close enough was "
                                          "found: check its words are in the chapter"))

    # The editor's word is final: keep what they keep, drop what they drop.
    overridden = list(bio_overrides)
    final = []
    for decision in decisions:
        key = (decision.tail_key if decision.reason == GLUED
               else keys.get((articles[decision.article].slug, decision.block.id), ""))
        if key in overrides.keep:
            overridden.append({"key": key, "action": "keep", "instead_of": decision.reason,
                               "line": overrides.keep[key]})
            continue
        final.append(decision)
    decided = {(d.article, d.block.id) for d in final if d.reason != GLUED}
    for ai, article in enumerate(articles):
        for block in article.blocks:
            key = keys.get((article.slug, block.id))
            if key in overrides.drop and (ai, block.id) not in decided:
                line, note = overrides.drop[key]
                final.append(Decision(ai, block, EDITOR, note or "dropped by the editor"))
                overridden.append({"key": key, "action": "drop", "line": line})

    removals = _apply(articles, final, keys)
    removals += _empty_side_boxes(articles)
    return Outcome(articles, contributors, removals, kept, keys, overridden)


def _check_override_keys(articles: list[m.Article], keys: BlockKeys, tails: set[str],
                         overrides: Overrides, report: str = REPORT) -> None:
    known = set(keys.values()) | tails
    kinds = {}
    for article in articles:
        for block in article.blocks:
            kinds[keys[(article.slug, block.id)]] = block.kind
    for key, line in overrides.keep.items():
        if key not in known:
            raise UserError(f"no block has the key '{key}'", file=overrides.file, line=line,
                            hint="the text may have changed; copy the current key from "
                                 f"{report}")
        if kinds.get(key) in ALWAYS_LEAVE or kinds.get(key) == m.BIO:
            raise UserError(f"'{key}' is a {kinds[key].replace('_', ' ')}, which cannot stay in a "
                            "chapter", file=overrides.file, line=line,
                            hint="only repeated running text can be kept; captions, bios and "
                                 "back-matter lines always leave the chapters")
    for key, (line, _) in overrides.drop.items():
        if key not in known:
            raise UserError(f"no block has the key '{key}'", file=overrides.file, line=line,
                            hint="the text may have changed; copy the current key from "
                                 f"{report}")


def _apply(articles: list[m.Article], decisions: list[Decision], keys: BlockKeys
           ) -> list[tuple[int, m.Removal]]:
    made = []
    leaving: dict[int, set[str]] = defaultdict(set)
    for d in decisions:
        if d.reason == GLUED:
            tail = d.tail
            keys[(articles[d.article].slug, tail.id)] = d.tail_key
            removal = m.Removal(tail, GLUED, d.detail, block_ref(articles, d.twin), d.similarity)
        else:
            leaving[d.article].add(d.block.id)
            removal = m.Removal(d.block, d.reason, d.detail, block_ref(articles, d.twin), d.similarity)
        made.append((d.article, removal))
    for ai, article in enumerate(articles):
        article.blocks = [b for b in article.blocks if b.id not in leaving[ai]]
    # Keep each article's removals in source order: the report reads like the article.
    for ai, removal in sorted(made, key=lambda x: (x[0], x[1].block.source.first_line, x[1].block.id)):
        articles[ai].removed.append(removal)
    return sorted(made, key=lambda x: (x[0], x[1].block.source.first_line, x[1].block.id))


def _empty_side_boxes(articles: list[m.Article]) -> list[tuple[int, m.Removal]]:
    """A side box whose every paragraph was a copy is now only headings: they go too."""
    made = []
    for ai, article in enumerate(articles):
        runs: list[list[m.Block]] = []
        current: list[m.Block] | None = None
        for block in article.blocks:
            if block.kind in (m.SIDEBAR_HEADING, m.SIDEBAR):
                if current is None:
                    current = []
                    runs.append(current)
                current.append(block)
            elif block.kind in TEXT_KINDS | {m.HEADING}:
                current = None
        emptied = [run for run in runs if all(b.kind == m.SIDEBAR_HEADING for b in run)
                   and any(r.reason == SIDEBAR_COPY for r in article.removed)]
        for run in emptied:
            for block in run:
                removal = m.Removal(block, SIDEBAR_EMPTIED, "its paragraphs all repeated the body")
                article.removed.append(removal)
                made.append((ai, removal))
            article.blocks = [b for b in article.blocks if b not in run]
    return made


TEMPLATES = resources.TEMPLATES / "reports"


def run(paths: BookPaths) -> str:
    """The dedupe stage: normalised.json -> deduped.json, the contributors, the audit."""
    from scripts.core.book import book_for

    book = book_for(paths)
    report_html = paths.reports / "dedupe.html"
    try:
        overrides = load_overrides(paths.dedupe_overrides, str(report_html))
        outcome = dedupe(m.load_articles(paths.normalised_model), book.author, overrides, str(report_html))
    except UserError as error:
        if error.file != str(paths.dedupe_overrides):
            raise
        _write_audit_of_failure(paths, book.author, error)
        raise
    m.save_articles(paths.deduped_model, outcome.articles)
    write_text(paths.contributors, json.dumps(outcome.contributors, ensure_ascii=False, indent=1) + "\n")
    write_audit(paths, audit(outcome))
    counts = Counter(r.reason for _, r in outcome.removals)
    return f"{len(outcome.removals)} blocks out of the chapters" + (
        " (" + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + ")" if counts else "")


def write_audit(paths: BookPaths, report: dict) -> None:
    write_text(paths.reports / "dedupe.json", json_text(report))
    write_text(paths.reports / "dedupe.html", render_html(report, TEMPLATES))


def _write_audit_of_failure(paths: BookPaths, author: str, error: UserError) -> None:
    """dedupe.yaml could not be used: the audit is written anyway, from the stage's own
    decisions and with the error at its top, so the report the message sends the editor to
    exists and shows the blocks' current keys.  The model is not written: the stage failed,
    and Make runs it again once the file is fixed."""
    report = audit(dedupe(m.load_articles(paths.normalised_model), author, Overrides()))
    report["error"] = {"file": error.file, "line": error.line, "message": error.message,
                       "hint": error.hint or ""}
    write_audit(paths, report)
