"""The print ISBN as an EAN-13 bar code (ISO/IEC 15420), for the print cover's barcode area.

An EAN-13 symbol is 95 modules wide: a start guard (101), six digits of seven modules each,
a centre guard (01010), six more digits, an end guard (101), with quiet zones of 11 modules on
the left and 7 on the right.  The first digit has no bars of its own: it chooses, for each of
the six left-hand digits, which of two encodings (A, odd parity; B, even) it is written in.
The right-hand digits are in encoding C.  Nominal size (100 %): a module is 0.33 mm, the bars
22.85 mm high, the guard bars 5 modules longer; the standard allows 80 % to 200 %.

This module gives the geometry (bars, and where the digits printed under them go); the SVG
is templates/release/barcode.svg.j2 and the text beside it the print cover's template.
"""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from scripts.core import paths as resources

# Encoding A of each digit; C is A with every module inverted, B is C read backwards.
ENCODING_A = ("0001101", "0011001", "0010011", "0111101", "0100011",
              "0110001", "0101111", "0111011", "0110111", "0001011")
# For each first digit, the encoding (A or B) of each of the six left-hand digits.
FIRST_DIGIT_PARITY = ("AAAAAA", "AABABB", "AABBAB", "AABBBA", "ABAABB",
                      "ABBAAB", "ABBBAA", "ABABAB", "ABABBA", "ABBABA")
START_END_GUARD = "101"
CENTRE_GUARD = "01010"
LEFT_QUIET, RIGHT_QUIET = 11, 7
MODULE_MM = 0.33
BAR_HEIGHT_MM = 22.85
GUARD_EXTRA_MODULES = 5
MIN_MAGNIFICATION, MAX_MAGNIFICATION = 0.8, 2.0
TEMPLATES = resources.TEMPLATES / "release"


def _encoding(digit: int, which: str) -> str:
    a = ENCODING_A[digit]
    c = "".join("1" if m == "0" else "0" for m in a)
    return {"A": a, "B": c[::-1], "C": c}[which]


def modules(ean13: str) -> str:
    """The 95 modules of the symbol, '1' a dark module, '0' a light one."""
    if len(ean13) != 13 or not ean13.isdigit():
        raise ValueError(f"an EAN-13 has 13 digits, not {ean13!r}")
    digits = [int(d) for d in ean13]
    parity = FIRST_DIGIT_PARITY[digits[0]]
    left = "".join(_encoding(d, p) for d, p in zip(digits[1:7], parity))
    right = "".join(_encoding(d, "C") for d in digits[7:])
    return START_END_GUARD + left + CENTRE_GUARD + right + START_END_GUARD


def _guard_modules() -> set[int]:
    """The modules of the three guards, whose bars run longer (between the digits)."""
    centre = 3 + 42
    return {0, 1, 2, *range(centre, centre + 5), *range(92, 95)}


@dataclass(frozen=True)
class Bar:
    x: float          # modules from the symbol's left edge (its quiet zone included)
    width: int        # modules
    guard: bool


@dataclass(frozen=True)
class Symbol:
    """One EAN-13 symbol, in modules; `module_pt` is one module's width in points."""
    digits: str
    bars: list[Bar]
    module_pt: float

    @property
    def width_modules(self) -> int:
        return LEFT_QUIET + 95 + RIGHT_QUIET

    @property
    def bar_modules(self) -> float:
        return BAR_HEIGHT_MM / MODULE_MM

    @property
    def guard_modules(self) -> float:
        return self.bar_modules + GUARD_EXTRA_MODULES

    @property
    def width_pt(self) -> float:
        return self.width_modules * self.module_pt

    @property
    def height_pt(self) -> float:
        return self.guard_modules * self.module_pt

    def digit_cells(self) -> list[tuple[str, float, float]]:
        """(digit, left edge, width) in points of each digit printed under the bars: each of
        the twelve under its own seven modules, the first in the left quiet zone before them."""
        m = self.module_pt
        cells = [(self.digits[0], (LEFT_QUIET - 8) * m, 7 * m)]
        for i, digit in enumerate(self.digits[1:]):
            start = LEFT_QUIET + 3 + 7 * i + (5 if i >= 6 else 0)     # after the centre guard
            cells.append((digit, start * m, 7 * m))
        return cells


def symbol(ean13: str, width_pt: float, height_pt: float) -> Symbol:
    """The symbol at the largest magnification (at most 100 %) whose width, quiet zones
    included, fits `width_pt` and whose guard bars fit `height_pt`; smaller than 80 % would
    not scan reliably, so that is an error."""
    pattern = modules(ean13)
    guards = _guard_modules()
    bars, start = [], None
    for i, module in enumerate(pattern + "0"):
        if module == "1" and start is None:
            start = i
        elif module == "0" and start is not None:
            bars.append(Bar(LEFT_QUIET + start, i - start, start in guards))
            start = None
    nominal_pt = MODULE_MM * 72 / 25.4
    nominal = Symbol(ean13, bars, nominal_pt)
    magnification = min(1.0, width_pt / nominal.width_pt, height_pt / nominal.height_pt)
    if magnification < MIN_MAGNIFICATION:
        raise ValueError(f"{width_pt:.1f} x {height_pt:.1f} pt is too small for an EAN-13 symbol "
                         f"(80 % needs {nominal.width_pt * 0.8:.1f} x {nominal.height_pt * 0.8:.1f} pt)")
    return Symbol(ean13, bars, nominal_pt * magnification)


def svg(code: Symbol) -> str:
    """The bars as an SVG image, one unit a module, sized in points."""
    environment = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True,
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return environment.get_template("barcode.svg.j2").render(code=code)
