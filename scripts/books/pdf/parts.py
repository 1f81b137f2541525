"""Laying the print book out in parts, in parallel, each part cached.

Every chapter (and every back-matter section) opens on a recto, so what a part looks
like does not depend on what comes before it: only its folios and running heads do.
The parts are therefore laid out WITHOUT heads and folios (print.css: the named page
`text-only`), each as a document of its own, in a pool of worker processes; one small
document of empty pages (the *furniture*: scripts/books/pdf/join.py lays it over the
text) then carries every head and folio of the body matter, and the index is laid out
once the chapters' pages are known, without a second pass over the text.

A part's PDFs are kept in the build folder under the hash of everything its layout
depends on (its HTML, the stylesheet, the fonts, WeasyPrint's version), so after an
edit only the changed chapter is laid out again: the others, and their pages, are read
back from the cache whatever their place in the book.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import hashlib
import json
import multiprocessing
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from scripts.core import paths as resources
from scripts.core.atomic import write_bytes, write_text

STYLESHEET = resources.STYLES / "print.css"
FONTS = resources.STYLES / "fonts"

# Bumped when what a cached part holds changes shape, so old entries are not read.
PART_FORMAT = 1

# A link to an anchor in another part cannot be resolved inside the part (WeasyPrint
# drops it): it is written as an address under this prefix and turned back into a
# link to the named destination when the parts are joined.
CROSS_PART = "https://cross-part.invalid/#"


@dataclass(frozen=True)
class PartJob:
    """One document to lay out: its name in the book (`front`, `ch01`, `index`...) and its HTML."""
    name: str
    html: str
    identifier: bytes            # the PDF /ID every part (and the joined book) carries
    document_id: str             # the stable xmpMM:DocumentID (WeasyPrint writes a random one)
    furniture: bool = False      # the heads-and-folios document: no variant, no tags

    def key(self) -> str:
        digest = hashlib.sha256()
        for piece in (str(PART_FORMAT), _engine_version(), _style_digest(), self.name,
                      self.identifier.decode(), self.document_id, str(self.furniture), self.html):
            digest.update(piece.encode("utf-8") + b"\0")
        return digest.hexdigest()[:32]


@dataclass
class LaidOutPart:
    """A part as laid out: its pages, where its anchors fell, and its two PDFs."""
    name: str
    pages: int
    anchors: dict[str, int]                  # anchor id -> page index inside the part
    print_pdf: bytes = b""                   # PDF/X-4, bleed kept, no annotations
    screen_pdf: bytes = b""                  # PDF/UA-1, cut to the trim
    from_cache: bool = False
    key: str = ""
    extra: dict = field(default_factory=dict)


# ---------------------------------------------------------------- what a layout depends on

_STYLE_DIGEST: str | None = None


def _style_digest() -> str:
    """The stylesheet and every font file: a change to either re-lays every part."""
    global _STYLE_DIGEST
    if _STYLE_DIGEST is None:
        digest = hashlib.sha256(STYLESHEET.read_bytes())
        for font in sorted(FONTS.glob("*")) if FONTS.is_dir() else ():
            digest.update(font.name.encode() + b"\0" + hashlib.sha256(font.read_bytes()).digest())
        _STYLE_DIGEST = digest.hexdigest()
    return _STYLE_DIGEST


def _engine_version() -> str:
    import pydyf
    import weasyprint
    return f"weasyprint {weasyprint.__version__} pydyf {pydyf.__version__}"


# ---------------------------------------------------------------- cross-part links

_ID = re.compile(r'\sid="([^"]+)"')
_LOCAL_HREF = re.compile(r'href="#([^"]+)"')


def point_links_out(html: str) -> str:
    """Links to anchors that are not in this part's HTML become CROSS_PART addresses."""
    ids = set(_ID.findall(html))
    return _LOCAL_HREF.sub(lambda m: m.group(0) if m.group(1) in ids
                           else f'href="{CROSS_PART}{m.group(1)}"', html)


# ---------------------------------------------------------------- one part

_ENGINE = None                          # (FontConfiguration, CSS), once per process


def _engine():
    global _ENGINE
    if _ENGINE is None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration
        fonts = FontConfiguration()     # @font-face reaches the layout only through it
        _ENGINE = (fonts, CSS(filename=str(STYLESHEET), font_config=fonts))
        # Dropped while the interpreter still runs: FontConfiguration's finaliser calls
        # into modules that are gone once shutdown has begun.
        atexit.register(_drop_engine)
    return _ENGINE


def _drop_engine() -> None:
    global _ENGINE
    _ENGINE = None


def anchor_pages(document) -> dict[str, int]:
    """Each anchor's FIRST page index (an element spanning pages is listed on each)."""
    pages: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            pages.setdefault(anchor, index)
    return pages


def lay_out(job: PartJob) -> LaidOutPart:
    """Lay one part out and write its PDFs (run in a worker process)."""
    from weasyprint import HTML
    from scripts.books.pdf import finish

    fonts, stylesheet = _engine()
    document = HTML(string=job.html, base_url=str(resources.PROJECT)).render(
        stylesheets=[stylesheet], font_config=fonts, output_intent="srgb")
    part = LaidOutPart(job.name, len(document.pages), anchor_pages(document), key=job.key())
    if job.furniture:
        part.print_pdf = document.write_pdf(output_intent="srgb", pdf_identifier=job.identifier,
                                            finisher=finish.stable_document_id(job.document_id))
        return part
    part.print_pdf = document.write_pdf(
        pdf_variant="pdf/x-4", output_intent="srgb", pdf_identifier=job.identifier,
        finisher=finish.print_part(job.document_id))
    part.screen_pdf = document.write_pdf(
        pdf_variant="pdf/ua-1", output_intent="srgb", pdf_identifier=job.identifier,
        finisher=finish.screen_part(job.document_id))
    return part


# ---------------------------------------------------------------- the cache

class PartCache:
    """build/pdf-parts/<key>.{print,screen}.pdf + <key>.json; the JSON is written last,
    so an entry without it (a build killed half-way) is never read."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.used: set[str] = set()

    def get(self, job: PartJob) -> LaidOutPart | None:
        key = job.key()
        self.used.add(key)
        if self.folder is None:
            return None
        meta = self.folder / f"{key}.json"
        print_path, screen_path = self.folder / f"{key}.print.pdf", self.folder / f"{key}.screen.pdf"
        if not (meta.exists() and print_path.exists() and (job.furniture or screen_path.exists())):
            return None
        data = json.loads(meta.read_text(encoding="utf-8"))
        return LaidOutPart(job.name, data["pages"], data["anchors"], print_path.read_bytes(),
                           b"" if job.furniture else screen_path.read_bytes(), from_cache=True, key=key)

    def put(self, part: LaidOutPart) -> None:
        if self.folder is None:
            return
        write_bytes(self.folder / f"{part.key}.print.pdf", part.print_pdf)
        if part.screen_pdf:
            write_bytes(self.folder / f"{part.key}.screen.pdf", part.screen_pdf)
        write_text(self.folder / f"{part.key}.json",
                   json.dumps({"pages": part.pages, "anchors": part.anchors}, sort_keys=True) + "\n")

    def prune(self) -> int:
        """Drop the entries this build did not use, so the folder holds one book's parts."""
        if self.folder is None or not self.folder.is_dir():
            return 0
        stale = [p for p in self.folder.iterdir() if p.name.split(".", 1)[0] not in self.used]
        for path in stale:
            path.unlink(missing_ok=True)
        return len(stale)


# ---------------------------------------------------------------- many parts

def worker_count(jobs: int) -> int:
    """One worker per core the process may use, never more than there are parts."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:                      # not Linux
        cores = os.cpu_count() or 1
    requested = os.environ.get("ANTHOLOGY_PDF_WORKERS", "")
    if requested.isdigit() and int(requested) > 0:
        cores = int(requested)
    return max(1, min(cores, jobs))


def lay_out_all(jobs: list[PartJob], cache: PartCache) -> list[LaidOutPart]:
    """Lay out the jobs not in the cache, in parallel; the results in the jobs' order."""
    results: dict[int, LaidOutPart] = {}
    todo = []
    for number, job in enumerate(jobs):
        cached = cache.get(job)
        if cached is not None:
            results[number] = cached
        else:
            todo.append((number, job))
    workers = worker_count(len(todo))
    if workers <= 1:
        for number, job in todo:
            results[number] = lay_out(job)
    else:
        # The longest parts first, so no worker is left with a long one at the end.
        todo.sort(key=lambda item: -len(item[1].html))
        # fork: the workers start with the modules already imported (no second start-up);
        # the parent lays nothing out, so no font or layout state is shared.
        context = multiprocessing.get_context("fork")
        with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = {pool.submit(lay_out, job): number for number, job in todo}
            for future in concurrent.futures.as_completed(futures):
                results[futures[future]] = future.result()
    for number, _ in todo:
        cache.put(results[number])
    return [results[number] for number in range(len(jobs))]
