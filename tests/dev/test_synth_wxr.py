"""The synthetic WordPress export is what the benchmark says it is: the WXR adapter finds
exactly its published posts, titles and notes (every note linked)."""

from __future__ import annotations

import json

from scripts.core.book import load_book
from scripts.core.paths import BookPaths
from scripts.dev.synth_wxr import write_export
from scripts.text.notes import assemble_article
from scripts.text.split import source_files, split_sources

from tests.conftest import SOURCES


def test_the_export_splits_into_its_published_posts_with_every_note_linked(tmp_path):
    corpus = [p.read_text(encoding="utf-8") for p in sorted(SOURCES.glob("*.txt"))]
    manifest = write_export(25, 3, corpus, tmp_path)
    paths = BookPaths(tmp_path, tmp_path / "build")
    result = split_sources(source_files(paths), load_book(paths.book_yaml), str(paths.book_yaml), paths.sources_dir)
    assert [a.title for a in result.articles] == [p["title"] for p in manifest["posts"]]
    records = [assemble_article(a, n, []) for n, a in enumerate(result.articles, 1)]
    assert [r.matched for r in records] == [p["notes"] for p in manifest["posts"]]
    assert not [p for r in records for p in r.problems]
    left = {item.what for item in result.left_out}
    assert "draft" in left or "page" in left or "attachment" in left
    assert json.loads((tmp_path / "synth.json").read_text())["articles"] == 25
