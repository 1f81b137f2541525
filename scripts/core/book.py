"""Read and validate manuscript/book.yaml (the book's metadata and chapter order)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from scripts.core.config import Field, Validator
from scripts.core.errors import UserError

REQUIRED = ("title", "author", "language", "publisher", "rights", "identifier", "date")
OPTIONAL = ("subtitle", "description", "subjects", "sources", "chapter_order", "select")
AUTHOR_KEYS = ("name", "file_as")
CHAPTER_ORDERS = ("chronological", "archive")
SELECT_KEYS = ("pages", "categories", "tags", "from", "to", "posts", "leave_out")
SELECT_HINT = ("'select:' takes pages (true/false), categories, tags, posts, leave_out "
               "(lists) and from, to (dates, YYYY-MM-DD)")


@dataclass
class Selection:
    """Which posts of a WordPress export or a folder of posts make the book.  Empty lists
    select everything; a post must pass every filter given.  `posts` and `leave_out` name
    posts by their slug (the source's own, e.g. WordPress's post name) or their title."""
    pages: bool = False                   # WordPress pages too, not only posts
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    since: dt.date | None = None
    until: dt.date | None = None
    posts: list[str] = field(default_factory=list)
    leave_out: list[str] = field(default_factory=list)


@dataclass
class Book:
    title: str
    author: str
    author_file_as: str
    language: str
    publisher: str
    rights: str
    identifier: str
    date: dt.date
    subtitle: str = ""
    description: str = ""
    subjects: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    chapter_order: str | list[str] = "chronological"
    select: Selection = field(default_factory=Selection)

    @property
    def lang_short(self) -> str:
        return self.language.split("-")[0]


def load_book(path: Path | str = "manuscript/book.yaml") -> Book:
    path = Path(path)
    name = str(path)
    if not path.exists():
        raise UserError("book metadata file is missing", file=name,
                        hint="create it from the example in README.md")
    check = Validator(name)
    root = check.parse(path.read_text(encoding="utf-8"),
                       syntax_hint="check indentation and quoting on that line "
                                   "(quote values that contain ': ' or start with a symbol)")
    if root is None:
        raise UserError("the file is empty: expected keys such as 'title:' and 'author:'", file=name,
                        line=1, hint="see the example in README.md")
    fields = check.mapping(root, "the file", REQUIRED + OPTIONAL, required=REQUIRED,
                           hint="see the example in README.md")

    def text(key: str) -> str:
        return check.text(fields[key].value, f"'{key}'")

    def optional_text(key: str) -> str:
        return check.optional_text(fields[key].value, f"'{key}'") if key in fields else ""

    def texts(key: str) -> list[str]:
        if key not in fields:
            return []
        return check.texts(fields[key].value, f"'{key}'", hint=f"write one '- item' per line under '{key}:'")

    author, file_as = _author(check, fields["author"].value)
    return Book(
        title=text("title"), subtitle=optional_text("subtitle"),
        author=author, author_file_as=file_as, language=text("language"),
        publisher=text("publisher"), rights=text("rights"),
        identifier=text("identifier"), date=check.date(fields["date"].value, "'date'"),
        description=optional_text("description"),
        subjects=texts("subjects"), sources=texts("sources"),
        chapter_order=_chapter_order(check, fields.get("chapter_order")),
        select=_selection(check, fields.get("select")),
    )


def _selection(check: Validator, given: Field | None) -> Selection:
    if given is None:
        return Selection()
    parts = check.mapping(given.value, "'select'", SELECT_KEYS, hint=SELECT_HINT)

    def texts(key: str) -> list[str]:
        return check.texts(parts[key].value, f"'select: {key}'",
                           hint=f"write one '- item' per line under '{key}:'") if key in parts else []

    def date(key: str) -> dt.date | None:
        return check.date(parts[key].value, f"'select: {key}'") if key in parts else None

    selection = Selection(pages=check.boolean(parts["pages"].value, "'select: pages'") if "pages" in parts else False,
                          categories=texts("categories"), tags=texts("tags"), since=date("from"),
                          until=date("to"), posts=texts("posts"), leave_out=texts("leave_out"))
    if selection.since and selection.until and selection.since > selection.until:
        raise check.fail("'select: from' is after 'select: to'", parts["from"].value,
                         hint="swap the two dates")
    return selection


def _author(check: Validator, node: yaml.Node) -> tuple[str, str]:
    """The author's name and its file-as form, from a name or from `name:` and `file_as:`."""
    if isinstance(node, yaml.MappingNode):
        parts = check.mapping(node, "'author'", AUTHOR_KEYS, required=("name",),
                              hint="author takes 'name' and optionally 'file_as'")
        name = check.text(parts["name"].value, "'author: name'")
        file_as = check.optional_text(parts["file_as"].value, "'author: file_as'") if "file_as" in parts else ""
        return name, file_as or _file_as(name)
    name = check.text(node, "'author'", hint="write the author's name, or 'name:' and 'file_as:' "
                                             "on the lines below, indented")
    return name, _file_as(name)


def _chapter_order(check: Validator, given: Field | None) -> str | list[str]:
    """chronological (the default), archive, or the article slugs in the order the book takes."""
    if given is None:
        return "chronological"
    if isinstance(given.value, yaml.SequenceNode):
        return check.texts(given.value, "'chapter_order'", hint="write one '- article-slug' per line")
    return check.choice(given.value, "chapter order", CHAPTER_ORDERS,
                        hint="write chronological, archive, or a list of article slugs")


def _file_as(name: str) -> str:
    parts = name.split()
    return f"{parts[-1]}, {' '.join(parts[:-1])}" if len(parts) > 1 else name
