"""The Markdown adapter: front matter of each generator, footnotes linked, generator
markup reported, source lines right, and clear errors for broken front matter."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scripts.core import model as m
from scripts.core.book import Book, Selection
from scripts.core.errors import UserError
from scripts.ingest.markdown import unlink_undefined_references
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


# ---------------------------------------------------------------- code, inline notes, drafts

CODE_POST = """---
title: Templates
---

Write the title with {{ page.title }} in a layout.^[Jekyll's [Liquid](https://shopify.github.io/liquid/)
docs say more.] A code span `^[not a note]` stays.

{% highlight ruby %}
puts "{{ kept }}"
{% endhighlight %}

```html
<h1>{{ page.title }}</h1>
```

{% raw %}Shown as written: {{ page.title }}.{% endraw %}

{{< highlight go >}}
func main() {}
{{< /highlight >}}
"""


def test_template_markup_in_code_is_text_and_highlight_blocks_are_code(tmp_path):
    result = posts(tmp_path, {"_posts/2020-05-06-templates.md": CODE_POST})
    (article,) = result.articles
    body = [(b.kind, b.text, b.source.first_line) for b in article.blocks if b.kind != m.TITLE]
    assert body[1:] == [
        (m.CODE, 'puts "{{ kept }}"', 8),
        (m.CODE, "<h1>{{ page.title }}</h1>", 12),
        (m.PARAGRAPH, "Shown as written: {{ page.title }}.", 16),
        (m.CODE, "func main() {}", 18),
        (m.NOTE, "Jekyll's Liquid, https://shopify.github.io/liquid/ docs say more.", 5),
    ]
    reported = [item.text for item in result.left_out]
    assert reported == ["{{ page.title }}"]         # the one outside code, on line 5


def test_an_inline_note_becomes_a_linked_note_in_reading_order(tmp_path):
    result = posts(tmp_path, {"_posts/2020-05-06-templates.md": CODE_POST,
                              "_posts/2020-05-07-two.md": "---\ntitle: Two\n---\n\nFirst.[^a] Then^[inline] and "
                                                          "`a^[b]`.\n\n[^a]: The first.\n"})
    two = result.articles[1]
    assert [b.text for b in two.blocks if b.kind == m.NOTE] == ["The first.", "inline"]
    text = next(b.text for b in two.blocks if b.kind == m.PARAGRAPH)
    assert text == f"First.{m.note_ref(1)} Then{m.note_ref(2)} and a^[b]."
    opening = next(b.text for b in result.articles[0].blocks if b.kind == m.PARAGRAPH)
    assert opening.startswith("Write the title with in a layout." + m.note_ref(1)) and "^[" not in opening[:40]


def test_posts_in_jekylls_drafts_folder_are_drafts(tmp_path):
    result = posts(tmp_path, {"_posts/2020-01-01-out.md": "---\ntitle: Out\n---\n\nPublished.\n",
                              "_drafts/coming.md": "---\ntitle: Coming soon\n---\n\nNot yet.\n"})
    assert [a.title for a in result.articles] == ["Out"]
    assert [(i.what, i.text) for i in result.left_out] == [("draft", "Coming soon")]


def test_kramdown_attribute_lists_and_the_toc_marker_are_reported_not_printed(tmp_path):
    post = "---\ntitle: K\n---\n\n* TOC\n{:toc}\n\nA paragraph.\n{: .lead}\n\n{::options parse_block_html=\"true\" /}\n\nAnother.\n"
    result = posts(tmp_path, {"_posts/2020-01-05-k.md": post})
    (article,) = result.articles
    assert [(b.kind, b.text) for b in article.blocks if b.kind != m.TITLE] == [
        (m.PARAGRAPH, "A paragraph."), (m.PARAGRAPH, "Another.")]
    assert [(i.line, i.text) for i in result.left_out] == [
        (5, "* TOC {:toc}"), (9, "{: .lead}"), (11, '{::options parse_block_html="true" /}')]


def test_author_keys_print_as_the_names_in_the_sites_author_profiles(tmp_path):
    # Hugo: data/authors/<key>.yaml per author; Jekyll: _data/authors.yml, key -> profile.
    # A key with no profile stays as written; the data files are reported, not chapters.
    result = posts(tmp_path, {
        "hugo/content/posts/a.md": '---\ntitle: A\ndate: 2023-01-02\nauthors: ["jdoe", "nobody"]\n---\nText.\n',
        "hugo/data/authors/jdoe.yaml": "name: Jo Doe\nemail: jo@example.org\n",
        "jekyll/_posts/2023-01-03-b.md": "---\ntitle: B\nauthor: rroe\n---\nMore text.\n",
        "jekyll/_data/authors.yml": "rroe:\n  name: Ri Roe\njdoe:\n  name: Not This One\n"})
    assert [(a.title, a.authors) for a in result.articles] == [("A", ["Jo Doe", "nobody"]), ("B", ["Ri Roe"])]
    assert sorted((i.what, i.file) for i in result.left_out) == [
        ("site-data", "hugo/data/authors/jdoe.yaml"), ("site-data", "jekyll/_data/authors.yml")]
    # The key with no profile is printed as written, and the report says so, once, with what to do.
    assert [(n.file, n.text.split(" looks")[0]) for n in result.notices] == [
        ("hugo/content/posts/a.md", "the author “nobody” of 1 post")]
    assert "data/authors/nobody.yaml" in result.notices[0].hint


def test_only_an_author_that_looks_like_a_login_is_noticed(tmp_path):
    result = posts(tmp_path, {
        "_posts/2023-01-02-a.md": "---\ntitle: A\nauthor: parkr\n---\nText.\n",
        "_posts/2023-01-03-b.md": "---\ntitle: B\nauthor: parkr\n---\nMore.\n",
        "_posts/2023-01-04-c.md": "---\ntitle: C\nauthor: Plato\n---\nMore.\n",
        "_posts/2023-01-05-d.md": "---\ntitle: D\nauthor: bell hooks\n---\nMore.\n",
        "_posts/2023-01-06-e.md": "---\ntitle: E\nauthor: quietone\n---\n"})      # left out: empty
    assert [n.text for n in result.notices] == [
        "the author “parkr” of 2 posts looks like a site login, not a name, and is printed as it is"]
    # (and a name with a space is one author, not two)
    assert [a.authors for a in result.articles] == [["parkr"], ["parkr"], ["Plato"], ["bell hooks"]]


def test_reference_links_whose_definitions_a_template_loop_made_read_as_their_text(tmp_path):
    # Jekyll's own news posts: the [#1037][] definitions come from a {% for %} loop.
    result = posts(tmp_path, {"_posts/2013-05-08-r.md": (
        "---\ntitle: R\n---\n\nFixed ([#1037][]) and [the docs][d], kept [defined][] and `[code][]`.\n\n"
        "```\n[fenced][]\n```\n\nTwo notes.[^a][^b]\n\n"
        '{% assign issues = "1037" | split: "|" %}\n{% for issue in issues %}\n'
        "[#{{ issue }}]: {{ site.repository }}/issues/{{ issue }}\n{% endfor %}\n\n"
        "[defined]: https://example.org/\n")})
    (article,) = result.articles
    body = [b.text for b in article.blocks if b.kind != m.TITLE]
    assert body[0] == "Fixed (#1037) and the docs, kept defined and [code][]."
    assert body[1] == "[fenced][]"
    # Footnote markers are not links, defined or not: the notes stage judges them.
    assert unlink_undefined_references("Two notes.[^a][^b]") == "Two notes.[^a][^b]"


def test_a_definition_whose_address_is_on_the_next_line_keeps_its_link():
    # d2iq-hugo's Server-Side Apply post wraps its long addresses so.
    body = "A [strategic merge patch][] here.\n\n[strategic merge patch]:\n    https://example.org/a/long/address\n"
    assert unlink_undefined_references(body) == body
    assert unlink_undefined_references("An [orphan][] here.\n\n[orphan]:\n\nText.\n") == (
        "An orphan here.\n\n[orphan]:\n\nText.\n")


def test_a_posts_translations_are_one_post_in_the_books_language(tmp_path):
    """Hugo's multilingual bundles: index.md (the site's default language) beside index.es.md;
    the bundle is one post, not a list page with a Spanish post beside it.  book.yaml's
    language picks the version; without it, the unsuffixed file (the site's default) is kept."""
    files = {
        "blog/a/index.md": "---\ntitle: In English\ndate: 2020-01-01\n---\nThe text.\n",
        "blog/a/index.es.md": "---\ntitle: En español\ndate: 2020-01-01\n---\nEl texto.\n",
        "blog/b/index.en.md": "---\ntitle: Only English, suffixed\ndate: 2020-02-01\n---\nB text.\n",
        "blog/c/index.fr.md": "---\ntitle: En français\ndate: 2020-03-01\n---\nLe texte.\n",
        "blog/c/index.pt-br.md": "---\ntitle: Em português\ndate: 2020-03-01\n---\nO texto.\n",
        "blog/notes.on.md": "---\ntitle: A dotted name, no language\ndate: 2020-04-01\n---\nD text.\n",
        "blog/about.md": "---\ntitle: About\ndate: 2020-05-01\n---\nE text.\n",
        "blog/about.me.md": "---\ntitle: About me, not Montenegrin\ndate: 2020-05-02\n---\nF text.\n"}
    result = posts(tmp_path, files)
    assert [a.title for a in result.articles] == [
        "In English", "Only English, suffixed", "En français", "A dotted name, no language", "About",
        "About me, not Montenegrin"]
    assert sorted((i.what, i.file) for i in result.left_out) == [
        ("translation", "blog/a/index.es.md"), ("translation", "blog/c/index.pt-br.md")]
    (spanish,) = [i for i in result.left_out if i.file == "blog/a/index.es.md"]
    assert spanish.text == "En español" and "(es)" in spanish.reason and "blog/a/index.md" in spanish.reason


def test_the_language_book_yaml_gives_picks_the_version(tmp_path):
    from scripts.ingest.markdown import translations
    book = a_book()
    book.language = "pt-BR"
    names = {"c/index.fr.md", "c/index.pt-br.md", "a/index.md", "a/index.es.md"}
    assert translations(names, book) == {"c/index.fr.md": ("fr", "c/index.pt-br.md"),
                                         "a/index.es.md": ("es", "a/index.md")}
    book.defaulted = {"language": "English, the default"}      # not given: the site's default wins
    book.language = "es"
    assert translations(names, book)["a/index.es.md"] == ("es", "a/index.md")


@pytest.mark.parametrize("author, names", [
    ("Mara Averick", ["Mara Averick"]),                      # one name, spaces and all
    ("Jo Doe, Ri Roe", ["Jo Doe", "Ri Roe"]),
    ("Jo Doe and Ri Roe", ["Jo Doe", "Ri Roe"]),
    ("Jo Doe & Ri Roe", ["Jo Doe", "Ri Roe"]),
    (["Lucio Casalla  ", "Ann Anderson"], ["Lucio Casalla", "Ann Anderson"]),
])
def test_an_author_written_as_one_text_is_one_name(tmp_path, author, names):
    import yaml
    result = posts(tmp_path, {"p.md": f"---\ntitle: P\nauthor: {yaml.safe_dump(author, default_flow_style=True).strip()}\n---\nText.\n"})
    assert result.articles[0].authors == names


def test_a_footnote_nothing_refers_to_is_reported_with_its_text(tmp_path):
    text = ("---\ntitle: P\n---\nOne claim.[^a] Two.\n\n```\n[^c]: in code, not a note\n```\n\n"
            "[^a]: The note used.\n\n[^B]: Defined, never used,\nover two lines.\n\n"
            "    And a second paragraph.\n\nBack to the text.\n")
    result = posts(tmp_path, {"p.md": text})
    assert [b.text for b in result.articles[0].blocks if b.kind == m.NOTE] == ["The note used."]
    (unused,) = [i for i in result.left_out if i.what == "unreferenced-note"]
    assert (unused.line, unused.text) == (12, "Defined, never used, over two lines. And a second paragraph.")
    assert "[^B]" in unused.reason and "never refers" in unused.reason


def with_pictures(tmp_path: Path, files: dict[str, str], pictures: list[str]):
    """Posts read with a book whose images folder (book.yaml `images:`) holds these pictures."""
    from PIL import Image
    uploads = tmp_path / "uploads"
    for picture in pictures:
        (uploads / picture).parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (40, 30), (120, 90, 60)).save(uploads / picture, "PNG")
    folder = tmp_path / "sources"
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    book = a_book()
    book.images = uploads
    return split_sources(sorted(p for p in folder.rglob("*") if p.is_file()), book,
                         str(tmp_path / "book.yaml"), folder)


HUGO_FIGURES = """---
title: Figures
---
Opening words.

{{< figure src="/img/harbour.png" alt="Boats at dawn" >}}
Written straight under it, with [a link](https://example.org) and _emphasis_.

{{<figure src = "missing.png" >}}

{{< figure src="/img/harbour.png" title="The harbour" caption="Drawn by [Ann](https://example.org) in **1900**" attr="CC BY" >}}

{{< figureforgallery src="/img/plot.png" caption="old plot" >}}

{{< video src="clip.mp4" caption="Not a picture" >}}
"""


def test_a_figure_shortcode_is_a_picture_with_or_without_a_caption(tmp_path):
    """Hugo's figure shortcode shows a picture whether or not it has a caption; so does any
    shortcode whose src is a picture file (a theme's own `figureforgallery`, `img`).  The
    caption is Markdown (Hugo renders it so); the paragraph written on the next line is
    still Markdown, not raw HTML."""
    result = with_pictures(tmp_path, {"posts/figures.md": HUGO_FIGURES}, ["img/harbour.png", "img/plot.png"])
    (article,) = result.articles
    body = [(b.kind, b.text, b.image, b.alt, b.source.first_line) for b in article.blocks if b.kind != m.TITLE]
    assert body == [
        (m.PARAGRAPH, "Opening words.", "", "", 4),
        (m.FIGURE, "", "img/harbour.png", "Boats at dawn", 6),
        (m.PARAGRAPH, "Written straight under it, with a link and emphasis.", "", "", 7),
        (m.FIGURE, "The harbour. Drawn by Ann in 1900 CC BY", "img/harbour.png", "", 11),
        (m.FIGURE, "old plot", "img/plot.png", "", 13)]
    missing = [i for i in result.left_out if i.what == "image"]
    assert [(i.line, i.text) for i in missing] == [(9, "missing.png")]
    assert "picture" in missing[0].reason and "missing.png" in missing[0].reason
    assert [(i.what, i.line) for i in result.left_out if i.what == "shortcode"] == [("shortcode", 15)]


def test_a_figure_shortcode_without_the_picture_leaves_its_caption_and_reports_the_picture(tmp_path):
    result = posts(tmp_path, {"posts/figures.md": HUGO_FIGURES})
    (article,) = result.articles
    assert [(b.kind, b.text) for b in article.blocks if b.kind == m.CAPTION] == [
        (m.CAPTION, "The harbour. Drawn by Ann in 1900 CC BY"), (m.CAPTION, "old plot")]
    assert sorted((i.line, i.what) for i in result.left_out) == [
        (6, "image"), (9, "image"), (11, "image"), (13, "image"), (15, "shortcode")]
    assert all("the book has no copy" in i.reason for i in result.left_out if i.what == "image")


def test_an_escaped_shortcode_is_printed_as_the_site_prints_it(tmp_path):
    """Hugo's `{{</* figure */>}}` is how a post shows shortcode syntax: the site prints
    `{{< figure >}}`, in the text and in code alike; a real shortcode beside it is still markup."""
    text = ('---\ntitle: Syntax\n---\nWrite\n\n{{</* figure src="a.png"\n  caption="A" */>}}\n\nthen\n\n'
            '```\n{{%/* note */%}}\n```\n\n{{< figure src="a.png" caption="A" >}}\n\nThe end.\n')
    result = posts(tmp_path, {"syntax.md": text})
    (article,) = result.articles
    body = [(b.kind, b.text, b.source.first_line) for b in article.blocks if b.kind != m.TITLE]
    assert body == [(m.PARAGRAPH, "Write", 4), (m.PARAGRAPH, '{{< figure src="a.png" caption="A" >}}', 6),
                    (m.PARAGRAPH, "then", 9), (m.CODE, "{{% note %}}", 11), (m.CAPTION, "A", 15),
                    (m.PARAGRAPH, "The end.", 17)]
    assert [(i.what, i.line) for i in result.left_out] == [("image", 15)]


def test_a_standfirst_written_in_markdown_is_its_text(tmp_path):
    text = ('---\ntitle: J\ndescription: "[Computo](https://computo.example) is __a__ _journal_."\n---\n'
            "An opening that says something else.\n")
    (article,) = posts(tmp_path, {"j.md": text}).articles
    assert [b.text for b in article.blocks if b.kind == m.STANDFIRST] == ["Computo is a journal."]


def test_a_quote_shortcode_is_a_quotation_with_its_attribution(tmp_path):
    """A theme's `quote` shortcode holds someone else's words: the book sets them as a
    quotation, with who said them (its footer, cite, author... parameters), not as the
    post's own paragraph; every line keeps its number."""
    text = ('---\ntitle: Q\n---\nBefore.\n\n{{< quote footer="Ann Lee" cite="[a talk](https://example.org)" >}}\n'
            "Their *words*,\nover two lines.\n{{< /quote >}}\n\n{{% blockquote %}}Unsigned.{{% /blockquote %}}\n\nAfter.\n")
    result = posts(tmp_path, {"q.md": text})
    (article,) = result.articles
    body = [(b.kind, b.text, b.source.first_line) for b in article.blocks if b.kind != m.TITLE]
    assert body == [(m.PARAGRAPH, "Before.", 4),
                    (m.QUOTE, "Their words, over two lines. — Ann Lee, a talk", 7),
                    (m.QUOTE, "Unsigned.", 11), (m.PARAGRAPH, "After.", 13)]
    assert result.left_out == []


def test_a_gallerys_caption_goes_under_its_last_picture(tmp_path):
    text = ('---\ntitle: G\n---\n{{< gallery caption="Figure 1: two scans.">}}\n'
            '{{< figureforgallery src="/img/a.png" caption="bullet 1" >}}\n'
            '{{< figureforgallery src="/img/b.png" >}}\n{{< /gallery >}}\n\n'
            '{{< gallery caption="No pictures inside" >}}text{{< /gallery >}}\n')
    result = with_pictures(tmp_path, {"g.md": text}, ["img/a.png", "img/b.png"])
    (article,) = result.articles
    assert [(b.kind, b.text, b.image) for b in article.blocks if b.kind != m.TITLE] == [
        (m.FIGURE, "bullet 1", "img/a.png"), (m.FIGURE, "Figure 1: two scans.", "img/b.png"),
        (m.PARAGRAPH, "text", "")]
    assert [(i.what, i.line, i.text[:20]) for i in result.left_out] == [("shortcode", 9, '{{< gallery caption=')]


def test_what_to_check_is_in_the_split_report(tmp_path):
    from scripts.text.normalise import split_report
    result = posts(tmp_path, {"_posts/2023-01-02-a.md": "---\ntitle: A\nauthor: parkr\n---\nText.\n"})
    data, text = split_report(result.articles, {"notices": [n.to_dict() for n in result.notices]})
    assert data["to_check"][0]["file"] == "_posts/2023-01-02-a.md"
    assert "To check" in text and "“parkr”" in text and "_data/authors.yml" in text


def test_text_in_a_front_matter_key_the_book_does_not_read_is_reported(tmp_path):
    # rOpenSci's theme prints `preface:` above the post; a layout or a picture is not text.
    result = posts(tmp_path, {"_posts/2023-01-02-a.md":
                              "---\ntitle: A\npreface: This work was funded by a fellowship of the society, thanks to them.\n"
                              "layout: post\nfeature_image: /img/a.png\ndescription: The standfirst, read as one.\n"
                              "---\nText.\n"})
    reported = [(i.what, i.text[:21]) for i in result.left_out]
    assert reported == [("front-matter", "This work was funded ")]
    assert "'preface:'" in result.left_out[0].reason


def test_after_an_edit_to_one_post_only_that_post_goes_through_pandoc_again(tmp_path, own_memos):
    from scripts.cli import main
    book = tmp_path / "book"
    (book / "sources").mkdir(parents=True)
    (book / "book.yaml").write_text('title: "T"\nauthor: "Jane Writer"\n', encoding="utf-8")
    for n in range(3):
        (book / "sources" / f"2021-0{n + 1}-01-post-{n}.md").write_text(
            f"---\ntitle: Post {n}\n---\n\nThe body of post {n}.\n", encoding="utf-8")
    build = tmp_path / "build"
    memo = build / "cache" / "split"

    def split() -> set[str]:
        assert main(["split", "--book", str(book), "--build", str(build)]) == 0
        return {p.name for p in memo.iterdir()}
    before = split()
    assert len(before) == 3                         # one conversion a post
    edited = book / "sources" / "2021-02-01-post-1.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA new paragraph.\n", encoding="utf-8")
    after = split()
    assert len(after - before) == 1 and len(after) == 3     # the edited one made, its old one pruned
    assert "A new paragraph." in (build / "model" / "split.json").read_text(encoding="utf-8")
