"""The editor's corrections to the bibliography: manuscript/bibliography.yaml (optional).

    notes:
      "central-asia#46":     # "<article slug>#<note number>"
        references: []                          # this note cites nothing
        reason: quotes a Twitter disclaimer
      "paving-digital-silk-road-with-shanghai#40":
        fix: {author: "The Business Year"}      # fields set on the one parsed reference
      "paving-digital-silk-road-with-shanghai#7":
        references:                             # replaces what the parser read
          - type: chapter
            author: [{family: Jiang, given: Zemin}]
            title: "Bùshīshíjī dì shíshī xībù dà kāifā zhànlüè"
            container-title: Selected Works of Jiang Zemin
            volume: 2
            issued: 1999-06-17
    names:                                      # how a creator, as written, is read everywhere
      "Qingdao Caijing": {literal: Qingdao Caijing}
      "Jing Yang": {family: Yang, given: Jing}

A note is keyed by its article's slug and number because that is what the
editor sees in the report and in the book; the build checks that every key
names a real note, so a renumbered note is an error, not a silently dead override.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from scripts.core.errors import UserError, compose_yaml

CSL_TYPES = {
    "article", "article-journal", "article-magazine", "article-newspaper", "bill", "book",
    "broadcast", "chapter", "dataset", "document", "entry", "entry-dictionary",
    "entry-encyclopedia", "interview", "legal_case", "legislation", "manuscript", "map",
    "motion_picture", "pamphlet", "paper-conference", "patent", "personal_communication",
    "post", "post-weblog", "report", "review", "song", "speech", "thesis", "treaty", "webpage",
}
NAME_FIELDS = {"author", "editor", "translator", "container-author", "interviewer", "recipient"}
DATE_FIELDS = {"issued", "accessed", "event-date", "original-date"}
TEXT_FIELDS = {
    "title", "title-short", "original-title", "translated-title", "container-title",
    "collection-title", "collection-number", "publisher", "publisher-place", "event-place",
    "event-title", "genre", "medium", "volume", "issue", "page", "number", "edition",
    "section", "URL", "DOI", "ISBN", "ISSN", "language", "note", "archive", "source",
}
ALLOWED_FIELDS = {"type"} | NAME_FIELDS | DATE_FIELDS | TEXT_FIELDS
NOTE_KEYS = {"references", "fix", "reason"}


@dataclass
class NoteOverride:
    references: list[dict[str, Any]] | None = None   # replaces the parse; [] = cites nothing
    fix: list[dict[str, Any]] | None = None          # merged into the parsed references, in order
    reason: str = ""
    line: int | None = None


@dataclass
class Overrides:
    file: str = ""
    notes: dict[tuple[str, int], NoteOverride] = field(default_factory=dict)
    names: dict[str, dict[str, str]] = field(default_factory=dict)


def load_overrides(path: Path | str) -> Overrides:
    """Read and check the file; a missing file means no overrides."""
    path = Path(path)
    name = str(path)
    if not path.exists():
        return Overrides(file=name)
    text = path.read_text(encoding="utf-8")
    root = compose_yaml(text, name, hint="check indentation and quoting on that line")
    data = yaml.safe_load(text)
    if data is None:
        return Overrides(file=name)
    if not isinstance(data, dict):
        raise UserError("expected a mapping with 'notes:' and/or 'names:'", file=name, line=1)
    lines = _key_lines(root)
    for key in data:
        if key not in ("notes", "names"):
            raise UserError(f"unknown key '{key}'", file=name, line=lines.get((key,)),
                            hint="the file takes 'notes:' and 'names:'")
    overrides = Overrides(file=name)
    for key, value in (data.get("notes") or {}).items():
        overrides.notes[_note_key(key, name, lines.get(("notes", key)))] = _note_override(
            value, name, lines.get(("notes", key)))
    names = data.get("names") or {}
    if not isinstance(names, dict):
        raise UserError("'names' must map a name as written to a CSL name", file=name,
                        line=lines.get(("names",)))
    for written, value in names.items():
        overrides.names[str(written)] = _name(value, name, lines.get(("names", written)),
                                              f"names: {written}")
    return overrides


def check_notes_exist(overrides: Overrides, notes: set[tuple[str, int]]) -> None:
    """Every override must name a note of the book."""
    for (slug, number), override in overrides.notes.items():
        if (slug, number) not in notes:
            known = sorted({s for s, _ in notes})
            raise UserError(f"no note {number} in article '{slug}'", file=overrides.file,
                            line=override.line,
                            hint="keys are '<slug>#<note number>'; the articles are: "
                                 + ", ".join(known))


def _key_lines(root: yaml.Node | None) -> dict[tuple, int]:
    """1-based lines of the top-level keys and of the keys one level down."""
    lines: dict[tuple, int] = {}
    if not isinstance(root, yaml.MappingNode):
        return lines
    for key, value in root.value:
        lines[(key.value,)] = key.start_mark.line + 1
        if isinstance(value, yaml.MappingNode):
            for inner, _ in value.value:
                lines[(key.value, inner.value)] = inner.start_mark.line + 1
    return lines


def _note_key(key: Any, file: str, line: int | None) -> tuple[str, int]:
    slug, _, number = str(key).rpartition("#")
    if not slug or not number.isdigit():
        raise UserError(f"'{key}' is not a note key", file=file, line=line,
                        hint="write '<article slug>#<note number>', e.g. 'my-article#12'")
    return slug, int(number)


def _note_override(value: Any, file: str, line: int | None) -> NoteOverride:
    if not isinstance(value, dict):
        raise UserError("a note override is a mapping with 'references', 'fix' or 'reason'",
                        file=file, line=line)
    for key in value:
        if key not in NOTE_KEYS:
            raise UserError(f"unknown key '{key}' in a note override", file=file, line=line,
                            hint="use 'references' (replace), 'fix' (correct) and 'reason'")
    if "references" in value and "fix" in value:
        raise UserError("give either 'references' or 'fix', not both", file=file, line=line)
    override = NoteOverride(reason=str(value.get("reason") or ""), line=line)
    if "references" in value:
        refs = value["references"] or []
        if not isinstance(refs, list):
            raise UserError("'references' must be a list (empty if the note cites nothing)",
                            file=file, line=line)
        override.references = [_item(r, file, line, complete=True) for r in refs]
        if not override.references and not override.reason:
            raise UserError("say why the note cites nothing", file=file, line=line,
                            hint="add 'reason: ...' next to 'references: []'")
    if "fix" in value:
        fixes = value["fix"]
        fixes = fixes if isinstance(fixes, list) else [fixes]
        override.fix = [_item(f, file, line, complete=False) if f else {} for f in fixes]
    if override.references is None and override.fix is None:
        raise UserError("a note override needs 'references' or 'fix'", file=file, line=line)
    return override


def _item(value: Any, file: str, line: int | None, complete: bool) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise UserError("a reference is a mapping of CSL fields (title:, author:, ...)",
                        file=file, line=line)
    item: dict[str, Any] = {}
    for key, field_value in value.items():
        if key not in ALLOWED_FIELDS:
            raise UserError(f"unknown CSL field '{key}'", file=file, line=line,
                            hint="allowed: " + ", ".join(sorted(ALLOWED_FIELDS)))
        if key == "type":
            if field_value not in CSL_TYPES:
                raise UserError(f"unknown CSL type '{field_value}'", file=file, line=line,
                                hint="e.g. article-newspaper, article-journal, webpage, "
                                     "report, book, chapter, speech")
            item[key] = field_value
        elif key in NAME_FIELDS:
            names = field_value if isinstance(field_value, list) else [field_value]
            item[key] = [_name(n, file, line, key) for n in names]
        elif key in DATE_FIELDS:
            item[key] = {"date-parts": [_date(field_value, file, line, key)]}
        else:
            item[key] = str(field_value)
    if complete:
        if "title" not in item and "URL" not in item:
            raise UserError("a reference needs at least a title or a URL", file=file, line=line)
        item.setdefault("type", "webpage" if "URL" in item and "title" not in item else "document")
    return item


def _name(value: Any, file: str, line: int | None, where: str) -> dict[str, str]:
    if isinstance(value, str):
        return {"literal": value}
    if isinstance(value, dict) and value and set(value) <= {"family", "given", "literal",
                                                            "non-dropping-particle",
                                                            "dropping-particle", "suffix"}:
        if "literal" in value or "family" in value:
            return {k: str(v) for k, v in value.items()}
    raise UserError(f"{where}: a name is 'Organisation' or {{family: ..., given: ...}}",
                    file=file, line=line)


def _date(value: Any, file: str, line: int | None, where: str) -> list[int]:
    if isinstance(value, dt.date):
        return [value.year, value.month, value.day]
    text = str(value)
    parts = text.split("-")
    if 1 <= len(parts) <= 3 and all(p.isdigit() for p in parts) and len(parts[0]) == 4:
        return [int(p) for p in parts]
    raise UserError(f"{where}: '{text}' is not a date", file=file, line=line,
                    hint="write YYYY, YYYY-MM or YYYY-MM-DD")
