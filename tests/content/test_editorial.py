"""The editorial apparatus: chapters.yaml (dates, outlets, kinds, authors, credits, where the
blogger's introductions go), checked like every editor file; what the articles stage makes of it
(the front matter both books read, reports/chapters.md); the wording of a piece's provenance."""

from __future__ import annotations

import dataclasses

import pytest

from scripts.content import editorial
from scripts.content.chapters import Chapter, markdown_to_html
from scripts.content.articles import to_markdown
from scripts.core import model as m
from scripts.core.book import with_years, year_range
from scripts.core.errors import UserError
from tests.conftest import by_slug
from tests.core.test_config import checked, error_of, mistake


def article(slug="a-piece", outlet="Nikkei Asian Review", date="", intro="A piece for the paper.",
            authors=()):
    source = m.SourceRef("s.txt", 1, 1)
    blocks = ([m.Block(m.INTRO, intro, source)] if intro else []) + [
        m.Block(m.TITLE, "A Title", source), m.Block(m.PARAGRAPH, "Body.", source)]
    return m.Article(slug, "s.txt", 1, 9, blocks, outlet=outlet, date=date, authors=list(authors))


def load(tmp_path, text):
    path = tmp_path / "chapters.yaml"
    path.write_text(text, encoding="utf-8")
    return editorial.load_decisions(path)


# ---------------------------------------------------------------- the file and its mistakes

@pytest.mark.parametrize("written, expected", [
    ("2022", "2022"), ("2021-12", "2021-12"), ("2022-01-05", "2022-01-05"),
    ("2022-13", None), ("2022-02-30", None), ("January 2022", None), ("22", None)])
def test_a_partial_date_is_a_year_a_month_or_a_day(written, expected):
    check, root = checked(f"d: {written}\n")
    node = check.mapping(root, "the file")["d"].value
    if expected is None:
        assert "YYYY-MM" in error_of(lambda: check.partial_date(node, "'d'")).hint
    else:
        assert check.partial_date(node, "'d'") == expected


CHAPTERS = "outlets:\n  Nikkei Asian Review: Nikkei Asia\nchapters:\n  a-piece:\n    date: 2021-12\n"


@pytest.mark.parametrize("text, line, message, hint", [
    (CHAPTERS.replace("outlets:", "outlet:"), 1, "unknown key 'outlet' in the file", "did you mean 'outlets'?"),
    (CHAPTERS + "    dat: 2022\n", 6, "unknown key 'dat' in chapter 'a-piece'", "did you mean 'date'?"),
    (CHAPTERS.replace("2021-12", "Dec 2021"), 5, "'date' of chapter 'a-piece' is not a date", "YYYY-MM"),
    (CHAPTERS + "    kind: evidance\n", 6, "unknown kind of chapter 'a-piece' 'evidance'",
     "did you mean 'evidence'?"),
    (CHAPTERS + "    intro: bak\n", 6, "unknown intro of chapter 'a-piece' 'bak'", "did you mean 'back'?"),
    (CHAPTERS + "    authors: []\n", 6, "'authors' of chapter 'a-piece' must be a text or a non-empty list", "item"),
    (CHAPTERS.replace("Nikkei Asia\n", "\n"), 2, "the one form of 'Nikkei Asian Review' is empty", "write"),
])
def test_chapters_yaml_mistakes(tmp_path, text, line, message, hint):
    error = mistake(tmp_path, "chapters.yaml", text, editorial.load_decisions)
    assert error.line == line and message in error.message and hint in error.hint


def test_an_entry_for_no_chapter_names_its_line_and_the_closest_slug(tmp_path):
    decisions = load(tmp_path, CHAPTERS.replace("a-piece:", "a-peice:"))
    with pytest.raises(UserError) as raised:
        editorial.check_slugs(decisions, [article()])
    assert raised.value.line == 4 and "did you mean 'a-piece'?" in raised.value.hint


def test_no_file_and_an_empty_file_decide_nothing(tmp_path):
    assert editorial.load_decisions(tmp_path / "chapters.yaml").chapters == {}
    assert load(tmp_path, "# nothing yet\n").outlets == {}


# ---------------------------------------------------------------- what the book prints

def test_the_editor_completes_and_corrects_what_the_source_says(tmp_path, book):
    decisions = load(tmp_path, CHAPTERS + "    title: The Right Title\n    kind: report\n"
                                          "    authors: [Ann Lee, Raffaello Pantucci]\n"
                                          "    credit: © Nikkei Inc.\n    intro: keep\n")
    piece = editorial.resolve(article(), book, decisions)
    assert (piece.outlet, piece.outlet_given, piece.date, piece.date_from) == \
        ("Nikkei Asia", "Nikkei Asian Review", "2021-12", "chapters.yaml")
    assert (piece.title, piece.kind, piece.credit, piece.intro) == \
        ("The Right Title", "report", "© Nikkei Inc.", "keep")
    assert piece.authors == ["Ann Lee", "Raffaello Pantucci"]
    # Without an entry: the source's date, the outlet table still applied, book.yaml's intros.
    other = editorial.resolve(article("other", date="2020-03-04T10:00:00"), book, decisions)
    assert (other.date, other.date_from, other.outlet, other.intro, other.authors) == \
        ("2020-03-04", "the source", "Nikkei Asia", "back", [book.author])
    assert editorial.resolve(article(intro=""), book, decisions).intro == ""
    keep_all = dataclasses.replace(book, intros="drop")
    assert editorial.resolve(article("other"), keep_all, decisions).intro == "drop"


@pytest.mark.parametrize("kind, outlet, date, line", [
    ("article", "Nikkei Asia", "2022-01-05", "First published in Nikkei Asia, 5 January 2022"),
    ("article", "", "2021-12", "First published December 2021"),
    ("evidence", "Foreign Affairs Committee", "2023", "Written evidence to the Foreign Affairs Committee, 2023"),
    ("report", "RUSI", "", "First published by RUSI"),
])
def test_the_provenance_line_is_worded_by_the_pieces_kind(kind, outlet, date, line):
    chapter = Chapter(1, "a", "A", "<p>x</p>", outlet=outlet, date=date, kind=kind)
    assert chapter.provenance.text == line
    assert chapter.provenance.titled == (kind == "article")
    assert Chapter(1, "a", "A", "<p>x</p>").provenance is None


def test_the_front_matter_carries_the_apparatus_to_the_chapter(normalised, book, tmp_path):
    piece = by_slug(normalised)["central-asia"]
    decisions = load(tmp_path, "chapters:\n  central-asia:\n    date: 2023-01\n    kind: article\n"
                               "    credit: '© 2023 <S. Rajaratnam> School'\n    intro: keep\n")
    meta = editorial.resolve(piece, book, decisions)
    from scripts.content.articles import to_markdown_many
    text = to_markdown_many([(piece, 13)], book, decisions=decisions)[0]
    fields = markdown_to_html(text, id_prefix="ch13-")
    assert fields["date"] == ["2023-01"] and fields["intro"] == ["keep"] and fields["kind"] == ["article"]
    assert fields["credit"] == ["© 2023 &lt;S. Rajaratnam&gt; School"]      # text, escaped
    assert meta.authors == ["Nodirbek Soliev", "Raffaello Pantucci"]
    # Dropped: the introduction is not in the chapter at all (the report keeps it).
    dropped = load(tmp_path, "chapters:\n  central-asia:\n    intro: drop\n")
    text = to_markdown_many([(piece, 13)], book, decisions=dropped)[0]
    assert "headnote" not in markdown_to_html(text) and "lovely Nodir" not in text


# ---------------------------------------------------------------- the report

def test_the_report_lists_undated_chapters_lookalike_outlets_and_dropped_intros(tmp_path, book):
    pieces = [editorial.resolve(a, book) for a in (
        article("one", date="2021-11-02"), article("two", outlet="Nikkei Asia Review"),
        article("three", outlet="RUSI"), article("four", outlet="RUSI Journal"))]
    pieces[1].intro = "drop"
    report = editorial.report(pieces, book, editorial.Decisions())
    undated = report.split("## Chapters without a date")[1].split("##")[0]
    assert "`two`" in undated and "`three`" in undated and "`one`" not in undated
    assert "“Nikkei Asia Review” and “Nikkei Asian Review” look like one outlet" in report
    assert "RUSI Journal” look like" not in report          # an institute and its journal differ
    assert "`two`: “A piece for the paper.”" in report
    # book.yaml's subtitle states 2022–2023 by hand; the one dated chapter says 2021.
    assert "book.yaml's subtitle says 2022–2023, but the dated chapters were first published in 2021" \
        in editorial.report(pieces, dataclasses.replace(book, subtitle="Writings, 2022–2023"),
                            editorial.Decisions())


def test_years_follow_the_chapters_dates(book):
    assert year_range(["2022-01-05", "2021-12", "", "2023"]) == "2021–2023"
    assert year_range(["2022"]) == "2022" and year_range([""]) == ""
    written = dataclasses.replace(book, subtitle="Writings, {years}", rights="© {years} R. P.")
    printed = with_years(written, "2021–2022")
    assert (printed.subtitle, printed.rights) == ("Writings, 2021–2022", "© 2021–2022 R. P.")
    # A defaulted rights line is made again from the chapters' years.
    defaulted = dataclasses.replace(book, rights="© 2024 R. P. All rights reserved.",
                                    defaulted={"rights": "the author"})
    assert with_years(defaulted, "2019–2020").rights == f"© 2019–2020 {book.author}. All rights reserved."


def test_a_link_in_a_moved_introduction_stays_text(book):
    """The blog's "pre-order here" address is dead in a book: the introduction keeps it as the
    blogger's words, never as a link (nor as markup)."""
    piece = article(intro="Can be pre-ordered here: https://blog.example/pre-order <a href=x>now</a>.")
    fields = markdown_to_html(to_markdown(piece, 1, book))
    assert fields["intro"] == ["back"]
    assert "<a" not in fields["headnote"][0] and "https://blog.example/pre-order" in fields["headnote"][0]
    assert "&lt;a href=x&gt;now&lt;/a&gt;" in fields["headnote"][0]
