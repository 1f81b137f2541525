"""The print master at two trims for two printers, read back as a printer's preflight would.

The demo book (6 x 9 in, KDP, book.yaml's defaults) as `make books` builds it, and a small
book (two of the fixture articles) at A5 for IngramSpark: the page boxes, the safe zone, the
colour of black, and the preflight itself, which must also find what is wrong when it is."""

from __future__ import annotations

import json
import shutil
import types
from dataclasses import replace
from pathlib import Path

import pikepdf
import pytest

from scripts.books.pdf import build as pdf
from scripts.books.pdf.preflight import preflight, report_lines
from scripts.core.book import load_book
from tests.conftest import ROOT, run_stages

pytestmark = pytest.mark.slow

FIXTURES = ROOT / "tests" / "fixtures" / "articles"
SMALL_BOOK = {"trim": "A5", "printer": "ingramspark"}


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """Two fixture chapters laid out at A5 for IngramSpark (a few seconds, not the demo's 30)."""
    folder = tmp_path_factory.mktemp("small")
    articles = folder / "articles"
    articles.mkdir()
    for name in ("01-kazakhstan-in-crisis.md", "03-2022-look-ahead.md"):
        shutil.copy(FIXTURES / name, articles / name)
    book_yaml = folder / "book.yaml"
    book_yaml.write_text((ROOT / "manuscript" / "book.yaml").read_text(encoding="utf-8")
                         + "".join(f"{key}: {value}\n" for key, value in SMALL_BOOK.items()), encoding="utf-8")
    report = pdf.build(book_yaml, articles, folder / "print.pdf", folder / "screen.pdf", folder / "reports")
    return types.SimpleNamespace(book=load_book(book_yaml), print=folder / "print.pdf", report=report,
                                 dir=folder)


def assert_boxes_follow(path: Path, book) -> list[tuple[float, float]]:
    """Every page: the book's trim, the printer's bleed on the edges it wants it on (a recto's
    spine is its left edge), MediaBox = BleedBox.  Returns each page's size."""
    printer, sizes = book.printer, []
    with pikepdf.open(path) as document:
        assert len(document.pages) % printer.page_multiple == 0
        for number, page in enumerate(document.pages):
            media, trim, bleed = ([float(v) for v in page.obj[box]] for box in ("/MediaBox", "/TrimBox", "/BleedBox"))
            assert (trim[2] - trim[0], trim[3] - trim[1]) == pytest.approx((book.trim.width, book.trim.height), abs=0.01)
            assert bleed == pytest.approx(media, abs=0.01)
            left, right = ("inside", "outside") if number % 2 == 0 else ("outside", "inside")
            assert [trim[0] - media[0], trim[1] - media[1], media[2] - trim[2], media[3] - trim[3]] == \
                pytest.approx([printer.bleed_at(left), printer.bleed_at("bottom"), printer.bleed_at(right),
                               printer.bleed_at("top")], abs=0.01)
            sizes.append((media[2] - media[0], media[3] - media[1]))
    return sizes


def colour_operators(path: Path) -> dict[str, int]:
    """How often each colour operator is used in the pages' content and their forms (the heads)."""
    counts: dict[str, int] = {}

    def walk(source, resources):
        for operands, operator in pikepdf.parse_content_stream(source):
            if str(operator) in ("rg", "RG", "k", "K", "g", "G", "sc", "scn", "SC", "SCN"):
                counts[str(operator)] = counts.get(str(operator), 0) + 1
            elif str(operator) == "Do":
                form = resources.XObject[str(operands[0])]
                if form.Subtype == "/Form":
                    walk(form, form.get("/Resources", resources))

    with pikepdf.open(path) as document:
        for page in document.pages:
            walk(page, page.Resources)
    return counts


# ---------------------------------------------------------------- the small book: A5, IngramSpark

def test_the_small_book_is_a5_with_ingramsparks_bleed_outside_top_and_bottom(small):
    sizes = assert_boxes_follow(small.print, small.book)
    # 148 x 210 mm plus 0.125 in at the outside edge, the top and the bottom: 5.952 x 8.518 in
    assert sizes and all(size == pytest.approx((148 / 25.4 * 72 + 9, 210 / 25.4 * 72 + 18), abs=0.01)
                         for size in sizes)
    written = json.loads((small.dir / "reports" / "pdf.json").read_text(encoding="utf-8"))
    assert (written["trim"], written["printer"]) == ("148 × 210 mm", "ingramspark")


def test_the_small_book_passes_ingramsparks_preflight(small):
    findings, found = preflight(small.print, small.book.trim, small.book.printer)
    assert report_lines(findings) == []
    assert found["pages"] == small.report.print_pages and found["page_size"]["recto"] == "5.952 in × 8.518 in"


def test_black_text_and_rules_are_devicegray_not_rgb(small):
    counts = colour_operators(small.print)
    assert counts.get("g", 0) > 10                       # every page of text sets its black
    assert not {"rg", "RG", "k", "K", "sc", "scn", "SC", "SCN"} & set(counts), counts


def test_the_preflight_finds_what_a_printer_would_refuse(small, tmp_path):
    printer = small.book.printer
    # A stricter safe margin than the book was laid out for: the heads and folios are inside it.
    stricter = replace(printer, safe_margin=0.75 * 72)
    lines = report_lines(preflight(small.print, small.book.trim, stricter)[0])
    assert any("safe margin at the top edge" in line and "text 0.5" in line for line in lines), lines
    assert any("safe margin at the bottom edge" in line for line in lines)
    # Another printer's rules: bleed at the spine, whole 16-page signatures.
    offset = replace(printer, key="offset", bleed_edges=frozenset({"outside", "inside", "top", "bottom"}),
                     page_multiple=16)
    lines = report_lines(preflight(small.print, small.book.trim, offset)[0])
    assert any("the bleed at the inside edge (left) is 0.000 in; offset wants 0.125 in" in line for line in lines)
    assert f"{small.report.print_pages} pages: offset takes a page count that is a multiple of 16" in lines
    # A recto edited by hand: RGB black, a rule in its spine margin, a background meant to bleed (allowed),
    # and a font whose file is gone.
    with pikepdf.open(small.print) as document:
        page = document.pages[8]
        page.contents_add(document.make_stream(b"q 0 0 0 RG 1 w 20 300 m 60 300 l S Q "
                                               b"q 0.9 0.6 0.3 rg -9 -9 100 40 re f Q"))
        font = next(iter(page.Resources.Font.values()))
        descriptor = (font.DescendantFonts[0] if font.Subtype == "/Type0" else font).FontDescriptor
        del descriptor["/FontFile2"]
        edited = tmp_path / "edited.pdf"
        document.save(edited)
    lines = report_lines(preflight(edited, small.book.trim, printer)[0])
    assert any(line.startswith("page 9 (folio 3): a drawing inside the 0.500 in safe margin at the inside edge")
               for line in lines), lines
    assert any("black or grey set in DeviceRGB (0.0 0.0 0.0 RG)" in line for line in lines)
    assert not any("0.9" in line or "a drawing" in line and "bottom edge" in line for line in lines)
    assert any("is not embedded" in line for line in lines)
    assert len(lines) == 3, lines


# ---------------------------------------------------------------- the demo book: 6 x 9 in, KDP

def test_the_demo_books_print_master_passes_kdps_preflight(built_book, capsys):
    book = load_book(ROOT / "manuscript" / "book.yaml")
    assert (book.trim.describe(), book.printer.key) == ("6 × 9 in", "kdp")
    sizes = assert_boxes_follow(built_book / "anthology.pdf", book)
    assert sizes and all(size == pytest.approx((6.125 * 72, 9.25 * 72), abs=0.01) for size in sizes)
    assert run_stages(ROOT / "manuscript", built_book, "check-print") == 0
    written = json.loads((built_book / "reports" / "preflight.json").read_text(encoding="utf-8"))
    assert written["failures"] == [] and written["page_size"] == {"recto": "6.125 in × 9.250 in",
                                                                 "verso": "6.125 in × 9.250 in"}
    counts = colour_operators(built_book / "anthology.pdf")
    assert counts.get("g", 0) > 100 and "rg" not in counts and "RG" not in counts
