"""The text-scrape adapter: a blog archive page saved as plain text, read into posts.

A text scrape of an archive page has no separators between posts.  What marks a
post is the evidence a blog theme leaves around it: a date line ("March 4, 2021",
"Posted on March 4, 2021 by Jane Doe") next to a title-like line, and the chrome
that ends a post ("Posted in News | Leave a comment", "Share this:", "Tags: ...");
the chrome and the date lines are recorded with their reason, not kept, and the
date becomes the article's.  A page without that evidence (a blogger republishing
pieces) is read by its shape: the blogger's short introduction (written about the
piece: "a piece for ...", "more catch-up posting", first person), then the
article's title (a short line without a full stop), then the article.  Where the
evidence leaves a doubt (one post or two?) the split stops and says what to write
in the book's split.yaml, rather than guess.  Nothing in the rules knows the seeds.

Why one module of some 750 lines: the recognisers (title, caption, bio, date line,
chrome), the boundary rules and the sorting of a post's parts are one set of rules over
the same units, and their thresholds have to agree with each other; split apart, a
change to one would no longer be read beside the rules it must agree with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from scripts.core import model as m
from scripts.core.config import Validator, line_of, read_editor_file
from scripts.core.errors import UserError
from scripts.ingest.common import refuse_long_lines, slugify

# ---------------------------------------------------------------- reading

PAGE_CHROME = re.compile(
    r"^(Archive for|Archives? for|Posts Tagged|Posts tagged|Tag Archives?:?|Category Archives?:?|"
    r"Monthly Archives?:?|Search Results for)(?:\b|(?<=:))")   # "Category Archives: News": no \b after the colon


@dataclass
class Unit:
    """A run of source lines that forms one block (usually one line: one paragraph)."""
    lines: list[str]
    first: int           # 1-based line number of the first line
    last: int
    hard_break: bool = False   # one line of a run the page broke line by line (a copied list)

    @property
    def raw(self) -> str:
        return "\n".join(self.lines)

    @cached_property
    def clean(self) -> str:
        """The text as the classifier sees it: no-break spaces are spaces, runs of space folded.
        (Cached: a unit's lines are complete before anything classifies it.)"""
        return re.sub(r"[ \t\u00a0\u202f]+", " ", " ".join(self.lines)).strip()

    @property
    def words(self) -> int:
        return len(self.clean.split())


LIST_ITEM = re.compile(r"^\s*(?:\d+[.)]|[•·▪●◦‣∙])\s+\S")
NOTE_ITEM = re.compile(r"^\s*(\d{1,3})(?:\.\s*|\s+)(?=\S)")
LINK_DEFINITION = re.compile(r"^\s*\[(\d+)\]:\s*\S+")


def read_source(path: Path) -> list[str]:
    """Read an archive file as lines, refusing what is not a text archive."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UserError(f"cannot read the file: {error.strerror}", file=str(path)) from None
    if not data.strip():
        raise UserError("the file is empty", file=str(path),
                        hint="remove it from the book's sources/ folder or paste the archive page's text into it")
    if b"\x00" in data:
        raise UserError("this is a binary file, not a text scrape", file=str(path), line=1,
                        hint="save the archive page as plain UTF-8 text")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]                      # a byte-order mark says nothing about the text
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise UserError(f"not UTF-8 text (byte 0x{data[error.start]:02x} cannot be decoded)",
                        file=str(path), line=line,
                        hint="re-save the file as UTF-8") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    refuse_long_lines(text, str(path))
    return text.split("\n")


def to_units(lines: list[str]) -> list[Unit]:
    """Group adjacent non-blank lines; list items and note lines stay one per unit."""
    units: list[Unit] = []
    current: Unit | None = None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            current = None
            continue
        separate = bool(LIST_ITEM.match(line) or LINK_DEFINITION.match(line))
        if current is None or separate or LIST_ITEM.match(current.lines[-1]):
            current = Unit([line], number, number)
            units.append(current)
        else:
            current.lines.append(line)
            current.last = number
    return [part for unit in units for part in split_hard_breaks(unit)]


def is_soft_wrapped(lines: list[str]) -> bool:
    """Lines that one paragraph was wrapped into: a wrap fills each line to about the same
    width before it breaks, so every line but the last is long, none is shorter than the
    last, and they do not all end a sentence.  (A caption wrapped in its frame.)"""
    lines = [line.strip() for line in lines]
    return (all(len(line) >= 40 and len(line) >= len(lines[-1]) for line in lines[:-1])
            and not all(TERMINAL.search(line[-8:]) for line in lines[:-1]))


def split_hard_breaks(unit: Unit) -> list[Unit]:
    """A browser's copy puts each list item (and each <br> line) on a line of its own with no
    blank line between them: lines that are not one wrapped paragraph are one block each."""
    if len(unit.lines) == 1 or is_soft_wrapped(unit.lines):
        return [unit]
    return [Unit([line], unit.first + n, unit.first + n, hard_break=True)
            for n, line in enumerate(unit.lines)]


# ---------------------------------------------------------------- recognisers

TERMINAL = re.compile(r"[.!?:;…][”’\"')\]]*$|[”’\"]$")
NAME = r"[A-Z][\w’'\-]+(?:\s+(?:[A-Z]\.|[A-Z][\w’'\-]+|de|van|von|al|bin)){1,3}"
BIO = re.compile(rf"(?:^|\band\s+|,\s+)(?P<name>{NAME})\s+(?:is|was|are)\s+(?:a|an|the|currently)\b")
ROLE_WORDS = re.compile(
    r"\b(?:[Ff]ellow|[Rr]esearcher|[Aa]nalyst|[Pp]rofessor|[Dd]irector|[Aa]uthor|[Ee]ditor|"
    r"[Jj]ournalist|[Ll]ecturer|[Hh]ead of|[Cc]orrespondent|[Ss]cholar|[Aa]ssociate)\b")
CAPTION_CREDIT = re.compile(
    r"©\s*\w|\bPHOTO:|\bPhoto:|\bCourtesy of\b|\(Photo by\b|\(Handout photo\b|Getty Images|"
    r"Wikimedia Commons|\bCC BY(?:-SA)?\b")
CAPTION_CREDIT_AT_END = re.compile(r"(?:\bAFP\b\)?|\bReuters|\bAP)\s*$")


def has_caption_credit(text: str) -> bool:
    # The agency names count only as the caption's last word, so only the tail is searched.
    return bool(CAPTION_CREDIT.search(text) or CAPTION_CREDIT_AT_END.search(text[-24:]))
NOTES_HEADINGS = re.compile(r"^(?:Notes|Endnotes|Footnotes|References|Sources)$", re.I)
BACKMATTER_HEADINGS = re.compile(
    r"^(?:About the Authors?|About the Contributors?|Notes on [Cc]ontributors?|Additional information|"
    r"Author [Bb]iograph(?:y|ies)|Acknowledge?ments?|Disclosure statement|Funding)$", re.I)
SIDEBAR_HEADINGS = re.compile(r"^(?:Side ?box|Sidebar|Box)\b", re.I)
BULLET = re.compile(r"^\s*[•·▪●◦‣∙]\s+")
NUMBERED = re.compile(r"^\s+\d+[.)]\s+")        # an indented "1." is a flattened list item

# The blogger writes about the piece; the article never does.
META_WORDS = re.compile(
    r"\b(?:piece|post|posts|posting|posted|column|commentary|article|testimony|contribution|op-ed|"
    r"re-publishing|republishing|publishing|published|publication|writing|wrote|written|"
    r"catch(?:ing)? up|caught up on|this time|up to date|delinquent|delayed|belated|late last year|"
    r"last month|submitted|here)\b", re.I)
FIRST_PERSON = re.compile(r"\b(?:I|I’m|I've|I’ve|[Mm]y|me|myself)\b|(?:^|[.!?]\s+)(?:Am|Have|Was)\s")
OUTLET_NOUNS = re.compile(
    r"\b(?:Review|Times|Post|Journal|Analyst|Policy|Affairs|Committee|Analyses|Assessment|Monitor|"
    r"Diplomat|News|Magazine|Herald|Tribune|Daily|Weekly|Quarterly|Institute|Parliament|Brief|"
    r"Bulletin|Observer|Guardian|Economist|Telegraph|Insight|Interpreter|Agenda)\b")


def is_list_item(unit: Unit) -> bool:
    return len(unit.lines) == 1 and bool(LIST_ITEM.match(unit.lines[0]))


def ends_sentence(text: str) -> bool:
    return bool(TERMINAL.search(text[-8:]))        # the pattern is anchored at the end


def looks_like_title(unit: Unit) -> bool:
    """A title or heading: short, a single line, not a full sentence, not a list item or note."""
    text = unit.clean
    return (len(unit.lines) == 1 and not is_list_item(unit) and 1 <= unit.words <= 25
            and not re.search(r"[.;,:]$", text) and not LINK_DEFINITION.match(text)
            and not has_caption_credit(text) and (text[0].isupper() or text[0].isdigit()))


def looks_like_heading(unit: Unit) -> bool:
    text = unit.clean
    return looks_like_title(unit) and unit.words <= 12 and not text.endswith(("!",))


def looks_like_caption(unit: Unit) -> bool:
    text = unit.clean
    if has_caption_credit(text):
        return True
    # A caption scraped over two lines: the first line stops mid-phrase, and the
    # whole never ends like a sentence (captions end with a date or a credit).
    return (len(unit.lines) > 1 and not is_list_item(unit)
            and not ends_sentence(unit.lines[0].strip()) and not ends_sentence(text))


def bio_names(text: str) -> list[str]:
    """Names of the people a bio line describes ("X is a senior fellow ...")."""
    text = re.sub(r"^\s*\d+[.)]\s+", "", text)
    if not ROLE_WORDS.search(text):
        return []
    names = [match.group("name") for match in BIO.finditer(text)]
    # A bio starts with its subject: "X is a ...", not "In 2001, China is ...".
    if not names or not text.lstrip().startswith(names[0]):
        return []
    return names


def looks_like_name(text: str) -> bool:
    return bool(re.fullmatch(NAME, text.strip())) and len(text.split()) <= 4


def voice_score(text: str) -> int:
    """How much a paragraph sounds like the blogger introducing a piece, not like the piece."""
    meta = {w.lower() for w in META_WORDS.findall(text)}
    score = len(meta)
    if FIRST_PERSON.search(text):
        score += 1
    if re.search(r"\bfor (?:the |my )?(?:[a-z]+ ){0,3}[A-Z]", text) and OUTLET_NOUNS.search(text):
        score += 1
    return score


# ---------------------------------------------------------------- outlets

CAPITAL_PHRASE = re.compile(
    r"(?:[A-Z][\w’'\-]*|[A-Z]{2,})(?:(?:\s+(?:of|and|the|&)\s+|\s+|-)(?:[A-Z][\w’'\-]*|[A-Z]{2,}))*")
NOT_OUTLETS = {"I", "Am", "First", "More", "Another", "Almost", "As", "It", "This", "The", "A",
               "My", "Draws", "Chose", "Submitted", "Wasn’t", "Certainly", "That"}


def parse_outlet(intro: str) -> str:
    """The outlet where the piece first appeared, read from the blogger's introduction."""
    best, best_score = "", 0
    for match in CAPITAL_PHRASE.finditer(intro):
        phrase = match.group(0).strip()
        if phrase in NOT_OUTLETS or len(phrase) < 3:
            continue
        before = intro[max(0, match.start() - 45):match.start()]
        score = 0
        if OUTLET_NOUNS.search(phrase):
            score += 2
        if re.search(r"\b(?:for|at|to)\b(?:\s+[a-z]+|\s+[A-Z]{1,2}\b){0,4}\s*$", before):
            score += 1
        if re.fullmatch(r"[A-Z]{3,}", phrase):
            score += 1
        if score >= 2 and score > best_score:
            best, best_score = phrase, score
    return re.sub(r"^(?:The|the)\s+", "", best)


# ---------------------------------------------------------------- boundaries

# An article's own paragraphs score 0-2 (an "I" in a quotation, a "published" in a
# sentence); the blogger's introductions score 3 and up.
INTRO_THRESHOLD = 3


def find_post_starts(units: list[Unit], first_content: int) -> list[int]:
    """Indices of the units that open a post (the blogger's introductions)."""
    starts = []
    for i in range(first_content, len(units) - 1):
        unit, following = units[i], units[i + 1]
        if is_list_item(unit) or not ends_sentence(unit.clean) or unit.words < 8:
            continue
        if not looks_like_title(following):
            continue
        if i == first_content or voice_score(unit.clean) >= INTRO_THRESHOLD:
            starts.append(i)
    return starts


# ---------------------------------------------------------------- boundaries by other evidence
#
# Most blogs have no introductions: a post is its title, then a date line and often a byline,
# then the text, and the theme's chrome after it ("Posted in News | Leave a comment", "Share
# this:", "Tags: ...").  A date line next to a title-like line, and the first line after the
# chrome that ends a post, mark where posts begin.

MONTHS = {name: number for number, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
    ("october", "oct"), ("november", "nov"), ("december", "dec")), 1) for name in names}
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
DATE_FORMS = (
    re.compile(rf"{_MONTH}\s+{_DAY},?\s+{_YEAR}"),                  # March 4, 2021
    re.compile(rf"{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}"),        # 4 March 2021
    re.compile(rf"{_YEAR}-(?P<mon>[01]\d)-(?P<day>[0-3]\d)"),       # 2021-03-04
)
WEEKDAY = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?,?\s+)?"
TIME = r"(?:\s*(?:at|@|,)?\s*\d{1,2}[:.]\d\d\s*(?:[ap]\.?m\.?)?)?"
DATE_PREFIX = re.compile(r"^(?:(?:Posted|Published|Written|Updated|Dated?)(?:\s+on)?:?\s+|On\s+)?",
                         re.I)
# What may follow a date on its line: a byline ("by Jane Doe", "· Jane Doe", "| Jane Doe")
# and a comment count.
AFTER_DATE = re.compile(r"^(?:\s*(?:(?:by|–|—|-|·|\||•)\s+)(?P<by>.+?))?"
                        r"(?:\s*[|·•]\s*(?:Leave a comment|\d+\s+Comments?|No Comments?))?\s*$", re.I)
# "By Jane Doe on March 4, 2021", "Jane Doe · March 4, 2021"
BY_BEFORE_DATE = re.compile(r"^(?:(?:Posted\s+|Written\s+)?[Bb]y\s+)?(?P<by>[^|·•]+?)\s*(?:\s+on|[|·•,])\s+$")


@dataclass
class DateLine:
    iso: str
    authors: list[str]


def _iso(match: re.Match) -> str | None:
    fields = match.groupdict()
    month = int(fields["mon"]) if fields.get("mon") else MONTHS.get(fields["month"].lower())
    day, year = int(fields["day"]), int(fields["year"])
    if not month or not 1 <= day <= 31 or not 1 <= month <= 12:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def date_line(unit: Unit) -> DateLine | None:
    """A line that gives a post's date (and perhaps its author), and nothing else:
    "March 4, 2021", "Posted on March 4, 2021 by Jane Doe", "4 March 2021 · Jane Doe",
    "By Jane Doe on March 4, 2021"."""
    if len(unit.lines) != 1 or unit.words > 20 or unit.hard_break:
        return None                  # an item of a list of dates is text, not the post's date
    text = unit.clean
    for form in DATE_FORMS:
        for match in form.finditer(text):
            iso = _iso(match)
            if iso is None:
                continue
            before = DATE_PREFIX.sub("", text[:match.start()], count=1)
            before = re.sub(rf"^{WEEKDAY}", "", before).strip()
            after = re.sub(rf"^{TIME}", "", text[match.end():])
            tail = AFTER_DATE.match(after)
            if not tail:
                continue
            if before:
                head = BY_BEFORE_DATE.match(before + " ")
                if not head or tail.group("by"):
                    continue
                by = head.group("by")
            else:
                by = tail.group("by") or ""
            return DateLine(iso, byline_names(by) if by else [])
    return None


BYLINE = re.compile(r"^(?:(?:Written|Posted|Words|Article)\s+)?[Bb]y:?\s+(?P<names>.+)$|^Author:\s*(?P<author>.+)$")


def byline_names(text: str) -> list[str]:
    """The people a byline names: "Jane Doe (Acme), John Roe and Ann Poe" -> three names;
    what is not a name ("on behalf of the team", a job title) is left out."""
    text = re.sub(r"\s*\([^)]*\)", "", text)
    parts = re.split(r"\s*,\s*|\s+(?:and|&)\s+", text)
    return [part.strip() for part in parts if looks_like_name(part.strip())]


def byline(unit: Unit) -> list[str] | None:
    """A byline line under a title ("by Jane Doe", "Author: Jane Doe"): the names it gives."""
    if len(unit.lines) != 1 or unit.words > 20 or ends_sentence(unit.clean):
        return None
    match = BYLINE.match(unit.clean)
    if not match:
        return None
    names = byline_names(match.group("names") or match.group("author"))
    return names or None


# "Tags: China, Russia", "Tagged SCO, Uzbekistan", "Categories Politics | Security".
TAG_LINE = re.compile(r"^(?:Categories|Category|Tags|Tagged|Labels|Topics)(?P<colon>:)?\s+(?P<items>\S.*)$", re.I)
TAG_SEPARATOR = re.compile(r"\s*[,|·•]\s*")


def lists_tags(match: re.Match) -> bool:
    """Without its colon the keyword may open a sentence ("Labels matter more than ...",
    "Topics that the SCO ..."): a theme's line is a list of short names, never a sentence."""
    if match.group("colon"):
        return True
    items = match.group("items")
    return (not re.search(r"[.!?](?:\s|$)", items)
            and all(1 <= len(item.split()) <= 4 for item in TAG_SEPARATOR.split(items)))


# Lines a blog theme prints after a post: they end it, and they are not the author's text.
POST_END_CHROME = (
    (re.compile(r"^(?:This entry was )?(?:Posted|Filed) (?:in|under):?\s+\S.*$", re.I),
     "the post's categories (theme chrome)"),
    (TAG_LINE, "the post's categories or tags (theme chrome)"),
    (re.compile(r"^(?:Leave a (?:comment|reply)|No comments?(?: yet)?|One comment|\d+ (?:comments?|responses?|replies)"
                r"|Comments? \(\d+\)|Comments are closed\.?|Bookmark the permalink\.?|Permalink)$", re.I),
     "a comment link (theme chrome)"),
    (re.compile(r"^(?:Share|Share this|Share this (?:post|article|entry)|Spread the word):?$", re.I),
     "the sharing buttons' heading (theme chrome)"),
    (re.compile(r"^(?:Like this|Like)[:]?$|^Like Loading(?:\.\.\.|…)$", re.I),
     "the like button (theme chrome)"),
    (re.compile(r"^(?:Related|Related posts|Related articles|You may also like):?$", re.I),
     "the related posts' heading (theme chrome)"),
    (re.compile(r"^(?:Continue reading|Read more|Read the rest of this entry)\b.{0,80}$", re.I),
     "a link to the full post (theme chrome)"),
)
# After "Share this:", the buttons: each a word or two ("Twitter", "Email", "Print").
SHARE_BUTTON = re.compile(r"^(?:Click to (?:share|email|print)\b.*|[A-Z][\w.+]*(?:\s[\w.+()]+)?)$")


def chrome_reason(unit: Unit) -> str | None:
    if len(unit.lines) != 1 or unit.words > 16:
        return None
    text = unit.clean
    for pattern, reason in POST_END_CHROME:
        match = pattern.match(text)
        if match and (pattern is not TAG_LINE or lists_tags(match)):
            return reason
    return None


def title_candidate(unit: Unit) -> bool:
    """A line that can be a post's title when a date line or a post's end says a post
    begins here: short and one line; unlike a heading it may end with a full stop or a
    question mark and open with a quotation mark."""
    text = unit.clean.lstrip("“‘\"'([")
    return (len(unit.lines) == 1 and not unit.hard_break and not is_list_item(unit)
            and 1 <= unit.words <= 25 and bool(text) and (text[0].isupper() or text[0].isdigit())
            and not re.search(r"[;,:]$", unit.clean) and not LINK_DEFINITION.match(unit.clean)
            and not has_caption_credit(unit.clean) and chrome_reason(unit) is None
            and date_line(unit) is None)


def _first_words(text: str, count: int = 6) -> str:
    return " ".join(text.split()[:count])


def _entry(key: str, text: str) -> str:
    """A ready-to-copy split.yaml entry naming a line by its first words."""
    return f'{key}:\n  - "{_first_words(text)}"'.replace('\\', '\\\\')


@dataclass
class SplitDecisions:
    """The editor's split.yaml: lines that start a post, and lines that look like a post's
    start but are not, each named by its first words."""
    starts: list[str] = field(default_factory=list)
    not_a_start: list[str] = field(default_factory=list)
    file: str = "split.yaml"
    lines: dict[tuple[str, str], int] = field(default_factory=dict)   # (key, words) -> line
    used: set[tuple[str, str]] = field(default_factory=set)

    def says(self, key: str, unit: Unit) -> bool:
        text = unit.clean.casefold()
        for words in getattr(self, key):
            if text.startswith(" ".join(words.split()).casefold()):
                self.used.add((key, words))
                return True
        return False

    def check_all_used(self) -> None:
        """An entry that names no line is a typo: it would otherwise change nothing, silently."""
        for key in ("starts", "not_a_start"):
            for words in getattr(self, key):
                if (key, words) not in self.used:
                    raise UserError(f"'{key}' names “{words}”, but no line of a text source starts "
                                    "with these words", file=self.file, line=self.lines.get((key, words)),
                                    hint="copy the first words of the line exactly as the source has them")


def load_split_decisions(path: Path) -> SplitDecisions:
    """Read the optional split.yaml: `starts: [first words, ...]`, `not_a_start: [...]`."""
    if not path.exists():
        return SplitDecisions(file=str(path))
    check = Validator(str(path))
    root = check.parse(read_editor_file(path),
                       syntax_hint="check the quoting: put each line's first words in double quotes")
    decisions = SplitDecisions(file=str(path))
    if root is None:
        return decisions
    example = 'starts:\n  - "first words of a post title"\nnot_a_start:\n  - "first words of a line"'
    fields = check.mapping(root, "the file", allowed=("starts", "not_a_start"),
                           hint=f"write it like this:\n{example}")
    for key, given in fields.items():
        items = check.sequence(given.value, f"'{key}'", hint=f"write one '- \"first words\"' per line, like this:\n{example}")
        for node in items:
            words = check.text(node, f"an item of '{key}'", hint="the first words of the line, in double quotes")
            getattr(decisions, key).append(words)
            decisions.lines[(key, words)] = line_of(node)
    return decisions


@dataclass
class PostStart:
    index: int            # the unit that opens the post
    has_intro: bool       # units[index] is the blogger's introduction, the title follows


def _is_intro(units: list[Unit], i: int) -> bool:
    unit = units[i]
    return (i + 1 < len(units) and not is_list_item(unit) and ends_sentence(unit.clean)
            and unit.words >= 8 and looks_like_title(units[i + 1]))


def find_starts_by_evidence(units: list[Unit], first_content: int, file: str,
                            decisions: SplitDecisions) -> list[PostStart] | None:
    """Where posts begin, from date lines, the chrome that ends a post and the editor's
    split.yaml; None when the page has none of that evidence (then the introductions decide).
    Where the evidence leaves a doubt, stop and say what to write in split.yaml."""
    dates = [i for i in range(first_content, len(units))
             if date_line(units[i]) and not decisions.says("not_a_start", units[i])]
    ends = [i for i in range(first_content, len(units)) if chrome_reason(units[i])]
    chosen = [i for i in range(first_content, len(units)) if decisions.says("starts", units[i])]
    if not dates and not ends and not chosen:
        return None
    starts: dict[int, PostStart] = {}
    if not dates and not ends:
        # Only the editor's starts: the introductions still mark the other posts.
        starts = {i: PostStart(i, True) for i in find_post_starts(units, first_content)
                  if not decisions.says("not_a_start", units[i])}

    def start_at(i: int) -> None:
        if decisions.says("not_a_start", units[i]):
            return
        starts.setdefault(i, PostStart(i, not title_candidate(units[i]) and _is_intro(units, i)))

    for i in chosen:
        start_at(i)
    above_or_below: dict[int, str] = {}
    for i in dates:
        # The title is just above the date line (a byline may sit between them) ...
        above = i - 2 if i >= 2 and byline(units[i - 1]) else i - 1
        if above >= first_content and title_candidate(units[above]) and not chrome_reason(units[above]):
            start_at(above)
            above_or_below[i] = "above"
        # ... or, in some themes, just below it, the date then opening the post.
        elif (i + 1 < len(units) and title_candidate(units[i + 1])
              and (i == first_content or chrome_reason(units[i - 1]) or i - 1 in ends)):
            start_at(i)
            above_or_below[i] = "below"
        elif i - 1 >= first_content and date_line(units[i - 1]):
            continue                 # a second date line of the same post ("Updated ...")
        else:
            raise UserError(f"a date line with no title next to it: one post or two? “{units[i].clean}”",
                            file=file, line=units[i].first,
                            hint="say which line starts the post in the book's split.yaml, e.g.\n"
                                 + _entry("starts", units[i - 1].clean if i > first_content else units[i].clean)
                                 + "\nor, if this date is part of the text:\n" + _entry("not_a_start", units[i].clean))
    # A theme prints every post alike: a page whose titles sit above their dates but for one
    # post has lost that post's title (or taken a heading for it), and the text cannot say which.
    if len(set(above_or_below.values())) > 1:
        usual = max(("above", "below"), key=list(above_or_below.values()).count)
        odd = next(i for i, where in above_or_below.items() if where != usual)
        title = odd - 1 if usual == "below" else odd + 1
        raise UserError(f"on this page the titles stand {usual} their date lines, but not by this one: "
                        f"is “{units[title].clean}” a post's title?", file=file, line=units[odd].first,
                        hint="if it is, say so in the book's split.yaml:\n" + _entry("starts", units[title].clean)
                             + "\nif not:\n" + _entry("not_a_start", units[odd].clean)
                             + "\n(and check the scrape for a missing title)")
    for i in ends:
        following = _after_chrome(units, i)
        if following is None or following - 1 != i:
            continue                 # the post's chrome goes on, or the page ends
        if following in starts or decisions.says("not_a_start", units[following]):
            continue
        if title_candidate(units[following]) or _is_intro(units, following):
            start_at(following)
        else:
            raise UserError(f"a post ends here (“{units[i].clean}”) but the next line does not look "
                            f"like a title: one post or two?", file=file, line=units[following].first,
                            hint="if a new post starts on the next line, say so in the book's split.yaml:\n"
                                 + _entry("starts", units[following].clean))
    if first_content < len(units) and first_content not in starts:
        stray = units[first_content]
        raise UserError("the text before the first post found does not belong to any post",
                        file=file, line=stray.first,
                        hint="if a post starts here, say so in the book's split.yaml:\n"
                             + _entry("starts", stray.clean) + "\nor delete the stray lines")
    return [starts[i] for i in sorted(starts)]


def _after_chrome(units: list[Unit], i: int) -> int | None:
    """The first unit after the run of chrome that units[i] belongs to (None at the end)."""
    j = i
    while j < len(units) and (chrome_reason(units[j]) or _is_share_button(units, j)):
        j += 1
    return j if j < len(units) else None


def _is_share_button(units: list[Unit], j: int) -> bool:
    """A sharing button's name, in the run of buttons under "Share this:"."""
    k = j
    while k > 0 and units[k].hard_break and SHARE_BUTTON.match(units[k].clean) and units[k].words <= 3:
        k -= 1
        if chrome_reason(units[k]) == "the sharing buttons' heading (theme chrome)":
            return True
        if not units[k].hard_break:
            return False
    return False


def post_chrome(units: list[Unit]) -> list[tuple[int, str]]:
    """The units of a post that are theme chrome or its date line, with the reason each is
    not book content."""
    found = []
    for j, unit in enumerate(units):
        reason = chrome_reason(unit)
        if reason is None and _is_share_button(units, j):
            reason = "a sharing button (theme chrome)"
        if reason:
            found.append((j, reason))
    return found


# ---------------------------------------------------------------- a post's parts

FRONT, BODY, BACKMATTER, NOTES, SIDEBAR = "front", "body", "backmatter", "notes", "sidebar"


BACK_LINK = re.compile("↩")


def note_run(units: list[Unit], start: int) -> range | None:
    """The units of an unheaded notes list ("1 Text", "2 Text" ...) that runs to the end of
    the post, or to one line before it (a closing line after the notes is not a note)."""
    for i in range(start, len(units)):
        match = NOTE_ITEM.match(units[i].lines[0])
        if not match or int(match.group(1)) != 1 or NUMBERED.match(units[i].lines[0]):
            continue
        expected, j = 1, i
        while j < len(units):
            item = NOTE_ITEM.match(units[j].lines[0])
            if not item or int(item.group(1)) != expected:
                break
            expected, j = expected + 1, j + 1
        # Two notes in sequence, or one with the back-link (↩) a notes list puts after each note.
        linked_back = all(BACK_LINK.search(units[k].clean) for k in range(i, j))
        if (expected > 2 or (expected > 1 and linked_back)) and j >= len(units) - 1:
            return range(i, j)
    return None


def classify_post(units: list[Unit], has_intro: bool = True) -> list[tuple[str, Unit, int | None]]:
    """Give every unit of one post its role.  units[0] is the intro and units[1] the title,
    or (has_intro False) units[0] is the title."""
    title_at = 1 if has_intro else 0
    roles: list[tuple[str, Unit, int | None]] = [(m.INTRO, units[0], None)] if has_intro else []
    roles.append((m.TITLE, units[title_at], None))
    unheaded_notes = note_run(units, title_at + 1)
    section = FRONT
    after_title = True          # the next prose unit may be the standfirst
    for index in range(title_at + 1, len(units)):
        unit = units[index]
        text, first_line = unit.clean, unit.lines[0]
        number: int | None = None
        if LINK_DEFINITION.match(first_line):
            kind = m.LINK_DEFINITION
            number = int(LINK_DEFINITION.match(first_line).group(1))
        elif unheaded_notes is not None and index in unheaded_notes:
            section, kind = NOTES, m.NOTE
            number = int(NOTE_ITEM.match(first_line).group(1))
        elif NOTES_HEADINGS.match(text):
            section, kind = NOTES, m.NOTES_HEADING
        elif section == NOTES and NOTE_ITEM.match(first_line):
            kind = m.NOTE
            number = int(NOTE_ITEM.match(first_line).group(1))
        elif BACKMATTER_HEADINGS.match(text):
            section, kind = BACKMATTER, m.BACKMATTER_HEADING
        elif section == BACKMATTER:
            kind = m.BIO if bio_names(text) else m.CONTRIBUTOR if looks_like_name(text) else m.BIO
        elif SIDEBAR_HEADINGS.match(text) and looks_like_heading(unit):
            section, kind = SIDEBAR, m.SIDEBAR_HEADING
        elif bio_names(text):
            kind = m.BIO
        elif looks_like_caption(unit):
            kind = m.CAPTION
        elif section == FRONT and after_title and (looks_like_name(text) or byline(unit)):
            kind = m.BYLINE
        elif section == FRONT and after_title and BULLET.match(first_line):
            kind = m.STANDFIRST       # key points under the title stand in for a standfirst
            if index + 1 < len(units) and BULLET.match(units[index + 1].lines[0]):
                roles.append((kind, unit, None))
                continue
        elif (section == FRONT and after_title and not is_list_item(unit) and unit.words <= 150
              and not unit.hard_break and (has_intro or _sits_like_a_standfirst(units, index))):
            kind = m.STANDFIRST
        elif NUMBERED.match(first_line):
            kind = m.NUMBERED
            number = int(re.match(r"\s*(\d+)", first_line).group(1))
        elif BULLET.match(first_line) or unit.hard_break:
            kind = m.BULLET           # a bullet, or an item of a list copied one line each
        elif looks_like_heading(unit) and (index + 1 < len(units)):
            kind = m.SIDEBAR_HEADING if section == SIDEBAR else m.HEADING
        else:
            kind = m.SIDEBAR if section == SIDEBAR else m.PARAGRAPH
        if kind not in (m.BYLINE, m.CAPTION, m.BIO):
            after_title = False
        if kind in (m.PARAGRAPH, m.NUMBERED, m.HEADING, m.BULLET) and section == FRONT:
            section = BODY
        roles.append((kind, unit, number))
    return roles


def _sits_like_a_standfirst(units: list[Unit], index: int) -> bool:
    """A post with no introduction is the blogger's own: its first paragraph is the text,
    unless a caption or the byline comes after it (an outlet's standfirst sits between
    the title and the byline or the lead picture)."""
    following = units[index + 1] if index + 1 < len(units) else None
    return following is not None and (looks_like_caption(following) or bool(byline(following))
                                      or looks_like_name(following.clean))


def build_article(roles: list[tuple[str, Unit, int | None]], file: str, taken: set[str],
                  date: str = "", dated_authors: tuple[str, ...] = ()) -> m.Article:
    blocks = []
    for i, (kind, unit, number) in enumerate(roles):
        text = unit.raw
        if kind == m.NOTE:
            text = NOTE_ITEM.sub("", text, count=1)
        blocks.append(m.Block(kind=kind, text=text, number=number, id=f"b{i}",
                              source=m.SourceRef(file, unit.first, unit.last)))
    title = next(unit.clean for kind, unit, _ in roles if kind == m.TITLE)
    intro = roles[0][1].clean if roles[0][0] == m.INTRO else ""
    authors: list[str] = list(dated_authors)
    for kind, unit, _ in roles:
        names = bio_names(unit.clean) if kind == m.BIO else (
            (byline(unit) or [unit.clean]) if kind in (m.BYLINE, m.CONTRIBUTOR) else [])
        for name in names:
            if name not in authors:
                authors.append(name)
    return m.Article(slug=slugify(title, taken), source_file=file,
                     first_line=roles[0][1].first, last_line=roles[-1][1].last,
                     blocks=blocks, outlet=parse_outlet(intro) if intro else "", authors=authors,
                     date=date)


def split_archive(lines: list[str], file: str, taken: set[str] | None = None,
                  decisions: SplitDecisions | None = None,
                  chrome: list[dict] | None = None) -> list[m.Article]:
    """Split one archive's lines into articles, in the archive's own order.  The theme's
    chrome and the date lines found inside the posts go to `chrome`, each with its reason
    (the page's own heading is the caller's to record)."""
    taken = set() if taken is None else taken
    decisions = SplitDecisions() if decisions is None else decisions
    chrome = [] if chrome is None else chrome
    units = to_units(lines)
    if not units:
        raise UserError("the file has no text", file=file)
    first_content = 1 if PAGE_CHROME.match(units[0].clean) else 0
    starts = find_starts_by_evidence(units, first_content, file, decisions)
    if starts is None:
        starts = [PostStart(i, True) for i in find_post_starts(units, first_content)]
        if not starts:
            first = units[first_content] if first_content < len(units) else units[0]
            raise UserError("no post found: no date line next to a title, no end of a post "
                            "(“Posted in …”, “Leave a comment”, “Share this:”) and no introduction "
                            "paragraph followed by a title line",
                            file=file, line=first.first,
                            hint="check this is a blog archive page scraped to text, one paragraph per line "
                                 "with blank lines between paragraphs; or name the first words of each "
                                 "post's title in the book's split.yaml:\n" + _entry("starts", first.clean))
        if starts[0].index != first_content:
            stray = units[first_content]
            raise UserError("text before the first post's introduction does not belong to any post",
                            file=file, line=stray.first,
                            hint="delete the stray lines or add the blogger's introduction before the title")
    articles = []
    for n, start in enumerate(starts):
        end = starts[n + 1].index if n + 1 < len(starts) else len(units)
        post = units[start.index:end]
        date, dated_authors, post = _take_chrome(post, start.has_intro, file, chrome)
        if len(post) < (3 if start.has_intro else 2):
            raise UserError("a post has a title but no text", file=file, line=post[-1].first,
                            hint="check the archive page was scraped completely")
        articles.append(build_article(classify_post(post, start.has_intro), file, taken,
                                      date, tuple(dated_authors)))
    return articles


def _take_chrome(post: list[Unit], has_intro: bool, file: str,
                 chrome: list[dict]) -> tuple[str, list[str], list[Unit]]:
    """The post's date and the authors its date line names; its units without the theme's
    chrome and date lines, which are recorded in `chrome` with their reason."""
    taken_out = dict(post_chrome(post))
    date, authors = "", []
    # The date lines sit by the title, among the byline lines, before the post's text.
    for j in range(len(post)):
        found = date_line(post[j]) if j not in taken_out else None
        if not found:
            if j <= int(has_intro) or byline(post[j]) or looks_like_name(post[j].clean):
                continue
            break
        if not date:
            date, authors = found.iso, found.authors
        taken_out[j] = (f"the post's date ({found.iso})"
                        + (f" and author ({', '.join(found.authors)})" if found.authors else ""))
    for j, reason in sorted(taken_out.items()):
        for number, text in enumerate(post[j].lines, post[j].first):
            chrome.append({"file": file, "line": number, "text": text.strip(), "reason": reason})
    return date, authors, [unit for j, unit in enumerate(post) if j not in taken_out]
