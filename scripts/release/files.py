"""What a release folder holds: each file's name, format, media type and what it is for.

One table, read by the manifest (release.json), the download page and the OPDS feed, so the
three always describe the same files the same way.  `name` is what follows the book's slug.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Kind:
    key: str
    name: str                  # "{slug}" is replaced by the book's slug
    media_type: str
    format: str
    purpose: str               # for the download page: who takes this file, or who reads it
    download: bool = True      # offered on the download page and in the feed

    def file_name(self, slug: str) -> str:
        return self.name.format(slug=slug)

    def of_volume(self, number: int) -> Kind:
        """The same file for volume `number` of a book printed in volumes (book.yaml
        `volumes:`): "{slug}-volume-2-print.pdf", "cover-volume-2.jpg"."""
        tag = f"volume-{number}"
        if "{slug}" in self.name:
            name = self.name.replace("{slug}", "{slug}-" + tag, 1)
        else:
            stem, dot, extension = self.name.partition(".")
            name = f"{stem}-{tag}{dot}{extension}"
        return replace(self, key=f"{self.key}-{tag}", name=name, format=f"Volume {number}: {self.format}")


EPUB = Kind("epub", "{slug}.epub", "application/epub+zip", "EPUB 3, with the print edition's page numbers",
            "Kindle (upload it to Kindle Direct Publishing), Apple Books, Google Play Books, "
            "and any e-reader app")
# Kobo's readers take the EPUB too; the .kepub.epub adds Kobo's own reading-position and
# statistics markup.  Kobo's own name for the type is application/kepub+zip.
KEPUB = Kind("kepub", "{slug}.kepub.epub", "application/kepub+zip", "Kobo EPUB (kepub)",
             "Kobo e-readers and the Kobo app: reading statistics and exact reading position")
PRINT_PDF = Kind("print", "{slug}-print.pdf", "application/pdf", "PDF, print edition (trim and bleed)",
                 "print: the interior a printer (KDP Print, IngramSpark) prints")
PRINT_COVER = Kind("print-cover", "{slug}-print-cover.pdf", "application/pdf",
                   "PDF, print cover (back, spine and front, with bleed)",
                   "print: the cover a printer wraps round the interior")
SCREEN_PDF = Kind("screen", "{slug}.pdf", "application/pdf", "PDF, screen edition (tagged)",
                  "screen: reading on a computer or a tablet, and printing at home")
COVER = Kind("cover", "cover.jpg", "image/jpeg", "JPEG, at least 1600 px wide",
             "the store cover: the image a store's listing shows")
THUMBNAIL = Kind("thumbnail", "cover-thumbnail.jpg", "image/jpeg", "JPEG, small",
                 "the cover as e-reader apps list it", download=False)
PAGE = Kind("page", "index.html", "text/html", "HTML", "this download page", download=False)
FEED = Kind("feed", "catalog.xml", "application/atom+xml;profile=opds-catalog;kind=acquisition",
            "OPDS 1.2 catalogue", "e-reader apps (KOReader, Thorium) browse and download from it")
MANIFEST = Kind("manifest", "release.json", "application/json", "JSON",
                "the release's manifest: files, sizes, hashes, page counts, checks", download=False)
SUMS = Kind("sums", "SHA256SUMS", "text/plain", "text",
            "every file's SHA-256, checked with sha256sum -c SHA256SUMS", download=False)
