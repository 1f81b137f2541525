"""The front cover: the editor's own artwork (book.yaml `cover:`), else a typographic cover
drawn from book.yaml: title, subtitle and author in the book face.

1600 x 2560 pixels (the 1:1.6 ratio the big stores ask for), JPEG.  The design is type on a dark
ink ground with an ochre horizon: a steppe sun rising behind a rule.  Everything is computed
from the text, so another book gets its own cover without code changes.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont, ImageOps

from scripts.core.paths import BookPaths
from scripts.core.book import Book
from scripts.books.fonts import FONT_DIR

WIDTH, HEIGHT = 1600, 2560
MARGIN = 150
INK = (24, 38, 52)
INK_LIGHT = (34, 54, 72)
PAPER = (244, 238, 226)
OCHRE = (201, 150, 62)
OCHRE_DIM = (120, 96, 58)


def _font(style: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / f"CharisSIL-{style}.ttf"), size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont,
          width: int) -> list[str]:
    """Greedy line breaking by measured width; a word wider than the line stands alone."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if current and draw.textlength(trial, font=font) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines


def _fit(draw: ImageDraw.ImageDraw, text: str, style: str, largest: int, smallest: int,
         width: int, max_lines: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest size at which `text` fits in `max_lines` lines of `width`."""
    size = largest
    while True:
        font = _font(style, size)
        lines = _wrap(draw, text, font, width)
        if len(lines) <= max_lines or size <= smallest:
            return font, lines
        size -= 4


def _tracked_width(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont,
                   tracking: int) -> float:
    return sum(draw.textlength(ch, font=font) for ch in text) + tracking * (len(text) - 1)


def _draw_tracked(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, y: int,
                  tracking: int, fill: tuple[int, int, int]) -> None:
    """Letter-spaced capitals, centred: the author and publisher lines."""
    x = (WIDTH - _tracked_width(draw, text, font, tracking)) / 2
    for ch in text:
        draw.text((x, y), ch, font=font, fill=fill)
        x += draw.textlength(ch, font=font) + tracking


def _fit_tracked(draw: ImageDraw.ImageDraw, text: str, size: int, tracking: int,
                 width: int) -> tuple[ImageFont.FreeTypeFont, int]:
    """Shrink a letter-spaced line until it fits the measure."""
    while True:
        font = _font("Regular", size)
        if _tracked_width(draw, text, font, tracking) <= width or size <= 24:
            return font, tracking
        size -= 2
        tracking = max(4, tracking - 1)


def _line_step(font: ImageFont.FreeTypeFont, leading: float) -> int:
    ascent, descent = font.getmetrics()
    return int((ascent + descent) * leading)


def _draw_lines(draw: ImageDraw.ImageDraw, lines: list[str], font: ImageFont.FreeTypeFont,
                top: int, fill: tuple[int, int, int], leading: float) -> int:
    """Centre each line; return the y below the block."""
    y = top
    for line in lines:
        x = (WIDTH - draw.textlength(line, font=font)) / 2
        draw.text((x, y), line, font=font, fill=fill)
        y += _line_step(font, leading)
    return y


SMALLEST_SUN = 140            # px: the sun's radius when the type leaves little room


def draw_cover(book: Book) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), INK)
    draw = ImageDraw.Draw(image)
    text_width = WIDTH - 2 * MARGIN

    # Lay the type out first: the horizon goes below wherever the subtitle ends.
    author = book.author.upper()
    author_font, author_tracking = _fit_tracked(draw, author, 64, 18, text_width)
    author_top = MARGIN + 40
    rule_y = author_top + _line_step(author_font, 1.0) + 70
    title_top = rule_y + 110
    lowest_horizon = HEIGHT - 520
    # The title as large as leaves room above the horizon for the smallest sun: a long title
    # and subtitle ("…, Volume 2" and its years) are set smaller rather than run into it.
    for largest in range(190, 95, -10):
        title_font, title_lines = _fit(draw, book.title, "Bold", largest, 96, text_width, 4)
        title_bottom = title_top + len(title_lines) * _line_step(title_font, 1.08)
        sub_font, sub_lines = _fit(draw, book.subtitle, "Italic", min(76, largest // 2), 48, text_width - 80, 4) \
            if book.subtitle else (None, [])
        sub_top = title_bottom + 50
        text_bottom = sub_top + (len(sub_lines) * _line_step(sub_font, 1.2) if sub_font else 0)
        # (its disc, that is: the bands round it are dim enough to lie under the last line)
        if lowest_horizon - SMALLEST_SUN - 30 >= text_bottom:
            break

    # The horizon: a low sun in concentric bands behind a rule, below the type.
    # The sun shrinks when a long title leaves little room, so it never runs under the type.
    sun = max(SMALLEST_SUN, min(300, lowest_horizon - text_bottom - 60 - 210))
    horizon = min(max(text_bottom + 60 + sun + 210, int(HEIGHT * 0.66)), lowest_horizon)
    centre = (WIDTH // 2, horizon)
    for radius, colour in ((sun + 210, INK_LIGHT), (sun + 100, OCHRE_DIM), (sun, OCHRE)):
        draw.ellipse((centre[0] - radius, centre[1] - radius, centre[0] + radius,
                      centre[1] + radius), fill=colour)
    draw.rectangle((0, horizon, WIDTH, HEIGHT), fill=INK)
    for n, y in enumerate(range(horizon + 60, horizon + 300, 60)):
        inset = MARGIN + n * 90
        draw.line((inset, y, WIDTH - inset, y), fill=INK_LIGHT, width=6)
    draw.line((MARGIN, horizon, WIDTH - MARGIN, horizon), fill=OCHRE, width=8)

    _draw_tracked(draw, author, author_font, author_top, author_tracking, OCHRE)
    draw.line((WIDTH // 2 - 120, rule_y, WIDTH // 2 + 120, rule_y), fill=OCHRE, width=4)
    _draw_lines(draw, title_lines, title_font, title_top, PAPER, 1.08)
    if sub_font:
        _draw_lines(draw, sub_lines, sub_font, sub_top, PAPER, 1.2)

    publisher = book.publisher.upper()
    publisher_font, publisher_tracking = _fit_tracked(draw, publisher, 48, 14, text_width)
    _draw_tracked(draw, publisher, publisher_font, HEIGHT - MARGIN - 60, publisher_tracking,
                  OCHRE)
    return image


# The tallest cover the EPUB and the store's listing carry: the stores' ideal (KDP asks for
# 2560 px); larger artwork only makes the EPUB heavier.  The print cover takes it whole.
STORE_MAX_HEIGHT = HEIGHT


def artwork(book: Book) -> Image.Image:
    """The editor's artwork as RGB pixels, turned as its EXIF orientation says (a camera's or
    a phone's export is often stored on its side), transparency flattened onto white paper.
    A volume's carries its band (`volume_band`): one artwork serves every volume."""
    with Image.open(book.cover.path) as opened:
        image = ImageOps.exif_transpose(opened)
        if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
            ground = Image.new("RGB", image.size, (255, 255, 255))
            ground.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
            image = ground
        else:
            image = image.convert("RGB")
    if book.volume_label:
        volume_band(image, book.volume_label)
    return image


BAND_SHARE = 0.075            # of the cover's height: the volume band at its foot
BAND_TEXT_SHARE = 0.34        # of the band's height: its capitals' size


def volume_band(image: Image.Image, label: str) -> None:
    """The volume's number (and years or name) in letter-spaced capitals on an ink band across
    the foot of the artwork, so the volumes of a set are told apart on the shelf and in a
    store's listing.  Drawn at the artwork's own size: the print cover's front is the same."""
    draw = ImageDraw.Draw(image)
    band = max(1, round(image.height * BAND_SHARE))
    top = image.height - band
    draw.rectangle((0, top, image.width, image.height), fill=INK)
    draw.rectangle((0, top, image.width, top + max(1, round(band * 0.04))), fill=OCHRE)
    text = label.upper()
    size = max(8, round(band * BAND_TEXT_SHARE))
    while True:
        font = _font("Regular", size)
        tracking = round(size * 0.18)
        width = sum(draw.textlength(ch, font=font) for ch in text) + tracking * (len(text) - 1)
        if width <= image.width * 0.84 or size <= 8:
            break
        size -= 1
    ascent, descent = font.getmetrics()
    # Centred a little above the band's middle: a printed front loses its foot's bleed.
    x, y = (image.width - width) / 2, top + (band * 0.92 - ascent - descent) / 2
    for ch in text:
        draw.text((x, y), ch, font=font, fill=PAPER)
        x += draw.textlength(ch, font=font) + tracking


def _jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality, optimize=True, progressive=False, subsampling=0)
    return buffer.getvalue()


def cover_jpeg(book: Book) -> bytes:
    """The cover of the EPUB and the store as JPEG bytes; the same book always gives the same
    bytes.  The editor's artwork is scaled down (never up) to the stores' height."""
    if book.cover is None:
        return _jpeg(draw_cover(book), 88)
    image = artwork(book)
    if image.height > STORE_MAX_HEIGHT:
        width = round(image.width * STORE_MAX_HEIGHT / image.height)
        image = image.resize((width, STORE_MAX_HEIGHT), Image.Resampling.LANCZOS)
    return _jpeg(image, 90)


def print_front(book: Book, store_cover: bytes) -> tuple[bytes, str]:
    """The print cover's front panel and its media type: the artwork at its full size (the
    printer wants every pixel: 300 per inch), PNG kept lossless; else the store cover."""
    if book.cover is None:
        return store_cover, "image/jpeg"
    if book.cover.format == "PNG":
        buffer = io.BytesIO()
        artwork(book).save(buffer, format="PNG", optimize=True)
        return buffer.getvalue(), "image/png"
    return _jpeg(artwork(book), 95), "image/jpeg"


def cover_alt_text(book: Book) -> str:
    subtitle = f" — {book.subtitle}" if book.subtitle else ""
    return f"Cover: {book.title}{subtitle}, by {book.author}. Published by {book.publisher}."


def run(paths: BookPaths) -> str:
    """The typographic cover on its own, as build/cover.jpg (the EPUB draws its own copy)."""
    from scripts.core.atomic import write_bytes

    from scripts.books.backmatter import printed_book_for

    out = paths.build / "cover.jpg"
    write_bytes(out, cover_jpeg(printed_book_for(paths)))
    return str(out)
