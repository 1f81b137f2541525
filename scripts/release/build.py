"""The release stage: the built books, checked, gathered into one folder with what serves them.

The EPUB gains the print edition's page numbers (pagelist.py) and a Kobo edition is made
from it (kepub.py); EPUBCheck judges both and Ace the EPUB (checks.py), and any finding
stops the release; then come the store cover, the print cover (printcover.py), the
download page and the feed (serve.py), the manifest, the checksums and the zip (archive.py).

    build/dist/<slug>-<edition date>/     every file, each written 0644
    build/dist/<slug>-<edition date>.zip  the folder, the same bytes every time

The folder is assembled beside its final place and moved there whole, so a refused or
interrupted release leaves the previous one as it was.
"""

from __future__ import annotations

import json
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from scripts.books.backmatter import printed_book_for
from scripts.books.cover import print_front
from scripts.books.volume_files import MadeVolume, made_volumes, printed_as_volumes_only
from scripts.books.epub.package import build_time
from scripts.core import paths as resources
from scripts.core.atomic import write_bytes, write_text
from scripts.core.book import Book, load_book
from scripts.core.errors import UserError
from scripts.core.paths import BookPaths
from scripts.release import checks, printcover
from scripts.release.kepub import kepub
from scripts.release.pagelist import PageList, add_page_list, printed_pages
from scripts.release.archive import sha256, sha256sums, zip_folder
from scripts.release import serve
from scripts.release.files import (COVER, EPUB, FEED, KEPUB, MANIFEST, PAGE, PRINT_COVER, PRINT_PDF,
                                   SCREEN_PDF, SUMS, THUMBNAIL, Kind)

# The download page lists these, in this order; the feed offers the editions a reader opens.
DOWNLOADS = [EPUB, KEPUB, SCREEN_PDF, PRINT_PDF, PRINT_COVER, COVER]
# and after them each volume's, of a book printed in volumes (no Kobo edition of a volume)
VOLUME_DOWNLOADS = [EPUB, SCREEN_PDF, PRINT_PDF, PRINT_COVER, COVER]
READING = [EPUB, KEPUB, SCREEN_PDF]


def book_slug(book: Book) -> str:
    """The title as a file name: ASCII letters and digits joined by hyphens, at most about
    60 characters, cut at a word; a title with no Latin letters gives 'book'."""
    # Accents go (é -> e); any other character not a Latin letter or digit parts words, so
    # "2001–2004" stays two numbers.
    folded = "".join("" if unicodedata.combining(c) else c if c.isascii() and c.isalnum() else " "
                     for c in unicodedata.normalize("NFKD", book.title))
    slug = ""
    for word in folded.lower().split():
        if slug and len(slug) + 1 + len(word) > 60:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug[:60] or "book"


def release_name(book: Book) -> str:
    return f"{book_slug(book)}-{book.date.isoformat()}"


def refuse_demo_identifier(paths: BookPaths, book: Book) -> None:
    """A book released with the demo book's identifier would be the demo book to every store
    and e-reader (they tell books apart by it); the demo book itself may release."""
    demo = resources.DEMO_BOOK / "book.yaml"
    if not demo.exists() or paths.book.resolve() == resources.DEMO_BOOK.resolve():
        return
    if load_book(demo).identifier != book.identifier:
        return
    text = paths.book_yaml.read_text(encoding="utf-8").splitlines()
    line = next((n for n, row in enumerate(text, 1) if row.lstrip().startswith("identifier:")), None)
    raise UserError("this book still carries the demo book's identifier, so stores and e-readers "
                    "would take it for the demo book", file=str(paths.book_yaml), line=line,
                    hint="delete the 'identifier:' line (one is then derived from the title and "
                         "author) or write your own, e.g. 'identifier: \"urn:isbn:...\"', and keep "
                         "it for every later edition")


def print_edition(book: Book) -> str:
    """The print edition as the EPUB's pageBreakSource names it: its ISBN when it has one
    (book.yaml `isbn: print:`), else its title, publisher and date."""
    if book.isbn.print is not None:
        return book.isbn.print.urn
    return f"{book.title}, print edition, {book.publisher}, {book.date.isoformat()}"


def page_count(pdf: Path) -> int:
    # qpdf (through pikepdf) reads the page tree at once; pypdf parses every object stream
    # first, which takes seconds on a book.
    import pikepdf
    with pikepdf.open(pdf) as document:
        return len(document.pages)


# ---------------------------------------------------------------- the checks

@dataclass
class Verdict:
    """What EPUBCheck (every message, any level) and Ace (every violation) said, per file."""
    epubcheck_version: str
    ace_version: str
    epubcheck: dict[str, list[dict]]
    ace: dict[str, list[dict]]

    @property
    def findings(self) -> int:
        return sum(map(len, self.epubcheck.values())) + sum(map(len, self.ace.values()))

    def to_dict(self) -> dict:
        return {"epubcheck": {"version": self.epubcheck_version,
                              "messages": sum(map(len, self.epubcheck.values())),
                              "files": self.epubcheck},
                "ace": {"version": self.ace_version,
                        "violations": sum(map(len, self.ace.values())),
                        "files": self.ace}}


def judge(folder: Path, epubs: list[str], accessible: list[str], cache: Path) -> Verdict:
    """EPUBCheck on every EPUB in `epubs`, Ace on those in `accessible` (the Kobo edition is
    the EPUB with spans added: Ace judges the book's structure, which the spans leave alone)."""
    return Verdict(checks.epubcheck_version(), checks.ace_version(),
                   {name: checks.epubcheck(folder / name, cache) for name in epubs},
                   {name: checks.ace(folder / name, cache) for name in accessible})


def refusal(verdict: Verdict, report: Path) -> UserError | None:
    """One message for everything the checkers found (the report lists each), or None."""
    if not verdict.findings:
        return None
    said = [f"EPUBCheck {len(found)} message(s) on {name} (first: {found[0]['level']} "
            f"{found[0]['id']}: {found[0]['message']})" for name, found in verdict.epubcheck.items() if found]
    said += [f"Ace {len(found)} violation(s) on {name} (first: {found[0]['rule']})"
             for name, found in verdict.ace.items() if found]
    return UserError("the release is refused: " + "; ".join(said), file=str(report),
                     hint="the report lists every finding; fix them in the book, rebuild it (make), "
                          "then run make release again")


# ---------------------------------------------------------------- the folder

def _fresh(folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


def _move_into_place(staging: Path, target: Path) -> None:
    old = target.with_name(f".{target.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    if old.exists():
        shutil.rmtree(old)


def manifest(book: Book, name: str, files: dict[str, bytes], kinds: dict[str, Kind],
             pages: dict[str, int], verdict: Verdict, sheet: printcover.CoverLayout | None,
             paged: PageList) -> dict:
    return {
        "release": name,
        "book": {"title": book.title, "subtitle": book.subtitle, "author": book.author,
                 "identifier": book.identifier, "language": book.language,
                 "edition": book.date.isoformat(), "publisher": book.publisher, "rights": book.rights,
                 "isbn": {edition: isbn.digits for edition, isbn in vars(book.isbn).items() if isbn},
                 "series": vars(book.series) if book.series else None,
                 "contributors": [{"name": c.name, "role": c.role, "marc": c.code} for c in book.contributors],
                 "subjects": [vars(subject) for subject in book.subjects]},
        "files": [{"name": file, "kind": kinds[file].key, "format": kinds[file].format,
                   "media_type": kinds[file].media_type, "size": len(files[file]),
                   "sha256": sha256(files[file])} for file in sorted(files)],
        "pages": pages,
        "print_cover": sheet.to_dict() if sheet is not None else None,
        # The EPUB's page-list: the print pages marked in it, and those not found there.
        "page_list": {"source": print_edition(book), "marked": len(paged.marked),
                      "unmarked": paged.unmarked},
        "checks": verdict.to_dict(),
    }


def print_cover(book: Book, interior: Path, pages: int, store_cover: bytes) -> tuple[bytes, printcover.CoverLayout]:
    """The print cover of an interior of `pages` pages (its spine from them), and its sheet."""
    front, front_type = print_front(book, store_cover)
    sheet = printcover.layout(book, *printcover.interior_trim(interior), pages, printcover.image_size(front))
    return printcover.print_cover_pdf(book, sheet, front, front_type), sheet


def volume_release(volume: MadeVolume, put) -> dict:
    """A volume's covers, put in the release beside its books; what the manifest says of it."""
    own, number = volume.paths, volume.number
    pages = {"print": page_count(own.print_pdf), "screen": page_count(own.screen_pdf)}
    store_cover = serve.store_cover(volume.book)
    cover = put(COVER.of_volume(number), store_cover)
    cover_pdf, sheet = print_cover(volume.book, own.print_pdf, pages["print"], store_cover)
    put(PRINT_COVER.of_volume(number), cover_pdf)
    return {"number": number, "title": volume.book.title, "subtitle": volume.book.subtitle,
            "identifier": volume.book.identifier, "pages": pages, "cover": cover,
            "print_cover": sheet.to_dict()}


def run(paths: BookPaths) -> str:
    # The book as printed: `{years}` is the chapters' years on the page, feed and covers too.
    book = printed_book_for(paths)
    refuse_demo_identifier(paths, book)
    name = release_name(book)
    slug = book_slug(book)
    target = paths.dist / name
    staging = _fresh(paths.dist / f".{name}.tmp")
    report = paths.reports / "release-checks.json"
    files: dict[str, bytes] = {}
    kinds: dict[str, Kind] = {}

    def put(kind: Kind, data: bytes) -> str:
        file = kind.file_name(slug)
        kinds[file] = kind
        files[file] = data
        write_bytes(staging / file, data)
        return file

    try:
        # The EPUB with the print edition's pages marked in it; the Kobo edition from that.
        paged = add_page_list(paths.epub.read_bytes(), printed_pages(paths.print_pdf),
                              print_edition(book))
        epub = put(EPUB, paged.epub)
        kobo = put(KEPUB, kepub(files[epub]))
        pages = {"print": page_count(paths.print_pdf), "screen": page_count(paths.screen_pdf)}
        # A book printed in volumes ships each volume too: its two PDFs (and its EPUB with
        # `epub: per-volume`, judged with the book's), then below its covers.  The whole book's
        # print master and cover go only where a printer binds that many pages: otherwise the
        # volumes are the print edition.
        volumes = made_volumes(paths, book)
        whole_in_print = not printed_as_volumes_only(book, pages["print"])
        if whole_in_print:
            put(PRINT_PDF, paths.print_pdf.read_bytes())
        put(SCREEN_PDF, paths.screen_pdf.read_bytes())
        volume_epubs = []
        for volume in volumes:
            own = volume.paths
            if own.epub.exists():
                volume_epubs.append(put(EPUB.of_volume(volume.number), add_page_list(
                    own.epub.read_bytes(), printed_pages(own.print_pdf), print_edition(volume.book)).epub))
            put(SCREEN_PDF.of_volume(volume.number), own.screen_pdf.read_bytes())
            put(PRINT_PDF.of_volume(volume.number), own.print_pdf.read_bytes())

        verdict = judge(staging, [epub, kobo, *volume_epubs], [epub, *volume_epubs], paths.reports / "checks")
        write_text(report, json.dumps(verdict.to_dict(), ensure_ascii=False, indent=1) + "\n")
        refused = refusal(verdict, report)
        if refused:
            raise refused

        cover = put(COVER, serve.store_cover(book))
        put(THUMBNAIL, serve.thumbnail(files[cover]))
        sheet = None
        if whole_in_print:
            cover_pdf, sheet = print_cover(book, paths.print_pdf, pages["print"], files[cover])
            put(PRINT_COVER, cover_pdf)
        shipped = [volume_release(volume, put) for volume in volumes]
        downloads = DOWNLOADS + [kind.of_volume(v.number) for v in volumes for kind in VOLUME_DOWNLOADS]
        put(PAGE, serve.download_page(book, serve.listed(files, kinds, downloads), files[cover],
                                      MANIFEST.name))
        # (the feed's entry is the whole book: a volume is another book, with its own identifier)
        put(FEED, serve.catalog(book, serve.listed(files, kinds, READING)))

        described = manifest(book, name, files, kinds, pages, verdict, sheet, paged)
        if shipped:
            described["volumes"] = shipped
        if not whole_in_print:
            described["whole_book_in_print"] = (f"left out: {pages['print']} pages, more than "
                                                f"{book.printer.name}'s {book.printer.maximum_pages}; "
                                                f"the volumes are the print edition")
        put(MANIFEST, (json.dumps(described, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
        put(SUMS, sha256sums(files).encode("utf-8"))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _move_into_place(staging, target)
    archive = paths.dist / f"{name}.zip"
    write_bytes(archive, zip_folder(name, files, build_time(book)))
    size = sum(map(len, files.values()))
    return (f"{target}/ ({len(files)} files, {size / 1e6:.1f} MB) and {archive.name}: "
            f"EPUBCheck and Ace found nothing")
