"""Synthetic WordPress exports, for measuring how the WXR adapter and the text stages scale.

The same prose model as scripts/dev/synth.py (a Markov chain over the seed archives),
written the way WordPress stores posts: classic-editor posts with auto-paragraphs and
[ref] footnotes, block-editor posts with <!-- wp: --> comments and footnotes kept in
post metadata, [caption] shortcodes, lists, quotations, headings, and the items an
export holds besides published posts (drafts, a page, attachments, comments).  The
same seed gives the same bytes.

CLI: python -m scripts.dev.synth_wxr --posts 1000 --seed 1 --out build/bench/wxr-1000
     (writes DIR/sources/export.xml, DIR/book.yaml and DIR/synth.json)
"""

from __future__ import annotations

import argparse
import html
import json
import random
import uuid
from pathlib import Path

import yaml

from scripts.core.atomic import write_text
from scripts.core.console import stage
from scripts.core.errors import UserError, cli
from scripts.dev.synth import PostWriter, Prose, corpus_paragraphs, read_corpus

EXPORT = "export.xml"


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


class ExportWriter:
    def __init__(self, seed: int, corpus: list[str]):
        self.rng = random.Random(seed)
        self.prose = Prose(corpus_paragraphs(corpus), self.rng)
        self.writer = PostWriter(self.prose, self.rng, "Jordan Avery")
        self.next_id = 1

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def body(self, block_editor: bool) -> tuple[str, list[dict], int, int]:
        """A post's stored content, its block-editor footnotes, its note and word counts."""
        parts: list[str] = []
        footnotes: list[dict] = []
        notes = words = 0
        for section in range(self.rng.randint(1, 4)):
            if section:
                heading = self.writer.heading()
                parts.append(f"<!-- wp:heading -->\n<h2>{html.escape(heading)}</h2>\n<!-- /wp:heading -->"
                             if block_editor else f"<h2>{html.escape(heading)}</h2>")
            for _ in range(self.rng.randint(2, 6)):
                text = html.escape(self.prose.paragraph(), quote=False)
                words += len(text.split())
                if self.chance(0.3):
                    notes += 1
                    note = html.escape(self.writer.note_text("headed", 2020), quote=False)
                    if block_editor:
                        key = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
                        footnotes.append({"content": note, "id": key})
                        text += f'<sup data-fn="{key}" class="fn"><a href="#{key}" id="{key}-link">{notes}</a></sup>'
                    else:
                        text += f"[ref]{note}[/ref]"
                parts.append(f"<!-- wp:paragraph -->\n<p>{text}</p>\n<!-- /wp:paragraph -->"
                             if block_editor else text)
            if self.chance(0.25):
                items = "".join(f"<li>{html.escape(self.prose.sentence(4, 14))}</li>" for _ in range(3))
                parts.append(f"<ul>{items}</ul>")
            if self.chance(0.2):
                parts.append(f"<blockquote><p>{html.escape(self.prose.sentence(10, 30))}</p></blockquote>")
            if self.chance(0.2):
                caption = html.escape(self.writer.caption()[0].replace("\n", " "))
                parts.append(f'[caption id="attachment_{self.next_id}" align="alignnone" width="640"]'
                             f'<img src="https://example.com/wp-content/uploads/{self.next_id}.jpg" '
                             f'alt="" width="640" height="427" /> {caption}[/caption]')
        if block_editor and footnotes:
            parts.append("<!-- wp:footnotes /-->")
        return "\n\n".join(parts), footnotes, notes, words

    def item(self, title: str, date: str, post_type: str, status: str) -> tuple[str, dict]:
        block_editor = self.chance(0.5)
        content, footnotes, notes, words = self.body(block_editor)
        post_id = self.next_id
        self.next_id += 1
        meta = ""
        if footnotes:
            meta = ("<wp:postmeta><wp:meta_key><![CDATA[footnotes]]></wp:meta_key>"
                    f"<wp:meta_value>{_cdata(json.dumps(footnotes))}</wp:meta_value></wp:postmeta>")
        comments = "".join(
            f"<wp:comment><wp:comment_id>{post_id * 100 + k}</wp:comment_id>"
            f"<wp:comment_content>{_cdata(self.prose.sentence(5, 20))}</wp:comment_content></wp:comment>"
            for k in range(self.rng.randint(0, 3)))
        text = f"""
	<item>
		<title>{html.escape(title)}</title>
		<link>https://example.com/?p={post_id}</link>
		<dc:creator><![CDATA[jordan]]></dc:creator>
		<content:encoded>{_cdata(content)}</content:encoded>
		<excerpt:encoded><![CDATA[]]></excerpt:encoded>
		<wp:post_id>{post_id}</wp:post_id>
		<wp:post_date><![CDATA[{date}]]></wp:post_date>
		<wp:post_name><![CDATA[post-{post_id}]]></wp:post_name>
		<wp:status><![CDATA[{status}]]></wp:status>
		<wp:post_type><![CDATA[{post_type}]]></wp:post_type>
		<category domain="category" nicename="analysis"><![CDATA[Analysis]]></category>
		{meta}{comments}
	</item>"""
        return text, {"title": title, "date": date[:10], "notes": notes, "words": words,
                      "type": post_type, "status": status}

    def export(self, posts: int) -> tuple[str, list[dict]]:
        items, manifest = [], []
        published = 0
        day = 0
        while published < posts:
            day += self.rng.randint(1, 5)
            date = f"{2010 + day // 365:04d}-{day % 365 // 31 + 1:02d}-{day % 31 + 1:02d} 09:00:00"
            kind = self.rng.random()
            post_type, status = ("post", "draft") if kind < 0.05 else ("page", "publish") \
                if kind < 0.07 else ("post", "publish")
            text, info = self.item(self.writer.title(), date, post_type, status)
            items.append(text)
            manifest.append(info)
            published += post_type == "post" and status == "publish"
            if self.chance(0.1):              # an uploaded picture: an attachment item
                text, info = self.item(f"IMG_{self.next_id:04d}", date, "attachment", "inherit")
                items.append(text)
                manifest.append(info)
        head = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
	<title>Synthetic Blog</title>
	<link>https://example.com</link>
	<language>en-GB</language>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:author><wp:author_login><![CDATA[jordan]]></wp:author_login><wp:author_display_name><![CDATA[Jordan Avery]]></wp:author_display_name></wp:author>"""
        return head + "".join(items) + "\n</channel>\n</rss>\n", manifest


def book_yaml(posts: int, seed: int) -> str:
    data = {"title": f"Synthetic Export of {posts} Posts", "author": "Jordan Avery", "language": "en-GB",
            "publisher": "Benchmark Editions", "rights": "Generated text for benchmarking only.",
            "identifier": f"urn:uuid:{uuid.UUID(int=random.Random(f'wxr-{seed}-{posts}').getrandbits(128), version=4)}",
            "date": "2026-01-01", "sources": [EXPORT], "chapter_order": "chronological"}
    return "# Generated by scripts/dev/synth_wxr.py: do not edit.\n" + yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False)


def write_export(posts: int, seed: int, corpus: list[str], out: Path) -> dict:
    if posts < 1:
        raise UserError("--posts must be at least 1")
    text, items = ExportWriter(seed, corpus).export(posts)
    write_text(out / "sources" / EXPORT, text)
    write_text(out / "book.yaml", book_yaml(posts, seed))
    published = [i for i in items if i["type"] == "post" and i["status"] == "publish"]
    manifest = {"seed": seed, "articles": len(published), "files": [EXPORT], "items": len(items),
                "notes": sum(i["notes"] for i in published), "posts": published}
    write_text(out / "synth.json", json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
    return manifest


@cli
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, required=True, help="published posts in the export")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("corpus", nargs="*", type=Path,
                        help="archive files to learn the prose from (default manuscript/sources/*.txt)")
    args = parser.parse_args(argv)
    corpus = args.corpus or sorted(Path("manuscript/sources").glob("*.txt"))
    with stage("synth-wxr") as line:
        manifest = write_export(args.posts, args.seed, read_corpus(corpus), args.out)
        line.summary = (f"{manifest['articles']} published posts ({manifest['items']} items, "
                        f"{manifest['notes']} notes) -> {args.out / 'sources' / EXPORT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
