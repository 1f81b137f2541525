"""Joining the separately laid-out parts into one book (pikepdf, i.e. qpdf).

What each part cannot know alone is made whole here:
- the pages, in order, with a blank verso wherever the next part would open on a verso;
- the running heads and folios of the body matter, laid over its pages from the
  furniture documents (marked as artifacts in the tagged copy: they are not the text);
- the print master's pages made from the same tagged pages, untagged, with the bleed the
  printer's profile wants (book.yaml `printer:`): cut off the spine edge when it wants
  none there, and padded with blank pages to the page count it takes; the screen copy's
  cut back to the trim;
- named destinations, and the links between parts (written as CROSS_PART addresses
  inside a part) turned into links to them;
- one structure tree (the screen copy, PDF/UA-1): each part's tree under one Document
  element, its parent-tree keys renumbered;
- one outline, page labels (roman, then arabic), the catalogue of the first part
  (metadata, output intent, language) for the whole.
The output is byte-reproducible: same parts, same bytes.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf, String

from scripts.books.pdf.parts import CROSS_PART, LaidOutPart, new_pool, stop_pool
from scripts.core.printing import EDGES, PrinterProfile

BLANK = None                 # an item of the page sequence: a blank verso


@dataclass
class Joined:
    data: bytes
    pages: int
    unresolved_links: list[str] = field(default_factory=list)


def _open(data: bytes) -> Pdf:
    return Pdf.open(io.BytesIO(data))


def _blank_like(out: Pdf, model: pikepdf.Page) -> pikepdf.Page:
    """An empty page with the boxes of `model` (PDF/X wants Trim and Bleed on every page)."""
    page = pikepdf.Page(Dictionary(Type=Name.Page, MediaBox=Array(model.obj.MediaBox),
                                   Resources=Dictionary(), Contents=out.make_stream(b"")))
    for box in ("/TrimBox", "/BleedBox"):
        if box in model.obj:
            page.obj[box] = Array(model.obj[box])
    return page


def _destinations(source: Pdf) -> list[tuple[str, int, list]]:
    """(name, page index, [x, y, zoom]) for each named destination of a part."""
    names = source.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return []
    flat = names.Dests.get("/Names", Array())
    index = {page.obj.objgen: number for number, page in enumerate(source.pages)}
    found = []
    for position in range(0, len(flat), 2):
        target = flat[position + 1]
        found.append((str(flat[position]), index[target[0].objgen], list(target[2:])))
    return found


def _outline(source: Pdf) -> list[tuple[str, int, float, float, list]]:
    """The part's bookmarks as (title, page index, left, top, children)."""
    index = {page.obj.objgen: number for number, page in enumerate(source.pages)}

    def walk(items):
        tree = []
        for item in items:
            destination = item.destination
            if not isinstance(destination, pikepdf.Array):
                continue
            left, top = float(destination[2]), float(destination[3])
            tree.append((item.title, index[destination[0].objgen], left, top, walk(item.children)))
        return tree

    with source.open_outline() as outline:
        return walk(outline.root)


def _build_outline(tree, start: int) -> list[pikepdf.OutlineItem]:
    items = []
    for title, page, left, top, children in tree:
        item = pikepdf.OutlineItem(title, page + start, "XYZ", left=left, top=top)
        item.children.extend(_build_outline(children, start))
        items.append(item)
    return items


def _overlay(out: Pdf, page: pikepdf.Page, furniture: pikepdf.Page, tagged: bool) -> None:
    """Draw a furniture page (heads, folio) over a text page, in its own graphics state."""
    form = out.copy_foreign(furniture.as_form_xobject())
    # The part's pages share one resource dictionary: each page gets its own, so a
    # page names only its own furniture.
    resources = Dictionary({key: value for key, value in page.obj.Resources.items()})
    xobjects = Dictionary({key: value for key, value in resources.get("/XObject", Dictionary()).items()})
    name = "/Furniture"
    xobjects[name] = form
    resources.XObject = xobjects
    page.obj.Resources = resources
    drawing = f"q {name} Do Q".encode()
    if tagged:
        drawing = b"/Artifact BMC " + drawing + b" EMC"
    page.contents_add(out.make_stream(b"q\n"), prepend=True)
    page.contents_add(out.make_stream(b"\nQ\n" + drawing + b"\n"), prepend=False)


def _source(item: LaidOutPart | None, first: bool, tagged: bool) -> Pdf | None:
    """What a part gives the book: its tagged PDF, or for the print master's first part the
    PDF/X-4 one, whose catalogue (output intent, identification) the whole master keeps."""
    if item is BLANK:
        return None
    return _open(item.print_pdf if first and not tagged else item.tagged)


def _untag(page: pikepdf.Page) -> None:
    """A tagged page made a print page: no links (PDF/X allows none inside the bleed box)
    and no keys into a structure tree the print master does not have.  Its marked content
    stays: without a structure tree it means nothing, and it changes no mark on paper."""
    for key in ("/Annots", "/StructParents", "/Tabs"):
        if key in page.obj:
            del page.obj[key]


def _untag_all(source: Pdf) -> None:
    for page in source.pages:
        _untag(page)


def _fit_bleed(page: pikepdf.Page, recto: bool, printer: PrinterProfile) -> None:
    """A print page with bleed only on the edges the printer wants it on.  WeasyPrint lays
    every page out with the bleed all round; KDP and IngramSpark want none at the spine, so
    a recto (right-hand page) loses the bleed on its left, a verso on its right.  What was
    drawn there stays in the content, outside the page; MediaBox and BleedBox are the page
    as sent, the TrimBox does not move."""
    left, bottom, right, top = (float(v) for v in page.obj.TrimBox)
    inner, outer = printer.bleed_at("inside"), printer.bleed_at("outside")
    media = [left - (inner if recto else outer), bottom - printer.bleed_at("bottom"),
             right + (outer if recto else inner), top + printer.bleed_at("top")]
    page.obj.MediaBox = Array(media)
    page.obj.BleedBox = Array(media)
    for box in ("/CropBox", "/ArtBox"):
        if box in page.obj:
            del page.obj[box]


def _cut_to_trim(page: pikepdf.Page) -> None:
    """The screen copy: the same page, cut back to the trim; no bleed."""
    if "/TrimBox" in page.obj:
        page.obj.MediaBox = Array(page.obj.TrimBox)
        del page.obj["/TrimBox"]
    if "/BleedBox" in page.obj:
        del page.obj["/BleedBox"]


def join(sequence: list[LaidOutPart | None], variant: str, furniture: list[tuple[LaidOutPart, int]],
         first_body_page: int, *, printer: PrinterProfile | None = None) -> Joined:
    """The book from its parts (`variant`: "print" or "screen"), BLANK items as blank versos.
    Each furniture document's pages lie over the pages from the index given with it on.
    `printer` (the print master's): the page count is padded to its rule with blank pages at
    the end, and the bleed cut off the edges it wants none on."""
    tagged = variant == "screen"
    out = _source(sequence[0], True, tagged) if sequence else None
    if out is None:
        raise ValueError("the book cannot open on a blank page")
    model = out.pages[0]
    destinations: dict[str, tuple[int, list]] = {}
    outline = []
    struct_root = out.Root.get("/StructTreeRoot") if tagged else None
    document = struct_root.K[0] if struct_root is not None else None
    parent_tree: list[tuple[int, object]] = []
    elements = list(document.K) if document is not None else []    # the Document's children
    next_key = 0
    for number, item in enumerate(sequence):
        # Each part is opened when its turn comes and let go once copied: what the book
        # holds of it is in `out` (qpdf reads its streams' data from the part's bytes when
        # writing), and the part's own objects are freed.  Held open all at once, the parts
        # doubled the join's memory (a 1,682-page book: 926 MB).
        source = out if number == 0 else _source(item, False, tagged)
        if source is None:
            out.pages.append(_blank_like(out, model))
            continue
        start = 0 if number == 0 else len(out.pages)
        if not tagged and number:
            # Untagged in the part, before its pages are copied: the print master never
            # holds the links (a bibliography's 10,000 of them) only to drop them.
            _untag_all(source)
        if number:
            # Named destinations, outline and structure tree are carried below, by us:
            # pikepdf's warning that extend() does not carry them is answered there.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
                out.pages.extend(source.pages)
        for name, page, rest in _destinations(source):
            destinations.setdefault(name, (page + start, rest))
        outline.extend(_build_outline(_outline(source), start))
        if struct_root is None:
            continue
        # The part's tree, renumbered after the keys the parts before it used.
        theirs = source.Root.StructTreeRoot if number else struct_root
        if number:
            theirs = out.copy_foreign(theirs)
            for element in theirs.K[0].K:
                element.P = document
                elements.append(element)
        nums = theirs.ParentTree.Nums
        keys = [int(nums[position]) for position in range(0, len(nums), 2)]
        offset = next_key
        for position in range(0, len(nums), 2):
            parent_tree.append((int(nums[position]) + offset, nums[position + 1]))
        next_key = offset + (max(keys) + 1 if keys else 0)
        if number:
            for page in out.pages[start:start + len(source.pages)]:
                if "/StructParents" in page.obj:
                    page.obj.StructParents = int(page.obj.StructParents) + offset
                for annotation in page.obj.get("/Annots", Array()):
                    if "/StructParent" in annotation:
                        annotation.StructParent = int(annotation.StructParent) + offset
    source = None                     # (the last part, let go before the book is written)
    if printer is not None:
        while len(out.pages) < printer.pages_for(len(out.pages)):
            out.pages.append(_blank_like(out, model))

    for heads_and_folios, first_page in furniture:
        for offset, furniture_page in enumerate(_open(heads_and_folios.print_pdf).pages):
            _overlay(out, out.pages[first_page + offset], furniture_page, tagged)
    if tagged:
        for page in out.pages:
            _cut_to_trim(page)
    elif printer is not None and printer.bleed_edges != set(EDGES):
        for number, page in enumerate(out.pages):
            _fit_bleed(page, recto=number % 2 == 0, printer=printer)    # page index 0 is a recto

    unresolved = _resolve_links(out, destinations)
    # Arrays are built as Python lists and handed over whole: growing a pikepdf Array
    # item by item copies it each time, and a book has thousands of destinations.
    page_objects = [page.obj for page in out.pages]
    names = []
    for name in sorted(destinations):
        page, rest = destinations[name]
        names.extend([String(name), Array([page_objects[page], Name.XYZ, *rest])])
    catalog_names = out.Root.get("/Names") or Dictionary()
    catalog_names.Dests = Dictionary(Names=Array(names))
    out.Root.Names = catalog_names
    if struct_root is not None:
        document.K = Array(elements)
        flat = []
        for key, value in sorted(parent_tree, key=lambda pair: pair[0]):
            flat.extend([key, value])
        struct_root.ParentTree = out.make_indirect(Dictionary(Nums=Array(flat)))
        struct_root.ParentTreeNextKey = next_key
    with out.open_outline() as book_outline:
        book_outline.root[:] = outline
    numbers = Array([0, Dictionary(S=Name.r)])
    if first_body_page:
        numbers.extend([first_body_page, Dictionary(S=Name.D)])
    else:
        numbers[1] = Dictionary(S=Name.D)
    out.Root.PageLabels = Dictionary(Nums=numbers)
    if tagged:
        out.Root.PageMode = Name.UseOutlines
    buffer = io.BytesIO()
    # Object streams: a tagged book is tens of thousands of small objects (its structure
    # tree), several megabytes written plainly.  PDF/X-4 and PDF/UA-1 both allow them.
    out.save(buffer, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return Joined(buffer.getvalue(), len(out.pages), unresolved)


def join_both(sequence: list[LaidOutPart | None], furniture: list[tuple[LaidOutPart, int]],
              first_body_page: int, printer: PrinterProfile, *, workers: int) -> tuple[Joined, Joined]:
    """The print master and the screen copy.  They share nothing once the parts are laid
    out, so with two cores the print master is joined in a forked process while this one
    joins the screen copy (the longer of the two: it carries the structure tree); each
    join is the same function on the same parts either way, so the bytes do not depend
    on how many cores there were."""
    if workers < 2:
        return (join(sequence, "print", furniture, first_body_page, printer=printer),
                join(sequence, "screen", furniture, first_body_page))
    pool = new_pool(1)
    try:
        printed = pool.submit(join, sequence, "print", furniture, first_body_page, printer=printer)
        screen = join(sequence, "screen", furniture, first_body_page)
        return printed.result(), screen
    except BaseException:
        stop_pool(pool)
        raise
    finally:
        pool.shutdown()


def _resolve_links(out: Pdf, destinations: dict) -> list[str]:
    """Links written as CROSS_PART addresses become links to the named destination."""
    unresolved = []
    for page in out.pages:
        annotations = page.obj.get("/Annots")
        if annotations is None:
            continue
        kept = []
        for annotation in annotations:
            action = annotation.get("/A")
            uri = str(action.get("/URI", "")) if action is not None else ""
            if uri.startswith(CROSS_PART):
                name = uri[len(CROSS_PART):]
                if name not in destinations:
                    unresolved.append(name)
                    continue
                del annotation["/A"]
                annotation.Dest = String(name)
                if "/Contents" in annotation:
                    annotation.Contents = String(name)
            kept.append(annotation)
        page.obj.Annots = Array(kept)
    return unresolved
