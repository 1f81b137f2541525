"""Stage 4: reassemble each article's footnotes into one note model.

Input: the deduplicated model (build/model/deduped.json; normalised.json until
the dedupe stage exists) and the editor's decisions in the book's notes.yaml.
Output: build/model/noted.json, where every note reference in the running
text is a `model.note_ref(n)` sentinel and `article.notes` holds the notes,
plus build/reports/notes.json and notes.md.

The archive uses three conventions: note numbers glued to the text
("forces.1", "East”.2", "Tashkent8", even "201665" for the year 2016 followed
by note 65) with a numbered list after the article; bracketed markers "[1]"
with link definitions "[1]: https://..."; and, most often, no notes at all.

A number in running text is a marker only if the notes say so.  The notes of
an article are numbered 1..N and the text cites them in that order, so the
stage lines up the expected sequence 1, 2, ... N against every number that
*could* be a marker (a shortest path over "this number is note k / is text /
note k has no marker"), each reading priced by how marker-like it looks:
a bracket or a number glued after punctuation is almost surely a marker; one
glued to a word or after a year's full stop less so; a note number split off
the end of a longer run of digits only when nothing else can be that note.
When two readings are equally good the text does not decide, and the stage
stops and asks the editor (notes.yaml) rather than guess.

Why one module of some 700 lines: scoring a marker, lining markers up with notes
and the editor's decisions are one algorithm over the same records; the report at
the end is the only part that stands alone, and it is short.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from scripts.core.paths import BookPaths
from scripts.core import model as m
from scripts.core.limits import working_on
from scripts.core.atomic import write_text
from scripts.core.reports import json_text
from scripts.core.console import progress
from scripts.core.config import Validator, did_you_mean, line_of, read_editor_file
from scripts.core.errors import UserError

OVERRIDES_FILE = "notes.yaml"       # in the book folder; errors name the real path when known
REPORT = "build/reports/notes.md"   # the report errors send the editor to (the stage names the book's)

# ---------------------------------------------------------------- how marker-like a number is

# The price of reading a number as a note marker (lower = more marker-like).  Only the order
# matters; the gaps make one "sure" reading outweigh any mix of doubtful ones.
BRACKET = "bracket"                  # "[1]", "Yazhou [1]"
AFTER_PUNCTUATION = "after-punctuation"  # "forces.1", "East”.2", "2013),3"
AFTER_WORD = "after-word"            # "Tashkent8", "security32"
AFTER_ACRONYM = "after-acronym"      # "G7", "C5": usually a name, not a marker
# "EC2 instances", "SCO3 played": capitals and a digit, then a word in lower case: a name in
# use far more often than a word and its marker, so read as a marker only where the note's
# place in the sequence has nothing else (a marker glued to "SCO" or "US" mid-sentence).
ACRONYM_IN_USE = "acronym-in-use"
AFTER_NUMBER = "after-number"        # "in 1998.40": a year, a full stop, then the marker (or a decimal)
SPLIT = "split"                      # "201665": the year 2016 and note 65 with no gap
AFTER_SPACE = "after-space"          # "Beijing. 1 The": a superscript the page set apart by a space
EDITOR = "editor"                    # placed by notes.yaml
LINKED = "linked"                    # a structured source's own link from the text to the note

MATCH_COST = {BRACKET: 0, AFTER_PUNCTUATION: 0, EDITOR: 0, LINKED: 0, AFTER_WORD: 2, AFTER_NUMBER: 4,
              AFTER_SPACE: 4, AFTER_ACRONYM: 6, SPLIT: 8, ACRONYM_IN_USE: 9}
# Forms that are markers whatever the notes say: one left over is a marker without a note.
SURE_FORMS = frozenset({BRACKET, AFTER_PUNCTUATION, EDITOR, LINKED})
SKIP_SURE = 10        # leaving a sure-looking marker as text
MISSING = 20          # a note with no marker at all
REPEAT_EXTRA = 2      # a marker repeated by a duplicated passage: referenced once

CLOSING = ".,;:!?)]”’\"'…"
FOLLOWERS = CLOSING + "–—"
NEVER_BEFORE = "-–—/$€£#+([%*&@\\"   # COVID-19, 9/11, S/2022/419, $1.5, (1999)
MAX_NOTE_DIGITS = 3
DIGITS = re.compile(r"\d+")
# "[1]", and the space before it if any ("Yazhou [1]"): found from the "[", since a pattern
# opening with an optional space is tried at every space of the text (ten times slower).
BRACKET_MARKER = re.compile(r"\[(\d{1,3})\](?![(:\[])")
LINK_DEFINITION = re.compile(r"^\s*\[(\d+)\]:\s*(.*?)\s*$", re.S)
YEAR = re.compile(r"(1[89]|20)\d\d")
LINKED_MARKER = re.compile(f"{m.NOTE_OPEN}(\\d+){m.NOTE_CLOSE}")


@dataclass
class Reading:
    """One way to read a number in the text as note `value`: text[start:end] is the marker."""
    value: int
    form: str
    start: int

    @property
    def cost(self) -> int:
        return MATCH_COST[self.form]


@dataclass
class Slot:
    """A place in the running text that might hold a note marker."""
    block: int                 # index into article.blocks
    end: int                   # where the marker ends in the block's text
    readings: list[Reading]
    drop: bool = False         # the editor says: a marker whose note is lost, take it out
    barred: set[int] = field(default_factory=set)   # the editor placed these notes elsewhere

    @property
    def sure(self) -> bool:
        return any(r.form in SURE_FORMS for r in self.readings)

    def reading(self, value: int) -> Reading | None:
        return next((r for r in self.readings if r.value == value), None)


def _is_acronym(word: str) -> bool:
    return word.isupper() and len(word) <= 4


def _names_a_thing(text: str, end: int) -> bool:
    """"EC2 instances", "S3 bucket", "G7 leaders": capitals and a digit followed by a word in
    lower case (or by more figures) are a name in use, not a word and its note marker."""
    return bool(re.match(r"\s+(?:[a-z]|\d)", text[end:end + 3]))


def _ends_sentence_before_space(text: str, start: int) -> bool:
    """The digits follow "<sentence end><space>", the sentence ending after a word ("Beijing. 1"),
    not after a figure: "in 2019. 3" or a run of figures "12 14 16" is numbers."""
    return (start >= 3 and text[start - 2] in ".!?”’\")" and not text[start - 3].isdigit()
            and not text[start - 3].isspace())


def _opens_or_ends_after(text: str, end: int) -> bool:
    """A marker set apart by a space ends its paragraph or comes before a new sentence; a
    count is followed by what it counts ("3 people")."""
    rest = text[end:end + 3]
    return not rest.strip() or bool(re.match(r"\s+[A-Z“‘\"(]", rest))


def readings_of_digits(text: str, start: int, end: int) -> list[Reading]:
    """The ways the digit run text[start:end] could be (or end with) a note marker."""
    digits = text[start:end]
    after = text[end:end + 1]
    if after and not (after.isspace() or after in FOLLOWERS):
        return []                   # 5G, 45%, 3,000-km: the number is part of a word or quantity
    readings = []
    before = text[start - 1] if start else ""
    if len(digits) <= MAX_NOTE_DIGITS and not digits.startswith("0") and before and not before.isspace():
        if before in NEVER_BEFORE:
            pass
        elif before in CLOSING:
            two_before = text[start - 2] if start >= 2 else ""
            form = AFTER_NUMBER if two_before.isdigit() else AFTER_PUNCTUATION
            readings.append(Reading(int(digits), form, start))
        elif before.isalpha():
            word = re.search(r"[^\W\d_]+$", text[:start]).group(0)
            if not _is_acronym(word):
                readings.append(Reading(int(digits), AFTER_WORD, start))
            else:
                form = ACRONYM_IN_USE if _names_a_thing(text, end) else AFTER_ACRONYM
                readings.append(Reading(int(digits), form, start))
    elif (len(digits) <= MAX_NOTE_DIGITS and not digits.startswith("0") and before == " "
          and _ends_sentence_before_space(text, start) and _opens_or_ends_after(text, end)):
        readings.append(Reading(int(digits), AFTER_SPACE, start - 1))
    # A year immediately followed by a note number: "in 201665 and" (2016, note 65).
    if (YEAR.match(digits) and 5 <= len(digits) <= 4 + MAX_NOTE_DIGITS
            and not digits[4] == "0" and (not before or before.isspace() or before in "(")):
        readings.append(Reading(int(digits[4:]), SPLIT, start + 4))
    return readings


def find_slots(article: m.Article) -> list[Slot]:
    """Every place in the running text, in reading order, where a marker could be."""
    slots = []
    for index, block in enumerate(article.blocks):
        if block.kind not in m.BODY_KINDS:
            continue
        text = block.text
        if article.structured:
            # The source linked each reference to its note: its adapter wrote the link as a
            # sentinel, and a number in the text is only ever a number.
            slots += [Slot(index, match.end(), [Reading(int(match.group(1)), LINKED, match.start())])
                      for match in LINKED_MARKER.finditer(text)]
            continue
        in_brackets = []
        for match in BRACKET_MARKER.finditer(text):
            start = match.start() - (text[match.start() - 1:match.start()] == " ")
            slots.append(Slot(index, match.end(), [Reading(int(match.group(1)), BRACKET, start)]))
            in_brackets.append((start, match.end()))
        for match in DIGITS.finditer(text):
            if any(a <= match.start() < b for a, b in in_brackets):
                continue
            readings = readings_of_digits(text, match.start(), match.end())
            if readings:
                slots.append(Slot(index, match.end(), readings))
    slots.sort(key=lambda s: (s.block, s.end))
    return slots


# ---------------------------------------------------------------- editor's decisions

ACTIONS = ("marker", "not_marker", "drop_marker", "unreferenced")


@dataclass
class Override:
    slug: str
    note: int
    action: str               # one of ACTIONS
    passage: str              # the context string (or the reason, for "unreferenced")
    line: int | None = None
    file: str = OVERRIDES_FILE  # the notes.yaml it was read from
    report: str = REPORT        # where the editor finds the article's text and markers


DECISION_EXAMPLE = '  my-article-slug:\n    - note: 65\n      marker: "in Uzbekistan in 201665"'


def load_overrides(path: Path, known_slugs: list[str], report_file: str = REPORT) -> list[Override]:
    """Read notes.yaml: {slug: [{note: N, marker|not_marker|drop_marker|unreferenced: text}]}."""
    if not path.exists():
        return []
    check = Validator(str(path))
    root = check.parse(read_editor_file(path),
                       syntax_hint="check indentation and quoting (quote passages that "
                                   "contain ': ' or start with a symbol)")
    if root is None:
        return []
    # Any key, then a check against the articles: an unknown slug is named as a slug.
    articles = check.mapping(root, "the file", hint=f"write article slugs, each with a list of "
                                                    f"decisions, like this:\n{DECISION_EXAMPLE}")
    overrides = []
    for slug, given in articles.items():
        if slug not in known_slugs:
            raise check.fail(f"no article has the slug '{slug}'", given.key,
                             hint=did_you_mean(slug, known_slugs) or f"use a slug from {report_file}")
        decisions = check.sequence(given.value, f"the decisions under '{slug}'",
                                   hint=f"write them as lines starting with '- ', like this:\n{DECISION_EXAMPLE}")
        overrides += [_override(check, slug, node) for node in decisions]
    for override in overrides:
        override.file, override.report = str(path), report_file
    return overrides


def _override(check: Validator, slug: str, node: yaml.Node) -> Override:
    decision = check.mapping(node, "a decision", ("note", *ACTIONS), required=("note",),
                             hint='write it as {note: 3, marker: "forces.3"}')
    note = check.integer(decision["note"].value, "'note'", minimum=1,
                         hint="write the note's number as the report shows it, e.g. 'note: 3'")
    actions = [a for a in ACTIONS if a in decision]
    if len(actions) != 1:
        raise check.fail(f"say exactly one of {', '.join(ACTIONS)} for note {note}", node,
                         hint="give one decision per '- note:' item; a second decision for the "
                              "same note is a second item")
    passage = check.text(decision[actions[0]].value, f"'{actions[0]}'",
                         hint="copy a short passage of the article's text that ends with the "
                              "marker's digits (for 'unreferenced', give the reason)")
    return Override(slug, note, actions[0], passage, line_of(node))


def _locate(article: m.Article, override: Override) -> tuple[int, int, int]:
    """Where the override's passage is, and the marker digits in it: (block index, start, end)."""
    hits = [(i, match.start()) for i, b in enumerate(article.blocks) if b.kind in m.BODY_KINDS
            for match in re.finditer(re.escape(override.passage), b.text)]
    where = dict(file=override.file, line=override.line)
    if not hits:
        raise UserError(f"{override.slug}: the passage “{override.passage}” is not in the article's text",
                        hint=f"copy a few words just before the marker from {override.report}; "
                             "quotes and dashes are typographic (’ “ ” –)", **where)
    if len(hits) > 1:
        raise UserError(f"{override.slug}: the passage “{override.passage}” occurs {len(hits)} times",
                        hint="make the passage longer so that it occurs once", **where)
    index, at = hits[0]
    digits = str(override.note)
    # The marker is the last run of the note's digits in the passage that ends a run of digits.
    spots = [at + d.end() for d in re.finditer(re.escape(digits), override.passage)
             if not override.passage[d.end():d.end() + 1].isdigit()]
    text = article.blocks[index].text
    spots = [end for end in spots if not text[end:end + 1].isdigit()]
    if not spots:
        raise UserError(f"{override.slug}: the passage “{override.passage}” does not end a number with {digits}",
                        hint=f"the passage must contain the marker's digits ({digits})", **where)
    end = spots[-1]
    start = end - len(digits)
    if text[start - 1:start] == "[" and text[end:end + 1] == "]":
        spaced = start >= 2 and text[start - 2] == " "
        return index, start - 2 if spaced else start - 1, end + 1   # "[3]": the brackets are the marker too
    return index, start, end


def apply_overrides(article: m.Article, slots: list[Slot], overrides: list[Override],
                    note_numbers: set[int]) -> tuple[list[Slot], set[int]]:
    """Apply the editor's decisions to the candidate slots; return them and the notes accepted unreferenced."""
    accepted: set[int] = set()
    for override in overrides:
        where = dict(file=override.file, line=override.line)
        if override.action in ("marker", "unreferenced") and override.note not in note_numbers:
            raise UserError(f"{override.slug}: there is no note {override.note} "
                            f"(the article has notes {_ranges(note_numbers) or 'none'})", **where)
        if override.action == "unreferenced":
            accepted.add(override.note)
            for slot in slots:
                slot.readings = [r for r in slot.readings if r.value != override.note]
            continue
        index, start, end = _locate(article, override)
        slot = next((s for s in slots if s.block == index and s.end == end), None)
        if override.action == "marker":
            for other in slots:
                other.barred.add(override.note)     # still a repeat, if a duplicated passage repeats it
            if slot is None:
                slot = Slot(index, end, [])
                slots.append(slot)
            slot.readings = [Reading(override.note, EDITOR, start)]
            slot.barred.discard(override.note)
        elif override.action == "not_marker":
            if slot is not None:
                slot.readings = [r for r in slot.readings if r.value != override.note]
        else:   # drop_marker
            if slot is None:
                slot = Slot(index, end, [Reading(override.note, EDITOR, start)])
                slots.append(slot)
            slot.drop = True
    kept = [s for s in slots if s.readings]
    kept.sort(key=lambda s: (s.block, s.end))
    return kept, accepted


def _ranges(numbers: set[int]) -> str:
    numbers = sorted(numbers)
    if not numbers:
        return ""
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{numbers[0]}–{numbers[-1]}" if len(numbers) > 1 else str(numbers[0])
    return ", ".join(map(str, numbers))


# ---------------------------------------------------------------- lining up markers and notes

INF = float("inf")


def _tail(text: str, start: int) -> str:
    """The words just before a marker, letters and digits only: how a repeated passage is recognised."""
    return re.sub(r"\W", "", text[max(0, start - 40):start]).lower()[-12:]


def _same_tail(a: str, b: str) -> bool:
    n = min(len(a), len(b))
    return n >= 6 and a[-n:] == b[-n:]


@dataclass
class Alignment:
    matches: dict[int, int] = field(default_factory=dict)      # note number -> slot index
    repeats: dict[int, int] = field(default_factory=dict)      # slot index -> note number
    missing: list[int] = field(default_factory=list)           # notes without a marker
    leftover: list[int] = field(default_factory=list)          # sure-looking slots read as text
    ambiguous: dict[int, list[int | None]] = field(default_factory=dict)   # note -> its equally good slots


def align(slots: list[Slot], numbers: list[int], accepted: set[int], texts: list[str]) -> Alignment:
    """Line up the notes 1..N (in `numbers` order) with the slots, cheapest reading overall.

    A shortest path over states (slots read so far, notes placed so far, whether the last
    note was placed): each slot is text, the next note, or a repeat of the last note (a
    duplicated passage); each note may be missing.  Forward and backward distances give,
    for every note, all the placements that some cheapest path uses: more than one means
    the text does not decide."""
    M, N = len(slots), len(numbers)
    skip = [SKIP_SURE if s.sure and not s.drop else 0 for s in slots]
    miss = [0 if n in accepted else MISSING for n in numbers]
    tails = [_tail(texts[s.block], min(r.start for r in s.readings)) for s in slots]

    def match(i: int, k: int) -> float:          # slot i read as the k-th note (0-based)
        r = slots[i].reading(numbers[k])
        return INF if r is None or slots[i].drop or numbers[k] in slots[i].barred else r.cost

    def repeat(i: int, k: int) -> float:         # slot i repeats the k-th note, already placed
        r = slots[i].reading(numbers[k])
        if r is None or r.form not in SURE_FORMS or slots[i].drop:
            return INF
        earlier = any(slots[j].reading(numbers[k]) and _same_tail(tails[j], tails[i]) for j in range(i))
        return r.cost + REPEAT_EXTRA if earlier else INF

    # State (i, k, placed): i slots read, k notes handled, placed = the k-th note has a marker.
    # The edges are listed once (impossible ones left out): every pass below walks them.
    def edges(i: int, k: int, placed: int) -> list[tuple[tuple, tuple[int, int, int], float]]:
        out = []
        if k < N:
            out.append((("missing", k), (i, k + 1, 0), miss[k]))
        if i < M:
            out.append((("text", i), (i + 1, k, placed), skip[i]))
            if k < N and (cost := match(i, k)) < INF:
                out.append((("match", i, k), (i + 1, k + 1, 1), cost))
            if placed and k and (cost := repeat(i, k - 1)) < INF:
                out.append((("repeat", i, k - 1), (i + 1, k, 1), cost))
        return out

    order = [(i, k, p) for i in range(M + 1) for k in range(N + 1) for p in (0, 1)]
    graph = {state: edges(*state) for state in order}
    forward = {(0, 0, 0): 0.0}
    for state in order:
        if state not in forward:
            continue
        for _, target, cost in graph[state]:
            if forward[state] + cost < forward.get(target, INF):
                forward[target] = forward[state] + cost
    backward: dict[tuple[int, int, int], float] = {(M, N, 0): 0.0, (M, N, 1): 0.0}
    for state in reversed(order):
        best = backward.get(state, INF)
        for _, target, cost in graph[state]:
            best = min(best, cost + backward.get(target, INF))
        if best < INF:
            backward[state] = best
    total = backward[(0, 0, 0)]

    # Every edge on some cheapest path, by what it decides.
    on_best: dict[int, set] = {}
    for state, distance in forward.items():
        for decision, target, cost in graph[state]:
            if distance + cost + backward.get(target, INF) == total:
                if decision[0] in ("match", "missing"):
                    k = decision[-1]
                    on_best.setdefault(k, set()).add(decision[1] if decision[0] == "match" else None)

    result = Alignment()
    for k in range(N):
        places = on_best.get(k, set())
        # Equally good places that are copies of one passage (a duplicate dedupe could not take
        # out, "Tashkent8" twice) do not leave the choice open: the note is the first copy's.
        if len(places) > 1 and not _copies_of_one_passage(places, tails):
            result.ambiguous[numbers[k]] = sorted(places, key=lambda p: -1 if p is None else p)
    # Follow one cheapest path (unique where nothing is ambiguous but for copies of a passage,
    # where taking a marker as soon as a cheapest path allows it picks the first copy).
    state = (0, 0, 0)
    while state[:2] != (M, N):
        decision, target, cost = min(
            ((decision, target, cost) for decision, target, cost in graph[state]
             if forward[state] + cost + backward.get(target, INF) == total),
            key=lambda edge: FOLLOW_FIRST.index(edge[0][0]))
        kind = decision[0]
        if kind == "missing":
            if numbers[decision[1]] not in accepted:
                result.missing.append(numbers[decision[1]])
        elif kind == "match":
            result.matches[numbers[decision[2]]] = decision[1]
        elif kind == "repeat":
            result.repeats[decision[1]] = numbers[decision[2]]
        elif skip[decision[1]]:
            result.leftover.append(decision[1])
        state = target
    # A marker in a duplicated passage further on (or, if the editor placed the note in the
    # second copy, earlier) is a repeat too: sure-looking or not, it must not stay in the text.
    placed_tails = {numbers_k: tails[i] for numbers_k, i in result.matches.items()}
    placed = set(result.matches.values()) | set(result.repeats)
    for i, slot in enumerate(slots):
        if i in placed or slot.drop:
            continue
        value = next((r.value for r in slot.readings
                      if r.value in placed_tails and _same_tail(placed_tails[r.value], tails[i])), None)
        if value is not None:
            if i in result.leftover:
                result.leftover.remove(i)
            result.repeats[i] = value
    return result


# When several cheapest paths agree on every note, the one followed takes a marker first.
FOLLOW_FIRST = ("match", "repeat", "text", "missing")


def _copies_of_one_passage(places: set[int | None], tails: list[str]) -> bool:
    if None in places:
        return False
    first, *others = sorted(places)
    return all(_same_tail(tails[first], tails[other]) for other in others)


# ---------------------------------------------------------------- the article

@dataclass
class ArticleNotes:
    """What the stage found in one article: the report's record."""
    chapter: int
    slug: str
    source: str
    convention: str
    notes_found: int = 0
    markers: list[dict] = field(default_factory=list)        # one per note referenced
    repeats: list[dict] = field(default_factory=list)
    dropped: list[dict] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    editor: list[dict] = field(default_factory=list)

    @property
    def markers_found(self) -> int:
        return len(self.markers) + len(self.repeats) + len(self.dropped) + sum(
            1 for p in self.problems if p["kind"] == "marker-without-note")

    @property
    def matched(self) -> int:
        return len(self.markers)


def _context(text: str, start: int, end: int) -> str:
    left = max(0, start - 30)
    return ("…" if left else "") + text[left:start] + f"⟦{text[start:end].strip()}⟧" + text[end:end + 12]


def _passage(text: str, end: int) -> str:
    """A few words ending with the marker: what the editor copies into notes.yaml."""
    start = max(0, end - 28)
    if start:
        start = text.find(" ", start, end - 1) + 1 or start
    return text[start:end].strip()


def _convention(article: m.Article) -> str:
    kinds = {b.kind for b in article.blocks}
    parts = []
    if m.NOTE in kinds and article.structured:
        parts.append(f"notes linked in the source ({article.origin})")
    elif m.NOTE in kinds:
        parts.append("numbered notes" + (" under a heading" if m.NOTES_HEADING in kinds else ""))
    if m.LINK_DEFINITION in kinds:
        parts.append("bracketed markers with link definitions")
    return " + ".join(parts) or "none"


def collect_notes(article: m.Article) -> list[m.Note]:
    """The article's notes from its note blocks and link definitions, in source order."""
    notes = [m.Note(number=b.number, text=_note_text(b), source=b.source)
             for b in article.blocks if b.kind in (m.NOTE, m.LINK_DEFINITION)]
    seen: dict[int, m.Note] = {}
    for note in notes:
        if note.number in seen:
            raise UserError(f"{article.slug}: two notes are numbered {note.number} "
                            f"(lines {seen[note.number].source.first_line} and {note.source.first_line})",
                            file=note.source.file, line=note.source.first_line,
                            hint="fix the numbering of the notes in the source file")
        seen[note.number] = note
    return notes


def _note_text(block: m.Block) -> str:
    if block.kind == m.LINK_DEFINITION:
        match = LINK_DEFINITION.match(block.text)
        return match.group(2) if match else block.text
    return block.text


def assemble_article(article: m.Article, chapter: int, overrides: list[Override]) -> ArticleNotes:
    """Find the article's markers and notes, line them up and rewrite the article in place.
    Problems (a marker without a note, a note without a marker, an undecidable marker) are
    recorded in the returned report, not raised: the caller reports every article first."""
    record = ArticleNotes(chapter, article.slug, f"{article.source_file}:{article.first_line}-{article.last_line}",
                          _convention(article))
    notes = collect_notes(article)
    record.notes_found = len(notes)
    numbers = [n.number for n in notes]
    slots, accepted = apply_overrides(article, find_slots(article), overrides, set(numbers))
    record.editor = [{"note": o.note, "decision": o.action, "passage": o.passage, "line": o.line}
                     for o in overrides]
    texts = [b.text for b in article.blocks]
    alignment = align(slots, numbers, accepted, texts)

    def where(slot: Slot, start: int | None = None) -> dict:
        block = article.blocks[slot.block]
        first = start if start is not None else min(r.start for r in slot.readings)
        return {"block": block.id, "line": block.source.first_line,
                "context": _context(block.text, first, slot.end), "passage": _passage(block.text, slot.end)}

    for number, places in alignment.ambiguous.items():
        options = [where(slots[p])["context"] if p is not None else "(no marker)" for p in places]
        located = next(p for p in places if p is not None)
        record.problems.append({"kind": "ambiguous", "note": number, **where(slots[located]),
                                "reason": "the text does not decide which of these is note "
                                          f"{number}: " + " | ".join(options)})
    for number in alignment.missing:
        if number in alignment.ambiguous:
            continue
        record.problems.append({"kind": "note-without-marker", "note": number,
                                "reason": f"no marker for note {number} between "
                                          f"{_neighbours(number, numbers, alignment, slots, article)}"})
    for i in alignment.leftover:
        value = slots[i].readings[0].value
        reason = (f"there is no note {value}" if value not in numbers
                  else f"note {value} is cited elsewhere; this marker is out of order")
        record.problems.append({"kind": "marker-without-note", "note": value, **where(slots[i]),
                                "reason": reason})
    if alignment.ambiguous:
        return record          # the build stops; the text is left as it was

    # Rewrite the text: right to left within each block so earlier offsets stay valid.
    edits: list[tuple[int, int, int, str]] = []
    for number, i in alignment.matches.items():
        reading = slots[i].reading(number)
        record.markers.append({"note": number, "form": reading.form, **where(slots[i], reading.start)})
        edits.append((slots[i].block, reading.start, slots[i].end, m.note_ref(number)))
    for i, number in alignment.repeats.items():
        reading = slots[i].reading(number)
        record.repeats.append({"note": number, **where(slots[i], reading.start),
                               "reason": "repeated by a duplicated passage: the note is referenced once"})
        edits.append((slots[i].block, reading.start, slots[i].end, ""))
    for slot in slots:
        if slot.drop:
            reading = slot.readings[0]
            record.dropped.append({"note": reading.value, **where(slot, reading.start),
                                   "reason": "taken out of the text by notes.yaml"})
            edits.append((slot.block, reading.start, slot.end, ""))
    record.markers.sort(key=lambda d: d["note"])
    for block_index, start, end, replacement in sorted(edits, key=lambda e: (e[0], -e[1])):
        block = article.blocks[block_index]
        block.text = block.text[:start] + replacement + block.text[end:]

    # The notes leave the running text for article.notes; the heading is accounted as removed.
    referenced = set(alignment.matches)
    article.notes = [n for n in notes if n.number in referenced or n.number in accepted]
    for number in sorted(accepted):
        record.problems.append({"kind": "accepted-unreferenced", "note": number,
                                "reason": "the editor accepts this note without a marker "
                                          "(notes.yaml); the book does not show it"})
    for block in article.blocks:
        if block.kind == m.NOTES_HEADING:
            article.removed.append(m.Removal(block=block, reason="notes-heading",
                                             detail="the notes follow the chapter as endnotes"))
    article.blocks = [b for b in article.blocks if b.kind not in (m.NOTE, m.LINK_DEFINITION, m.NOTES_HEADING)]
    return record


def _neighbours(number: int, numbers: list[int], alignment: Alignment, slots: list[Slot],
                article: m.Article) -> str:
    k = numbers.index(number)
    before = next((numbers[j] for j in range(k - 1, -1, -1) if numbers[j] in alignment.matches), None)
    after = next((numbers[j] for j in range(k + 1, len(numbers)) if numbers[j] in alignment.matches), None)

    def describe(n: int | None, fallback: str) -> str:
        if n is None:
            return fallback
        slot = slots[alignment.matches[n]]
        return f"note {n} (block {article.blocks[slot.block].id}, line {article.blocks[slot.block].source.first_line})"

    return f"{describe(before, 'the start')} and {describe(after, 'the end')}"


BLOCKING = ("ambiguous", "note-without-marker", "marker-without-note")


def reassemble(articles: list[m.Article], overrides: list[Override]) -> list[ArticleNotes]:
    by_slug: dict[str, list[Override]] = {}
    for override in overrides:
        by_slug.setdefault(override.slug, []).append(override)
    records = []
    for chapter, article in progress(list(enumerate(articles, 1)), "notes"):
        with working_on(m.where(article)):
            records.append(assemble_article(article, chapter, by_slug.get(article.slug, [])))
    return records


def check(records: list[ArticleNotes], articles: list[m.Article], overrides_file: str = OVERRIDES_FILE,
          report_file: str = REPORT) -> None:
    """Stop the build if a marker or a note is left unexplained, naming every one."""
    problems = [(r, p) for r in records for p in r.problems if p["kind"] in BLOCKING]
    if not problems:
        return
    record, first = problems[0]
    article = next(a for a in articles if a.slug == record.slug)
    lines = [f"{len(problems)} note problems:"] if len(problems) > 1 else []
    lines += [f"{r.slug}: note {p['note']}: {p['kind']}: {p['reason']}"
              + (f" at “{p['context']}”" if p.get("context") and p["kind"] != "ambiguous" else "")
              for r, p in problems]
    passage = json.dumps(first.get("passage", "a few words before the marker, and its digits"), ensure_ascii=False)
    example = {"ambiguous": f"marker: {passage}",
               "note-without-marker": "marker: \"a few words before the marker, and its digits\"\n"
                                      "        # or, if no marker exists: unreferenced: \"why\"",
               "marker-without-note": f"not_marker: {passage}\n"
                                      "        # or, to take a lost note's marker out: drop_marker: ..."
               }[first["kind"]]
    # The model records each source by the name the split stage was given it under: name it so,
    # wherever the sources live (manuscript/sources/ for the book, elsewhere for a benchmark).
    raise UserError("\n  ".join(lines), file=article.source_file,
                    line=first.get("line"),
                    hint=f"check {report_file}, then settle it in {overrides_file}:\n"
                         f"    {record.slug}:\n      - note: {first['note']}\n        {example}")


# ---------------------------------------------------------------- report

def report(records: list[ArticleNotes]) -> tuple[dict, str]:
    data = {"articles": [{
        "chapter": r.chapter, "slug": r.slug, "source": r.source, "convention": r.convention,
        "markers_found": r.markers_found, "notes_found": r.notes_found, "matched": r.matched,
        "markers": r.markers, "repeated_markers": r.repeats, "dropped_markers": r.dropped,
        "unmatched": r.problems, "editor": r.editor,
    } for r in records]}
    with_notes = [r for r in records if r.notes_found or r.markers_found or r.problems]
    lines = ["# Notes report", "",
             f"{sum(r.notes_found for r in records)} notes in {len(with_notes)} of {len(records)} articles; "
             f"{sum(r.matched for r in records)} referenced from the text.", "",
             "| # | article | convention | markers | notes | matched | unmatched |", "|---|---|---|---|---|---|---|"]
    lines += [f"| {r.chapter} | `{r.slug}` | {r.convention} | {r.markers_found} | {r.notes_found} | "
              f"{r.matched} | {len(r.problems)} |" for r in records]
    for r in with_notes:
        lines += ["", f"## {r.chapter}. `{r.slug}` ({r.source})", ""]
        for p in r.problems:
            lines.append(f"- **{p['kind']}**, note {p['note']}: {_md(p['reason'])}"
                         + (f" — `{_md(p['context'])}`" if p.get("context") else ""))
        for d in r.repeats + r.dropped:
            lines.append(f"- repeated/dropped marker {d['note']} (line {d['line']}): `{_md(d['context'])}`"
                         f" — {d['reason']}")
        for e in r.editor:
            lines.append(f"- editor: note {e['note']} {e['decision']} “{_md(e['passage'])}”")
        if r.markers:
            lines += ["", "| note | how it was written | line | context |", "|---|---|---|---|"]
            lines += [f"| {d['note']} | {d['form']} | {d['line']} | `{_md(d['context'])}` |" for d in r.markers]
    return data, "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("`", "ʼ").replace("|", "¦").replace("\n", "⏎")


def run(paths: BookPaths) -> str:
    """The notes stage: deduped.json -> noted.json, and the notes report."""
    articles = m.load_articles(paths.deduped_model)
    report_md = str(paths.reports / "notes.md")
    overrides = load_overrides(paths.notes_overrides, [a.slug for a in articles], report_md)
    records = reassemble(articles, overrides)
    data, text = report(records)
    write_text(paths.reports / "notes.json", json_text(data))
    write_text(paths.reports / "notes.md", text)
    check(records, articles, str(paths.notes_overrides), report_md)
    m.save_articles(paths.noted_model, articles)
    return (f"{sum(r.matched for r in records)} notes referenced in "
            f"{sum(1 for r in records if r.notes_found)} of {len(records)} articles")
