"""The index's words are marked once, by the html stage, for the index report and both books
(scripts/content/chapters.py): the three cannot disagree on what the index locates."""

from __future__ import annotations

import json
import shutil

from scripts.content.chapters import load_chapters
from scripts.core.paths import BookPaths
from scripts.index.match import mark_occurrences
from scripts.index.terms import parse_terms
from tests.conftest import ROOT, demo_book_copy, run_stages

TERMS = "entries:\n  - term: Kazakhstan\n  - term: Tokayev, Kassym-Jomart\n    match: [Tokayev]\n"


def built(tmp_path, index_yaml: str | None = TERMS) -> BookPaths:
    book = demo_book_copy(tmp_path / "book", sources=[])
    if index_yaml is not None:
        (book / "index.yaml").write_text(index_yaml, encoding="utf-8")
    paths = BookPaths.of(book, tmp_path / "build")
    shutil.copytree(ROOT / "tests" / "fixtures" / "articles", paths.articles)
    paths.articles_stamp.touch()
    assert run_stages(book, paths.build, "html") == 0
    return paths


def test_the_html_stage_marks_the_terms_once_with_the_occurrences_they_locate(tmp_path):
    paths = built(tmp_path)
    data = json.loads(paths.chapters_html.read_text(encoding="utf-8"))
    terms = parse_terms(TERMS)
    assert data["index_terms"] == terms.fingerprint
    for entry in data["chapters"]:
        body, found = mark_occurrences(entry["body"], f"ch{entry['number']:02d}", terms)
        assert entry["indexed_body"] == body
        assert entry["occurrences"] == [o.__dict__ for o in found]
    assert any(entry["occurrences"] for entry in data["chapters"])
    # The books read them back as they were written, and the index report counts exactly those.
    chapters = load_chapters(paths.articles, terms)
    assert [c.indexed_body for c in chapters] == [e["indexed_body"] for e in data["chapters"]]
    assert run_stages(paths.book, paths.build, "index") == 0
    located = sum(len(e["occurrences"]) for e in data["chapters"])
    assert f"| locators (headword or sub-entry) | {located} |" in (paths.reports / "index.md").read_text(encoding="utf-8")


def test_marks_made_with_other_terms_are_never_used(tmp_path):
    paths = built(tmp_path)
    other = parse_terms("entries:\n  - term: Uzbekistan\n")
    chapters = load_chapters(paths.articles, other)
    assert {o.term for c in chapters for o in c.occurrences} == {"uzbekistan"}
    # Without terms, no chapter carries marks.
    assert all(c.indexed_body is None and c.occurrences is None for c in load_chapters(paths.articles))


def test_a_book_without_index_terms_has_no_marks(tmp_path):
    paths = built(tmp_path, index_yaml=None)
    data = json.loads(paths.chapters_html.read_text(encoding="utf-8"))
    assert "index_terms" not in data and all("occurrences" not in e for e in data["chapters"])


def test_a_bad_terms_file_stops_the_html_stage_with_its_line(tmp_path, capsys):
    book = demo_book_copy(tmp_path / "book", sources=[])
    (book / "index.yaml").write_text("entries:\n  - term: Kazakhstan\n    matchs: [Kazakh]\n", encoding="utf-8")
    paths = BookPaths.of(book, tmp_path / "build")
    shutil.copytree(ROOT / "tests" / "fixtures" / "articles", paths.articles)
    paths.articles_stamp.touch()
    assert run_stages(book, paths.build, "html") == 2
    err = capsys.readouterr().err
    assert "index.yaml:3: unknown key 'matchs'" in err and "Traceback" not in err
