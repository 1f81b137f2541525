"""Hostile and malformed input, end to end, in every format the split stage reads: each
case builds safely (nothing that runs or loads reaches the HTML both books are made from;
scraped text stays text) or stops with `error: file:line: ...` and what to do; never a
traceback, never a hang.  Tiny books in tmp_path, through the stages up to the html stage
(tests/pipeline/hostile_books.py); the slow tests build one hostile EPUB and feed the
largest inputs."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from scripts.core.errors import UserError
from scripts.core.limits import time_limit, working_on
from lxml import html as lxml_html

from tests.pipeline.hostile_books import (BOOK_YAML, FORMATS, SOURCE_NAMES, book_text, build_to_html,
                                          chapters, executable_in_book, executable_parts, write_book,
                                          write_books)

SCRIPT_PARAGRAPHS = [
    'Text with <script>alert("x")</script> inline, and <img src=x onerror="alert(1)"> too.',
    'A link [click](javascript:alert(1)) and <a href="javascript:alert(2)">here</a>, '
    '<a href="data:text/html;base64,PHNjcmlwdD4=">data</a> and <a href=" JaVaScRiPt:alert(3)">case</a>.',
    'Pandoc raw `<b>x</b>`{=html} and ::: {.warning} fenced ::: and ^[an inline note] and '
    '<!-- a comment --> end.',
    '<iframe src="https://evil.example/"></iframe><object data="x.swf"></object> '
    '<svg onload="alert(3)"><script>alert(4)</script></svg> <style>body{}</style> tail words.',
    'Bidi \u202eevil\u202c and \u2066isolated\u2069, zero\u200bwidth and \u200djoiners, '
    'a word of 500 letters ' + "x" * 500 + " and an address https://example.org/" + "a" * 500 + " end.",
]
SCRIPT_NOTES = ['A note <script>alert(5)</script> with <a href="javascript:alert(6)">a link</a> ^[x] `y`{=html}.',
                "A second note with a data: address data:text/html,<script>alert(7)</script>."]
BIDI_OVERRIDES = re.compile("[\u202a-\u202e]")
ERROR_LINE = re.compile(r"^error: \S+:\d+: .+\n  what to do: ", re.M)


def stops_with_a_located_error(capsys, code: int) -> str:
    """The stage refused the input as a user error: exit 2, `error: file:line: ...` and a hint."""
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert code == 2, err
    assert ERROR_LINE.search(err), err
    return err


def built_safely(paths) -> str:
    """Nothing that could run reached the chapters; no bidi override either.  The text."""
    assert not executable_in_book(paths)
    raw = paths.chapters_html.read_text(encoding="utf-8")
    assert not BIDI_OVERRIDES.search(raw)
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in raw)
    return book_text(paths)


@pytest.fixture(scope="module")
def hostile_book(tmp_path_factory):
    """One book with a hostile post in each format, and posts whose titles would make paths
    (`../`), built to the html stage once."""
    posts = [(fmt, f"{fmt}-hostile{EXTENSION[fmt]}",
              f"The {fmt} <script>alert(0)</script> Title <img src=x onerror=alert(9)>",
              [f"The {fmt} post opens here, with its own words."] + SCRIPT_PARAGRAPHS, SCRIPT_NOTES)
             for fmt in FORMATS]
    posts += [(fmt, f"{fmt}-title-{n}{EXTENSION[fmt]}", title,
               [f"Post {n} of the {fmt} source, about {fmt} titles number {n}."], [])
              for fmt in ("wxr", "markdown", "html") for n, title in enumerate(PATH_TITLES)]
    deep = "<div>" * 100 + "<blockquote>" * 100 + "deep words" + "</blockquote>" * 100 + "</div>" * 100
    posts += [(fmt, f"{fmt}-deep{EXTENSION[fmt]}", f"Deep {fmt}", [deep, "<b><i>" * 100 + f"bold {fmt}"], [])
              for fmt in ("wxr", "html")]
    folder = write_books(tmp_path_factory.mktemp("hostile") / "book", posts)
    code, paths = build_to_html(folder)
    assert code == 0
    return paths


EXTENSION = {fmt: Path(name).suffix for fmt, name in SOURCE_NAMES.items()}
PATH_TITLES = ["../../etc/passwd", "..", "/", "CON", "\u202e../.."]


def _chapters_from(paths, prefix: str) -> list[dict]:
    from scripts.core import model as m
    files = {a.slug: a.source_file for a in m.load_articles(paths.noted_model)}
    return [c for c in chapters(paths) if files[c["slug"]].startswith(prefix)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_markup_and_script_in_posts_and_notes_never_become_markup(hostile_book, fmt):
    (chapter,) = _chapters_from(hostile_book, f"{fmt}-hostile")
    assert not [part for key in ("title", "body", "subtitle", "headnote")
                for part in executable_parts(chapter.get(key) or "")]
    text = " ".join(lxml_html.fragment_fromstring(chapter[key], create_parent="div").text_content()
                    for key in ("title", "body") if chapter.get(key))
    assert "x" * 500 in text and "a" * 500 in text         # long words are kept whole
    assert "isolated" in text and "evil" in text and not BIDI_OVERRIDES.search(text)
    if fmt == "text":
        # A scrape is text: what looks like markup in it is printed as written.
        assert "<script>alert(" in text and "{=html}" in text and "^[an inline note]" in text
        assert "<script>alert(0)</script>" in text


def test_nothing_executable_anywhere_in_the_hostile_book(hostile_book):
    built_safely(hostile_book)


@pytest.mark.parametrize("fmt", ["wxr", "markdown", "html"])
def test_titles_never_make_a_path_outside_the_articles_folder(hostile_book, fmt):
    written = [p for p in hostile_book.articles.rglob("*") if p.is_file()]
    assert all(p.parent == hostile_book.articles for p in written)
    assert all(re.fullmatch(r"\d\d-[a-z0-9-]+\.md|\.built", p.name) for p in written)
    slugs = [c["slug"] for c in _chapters_from(hostile_book, f"{fmt}-title-")]
    assert len(slugs) == len(PATH_TITLES) and all(re.fullmatch(r"[a-z0-9-]+", s) for s in slugs)


MALFORMED = {
    "nul-bytes": lambda good: good[:len(good) // 2] + b"\x00\x00" + good[len(good) // 2:],
    "invalid-utf8": lambda good: good.replace(b"rivers", b"riv\xff\xfers"),
    "encoded-surrogate": lambda good: good.replace(b"rivers", b"riv\xed\xa0\x80ers"),   # CESU-8
    "latin-1": lambda good: good.replace(b"rivers", "rivières".encode("latin-1")),
    "cut-short": lambda good: good[:len(good) * 2 // 3],
    "oversized-line": lambda good: good.replace(b"rivers.", b"rivers " + b"word " * 30_000 + b"end."),
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("damage", MALFORMED)
def test_malformed_sources_build_safely_or_stop_with_file_and_line(tmp_path, fmt, damage, capsys):
    good = write_book(tmp_path / "good", fmt).joinpath("sources", SOURCE_NAMES[fmt]).read_bytes()
    folder = write_book(tmp_path / "book", fmt, source=MALFORMED[damage](good))
    code, paths = build_to_html(folder, "split")      # the one stage that reads the sources
    if code == 0:
        model = paths.split_model.read_text(encoding="utf-8")
        assert "\\u0000" not in model and "\x00" not in model and "\ufffd" not in model
        assert damage not in ("invalid-utf8", "encoded-surrogate", "oversized-line")
    else:
        err = stops_with_a_located_error(capsys, code)
        assert SOURCE_NAMES[fmt] in err


def test_a_lone_surrogate_escape_in_front_matter_is_refused_with_its_line(tmp_path, capsys):
    """Regression: YAML's "\\ud800" made a title no file can hold (UnicodeEncodeError)."""
    source = '---\ntitle: "Half \\ud800 a character"\ndate: 2023-05-01\n---\n\nText of the post.\n'
    code, _ = build_to_html(write_book(tmp_path / "book", "markdown", source=source), "split")
    assert "post.md:2: an escape here" in stops_with_a_located_error(capsys, code)


BOMB = "".join(f"{a}: &{a} [{', '.join([f'*{b}'] * 9) if b else ', '.join(['lol'] * 9)}]\n"
               for a, b in zip("abcdefghi", [""] + list("abcdefgh")))


@pytest.mark.parametrize("key", ["title", "tags", "categories", "author"])
def test_a_billion_laughs_in_front_matter_is_refused_at_once(tmp_path, key, capsys):
    """Regression: aliases standing for 9^9 values under a front-matter key hung the split."""
    source = "---\n" + BOMB + ("" if key == "title" else "title: Laughs\n") + f"{key}: *i\n---\n\nText.\n"
    started = time.monotonic()
    code, _ = build_to_html(write_book(tmp_path / "book", "markdown", source=source), "split")
    assert "stand for more than" in stops_with_a_located_error(capsys, code)
    assert time.monotonic() - started < 5


def test_a_python_tag_in_front_matter_is_never_run(tmp_path, capsys):
    marker = tmp_path / "ran"
    source = f"---\ntitle: !!python/object/apply:os.mkdir ['{marker}']\n---\n\nText.\n"
    code, _ = build_to_html(write_book(tmp_path / "book", "markdown", source=source), "split")
    assert "cannot read safely" in stops_with_a_located_error(capsys, code)
    assert not marker.exists()


def test_footnotes_metadata_nested_thousands_deep_is_left_out_and_reported(tmp_path, capsys):
    """Regression: the block editor's footnotes JSON nested 100,000 deep raised RecursionError."""
    from tests.pipeline.hostile_books import wordpress_export
    export = wordpress_export("Deep notes", ["Text of the post."], [])
    meta = "[" * 100_000 + "]" * 100_000
    export = export.replace(" </item>", "  <wp:postmeta><wp:meta_key>footnotes</wp:meta_key><wp:meta_value>"
                                        f"{meta}</wp:meta_value></wp:postmeta>\n </item>")
    code, paths = build_to_html(write_book(tmp_path / "book", "wxr", source=export), "split")
    assert code == 0, capsys.readouterr().err
    assert '"what": "footnotes"' in paths.split_extra.read_text(encoding="utf-8")


def test_markdown_nested_hundreds_deep_is_refused(tmp_path, capsys):
    """Regression: 400 nested quotes overflowed the reader of pandoc's tree (RecursionError); now the
    parser's depth stops them, at the line of the quote."""
    source = "---\ntitle: Deep\n---\n\n" + "> " * 400 + "a deep quote\n"
    code, _ = build_to_html(write_book(tmp_path / "book", "markdown", source=source), "split")
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "error: post.md:5: the post nests quotes" in err and "what to do:" in err


@pytest.mark.parametrize("fmt", ["wxr", "html"])
def test_html_nested_past_the_parsers_depth_is_refused_not_emptied(tmp_path, fmt, capsys):
    """Regression: libxml2 drops what is nested 255 deep; the post was reported "empty"."""
    deep = "<div>" * 300 + "words that must not vanish" + "</div>" * 300
    code, _ = build_to_html(write_book(tmp_path / "book", fmt, paragraphs=[deep]), "split")
    assert "levels deep" in stops_with_a_located_error(capsys, code)


@pytest.mark.parametrize("fmt", ["wxr", "html"])
def test_html_nested_two_hundred_deep_builds(hostile_book, fmt):
    (chapter,) = _chapters_from(hostile_book, f"{fmt}-deep")
    assert "deep words" in chapter["body"] and not executable_parts(chapter["body"])


# ---------------------------------------------------------------- what a source is

def _book_with(tmp_path, make):
    folder = write_book(tmp_path / "book", "text")
    make(folder / "sources")
    return folder


def test_a_source_linked_from_outside_the_book_is_refused(tmp_path, capsys):
    secret = tmp_path / "secret.txt"
    secret.write_text("Private words.\n", encoding="utf-8")
    folder = _book_with(tmp_path, lambda s: (s / "archive.txt").unlink() or (s / "archive.txt").symlink_to(secret))
    code, _ = build_to_html(folder, "split")
    err = capsys.readouterr().err
    assert code == 2 and "outside the book folder" in err and "Traceback" not in err


def test_a_link_to_a_folder_is_refused_not_skipped(tmp_path, capsys):
    (tmp_path / "posts").mkdir()
    folder = _book_with(tmp_path, lambda s: (s / "posts").symlink_to(tmp_path / "posts"))
    code, _ = build_to_html(folder, "split")
    assert code == 2 and "link to" in capsys.readouterr().err


def test_a_named_pipe_among_the_sources_is_refused_without_waiting(tmp_path, capsys):
    folder = _book_with(tmp_path, lambda s: os.mkfifo(s / "archive-2.txt"))
    code, _ = build_to_html(folder, "split")        # opening the pipe would wait forever
    err = capsys.readouterr().err
    assert code == 2 and "named pipe" in err and "archive-2.txt" in err


def test_a_folder_named_like_a_source_file_is_a_clear_error(tmp_path, capsys):
    folder = write_book(tmp_path / "book", "text",
                        book_yaml=BOOK_YAML + 'sources:\n  - archive.txt\n  - more.txt\n')
    (folder / "sources" / "more.txt").mkdir()
    code, _ = build_to_html(folder, "split")
    err = capsys.readouterr().err
    assert code == 2 and "more.txt" in err and "Traceback" not in err


# ---------------------------------------------------------------- the editor's files

EDITOR_FILES = ("book.yaml", "split.yaml", "dedupe.yaml", "notes.yaml", "bibliography.yaml", "index.yaml")


def _load(folder, name):
    """The loader each stage reads that editor file with."""
    path = folder / name
    if name == "book.yaml":
        from scripts.core.book import load_book
        return load_book(path)
    if name == "split.yaml":
        from scripts.text.split import load_split_decisions
        return load_split_decisions(path)
    if name == "dedupe.yaml":
        from scripts.text.dedupe_keys import load_overrides
        return load_overrides(path)
    if name == "notes.yaml":
        from scripts.text.notes import load_overrides
        return load_overrides(path, ["a-slug"])
    if name == "bibliography.yaml":
        from scripts.bibliography.overrides import load_overrides
        return load_overrides(path)
    from scripts.index.terms import load_terms
    return load_terms(path)


HOSTILE_YAML = {
    "billion-laughs": BOMB.encode(),
    "self-reference": b"entries: &a\n  - *a\nkeep: &b [*b]\n",
    "python-tag": b"title: !!python/object/apply:os.system ['echo ran']\nentries: !!python/name:os.system\n",
    "lone-surrogate": b'title: "\\ud800"\nauthor: "\\udc00"\nentries: ["\\ud800"]\nkeep: ["\\ud800"]\n',
    "invalid-utf8": b"title: caf\xe9\n",
    "nul-bytes": b"title: a\x00b\n",
}


@pytest.mark.parametrize("name", EDITOR_FILES)
@pytest.mark.parametrize("case", HOSTILE_YAML)
def test_hostile_yaml_in_every_editor_file_is_a_located_error(tmp_path, name, case):
    (tmp_path / name).write_bytes(HOSTILE_YAML[case])
    started = time.monotonic()
    with pytest.raises(UserError) as raised:
        _load(tmp_path, name)
    assert time.monotonic() - started < 5
    assert raised.value.file == str(tmp_path / name)
    assert raised.value.line and raised.value.line >= 1 and raised.value.hint


def test_yaml_nested_too_deep_to_read_is_a_located_error(tmp_path):
    """(One file stands for all: every editor file is read by the one compose_yaml.)"""
    (tmp_path / "book.yaml").write_text("title: " + "[" * 600 + "]" * 600 + "\n", encoding="utf-8")
    with pytest.raises(UserError, match="nested too deeply"):
        _load(tmp_path, "book.yaml")


@pytest.mark.parametrize("name", EDITOR_FILES)
@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_an_editor_file_that_is_a_folder_or_a_pipe_is_refused(tmp_path, name, kind):
    """Regression: a folder raised IsADirectoryError; a named pipe made the read wait forever."""
    (tmp_path / name).mkdir() if kind == "folder" else os.mkfifo(tmp_path / name)
    with pytest.raises(UserError, match="folder" if kind == "folder" else "named pipe"):
        _load(tmp_path, name)


# ---------------------------------------------------------------- time limits

def test_a_stage_past_its_time_limit_stops_naming_the_stage_and_the_input():
    started = time.monotonic()
    with pytest.raises(UserError) as raised:
        with time_limit("split", "book.yaml", seconds=0.2), working_on("sources/archive.txt"):
            while True:
                pass
    assert time.monotonic() - started < 2
    assert "the split stage was stopped after 0.2 s, still working on sources/archive.txt" in str(raised.value)
    assert "ANTHOLOGY_TIME_LIMIT" in raised.value.hint


def test_a_stage_that_loops_on_a_source_stops_with_the_error(tmp_path, monkeypatch, capsys):
    import scripts.text.split as split

    def forever(lines):
        while True:
            pass

    monkeypatch.setattr(split, "to_units", forever)
    monkeypatch.setenv("ANTHOLOGY_TIME_LIMIT", "0.3")
    code, paths = build_to_html(write_book(tmp_path / "book", "text"), "split")
    err = capsys.readouterr().err
    assert code == 2 and "the split stage was stopped after 0.3 s, still working on archive.txt" in err
    assert not paths.split_model.exists()


# ---------------------------------------------------------------- slow: the largest inputs, a real EPUB

@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_five_megabyte_line_is_refused_quickly(tmp_path, fmt, capsys):
    paragraph = "Huge " + "word " * 1_000_000 + "end."
    started = time.monotonic()
    code, _ = build_to_html(write_book(tmp_path / "book", fmt, paragraphs=[paragraph]), "split")
    assert "more than any paragraph" in stops_with_a_located_error(capsys, code)
    assert time.monotonic() - started < 20


@pytest.mark.slow
def test_a_hundred_thousand_tiny_paragraphs_are_read_without_a_hang(tmp_path, capsys):
    folder = write_book(tmp_path / "book", "text", paragraphs=[f"P{n}." for n in range(100_000)])
    code, paths = build_to_html(folder, "split")
    assert code == 0, capsys.readouterr().err
    from scripts.core import model as m
    assert sum(len(a.blocks) for a in m.load_articles(paths.split_model)) >= 100_000


@pytest.mark.slow
def test_a_hostile_scrape_makes_an_epub_that_epubcheck_passes(tmp_path, capsys):
    from zipfile import ZipFile

    from lxml import etree

    from scripts.books.epub.check import epubcheck_messages
    title = "The <script>alert(0)</script> Title"
    folder = write_book(tmp_path / "book", "text", title, SCRIPT_PARAGRAPHS, SCRIPT_NOTES)
    code, paths = build_to_html(folder, "split", "normalise", "dedupe", "notes", "articles", "html",
                                "bibliography", "index", "epub")
    assert code == 0, capsys.readouterr().err
    assert epubcheck_messages(paths.staged_epub) == []
    with ZipFile(paths.staged_epub) as epub:
        pages = {name: epub.read(name) for name in epub.namelist() if name.endswith(".xhtml")}
    for name, page in pages.items():
        root = etree.fromstring(page)
        for element in root.iter("{*}*"):
            assert etree.QName(element).localname not in ("script", "iframe", "object", "embed"), name
            for attribute, value in element.attrib.items():
                assert not etree.QName(attribute).localname.startswith("on"), (name, attribute)
                if etree.QName(attribute).localname in ("href", "src"):
                    assert not "".join(value.split()).lower().startswith(("javascript:", "data:")), (name, value)
        assert not BIDI_OVERRIDES.search(page.decode("utf-8"))
    # ... and the scrape's markup is there, as the text it is.
    assert any(b"&lt;script&gt;alert(" in page for page in pages.values())
