"""Article Markdown and chapter HTML: structure, and scraped text that stays text."""

from __future__ import annotations

from scripts.core import model as m
from scripts.content.articles import article_blocks, to_markdown
from scripts.content.chapters import markdown_to_html
from tests.conftest import by_slug, check_golden_text

HOSTILE = ('<script>alert("x")</script> Tom & Jerry < 3 [click](javascript:alert(1)) *not bold* '
           '<img src=x onerror=alert(1)> javascript:void(0)')


def article_with(*blocks: tuple[str, str], notes=()) -> m.Article:
    made = [m.Block(kind=k, text=t, id=f"b{i}", source=m.SourceRef("x.txt", i + 1, i + 1),
                    number=(i if k == m.NUMBERED else None)) for i, (k, t) in enumerate(blocks)]
    return m.Article(slug="hostile", source_file="x.txt", first_line=1, last_line=len(made),
                     blocks=made, notes=list(notes), outlet="The <b>Outlet</b>")


def test_scraped_markup_is_escaped_all_the_way_to_html(book):
    article = article_with((m.INTRO, HOSTILE), (m.TITLE, "Title <script>x</script>"),
                           (m.PARAGRAPH, HOSTILE + m.note_ref(1)), (m.HEADING, "<h1>Heading</h1>"),
                           notes=[m.Note(1, "See javascript:alert(2) and <https://example.org/a_b>.")])
    fields = markdown_to_html(to_markdown(article, 1, book))
    everything = " ".join(" ".join(v) for v in fields.values())
    assert "<script" not in everything and "<img" not in everything and "<b>" not in everything
    assert 'href="javascript' not in everything
    assert "&lt;script&gt;" in fields["body"][0] and "Tom &amp; Jerry" in fields["body"][0]
    assert "*not bold*" in fields["body"][0]
    assert '<a href="https://example.org/a_b"' in fields["body"][0]       # real web links survive
    assert "&lt;script&gt;" in fields["title"][0] and "&lt;b&gt;Outlet" in fields["outlet"][0]


def test_chapter_structure_from_the_seeds(normalised):
    testimony = by_slug(normalised)["china-central-asia-uk-policy-options"]
    kinds = [b["t"] for b in article_blocks(testimony)]
    assert kinds == ["OrderedList", "Header", "OrderedList"]        # evidence, "UK options", evidence
    second_list = article_blocks(testimony)[2]
    assert second_list["c"][0][0] == 21                               # numbering continues after the heading
    trouble = by_slug(normalised)["trouble-brews-central-asia"]
    sidebar = [b for b in article_blocks(trouble) if b["t"] == "Div"]
    assert len(sidebar) == 1 and sidebar[0]["c"][0][1] == ["sidebar"]


def test_golden_article_markdown(normalised, book):
    article = by_slug(normalised)["kazakhstan-crisis-about-country-not-big"]
    text = to_markdown(article, 4, book)
    check_golden_text("articles/kazakhstan-crisis.md", text)
    assert "It’s About the Country" in text                           # typographic quotes kept as written


def test_html_stage_cache_is_used_only_for_the_articles_it_was_made_from(tmp_path, normalised, book):
    import shutil

    from scripts.content import chapters
    from scripts.content.articles import write_articles
    articles = tmp_path / "articles"
    write_articles(normalised[:2], book, articles)
    fresh = chapters.load_chapters(articles)
    chapters.write_cache(articles)
    cached = chapters.load_chapters(articles)
    assert [(c.title, c.body) for c in cached] == [(c.title, c.body) for c in fresh]
    # Edit an article: the cache no longer matches it, so it is converted again.
    path = sorted(articles.glob("*.md"))[0]
    path.write_text(path.read_text(encoding="utf-8").replace("Kazakhstan", "Qazaqstan"), encoding="utf-8")
    edited = chapters.load_chapters(articles)
    assert "Qazaqstan" in edited[0].body and "Qazaqstan" not in cached[0].body
    shutil.rmtree(tmp_path / "html")


def test_a_notes_address_ends_before_the_sentences_punctuation():
    from scripts.content.pandoc_ast import linked_inlines
    links = [node["c"][2][0] for node in linked_inlines(
        "Yes you can, https://example.org/t/9074! See https://example.org/q?a=1? Or https://example.org/x.")
        if node["t"] == "Link"]
    assert links == ["https://example.org/t/9074", "https://example.org/q?a=1", "https://example.org/x"]


def test_a_list_followed_by_code_or_a_list_prints_no_separator(book):
    """pandoc's writer ends such a list with "<!-- -->" on a line of its own; the html
    stage reads with raw HTML off, so the books printed it as a paragraph (a real blog:
    tests/corpus/ropensci-hugo).  A post's own "<!-- -->", in text or code, is kept."""
    article = article_with((m.BULLET, "an item"), (m.CODE, "code() <!-- -->\n<!-- -->"),
                           (m.NUMBERED, "one"), (m.PARAGRAPH, "<!-- -->"))
    article.blocks[2].number = 1
    markdown = to_markdown(article, 1, book)
    assert "\n<!-- -->\n" in markdown                 # pandoc's separator is in the article file
    body = " ".join(markdown_to_html(markdown)["body"])
    assert body.count("&lt;!-- --&gt;") == 3          # two in the code, one the post's paragraph
    assert "<pre" in body and "<li>an item</li>" in body
