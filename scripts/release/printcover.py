"""The print cover: back, spine and front as one sheet with bleed, sized from the interior.

The printer wraps one sheet round the interior: the back cover, the spine, the front cover,
left to right, with bleed on the four outer edges, as much as the book's printer profile
says (book.yaml `printer:`, its `cover: bleed`).  Its width follows from the print PDF:
the trim (the interior's TrimBox) twice, plus the spine, which is the page count times the
thickness of one page of the paper (book.yaml `paper:`, scripts/core/book.py).

- The front is the store cover (scripts/books/cover.py), the same image, as tall as the
  sheet; the ground colour it stands on runs across the spine and the back, so the join
  does not show.
- The spine carries the title and the author only when it is wide enough (KDP takes spine
  text from 79 pages on, and the text must keep 1/16 in from each fold, the binding's
  tolerance) and the line fits its height; otherwise it stays plain.
- The back carries the description and a barcode area: with a print ISBN (book.yaml `isbn:
  print:`) it holds the ISBN's EAN-13 bar code (barcode.py) on white, the ISBN above it and
  its digits below; without one it is left free for the printer's own.
- The editor's own artwork (book.yaml `cover:`) fills the front panel to its bleed, cut to
  it (the artwork is checked to have the trim's shape, scripts/core/identity.py).

Layout numbers are computed here; templates/release/print-cover.html.j2 places them and
styles/print-cover.css sets the type.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from PIL import Image, ImageFont

from scripts.books.fonts import FONT_DIR
from scripts.core import paths as resources
from scripts.core.book import Book, Paper
from scripts.release import barcode

PT_PER_IN = 72.0
PT_PER_MM = 72.0 / 25.4
# KDP accepts spine text from 79 pages on ("Create a Paperback Cover", KDP help G201953020).
SPINE_TEXT_MIN_PAGES = 79
# The fold may fall up to 1/16 in either way (IngramSpark's stated binding tolerance, "Manufacturing
# and File Setup Tips"): spine text keeps that far from each fold.
FOLD_TOLERANCE_IN = 0.0625
SPINE_TEXT_LARGEST_PT = 14.0
SPINE_TEXT_SMALLEST_PT = 6.0       # below this a spine cannot be read at arm's length
SAFE_IN = 0.5                      # text on the back and the spine stays this far inside the trim
# The barcode area: 2 x 1.2 in, in the back cover's lower corner by the spine, 0.25 in inside
# the trim and the fold (KDP's stated barcode size and place; docs/release.md).
BARCODE_IN = (2.0, 1.2)
BARCODE_INSET_IN = 0.25
TEMPLATES = resources.TEMPLATES / "release"
STYLESHEET = resources.STYLES / "print-cover.css"


@dataclass(frozen=True)
class Box:
    x: float                       # points from the trim's left edge
    y: float                       # points from the trim's top edge
    width: float
    height: float


@dataclass(frozen=True)
class CoverLayout:
    trim_width: float              # one cover's trim (the interior's), points
    trim_height: float
    pages: int
    paper: str
    inches_per_page: float
    spine: float                   # the spine's width, points
    bleed: float
    spine_text: str                # "" when the spine carries none
    spine_text_size: float
    front_image: Box
    barcode: Box
    back_text: Box

    @property
    def width(self) -> float:
        """The sheet's trim: back, spine and front (the bleed goes round it)."""
        return 2 * self.trim_width + self.spine

    def to_dict(self) -> dict:
        out = asdict(self)
        out["width"] = self.width
        out["spine_mm"] = round(self.spine / PT_PER_MM, 2)
        return out


def spine_width(pages: int, paper: Paper) -> float:
    return pages * paper.inches_per_page * PT_PER_IN


def _spine_line(book: Book, room_across: float, room_along: float) -> tuple[str, float]:
    """The largest size at which the title and author (else the title alone) fit the spine."""
    regular = FONT_DIR / "CharisSIL-Bold.ttf"
    for text in (f"{book.title}  ·  {book.author}", book.title):
        size = min(SPINE_TEXT_LARGEST_PT, room_across * 0.72)     # cap height plus descenders
        while size >= SPINE_TEXT_SMALLEST_PT:
            # A font's advance widths scale with its size: measured at 100 units = 100 pt.
            length = ImageFont.truetype(str(regular), 100).getlength(text) * size / 100
            if length <= room_along:
                return text, round(size, 2)
            size -= 0.5
    return "", 0.0


def layout(book: Book, trim_width: float, trim_height: float, pages: int,
           cover_size: tuple[int, int]) -> CoverLayout:
    spine = spine_width(pages, book.paper)
    bleed = book.printer.cover_bleed
    across = spine - 2 * FOLD_TOLERANCE_IN * PT_PER_IN
    text, size = ("", 0.0)
    if pages >= SPINE_TEXT_MIN_PAGES and across >= SPINE_TEXT_SMALLEST_PT / 0.72:
        text, size = _spine_line(book, across, trim_height - 2 * SAFE_IN * PT_PER_IN)
    # The front: the store cover as tall as the sheet with its bleed, centred on the front's
    # trim; a cover wider than that is fitted to the front's width instead.
    image_width, image_height = cover_size
    height = trim_height + 2 * bleed
    width = height * image_width / image_height
    if width > trim_width:
        width, height = trim_width, trim_width * image_height / image_width
    front = Box(trim_width + spine + (trim_width - width) / 2, (trim_height - height) / 2, width, height)
    if book.cover is not None:
        # The editor's artwork is the front: it runs into the bleed on the three outer edges.
        front = Box(trim_width + spine, -bleed, trim_width + bleed, trim_height + 2 * bleed)
    code_w, code_h = (v * PT_PER_IN for v in BARCODE_IN)
    inset = BARCODE_INSET_IN * PT_PER_IN
    barcode = Box(trim_width - inset - code_w, trim_height - inset - code_h, code_w, code_h)
    safe = SAFE_IN * PT_PER_IN
    back_text = Box(safe, safe, trim_width - 2 * safe, barcode.y - safe - 12)
    return CoverLayout(trim_width, trim_height, pages, book.paper.name, book.paper.inches_per_page,
                       spine, bleed, text, size, front, barcode, back_text)


@dataclass(frozen=True)
class BarcodeArea:
    """What the barcode area prints, in points from the area's top left corner."""
    isbn: str                      # "ISBN 978-...", above the bars
    text_size: float
    image: str                     # the bars, an SVG data URL
    bars: Box
    digits: list[tuple[str, float, float]]   # (digit, left, width) under the bars
    digits_top: float
    digits_size: float


BARCODE_PADDING_PT = 4.0


def barcode_area(book: Book, area: Box) -> BarcodeArea | None:
    """The print ISBN's EAN-13 symbol laid out in the barcode area; None without a print ISBN."""
    if book.isbn.print is None:
        return None
    text_size = 7.5
    digits_room = 9.0              # the digits under the bars: their height, as a share of a module
    room_w = area.width - 2 * BARCODE_PADDING_PT
    room_h = area.height - 2 * BARCODE_PADDING_PT - text_size * 1.3
    # The digits sit under the ordinary bars, between the longer guard bars, and reach a few
    # modules below the guard bars' ends: the guard bars get their share of the height.
    guard = barcode.BAR_HEIGHT_MM / barcode.MODULE_MM + barcode.GUARD_EXTRA_MODULES
    below = digits_room - barcode.GUARD_EXTRA_MODULES
    code = barcode.symbol(book.isbn.print.digits, room_w, room_h * guard / (guard + below))
    left = (area.width - code.width_pt) / 2
    top = BARCODE_PADDING_PT + text_size * 1.3
    image = "data:image/svg+xml;base64," + base64.b64encode(barcode.svg(code).encode()).decode("ascii")
    return BarcodeArea(f"ISBN {book.isbn.print.printed}", text_size, image,
                       Box(left, top, code.width_pt, code.height_pt),
                       [(digit, left + x, width) for digit, x, width in code.digit_cells()],
                       top + code.bar_modules * code.module_pt + 0.5 * code.module_pt,
                       round(digits_room * code.module_pt * 0.8, 2))


def _stable_ids(book: Book):
    """WeasyPrint writes a random XMP document id; the same inputs must give the same bytes."""
    def finish(document, pdf) -> None:
        reference = pdf.catalog.get("Metadata")
        if reference is None:
            return
        number = int((reference.encode() if isinstance(reference, str) else reference).split()[0])
        stream = pdf.objects[number]
        stable = ("xmp.did:" + hashlib.sha1(f"{book.identifier} cover".encode()).hexdigest()).encode()
        stream.stream = [re.sub(rb"xmp\.did:[0-9a-f-]{36}", stable, part) for part in stream.stream]
    return finish


def print_cover_pdf(book: Book, cover: CoverLayout, front_image: bytes,
                    media_type: str = "image/jpeg") -> bytes:
    """The sheet as a PDF/X-4 (the print interior's standard), one page, TrimBox the sheet's
    trim and BleedBox the bleed round it.  `front_image`: the front panel's picture."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    image = f"data:{media_type};base64," + base64.b64encode(front_image).decode("ascii")
    environment = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True,
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    html = environment.get_template("print-cover.html.j2").render(
        book=book, cover=cover, image=image, date=book.date.isoformat(),
        barcode=barcode_area(book, cover.barcode))
    fonts = FontConfiguration()
    document = HTML(string=html, base_url=str(resources.STYLES)).render(
        stylesheets=[CSS(filename=str(STYLESHEET), font_config=fonts)], font_config=fonts)
    identifier = hashlib.sha1(f"{book.identifier} cover".encode()).hexdigest().encode()
    return document.write_pdf(pdf_variant="pdf/x-4", output_intent="srgb", pdf_identifier=identifier,
                              finisher=_stable_ids(book))


def interior_trim(pdf: Path) -> tuple[float, float]:
    """The interior's trim, from its first page's TrimBox (the MediaBox when it has none)."""
    import pikepdf
    with pikepdf.open(pdf) as document:
        box = [float(v) for v in document.pages[0].trimbox]
    return box[2] - box[0], box[3] - box[1]


def image_size(jpeg: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(jpeg)) as image:
        return image.size
