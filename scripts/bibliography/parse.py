"""Read the sources cited in one free-text note.

The articles cite their sources only in notes written by hand in several
house styles (Chicago-like with “double” quotes, British with ‘single’
quotes, bare addresses, prose that mentions a source).  This module turns
ONE note into a list of `Segment`s: each is a citation (a CSL-JSON item
without an id), a pointer to another note ("Ibid.", a short form, "as
highlighted in note 41"), or text that cites nothing (with the reason).
Everything that needs the other notes -- resolving Ibid. and short forms,
merging, ids -- happens in `scripts.bibliography.build`.

The functions are small and pure so that each heuristic can be tested on
real note texts.  A guess the parser is unsure of is kept but carries a
warning, so the editor sees it in the report instead of a silent mistake.

Why one module of some 800 lines: it is one grammar.  Where a note's creator ends
decides where its title starts, which decides what the publication fields are;
the sections below (segments, dates, quotes, creators, titles, fields) call each
other in both directions, and split apart they would only import each other.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

# ---------------------------------------------------------------- segments

CITATION = "citation"      # a work, possibly a short form of an earlier one
IBID = "ibid"              # "Ibid." -- the work of the previous note
NOTE_REF = "note_ref"      # "As highlighted in note 41."
NO_SOURCE = "no_source"    # prose, an interview...: nothing to put in a bibliography


@dataclass
class Segment:
    kind: str
    text: str                                  # the part of the note it was read from
    item: dict[str, Any] = field(default_factory=dict)   # CSL fields (no id) for a citation
    warnings: list[str] = field(default_factory=list)
    short_form: bool = False                   # creator + title only: must match an earlier note
    creator_text: str = ""                     # the creator as written, for matching short forms
    aliases: list[str] = field(default_factory=list)  # "SCO" for "Shanghai Cooperation Organisation (SCO)"
    target_note: int | None = None             # for NOTE_REF
    reason: str = ""                           # for NO_SOURCE


# ---------------------------------------------------------------- text

_SPACES = re.compile(r"[\s\u00a0\u2007\u202f\u2009\u200a]+")


def normalise(text: str) -> str:
    """No-break and thin spaces become plain spaces; runs of space collapse."""
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=1 << 16)          # called some 40,000 times a book, on far fewer words
def fold(text: str) -> str:
    """A comparison key: no accents, no quotes or punctuation, lower case."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^\w\s]", " ", text.casefold())
    return " ".join(text.split())


# ---------------------------------------------------------------- addresses

# An address ends before trailing punctuation ("…/article; Next source").
_URL = re.compile(r"<{0,2}(https?://[^\s<>]*[^\s<>.,;:)])>?")


def _clean_url(url: str) -> str:
    url = url.rstrip(".,;:)")
    return url.rstrip("#") if url.endswith("#") else url


def find_urls(text: str) -> tuple[list[str], str]:
    """The addresses in a segment (in <…>, <<…> or bare) and the text without them."""
    urls = [_clean_url(m.group(1)) for m in _URL.finditer(text)]
    rest = _URL.sub(" ", text)
    return urls, normalise(rest)


def url_host(url: str) -> str:
    return urlsplit(url).netloc


# ---------------------------------------------------------------- dates

MONTHS = {name: number for number, names in enumerate([
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
    ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
    ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
    ("december", "dec")], start=1) for name in names}
_MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?:1[6-9]\d\d|20\d\d)"
_DATE_FORMS = [
    (re.compile(rf"(\d{{1,2}}) ({_MONTH}),? ({_YEAR})", re.I), ("d", "m", "y")),
    (re.compile(rf"({_MONTH}) (\d{{1,2}}), ?({_YEAR})", re.I), ("m", "d", "y")),
    (re.compile(rf"({_MONTH}),? ({_YEAR})", re.I), ("m", "y")),
    (re.compile(rf"({_YEAR})"), ("y",)),
]


def parse_date(text: str) -> list[int] | None:
    """CSL date-parts for a field that is a date and nothing else, e.g. 'May 9,2022'."""
    text = text.strip().rstrip(".")
    for pattern, order in _DATE_FORMS:
        match = pattern.fullmatch(text)
        if match:
            parts = dict(zip(order, match.groups()))
            date = [int(parts["y"])]
            if "m" in parts:
                date.append(MONTHS[parts["m"].rstrip(".").casefold()])
            if "d" in parts:
                day = int(parts["d"])
                if not 1 <= day <= 31:
                    return None
                date.append(day)
            return date
    return None


_ACCESSED = re.compile(
    rf",?\s*\(?(?:last )?accessed(?: on)? ((?:\d{{1,2}} )?{_MONTH}(?: \d{{1,2}})?,? {_YEAR})\)?",
    re.I)


def find_accessed(text: str) -> tuple[list[int] | None, str]:
    """'accessed 14 August 2022' -> its date-parts and the text without it."""
    match = _ACCESSED.search(text)
    if not match:
        return None, text
    return parse_date(match.group(1)), normalise(text[:match.start()] + text[match.end():])


# ---------------------------------------------------------------- quotes and brackets

_CLOSERS_AFTER_SINGLE = set(",.;:]?)!”’") | {""}


def _closing_single(text: str, start: int) -> int | None:
    """Index of the ’ that closes the ‘ at `start`.

    ’ is also the apostrophe ("China’s") and the soft sign of transliterated
    Russian ("perenyat’ u"), so prefer a ’ followed by punctuation, a bracket
    or the end; failing that, accept one followed by a space.  Neither may lie
    beyond the next ‘, which opens another quotation.
    """
    next_open = text.find("‘", start + 1)
    limit = len(text) if next_open < 0 else next_open
    loose = None
    for i in range(start + 1, limit):
        if text[i] != "’":
            continue
        after = text[i + 1:i + 2]
        if after in _CLOSERS_AFTER_SINGLE or text[i + 1:i + 3] == " [":
            return i
        if after == " " and loose is None:
            loose = i
    return loose


def _closing_pair(text: str, start: int, opener: str, closer: str) -> int | None:
    depth = 0
    for i in range(start, len(text)):
        if text[i] == opener:
            depth += 1
        elif text[i] == closer:
            depth -= 1
            if depth == 0:
                return i
    return None


def closing_of(text: str, start: int) -> int | None:
    """The index that closes the quote or bracket opened at `start`, or None if it never closes."""
    opener = text[start]
    if opener == "‘":
        return _closing_single(text, start)
    pairs = {"“": "”", "[": "]", "(": ")", "\"": "\""}
    if opener == "\"":
        end = text.find("\"", start + 1)
        return end if end > 0 else None
    return _closing_pair(text, start, opener, pairs[opener])


_OPENERS = "“‘[(\""


def protected_mask(text: str) -> tuple[list[bool], list[str]]:
    """True for characters inside quotes, brackets or addresses: never split there.

    Returns the mask and warnings for quotes that never close (they are then
    treated as ordinary characters so one typo does not swallow the note).
    """
    mask = [False] * len(text)
    warnings = []
    for match in _URL.finditer(text):
        for i in range(match.start(), match.end()):
            mask[i] = True
    i = 0
    while i < len(text):
        if not mask[i] and text[i] in _OPENERS:
            end = closing_of(text, i)
            if end is None:
                if text[i] in "“‘\"":
                    warnings.append(f"unclosed quotation mark {text[i]}")
            else:
                for j in range(i, end + 1):
                    mask[j] = True
                i = end
        i += 1
    return mask, warnings


# ---------------------------------------------------------------- splitting a note

ABBREVIATIONS = {"vol", "vols", "no", "nos", "pp", "p", "ed", "eds", "trans", "mr", "mrs", "ms",
                 "dr", "st", "lt", "gen", "col", "capt", "jr", "sr", "inc", "ltd", "co", "corp",
                 "e.g", "i.e", "cf", "u.s", "d.c", "u.k", "u.n", "fig", "ch", "art", "para"}


def _ends_sentence(text: str, i: int, mask: list[bool]) -> bool:
    """Is the '.', '?' or '!' at i the end of a sentence (and not an abbreviation)?"""
    if mask[i] or text[i] not in ".?!":
        return False
    if text[i + 1:i + 2] != " ":
        return False
    following = text[i + 2:i + 3]
    if not (following.isupper() or following in "“‘\"" or following.isdigit()):
        return False
    if text[i] != ".":
        return True
    word = re.search(r"([\w.]+)$", text[:i])
    if word is None:
        return True
    token = word.group(1).casefold()
    if token in ABBREVIATIONS:
        return False
    # An initial ("S. Rajaratnam", "Washington D.C. ") is not a sentence end.
    return not re.fullmatch(r"(?:[a-z]\.)*[a-z]", token)


def split_segments(text: str) -> tuple[list[str], list[str]]:
    """Cut a note into the pieces that may each cite one work.

    Cuts at sentence ends and at semicolons, never inside quotes, brackets or
    addresses.  Returns the pieces and the warnings of the quote scan.
    """
    mask, warnings = protected_mask(text)
    pieces, start = [], 0
    for i, char in enumerate(text):
        if (char == ";" and not mask[i]) or _ends_sentence(text, i, mask):
            pieces.append(text[start:i + (char != ";")])
            start = i + 1
    pieces.append(text[start:])
    return [p.strip() for p in pieces if p.strip()], warnings


def split_fields(text: str) -> list[str]:
    """Comma-separated fields, keeping commas inside quotes and brackets."""
    mask, _ = protected_mask(text)
    fields, start = [], 0
    for i, char in enumerate(text):
        if char == "," and not mask[i]:
            fields.append(text[start:i])
            start = i + 1
    fields.append(text[start:])
    fields = [f.strip() for f in fields if f.strip()]
    # "September 17, 2022" and "May 9,2022" were cut in two by the comma: rejoin them.
    joined: list[str] = []
    for piece in fields:
        if joined and re.fullmatch(_YEAR, piece) and re.fullmatch(
                rf"{_MONTH} \d{{1,2}}", joined[-1], re.I):
            joined[-1] = f"{joined[-1]}, {piece}"
        else:
            joined.append(piece)
    return joined


_LEAD_IN = re.compile(r"^(?:see(?: also)?|cf\.?|for example,? see|e\.g\.,?)\s+|^\[\d+\]:\s*",
                      re.I)


def strip_lead_in(segment: str) -> str:
    """'See X' -> 'X'; '[1]: https://…' (a link definition used as a note) -> the address."""
    return _LEAD_IN.sub("", segment, count=1).strip()


# ---------------------------------------------------------------- creators

# Words that mark an organisation or an outlet rather than a person.
ORGANISATION_WORDS = {
    "academy", "agency", "archive", "archives", "association", "assembly", "bank", "board",
    "bureau", "center", "centre", "commission", "committee", "communist", "company",
    "congress", "corporation", "council", "court", "daily", "department", "embassy", "forum",
    "foundation", "government", "group", "history", "institute", "institution", "journal",
    "league", "library", "llc", "ltd", "inc", "magazine", "ministry", "monitor", "movement",
    "nations", "network", "news", "office", "organisation", "organization", "palace",
    "parliament", "party", "post", "presidential", "press", "program", "programme", "project",
    "radio", "republic", "review", "secretariat", "service", "society", "structure", "television",
    "times", "today", "tv", "union", "university", "works", "year",
}
NAME_CONNECTORS = {"de", "da", "van", "von", "der", "al", "el", "bin", "ibn", "la", "le", "du"}

# Common Chinese family names in pinyin/Wade-Giles: a person whose FIRST word is one of
# these is most likely written family name first ("Xi Jinping").  A guess, so it is flagged.
CHINESE_FAMILY_NAMES = {
    "wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun",
    "ma", "zhu", "hu", "guo", "he", "lin", "gao", "luo", "zheng", "liang", "xie", "song",
    "tang", "han", "feng", "deng", "cao", "peng", "zeng", "xiao", "tian", "dong", "pan",
    "yuan", "cai", "jiang", "yu", "du", "ye", "cheng", "wei", "su", "ding", "ren", "lu", "yao",
    "shen", "zhong", "cui", "tan", "fan", "jin", "wen", "xi", "ji", "yau", "qian", "mao",
    "chan", "wong", "cheung", "lau", "leung", "ho", "tsang", "chow",
}

_ACRONYM_IN_PARENS = re.compile(r"\s*\(([A-Z][A-Za-z]{1,9})\)$")


def looks_like_organisation(name: str) -> bool:
    words = name.replace("/", " ").split()
    if len(words) == 1:
        return True                                   # "Xinhua", "Huawei", "SCO"
    if any(ch.isdigit() for ch in name) or "/" in name or "’s " in name or "'s " in name:
        return True
    if re.search(r"\b[A-Z]{2,}\b", name) or re.search(r"\w\.\w{2,}$", name):
        return True                                   # "CGTN", "qdcaijing.com"
    if " of " in f" {name.casefold()} ":
        return True
    return any(w.casefold().strip(".,") in ORGANISATION_WORDS for w in words)


def looks_like_person(name: str) -> bool:
    """'Sébastien Peyrouse', 'Mohammad Yunus Yawar': two to four capitalised words."""
    words = name.split()
    if not 2 <= len(words) <= 4:
        return False
    return all(re.fullmatch(r"[^\W\d_][\w’'\-.]*", w) and (w[0].isupper() or w in NAME_CONNECTORS)
               for w in words)


SMALL_WORDS = {"of", "the", "for", "and", "on", "in", "to", "at", "al", "wal", "de", "du", "&",
               "a", "an", "by", "with", "from"}


def looks_like_creator(text: str) -> bool:
    """Could this be who wrote or issued a work (and not the start of a sentence)?

    'Selected works of Jiang Zemin' yes; 'The CSTO is a regional military
    alliance' and 'In 2018' no.
    """
    text = _ACRONYM_IN_PARENS.sub("", text).strip()
    if re.fullmatch(r"[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", text):
        return True                                   # a site standing as author: "qdcaijing.com"
    words = text.replace("/", " ").split()
    if not words or len(words) > 12 or text.endswith(":") or not words[0][0].isupper():
        return False
    if any(w.strip(".,").isdigit() for w in words):
        return False
    content = [w for w in words if w.casefold() not in SMALL_WORDS]
    return bool(content) and sum(w[0].isupper() or w[0].isdigit() for w in content) \
        / len(content) >= 0.6


def split_people(text: str) -> list[str]:
    """'A, B and C' -> ['A', 'B', 'C']."""
    return [p.strip() for p in re.split(r",\s*(?:and\s+)?|\s+and\s+|\s*&\s*", text) if p.strip()]


def person_name(name: str) -> tuple[dict[str, str], list[str]]:
    """A CSL name: family = last word, unless the name looks Chinese (family name first)."""
    words = name.split()
    if words[0].casefold() in CHINESE_FAMILY_NAMES and len(words) <= 3:
        return {"literal": name}, [
            f"'{name}' read as a Chinese name, family name first; "
            "correct it with a names: override if that is wrong"]
    return {"family": words[-1], "given": " ".join(words[:-1])}, []


def parse_creator(text: str, followed_by_outlet: bool,
                  names: dict[str, dict[str, str]] | None = None
                  ) -> tuple[list[dict[str, str]], list[str], list[str]]:
    """Who is cited: CSL names, aliases (a defined acronym) and warnings.

    A name-like creator is a person only if an outlet follows the title: in these
    notes an outlet standing in the author slot ("UzDaily, ‘…’, 6 September
    2021") is never followed by another outlet.
    """
    names = names or {}
    aliases = []
    acronym = _ACRONYM_IN_PARENS.search(text)
    if acronym:
        aliases.append(acronym.group(1))
        text = text[:acronym.start()].strip()
    if text in names:
        return [dict(names[text])], aliases, []
    if looks_like_organisation(text):
        return [{"literal": text}], aliases, []
    people = split_people(text)
    if all(looks_like_person(p) for p in people):
        if not followed_by_outlet:
            return [{"literal": text}], aliases, [
                f"'{text}' read as an organisation (no outlet follows the title); "
                "it could be a person"]
        result, warnings = [], []
        for person in people:
            name, warning = (dict(names[person]), []) if person in names else person_name(person)
            result.append(name)
            warnings += warning
        return result, aliases, warnings
    return [{"literal": text}], aliases, [f"could not tell whether '{text}' is a person"]


# ---------------------------------------------------------------- titles

@dataclass
class Title:
    creator_part: str
    title: str
    translation: str
    rest: str
    quoted: bool
    warnings: list[str] = field(default_factory=list)


def _strip_quotes(text: str) -> str:
    """Remove the quotes that enclose a whole translation, and a stray closing quote."""
    text = text.strip()
    for opener, closer in (("‘", "’"), ("“", "”"), ("\"", "\"")):
        if len(text) > 1 and text[0] == opener and text[-1] == closer:
            return text[1:-1].strip()
    if text.endswith("’") and "‘" not in text:
        return text[:-1].strip()           # "…(+ Video)’]": a typo in the source
    return text


def split_translation(text: str) -> tuple[str, str]:
    """'Chislo Zhertv … [The Number of Victims …]' -> (original, translation)."""
    text = text.strip().rstrip(",").strip()
    if text.endswith("]"):
        start = text.rfind(" [")
        if start > 0 and closing_of(text, start + 1) == len(text) - 1:
            return text[:start].strip().rstrip(",").strip(), _strip_quotes(text[start + 2:-1])
    return text, ""


def find_quoted_title(text: str) -> Title | None:
    """The first quotation outside brackets: the title of an article, chapter or page."""
    mask_depth = 0
    for i, char in enumerate(text):
        if char in "[(":
            mask_depth += 1
        elif char in "])":
            mask_depth = max(0, mask_depth - 1)
        elif char in "“‘\"" and mask_depth == 0:
            # An apostrophe-like ‘ inside a word is not an opening quote.
            if i > 0 and text[i - 1].isalnum():
                continue
            return _title_at(text, i)
    return None


def _title_at(text: str, start: int) -> Title:
    warnings = []
    end = closing_of(text, start)
    if end is None:
        warnings.append("the title's quotation mark never closes: title guessed")
        bracket = text.find("]", start)
        end_of_title = bracket + 1 if bracket > 0 else len(text)
        inner, rest = text[start + 1:end_of_title], text[end_of_title:]
    else:
        inner, rest = text[start + 1:end], text[end + 1:]
    inner = inner.strip()
    # “Title,” puts the comma inside the quotes; a question mark belongs to the title.
    inner = inner.rstrip(",").strip()
    if inner.endswith(".") and not inner.endswith(".."):
        inner = inner[:-1]
    title, translation = split_translation(inner)
    rest = rest.strip()
    if not translation and rest.startswith("["):
        close = closing_of(rest, 0)
        if close is not None:
            translation = _strip_quotes(rest[1:close])
            rest = rest[close + 1:].strip()
    rest = rest.lstrip(",.").strip()
    return Title(creator_part=text[:start].strip().rstrip(",").strip(), title=title.strip(),
                 translation=translation.strip().rstrip(",").strip(), rest=rest, quoted=True,
                 warnings=warnings)


# ---------------------------------------------------------------- publication fields

@dataclass
class Fields:
    issued: list[int] | None = None
    volume: str = ""
    issue: str = ""
    page: str = ""
    number: str = ""                      # a document symbol, "S/2022/83"
    collection: str = ""                  # a series, "Policy Briefs"
    collection_number: str = ""
    genre: str = ""                       # "speech given at Nazarbayev University"
    publisher: str = ""
    publisher_place: str = ""
    other: list[str] = field(default_factory=list)   # outlets, places: placed by the caller
    warnings: list[str] = field(default_factory=list)


_VOLUME = re.compile(r"^(.*?)\s*\b(?:Vol\.|Volume)\s*(\d+\w*)$", re.I)
_ISSUE = re.compile(r"^(.*?)\s*\b(?:No\.|Nos\.|Issue|Nr\.)\s*(\d+\w*)$", re.I)
_SERIES = re.compile(r"(?i)\b(papers?|briefs?|reports?|series)$")
_PLURAL_SERIES = re.compile(r"(?i)\b(papers|briefs|reports|series)$")
_PAGES = re.compile(r"^pp?\.\s*(\d+(?:\s*[–-]\s*\d+)?)$", re.I)
_SYMBOL = re.compile(r"^[A-Z]{1,6}(?:/[A-Z0-9.]+){2,}$")
_IMPRINT = re.compile(r"^(.*?)\s*\(([^():]+):\s*([^(),]+),\s*(" + _YEAR + r")\)$")


def read_fields(fields: list[str]) -> Fields:
    """Classify the comma-separated fields after a title."""
    out = Fields()
    for text in fields:
        _read_field(text.strip().rstrip("."), out)
    return out


def _read_field(text: str, out: Fields) -> None:
    if not text:
        return
    date = parse_date(text)
    if date:
        if out.issued is None:
            out.issued = date
        else:
            out.warnings.append(f"a second date '{text}' was ignored")
        return
    imprint = _IMPRINT.match(text)
    if imprint:
        prefix, out.publisher_place, out.publisher, year = imprint.groups()
        out.issued = out.issued or [int(year)]
        _read_field(prefix, out)
        return
    if text.startswith("(") and text.endswith(")") and closing_of(text, 0) == len(text) - 1:
        for inner in split_fields(text[1:-1]):
            _read_field(inner.strip(), out)
        return
    paren = re.match(r"^(.*\S)\s*(\([^()]*\))$", text)
    if paren and any(k in paren.group(2) for k in ("Vol", "No", "pp")):
        _read_field(paren.group(1), out)
        _read_field(paren.group(2), out)
        return
    pages = _PAGES.match(text)
    if pages:
        out.page = pages.group(1).replace(" ", "")
        return
    if _SYMBOL.match(text):
        out.number = text
        return
    volume = _VOLUME.match(text)
    if volume:
        out.volume = volume.group(2)
        _read_field(volume.group(1), out)
        return
    issue = _ISSUE.match(text)
    if issue:
        prefix, number = issue.groups()
        if prefix and _SERIES.search(prefix):
            out.collection, out.collection_number = prefix, number
        elif not prefix and not out.volume and out.other and _PLURAL_SERIES.search(out.other[-1]):
            out.collection, out.collection_number = out.other.pop(), number   # "Reports, No. 14"
        else:
            out.issue = number
            _read_field(prefix, out)
        return
    if re.match(r"(?i)^speech\b", text):
        out.genre = text[0].upper() + text[1:]
        return
    out.other.append(text)


# ---------------------------------------------------------------- one segment

_IBID = re.compile(r"^ibid\.?(?:,?\s*(?:pp?\.\s*)?(?P<page>\d+(?:[–-]\d+)?))?\.?$", re.I)
_NOTE_REF = re.compile(r"\b(?:see |in |at )?(?:note|n\.)\s+(\d+)\b", re.I)
_INTERVIEW = re.compile(r"\binterviews?\b", re.I)


def parse_note(text: str, names: dict[str, dict[str, str]] | None = None) -> list[Segment]:
    """All the segments of one note, in order."""
    text = normalise(text)
    pieces, warnings = split_segments(text)
    segments = [parse_segment(piece, names) for piece in pieces]
    for warning in warnings:
        # A quote that never closes may have hidden a cut: tell the editor, once.
        for segment in segments:
            if segment.kind == CITATION and warning[-1] in segment.text and not any(
                    "never closes" in w for w in segment.warnings):
                segment.warnings.append(f"{warning}: the note may hold more than was read")
    return segments


def parse_segment(segment: str, names: dict[str, dict[str, str]] | None = None) -> Segment:
    text = strip_lead_in(segment)
    ibid = _IBID.match(text)
    if ibid:
        result = Segment(IBID, segment)
        if ibid.group("page"):
            result.item["page"] = ibid.group("page")
        return result
    urls, without_urls = find_urls(text)
    accessed, body = find_accessed(without_urls)
    body = body.strip().rstrip(".").strip().rstrip(",").strip()

    title = find_quoted_title(body)
    if title is not None and title.creator_part and not _creator_fields_ok(title.creator_part):
        # A quotation inside a sentence ("claimed his postings are for “informational
        # purposes only”") is not a title.
        title = None
    if title is None and not urls:
        reference = _NOTE_REF.search(text)
        if reference and len(text.split()) <= 12:
            return Segment(NOTE_REF, segment, target_note=int(reference.group(1)))
        if _INTERVIEW.search(text):
            return Segment(NO_SOURCE, segment, reason="an interview: not a published source")
    if title is None:
        title = _unquoted_title(body)
    if title is None:
        if urls:
            return _bare_address(segment, body, urls, accessed)
        return Segment(NO_SOURCE, segment, reason=_prose_reason(body))
    return _citation(segment, title, urls, accessed, names)


def _creator_fields_ok(creator_part: str) -> bool:
    fields = split_fields(creator_part)
    # Later fields name a collection or volume ("United Nations sanctions list", "Vol. 2").
    return bool(fields) and looks_like_creator(fields[0]) and \
        all(f[:1].isupper() and len(f.split()) <= 8 for f in fields[1:])


def _prose_reason(body: str) -> str:
    if not body:
        return "empty note"
    return "prose: no source is cited"


def _unquoted_title(body: str) -> Title | None:
    """'U.S. Department of State, Terrorist Designation of … (Washington D.C.: GPO, 2022)'.

    A report or document title is not quoted: it runs from the second field to
    the first field that is clearly publication data (a date, a document
    symbol, pages...).  Only accepted after a creator-like first field.
    """
    fields = split_fields(body)
    if len(fields) < 2 or not looks_like_creator(fields[0]):
        return None
    if not fields[1][:1].isupper():
        return None
    # The title ends where the publication data (a date, a symbol, pages...) begins.
    end = next((i for i in range(2, len(fields)) if not read_fields([fields[i]]).other),
               len(fields))
    title_text = ", ".join(fields[1:end])
    rest = ", ".join(fields[end:])
    imprint = _IMPRINT.match(title_text)
    if imprint:
        title_text, rest = imprint.group(1), f"{title_text[len(imprint.group(1)):].strip()}, {rest}"
    original, translation = split_translation(title_text)
    if not looks_like_title_case(original) or len(original.split()) < 2 and not translation:
        return None
    return Title(creator_part=fields[0], title=original, translation=translation,
                 rest=rest.strip(", "), quoted=False)


def looks_like_title_case(text: str) -> bool:
    """'Letter Dated 3 February 2022 from the Chair…' yes; 'Tajik authorities also announced' no."""
    words = [w for w in re.findall(r"[^\W\d_][\w’'\-]*", text) if len(w) > 3]
    if not words:
        return False
    return sum(w[0].isupper() for w in words) / len(words) >= 0.6


def _bare_address(segment: str, body: str, urls: list[str],
                  accessed: list[int] | None) -> Segment:
    """A note that is only an address, or a sentence around one."""
    result = Segment(CITATION, segment)
    item: dict[str, Any] = {"type": "webpage", "URL": urls[0]}
    leftover = body.strip(" ,.")
    if leftover and looks_like_creator(leftover) and len(leftover.split()) <= 6 \
            and leftover.split()[-1].casefold() not in SMALL_WORDS:
        item["author"] = [{"literal": leftover}]        # "StatCounter, <https://…>"
        result.creator_text = leftover
    else:
        # No title to print: the site stands in the author slot (a "title" would be
        # quoted and title-cased by citeproc, as if the note had given one).
        item["author"] = [{"literal": url_host(urls[0])}]
        result.warnings.append("only an address is given: the site's name stands as author")
        if leftover:
            result.warnings.append(f"the address is cited inside prose: '{leftover}'")
    if accessed:
        item["accessed"] = {"date-parts": [accessed]}
    if len(urls) > 1:
        result.warnings.append(f"{len(urls)} addresses; only the first is kept")
    result.item = item
    return result


_TONE_MARKS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜĀÁǍÀĒÉĚÈĪÍǏÌŌÓǑÒŪÚǓÙǕǗǙǛ"


def title_language(title: str, translation: str) -> str:
    """A title with a bracketed translation is not English: keep citeproc from title-casing it.

    Pinyin is recognised by its tone marks on many syllables (and no letters
    pinyin does not use); any other transliteration is 'und' (undetermined).
    """
    if not translation:
        return ""
    words = title.split()
    toned = sum(any(c in _TONE_MARKS for c in w) for w in words)
    foreign = re.search(rf"[^\x00-\x7f{_TONE_MARKS}’‘“”–—№«»]", title)
    if words and toned / len(words) >= 0.3 and not foreign:
        return "zh-Latn"
    return "und"


def _citation(segment: str, title: Title, urls: list[str], accessed: list[int] | None,
              names: dict[str, dict[str, str]] | None) -> Segment:
    result = Segment(CITATION, segment, warnings=list(title.warnings))
    fields = read_fields(split_fields(title.rest))
    result.warnings += fields.warnings
    creator_fields = split_fields(title.creator_part) if title.creator_part else []
    extra_creator_fields = creator_fields[1:]
    book_in_creator_slot = False
    container_from_creator = volume_before_title = False
    if extra_creator_fields:
        result.warnings.append(
            f"more than a creator before the title: {', '.join(extra_creator_fields)}")
        for extra in extra_creator_fields:
            probe = read_fields([extra])
            fields.volume = fields.volume or probe.volume
            fields.other = probe.other + fields.other if probe.other else fields.other
            container_from_creator = container_from_creator or bool(probe.other)
            volume_before_title = volume_before_title or bool(probe.volume)
        if volume_before_title and not fields.other:
            # "Selected works of Jiang Zemin, Vol. 2, ‘Title’": a volume number belongs to a
            # book, so what stands before it is the book the piece is in, not who wrote it.
            book_in_creator_slot = True
            fields.other = [creator_fields[0]]
            creator_fields = []
            result.warnings.append("a volume follows the first field: read as the book the "
                                   "piece is in, with no author (give the author with a fix)")
    if fields.other and fields.other[0][:1].islower():
        # "‘Seeds for the Future’ programme launched in Kazakhstan": a phrase in prose.
        return Segment(NO_SOURCE, segment, reason="prose: no source is cited")
    has_outlet = bool(fields.other or fields.genre or fields.collection or fields.volume)
    item: dict[str, Any] = {}
    if creator_fields:
        creator = creator_fields[0]
        authors, aliases, warnings = parse_creator(creator, has_outlet, names)
        item["author"] = authors
        result.creator_text = _ACRONYM_IN_PARENS.sub("", creator).strip()
        result.aliases = aliases
        result.warnings += warnings
    item["title"] = f"{title.title} [{title.translation}]" if title.translation else title.title
    if title.translation:
        # Not "original-title": citeproc prints that as "Originally published as".
        item["translated-title"] = title.translation
    language = title_language(title.title, title.translation)
    if language:
        item["language"] = language
    other = list(fields.other)
    if fields.genre:
        item["genre"] = fields.genre
        if other:
            item["event-place"] = other.pop(0)
    if fields.collection:
        item["collection-title"] = fields.collection
        item["collection-number"] = fields.collection_number
    if other:
        key = "publisher" if (fields.collection or not title.quoted) else "container-title"
        item[key] = other.pop(0)
    if other and fields.collection == "" and not title.quoted:
        item["collection-title"] = other.pop(0)
    if other:
        result.warnings.append(f"fields not understood: {'; '.join(other)}")
    for key, value in (("volume", fields.volume), ("issue", fields.issue),
                       ("page", fields.page), ("number", fields.number),
                       ("publisher", fields.publisher),
                       ("publisher-place", fields.publisher_place)):
        if value:
            item[key] = value
    if fields.issued:
        item["issued"] = {"date-parts": [fields.issued]}
    if urls:
        item["URL"] = urls[0]
        if len(urls) > 1:
            result.warnings.append(f"{len(urls)} addresses; only the first is kept")
    if accessed:
        item["accessed"] = {"date-parts": [accessed]}
    item["type"] = ("chapter" if book_in_creator_slot else
                    ("webpage" if urls else "document") if container_from_creator else
                    _type_of(item, title.quoted))
    result.item = {"type": item.pop("type"), **item}
    # Creator and title and nothing else: a short form of a work cited before.
    result.short_form = bool(creator_fields) and not book_in_creator_slot and not (
        urls or fields.issued or has_outlet or fields.page or fields.number or fields.publisher)
    if not title.quoted and not (urls or fields.issued or result.short_form):
        return Segment(NO_SOURCE, segment, reason="prose: no source is cited")
    if not creator_fields and not (urls or fields.issued or has_outlet):
        return Segment(NO_SOURCE, segment,
                       reason="a quotation without author, outlet, date or address")
    return result


def _type_of(item: dict[str, Any], quoted: bool) -> str:
    """The CSL type, from what the note gives (docs/bibliography.md lists the rules).

    Never "article": Chicago prints that type as a preprint ("Preprint, October 8"), a genre
    no note claims.  A quoted title with no outlet and no address is a piece its creator
    issued ("Kursiv, ‘…’, 8 October 2019"): a "document", printed like a web page."""
    if item.get("genre", "").casefold().startswith("speech"):
        return "speech"
    if item.get("collection-number") or not quoted:
        return "report"
    if item.get("volume") or item.get("issue"):
        return "article-journal"
    if item.get("container-title"):
        return "article-newspaper"
    return "webpage" if item.get("URL") else "document"
