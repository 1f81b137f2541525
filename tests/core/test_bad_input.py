"""Bad archive files: handled, or refused with file, line and what to do; never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scripts.core.book import load_book
from scripts.core.errors import UserError
from scripts.text.split import split_sources
from tests.conftest import ROOT, SEED_JANUARY, SOURCES, demo_book_copy

POST = ("Another piece for the ever wonderful Nikkei Asian Review, this time on water, which I wrote "
        "late last year.\n\nA Title Without a Full Stop\n\nA standfirst that sets the scene.\n\n"
        "The body of the article, which says something of substance about rivers.\n")


def split_one(tmp_path, content: bytes, name="archive.txt"):
    path = tmp_path / name
    path.write_bytes(content)
    book = load_book(ROOT / "manuscript" / "book.yaml")
    book.sources = [name]
    return split_sources([path], book)


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty"),
    (b"  \n\n \n", "the file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file"),
    (b"caf\xe9 au lait\n", "not UTF-8"),
    (b"Archive for May, 2023\n\nJust a line.\n\nAnother line.\n", "no post found"),
])
def test_refused_with_a_clear_message(tmp_path, content, message):
    with pytest.raises(UserError) as raised:
        split_one(tmp_path, content)
    assert message in str(raised.value)
    assert "archive.txt" in str(raised.value)


def test_crlf_bom_and_unterminated_last_line_are_handled(tmp_path):
    plain = split_one(tmp_path, ("Archive for May, 2023\n\n" + POST).encode(), "a.txt").articles
    messy = ("\ufeffArchive for May, 2023\r\n\r\n" + POST.replace("\n", "\r\n").rstrip()).encode()
    handled = split_one(tmp_path, messy, "b.txt").articles
    assert len(plain) == len(handled) == 1                      # a single-post file is fine
    assert [b.text for b in handled[0].blocks] == [b.text for b in plain[0].blocks]
    assert handled[0].title == "A Title Without a Full Stop"


def test_stray_text_before_the_first_post_names_its_line(tmp_path):
    content = ("Archive for May, 2023\n\nSome stray words\n\n" + POST).encode()
    with pytest.raises(UserError) as raised:
        split_one(tmp_path, content)
    assert raised.value.line == 3


def test_cli_prints_one_message_and_leaves_no_partial_file(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01binary")
    book = demo_book_copy(tmp_path / "book", sources=[bad], book_yaml=(
        (ROOT / "manuscript" / "book.yaml").read_text(encoding="utf-8")
        .replace(f"  - {SEED_JANUARY}\n", "  - bad.txt\n").replace("  - 002_90ad01e3225f3153.txt\n", "")))
    build = tmp_path / "build"
    result = subprocess.run([sys.executable, "-m", "scripts", "split", "--book", str(book), "--build", str(build)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "bad.txt:1: this is a binary file" in result.stderr
    # No model and no partial file; the split report is written, and says why the stage stopped.
    assert not list(build.rglob("*.tmp"))
    assert [p.relative_to(build) for p in build.rglob("*.json")] == [Path("reports/split.json")]
    assert "this is a binary file" in (build / "reports" / "split.json").read_text(encoding="utf-8")


def test_unlisted_source_is_an_error_not_a_silent_omission(tmp_path):
    book = load_book(ROOT / "manuscript" / "book.yaml")
    with pytest.raises(UserError, match="does not list it"):
        split_sources(sorted(SOURCES.glob("*.txt")) + [tmp_path / "extra.txt"], book)


@pytest.mark.parametrize("yaml_text, message, line", [
    ("title: A\nauthr: B\n", "unknown key 'authr'", 2),
    ("title: [unclosed\n", "not valid YAML", 2),
    ("title: A\nauthor: B\nlanguage: en\npublisher: P\nrights: R\nidentifier: I\ndate: someday\n",
     "is not a date", 7),
    ("title: A\n", "required key 'author'", 1),   # the mapping it is missing from
    ("title: A\nauthor: B\npaper: craem\n", "unknown paper 'craem'", 3),
    ("title: A\nauthor: B\npaper: 5 mm\n", "which no book paper is", 3),
    ("title: A\nauthor: B\npapr: cream\n", "unknown key 'papr'", 3),
])
def test_book_yaml_errors_name_file_line_and_fix(tmp_path, yaml_text, message, line):
    path = tmp_path / "book.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(UserError) as raised:
        load_book(path)
    assert message in str(raised.value)
    assert raised.value.line == line
    assert raised.value.hint


def test_paper_names_a_stock_or_gives_a_page_thickness(tmp_path):
    path = tmp_path / "book.yaml"
    for written, name, inches in (("", "white", 0.002252), ("paper: cream\n", "cream", 0.0025),
                                  ("paper: 0.0635 mm\n", "0.0635 mm", 0.0025),
                                  ("paper: 0.0028 in\n", "0.0028 in", 0.0028)):
        path.write_text("title: A\nauthor: B\n" + written, encoding="utf-8")
        paper = load_book(path).paper
        assert (paper.name, round(paper.inches_per_page, 6)) == (name, inches)
    path.write_text("title: A\nauthor: B\npaper: craem\n", encoding="utf-8")
    with pytest.raises(UserError) as raised:
        load_book(path)
    assert "did you mean 'cream'?" in raised.value.hint
