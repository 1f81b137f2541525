"""book.yaml's `trim:` and `printer:`, the printer profiles (styles/printing/) and the page the
PDF is laid out on (scripts/books/pdf/page.py): no layout here, the numbers only."""

from __future__ import annotations

import pytest

from scripts.books.pdf import page
from scripts.core import printing
from scripts.core.book import load_book
from scripts.core.errors import UserError
from scripts.core.printing import Trim, load_profile, printer_names

IN, MM = 72.0, 72.0 / 25.4


def book_with(tmp_path, lines: str):
    path = tmp_path / "book.yaml"
    path.write_text("title: A\nauthor: B\n" + lines, encoding="utf-8")
    return load_book(path)


@pytest.mark.parametrize("written, size", [
    ("6in x 9in", (6 * IN, 9 * IN)), ("5.5in x 8.5in", (5.5 * IN, 8.5 * IN)), ("6 x 9 in", (6 * IN, 9 * IN)),
    ("129mm x 198mm", (129 * MM, 198 * MM)), ("129 × 198 mm", (129 * MM, 198 * MM)),
    ("A5", (148 * MM, 210 * MM)), ("a5", (148 * MM, 210 * MM)), ("B-format", (129 * MM, 198 * MM)),
])
def test_a_trim_is_written_out_or_named(tmp_path, written, size):
    trim = book_with(tmp_path, f"trim: {written}\n").trim
    assert (trim.width, trim.height) == pytest.approx(size)


def test_the_defaults_are_6_by_9_in_and_kdp(tmp_path):
    book = book_with(tmp_path, "")
    assert (book.trim.width, book.trim.height, book.trim.describe()) == (432.0, 648.0, "6 × 9 in")
    assert book.printer.key == "kdp"
    assert book_with(tmp_path, "trim: A5\n").trim.describe() == "148 × 210 mm"


@pytest.mark.parametrize("lines, message, line, hint", [
    ("trim: 6in by 9in\n", "'trim' is not a size or a named size: '6in by 9in'", 3, "'5.5in x 8.5in'"),
    ("trim: A6\n", "not a size or a named size", 3, "A5"),
    ("trim: Bformat\n", "not a size or a named size", 3, "did you mean 'B-format'?"),
    ("trim: 60in x 90in\n", "which no bound book is", 3, "check the unit"),
    ("trim: 3in x 5in\n", "Amazon KDP Print does not print a 3in x 5in book: its smallest trim is 4 × 6 in", 3,
     "another 'printer:'"),
    ("printer: ingramsprak\n", "unknown printer 'ingramsprak'", 3, "did you mean 'ingramspark'?"),
    ("printer: [kdp]\n", "printer must be a text", 3, "kdp"),
    ("printr: kdp\n", "unknown key 'printr'", 3, "did you mean 'printer'?"),
])
def test_trim_and_printer_mistakes_name_the_line_and_what_to_write(tmp_path, lines, message, line, hint):
    with pytest.raises(UserError) as raised:
        book_with(tmp_path, lines)
    assert message in str(raised.value) and raised.value.line == line
    assert hint in raised.value.hint


def test_a_trim_another_printer_takes_is_checked_against_that_printers_range(tmp_path):
    assert book_with(tmp_path, "printer: offset\ntrim: 3in x 5in\n").trim.width == 3 * IN
    with pytest.raises(UserError, match="largest trim is 8.5 × 11.69 in"):
        book_with(tmp_path, "trim: 9in x 12in\n")


def test_every_profile_loads_and_says_where_its_bleed_goes():
    assert printer_names() == ["ingramspark", "kdp", "offset"]
    kdp, ingram, offset = (load_profile(name) for name in ("kdp", "ingramspark", "offset"))
    assert kdp.bleed == ingram.bleed == pytest.approx(0.125 * IN)
    assert kdp.bleed_edges == ingram.bleed_edges == {"outside", "top", "bottom"}
    assert offset.bleed_edges == set(printing.EDGES) and offset.bleed == pytest.approx(3 * MM)
    assert (kdp.safe_margin, ingram.safe_margin) == (0.375 * IN, 0.5 * IN)
    assert kdp.cover_bleed == pytest.approx(0.125 * IN) and offset.cover_bleed == pytest.approx(3 * MM)


def test_the_gutter_grows_with_the_page_count_and_the_page_count_is_padded_to_the_rule():
    kdp, offset = load_profile("kdp"), load_profile("offset")
    assert [kdp.inside_safe_margin(n) / IN for n in (24, 150, 151, 300, 301, 828, 900)] == \
        [0.375, 0.375, 0.5, 0.5, 0.625, 0.875, 0.875]
    assert load_profile("ingramspark").inside_safe_margin(600) == 0.5 * IN      # no table: the safe margin
    assert [kdp.pages_for(n) for n in (141, 142)] == [142, 142]
    assert [offset.pages_for(n) for n in (31, 32, 33)] == [32, 32, 48]


def test_a_mistake_in_a_profile_names_its_file_and_line(tmp_path, monkeypatch):
    (tmp_path / "broken.yaml").write_text("name: Broken\nbleed: 3 millimetres\nbleed_edges: [outside]\n"
                                          "safe_margin: 5mm\n", encoding="utf-8")
    (tmp_path / "edges.yaml").write_text("name: Edges\nbleed: 3mm\nbleed_edges: [outsde]\nsafe_margin: 5mm\n",
                                         encoding="utf-8")
    monkeypatch.setattr(printing, "PRINTERS", tmp_path)
    printing.load_profile.cache_clear()
    try:
        with pytest.raises(UserError) as raised:
            printing.load_profile("broken")
        assert raised.value.file.endswith("broken.yaml") and raised.value.line == 2
        assert "'bleed' is not a length: '3 millimetres'" in str(raised.value) and "3mm" in raised.value.hint
        with pytest.raises(UserError, match="unknown bleed edge 'outsde'") as raised:
            printing.load_profile("edges")
        assert raised.value.line == 3 and "did you mean 'outside'?" in raised.value.hint
    finally:
        printing.load_profile.cache_clear()


# ---------------------------------------------------------------- the page the book is laid out on

def test_at_6_by_9_in_for_kdp_the_margins_are_the_design():
    margins = page.margins(Trim.default(), load_profile("kdp"))
    assert (margins.top, margins.bottom, margins.inner, margins.outer) == tuple(
        page.DESIGN_MARGINS[edge] for edge in ("top", "bottom", "inner", "outer"))


@pytest.mark.parametrize("size, printer", [((148 * MM, 210 * MM), "ingramspark"), ((5 * IN, 8 * IN), "kdp"),
                                           ((110 * MM, 178 * MM), "offset"), ((6 * IN, 9 * IN), "ingramspark")])
def test_margins_scale_with_the_trim_and_keep_heads_and_folios_out_of_the_safe_zone(size, printer):
    profile = load_profile(printer)
    margins = page.margins(Trim(*size), profile)
    assert margins.top - page.HEAD_REACH >= profile.safe_margin - 1e-9
    assert margins.bottom - page.FOLIO_REACH >= profile.safe_margin - 1e-9
    assert min(margins.inner, margins.outer) >= profile.safe_margin
    assert margins.inner > margins.outer                      # the gutter side stays the wider
    # never wider than the design's share of the page, unless the safe zone asks for it
    scale = size[0] / page.DESIGN_TRIM[0]
    assert margins.outer == pytest.approx(max(page.DESIGN_MARGINS["outer"] * scale, profile.safe_margin))


def test_the_generated_page_css_carries_the_numbers_only():
    css = page.page_css(Trim(148 * MM, 210 * MM, "A5", "mm"), load_profile("ingramspark"))
    assert "size: 419.53pt 595.28pt" in css and "bleed: 9pt" in css
    margins = page.margins(Trim(148 * MM, 210 * MM), load_profile("ingramspark"))
    assert f"--text-height: {595.28 - margins.top - margins.bottom:.2f}pt" in css
    assert "font" not in css and "content" not in css          # the presentation stays in print.css
