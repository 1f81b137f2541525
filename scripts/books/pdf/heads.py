"""Running heads that fit their line: measured in the face they are set in, not counted.

A head is the chapter's full title whenever it fits; only a title too wide for the head
line is shortened (to its part before a colon, else cut at a word with an ellipsis).  A
count of characters cut titles that fit with room to spare ("Ties that bind Kazakhstan to
China are…", issue 13) and would let a title of wide capitals through, so the width is
measured from the font's own advance widths.

The head's size and letter-spacing are print.css's `@top-center` rule; they are repeated
here as HEAD_STYLE and a test checks the two agree.  Its face is the book's body face in
italic (book.yaml `fonts:`; Charis SIL unless it chooses another), and its width the text
block's on the book's trim.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from pathlib import Path

from scripts.core import paths as resources

PT_PER_IN = 72.0


@dataclass(frozen=True)
class HeadStyle:
    font: Path                  # the face the head is set in
    size_pt: float
    letter_spacing_em: float


HEAD_STYLE = HeadStyle(resources.STYLES / "fonts" / "CharisSIL-Italic.ttf", 8.5, 0.02)

# The text block's width of the 6 x 9 in design (margins 0.78 in inside, 0.62 in outside);
# a book's own is its trim's (page.text_measure), which the PDF stage passes in.
DESIGN_MEASURE_PT = (6 - 0.78 - 0.62) * PT_PER_IN
# A head that fills the measure reads as a line of text: keep an eighth of it clear.
HEAD_SHARE = 7 / 8

DANGLING_WORDS = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on",
                  "or", "the", "to", "with"}


def head_style(italic: Path) -> HeadStyle:
    """The head's style set in another italic (the book's body face's)."""
    return replace(HEAD_STYLE, font=italic)


@functools.cache
def _advances(font: Path) -> tuple[dict[int, int], int, int]:
    """(code point -> advance width, the width of a missing glyph, units per em)."""
    from fontTools.ttLib import TTFont  # WeasyPrint's own dependency
    face = TTFont(str(font), lazy=True)
    metrics = face["hmtx"].metrics
    widths = {code: metrics[glyph][0] for code, glyph in face.getBestCmap().items()}
    return widths, metrics[".notdef"][0], face["head"].unitsPerEm


def text_width(text: str, style: HeadStyle = HEAD_STYLE) -> float:
    """The width in points of `text` set in the head's style (no kerning: a little wide)."""
    widths, missing, units = _advances(style.font)
    advance = sum(widths.get(ord(character), missing) for character in text)
    return advance * style.size_pt / units + len(text) * style.letter_spacing_em * style.size_pt


def running_head(title: str, measure_pt: float = DESIGN_MEASURE_PT, style: HeadStyle = HEAD_STYLE) -> str:
    """A head that fits one line: the full title, else its part before a colon, else cut at a word."""
    title = " ".join(title.split())
    room = measure_pt * HEAD_SHARE

    def fits(text: str) -> bool:
        return text_width(text, style) <= room
    if fits(title):
        return title
    before_colon = title.split(":", 1)[0].strip()
    if ":" in title and len(before_colon.split()) >= 2 and fits(before_colon):
        return before_colon
    words = title.split(" ")
    while len(words) > 1 and not fits(" ".join(words) + "…"):
        words.pop()
    # Never end a head on "with the" or "of": drop short lower-case words at the cut.
    while len(words) > 1 and words[-1].lower() in DANGLING_WORDS:
        words.pop()
    return " ".join(words).rstrip(",;:–—-") + "…"
