"""End-to-end checks of the real books built from the seeds with `make books`.

The book is built once per test session (the same command a user runs), then
read back the way a reader or a printer would: text pulled out of the PDF with
poppler, pages by their printed labels.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from functools import lru_cache

import pytest
from pypdf import PdfReader

from tests.conftest import ROOT

# Left out of `make check` (the fast lane): these build and judge the whole demo book.
pytestmark = pytest.mark.slow

BUILD = ROOT / "build"
poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")


def fold(text: str) -> str:
    """Compare as the index matcher does: case, dashes and apostrophes folded."""
    return re.sub(r"[‐‑–—-]", "-", text.replace("’", "'")).casefold()


@lru_cache(maxsize=None)
def page_lines(pdf: str, number: int, layout: bool = True) -> tuple[str, ...]:
    # -layout keeps line ends as printed (plain mode silently drops a hyphen at a line
    # end); two-column pages (the index) read column by column without it.
    mode = ["-layout"] if layout else []
    text = subprocess.run(["pdftotext", *mode, "-f", str(number), "-l", str(number), pdf, "-"],
                          capture_output=True, text=True, check=True).stdout
    return tuple(line for line in text.splitlines() if line.strip())


def join_lines(lines) -> str:
    """Lines as running text: WeasyPrint's automatic hyphen (U+2010) at a line end goes,
    a hyphen that belongs to the word (Gorno-Badakhshan) stays."""
    text = "\n".join(lines)
    return re.sub(r"\s+", " ", re.sub(r"‐\n\s*", "", re.sub(r"-\n\s*", "-", text)))


def page_text(pdf: str, number: int, layout: bool = True) -> str:
    return join_lines(page_lines(pdf, number, layout))


def shows(pdf: str, number: int, variants: list[str]) -> bool:
    """Whether a variant starts on this page; a phrase may run over onto the next page
    (past this page's folio and the next page's running head)."""
    here = page_lines(pdf, number)
    text = fold(join_lines(here))
    if any(fold(v) in text for v in variants):
        return True
    body = here[:-1]                                   # the folio is the page's last line
    following = page_lines(pdf, number + 1)[1:]        # the running head is the first
    joined = fold(join_lines(body + following))
    start_limit = len(fold(join_lines(body)))
    return any(0 <= joined.find(fold(v)) < start_limit for v in variants)


def expand(locator: str) -> list[int]:
    if "–" in locator:
        first, last = locator.split("–")
        return list(range(int(first), int(last) + 1))
    return [int(locator)]


def all_entries(index: list[dict]):
    for entry in index:
        yield entry
        yield from entry["subentries"]


@poppler
def test_every_index_locator_names_a_page_that_shows_the_headword(built_book):
    report = json.loads((built_book / "reports" / "pdf.json").read_text(encoding="utf-8"))
    pdf = str(built_book / "anthology-screen.pdf")
    labels = PdfReader(pdf).page_labels
    physical = {label: n for n, label in enumerate(labels, 1) if label.isdigit()}
    checked = 0
    for entry in all_entries(report["index"]):
        pages = [page for locator in entry["locators"] if locator[0].isdigit() for page in expand(locator)]
        assert len(pages) == len(set(pages)), f"{entry['term']}: a page is listed twice: {entry['locators']}"
        assert pages == sorted(pages), f"{entry['term']}: locators out of order"
        singles = [int(l) for l in entry["locators"] if "–" not in l]
        runs = [a for a, b, c in zip(singles, singles[1:], singles[2:]) if b == a + 1 and c == a + 2]
        assert not runs, f"{entry['term']}: three consecutive pages not merged into a range"
        for page in pages:
            assert shows(pdf, physical[str(page)], entry["variants"]), \
                f"index: {entry['term']} → page {page}, but that page shows none of {entry['variants']}"
            checked += 1
    assert checked > 1000          # the seeds give well over a thousand locators


@poppler
def test_the_printed_index_is_the_one_the_report_describes(built_book):
    report = json.loads((built_book / "reports" / "pdf.json").read_text(encoding="utf-8"))
    pdf = str(built_book / "anthology-screen.pdf")
    reader = PdfReader(pdf)
    start = next(reader.get_destination_page_number(item) + 1 for item in reader.outline
                 if not isinstance(item, list) and item.title == "Index")
    printed = " ".join(page_text(pdf, n, layout=False) for n in range(start, len(reader.pages) + 1))
    missing = [e["term"] for e in report["index"] if e["locators"] and
               f"{e['term']}, {', '.join(e['locators'])}" not in printed]
    # An entry that breaks across a column or a page is interrupted by the folio; a few may.
    assert len(missing) <= 2 * (len(reader.pages) - start + 1), missing
    assert "Xinjiang" in printed and "Shanghai Cooperation Organisation" in printed


@poppler
def test_the_index_heading_prints_once_on_its_first_page(built_book):
    pdf = str(built_book / "anthology-screen.pdf")
    reader = PdfReader(pdf)
    starts = [reader.get_destination_page_number(item) + 1 for item in reader.outline
              if not isinstance(item, list) and item.title == "Index"]
    assert len(starts) == 1, "the outline lists the index more than once"
    first_page = [line.strip() for line in page_lines(pdf, starts[0], layout=False)]
    assert first_page.count("Index") == 1


# ---------------------------------------------------------------- the real EPUB

XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


@pytest.fixture(scope="session")
def epub_documents(built_book):
    import zipfile

    from lxml import etree
    with zipfile.ZipFile(built_book / "anthology.epub") as archive:
        return {name: etree.fromstring(archive.read(name)) for name in archive.namelist()
                if name.endswith(".xhtml")}


def test_real_epub_passes_epubcheck_with_zero_messages(built_book):
    # Through the release's memory of verdicts (by the file's hash and EPUBCheck's version),
    # so the release test does not check the same bytes a second time.
    from scripts.release.checks import epubcheck
    messages = epubcheck(built_book / "anthology.epub", built_book / "reports" / "checks")
    assert [m for m in messages if m["level"] in ("FATAL", "ERROR", "WARNING")] == []


# Ace runs on the demo book's EPUB in tests/release/test_release.py: the release checks the
# EPUB it ships (this one with the print edition's page-break markers) and refuses to build
# on any violation, so a second Ace run here (half a minute) would check the same text again.


def test_every_note_reference_resolves_and_every_note_links_back(epub_documents):
    counted = 0
    for name, root in epub_documents.items():
        ids = {element.get("id"): element for element in root.iter() if element.get("id")}
        refs = [a for a in root.iter(f"{XHTML}a") if a.get(EPUB_TYPE) == "noteref"]
        notes = [li for li in root.iter(f"{XHTML}li") if li.get(EPUB_TYPE) in ("endnote", "footnote")]
        assert len(refs) == len(notes), name
        for ref in refs:
            note = ids[ref.get("href").lstrip("#")]
            assert note.get(EPUB_TYPE) in ("endnote", "footnote") and ref.get("role") == "doc-noteref"
            backs = [a.get("href") for a in note.iter(f"{XHTML}a") if a.get("role") == "doc-backlink"]
            assert backs == [f"#{ref.get('id')}"], (name, ref.get("href"))
            counted += 1
    assert counted == 146          # every note of the seeds, each referenced once


def test_real_epub_fonts_cover_every_character(built_book, epub_documents):
    import io
    import zipfile

    from fontTools.ttLib import TTFont
    used = {c for root in epub_documents.values() for text in root.itertext() for c in text} - set("\n\r\t ")
    assert set("ǎǐǔʙşД") & used                 # the seeds' hard characters are really there
    with zipfile.ZipFile(built_book / "anthology.epub") as archive:
        fonts = [TTFont(io.BytesIO(archive.read(n))) for n in archive.namelist() if n.endswith(".ttf")]
    regular = fonts[0].getBestCmap()
    assert sorted(c for c in used if ord(c) not in regular) == []


def test_back_matter_holds_author_contributors_bibliography_and_index(epub_documents):
    types = {root.find(f".//{XHTML}section").get(EPUB_TYPE, "") for root in epub_documents.values()
             if root.find(f".//{XHTML}section") is not None}
    assert any("contributors" in t for t in types) and any("bibliography" in t for t in types)
    assert any("index" in t for t in types)


@pytest.mark.parametrize("edited, rebuilt", [
    # Both books read the back matter's people (the rule used to forget it).
    ("scripts/books/contributors.py", {"epub", "pdf", "publish", "reports"}),
    ("templates/epub/chapter.xhtml.j2", {"epub", "publish", "reports"}),
    ("styles/print.css", {"pdf", "publish", "reports"}),
    # The html stage marks the index's words in the chapters, once for the report and both books.
    ("manuscript/index.yaml", {"html", "index", "epub", "pdf", "publish", "reports"}),
    ("manuscript/dedupe.yaml", {"dedupe", "notes", "articles", "html", "bibliography", "index", "epub", "pdf", "publish", "reports"}),
    ("scripts/text/notes.py", {"notes", "articles", "html", "bibliography", "index", "epub", "pdf", "publish", "reports"}),
    ("scripts/index/candidates.py", set()),            # a helper no book stage uses
])
def test_an_edit_rebuilds_exactly_what_depends_on_it(built_book, edited, rebuilt):
    """What Make would rebuild if FILE changed (-W pretends it did) is exactly the stages
    whose inputs, templates or code reach it.  Touch mode (-t), not a dry run: Make 4.3's
    dry run does not follow a grouped target's outputs on to the next stage, and touching
    outputs whose inputs did not really change leaves the build as correct as it was."""
    from scripts.core.paths import BookPaths
    from scripts.stages import STAGES

    paths = BookPaths.of()
    stage_of = {path.resolve(): s.name for s in STAGES for path in s.outputs(paths)}
    result = subprocess.run(["make", "-t", "-W", edited, "books"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    touched = re.findall(r"^touch (\S+)$", result.stdout, re.M)
    assert {stage_of[(ROOT / path).resolve()] for path in touched} == rebuilt, touched


@poppler
def test_no_printed_line_breaks_a_name_an_acronym_a_number_or_an_address(built_book):
    """A break the book made (U+2010 at a line end) is never inside a capitalised word,
    a URL or a number, and leaves three letters on each side."""
    text = subprocess.run(["pdftotext", str(built_book / "anthology.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    # A word broken at a page's foot continues overleaf: pdftotext puts the folio between.
    breaks = [(a, b) for a, b in re.findall(r"(\S+)\u2010\n\s*(\S+)", text) if not b.isdigit()]
    assert breaks, "the book hyphenates nothing: the check would pass vacuously"
    wrong = []
    for a, b in breaks:
        rest = re.match(r"[^\W\d_]*", b).group(0)          # a note number may follow the word
        if (re.search(r"[A-Z\d/@]", a) or len(re.search(r"[^\W\d_]*$", a).group(0)) < 3
                or len(rest) < 3 or re.search(r"[\d/@]", b[:len(rest) + 1].rstrip(".,;:”’)"))):
            wrong.append(f"{a}‐{b}")
    assert not wrong, f"{len(wrong)} bad breaks: {wrong[:10]}"
