"""The small document model every stage reads and writes.

An archive is split into `Article`s. An article is an ordered list of
`Block`s (every line of the source that belongs to the post, each with the
role it plays: introduction, title, caption, paragraph, raw note...), plus
the structured notes, the fixes the normaliser made and the blocks that later
stages took out of the chapter (with the reason).  Nothing is ever deleted
from an article: a block leaves the book by being moved to `removed`, so the
audit can account for every source line.

Stages exchange the model as JSON files under build/model/ so an editor can
diff them and Make can rebuild only what changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from enum import StrEnum
from typing import Any

from scripts.core.atomic import write_text

class Kind(StrEnum):
    """The role a block plays.  A StrEnum, so the model's JSON stays plain readable
    strings and a kind compares equal to its name; loading a model checks every kind."""
    INTRO = "intro"                    # the blogger's introduction: becomes the headnote
    TITLE = "title"
    STANDFIRST = "standfirst"          # the outlet's subtitle / summary under the title
    BYLINE = "byline"                  # an author name line under the title
    CAPTION = "caption"                # a photo caption (we have no photos)
    BIO = "bio"                        # "X is a senior fellow at ..."
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    NUMBERED = "numbered"              # a numbered paragraph of written evidence
    BULLET = "bullet"                  # a bulleted key point
    NOTES_HEADING = "notes_heading"    # "Notes"
    NOTE = "note"                      # one raw entry of the notes list
    LINK_DEFINITION = "link_definition"  # "[1]: https://..."
    BACKMATTER_HEADING = "backmatter_heading"  # "About the Authors", "Notes on contributors"...
    CONTRIBUTOR = "contributor"        # a contributor's name line in the back matter
    SIDEBAR_HEADING = "sidebar_heading"  # "Side box" and the headings inside it
    SIDEBAR = "sidebar"                # a paragraph of a side box
    PULL_QUOTE = "pull_quote"
    QUOTE = "quote"                    # a paragraph of a block quotation (structured sources)
    CODE = "code"                      # preformatted text, kept line for line (structured sources)
    FIGURE = "figure"                  # a picture the book has a copy of; text = its caption


# The stages name kinds by these module constants (m.PARAGRAPH reads well in rules).
INTRO, TITLE, STANDFIRST, BYLINE = Kind.INTRO, Kind.TITLE, Kind.STANDFIRST, Kind.BYLINE
CAPTION, BIO, HEADING, PARAGRAPH = Kind.CAPTION, Kind.BIO, Kind.HEADING, Kind.PARAGRAPH
NUMBERED, BULLET, NOTES_HEADING, NOTE = Kind.NUMBERED, Kind.BULLET, Kind.NOTES_HEADING, Kind.NOTE
LINK_DEFINITION, BACKMATTER_HEADING, CONTRIBUTOR = Kind.LINK_DEFINITION, Kind.BACKMATTER_HEADING, Kind.CONTRIBUTOR
SIDEBAR_HEADING, SIDEBAR, PULL_QUOTE = Kind.SIDEBAR_HEADING, Kind.SIDEBAR, Kind.PULL_QUOTE
QUOTE, CODE, FIGURE = Kind.QUOTE, Kind.CODE, Kind.FIGURE

BLOCK_KINDS = frozenset(Kind)

# Blocks that carry the article's running text (what dedupe and notes work on).
BODY_KINDS = frozenset({PARAGRAPH, NUMBERED, BULLET, HEADING, SIDEBAR, SIDEBAR_HEADING, PULL_QUOTE,
                        QUOTE, CODE})

# What makes a post worth a chapter: running text, or pictures the book can show.
CONTENT_KINDS = BODY_KINDS | {FIGURE}

# Where an article came from.  A text scrape has lost its structure, and the text stages
# rebuild it (paragraphs broken by the scraper, drop caps, note numbers glued to words);
# the structured formats keep theirs, so those repairs must not touch them.
TEXT_SCRAPE = "text"
STRUCTURED_ORIGINS = frozenset({"wxr", "markdown", "html"})

# Inside block text a note reference is written NOTE_OPEN + number + NOTE_CLOSE.
# Private-use code points cannot come from the scrape: the normaliser strips them.
NOTE_OPEN = "\ue000"
NOTE_CLOSE = "\ue001"


def note_ref(number: int) -> str:
    return f"{NOTE_OPEN}{number}{NOTE_CLOSE}"


@dataclass
class SourceRef:
    """Where a block came from: file name (relative to manuscript/sources) and 1-based lines."""
    file: str
    first_line: int
    last_line: int

    def __str__(self) -> str:
        if self.first_line == self.last_line:
            return f"{self.file}:{self.first_line}"
        return f"{self.file}:{self.first_line}-{self.last_line}"


@dataclass
class Block:
    kind: Kind
    text: str
    source: SourceRef
    number: int | None = None      # the paragraph number of a NUMBERED block, the note number of a NOTE
    id: str = ""                   # stable within the article: "b0", "b1"... in source order
    image: str = ""                # a FIGURE's picture: its path inside the book's images folder
    alt: str = ""                  # a FIGURE's alternative text (the author's words for it)


@dataclass
class Note:
    number: int
    text: str
    source: SourceRef | None = None


@dataclass
class Fix:
    """One change the normaliser made to scraped text."""
    kind: str
    block: str        # block id
    before: str
    after: str


@dataclass
class Removal:
    """A block that left the chapter, and why (dedupe, captions, bios...)."""
    block: Block
    reason: str                   # e.g. "duplicate", "caption-without-image", "bio-moved-to-back-matter"
    detail: str = ""
    twin: str = ""                # where the kept copy is, "slug#block-id"
    similarity: float | None = None


@dataclass
class Article:
    slug: str
    source_file: str
    first_line: int
    last_line: int
    blocks: list[Block] = field(default_factory=list)
    outlet: str = ""
    authors: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    fixes: list[Fix] = field(default_factory=list)
    removed: list[Removal] = field(default_factory=list)
    also_in: list[SourceRef] = field(default_factory=list)   # the same post found in another archive
    origin: str = TEXT_SCRAPE      # the adapter that read it: text, wxr, markdown, html
    date: str = ""                 # publication date, ISO 8601 (YYYY-MM-DD), when the source gives one

    @property
    def structured(self) -> bool:
        """Read from a format that marks paragraphs, lists and notes (not a text scrape)."""
        return self.origin != TEXT_SCRAPE

    def first(self, kind: str) -> Block | None:
        return next((b for b in self.blocks if b.kind == kind), None)

    def of_kind(self, *kinds: str) -> list[Block]:
        return [b for b in self.blocks if b.kind in kinds]

    @property
    def title(self) -> str:
        block = self.first(TITLE)
        return block.text if block else ""

    @property
    def standfirst(self) -> str:
        return " ".join(b.text for b in self.of_kind(STANDFIRST))

    @property
    def headnote(self) -> str:
        block = self.first(INTRO)
        return block.text if block else ""


# ---------------------------------------------------------------- JSON I/O

def _kind(value: str) -> Kind:
    try:
        return Kind(value)
    except ValueError:
        from scripts.core.errors import UserError
        raise UserError(f"the model has a block of unknown kind '{value}'",
                        hint="it was written by another version of the toolchain: "
                             "run 'make clean && make'") from None


def _block_from(d: dict[str, Any]) -> Block:
    return Block(kind=_kind(d["kind"]), text=d["text"], source=SourceRef(**d["source"]),
                 number=d.get("number"), id=d.get("id", ""), image=d.get("image", ""),
                 alt=d.get("alt", ""))


def article_from_dict(d: dict[str, Any]) -> Article:
    return Article(
        slug=d["slug"], source_file=d["source_file"],
        first_line=d["first_line"], last_line=d["last_line"],
        blocks=[_block_from(b) for b in d.get("blocks", [])],
        outlet=d.get("outlet", ""), authors=list(d.get("authors", [])),
        notes=[Note(number=n["number"], text=n["text"],
                    source=SourceRef(**n["source"]) if n.get("source") else None)
               for n in d.get("notes", [])],
        fixes=[Fix(**f) for f in d.get("fixes", [])],
        removed=[Removal(block=_block_from(r["block"]), reason=r["reason"],
                         detail=r.get("detail", ""), twin=r.get("twin", ""),
                         similarity=r.get("similarity"))
                 for r in d.get("removed", [])],
        also_in=[SourceRef(**s) for s in d.get("also_in", [])],
        origin=d.get("origin", TEXT_SCRAPE), date=d.get("date", ""),
    )


def _source_dict(ref: SourceRef) -> dict[str, Any]:
    return {"file": ref.file, "first_line": ref.first_line, "last_line": ref.last_line}


def _block_dict(block: Block) -> dict[str, Any]:
    d = {"kind": block.kind, "text": block.text, "source": _source_dict(block.source),
         "number": block.number, "id": block.id}
    if block.image:                     # only a figure has these: the model stays small
        d["image"], d["alt"] = block.image, block.alt
    return d


def article_to_dict(article: Article) -> dict[str, Any]:
    # Written out by hand: dataclasses.asdict deep-copies every value and is the
    # slowest part of saving a thousand articles.
    return {
        "slug": article.slug, "source_file": article.source_file,
        "first_line": article.first_line, "last_line": article.last_line,
        "blocks": [_block_dict(b) for b in article.blocks],
        "outlet": article.outlet, "authors": list(article.authors),
        "notes": [{"number": n.number, "text": n.text,
                   "source": _source_dict(n.source) if n.source else None} for n in article.notes],
        "fixes": [{"kind": f.kind, "block": f.block, "before": f.before, "after": f.after}
                  for f in article.fixes],
        "removed": [{"block": _block_dict(r.block), "reason": r.reason, "detail": r.detail,
                     "twin": r.twin, "similarity": r.similarity} for r in article.removed],
        "also_in": [_source_dict(s) for s in article.also_in],
        "origin": article.origin, "date": article.date,
    }


def where(article: Article) -> str:
    """How a message names an article: its slug and where its source is."""
    return f"'{article.slug}' ({article.source_file}:{article.first_line})"


def save_articles(path: Path, articles: list[Article]) -> None:
    """One article per line: compact to write and read, and a diff still shows which
    article changed (the readable views are the reports and build/articles/)."""
    lines = ",\n".join(json.dumps(article_to_dict(a), ensure_ascii=False, separators=(",", ":"))
                       for a in articles)
    write_text(path, '{"articles": [\n' + lines + "\n]}\n")


def load_articles(path: Path) -> list[Article]:
    from scripts.core.errors import UserError

    data = json.loads(Path(path).read_text(encoding="utf-8"))
    try:
        return [article_from_dict(a) for a in data["articles"]]
    except UserError as error:
        error.file = str(path)             # the model file is where the problem is
        raise
