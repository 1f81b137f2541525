"""Stage 1: read every source into articles (build/model/split.json).

Each source file is read by the adapter of its format (scripts/ingest/formats.py):
a WordPress export, Markdown posts or saved HTML pages by their adapters in
scripts/ingest/, and a blog archive page scraped to plain text by the rules in
this module.  The articles come out in book order, every source line accounted
for as a block with its role, or recorded as left out (with why) for the split
report.

A text scrape of an archive page has no separators between posts.  What marks a
post is its shape: the blogger's short introduction (written about the piece: "a
piece for ...", "more catch-up posting", first person), then the republished
article's title (a short line without a full stop), then the article.  The
rules below look for that shape; nothing in them knows the seeds.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from scripts.core.paths import BookPaths
from scripts.core import model as m
from scripts.core.atomic import write_text
from scripts.core.book import Book, load_book
from scripts.core.errors import UserError
from scripts.core.config import did_you_mean
from scripts.ingest import formats, select
from scripts.ingest.common import LeftOut, Post, slugify

# ---------------------------------------------------------------- reading

PAGE_CHROME = re.compile(
    r"^(Archive for|Archives? for|Posts Tagged|Posts tagged|Tag Archives?:?|Category Archives?:?|"
    r"Monthly Archives?:?|Search Results for)\b")


@dataclass
class Unit:
    """A run of source lines that forms one block (usually one line: one paragraph)."""
    lines: list[str]
    first: int           # 1-based line number of the first line
    last: int

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
    return units


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


# ---------------------------------------------------------------- a post's parts

FRONT, BODY, BACKMATTER, NOTES, SIDEBAR = "front", "body", "backmatter", "notes", "sidebar"


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
        if expected > 2 and j >= len(units) - 1:
            return range(i, j)
    return None


def classify_post(units: list[Unit]) -> list[tuple[str, Unit, int | None]]:
    """Give every unit of one post its role.  units[0] is the intro, units[1] the title."""
    roles: list[tuple[str, Unit, int | None]] = [(m.INTRO, units[0], None), (m.TITLE, units[1], None)]
    unheaded_notes = note_run(units, 2)
    section = FRONT
    after_title = True          # the next prose unit may be the standfirst
    for index in range(2, len(units)):
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
        elif section == FRONT and after_title and looks_like_name(text):
            kind = m.BYLINE
        elif section == FRONT and after_title and BULLET.match(first_line):
            kind = m.STANDFIRST       # key points under the title stand in for a standfirst
            if index + 1 < len(units) and BULLET.match(units[index + 1].lines[0]):
                roles.append((kind, unit, None))
                continue
        elif section == FRONT and after_title and not is_list_item(unit) and unit.words <= 150:
            kind = m.STANDFIRST
        elif NUMBERED.match(first_line):
            kind = m.NUMBERED
            number = int(re.match(r"\s*(\d+)", first_line).group(1))
        elif BULLET.match(first_line):
            kind = m.BULLET
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


def build_article(roles: list[tuple[str, Unit, int | None]], file: str, taken: set[str]) -> m.Article:
    blocks = []
    for i, (kind, unit, number) in enumerate(roles):
        text = unit.raw
        if kind == m.NOTE:
            text = NOTE_ITEM.sub("", text, count=1)
        blocks.append(m.Block(kind=kind, text=text, number=number, id=f"b{i}",
                              source=m.SourceRef(file, unit.first, unit.last)))
    title = roles[1][1].clean
    intro = roles[0][1].clean
    authors: list[str] = []
    for kind, unit, _ in roles:
        names = bio_names(unit.clean) if kind == m.BIO else (
            [unit.clean] if kind in (m.BYLINE, m.CONTRIBUTOR) else [])
        for name in names:
            if name not in authors:
                authors.append(name)
    return m.Article(slug=slugify(title, taken), source_file=file,
                     first_line=roles[0][1].first, last_line=roles[-1][1].last,
                     blocks=blocks, outlet=parse_outlet(intro), authors=authors)


def split_archive(lines: list[str], file: str, taken: set[str] | None = None) -> list[m.Article]:
    """Split one archive's lines into articles, in the archive's own order."""
    taken = set() if taken is None else taken
    units = to_units(lines)
    if not units:
        raise UserError("the file has no text", file=file)
    first_content = 1 if PAGE_CHROME.match(units[0].clean) else 0
    starts = find_post_starts(units, first_content)
    if not starts:
        raise UserError("no post found: a post is an introduction paragraph followed by a title line",
                        file=file, line=units[first_content].first if first_content < len(units) else 1,
                        hint="check this is a blog archive page scraped to text, one paragraph per line "
                             "with blank lines between paragraphs")
    if starts[0] != first_content:
        stray = units[first_content]
        raise UserError("text before the first post's introduction does not belong to any post",
                        file=file, line=stray.first,
                        hint="delete the stray lines or add the blogger's introduction before the title")
    articles = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(units)
        post = units[start:end]
        if len(post) < 3:
            raise UserError("a post has a title but no text", file=file, line=post[-1].first,
                            hint="check the archive page was scraped completely")
        articles.append(build_article(classify_post(post), file, taken))
    return articles


def post_key(article: m.Article) -> str:
    """Identity of a post across archives: its title and its first body paragraph."""
    body = next((b.text for b in article.blocks if b.kind in (m.PARAGRAPH, m.NUMBERED)), "")
    text = re.sub(r"\W+", " ", f"{article.title}\n{body}").lower().strip()
    return hashlib.sha1(text.encode()).hexdigest()


@dataclass
class SplitResult:
    articles: list[m.Article]
    merged: list[dict]          # posts found again in another archive (or twice in one)
    chrome: list[dict]          # page-chrome lines that are not book content
    left_out: list[LeftOut] = field(default_factory=list)   # what the structured adapters left out


def split_sources(paths: list[Path], book: Book, book_file: str = "book.yaml",
                  sources_dir: Path | None = None) -> SplitResult:
    """Read every source with its format's adapter, merge posts found twice, and put the
    articles in book order.  `book_file` is the book.yaml the errors name; a source is
    named by its path under `sources_dir` (by its file name when none is given)."""
    sources_label = f"{Path(book_file).parent / 'sources'}/"
    by_name = {_source_name(p, sources_dir): p for p in paths}
    order = _listed_order(book, by_name, book_file, sources_label)
    taken: set[str] = set()
    seen: dict[str, m.Article] = {}
    articles: list[m.Article] = []
    merged, chrome, left_out = [], [], []
    selected: list[tuple[Post, m.Article]] = []
    for fmt, names in _runs_of_one_format(order, by_name):
        if fmt == formats.TEXT:
            name = names[0]
            lines = read_source(by_name[name])
            units = to_units(lines)
            if units and PAGE_CHROME.match(units[0].clean):
                chrome.append({"file": name, "line": units[0].first, "text": units[0].clean})
            posts = split_archive(lines, name, taken)
            if book.chapter_order == "chronological":
                posts.reverse()            # archive pages list the newest post first
        else:
            read = formats.reader(fmt).read_all([(by_name[n], n) for n in names], taken, book)
            left_out += read.left_out
            selected += read.posts
            posts, not_selected = select.apply(read.posts, book.select)
            left_out += not_selected
            if book.chapter_order == "chronological":
                posts.sort(key=lambda a: a.date or "9999")     # undated last, in source order
        for post in posts:
            key = post_key(post)
            if key in seen:
                kept = seen[key]
                kept.also_in.append(m.SourceRef(post.source_file, post.first_line, post.last_line))
                taken.discard(post.slug)
                merged.append({"title": post.title, "kept": f"{kept.source_file}:{kept.first_line}",
                               "dropped": f"{post.source_file}:{post.first_line}-{post.last_line}"})
                continue
            seen[key] = post
            articles.append(post)
    _check_selection_names(book, selected, book_file)
    if not articles:
        raise UserError("no post is left for the book: book.yaml's 'select:' leaves out every one",
                        file=book_file, hint="loosen 'select:' (see build/reports/split.md for why each post was left out)")
    if book.chapter_order == "chronological" and all(a.date for a in articles):
        articles.sort(key=lambda a: a.date)        # every post is dated: one timeline across sources
    if isinstance(book.chapter_order, list):
        articles = _explicit_order(articles, book.chapter_order, book_file)
    return SplitResult(articles, merged, chrome, left_out)


def _runs_of_one_format(order: list[str], by_name: dict[str, Path]) -> list[tuple[str, list[str]]]:
    """The sources in order, consecutive files of one structured format together: an
    adapter reads a folder of Markdown posts in one go (one pandoc run, not hundreds).
    A text scrape is always read alone."""
    runs: list[tuple[str, list[str]]] = []
    for name in order:
        fmt = formats.detect(by_name[name], name)
        if runs and runs[-1][0] == fmt and fmt != formats.TEXT:
            runs[-1][1].append(name)
        else:
            runs.append((fmt, [name]))
    return runs


def _source_name(path: Path, sources_dir: Path | None) -> str:
    if sources_dir is not None:
        try:
            return path.relative_to(sources_dir).as_posix()
        except ValueError:
            pass
    return path.name


def _listed_order(book: Book, by_name: dict[str, Path], book_file: str, sources_label: str) -> list[str]:
    """The source files in book.yaml's order.  A listed folder stands for every file under
    it, in name order (a Jekyll _posts/ folder names its files by date)."""
    if not book.sources:
        return sorted(by_name)
    order: list[str] = []
    for entry in book.sources:
        entry = entry.strip("/")
        inside = sorted(n for n in by_name if n.startswith(entry + "/"))
        if entry in by_name:
            order.append(entry)
        elif inside:
            order += [n for n in inside if n not in order]
        else:
            raise UserError(f"book.yaml lists '{entry}' under sources, but no such file was given",
                            file=book_file,
                            hint=f"add the file to {sources_label} or remove it from 'sources'")
    unlisted = sorted(set(by_name) - set(order))
    if unlisted:
        raise UserError(f"'{unlisted[0]}' is in the sources but book.yaml does not list it",
                        file=book_file,
                        hint="add it under 'sources:' in the order its posts were written "
                             f"(or move the file out of {sources_label})")
    return order


def _check_selection_names(book: Book, posts: list[tuple[Post, m.Article]], book_file: str) -> None:
    """A post named under select: posts or leave_out must exist: a typo there would
    otherwise leave a post out (or in) silently."""
    known = set().union(*(select.names_of(p, a) for p, a in posts)) if posts else set()
    for key, names in (("posts", book.select.posts), ("leave_out", book.select.leave_out)):
        for name in names:
            if name.casefold() not in known:
                suggestion = did_you_mean(name.casefold(), sorted(known))
                raise UserError(f"'select: {key}' names '{name}', which is no post's slug or title",
                                file=book_file,
                                hint=(suggestion + " " if suggestion else "")
                                + "see build/reports/split.md for every post's slug")


def _explicit_order(articles: list[m.Article], slugs: list[str], book_file: str) -> list[m.Article]:
    by_slug = {a.slug: a for a in articles}
    for slug in slugs:
        if slug not in by_slug:
            raise UserError(f"chapter_order names '{slug}', which is not an article slug",
                            file=book_file,
                            hint=f"known slugs: {', '.join(sorted(by_slug))}")
    missing = [a.slug for a in articles if a.slug not in slugs]
    if missing:
        raise UserError(f"chapter_order leaves out '{missing[0]}'", file=book_file,
                        hint="list every article, or use 'chronological'")
    return [by_slug[s] for s in slugs]


def source_files(paths: BookPaths) -> list[Path]:
    """Every file under the book's sources folder (hidden ones aside, and those in hidden
    folders): split checks them against book.yaml, so a file left out of the book is an
    error rather than silently missing, whatever its name ends in."""
    if not paths.sources_dir.is_dir():
        return []
    return sorted(p for p in paths.sources_dir.rglob("*")
                  if p.is_file() and not any(part.startswith(".")
                                             for part in p.relative_to(paths.sources_dir).parts))


def run(paths: BookPaths) -> str:
    """The split stage: the book's archives -> build/model/split.json (+ what else was found)."""
    book = load_book(paths.book_yaml)
    sources = source_files(paths)
    result = split_sources(sources, book, str(paths.book_yaml), paths.sources_dir)
    m.save_articles(paths.split_model, result.articles)
    write_text(paths.split_extra, json.dumps({"merged": result.merged, "chrome": result.chrome,
                                              "left_out": [item.to_dict() for item in result.left_out]},
                                             ensure_ascii=False, indent=1) + "\n")
    return (f"{len(result.articles)} articles from {len(sources)} sources"
            + (f", {len(result.merged)} repeated posts merged" if result.merged else "")
            + (f", {len(result.left_out)} items left out (reports/split.md)" if result.left_out else ""))
