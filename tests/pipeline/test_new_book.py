"""`anthology new DIR --from PATH`: a book folder started from a blog, ready to build."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from scripts.cli import main
from scripts.core.book import book_for
from scripts.core.errors import UserError
from scripts.core.paths import BookPaths
from scripts.ingest.starter import new_book
from scripts.index.terms import load_terms
from tests.conftest import SOURCES, SEED_JANUARY, run_stages

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_a_wordpress_export_starts_a_book_named_after_the_site(tmp_path):
    folder = tmp_path / "blog"
    assert main(["new", str(folder), "--from", str(FIXTURES / "wxr-small.xml")]) == 0
    data = yaml.safe_load((folder / "book.yaml").read_text(encoding="utf-8"))
    assert data == {"title": "Test Blog & Co", "author": "Jane Writer", "language": "en-US",
                    "sources": ["wxr-small.xml"], "chapter_order": "chronological"}
    assert (folder / "sources" / "wxr-small.xml").read_bytes() == (FIXTURES / "wxr-small.xml").read_bytes()
    assert (folder / "index.yaml").exists()
    paths = BookPaths.of(folder)
    assert run_stages(folder, paths.build, "html", "index") == 0       # the text stages ran already
    assert book_for(paths).date.isoformat() == "2021-02-02"


def test_a_text_scrape_starts_a_book_with_a_seeded_index_and_a_written_date(tmp_path):
    folder = tmp_path / "scrape"
    new_book(folder, SOURCES / SEED_JANUARY)
    data = yaml.safe_load((folder / "book.yaml").read_text(encoding="utf-8"))
    assert data["author"] == "Raffaello Pantucci" and "date" in data   # no post is dated
    terms = load_terms(folder / "index.yaml")
    assert len(terms.entries) >= 10
    paths = BookPaths.of(folder)
    assert run_stages(folder, paths.build, "html", "index") == 0


def test_a_folder_of_markdown_posts_is_copied_whole_and_listed_by_its_name(tmp_path):
    posts = tmp_path / "_posts"
    posts.mkdir()
    (posts / "2021-01-02-one.md").write_text("---\ntitle: One\n---\nText one.\n", encoding="utf-8")
    (posts / "2021-02-03-two.md").write_text("---\ntitle: Two\n---\nText two.\n", encoding="utf-8")
    folder = tmp_path / "md"
    new_book(folder, posts)
    data = yaml.safe_load((folder / "book.yaml").read_text(encoding="utf-8"))
    assert data["sources"] == ["_posts"] and data["author"] == "Your Name"
    assert sorted(p.name for p in (folder / "sources" / "_posts").iterdir()) == ["2021-01-02-one.md", "2021-02-03-two.md"]


def test_it_never_overwrites_an_editors_book_yaml(tmp_path):
    folder = tmp_path / "blog"
    new_book(folder, FIXTURES / "wxr-small.xml")
    (folder / "book.yaml").write_text("title: Mine\nauthor: Me\n", encoding="utf-8")
    with pytest.raises(UserError, match="already has a book.yaml"):
        new_book(folder, FIXTURES / "wxr-small.xml")
    assert (folder / "book.yaml").read_text(encoding="utf-8") == "title: Mine\nauthor: Me\n"


def test_a_start_that_fails_leaves_nothing_behind(tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_text(FIXTURES.joinpath("wxr-small.xml").read_text(encoding="utf-8")[:900], encoding="utf-8")
    folder = tmp_path / "blog"
    with pytest.raises(UserError, match="ends before the export does"):
        new_book(folder, broken)
    assert not folder.exists()
    with pytest.raises(UserError, match="no file or folder"):
        new_book(tmp_path / "other", tmp_path / "missing.xml")


def test_the_blogs_uploads_are_copied_and_named_in_book_yaml(tmp_path):
    blog = Path(__file__).resolve().parent.parent / "corpus" / "cclabs-wxr"
    (tmp_path / "uploads" / "notes").mkdir(parents=True)
    for picture in (blog / "uploads").rglob("*.*"):
        destination = tmp_path / "uploads" / picture.relative_to(blog / "uploads")
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(picture.read_bytes())
    (tmp_path / "uploads" / "notes" / "readme.txt").write_text("not a picture", encoding="utf-8")
    folder = tmp_path / "labs"
    summary = new_book(folder, blog / "wordpress.xml", tmp_path / "uploads")
    assert "4 pictures copied" in summary
    assert yaml.safe_load((folder / "book.yaml").read_text(encoding="utf-8"))["images"] == "images"
    assert (folder / "images" / "2012" / "07" / "frontpage_3panels.png").exists()
    assert not (folder / "images" / "notes").exists()              # only pictures are copied
    split = (folder / "build" / "model" / "split.json").read_text(encoding="utf-8")
    assert '"kind":"figure"' in split


def test_an_images_folder_that_is_not_there_stops_the_start(tmp_path):
    with pytest.raises(UserError, match="no folder"):
        new_book(tmp_path / "blog", FIXTURES / "wxr-small.xml", tmp_path / "uploads")
    assert not (tmp_path / "blog").exists()
