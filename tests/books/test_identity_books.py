"""What book.yaml's identity settings (isbn, series, contributors, subject codes, cover) do to the
two books: the EPUB's package metadata and its title, copyright and cover pages, and the print
edition's front matter.  The book is a test book (the demo book has no ISBN and needs none):
the demo's book.yaml with the settings added, built from the EPUB fixture articles."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree, html as lxml_html
from PIL import Image

from scripts.books.epub import build as epub_stage
from scripts.books.epub.check import epubcheck_messages
from scripts.books.pdf import build as pdf
from scripts.core.book import load_book

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
NS = {"x": "http://www.w3.org/1999/xhtml", "opf": "http://www.idpf.org/2007/opf",
      "dc": "http://purl.org/dc/elements/1.1/"}
IDENTITY = """
isbn:
  epub: 978-0-306-40615-7
  print: "0-8044-2957-X"
series: {name: Heartland Papers, number: 2}
contributors:
  - {name: Ann Editor, role: editor, file_as: "Editor, Ann"}
  - {name: Cy Designer, role: cov}
cover: art/front.png
"""
SUBJECTS = """subjects:
  - "Asia, Central — Politics and government"
  - {name: "International relations", bisac: POL011000, thema: JPS}
"""


def identity_book(folder: Path) -> Path:
    """The demo book.yaml with every identity setting, its subjects given codes, and artwork."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (ROOT / "manuscript" / "book.yaml").read_text(encoding="utf-8")
    head, _, rest = text.partition("subjects:\n")
    rest = rest[rest.index("# Archive files"):]                # the demo's subject list goes
    (folder / "book.yaml").write_text(head + SUBJECTS + rest + IDENTITY, encoding="utf-8")
    (folder / "art").mkdir(exist_ok=True)
    art = Image.new("RGB", (1600, 2400), (120, 40, 40))
    art.paste((230, 200, 120), (300, 900, 1500, 1800))
    art.save(folder / "art" / "front.png")
    return folder / "book.yaml"


def build_epub(tmp: Path, book_yaml: Path) -> bytes:
    articles = tmp / "articles"
    articles.mkdir(parents=True)
    for path in sorted((FIXTURES / "epub" / "articles").glob("*.md")):
        shutil.copy(path, articles / path.name)
    return epub_stage.build(articles, book_yaml).epub


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("identity")
    book_yaml = identity_book(tmp / "book")
    epub = build_epub(tmp / "identity", book_yaml)
    (tmp / "identity.epub").write_bytes(epub)
    plain = build_epub(tmp / "plain", ROOT / "manuscript" / "book.yaml")
    return {"path": tmp / "identity.epub", "epub": files(epub), "plain": files(plain),
            "book": load_book(book_yaml)}


def files(epub: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(epub)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def text_of(data: bytes) -> str:
    return " ".join("".join(etree.fromstring(data).itertext()).split())


@pytest.mark.slow                  # builds a whole book: `make test`, not the fast lane
def test_the_isbn_is_a_second_identifier_and_the_stable_one_stays_the_packages(built):
    opf = etree.fromstring(built["epub"]["EPUB/content.opf"])
    identifiers = {e.get("id"): e.text for e in opf.iterfind(".//dc:identifier", NS)}
    assert identifiers == {"id": "urn:uuid:5b0c3c1e-4f5d-4c7a-9a53-2f6f0c1d8e21",
                           "isbn": "urn:isbn:9780306406157"}
    assert opf.get("unique-identifier") == "id"
    typed = opf.find(".//opf:meta[@refines='#isbn'][@property='identifier-type']", NS)
    assert (typed.get("scheme"), typed.text) == ("onix:codelist5", "15")


@pytest.mark.slow                  # builds a whole book: `make test`, not the fast lane
def test_the_series_is_a_collection_with_its_position(built):
    opf = etree.fromstring(built["epub"]["EPUB/content.opf"])
    collection = opf.find(".//opf:meta[@property='belongs-to-collection']", NS)
    assert collection.text == "Heartland Papers"
    refined = refinements(opf, collection)
    assert refined == {"collection-type": "series", "group-position": "2"}
    calibre = {m.get("name"): m.get("content") for m in opf.iterfind(".//opf:meta[@name]", NS)}
    assert calibre["calibre:series"] == "Heartland Papers" and calibre["calibre:series_index"] == "2"


def refinements(opf, element) -> dict:
    """The OPF's metadata refining `element`: property -> value."""
    return {m.get("property"): m.text for m in opf.iterfind(f".//opf:meta[@refines='#{element.get('id')}']", NS)}


@pytest.mark.slow                  # builds a whole book: `make test`, not the fast lane
def test_contributors_carry_their_marc_roles_and_the_co_authors_are_listed(built):
    opf = etree.fromstring(built["epub"]["EPUB/content.opf"])
    people = []
    for element in opf.iterfind(".//dc:contributor", NS):
        refined = refinements(opf, element)
        people.append((element.text, refined.get("role"), refined.get("file-as")))
    # Niva Yau wrote chapter 3 with the author (its front matter): a contributor, automatically.
    assert people == [("Ann Editor", "edt", "Editor, Ann"), ("Cy Designer", "cov", None),
                      ("Niva Yau", "ctb", None)]
    plain = etree.fromstring(built["plain"]["EPUB/content.opf"])
    assert [e.text for e in plain.iterfind(".//dc:contributor", NS)] == ["Niva Yau"]


@pytest.mark.slow                  # builds a whole book: `make test`, not the fast lane
def test_subjects_carry_their_authority_and_term(built):
    opf = etree.fromstring(built["epub"]["EPUB/content.opf"])
    subjects = []
    for element in opf.iterfind(".//dc:subject", NS):
        refined = refinements(opf, element)
        subjects.append((element.text, refined.get("authority"), refined.get("term")))
    assert subjects == [("Asia, Central — Politics and government", None, None),
                        ("International relations", "BISAC", "POL011000"),
                        ("International relations", "THEMA", "JPS")]


@pytest.mark.slow                  # builds a whole book: `make test`, not the fast lane
def test_the_title_page_names_the_series_and_the_editor(built):
    title = etree.fromstring(built["epub"]["EPUB/titlepage.xhtml"])
    series = title.find(".//x:p[@class='book-series']", NS)
    assert " ".join("".join(series.itertext()).split()) == "Heartland Papers Volume 2"
    assert [p.text for p in title.iterfind(".//x:p[@class='book-credit']", NS)] == ["Edited by Ann Editor"]
    assert "book-series" not in built["plain"]["EPUB/titlepage.xhtml"].decode()


@pytest.mark.slow                  # builds a whole book: `make test`, not the fast lane
def test_the_copyright_page_prints_the_epubs_isbn_and_never_a_uuid(built):
    page = text_of(built["epub"]["EPUB/copyright.xhtml"])
    assert "ISBN 978-0-306-40615-7 (EPUB)" in page and "Cover design by Cy Designer." in page
    assert "978-0-8044-2957-3" not in page             # the print edition's is the printed book's
    plain = text_of(built["plain"]["EPUB/copyright.xhtml"])
    assert "urn:" not in page and "urn:" not in plain
    assert "ISBN" not in plain and "Identifier" not in plain


@pytest.mark.slow                  # builds a whole book: `make test`, not the fast lane
def test_the_cover_is_the_editors_artwork(built):
    image = Image.open(io.BytesIO(built["epub"]["EPUB/images/cover.jpg"]))
    assert (image.format, image.size) == ("JPEG", (1600, 2400))
    # The artwork's light panel, not the typographic cover's dark ground, is at its centre.
    assert min(image.convert("RGB").getpixel((800, 1200))) > 100
    plain = Image.open(io.BytesIO(built["plain"]["EPUB/images/cover.jpg"]))
    assert plain.size == (1600, 2560)


@pytest.mark.slow                  # builds a whole book: `make test`, not the fast lane
def test_large_artwork_is_scaled_down_for_the_epub_and_the_store(tmp_path):
    from scripts.books.cover import cover_jpeg, print_front
    book_yaml = identity_book(tmp_path)
    Image.new("RGB", (3000, 4500), (10, 80, 10)).save(tmp_path / "art" / "front.png")
    book = load_book(book_yaml)
    assert Image.open(io.BytesIO(cover_jpeg(book))).size == (1707, 2560)
    front, media_type = print_front(book, b"")
    assert media_type == "image/png" and Image.open(io.BytesIO(front)).size == (3000, 4500)


@pytest.mark.slow                  # builds a whole book: `make test`, not the fast lane
def test_the_print_front_matter_has_the_series_credits_and_the_print_isbn(built):
    root = lxml_html.document_fromstring(pdf.render_book_html(
        built["book"], pdf.load_chapters(FIXTURES / "articles"), contributors=[], bibliography="",
        index_html=""))

    def text(xpath):
        return [" ".join(e.text_content().split()) for e in root.xpath(xpath)]

    assert text("//section[@class='half-title']/p[@class='book-series']") == ["Heartland Papers Volume 2"]
    assert text("//section[@class='title-page']/p[@class='book-credit']") == ["Edited by Ann Editor"]
    copyright = text("//section[@class='copyright-page']/p")
    assert "ISBN 978-0-8044-2957-3 (paperback)" in copyright and "Cover design by Cy Designer." in copyright
    assert not any("urn:" in line or "978-0-306-40615-7" in line for line in copyright)
    assert text("//p[@class='cataloguing']") == [
        "1. Asia, Central — Politics and government 2. International relations"]


def test_the_demo_books_print_copyright_page_prints_no_identifier():
    root = lxml_html.document_fromstring(pdf.render_book_html(
        load_book(ROOT / "manuscript" / "book.yaml"), pdf.load_chapters(FIXTURES / "articles"),
        contributors=[], bibliography="", index_html=""))
    copyright = " ".join(root.xpath("//section[@class='copyright-page']")[0].text_content().split())
    assert "urn:" not in copyright and "ISBN" not in copyright


@pytest.mark.slow
def test_epubcheck_finds_nothing_in_the_identity_book(built):
    assert epubcheck_messages(built["path"]) == []


@pytest.mark.parametrize("title, subtitle", [
    ("Between Beijing and Moscow, Volume 2", "Writings on China, Central Asia and Security, 2022"),
    ("The Collected Columns and Essays of a Long Career, Volume 12",
     "Writings on China, Central Asia, Russia, the Gulf and Security in Every Season, 2014–2016"),
])
def test_a_long_title_is_set_smaller_rather_than_run_into_the_sun(title, subtitle):
    """A volume's title ("…, Volume 2") and its years make the type longer: the typographic
    cover sets it smaller, so no letter lies on the sun's disc (its ochre, below the type)."""
    from dataclasses import replace as with_
    from scripts.books.cover import OCHRE, PAPER, WIDTH, draw_cover
    image = draw_cover(with_(load_book(ROOT / "manuscript" / "book.yaml"), title=title, subtitle=subtitle))
    pixels = image.load()
    text_rows = [y for y in range(image.height) if any(pixels[x, y] == PAPER for x in range(0, WIDTH, 3))]
    centre = [pixels[WIDTH // 2, y] == OCHRE for y in range(image.height)]
    # the disc: the first run of 100 ochre rows down the middle (the author's rule is a few rows)
    disc_top = next(y for y in range(image.height) if all(centre[y:y + 100]))
    assert max(text_rows) < disc_top


def test_a_volumes_copyright_page_prints_its_own_isbn_not_the_books(tmp_path):
    """book.yaml `volumes: isbn:` gives a volume its own ISBNs (docs/volumes.md): its print
    copyright page names its paperback ISBN, never the whole book's."""
    from scripts.books import volumes
    path = tmp_path / "book.yaml"
    path.write_text((ROOT / "manuscript" / "book.yaml").read_text(encoding="utf-8")
                    + "isbn:\n  print: 978-0-8044-2957-3\n"
                    + "volumes:\n  by: year\n  isbn:\n    2: {print: 978-0-306-40615-7}\n", encoding="utf-8")
    book = load_book(path)
    chapters = pdf.load_chapters(FIXTURES / "articles")
    second = volumes.volume_book(book, 2, chapters)
    root = lxml_html.document_fromstring(pdf.render_book_html(second, chapters, contributors=[],
                                                              bibliography="", index_html=""))
    copyright = " ".join(root.xpath("//section[@class='copyright-page']")[0].text_content().split())
    assert "ISBN 978-0-306-40615-7 (paperback)" in copyright and "978-0-8044-2957-3" not in copyright
