"""Read the article Markdown back as HTML fragments, one `Chapter` per file.

Pandoc does the conversion; raw HTML, raw attributes and raw TeX are switched
off in the reader, so nothing in an article can inject markup.  A tiny pandoc
template (templates/pandoc/fields.html) hands over each metadata field and the
body as separate HTML fragments; the book templates (Jinja2) place them.

The fragments are HTML produced by pandoc from escaped text, which is why the
book templates may mark them safe.
"""

from __future__ import annotations

import hashlib
import html as html_text
import json
import re
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from lxml import etree, html

from scripts.core.paths import BookPaths
from scripts.core import paths as resources
from scripts.core.atomic import write_text
from scripts.core.errors import UserError
from scripts.content import editorial
from scripts.content.pandoc_batch import Document, convert_many, pandoc_memo
from scripts.core.memo import Memo, code_version
from scripts.content.sanitise import Dropped, sanitise
from scripts.index.match import Occurrence, mark_occurrences, remembering
from scripts.index.terms import IndexTerms

READER = "markdown-smart-raw_html-raw_attribute-raw_tex-native_divs-native_spans"
TEMPLATE = resources.TEMPLATES / "pandoc" / "fields.html"


@dataclass
class Chapter:
    """One chapter as both books take it, prepared once by the html stage: every field is
    pandoc's HTML put through the one sanitiser (what it dropped is in `dropped`), with
    ids unique in the book (pandoc writes them prefixed `chNN-`).  Each book only adds
    its own finishing (XHTML for the EPUB, endnotes and line breaks for the PDF)."""
    number: int
    slug: str
    title: str               # HTML fragment (inline)
    body: str                # HTML fragment (blocks; pandoc footnotes at the end)
    subtitle: str = ""
    authors: list[str] = field(default_factory=list)     # inline HTML fragments
    headnote: str = ""       # the blogger's introduction (HTML), when the book prints it
    outlet: str = ""
    source: Path | None = None
    dropped: list[Dropped] = field(default_factory=list)
    date: str = ""           # first published: ISO YYYY-MM-DD, YYYY-MM or YYYY; "" if not known
    kind: str = editorial.DEFAULT_KIND    # article, report, evidence, talk (editorial.KINDS)
    credit: str = ""         # the editor's credit or rights line for the piece (inline HTML)
    intro: str = ""          # where the headnote goes: keep (the chapter's head) or back
    # The body with an anchor round each word the index locates, and what each anchor
    # locates (scripts.index.match); None when the book has no index terms.
    indexed_body: str | None = None
    occurrences: list[Occurrence] | None = None

    @property
    def id(self) -> str:
        """The chapter's key in the book ("ch03"): the prefix of its ids, the index's chapter."""
        return f"ch{self.number:02d}"

    @property
    def where(self) -> str:
        """How reports name the chapter: its article file."""
        return self.source.name if self.source else f"chapter {self.number}"

    @property
    def title_text(self) -> str:
        """The title as plain text (running heads, metadata, navigation)."""
        return plain_text(self.title)

    @property
    def outlet_text(self) -> str:
        return plain_text(self.outlet)

    @property
    def author_names(self) -> list[str]:
        return [name for name in map(plain_text, self.authors) if name]

    @property
    def date_text(self) -> str:
        """"5 January 2022", "December 2021", "2022": as precise as the date is known."""
        return editorial.long_date(self.date)

    @property
    def provenance(self) -> Provenance | None:
        """Where and when the piece first appeared, worded for its kind; None when neither
        is known."""
        if not self.outlet and not self.date:
            return None
        wording = editorial.KINDS.get(self.kind, editorial.KINDS[editorial.DEFAULT_KIND])
        return Provenance(wording.lead if self.outlet else wording.alone, self.outlet,
                          wording.titled, self.date_text)

    @property
    def headnote_at_head(self) -> str:
        """The introduction set apart at the chapter's head (`intro: keep`), else ""."""
        return self.headnote if self.intro == "keep" else ""

    @property
    def headnote_at_back(self) -> str:
        """The introduction moved to "About these pieces" (`intro: back`), else ""."""
        return self.headnote if self.intro != "keep" else ""


@dataclass(frozen=True)
class Provenance:
    """"First published in <outlet>, <date>": the parts, so each book sets them in its markup
    (the outlet in italics when `titled`, the title of a publication)."""
    lead: str
    outlet: str              # inline HTML, "" when only the date is known
    titled: bool
    date: str                # as printed, "" when not known

    @property
    def text(self) -> str:
        """The line as plain text (metadata, reports)."""
        outlet = plain_text(self.outlet)
        line = f"{self.lead} {outlet}" if outlet else self.lead
        return f"{line}{',' if outlet else ''} {self.date}" if self.date else line


def plain_text(fragment: str) -> str:
    """The text a reader sees of a (sanitised) fragment, its spaces collapsed."""
    if not fragment or not fragment.strip():
        return ""
    return " ".join(html.fragment_fromstring(fragment, create_parent="span").text_content().split())


def checked(chapter: Chapter) -> Chapter:
    """The chapter with its inline fields through the sanitiser once more, what it drops
    added.  The books take their chapters through this gate of their own in case one
    reaches them by another way than the html stage; on the html stage's output it finds
    nothing.  The body is not passed again here: each book's finishing step for it (the
    EPUB's html_to_xhtml, the PDF's prepare_fragment) already runs it through the sanitiser."""
    from dataclasses import replace
    dropped = list(chapter.dropped)

    def inline(fragment: str) -> str:
        return _sanitised(fragment, "span", chapter.where, dropped)

    return replace(chapter, title=inline(chapter.title), subtitle=inline(chapter.subtitle),
                   headnote=inline(chapter.headnote), outlet=inline(chapter.outlet),
                   credit=inline(chapter.credit),
                   authors=[inline(a) for a in chapter.authors], dropped=dropped)


def _sanitised(fragment: str, parent: str, where: str, dropped: list[Dropped]) -> str:
    """A fragment through the one sanitiser; what it takes out goes to `dropped`."""
    if not fragment.strip():
        return fragment
    wrapper = html.fragment_fromstring(fragment, create_parent=parent)
    dropped.extend(sanitise(wrapper, where))
    return _inner_html(wrapper)


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


# pandoc's Markdown writer ends a list followed by code or by another list with an empty
# HTML comment on a line of its own; with raw HTML off, the reader would print it as text.
# A reference definition nothing cites ends the list the same way and prints nothing.  (A
# post's own "<!-- -->" is written escaped, "\<!-- --\>", and code is skipped.)
LIST_END = "<!-- -->"
LIST_END_READ = "[-]: #"
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def list_ends_read_as_nothing(markdown: str) -> str:
    lines = markdown.split("\n")
    fence = ""
    for number, line in enumerate(lines):
        opening = FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence) \
                    and not line.strip().strip(fence[0]):
                fence = ""
            continue
        if opening:
            fence = opening.group(1)
        elif line == LIST_END and (number == 0 or not lines[number - 1].strip()) \
                and (number + 1 == len(lines) or not lines[number + 1].strip()):
            lines[number] = LIST_END_READ
    return "\n".join(lines)


def _convert(documents: list[Document], memo: Memo | None = None) -> list[dict[str, list[str]]]:
    documents = [Document(list_ends_read_as_nothing(d.text), d.id_prefix, d.name) for d in documents]
    outputs = convert_many(documents, reader=READER, writer="html5",
                           template=TEMPLATE.read_text(encoding="utf-8"), section_divs=True, memo=memo)
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

    dropped: list[Dropped] = []

    def inline(fragment: str) -> str:
        return _sanitised(fragment, "span", path.name, dropped)

    return Chapter(number=number, slug=plain_text(first("slug")) or path.stem, title=inline(first("title")),
                   body=_sanitised(first("body"), "div", path.name, dropped),
                   subtitle=inline(first("subtitle")), authors=[inline(a) for a in fields.get("author", [])],
                   headnote=inline(first("headnote")), outlet=inline(first("outlet")), source=path,
                   dropped=dropped, date=plain_text(first("date")),
                   kind=plain_text(first("kind")) or editorial.DEFAULT_KIND,
                   credit=inline(first("credit")),
                   intro=plain_text(first("intro")) or ("back" if first("headnote") else ""))


def _number(path: Path) -> int:
    return int(path.name.split("-", 1)[0]) if path.name[:2].isdigit() else 0


def in_chapter_order(paths) -> list[Path]:
    """The articles by their chapter number: 99-… before 100-… (the names alone sort 100-…
    between 10-… and 11-…, which put a book of a hundred chapters or more out of order)."""
    return sorted(paths, key=lambda p: (_number(p), p.name))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise UserError(f"cannot read the article: {error.strerror}", file=str(path)) from None


def load_chapter(path: Path) -> Chapter:
    return load_chapters_from([path])[0]


def load_chapters_from(paths: list[Path], texts: list[str] | None = None,
                       memo: Memo | None = None) -> list[Chapter]:
    """Convert the articles in one batch of pandoc processes (not one process each); with a
    memo, only those it has not converted before."""
    texts = texts if texts is not None else [_read(p) for p in paths]
    documents = [Document(t, f"ch{_number(p):02d}-", str(p)) for p, t in zip(paths, texts)]
    return [_chapter(p, _number(p), fields) for p, fields in zip(paths, _convert(documents, memo))]


def load_chapters(directory: Path = Path("build/articles"), terms: IndexTerms | None = None) -> list[Chapter]:
    """Every article as a chapter: from the HTML stage's file when it was made from
    exactly these articles (compared by content) and, given the index's `terms`, with
    these terms' marks; else converted (and marked) now."""
    paths = in_chapter_order(directory.glob("[0-9]*.md"))
    if not paths:
        raise UserError("no articles to build the book from", file=str(directory),
                        hint="run 'make' to build the articles first")
    texts = [_read(p) for p in paths]
    cached = _load_cache(cache_path(directory), paths, texts)
    chapters = cached if cached is not None else load_chapters_from(paths, texts)
    if terms is None:
        return [replace(c, indexed_body=None, occurrences=None) for c in chapters]
    if cached is not None and _marked_with(cache_path(directory)) == terms.fingerprint:
        return chapters
    return with_index_marks(chapters, terms)


def with_index_marks(chapters: list[Chapter], terms: IndexTerms, memo: Memo | None = None) -> list[Chapter]:
    """Each chapter with the index's anchors in its body and the occurrences they locate:
    done once, here, for the index report and both books (`memo`: a chapter whose body
    and terms are unchanged is not matched again)."""
    mark = remembering(memo) if memo is not None else mark_occurrences
    marked = []
    for chapter in chapters:
        body, found = mark(chapter.body, chapter.id, terms)
        marked.append(replace(chapter, indexed_body=body, occurrences=found))
    return marked


# ---------------------------------------------------------------- the HTML stage

def cache_path(articles: Path) -> Path:
    return articles.parent / "html" / "chapters.json"


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _load_cache(path: Path, paths: list[Path], texts: list[str]) -> list[Chapter] | None:
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    entries = data.get("chapters", [])
    if [(e.get("file"), e.get("sha1")) for e in entries] != [(p.name, _digest(t)) for p, t in zip(paths, texts)]:
        return None                      # made from other articles: never use it
    return [Chapter(number=e["number"], slug=e["slug"], title=e["title"], body=e["body"],
                    subtitle=e["subtitle"], authors=e["authors"], headnote=e["headnote"],
                    outlet=e["outlet"], source=p, dropped=[Dropped(**d) for d in e.get("dropped", [])],
                    date=e.get("date", ""), kind=e.get("kind", editorial.DEFAULT_KIND),
                    credit=e.get("credit", ""), intro=e.get("intro", ""),
                    indexed_body=e.get("indexed_body"),
                    occurrences=None if e.get("occurrences") is None
                    else [Occurrence(**o) for o in e["occurrences"]])
            for e, p in zip(entries, paths)]


def _marked_with(path: Path) -> str | None:
    """The fingerprint of the index terms the html stage marked the chapters with, if any."""
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("index_terms")
    except (OSError, json.JSONDecodeError):
        return None


def write_cache(directory: Path, memo: Memo | None = None, terms: IndexTerms | None = None,
                index_memo: Memo | None = None) -> tuple[int, int]:
    """Convert every article once, for the index, EPUB and PDF stages to share (with a memo,
    only the articles that changed since it last saw them), and mark the index's `terms`
    in them once."""
    paths = in_chapter_order(directory.glob("[0-9]*.md"))
    texts = [_read(p) for p in paths]
    chapters = load_chapters_from(paths, texts, memo)
    if terms is not None:
        chapters = with_index_marks(chapters, terms, index_memo)
    entries = [{"file": p.name, "sha1": _digest(t), "number": c.number, "slug": c.slug,
                "title": c.title, "body": c.body, "subtitle": c.subtitle, "authors": c.authors,
                "headnote": c.headnote, "outlet": c.outlet, "date": c.date, "kind": c.kind,
                "credit": c.credit, "intro": c.intro, "dropped": [d.as_dict() for d in c.dropped]}
               | ({} if c.occurrences is None else
                  {"indexed_body": c.indexed_body, "occurrences": [asdict(o) for o in c.occurrences]})
               for p, t, c in zip(paths, texts, chapters)]
    data = {"chapters": entries} | ({"index_terms": terms.fingerprint} if terms is not None else {})
    write_text(cache_path(directory), json.dumps(data, ensure_ascii=False) + "\n")
    return len(entries), sum(len(c.dropped) for c in chapters)


def run(paths: BookPaths) -> str:
    """The html stage: every article converted once, and the index's terms marked in it
    once, for the index and both books."""
    from scripts.index.terms import load_terms
    memo = pandoc_memo(paths.build, "html")
    index_memo = Memo.in_build(paths.build, "index-marks", code_version())
    terms = load_terms(paths.index_terms, index_memo) if paths.index_terms.exists() else None
    count, dropped = write_cache(paths.articles, memo, terms, index_memo)
    memo.prune()
    index_memo.prune()
    return (f"{count} chapters -> {cache_path(paths.articles)}"
            + (f"; the sanitiser took {dropped} things out (listed in the books' reports)" if dropped else ""))
