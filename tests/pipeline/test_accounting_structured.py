"""Nothing is lost from a structured source either: every word of every published post of
a WordPress export, and of every Markdown post, ends up in the book (a chapter block, its front matter, a note) or in
a report (a block dedupe took out, an item the adapter left out, with its reason).

The source is read here independently of the adapter (lxml over the export, the post's
HTML text as a browser would show it, scripts and styles aside), so an adapter that
drops text without a LeftOut fails the test."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from scripts.core import model as m
from scripts.dev.synth_wxr import write_export
from scripts.stages import TEXT_STAGES
from tests.conftest import ROOT, SOURCES, run_stages

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "wxr-small.xml"
WP = "{http://wordpress.org/export/1.2/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
WORD = re.compile(r"\w+")
BLOCKS = ("p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "br",
          "pre", "blockquote", "table", "tr", "td", "th", "figure", "figcaption", "hr", "section")
BOOK_YAML = """title: "T"
author: "Jordan Avery"
language: "en"
publisher: "P"
rights: "R"
identifier: "urn:uuid:00000000-0000-4000-8000-000000000001"
date: "2026-01-01"
"""


def words(text: str) -> Counter:
    return Counter(w.casefold() for w in WORD.findall(text))


def published_words(export: Path) -> Counter:
    """The words a reader of the site sees in its published posts: titles and bodies."""
    total: Counter = Counter()
    root = etree.parse(str(export)).getroot()
    for item in root.iter("item"):
        if item.findtext(f"{WP}post_type") != "post" or item.findtext(f"{WP}status") != "publish":
            continue
        total += words(lxml_html.fromstring(f"<p>{item.findtext('title') or ''}</p>").text_content())
        body = item.findtext(CONTENT) or ""
        body = re.sub(r"\[/?\w[^\]]*\]", " ", body)           # shortcode tags are markup
        if body.strip():
            tree = lxml_html.fragment_fromstring(body, create_parent="div")
            for element in list(tree.iter("script", "style")):
                element.drop_tree()
            # A note reference's number becomes the book's own note mark, not a word: a
            # linked number, a bare superscript number, a Textile note's "fn1." label.
            for anchor in list(tree.iter("a")):
                if anchor.get("href", "").startswith("#") and re.fullmatch(r"\W*\d{1,3}\W*", anchor.text_content()):
                    anchor.drop_tree()
            for sup in list(tree.iter("sup")):
                if re.fullmatch(r"\W*\d{1,3}\W*", sup.text_content()):
                    sup.drop_tree()
            # Block elements are separate words on the page; text_content() would glue
            # "<li>metadata</li><li>read</li>" into one word the book never prints.
            for element in tree.iter(*BLOCKS):
                element.tail = " " + (element.tail or "")
                element.text = " " + (element.text or "")
            total += words(re.sub(r"(?m)^\s*fn\d+\.", " ", tree.text_content()))
        for meta in item.iter(f"{WP}postmeta"):                # block-editor footnotes
            if meta.findtext(f"{WP}meta_key") == "footnotes":
                for note in json.loads(meta.findtext(f"{WP}meta_value") or "[]"):
                    total += words(lxml_html.fromstring(f"<p>{note['content']}</p>").text_content())
    return total


def accounted_words(build: Path) -> Counter:
    total: Counter = Counter()
    for article in m.load_articles(build / "model" / "noted.json"):
        for block in article.blocks:
            total += words(m.NOTE_OPEN.join(re.split(f"{m.NOTE_OPEN}\\d+{m.NOTE_CLOSE}", block.text)))
        for note in article.notes:
            total += words(note.text)
        for removal in article.removed:
            total += words(removal.block.text)
    extra = json.loads((build / "model" / "split-extra.json").read_text(encoding="utf-8"))
    for item in extra["left_out"]:
        total += words(item["text"])
    return total


def run_text_stages(book: Path, build: Path) -> None:
    assert run_stages(book, build, *(s.name for s in TEXT_STAGES)) == 0


def missing_words(book: Path, build: Path, export: Path) -> Counter:
    run_text_stages(book, build)
    return published_words(export) - accounted_words(build)


def a_book(tmp_path: Path, export: Path | None = None) -> Path:
    book = tmp_path / "book"
    (book / "sources").mkdir(parents=True)
    if export is not None:
        shutil.copy(export, book / "sources" / "export.xml")
    (book / "book.yaml").write_text(BOOK_YAML, encoding="utf-8")
    return book


def test_every_word_of_the_small_export_is_in_the_book_or_a_report(tmp_path):
    book = a_book(tmp_path, FIXTURE)
    assert not missing_words(book, tmp_path / "build", book / "sources" / "export.xml")


def test_every_word_of_a_generated_export_is_in_the_book_or_a_report(tmp_path):
    corpus = [p.read_text(encoding="utf-8") for p in sorted(SOURCES.glob("*.txt"))]
    book = tmp_path / "book"
    write_export(40, 7, corpus, book)
    missing = missing_words(book, tmp_path / "build", book / "sources" / "export.xml")
    assert not missing, f"words that went nowhere: {missing.most_common(10)}"


def test_the_check_can_fail(tmp_path):
    """Lose one left-out record and its words are missing."""
    book = a_book(tmp_path, FIXTURE)
    build = tmp_path / "build"
    run_text_stages(book, build)
    extra_path = build / "model" / "split-extra.json"
    extra = json.loads(extra_path.read_text(encoding="utf-8"))
    extra["left_out"] = [i for i in extra["left_out"] if i["what"] != "unreferenced-note"]
    caption_lost = build / "model" / "noted.json"
    articles = m.load_articles(caption_lost)
    for article in articles:
        article.removed = []                      # the caption dedupe took out, forgotten
    m.save_articles(caption_lost, articles)
    assert published_words(book / "sources" / "export.xml") - accounted_words(build)


MARKDOWN_POSTS = {
    "2021-03-04-cases.md": "---\ntitle: \"Cases: a study\"\n---\n\nThe opening cites a case.[^1] It goes on\n"
                           "over two lines.\n\n## A heading\n\n- a point\n- another point[^b]\n\n"
                           "> Quoted words here.\n\n| Year | Sales |\n|---|---|\n| 2020 | five |\n\n"
                           "{% include signup.html %}\n\n```\ncode stays code\n```\n\n"
                           "[^1]: *Smith v Jones*, <https://example.org/case>.\n[^b]: A longer note\n    that wraps.\n",
    "2021-04-01-second.md": "+++\ntitle = \"Second\"\n+++\n\nPlain text <b>with</b> raw HTML.\n\n"
                            "{{< figure src=\"a.jpg\" caption=\"The map caption\" >}}\n",
}


def markdown_words(folder: Path, build: Path) -> Counter:
    """What a reader of the site sees: the title and the text pandoc renders, generator
    markup aside (its tags are the site's templates, not the post's words)."""
    titles, bodies = [], []
    for path in sorted(folder.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        fence = text.split("\n", 1)[0]
        front, _, body = text[len(fence) + 1:].partition(f"\n{fence}\n")
        titles.append(re.search(r"title\s*[:=]\s*\"?(.+?)\"?\s*$", front, re.M).group(1))
        bodies.append(re.sub(r"\{%.*?%\}|\{\{<.*?>\}\}", " ", body, flags=re.S))
    total: Counter = Counter()
    for title, plain in zip(titles, as_plain(bodies, build)):
        # pandoc's plain text numbers the notes "[1]": the book's own note marks, not words
        total += words(title) + words(re.sub(r"\[\d+\]", " ", plain))
    # the shortcode's caption is the post's text too
    total += words("The map caption")
    return total


def test_every_word_of_markdown_posts_is_in_the_book_or_a_report(tmp_path):
    book = a_book(tmp_path)
    posts = book / "sources" / "_posts"
    posts.mkdir()
    for name, text in MARKDOWN_POSTS.items():
        (posts / name).write_text(text, encoding="utf-8")
    build = tmp_path / "build"
    run_text_stages(book, build)
    missing = markdown_words(posts, build) - accounted_words(build)
    assert not missing, f"words that went nowhere: {missing.most_common(10)}"


@pytest.mark.parametrize("page", ["cc-techblog-html/entries/draft-metadata-for-public-domain-mark/index.html",
                                  "buccola-html/the-semantics-of-unless/index.html"])
def test_every_word_of_a_saved_page_is_in_the_book_or_a_report(tmp_path, page):
    """The post and everything around it (menus, sidebars, comments, footer) are accounted
    for: the post in the book, the site in the report, region by region."""
    source = ROOT / "tests" / "corpus" / page
    book = a_book(tmp_path)
    shutil.copy(source, book / "sources" / "page.html")
    build = tmp_path / "build"
    run_text_stages(book, build)
    tree = lxml_html.document_fromstring(source.read_bytes())
    for element in list(tree.iter("script", "style", "noscript", "template", "head")):
        element.drop_tree()
    for anchor in list(tree.iter("a")):          # note numbers become the book's note marks
        if anchor.get("href", "").startswith("#") and re.fullmatch(r"\W*\d{1,3}\W*", anchor.text_content()):
            anchor.drop_tree()
    missing = words(tree.text_content()) - accounted_words(build)
    assert not missing, f"words that went nowhere: {missing.most_common(10)}"


SHORTCODE_TAG = re.compile(r"\{\{[<%](.*?)[>%]\}\}", re.S)
ESCAPED_TAG = re.compile(r"\{\{([<%])/\*(.*?)\*/([>%])\}\}", re.S)
SHOWN = re.compile(r"""\b(?:caption|title|attr)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def hugo_post_words(path: Path, build: Path) -> Counter:
    """What a reader of a Hugo site sees of one post, read without the adapter: the title,
    the body as pandoc renders it, a shortcode's caption, title and attribution (the rest
    of a tag is the theme's markup), an escaped shortcode as the text it prints, and every
    footnote, the unreferenced ones too (the site drops them: the book must report them)."""
    import yaml as yaml_reader
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    total = words(str(yaml_reader.safe_load(front)["title"]))
    body = ESCAPED_TAG.sub(lambda mt: " " + mt.group(2) + " ", body)
    shown = [value for tag in SHORTCODE_TAG.findall(body) for pair in SHOWN.findall(tag) for value in pair if value]
    body = SHORTCODE_TAG.sub(" ", body)
    body = re.sub(r"(?m)^ {0,3}\[\^[^\]\s]+\]:", "", body)        # a definition: a paragraph of its own
    body = re.sub(r"\[\^[^\]\s]+\]", " ", body)                   # a reference: the book's own mark
    plain, *values = as_plain([body, *shown], build)
    plain = re.sub(r"(?m)^\s*\d+[.)]\s", " ", plain)      # a numbered item's number: the book numbers it
    return sum((words(value) for value in values), total) + words(plain)


def as_plain(texts: list[str], build: Path) -> list[str]:
    """pandoc's plain text of each Markdown text, in one pandoc run (and remembered with the
    suite's other conversions, tests/conftest.py)."""
    from scripts.content.pandoc_batch import Document, convert_many, pandoc_memo
    return convert_many([Document(text) for text in texts], reader="commonmark_x", writer="plain",
                        memo=pandoc_memo(build, "ground-truth"))


def test_every_word_of_a_real_hugo_blog_is_in_the_book_or_a_report(tmp_path):
    """tests/corpus/ropensci-hugo: footnotes (two of them unreferenced), figure shortcodes with
    Markdown and HTML captions, a theme's own picture and quote shortcodes, escaped shortcodes.
    A translation (index.es.md) is the same post and is reported as a whole file, as a draft is."""
    import yaml as yaml_reader
    corpus = ROOT / "tests" / "corpus" / "ropensci-hugo"
    book = a_book(tmp_path)
    shutil.copytree(corpus / "content", book / "sources" / "content")
    build = tmp_path / "build"
    run_text_stages(book, build)
    posts = [post["file"] for post in yaml_reader.safe_load((corpus / "expected.yaml").read_text(encoding="utf-8"))["posts"]]
    seen = sum((hugo_post_words(corpus / name, build) for name in posts), Counter())
    missing = seen - accounted_words(build)
    assert not missing, f"words that went nowhere: {missing.most_common(10)}"
