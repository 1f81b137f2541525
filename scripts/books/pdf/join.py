"""Joining the separately laid-out parts into one book: each part read with pikepdf, the
book written as it goes (writer.py), one part held at a time.

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
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf, String

from scripts.books.pdf.parts import CROSS_PART, LaidOutPart, new_pool, stop_pool
from scripts.books.pdf.writer import PdfWriter, Renumbering, dictionary, literal, reference, without_closing
from scripts.core.printing import EDGES, PrinterProfile

BLANK = None                 # an item of the page sequence: a blank verso


@dataclass
class Joined:
    data: bytes
    pages: int
    unresolved_links: list[str] = field(default_factory=list)


def _open(data: bytes) -> Pdf:
    return Pdf.open(io.BytesIO(data))


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


class _Furniture:
    """The furniture documents in page order, each opened when its first page comes and let
    go after its last; each page's form is written once, its fonts once per document."""

    def __init__(self, furniture: list[tuple[LaidOutPart, int]], writer: PdfWriter):
        self._waiting = sorted(furniture, key=lambda pair: pair[1])
        self._writer = writer
        self._current: tuple[int, int, Renumbering] | None = None   # (first page, end, its objects)

    def form_for(self, page_index: int) -> int | None:
        """The book's number of the form drawing the heads and folio of a page, if any."""
        if self._current is not None and page_index >= self._current[1]:
            self._current = None
        while self._current is None and self._waiting and self._waiting[0][1] <= page_index:
            document, first = self._waiting.pop(0)
            if page_index < first + document.pages:
                self._current = (first, first + document.pages, Renumbering(_open(document.print_pdf), self._writer))
        if self._current is None or page_index < self._current[0]:
            return None
        first, _, objects = self._current
        form = objects.source.pages[page_index - first].as_form_xobject()
        number = objects.number_of(form.objgen)
        objects.drain()
        return number


def _overlay(source: Pdf, page: pikepdf.Page, form: Dictionary, tagged: bool) -> None:
    """Draw a furniture page (heads, folio) over a text page, in its own graphics state.
    `form` stands in the part for the furniture's form, written in the book by _Furniture."""
    # The part's pages share one resource dictionary: each page gets its own, so a
    # page names only its own furniture.
    resources = Dictionary({key: value for key, value in page.obj.get("/Resources", Dictionary()).items()})
    xobjects = Dictionary({key: value for key, value in resources.get("/XObject", Dictionary()).items()})
    name = "/Furniture"
    xobjects[name] = form
    resources.XObject = xobjects
    page.obj.Resources = resources
    drawing = f"q {name} Do Q".encode()
    if tagged:
        drawing = b"/Artifact BMC " + drawing + b" EMC"
    page.contents_add(source.make_stream(b"q\n"), prepend=True)
    page.contents_add(source.make_stream(b"\nQ\n" + drawing + b"\n"), prepend=False)


class _Book:
    """What the book keeps while its parts go through: the numbers of its pages and of the
    objects that gather all parts (page tree, catalogue, structure tree), its destinations,
    outline and parent tree."""

    def __init__(self, writer: PdfWriter, variant: str, furniture: list[tuple[LaidOutPart, int]],
                 printer: PrinterProfile | None, anchors: set[str]):
        self.writer = writer
        self.tagged = variant == "screen"
        self.printer = printer
        self.anchors = anchors
        self.furniture = _Furniture(furniture, writer)
        self.pages_number = writer.reserve()
        self.page_numbers: list[int] = []
        self.destinations: dict[str, tuple[int, bytes]] = {}
        self.outline: list = []
        self.unresolved: list[str] = []
        self.parent_tree: list[tuple[int, bytes]] = []
        self.elements: list[bytes] = []          # the Document's children
        self.next_key = 0
        self.struct_root_number = writer.reserve() if self.tagged else None
        self.document_number = writer.reserve() if self.tagged else None
        # From the first part: its catalogue, its Info, its structure root and Document
        # element, each without what the book makes whole (written at the end).
        self.catalog_opening = b"<< /Type /Catalog"
        self.other_names = b"<<"                 # the catalogue's /Names but its /Dests
        self.info_number: int | None = None
        self.struct_root_opening = b"<< /Type /StructTreeRoot"
        self.document_opening = b"<< /Type /StructElem /S /Document"
        self.model_boxes: dict[str, Array] = {}
        self._scratch = pikepdf.new()            # the blank pages
        self._blank_objects = Renumbering(self._scratch, writer)

    # ---------------------------------------------------------------- pages

    def finish_page(self, source: Pdf, objects: Renumbering, page: pikepdf.Page) -> None:
        """A page's last changes before it is written: furniture, boxes, links."""
        index = len(self.page_numbers)
        form = self.furniture.form_for(index)
        if form is not None:
            stand_in = source.make_indirect(Dictionary())
            objects.fixed[stand_in.objgen] = form
            _overlay(source, page, stand_in, self.tagged)
        if self.tagged:
            _cut_to_trim(page)
        elif self.printer is not None and self.printer.bleed_edges != set(EDGES):
            _fit_bleed(page, recto=index % 2 == 0, printer=self.printer)    # page index 0 is a recto
        self._resolve_links(page)
        if "/Parent" in page.obj:
            objects.fixed[page.obj.Parent.objgen] = self.pages_number
        self.page_numbers.append(objects.number_of(page.obj.objgen))

    def blank(self) -> None:
        """A blank page with the boxes of the book's first page (PDF/X wants Trim and Bleed
        on every page)."""
        scratch = self._scratch
        parent = scratch.make_indirect(Dictionary())
        self._blank_objects.fixed[parent.objgen] = self.pages_number
        page = pikepdf.Page(scratch.make_indirect(Dictionary(
            Type=Name.Page, Parent=parent, MediaBox=Array(self.model_boxes["/MediaBox"]),
            Resources=Dictionary(), Contents=scratch.make_stream(b""))))
        for box in ("/TrimBox", "/BleedBox"):
            if box in self.model_boxes:
                page.obj[box] = Array(self.model_boxes[box])
        self.finish_page(scratch, self._blank_objects, page)
        self._blank_objects.drain()

    def _resolve_links(self, page: pikepdf.Page) -> None:
        """Links written as CROSS_PART addresses become links to the named destination."""
        annotations = page.obj.get("/Annots")
        if annotations is None:
            return
        kept = []
        for annotation in annotations:
            action = annotation.get("/A")
            uri = str(action.get("/URI", "")) if action is not None else ""
            if uri.startswith(CROSS_PART):
                name = uri[len(CROSS_PART):]
                if name not in self.anchors:
                    self.unresolved.append(name)
                    continue
                del annotation["/A"]
                annotation.Dest = String(name)
                if "/Contents" in annotation:
                    annotation.Contents = String(name)
            kept.append(annotation)
        page.obj.Annots = Array(kept)

    # ---------------------------------------------------------------- one part

    def add_part(self, source: Pdf, number: int) -> None:
        objects = Renumbering(source, self.writer)
        start = len(self.page_numbers)
        if number == 0:
            self._take_catalog(source, objects)
        elif not self.tagged:
            _untag_all(source)
        offset = self.next_key
        struct_root = source.Root.get("/StructTreeRoot") if self.tagged else None
        for page in source.pages:
            if struct_root is not None and number:
                if "/StructParents" in page.obj:
                    page.obj.StructParents = int(page.obj.StructParents) + offset
                for annotation in page.obj.get("/Annots", Array()):
                    if "/StructParent" in annotation:
                        annotation.StructParent = int(annotation.StructParent) + offset
            self.finish_page(source, objects, page)
        for name, page, rest in _destinations(source):
            self.destinations.setdefault(name, (page + start, b" ".join(literal(value) for value in rest)))
        self.outline.extend(_shifted(_outline(source), start))
        if struct_root is not None:
            self._take_tree(struct_root, objects)
        objects.drain()

    def _take_catalog(self, source: Pdf, objects: Renumbering) -> None:
        root = source.Root
        self.model_boxes = {box: Array(source.pages[0].obj[box]) for box in ("/MediaBox", "/TrimBox", "/BleedBox")
                            if box in source.pages[0].obj}
        made_here = {"/Pages", "/StructTreeRoot", "/Names", "/Outlines", "/PageLabels", "/PageMode"}
        self.catalog_opening = _opening(objects, {k: v for k, v in root.items() if k not in made_here})
        other_names = {k: v for k, v in root.get("/Names", Dictionary()).items() if k != "/Dests"}
        self.other_names = _opening(objects, other_names)
        info = source.trailer.get("/Info")
        if info is not None and info.is_indirect:
            self.info_number = objects.number_of(info.objgen)
        elif info is not None:
            self.info_number = self.writer.reserve()
            self.writer.put(self.info_number, objects.text(info))
        struct_root = root.get("/StructTreeRoot") if self.tagged else None
        if struct_root is not None:
            objects.fixed[struct_root.objgen] = self.struct_root_number
            self.struct_root_opening = _opening(objects, {k: v for k, v in struct_root.items()
                                                          if k not in ("/K", "/ParentTree", "/ParentTreeNextKey")})
            document = struct_root.K[0]
            self.document_opening = _opening(objects, {k: v for k, v in document.items() if k not in ("/K", "/P")})

    def _take_tree(self, struct_root: Dictionary, objects: Renumbering) -> None:
        """The part's tree under the book's Document, its keys after the parts' before it."""
        objects.fixed[struct_root.objgen] = self.struct_root_number
        document = struct_root.K[0]
        objects.fixed[document.objgen] = self.document_number
        self.elements.extend(objects.text(element) for element in document.K)
        nums = struct_root.ParentTree.Nums
        keys = [int(nums[position]) for position in range(0, len(nums), 2)]
        offset = self.next_key
        for position in range(0, len(nums), 2):
            self.parent_tree.append((int(nums[position]) + offset, objects.text(nums[position + 1])))
        self.next_key = offset + (max(keys) + 1 if keys else 0)

    # ---------------------------------------------------------------- the whole

    def finish(self, first_body_page: int) -> None:
        writer = self.writer
        pages = self.page_numbers
        writer.put(self.pages_number, dictionary({
            "Type": b"/Pages", "Count": b"%d" % len(pages),
            "Kids": b"[ " + b" ".join(reference(n) for n in pages) + b" ]"}))
        names = b" ".join(literal(String(name)) + b" [ %s /XYZ %s ]" % (reference(pages[page]), rest)
                          for name, (page, rest) in sorted(self.destinations.items()))
        # (The first part's catalogue, completed: its /Type is kept from there.)
        catalog = {"Pages": reference(self.pages_number),
                   "Names": dictionary({"Dests": dictionary({"Names": b"[ " + names + b" ]"})},
                                       self.other_names)}
        outline = _write_outline(writer, self.outline, pages)
        if outline is not None:
            catalog["Outlines"] = reference(outline)
        labels = b"[ 0 << /S /r >> %d << /S /D >> ]" % first_body_page if first_body_page else b"[ 0 << /S /D >> ]"
        catalog["PageLabels"] = dictionary({"Nums": labels})
        if self.tagged:
            catalog["PageMode"] = b"/UseOutlines"
            tree = writer.reserve()
            flat = b" ".join(b"%d %s" % (key, value) for key, value in sorted(self.parent_tree, key=lambda p: p[0]))
            writer.put(tree, dictionary({"Nums": b"[ " + flat + b" ]"}))
            writer.put(self.struct_root_number, dictionary({
                "K": b"[ %s ]" % reference(self.document_number), "ParentTree": reference(tree),
                "ParentTreeNextKey": b"%d" % self.next_key}, self.struct_root_opening))
            writer.put(self.document_number, dictionary({
                "K": b"[ " + b" ".join(self.elements) + b" ]",
                "P": reference(self.struct_root_number)}, self.document_opening))
            catalog["StructTreeRoot"] = reference(self.struct_root_number)
        root = writer.reserve()
        writer.put(root, dictionary(catalog, self.catalog_opening))
        writer.finish(root, self.info_number)


def _opening(objects: Renumbering, entries: dict) -> bytes:
    """A source dictionary's entries, renumbered, as the opening of one the book completes."""
    return without_closing(objects.renumber(Dictionary(entries).unparse()))


def _shifted(tree, start: int) -> list:
    return [(title, page + start, left, top, _shifted(children, start))
            for title, page, left, top, children in tree]


def _write_outline(writer: PdfWriter, tree: list, pages: list[int]) -> int | None:
    """The outline's items, all open, each to its page (XYZ at its place)."""
    if not tree:
        return None
    top = writer.reserve()

    def write_level(items, parent: int) -> tuple[list[int], int]:
        numbers = [writer.reserve() for _ in items]
        visible = len(items)
        for position, (title, page, left, top_edge, children) in enumerate(items):
            entries = {"Title": literal(String(title)), "Parent": reference(parent),
                       "Dest": b"[ %s /XYZ %s %s 0 ]" % (reference(pages[page]), literal(left), literal(top_edge))}
            if position:
                entries["Prev"] = reference(numbers[position - 1])
            if position + 1 < len(numbers):
                entries["Next"] = reference(numbers[position + 1])
            if children:
                kids, count = write_level(children, numbers[position])
                entries.update(First=reference(kids[0]), Last=reference(kids[-1]), Count=b"%d" % count)
                visible += count
            writer.put(numbers[position], dictionary(entries))
        return numbers, visible

    items, count = write_level(tree, top)
    writer.put(top, dictionary({"Type": b"/Outlines", "First": reference(items[0]),
                                "Last": reference(items[-1]), "Count": b"%d" % count}))
    return top


def join(sequence: list[LaidOutPart | None], variant: str, furniture: list[tuple[LaidOutPart, int]],
         first_body_page: int, *, printer: PrinterProfile | None = None) -> Joined:
    """The book from its parts (`variant`: "print" or "screen"), BLANK items as blank versos.
    Each furniture document's pages lie over the pages from the index given with it on.
    `printer` (the print master's): the page count is padded to its rule with blank pages at
    the end, and the bleed cut off the edges it wants none on.

    Each part is opened when its turn comes, written out and let go (writer.py): the join
    holds one part and the book's tables, whatever the length of the book."""
    tagged = variant == "screen"
    if not sequence or sequence[0] is BLANK:
        raise ValueError("the book cannot open on a blank page")
    anchors = {name for item in sequence if item is not BLANK for name in item.anchors}
    buffer = io.BytesIO()
    first = _source(sequence[0], True, tagged)
    book = _Book(PdfWriter(buffer, first.pdf_version), variant, furniture, printer, anchors)
    for number, item in enumerate(sequence):
        if item is BLANK:
            book.blank()
            continue
        source = first if number == 0 else _source(item, False, tagged)
        first = None
        book.add_part(source, number)
        source = None              # let go before the next is opened
    if printer is not None:
        while len(book.page_numbers) < printer.pages_for(len(book.page_numbers)):
            book.blank()
    book.finish(first_body_page)
    return Joined(buffer.getvalue(), len(book.page_numbers), book.unresolved)


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
