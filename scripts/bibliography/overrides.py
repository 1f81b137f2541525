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
    organisations:                              # one form per organisation (or site)
      Uzbekistan National News Agency: [UzA]    # the form printed: the forms the notes write
      Yahoo Finance: [finance.yahoo.com]        # a site's address: the name it is cited by

A note is keyed by its article's slug and number because that is what the
editor sees in the report and in the book; the build checks that every key
names a real note, so a renumbered note is an error, not a silently dead override.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from scripts.bibliography.parse import fold
from scripts.core.config import Field, Validator, did_you_mean, is_null, line_of, read_editor_file
from scripts.core.errors import UserError

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
# Sorted, so that the list of allowed keys a mistake shows is the same every time.
CSL_FIELDS = sorted(ALLOWED_FIELDS)
CSL_TYPE_NAMES = sorted(CSL_TYPES)
NOTE_KEYS = ("references", "fix", "reason")
NAME_PARTS = ("family", "given", "literal", "non-dropping-particle", "dropping-particle", "suffix")


@dataclass
class NoteOverride:
    references: list[dict[str, Any]] | None = None   # replaces the parse; [] = cites nothing
    fix: list[dict[str, Any]] | None = None          # merged into the parsed references, in order
    reason: str = ""
    line: int | None = None


@dataclass
class Alias:
    """One form the notes write for an organisation (or a site's address) -> the form printed."""
    written: str
    printed: str
    line: int | None = None


@dataclass
class Overrides:
    file: str = ""
    notes: dict[tuple[str, int], NoteOverride] = field(default_factory=dict)
    names: dict[str, dict[str, str]] = field(default_factory=dict)
    organisations: list[Alias] = field(default_factory=list)


def load_overrides(path: Path | str) -> Overrides:
    """Read and check the file; a missing file means no overrides."""
    path = Path(path)
    name = str(path)
    if not path.exists():
        return Overrides(file=name)
    check = Validator(name)
    root = check.parse(read_editor_file(path), syntax_hint="check indentation and quoting on that line")
    overrides = Overrides(file=name)
    if root is None:
        return overrides
    sections = check.mapping(root, "the file", ("notes", "names", "organisations"),
                             hint="the file takes 'notes:', 'names:' and 'organisations:' "
                                  "(see docs/bibliography.md)")
    if "notes" in sections:
        notes = check.mapping(sections["notes"].value, "'notes'",
                              hint="key each note '<article slug>#<note number>:'")
        for key, given in notes.items():
            overrides.notes[_note_key(check, key, given.key)] = _note_override(check, key, given)
    if "names" in sections:
        names = check.mapping(sections["names"].value, "'names'",
                              hint="map a name as written to a CSL name, e.g. "
                                   "'Xi Jinping: {family: Xi, given: Jinping}'")
        for written, given in names.items():
            overrides.names[written] = _name(check, given.value, f"names: {written}")
    if "organisations" in sections:
        overrides.organisations = _organisations(check, sections["organisations"].value)
    return overrides


def _organisations(check: Validator, node: yaml.Node) -> list[Alias]:
    """`Printed form: [written form, ...]`.  A written form belongs to one printed form, and a
    printed form is never itself rewritten, or the table's result would depend on its order."""
    hint = ("write the form to print, then the forms the notes use: "
            "'United Nations Security Council: [UN Security Council, UNSC]'")
    table = check.mapping(node, "'organisations'", hint=hint)
    aliases: list[Alias] = []
    owner: dict[str, Alias] = {}
    printed = {fold_name(name): (name, line_of(given.key)) for name, given in table.items()}
    for name, given in table.items():
        for item in check.sequence(given.value, f"the forms of '{name}'", hint=hint,
                                   allow_single=True, allow_empty=False):
            written = check.text(item, f"a form of '{name}'", hint=hint)
            key = fold_name(written)
            if key in owner:
                first = owner[key]
                raise check.fail(f"'{written}' is given for both '{first.printed}' (line "
                                 f"{first.line}) and '{name}'", item,
                                 hint="a form the notes write can be printed one way only: keep one")
            if key in printed and printed[key][0] != name:
                raise check.fail(f"'{written}' is itself a printed form (line {printed[key][1]})",
                                 item, hint=f"list the forms of '{printed[key][0]}' under "
                                            f"'{name}' instead, or the other way round")
            owner[key] = Alias(written, name, line_of(item))
            aliases.append(owner[key])
    return aliases


def fold_name(text: str) -> str:
    """How forms are compared: case, accents, punctuation and a site's 'www.' do not count
    ('UzA' is 'UZA'; 'www.example.org' is 'example.org')."""
    return fold(re.sub(r"(?i)^(?:https?://)?www\d*\.", "", text.strip()))


def check_aliases_used(overrides: Overrides, forms: set[str]) -> None:
    """Every written form must occur in the notes: a misspelt one would change nothing, silently."""
    known = {fold_name(f): f for f in forms}
    for alias in overrides.organisations:
        if fold_name(alias.written) in known:
            continue
        close = did_you_mean(alias.written, sorted(forms))
        raise UserError(f"no note names '{alias.written}' (listed under '{alias.printed}')",
                        file=overrides.file, line=alias.line,
                        hint=(close + " " if close else "")
                        + "forms are matched to authors, outlets, publishers and sites as the "
                          "notes write them (case and accents aside)")


def check_notes_exist(overrides: Overrides, notes: set[tuple[str, int]]) -> None:
    """Every override must name a note of the book."""
    for (slug, number), override in overrides.notes.items():
        if (slug, number) not in notes:
            known = sorted({s for s, _ in notes})
            raise UserError(f"no note {number} in article '{slug}'", file=overrides.file,
                            line=override.line,
                            hint="keys are '<slug>#<note number>'; the articles are: "
                                 + ", ".join(known))


def _note_key(check: Validator, key: str, node: yaml.Node) -> tuple[str, int]:
    slug, _, number = key.rpartition("#")
    if not slug or not number.isdigit():
        raise check.fail(f"'{key}' is not a note key", node,
                         hint="write '<article slug>#<note number>', e.g. 'my-article#12'")
    return slug, int(number)


def _note_override(check: Validator, key: str, given: Field) -> NoteOverride:
    parts = check.mapping(given.value, f"the override of '{key}'", NOTE_KEYS,
                          hint="use 'references' (replace), 'fix' (correct) and 'reason'")
    if "references" in parts and "fix" in parts:
        raise check.fail("give either 'references' or 'fix', not both", parts["fix"].key,
                         hint="'references' replaces what the parser read; 'fix' corrects it")
    reason = check.optional_text(parts["reason"].value, "'reason'") if "reason" in parts else ""
    # The override's line is its key's: that is the line that names the note.
    override = NoteOverride(reason=reason, line=line_of(given.key))
    if "references" in parts:
        refs = check.sequence(parts["references"].value, "'references'",
                              hint="write one '- title: ...' per reference, or [] if the note cites nothing")
        override.references = [_item(check, ref, complete=True) for ref in refs]
        if not override.references and not override.reason:
            raise check.fail("say why the note cites nothing", parts["references"].key,
                             hint="add 'reason: ...' next to 'references: []'")
    if "fix" in parts:
        fixes = parts["fix"].value
        # One fix for a note's one reference may be written without the list around it.
        each = fixes.value if isinstance(fixes, yaml.SequenceNode) else [fixes]
        override.fix = [_item(check, fix, complete=False) for fix in each]
    if override.references is None and override.fix is None:
        raise check.fail("a note override needs 'references' or 'fix'", given.key,
                         hint="'references: [...]' replaces what the parser read; 'fix: {...}' corrects it")
    return override


def _item(check: Validator, node: yaml.Node, complete: bool) -> dict[str, Any]:
    """A reference's CSL fields; `complete` (a replacement) needs a title or a URL."""
    fields = check.mapping(node, "a reference", CSL_FIELDS,
                           hint="a reference is a mapping of CSL fields (title:, author:, ...)")
    item: dict[str, Any] = {}
    for key, given in fields.items():
        if key == "type":
            item[key] = check.choice(given.value, "CSL type", CSL_TYPE_NAMES,
                                     hint="e.g. article-newspaper, article-journal, webpage, "
                                          "report, book, chapter, speech")
        elif key in NAME_FIELDS:
            names = given.value.value if isinstance(given.value, yaml.SequenceNode) else [given.value]
            item[key] = [_name(check, name, key) for name in names]
        elif key in DATE_FIELDS:
            item[key] = {"date-parts": [_date(check, given.value, key)]}
        else:
            item[key] = check.text(given.value, f"'{key}'")
    if complete:
        if "title" not in item and "URL" not in item:
            raise check.fail("a reference needs at least a title or a URL", node,
                             hint="add 'title: ...' or 'URL: ...'")
        item.setdefault("type", "webpage" if "URL" in item and "title" not in item else "document")
    return item


def _name(check: Validator, node: yaml.Node, where: str) -> dict[str, str]:
    if isinstance(node, yaml.ScalarNode) and not is_null(node):
        return {"literal": check.text(node, where)}
    if isinstance(node, yaml.MappingNode):
        parts = check.mapping(node, f"the name in '{where}'", NAME_PARTS)
        if "literal" in parts or "family" in parts:
            return {part: check.text(given.value, f"'{part}'") for part, given in parts.items()}
    raise check.fail(f"{where}: a name is 'Organisation' or {{family: ..., given: ...}}", node,
                     hint="write an organisation as it is, a person as {family: Yang, given: Jing}")


def _date(check: Validator, node: yaml.Node, where: str) -> list[int]:
    """A CSL date, as precise as the source: YYYY, YYYY-MM or YYYY-MM-DD."""
    text = check.text(node, f"'{where}'", hint="write YYYY, YYYY-MM or YYYY-MM-DD")
    parts = text.split("-")
    if 1 <= len(parts) <= 3 and all(p.isdigit() for p in parts) and len(parts[0]) == 4:
        return [int(p) for p in parts]
    raise check.fail(f"{where}: '{text}' is not a date", node, hint="write YYYY, YYYY-MM or YYYY-MM-DD")
