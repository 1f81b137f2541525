"""The release of the demo book, built once a session from the books `make books` built,
then read back as a reader, a store and a web server would."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_stages

pytestmark = pytest.mark.slow

NAME = "between-beijing-and-moscow-2026-11-23"
SLUG = "between-beijing-and-moscow"


@dataclass
class Release:
    folder: Path
    archive: Path
    first: dict[str, bytes]            # every file of the folder, and the zip, after the first run
    second: dict[str, bytes]           # the same after a second run


def _snapshot(folder: Path, archive: Path) -> dict[str, bytes]:
    files = {p.name: p.read_bytes() for p in sorted(folder.iterdir())}
    files[archive.name] = archive.read_bytes()
    return files


@pytest.fixture(scope="session")
def release(built_book) -> Release:
    """`anthology release` twice on the demo book (the second run reuses the first's checks,
    remembered by the files' hashes, so it costs only the assembling)."""
    dist = built_book / "dist"
    folder, archive = dist / NAME, dist / f"{NAME}.zip"
    assert run_stages(ROOT / "manuscript", built_book, "release") == 0
    first = _snapshot(folder, archive)
    assert run_stages(ROOT / "manuscript", built_book, "release") == 0
    return Release(folder, archive, first, _snapshot(folder, archive))


def test_the_folder_holds_the_three_books_under_the_slug(release):
    names = set(release.first) - {release.archive.name}
    for expected in (f"{SLUG}.epub", f"{SLUG}.kepub.epub", f"{SLUG}-print.pdf", f"{SLUG}-print-cover.pdf",
                     f"{SLUG}.pdf", "SHA256SUMS", "release.json",
                     "cover.jpg", "cover-thumbnail.jpg", "index.html", "catalog.xml"):
        assert expected in names
    # The released EPUB is the built one with the print pages marked: nothing else differs.
    with zipfile.ZipFile(release.folder / f"{SLUG}.epub") as released, \
            zipfile.ZipFile(ROOT / "build" / "anthology.epub") as built:
        assert released.namelist() == built.namelist()
        for name in built.namelist():
            if not name.endswith((".xhtml", ".opf")):
                assert released.read(name) == built.read(name), name


def test_no_file_of_the_release_shows_the_years_placeholder(release):
    """The download page, the feed, the manifest and the print cover print the chapters'
    years where book.yaml says `{years}`."""
    for name in ("index.html", "catalog.xml", "release.json"):
        assert "{years}" not in (release.folder / name).read_text(encoding="utf-8"), name
    cover = subprocess.run(["pdftotext", str(release.folder / f"{SLUG}-print-cover.pdf"), "-"],
                           capture_output=True, text=True, check=True).stdout
    assert "{years}" not in cover and "2021" in cover


def test_sha256sum_checks_every_other_file(release):
    done = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=release.folder,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    checked = {line.rsplit(": ", 1)[0] for line in done.stdout.splitlines() if line.endswith(": OK")}
    assert checked == {p.name for p in release.folder.iterdir()} - {"SHA256SUMS"}


def test_the_manifest_describes_each_file_and_the_checks(release):
    manifest = json.loads((release.folder / "release.json").read_text(encoding="utf-8"))
    listed = {entry["name"]: entry for entry in manifest["files"]}
    assert set(listed) == {p.name for p in release.folder.iterdir()} - {"SHA256SUMS", "release.json"}
    for name, entry in listed.items():
        data = (release.folder / name).read_bytes()
        assert entry["size"] == len(data)
        assert entry["sha256"] == __import__("hashlib").sha256(data).hexdigest()
    # poppler counts the pages (pypdf parses every object stream of a book first: seconds).
    assert manifest["pages"]["print"] == int(_pdfinfo(release.folder / f"{SLUG}-print.pdf")["Pages"])
    assert manifest["pages"]["screen"] == int(_pdfinfo(release.folder / f"{SLUG}.pdf")["Pages"])
    checks = manifest["checks"]
    assert checks["epubcheck"]["messages"] == 0 and checks["ace"]["violations"] == 0
    assert f"{SLUG}.epub" in checks["epubcheck"]["files"] and f"{SLUG}.epub" in checks["ace"]["files"]
    assert checks["epubcheck"]["version"] and checks["ace"]["version"]


def test_two_releases_are_the_same_bytes_zip_included(release):
    assert release.first.keys() == release.second.keys()
    differ = [name for name in release.first if release.first[name] != release.second[name]]
    assert differ == []


def test_the_zip_unpacks_into_the_folder_with_fixed_times_and_modes(release, tmp_path):
    with zipfile.ZipFile(release.archive) as archive:
        infos = archive.infolist()
        names = [i.filename for i in infos]
        assert names == sorted(names) and names[0] == f"{NAME}/"
        assert {i.date_time for i in infos} == {(2026, 11, 23, 0, 0, 0)}
        assert {stat.S_IMODE(i.external_attr >> 16) for i in infos[1:]} == {0o644}
        archive.extractall(tmp_path)
    unpacked = {p.name: p.read_bytes() for p in (tmp_path / NAME).iterdir()}
    assert unpacked == {p.name: p.read_bytes() for p in release.folder.iterdir()}


def test_every_release_file_is_readable_by_others(release):
    for path in [release.archive, *release.folder.iterdir()]:
        assert stat.S_IMODE(os.stat(path).st_mode) & 0o044 == 0o044, path


# ---------------------------------------------------------------- the store cover, page and feed

def test_the_store_cover_is_the_typographic_cover_big_enough_for_the_stores(release):
    import io

    from PIL import Image

    from scripts.books.backmatter import printed_book_for
    from scripts.books.cover import cover_jpeg
    from scripts.core.paths import BookPaths
    data = (release.folder / "cover.jpg").read_bytes()
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG" and image.mode == "RGB"
        assert image.width >= 1600 and image.height >= 2560
    assert len(data) < 5_000_000
    # The cover as the books print it: `{years}` in the subtitle is the chapters' years.
    assert data == cover_jpeg(printed_book_for(BookPaths.of(ROOT / "manuscript", release.folder.parents[1])))


@pytest.fixture(scope="session")
def page_dom(release):
    """The download page as headless Chromium built it (the DOM after loading, offline)."""
    from lxml import html

    from scripts.books.epub.check import chromium_path
    done = subprocess.run([chromium_path(), "--headless", "--no-sandbox", "--disable-gpu",
                           "--dump-dom", (release.folder / "index.html").as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "<html" in done.stdout, done.stderr[-2000:]
    return html.fromstring(done.stdout)


def test_the_download_page_links_only_files_in_its_folder(release, page_dom):
    assert page_dom.xpath("//script") == []
    targets = page_dom.xpath("//a/@href | //img/@src | //link/@href")
    assert len(targets) >= 8
    for target in targets:
        assert "/" not in target and ":" not in target, f"{target} leaves the folder"
        assert (release.folder / target).is_file(), f"{target} is not in the folder"


def test_the_download_page_gives_each_files_format_use_size_and_hash(release, page_dom):
    rows = {row.xpath("string(.//a/@href)"): row for row in page_dom.xpath("//table[@class='files']/tbody/tr")}
    expected = {f"{SLUG}.epub", f"{SLUG}.kepub.epub", f"{SLUG}.pdf", f"{SLUG}-print.pdf",
                f"{SLUG}-print-cover.pdf", "cover.jpg"}
    assert expected <= set(rows)
    for name, row in rows.items():
        data = (release.folder / name).read_bytes()
        cells = [" ".join(cell.text_content().split()) for cell in row.xpath("./td")]
        fmt, purpose, size, digest = cells
        assert fmt and purpose
        assert row.xpath("string(./td[@class='size']/@data-bytes)") == str(len(data))
        assert digest == __import__("hashlib").sha256(data).hexdigest()
    purposes = " ".join(" ".join(r.xpath("./td")[1].text_content().split()) for r in rows.values())
    for reader in ("Kindle", "Kobo", "Apple Books", "print", "screen"):
        assert reader in purposes
    text = page_dom.text_content()
    assert "Raffaello Pantucci. All rights reserved" in text and "Between Beijing and Moscow" in text


ATOM = "{http://www.w3.org/2005/Atom}"
ACQUISITION = "http://opds-spec.org/acquisition"


def test_the_opds_feed_is_an_acquisition_feed_whose_links_all_resolve(release):
    from lxml import etree
    feed = etree.parse(str(release.folder / "catalog.xml")).getroot()
    assert feed.tag == f"{ATOM}feed"
    for element in (feed, *feed.iter(f"{ATOM}entry")):
        for required in ("id", "title", "updated"):
            assert (element.findtext(f"{ATOM}{required}") or "").strip(), required
    self_link = feed.find(f"{ATOM}link[@rel='self']")
    assert self_link.get("type") == "application/atom+xml;profile=opds-catalog;kind=acquisition"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    media = {".epub": "application/epub+zip", ".kepub.epub": "application/kepub+zip",
             ".pdf": "application/pdf", ".jpg": "image/jpeg", ".xml": self_link.get("type"),
             ".html": "text/html"}
    links = list(feed.iter(f"{ATOM}link"))
    for link in links:
        href = link.get("href")
        assert (release.folder / href).is_file(), href
        ending = ".kepub.epub" if href.endswith(".kepub.epub") else Path(href).suffix
        assert link.get("type") == media[ending], href
    entry_links = {link.get("rel"): link for link in entries[0].iter(f"{ATOM}link")}
    acquired = {link.get("href") for link in entries[0].iter(f"{ATOM}link") if link.get("rel") == ACQUISITION}
    assert acquired == {f"{SLUG}.epub", f"{SLUG}.kepub.epub", f"{SLUG}.pdf"}
    for link in entries[0].iter(f"{ATOM}link"):
        if link.get("rel") == ACQUISITION:
            assert int(link.get("length")) == (release.folder / link.get("href")).stat().st_size
    image = release.folder / entry_links["http://opds-spec.org/image"].get("href")
    thumbnail = release.folder / entry_links["http://opds-spec.org/image/thumbnail"].get("href")
    assert thumbnail.stat().st_size < image.stat().st_size
    assert entries[0].findtext(f"{ATOM}id") == "urn:uuid:5b0c3c1e-4f5d-4c7a-9a53-2f6f0c1d8e21"


# ---------------------------------------------------------------- the print cover

def _pdfinfo(pdf: Path) -> dict[str, str]:
    text = subprocess.run(["pdfinfo", "-box", str(pdf)], capture_output=True, text=True, check=True).stdout
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in text.splitlines())}


def test_the_print_cover_is_back_spine_and_front_with_the_printers_bleed(release):
    from pypdf import PdfReader

    from scripts.core.book import load_book
    interior = _pdfinfo(release.folder / f"{SLUG}-print.pdf")
    pages = int(interior["Pages"])
    x0, y0, x1, y1 = map(float, interior["TrimBox"].split())
    trim_w, trim_h = x1 - x0, y1 - y0
    spine = pages * 0.002252 * 72                       # the demo book is on white paper (the default)
    reader = PdfReader(release.folder / f"{SLUG}-print-cover.pdf")
    assert len(reader.pages) == 1 and reader.outline == []          # a printer's file: no bookmarks
    page = reader.pages[0]
    bleed = load_book(ROOT / "manuscript" / "book.yaml").printer.cover_bleed     # KDP's: 0.125 in
    assert float(page.trimbox.width) == pytest.approx(2 * trim_w + spine, abs=0.01)
    assert float(page.trimbox.height) == pytest.approx(trim_h, abs=0.01)
    assert float(page.mediabox.width) == pytest.approx(2 * trim_w + spine + 2 * bleed, abs=0.01)
    assert float(page.mediabox.height) == pytest.approx(trim_h + 2 * bleed, abs=0.01)
    assert [float(v) for v in page.bleedbox] == pytest.approx([float(v) for v in page.mediabox], abs=0.01)
    manifest = json.loads((release.folder / "release.json").read_text(encoding="utf-8"))
    assert manifest["print_cover"]["pages"] == pages == manifest["pages"]["print"]


def test_the_print_cover_spine_carries_title_and_author_and_the_barcode_area_is_free(release):
    from PIL import Image

    from scripts.core.book import load_book
    pdf = release.folder / f"{SLUG}-print-cover.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Between Beijing and Moscow · Raffaello Pantucci" in text
    dpi = 50
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(pdf), str(release.folder.parent / "cover-sheet")],
                   check=True)
    sheet = release.folder.parent / "cover-sheet.png"
    with Image.open(sheet) as image:
        image = image.convert("RGB")
        trim_w = float(_pdfinfo(release.folder / f"{SLUG}-print.pdf")["TrimBox"].split()[2])
        bleed_px = load_book(ROOT / "manuscript" / "book.yaml").printer.cover_bleed / 72 * dpi
        # 2 x 1.2 in by the spine fold, 0.25 in up from the bottom trim (a pixel inside each edge).
        right = bleed_px + (trim_w / 72 - 0.25) * dpi
        bottom = image.height - bleed_px - 0.25 * dpi
        box = (int(right - 2 * dpi) + 1, int(bottom - 1.2 * dpi) + 1, int(right) - 1, int(bottom) - 1)
        colours = image.crop(box).getcolors(maxcolors=10_000)
    sheet.unlink()
    assert len(colours) == 1, "something is printed in the barcode area"


# ---------------------------------------------------------------- the Kobo edition

def test_the_kobo_edition_is_the_epub_with_a_span_round_each_sentence(release):
    import re

    from lxml import etree
    manifest = json.loads((release.folder / "release.json").read_text(encoding="utf-8"))
    assert manifest["checks"]["epubcheck"]["files"][f"{SLUG}.kepub.epub"] == []     # zero messages
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    with zipfile.ZipFile(release.folder / f"{SLUG}.epub") as epub, \
            zipfile.ZipFile(release.folder / f"{SLUG}.kepub.epub") as kobo:
        assert kobo.namelist() == epub.namelist() and kobo.namelist()[0] == "mimetype"
        spans = 0
        for name in epub.namelist():
            if not name.endswith(".xhtml"):
                assert kobo.read(name) == epub.read(name), name
                continue
            before, after = etree.fromstring(epub.read(name)), etree.fromstring(kobo.read(name))
            assert "".join(after.itertext()) == "".join(before.itertext()), name
            if name.endswith("nav.xhtml"):
                assert kobo.read(name) == epub.read(name)
                continue
            ids = after.xpath("//h:span[@class='koboSpan']/@id", namespaces=ns)
            assert len(ids) == len(set(ids)) and all(re.fullmatch(r"kobo\.\d+\.\d+", i) for i in ids), name
            spans += len(ids)
            # No reading text is left outside a span: only a span's own text is not blank.
            body = after.find("h:body", ns)
            for element in body.iter():
                is_span = element.get("class") == "koboSpan"
                assert is_span or not (element.text or "").strip(), (name, element.text[:60])
                assert element is body or not (element.tail or "").strip(), (name, element.tail[:60])
    assert spans > 2000                 # the demo book's sentences, far more than its paragraphs


# ---------------------------------------------------------------- the page-list

XHTML_NS = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


def _letters(text: str) -> str:
    import unicodedata
    return "".join(c for c in unicodedata.normalize("NFKC", text).casefold() if c.isalpha())


def test_each_page_break_marker_stands_where_its_print_page_begins(release):
    """Read back independently: the EPUB's text after each marker, against the text poppler
    finds on the print page with that folio."""
    import re

    from lxml import etree
    with zipfile.ZipFile(release.folder / f"{SLUG}.epub") as epub:
        opf = etree.fromstring(epub.read("EPUB/content.opf"))
        opf_ns = "{http://www.idpf.org/2007/opf}"
        items = {i.get("id"): i.get("href") for i in opf.iter(f"{opf_ns}item")}
        spine = [items[r.get("idref")] for r in opf.iter(f"{opf_ns}itemref")]
        assert [m.text for m in opf.iter(f"{opf_ns}meta") if m.get("property") == "pageBreakSource"] \
            == ["Between Beijing and Moscow, print edition, Heartland Editions, 2026-11-23"]
        stream, ids = [], {}
        for href in spine:
            root = etree.fromstring(epub.read(f"EPUB/{href}"))
            ids[href] = {e.get("id") for e in root.iter() if e.get("id")}
            for element in root.iter(f"{XHTML_NS}span"):
                if element.get(EPUB_TYPE) == "pagebreak":
                    assert element.get("role") == "doc-pagebreak" and element.get("aria-label")
                    element.text = f"\ue000{element.get('aria-label')}\ue001"
            stream.append("".join(root.find(f"{XHTML_NS}body").itertext()))
        nav = etree.fromstring(epub.read("EPUB/nav.xhtml"))
    text = "".join(stream)
    markers = [(m.group(1), _letters(text[m.end():m.end() + 400])) for m in re.finditer("\ue000(.*?)\ue001", text)]
    page_list = next(n for n in nav.iter(f"{XHTML_NS}nav") if n.get(EPUB_TYPE) == "page-list")
    listed = [(a.text, a.get("href")) for a in page_list.iter(f"{XHTML_NS}a")]
    assert [label for label, _ in listed] == [label for label, _ in markers]
    for label, href in listed:
        document, _, anchor = href.partition("#")
        assert anchor in ids[document], href
    pdf = release.folder / f"{SLUG}-print.pdf"
    pages = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    from pypdf import PdfReader
    labels = PdfReader(pdf).page_labels
    by_label = dict(zip(labels, pages))
    openings = 0
    for label, following in markers:
        lines = [line for line in by_label[label].splitlines() if line.strip()]
        starts = [_letters(re.sub("[\u2010\u00ad]\n", "", "\n".join(lines[skip:]))) for skip in (0, 1)]
        # The page starts with the marker's word, or inside it (a word broken over the page).
        first_word = re.match(r"\W*(\w+)", text[text.index(f"\ue000{label}\ue001") + len(label) + 2:])
        room = len(_letters(first_word.group(1))) if first_word else 0
        if any(0 <= following.find(start[:40]) <= room for start in starts if len(start) >= 40):
            continue
        # Or the page opens a chapter whose head the books set differently: the marker then
        # stands before all of that document's text, and the page's text is in its head.
        document = next(d for d in stream if f"\ue000{label}\ue001" in d)
        assert not _letters(document[:document.index(f"\ue000{label}\ue001")]), \
            f"page {label}: the EPUB goes on {following[:40]!r}, the page begins {starts[0][:40]!r}"
        head = _letters(document)[:700]
        assert any(starts[0][k:k + 40] in head for k in range(0, min(len(starts[0]), 300), 10)), label
        openings += 1
    assert openings <= 3                   # the demo book: chapter 14's opening, the index's first page
    manifest = json.loads((release.folder / "release.json").read_text(encoding="utf-8"))
    assert manifest["page_list"]["marked"] == len(markers)
    with_text = [label for label, page in zip(labels, pages) if len(_letters(page)) >= 60]
    assert len(markers) >= 0.9 * len(with_text)        # all but a few pages (the contents ...)
