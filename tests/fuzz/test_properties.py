"""Property-based tests (hypothesis) of the text stages, the bibliography parser and the YAML
loaders: whatever the input, they raise nothing but UserError, account for every line, and
the rules that say they are idempotent are.

`make test` runs each property on a few examples (the "fast" profile, tests/conftest.py);
`make fuzz` runs them at length (HYPOTHESIS_PROFILE=fuzz).  A crash hypothesis finds
becomes a named regression test at the end of this file, with the input it found."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scripts.core import model as m
from scripts.core.errors import UserError

# ---------------------------------------------------------------- inputs

# Lines of the kinds an archive scrape is made of, so the fuzzer reaches the splitter's
# rules rather than stopping at "no post found" every time.
LINES = [
    "Archive for May, 2023", "Posts Tagged ‘Water’",
    "Another piece for the ever wonderful Nikkei Asian Review, this time on water, which I wrote late last year.",
    "More catch-up posting, this time a piece for the Financial Times about the region.",
    "A Title Without a Full Stop", "THE CAPITAL LETTERS HEADING", "Why Rivers Matter",
    "A standfirst that sets the scene.", "By Jane Doe", "Jane Doe", "March 4, 2021",
    "Posted on March 4, 2021 by Jane Doe", "Posted in News | Leave a comment", "Share this:", "Tags: water, rivers",
    "The body of the article, which says something of substance about rivers.[1]",
    "A second paragraph that goes on about water1 and about 2016 and what came after.",
    "a paragraph cut in the middle of", "its sentence, which goes on here.",
    "Notes", "1 First note.", "2 Second note, https://example.org/a.", "3 Third note ↩", "[1]: https://example.org",
    "1. A numbered paragraph of evidence.", "• a bullet point", "Jane Doe is a writer based in London.",
    "Photo: Reuters", "About the author", "Related posts", "he narrative begins with a lost letter.",
    "", "", "",
]
line = st.one_of(st.sampled_from(LINES), st.text(min_size=0, max_size=60))
archive = st.lists(line, min_size=1, max_size=40)
words = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=120)
KINDS = [m.PARAGRAPH, m.HEADING, m.CAPTION, m.BIO, m.SIDEBAR, m.BULLET, m.NUMBERED, m.STANDFIRST,
         m.NOTE, m.NOTES_HEADING, m.INTRO, m.BYLINE]


@st.composite
def articles(draw, structured: bool | None = None) -> list[m.Article]:
    """A few articles of random blocks (texts partly shared between them, so dedupe has
    repeats to find); a title first, as the split stage guarantees."""
    pool = draw(st.lists(st.one_of(st.sampled_from(LINES[2:]), words), min_size=1, max_size=8))
    out = []
    for n in range(draw(st.integers(1, 3))):
        origin = draw(st.sampled_from([m.TEXT_SCRAPE, "wxr"])) if structured is None else \
            ("wxr" if structured else m.TEXT_SCRAPE)
        blocks = [m.Block(m.TITLE, draw(st.sampled_from(LINES[4:7])) + f" {n}", m.SourceRef(f"s{n}.txt", 1, 1))]
        for i in range(draw(st.integers(0, 8))):
            kind = draw(st.sampled_from(KINDS))
            number = draw(st.integers(1, 5)) if kind in (m.NOTE, m.NUMBERED) else None
            blocks.append(m.Block(kind, draw(st.sampled_from(pool)), m.SourceRef(f"s{n}.txt", i + 2, i + 2), number))
        for i, block in enumerate(blocks):
            block.id = f"b{i}"
        out.append(m.Article(slug=f"post-{n}", source_file=f"s{n}.txt", first_line=1,
                             last_line=len(blocks) + 1, blocks=blocks, origin=origin))
    return out


def only_user_errors(call, *args, **kwargs):
    """The call's result, or None when it refused the input as a UserError."""
    try:
        return call(*args, **kwargs)
    except UserError as error:
        assert error.message and (error.file or error.hint), error
        return None


# ---------------------------------------------------------------- split

@given(archive)
@example(["Archive for May, 2023", "", LINES[2], "", "A Short Post", "", "Some words of the post here.", "",
          "1 First note.", "", "2 Second note.", "", "3 Third note.", "", "Thanks for reading it all."])
def test_split_raises_only_user_errors_and_accounts_for_every_line(lines):
    from scripts.text.split import split_archive
    chrome: list[dict] = []
    posts = only_user_errors(split_archive, lines, "a.txt", chrome=chrome)
    if posts is None:
        return
    covered = {n for a in posts for b in a.blocks for n in range(b.source.first_line, b.source.last_line + 1)}
    covered |= {c["line"] for c in chrome}
    first = next(n for n, text in enumerate(lines, 1) if text.strip())
    covered.add(first)                      # the page's own heading, which the caller records
    missing = [n for n, text in enumerate(lines, 1) if text.strip() and n not in covered]
    assert not missing, f"lines {missing} went nowhere"
    slugs = [a.slug for a in posts]
    assert len(set(slugs)) == len(slugs)


# ---------------------------------------------------------------- normalise

@given(words)
def test_the_character_rules_are_idempotent(text):
    from scripts.text.normalise import CHARACTER_RULES

    def once(value: str) -> str:
        for _, rule, may_apply in CHARACTER_RULES:
            if may_apply(value):
                value = rule(value)
        return value

    assert once(once(text)) == once(text)


@given(articles(structured=True))
def test_normalising_a_structured_article_twice_changes_nothing_more(batch):
    from scripts.text.normalise import normalise
    once = normalise(batch)
    before = [[b.text for b in a.blocks] for a in once]
    fixes = [len(a.fixes) for a in once]
    twice = normalise(once)
    assert [[b.text for b in a.blocks] for a in twice] == before
    assert [len(a.fixes) for a in twice] == fixes


@given(articles(structured=False))
def test_normalise_keeps_every_block_of_a_scrape_or_records_the_join(batch):
    from scripts.text.normalise import normalise
    lines_before = {(a.slug, n) for a in batch for b in a.blocks
                    for n in range(b.source.first_line, b.source.last_line + 1)}
    after = only_user_errors(normalise, copy.deepcopy(batch))
    if after is None:
        return
    lines_after = {(a.slug, n) for a in after for b in a.blocks + [r.block for r in a.removed]
                   for n in range(b.source.first_line, b.source.last_line + 1)}
    assert lines_before <= lines_after


# ---------------------------------------------------------------- dedupe

@given(articles())
def test_dedupe_moves_blocks_but_never_loses_one(batch):
    from scripts.text.dedupe import dedupe
    ids = sorted((a.slug, b.id) for a in batch for b in a.blocks)
    outcome = only_user_errors(dedupe, copy.deepcopy(batch), "Jane Doe")
    if outcome is None:
        return
    after = sorted((a.slug, b.id.removesuffix("-tail")) for a in outcome.articles
                   for b in a.blocks + [r.block for r in a.removed] if not b.id.endswith("-tail"))
    assert after == ids
    assert all(r.reason for a in outcome.articles for r in a.removed)


# ---------------------------------------------------------------- notes

@given(articles(structured=False))
def test_the_notes_stage_raises_only_user_errors(batch):
    from scripts.text.notes import check, reassemble
    records = only_user_errors(reassemble, batch, [])
    if records is not None:
        only_user_errors(check, records, batch)


# ---------------------------------------------------------------- bibliography

NOTE_PARTS = ["Ibid.", "Ibid., 4.", "See note 4.", "Jane Doe, ", "“A Title in Quotes,” ", "‘Single Quoted’, ",
              "The Times, ", "12 March 2021, ", "https://example.org/a?b=c ", "(accessed 3 May 2022)", ". ",
              "; ", "Interview with the author.", "Doe and Roe, ", "et al., ", "pp. 3–5", "(London: Verso, 2010)"]


@given(st.lists(st.one_of(st.sampled_from(NOTE_PARTS), words), max_size=12).map("".join))
def test_the_bibliography_parser_reads_any_note(text):
    from scripts.bibliography.parse import CITATION, IBID, NO_SOURCE, NOTE_REF, parse_note
    segments = parse_note(text)
    assert all(segment.kind in (CITATION, IBID, NOTE_REF, NO_SOURCE) for segment in segments)


# ---------------------------------------------------------------- the YAML loaders

scalar = st.one_of(words, st.integers(), st.booleans(), st.none(), st.dates().map(str),
                   st.sampled_from(["true", "NO", "010", "2026-02-30", "~", "- x", "*a", "&a", "!!python/name:os.system"]))
values = st.recursive(scalar, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                      st.dictionaries(words, inner, max_size=4)), max_leaves=12)
BOOK_KEYS = ["title", "author", "date", "language", "sources", "chapter_order", "select", "subjects", "images",
             "name", "file_as", "pages", "categories", "from", "to", "identifier", "rights"]
LOADER_KEYS = ["entries", "term", "match", "see", "see_also", "subentries", "sort", "keep", "drop", "starts",
               "not_a_start", "note", "marker", "unreferenced", "names", "notes", "replace", "a-slug"]
documents = st.one_of(
    st.dictionaries(st.sampled_from(BOOK_KEYS + LOADER_KEYS), values, max_size=6).map(
        lambda d: yaml.safe_dump(d, allow_unicode=True)),
    st.text(max_size=200))


def _each_loader(folder: Path):
    from scripts.bibliography.overrides import load_overrides as bibliography
    from scripts.core.book import load_book
    from scripts.index.terms import load_terms
    from scripts.text.dedupe_keys import load_overrides as dedupe
    from scripts.text.notes import load_overrides as notes
    from scripts.text.split import load_split_decisions
    return {"book.yaml": load_book, "split.yaml": load_split_decisions, "dedupe.yaml": dedupe,
            "notes.yaml": lambda p: notes(p, ["a-slug"]), "bibliography.yaml": bibliography,
            "index.yaml": load_terms}


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(documents)
def test_every_yaml_loader_raises_only_user_errors(tmp_path, text):
    for name, load in _each_loader(tmp_path).items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        only_user_errors(load, path)
