"""Comparing running text: the words that make a paragraph what it is, and how alike two are.

Kept apart from the dedupe stage because its keys (dedupe_keys.py) and its decisions
both compare text the same way: a paragraph's key is the hash of these words, so an
editor's override keeps pointing at it however its punctuation or note markers change.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from functools import lru_cache

from scripts.core import model as m

# A repeat must be at least this many words to be treated as a repeated
# paragraph; below it, shared wording is a phrase (a name, a formula) and stays.
MIN_WORDS = 8
SHINGLE = 5


NOTE_REF = re.compile(f"{m.NOTE_OPEN}\\d+{m.NOTE_CLOSE}")
# A word is a run of letters or of digits.  Note markers are not words: the scrapes
# glue them on ("forces.1", "Tashkent8", "East”.2", "Yazhou [1]"), and a copy may
# have lost or kept them, so a short number glued to a word or to closing
# punctuation, or in brackets, is matched as `skip`.  A number inside a number
# ("12,000") and a number after a space or a hyphen ("COVID-19") are words.
# The leading (?=\d) only spares the three skip branches at every letter (each starts
# with a digit), which makes the scan a quarter faster; what matches is unchanged.
TOKEN = re.compile(
    r"(?=\d)(?:(?<=[^\W\d_])\d{1,3}(?!\d)"
    r"|(?<=[^\d][.,;:!?”’\")\]])\d{1,3}(?!\d)"
    r"|(?<=\[)\d{1,3}(?=\]))"
    r"|([^\W\d_]+|\d+)")


def words_at(text: str) -> list[tuple[str, int]]:
    """The words that make a text what it is, case-folded, each with its offset in `text`."""
    text = NOTE_REF.sub(lambda match: " " * len(match.group(0)), text)
    return [(match.group(1).casefold(), match.start())
            for match in TOKEN.finditer(text) if match.group(1)]


@lru_cache(maxsize=200_000)
def comparable(text: str) -> tuple[str, ...]:
    """The words of a text for comparing it with others (see `words_at`)."""
    return tuple(filter(None, TOKEN.findall(NOTE_REF.sub(" ", text).casefold())))


def shingles_of(words: tuple[str, ...]) -> set[int]:
    """Hashes of the word 5-grams (of the whole text when it is shorter)."""
    if len(words) < SHINGLE:
        return {hash(words)} if words else set()
    return set(map(hash, zip(*(words[i:] for i in range(SHINGLE)))))


def text_hash(text: str) -> str:
    return hashlib.sha1(" ".join(comparable(text)).encode("utf-8")).hexdigest()[:8]


def is_title_case(text: str) -> bool:
    """A sentence set with Every Word Capitalised, as pull quotes are."""
    words = [w for w in re.findall(r"[^\W\d_][\w’']*", text)]
    if len(words) < MIN_WORDS:
        return False
    capitalised = sum(1 for w in words if w[0].isupper())
    return capitalised / len(words) >= 0.8



def similarity(a: list[str], b: list[str]) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def containment(a: list[str], b: list[str]) -> float:
    """Share of a's shingles that are also b's."""
    sa = shingles_of(a)
    return len(sa & shingles_of(b)) / len(sa) if sa else 0.0


def find_run(needle: list[str], hay: list[str]) -> int:
    """Index where needle occurs in hay as a contiguous run of words, or -1."""
    n = len(needle)
    first = needle[0] if needle else None
    for i in range(len(hay) - n + 1):
        if hay[i] == first and hay[i:i + n] == needle:
            return i
    return -1


def opens_with(short: list[str], long: list[str]) -> bool:
    """short is the opening of long; its last word may be cut off mid-word."""
    if len(short) >= len(long):
        return False
    if long[:len(short)] == short:
        return True
    return (long[:len(short) - 1] == short[:-1] and long[len(short) - 1].startswith(short[-1]))




# Words whose presence or absence turns a sentence into its opposite.  "t" is the
# contraction's half the tokenizer leaves of "didn't", "isn't", "can't".
NEGATIONS = frozenset({"not", "no", "never", "nor", "neither", "none", "nothing", "nobody",
                       "nowhere", "without", "cannot", "t"})


def meaning_changes(a: tuple[str, ...], b: tuple[str, ...]) -> list[str]:
    """The words two near-identical texts differ by that change what they say: a negation
    added or dropped, a number changed.  "It was snowing" and "it was not snowing" are one
    word apart and mean opposite things; no scraper makes one out of the other."""
    changed: list[str] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            changed += [w for w in (*a[i1:i2], *b[j1:j2]) if w in NEGATIONS or w.isdigit()]
    return list(dict.fromkeys(changed))


# A scraper's copy is the same characters; normalising quotes, dashes, spaces and
# case is all that may tell the two apart.
_TYPOGRAPHIC = str.maketrans({"‘": "'", "’": "'", "‚": "'", "′": "'", "“": '"', "”": '"', "„": '"',
                              "″": '"', "–": "-", "—": "-", "‒": "-", "―": "-", "…": "..."})


def same_characters(a: str, b: str) -> bool:
    """Whether two texts with the same words also have the same symbols between them:
    "[α, β]" and "(α : β)" have the same words and are different formulas.  Note numbers
    (glued on, or in brackets) are not compared: a copy may have lost or kept them."""
    def symbols(text: str) -> str:
        text = BRACKETED_NUMBER.sub("", NOTE_REF.sub("", text)).translate(_TYPOGRAPHIC)
        return "".join(c for c in text if not (c.isalnum() or c.isspace())).rstrip(".,;:!?")
    return symbols(a) == symbols(b)


BRACKETED_NUMBER = re.compile(r"\[\d{1,3}\]")
