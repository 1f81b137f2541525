"""The book face embedded in the EPUB: coverage checks and subsetting.

The vendored fonts (styles/fonts/, Charis SIL under the OFL) are about 750 KB a style.  The EPUB
carries a subset holding the characters the book uses plus a base repertoire (so that a reader's
highlight or a note the editor adds later does not fall back to another face mid-word).  A subset
is a Modified Version under the OFL and may not carry the Reserved Font Names, so it is renamed;
its copyright and licence name records stay.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache

from fontTools.ttLib import TTFont
from scripts.core import paths as resources
from scripts.core.memo import Memo

FONT_DIR = resources.FONTS

# The family name the EPUB's CSS uses for the subset (not a Reserved Font Name).
EMBEDDED_FAMILY = "Anthology Book"
SOURCE_FAMILY = "Charis SIL"


@dataclass(frozen=True)
class FontStyle:
    file: str          # vendored file in styles/fonts/
    weight: str        # CSS font-weight
    style: str         # CSS font-style
    subfamily: str     # OpenType subfamily name

    @property
    def embedded_name(self) -> str:
        return f"fonts/{EMBEDDED_FAMILY.replace(' ', '')}-{self.subfamily.replace(' ', '')}.ttf"


STYLES = (
    FontStyle("CharisSIL-Regular.ttf", "normal", "normal", "Regular"),
    FontStyle("CharisSIL-Italic.ttf", "normal", "italic", "Italic"),
    FontStyle("CharisSIL-Bold.ttf", "bold", "normal", "Bold"),
    FontStyle("CharisSIL-BoldItalic.ttf", "bold", "italic", "Bold Italic"),
)

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
def _cmap(file: str) -> frozenset[int]:
    return frozenset(TTFont(FONT_DIR / file, lazy=True).getBestCmap())


def missing_characters(text: str | set[str], style: FontStyle = STYLES[0]) -> set[str]:
    """The characters of `text` the given vendored style has no glyph for."""
    cmap = _cmap(style.file)
    return {ch for ch in set(text) - NO_GLYPH_NEEDED if ord(ch) not in cmap}


def _rename(font: TTFont, subfamily: str) -> None:
    """Give the subset a family name of its own (OFL: no Reserved Font Name on a modified font)."""
    name = font["name"]
    full = f"{EMBEDDED_FAMILY} {subfamily}" if subfamily != "Regular" else EMBEDDED_FAMILY
    postscript = f"{EMBEDDED_FAMILY.replace(' ', '')}-{subfamily.replace(' ', '')}"
    legacy_subfamily = {"Bold Italic": "Bold Italic"}.get(subfamily, subfamily)
    records = {
        1: EMBEDDED_FAMILY, 2: legacy_subfamily, 3: f"{postscript}; subset of {SOURCE_FAMILY}",
        4: full, 6: postscript, 16: EMBEDDED_FAMILY, 17: subfamily,
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
    name.setName(f"Subset of {SOURCE_FAMILY} by SIL International, made for one book; "
                 "licensed under the SIL Open Font License 1.1", 10, 3, 1, 0x409)


@lru_cache(maxsize=8)
def _subset_bytes(file: str, subfamily: str, characters: frozenset[str]) -> bytes:
    # Imported here: a build that finds its subsets in the memo never needs the subsetter.
    from fontTools import subset
    # recalcTimestamp=False: fontTools would stamp head.modified with the time of saving.
    font = TTFont(FONT_DIR / file, recalcTimestamp=False)
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
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in characters))
    subsetter.subset(font)
    _rename(font, subfamily)
    # The original's own timestamps stay: two builds must give the same bytes.
    buffer = io.BytesIO()
    font.save(buffer, reorderTables=True)
    return buffer.getvalue()


def subset_fonts(text_characters: set[str], memo: Memo | None = None) -> dict[FontStyle, bytes]:
    """Subset every style to the book's characters plus the base repertoire.  Subsetting is
    most of the EPUB's time, and an edit seldom brings a new character: with a memo (whose
    version covers the font files), the subsets of the same characters are read back."""
    wanted = frozenset((set(text_characters) - NO_GLYPH_NEEDED) | BASE_REPERTOIRE)
    characters = "".join(sorted(wanted))
    memo = memo or Memo(None, "")
    return {style: memo.remember(("font subset", style.file, style.subfamily, characters),
                                 lambda style=style: _subset_bytes(style.file, style.subfamily, wanted))
            for style in STYLES}


def embedded_cmap(data: bytes) -> frozenset[int]:
    return frozenset(TTFont(io.BytesIO(data)).getBestCmap())
