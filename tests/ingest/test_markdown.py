"""The Markdown adapter: front matter of each generator, footnotes linked, generator
markup reported, source lines right, and clear errors for broken front matter."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scripts.core import model as m
from scripts.core.book import Book, Selection
from scripts.core.errors import UserError
from scripts.text.split import split_sources


def a_book(**select) -> Book:
    return Book(title="T", author="Jane Writer", author_file_as="Writer, Jane", language="en",
                publisher="P", rights="R", identifier="urn:x", date=dt.date(2022, 1, 1),
                select=Selection(**select))


def posts(tmp_path: Path, files: dict[str, str], **select):
    folder = tmp_path / "sources"
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    paths = sorted(p for p in folder.rglob("*") if p.is_file())
    return split_sources(paths, a_book(**select), str(tmp_path / "book.yaml"), folder)


JEKYLL = """---
title: "Cases: a study"
tags: [law, history]
layout: post
---

The opening cites a case.[^1] It goes on
over two lines.

## A heading

- a point
- another point[^second]

{% include signup.html %}

[^1]: *Smith v Jones* [2001] UKHL 1, <https://example.org/case>.
[^second]: A longer note
    that wraps.
"""


def test_a_jekyll_post_reads_with_its_file_name_date_and_linked_notes(tmp_path):
    result = posts(tmp_path, {"_posts/2021-03-04-cases.md": JEKYLL})
    (article,) = result.articles
    assert (article.title, article.date, article.origin) == ("Cases: a study", "2021-03-04", "markdown")
    body = [(b.kind, b.text) for b in article.blocks if b.kind != m.TITLE]
    assert body == [
        ("paragraph", f"The opening cites a case.{m.note_ref(1)} It goes on over two lines."),
        ("heading", "A heading"), ("bullet", "a point"), ("bullet", f"another point{m.note_ref(2)}"),
        ("note", "Smith v Jones [2001] UKHL 1, https://example.org/case."), ("note", "A longer note that wraps.")]
    lines = {b.text.split(m.NOTE_OPEN)[0][:12]: b.source.first_line for b in article.blocks}
    assert lines["The opening "] == 7 and lines["A heading"] == 10 and lines["another poin"] == 13
    assert [b.source.first_line for b in article.blocks if b.kind == m.NOTE] == [17, 18]
    assert [(i.what, i.line) for i in result.left_out] == [("shortcode", 15)]


def test_hugo_toml_front_matter_drafts_and_shortcodes(tmp_path):
    result = posts(tmp_path, {
        "posts/one.md": '+++\ntitle = "One"\ndate = 2020-05-01T10:00:00Z\ncategories = ["News"]\n+++\n\n'
                        'Text {{< tweet 12345 >}} here.\n\n{{< figure src="a.jpg" caption="The map" >}}\n',
        "posts/two.md": "---\ntitle: Two\ndraft: true\n---\nNot yet.\n",
        "posts/three/index.md": "# Three, from its heading\n\nBody of three.\n"})
    assert [a.title for a in result.articles] == ["One", "Three, from its heading"]
    one = result.articles[0]
    assert one.date == "2020-05-01" and [b.kind for b in one.blocks] == [m.TITLE, m.PARAGRAPH, m.CAPTION]
    assert {i.what for i in result.left_out} == {"draft", "shortcode", "image"}
    assert [b.kind for b in result.articles[1].blocks] == [m.TITLE, m.PARAGRAPH]


def test_posts_are_selected_by_tag_and_ordered_by_date(tmp_path):
    result = posts(tmp_path, {
        "b.md": "---\ntitle: Later\ndate: 2021-01-01\ntags: law\n---\nB text.\n",
        "a.md": "---\ntitle: Earlier\ndate: 2020-01-01\ntags: [law]\n---\nA text.\n",
        "c.md": "---\ntitle: Other\ndate: 2019-01-01\ntags: [cats]\n---\nC text.\n"}, tags=["law"])
    assert [a.title for a in result.articles] == ["Earlier", "Later"]


@pytest.mark.parametrize("text, message, line", [
    ("---\ntitle: x\n  bad: [\n---\nText\n", "not valid YAML", None),
    ("---\ntitle: never closed\nText\n", "never closes", 1),
    ('+++\ntitle = unquoted words\n+++\nText\n', "TOML front matter is not valid", None),
    ("---\n- a list\n---\nText\n", "not a list of 'key: value'", 2),
])
def test_broken_front_matter_is_one_clear_error(tmp_path, text, message, line):
    with pytest.raises(UserError, match=message) as error:
        posts(tmp_path, {"post.md": text})
    assert error.value.file == "post.md" and error.value.hint
    if line:
        assert error.value.line == line


def test_a_post_with_nothing_but_front_matter_is_left_out_with_a_reason(tmp_path):
    result = posts(tmp_path, {"a.md": "---\ntitle: Empty\n---\n", "b.md": "---\ntitle: Full\n---\nText.\n"})
    assert [a.title for a in result.articles] == ["Full"]
    assert [(i.what, i.text) for i in result.left_out] == [("empty", "Empty")]


def test_raw_html_and_scripts_in_markdown_are_text_or_left_out(tmp_path):
    result = posts(tmp_path, {"a.md": "---\ntitle: Raw\n---\n\n<div class='note'>Raw <b>bold</b> words</div>\n\n"
                                      "<script>alert(1)</script>\n\nA <span onclick='x()'>span</span>.\n"})
    texts = [b.text for b in result.articles[0].blocks if b.kind == m.PARAGRAPH]
    assert texts == ["Raw bold words", "A span."]
    assert [i.what for i in result.left_out] == ["markup"]
