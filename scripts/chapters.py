"""Read the article Markdown back as HTML fragments, one `Chapter` per file.

Pandoc does the conversion; raw HTML, raw attributes and raw TeX are switched
off in the reader, so nothing in an article can inject markup.  A tiny pandoc
template (templates/pandoc/fields.html) hands over each metadata field and the
body as separate HTML fragments; the book templates (Jinja2) place them.

The fragments are HTML produced by pandoc from escaped text, which is why the
book templates may mark them safe.
"""

from __future__ import annotations

import html as html_text
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree, html

from scripts.errors import UserError
from scripts.pandoc_batch import Document, convert_many

READER = "markdown-smart-raw_html-raw_attribute-raw_tex-native_divs-native_spans"
TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "pandoc" / "fields.html"


@dataclass
class Chapter:
    number: int
    slug: str
    title: str               # HTML fragment (inline)
    body: str                # HTML fragment (blocks; pandoc footnotes at the end)
    subtitle: str = ""
    authors: list[str] = field(default_factory=list)
    headnote: str = ""
    outlet: str = ""
    source: Path | None = None

    @property
    def id(self) -> str:
        return f"ch{self.number:02d}"

    @property
    def title_text(self) -> str:
        """The title as plain text (running heads, metadata, navigation)."""
        return html.fromstring(f"<span>{self.title}</span>").text_content()


def _inner_html(element: etree._Element) -> str:
    parts = [html_text.escape(element.text, quote=False)] if element.text else []
    parts += [html.tostring(child, encoding="unicode") for child in element]
    return "".join(parts).strip()


def _fields(output: str) -> dict[str, list[str]]:
    root = html.fragment_fromstring(output, create_parent="div")
    fields: dict[str, list[str]] = {}
    for element in root.iter("field"):
        fields.setdefault(element.get("name"), []).append(_inner_html(element))
    return fields


def _convert(documents: list[Document]) -> list[dict[str, list[str]]]:
    outputs = convert_many(documents, reader=READER, writer="html5",
                           template=TEMPLATE.read_text(encoding="utf-8"), section_divs=True)
    return [_fields(output) for output in outputs]


def markdown_to_html(markdown: str, *, id_prefix: str = "") -> dict[str, list[str]]:
    """Convert one article's Markdown; return each field's HTML fragments."""
    return _convert([Document(markdown, id_prefix)])[0]


def _chapter(path: Path, number: int, fields: dict[str, list[str]]) -> Chapter:
    if not fields.get("title") or not fields["title"][0]:
        raise UserError("the article has no title in its front matter", file=str(path), line=1,
                        hint="rebuild it with 'make articles'")

    def first(name: str) -> str:
        return (fields.get(name) or [""])[0]

    return Chapter(number=number, slug=first("slug") or path.stem, title=first("title"),
                   body=first("body"), subtitle=first("subtitle"), authors=fields.get("author", []),
                   headnote=first("headnote"), outlet=first("outlet"), source=path)


def _number(path: Path) -> int:
    return int(path.name.split("-", 1)[0]) if path.name[:2].isdigit() else 0


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise UserError(f"cannot read the article: {error.strerror}", file=str(path)) from None


def load_chapter(path: Path) -> Chapter:
    return load_chapters_from([path])[0]


def load_chapters_from(paths: list[Path]) -> list[Chapter]:
    """Convert the articles in one batch of pandoc processes (not one process each)."""
    documents = [Document(_read(p), f"ch{_number(p):02d}-", str(p)) for p in paths]
    return [_chapter(p, _number(p), fields) for p, fields in zip(paths, _convert(documents))]


def load_chapters(directory: Path = Path("build/articles")) -> list[Chapter]:
    paths = sorted(directory.glob("[0-9]*.md"))
    if not paths:
        raise UserError("no articles to build the book from", file=str(directory),
                        hint="run 'make' to build the articles first")
    return load_chapters_from(paths)
