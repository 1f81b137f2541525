"""The book's identity in book.yaml: its ISBNs, its series, its contributors, its subjects'
codes, its own cover artwork and its faces.  Each reader here takes the node book.yaml gives and returns
the value, or raises the validator's UserError (file:line, what is wrong, what to write).

    isbn: {epub: 978-0-306-40615-7, print: 978-0-306-40616-4}
    series: {name: Heartland Papers, number: 2}
    contributors:
      - {name: Ann Editor, role: editor}
    subjects:
      - "Plain subject heading"
      - {name: "International relations", bisac: POL011000, thema: JPS}
    cover: art/front.jpg

Kept apart from book.py so that the rules of each (ISBN check digits, MARC relator codes,
BISAC and Thema code shapes, cover sizes) are read in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from scripts.core.config import Validator, did_you_mean

if TYPE_CHECKING:
    from scripts.core.printing import Trim

ISBN_KEYS = ("epub", "print")
SERIES_KEYS = ("name", "number")
CONTRIBUTOR_KEYS = ("name", "role", "file_as")
SUBJECT_KEYS = ("name", "bisac", "thema")

ISBN_HINT = ("give each edition its own ISBN, e.g. 'isbn: {epub: 978-0-306-40615-7, print: "
             "978-0-306-40616-4}' (either may be left out)")
ISBN_SHAPE_HINT = ("an ISBN has 13 digits, starting 978 or 979 (or, an older one, 10, the last "
                   "of which may be X); hyphens and spaces between them may stay")


# ---------------------------------------------------------------- ISBN

@dataclass(frozen=True)
class Isbn:
    """One edition's ISBN, always as ISBN-13 (an ISBN-10 is converted, as ISO 2108 asks since
    2007).  `printed` keeps the editor's hyphenation, which shows the ISBN's parts (group,
    publisher, title); the agencies' range table that would let us hyphenate is not at hand."""
    digits: str          # 13 digits
    printed: str         # as printed on the copyright page and above the barcode

    @property
    def urn(self) -> str:
        return f"urn:isbn:{self.digits}"


@dataclass(frozen=True)
class Isbns:
    epub: Isbn | None = None
    print: Isbn | None = None


def isbn13_check_digit(first_twelve: str) -> str:
    """EAN-13's check digit: weights 1 and 3 alternating, the total brought up to a multiple of 10."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first_twelve))
    return str((10 - total % 10) % 10)


def isbn10_check_digit(first_nine: str) -> str:
    """ISBN-10's check digit: weights 10 down to 2, the total brought up to a multiple of 11 (10 is X)."""
    total = sum(int(d) * (10 - i) for i, d in enumerate(first_nine))
    value = (11 - total % 11) % 11
    return "X" if value == 10 else str(value)


def _isbn(check: Validator, node: yaml.Node, what: str) -> Isbn:
    written = check.text(node, what, hint=ISBN_SHAPE_HINT)
    bare = re.sub(r"^ISBN(?:-1[03])?:?\s*", "", written, flags=re.IGNORECASE)
    odd = sorted(set(re.sub(r"[0-9Xx\- ]", "", bare)))
    if odd:
        raise check.fail(f"{what} is not an ISBN: '{written}' contains {', '.join(repr(c) for c in odd)}",
                         node, hint=ISBN_SHAPE_HINT)
    groups = [g for g in re.split(r"[- ]+", bare.strip()) if g]
    compact = "".join(groups).upper()
    if "X" in compact[:-1] or (len(compact) == 13 and compact.endswith("X")):
        raise check.fail(f"{what} is not an ISBN: '{written}' has an X that is not an ISBN-10's "
                         "last character", node, hint=ISBN_SHAPE_HINT)
    if len(compact) not in (10, 13):
        raise check.fail(f"{what} is not an ISBN: '{written}' has {len(compact)} digits", node,
                         hint=ISBN_SHAPE_HINT)
    if len(compact) == 10:
        expected = isbn10_check_digit(compact[:9])
        digits = "978" + compact[:9]
        digits += isbn13_check_digit(digits)
        # An ISBN-10 hyphenated in its four parts keeps them, behind 978 and the new check digit.
        groups = ["978", *groups[:-1], digits[-1]] if len(groups) == 4 else [digits]
    else:
        expected = isbn13_check_digit(compact[:12])
        digits = compact
        if digits[:3] not in ("978", "979"):
            raise check.fail(f"{what} is not an ISBN: '{written}' starts {digits[:3]}, and every "
                             "ISBN-13 starts 978 or 979", node,
                             hint="copy the ISBN again from the ISBN agency's record (an EAN-13 "
                                  "of a product other than a book is not an ISBN)")
    if compact[-1] != expected:
        first = len(compact) - 1
        raise check.fail(f"{what} '{written}' has the check digit {compact[-1]}, but its first "
                         f"{first} digits give {expected}", node,
                         hint=f"a digit is mistyped or two are swapped: copy the ISBN again from the "
                              f"ISBN agency's record (if the first {first} digits are right, the last "
                              f"is {expected})")
    hyphenated = len(groups) == 5 and len(groups[-1]) == 1
    return Isbn(digits, "-".join(groups) if hyphenated else digits)


def read_isbns(check: Validator, node: yaml.Node | None) -> Isbns:
    if node is None:
        return Isbns()
    if isinstance(node, yaml.ScalarNode):
        raise check.fail("'isbn' gives one ISBN, but each edition (EPUB, print) has its own",
                         node, hint=ISBN_HINT)
    parts = check.mapping(node, "'isbn'", ISBN_KEYS, hint=ISBN_HINT)
    found = {key: _isbn(check, parts[key].value, f"'isbn: {key}'") for key in parts}
    if len(found) == 2 and found["epub"].digits == found["print"].digits:
        raise check.fail("'isbn' gives the same ISBN to the EPUB and the print edition",
                         parts["print"].value,
                         hint="every format of a book has an ISBN of its own: give the print "
                              "edition's, or leave one out")
    return Isbns(**found)


# ---------------------------------------------------------------- series

@dataclass(frozen=True)
class Series:
    name: str
    number: int | None = None        # its place in the series, when the series is numbered


def read_series(check: Validator, node: yaml.Node | None) -> Series | None:
    hint = "write 'series: {name: The Series Name, number: 2}' (number may be left out)"
    if node is None:
        return None
    if isinstance(node, yaml.ScalarNode):
        return Series(check.text(node, "'series'", hint=hint))
    parts = check.mapping(node, "'series'", SERIES_KEYS, required=("name",), hint=hint)
    number = (check.integer(parts["number"].value, "'series: number'", minimum=1)
              if "number" in parts else None)
    return Series(check.text(parts["name"].value, "'series: name'", hint=hint), number)


# ---------------------------------------------------------------- contributors

@dataclass(frozen=True)
class Role:
    code: str            # the MARC relator code (id.loc.gov/vocabulary/relators)
    place: str           # "title": the title page names them; "copyright": the copyright page
    credit: str          # the words before their names: "Edited by"


# The readable names an editor writes, and the MARC code the OPF records.  The title page names
# those who shaped the text (as publishers print "Edited by", "Translated by"); the copyright page
# those who made the object (its cover, its design, its pictures).
ROLES: dict[str, Role] = {
    "editor": Role("edt", "title", "Edited by"),
    "compiler": Role("com", "title", "Compiled by"),
    "translator": Role("trl", "title", "Translated by"),
    "introduction": Role("aui", "title", "With an introduction by"),
    "foreword": Role("aui", "title", "With a foreword by"),
    "afterword": Role("aft", "title", "With an afterword by"),
    "illustrator": Role("ill", "title", "Illustrated by"),
    "annotator": Role("ann", "copyright", "Notes by"),
    "photographer": Role("pht", "copyright", "Photographs by"),
    "cover designer": Role("cov", "copyright", "Cover design by"),
    "book designer": Role("bkd", "copyright", "Book design by"),
    "proofreader": Role("pfr", "copyright", "Proofread by"),
    "contributor": Role("ctb", "copyright", "With contributions by"),
}
# A MARC code written for a role names the first readable role that has it.
ROLE_BY_CODE = {role.code: name for name, role in reversed(ROLES.items())}


@dataclass(frozen=True)
class Contributor:
    name: str
    role: str            # a key of ROLES
    file_as: str = ""

    @property
    def code(self) -> str:
        return ROLES[self.role].code


def read_contributors(check: Validator, node: yaml.Node | None) -> list[Contributor]:
    roles = ", ".join(ROLES)
    hint = f"write one '- {{name: Ann Editor, role: editor}}' per line; the roles: {roles}"
    if node is None:
        return []
    contributors = []
    for item in check.sequence(node, "'contributors'", hint=hint):
        parts = check.mapping(item, "a contributor", CONTRIBUTOR_KEYS, required=("name", "role"), hint=hint)
        name = check.text(parts["name"].value, "a contributor's name", hint=hint)
        written = check.text(parts["role"].value, f"the role of {name}", hint=hint)
        role = ROLE_BY_CODE.get(written, written.lower())
        if role not in ROLES:
            suggestion = did_you_mean(written.lower(), list(ROLES))
            raise check.fail(f"unknown role '{written}' for {name}", parts["role"].value,
                             hint=(f"{suggestion} " if suggestion else "") + f"write one of: {roles} "
                                  "(or its MARC relator code: " + ", ".join(ROLE_BY_CODE) + ")")
        file_as = check.optional_text(parts["file_as"].value, f"the file_as of {name}") \
            if "file_as" in parts else ""
        contributors.append(Contributor(name, role, file_as))
    return contributors


def credit_lines(contributors: list[Contributor], place: str) -> list[str]:
    """The credits a page prints ("Edited by Ann Editor and Bo Other"), one per role, in the
    order of ROLES; `place` is "title" or "copyright" (Role.place)."""
    lines = []
    for name, role in ROLES.items():
        people = [c.name for c in contributors if c.role == name]
        if role.place == place and people:
            joined = people[0] if len(people) == 1 else ", ".join(people[:-1]) + " and " + people[-1]
            lines.append(f"{role.credit} {joined}")
    return lines


# ---------------------------------------------------------------- subjects

@dataclass(frozen=True)
class Subject:
    """A subject heading, with the codes the book trade files it under when the editor gives them."""
    name: str
    bisac: str = ""      # BISAC Subject Heading (BISG): three letters and six digits, POL011000
    thema: str = ""      # Thema (EDItEUR): a subject category (JP, JPSH) or a qualifier (1DTA)


BISAC = re.compile(r"[A-Z]{3}[0-9]{6}")
# A Thema subject category is a letter followed by up to five letters or digits; a qualifier a
# digit 1-6 followed by letters and digits, with national extensions after hyphens (1DDU-GB-SNB).
THEMA = re.compile(r"[A-Z][A-Z0-9]{0,5}|[1-6][A-Z0-9]{1,6}(?:-[A-Z0-9]{1,4}){0,3}")


def read_subjects(check: Validator, node: yaml.Node | None) -> list[Subject]:
    hint = ("write one '- item' per line, a subject heading, or '- {name: Subject heading, "
            "bisac: POL011000, thema: JP}' to give its codes")
    if node is None:
        return []
    subjects = []
    for item in check.sequence(node, "'subjects'", hint=hint):
        if not isinstance(item, yaml.MappingNode):
            subjects.append(Subject(check.text(item, "an item of 'subjects'", hint=hint)))
            continue
        parts = check.mapping(item, "a subject", SUBJECT_KEYS, required=("name",), hint=hint)
        name = check.text(parts["name"].value, "a subject's name", hint=hint)
        codes = {}
        for key, shape, example in (("bisac", BISAC, "three letters and six digits, e.g. POL011000"),
                                    ("thema", THEMA, "a letter and up to five letters or digits (JP, "
                                                     "JPSH), or a qualifier: a digit 1-6 and letters (1DTA)")):
            if key not in parts:
                continue
            code = check.text(parts[key].value, f"the {key} code of '{name}'").upper()
            if not shape.fullmatch(code):
                raise check.fail(f"the {key} code of '{name}' is not a {key.upper()} code: '{code}'",
                                 parts[key].value, hint=f"a {key.upper()} code is {example}")
            codes[key] = code
        subjects.append(Subject(name, **codes))
    return subjects


# ---------------------------------------------------------------- the faces

FONT_KEYS = ("body", "display")
# The faces a book may choose (scripts/books/fonts.py FACES says where each one's files are).
FONT_FACES = ("Charis SIL", "Gentium Plus", "Gentium Book Plus", "EB Garamond")


@dataclass(frozen=True)
class FontChoice:
    body: str = FONT_FACES[0]
    display: str = ""        # titles and headings; "" sets them in the body face
    file: str = ""           # book.yaml, when it chooses (the books then check the faces' glyphs)
    body_line: int | None = None        # where book.yaml chooses each face; None: not chosen
    display_line: int | None = None


def read_fonts(check: Validator, node: yaml.Node | None) -> FontChoice:
    faces = ", ".join(FONT_FACES)
    hint = f"write 'fonts: {{body: Gentium Plus, display: EB Garamond}}' (either may be left out); the faces: {faces}"
    if node is None:
        return FontChoice()
    parts = check.mapping(node, "'fonts'", FONT_KEYS, hint=hint)
    chosen = {key: check.choice(parts[key].value, f"{key} face", FONT_FACES,
                                hint=f"write one of: {faces}") for key in parts}
    def line(key: str) -> int | None:
        return parts[key].value.start_mark.line + 1 if key in parts else None

    return FontChoice(chosen.get("body", FONT_FACES[0]), chosen.get("display", ""), check.file,
                      line("body"), line("display"))


# ---------------------------------------------------------------- the cover artwork

# The front cover's artwork must have the shape of the book's trim (book.yaml `trim:`).
# 267 pixels an inch on a 6 x 9 in front: below it a printed cover looks soft, and the stores'
# listing (1600 px wide at least for Apple Books and KDP's ideal) would scale the image up.
COVER_MIN_WIDTH_PX = 1600
# How far the artwork's shape may differ from the trim's: the front panel is cut to the trim plus
# its 3 mm bleed (6.12 x 9.24 in for 6 x 9, 0.6 % off 2:3), so artwork within 3 % loses a thin
# strip at two edges, which a designer leaves free anyway; more would cut into the design.
COVER_ASPECT_TOLERANCE = 0.03
COVER_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}


@dataclass(frozen=True)
class CoverArt:
    path: Path
    format: str          # JPEG or PNG, as the file's bytes say (not its name)
    width: int
    height: int


def _ratio(width: float, height: float) -> str:
    """"2:3" for a 6 x 9 in page; a trim with no small whole ratio (A5's is 1:√2) as "1:1.414"."""
    from fractions import Fraction
    simple = Fraction(width / height).limit_denominator(12)
    if abs(float(simple) - width / height) < 0.002 * width / height:
        return f"{simple.numerator}:{simple.denominator}"
    return f"1:{height / width:.3f}"


def read_cover(check: Validator, node: yaml.Node | None, book_folder: Path, trim: Trim) -> CoverArt | None:
    """`cover: art/front.jpg`: the front cover's artwork, checked for format, size and shape.
    Too small or the wrong shape is an error, not a warning: the artwork goes to the printer and
    the stores as it is, and a soft or cropped cover is only seen once the book is printed."""
    if node is None:
        return None
    from PIL import Image, UnidentifiedImageError

    trim_w, trim_h = trim.width, trim.height
    min_height = round(COVER_MIN_WIDTH_PX * trim_h / trim_w)
    wanted = (f"a {trim.describe()} book wants {_ratio(trim_w, trim_h)} artwork of at "
              f"least {COVER_MIN_WIDTH_PX} x {min_height} px")
    written = check.text(node, "'cover'", hint="name the front cover's image file (JPEG or PNG), "
                                               "relative to the book folder, e.g. 'cover: art/front.jpg'")
    path = Path(written).expanduser()
    path = path if path.is_absolute() else book_folder / path
    if not path.is_file():
        raise check.fail(f"'cover' names {path}, which is not a file", node,
                         hint="put the front cover's artwork (JPEG or PNG) in the book folder and "
                              "name it here, or remove the line for the typographic cover")
    try:
        with Image.open(path) as image:
            kind, (width, height) = image.format, image.size
    except (UnidentifiedImageError, OSError):
        kind, width, height = None, 0, 0
    if kind not in COVER_FORMATS:
        raise check.fail(f"'cover' names {path.name}, which is not a JPEG or PNG image", node,
                         hint=f"save the artwork as JPEG or PNG ({wanted})")
    if width < COVER_MIN_WIDTH_PX or height < min_height:
        raise check.fail(f"the cover {path.name} is {width} x {height} px, too small to print "
                         "sharply or to list in a store", node,
                         hint=f"{wanted}; export it again at that size or larger")
    off = abs((width / height) / (trim_w / trim_h) - 1)
    if off > COVER_ASPECT_TOLERANCE:
        raise check.fail(f"the cover {path.name} is {width} x {height} px, {_ratio(width, height)}: "
                         f"{off:.0%} off the trim's {_ratio(trim_w, trim_h)} shape", node,
                         hint=f"{wanted} (within {COVER_ASPECT_TOLERANCE:.0%}, e.g. "
                              f"{width} x {round(width * trim_h / trim_w)} px); crop or extend it")
    return CoverArt(path, kind, width, height)
