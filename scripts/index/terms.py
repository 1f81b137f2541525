"""The index terms: the editor's manuscript/index.yaml read, checked and held as Entry objects.

Kept apart from matching and rendering because it is what the editor touches: every mistake in
the file must stop the build with the file, the line and a hint (UserError), and that checking
is most of this module.  The other index modules only read the validated IndexTerms.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from difflib import get_close_matches
from pathlib import Path

import yaml

from scripts.core.config import Validator, read_editor_file
from scripts.core.errors import UserError
from scripts.core.memo import Memo

DEFAULT_PATH = "manuscript/index.yaml"
ENTRY_KEYS = ("term", "match", "sort", "see", "see_also", "subentries", "main_locators")
SUB_KEYS = ("term", "match", "sort", "with")
# Typographic variants a phrase may be written with; the matcher accepts each for the others.
APOSTROPHES = "'’"
DASHES = "-‐‑–"

# ---------------------------------------------------------------- the terms


@dataclass(frozen=True)
class SubEntry:
    key: str
    term: str
    phrases: tuple[str, ...]
    sort: str = ""
    line: int | None = None
    # `with:` phrases, one of which the sentence must also hold ("all of these": the
    # headword, one `match` phrase and one `with` phrase), for a sub-entry whose `match`
    # alone names something the text mentions for other reasons (the other country of
    # "border clashes with Kyrgyzstan" is named in many sentences about other things).
    with_phrases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Entry:
    key: str
    term: str
    phrases: tuple[str, ...]            # what locates it in the text; empty for a pure "see"
    sort: str = ""
    see: str | None = None              # key of the preferred entry
    see_also: tuple[str, ...] = ()      # keys
    subentries: tuple[SubEntry, ...] = ()
    main_locators: bool = True
    line: int | None = None


@dataclass
class IndexTerms:
    entries: dict[str, Entry]
    source: str = DEFAULT_PATH
    # scripts.index.match compiles the phrases once per IndexTerms and keeps them here,
    # so each chapter reuses them; what they are is matching's business, not the model's.
    compiled_phrases: object = field(default=None, repr=False, compare=False)

    def entry(self, key_or_term: str) -> Entry:
        if key_or_term in self.entries:
            return self.entries[key_or_term]
        for entry in self.entries.values():
            if entry.term == key_or_term:
                return entry
        raise KeyError(key_or_term)

    @cached_property
    def fingerprint(self) -> str:
        """A digest of the entries (all that matching reads): the key a chapter's remembered
        index marks are kept under, with the chapter's markup (scripts/index/match.py)."""
        return hashlib.sha256(repr(list(self.entries.items())).encode("utf-8")).hexdigest()

    def variants_for(self, headword_key: str) -> list[str]:
        """The phrases that locate a headword in the text (for tests that check a page shows it)."""
        return list(self.entry(headword_key).phrases)


def slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def is_acronym(phrase: str) -> bool:
    """SCO, U.S., G7: matched case-sensitively, because 'Sco' or 'us' are other words."""
    letters = [c for c in phrase if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def phrase_identity(phrase: str) -> str:
    """Two phrases with the same identity match the same text (so one may not locate two headwords)."""
    text = re.sub(r"\s+", " ", phrase.strip())
    text = re.sub(f"[{APOSTROPHES}]", "’", text)
    text = re.sub(f"[{DASHES}]", "-", text)
    if not is_acronym(text):
        text = text[:1].lower() + text[1:]
    return text


# ---------------------------------------------------------------- loading and validation


def load_terms(path: Path | str = DEFAULT_PATH, memo: Memo | None = None) -> IndexTerms:
    """The terms of the file; with a memo, the terms read last time from this very text
    (checking the file is most of the cost, and three stages read it)."""
    path = Path(path)
    if not path.exists():
        raise UserError("the index terms file is missing", file=str(path),
                        hint="create it (see docs/index.md for the format) or restore it from git")
    text = read_editor_file(path)
    if memo is None:
        return parse_terms(text, str(path))
    return memo.remember(("index terms", str(path), text), lambda: parse_terms(text, str(path)))


def parse_terms(text: str, name: str = DEFAULT_PATH) -> IndexTerms:
    validator = _Validator(name)
    root = validator.parse(text, syntax_hint="check the indentation and quoting on that line; quote a "
                                             "phrase that contains ': ', ' #' or a comma inside [ ]")
    return validator.terms(root)


def _line(node: yaml.Node | None) -> int | None:
    return node.start_mark.line + 1 if node is not None else None


class _Validator(Validator):
    """The shared checks (mapping, text, boolean, fail) plus what only an index has:
    headwords, phrases that may locate one headword only, see and see-also targets."""

    def texts_with_nodes(self, node: yaml.Node, what: str) -> list[tuple[str, yaml.Node]]:
        # The nodes come along so that a phrase or target found wrong later still has its line.
        items = self.sequence(node, what, hint="write e.g. [Shanghai Cooperation Organisation, SCO]",
                              allow_single=True, allow_empty=False)
        return [(self.text(item, f"each item of {what}"), item) for item in items]

    def terms(self, root: yaml.Node | None) -> IndexTerms:
        if root is None:
            raise UserError("the index terms file is empty", file=self.file, line=1,
                            hint="start it with 'entries:' followed by '- term: ...' items")
        top = self.mapping(root, "the file", ("entries",))
        if "entries" not in top:
            raise self.fail("the file has no 'entries:' list", root,
                            hint="start it with 'entries:' followed by '- term: ...' items")
        entries_node = top["entries"][1]
        if not isinstance(entries_node, yaml.SequenceNode):
            raise self.fail("'entries' must be a list of '- term: ...' items", entries_node)

        raw = [self.entry(node) for node in entries_node.value]
        by_term: dict[str, dict] = {}
        by_key: dict[str, dict] = {}
        for item in raw:
            if item["term"] in by_term:
                first = by_term[item["term"]]
                raise self.fail(f"headword '{item['term']}' is given twice (first on line "
                                f"{_line(first['node'])})", item["node"],
                                hint="merge the two entries into one")
            if item["key"] in by_key:
                other = by_key[item["key"]]
                raise self.fail(f"headwords '{other['term']}' and '{item['term']}' differ only in "
                                "punctuation or case", item["node"], hint="merge them or reword one")
            by_term[item["term"]] = by_key[item["key"]] = item

        claimed: dict[str, tuple[str, yaml.Node]] = {}
        for item in raw:
            for phrase, node in item["phrases"]:
                norm = phrase_identity(phrase)
                if norm in claimed and claimed[norm][0] != item["term"]:
                    owner, owner_node = claimed[norm]
                    raise self.fail(f"the phrase '{phrase}' locates two headwords: '{owner}' "
                                    f"(line {_line(owner_node)}) and '{item['term']}'", node,
                                    hint="a phrase may point to one headword only: remove it from "
                                         "one entry, or make that entry a 'see' reference")
                claimed[norm] = (item["term"], node)

        def resolve(target: str, node: yaml.Node, what: str) -> str:
            if target in by_term:
                return by_term[target]["key"]
            close = [t for t in by_term if t.startswith(target + ",") or t.endswith(", " + target)]
            close = close or get_close_matches(target, list(by_term), n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else "add that headword, or correct the spelling"
            if "," in target or close and "," in close[0]:
                hint += " (a headword containing a comma must be quoted inside [ ])"
            raise self.fail(f"{what} '{target}' is not a headword in this file", node, hint=hint)

        entries: dict[str, Entry] = {}
        for item in raw:
            see = None
            if item["see"] is not None:
                target, node = item["see"]
                see = resolve(target, node, "'see' target")
                if see == item["key"]:
                    raise self.fail(f"'{item['term']}' refers to itself with 'see'", node)
                if by_key[see]["see"] is not None:
                    raise self.fail(f"'see' target '{target}' is itself only a 'see' reference",
                                    node, hint=f"point straight to '{by_key[see]['see'][0]}'")
            see_also = []
            for target, node in item["see_also"]:
                key = resolve(target, node, "'see also' target")
                if key == item["key"]:
                    raise self.fail(f"'{item['term']}' lists itself under 'see_also'", node)
                if key not in see_also:
                    see_also.append(key)
            entries[item["key"]] = Entry(
                key=item["key"], term=item["term"],
                phrases=tuple(dict.fromkeys(p for p, _ in item["phrases"])),
                sort=item["sort"], see=see, see_also=tuple(see_also),
                subentries=tuple(item["subentries"]), main_locators=item["main_locators"],
                line=_line(item["node"]))
        return IndexTerms(entries=entries, source=self.file)

    def entry(self, node: yaml.Node) -> dict:
        keys = self.mapping(node, "an index entry", ENTRY_KEYS)
        if "term" not in keys:
            raise self.fail("an index entry has no 'term:'", node,
                            hint="every entry starts with '- term: Headword as printed'")
        term = self.text(keys["term"][1], "'term'")
        item = {"term": term, "key": slug(term), "node": node, "see": None, "see_also": [],
                "sort": "", "subentries": [], "main_locators": True}
        if not item["key"]:
            raise self.fail(f"headword '{term}' has no letters or digits", keys["term"][1])
        if "sort" in keys:
            item["sort"] = self.text(keys["sort"][1], "'sort'")
        if "see" in keys:
            if set(keys) & {"match", "subentries", "see_also", "main_locators"}:
                raise self.fail(f"'{term}' has 'see' and also its own matches, sub-entries or "
                                "'see also'", keys["see"][0],
                                hint="a 'see' entry only sends the reader elsewhere: move the "
                                     "other keys to the entry it points to")
            item["see"] = (self.text(keys["see"][1], "'see'"), keys["see"][1])
            item["phrases"] = []
            return item
        item["phrases"] = (self.texts_with_nodes(keys["match"][1], "'match'") if "match" in keys
                           else [(term, keys["term"][1])])
        if "see_also" in keys:
            item["see_also"] = self.texts_with_nodes(keys["see_also"][1], "'see_also'")
        if "main_locators" in keys:
            item["main_locators"] = self.boolean(keys["main_locators"][1], "'main_locators'")
        if "subentries" in keys:
            subs_node = keys["subentries"][1]
            if not isinstance(subs_node, yaml.SequenceNode) or not subs_node.value:
                raise self.fail("'subentries' must be a list of '- term: ...' items", subs_node)
            seen: dict[str, yaml.Node] = {}
            for sub_node in subs_node.value:
                sub_keys = self.mapping(sub_node, f"a sub-entry of '{term}'", SUB_KEYS)
                if "term" not in sub_keys or "match" not in sub_keys:
                    raise self.fail(f"a sub-entry of '{term}' needs both 'term:' and 'match:'",
                                    sub_node, hint="'match' lists the phrases that, in the same "
                                                   "paragraph as the headword, make this sub-entry")
                sub_term = self.text(sub_keys["term"][1], "'term'")
                sub_key = slug(sub_term)
                if sub_key in seen:
                    raise self.fail(f"sub-entry '{sub_term}' of '{term}' is given twice "
                                    f"(first on line {_line(seen[sub_key])})", sub_node)
                seen[sub_key] = sub_node
                phrases = self.texts_with_nodes(sub_keys["match"][1], "'match'")
                with_phrases = (self.texts_with_nodes(sub_keys["with"][1], "'with'")
                                if "with" in sub_keys else [])
                item["subentries"].append(SubEntry(
                    key=sub_key, term=sub_term, phrases=tuple(dict.fromkeys(p for p, _ in phrases)),
                    sort=self.text(sub_keys["sort"][1], "'sort'") if "sort" in sub_keys else "",
                    line=_line(sub_node), with_phrases=tuple(dict.fromkeys(p for p, _ in with_phrases))))
        if not item["main_locators"] and not item["subentries"]:
            raise self.fail(f"'{term}' has 'main_locators: false' but no sub-entries, so it "
                            "could never have a locator", keys["main_locators"][0],
                            hint="add sub-entries or remove 'main_locators: false'")
        return item
