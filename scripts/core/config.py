"""Reading an editor's YAML file (manuscript/*.yaml): the one checker every loader uses.

The file is composed into YAML nodes, not loaded into Python values, for two reasons:
every value keeps its line, so every mistake is reported as `file:line`; and a scalar is
read as the text the editor wrote, so `2009`, `NO` or `1.50` stay that text instead of
becoming whatever YAML 1.1 would make of them (an int, False, 1.5).

Each method checks one kind of value and returns it as Python, or raises a UserError whose
hint says what to write instead:

    check = Validator("manuscript/book.yaml")
    fields = check.mapping(check.parse(text, "check the quoting"), "the file",
                           allowed=("title", "date"), required=("title",))
    title = check.text(fields["title"].value, "'title'")

`what` names the value for the editor ("'title'", "an index entry") and is used in the
message as it is given.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from difflib import get_close_matches
from typing import NamedTuple

import yaml

from scripts.core.errors import UserError, compose_yaml

_TEXT_HINT = ("write the text after the colon or the '- ' (quote it if it contains ': ' "
              "or starts with a symbol)")
_LIST_HINT = "write one '- item' per line below it, or [first, second] on the same line"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# No leading zeros: YAML 1.1 reads `010` as octal, so the editor's meaning would be unclear.
_WHOLE_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)")


class Field(NamedTuple):
    """One `key: value` of a mapping: the key's node (its line) and the value's node."""
    key: yaml.Node
    value: yaml.Node


def line_of(node: yaml.Node | None) -> int | None:
    """The 1-based line a node starts on, for UserError."""
    return node.start_mark.line + 1 if node is not None else None


def did_you_mean(word: str, choices: Sequence[str]) -> str | None:
    """The hint "did you mean 'x'?" for the closest of the choices; None when none is close."""
    close = get_close_matches(word, list(choices), n=1)
    return f"did you mean '{close[0]}'?" if close else None


def is_null(node: yaml.Node | None) -> bool:
    """`key:` with nothing after it (or `~`, `null`): the editor wrote no value."""
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def _written(node: yaml.Node) -> str | None:
    """A scalar's text without the spaces around it ("" when nothing is written); None for
    a list or a mapping."""
    if not isinstance(node, yaml.ScalarNode):
        return None
    return "" if is_null(node) else node.value.strip()


def read_editor_file(path) -> str:
    """An editor's file (book.yaml, split.yaml ...) as text: an ordinary file of UTF-8.  A
    folder, a named pipe or a device by that name, a binary file or another encoding is a
    UserError with the line, never a traceback or a read that waits forever."""
    import stat
    from pathlib import Path

    path = Path(path)
    try:
        mode = path.stat().st_mode
    except OSError as error:
        raise UserError(f"cannot read the file: {error.strerror}", file=str(path)) from None
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "a named pipe (FIFO)" if stat.S_ISFIFO(mode) else \
            "not an ordinary file"
        raise UserError(f"this is {kind}, not a file the editor wrote", file=str(path),
                        hint=f"put the file itself here, as {path.name}, or remove what has its name")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UserError(f"cannot read the file: {error.strerror}", file=str(path)) from None
    if b"\x00" in data:
        raise UserError("this is a binary file, not YAML", file=str(path),
                        line=data[:data.index(b"\x00")].count(b"\n") + 1,
                        hint="write the file again in a text editor, saved as UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UserError(f"not UTF-8 text (byte 0x{data[error.start]:02x} cannot be decoded)", file=str(path),
                        line=data[:error.start].count(b"\n") + 1,
                        hint="save the file as UTF-8 (a text editor's 'Save with encoding')") from None


class Validator:
    """Checks the nodes of one editor's file; every error names that file."""

    def __init__(self, file: str):
        self.file = file

    def parse(self, text: str, syntax_hint: str) -> yaml.Node | None:
        """The file's root node (None for an empty file); a YAML syntax error is a UserError."""
        return compose_yaml(text, self.file, hint=syntax_hint)

    def fail(self, message: str, node: yaml.Node | None, hint: str | None = None) -> UserError:
        return UserError(message, file=self.file, line=line_of(node), hint=hint)

    def mapping(self, node: yaml.Node, what: str, allowed: Sequence[str] | None = None,
                required: Sequence[str] = (), hint: str | None = None) -> dict[str, Field]:
        """The mapping's fields by key, in the file's order.  `allowed` None takes any key
        (slugs, names); `hint` shows what a correct mapping looks like.  Nothing written
        (`key:` alone) is an empty mapping, so only its required keys can be missing."""
        fields: dict[str, Field] = {}
        if is_null(node):
            pairs = []
        elif isinstance(node, yaml.MappingNode):
            pairs = node.value
        else:
            such_as = f" of keys such as '{allowed[0]}:'" if allowed else ""
            shape = (f"write '{allowed[0]}: ...' and the other keys below it, indented the same"
                     if allowed else "write one 'key: value' per line, the keys indented the same")
            raise self.fail(f"{what} must be a mapping{such_as}", node, hint=hint or shape)
        for key_node, value_node in pairs:
            if not isinstance(key_node, yaml.ScalarNode) or is_null(key_node):
                raise self.fail(f"a key in {what} is not a text", key_node,
                                hint="write a plain word or phrase before the colon")
            key = key_node.value
            if allowed is not None and key not in allowed:
                suggestion = did_you_mean(key, allowed)
                listed = f"allowed keys: {', '.join(allowed)}"
                raise self.fail(f"unknown key '{key}' in {what}", key_node,
                                hint=f"{suggestion} {listed}" if suggestion else listed)
            if key in fields:
                raise self.fail(f"key '{key}' is given twice in {what} (first on line "
                                f"{line_of(fields[key].key)})", key_node, hint="keep one of them")
            fields[key] = Field(key_node, value_node)
        for key in required:
            if key not in fields:
                raise self.fail(f"required key '{key}' is missing from {what}", node,
                                hint=f"add '{key}: ...'" + (f"; {hint}" if hint else ""))
        return fields

    def text(self, node: yaml.Node, what: str, hint: str | None = None) -> str:
        """A non-empty text, exactly as written apart from the spaces around it."""
        value = _written(node)
        if value is None:
            kind = "a list" if isinstance(node, yaml.SequenceNode) else "a mapping"
            raise self.fail(f"{what} must be a text, not {kind}", node, hint=hint or _TEXT_HINT)
        if not value:
            raise self.fail(f"{what} is empty", node, hint=hint or _TEXT_HINT)
        return value

    def optional_text(self, node: yaml.Node | None, what: str, hint: str | None = None) -> str:
        """A text that may be left out or left empty (then "")."""
        if node is None or _written(node) == "":
            return ""
        return self.text(node, what, hint)

    def sequence(self, node: yaml.Node, what: str, hint: str | None = None, *,
                 allow_single: bool = False, allow_empty: bool = True) -> list[yaml.Node]:
        """The items of a list.  `allow_single` also takes one text written without a list;
        nothing written (`key:` alone) is an empty list."""
        if is_null(node):
            items = []
        elif isinstance(node, yaml.SequenceNode):
            items = node.value
        elif allow_single and isinstance(node, yaml.ScalarNode):
            items = [node]
        else:
            items = None
        if items is None or (not items and not allow_empty):
            shape = ("a text or " if allow_single else "") + ("a list" if allow_empty else "a non-empty list")
            raise self.fail(f"{what} must be {shape}", node, hint=hint or _LIST_HINT)
        return list(items)

    def texts(self, node: yaml.Node, what: str, hint: str | None = None, *,
              allow_single: bool = False, allow_empty: bool = True) -> list[str]:
        """A list of non-empty texts."""
        items = self.sequence(node, what, hint, allow_single=allow_single, allow_empty=allow_empty)
        return [self.text(item, f"an item of {what}", hint) for item in items]

    def choice(self, node: yaml.Node, what: str, options: Sequence[str], hint: str | None = None) -> str:
        """One of `options`, spelt exactly; a near miss gets a did-you-mean."""
        listed = hint or f"write one of: {', '.join(options)}"
        value = self.text(node, what, listed)
        if value not in options:
            suggestion = did_you_mean(value, options)
            raise self.fail(f"unknown {what} '{value}'", node,
                            hint=f"{suggestion} {listed}" if suggestion else listed)
        return value

    def date(self, node: yaml.Node, what: str) -> dt.date:
        """A calendar date written YYYY-MM-DD."""
        value = _written(node)
        try:
            if value and _ISO_DATE.fullmatch(value):
                return dt.date.fromisoformat(value)
        except ValueError:
            pass                                   # the right shape but no such day: 2026-02-30
        written = f": '{value}'" if value else ""
        raise self.fail(f"{what} is not a date{written}", node,
                        hint="write the date as YYYY-MM-DD, e.g. 2026-11-23")

    def partial_date(self, node: yaml.Node, what: str) -> str:
        """A date known to the day, the month or only the year: YYYY-MM-DD, YYYY-MM or YYYY,
        returned as written.  A piece's first publication is often known only as "December
        2021"; inventing a day would print a fact the sources do not give."""
        value = _written(node)
        try:
            if value and re.fullmatch(r"\d{4}", value):
                return value
            if value and re.fullmatch(r"\d{4}-\d{2}", value):
                dt.date.fromisoformat(value + "-01")
                return value
            if value and _ISO_DATE.fullmatch(value):
                dt.date.fromisoformat(value)
                return value
        except ValueError:
            pass                                   # no such month or day: 2022-13, 2022-02-30
        written = f": '{value}'" if value else ""
        raise self.fail(f"{what} is not a date{written}", node,
                        hint="write YYYY-MM-DD, or YYYY-MM or YYYY when only the month or the "
                             "year is known, e.g. 2022-01-05, 2021-12 or 2022")

    def integer(self, node: yaml.Node, what: str, minimum: int | None = None,
                hint: str | None = None) -> int:
        """A whole number written in digits, at least `minimum` when one is given."""
        value = _written(node)
        if value and _WHOLE_NUMBER.fullmatch(value) and (minimum is None or int(value) >= minimum):
            return int(value)
        floor = f" of {minimum} or more" if minimum is not None else ""
        written = f", not '{value}'" if value else ""
        raise self.fail(f"{what} must be a whole number{floor}{written}", node,
                        hint=hint or f"write a whole number{floor} in digits, e.g. {max(minimum or 0, 1)}")

    def boolean(self, node: yaml.Node, what: str) -> bool:
        """true or false, in lower case as YAML 1.2 writes them (no yes/no/on/off)."""
        value = _written(node)
        if value not in ("true", "false"):
            raise self.fail(f"{what} must be true or false", node, hint="write true or false")
        return value == "true"
