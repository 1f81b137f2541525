"""The PDF laid out in parts and joined (scripts/books/pdf/parts.py, join.py): the join
keeps what one whole-book layout gave (links across parts, one structure tree, even
print pages), and the cache lays out again only what changed."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pikepdf
import pytest

from scripts.books.pdf import build as pdf
from scripts.books.pdf.join import BLANK, join, join_both
from scripts.books.pdf.page import page_setup
from scripts.books.pdf.parts import (
    CROSS_PART,
    FURNITURE,
    TEXT,
    PartCache,
    PartJob,
    lay_out,
    point_links_out,
)
from scripts.core.book import load_book
from scripts.core.printing import Trim, load_profile

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "articles"
KDP = load_profile("kdp")
IDS = (b"0" * 40, "xmp.did:test", page_setup(Trim.default(), KDP))


def part(name: str, body: str, kind: str = TEXT):
    html = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title></head>'
            f'<body class="laid-out-alone"><div class="mainmatter">{body}</div></body></html>')
    return lay_out(PartJob(name, point_links_out(html), *IDS, kind=kind))


@pytest.fixture(scope="module")
def two_parts():
    first = part("a", kind="front", body='<section class="chapter" id="a"><h1 class="chapter-title">A</h1>'
                      '<p><a href="#b-target">to B</a> <a href="#a-here">here</a></p>'
                      '<p id="a-here" style="break-before: page">A, page 2</p>'
                      '<p style="break-before: page">A, page 3</p></section>')
    second = part("b", '<section class="chapter" id="b"><h1 class="chapter-title">B</h1>'
                       '<p id="b-target">B, <a href="#a">back to A</a></p></section>')
    furniture = part("furniture", "".join('<p style="break-before: page">head</p>' for _ in range(5)),
                     kind=FURNITURE)
    return first, second, [(furniture, 0)]


def test_a_link_to_another_part_is_written_as_a_cross_part_address():
    html = '<p id="here"><a href="#here">1</a> <a href="#elsewhere">2</a></p>'
    assert point_links_out(html) == f'<p id="here"><a href="#here">1</a> <a href="{CROSS_PART}elsewhere">2</a></p>'


def test_the_two_copies_joined_side_by_side_are_the_bytes_of_joining_them_in_turn(two_parts):
    first, second, furniture = two_parts
    sequence = [first, BLANK, second]
    alone = join_both(sequence, furniture, 0, KDP, workers=1)
    side_by_side = join_both(sequence, furniture, 0, KDP, workers=2)
    assert [copy.data for copy in side_by_side] == [copy.data for copy in alone]
    assert alone[0].data == join(sequence, "print", furniture, 0, printer=KDP).data
    assert alone[1].data == join(sequence, "screen", furniture, 0).data
    assert (alone[0].pages, alone[1].pages) == (6, 5)


def test_the_join_holds_one_part_open_at_a_time(two_parts, monkeypatch):
    """A part is let go once copied (qpdf's objects of a 300-post book's parts, all held at
    once, doubled the join's memory); the book is still whole, its links and tree included."""
    import sys
    from scripts.books.pdf import join as joining
    first, second, furniture = two_parts
    opened: list[pikepdf.Pdf] = []
    held = []

    def counting_open(data):
        # When one more part opens, how many of the parts before it (the first is the book
        # itself) does the join still hold?  A part let go has two references: this list's
        # and getrefcount's own argument.
        held.append(sum(sys.getrefcount(opened[i]) > 2 for i in range(1, len(opened))))
        opened.append(pikepdf.Pdf.open(io.BytesIO(data)))
        return opened[-1]
    monkeypatch.setattr(joining, "_open", counting_open)
    sequence = [first, BLANK, second, second, second]
    book = join(sequence, "screen", furniture, 0)
    assert len(opened) == 5 and max(held) <= 1, held       # at most the part just before
    monkeypatch.undo()
    assert book.data == join(sequence, "screen", furniture, 0).data and book.unresolved_links == []


def test_both_copies_read_back_whole_without_repair(two_parts):
    """The join writes the book itself (writer.py): qpdf must read it as written, not by
    rebuilding a damaged cross-reference table, and find nothing wrong with its syntax."""
    first, second, furniture = two_parts
    for copy in join_both([first, BLANK, second], furniture, 0, KDP, workers=1):
        book = pikepdf.open(io.BytesIO(copy.data), attempt_recovery=False)
        assert book.check_pdf_syntax() == []
        assert book.Root.Type == pikepdf.Name.Catalog and len(book.pages) == copy.pages


def test_parts_open_on_rectos_and_print_pages_are_even(two_parts):
    first, second, furniture = two_parts
    assert (first.pages, second.pages) == (3, 1)
    assert pdf.recto_starts([3, 1, 2]) == ([0, 4, 6], 8)
    printed = join([first, BLANK, second], "print", furniture, 0, printer=KDP)
    screen = join([first, BLANK, second], "screen", furniture, 0)
    assert (printed.pages, screen.pages) == (6, 5)     # a blank verso ends the print copy
    book = pikepdf.open(io.BytesIO(printed.data))
    # KDP's bleed: none at the spine, so a recto's page starts at its trim's left edge and a
    # verso's ends at its trim's right edge; the blank pages added have the boxes of the others.
    for number, page in enumerate(book.pages):
        media, trim = ([float(v) for v in page.obj[box]] for box in ("/MediaBox", "/TrimBox"))
        assert [float(v) for v in page.obj.BleedBox] == media
        spine, outside = (0, 2) if number % 2 == 0 else (2, 0)
        assert media[spine] == trim[spine]
        assert abs(media[outside] - trim[outside]) == pytest.approx(KDP.bleed)
        assert (trim[1] - media[1], media[3] - trim[3]) == pytest.approx((KDP.bleed, KDP.bleed))
        assert [float(v) for v in page.obj.TrimBox] == [float(v) for v in book.pages[0].obj.TrimBox]
    assert not any(page.get("/Annots") for page in book.pages)   # PDF/X: no links in print


def test_an_offset_printers_master_is_whole_signatures_with_bleed_all_round(two_parts):
    first, second, furniture = two_parts
    offset = load_profile("offset")
    printed = join([first, BLANK, second], "print", furniture, 0, printer=offset)
    assert printed.pages == 16                          # 5 pages of text, padded to one signature
    book = pikepdf.open(io.BytesIO(printed.data))
    boxes = {tuple(tuple(float(v) for v in page.obj[box]) for box in ("/MediaBox", "/TrimBox", "/BleedBox"))
             for page in book.pages}
    assert len(boxes) == 1                              # every page keeps the bleed on all four edges
    media, trim, _ = boxes.pop()
    assert trim[0] - media[0] == pytest.approx(media[2] - trim[2]) == pytest.approx(KDP.bleed)


def test_links_across_parts_land_on_their_target_and_back(two_parts):
    first, second, furniture = two_parts
    screen = join([first, BLANK, second], "screen", furniture, 0)
    assert screen.unresolved_links == []
    book = pikepdf.open(io.BytesIO(screen.data))
    names = book.Root.Names.Dests.Names
    destinations = {str(names[i]): book.pages.index(pikepdf.Page(names[i + 1][0]))
                    for i in range(0, len(names), 2)}
    links = {}
    for number, page in enumerate(book.pages):
        for annotation in page.obj.get("/Annots", []):
            assert "/A" not in annotation                 # no address is left pointing nowhere
            links.setdefault(number, []).append(str(annotation.Dest))
    assert links == {0: ["b-target", "a-here"], 4: ["a"]}
    assert destinations["b-target"] == 4 and destinations["a"] == 0 and destinations["a-here"] == 1


def test_the_screen_copy_has_one_structure_tree_whose_keys_point_at_their_pages(two_parts):
    first, second, furniture = two_parts
    book = pikepdf.open(io.BytesIO(join([first, BLANK, second], "screen", furniture, 0).data))
    root = book.Root.StructTreeRoot
    assert len(root.K) == 1 and root.K[0].S == "/Document"
    nums = root.ParentTree.Nums
    tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    assert int(root.ParentTreeNextKey) > max(tree)
    seen = set()
    for page in book.pages:
        if "/StructParents" not in page.obj:
            continue                                       # the blank verso holds no text
        key = int(page.obj.StructParents)
        assert key not in seen
        seen.add(key)
        for element in tree[key]:
            assert element.Pg.objgen == page.obj.objgen
        for annotation in page.obj.get("/Annots", []):
            link = tree[int(annotation.StructParent)]
            assert link.S == "/Link" and link.Pg.objgen == page.obj.objgen
    for element in root.K[0].K:
        assert element.P.objgen == root.K[0].objgen        # every part's tree hangs from one Document
    # ...and the Document holds every element that names a page: none is left out of the tree
    reachable, stack = set(), [root.K[0]]
    while stack:
        node = stack.pop()
        reachable.add(node.objgen)
        kids = node.get("/K")
        for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") != "/OBJR":
                stack.append(kid)
    for elements in tree.values():
        for element in (elements if isinstance(elements, pikepdf.Array) else [elements]):
            assert element.objgen in reachable


def test_the_heads_and_folios_are_artifacts_over_the_text_in_the_tagged_copy(two_parts):
    first, second, furniture = two_parts
    book = pikepdf.open(io.BytesIO(join([first, BLANK, second], "screen", furniture, 0).data))
    for page in book.pages:
        content = b"".join(stream.read_bytes() for stream in
                           (page.obj.Contents if isinstance(page.obj.Contents, pikepdf.Array)
                            else [page.obj.Contents]))
        assert content.rstrip().endswith(b"/Artifact BMC q /Furniture Do Q EMC")
        assert content.startswith(b"q\n")                 # the text's graphics state is closed first


@pytest.mark.slow
def test_an_edit_to_one_chapter_lays_out_only_that_chapter_and_what_follows_from_it(tmp_path):
    book = load_book(ROOT / "manuscript" / "book.yaml")
    chapters = pdf.load_chapters(FIXTURES)
    cache = PartCache(tmp_path / "parts")
    first = pdf.typeset(book, chapters, cache=cache)
    # every chapter and back-matter section, the front matter, the heads and folios
    assert first.parts_laid_out == first.parts >= len(chapters) + 2
    again = pdf.typeset(book, chapters, cache=PartCache(tmp_path / "parts"))
    assert again.parts_laid_out == 0 and again.labels == first.labels
    edited = list(chapters)
    edited[0] = replace(edited[0], body=edited[0].body.replace("</p>", " One more sentence.</p>", 1))
    after = pdf.typeset(book, edited, cache=PartCache(tmp_path / "parts"))
    # the chapter itself; the front matter and the folios only if its page count changed
    assert 1 <= after.parts_laid_out <= 3


def test_a_killed_build_leaves_no_cache_entry_that_would_be_read(tmp_path):
    cache = PartCache(tmp_path)
    job = PartJob("x", '<html lang="en"><p>x</p></html>', *IDS)
    laid = lay_out(job)
    cache.put(laid)
    (tmp_path / f"{job.key()}.json").unlink()             # killed before the entry was complete
    assert PartCache(tmp_path).get(job) is None
    cache = PartCache(tmp_path)
    cache.get(PartJob("y", '<html lang="en"><p>y</p></html>', *IDS))
    assert cache.prune() == 1 and not list(tmp_path.iterdir())   # what this build did not use goes


@pytest.mark.parametrize("damage", ["json-truncated", "json-wrong-shape", "pdf-emptied"])
def test_a_damaged_cache_entry_is_laid_out_again_not_read(tmp_path, damage):
    """A cache entry damaged after it was written is a miss, never a traceback or a broken book."""
    cache = PartCache(tmp_path)
    job = PartJob("x", '<html lang="en"><p>x</p></html>', *IDS)
    laid = lay_out(job)
    cache.put(laid)
    meta, tagged = tmp_path / f"{job.key()}.json", tmp_path / f"{job.key()}.tagged.pdf"
    if damage == "json-truncated":
        meta.write_text(meta.read_text(encoding="utf-8")[:10], encoding="utf-8")
    elif damage == "json-wrong-shape":
        meta.write_text("[1, 2]\n", encoding="utf-8")
    else:
        tagged.write_bytes(b"")
    assert PartCache(tmp_path).get(job) is None
    cache.put(laid)                                        # the next layout writes the entry anew
    again = PartCache(tmp_path).get(job)
    assert again is not None and again.tagged == laid.tagged and again.pages == laid.pages


def test_index_spans_are_lifted_out_and_their_places_kept_as_data():
    from scripts.books.pdf.anchors import TextAnchor, lift_index_anchors
    body = ('<p>Trade with <span class="ix" id="ix-ch01-1">China</span> and '
            '<em>more <span class="ix" id="ix-ch01-2">China</span></em> &amp; co.</p>'
            '<ul><li>Central <span class="ix" id="ix-ch01-3">Asia</span></li></ul>')
    html, anchors = lift_index_anchors(body, "ch01")
    assert html == ('<p data-ixb="ch01-1">Trade with China and <em>more China</em> &amp; co.</p>'
                    '<ul><li data-ixb="ch01-2">Central Asia</li></ul>')
    assert anchors == (TextAnchor("ix-ch01-1", "ch01-1", "china", 0), TextAnchor("ix-ch01-2", "ch01-1", "china", 1),
                       TextAnchor("ix-ch01-3", "ch01-2", "asia", 0))
    assert lift_index_anchors("<p>No index here</p>", "ch01") == ("<p>No index here</p>", ())


def test_a_lifted_anchor_lands_on_the_page_of_its_own_occurrence():
    """The same words on two pages of one paragraph: the second anchor names the second page."""
    from weasyprint import HTML

    from scripts.books.pdf.anchors import lift_index_anchors, place_text_anchors
    filler = "Words that fill the page and push the rest onwards. " * 60
    body = (f'<p style="font-size: 30pt">The <span class="ix" id="ix-c-1">Silk Road</span> begins. {filler}'
            f'Here the Silk\u00adRoad <span class="ix" id="ix-c-2">Silk Road</span> ends.</p>')
    html, anchors = lift_index_anchors(body, "c")
    document = HTML(string=f"<html><body>{html}</body></html>").render()
    assert len(document.pages) > 2
    assert place_text_anchors(document, anchors) == []
    pages = {name: number for number, page in enumerate(document.pages) for name in page.anchors}
    assert pages["ix-c-1"] == 0
    assert pages["ix-c-2"] == len(document.pages) - 1


# Lays out the fixture book: `make test`, not the fast lane.
@pytest.mark.slow
def test_the_stage_is_told_each_part_laid_out_and_the_pages_so_far(tmp_path):
    book = load_book(ROOT / "manuscript" / "book.yaml")
    told = []
    layout = pdf.typeset(book, pdf.load_chapters(FIXTURES), cache=PartCache(tmp_path / "parts"),
                         on_progress=lambda done, total, pages: told.append((done, total, pages)))
    assert [done for done, _, _ in told] == list(range(1, layout.parts + 1))
    assert {total for _, total, _ in told} == {layout.parts}
    pages = [p for _, _, p in told]
    assert pages == sorted(pages) and 0 < pages[-1] <= layout.page_count


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text().split("State:")[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"                      # a zombie has ended; only its parent has not reaped it


def test_the_layout_workers_die_with_the_stage():
    """Regression: a PDF stage stopped by its time limit left its workers laying out, holding
    the build folder's lock (the next build waited for them) and a gigabyte of memory."""
    import subprocess
    import sys
    import time
    script = ("import os, time\nfrom scripts.books.pdf.parts import new_pool\n"
              "pool = new_pool(1)\nprint(pool.submit(os.getpid).result(), flush=True)\ntime.sleep(120)\n")
    stage = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    worker = int(stage.stdout.readline())
    assert _alive(worker)
    stage.kill()
    stage.wait()
    deadline = time.monotonic() + 10
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(worker)
