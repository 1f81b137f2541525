"""The one validator of the editor's YAML files, and the five loaders built on it: every
mistake names the file and the right line and says what to write instead; a misspelt key
gets a did-you-mean; valid files load to the same objects as before."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict

import pytest

from scripts.bibliography import overrides as bibliography
from scripts.core.book import load_book
from scripts.core.config import Validator, did_you_mean
from scripts.core.errors import UserError
from scripts.index import terms as index
from scripts.text import dedupe, notes
from tests.conftest import ROOT, check_golden


def checked(text: str):
    """A validator for a small file named 'editor.yaml', and the file's root node."""
    check = Validator("editor.yaml")
    return check, check.parse(text, syntax_hint="check the indentation")


def error_of(call) -> UserError:
    with pytest.raises(UserError) as raised:
        call()
    assert raised.value.hint, "every error says what to write instead"
    return raised.value


# ---------------------------------------------------------------- the validator itself

def test_a_mapping_gives_each_key_with_its_nodes_in_the_files_order():
    check, root = checked("title: A\n# a comment\nauthor: B\n")
    fields = check.mapping(root, "the file", ("title", "author", "date"), required=("title",))
    assert list(fields) == ["title", "author"]
    assert check.text(fields["author"].value, "'author'") == "B"
    assert fields["author"].key.start_mark.line + 1 == 3


def test_an_unknown_key_gets_did_you_mean_and_the_allowed_keys():
    check, root = checked("title: A\ntitel: B\n")
    error = error_of(lambda: check.mapping(root, "the file", ("title", "author")))
    assert error.message == "unknown key 'titel' in the file"
    assert error.line == 2 and error.file == "editor.yaml"
    assert error.hint == "did you mean 'title'? allowed keys: title, author"
    assert str(error).startswith("editor.yaml:2: unknown key 'titel'")


def test_an_unknown_key_far_from_every_allowed_one_gets_only_the_list():
    check, root = checked("zzz: 1\n")
    assert error_of(lambda: check.mapping(root, "the file", ("title",))).hint == "allowed keys: title"


def test_a_duplicate_key_names_both_lines():
    check, root = checked("title: A\nauthor: B\ntitle: C\n")
    error = error_of(lambda: check.mapping(root, "the file", ("title", "author")))
    assert error.line == 3 and "given twice" in error.message and "first on line 1" in error.message


def test_a_missing_required_key_has_the_line_of_its_mapping():
    check, root = checked("book:\n  other: 1\n  title: A\n")
    inner = check.mapping(root, "the file")["book"].value
    error = error_of(lambda: check.mapping(inner, "'book'", ("title", "author", "other"),
                                           required=("title", "author")))
    assert error.message == "required key 'author' is missing from 'book'" and error.line == 2
    assert "add 'author: ...'" in error.hint


def test_nothing_written_is_an_empty_mapping_or_list_but_not_a_text():
    check, root = checked("a:\nb: ~\nc: ''\n")
    fields = check.mapping(root, "the file")
    assert check.mapping(fields["a"].value, "'a'") == {}
    assert check.sequence(fields["b"].value, "'b'") == []
    assert check.optional_text(fields["c"].value, "'c'") == "" and check.optional_text(None, "'d'") == ""
    error = error_of(lambda: check.text(fields["a"].value, "'a'"))
    assert error.message == "'a' is empty" and error.line == 1


def test_the_wrong_shape_is_named():
    check, root = checked("a: [x, y]\nb: {x: 1}\nc: text\n")
    fields = check.mapping(root, "the file")
    assert error_of(lambda: check.text(fields["a"].value, "'a'")).message == "'a' must be a text, not a list"
    assert error_of(lambda: check.text(fields["b"].value, "'b'")).message == "'b' must be a text, not a mapping"
    error = error_of(lambda: check.mapping(fields["c"].value, "'c'", ("x",)))
    assert error.message == "'c' must be a mapping of keys such as 'x:'" and error.line == 3
    assert error_of(lambda: check.sequence(fields["c"].value, "'c'")).message == "'c' must be a list"


def test_scalars_are_the_text_the_editor_wrote():
    check, root = checked("a: [2009, NO, 1.50, 010, yes, ~x]\n")
    values = check.texts(check.mapping(root, "the file")["a"].value, "'a'")
    assert values == ["2009", "NO", "1.50", "010", "yes", "~x"]


def test_a_list_of_texts_may_be_one_text_only_where_allowed():
    check, root = checked("one: Almaty\nnone: []\nbad: [a, [b]]\n")
    fields = check.mapping(root, "the file")
    assert check.texts(fields["one"].value, "'one'", allow_single=True) == ["Almaty"]
    assert error_of(lambda: check.texts(fields["one"].value, "'one'")).message == "'one' must be a list"
    assert check.texts(fields["none"].value, "'none'") == []
    error = error_of(lambda: check.texts(fields["none"].value, "'none'", allow_empty=False))
    assert error.message == "'none' must be a non-empty list" and error.line == 2
    error = error_of(lambda: check.texts(fields["bad"].value, "'bad'"))
    assert error.message == "an item of 'bad' must be a text, not a list" and error.line == 3


def test_a_choice_gets_did_you_mean_and_the_choices():
    check, root = checked("order: chronologcal\n")
    node = check.mapping(root, "the file")["order"].value
    assert check.choice(node, "order", ("archive", "chronologcal")) == "chronologcal"
    error = error_of(lambda: check.choice(node, "chapter order", ("chronological", "archive")))
    assert error.message == "unknown chapter order 'chronologcal'" and error.line == 1
    assert error.hint == "did you mean 'chronological'? write one of: chronological, archive"


@pytest.mark.parametrize("written, expected", [
    ("2026-11-23", dt.date(2026, 11, 23)), ('"2026-11-23"', dt.date(2026, 11, 23)),
    ("2026-02-30", None), ("23/11/2026", None), ("20261123", None), ("2026-11-23 10:00", None),
    ("someday", None), ("", None),
])
def test_a_date_is_a_real_day_written_yyyy_mm_dd(written, expected):
    check, root = checked(f"title: A\ndate: {written}\n")
    node = check.mapping(root, "the file")["date"].value
    if expected:
        assert check.date(node, "'date'") == expected
    else:
        error = error_of(lambda: check.date(node, "'date'"))
        assert "'date' is not a date" in error.message and error.line == 2 and "YYYY-MM-DD" in error.hint


@pytest.mark.parametrize("written, expected", [
    ("3", 3), ('"12"', 12), ("0", None), ("-2", None), ("03", None), ("1.5", None), ("three", None),
    ("[1]", None),
])
def test_an_integer_is_whole_and_at_least_the_minimum(written, expected):
    check, root = checked(f"note: {written}\n")
    node = check.mapping(root, "the file")["note"].value
    if expected:
        assert check.integer(node, "'note'", minimum=1) == expected
    else:
        error = error_of(lambda: check.integer(node, "'note'", minimum=1))
        assert error.message.startswith("'note' must be a whole number of 1 or more") and error.line == 1


def test_an_integer_without_a_minimum_may_be_zero_or_negative():
    check, root = checked("a: 0\nb: -2\n")
    fields = check.mapping(root, "the file")
    assert [check.integer(fields[k].value, k) for k in "ab"] == [0, -2]


@pytest.mark.parametrize("written, expected", [("true", True), ("false", False), ("yes", None),
                                               ("True", None), ("", None)])
def test_a_boolean_is_true_or_false(written, expected):
    check, root = checked(f"flag: {written}\n")
    node = check.mapping(root, "the file")["flag"].value
    if expected is None:
        error = error_of(lambda: check.boolean(node, "'flag'"))
        assert error.message == "'flag' must be true or false" and error.hint == "write true or false"
    else:
        assert check.boolean(node, "'flag'") is expected


def test_a_syntax_error_names_the_line():
    error = error_of(lambda: checked("a: 1\nb: [unclosed\n"))
    assert "not valid YAML" in error.message and error.line == 3 and error.file == "editor.yaml"
    assert checked("# only a comment\n")[1] is None


def test_did_you_mean_offers_the_closest_choice_or_nothing():
    assert did_you_mean("kep", ["keep", "drop"]) == "did you mean 'keep'?"
    assert did_you_mean("zzz", ["keep", "drop"]) is None


# ---------------------------------------------------------------- valid files load as before

# The goldens were written by the loaders as they were before they used the validator.
DEDUPE_YAML = """\
keep:                       # removed as a repeat, but should stay
  - why-xi-jinping-chose-central-asia#1a2b3c4d
  - why-xi-jinping-chose-central-asia#1a2b3c4d.2
  - "central-asia#0a2b3c4d-tail"
drop:
  - key: trouble-brews-central-asia#5e6f7a8b
    note: repeats the previous chapter's conclusion
  - trouble-brews-central-asia#00000001
  - {key: trouble-brews-central-asia#00000002}
"""

NOTES_YAML = """\
# article slug (see build/reports/notes.md) -> decisions
paving-digital-silk-road-with-shanghai:
  - note: 65
    marker: "opened in Uzbekistan in 201665"   # note 65's marker is the "65" ending this passage
  - note: 7
    not_marker: "at the G7"
  - {note: "90", drop_marker: security forces.90}
central-asia:
  - note: 12
    unreferenced: cited only in a photo caption the book drops
"""

BIBLIOGRAPHY_YAML = """\
notes:
  "paving-digital-silk-road-with-shanghai#37":
    references: []                 # cites nothing; a reason is required
    reason: unpublished interview
  "paving-digital-silk-road-with-shanghai#40":
    fix: {author: The Business Year}
  "paving-digital-silk-road-with-shanghai#69":
    fix: [{}, {issued: 2021, accessed: 2022-03}]
  "central-asia#3":
    fix:
      - {}
  "paving-digital-silk-road-with-shanghai#7":
    references:
      - type: chapter
        author: [{family: Jiang, given: Zemin}, Party Literature Office]
        title: "Bùshīshíjī dì shíshī xībù dà kāifā zhànlüè"
        container-title: Selected Works of Jiang Zemin
        volume: 2
        page: 341-346
        issued: 1999-06-17
      - URL: https://example.org/report
        editor: {literal: The Editors}
names:
  Xi Jinping: {family: Xi, given: Jinping}
  Qingdao Caijing: Qingdao Caijing
  "Ursula von der Leyen": {family: Leyen, given: Ursula, non-dropping-particle: von der}
"""


def as_json(value):
    """Dataclasses, tuples, sets and dates as the JSON a golden file holds (a set sorted: its
    order changes from one interpreter to the next)."""
    def plain(item):
        return sorted(item) if isinstance(item, (set, frozenset)) else str(item)
    return json.loads(json.dumps(value, default=plain, ensure_ascii=False))


def test_the_demo_books_files_load_as_before():
    check_golden("config/book.json", as_json(asdict(load_book(ROOT / "manuscript" / "book.yaml"))))
    shipped = dedupe.load_overrides(ROOT / "manuscript" / "dedupe.yaml")
    assert (shipped.keep, shipped.drop) == ({}, {})
    terms = index.load_terms(ROOT / "manuscript" / "index.yaml")
    check_golden("config/index.json", as_json({key: asdict(entry) for key, entry in terms.entries.items()}))


def test_documented_notes_and_bibliography_files_load_as_before(tmp_path):
    (tmp_path / "notes.yaml").write_text(NOTES_YAML, encoding="utf-8")
    decisions = notes.load_overrides(tmp_path / "notes.yaml",
                                     ["central-asia", "paving-digital-silk-road-with-shanghai"])
    (tmp_path / "bibliography.yaml").write_text(BIBLIOGRAPHY_YAML, encoding="utf-8")
    corrections = bibliography.load_overrides(tmp_path / "bibliography.yaml")
    (tmp_path / "dedupe.yaml").write_text(DEDUPE_YAML, encoding="utf-8")
    blocks = dedupe.load_overrides(tmp_path / "dedupe.yaml")
    check_golden("config/dedupe.json", {"keep": blocks.keep, "drop": as_json(blocks.drop)})
    assert {d.file for d in decisions} == {str(tmp_path / "notes.yaml")}
    check_golden("config/notes.json", as_json([{k: v for k, v in asdict(d).items() if k not in ("file", "report")}
                                               for d in decisions]))
    check_golden("config/bibliography.json", {
        "notes": as_json([[list(key), asdict(value)] for key, value in corrections.notes.items()]),
        "names": corrections.names})


# ---------------------------------------------------------------- each file's mistakes

def mistake(tmp_path, name: str, text: str, load) -> UserError:
    """The error of loading `text` saved as `name`; it starts with file:line."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    error = error_of(lambda: load(path))
    assert error.file == str(path) and error.line is not None
    assert str(error).startswith(f"{path}:{error.line}: ")
    return error


BOOK = ("title: A\nauthor: B\nlanguage: en\npublisher: P\nrights: R\nidentifier: I\n"
        "date: 2026-11-23\n")


@pytest.mark.parametrize("text, line, message, hint", [
    (BOOK.replace("title:", "titel:"), 1, "unknown key 'titel' in the file", "did you mean 'title'?"),
    (BOOK + "subjets: [x]\n", 8, "unknown key 'subjets'", "did you mean 'subjects'?"),
    (BOOK + "title: Again\n", 8, "key 'title' is given twice in the file (first on line 1)", "keep one"),
    ("# the book\n\n" + BOOK.replace("title: A\n", ""), 3, "required key 'title' is missing", "add 'title: ...'"),
    (BOOK.replace("publisher: P", "publisher:"), 4, "'publisher' is empty", "write the text"),
    (BOOK.replace("title: A", "title: [A, B]"), 1, "'title' must be a text, not a list", "write the text"),
    (BOOK.replace("2026-11-23", "23/11/2026"), 7, "'date' is not a date: '23/11/2026'", "YYYY-MM-DD"),
    (BOOK.replace("2026-11-23", "2026-02-30"), 7, "'date' is not a date", "YYYY-MM-DD"),
    (BOOK + "subjects: Economics\n", 8, "'subjects' must be a list", "'- item' per line"),
    (BOOK + "sources:\n  - a.txt\n  - [b.txt]\n", 10, "an item of 'sources' must be a text", "'- item'"),
    (BOOK.replace("author: B", "author:\n  name: B\n  fileas: B, A"), 4,
     "unknown key 'fileas' in 'author'", "did you mean 'file_as'?"),
    (BOOK.replace("author: B", "author:\n  file_as: B, A"), 3, "required key 'name' is missing from 'author'",
     "add 'name: ...'"),
    (BOOK + "chapter_order: chronologcal\n", 8, "unknown chapter order 'chronologcal'",
     "did you mean 'chronological'?"),
    (BOOK + "chapter_order: {a: 1}\n", 8, "chapter order must be a text, not a mapping", "chronological, archive"),
    ("- title: A\n", 1, "the file must be a mapping of keys such as 'title:'", "README.md"),
    (BOOK.replace("rights: R", "rights: R: all"), 5, "not valid YAML", "quote values"),
])
def test_book_yaml_mistakes(tmp_path, text, line, message, hint):
    error = mistake(tmp_path, "book.yaml", text, load_book)
    assert error.line == line and message in error.message and hint in error.hint


@pytest.mark.parametrize("text, line, message, hint", [
    ("kep:\n  - a#1234abcd\n", 1, "unknown key 'kep' in the file", "did you mean 'keep'?"),
    ("keep: []\ndorp: []\n", 2, "unknown key 'dorp'", "did you mean 'drop'?"),
    ("keep: []\ndrop: []\nkeep:\n  - a#1234abcd\n", 3, "key 'keep' is given twice", "keep one"),
    ("keep:\n  a#1234abcd: yes\n", 2, "'keep' must be a list", "'- slug#1a2b3c4d' per line"),
    ("drop:\n  - key: a#1234abcd\n  - note: no key\n", 3, "required key 'key' is missing from an entry",
     "add 'key: ...'"),
    ("drop:\n  - key: a#1234abcd\n    nte: why\n", 3, "unknown key 'nte'", "did you mean 'note'?"),
    ("drop:\n  - key: a#1234abcd\n    key: b#1234abcd\n", 3, "key 'key' is given twice", "keep one"),
    ("keep:\n  - a#1234abcd\n  - [b#1234abcd]\n", 3, "a block key must be a text", "'- slug#1a2b3c4d'"),
    ("keep:\n  - a#1234abcd\n  -\n", 3, "a block key is empty", "'- slug#1a2b3c4d'"),
    ("keep:\n  - a#12\n", 2, "'a#12' is not a block key", "8 hex digits"),
    ("keep:\n  - a#1234abcd\ndrop:\n  - a#1234abcd\n", 4, "under both keep and drop", "decide"),
    ("keep:\n  - a#1234abcd\n - b\n", 3, "not valid YAML", "indentation"),
])
def test_dedupe_yaml_mistakes(tmp_path, text, line, message, hint):
    error = mistake(tmp_path, "dedupe.yaml", text, dedupe.load_overrides)
    assert error.line == line and message in error.message and hint in error.hint


SLUGS = ["central-asia", "kazakhstan-crisis"]


@pytest.mark.parametrize("text, line, message, hint", [
    ("central-asa:\n  - {note: 1, marker: forces.1}\n", 1, "no article has the slug 'central-asa'",
     "did you mean 'central-asia'?"),
    ("unknown-slug:\n  - {note: 1, marker: forces.1}\n", 1, "no article has the slug", "build/reports/notes.md"),
    ("central-asia:\n  - note: 1\n    markr: forces.1\n", 3, "unknown key 'markr' in a decision",
     "did you mean 'marker'?"),
    ("central-asia:\n  - note: 1\n    not_markr: in 2017.1\n", 3, "unknown key 'not_markr'",
     "did you mean 'not_marker'?"),
    ("central-asia: []\nkazakhstan-crisis: []\ncentral-asia: []\n", 3,
     "key 'central-asia' is given twice in the file (first on line 1)", "keep one"),
    ("central-asia:\n  - note: 1\n    marker: a.1\n    note: 2\n", 4, "key 'note' is given twice", "keep one"),
    ("central-asia:\n  - note: one\n    marker: a.1\n", 2, "'note' must be a whole number of 1 or more, not 'one'",
     "e.g. 'note: 3'"),
    ("central-asia:\n  - note: 0\n    marker: a.0\n", 2, "'note' must be a whole number of 1 or more", "note: 3"),
    ("central-asia:\n  - {note: 1, marker: a.1}\n  - marker: a.2\n", 3,
     "required key 'note' is missing from a decision", "add 'note: ...'"),
    ("central-asia:\n  - {note: 1, marker: a.1, drop_marker: a.1}\n", 2, "say exactly one of", "one decision"),
    ("central-asia:\n  - note: 1\n", 2, "say exactly one of", "one decision"),
    ("central-asia:\n  - note: 1\n    marker:\n", 3, "'marker' is empty", "a short passage"),
    ("central-asia:\n  - note: 1\n    marker: [a.1]\n", 3, "'marker' must be a text, not a list", "a short passage"),
    ("central-asia:\n  note: 1\n", 2, "the decisions under 'central-asia' must be a list", "like this"),
    ("central-asia:\n  - forces.1\n", 2, "a decision must be a mapping of keys such as 'note:'", "{note: 3"),
    ("- central-asia\n", 1, "the file must be a mapping", "article slugs"),
    ("central-asia:\n  - {note: 1, marker: \"a.1}\n", 3, "not valid YAML", "quoting"),
])
def test_notes_yaml_mistakes(tmp_path, text, line, message, hint):
    error = mistake(tmp_path, "notes.yaml", text, lambda path: notes.load_overrides(path, SLUGS))
    assert error.line == line and message in error.message and hint in error.hint


NOTE = 'notes:\n  "central-asia#3":\n'


@pytest.mark.parametrize("text, line, message, hint", [
    ("nots:\n  {}\n", 1, "unknown key 'nots' in the file", "did you mean 'notes'?"),
    ("names: {}\nnames: {}\n", 2, "key 'names' is given twice", "keep one"),
    ("notes:\n  - central-asia#3\n", 2, "'notes' must be a mapping", "<article slug>#<note number>"),
    ('notes:\n  "central-asia": {fix: {title: x}}\n', 2, "'central-asia' is not a note key", "my-article#12"),
    (NOTE + "    fixx: {title: x}\n", 3, "unknown key 'fixx' in the override of 'central-asia#3'",
     "did you mean 'fix'?"),
    (NOTE + "    reason: a\n", 2, "needs 'references' or 'fix'", "'fix: {...}'"),
    (NOTE + "    references: []\n    fix: {}\n", 4, "either 'references' or 'fix'", "corrects it"),
    (NOTE + "    references: []\n", 3, "say why the note cites nothing", "add 'reason: ...'"),
    (NOTE + "    references: {title: x}\n", 3, "'references' must be a list", "'- title: ...'"),
    (NOTE + "    references:\n      - type: book\n", 4, "needs at least a title or a URL", "'title: ...'"),
    (NOTE + "    fix:\n      titel: x\n", 4, "unknown key 'titel' in a reference", "did you mean 'title'?"),
    (NOTE + "    fix:\n      container_title: x\n", 4, "unknown key 'container_title'",
     "did you mean 'container-title'?"),
    (NOTE + "    fix: {type: article-newspapr}\n", 3, "unknown CSL type 'article-newspapr'",
     "did you mean 'article-newspaper'?"),
    (NOTE + "    fix: {title: [a, b]}\n", 3, "'title' must be a text, not a list", "write the text"),
    (NOTE + "    fix:\n      issued: 17 June 1999\n", 4, "issued: '17 June 1999' is not a date", "YYYY-MM-DD"),
    (NOTE + "    fix:\n      author:\n        - Someone\n        - {famly: Jiang}\n", 6,
     "unknown key 'famly' in the name in 'author'", "did you mean 'family'?"),
    (NOTE + "    fix: {author: {given: Zemin}}\n", 3, "author: a name is 'Organisation'", "{family: Yang"),
    ("names:\n  Jing Yang: [Yang, Jing]\n", 2, "names: Jing Yang: a name is", "{family: Yang"),
    ('notes:\n  "central-asia#3": {fix: {title: "x}}\n', 3, "not valid YAML", "quoting"),
    ("organisation:\n  A: [B]\n", 1, "unknown key 'organisation' in the file",
     "did you mean 'organisations'?"),
    ("organisations:\n  UN: United Nations\n  UNO:\n    - UNSC\n    - united nations\n", 5,
     "'united nations' is given for both 'UN' (line 2) and 'UNO'", "keep one"),
    ("organisations:\n  A: [B]\n  B: [C]\n", 2, "'B' is itself a printed form (line 3)",
     "list the forms of 'B' under 'A'"),
    ("organisations:\n  A: []\n", 2, "the forms of 'A' must be a text or a non-empty list",
     "United Nations Security Council: [UN Security Council"),
    ("organisations: [A, B]\n", 1, "'organisations' must be a mapping", "the form to print"),
])
def test_bibliography_yaml_mistakes(tmp_path, text, line, message, hint):
    error = mistake(tmp_path, "bibliography.yaml", text, bibliography.load_overrides)
    assert error.line == line and message in error.message and hint in error.hint


@pytest.mark.parametrize("text, line, message, hint", [
    ("entrys:\n  - term: A\n", 1, "unknown key 'entrys' in the file", "did you mean 'entries'?"),
    ("entries:\n  - term: A\n    macth: [a]\n", 3, "unknown key 'macth' in an index entry", "did you mean 'match'?"),
    ("entries:\n  - term: A\n    see_als: [B]\n  - term: B\n", 3, "unknown key 'see_als'",
     "did you mean 'see_also'?"),
    ("entries:\n  - term: A\n    subentries:\n      - term: b\n        mach: [b]\n", 5,
     "unknown key 'mach' in a sub-entry of 'A'", "did you mean 'match'?"),
    ("entries:\n  - term: A\n    match: [a]\n    match: [b]\n", 4,
     "key 'match' is given twice in an index entry (first on line 3)", "keep one"),
    ("entries:\n  - term: A\n  - Almaty\n", 3, "an index entry must be a mapping of keys such as 'term:'",
     "write 'term: ...'"),
    ("entries:\n  - term:\n", 2, "'term' is empty", "write the text"),
    ("entries:\n  - term: A\n    match: []\n", 3, "'match' must be a text or a non-empty list", "[Shanghai"),
    ("entries:\n  - term: A\n    match: [a, [b]]\n", 3, "each item of 'match' must be a text", "write the text"),
    ("entries:\n  - term: A\n    main_locators: no\n", 3, "'main_locators' must be true or false", "true or false"),
    ("entries:\n  - term: A\n    see_also: [Bee]\n  - term: Be\n", 3, "'see also' target 'Bee' is not a headword",
     "did you mean 'Be'?"),
    ("entries:\n  - term: A\n  - term: A\n", 3, "headword 'A' is given twice (first on line 2)", "merge"),
    ("entries:\n  - term: A\n    match: [a\n  - term: B\n", 4, "not valid YAML", "quoting"),
])
def test_index_yaml_mistakes(tmp_path, text, line, message, hint):
    error = mistake(tmp_path, "index.yaml", text, index.load_terms)
    assert error.line == line and message in error.message and hint in error.hint
