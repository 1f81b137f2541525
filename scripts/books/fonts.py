"""The book's faces: which ones a book may choose, coverage checks, and the EPUB's subsets.

The default body face, Charis SIL, is vendored (styles/fonts/, under the OFL, about 750 KB a
style).  book.yaml `fonts:` may choose another body face and a display face (titles and
headings) from FACES: OFL families Debian packages, installed by scripts/install_system.sh
fonts (a fresh Debian gets them with one apt-get; committing them would add some 8 MB of
binaries to the repository for a choice most books do not make).  A chosen face must have a
glyph for every character the book prints: the books refuse one that does not, naming them.

The EPUB carries a subset holding the characters the book uses plus a base repertoire (so that a
reader's highlight or a note the editor adds later does not fall back to another face mid-word).
A subset is a Modified Version under the OFL and may not carry the Reserved Font Names, so it is
renamed; its copyright and licence name records stay.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from functools import lru_cache

from pathlib import Path

from fontTools.ttLib import TTFont
from scripts.core import paths as resources
from scripts.core.errors import UserError
from scripts.core.memo import Memo

FONT_DIR = resources.FONTS

# The family names the EPUB's CSS uses for the subsets (not Reserved Font Names): the body face
# and the display face (titles and headings; the body face when the book chooses none).
EMBEDDED_FAMILY = "Anthology Book"
DISPLAY_FAMILY = "Anthology Display"
SOURCE_FAMILY = "Charis SIL"
# (CSS weight, CSS style) of each OpenType subfamily.
SUBFAMILIES = {"Regular": ("normal", "normal"), "Italic": ("normal", "italic"),
               "Bold": ("bold", "normal"), "Bold Italic": ("bold", "italic")}


@dataclass(frozen=True)
class FontStyle:
    file: str          # the font file's name, in `folder`
    weight: str        # CSS font-weight
    style: str         # CSS font-style
    subfamily: str     # OpenType subfamily name
    folder: Path = FONT_DIR
    family: str = EMBEDDED_FAMILY      # the subset's family name in the EPUB
    source: str = SOURCE_FAMILY        # the face it is a subset of
    maker: str = "SIL International"

    @property
    def path(self) -> Path:
        return self.folder / self.file

    @property
    def embedded_name(self) -> str:
        suffix = Path(self.file).suffix.lower()
        return f"fonts/{self.family.replace(' ', '')}-{self.subfamily.replace(' ', '')}{suffix}"

    @property
    def media_type(self) -> str:
        return "font/otf" if self.file.lower().endswith(".otf") else "font/ttf"

    @property
    def css_format(self) -> str:
        return "opentype" if self.file.lower().endswith(".otf") else "truetype"


@dataclass(frozen=True)
class Face:
    """A family a book may be set in: its files by subfamily, and where they come from."""
    name: str                          # as book.yaml names it
    maker: str
    folder: Path
    files: tuple[tuple[str, str], ...]     # (subfamily, file name)
    package: str = ""                  # the Debian package that installs it; "" when vendored
    fontconfig_family: str = ""        # the family the PDF asks fontconfig for

    def styles(self, family: str = EMBEDDED_FAMILY) -> tuple[FontStyle, ...]:
        return tuple(FontStyle(file, *SUBFAMILIES[sub], sub, self.folder, family, self.name, self.maker)
                     for sub, file in self.files)

    def missing_files(self) -> list[Path]:
        return [self.folder / file for _, file in self.files if not (self.folder / file).is_file()]


_FOUR = ("Regular", "Italic", "Bold", "Bold Italic")
# The faces a book may choose: OFL families a fresh Debian can install with apt (bookworm's
# fonts-sil-gentiumplus 6.101 and fonts-ebgaramond 0.016), each with the styles the package
# has in full.  Debian's EB Garamond 12 has a roman and an italic; its bold is a draft of 127
# glyphs (no accented letter, no dash, no curly quote) and there is no bold italic, so neither
# is offered: a renderer emboldens the roman where the book asks for bold.
FACES: dict[str, Face] = {
    "Charis SIL": Face("Charis SIL", "SIL International", FONT_DIR,
                       tuple((sub, f"CharisSIL-{sub.replace(' ', '')}.ttf") for sub in _FOUR)),
    "Gentium Plus": Face("Gentium Plus", "SIL International", Path("/usr/share/fonts/truetype/gentiumplus"),
                         tuple((sub, f"GentiumPlus-{sub.replace(' ', '')}.ttf") for sub in _FOUR),
                         "fonts-sil-gentiumplus", "Gentium Plus"),
    "Gentium Book Plus": Face("Gentium Book Plus", "SIL International",
                              Path("/usr/share/fonts/truetype/gentiumplus"),
                              tuple((sub, f"GentiumBookPlus-{sub.replace(' ', '')}.ttf") for sub in _FOUR),
                              "fonts-sil-gentiumplus", "Gentium Book Plus"),
    # The 12-point optical size, the one for text; the package's 08 is for footnotes.
    "EB Garamond": Face("EB Garamond", "Georg Duffner", Path("/usr/share/fonts/opentype/ebgaramond"),
                        (("Regular", "EBGaramond12-Regular.otf"), ("Italic", "EBGaramond12-Italic.otf")),
                        "fonts-ebgaramond", "EB Garamond 12"),
}
DEFAULT_FACE = "Charis SIL"
STYLES = FACES[DEFAULT_FACE].styles()

# Always kept: printable ASCII, Latin-1, Latin Extended-A, the pinyin vowels of Latin Extended-B,
# Cyrillic, and the punctuation a book uses.  Cheap (a few KB) and it keeps later edits safe.
BASE_REPERTOIRE = frozenset(
    [chr(c) for c in range(0x20, 0x7F)]
    + [chr(c) for c in range(0xA0, 0x180)]
    + [chr(c) for c in range(0x1CD, 0x1DD)]
    + [chr(c) for c in range(0x400, 0x460)]
    + list("\u2010\u2011\u2012\u2013\u2014\u2015\u2018\u2019\u201a\u201c\u201d\u201e\u2020\u2021"
           "\u2022\u2026\u2030\u2032\u2033\u2039\u203a\u2044\u20ac\u2116\u2122\u2191\u2212")
)

# Characters that need no glyph: whitespace and format controls a renderer handles itself.
NO_GLYPH_NEEDED = frozenset("\n\r\t\u00ad\u200b\u200c\u200d\u2060\ufeff")


@lru_cache(maxsize=None)
def _cmap(path: Path) -> frozenset[int]:
    return frozenset(TTFont(path, lazy=True).getBestCmap())


def missing_characters(text: str | set[str], style: FontStyle = STYLES[0]) -> set[str]:
    """The characters of `text` the given style has no glyph for."""
    cmap = _cmap(style.path)
    return {ch for ch in set(text) - NO_GLYPH_NEEDED if ord(ch) not in cmap}


def chosen_faces(book) -> list[tuple[str, Face, int | None]]:
    """("body" / "display", face, the book.yaml line choosing it or None) of the book: the body
    face always, the display face when book.yaml chooses one.  A face whose files are not
    installed stops the build with the apt line that installs them."""
    choice = book.fonts
    faces = [("body", FACES[choice.body], choice.body_line)]
    if choice.display:
        faces.append(("display", FACES[choice.display], choice.display_line))
    for role, face, line in faces:
        missing = face.missing_files()
        if missing:
            raise UserError(f"the {role} face {face.name} is not installed ({missing[0]} is missing)",
                            file=choice.file or None, line=line,
                            hint=f"install it: sudo apt-get install {face.package} (or, as root, "
                                 "scripts/install_system.sh fonts), or choose another face")
    return faces


# What the display face sets (templates/print/faces.css, styles/epub.css): titles and headings.
DISPLAY_XPATH = ("//*[local-name()='h1' or local-name()='h2' or local-name()='h3' or local-name()='h4'"
                 " or contains(concat(' ', @class, ' '), ' book-title ')"
                 " or contains(concat(' ', @class, ' '), ' book-subtitle ')"
                 " or contains(concat(' ', @class, ' '), ' half-title-text ')]")


def display_characters(root) -> set[str]:
    """The characters of the titles and headings in an (X)HTML document."""
    return {ch for element in root.xpath(DISPLAY_XPATH) for ch in "".join(element.itertext())}


def refuse_missing_glyphs(book, characters: set[str], display: set[str] | None = None) -> None:
    """A face book.yaml chooses must have a glyph for every character it sets: the body face
    every character the book prints, the display face those of the titles and headings
    (`display`), in each of the face's styles (any word may be set in italic).  The default
    face is not refused, only reported (the EPUB's report lists what it lacks): the book did
    not choose it."""
    for role, face, line in chosen_faces(book):
        if line is None:
            continue
        if role == "display":
            characters = display if display is not None else characters
        by_style = {style.subfamily: missing_characters(characters, style) for style in face.styles()}
        lacking = sorted(set().union(*by_style.values()))
        if lacking:
            shown = ", ".join(f"{ch} (U+{ord(ch):04X})" for ch in lacking[:12])
            more = f" and {len(lacking) - 12} more" if len(lacking) > 12 else ""
            styles = [sub for sub, missing in by_style.items() if missing]
            which = "" if len(styles) == len(by_style) else f" ({', '.join(styles)})"
            covering = [name for name, other in FACES.items() if name != face.name
                        and not other.missing_files()
                        and not any(missing_characters(characters, s) for s in other.styles())]
            raise UserError(f"the {role} face {face.name}{which} has no glyph for {shown}{more}, which the "
                            "book prints", file=book.fonts.file, line=line,
                            hint=(f"choose a face that has them ({', '.join(covering)})" if covering
                                  else "choose another face")
                                 + f", or take the {role} line out for {DEFAULT_FACE}")


def _rename(font: TTFont, subfamily: str, family: str = EMBEDDED_FAMILY, source: str = SOURCE_FAMILY,
            maker: str = "SIL International") -> None:
    """Give the subset a family name of its own (OFL: no Reserved Font Name on a modified font)."""
    name = font["name"]
    full = f"{family} {subfamily}" if subfamily != "Regular" else family
    postscript = f"{family.replace(' ', '')}-{subfamily.replace(' ', '')}"
    legacy_subfamily = {"Bold Italic": "Bold Italic"}.get(subfamily, subfamily)
    records = {
        1: family, 2: legacy_subfamily, 3: f"{postscript}; subset of {source}",
        4: full, 6: postscript, 16: family, 17: subfamily,
        # The trademark record names the original; a renamed subset makes no trademark claim.
        7: None,
    }
    for name_id, value in records.items():
        name.removeNames(nameID=name_id)
        if value is not None:
            name.setName(value, name_id, 3, 1, 0x409)
            name.setName(value, name_id, 1, 0, 0)
    # Keep what names the original: the description says where the subset comes from.
    name.removeNames(nameID=10)
    name.setName(f"Subset of {source} by {maker}, made for one book; "
                 "licensed under the SIL Open Font License 1.1", 10, 3, 1, 0x409)


@lru_cache(maxsize=8)
def _subset_bytes(style: FontStyle, characters: frozenset[str]) -> bytes:
    # Imported here: a build that finds its subsets in the memo never needs the subsetter.
    from fontTools import subset
    # recalcTimestamp=False: fontTools would stamp head.modified with the time of saving.
    font = TTFont(style.path, recalcTimestamp=False)
    options = subset.Options()
    options.name_IDs = ["*"]          # keep copyright, licence, designer and URL records
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    # The default features (kerning, ligatures, marks) plus what the CSS asks for.
    options.layout_features += ["smcp", "c2sc", "onum", "lnum", "pnum"]
    # TrueType hints add a third to the size; reading systems rasterise with their own hinting.
    options.hinting = False
    # Graphite tables mean nothing to an EPUB reading system.
    options.drop_tables += ["Silf", "Glat", "Gloc", "Feat", "Sill", "Silt"]
    # FontForge's own timestamps (EB Garamond carries them) mean nothing to a reading system either.
    options.drop_tables += ["FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in characters))
    subsetter.subset(font)
    _rename(font, style.subfamily, style.family, style.source, style.maker)
    # The original's own timestamps stay: two builds must give the same bytes.
    buffer = io.BytesIO()
    font.save(buffer, reorderTables=True)
    return buffer.getvalue()


def embedded_styles(book=None) -> tuple[FontStyle, ...]:
    """Every style the EPUB embeds: the body face's as EMBEDDED_FAMILY, then the display face's
    (when the book chooses one) as DISPLAY_FAMILY."""
    if book is None:
        return STYLES
    families = {"body": EMBEDDED_FAMILY, "display": DISPLAY_FAMILY}
    return tuple(style for role, face, _ in chosen_faces(book) for style in face.styles(families[role]))


@lru_cache(maxsize=None)
def _file_digest(path: Path) -> str:
    # A face from a Debian package changes with the package, not with this toolchain's code.
    return hashlib.sha256(path.read_bytes()).hexdigest()


def subset_fonts(text_characters: set[str], styles: tuple[FontStyle, ...] = STYLES,
                 memo: Memo | None = None) -> dict[FontStyle, bytes]:
    """Subset every style to the book's characters plus the base repertoire.  Subsetting is
    most of the EPUB's time, and an edit seldom brings a new character: with a memo, the
    subsets of the same characters of the same font file are read back."""
    wanted = frozenset((set(text_characters) - NO_GLYPH_NEEDED) | BASE_REPERTOIRE)
    characters = "".join(sorted(wanted))
    memo = memo or Memo(None, "")
    return {style: memo.remember(("font subset", style.file, _file_digest(style.path), style.subfamily,
                                  style.family, style.source, style.maker, characters),
                                 lambda style=style: _subset_bytes(style, wanted))
            for style in styles}


def embedded_cmap(data: bytes) -> frozenset[int]:
    return frozenset(TTFont(io.BytesIO(data)).getBestCmap())


def print_faces(book) -> dict[str, str] | None:
    """The fontconfig families the print edition is set in when book.yaml chooses faces
    (templates/print/faces.css); None for the default, which print.css sets itself."""
    faces = {role: face.fontconfig_family or face.name for role, face, _ in chosen_faces(book)}
    if faces == {"body": DEFAULT_FACE}:
        return None
    return {"body": faces["body"], "display": faces.get("display", "")}
