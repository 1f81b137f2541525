"""The books' one sanitiser (scripts/content/sanitise.py): hostile HTML comes out clean with
its text, every drop is reported, and what pandoc writes for our articles passes unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html

from scripts.content.chapters import load_chapters_from
from scripts.content.sanitise import ALLOWED_ELEMENTS, Dropped, safe_href, sanitise
from tests.hostile_html import BODY, DROPPED, GONE, KEPT, TITLE

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


def clean(fragment: str, parent: str = "div", **kwargs) -> tuple[html.HtmlElement, list[Dropped]]:
    root = html.fragment_fromstring(fragment, create_parent=parent)
    return root, sanitise(root, "01-test.md", **kwargs)


def flat(element) -> str:
    return " ".join(element.text_content().split())


def serialised(element) -> str:
    return html.tostring(element, encoding="unicode")


def test_hostile_html_comes_out_clean_with_its_text():
    root, _ = clean(BODY)
    text = flat(root)
    for sentence in KEPT:
        assert sentence in text
    out = serialised(root)
    for word in GONE:
        assert word not in out, word
    assert {e.tag for e in root.iter() if isinstance(e.tag, str)} <= ALLOWED_ELEMENTS | {"div"}
    assert not any(e.attrib for e in root.iter("p") if e.get("id") != "here")
    assert [a.get("href") for a in root.iter("a")] == [
        "https://example.org/ok", "mailto:editor@example.org", "#here"]


def test_every_drop_is_reported_with_its_chapter_and_an_excerpt():
    _, dropped = clean(BODY)
    assert {(d.what, d.detail) for d in dropped} == DROPPED
    assert {d.where for d in dropped} == {"01-test.md"}
    by_detail = {d.detail: d for d in dropped}
    assert by_detail["javascript:alert(1)"].excerpt == "the script link"
    assert by_detail["<script>"].excerpt == 'alert("boom")'
    assert by_detail["https://evil.example/pixel.gif"].excerpt == "a tracking pixel"
    assert all(len(d.excerpt) <= 60 and d.reason for d in dropped)
    assert set(dropped[0].as_dict()) == {"where", "what", "detail", "excerpt", "reason"}


def test_inline_fragment_keeps_its_text_and_emphasis():
    root, dropped = clean(TITLE, "span")
    assert serialised(root) == "<span>A <em>hostile</em> title</span>"
    assert {(d.what, d.detail) for d in dropped} == {("element", "<script>"), ("element", "<blink>")}


@pytest.mark.parametrize("href, safe", [
    ("https://example.org/a?b=1", True), ("http://example.org", True),
    ("mailto:editor@example.org", True), ("#fn1", True), ("  #fn1", True),
    ("javascript:alert(1)", False), ("JavaScript:alert(1)", False), (" javascript:x", False),
    ("java\nscript:alert(1)", False), ("data:text/html,x", False), ("file:///etc/passwd", False),
    ("vbscript:x", False), ("ftp://example.org/f", False), ("notes.html", False),
    ("../secret.txt", False), ("//evil.example/x", False), ("https:", False), ("mailto:", False),
])
def test_only_web_mail_and_fragment_links_are_kept(href, safe):
    assert safe_href(href) is safe


def test_the_books_own_pages_only_when_named():
    fragment = '<p><a href="chapter-01.xhtml#ix-1">1</a> <a href="chapter-02.xhtml">2</a></p>'
    root, dropped = clean(fragment, internal=frozenset({"chapter-01.xhtml"}))
    assert [a.get("href") for a in root.iter("a")] == ["chapter-01.xhtml#ix-1"]
    assert [(d.what, d.detail) for d in dropped] == [("link", "chapter-02.xhtml")]


def test_unknown_attributes_classes_and_ids_go_and_are_reported():
    fragment = ('<section class="level2 evil" id="s" data-noindex="1" data-x="y">'
                '<h2 id="1bad" title="t">H</h2><ol start="x"><li value="3">i</li></ol>'
                '<span class="nocase junk">n</span><div class="only-junk">d</div></section>')
    root, dropped = clean(fragment)
    assert serialised(root[0]) == (
        '<section class="level2" id="s" data-noindex="1"><h2 title="t">H</h2><ol><li value="3">'
        'i</li></ol><span class="nocase">n</span><div>d</div></section>')
    assert {(d.what, d.detail) for d in dropped} == {
        ("class", '<section class="evil">'), ("attribute", '<section data-x="y">'),
        ("attribute", '<h2 id="1bad">'), ("attribute", '<ol start="x">'),
        ("class", '<span class="junk">'), ("class", '<div class="only-junk">')}


def test_an_image_without_alt_text_is_reported_and_leaves_no_text():
    root, dropped = clean('<p>a<img src="x.png">b</p>')
    assert serialised(root[0]) == "<p>ab</p>"
    assert [(d.what, d.detail, d.excerpt) for d in dropped] == [("image", "x.png", "")]


def test_unwrapping_keeps_order_and_tails():
    root, _ = clean("<p>1<x>2<em>3</em>4</x>5<y></y>6<z>7</z></p>")
    assert serialised(root[0]) == "<p>12<em>3</em>4567</p>"


# ---------------------------------------------------------------- legitimate input passes

def _unchanged(fragment: str, parent: str, **kwargs) -> None:
    before = serialised(html.fragment_fromstring(fragment, create_parent=parent))
    root, dropped = clean(fragment, parent, **kwargs)
    assert dropped == []
    assert serialised(root) == before


def test_pandoc_output_for_the_fixture_chapters_passes_unchanged():
    paths = sorted((FIXTURES / "articles").glob("*.md")) + sorted(
        (FIXTURES / "epub" / "articles").glob("*.md"))
    chapters = load_chapters_from(paths)
    assert len(chapters) == 6
    for chapter in chapters:
        _unchanged(chapter.body, "div")
        for inline in (chapter.title, chapter.subtitle, chapter.headnote, chapter.outlet,
                       *chapter.authors):
            if inline:
                _unchanged(inline, "span")


def test_pandoc_constructs_our_articles_use_pass_unchanged():
    """Sidebars, emphasis, lists, quotations, numbered evidence, notes, URLs and mail links."""
    markdown = ("---\ntitle: T\n---\n\n## A *heading* {data-noindex=\"1\"}\n\n::: sidebar\n"
                "### Box\n\nSide.\n:::\n\n> Quoted **strongly**, x^2^ and H~2~O.\n\n"
                "21. evidence\n22. more\n\n- a\n- b\n\n---\n\nMail <editor@example.org>, "
                "see <https://example.org/x> and `code`.[^1]\n\n[^1]: A note.\n")
    chapter = load_chapters_from([Path("01-t.md")], [markdown])[0]
    _unchanged(chapter.body, "div")


def test_the_bibliography_and_the_index_fixtures_pass_unchanged():
    _unchanged((FIXTURES / "epub" / "bibliography.html").read_text(encoding="utf-8"), "div")
    _unchanged((FIXTURES / "index" / "chapter.html").read_text(encoding="utf-8"), "div")


def test_the_html_stage_prepares_each_chapter_once_sanitised_with_its_drops_recorded(tmp_path):
    """Markdown can still carry a link a reader's device would execute or a picture the
    book cannot hold; the html stage cleans them once, and chapters.json keeps the list."""
    import json

    from scripts.content import chapters as chapter_stage

    articles = tmp_path / "build" / "articles"
    articles.mkdir(parents=True)
    (articles / "01-a.md").write_text(
        "---\ntitle: A *Title*\nslug: a\n---\n\nRead [this](javascript:alert(1)) and "
        "see ![the map](file:///etc/passwd).\n", encoding="utf-8")
    chapter_stage.write_cache(articles)
    cached = json.loads(chapter_stage.cache_path(articles).read_text(encoding="utf-8"))["chapters"][0]
    assert "javascript:" not in cached["body"] and "file:" not in cached["body"] and "<img" not in cached["body"]
    assert "this" in cached["body"] and "the map" in cached["body"]          # the words stay
    assert {d["what"] for d in cached["dropped"]} >= {"link", "image"}
    [chapter] = chapter_stage.load_chapters(articles)                     # read back from the cache
    assert chapter.title_text == "A Title" and len(chapter.dropped) == len(cached["dropped"])
    assert chapter_stage.checked(chapter).dropped == chapter.dropped      # the books' gate finds nothing more


@pytest.mark.parametrize("src, kept", [
    ("../images/0123456789abcdef.jpg", True),        # the book's own copy (articles stage)
    ("../images/0123456789abcdef.png", True),
    ("../images/../../etc/0123456789abcdef.jpg", False),
    ("../images/0123456789abcdef.svg", False),       # never a format that can hold script
    ("file:///etc/0123456789abcdef.jpg", False),
    ("https://tracker.example/0123456789abcdef.jpg", False),
    ("images/0123456789abcdef.jpg", False),
])
def test_only_the_books_own_pictures_stay_with_nothing_but_their_alt_text(src, kept):
    root, dropped = clean(f'<figure><img src="{src}" alt="A map" onerror="alert(1)" width="9">'
                          '<figcaption>Map.</figcaption></figure>')
    images = list(root.iter("img"))
    if kept:
        assert [dict(i.attrib) for i in images] == [{"src": src, "alt": "A map"}]
        assert {d.detail for d in dropped} == {'<img onerror="alert(1)">', '<img width="9">'}
    else:
        assert images == [] and "A map" in flat(root)
        assert [d.what for d in dropped] == ["image"]
