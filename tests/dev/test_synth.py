"""Smoke test of the benchmark's archive generator (the benchmark itself is not in `make test`)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.core.book import load_book
from scripts.dev.synth import OUTLETS, generate, read_corpus, write_archive

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "manuscript" / "sources").glob("*.txt"))


@pytest.fixture(scope="module")
def corpus() -> list[str]:
    return read_corpus(SEEDS)


@pytest.fixture(scope="module")
def archive(corpus):
    return generate(5, seed=7, corpus=corpus)


@pytest.fixture(scope="module")
def text(archive) -> str:
    return "\n".join(archive.files.values())


def test_same_seed_same_bytes_other_seed_other_text(corpus, archive):
    assert generate(5, seed=7, corpus=corpus).files == archive.files
    assert generate(5, seed=8, corpus=corpus).files != archive.files


def test_each_file_opens_with_page_chrome_and_holds_its_posts(archive):
    assert len(archive.posts) == 5
    for name, text in archive.files.items():
        first = text.split("\n", 1)[0]
        assert re.fullmatch(r"Archive for [A-Z][a-z]+, \d{4}|Posts Tagged ‘[^’]+’", first), first
        titles = [p.title for p in archive.posts if p.file == name]
        # Posts run together with no separator, newest first; each title is a line of its own.
        positions = [text.index(f"\n\n{title}\n\n") for title in titles]
        assert positions == sorted(positions, reverse=True)


def test_intro_names_the_outlet_in_the_first_person(archive, text):
    for post in archive.posts:
        intro = post.blocks[0][1]
        assert post.outlet in intro
        assert re.search(r"\b(I|my)\b|\b(posting|this time)\b", intro)
        assert re.search(r"\b(piece|column)\b", intro)
        # The introduction comes right before the title.
        assert f"{intro}\n\n{post.title}\n\n" in text


def test_format_features_are_present(text):
    assert "\u00a0" in text                                               # no-break spaces
    assert re.search(r"(© (Reuters|AP|AFP|Getty Images)|©\u00a0\w+|PHOTO: [A-Z]+|Courtesy of )", text)
    assert re.search(r"^\S.* (is a senior fellow|are senior fellows) at ", text, re.M)  # bio
    assert re.search(r"^[A-Z][\w’-]*( [\w’-]+){0,5}$", text, re.M)      # short heading lines
    assert re.search(r"[a-z][.,”’]?\d{1,2}[ \u00a0]", text)              # glued note markers
    assert re.search(r"^Notes\n\n1\. ", text, re.M)                      # headed notes list
    assert re.search(r"^1 [A-Z]", text, re.M)                            # unheaded notes list
    assert re.search(r"\[1\]", text) and re.search(r"^\[1\]: https://", text, re.M)


def test_lost_drop_cap(archive):
    dropped = [p for p in archive.posts if "lost-drop-cap" in p.features]
    assert dropped
    for post in dropped:
        first = next(text for kind, text in post.blocks if kind == "paragraph")
        assert first[0].islower() and first[1] != " "                   # "he narrative ..."


def test_duplicates_of_every_shape(archive, text):
    shapes = {p.duplicate for p in archive.posts} - {None}
    assert shapes == {"exact", "truncated", "glued", "pull-quote"}
    paragraphs = [ln for ln in text.split("\n\n") if len(ln) > 150]
    assert len(paragraphs) > len(set(paragraphs))                        # an exact repeat
    assert any(a != b and b.startswith(a) for a in paragraphs for b in paragraphs
               if len(a) > 40)                                           # truncated / glued copy


def test_prose_is_not_copied_from_the_seeds(corpus, text):
    seed_paragraphs = {ln for t in corpus for ln in t.splitlines() if len(ln) > 150}
    generated = [ln for ln in text.splitlines() if len(ln) > 150]
    copied = [ln for ln in generated if ln in seed_paragraphs]
    assert not copied


def test_written_archive_is_a_valid_book(tmp_path, archive):
    write_archive(archive, tmp_path)
    book = load_book(tmp_path / "book.yaml")
    assert book.sources == list(archive.files)
    assert all((tmp_path / "sources" / name).is_file() for name in book.sources)
    manifest = json.loads((tmp_path / "synth.json").read_text(encoding="utf-8"))
    assert manifest["articles"] == 5 and all(p["outlet"] in OUTLETS for p in manifest["posts"])


def test_splitter_finds_every_generated_post(tmp_path, corpus):
    from scripts.core.model import load_articles

    archive = generate(12, seed=3, corpus=corpus)
    write_archive(archive, tmp_path)
    done = subprocess.run([sys.executable, "-m", "scripts", "split", "--book", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    articles = load_articles(tmp_path / "build" / "model" / "split.json")
    assert len(articles) == len(archive.posts)
    assert sorted(a.title for a in articles) == sorted(p.title for p in archive.posts)


@pytest.mark.parametrize("seed", [1, 2])
def test_generated_notes_pass_the_text_stages_with_nothing_for_the_editor(tmp_path, corpus, seed):
    """Split -> normalise -> dedupe -> notes on a small archive: every generated note is cited
    once, in order, and no marker is left for the editor to settle."""
    from scripts.text import notes
    from scripts.text.dedupe import dedupe
    from scripts.core.model import BODY_KINDS, NOTE_CLOSE, NOTE_OPEN
    from scripts.text.normalise import normalise
    from scripts.text.split import split_sources

    archive = generate(12, seed=seed, corpus=corpus)
    assert {p.note_style for p in archive.posts} == {"headed", "unheaded", "brackets", None}
    write_archive(archive, tmp_path)
    book = load_book(tmp_path / "book.yaml")
    articles = split_sources([tmp_path / "sources" / name for name in archive.files], book).articles
    articles = dedupe(normalise(articles), book.author).articles
    records = notes.reassemble(articles, [])
    notes.check(records, articles)                  # raises naming every note problem
    assert [a.title for a in articles] == [p.title for p in archive.posts]
    for article, post in zip(articles, archive.posts):
        cited = [int(n) for b in article.blocks
                 for n in re.findall(f"{NOTE_OPEN}(\\d+){NOTE_CLOSE}", b.text)]
        assert cited == list(range(1, post.notes + 1)), article.slug
        assert [n.number for n in article.notes] == cited
        # Nothing that reads as a marker stays in the running text.
        assert not [s for s in notes.find_slots(article) if s.sure], article.slug
        assert all(b.kind in BODY_KINDS or NOTE_OPEN not in b.text for b in article.blocks)
