"""Tiny book folders in each input format the split stage reads, built around whatever
title, paragraphs and notes a test gives (hostile or malformed ones), and the check that
nothing executable came out of the stages.

Each writer puts the same post into its format's natural shape: a text scrape (an archive
page: the blogger's introduction, the title, the text, a notes list), a WordPress export
(one published item; its content is the post's HTML, so markup in it is markup there and
text everywhere else), a Markdown post (front matter, then Markdown) and a saved page (an
<article> with its title and content).  What is "hostile" is the test's to say: the writers
only escape what their format requires, so a `<script>` given as text stays text in the
text scrape and Markdown (where the Markdown reader allows it, it is pandoc's raw HTML), and
becomes the post's own markup in the export and the saved page."""

from __future__ import annotations

import html
import json
from pathlib import Path

from lxml import html as lxml_html

from scripts.core.paths import BookPaths
from tests.conftest import run_stages

FORMATS = ("text", "wxr", "markdown", "html")
BOOK_YAML = ('title: "Hostile"\nauthor: "Jordan Avery"\nlanguage: "en"\n'
             'identifier: "urn:uuid:00000000-0000-4000-8000-000000000017"\ndate: "2024-01-01"\n')
INTRO = ("Another piece for the ever wonderful Nikkei Asian Review, this time on water, "
         "which I wrote late last year.")
STANDFIRST = "A standfirst that sets the scene."
SOURCE_NAMES = {"text": "archive.txt", "wxr": "export.xml", "markdown": "post.md", "html": "post.html"}
# The stages that turn sources into the HTML both books read: every one that can meet
# what a source holds, before the books only copy it.
TO_HTML = ("split", "normalise", "dedupe", "notes", "articles", "html")


def text_scrape(title: str, paragraphs: list[str], notes: list[str]) -> str:
    if notes and paragraphs:          # a scrape's note marks: "[1]" after the words they mark
        paragraphs = [*paragraphs[:-1], paragraphs[-1] + "".join(f" [{n}]" for n in range(1, len(notes) + 1))]
    parts = ["Archive for May, 2023", INTRO, title, STANDFIRST, *paragraphs]
    if notes:
        parts += ["Notes", *(f"{n} {text}" for n, text in enumerate(notes, 1))]
    return "\n\n".join(parts) + "\n"


def wordpress_export(title: str, paragraphs: list[str], notes: list[str]) -> str:
    body = "\n\n".join(paragraphs)
    if notes:
        body += "".join(f"[ref]{note}[/ref]" for note in notes)
    cdata = body.replace("]]>", "]]]]><![CDATA[>")
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
 <title>Hostile blog</title><link>http://example.com</link><language>en</language>
 <wp:wxr_version>1.2</wp:wxr_version>
 <item>
  <title>{html.escape(title, quote=False)}</title>
  <content:encoded><![CDATA[{cdata}]]></content:encoded>
  <wp:post_date><![CDATA[2023-05-01 10:00:00]]></wp:post_date>
  <wp:post_name><![CDATA[the-post]]></wp:post_name>
  <wp:status><![CDATA[publish]]></wp:status>
  <wp:post_type><![CDATA[post]]></wp:post_type>
 </item>
</channel>
</rss>
"""


def markdown_post(title: str, paragraphs: list[str], notes: list[str]) -> str:
    refs = "".join(f"[^{n}]" for n in range(1, len(notes) + 1))
    body = "\n\n".join(paragraphs) + refs
    defs = "".join(f"\n\n[^{n}]: {note}" for n, note in enumerate(notes, 1))
    return f"---\ntitle: {json.dumps(title)}\ndate: 2023-05-01\n---\n\n{body}{defs}\n"


def saved_page(title: str, paragraphs: list[str], notes: list[str]) -> str:
    refs = "".join(f'<sup><a href="#fn{n}" id="r{n}">{n}</a></sup>' for n in range(1, len(notes) + 1))
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs[:-1]) + f"\n<p>{paragraphs[-1]}{refs}</p>" \
        if paragraphs else ""
    listed = "".join(f'<li id="fn{n}">{note} <a href="#r{n}">↩</a></li>' for n, note in enumerate(notes, 1))
    footnotes = f'<div class="footnotes"><ol>{listed}</ol></div>' if notes else ""
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}"
            f"</title></head>\n<body><article><h1 class=\"entry-title\">{title}</h1>\n"
            f"<time datetime=\"2023-05-01\">1 May 2023</time>\n<div class=\"entry-content\">\n"
            f"{body}\n{footnotes}\n</div></article></body></html>\n")


WRITERS = {"text": text_scrape, "wxr": wordpress_export, "markdown": markdown_post, "html": saved_page}


def write_book(folder: Path, fmt: str, title: str = "A Title Without a Full Stop",
               paragraphs: list[str] | None = None, notes: list[str] | None = None, *,
               source: str | bytes | None = None, book_yaml: str = BOOK_YAML) -> Path:
    """A book folder with one source in `fmt`: the post written by that format's writer, or
    `source` (text or bytes) as the file's whole content.  Returns the folder."""
    paragraphs = paragraphs if paragraphs is not None else [
        "The body of the article, which says something of substance about rivers."]
    content = source if source is not None else WRITERS[fmt](title, paragraphs, notes or [])
    (folder / "sources").mkdir(parents=True)
    target = folder / "sources" / SOURCE_NAMES[fmt]
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8", errors="surrogatepass")
    (folder / "book.yaml").write_text(book_yaml, encoding="utf-8")
    return folder


def write_books(folder: Path, posts: list[tuple[str, str, str, list[str], list[str]]], *,
                book_yaml: str = BOOK_YAML) -> Path:
    """One book folder holding many sources, each (format, file name, title, paragraphs,
    notes): one build then covers every format and case (a build costs two pandoc runs)."""
    (folder / "sources").mkdir(parents=True)
    for fmt, name, title, paragraphs, notes in posts:
        (folder / "sources" / name).write_text(WRITERS[fmt](title, paragraphs, notes), encoding="utf-8",
                                               errors="surrogatepass")
    (folder / "book.yaml").write_text(book_yaml, encoding="utf-8")
    return folder


def build_to_html(folder: Path, *stages: str) -> tuple[int, BookPaths]:
    paths = BookPaths.of(folder)
    return run_stages(folder, paths.build, *(stages or TO_HTML)), paths


# What may not reach a book: elements that run, load or embed something, event handlers,
# and addresses that run script or carry a document of their own.
ACTIVE_ELEMENTS = {"script", "iframe", "object", "embed", "frame", "frameset", "applet", "form",
                   "input", "button", "base", "meta", "link", "style", "svg", "math", "video",
                   "audio", "source", "template", "noscript"}
URL_ATTRIBUTES = ("href", "src", "srcset", "xlink:href", "action", "formaction", "poster", "data",
                  "background", "cite")


def executable_parts(fragment: str) -> list[str]:
    """Everything in an HTML fragment that could run or load something: each as a short
    description.  Text that merely spells such things ("&lt;script&gt;") is fine."""
    if not fragment.strip():
        return []
    found = []
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    for element in root.iter():
        if not isinstance(element.tag, str):
            found.append("a comment or processing instruction")
            continue
        if element.tag.lower() in ACTIVE_ELEMENTS:
            found.append(f"<{element.tag}>")
        for name, value in element.attrib.items():
            if name.lower().startswith("on") or name.lower() == "style":
                found.append(f"<{element.tag} {name}>")
            if name.lower() in URL_ATTRIBUTES:
                address = "".join(value.split()).lower()
                if not address.startswith(("https:", "http:", "mailto:", "#", "../images/", "images/")):
                    found.append(f"<{element.tag} {name}={value[:40]!r}>")
    return found


def chapters(paths: BookPaths) -> list[dict]:
    return json.loads(paths.chapters_html.read_text(encoding="utf-8"))["chapters"]


def executable_in_book(paths: BookPaths) -> list[str]:
    """What could run, in every field of every chapter the books are made from."""
    found = []
    for chapter in chapters(paths):
        for key, value in chapter.items():
            if isinstance(value, str) and key not in ("file", "sha1", "slug"):
                found += [f"{chapter['slug']}.{key}: {part}" for part in executable_parts(value)]
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, str):
                        found += [f"{chapter['slug']}.{key}: {part}" for part in executable_parts(item)]
    return found


def book_text(paths: BookPaths) -> str:
    """The words a reader sees, every chapter's fields as text."""
    parts = []
    for chapter in chapters(paths):
        for key in ("title", "subtitle", "headnote", "outlet", "body"):
            if chapter.get(key):
                parts.append(lxml_html.fragment_fromstring(chapter[key], create_parent="div").text_content())
    return "\n".join(parts)
