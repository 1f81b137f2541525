"""The print book, read back from the PDFs the way a printer's preflight or a reader would.

The book is built once per session from tests/fixtures/articles (real passages of the
seeds); every check reads the resulting files with poppler (pdftotext, pdffonts) or pypdf.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import types
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from lxml import html as lxml_html
from pypdf import PdfReader

from scripts.books.pdf import build as pdf
from scripts.books.pdf import engine
from scripts.books.pdf.anchors import comparable, lift_index_anchors
from scripts.books.pdf.page import margins, text_measure
from scripts.content.chapters import markdown_to_html
from scripts.core.book import load_book

# Left out of `make check` (the fast lane): every test here lays out a PDF with WeasyPrint.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "articles"
FONTS = ROOT / "styles" / "fonts"

# On a developer's machine without poppler these tests are skipped; CI installs
# poppler (.ci/run), and there a missing pdftotext must fail, not skip.
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None and not os.environ.get("CI"),
                                   reason="poppler-utils is not installed")


def page_text(path: Path, number: int) -> str:
    """pdftotext -layout of one page (1-based)."""
    return subprocess.run(["pdftotext", "-layout", "-f", str(number), "-l", str(number),
                           str(path), "-"], capture_output=True, text=True, check=True).stdout


def flat(text: str) -> str:
    return " ".join(text.split())


def lines_of(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf")
    report = pdf.build(ROOT / "manuscript" / "book.yaml", FIXTURES, out / "anthology.pdf",
                       out / "anthology-screen.pdf", out / "reports")
    return types.SimpleNamespace(print=out / "anthology.pdf", screen=out / "anthology-screen.pdf",
                                 report=report, dir=out, book=load_book(ROOT / "manuscript" / "book.yaml"))


@pytest.fixture(scope="session")
def pages(built):
    """Each page's text, from the screen copy (same pages, no bleed offsets)."""
    count = len(PdfReader(built.screen).pages)
    return [page_text(built.screen, n) for n in range(1, count + 1)]


@pytest.fixture(scope="session")
def labels(built):
    return pdf.folio_labels(built.report.pages, built.report.front_matter_pages)


# ---------------------------------------------------------------- unit: pure helpers

def test_roman_numerals():
    assert [pdf.roman(n) for n in (1, 4, 9, 14, 40, 90, 400, 1994)] == \
        ["i", "iv", "ix", "xiv", "xl", "xc", "cd", "mcmxciv"]


def test_folio_labels_switch_series_at_the_first_chapter():
    assert pdf.folio_labels(9, 6) == ["i", "ii", "iii", "iv", "v", "vi", "1", "2", "3"]


@pytest.mark.parametrize("title, head", [
    # A title that fits is never cut (a count of characters cut these).
    ("Ties that bind Kazakhstan to China are starting to unravel",
     "Ties that bind Kazakhstan to China are starting to unravel"),
    ("Paving the Digital Silk Road with the Shanghai Cooperation Organisation",
     "Paving the Digital Silk Road with the Shanghai Cooperation Organisation"),
    # Too wide: the part before the colon, else cut at a word, never on "the" or "of".
    ("Kazakhstan in Crisis: It’s About the Country, Not Big Power Politics and Everything Else Besides",
     "Kazakhstan in Crisis"),
    ("Why Uzbekistan and Kazakhstan’s hopes of using China as a hedge against Russia could be doomed",
     "Why Uzbekistan and Kazakhstan’s hopes of using China as a hedge against…"),
    ("WWWWWWWWWW WWWWWWWWWW WWWWWWWWWW WWWWWWWWWW", "WWWWWWWWWW WWWWWWWWWW WWWWWWWWWW…"),   # wide capitals
])
def test_running_head_is_the_whole_title_when_it_fits_and_never_ends_on_a_small_word(title, head):
    from scripts.books.pdf.heads import DESIGN_MEASURE_PT, HEAD_SHARE, text_width
    assert pdf.running_head(title) == head
    assert text_width(head) <= DESIGN_MEASURE_PT * HEAD_SHARE


def test_the_head_is_measured_in_the_style_print_css_sets_it_in():
    from scripts.books.pdf.heads import DESIGN_MEASURE_PT, HEAD_STYLE
    css = (ROOT / "styles" / "print.css").read_text(encoding="utf-8")
    rule = re.search(r"@top-center \{ font: italic ([\d.]+)pt/1 \"Charis SIL\"; letter-spacing: ([\d.]+)em;", css)
    assert rule and (float(rule[1]), float(rule[2])) == (HEAD_STYLE.size_pt, HEAD_STYLE.letter_spacing_em)
    assert HEAD_STYLE.font.name == "CharisSIL-Italic.ttf"
    # The default book (6 x 9 in, KDP) has the design's text block.
    demo = load_book(ROOT / "manuscript" / "book.yaml")
    assert text_measure(demo.trim, demo.printer) == pytest.approx(DESIGN_MEASURE_PT)


def test_a_books_heads_fit_its_own_trim_and_face(tmp_path):
    """A smaller trim's narrower text block cuts a head the 6 x 9 in page keeps whole; a body
    face book.yaml chooses is the face the head is measured in."""
    from scripts.books.pdf.heads import HEAD_SHARE, text_width
    title = "Why Uzbekistan and Kazakhstan’s hopes of using China as a hedge"
    yaml_text = "title: T\nauthor: A\nsources: []\n"
    (tmp_path / "book.yaml").write_text(yaml_text, encoding="utf-8")
    default = pdf.book_running_head(load_book(tmp_path / "book.yaml"))
    assert default(title) == title
    (tmp_path / "book.yaml").write_text(yaml_text + "trim: 5 x 8 in\n", encoding="utf-8")
    small_book = load_book(tmp_path / "book.yaml")
    small = pdf.book_running_head(small_book)
    assert small(title) != title and small(title).endswith("…")
    assert text_width(small(title)) <= text_measure(small_book.trim, small_book.printer) * HEAD_SHARE
    (tmp_path / "book.yaml").write_text(yaml_text + "fonts: {body: EB Garamond}\n", encoding="utf-8")
    garamond = pdf.book_running_head(load_book(tmp_path / "book.yaml"))
    assert garamond.keywords["style"].font.name == "EBGaramond12-Italic.otf"


def test_fragment_ids_are_prefixed_and_notes_link_both_ways():
    body = markdown_to_html("Text.[^1]\n\n[^1]: See <https://example.org/a/very/long/path?x=1>.\n",
                            id_prefix="ch07-")["body"][0]
    html = pdf.prepare_fragment(body)
    assert 'href="#ch07-fn1"' in html and 'id="ch07-fnref1"' in html
    assert 'class="note-number" href="#ch07-fnref1"' in html
    assert "↩" not in html and "footnote-back" not in html
    # Break points after the slashes, as characters (not <wbr>: see pdf.URL_BREAK).
    assert "https://\u200bexample\u200b.org/\u200ba/\u200bvery/" in html and "<wbr" not in html


def test_fragment_drops_anything_executable_and_says_so():
    dropped = []
    html = pdf.prepare_fragment(
        '<p onclick="x()">a<script>alert(1)</script><a href="javascript:evil()">b</a></p>', "ch01",
        where="01-x.md", dropped=dropped)
    assert "script" not in html and "onclick" not in html and "javascript" not in html
    assert "<p>ab</p>" in html
    assert {(d.where, d.what, d.detail) for d in dropped} == {
        ("01-x.md", "attribute", '<p onclick="x()">'), ("01-x.md", "element", "<script>"),
        ("01-x.md", "link", "javascript:evil()")}


def test_fragment_ids_can_be_prefixed_here_too():
    html = pdf.prepare_fragment('<p id="a"><a href="#a">x</a></p>', "ch03")
    assert 'id="ch03-a"' in html and 'href="#ch03-a"' in html


def test_scraped_markup_in_markdown_stays_text():
    html = markdown_to_html("---\ntitle: T\n---\n\nA <script>alert(1)</script> and <b>bold</b>.\n")["body"][0]
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b>" not in html


def test_missing_articles_is_a_user_error(tmp_path):
    with pytest.raises(pdf.UserError, match="no articles"):
        pdf.load_chapters(tmp_path)


# ---------------------------------------------------------------- the print master

def test_trim_bleed_and_boxes(built):
    """The book's trim (book.yaml `trim:`) and its printer's bleed (`printer:`), page by page:
    for KDP, the demo's printer, 0.125 in at the outside edge, the top and the bottom."""
    trim_size, printer = (built.book.trim.width, built.book.trim.height), built.book.printer
    reader = PdfReader(built.print)
    for number, page in enumerate(reader.pages):
        trim = [float(v) for v in page["/TrimBox"]]
        bleed = [float(v) for v in page["/BleedBox"]]
        media = [float(v) for v in page.mediabox]
        assert (trim[2] - trim[0], trim[3] - trim[1]) == pytest.approx(trim_size, abs=0.01)
        assert bleed == pytest.approx(media, abs=0.01)
        left, right = ("inside", "outside") if number % 2 == 0 else ("outside", "inside")
        assert [trim[0] - media[0], trim[1] - media[1], media[2] - trim[2], media[3] - trim[3]] == pytest.approx(
            [printer.bleed_at(left), printer.bleed_at("bottom"), printer.bleed_at(right), printer.bleed_at("top")],
            abs=0.01)


def test_print_master_claims_pdf_x4_with_an_output_intent(built):
    reader = PdfReader(built.print)
    root = reader.trailer["/Root"]
    assert reader.pdf_header == "%PDF-1.6"
    intent = root["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFX" and "/DestOutputProfile" in intent
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp
    assert reader.metadata["/Trapped"] == "/False" and reader.metadata.title
    assert "/ID" in reader.trailer
    # PDF/X: no annotation inside the BleedBox; the links live in the screen copy.
    assert not any(page.get("/Annots") for page in reader.pages)


def test_same_inputs_give_the_same_bytes(built, tmp_path):
    again = pdf.build(ROOT / "manuscript" / "book.yaml", FIXTURES, tmp_path / "a.pdf",
                      tmp_path / "s.pdf", tmp_path / "reports")
    assert again.pages == built.report.pages
    # When the bytes differ, say what decides them on this machine (and a known cause).
    versions = engine.engine_versions()
    why = f"the PDF's bytes differ with {engine.describe(versions)}. {engine.reproducibility_hint(versions)}"
    assert again.engine == built.report.engine == versions
    assert (tmp_path / "a.pdf").read_bytes() == built.print.read_bytes(), why
    assert (tmp_path / "s.pdf").read_bytes() == built.screen.read_bytes(), why


# ---------------------------------------------------------------- the screen copy

def test_screen_copy_has_no_bleed_and_the_same_pages(built):
    printed, screen = PdfReader(built.print), PdfReader(built.screen)
    # The print copy may end with one blank verso more (its page count is even).
    assert len(printed.pages) == len(screen.pages) + len(screen.pages) % 2
    for page in screen.pages:
        media = [float(v) for v in page.mediabox]
        assert (media[2] - media[0], media[3] - media[1]) == pytest.approx(
            (built.book.trim.width, built.book.trim.height), abs=0.01)
        assert "/BleedBox" not in page


def test_the_print_copy_has_the_printers_page_count_ending_blank_if_need_be(built):
    printed, multiple = PdfReader(built.print), built.book.printer.page_multiple
    assert len(printed.pages) % multiple == 0 and len(printed.pages) == built.report.print_pages
    assert 0 <= built.report.print_pages - built.report.pages < multiple


@needs_poppler
def test_screen_and_print_pages_carry_the_same_text(built, pages):
    for number in (1, 5, built.report.front_matter_pages + 1, len(pages)):
        assert lines_of(page_text(built.print, number)) == lines_of(pages[number - 1])


def test_screen_copy_is_tagged_pdf_ua(built):
    reader = PdfReader(built.screen)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert str(root["/Lang"]) == built.book.language
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfuaid:part="1"' in xmp


# ---------------------------------------------------------------- folios, heads, contents

@needs_poppler
def test_folios_run_roman_then_arabic_and_blank_pages_are_empty(built, pages, labels):
    front = built.report.front_matter_pages
    assert front % 2 == 0, "the first chapter must open on a recto"
    for index, text in enumerate(pages):
        lines = lines_of(text)
        if not lines:
            continue                      # a blank verso: no head, no folio
        if index < 4:
            continue                      # half-title, its verso, title, copyright: no folio
        assert lines[-1] == labels[index], f"page {index + 1}"
    assert labels[front] == "1" and labels[front - 1] == pdf.roman(front)


@needs_poppler
def test_contents_page_numbers_match_where_each_chapter_opens(built, pages, labels):
    contents_index = next(i for i, t in enumerate(pages) if "Contents" in t)
    contents = " ".join(lines_of(pages[contents_index]))
    for chapter in built.report.chapters:
        opening = next(i for i, t in enumerate(pages)
                       if i > contents_index and chapter.title in flat(t)
                       and lines_of(t)[0] == str(built.report.chapters.index(chapter) + 1))
        assert labels[opening] == chapter.page
        # the entry's leader ends in that number, before the next entry starts
        words = chapter.title.split()[-1]
        assert re.search(re.escape(words) + r"[ .]*" + chapter.page + r"\b", contents), chapter
        assert opening % 2 == 0, "chapters open on rectos (odd page numbers)"


@needs_poppler
def test_contents_folios_stand_in_one_column_whatever_an_entry_s_length(built, pages):
    """Issue 13: one-line entries stopped their leader, and their folio, short of the column
    the entries of two lines reached."""
    number = next(i for i, t in enumerate(pages) if "Contents" in t) + 1
    boxes = subprocess.run(["pdftotext", "-bbox", "-f", str(number), "-l", str(number), str(built.screen), "-"],
                           capture_output=True, text=True, check=True).stdout
    words = [(float(m[1]), float(m[2]), m[3]) for m in
             re.finditer(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', boxes)]
    lines: dict[float, list[tuple[float, str]]] = {}
    for top, right, text in words:
        lines.setdefault(round(top), []).append((right, text))
    folio_edges = [max(line)[0] for line in lines.values()
                   if re.fullmatch(r"\d+|[ivxl]+", max(line)[1]) and len(line) > 1]
    assert len(folio_edges) >= len(built.report.chapters) + 2
    assert max(folio_edges) - min(folio_edges) < 0.5, folio_edges


@needs_poppler
def test_running_heads_book_on_versos_chapter_on_rectos(built, pages, labels):
    front = built.report.front_matter_pages
    openings = {}
    for chapter in built.report.chapters:
        openings[next(i for i, t in enumerate(pages)
                      if i >= front and lines_of(t) and chapter.title in flat(t)
                      and lines_of(t)[0].isdigit())] = chapter
    current = None
    checked = 0
    # The chapters end where the back matter begins (its sections have heads of their own).
    from scripts.books.backmatter import ABOUT_PIECES, SOURCES
    back = next((i for i in range(front, len(pages)) if lines_of(pages[i])
                 and lines_of(pages[i])[0] in (ABOUT_PIECES, SOURCES)), len(pages))
    for index in range(front, back):
        lines = lines_of(pages[index])
        if index in openings:
            current = openings[index]
            assert lines[0].isdigit(), "no running head on a chapter opening"
            continue
        if not lines or current is None:
            continue
        recto = (index % 2) == 0           # page index 0 is a recto
        expected = current.running_head if recto else built.book.title
        assert lines[0] == expected, f"page {labels[index]}"
        checked += 1
    assert checked >= 10


# ---------------------------------------------------------------- links and outline

def _dest_page(reader, name):
    return reader.get_destination_page_number(reader.named_destinations[name])


def test_contents_and_note_links_land_where_they_should(built):
    assert built.report.unresolved_links == []          # every link between parts found its target
    reader = PdfReader(built.screen)
    targets = {}
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/Link" and "/Dest" in annotation:
                targets.setdefault(str(annotation["/Dest"]), []).append(number)
    front = built.report.front_matter_pages
    for chapter in built.report.chapters:
        # a contents entry goes to the chapter's opening page
        assert chapter.anchor in targets
        assert _dest_page(reader, chapter.anchor) == front + int(chapter.page) - 1
    note_refs = [name for name in targets if re.fullmatch(r"ch\d\d-fn\d+", name)]
    backlinks = [name for name in targets if re.fullmatch(r"ch\d\d-fnref\d+", name)]
    assert len(note_refs) == 33 and len(backlinks) == 33       # the SCO article's notes
    for name in note_refs:
        # the reference is in the body, the note after it (endnotes at chapter end)
        assert _dest_page(reader, name) >= min(targets[name])
        assert name.replace("fn", "fnref") in targets       # and the note links back


def test_outline_lists_every_chapter(built):
    titles = [item.title for item in PdfReader(built.screen).outline if not isinstance(item, list)]
    for chapter in built.report.chapters:
        assert chapter.title in titles


# ---------------------------------------------------------------- fonts and glyphs

@needs_poppler
def test_every_font_is_embedded_and_is_the_book_face(built):
    for path in (built.print, built.screen):
        out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
        assert out
        for row in out:
            name, *_ = row.split()
            assert re.fullmatch(r"[A-Z]{6}\+Charis-SIL.*", name), row
            assert row.split()[-5:-3] == ["yes", "yes"], f"not embedded and subset: {row}"


@needs_poppler
def test_every_character_printed_is_in_the_book_face(built):
    text = subprocess.run(["pdftotext", str(built.screen), "-"], capture_output=True,
                          text=True, check=True).stdout
    covered = set()
    for face in FONTS.glob("CharisSIL-*.ttf"):
        covered.update(TTFont(face).getBestCmap())
    missing = sorted({c for c in text if ord(c) > 32 and ord(c) not in covered})
    assert not missing
    for expected in "ǎǐǔāēīōūʙş‘’“”–—":
        assert expected in text or expected in "ǔ", expected   # the seeds' specials reach the page


def test_the_face_covers_the_scripts_the_archive_uses():
    needed = "ǎǐǔāēīōūʙşƏəǵ‘’“”–—…·Москва Бишкек Душанбе ҚқҒғҲҳ"
    for face in FONTS.glob("CharisSIL-*.ttf"):
        cmap = TTFont(face).getBestCmap()
        assert not [c for c in needed if c != " " and ord(c) not in cmap], face.name
    assert (FONTS / "OFL.txt").read_text().count("SIL OPEN FONT LICENSE Version 1.1") == 1


@needs_poppler
def test_cyrillic_and_markup_in_a_title_print_as_text_in_the_book_face(tmp_path):
    book = load_book(ROOT / "manuscript" / "book.yaml")
    chapter = pdf.Chapter(number=1, slug="x", title="&lt;b&gt;Москва&lt;/b&gt; &amp; Душанбе",
                          body=pdf.prepare_fragment("<p>Бишкек ʙ ş ǎ</p>", "ch01"),
                          outlet="Radio &lt;Ozodi&gt;")
    layout = pdf.typeset(book, [chapter])
    pdf.write_pdfs(layout, book, tmp_path / "p.pdf", tmp_path / "s.pdf")
    text = subprocess.run(["pdftotext", str(tmp_path / "s.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "<b>Москва</b> & Душанбе" in text and "Radio <Ozodi>" in text
    fonts = subprocess.run(["pdffonts", str(tmp_path / "p.pdf")], capture_output=True,
                           text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all("Charis-SIL" in row for row in fonts)


# ---------------------------------------------------------------- nothing in the margins

@needs_poppler
def test_no_word_runs_into_the_margins(built):
    """Word boxes from pdftotext -bbox stay inside the text block (long URLs included)."""
    out = subprocess.run(["pdftotext", "-bbox", str(built.screen), "-"], capture_output=True,
                         text=True, check=True).stdout
    page_margins, width = margins(built.book.trim, built.book.printer), built.book.trim.width
    outer, inner = page_margins.outer, page_margins.inner
    for number, page in enumerate(out.split("<page ")[1:]):
        for x_min, x_max, word in re.findall(
                r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<', page):
            left, right = (inner, width - outer) if number % 2 == 0 else (outer, width - inner)
            assert float(x_min) >= left - 1 and float(x_max) <= right + 1, \
                f"page {number + 1}: {word!r} at {x_min}-{x_max}"


def test_no_url_breaks_after_its_own_hyphen(pages):
    """A line ending in a URL's hyphen reads as a hyphenated word: URLs break before their
    hyphens, never after (pdf.URL_HYPHEN)."""
    broken = [line.split()[-1] for page in pages for line in lines_of(page)
              if line.endswith("-") and ("/" in line.split()[-1] or line.split()[-1].startswith("www."))]
    assert broken == []


# ---------------------------------------------------------------- the index loop

class FakeIndex:
    """Stands in for pdf.load_index_functions() (same four functions): one term per chapter, on its last paragraph."""

    def load_terms(self):
        return ["Closing paragraph"]

    def mark_occurrences(self, html, chapter_id, terms):
        anchor = f"{chapter_id}-ix-1"
        position = html.rfind("<p>")
        occurrence = types.SimpleNamespace(anchor_id=anchor, term="closing", sub=None, chapter_id=chapter_id)
        return html[:position] + f'<p><span id="{anchor}"></span>' + html[position + 3:], [occurrence]

    def build_model(self, terms, occurrences, target, page_of):
        return None               # the printed index's model is for the report; not under test here

    def render_index_html(self, terms, occurrences, target, page_of):
        assert target == "pdf"
        locators = ", ".join(page_of.get(o.anchor_id, "?") for o in occurrences)
        self.last = locators
        return f'<h2 class="index-letter">C</h2><ul><li>Closing paragraph, {locators}</li></ul>'


def test_each_back_matter_heading_is_in_the_book_once():
    """The headings are the back matter's (scripts/books/backmatter.py): the bibliography and
    the index arrive without their own, or the book would print "Index" twice."""
    from scripts.books.contributors import load_people
    from scripts.index.match import mark_occurrences
    from scripts.index.render import render_index_html
    from scripts.index.terms import parse_terms

    book = load_book(ROOT / "manuscript" / "book.yaml")
    chapters = pdf.load_chapters(FIXTURES)
    terms = parse_terms("entries:\n  - term: Kazakhstan\n")
    _, found = mark_occurrences(chapters[0].body, chapters[0].id, terms)
    index_html = render_index_html(terms, found, target="pdf",
                                   page_of={o.anchor_id: "1" for o in found})
    html = pdf.render_book_html(
        book, chapters, contributors=load_people(ROOT / "tests/fixtures/epub/contributors.json"),
        bibliography=pdf.load_bibliography(ROOT / "tests/fixtures/epub/bibliography.html"),
        index_html=index_html)
    root = lxml_html.document_fromstring(html)
    back = [" ".join(h.text_content().split())
            for h in root.xpath("//h1 | //h2 | //h3") if h.xpath("ancestor::section[@id='index' "
                                                                   "or @id='bibliography' "
                                                                   "or @id='contributors']")]
    assert back.count("Index") == 1 and back.count("Bibliography") == 1
    assert back.count("About the Author and Contributors") == 1
    assert [s.get("id") for s in root.xpath("//section[contains(@class, 'backmatter')]")] == [
        "about-pieces", "sources", "contributors", "bibliography", "index"]
    assert [" ".join(t.text_content().split()) for t in root.xpath("//li[@class='toc-back']")] == [
        "About these pieces", "Sources and acknowledgements", "About the Author and Contributors",
        "Bibliography", "Index"]


def test_the_apparatus_follows_the_chapter_data():
    """No layout: the book's HTML as render_book_html hands it to WeasyPrint.  The fixture
    chapters carry no dates or kinds, so the test gives them some, as chapters.yaml would."""
    from dataclasses import replace
    book = load_book(ROOT / "manuscript" / "book.yaml")
    first, second, third = pdf.load_chapters(FIXTURES)
    chapters = [replace(first, date="2022-01", kind="report", intro="keep"),
                replace(second, date="2021-11", credit="© RUSI. Reprinted with permission."),
                replace(third, date="2023-02-05", kind="evidence", outlet="Foreign Affairs Committee")]
    root = lxml_html.document_fromstring(pdf.render_book_html(
        book, chapters, contributors=[], bibliography="", index_html=""))

    def text(xpath):
        return [" ".join(e.text_content().split()) for e in root.xpath(xpath)]

    # {years} in book.yaml: the chapters' years, on the title page and the copyright page.
    assert text("//p[@class='book-subtitle']") == ["Writings on China, Central Asia and Security, 2021–2023"]
    assert text("//section[@class='copyright-page']/p")[0].startswith("© 2021–2023 Raffaello Pantucci.")
    assert text("//p[@class='first-published']") == [
        "First published by RUSI, January 2022", "First published in RUSI Journal, November 2021",
        "Written evidence to the Foreign Affairs Committee, 5 February 2023"]
    assert root.xpath("//section[@id='ch02']//p[@class='first-published']/cite")        # a title
    assert not root.xpath("//section[@id='ch03']//p[@class='first-published']/cite")    # a body
    # Kept at the head (chapter 1); moved to "About these pieces" (chapter 2, the default).
    assert root.xpath("//section[@id='ch01']//aside[@class='headnote']")
    assert not root.xpath("//section[@id='ch02']//aside[@class='headnote']")
    assert [t.split(" ", 1)[0] for t in text("//h2[@class='about-piece-title']")] == ["2."]
    sources = text("//li[@class='source-entry']")
    assert sources[1] == ("2. “Paving the Digital Silk Road with the Shanghai Cooperation Organisation”. "
                          "First published in RUSI Journal, November 2021. Written with Niva Yau. "
                          "© RUSI. Reprinted with permission.")
    # The copyright page names the piece whose rights the book's line does not cover.
    assert text("//p[@class='rights-exception']") == [
        "Chapter 2, “Paving the Digital Silk Road with the Shanghai Cooperation Organisation”: "
        "© RUSI. Reprinted with permission."]


@needs_poppler
def test_index_locators_are_the_pages_their_anchors_landed_on(tmp_path):
    book = load_book(ROOT / "manuscript" / "book.yaml")
    chapters = pdf.load_chapters(FIXTURES)
    fake = FakeIndex()
    layout = pdf.typeset(book, chapters, index_functions=fake, index_terms=fake.load_terms())
    assert layout.passes == 1                 # laid out after the chapters: no second pass
    expected = [layout.labels[layout.anchors[f"{c.id}-ix-1"]] for c in chapters]
    assert fake.last == ", ".join(expected) and "?" not in fake.last
    pdf.write_pdfs(layout, book, tmp_path / "p.pdf", tmp_path / "s.pdf")
    last = page_text(tmp_path / "s.pdf", layout.page_count)
    assert "Closing paragraph, " + ", ".join(expected) in " ".join(last.split())


@needs_poppler
def test_byline_only_where_the_authors_are_not_just_the_books(built, pages):
    front = built.report.front_matter_pages
    opening = {c.anchor: flat(pages[front + int(c.page) - 1]) for c in built.report.chapters}
    assert "Raffaello Pantucci and Niva Yau" in opening["ch02"]
    assert "Raffaello Pantucci" not in opening["ch01"]
    assert "First published in RUSI" in opening["ch01"]
    assert "First published in Nikkei Asia" in opening["ch03"]


def test_numbered_evidence_resumes_its_numbering_after_a_heading():
    from weasyprint import HTML
    fragment = pdf.prepare_fragment('<ol start="21" type="1"><li><p>There is a great deal.</p></li></ol>')
    document = HTML(string=f"<html><body>{fragment}</body></html>").render()
    texts = []

    def walk(box):
        if getattr(box, "text", None):
            texts.append(box.text.strip())
        for child in getattr(box, "children", []):
            walk(child)
    walk(document.pages[0]._page_box)
    assert texts[:2] == ["21.", "There is a great deal."]


@needs_poppler
def test_hostile_chapter_html_prints_as_clean_text_and_is_reported(tmp_path):
    """HTML that pandoc never writes for our articles, handed to the PDF as chapter HTML:
    the text prints, nothing else does, no link leads anywhere but the web, mail or the book."""
    from tests.hostile_html import DROPPED, GONE, KEPT, write_hostile_book

    articles = write_hostile_book(tmp_path / "articles")
    report = pdf.build(ROOT / "manuscript" / "book.yaml", articles, tmp_path / "print.pdf",
                       tmp_path / "screen.pdf", tmp_path / "reports")
    text = subprocess.run(["pdftotext", str(tmp_path / "screen.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    # A word hyphenated at the end of a line is whole again.
    text = flat(re.sub(r"(\w)[-\u2010]\n(\w)", r"\1\2", text))
    for sentence in KEPT + ["A hostile title"]:
        assert sentence in text
    for word in GONE:
        assert word not in text, word
    targets = set()
    for page in PdfReader(tmp_path / "screen.pdf").pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            if "/URI" in action:
                targets.add(str(action["/URI"]))
    assert targets == {"https://example.org/ok", "mailto:editor@example.org"}
    assert {(d.what, d.detail) for d in report.dropped} >= DROPPED
    written = json.loads((tmp_path / "reports" / "pdf.json").read_text())
    assert written["dropped"] == [d.as_dict() for d in report.dropped]
    assert all(d.where == "01-hostile.md" for d in report.dropped)


@needs_poppler
def test_index_anchors_do_not_change_a_single_line_break(tmp_path):
    """Issue 13: the spans the index put round its words made WeasyPrint break justified
    lines differently (a word alone on a line, wide gaps).  Each chapter laid out with the
    real index must have exactly the lines it has with no index at all, and the locators
    must still be the pages their words are on."""
    book = load_book(ROOT / "manuscript" / "book.yaml")
    chapters = pdf.load_chapters(FIXTURES)
    index = pdf.load_index_functions()
    terms = index.load_terms(ROOT / "manuscript" / "index.yaml")
    indexed = pdf.typeset(book, chapters, index_functions=index, index_terms=terms)
    plain = pdf.typeset(book, chapters)

    def chapter_lines(layout) -> dict[str, list[list[str]]]:
        lines = {}
        for part in layout.sequence:
            if getattr(part, "name", "").startswith("ch"):
                path = tmp_path / f"{part.name}.pdf"
                path.write_bytes(part.tagged)
                lines[part.name] = [lines_of(page_text(path, n)) for n in range(1, part.pages + 1)]
        return lines
    with_index, without = chapter_lines(indexed), chapter_lines(plain)
    assert sorted(with_index) == [c.id for c in chapters]
    for name in with_index:
        assert with_index[name] == without[name], f"{name}: the index changed its line breaks"
    # Every anchor was found in the lines it marks: the page it names shows its words.
    assert indexed.approximate_anchors == []
    words = {}
    for chapter in chapters:
        marked, _ = index.mark_occurrences(chapter.body, chapter.id, terms)
        words.update((a.anchor_id, a.words) for a in lift_index_anchors(marked, chapter.id)[1])
    checked = 0
    for part in indexed.sequence:
        if getattr(part, "name", "") in with_index:
            path = tmp_path / f"{part.name}.pdf"
            # (a word broken at a line end is joined again; a phrase may run on to the next page)
            texts = [comparable(re.sub(r"[\u2010-]\n\s*", "", page_text(path, n))) for n in range(1, part.pages + 1)]
            texts = [text + following[:40] for text, following in zip(texts, texts[1:] + [""])]
            for anchor, page in part.anchors.items():
                if anchor in words:
                    checked += 1
                    assert words[anchor] in texts[page], f"{anchor} ({words[anchor]}) is not on page {page + 1}"
    assert checked == len(words) > 20


@needs_poppler
def test_heads_and_folios_in_several_documents_print_the_same_pages(tmp_path, monkeypatch):
    """A long blog's heads and folios are laid out in documents of FURNITURE_PARTS parts each
    (one document of 5,000 pages held 1.2 GB): cut after every part, the book shows the same
    text, heads and folios on every page as with one document."""
    book = load_book(ROOT / "manuscript" / "book.yaml")
    chapters = pdf.load_chapters(FIXTURES)
    whole = pdf.typeset(book, chapters)
    monkeypatch.setattr(pdf, "FURNITURE_PARTS", 1)
    cut = pdf.typeset(book, chapters)
    parts = len(chapters) + len([p for p in cut.sequence if getattr(p, "name", "") in
                                 ("about-pieces", "sources", "contributors", "bibliography")])
    assert len(whole.furniture) == 1 and len(cut.furniture) == parts
    texts = []
    for layout, name in ((whole, "whole"), (cut, "cut")):
        path = tmp_path / f"{name}.pdf"
        pdf.write_pdfs(layout, book, path, tmp_path / f"{name}-screen.pdf")
        pages = len(PdfReader(path).pages)
        texts.append([page_text(path, n) for n in range(1, pages + 1)])
    assert texts[0] == texts[1]


@needs_poppler
@pytest.mark.parametrize("numbers, folio", [((98, 99, 147), "613"), ((998, 999, 1047), "5586")])
def test_three_and_four_digit_chapter_numbers_and_folios_keep_their_columns(tmp_path, numbers, folio):
    """A blog of hundreds of posts: "147Time pushed the region" ran the chapter number into its
    title in the contents, whose number column held two digits."""
    from dataclasses import replace

    from scripts.books.pdf.page import page_setup
    from scripts.books.pdf.parts import FRONT, PartJob, lay_out

    book = load_book(ROOT / "manuscript" / "book.yaml")
    chapters = [replace(c, number=n) for c, n in zip(pdf.load_chapters(FIXTURES), numbers)]
    folios = {c.id: folio for c in chapters}
    html = pdf.render_part_html(book, chapters, [], contributors=[], front=True, folios=folios, alone=True)
    part = lay_out(PartJob("front", html, b"0" * 40, "xmp.did:test", page_setup(book.trim, book.printer), kind=FRONT))
    path = tmp_path / "front.pdf"
    path.write_bytes(part.tagged)
    contents = next(n for n in range(1, part.pages + 1) if "Contents" in page_text(path, n))
    boxes = subprocess.run(["pdftotext", "-bbox", "-f", str(contents), "-l", str(contents), str(path), "-"],
                           capture_output=True, text=True, check=True).stdout
    words = [(float(m[1]), float(m[2]), float(m[3]), m[4]) for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', boxes)]
    for number, chapter in zip(numbers, chapters):
        start = next(i for i, w in enumerate(words) if w[3] == str(number))
        title = words[start + 1]
        assert title[0] - words[start][2] >= 3, (number, words[start], title)     # a gap, not "147Time"
        assert chapter.title_text.split()[0].startswith(title[3])
    folio_boxes = [w for w in words if w[3] == folio]
    assert len(folio_boxes) == len(chapters)
    assert max(w[2] for w in folio_boxes) - min(w[2] for w in folio_boxes) < 0.5


def test_a_long_bibliography_is_laid_out_among_the_chapters_not_after_them(monkeypatch):
    """In a book without an index, the parts go to the workers longest first, the back
    matter's sections among the chapters: a 300-post book's 66-page bibliography, laid out
    after every chapter, had one worker laying it out alone for 16 s while the other waited.
    (With an index they follow the chapters, to be laid out beside it.)"""
    book = load_book(ROOT / "manuscript" / "book.yaml")
    chapters = pdf.load_chapters(FIXTURES)
    bibliography = "".join(f"<p>Writer, A. ({year}). A long title of a report, number {year}.</p>"
                           for year in range(3000))
    planned = {}

    def plan(tasks, cache, on_laid=None, page_css=None):
        planned["tasks"] = tasks
        raise RuntimeError("planned")
    monkeypatch.setattr(pdf, "lay_out_plan", plan)
    with pytest.raises(RuntimeError, match="planned"):
        pdf.typeset(book, chapters, bibliography=bibliography)
    from scripts.books.pdf.parts import first_to_go
    first_ready = sorted((t for t in planned["tasks"] if not t.needs), key=first_to_go)
    assert first_ready[0].name == "bibliography"
    assert {t.priority for t in first_ready} == {2}          # chapters and sections alike
