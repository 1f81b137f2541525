"""Which adapter reads a source file: decided by its name, confirmed by its first bytes.

A `.xml` that is not a WordPress export, or a `.txt` that is really HTML, is named
as such in one clear error instead of being read by the wrong adapter.
"""

from __future__ import annotations

from pathlib import Path

from scripts.core.errors import UserError
from scripts.ingest.site_data import is_site_data

TEXT, WXR, MARKDOWN, HTML, SITE_DATA = "text", "wxr", "markdown", "html", "site-data"
EXTENSIONS = {".txt": TEXT, ".text": TEXT, ".xml": WXR, ".wxr": WXR,
              ".md": MARKDOWN, ".markdown": MARKDOWN, ".mdown": MARKDOWN, ".mkd": MARKDOWN,
              ".html": HTML, ".htm": HTML, ".xhtml": HTML}
READABLE = ", ".join(sorted(EXTENSIONS))


def _head(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            return handle.read(4096).decode("utf-8", "replace").lstrip("\ufeff \t\r\n").lower()
    except OSError as error:
        raise UserError(f"cannot read the file: {error.strerror}", file=str(path)) from None


def detect(path: Path, name: str) -> str:
    """The format of one source file; an error when the name and the content disagree."""
    suffix = path.suffix.lower()
    if is_site_data(name):
        return SITE_DATA              # a static site's data/ or _data/ file: author profiles, menus
    head = _head(path)
    if suffix not in EXTENSIONS:
        if head.startswith("<?xml") or head.startswith("<rss"):
            return WXR
        if head.startswith("<!doctype html") or head.startswith("<html"):
            return HTML
        raise UserError(f"cannot tell what kind of file '{name}' is from its name",
                        file=name, hint=f"name it after its format: {READABLE} "
                                        "(a WordPress export is .xml, a text scrape .txt)")
    fmt = EXTENSIONS[suffix]
    if fmt == HTML and (head.startswith("---\n") or head.startswith("+++\n")):
        return MARKDOWN               # a Jekyll or Hugo post written in HTML, with front matter
    if fmt == WXR:
        if head.startswith("<!doctype html") or head.startswith("<html"):
            raise UserError("this .xml file is an HTML page, not a WordPress export", file=name,
                            line=1, hint="rename it to .html if it is a saved post or archive page")
        if "<feed" in head and "<rss" not in head:
            raise UserError("this is an Atom feed, not a WordPress export", file=name, line=1,
                            hint="in WordPress, use Tools → Export → All content and put that file here")
    if fmt == TEXT and (head.startswith("<?xml") and "wordpress.org/export/" in head):
        raise UserError("this .txt file is a WordPress export", file=name, line=1,
                        hint="rename it to .xml")
    return fmt


def reader(fmt: str):
    """The adapter module for a format (imported on use: a book of text scrapes never
    loads the HTML machinery)."""
    from importlib import import_module
    return import_module({WXR: "scripts.ingest.wxr", MARKDOWN: "scripts.ingest.markdown",
                          HTML: "scripts.ingest.html_pages", SITE_DATA: "scripts.ingest.site_data"}[fmt])
