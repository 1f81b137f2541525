"""Ingest: one adapter per source format, all handing the same article model on.

- `text`     a blog archive page scraped to plain text, `text_scrape.py`;
- `wxr`      a WordPress export (WordPress → Tools → Export), `wxr.py`;
- `markdown` Markdown posts with front matter (Jekyll, Hugo, Astro, Eleventy), `markdown.py`;
- `html`     post or archive pages saved from a browser, `html_pages.py`.

The structured formats share `html_content.py`, which turns a post's HTML into
blocks and linked notes, and `common.py`, which reads files and records what an
adapter leaves out of the book (drafts, embeds, images, page chrome) so that the
split report can say where every input paragraph went.
"""
