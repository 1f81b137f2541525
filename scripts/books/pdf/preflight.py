"""Preflight: the print PDF checked against the book's printer profile, as the printer's
own check would (book.yaml `printer:`, styles/printing/printers/<name>.yaml).

    anthology check-print [--book DIR]          (make check-print)
    python -m scripts.books.pdf.preflight [--book DIR] [--build DIR]

What it checks, page by page:
- the boxes: a TrimBox of the book's trim, a BleedBox reaching exactly as far past each
  edge as the profile's bleed (none at the spine for KDP and IngramSpark), the MediaBox
  the BleedBox (the page the printer receives);
- the page count: the profile's multiple (even; whole signatures), minimum and maximum;
- every font embedded;
- the safe zone: no glyph (as poppler's pdftotext -bbox places each word), no line or
  filled shape and no picture inside the profile's safe margin from the trim (at the spine,
  the gutter its page-count table asks, when wider) unless it runs into the bleed: art meant
  to bleed may cross the zone, text never;
- colour: black and greys written as DeviceGray when the profile's `black` is gray (not
  DeviceRGB or DeviceCMYK, which a press prints with all four inks); pictures greyscale
  when its `images` is gray.

Each failure is one line; any failure makes the command exit 1.  build/reports/
preflight.json holds the same lines and the page sizes found.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from dataclasses import asdict, dataclass
from itertools import pairwise
from pathlib import Path

import pikepdf

from scripts.core.atomic import write_text
from scripts.core.errors import CheckFailed, UserError
from scripts.core.printing import POINTS_PER, PrinterProfile, Trim

TOLERANCE = 0.05             # points: boxes are written to two decimals, and 0.05 pt is 0.02 mm
_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_PAINTS = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*"}
_WORD = re.compile(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">([^<]*)</word>')


@dataclass(frozen=True)
class Finding:
    rule: str                 # boxes, page-count, fonts, safe-zone, colour
    message: str
    page: int | None = None   # 1-based, in the PDF
    label: str = ""           # the printed folio, when the page has one
    detail: str = ""          # what on the page: the words (failures on many pages share a message)

    def where(self) -> str:
        return f"page {self.page}{f' (folio {self.label})' if self.label else ''}"

    def line(self) -> str:
        said = self.message + (f": {self.detail}" if self.detail else "")
        return said if self.page is None else f"{self.where()}: {said}"


def _inches(points: float) -> str:
    return f"{points / POINTS_PER['in']:.3f} in"


# ---------------------------------------------------------------- reading a page's drawing

def _multiply(m, n):
    """The matrix m then n (PDF's row-vector convention: a point p goes to p·m·n)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _apply(m, x, y):
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


@dataclass
class Drawn:
    """What a page's content does that the preflight judges (its forms followed)."""
    marks: list            # (kind, (x0, y0, x1, y1)) in the page's space: "drawing" or "picture"
    colours: dict          # (operator, operands) -> times set; sc/scn named with their space
    pictures: list         # (colour space, width, height)
    fonts: dict            # font name -> its dictionary


def _bounds(points):
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _walk(source, resources, matrix, drawn: Drawn, depth: int = 0) -> None:
    if depth > 12:                      # forms inside forms: a cycle would never end
        return
    fonts = resources.get("/Font", {}) if resources is not None else {}
    for name, font in fonts.items():
        drawn.fonts.setdefault(str(font.get("/BaseFont", name)), font)
    stack, ctm, path, space = [], matrix, [], {"fill": "/DeviceGray", "stroke": "/DeviceGray"}
    for operands, operator in pikepdf.parse_content_stream(source):
        op = str(operator)
        if op == "q":
            stack.append((ctm, dict(space)))
        elif op == "Q" and stack:
            ctm, space = stack.pop()
        elif op == "cm":
            ctm = _multiply(tuple(float(v) for v in operands), ctm)
        elif op in ("m", "l"):
            path.append(_apply(ctm, float(operands[0]), float(operands[1])))
        elif op in ("c", "v", "y"):
            values = [float(v) for v in operands]
            path.extend(_apply(ctm, values[i], values[i + 1]) for i in range(0, len(values), 2))
        elif op == "re":
            x, y, w, h = (float(v) for v in operands)
            path.extend(_apply(ctm, px, py) for px, py in ((x, y), (x + w, y), (x, y + h), (x + w, y + h)))
        elif op in _PAINTS or op == "n":
            if op != "n" and path:
                drawn.marks.append(("drawing", _bounds(path)))
            path = []
        elif op in ("rg", "RG", "k", "K", "g", "G"):
            key = (op, tuple(round(float(v), 4) for v in operands))
            drawn.colours[key] = drawn.colours.get(key, 0) + 1
        elif op in ("cs", "CS"):
            space["fill" if op == "cs" else "stroke"] = str(operands[0])
        elif op in ("sc", "scn", "SC", "SCN"):
            which = space["fill" if op in ("sc", "scn") else "stroke"]
            values = tuple(round(float(v), 4) for v in operands if not isinstance(v, pikepdf.Name))
            key = (f"{which} {op}", values)
            drawn.colours[key] = drawn.colours.get(key, 0) + 1
        elif op == "Do" and resources is not None:
            xobject = resources.get("/XObject", {}).get(str(operands[0]))
            if xobject is None:
                continue
            if xobject.get("/Subtype") == "/Image":
                corners = [_apply(ctm, x, y) for x, y in ((0, 0), (1, 0), (0, 1), (1, 1))]
                drawn.marks.append(("picture", _bounds(corners)))
                if not xobject.get("/ImageMask", False):
                    drawn.pictures.append((_space_name(xobject.get("/ColorSpace")),
                                           int(xobject.get("/Width", 0)), int(xobject.get("/Height", 0))))
            elif xobject.get("/Subtype") == "/Form":
                inner = tuple(float(v) for v in xobject.get("/Matrix", _IDENTITY))
                _walk(xobject, xobject.get("/Resources", resources), _multiply(inner, ctm), drawn, depth + 1)


def _space_name(space) -> str:
    """A picture's colour space as a name: /DeviceGray, /DeviceRGB, /ICCBased (3 channels)..."""
    if space is None:
        return "none"
    if isinstance(space, pikepdf.Array):
        kind = str(space[0])
        if kind == "/ICCBased":
            return {1: "/DeviceGray", 3: "/DeviceRGB", 4: "/DeviceCMYK"}.get(int(space[1].get("/N", 0)), kind)
        if kind == "/Indexed":
            return f"/Indexed {_space_name(space[1])}"
        return kind
    return str(space)


def _is_gray_space(name: str) -> bool:
    return name in ("/DeviceGray", "/CalGray", "/Indexed /DeviceGray", "/Indexed /CalGray")


def _embedded(font) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True                          # its glyphs are drawings inside the PDF
    if font.get("/Subtype") == "/Type0":
        font = font.DescendantFonts[0]
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


# ---------------------------------------------------------------- the words, from poppler

def _start_words(pdf_path: Path) -> subprocess.Popen:
    """poppler reading every word's place, started at once: it runs while the pages' drawing
    is read here."""
    if shutil.which("pdftotext") is None:
        raise UserError("pdftotext (poppler) is missing, and the preflight reads the words' places with it",
                        hint="install poppler-utils (apt-get install poppler-utils), or run `make test-system`")
    return subprocess.Popen(["pdftotext", "-q", "-bbox", str(pdf_path), "-"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _words(reading: subprocess.Popen) -> list[list[tuple[float, float, float, float, str]]]:
    """Each page's words as poppler places them: (xMin, yMin, xMax, yMax) from the MediaBox's
    top left corner, y down."""
    out, errors = reading.communicate()
    if reading.returncode:
        raise UserError(f"pdftotext could not read the print PDF: {errors.strip()[-400:]}",
                        hint="build it again (make pdf)")
    return [[(float(a), float(b), float(c), float(d), word) for a, b, c, d, word in _WORD.findall(page)]
            for page in out.split("<page ")[1:]]


# ---------------------------------------------------------------- the checks

def _edge_names(recto: bool) -> dict[str, str]:
    """Which of the profile's edges is the page's left and right: a recto's spine is its left."""
    return {"left": "inside" if recto else "outside", "right": "outside" if recto else "inside",
            "bottom": "bottom", "top": "top"}


def _check_boxes(page_number: int, label: str, page: pikepdf.Page, trim: Trim,
                 printer: PrinterProfile) -> list[Finding]:
    found = []

    def fail(message: str) -> None:
        found.append(Finding("boxes", message, page_number, label))

    boxes = {name: [float(v) for v in page.obj[name]] for name in ("/MediaBox", "/TrimBox", "/BleedBox")
             if name in page.obj}
    for name in ("/TrimBox", "/BleedBox"):
        if name not in boxes:
            fail(f"no {name[1:]} (a printer needs the trim and the bleed on every page)")
    if len(boxes) < 3:
        return found
    media, trimmed, bleed = boxes["/MediaBox"], boxes["/TrimBox"], boxes["/BleedBox"]
    size = (trimmed[2] - trimmed[0], trimmed[3] - trimmed[1])
    if abs(size[0] - trim.width) > TOLERANCE or abs(size[1] - trim.height) > TOLERANCE:
        fail(f"the trim is {_inches(size[0])} × {_inches(size[1])}; the book's is {trim.describe()}")
    edges = _edge_names(page_number % 2 == 1)
    reach = {"left": trimmed[0] - bleed[0], "bottom": trimmed[1] - bleed[1],
             "right": bleed[2] - trimmed[2], "top": bleed[3] - trimmed[3]}
    for side, edge in edges.items():
        wanted = printer.bleed_at(edge)
        if abs(reach[side] - wanted) > TOLERANCE:
            fail(f"the bleed at the {edge} edge ({side}) is {_inches(reach[side])}; "
                 f"{printer.key} wants {_inches(wanted)}")
    if any(abs(m - b) > TOLERANCE for m, b in zip(media, bleed)):
        fail(f"the MediaBox {media} is not the BleedBox {bleed}: the page sent is not the page with its bleed")
    return found


def _unsafe(box, safe) -> list[str]:
    """The edges whose safe margin a box (x0, y0, x1, y1) enters."""
    x0, y0, x1, y1 = box
    left, bottom, right, top = safe
    entered = []
    if x0 < left - TOLERANCE:
        entered.append("left")
    if x1 > right + TOLERANCE:
        entered.append("right")
    if y0 < bottom - TOLERANCE:
        entered.append("bottom")
    if y1 > top + TOLERANCE:
        entered.append("top")
    return entered


def _runs_into_bleed(box, trim_box) -> bool:
    x0, y0, x1, y1 = box
    return (x0 < trim_box[0] - TOLERANCE or y0 < trim_box[1] - TOLERANCE
            or x1 > trim_box[2] + TOLERANCE or y1 > trim_box[3] + TOLERANCE)


def _distance(box, trim_box, side: str) -> float:
    x0, y0, x1, y1 = box
    return {"left": x0 - trim_box[0], "bottom": y0 - trim_box[1],
            "right": trim_box[2] - x1, "top": trim_box[3] - y1}[side]


def preflight(pdf_path: Path, trim: Trim, printer: PrinterProfile, *,
              any_length: bool = False) -> tuple[list[Finding], dict]:
    """Every way the print PDF falls short of the printer's profile, and what it found
    (page count, the page sizes: recto and verso).  `any_length`: the printer's page maximum
    does not apply (a book printed in volumes: the volumes go to the printer, not the whole)."""
    reading = _start_words(pdf_path)
    try:
        return _check(pdf_path, reading, trim, printer, any_length)
    finally:
        if reading.poll() is None:
            reading.kill()
            reading.wait()


def _check(pdf_path: Path, reading: subprocess.Popen, trim: Trim,
           printer: PrinterProfile, any_length: bool = False) -> tuple[list[Finding], dict]:
    findings: list[Finding] = []
    sizes: dict[str, str] = {}
    drawings = []
    with pikepdf.open(pdf_path) as pdf:
        count = len(pdf.pages)
        if count % printer.page_multiple:
            findings.append(Finding("page-count", f"{count} pages: {printer.key} takes a page count that is a "
                                                  f"multiple of {printer.page_multiple}"))
        if printer.minimum_pages and count < printer.minimum_pages:
            findings.append(Finding("page-count", f"{count} pages: {printer.key} prints no fewer than "
                                                  f"{printer.minimum_pages}"))
        if printer.maximum_pages and count > printer.maximum_pages and not any_length:
            findings.append(Finding("page-count", f"{count} pages: {printer.key} prints no more than "
                                                  f"{printer.maximum_pages}"))
        inside_safe = printer.inside_safe_margin(count)
        unembedded: dict[str, int] = {}
        for index, page in enumerate(pdf.pages):
            number = index + 1
            label = str(page.label) if page.label is not None else ""
            findings.extend(_check_boxes(number, label, page, trim, printer))
            trim_box = [float(v) for v in page.obj.get("/TrimBox", page.obj.MediaBox)]
            media = [float(v) for v in page.obj.MediaBox]
            sizes.setdefault("recto" if index % 2 == 0 else "verso",
                             f"{_inches(media[2] - media[0])} × {_inches(media[3] - media[1])}")
            recto = index % 2 == 0
            widths = {"inside": inside_safe, "outside": printer.safe_margin,
                      "top": printer.safe_margin, "bottom": printer.safe_margin}
            edges = _edge_names(recto)
            safe = (trim_box[0] + widths[edges["left"]], trim_box[1] + widths["bottom"],
                    trim_box[2] - widths[edges["right"]], trim_box[3] - widths["top"])

            drawn = Drawn([], {}, [], {})
            _walk(page, page.resources, _IDENTITY, drawn)
            drawings.append((number, label, media, trim_box, safe, widths, edges, drawn))
        words = _words(reading)
        for index, (number, label, media, trim_box, safe, widths, edges, drawn) in enumerate(drawings):
            # The words: poppler gives them from the MediaBox's top left corner, y down.
            too_close: dict[str, list[tuple[float, str]]] = defaultdict(list)
            for x0, y0, x1, y1, word in words[index] if index < len(words) else ():
                box = (media[0] + x0, media[3] - y1, media[0] + x1, media[3] - y0)
                for side in _unsafe(box, safe):
                    too_close[side].append((_distance(box, trim_box, side), word))
            for side, found in too_close.items():
                nearest = min(found)
                sample = " ".join(word for _, word in found[:6]) + (" …" if len(found) > 6 else "")
                findings.append(Finding("safe-zone", f"text {_inches(nearest[0])} from the trim, inside the "
                                                     f"{_inches(widths[edges[side]])} safe margin at the "
                                                     f"{edges[side]} edge", number, label, f"'{sample}'"))
            for kind, box in drawn.marks:
                if _runs_into_bleed(box, trim_box):
                    continue                       # art meant to bleed: it may cross the safe zone
                for side in _unsafe(box, safe):
                    findings.append(Finding("safe-zone", f"a {kind} inside the {_inches(widths[edges[side]])} safe "
                                                         f"margin at the {edges[side]} edge, "
                                                         f"{_inches(_distance(box, trim_box, side))} from the trim",
                                            number, label))
            for name, font in drawn.fonts.items():
                if not _embedded(font):
                    unembedded.setdefault(name, number)
            findings.extend(_colour_findings(drawn, printer, number, label))
        for name, first in unembedded.items():
            findings.append(Finding("fonts", f"the font {name} is not embedded", first))
    return findings, {"pages": count, "page_size": sizes, "inside_safe_margin": _inches(inside_safe)}


def _neutral_space(operator: str, values: tuple) -> str | None:
    """The device colour space a neutral colour (black, a grey) is set in other than gray:
    "DeviceRGB" for equal R, G and B, "DeviceCMYK" for C = M = Y = 0; None otherwise."""
    if operator in ("rg", "RG") or operator.startswith("/DeviceRGB"):
        return "DeviceRGB" if len(values) == 3 and values[0] == values[1] == values[2] else None
    if operator in ("k", "K") or operator.startswith("/DeviceCMYK"):
        return "DeviceCMYK" if len(values) == 4 and values[0] == values[1] == values[2] == 0 else None
    return None


def _colour_findings(drawn: Drawn, printer: PrinterProfile, number: int, label: str) -> list[Finding]:
    found = []
    if printer.black == "gray":
        for operator, values in sorted(drawn.colours):
            space = _neutral_space(operator, values)
            if space is not None:
                found.append(Finding("colour", f"black or grey set in {space} ({' '.join(map(str, values))} "
                                               f"{operator.split()[-1]}): {printer.key} wants it in DeviceGray, "
                                               "printed with the black ink alone", number, label))
    if printer.images == "gray":
        for space, width, height in drawn.pictures:
            if not _is_gray_space(space):
                found.append(Finding("colour", f"a picture in {space[1:]} ({width} × {height} px): {printer.key} "
                                               "wants pictures in greyscale", number, label))
    return found


def _page_ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 5] -> "1–3, 5"; [1, 3, 5, 7] -> "1–7, the rectos"."""
    if len(numbers) > 2 and all(b - a == 2 for a, b in pairwise(numbers)):
        return f"{numbers[0]}–{numbers[-1]}, the {'rectos' if numbers[0] % 2 else 'versos'}"
    ranges: list[list[int]] = []
    for number in numbers:
        if ranges and number == ranges[-1][1] + 1:
            ranges[-1][1] = number
        else:
            ranges.append([number, number])
    return ", ".join(f"{a}–{b}" if b > a else str(a) for a, b in ranges)


def report_lines(findings: list[Finding]) -> list[str]:
    """One line per failure; the same failure on several pages is one line naming them all."""
    pages: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        pages.setdefault((finding.rule, finding.message), []).append(finding)
    lines = []
    for (_, message), found in pages.items():
        numbers = [f.page for f in found if f.page is not None]
        if len(numbers) > 1:
            example = f" ({found[0].where()}: {found[0].detail})" if found[0].detail else ""
            lines.append(f"pages {_page_ranges(numbers)} ({len(numbers)} pages): {message}{example}")
        else:
            lines.append(found[0].line())
    return lines


# ---------------------------------------------------------------- the stage

def run(paths) -> str:
    """The check-print stage: the print PDF against the book's printer profile, and each
    volume's too when book.yaml prints the book in volumes (docs/volumes.md)."""
    from scripts.books.volume_files import made_volumes, printed_as_volumes_only
    from scripts.core.book import book_for
    book = book_for(paths)
    # A book in volumes is printed as its volumes: the whole may have more pages than the
    # printer binds (a 1,000-post blog's 5,588), and is checked for everything else.
    in_volumes = book.volumes is not None
    findings, found = preflight(paths.print_pdf, book.trim, book.printer, any_length=in_volumes)
    lines = report_lines(findings)
    report = {"printer": book.printer.key, "profile": book.printer.file, "trim": book.trim.describe(), **found,
              "failures": lines, "findings": [asdict(f) for f in findings]}
    if printed_as_volumes_only(book, found["pages"]):
        report["page_maximum"] = (f"not applied: {found['pages']} pages, more than {book.printer.key}'s "
                                  f"{book.printer.maximum_pages}, printed as its volumes")
    failing = [(paths.print_pdf, lines)] if findings else []
    if in_volumes:
        report["volumes"] = []
        for number, pdf_path in ((v.number, v.paths.print_pdf) for v in made_volumes(paths, book)):
            their_findings, their_found = preflight(pdf_path, book.trim, book.printer)
            their_lines = report_lines(their_findings)
            report["volumes"].append({"number": number, "file": str(pdf_path), **their_found,
                                      "failures": their_lines, "findings": [asdict(f) for f in their_findings]})
            if their_findings:
                failing.append((pdf_path, their_lines))
    write_text(paths.reports / "preflight.json", json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    summary = (f"{found['pages']} pages of {book.trim.describe()}, recto {found['page_size'].get('recto')}, "
               f"verso {found['page_size'].get('verso')}, against {book.printer.key} ({book.printer.file})")
    volumes = report.get("volumes", [])
    if volumes:
        summary += f"; {len(volumes)} volumes ({', '.join(str(v['pages']) for v in volumes)} pages)"
    if failing:
        for pdf_path, their_lines in failing:
            for line in their_lines:
                print(f"{pdf_path}: {line}", file=sys.stderr)
        count = sum(len(their_lines) for _, their_lines in failing)
        which = ", ".join(str(pdf_path) for pdf_path, _ in failing)
        raise CheckFailed(f"{which} fail{'s' if len(failing) == 1 else ''} {book.printer.key}'s profile "
                          f"({count} failures): {summary} (the list: {paths.reports / 'preflight.json'})")
    return f"meets the profile: {summary}"


if __name__ == "__main__":
    from scripts.cli import main
    raise SystemExit(main(["check-print", *sys.argv[1:]]))
