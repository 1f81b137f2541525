"""The release's parts on small inputs (fast lane): names, checksums, the zip, the refusals."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import zipfile
from pathlib import Path

import pytest

from scripts.core.errors import UserError
from scripts.release.archive import sha256sums, zip_folder
from scripts.release.build import Verdict, book_slug, refusal


def _book(title: str):
    from scripts.core.book import Book
    return Book(title=title, author="A. Writer", author_file_as="Writer, A.", language="en",
                publisher="A. Writer", rights="", identifier="urn:uuid:x", date=dt.date(2024, 5, 1))


@pytest.mark.parametrize("title, slug", [
    ("Between Beijing and Moscow", "between-beijing-and-moscow"),
    ("Crème brûlée: notes, 2001–2004!", "creme-brulee-notes-2001-2004"),
    ("Записки", "book"),                                          # no Latin letters at all
    ("word " * 30, "-".join(["word"] * 12)),                      # cut at a word, under 61 characters
])
def test_the_slug_is_the_title_as_a_file_name(title, slug):
    assert book_slug(_book(title)) == slug


def test_sha256sums_is_what_sha256sum_checks(tmp_path):
    files = {"b.txt": b"second\n", "a.epub": bytes(range(256)), "c d.pdf": b"%PDF"}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "SHA256SUMS").write_text(sha256sums(files))
    done = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    (tmp_path / "b.txt").write_bytes(b"changed\n")
    assert subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=tmp_path,
                          capture_output=True).returncode == 1


def test_the_zip_depends_only_on_the_files_not_on_their_order():
    files = {"z.pdf": b"%PDF-1.7 " * 100, "a.epub": b"PK" * 50, "m.json": b"{}"}
    when = dt.datetime(2024, 5, 1)
    one = zip_folder("book-2024-05-01", files, when)
    two = zip_folder("book-2024-05-01", dict(reversed(list(files.items()))), when)
    assert one == two
    with zipfile.ZipFile(io.BytesIO(one)) as archive:
        assert archive.namelist() == ["book-2024-05-01/", "book-2024-05-01/a.epub",
                                      "book-2024-05-01/m.json", "book-2024-05-01/z.pdf"]
        assert archive.read("book-2024-05-01/z.pdf") == files["z.pdf"]
    assert zip_folder("book-2024-05-01", files, dt.datetime(2024, 5, 2)) != one


def test_a_release_with_any_checker_finding_is_refused_in_one_message(tmp_path):
    clean = Verdict("5.3.0", "1.4.6", {"b.epub": [], "b.kepub.epub": []}, {"b.epub": []})
    assert refusal(clean, tmp_path / "r.json") is None
    found = Verdict("5.3.0", "1.4.6",
                    {"b.epub": [], "b.kepub.epub": [{"level": "USAGE", "id": "ACC-009",
                                                     "location": "x", "message": "a usage note"}]},
                    {"b.epub": [{"rule": "Images must have alternate text", "document": "c.xhtml",
                                 "impact": "critical", "description": "", "where": ""}]})
    error = refusal(found, tmp_path / "r.json")
    assert isinstance(error, UserError)
    text = str(error)
    assert "refused" in text and "b.kepub.epub" in text and "ACC-009" in text
    assert "Images must have alternate text" in text and str(tmp_path / "r.json") in text


def test_the_release_stage_is_in_the_table_and_not_part_of_make_books():
    from scripts.stages import BUILD_STAGES, BY_NAME
    from scripts.core.paths import BookPaths
    stage = BY_NAME["release"]
    paths = BookPaths(Path("book"), Path("out"))
    assert {paths.epub, paths.print_pdf, paths.screen_pdf} <= set(stage.inputs(paths))
    assert stage not in BUILD_STAGES


def test_a_copied_book_with_the_demo_identifier_is_refused_before_anything_is_done(tmp_path, capsys):
    from tests.conftest import demo_book_copy, run_stages
    book = demo_book_copy(tmp_path / "my-book")
    build = tmp_path / "build"
    build.mkdir()
    for name in ("anthology.epub", "anthology.pdf", "anthology-screen.pdf"):
        (build / name).write_bytes(b"")          # never read: the refusal comes first
    assert run_stages(book, build, "release") == 2
    err = capsys.readouterr().err
    line = next(n for n, text in enumerate((book / "book.yaml").read_text(encoding="utf-8").splitlines(), 1)
                if text.startswith("identifier:"))
    assert "demo book's identifier" in err and f"book.yaml:{line}:" in err and "Traceback" not in err
    assert not (build / "dist").exists()


def test_the_spine_is_the_page_count_times_the_papers_thickness_and_carries_text_when_wide():
    from dataclasses import replace

    from scripts.core.book import PAPER_STOCKS, Paper
    from scripts.release.printcover import layout
    book = _book("Between Beijing and Moscow")
    width, height = book.trim.width, book.trim.height                 # the default trim, 6 x 9 in
    white = layout(book, width, height, 138, (1600, 2560))
    assert white.spine == pytest.approx(138 * 0.002252 * 72)
    assert white.width == pytest.approx(2 * width + white.spine)
    assert white.spine_text == "Between Beijing and Moscow  ·  A. Writer" and white.spine_text_size >= 6
    cream = layout(replace(book, paper=Paper("cream", PAPER_STOCKS["cream"])), width, height, 138, (1600, 2560))
    assert cream.spine > white.spine
    assert layout(book, width, height, 60, (1600, 2560)).spine_text == ""          # under 79 pages: none
    long_title = _book("An Uncommonly Long Title for a Slim Book of Essays, " * 3)
    assert layout(long_title, width, height, 100, (1600, 2560)).spine_text == ""   # too long for the spine
    # The front image is as tall as the sheet with its bleed, on the front's half.
    assert white.front_image.height == pytest.approx(height + 2 * white.bleed)
    assert white.front_image.x >= width + white.spine
    assert white.barcode.x + white.barcode.width <= width and white.barcode.y + white.barcode.height <= height


def test_the_cover_bleed_is_the_printers():
    from dataclasses import replace

    from scripts.core.printing import load_profile
    from scripts.release.printcover import layout
    book = _book("Between Beijing and Moscow")
    assert book.printer.key == "kdp"
    assert layout(book, 432, 648, 138, (1600, 2560)).bleed == pytest.approx(0.125 * 72)        # KDP's
    offset = replace(book, printer=load_profile("offset"))
    assert layout(offset, 419.53, 595.28, 138, (1600, 2560)).bleed == pytest.approx(3 / 25.4 * 72)


KOBO_DOC = b"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" lang="en"><head><title>A. Title</title></head>
<body><section><h1 id="t">Title here</h1>
<p>One. Two? <em>Three</em> four\xe2\x80\xa6 Five</p>
<ul><li>Item <a href="#t">link. Next</a></li></ul></section></body></html>
"""


def test_kobo_spans_wrap_each_sentence_inside_its_element_and_change_no_text():
    from lxml import etree

    from scripts.release.kepub import add_spans
    out = etree.fromstring(add_spans(KOBO_DOC))
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    spans = [(s.get("id"), s.text, etree.QName(s.getparent()).localname)
             for s in out.xpath("//h:span[@class='koboSpan']", namespaces=ns)]
    assert spans == [("kobo.1.1", "Title here", "h1"),
                     ("kobo.2.1", "One. ", "p"), ("kobo.2.2", "Two? ", "p"), ("kobo.2.3", "Three", "em"),
                     ("kobo.2.4", " four… ", "p"), ("kobo.2.5", "Five", "p"),
                     ("kobo.3.1", "Item ", "li"), ("kobo.3.2", "link. ", "a"), ("kobo.3.3", "Next", "a")]
    assert "".join(out.itertext()) == "".join(etree.fromstring(KOBO_DOC).itertext())
    assert out.xpath("//h:title/h:span", namespaces=ns) == []               # the head is not text
    assert out.xpath("//h:a/@href", namespaces=ns) == ["#t"] and out.xpath("//h:h1/@id", namespaces=ns) == ["t"]


PAGED_DOC = b"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="en"><head><title>T</title></head>
<body><section><p class="n" aria-hidden="true">3</p><h1>The steppe and the sea</h1>
<p>Trade along the corridor grew quickly after the new railway opened, and with it came
the customs posts, the warehouses and the long queues of lorries at every border crossing.</p>
<p>By the end of the decade <em>twelve</em> cities had dry ports, and the counter-intuitive
result was that the coast mattered less than anyone had predicted in the planning documents.</p>
</section></body></html>
"""


def test_print_pages_are_placed_at_their_first_word_in_order():
    from lxml import etree

    from scripts.release.pagelist import PrintedPage, Token, _insert, _tokens, page_start, place
    root = etree.fromstring(PAGED_DOC)
    tokens: list[Token] = []
    _tokens("c.xhtml", root.find("{http://www.w3.org/1999/xhtml}body"), tokens)
    pages = [
        PrintedPage("iv", "Contents\n3 The steppe and the sea . . . 41\n"),       # a contents line: not placed
        PrintedPage("41", "3\n\nThe steppe and the sea\nTrade along the corridor grew quickly after the new railway\n"),
        # A running head, then the end of a word broken over the page turn: the marker goes before the word.
        PrintedPage("42", "The steppe and the sea\n\nhouses and the long queues of lor\u2010\nries at every border crossing. By the end\n"),
        # A word hyphenated in the text itself: the page starts with its second part.
        PrintedPage("43", "Running head\n\nintuitive result was that the coast mattered less than anyone had predicted in\n"),
        PrintedPage("44", ""),                                                    # blank
    ]
    starts = place([page_start(p) for p in pages], tokens)
    assert starts[0] is None and starts[4] is None
    assert [None if s is None else tokens[s].word for s in starts] == [None, "3", "warehouses", "intuitive", None]
    for start, page in sorted(((s, p) for s, p in zip(starts, pages) if s is not None), key=lambda x: -x[0]):
        _insert(tokens[start], page.label)
    text = etree.tostring(root, encoding="unicode")
    # Page 41 starts with the chapter's number, which is hidden from assistive technology:
    # the marker goes just before it, where it can be announced.
    assert '<span epub:type="pagebreak" role="doc-pagebreak" id="print-page-41" aria-label="41"/><p class="n"' in text
    assert 'the <span epub:type="pagebreak" role="doc-pagebreak" id="print-page-42" aria-label="42"/>warehouses' in text
    assert 'counter-<span epub:type="pagebreak" role="doc-pagebreak" id="print-page-43" aria-label="43"/>intuitive' in text
    assert "".join(root.itertext()) == "".join(etree.fromstring(PAGED_DOC).itertext())
