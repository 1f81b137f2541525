"""The printed book's trim and its printer's rules (book.yaml `trim:` and `printer:`).

Both are data, not code: the named trims are styles/printing/trims.yaml, and each
printer is a profile of its own, styles/printing/printers/<name>.yaml, saying where its
bleed goes and how much, how far inside the trim text must keep, what page counts and
colours it takes, and the cover's bleed.  The PDF stage lays the book out from them
(scripts/books/pdf/page.py), the join cuts the bleed the printer does not want
(scripts/books/pdf/join.py), the preflight checks the print PDF against them
(scripts/books/pdf/preflight.py) and the release sizes the print cover by them.

Every length is kept in PostScript points (1/72 in), the PDF's own unit.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from scripts.core import paths as resources
from scripts.core.config import Validator, did_you_mean, read_editor_file

PRINTING = resources.STYLES / "printing"
TRIMS_FILE = PRINTING / "trims.yaml"
PRINTERS = PRINTING / "printers"

# 6 x 9 in ("US Trade") is the commonest size of a non-fiction paperback and the size the
# book's type was designed at; KDP is the printer most self-published paperbacks go to,
# and the paper figures book.yaml's `paper:` knows (white, cream) are KDP's.
DEFAULT_TRIM = "6in x 9in"
DEFAULT_PRINTER = "kdp"

POINTS_PER = {"in": 72.0, "mm": 72.0 / 25.4, "cm": 720.0 / 25.4, "pt": 1.0}
EDGES = ("outside", "inside", "top", "bottom")
BLACK_RULES = ("gray", "rgb")        # black as DeviceGray (the black ink alone), or as styled
IMAGE_RULES = ("any", "gray")        # pictures in any colour space, or greyscale only

_NUMBER = r"(\d+(?:\.\d+)?)"
_UNIT = r"\s*(in|mm|cm|pt)"
_LENGTH = re.compile(_NUMBER + _UNIT)
# "6in x 9in", "129 mm × 198 mm", or one unit for both: "6 x 9 in", "129 x 198mm"
_TRIM = re.compile(_NUMBER + rf"(?:{_UNIT})?" + r"\s*[x×]\s*" + _NUMBER + _UNIT)
_LENGTH_HINT = "write a number and its unit, e.g. 0.125in, 3mm or 9pt"
TRIM_HINT = ("write the width and the height with their unit, e.g. '6in x 9in', '5.5in x 8.5in' or "
             "'129mm x 198mm', or a named size: {names}")
# No bound paperback or hardback is smaller or larger than this: outside it, the unit is wrong.
SMALLEST_SIDE, LARGEST_SIDE = 2 * 72.0, 20 * 72.0


def _format(points: float, unit: str) -> str:
    return f"{points / POINTS_PER[unit]:.3f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Trim:
    """The page as cut: its width and height in points, how the book gave it, and the unit
    its size is written in (for messages and the report)."""
    width: float
    height: float
    written: str = DEFAULT_TRIM
    unit: str = "in"

    @classmethod
    def default(cls) -> Trim:
        return cls(*parse_trim_text(DEFAULT_TRIM), DEFAULT_TRIM)

    def describe(self) -> str:
        """"6 × 9 in", "148 × 210 mm"."""
        return f"{_format(self.width, self.unit)} × {_format(self.height, self.unit)} {self.unit}"


@dataclass(frozen=True)
class PrinterProfile:
    """One printer's rules for a book's interior and cover (styles/printing/printers/<key>.yaml)."""
    key: str                                   # the book.yaml name: kdp, ingramspark, offset
    name: str                                  # the printer's own name, for messages
    bleed: float                               # how far the bleed reaches past the trim
    bleed_edges: frozenset[str]                # which of EDGES have it
    safe_margin: float                         # text keeps this far inside the trim
    inside_margins: tuple[tuple[int, float], ...] = ()   # (up to this many pages, the gutter)
    page_multiple: int = 2
    minimum_pages: int | None = None
    maximum_pages: int | None = None
    smallest_trim: tuple[float, float] | None = None
    largest_trim: tuple[float, float] | None = None
    black: str = "gray"                        # BLACK_RULES
    images: str = "any"                        # IMAGE_RULES
    cover_bleed: float = 9.0
    file: str = ""

    def bleed_at(self, edge: str) -> float:
        return self.bleed if edge in self.bleed_edges else 0.0

    def inside_safe_margin(self, pages: int) -> float:
        """How far text keeps from the spine's fold: the safe margin, or the gutter the
        printer asks for at this page count when that is wider."""
        gutter = next((margin for up_to, margin in self.inside_margins if pages <= up_to),
                      self.inside_margins[-1][1] if self.inside_margins else 0.0)
        return max(self.safe_margin, gutter)

    def pages_for(self, pages: int) -> int:
        """The page count the print master is padded to (blank pages at the end)."""
        return -(-pages // self.page_multiple) * self.page_multiple


# ---------------------------------------------------------------- reading the data

def _length(check: Validator, node: yaml.Node, what: str) -> float:
    written = check.text(node, what, hint=_LENGTH_HINT)
    found = _LENGTH.fullmatch(written)
    if found is None:
        raise check.fail(f"{what} is not a length: '{written}'", node, hint=_LENGTH_HINT)
    return float(found[1]) * POINTS_PER[found[2]]


def parse_trim_text(written: str) -> tuple[float, float] | None:
    """(width, height) in points for "6in x 9in" and the like; None when it is not one."""
    found = _TRIM.fullmatch(written.strip())
    if found is None:
        return None
    width, first_unit, height, unit = found.groups()
    return float(width) * POINTS_PER[first_unit or unit], float(height) * POINTS_PER[unit]


@functools.cache
def named_trims() -> dict[str, tuple[str, str]]:
    """The named sizes by lower-case name: (the name as the data writes it, its size)."""
    check = Validator(str(TRIMS_FILE))
    fields = check.mapping(check.parse(read_editor_file(TRIMS_FILE), "check the quoting"), "the named trims")
    named = {}
    for name, field in fields.items():
        size = check.text(field.value, f"trim '{name}'")
        if parse_trim_text(size) is None:
            raise check.fail(f"trim '{name}' is not a size: '{size}'", field.value,
                             hint=TRIM_HINT.format(names="(none here)"))
        named[name.lower()] = (name, size)
    return named


def trim_from(check: Validator, node: yaml.Node | None, printer: PrinterProfile) -> Trim:
    """book.yaml's `trim:` (DEFAULT_TRIM when it gives none), checked against the printer's range."""
    names = ", ".join(name for name, _ in named_trims().values())
    hint = TRIM_HINT.format(names=names)
    if node is None:
        return Trim.default()
    written = check.text(node, "'trim'", hint=hint)
    figures = named_trims()[written.lower()][1] if written.lower() in named_trims() else written
    size = parse_trim_text(figures)
    if size is None:
        close = did_you_mean(written, [name for name, _ in named_trims().values()])
        raise check.fail(f"'trim' is not a size or a named size: '{written}'", node,
                         hint=f"{close} {hint}" if close else hint)
    width, height = size
    if not all(SMALLEST_SIDE <= side <= LARGEST_SIDE for side in size):
        raise check.fail(f"'trim' {written} is {_format(width, 'in')} × {_format(height, 'in')} in, "
                         "which no bound book is", node,
                         hint="check the unit (in or mm) and the digits; " + hint)
    tolerance = 0.01                      # points: 8.5in written as 216mm is not "too wide"
    too_small = printer.smallest_trim and (width < printer.smallest_trim[0] - tolerance
                                           or height < printer.smallest_trim[1] - tolerance)
    too_large = printer.largest_trim and (width > printer.largest_trim[0] + tolerance
                                          or height > printer.largest_trim[1] + tolerance)
    if too_small or too_large:
        word, bound = ("smallest", printer.smallest_trim) if too_small else ("largest", printer.largest_trim)
        raise check.fail(f"{printer.name} does not print a {written} book: its {word} trim is "
                         f"{_format(bound[0], 'in')} × {_format(bound[1], 'in')} in", node,
                         hint=f"choose a trim {printer.name} prints ({printer.file} gives its range), "
                              "or another 'printer:'")
    return Trim(width, height, written, unit=_TRIM.fullmatch(figures.strip())[4])


def printer_names() -> list[str]:
    return sorted(path.stem for path in PRINTERS.glob("*.yaml"))


def printer_from(check: Validator, node: yaml.Node | None) -> PrinterProfile:
    """book.yaml's `printer:` (DEFAULT_PRINTER when it gives none), as its profile."""
    if node is None:
        return load_profile(DEFAULT_PRINTER)
    names = printer_names()
    key = check.choice(node, "printer", names,
                       hint=f"write one of: {', '.join(names)} (each is a profile in "
                            f"styles/printing/printers/; the default is {DEFAULT_PRINTER})")
    return load_profile(key)


PROFILE_KEYS = ("name", "bleed", "bleed_edges", "safe_margin", "inside_margin", "page_count", "trim",
                "colour", "cover")


@functools.cache
def load_profile(key: str) -> PrinterProfile:
    """A printer's profile, checked like an editor's file: a mistake names its file and line."""
    path = PRINTERS / f"{key}.yaml"
    check = Validator(str(path))
    fields = check.mapping(check.parse(read_editor_file(path), "check the indentation"), "the profile",
                           allowed=PROFILE_KEYS, required=("name", "bleed", "bleed_edges", "safe_margin"))
    edges = []
    for node in check.sequence(fields["bleed_edges"].value, "'bleed_edges'"):
        edges.append(check.choice(node, "bleed edge", EDGES))
    inside = []
    if "inside_margin" in fields:
        for up_to, margin in check.mapping(fields["inside_margin"].value, "'inside_margin'").items():
            inside.append((check.integer(margin.key, "a page count of 'inside_margin'", minimum=1),
                           _length(check, margin.value, f"'inside_margin: {up_to}'")))
    counts = (check.mapping(fields["page_count"].value, "'page_count'",
                            allowed=("multiple_of", "minimum", "maximum"))
              if "page_count" in fields else {})
    trims = (check.mapping(fields["trim"].value, "'trim'", allowed=("smallest", "largest"))
             if "trim" in fields else {})
    colour = (check.mapping(fields["colour"].value, "'colour'", allowed=("black", "images"))
              if "colour" in fields else {})
    cover = check.mapping(fields["cover"].value, "'cover'", allowed=("bleed",)) if "cover" in fields else {}

    def count(name: str) -> int | None:
        return check.integer(counts[name].value, f"'page_count: {name}'", minimum=1) if name in counts else None

    def trim_bound(name: str) -> tuple[float, float] | None:
        if name not in trims:
            return None
        size = parse_trim_text(check.text(trims[name].value, f"'trim: {name}'"))
        if size is None:
            raise check.fail(f"'trim: {name}' is not a size", trims[name].value,
                             hint=TRIM_HINT.format(names="(sizes only here)"))
        return size

    bleed = _length(check, fields["bleed"].value, "'bleed'")
    return PrinterProfile(
        key=key, name=check.text(fields["name"].value, "'name'"), bleed=bleed,
        bleed_edges=frozenset(edges), safe_margin=_length(check, fields["safe_margin"].value, "'safe_margin'"),
        inside_margins=tuple(sorted(inside)), page_multiple=count("multiple_of") or 2,
        minimum_pages=count("minimum"), maximum_pages=count("maximum"),
        smallest_trim=trim_bound("smallest"), largest_trim=trim_bound("largest"),
        black=check.choice(colour["black"].value, "'colour: black'", BLACK_RULES) if "black" in colour else "gray",
        images=check.choice(colour["images"].value, "'colour: images'", IMAGE_RULES) if "images" in colour else "any",
        cover_bleed=_length(check, cover["bleed"].value, "'cover: bleed'") if "bleed" in cover else bleed,
        file=str(Path("styles") / "printing" / "printers" / path.name))
