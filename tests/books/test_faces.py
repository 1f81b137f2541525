"""book.yaml `fonts:`: the faces the books are set in.  A chosen face is embedded in the EPUB
(renamed subsets, display face for the headings only) and set in the PDF; a face without a
glyph the book prints is refused, naming the characters and the line that chose it."""

from __future__ import annotations

import io
import shutil
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from lxml import html as lxml_html

from scripts.books import fonts
from scripts.books.epub import build as epub_stage
from scripts.books.pdf import build as pdf
from scripts.core.book import load_book
from scripts.core.errors import UserError

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
installed = pytest.mark.skipif(
    bool(fonts.FACES["Gentium Plus"].missing_files() or fonts.FACES["EB Garamond"].missing_files()),
    reason="the faces are Debian packages: scripts/install_system.sh fonts installs them")


def book_with(tmp: Path, choice: str) -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    text = (ROOT / "manuscript" / "book.yaml").read_text(encoding="utf-8")
    (tmp / "book.yaml").write_text(text + f"fonts:\n{choice}", encoding="utf-8")
    return tmp / "book.yaml"


def line_of(path: Path, start: str) -> int:
    return next(n for n, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if row.lstrip().startswith(start))


def build_epub(tmp: Path, book_yaml: Path) -> dict[str, bytes]:
    articles = tmp / "articles"
    articles.mkdir(parents=True)
    for path in sorted((FIXTURES / "epub" / "articles").glob("*.md")):
        shutil.copy(path, articles / path.name)
    with zipfile.ZipFile(io.BytesIO(epub_stage.build(articles, book_yaml).epub)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@installed
def test_a_face_without_a_glyph_the_book_prints_is_refused_naming_it(tmp_path):
    # The fixture chapters print Tajik's ʙ (in an italic title); EB Garamond's italic has none.
    book_yaml = book_with(tmp_path / "book", "  body: EB Garamond\n")
    with pytest.raises(UserError) as raised:
        build_epub(tmp_path, book_yaml)
    error = raised.value
    assert error.message == ("the body face EB Garamond (Italic) has no glyph for ʙ (U+0299), "
                             "which the book prints")
    assert (error.file, error.line) == (str(book_yaml), line_of(book_yaml, "body:"))
    assert "Charis SIL, Gentium Plus, Gentium Book Plus" in error.hint


@installed
def test_the_display_face_is_checked_on_the_titles_only():
    book = replace(load_book(ROOT / "manuscript" / "book.yaml"),
                   fonts=replace(load_book(ROOT / "manuscript" / "book.yaml").fonts,
                                 display="EB Garamond", file="book.yaml", display_line=7))
    fonts.refuse_missing_glyphs(book, set("Text ʙ"), display=set("Titles"))
    with pytest.raises(UserError, match=r"display face EB Garamond \(Italic\) has no glyph for ʙ"):
        fonts.refuse_missing_glyphs(book, set("Text"), display=set("A title with ʙ"))


def test_a_face_that_is_not_installed_says_how_to_install_it(tmp_path, monkeypatch):
    absent = replace(fonts.FACES["Gentium Plus"], folder=tmp_path / "nowhere")
    monkeypatch.setitem(fonts.FACES, "Gentium Plus", absent)
    book = load_book(book_with(tmp_path, "  body: Gentium Plus\n"))
    with pytest.raises(UserError) as raised:
        fonts.embedded_styles(book)
    assert "the body face Gentium Plus is not installed" in raised.value.message
    assert "sudo apt-get install fonts-sil-gentiumplus" in raised.value.hint
    assert raised.value.line == line_of(tmp_path / "book.yaml", "body:")


# Builds a whole EPUB and subsets two families: `make test`, not the fast lane.
@pytest.mark.slow
@installed
def test_the_epub_embeds_the_chosen_faces_renamed_the_display_face_for_the_headings(tmp_path):
    files = build_epub(tmp_path, book_with(tmp_path / "book", "  body: Gentium Plus\n  display: EB Garamond\n"))
    embedded = sorted(n for n in files if n.startswith("EPUB/fonts/"))
    assert embedded == ["EPUB/fonts/AnthologyBook-Bold.ttf", "EPUB/fonts/AnthologyBook-BoldItalic.ttf",
                        "EPUB/fonts/AnthologyBook-Italic.ttf", "EPUB/fonts/AnthologyBook-Regular.ttf",
                        "EPUB/fonts/AnthologyDisplay-Italic.otf", "EPUB/fonts/AnthologyDisplay-Regular.otf"]
    body = TTFont(io.BytesIO(files["EPUB/fonts/AnthologyBook-Regular.ttf"]))
    display = TTFont(io.BytesIO(files["EPUB/fonts/AnthologyDisplay-Regular.otf"]))
    names = {n.nameID: str(n) for n in body["name"].names if n.platformID == 3}
    assert names[1] == "Anthology Book" and "Gentium Plus" in names[10] and "Gentium" not in names[4]
    assert {n.nameID: str(n) for n in display["name"].names if n.platformID == 3}[1] == "Anthology Display"
    # The display subset holds the headings' characters (and the base repertoire), not the text's.
    assert ord("ʙ") in body.getBestCmap() and ord("ʙ") not in display.getBestCmap()
    css = files["EPUB/css/epub.css"].decode()
    assert 'font-family: "Anthology Display";' in css and 'format("opentype")' in css
    opf = files["EPUB/content.opf"].decode()
    assert 'href="fonts/AnthologyDisplay-Regular.otf"' in opf and 'media-type="font/otf"' in opf
    copyright = files["EPUB/copyright.xhtml"].decode()
    assert ("Set in Anthology Book, a subset of Gentium Plus by SIL International; the titles in "
            "Anthology Display, a subset of EB Garamond by Georg Duffner, used under the SIL Open "
            "Font License 1.1.") in copyright


@installed
def test_the_print_edition_is_set_in_the_chosen_faces(tmp_path):
    book = load_book(book_with(tmp_path, "  body: Gentium Book Plus\n  display: EB Garamond\n"))
    html = pdf.render_book_html(book, pdf.load_chapters(FIXTURES / "articles"), contributors=[],
                                bibliography="", index_html="")
    style = lxml_html.document_fromstring(html).xpath("//head/style")[0].text
    assert 'html, body, pre { font-family: "Gentium Book Plus"; }' in style
    assert '.chapter-title { font-family: "EB Garamond 12"; }' in style
    assert "Set in Gentium Book Plus, the titles in EB Garamond." in html
    # The default face needs no sheet of its own: print.css sets Charis SIL.
    plain = pdf.render_book_html(load_book(ROOT / "manuscript" / "book.yaml"),
                                 pdf.load_chapters(FIXTURES / "articles"), contributors=[],
                                 bibliography="", index_html="")
    assert "<style>" not in plain and "Set in Charis SIL." in plain


@installed
@pytest.mark.slow
def test_the_print_pages_embed_the_chosen_faces_and_no_other(tmp_path):
    """The front matter laid out as the PDF stage lays it out: its fonts are the chosen ones."""
    import pikepdf
    from weasyprint import CSS, HTML
    from scripts.books.pdf.parts import STYLESHEET
    from scripts.core import paths as resources
    book = load_book(book_with(tmp_path, "  body: Gentium Plus\n  display: EB Garamond\n"))
    html = pdf.render_part_html(book, pdf.load_chapters(FIXTURES / "articles"), [], contributors=[],
                                front=True)
    data = HTML(string=html, base_url=str(resources.PROJECT)).write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET))])
    with pikepdf.open(io.BytesIO(data)) as document:
        used = {str(font.get("/BaseFont")).split("+", 1)[-1]
                for page in document.pages for font in page.Resources.get("/Font", {}).values()}
    assert used and all(name.startswith(("/Gentium-Plus", "Gentium-Plus", "EB-Garamond")) for name in used), used
    assert any("EB-Garamond" in name for name in used) and any("Gentium-Plus" in name for name in used)
