"""Laying the print book out in parts, in parallel, each part cached.

Every chapter (and every back-matter section) opens on a recto, so what a part looks
like does not depend on what comes before it: only its folios and running heads do.
The parts are therefore laid out WITHOUT heads and folios (print.css: the named page
`text-only`), each as a document of its own, in a pool of worker processes; one small
document of empty pages (the *furniture*: scripts/books/pdf/join.py lays it over the
text) then carries every head and folio of the body matter, and the index is laid out
once the chapters' pages are known, without a second pass over the text.

A part's PDFs are kept in the build folder under the hash of everything its layout
depends on (its HTML, the stylesheet and the page the book's trim and printer make of it,
the fonts, WeasyPrint's version and the libraries it drives), so after an
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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from scripts.books.pdf.anchors import TextAnchor, place_text_anchors
from scripts.books.pdf.engine import describe, engine_versions
from scripts.books.pdf.page import PageSetup
from scripts.core import paths as resources
from scripts.core.atomic import write_bytes, write_text

STYLESHEET = resources.STYLES / "print.css"
FONTS = resources.STYLES / "fonts"

# Bumped when what a cached part holds changes shape, so old entries are not read.
PART_FORMAT = 2

# A link to an anchor in another part cannot be resolved inside the part (WeasyPrint
# drops it): it is written as an address under this prefix and turned back into a
# link to the named destination when the parts are joined.
CROSS_PART = "https://cross-part.invalid/#"


# What a part is written as.  Writing a PDF costs WeasyPrint about as much as laying the
# pages out, so each part is written once, tagged (PDF/UA-1), and the print copy is made
# from the same pages at the join; only the front matter is also written as PDF/X-4, for
# the catalogue (output intent, identification) the whole print master carries.
TEXT, FRONT, FURNITURE = "text", "front", "furniture"


@dataclass(frozen=True)
class PartJob:
    """One document to lay out: its name in the book (`front`, `ch01`, `index`...), its HTML
    and the page it is laid out on (the book's trim and printer)."""
    name: str
    html: str
    identifier: bytes            # the PDF /ID every part (and the joined book) carries
    document_id: str             # the stable xmpMM:DocumentID (WeasyPrint writes a random one)
    page: PageSetup
    kind: str = TEXT             # TEXT, FRONT (also written as PDF/X-4) or FURNITURE (untagged)
    text_anchors: tuple[TextAnchor, ...] = ()   # index anchors placed after layout (anchors.py)

    def key(self) -> str:
        digest = hashlib.sha256()
        for piece in (str(PART_FORMAT), _engine_version(), _style_digest(), self.page.css, self.page.black,
                      self.name, self.identifier.decode(), self.document_id, self.kind, self.html,
                      repr(self.text_anchors)):
            digest.update(piece.encode("utf-8") + b"\0")
        return digest.hexdigest()[:32]


@dataclass
class LaidOutPart:
    """A part as laid out: its pages, where its anchors fell, and its PDFs."""
    name: str
    pages: int
    anchors: dict[str, int]                  # anchor id -> page index inside the part
    approximate: list[str] = field(default_factory=list)   # index anchors placed at their block's start
    tagged: bytes = b""                      # PDF/UA-1, bleed kept, links kept (all but the furniture)
    print_pdf: bytes = b""                   # PDF/X-4 (front matter) or untagged (furniture)
    from_cache: bool = False
    key: str = ""


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
    """The engine and the native libraries it drives (engine.py): an upgrade of any of them
    re-lays every part."""
    return describe(engine_versions())


# ---------------------------------------------------------------- cross-part links

_ID = re.compile(r'\sid="([^"]+)"')
_LOCAL_HREF = re.compile(r'href="#([^"]+)"')


def point_links_out(html: str) -> str:
    """Links to anchors that are not in this part's HTML become CROSS_PART addresses."""
    ids = set(_ID.findall(html))
    return _LOCAL_HREF.sub(lambda m: m.group(0) if m.group(1) in ids
                           else f'href="{CROSS_PART}{m.group(1)}"', html)


# ---------------------------------------------------------------- one part

_ENGINE = None       # (FontConfiguration, print.css, {page CSS: its stylesheet}), once per process


def _engine(page_css: str):
    """The fonts and the stylesheets for a page: the generated page CSS, then print.css."""
    global _ENGINE
    if _ENGINE is None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration
        fonts = FontConfiguration()     # @font-face reaches the layout only through it
        _ENGINE = (fonts, CSS(filename=str(STYLESHEET), font_config=fonts), {})
        # Dropped while the interpreter still runs: FontConfiguration's finaliser calls
        # into modules that are gone once shutdown has begun.
        atexit.register(_drop_engine)
    fonts, stylesheet, pages = _ENGINE
    if page_css not in pages:
        from weasyprint import CSS
        pages[page_css] = CSS(string=page_css, font_config=fonts)
    return fonts, [pages[page_css], stylesheet]


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

    fonts, stylesheets = _engine(job.page.css)
    document = HTML(string=job.html, base_url=str(resources.PROJECT)).render(
        stylesheets=stylesheets, font_config=fonts, output_intent="srgb")
    approximate = place_text_anchors(document, job.text_anchors)
    part = LaidOutPart(job.name, len(document.pages), anchor_pages(document), approximate, key=job.key())
    # Black is set as the printer's profile says in both copies: the screen's pages are the
    # print master's, and DeviceGray black is as black on a screen.
    black = job.page.black
    if job.kind == FURNITURE:
        part.print_pdf = document.write_pdf(output_intent="srgb", pdf_identifier=job.identifier,
                                            finisher=finish.stable_document_id(job.document_id, black))
        return part
    part.tagged = document.write_pdf(pdf_variant="pdf/ua-1", output_intent="srgb", pdf_identifier=job.identifier,
                                     finisher=finish.stable_document_id(job.document_id, black))
    if job.kind == FRONT:
        part.print_pdf = document.write_pdf(
            pdf_variant="pdf/x-4", output_intent="srgb", pdf_identifier=job.identifier,
            finisher=finish.print_part(job.document_id, black))
    return part


# ---------------------------------------------------------------- the cache

class PartCache:
    """build/pdf-parts/<key>.{tagged,print}.pdf + <key>.json; the JSON is written last,
    so an entry without it (a build killed half-way) is never read."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.used: set[str] = set()

    def _files(self, key: str) -> tuple[Path, Path, Path]:
        return (self.folder / f"{key}.json", self.folder / f"{key}.tagged.pdf",
                self.folder / f"{key}.print.pdf")

    def get(self, job: PartJob) -> LaidOutPart | None:
        key = job.key()
        self.used.add(key)
        if self.folder is None:
            return None
        meta, tagged, printed = self._files(key)
        wanted = [meta] + ([tagged] if job.kind != FURNITURE else []) + ([printed] if job.kind != TEXT else [])
        if not all(path.exists() for path in wanted):
            return None
        # An entry damaged after it was written (a disk error, a hand edit) is not read:
        # the part is laid out again and the entry written anew.
        try:
            data = json.loads(meta.read_text(encoding="utf-8"))
            part = LaidOutPart(job.name, int(data["pages"]), dict(data["anchors"]), list(data.get("approximate", [])),
                               tagged.read_bytes() if job.kind != FURNITURE else b"",
                               printed.read_bytes() if job.kind != TEXT else b"", from_cache=True, key=key)
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
            return None
        if (job.kind != FURNITURE and not part.tagged.startswith(b"%PDF")) or \
                (job.kind != TEXT and not part.print_pdf.startswith(b"%PDF")):
            return None
        return part

    def put(self, part: LaidOutPart) -> None:
        if self.folder is None:
            return
        meta, tagged, printed = self._files(part.key)
        if part.tagged:
            write_bytes(tagged, part.tagged)
        if part.print_pdf:
            write_bytes(printed, part.print_pdf)
        write_text(meta, json.dumps({"pages": part.pages, "anchors": part.anchors,
                                      "approximate": part.approximate}, sort_keys=True) + "\n")

    def prune(self) -> int:
        """Drop the entries this build did not use, so the folder holds one book's parts."""
        if self.folder is None or not self.folder.is_dir():
            return 0
        stale = [p for p in self.folder.iterdir() if p.name.split(".", 1)[0] not in self.used]
        for path in stale:
            path.unlink(missing_ok=True)
        return len(stale)


# ---------------------------------------------------------------- many parts

def die_with_parent() -> None:
    """A worker's first act (Linux): be killed when the stage's process ends, however it ends
    (its time limit, a SIGKILL, a crash), so no worker lays out on alone, holding the build
    folder's lock and its memory.  Elsewhere the pool's own shutdown is all there is."""
    try:
        import ctypes
        import signal
        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def new_pool(workers: int) -> concurrent.futures.ProcessPoolExecutor:
    """A pool of `workers` forked processes that die with this one.  Fork: the workers start
    with the modules already imported; the parent lays nothing out, so no font or layout
    state is shared."""
    return concurrent.futures.ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("fork"), initializer=die_with_parent)


def stop_pool(pool: concurrent.futures.ProcessPoolExecutor) -> None:
    """End a pool's workers now, not when their parts are done: the stage is failing (its
    time limit, an error in a part), and waiting would only delay the message."""
    for process in list(getattr(pool, "_processes", {}).values()):
        process.kill()
    pool.shutdown(wait=True, cancel_futures=True)


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


@dataclass
class Task:
    """A part to lay out once the parts it `needs` are laid out: `make` builds its job from
    them (the index from the chapters' pages, the contents from every part's)."""
    name: str
    make: Callable[[dict[str, LaidOutPart]], PartJob]
    needs: tuple[str, ...] = ()
    priority: int = 0                 # among the ready tasks, the highest goes first
    size: int = 0                     # then the largest: no worker is left with a long one at the end


def first_to_go(task: Task) -> tuple:
    """The order ready tasks go to the workers in: the highest priority, then the largest."""
    return (-task.priority, -task.size, task.name)


def constant(job: PartJob) -> Callable[[dict], PartJob]:
    return lambda laid: job


def warm_up(page_css: str) -> None:
    """A worker's first minutes' worth, before its first part: WeasyPrint imported, the
    fonts and stylesheets read (`_engine`)."""
    _engine(page_css)


def lay_out_plan(tasks: list[Task], cache: PartCache,
                 on_laid: Callable[[dict[str, LaidOutPart]], None] | None = None,
                 page_css: str | None = None) -> dict[str, LaidOutPart]:
    """Lay out every task, each as soon as what it needs is laid out, the parts not in the
    cache in a pool of worker processes; return the laid-out parts by name.  `on_laid` is
    told the parts laid out so far each time one more is (the stage's progress).
    `page_css`: the parts' page CSS, given when some part may need laying out: the workers
    start at once and import WeasyPrint while the parts are looked up and prepared here
    (after a one-paragraph edit, that is most of the wait for the one part laid out)."""
    laid: dict[str, LaidOutPart] = {}
    tell = on_laid or (lambda laid: None)
    waiting = {task.name: task for task in tasks}
    workers = worker_count(len(tasks))
    running: dict[concurrent.futures.Future, str] = {}
    pool = None
    submitted = False                 # a part, not only the warm-up
    if page_css is not None and workers > 1:
        pool = new_pool(workers)
        for _ in range(workers):
            pool.submit(warm_up, page_css)
    try:
        while waiting or running:
            ready = sorted((t for t in waiting.values() if all(n in laid for n in t.needs)), key=first_to_go)
            started = False
            for task in ready:
                if len(running) >= workers:
                    break
                del waiting[task.name]
                job = task.make(laid)
                cached = cache.get(job)
                if cached is not None:
                    laid[task.name] = cached
                    tell(laid)
                elif workers == 1:
                    laid[task.name] = lay_out(job)
                    cache.put(laid[task.name])
                    tell(laid)
                else:
                    if pool is None:
                        pool = new_pool(workers)
                    running[pool.submit(lay_out, job)] = task.name
                    submitted = True
                started = True
                break                 # what was just laid out may make a better task ready
            if started:
                continue
            if not running:
                raise RuntimeError("these parts need parts that are never laid out: "
                                   + ", ".join(sorted(waiting)))
            finished, _ = concurrent.futures.wait(running, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in finished:
                name = running.pop(future)
                laid[name] = future.result()
                cache.put(laid[name])
                tell(laid)
    except BaseException:
        if pool is not None:
            stop_pool(pool)
            pool = None
        raise
    finally:
        if pool is not None:
            if submitted:
                pool.shutdown(cancel_futures=True)
            else:
                stop_pool(pool)       # every part was in the cache: the warm-up is not waited for
    return laid
