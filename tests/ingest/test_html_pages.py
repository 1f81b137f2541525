"""The saved-pages adapter on pages written the way WordPress themes write them; the
real saved pages are in tests/corpus/ (buccola-html, cc-techblog-html)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scripts.core import model as m
from scripts.core.book import Book, Selection
from scripts.core.errors import UserError
from scripts.text.split import split_sources

CHROME = """<header class="site-header"><h1 class="site-title">My Site</h1><nav>Home About Contact</nav></header>
<aside class="widget-area"><section class="widget">Recent posts: one, two, three</section></aside>
<footer class="site-footer">Proudly powered by WordPress</footer>"""


def page(body: str, charset: str = "utf-8", head: str = "") -> str:
    return (f'<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="{charset}"><title>A post – My Site</title>'
            f'<meta property="og:site_name" content="My Site">{head}</head>\n<body>\n{CHROME}\n{body}\n</body></html>\n')


SINGLE = """<article id="post-7" class="post-7 post type-post hentry">
<header class="entry-header"><h1 class="entry-title">Water and Power in the Valley</h1>
<div class="entry-meta">Posted on <time class="entry-date published" datetime="2019-03-04T10:00:00+00:00">March 4, 2019</time> by <span class="author vcard"><a class="url fn n">Ann Lee</a></span></div></header>
<div class="entry-content">
<p>The valley’s rivers feed three countries.<sup id="r1"><a href="#n1">1</a></sup> Their dams are old.</p>
<div class="sharedaddy"><h3>Share this:</h3><a>Twitter</a> <a>Facebook</a></div>
<p>A second paragraph of the post.</p>
<ol class="footnotes"><li id="n1">A report of 2018. <a href="#r1">↩</a></li></ol>
</div>
<footer class="entry-footer">Posted in <a>Energy</a> | <a>Leave a comment</a></footer>
</article>
<div id="comments" class="comments-area"><h2>3 thoughts on this post</h2><p>Great post!</p></div>"""


def a_book() -> Book:
    return Book(title="T", author="Ann Lee", author_file_as="Lee, Ann", language="en", publisher="P",
                rights="R", identifier="urn:x", date=dt.date(2022, 1, 1), select=Selection())


def read(tmp_path: Path, pages: dict[str, str | bytes]):
    paths = []
    for name, text in pages.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        paths.append(path)
    return split_sources(paths, a_book(), str(tmp_path / "book.yaml"), tmp_path)


def test_a_single_post_page_gives_its_post_and_reports_the_site_around_it(tmp_path):
    result = read(tmp_path, {"post.html": page(SINGLE)})
    (article,) = result.articles
    assert (article.title, article.date, article.origin) == ("Water and Power in the Valley", "2019-03-04", "html")
    assert [(b.kind, b.text) for b in article.blocks[1:]] == [
        ("paragraph", f"The valley’s rivers feed three countries.{m.note_ref(1)} Their dams are old."),
        ("paragraph", "A second paragraph of the post."), ("note", "A report of 2018.")]
    chrome = {i.what for i in result.left_out}
    assert {"page-chrome", "post-meta"} <= chrome
    texts = " ".join(i.text for i in result.left_out)
    assert "Share this" in texts and "Great post" in texts and "Proudly powered" in texts
    assert article.blocks[1].source.first_line == page(SINGLE).split("\n").index(
        next(l for l in page(SINGLE).split("\n") if "feed three countries" in l)) + 1


def test_an_archive_page_gives_each_post_and_the_same_post_saved_twice_is_one_chapter(tmp_path):
    archive = "\n".join(f"""<article class="post type-post hentry"><h2 class="entry-title">Post number {n}</h2>
<time datetime="2020-0{n}-01">1 {month} 2020</time><div class="entry-content"><p>Body of post {n}, long enough to be
a post of its own with words in it.</p></div></article>""" for n, month in ((3, "March"), (2, "February"), (1, "January")))
    single = """<article class="post"><h1 class="entry-title">Post number 2</h1><time datetime="2020-02-01">1 February 2020</time>
<div class="entry-content"><p>Body of post 2, long enough to be
a post of its own with words in it.</p></div></article>"""
    result = read(tmp_path, {"archive.html": page(archive), "single.html": page(single)})
    assert [a.title for a in result.articles] == ["Post number 1", "Post number 2", "Post number 3"]
    assert len(result.merged) == 1


def test_an_archive_of_openings_only_stops_with_what_to_do(tmp_path):
    teasers = "\n".join(f"""<article class="post"><h2 class="entry-title">Teaser {n}</h2><div class="entry-summary">
<p>The opening words of post {n} and nothing more of it here…</p><a class="more-link" href="/p{n}">Continue reading →</a></div></article>"""
                        for n in range(3))
    with pytest.raises(UserError, match="only the openings") as error:
        read(tmp_path, {"home.html": page(teasers)})
    assert "own page" in error.value.hint


def test_a_page_in_windows_1252_is_read_in_it(tmp_path):
    text = page(SINGLE.replace("valley’s", "valley\u2019s café").replace("↩", "^"), charset="windows-1252")
    result = read(tmp_path, {"old.html": text.encode("windows-1252")})
    assert "café" in result.articles[0].blocks[1].text


def test_a_page_with_no_post_is_one_clear_error(tmp_path):
    with pytest.raises(UserError, match="no post found") as error:
        read(tmp_path, {"nothing.html": "<html><body><div>Login</div></body></html>"})
    assert error.value.file == "nothing.html" and error.value.hint


def test_scripts_and_styles_never_reach_the_book(tmp_path):
    body = SINGLE.replace("<p>A second", "<script>alert('x')</script><style>p{}</style><p>A second")
    result = read(tmp_path, {"post.html": page(body)})
    assert not any("alert" in b.text for a in result.articles for b in a.blocks)
