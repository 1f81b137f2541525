"""The book's identity in the release: the print ISBN's EAN-13 bar code on the print cover
(read back by a scanner, zbar), the editor's artwork on the front panel, and the ISBN, series,
contributors and subject codes in the OPDS feed, the manifest and the page-list's source."""

from __future__ import annotations

import base64
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image

from scripts.books.cover import cover_jpeg, print_front
from scripts.core.book import load_book
from scripts.release import barcode, printcover, serve
from scripts.release.build import print_edition
from tests.books.test_identity_books import identity_book

ROOT = Path(__file__).resolve().parents[2]
ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/terms/}"
needs_zbar = pytest.mark.skipif(shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None,
                                reason="zbar-tools and poppler-utils read the bar code back "
                                       "(scripts/install_system.sh test installs them)")


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    return load_book(identity_book(tmp_path_factory.mktemp("identity")))


# ---------------------------------------------------------------- the bar code's structure

def test_an_ean_13_is_95_modules_with_its_guards_and_seven_modules_a_digit():
    pattern = barcode.modules("9780306406157")
    assert len(pattern) == 95
    assert pattern[:3] == pattern[-3:] == "101" and pattern[45:50] == "01010"
    digits = [pattern[3 + 7 * i: 10 + 7 * i] for i in range(6)] + \
             [pattern[50 + 7 * i: 57 + 7 * i] for i in range(6)]
    for i, digit in enumerate(digits):
        # Each digit is two bars and two spaces; the left half starts light, the right dark.
        runs = len([1 for a, b in zip(digit, digit[1:]) if a != b]) + 1
        assert runs == 4 and digit[0] == ("0" if i < 6 else "1")
        # The right half (encoding C) has even parity, as does encoding B on the left.
    assert all(d.count("1") % 2 == 0 for d in digits[6:])
    # The first digit, 9, is written in the parities of the left half: A B B A B A.
    assert "".join("A" if d.count("1") % 2 else "B" for d in digits[:6]) == "ABBABA"


def test_the_symbol_shrinks_to_its_room_but_not_below_80_percent():
    full = barcode.symbol("9780306406157", 500, 500)
    assert full.module_pt == pytest.approx(0.33 * 72 / 25.4)
    small = barcode.symbol("9780306406157", full.width_pt * 0.9, 500)
    assert small.module_pt == pytest.approx(full.module_pt * 0.9)
    with pytest.raises(ValueError, match="too small"):
        barcode.symbol("9780306406157", full.width_pt * 0.7, 500)
    assert [cell[0] for cell in full.digit_cells()] == list("9780306406157")


@needs_zbar
@pytest.mark.slow
def test_a_scanner_reads_every_first_digits_encoding(tmp_path):
    """Ten EAN-13s, one per first digit (each chooses other encodings for the left half), drawn
    as the print cover draws them and read back by zbar."""
    from weasyprint import HTML
    codes = []
    for first in range(10):
        twelve = f"{first}12345678{first}0{(first * 7) % 10}"
        from scripts.core.identity import isbn13_check_digit
        codes.append(twelve + isbn13_check_digit(twelve))
    images = "".join(
        f'<p><img src="data:image/svg+xml;base64,'
        f'{base64.b64encode(barcode.svg(barcode.symbol(code, 200, 200)).encode()).decode()}"></p>'
        for code in codes)
    (tmp_path / "codes.pdf").write_bytes(HTML(string=f"<html><body>{images}</body></html>").write_pdf())
    read = zbar(tmp_path / "codes.pdf", tmp_path)
    assert sorted(read) == sorted(f"EAN-13:{code}" for code in codes)


def zbar(pdf: Path, folder: Path) -> list[str]:
    subprocess.run(["pdftoppm", "-r", "300", "-png", str(pdf), str(folder / "page")], check=True)
    found = []
    for page in sorted(folder.glob("page*.png")):
        result = subprocess.run(["zbarimg", "-q", str(page)], capture_output=True, text=True)
        found += result.stdout.split()
    return found


# ---------------------------------------------------------------- the print cover

def sheet_for(book):
    front, media_type = print_front(book, cover_jpeg(book))
    sheet = printcover.layout(book, 6 * 72, 9 * 72, 180, printcover.image_size(front))
    return sheet, front, media_type


def test_the_artwork_fills_the_front_panel_to_its_bleed(book):
    sheet, front, media_type = sheet_for(book)
    panel = sheet.front_image
    assert media_type == "image/png" and Image.open(io.BytesIO(front)).size == (1600, 2400)
    assert panel.x == pytest.approx(sheet.trim_width + sheet.spine)
    assert (panel.y, panel.height) == (pytest.approx(-sheet.bleed), pytest.approx(sheet.trim_height + 2 * sheet.bleed))
    assert panel.x + panel.width == pytest.approx(sheet.width + sheet.bleed)


def test_without_a_print_isbn_the_barcode_area_stays_free(book):
    from dataclasses import replace
    from scripts.core.identity import Isbns
    sheet, _, _ = sheet_for(book)
    assert printcover.barcode_area(replace(book, isbn=Isbns()), sheet.barcode) is None
    area = printcover.barcode_area(book, sheet.barcode)
    assert area.isbn == "ISBN 978-0-8044-2957-3"
    assert 0 < area.bars.x and area.bars.x + area.bars.width < sheet.barcode.width
    assert area.digits_top + area.digits_size < sheet.barcode.height


@needs_zbar
@pytest.mark.slow
def test_a_scanner_reads_the_print_isbn_off_the_print_cover(book, tmp_path):
    sheet, front, media_type = sheet_for(book)
    (tmp_path / "cover.pdf").write_bytes(printcover.print_cover_pdf(book, sheet, front, media_type))
    assert zbar(tmp_path / "cover.pdf", tmp_path) == ["EAN-13:9780804429573"]


# ---------------------------------------------------------------- the feed and the manifest

def test_the_feed_carries_the_epubs_isbn_the_series_contributors_and_subject_codes(book):
    entry = etree.fromstring(serve.catalog(book, [])).find(f"{ATOM}entry")
    assert [e.text for e in entry.iterfind(f"{DC}identifier")] == [
        "urn:uuid:5b0c3c1e-4f5d-4c7a-9a53-2f6f0c1d8e21", "urn:isbn:9780306406157"]
    assert entry.findtext(f"{DC}isPartOf") == "Heartland Papers, volume 2"
    assert [c.findtext(f"{ATOM}name") for c in entry.iterfind(f"{ATOM}contributor")] == [
        "Ann Editor", "Cy Designer"]
    assert [(c.get("scheme"), c.get("term"), c.get("label")) for c in entry.iterfind(f"{ATOM}category")] == [
        (None, "Asia, Central — Politics and government", "Asia, Central — Politics and government"),
        ("http://www.bisg.org/standards/bisac_subject/index.html", "POL011000", "International relations"),
        ("https://ns.editeur.org/thema/", "JPS", "International relations")]


def test_the_epubs_page_list_names_the_print_edition_by_its_isbn(book):
    assert print_edition(book) == "urn:isbn:9780804429573"
    demo = load_book(ROOT / "manuscript" / "book.yaml")
    assert print_edition(demo) == "Between Beijing and Moscow, print edition, Heartland Editions, 2026-11-23"


def test_the_download_page_lists_both_isbns(book):
    page = serve.download_page(book, [], cover_jpeg(book), "release.json").decode()
    assert "ISBN (EPUB): <code>978-0-306-40615-7</code>" in page
    assert "ISBN (print): <code>978-0-8044-2957-3</code>" in page
    assert "Heartland Papers, volume 2" in page


def test_the_manifest_records_the_books_identity(book):
    from scripts.release.build import Verdict, manifest
    from scripts.release.pagelist import PageList
    sheet, _, _ = sheet_for(book)
    described = manifest(book, "release", {}, {}, {}, Verdict("", "", {}, {}), sheet, PageList(b"", [], []))
    assert described["book"]["isbn"] == {"epub": "9780306406157", "print": "9780804429573"}
    assert described["book"]["series"] == {"name": "Heartland Papers", "number": 2}
    assert described["book"]["contributors"] == [
        {"name": "Ann Editor", "role": "editor", "marc": "edt"},
        {"name": "Cy Designer", "role": "cover designer", "marc": "cov"}]
    assert described["book"]["subjects"][1] == {"name": "International relations", "bisac": "POL011000",
                                                "thema": "JPS"}
    assert described["page_list"]["source"] == "urn:isbn:9780804429573"
