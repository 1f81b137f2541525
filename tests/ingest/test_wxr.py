"""The WordPress export adapter on a small export written to cover WordPress's own
habits (classic and block-editor posts, [ref] and block-editor footnotes, [caption],
a draft, a page, comments), and on damaged files."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.core import model as m
from scripts.core.book import Book, Selection
from scripts.core.errors import UserError
from scripts.ingest import wxr
from scripts.ingest.html_content import convert
from scripts.text.split import split_sources

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "wxr-small.xml"


def a_book(**select) -> Book:
    import datetime as dt
    return Book(title="T", author="Jane Writer", author_file_as="Writer, Jane", language="en",
                publisher="P", rights="R", identifier="urn:x", date=dt.date(2021, 3, 1),
                select=Selection(**select))


def test_published_posts_become_articles_oldest_first_with_their_notes():
    result = split_sources([FIXTURE], a_book())
    assert [a.title for a in result.articles] == ["First post", "Second post’s title"]
    assert [a.date for a in result.articles] == ["2020-01-01", "2021-02-02"]
    assert all(a.origin == "wxr" for a in result.articles)
    first, second = result.articles
    assert [(b.kind, b.number, b.text) for b in first.blocks if b.kind == m.NOTE] == [
        ("note", 1, "A block-editor note.")]
    assert m.note_ref(1) in second.blocks[1].text
    assert [b.text for b in second.blocks if b.kind == m.NOTE] == ["The note text, a source, https://example.org/x."]
    assert [b.kind for b in second.blocks].count(m.CAPTION) == 1


def test_what_stays_out_is_each_recorded_with_its_line():
    result = split_sources([FIXTURE], a_book())
    left = {(item.what, item.text) for item in result.left_out}
    assert ("draft", "A draft") in left and ("page", "About") in left
    assert {"comments", "image"} <= {item.what for item in result.left_out}
    lines = FIXTURE.read_text(encoding="utf-8").split("\n")
    draft = next(i for i in result.left_out if i.what == "draft")
    assert "<item>" in lines[draft.line - 1]


def test_pages_come_in_when_book_yaml_asks():
    result = split_sources([FIXTURE], a_book(pages=True))
    assert "About" in [a.title for a in result.articles]


def test_selection_by_category_and_an_unknown_name_is_an_error():
    result = split_sources([FIXTURE], a_book(categories=["news"]))
    assert [a.title for a in result.articles] == ["Second post’s title"]
    assert any(i.what == "not-selected" and i.text == "First post" for i in result.left_out)
    with pytest.raises(UserError, match="no post's slug or title"):
        split_sources([FIXTURE], a_book(posts=["secnd-post"]))


def test_block_lines_point_into_the_export():
    result = split_sources([FIXTURE], a_book())
    lines = FIXTURE.read_text(encoding="utf-8").split("\n")
    for article in result.articles:
        for block in article.blocks:
            if block.kind in (m.PARAGRAPH, m.TITLE):
                words = block.text.replace("’", "&#8217;").split(m.NOTE_OPEN)[0].split()[:3]
                assert " ".join(words) in lines[block.source.first_line - 1], block


def test_auto_paragraphs_keep_the_line_count_and_leave_pre_alone():
    content = "One\ntwo\n\n<pre>a\n\nb</pre>\n\nThree"
    out = wxr.autop(content)
    assert out.count("\n") == content.count("\n")
    assert "<p>One<br>\ntwo</p>" in out and "<pre>a\n\nb</pre>" in out and "<p>Three</p>" in out


def test_a_pre_right_after_text_is_kept_whole_and_the_text_around_it_too():
    """Found in the CC Labs export: a <pre> on the line after a paragraph's text sits inside
    that paragraph, and its code was lost (the post read "for example: 0")."""
    for content in ("for example :\n<pre>{{#ask: x\n| sort=y\n}}\n</pre>\n\nNext.",
                    "Intro\n<pre>***\n\n (o_o)\n</pre>\nAfter it.\n\nNext."):
        out = wxr.autop(content)
        assert out.count("\n") == content.count("\n") and "\x00" not in out
        pre = content[content.index("<pre>"):content.index("</pre>") + 6]
        assert pre in out and "Next." in out
        converted = convert(out, "p.xml", 1)
        assert any(b.kind == m.CODE and b.text.startswith(("{{#ask", "***")) for b in converted.blocks)


def test_shortcodes_media_out_layout_text_kept_and_brackets_in_prose_untouched():
    markup, left = wxr.prepare_content('[gallery ids="1,2"]\n\n[column]Kept text[/column] and [sic] too', "f", 1)
    assert "Kept text" in markup and "[sic]" in markup and "gallery" not in markup
    assert [item.what for item in left].count("shortcode") >= 2


def damaged(tmp_path: Path, text: str, name: str = "site.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, message", [
    (FIXTURE.read_text(encoding="utf-8")[:1500], "ends before the export does|damaged"),
    ('<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title><item><title>x</title></item>'
     '</channel></rss>', "RSS feed, not a WordPress export"),
    ('<?xml version="1.0"?><rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
     '<wp:wxr_version>1.2</wp:wxr_version></channel></rss>', "no posts or pages at all"),
    ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaa">]><rss><channel/></rss>', "entities"),
    ('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"></feed>', "Atom feed"),
])
def test_damaged_or_wrong_files_stop_with_one_clear_error(tmp_path, text, message):
    with pytest.raises(UserError, match=message) as error:
        split_sources([damaged(tmp_path, text)], a_book())
    assert error.value.hint


def test_an_export_in_a_txt_file_is_named_as_such(tmp_path):
    path = damaged(tmp_path, FIXTURE.read_text(encoding="utf-8"), "site.txt")
    with pytest.raises(UserError, match="is a WordPress export"):
        split_sources([path], a_book())


def test_posts_without_a_title_take_their_first_words(tmp_path):
    text = FIXTURE.read_text(encoding="utf-8").replace("<title>First post</title>", "<title></title>")
    result = split_sources([damaged(tmp_path, text)], a_book())
    assert result.articles[0].title == "The first post opens here."
    assert any(i.what == "untitled" for i in result.left_out)


def test_an_export_declaring_latin_1_is_read_as_latin_1(tmp_path):
    text = FIXTURE.read_text(encoding="utf-8").replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
    text = text.replace("First post", "Première note")
    path = tmp_path / "old.xml"
    path.write_bytes(text.replace("’", "'").encode("iso-8859-1"))
    result = split_sources([path], a_book())
    assert "Première note" in [a.title for a in result.articles]


def test_an_export_that_is_not_the_utf_8_it_claims_names_the_line(tmp_path):
    path = tmp_path / "bad.xml"
    text = FIXTURE.read_text(encoding="utf-8")
    path.write_bytes(text.replace("First post", "Premi\u00e8re").encode("utf-8").replace("Premi\u00e8re".encode(), b"Premi\xe8re"))
    with pytest.raises(UserError, match="not UTF-8") as error:
        split_sources([path], a_book())
    assert error.value.line == text[:text.index("First post")].count("\n") + 1


IMPORTER = Path(__file__).resolve().parent.parent / "fixtures" / "wordpress-importer"


def test_wordpress_importer_small_export_posts_pages_and_private_post():
    result = split_sources([IMPORTER / "small-export.xml"], a_book())
    assert [a.title for a in result.articles] == [
        "Hello world!", "Foo-child", "Top-level Foo", "Non-standard post format", "Many Categories"]
    assert all(a.date == "2011-01-18" for a in result.articles)
    left = sorted((i.what, i.text) for i in result.left_out if i.what in ("page", "private"))
    assert left == [("page", "1-col page"), ("page", "Child Page"), ("page", "Draft Page"),
                    ("page", "Parent Page"), ("page", "Sample Page"), ("private", "Private Post")]


def test_wordpress_importer_wxr_1_0_export():
    result = split_sources([IMPORTER / "valid-wxr-1.0.xml"], a_book())
    assert [a.title for a in result.articles] == ["Hello world!", "Alpha post", "Child post"]


@pytest.mark.parametrize("name, message", [
    ("malformed-simple.xml", "ends before the export does"),
    ("crazy-cdata.xml", "damaged"),
    ("term-meta.xml", "no posts or pages at all"),
])
def test_wordpress_importer_broken_files_each_get_one_clear_error(name, message):
    with pytest.raises(UserError, match=message) as error:
        split_sources([IMPORTER / name], a_book())
    assert error.value.hint and error.value.file == name


def test_bidi_overrides_never_reach_the_model():
    result = split_sources([IMPORTER / "wxr-utf-8-challenges.xml"], a_book())
    (article,) = result.articles
    assert article.title == "\"The Road Not Taken\" by Robert Frost 🌲"
    assert not any(c in b.text for b in article.blocks for c in "\u202a\u202b\u202c\u202d\u202e")


def test_a_wordpress_com_export_with_https_namespaces_is_an_export(tmp_path):
    text = FIXTURE.read_text(encoding="utf-8").replace("http://wordpress.org/export/", "https://wordpress.org/export/")
    result = split_sources([damaged(tmp_path, text)], a_book())
    assert [a.title for a in result.articles] == ["First post", "Second post’s title"]


def test_a_split_that_stops_on_an_export_still_writes_the_split_report_saying_why(tmp_path):
    import json

    from scripts.core.paths import BookPaths
    from scripts.text import split

    paths = BookPaths(tmp_path, tmp_path / "build")
    (tmp_path / "book.yaml").write_text("title: T\nauthor: Jane Writer\n", encoding="utf-8")
    (tmp_path / "sources").mkdir()
    damaged(tmp_path / "sources", FIXTURE.read_text(encoding="utf-8")[:1500], "export.xml")
    paths.reports.mkdir(parents=True)
    (paths.reports / "split.md").write_text("# the report of an earlier, good run\n", encoding="utf-8")
    with pytest.raises(UserError) as error:
        split.run(paths)
    report = (paths.reports / "split.md").read_text(encoding="utf-8")
    assert "earlier" not in report
    assert f"`export.xml:{error.value.line}`" in report and error.value.message in report
    assert error.value.hint in report
    data = json.loads((paths.reports / "split.json").read_text(encoding="utf-8"))
    assert data["error"] == {"file": "export.xml", "line": error.value.line, "message": error.value.message,
                             "hint": error.value.hint}
    assert data["articles"] == []
