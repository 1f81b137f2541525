"""A long book printed as volumes (book.yaml `volumes:`, scripts/books/volumes.py).

The fast tests check the key, how chapters are grouped, and that a book without the key is
built exactly as before (Make's list of what `make` builds).  The slow ones build the demo
book with volumes by year (two: 2021 and 2022) and read each volume back: its contents and
index with the page numbers of its own pages, a bibliography of only what it cites, its
EPUB clean for EPUBCheck; then the same chapters cut by a page cap."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from scripts.books import volumes
from scripts.core.book import load_book
from scripts.core.errors import UserError
from scripts.core.paths import BookPaths
from tests.conftest import ROOT, demo_book_copy, run_stages

DEMO_YAML = (ROOT / "manuscript" / "book.yaml").read_text(encoding="utf-8")


def book_with(tmp_path: Path, volumes_yaml: str, extra: str = "") -> Path:
    path = tmp_path / "book.yaml"
    path.write_text(DEMO_YAML + extra + "volumes:\n" + volumes_yaml, encoding="utf-8")
    return path


# ---------------------------------------------------------------- the key

@pytest.mark.parametrize("written, expected", [
    ("  by: year\n", volumes.Volumes("year")),
    ("  by: year\n  years: 3\n  epub: per-volume\n", volumes.Volumes("year", years=3, epub="per-volume")),
    ("  by: pages\n  pages: 600\n", volumes.Volumes("pages", pages=600)),
    ("  by: category\n  epub: one\n", volumes.Volumes("category")),
])
def test_volumes_key_is_read(tmp_path, written, expected):
    assert load_book(book_with(tmp_path, written)).volumes == expected


def test_without_the_key_the_book_is_one_book():
    assert load_book(ROOT / "manuscript" / "book.yaml").volumes is None


@pytest.mark.parametrize("written, extra, message", [
    ("  by: yaer\n", "", "unknown 'volumes: by' 'yaer'"),
    ("  by: categories\n", "", "did you mean 'category'?"),
    ("  by: year\n  yeras: 2\n", "", "unknown key 'yeras' in 'volumes'"),
    ("  by: pages\n", "", "needs the most pages a volume may have"),
    ("  by: pages\n  pages: 900\n", "", "more than Amazon KDP Print prints in one book (828 pages)"),
    ("  by: pages\n  pages: 10\n", "", "at least 24 pages"),
    ("  by: pages\n  pages: six hundred\n", "", "must be a whole number"),
    ("  by: year\n  pages: 300\n", "", "'volumes: pages' goes with 'by: pages'"),
    ("  by: year\n  epub: each\n", "", "unknown 'volumes: epub' 'each'"),
    ("", "", "required key 'by' is missing from 'volumes'"),
    ("  year\n", "", "'volumes' must be a mapping"),
    ("  by: year\n  isbn:\n    two: {print: 9780306406157}\n", "", "names volume 'two'"),
    ("  by: year\n  isbn:\n    1: {print: 9780306406157}\n    2: {print: 9780306406157}\n", "",
     "volume 2's print ISBN 9780306406157 is also volume 1's print ISBN"),
    ("  by: year\n  isbn:\n    1: {print: 9780306406158}\n", "", "check digit"),
])
def test_a_bad_volumes_value_is_one_error_with_its_line(tmp_path, written, extra, message):
    path = book_with(tmp_path, written, extra)
    with pytest.raises(UserError) as raised:
        load_book(path)
    text = str(raised.value)
    assert message in text
    line = next(n for n, l in enumerate(path.read_text().splitlines(), 1) if l.startswith("volumes:"))
    assert re.match(rf"{re.escape(str(path))}:(\d+):", text)
    assert line <= int(re.match(rf"{re.escape(str(path))}:(\d+):", text)[1]) <= line + 4   # (the line of the value at fault)


def test_a_bad_value_stops_the_stage_with_one_line(tmp_path, capsys):
    from scripts.cli import main
    book = demo_book_copy(tmp_path / "book", sources=[], book_yaml=DEMO_YAML + "volumes:\n  by: yaer\n")
    assert main(["volumes", "--book", str(book), "--build", str(tmp_path / "build")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {book / 'book.yaml'}:") and "did you mean 'year'?" in err
    assert "Traceback" not in err


# ---------------------------------------------------------------- the cut

@dataclass
class Piece:
    number: int
    date: str

    @property
    def id(self) -> str:
        return f"ch{self.number:02d}"


def test_by_year_one_volume_a_year_undated_chapters_stay_with_the_one_before():
    pieces = [Piece(1, ""), Piece(2, "2014-03"), Piece(3, "2014"), Piece(4, ""), Piece(5, "2015-01-02"),
              Piece(6, "2017-05"), Piece(7, "")]
    groups = volumes.by_year(pieces)
    assert [[p.number for p in g] for g in groups] == [[1, 2, 3, 4], [5], [6, 7]]
    # three years a volume, counted from the first year: 2014-2016, 2017-2019
    assert [[p.number for p in g] for g in volumes.by_year(pieces, 3)] == [[1, 2, 3, 4, 5], [6, 7]]


def test_by_year_keeps_book_order_inside_a_volume():
    pieces = [Piece(1, "2015"), Piece(2, "2014"), Piece(3, "2015")]
    assert [[p.number for p in g] for g in volumes.by_year(pieces)] == [[2], [1, 3]]


def test_fit_by_pages_fills_a_volume_and_always_takes_one_chapter():
    spans = [10, 20, 30, 40]
    assert volumes.fit_by_pages(spans, 0, 8, 60) == 2          # 8 + 10 + 20 = 38; + 30 = 68 > 60
    assert volumes.fit_by_pages(spans, 2, 8, 60) == 3
    assert volumes.fit_by_pages(spans, 3, 30, 60) == 4          # over, but a volume has a chapter


def test_a_volume_is_titled_and_identified_as_its_own_book(tmp_path):
    book = load_book(book_with(tmp_path, "  by: year\n"))
    pieces = [Piece(1, "2014-01"), Piece(2, "2016")]
    second = volumes.volume_book(book, 2, pieces)
    assert second.title == f"{book.title}, Volume 2"
    # the demo's subtitle prints {years} itself: filled with the volume's years when printed
    assert second.subtitle == book.subtitle and "{years}" in book.subtitle
    assert second.identifier.startswith("urn:uuid:") and second.identifier != book.identifier
    assert second.identifier == volumes.volume_book(book, 2, pieces).identifier     # stable
    assert volumes.volume_book(book, 3, pieces).identifier != second.identifier
    plain = volumes.volume_book(replace(book, subtitle=""), 2, pieces)
    assert plain.subtitle == "2014–2016"


def test_a_volume_of_a_book_with_its_own_artwork_carries_its_number_on_the_front(tmp_path):
    """One artwork serves the set: each volume's front gets a band with its number and years,
    the whole book's front stays the artwork as it is."""
    from PIL import Image, ImageChops

    from scripts.books.cover import INK, artwork
    (tmp_path / "art").mkdir()
    Image.new("RGB", (1600, 2400), (200, 180, 150)).save(tmp_path / "art" / "front.png")
    book = load_book(book_with(tmp_path, "  by: year\n", extra="cover: art/front.png\n"))
    pieces = [Piece(1, "2014-01"), Piece(2, "2016")]
    second, third = volumes.volume_book(book, 2, pieces), volumes.volume_book(book, 3, pieces[1:])
    assert (second.volume_label, third.volume_label, book.volume_label) == (
        "Volume 2 · 2014–2016", "Volume 3 · 2016", "")
    whole, front = artwork(book), artwork(second)
    assert ImageChops.difference(whole, Image.open(tmp_path / "art" / "front.png").convert("RGB")).getbbox() is None
    changed = ImageChops.difference(whole, front).getbbox()
    assert changed is not None and changed[1] >= 2400 * 0.92          # only the foot
    assert front.getpixel((20, 2390)) == INK
    # the label is printed in light capitals: the two volumes' bands differ
    assert ImageChops.difference(front, artwork(third)).getbbox() is not None


def test_each_volume_has_the_isbns_book_yaml_gives_it_and_never_the_book_s(tmp_path):
    path = book_with(tmp_path, "  by: year\n  isbn:\n    2: {print: 978-1-86197-271-2, epub: 9780000000019}\n",
                     extra="isbn:\n  print: 9780000000026\n")
    book = load_book(path)
    pieces = [Piece(1, "2014-01"), Piece(2, "2016")]
    second, first = volumes.volume_book(book, 2, pieces), volumes.volume_book(book, 1, pieces)
    assert (second.isbn.print.printed, second.isbn.epub.digits) == ("978-1-86197-271-2", "9780000000019")
    assert first.isbn.print is None and first.isbn.epub is None        # none given: none printed
    # the whole book's own ISBN is not a volume's, and not given to one twice
    with pytest.raises(UserError, match="is also the whole book's 'isbn'"):
        load_book(book_with(tmp_path, "  by: year\n  isbn:\n    1: {print: 9780000000026}\n",
                            extra="isbn:\n  print: 9780000000026\n"))


# ---------------------------------------------------------------- Make

def test_make_builds_volumes_only_for_a_book_that_asks_for_them(tmp_path):
    from scripts.makerules import rules
    plain = demo_book_copy(tmp_path / "plain", sources=[])
    text = rules(BookPaths.of(plain, tmp_path / "b1"), tmp_path / "b1" / ".make" / "rules.mk")
    outputs = next(l for l in text.splitlines() if l.startswith("BOOK_OUTPUTS :="))
    assert "volumes.json" not in outputs
    assert "\nvolumes: " in text                 # `make volumes` still says what is wrong
    cut = demo_book_copy(tmp_path / "cut", sources=[], book_yaml=DEMO_YAML + "volumes:\n  by: year\n")
    text = rules(BookPaths.of(cut, tmp_path / "b2"), tmp_path / "b2" / ".make" / "rules.mk")
    outputs = next(l for l in text.splitlines() if l.startswith("BOOK_OUTPUTS :="))
    assert (tmp_path / "b2" / "volumes" / "volumes.json").as_posix() in outputs
    rule = text[text.index("# print a long book as volumes"):].split("\n\n")[0]
    for needed in ("build/staging/anthology.pdf", "build/bibliography-citations.json",
                   "templates/print/front.html", "templates/epub/titlepage.xhtml.j2",
                   "scripts/books/pdf/build.py", "scripts/books/epub/build.py"):
        assert needed.replace("build/", "b2/") in rule or needed in rule, needed


def test_the_stage_without_volumes_writes_only_its_manifest(tmp_path):
    book = demo_book_copy(tmp_path / "book", sources=[])
    build = tmp_path / "build"
    assert run_stages(book, build, "volumes") == 0
    assert json.loads((build / "volumes" / "volumes.json").read_text())["volumes"] == []
    assert sorted(p.name for p in build.rglob("*") if p.is_file() and p.name != ".lock") == ["volumes.json"]


# ---------------------------------------------------------------- whole books (slow)

def _build_stages(paths: BookPaths) -> list[str]:
    from scripts.stages import BUILD_STAGES
    return [stage.name for stage in BUILD_STAGES if stage.wanted(paths)]


@pytest.fixture(scope="module")
def by_year(tmp_path_factory):
    """The demo book (its sources, index, bibliography, dedupe decisions) with volumes by year
    and an EPUB for each, built as `make` builds it: the whole book, then its volumes."""
    folder = tmp_path_factory.mktemp("volumes")
    book = demo_book_copy(folder / "book", editor_files=("dedupe.yaml", "index.yaml", "chapters.yaml",
                                                         "bibliography.yaml"),
                          book_yaml=DEMO_YAML + "volumes:\n  by: year\n  epub: per-volume\n")
    paths = BookPaths.of(book, folder / "build")
    stages = _build_stages(paths)
    assert "volumes" in stages
    assert run_stages(book, paths.build, *stages) == 0
    return paths


def _manifest(paths: BookPaths) -> dict:
    return json.loads(paths.volumes_manifest.read_text(encoding="utf-8"))


def _report(paths: BookPaths, number: int) -> dict:
    return json.loads((paths.volume(number).reports / "volume.json").read_text(encoding="utf-8"))


def _whole_chapters(paths: BookPaths) -> list:
    from scripts.content.chapters import load_chapters
    return load_chapters(paths.articles)


def _pages(pdf: Path) -> dict[str, str]:
    """Each page's text by its printed label (i, ii ... 1, 2 ...), spaces made single."""
    from pypdf import PdfReader
    reader = PdfReader(str(pdf))
    return {reader.page_labels[n]: " ".join((page.extract_text() or "").split())
            for n, page in enumerate(reader.pages)}


def _words(text: str) -> str:
    """Text as compared: hyphenation and line ends taken out, quotes made plain, lower case."""
    text = text.replace("\u00ad", "").replace("’", "'").replace("‘", "'")
    return re.sub(r"(\w)- (\w)", r"\1\2", text).lower()


@pytest.mark.slow
def test_one_volume_a_year_with_the_chapters_of_that_year_in_book_order(by_year):
    whole = _whole_chapters(by_year)
    manifest = _manifest(by_year)
    assert manifest["by"] == "year" and len(manifest["volumes"]) == 2
    first, second = manifest["volumes"]
    assert [v["number"] for v in manifest["volumes"]] == [1, 2]
    # chronological book order: the volumes together are the book, each a run of it
    assert first["chapters"] + second["chapters"] == [c.slug for c in whole]
    dated = {c.slug: c.date[:4] for c in whole if c.date}
    assert {dated[s] for s in first["chapters"] if s in dated} == {"2021"}
    assert {dated[s] for s in second["chapters"] if s in dated} == {"2022"}
    book = load_book(by_year.book_yaml)
    assert first["title"] == f"{book.title}, Volume 1" and first["subtitle"].endswith("2021")
    assert second["subtitle"].endswith("2022") and first["identifier"] != second["identifier"] != book.identifier
    for volume in manifest["volumes"]:
        folder = by_year.volume(volume["number"])
        for name in ("anthology.pdf", "anthology-screen.pdf", "anthology.epub", "bibliography.html"):
            assert (folder.build / name).is_file(), name
        assert volume["print_pages"] % 2 == 0 and volume["print_pages"] <= 828


@pytest.mark.slow
def test_each_volume_has_its_own_contents_with_its_own_page_numbers(by_year):
    whole = {c.slug: c for c in _whole_chapters(by_year)}
    manifest = _manifest(by_year)
    for volume in manifest["volumes"]:
        report = _report(by_year, volume["number"])
        pages = _pages(by_year.volume(volume["number"]).screen_pdf)
        assert list(pages)[:2] == ["i", "ii"] and "1" in pages
        contents = _words(" ".join(text for label, text in pages.items()
                                   if not label.isdigit() and "contents" in text.lower()))
        assert report["chapters"][0]["page"] == "1"
        others = [s for v in manifest["volumes"] if v is not volume for s in v["chapters"]]
        for chapter in report["chapters"]:
            title = _words(whole[chapter["slug"]].title_text)
            opening = " ".join(title.split()[:4])
            assert opening in contents, (volume["number"], opening)
            # the page the contents give opens the chapter: its number, then its title
            assert _words(pages[chapter["page"]]).startswith(f"{chapter['number']} {opening}"), chapter
        for slug in others:
            words = _words(whole[slug].title_text).split()
            assert len(words) < 4 or " ".join(words[:6]) not in contents, slug
        body = [label for label in pages if label.isdigit()]
        assert int(body[-1]) == len(body) == report["pages"] - report["front_matter_pages"]


@pytest.mark.slow
def test_each_volume_indexes_only_its_own_pages(by_year):
    whole_index = {e["term"]: e for e in json.loads((by_year.reports / "pdf.json").read_text())["index"]}
    manifest = _manifest(by_year)
    found = missed = 0
    terms_by_volume = []
    for volume in manifest["volumes"]:
        report = _report(by_year, volume["number"])
        pages = {label: _words(text) for label, text in _pages(by_year.volume(volume["number"]).screen_pdf).items()}
        last_body = max(int(label) for label in pages if label.isdigit())
        index_start = min(int(label) for label, text in pages.items() if label.isdigit()
                          and text.startswith("index page numbers"))
        terms = {entry["term"] for entry in report["index"]}
        terms_by_volume.append(terms)
        assert terms and terms <= set(whole_index)
        for entry in report["index"]:
            variants = [_words(v) for v in whole_index[entry["term"]]["variants"]]
            for locator in entry["locators"]:
                first, _, last = locator.partition("–")
                assert 1 <= int(first) <= int(last or first) < index_start <= last_body, (entry["term"], locator)
                span = " ".join(pages[str(n)] for n in range(int(first), int(last or first) + 1))
                if any(v in span for v in variants):
                    found += 1
                else:
                    missed += 1
    # The words are where the index says (a few variants break across a line or a page
    # in ways the extracted text does not join back).
    assert found and missed <= found // 50, (found, missed)
    # a term of one volume's chapters only is not in the other's index
    assert terms_by_volume[0] != terms_by_volume[1]
    assert terms_by_volume[0] | terms_by_volume[1] <= set(whole_index)


@pytest.mark.slow
def test_each_volume_lists_only_the_works_its_chapters_cite(by_year):
    cited = json.loads(by_year.bibliography_citations.read_text(encoding="utf-8"))
    whole = set(re.findall(r'id="ref-([^"]+)"', by_year.bibliography_html.read_text(encoding="utf-8")))
    listed = []
    for volume in _manifest(by_year)["volumes"]:
        html = by_year.volume(volume["number"]).bibliography_html.read_text(encoding="utf-8")
        ids = set(re.findall(r'id="ref-([^"]+)"', html))
        slugs = set(volume["chapters"])
        assert ids == {work for work, places in cited.items() if any(p["slug"] in slugs for p in places)} & whole
        listed.append(ids)
        pages = _pages(by_year.volume(volume["number"]).screen_pdf)
        assert any(text.startswith("Bibliography") for text in pages.values()) == bool(ids)
    assert listed[0] | listed[1] == whole
    assert not listed[0] or listed[0] != whole


@pytest.mark.slow
def test_each_volume_s_epub_is_its_own_book_and_epubcheck_clean(by_year):
    import zipfile
    from scripts.books.epub.check import FAILING_LEVELS, epubcheck_messages
    for volume in _manifest(by_year)["volumes"]:
        epub = by_year.volume(volume["number"]).epub
        failing = [m for m in epubcheck_messages(epub) if m["level"] in FAILING_LEVELS]
        assert failing == [], failing
        with zipfile.ZipFile(epub) as archive:
            opf = archive.read(next(n for n in archive.namelist() if n.endswith(".opf"))).decode()
            chapters = [n for n in archive.namelist() if re.fullmatch(r"EPUB/chapter-\d+\.xhtml", n)]
        assert f">{volume['title']}<" in opf and volume["identifier"] in opf
        assert len(chapters) == len(volume["chapters"])


@pytest.mark.slow
def test_volumes_lay_out_no_chapter_again_and_a_rebuild_lays_out_nothing(by_year):
    reports = [_report(by_year, v["number"]) for v in _manifest(by_year)["volumes"]]
    for report in reports:
        # front matter, the heads and folios, the back matter: never a chapter (the pdf stage's)
        assert report["parts_laid_out"] <= report["parts"] - len(report["chapters"])
    assert run_stages(by_year.book, by_year.build, "volumes") == 0
    assert all(_report(by_year, v["number"])["parts_laid_out"] == 0 for v in _manifest(by_year)["volumes"])


@pytest.mark.slow
def test_volumes_by_pages_stay_under_the_cap_and_a_chapter_too_long_is_an_error(by_year, tmp_path):
    # the same book and build, cut by a cap of 60 pages (the stage alone: its inputs are built)
    yaml_text = DEMO_YAML + "volumes:\n  by: pages\n  pages: 60\n"
    by_year.book_yaml.write_text(yaml_text, encoding="utf-8")
    try:
        assert run_stages(by_year.book, by_year.build, "volumes") == 0
        manifest = _manifest(by_year)
        assert manifest["by"] == "pages" and len(manifest["volumes"]) >= 3
        assert all(v["print_pages"] <= 60 for v in manifest["volumes"])
        assert [s for v in manifest["volumes"] for s in v["chapters"]] == \
            [c.slug for c in _whole_chapters(by_year)]
        from pypdf import PdfReader
        for volume in manifest["volumes"]:
            assert len(PdfReader(str(by_year.volume(volume["number"]).print_pdf)).pages) == volume["print_pages"]
        # no folder is left from the cut by year that had fewer volumes... or more
        folders = sorted(p.name for p in by_year.volumes.iterdir() if p.is_dir())
        assert folders == [f"{v['number']:02d}" for v in manifest["volumes"]]
        # the tenth chapter alone is more than 24 pages
        by_year.book_yaml.write_text(DEMO_YAML + "volumes:\n  by: pages\n  pages: 24\n", encoding="utf-8")
        from scripts.core.errors import UserError
        with pytest.raises(UserError, match=r"makes a volume of \d+ pages, more than book.yaml's "
                                            r"'volumes: pages: 24'"):
            volumes.run(by_year)
    finally:
        by_year.book_yaml.write_text(DEMO_YAML + "volumes:\n  by: year\n  epub: per-volume\n", encoding="utf-8")


@pytest.mark.slow
def test_an_edit_to_one_volume_s_chapter_lays_out_nothing_of_the_other_volume(by_year):
    """chapters.yaml gives a chapter of volume 1 a credit line: volume 1's front and back
    matter change, volume 2 is read whole from its cache."""
    # (the cut by pages above left the volumes' caches holding its volumes: back to the years')
    assert run_stages(by_year.book, by_year.build, "volumes") == 0
    decisions = by_year.chapter_decisions
    text = decisions.read_text(encoding="utf-8")
    entry = "  ties-that-bind-kazakhstan-china-are:\n    date: 2021-12\n"
    assert entry in text
    decisions.write_text(text.replace(entry, entry + "    credit: Reprinted by kind permission.\n"),
                         encoding="utf-8")
    assert run_stages(by_year.book, by_year.build, *_build_stages(by_year)) == 0
    first, second = (_report(by_year, v["number"]) for v in _manifest(by_year)["volumes"])
    assert "ties-that-bind-kazakhstan-china-are" in [c["slug"] for c in first["chapters"]]
    assert first["parts_laid_out"] > 0 and second["parts_laid_out"] == 0


def test_by_category_one_volume_a_category_in_the_order_they_first_come():
    pieces = [Piece(n, "") for n in range(1, 7)]
    for piece, slug in zip(pieces, "abcdef"):
        piece.slug = slug
    categories = {"b": ["Essays", "Analysis"], "c": ["Analysis"], "d": ["Essays"], "f": ["Reviews"]}
    groups = volumes.by_category(pieces, categories)
    # a: none, with the next that has one (Essays); e: none, with the one before (Essays)
    assert [(name, [p.slug for p in group]) for name, group in groups] == \
        [("Essays", ["a", "b", "d", "e"]), ("Analysis", ["c"]), ("Reviews", ["f"])]


CATEGORIES = ("Essays", "Analysis", "Reviews")


@pytest.fixture(scope="module")
def by_category(tmp_path_factory):
    """A small WordPress blog (the synthetic export, 15 posts) whose posts are filed under three
    categories in turn, the second post of each three under two: cut by category."""
    from scripts.dev.synth import read_corpus
    from scripts.dev.synth_wxr import write_export
    folder = tmp_path_factory.mktemp("categories")
    book = folder / "book"
    write_export(15, 3, read_corpus(sorted((ROOT / "manuscript" / "sources").glob("*.txt"))), book)
    export = book / "sources" / "export.xml"
    text, number = export.read_text(encoding="utf-8"), iter(range(10_000))

    def filed(match: re.Match) -> str:
        n = next(number)
        first = CATEGORIES[n % 3]
        second = f'<category domain="category" nicename="more"><![CDATA[{CATEGORIES[(n + 1) % 3]}]]></category>' \
            if n % 3 == 1 else ""
        return f'<category domain="category" nicename="{first.lower()}"><![CDATA[{first}]]></category>{second}'
    text = re.sub(r'<category domain="category" nicename="analysis"><!\[CDATA\[Analysis\]\]></category>', filed, text)
    export.write_text(text, encoding="utf-8")
    with (book / "book.yaml").open("a", encoding="utf-8") as out:
        out.write("volumes:\n  by: category\n  epub: per-volume\n")
    paths = BookPaths.of(book, folder / "build")
    assert run_stages(book, paths.build, *[s for s in _build_stages(paths) if s != "reports"]) == 0
    return paths


@pytest.mark.slow
def test_by_category_gives_a_volume_for_each_category_named_by_it(by_category):
    extra = json.loads(by_category.split_extra.read_text(encoding="utf-8"))["categories"]
    chapters = _whole_chapters(by_category)
    manifest = _manifest(by_category)
    assert manifest["by"] == "category"
    first_of = {c.slug: extra[c.slug][0] for c in chapters}
    order = list(dict.fromkeys(first_of[c.slug] for c in chapters))
    assert sorted(order) == sorted(CATEGORIES)
    assert [v["subtitle"] for v in manifest["volumes"]] == order
    for volume, name in zip(manifest["volumes"], order):
        assert volume["chapters"] == [c.slug for c in chapters if first_of[c.slug] == name]
        assert volume["title"].endswith(f", Volume {volume['number']}")
        pages = _pages(by_category.volume(volume["number"]).screen_pdf)
        assert name in pages["iii"]                  # the title page names the category
    from scripts.books.epub.check import FAILING_LEVELS, epubcheck_messages
    epub = by_category.volume(1).epub
    assert [m for m in epubcheck_messages(epub) if m["level"] in FAILING_LEVELS] == []


def test_by_category_without_categories_says_where_they_come_from(tmp_path):
    # the demo book's text scrapes give no categories
    book = demo_book_copy(tmp_path / "book", book_yaml=DEMO_YAML + "volumes:\n  by: category\n")
    paths = BookPaths.of(book, tmp_path / "build")
    assert run_stages(book, paths.build, "split", "normalise", "dedupe", "notes", "articles", "html") == 0
    setter = volumes.Typesetter(paths, load_book(paths.book_yaml), _whole_chapters(paths), None, None)
    with pytest.raises(UserError, match="no chapter has a category"):
        setter.categories()


@pytest.mark.slow
def test_check_print_preflights_every_volume_and_names_the_one_that_fails(by_year, tmp_path, capsys):
    """`make check-print` of a book in volumes checks each volume's print master against the
    printer's profile too (a volume is a book sent to the printer); one that fails fails the
    check, named with its page."""
    import shutil
    import pikepdf
    book, build = by_year.book, tmp_path / "build"
    shutil.copytree(by_year.build, build)
    assert run_stages(book, build, "check-print") == 0
    report = json.loads((build / "reports" / "preflight.json").read_text(encoding="utf-8"))
    assert [v["number"] for v in report["volumes"]] == [v["number"] for v in _manifest(by_year)["volumes"]]
    assert all(v["failures"] == [] and v["pages"] > 0 for v in report["volumes"])
    # The second volume's first page made a size the printer does not print.
    second = BookPaths.of(book, build).volume(2).print_pdf
    with pikepdf.open(second, allow_overwriting_input=True) as damaged:
        damaged.pages[0].obj.MediaBox = pikepdf.Array([0, 0, 500, 500])
        damaged.save(second)
    capsys.readouterr()
    assert run_stages(book, build, "check-print") != 0
    err = capsys.readouterr().err
    assert str(second) in err and str(BookPaths.of(book, build).print_pdf) + ":" not in err


def _released_copy(built: BookPaths, where: Path) -> tuple[Path, Path]:
    """A copy of the built book in volumes, its book and build folders, made a book of its own
    for `release` (which refuses the demo's identifier outside the demo book)."""
    import shutil
    book, build = where / "book", where / "build"
    shutil.copytree(built.book, book)
    shutil.copytree(built.build, build)
    text = (book / "book.yaml").read_text(encoding="utf-8")
    (book / "book.yaml").write_text(re.sub(r"(?m)^identifier:.*$", 'identifier: "urn:uuid:8d0f3c3e-8a1f-4e55-9a51-0c4cbd5d7a10"',
                                           text), encoding="utf-8")
    return book, build


@pytest.mark.slow
def test_the_release_ships_each_volume_with_its_covers_checked_and_listed(by_year, tmp_path):
    """`make release` of a book in volumes: beside the whole book, each volume's EPUB (judged by
    EPUBCheck and Ace with the book's), screen and print PDFs, store cover and print cover,
    whose spine is as wide as that volume's pages make it; all in SHA256SUMS, on the download
    page and in the manifest."""
    import subprocess
    from scripts.release.printcover import spine_width
    book, build = _released_copy(by_year, tmp_path)
    assert run_stages(book, build, "release") == 0
    (folder,) = [p for p in (build / "dist").iterdir() if p.is_dir()]
    release = json.loads((folder / "release.json").read_text(encoding="utf-8"))
    slug = folder.name.rsplit("-", 3)[0]
    made = _manifest(by_year)["volumes"]
    assert [v["number"] for v in release["volumes"]] == [v["number"] for v in made] and len(made) >= 2
    names = {f["name"] for f in release["files"]}
    sums = (folder / "SHA256SUMS").read_text(encoding="utf-8")
    page = (folder / "index.html").read_text(encoding="utf-8")
    for volume, listed in zip(release["volumes"], made):
        n = volume["number"]
        files = {f"{slug}-volume-{n}.epub", f"{slug}-volume-{n}.pdf", f"{slug}-volume-{n}-print.pdf",
                 f"{slug}-volume-{n}-print-cover.pdf", f"cover-volume-{n}.jpg"}
        assert files <= names, files - names
        assert all(f in sums and f'href="{f}"' in page for f in files)
        assert volume["title"] == listed["title"] and volume["pages"]["print"] == listed["print_pages"]
        assert volume["print_cover"]["spine"] == pytest.approx(
            spine_width(volume["pages"]["print"], load_book(book / "book.yaml").paper), abs=0.01)
        assert (folder / f"{slug}-volume-{n}.epub").read_bytes()[:2] == b"PK"
    assert len(release["checks"]["epubcheck"]["files"]) == 2 + len(made)      # the book, its Kobo edition, each volume
    assert release["checks"]["epubcheck"]["messages"] == 0 and release["checks"]["ace"]["violations"] == 0
    subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=folder, check=True)


@pytest.mark.slow
def test_a_whole_book_longer_than_the_printer_binds_is_printed_as_its_volumes(by_year, tmp_path, monkeypatch):
    """A 1,000-post blog in volumes has a whole book of thousands of pages, more than any
    paperback: the check passes it on length (each volume is checked on its own), and the
    release ships the volumes' print files, not a whole-book print master nobody can bind."""
    from dataclasses import replace as with_
    from scripts.core import printing
    book, build = _released_copy(by_year, tmp_path)
    longest_volume = max(v["print_pages"] for v in _manifest(by_year)["volumes"])
    real = printing.load_profile
    # a printer that binds the longest volume and not the whole book
    monkeypatch.setattr(printing, "load_profile", lambda key: with_(real(key), maximum_pages=longest_volume))
    assert run_stages(book, build, "check-print") == 0
    preflight = json.loads((build / "reports" / "preflight.json").read_text(encoding="utf-8"))
    assert preflight["pages"] > longest_volume and preflight["page_maximum"].startswith("not applied")
    assert run_stages(book, build, "release") == 0
    (folder,) = [p for p in (build / "dist").iterdir() if p.is_dir()]
    release = json.loads((folder / "release.json").read_text(encoding="utf-8"))
    names = {f["name"] for f in release["files"]}
    slug = folder.name.rsplit("-", 3)[0]
    assert f"{slug}-print.pdf" not in names and f"{slug}-print-cover.pdf" not in names
    assert {f"{slug}.pdf", f"{slug}.epub", f"{slug}-volume-1-print.pdf", f"{slug}-volume-2-print-cover.pdf"} <= names
    assert release["whole_book_in_print"].startswith("left out") and release["print_cover"] is None
