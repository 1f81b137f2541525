"""The back matter's people: the book's author and the co-authors of its articles.

The dedupe stage writes build/contributors.json from the most complete bio of
each person ({"author": {...}, "contributors": [...]}); both book builders read
it through this module so the EPUB and the PDF say the same thing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from scripts.core.errors import UserError


@dataclass
class Person:
    name: str
    bio: list[str]                      # paragraphs
    role: str = "contributor"           # "author" (the book's) or "contributor"
    slugs: list[str] = field(default_factory=list)   # the articles they co-wrote


def _person(entry: object, role: str) -> Person | None:
    if not isinstance(entry, dict) or not entry.get("name"):
        return None
    bio = entry.get("bio") or []
    paragraphs = [bio] if isinstance(bio, str) else [str(p) for p in bio]
    slugs = entry.get("articles") or entry.get("slugs") or []
    return Person(str(entry["name"]), [p for p in paragraphs if p.strip()], role,
                  [str(s) for s in slugs if isinstance(s, str)])


def load_people(path: Path | None) -> list[Person]:
    """The author first, then the contributors; [] when there is no file (no back-matter page)."""
    if path is None or not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise UserError(f"not valid JSON: {error.msg}", file=str(path), line=error.lineno,
                        hint="rebuild it with 'make dedupe'") from None
    if not isinstance(data, dict):
        raise UserError("expected {'author': ..., 'contributors': [...]}", file=str(path),
                        hint="rebuild it with 'make dedupe'")
    people = [_person(data.get("author"), "author")]
    people += [_person(entry, "contributor") for entry in data.get("contributors") or []]
    return [p for p in people if p is not None and p.bio]


def heading(people: list[Person]) -> str:
    if all(p.role == "author" for p in people):
        return "About the Author"
    return "About the Author and Contributors" if any(p.role == "author" for p in people) else "Contributors"
