"""Hostile chapter HTML, for the sanitiser's tests and both books' (tests/content,
tests/books): what pandoc would never write from our articles, handed to the books as if it
had, through the HTML stage's cache (build/html/chapters.json), the books' one way in."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

TITLE = 'A <script>alert("title")</script><em>hostile</em> <blink>title</blink>'
BODY = """\
<p onclick="steal()" style="color:red">Click <a href="javascript:alert(1)">the script link</a>, \
the <a href="file:///etc/passwd">file link</a>, the <a href="data:text/html;base64,PHNjcmlwdD4=">data \
link</a> and the <a href="notes/secret.html">relative link</a>; keep <a href="https://example.org/ok">the \
web link</a>, <a href="mailto:editor@example.org">the mail link</a> and <a href="#here">the fragment</a>.</p>
<script>alert("boom")</script>
<p>Before the picture <img src="https://evil.example/pixel.gif" alt="a tracking pixel" \
onerror="alert(2)"> after the picture.</p>
<video src="https://evil.example/film.mp4">Your reader cannot play films</video>
<iframe src="https://evil.example/frame"></iframe>
<p id="here">Nested <font color="red">unknown <blink>tags <marquee>keep</marquee> their</blink> \
words</font> in place.</p>
<!-- an editor's comment -->
"""

# The text that must survive, and what must never show.
KEPT = [
    "Click the script link, the file link, the data link and the relative link; keep the web link, "
    "the mail link and the fragment.",
    "Before the picture a tracking pixel after the picture.",
    "Nested unknown tags keep their words in place.",
]
GONE = ["boom", "steal", "alert", "cannot play films", "passwd", "evil.example", "editor's comment"]

# (what, detail) of every entry the drop report must hold for BODY.
DROPPED = {
    ("link", "javascript:alert(1)"), ("link", "file:///etc/passwd"),
    ("link", "data:text/html;base64,PHNjcmlwdD4="), ("link", "notes/secret.html"),
    ("attribute", '<p onclick="steal()">'), ("attribute", '<p style="color:red">'),
    ("element", "<script>"), ("image", "https://evil.example/pixel.gif"),
    ("element", "<video https://evil.example/film.mp4>"),
    ("element", "<iframe https://evil.example/frame>"),
    ("element", "<font>"), ("element", "<blink>"), ("element", "<marquee>"),
    ("comment", "comment"),
}


def write_hostile_book(articles: Path) -> Path:
    """One article whose converted HTML (the HTML stage's cache) is the hostile fragment."""
    articles.mkdir(parents=True)
    markdown = "---\ntitle: Hostile\nslug: hostile\nchapter: 1\n---\n\nStand-in text.\n"
    path = articles / "01-hostile.md"
    path.write_text(markdown, encoding="utf-8")
    entry = {"file": path.name, "sha1": hashlib.sha1(markdown.encode()).hexdigest(), "number": 1,
             "slug": "hostile", "title": TITLE, "body": BODY, "subtitle": "", "authors": [],
             "headnote": "", "outlet": ""}
    cache = articles.parent / "html" / "chapters.json"
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps({"chapters": [entry]}), encoding="utf-8")
    return articles
