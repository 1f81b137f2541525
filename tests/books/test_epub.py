"""End-to-end tests of the EPUB stage on real passages (tests/fixtures/articles/).

The book is built once per session (plus a rebuild for reproducibility and a build without the
optional inputs); EPUBCheck runs once on the main build.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from lxml import etree

from scripts.core.paths import BookPaths
from tests.conftest import check_golden_text, demo_book_copy, run_stages
from scripts.books.epub import build as epub_stage
from scripts.books.epub.check import ACE, FAILING_LEVELS, epubcheck_messages

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
BOOK = ROOT / "manuscript" / "book.yaml"
NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"

# Scraped text is data: an article whose text looks like markup, and whose Markdown tries the
# constructs pandoc would turn into live HTML (a javascript: link, attributes, an image).
HOSTILE = r"""---
author:
- Raffaello Pantucci
chapter: 4
outlet: Hostile \<b\>Weekly\</b\> & Co
slug: hostile
source: "000_test.txt:1-9"
title: Scripts & \<script\>alert(1)\</script\> in titles
---

Text that looks like markup: \<script\>alert("boom")\</script\> & \< \> and a fake
\<img src=x onerror=alert(1)\> tag, plus <iframe src="https://evil.example/"></iframe> raw.

A [javascript link](javascript:alert(document.cookie)) and [a data link](data:text/html;base64,PHNjcmlwdD4=),
a [span with a handler]{onclick="alert(1)" style="color:red"} and an image
![tracker](https://evil.example/pixel.gif){onload="alert(2)"}. The text javascript:alert(3)
stays text.

## A section \<em\>heading\</em\>

::: sidebar
### Side box heading

Side box paragraph with a note.[^1]
:::

[^1]: A note with a <https://example.org/a/very/long/url/that/must/wrap/on/a/small/screen>.
"""


def _book_inputs(tmp: Path, *, optional: bool) -> dict:
    articles = tmp / "articles"
    articles.mkdir(parents=True)
    for path in sorted((FIXTURES / "epub" / "articles").glob("*.md")):
        shutil.copy(path, articles / path.name)
    (articles / "04-hostile.md").write_text(HOSTILE, encoding="utf-8")
    kwargs = {}
    if optional:
        kwargs["bibliography"] = FIXTURES / "epub" / "bibliography.html"
        kwargs["contributors"] = FIXTURES / "epub" / "contributors.json"
        kwargs["index_terms"] = ROOT / "manuscript" / "index.yaml"
    return {"articles_dir": articles, "book_path": BOOK, **kwargs}


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("epub")


@pytest.fixture(scope="session")
def result(build_dir):
    os.environ.pop("SOURCE_DATE_EPOCH", None)
    built = epub_stage.build(**_book_inputs(build_dir / "full", optional=True))
    (build_dir / "anthology.epub").write_bytes(built.epub)
    return built


@pytest.fixture(scope="session")
def epub_path(result, build_dir) -> Path:
    return build_dir / "anthology.epub"


@pytest.fixture(scope="session")
def package(result) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(result.epub)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture(scope="session")
def documents(package) -> dict[str, etree._Element]:
    return {name: etree.fromstring(data) for name, data in package.items()
            if name.endswith(".xhtml")}


def _doc(documents, name):
    return documents[f"EPUB/{name}"]


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


# ---------------------------------------------------------------- standards

@pytest.mark.slow
def test_epubcheck_reports_no_fatal_error_or_warning(epub_path):
    messages = epubcheck_messages(epub_path)
    failing = [m for m in messages if m["level"] in FAILING_LEVELS]
    assert failing == []


# CI installs Ace (.ci/run); there a missing Ace must fail, not skip.
@pytest.mark.slow
@pytest.mark.skipif(not ACE.exists() and not os.environ.get("CI"),
                    reason="DAISY Ace not installed (scripts/install_ace.sh)")
def test_ace_reports_no_violation(epub_path, build_dir):
    from scripts.books.epub.check import ace_report, ace_violations

    assert ace_violations(ace_report(epub_path, build_dir / "ace")) == []


@pytest.mark.slow
def test_two_builds_are_byte_identical(result, build_dir, monkeypatch):
    """A build a day later, from scratch (no cached fonts), gives the same bytes: nothing may
    record the time of building (zip entries, the fonts' head table, the OPF)."""
    import time

    from scripts.books import fonts as epub_fonts
    epub_fonts._subset_bytes.cache_clear()
    later = time.time() + 86_400
    monkeypatch.setattr(time, "time", lambda: later)
    again = epub_stage.build(**_book_inputs(build_dir / "again", optional=True))
    assert again.epub == result.epub


def test_zip_container_layout(result):
    with zipfile.ZipFile(io.BytesIO(result.epub)) as archive:
        infos = archive.infolist()
    assert infos[0].filename == "mimetype"
    assert infos[0].compress_type == zipfile.ZIP_STORED
    assert {i.date_time for i in infos} == {(2026, 11, 23, 0, 0, 0)}  # book.yaml's date


def test_source_date_epoch_sets_every_timestamp(build_dir, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    built = epub_stage.build(**_book_inputs(build_dir / "epoch", optional=False))
    with zipfile.ZipFile(io.BytesIO(built.epub)) as archive:
        stamps = {i.date_time for i in archive.infolist()}
        opf = archive.read("EPUB/content.opf").decode()
    assert stamps == {(2023, 11, 14, 22, 13, 20)}
    assert "<meta property=\"dcterms:modified\">2023-11-14T22:13:20Z</meta>" in opf


# ---------------------------------------------------------------- metadata

def test_package_metadata(package):
    opf = etree.fromstring(package["EPUB/content.opf"])
    meta = opf.find("opf:metadata", NS)
    assert opf.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-GB"
    assert meta.findtext("dc:language", namespaces=NS) == "en-GB"
    assert [t.text for t in meta.findall("dc:title", NS)] == [
        "Between Beijing and Moscow", "Writings on China, Central Asia and Security, 2022"]
    assert meta.findtext("dc:creator", namespaces=NS) == "Raffaello Pantucci"
    file_as = meta.find("opf:meta[@property='file-as']", NS)
    assert file_as.text == "Pantucci, Raffaello" and file_as.get("refines") == "#author"
    assert meta.findtext("dc:publisher", namespaces=NS) == "Heartland Editions"
    assert meta.findtext("dc:rights", namespaces=NS).startswith("©")
    assert meta.findtext("opf:meta[@property='dcterms:modified']", namespaces=NS) == \
        "2026-11-23T00:00:00Z"
    assert len(meta.findall("dc:subject", NS)) == 3
    sources = [s.text for s in meta.findall("dc:source", NS)]
    assert len(sources) == 4  # one per article
    assert "“Kazakhstan in Crisis: It’s About the Country, Not Big Power Politics”, first " \
           "published by RUSI, January 2022" in sources
    # {years} in book.yaml's rights and subtitle: the years the chapters are dated (2022).
    assert meta.findtext("dc:rights", namespaces=NS).startswith("© 2022 Raffaello Pantucci.")
    properties = {(m.get("property"), m.text) for m in meta.findall("opf:meta", NS)}
    for expected in [("schema:accessMode", "textual"), ("schema:accessModeSufficient", "textual"),
                     ("schema:accessibilityFeature", "tableOfContents"),
                     ("schema:accessibilityHazard", "none"),
                     ("dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.1 Level AA")]:
        assert expected in properties
    assert any(p == "schema:accessibilitySummary" and v for p, v in properties)
    assert ("schema:accessibilityFeature", "index") in properties


def test_no_index_feature_claimed_without_an_index(bare):
    with zipfile.ZipFile(io.BytesIO(bare.epub)) as archive:
        opf = archive.read("EPUB/content.opf").decode()
    assert "schema:accessibilityFeature\">index<" not in opf


# ---------------------------------------------------------------- reading order and navigation

def test_spine_order(package):
    opf = etree.fromstring(package["EPUB/content.opf"])
    spine = [i.get("idref") for i in opf.findall("opf:spine/opf:itemref", NS)]
    assert spine == ["cover", "titlepage", "copyright", "nav", "chapter-01", "chapter-02",
                     "chapter-03", "chapter-04", "about-pieces", "sources", "contributors",
                     "bibliography", "index"]


def test_nav_lists_chapters_with_their_sections_and_back_matter(documents):
    nav = _doc(documents, "nav.xhtml")
    toc = nav.find(".//x:nav[@role='doc-toc']", NS)
    assert toc.get(EPUB_TYPE) == "toc"
    top = toc.findall("x:ol/x:li", NS)
    assert [_text(li.find("x:a", NS)) for li in top] == [
        "1 Kazakhstan in Crisis: It’s About the Country, Not Big Power Politics",
        "2 China and Central Asia – UK Policy Options",
        "3 Paving the Digital Silk Road with the Shanghai Cooperation Organisation",
        "4 Scripts & <script>alert(1)</script> in titles", "About these pieces",
        "Sources and acknowledgements", "About the Author and Contributors", "Bibliography", "Index"]
    sections = [_text(a) for a in top[0].findall("x:ol/x:li/x:a", NS)]
    assert sections == ["Well-Concealed Cracks", "Pulling Out All the Stops", "Implications"]
    # The side box heading and the notes heading are not chapter sections.
    assert [_text(a) for a in top[3].findall("x:ol/x:li/x:a", NS)] == [
        "A section <em>heading</em>"]


def test_every_nav_link_resolves(documents):
    nav = _doc(documents, "nav.xhtml")
    for a in nav.iter("{http://www.w3.org/1999/xhtml}a"):
        file_name, _, fragment = a.get("href").partition("#")
        target = _doc(documents, file_name)
        if fragment:
            assert target.xpath(f"//*[@id='{fragment}']"), a.get("href")


def test_landmarks(documents):
    nav = _doc(documents, "nav.xhtml")
    landmarks = nav.find(".//x:nav[@epub:type='landmarks']", NS)
    marks = {a.get(EPUB_TYPE): a.get("href") for a in landmarks.iter(
        "{http://www.w3.org/1999/xhtml}a")}
    assert marks == {"cover": "cover.xhtml", "titlepage": "titlepage.xhtml",
                     "toc": "nav.xhtml#toc", "bodymatter": "chapter-01.xhtml",
                     "appendix": "about-pieces.xhtml", "acknowledgments": "sources.xhtml",
                     "contributors": "contributors.xhtml", "bibliography": "bibliography.xhtml",
                     "index": "index.xhtml"}


def test_every_document_has_language_and_headings_in_order(documents):
    for name, root in documents.items():
        assert root.get("lang") == "en-GB", name
        assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-GB", name
        levels = [int(h.tag[-1]) for h in root.iter() if isinstance(h.tag, str)
                  and re.fullmatch(r"\{.*\}h[1-6]", h.tag)]
        if name.endswith("cover.xhtml"):
            continue
        assert levels and levels[0] == 1, name
        assert levels.count(1) == 1, name
        for previous, level in zip(levels, levels[1:]):
            assert level <= previous + 1, (name, levels)


# ---------------------------------------------------------------- chapters

def test_chapter_head_matter(documents):
    chapter = _doc(documents, "chapter-03.xhtml")
    section = chapter.find(".//x:section[@role='doc-chapter']", NS)
    assert "chapter" in section.get(EPUB_TYPE).split()
    assert _text(section.find(".//x:h1", NS)) == \
        "Paving the Digital Silk Road with the Shanghai Cooperation Organisation"
    assert _text(section.find(".//x:p[@role='doc-subtitle']", NS)).startswith(
        "Largely disregarded or derided in the West")
    assert _text(section.find(".//x:p[@class='byline']", NS)) == \
        "By Raffaello Pantucci and Niva Yau"
    assert _text(section.find(".//x:p[@class='first-published']", NS)) == \
        "First published in RUSI Journal, 2022"
    assert section.find(".//x:p[@class='first-published']/x:cite", NS) is not None   # a title
    # The blogger's introduction left the chapter's opening (the default, `intro: back`) ...
    assert section.find(".//x:div[@class='headnote']", NS) is None
    assert "As usual have been delinquent" not in _text(chapter)
    # ... for "About these pieces", under the chapter's title, linked to it.
    about = _doc(documents, "about-pieces.xhtml").find(".//x:section[@role='doc-appendix']", NS)
    pieces = about.findall("x:section[@class='about-piece']", NS)
    assert [_text(p.find("x:h2", NS)) for p in pieces] == [
        "3. Paving the Digital Silk Road with the Shanghai Cooperation Organisation"]
    assert pieces[0].find("x:h2/x:a", NS).get("href") == "chapter-03.xhtml"
    assert _text(pieces[0]).endswith(_text(pieces[0].find("x:p", NS)))
    assert _text(pieces[0].find("x:p", NS)).startswith("As usual have been delinquent in posting here.")


def test_a_kept_introduction_is_set_apart_at_the_chapters_head(documents):
    section = _doc(documents, "chapter-01.xhtml").find(".//x:section[@role='doc-chapter']", NS)
    headnote = section.find(".//x:div[@class='headnote']", NS)
    assert headnote.get("role") == "note"
    assert _text(headnote).startswith("With this piece I finally catch up")
    body = section.find(".//x:div[@class='chapter-body']", NS)
    assert "With this piece I finally" not in _text(body)
    assert "With this piece" not in _text(_doc(documents, "about-pieces.xhtml"))


def test_sources_and_acknowledgements_list_every_piece_with_its_rights(documents):
    page = _doc(documents, "sources.xhtml")
    section = page.find(".//x:section[@role='doc-acknowledgments']", NS)
    entries = [_text(li) for li in section.findall(".//x:li", NS)]
    assert entries[0] == ("1. “Kazakhstan in Crisis: It’s About the Country, Not Big Power "
                          "Politics”. First published by RUSI, January 2022.")
    assert entries[1] == "2. “China and Central Asia – UK Policy Options”."
    # Written with a co-author and given no credit line: the rights are theirs jointly.
    assert entries[2].endswith("First published in RUSI Journal, 2022. Written with Niva Yau. "
                               "© 2022 Raffaello Pantucci and Niva Yau.")
    copyright_text = _text(_doc(documents, "copyright.xhtml"))
    assert ("Chapter 3, “Paving the Digital Silk Road with the Shanghai Cooperation Organisation”: "
            "© 2022 Raffaello Pantucci and Niva Yau.") in copyright_text
    assert "Chapter 1," not in copyright_text


def test_single_author_chapter_has_no_byline_and_no_outlet_line_without_outlet(documents):
    first = _doc(documents, "chapter-01.xhtml")
    assert first.find(".//x:p[@class='byline']", NS) is None
    assert _text(first.find(".//x:p[@class='first-published']", NS)) == \
        "First published by RUSI, January 2022"
    # A body (here an institute, `kind: report`), not a publication's title: no <cite>.
    assert first.find(".//x:p[@class='first-published']/x:cite", NS) is None
    second = _doc(documents, "chapter-02.xhtml")
    assert second.find(".//x:p[@class='first-published']", NS) is None
    assert second.find(".//x:div[@class='headnote']", NS) is None
    # Numbered paragraphs of written evidence stay an ordered list.
    assert len(second.findall(".//x:ol/x:li", NS)) == 4


def test_notes_are_linked_both_ways_with_epub_semantics(documents):
    chapter = _doc(documents, "chapter-03.xhtml")
    refs = chapter.findall(".//x:a[@role='doc-noteref']", NS)
    assert len(refs) == 4
    notes = chapter.find(".//x:section[@role='doc-endnotes']", NS)
    assert notes.get(EPUB_TYPE) == "endnotes"
    assert _text(notes.find("x:h2", NS)) == "Notes"
    # The notes come last in the chapter.
    assert list(chapter.iter("{http://www.w3.org/1999/xhtml}section"))[-1] is notes
    for n, ref in enumerate(refs, 1):
        assert ref.get(EPUB_TYPE) == "noteref"
        assert ref.get("href") == f"#note-{n}" and ref.get("id") == f"noteref-{n}"
        note = chapter.find(f".//x:li[@id='note-{n}']", NS)
        assert note.get(EPUB_TYPE) == "endnote"
        assert note.getparent().getparent() is notes
        back = note.find(".//x:a[@role='doc-backlink']", NS)
        assert back.get("href") == f"#noteref-{n}"
    assert "Afzoişi toçironi cinoī dar ʙozorhoi Duşanʙe" in _text(notes)


def test_chapter_without_notes_has_no_notes_section(documents):
    assert _doc(documents, "chapter-01.xhtml").find(".//x:section[@role='doc-endnotes']",
                                                    NS) is None


def test_sidebar_is_an_aside_labelled_by_its_heading(documents):
    chapter = _doc(documents, "chapter-04.xhtml")
    aside = chapter.find(".//x:aside", NS)
    assert aside.get("class") == "sidebar" and aside.get(EPUB_TYPE) is None
    heading = aside.find("x:h3", NS)
    assert _text(heading) == "Side box heading"
    assert aside.get("aria-labelledby") == heading.get("id")


# ---------------------------------------------------------------- scraped text is data

def test_nothing_executable_reaches_the_epub(package, documents):
    for name, root in documents.items():
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            local = etree.QName(element).localname
            assert local not in {"script", "iframe", "object", "embed", "img"} or (
                local == "img" and name.endswith("cover.xhtml")), (name, local)
            for attribute, value in element.attrib.items():
                assert not etree.QName(attribute).localname.lower().startswith("on"), name
                assert attribute != "style", name
                if etree.QName(attribute).localname in ("href", "src"):
                    assert not value.strip().lower().startswith(("javascript:", "data:")), name
    assert not any(n.endswith((".js", ".gif")) for n in package), "no scripts or remote images"


def test_hostile_text_survives_as_text(documents):
    chapter = _doc(documents, "chapter-04.xhtml")
    text = _text(chapter)
    assert "Scripts & <script>alert(1)</script> in titles" in text
    assert "<script>alert(\"boom\")</script> & < >" in text
    assert "<iframe" not in etree.tostring(chapter, encoding="unicode")
    assert "javascript link" in text and "The text javascript:alert(3) stays text" in text
    assert "span with a handler" in text
    assert "tracker" in text  # the image's alternative text stands in for it
    assert _text(chapter.find(".//x:cite[@class='outlet']", NS)) == "Hostile <b>Weekly</b> & Co"


def test_dropped_things_are_reported(result):
    dropped = {(d.what, d.detail) for d in result.dropped}
    assert ("link", "javascript:alert(document.cookie)") in dropped
    assert ("link", "data:text/html;base64,PHNjcmlwdD4=") in dropped
    assert ("image", "https://evil.example/pixel.gif") in dropped


# ---------------------------------------------------------------- typography

def test_embedded_fonts_cover_every_character_of_the_text(package, documents):
    fonts = {n: TTFont(io.BytesIO(d)) for n, d in package.items() if n.endswith(".ttf")}
    assert len(fonts) == 4
    used = set()
    for root in documents.values():
        for text in root.itertext():
            used.update(text)
    used -= set("\n\r\t")
    # The seeds' hardest characters are in the fixture text.
    assert set("ǎǔōīʙş‘’–") <= used
    for name, font in fonts.items():
        cmap = font.getBestCmap()
        missing = sorted(c for c in used if ord(c) not in cmap)
        assert missing == [], (name, missing)


def test_embedded_font_is_renamed_subset_with_licence(package):
    font = TTFont(io.BytesIO(package["EPUB/fonts/AnthologyBook-Regular.ttf"]))
    names = {r.nameID: str(r) for r in font["name"].names if r.platformID == 3}
    assert names[1] == "Anthology Book"  # not the Reserved Font Name
    assert "Charis" not in names[1] + names[4] + names[6]
    assert "Open Font License" in names[13]
    assert len(font.getGlyphOrder()) < 2000  # a subset, not the 4,000-glyph original


def test_css_leaves_the_reader_in_charge(package):
    css = package["EPUB/css/epub.css"].decode()
    body_rules = re.findall(r"(?:^|\n)\s*(?:html, )?body\s*\{([^}]*)\}", css)
    for rule in body_rules:
        assert "color" not in rule and "font-size" not in rule
    assert not re.search(r"font-size:\s*\d+(\.\d+)?px", css)
    assert not re.search(r"!important", css)
    assert '"Anthology Book", "Charis SIL"' in css and "serif" in css


def test_epub_stays_small(result):
    assert len(result.epub) < 1_000_000


def test_cover_is_a_real_image_of_the_right_shape(package):
    from PIL import Image

    image = Image.open(io.BytesIO(package["EPUB/images/cover.jpg"]))
    assert image.size == (1600, 2560)
    # A designed cover, not a flat placeholder: many distinct colours (type, rules, bands).
    assert len(image.convert("RGB").getcolors(maxcolors=1_000_000)) > 50
    cover = etree.fromstring(package["EPUB/cover.xhtml"])
    img = cover.find(".//x:img", NS)
    assert "Between Beijing and Moscow" in img.get("alt")


# ---------------------------------------------------------------- front and back matter

def test_copyright_page_names_first_publication(documents):
    page = _doc(documents, "copyright.xhtml")
    assert page.find(".//x:section", NS).get(EPUB_TYPE) == "copyright-page"
    text = _text(page)
    assert "The pieces first appeared in RUSI, RUSI Journal, Hostile <b>Weekly</b> & Co. Where and " \
           "when each first appeared is listed under Sources and acknowledgements." in text
    # The package's identifier is for reading systems; a reader is shown an ISBN or nothing.
    assert "urn:" not in text and "Identifier" not in text
    assert "23 November 2026" in text
    assert "SIL Open Font License" in text


def test_back_matter_semantics(documents):
    contributors = _doc(documents, "contributors.xhtml")
    section = contributors.find(".//x:section", NS)
    assert section.get(EPUB_TYPE) == "backmatter contributors"
    assert _text(section.find("x:h1", NS)) == "About the Author and Contributors"
    assert "Niva Yau is a Senior Researcher" in _text(section)
    bibliography = _doc(documents, "bibliography.xhtml")
    section = bibliography.find(".//x:section", NS)
    assert section.get("role") == "doc-bibliography"
    assert section.get(EPUB_TYPE) == "backmatter bibliography"
    assert len(section.findall(".//x:div[@class='csl-entry']", NS)) == 2
    # The fragment's own heading became the page heading, not a second one.
    assert [_text(h) for h in section.iter("{http://www.w3.org/1999/xhtml}h1",
                                           "{http://www.w3.org/1999/xhtml}h2")] == ["Bibliography"]


@pytest.fixture(scope="session")
def bare(build_dir):
    return epub_stage.build(**_book_inputs(build_dir / "bare", optional=False))


def test_no_back_matter_pages_without_their_inputs(bare):
    with zipfile.ZipFile(io.BytesIO(bare.epub)) as archive:
        names = set(archive.namelist())
    assert not {"EPUB/contributors.xhtml", "EPUB/bibliography.xhtml", "EPUB/index.xhtml"} & names
    # The two sections the chapters themselves fill (their introductions, their provenance).
    assert bare.back_matter == ["About these pieces", "Sources and acknowledgements"]


def test_index_links_land_on_anchors_in_the_chapters(documents):
    index = _doc(documents, "index.xhtml")
    section = index.find(".//x:section[@role='doc-index']", NS)
    assert section.get(EPUB_TYPE) == "backmatter index"
    locators = section.findall(".//x:a[@class='ix-locator']", NS)
    assert locators
    for a in locators:
        assert a.get(EPUB_TYPE) == "index-locator"
        file_name, _, anchor = a.get("href").partition("#")
        assert _doc(documents, file_name).xpath(f"//*[@id='{anchor}']"), a.get("href")
    # A real term of the seeds, located in the chapter that discusses it.
    terms = {_text(t) for t in section.findall(".//x:span[@class='ix-term']", NS)}
    assert "Shanghai Cooperation Organisation (SCO)" in terms or "SCO" in terms


def test_index_document_has_its_heading_once(documents):
    """The index fragment's heading is the page's, from scripts/books/backmatter.py; no second one."""
    index = _doc(documents, "index.xhtml")
    headings = [_text(h) for h in index.iter(*(f"{{{NS['x']}}}h{level}" for level in range(1, 7)))]
    assert headings.count("Index") == 1
    section = index.find(".//x:section[@role='doc-index']", NS)
    heading = section.find("x:h1", NS)
    assert _text(heading) == "Index" and section.get("aria-labelledby") == heading.get("id")


def test_index_marks_no_note_or_url(documents):
    chapter = _doc(documents, "chapter-03.xhtml")
    notes = chapter.find(".//x:section[@role='doc-endnotes']", NS)
    assert not notes.xpath(".//*[starts-with(@id, 'ix-')]")


def test_empty_contributors_file_gives_no_page(build_dir):
    empty = build_dir / "empty-contributors.json"
    empty.write_text('{"author": null, "contributors": []}', encoding="utf-8")
    inputs = _book_inputs(build_dir / "empty", optional=False)
    built = epub_stage.build(**inputs, contributors=empty)
    assert "About the Author" not in " ".join(built.back_matter)


# ---------------------------------------------------------------- golden chapter

def test_golden_chapter_with_notes(bare):
    """The XHTML of a real chapter with notes; UPDATE_GOLDEN=1 rewrites the golden file.
    Built without the index, so an edit to manuscript/index.yaml does not move it."""
    with zipfile.ZipFile(io.BytesIO(bare.epub)) as archive:
        actual = archive.read("EPUB/chapter-03.xhtml").decode()
    check_golden_text("epub/chapter-03.xhtml", actual)


# ---------------------------------------------------------------- user errors

def test_missing_articles_is_a_user_error(tmp_path):
    from scripts.core.errors import UserError

    (tmp_path / "articles").mkdir()
    with pytest.raises(UserError, match="no articles"):
        epub_stage.build(tmp_path / "articles", BOOK)


def test_cli_writes_epub_and_report(tmp_path, capsys):
    book = demo_book_copy(tmp_path / "book", sources=[])
    paths = BookPaths.of(book, tmp_path / "out")
    shutil.copytree(FIXTURES / "epub" / "articles", paths.articles)
    paths.articles_stamp.touch()
    shutil.copy(FIXTURES / "epub" / "bibliography.html", paths.bibliography_html)
    shutil.copy(FIXTURES / "epub" / "contributors.json", paths.contributors)
    assert run_stages(book, paths.build, "html", "epub") == 0 and paths.staged_epub.exists()
    report = json.loads((paths.reports / "epub.json").read_text())
    assert report["chapters"] == 3 and report["notes"] == 4
    assert report["characters_without_glyph"] == []
    assert "[epub" in capsys.readouterr().out


# ---------------------------------------------------------------- the sanitiser, end to end

def test_hostile_chapter_html_comes_out_clean_with_its_text_and_reported(tmp_path):
    """HTML that pandoc never writes for our articles, handed to the EPUB as chapter HTML."""
    from tests.hostile_html import DROPPED, GONE, KEPT, write_hostile_book

    built = epub_stage.build(write_hostile_book(tmp_path / "articles"), BOOK)
    epub_stage.write_report(built, tmp_path / "reports", tmp_path / "anthology.epub")
    with zipfile.ZipFile(io.BytesIO(built.epub)) as archive:
        xhtml = {n: archive.read(n).decode() for n in archive.namelist() if n.endswith(".xhtml")}
    chapter = etree.fromstring(xhtml["EPUB/chapter-01.xhtml"].encode())
    text = _text(chapter)
    for sentence in KEPT + ["A hostile title"]:
        assert sentence in text
    for name, document in xhtml.items():        # the title also reaches nav, copyright...
        for word in GONE:
            assert word not in document, (name, word)
    elements = {etree.QName(e).localname for e in chapter.iter() if isinstance(e.tag, str)}
    assert not elements & {"script", "img", "video", "iframe", "font", "blink", "marquee"}
    for element in chapter.iter():
        if isinstance(element.tag, str):
            assert not any(etree.QName(a).localname in ("style", "onclick", "onerror", "src")
                           for a in element.attrib)
    body = chapter.find(".//x:body", NS)
    assert [a.get("href") for a in body.iter(f"{{{NS['x']}}}a")] == [
        "https://example.org/ok", "mailto:editor@example.org", "#here"]
    report = json.loads((tmp_path / "reports" / "epub.json").read_text())
    assert {(d["what"], d["detail"]) for d in report["dropped"]} >= DROPPED
    assert all(d["where"] == "01-hostile.md" and "excerpt" in d for d in report["dropped"])
