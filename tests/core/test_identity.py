"""book.yaml's identity settings (scripts/core/identity.py): ISBNs with their check digits,
the series, contributors with MARC roles, subjects with BISAC and Thema codes, and the editor's
own cover artwork; every mistake names the file, the line, and what to write."""

from __future__ import annotations

import pytest
from PIL import Image

from scripts.core.book import load_book
from tests.conftest import ROOT
from scripts.core.errors import UserError
from scripts.core.identity import (Contributor, Isbn, Series, Subject, credit_lines,
                                   isbn10_check_digit, isbn13_check_digit)

BOOK = "title: A\nauthor: B\ndate: 2026-11-23\n"          # lines 1-3; the setting starts on line 4


def load(tmp_path, extra: str):
    path = tmp_path / "book.yaml"
    path.write_text(BOOK + extra, encoding="utf-8")
    return load_book(path)


def mistake(tmp_path, extra: str) -> UserError:
    with pytest.raises(UserError) as raised:
        load(tmp_path, extra)
    error = raised.value
    assert error.hint and error.line is not None
    assert str(error).startswith(f"{tmp_path / 'book.yaml'}:{error.line}: ")
    return error


# ---------------------------------------------------------------- ISBN

def test_check_digits_are_those_of_published_isbns():
    # 978-0-306-40615-7 and its ISBN-10 0-306-40615-2; 0-8044-2957-X ends in X (ten).
    assert isbn13_check_digit("978030640615") == "7"
    assert isbn10_check_digit("030640615") == "2"
    assert isbn10_check_digit("080442957") == "X"


@pytest.mark.parametrize("written, digits, printed", [
    ("978-0-306-40615-7", "9780306406157", "978-0-306-40615-7"),
    ("978 0 306 40615 7", "9780306406157", "978-0-306-40615-7"),
    ("9780306406157", "9780306406157", "9780306406157"),
    ("ISBN 978-0-306-40615-7", "9780306406157", "978-0-306-40615-7"),
    # An ISBN-10 becomes its ISBN-13, its parts kept: 978, then the new check digit.
    ("0-306-40615-2", "9780306406157", "978-0-306-40615-7"),
    ("0-8044-2957-x", "9780804429573", "978-0-8044-2957-3"),
    ("080442957X", "9780804429573", "9780804429573"),
    # Hyphens that do not part an ISBN into its five parts are not kept.
    ("978-03064-06157", "9780306406157", "9780306406157"),
])
def test_an_isbn_is_read_as_isbn_13(tmp_path, written, digits, printed):
    book = load(tmp_path, f'isbn:\n  epub: "{written}"\n')
    assert book.isbn.epub == Isbn(digits, printed) and book.isbn.print is None
    assert book.isbn.epub.urn == f"urn:isbn:{digits}"


def test_each_edition_has_its_own_isbn(tmp_path):
    book = load(tmp_path, "isbn: {epub: 978-0-306-40615-7, print: 0-8044-2957-X}\n")
    assert (book.isbn.epub.digits, book.isbn.print.digits) == ("9780306406157", "9780804429573")
    assert load(tmp_path, "").isbn.epub is None


@pytest.mark.parametrize("extra, line, message, hint", [
    # The wrong check digit says which one the other digits call for.
    ("isbn:\n  epub: 978-0-306-40615-3\n", 5,
     "'isbn: epub' '978-0-306-40615-3' has the check digit 3, but its first 12 digits give 7",
     "the last is 7"),
    ("isbn:\n  print: 0-306-40615-9\n", 5, "has the check digit 9, but its first 9 digits give 2",
     "the last is 2"),
    ("isbn:\n  epub: 978-0-306-4061-57\n  print: 978-0-306-40615\n", 6,
     "'isbn: print' is not an ISBN: '978-0-306-40615' has 12 digits", "13 digits"),
    ("isbn: {epub: 978-0-3O6-40615-7}\n", 4, "contains 'O'", "13 digits"),
    ("isbn: {epub: 97X-0-306-40615-7}\n", 4, "has an X that is not an ISBN-10's last character", "X"),
    ("isbn: {epub: 977-0-306-40615-0}\n", 4, "starts 977, and every ISBN-13 starts 978 or 979",
     "agency's record"),
    ("isbn: 978-0-306-40615-7\n", 4, "'isbn' gives one ISBN, but each edition (EPUB, print) has its own",
     "isbn: {epub:"),
    ("isbn:\n  ebook: 978-0-306-40615-7\n", 5, "unknown key 'ebook' in 'isbn'", "allowed keys: epub, print"),
    ("isbn:\n  epub: 978-0-306-40615-7\n  print: 9780306406157\n", 6,
     "gives the same ISBN to the EPUB and the print edition", "an ISBN of its own"),
])
def test_isbn_mistakes(tmp_path, extra, line, message, hint):
    error = mistake(tmp_path, extra)
    assert error.line == line and message in error.message and hint in error.hint


# ---------------------------------------------------------------- series

def test_a_series_has_a_name_and_may_have_a_number(tmp_path):
    assert load(tmp_path, "series: {name: Heartland Papers, number: 2}\n").series == Series("Heartland Papers", 2)
    assert load(tmp_path, "series: Heartland Papers\n").series == Series("Heartland Papers")
    assert load(tmp_path, "").series is None


@pytest.mark.parametrize("extra, line, message, hint", [
    ("series:\n  name: S\n  number: 0\n", 6, "'series: number' must be a whole number of 1 or more", "e.g. 1"),
    ("series:\n  name: S\n  number: two\n", 6, "must be a whole number", "in digits"),
    ("series:\n  number: 2\n", 5, "required key 'name' is missing from 'series'", "series: {name:"),
    ("series:\n  name: S\n  volume: 2\n", 6, "unknown key 'volume' in 'series'", "allowed keys: name, number"),
])
def test_series_mistakes(tmp_path, extra, line, message, hint):
    error = mistake(tmp_path, extra)
    assert error.line == line and message in error.message and hint in error.hint


# ---------------------------------------------------------------- contributors

def test_contributors_take_readable_roles_or_marc_codes(tmp_path):
    book = load(tmp_path, "contributors:\n  - {name: Ann Editor, role: editor, file_as: 'Editor, Ann'}\n"
                          "  - {name: Tom Translator, role: trl}\n  - {name: Cy Designer, role: Cover Designer}\n")
    assert book.contributors == [Contributor("Ann Editor", "editor", "Editor, Ann"),
                                 Contributor("Tom Translator", "translator"),
                                 Contributor("Cy Designer", "cover designer")]
    assert [c.code for c in book.contributors] == ["edt", "trl", "cov"]


def test_credits_name_each_role_once_and_go_to_their_page():
    people = [Contributor("A", "editor"), Contributor("B", "cover designer"), Contributor("C", "editor"),
              Contributor("D", "introduction"), Contributor("E", "editor")]
    assert credit_lines(people, "title") == ["Edited by A, C and E", "With an introduction by D"]
    assert credit_lines(people, "copyright") == ["Cover design by B"]


@pytest.mark.parametrize("extra, line, message, hint", [
    ("contributors:\n  - {name: Ann, role: edtor}\n", 5, "unknown role 'edtor' for Ann",
     "did you mean 'editor'?"),
    ("contributors:\n  - {name: Ann, role: xyz}\n", 5, "unknown role 'xyz'", "MARC relator code: ctb"),
    ("contributors:\n  - name: Ann\n", 5, "required key 'role' is missing from a contributor", "role: editor"),
    ("contributors:\n  - Ann Editor\n", 5, "a contributor must be a mapping", "role: editor"),
    ("contributors: Ann\n", 4, "'contributors' must be a list", "role: editor"),
])
def test_contributor_mistakes(tmp_path, extra, line, message, hint):
    error = mistake(tmp_path, extra)
    assert error.line == line and message in error.message and hint in error.hint


# ---------------------------------------------------------------- subjects

def test_subjects_are_headings_with_optional_codes(tmp_path):
    book = load(tmp_path, 'subjects:\n  - "Security, International"\n'
                          '  - {name: International relations, bisac: pol011000, thema: JPS}\n'
                          '  - {name: Central Asia, thema: 1FC}\n')
    assert book.subjects == [Subject("Security, International"),
                             Subject("International relations", "POL011000", "JPS"),
                             Subject("Central Asia", "", "1FC")]


@pytest.mark.parametrize("extra, line, message, hint", [
    ("subjects:\n  - {name: X, bisac: POL11000}\n", 5, "the bisac code of 'X' is not a BISAC code: 'POL11000'",
     "three letters and six digits"),
    ("subjects:\n  - {name: X, thema: J P}\n", 5, "is not a THEMA code: 'J P'", "a digit 1-6"),
    ("subjects:\n  - {bisac: POL011000}\n", 5, "required key 'name' is missing from a subject", "'- item'"),
    ("subjects:\n  - {name: X, bsac: POL011000}\n", 5, "unknown key 'bsac' in a subject", "did you mean 'bisac'?"),
])
def test_subject_mistakes(tmp_path, extra, line, message, hint):
    error = mistake(tmp_path, extra)
    assert error.line == line and message in error.message and hint in error.hint


# ---------------------------------------------------------------- the cover artwork

def artwork(tmp_path, name: str, size: tuple[int, int], format: str = "PNG") -> str:
    Image.new("RGB", size, (120, 40, 40)).save(tmp_path / name, format=format)
    return name


def test_cover_artwork_of_the_trims_shape_is_taken(tmp_path):
    book = load(tmp_path, f"cover: {artwork(tmp_path, 'front.jpg', (1600, 2400), 'JPEG')}\n")
    assert (book.cover.format, book.cover.width, book.cover.height) == ("JPEG", 1600, 2400)
    # 2 % off 2:3 is within what the bleed's cut takes; the file's bytes decide its format.
    book = load(tmp_path, f"cover: {artwork(tmp_path, 'front.jpg', (1632, 2400), 'PNG')}\n")
    assert book.cover.format == "PNG"
    assert load(tmp_path, "").cover is None


@pytest.mark.parametrize("size, message, hint", [
    ((1000, 1500), "the cover front.png is 1000 x 1500 px, too small to print sharply",
     "a 6 × 9 in book wants 2:3 artwork of at least 1600 x 2400 px"),
    ((1600, 2560), "is 1600 x 2560 px, 5:8: 6% off the trim's 2:3 shape", "e.g. 1600 x 2400 px"),
    ((2400, 2400), "1:1: 50% off", "crop or extend it"),
])
def test_cover_artwork_too_small_or_of_the_wrong_shape_is_an_error(tmp_path, size, message, hint):
    error = mistake(tmp_path, f"cover: {artwork(tmp_path, 'front.png', size)}\n")
    assert error.line == 4 and message in error.message and hint in error.hint


def test_cover_that_is_not_a_picture_or_not_there_is_an_error(tmp_path):
    (tmp_path / "front.jpg").write_text("not a picture", encoding="utf-8")
    error = mistake(tmp_path, "cover: front.jpg\n")
    assert "not a JPEG or PNG image" in error.message and "2:3" in error.hint
    Image.new("RGB", (1600, 2400)).save(tmp_path / "front.gif", format="GIF")
    assert "not a JPEG or PNG" in mistake(tmp_path, "cover: front.gif\n").message
    error = mistake(tmp_path, "cover: art/missing.png\n")
    assert "which is not a file" in error.message and "typographic cover" in error.hint


def test_an_edit_to_the_artwork_rebuilds_what_is_made_from_it(tmp_path):
    from scripts.core.paths import BookPaths
    from scripts.stages import BY_NAME
    load(tmp_path, f"cover: {artwork(tmp_path, 'front.png', (1600, 2400))}\n")
    paths = BookPaths(tmp_path, tmp_path / "build")
    watched = {name for name in BY_NAME if tmp_path / "front.png" in BY_NAME[name].optional(paths)}
    assert watched == {"epub", "release", "cover"}


def test_the_readmes_example_loads_as_it_says(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### The book's identity"):]
    example = section[section.index("```yaml\n") + 8:section.index("```\n", section.index("```yaml"))]
    (tmp_path / "art").mkdir()
    artwork(tmp_path, "art/front.jpg", (1600, 2400), "JPEG")
    book = load(tmp_path, example)
    assert (book.isbn.epub.printed, book.isbn.print.printed) == ("978-0-306-40615-7", "978-0-306-40616-4")
    assert book.series == Series("Heartland Papers", 2)
    assert credit_lines(book.contributors, "title") == ["Edited by Ann Editor"]
    assert credit_lines(book.contributors, "copyright") == ["Cover design by Cy Designer"]
    assert book.subjects[1] == Subject("International relations", "POL011000", "JPS")


# ---------------------------------------------------------------- the faces

def test_fonts_choose_a_body_and_a_display_face_from_the_list(tmp_path):
    from scripts.books.fonts import FACES
    from scripts.core.identity import FONT_FACES, FontChoice
    assert set(FONT_FACES) == set(FACES)               # the validator offers what the books know
    book = load(tmp_path, "fonts:\n  body: Gentium Plus\n  display: EB Garamond\n")
    assert book.fonts == FontChoice("Gentium Plus", "EB Garamond", str(tmp_path / "book.yaml"), 5, 6)
    assert load(tmp_path, "").fonts == FontChoice("Charis SIL", "")


@pytest.mark.parametrize("extra, line, message, hint", [
    ("fonts:\n  body: Gentium\n", 5, "unknown body face 'Gentium'", "did you mean 'Gentium Plus'?"),
    ("fonts:\n  display: Times New Roman\n", 5, "unknown display face 'Times New Roman'",
     "write one of: Charis SIL, Gentium Plus, Gentium Book Plus, EB Garamond"),
    ("fonts:\n  titles: EB Garamond\n", 5, "unknown key 'titles' in 'fonts'", "allowed keys: body, display"),
    ("fonts: EB Garamond\n", 4, "'fonts' must be a mapping", "fonts: {body: Gentium Plus"),
])
def test_font_mistakes(tmp_path, extra, line, message, hint):
    error = mistake(tmp_path, extra)
    assert error.line == line and message in error.message and hint in error.hint
