"""What every adapter shares: reading a source file safely, the posts it found, and
the record of what it left out of the book."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from scripts.core import model as m
from scripts.core.errors import UserError

# Private-use code points carry the model's note sentinels: none may come from a source.
PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
# C0 controls other than tab and newline are never text (a NUL says "binary file"), nor the
# C1 controls (U+0080-U+009F: what is left of doubly encoded UTF-8, "mojibake"), nor
# are the bidirectional embeddings and overrides (U+202A-U+202E): they make a line show
# its letters in an order other than the one it stores ("Trojan Source").  The isolates
# (U+2066-U+2069), which right-to-left text does use, stay.
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e]")
# The longest paragraph a book takes: about 16,000 words, forty printed pages (the longest
# paragraphs of literature are a fraction of it).  Anything longer is a source that lost
# its paragraph breaks, and would only make every later stage (pandoc above all) crawl.
MAX_PARAGRAPH = 100_000
TOO_LONG_HINT = ("the file has lost its paragraph breaks there: put a blank line between its "
                 "paragraphs (or, for a picture written into the text as a data: address, save "
                 "the picture as a file and point to it)")


@dataclass
class LeftOut:
    """Something in a source that is not in the book, and why.  The split report lists
    every one, so nothing leaves the book silently."""
    file: str
    line: int
    what: str            # "draft", "page", "embed", "image", "shortcode", "page-chrome"...
    text: str            # the item's title, or its whole text (the report shows the start)
    reason: str

    def to_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "what": self.what, "text": self.text,
                "reason": self.reason}


@dataclass
class Notice:
    """Something the book takes as the source gives it, but the editor should look at (an
    author printed as a site handle): the split report lists it under "To check", with
    what to do if it is not right.  The book is built either way."""
    file: str
    line: int
    text: str
    hint: str

    def to_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "text": self.text, "hint": self.hint}


@dataclass
class Post:
    """One post as an adapter found it, before it becomes an article: what the book's
    selection (categories, tags, dates) is decided on."""
    title: str
    date: str = ""                     # ISO 8601 date, "" when the source gives none
    when: str = ""                     # the full timestamp, when known: orders the posts of one day
    slug: str = ""                     # the source's own slug (WordPress post_name, file name)
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    line: int = 1


@dataclass
class Site:
    """What a source says about the blog as a whole (for the report and `anthology new`)."""
    title: str = ""
    link: str = ""
    language: str = ""
    authors: dict[str, str] = field(default_factory=dict)        # login -> display name


@dataclass
class Read:
    """An adapter's result: the posts with their articles, what it left out, the site."""
    posts: list[tuple[Post, m.Article]] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    site: Site = field(default_factory=Site)
    notices: list[Notice] = field(default_factory=list)


def read_text(path: Path, what: str, hint: str) -> str:
    """A source file's text: UTF-8 (a byte-order mark is dropped), newlines normalised.
    `what` names the format for the errors ("WordPress export"), `hint` says how to re-save."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UserError(f"cannot read the file: {error.strerror}", file=str(path)) from None
    if not data.strip():
        raise UserError(f"the file is empty: expected a {what}", file=str(path),
                        hint="remove it from the book's sources or save it again")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        raise UserError(f"this is a binary file, not a {what}", file=str(path),
                        line=data[:data.index(b"\x00")].count(b"\n") + 1, hint=hint)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise UserError(f"not UTF-8 text (byte 0x{data[error.start]:02x} cannot be decoded)",
                        file=str(path), line=line, hint=hint) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def refuse_long_lines(text: str, file: str, limit: int = MAX_PARAGRAPH) -> None:
    """A line longer than any paragraph is refused before anything reads it as one."""
    for number, line in enumerate(text.split("\n"), 1):
        if len(line) > limit:
            raise UserError(f"line {number} is {len(line):,} characters long, more than any paragraph "
                            f"a book takes ({limit:,})", file=file, line=number, hint=TOO_LONG_HINT)


def refuse_long_paragraphs(articles: list[m.Article]) -> None:
    """Every block and note of the articles within MAX_PARAGRAPH, whatever format they came
    from (an HTML page can hold a whole book on one line, and that is fine, but not in one
    paragraph)."""
    for article in articles:
        parts = [(b.text, b.source) for b in article.blocks] + [(n.text, n.source) for n in article.notes]
        for text, source in parts:
            if len(text) > MAX_PARAGRAPH:
                raise UserError(f"a paragraph of {len(text):,} characters in '{article.title[:60]}', more "
                                f"than any paragraph a book takes ({MAX_PARAGRAPH:,})",
                                file=source.file if source else article.source_file,
                                line=source.first_line if source else article.first_line, hint=TOO_LONG_HINT)


def clean_text(text: str) -> str:
    """Source text as the model holds it: no private-use or control characters."""
    return CONTROLS.sub("", PRIVATE_USE.sub("", text))


def number_blocks(blocks: list[m.Block]) -> list[m.Block]:
    for i, block in enumerate(blocks):
        block.id = f"b{i}"
    return blocks


def slugify(title: str, taken: set[str]) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    stop = {"a", "an", "the", "of", "and", "to", "in", "on", "for", "its", "it", "s", "is"}
    kept = [w for w in words if w not in stop][:6] or ["article"]
    slug = "-".join(kept)
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate
