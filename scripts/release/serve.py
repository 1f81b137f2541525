"""What serves a release: the store cover and its thumbnail, the download page, the OPDS feed.

The page (templates/release/index.html.j2, styles/release.css set into it) links only files in
its own folder and runs no script, so it works opened from the folder, offline, or put on any
web server as it is.  The feed (templates/release/catalog.xml.j2) is an OPDS 1.2 acquisition
feed: one entry, the book, with an acquisition link for each edition a reader opens, and the
cover and its thumbnail as the entry's image links.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from PIL import Image

from scripts.books.cover import cover_alt_text, cover_jpeg
from scripts.core import paths as resources
from scripts.core.book import Book
from scripts.release.archive import sha256
from scripts.release.files import COVER, FEED, PAGE, THUMBNAIL, Kind

TEMPLATES = resources.TEMPLATES / "release"
STYLESHEET = resources.STYLES / "release.css"
THUMBNAIL_WIDTH = 320          # the width e-reader apps list covers at, or less
FEED_NAMESPACE = uuid.UUID("0b5a7c3e-2f1d-4e8b-9c6a-7d4e3f2a1b90")   # this toolchain's feeds


def store_cover(book: Book) -> bytes:
    """The typographic cover the EPUB carries (scripts/books/cover.py), as the store's image."""
    return cover_jpeg(book)


def thumbnail(cover: bytes) -> bytes:
    with Image.open(io.BytesIO(cover)) as image:
        height = round(image.height * THUMBNAIL_WIDTH / image.width)
        small = image.convert("RGB").resize((THUMBNAIL_WIDTH, height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, format="JPEG", quality=85, optimize=True, progressive=False)
    return out.getvalue()


def size_text(size: int) -> str:
    """Decimal units, as browsers and operating systems show a download's size."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    if size >= 1_000:
        return f"{size / 1_000:.0f} kB"
    return f"{size} bytes"


@dataclass(frozen=True)
class Listed:
    """One file as the page and the feed show it."""
    key: str
    name: str
    media_type: str
    format: str
    purpose: str
    size: int
    size_text: str
    sha256: str


def listed(files: dict[str, bytes], kinds: dict[str, Kind], which: list[Kind]) -> list[Listed]:
    by_kind = {kinds[name].key: name for name in files}
    out = []
    for kind in which:
        name = by_kind.get(kind.key)
        if name is not None:
            data = files[name]
            out.append(Listed(kind.key, name, kind.media_type, kind.format, kind.purpose,
                              len(data), size_text(len(data)), sha256(data)))
    return out


def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                       keep_trailing_newline=True)


def download_page(book: Book, downloads: list[Listed], cover: bytes, manifest: str) -> bytes:
    with Image.open(io.BytesIO(cover)) as image:
        width, height = image.size
    page = _environment().get_template("index.html.j2").render(
        book=book, edition=book.date.isoformat(), files=downloads, manifest=manifest,
        feed=FEED, css=Markup(STYLESHEET.read_text(encoding="utf-8")),   # our own stylesheet, not text
        cover={"name": COVER.name, "width": width, "height": height, "alt": cover_alt_text(book)})
    return page.encode("utf-8")


def feed_id(book: Book) -> str:
    """The feed's own Atom id: not the book's (the entry carries that), stable across editions."""
    return f"urn:uuid:{uuid.uuid5(FEED_NAMESPACE, book.identifier)}"


def catalog(book: Book, acquisitions: list[Listed]) -> bytes:
    updated = f"{book.date.isoformat()}T00:00:00Z"
    feed = _environment().get_template("catalog.xml.j2").render(
        book=book, edition=book.date.isoformat(), updated=updated, feed_id=feed_id(book),
        feed=FEED, page=PAGE, cover=COVER, thumbnail=THUMBNAIL, acquisitions=acquisitions)
    return feed.encode("utf-8")
