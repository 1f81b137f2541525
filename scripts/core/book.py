"""Read and validate manuscript/book.yaml (the book's metadata and chapter order)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from scripts.core.errors import UserError, compose_yaml

REQUIRED = ("title", "author", "language", "publisher", "rights", "identifier", "date")
OPTIONAL = ("subtitle", "description", "subjects", "sources", "chapter_order")
AUTHOR_KEYS = ("name", "file_as")


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

    @property
    def lang_short(self) -> str:
        return self.language.split("-")[0]


def _line_of(node: yaml.Node | None) -> int | None:
    return node.start_mark.line + 1 if node is not None else None


def load_book(path: Path | str = "manuscript/book.yaml") -> Book:
    path = Path(path)
    name = str(path)
    if not path.exists():
        raise UserError("book metadata file is missing", file=name,
                        hint="create it from the example in README.md")
    text = path.read_text(encoding="utf-8")
    root = compose_yaml(text, name, hint="check indentation and quoting on that line "
                                         "(quote values that contain ': ' or start with a symbol)")
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or root is None:
        raise UserError("expected a mapping of keys such as 'title:' and 'author:'", file=name,
                        line=1, hint="see the example in README.md")
    key_nodes = {k.value: (k, v) for k, v in root.value}

    def line(key: str) -> int | None:
        return _line_of(key_nodes.get(key, (None, None))[0])

    for key in data:
        if key not in REQUIRED and key not in OPTIONAL:
            allowed = ", ".join(REQUIRED + OPTIONAL)
            raise UserError(f"unknown key '{key}'", file=name, line=line(key),
                            hint=f"remove it or correct its spelling; allowed keys: {allowed}")
    for key in REQUIRED:
        if key not in data or data[key] in (None, ""):
            raise UserError(f"required key '{key}' is missing or empty", file=name,
                            line=line(key), hint=f"add '{key}: ...'")

    author = data["author"]
    if isinstance(author, str):
        author_name, file_as = author, _file_as(author)
    elif isinstance(author, dict):
        for key in author:
            if key not in AUTHOR_KEYS:
                raise UserError(f"unknown key 'author.{key}'", file=name, line=line("author"),
                                hint="author takes 'name' and optionally 'file_as'")
        if not author.get("name"):
            raise UserError("author.name is missing", file=name, line=line("author"),
                            hint="add 'name: Full Name' under author")
        author_name = str(author["name"])
        file_as = str(author.get("file_as") or _file_as(author_name))
    else:
        raise UserError("author must be a name or a mapping with 'name' and 'file_as'",
                        file=name, line=line("author"))

    date = data["date"]
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError:
            raise UserError(f"date '{date}' is not a date", file=name, line=line("date"),
                            hint="write it as YYYY-MM-DD") from None
    if not isinstance(date, dt.date):
        raise UserError("date must be YYYY-MM-DD", file=name, line=line("date"))

    for key in ("subjects", "sources"):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise UserError(f"'{key}' must be a list of strings", file=name, line=line(key),
                            hint=f"write one '- item' per line under '{key}:'")

    order = data.get("chapter_order", "chronological")
    if not (order in ("chronological", "archive")
            or (isinstance(order, list) and all(isinstance(s, str) for s in order))):
        raise UserError("chapter_order must be 'chronological', 'archive' or a list of slugs",
                        file=name, line=line("chapter_order"))

    return Book(
        title=str(data["title"]), subtitle=str(data.get("subtitle") or ""),
        author=author_name, author_file_as=file_as, language=str(data["language"]),
        publisher=str(data["publisher"]), rights=str(data["rights"]),
        identifier=str(data["identifier"]), date=date,
        description=str(data.get("description") or ""),
        subjects=list(data.get("subjects", [])), sources=list(data.get("sources", [])),
        chapter_order=order,
    )


def _file_as(name: str) -> str:
    parts = name.split()
    return f"{parts[-1]}, {' '.join(parts[:-1])}" if len(parts) > 1 else name
