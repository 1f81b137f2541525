"""Block keys and the editor's dedupe decisions (dedupe.yaml), by those keys.

A key is `slug#hash` of a block's words (wording.text_hash): stable across edits
elsewhere in the archive, so `keep:` and `drop:` keep pointing at the same paragraph.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from scripts.core import model as m
from scripts.core.config import Validator, line_of, read_editor_file
from scripts.text.wording import text_hash


def block_ref(articles: list[m.Article], twin: tuple[int, m.Block] | None) -> str:
    """Where a block is, as the audit shows it: "slug#b7"."""
    return f"{articles[twin[0]].slug}#{twin[1].id}" if twin else ""


# A block's key by where it is: (article slug, block id), both stable across runs.
BlockKeys = dict[tuple[str, str], str]


def block_keys(article: m.Article) -> BlockKeys:
    """A stable key per block: slug#hash of its words (".2" for the second identical block).

    Stable across edits elsewhere in the archive (no line numbers), so an
    editor's override keeps pointing at the same paragraph."""
    keys: BlockKeys = {}
    seen: Counter = Counter()
    # Blocks an earlier run took out count too, in source order, so a key never changes
    # between a first run and a run on its own output.
    everything = sorted([*article.blocks, *(r.block for r in article.removed)],
                        key=lambda b: (b.source.first_line, b.id.endswith("-tail")))
    for block in everything:
        if block.id.endswith("-tail"):
            keys[(article.slug, block.id)] = tail_key(article.slug, block.text)
            continue
        digest = text_hash(block.text)
        seen[digest] += 1
        keys[(article.slug, block.id)] = f"{article.slug}#{digest}" + (f".{seen[digest]}" if seen[digest] > 1 else "")
    return keys


def tail_key(slug: str, tail: str) -> str:
    """The key of a glued copy cut off a paragraph: the copy's words, marked as a tail."""
    return f"{slug}#{text_hash(tail)}-tail"


@dataclass(frozen=True)
class BioChoice:
    """The editor's bio for one person in the back matter (dedupe.yaml `bios:`)."""
    line: int
    key: str = ""          # a bio found in the sources, by its key (dedupe.html lists every bio's)
    text: str = ""         # or the editor's own words
    # neither: no bio for this person (the back matter leaves them out)


@dataclass
class Overrides:
    keep: dict[str, int] = field(default_factory=dict)             # key -> line in the file
    drop: dict[str, tuple[int, str]] = field(default_factory=dict)  # key -> (line, editor's note)
    bios: dict[str, BioChoice] = field(default_factory=dict)        # person -> the editor's bio
    file: str = ""


KEY_SHAPE = re.compile(r"^[a-z0-9][a-z0-9-]*#[0-9a-f]{8}(?:\.\d+)?(?:-tail)?$")
# Where the keys are shown, as the messages name it (the stage passes the book's own path).
REPORT = "build/reports/dedupe.html"


def load_overrides(path: Path | None, report: str = REPORT) -> Overrides:
    """Read manuscript/dedupe.yaml: `keep:` and `drop:` lists of block keys.  `report`: the
    audit the messages send the editor to for a key."""
    if path is None or not path.exists():
        return Overrides()
    name = str(path)
    check = Validator(name)
    root = check.parse(read_editor_file(path),
                       syntax_hint="check the indentation and the '- ' before each key")
    overrides = Overrides(file=name)
    if root is None:
        return overrides
    sections = check.mapping(root, "the file", ("keep", "drop", "bios"),
                             hint="the file takes 'keep:' (blocks to leave in the chapter), "
                                  "'drop:' (blocks to take out) and 'bios:' (the back matter's bios)")
    if "bios" in sections:
        overrides.bios = _bio_choices(check, sections.pop("bios").value, report)
    for section, given in sections.items():
        items = check.sequence(given.value, f"'{section}'",
                               hint="write one '- slug#1a2b3c4d' per line; the keys are in "
                                    f"{report}")
        for item in items:
            key, note = _override_entry(check, item, section)
            item_line = line_of(item)
            if not KEY_SHAPE.match(key):
                raise check.fail(f"'{key}' is not a block key", item,
                                 hint="a key is the article's slug, '#' and 8 hex digits, "
                                      f"as shown in {report}")
            other = overrides.drop if section == "keep" else overrides.keep
            if key in other:
                raise check.fail(f"'{key}' is under both keep and drop", item,
                                 hint="decide: remove it from one of the lists")
            if section == "keep":
                overrides.keep[key] = item_line
            else:
                overrides.drop[key] = (item_line, note)
    return overrides


def _override_entry(check: Validator, item: yaml.Node, section: str) -> tuple[str, str]:
    """An entry's block key and the editor's note: `- key` or `- key: ...` with `note: ...`."""
    if not isinstance(item, yaml.MappingNode):
        return check.text(item, "a block key", hint="write the key after '- ', e.g. '- slug#1a2b3c4d'"), ""
    fields = check.mapping(item, f"an entry of '{section}'", ("key", "note"), required=("key",),
                           hint="e.g. '- key: slug#1a2b3c4d' and '  note: why' on the next line")
    note = check.optional_text(fields["note"].value, "'note'") if "note" in fields else ""
    return check.text(fields["key"].value, "'key'"), note




NO_BIO = "none"
BIOS_HINT = ("write one person per line: 'Name: slug#1a2b3c4d' (a bio found in the sources, by its "
             "key), 'Name: {text: \"...\"}' (your own words) or 'Name: none' (no bio)")


def _bio_choices(check: Validator, node: yaml.Node, report: str) -> dict[str, BioChoice]:
    """`bios:` person -> a bio's key, `{text: ...}` or `none`.  Whether the person and the key
    exist is checked against the articles (scripts/text/dedupe.py)."""
    choices = {}
    for person, given in check.mapping(node, "'bios'", hint=BIOS_HINT).items():
        line = line_of(given.value) or line_of(given.key)
        if isinstance(given.value, yaml.MappingNode):
            fields = check.mapping(given.value, f"the bio of {person}", ("text",), required=("text",),
                                   hint=BIOS_HINT)
            text = check.text(fields["text"].value, f"the bio of {person}", hint=BIOS_HINT)
            choices[person] = BioChoice(line, text=" ".join(text.split()))
            continue
        value = check.text(given.value, f"the bio of {person}", hint=BIOS_HINT)
        if value == NO_BIO:
            choices[person] = BioChoice(line)
        elif KEY_SHAPE.match(value):
            choices[person] = BioChoice(line, key=value)
        else:
            raise check.fail(f"'{value}' is not a bio's key, 'none' or {{text: ...}}", given.value,
                             hint=f"{BIOS_HINT}; the keys of the bios are in {report}")
    return choices
