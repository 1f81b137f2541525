"""Synthetic blog archives in the seeds' format, for measuring how the build scales.

The benchmark needs archives of 10, 100, 1,000 posts that stress the pipeline the
way a real scrape does, so every quirk the stages must handle is reproduced here:
page chrome on the first line, posts run together with no separator, the blogger's
first-person introduction naming the outlet, title, standfirst, photo captions,
author bios, headings (Title Case and ALL CAPS), glued note markers with a notes
list (headed "Notes" + "1. Text", or unheaded "1 Text"), "[1]" markers with
"[1]: https://..." definitions, duplicated paragraphs (exact, truncated, glued on,
Title Case pull quote), no-break spaces and lost drop caps.  As in the seeds, a
post cites its notes 1..N in reading order, every note once; a duplicated
paragraph repeats its markers (a pull quote does not).

The prose is drawn from a word-level Markov chain trained on the archive files
given as the corpus (normally manuscript/sources), so it reads like the blog
without reproducing its posts.  Everything depends only on the corpus and the
seed: the same seed gives the same bytes on every run.

CLI: python -m scripts.dev.synth --articles 100 --seed 1 --out build/bench/100
     (writes DIR/sources/*.txt, DIR/book.yaml and DIR/synth.json, the manifest
     of what was generated, so a test can check what the splitter should find)

One module of some 650 lines, a developer's tool outside the build: most of it is
the data a generated post is made of (outlets, phrases, note shapes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import uuid
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from scripts.core.atomic import write_text
from scripts.core.console import stage
from scripts.core.errors import UserError, cli

NBSP = "\u00a0"

# ---------------------------------------------------------------- format vocabulary
# These describe the KIND of material a policy blogger's archive holds; they are
# not taken from any particular post.

OUTLETS = (
    "Nikkei Asian Review", "the Straits Times", "Foreign Policy", "RUSI",
    "the South China Morning Post", "The Diplomat", "War on the Rocks",
    "the Financial Times", "Prospect", "the Lowy Interpreter", "Eurasianet",
    "the National Interest",
)
TAGS = ("Central Asia", "China", "Afghanistan", "Terrorism", "Russia", "Belt and Road")
PHOTO_AGENCIES = ("Reuters", "AP", "AFP", "Getty Images")
FIRST_NAMES = ("Amira", "Daniel", "Nodira", "Oliver", "Mei", "Timur", "Sofia", "Rustam",
               "Hannah", "Erlan", "Laura", "Farid", "Grace", "Dilnoza", "Marco", "Aigerim")
LAST_NAMES = ("Karimova", "Fletcher", "Chen", "Abdullaev", "Novak", "Sultanov", "Reyes",
              "Ismailov", "Whitmore", "Zhang", "Bekova", "Lindqvist", "Osei", "Tursunov")
INSTITUTES = ("the Centre for Eurasian Security Studies", "the Institute of Strategic Affairs",
              "the School of Global Policy", "the Asia Security Forum",
              "the Royal Institute for Defence Research")
DOMAINS = ("www.example-news.org", "www.eurasia-review.example", "press.example.com",
           "www.policy-archive.example", "news.example.net")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")

# First-person introductions: how the blogger reposts a piece and names where it
# first appeared.  {outlet} is always named, as in the archive.
INTRO_OPENERS = (
    "Catching up on posting here, this time a piece for {outlet} looking at {topic}.",
    "Another piece from last month, this time for {outlet}, on {topic}.",
    "A longer piece I wrote for {outlet} which has been in the works for a while, trying to get at {topic}.",
    "More delayed posting, this time a short column for {outlet} about {topic}.",
    "Finally getting round to posting this here: a piece for {outlet} exploring {topic}.",
    "A new column for {outlet}, this time with my attempt to make sense of {topic}.",
)
INTRO_CLOSERS = (
    "As ever, comments welcome.",
    "More on this theme to come over the next few weeks.",
    "I suspect this is a story we will be returning to.",
    "It has held up reasonably well so far, I think.",
)

SMALL_WORDS = frozenset(
    "a an the of in on and or to for with at by from as but nor is its into".split())

# Glued note markers take these shapes in the scrape (see the module docstring).
MARKER_SHAPES = ("after-stop", "after-quote", "on-word", "after-comma")

# Duplicate shapes, cycled so that even a 5-post archive holds each of them.
DUPLICATE_SHAPES = ("exact", "truncated", "glued", "pull-quote", None)
# Note styles, cycled likewise.
NOTE_STYLES = ("headed", None, "brackets", "unheaded", None, "headed")


@dataclass
class PostInfo:
    """What was generated, so tests and the benchmark know what the stages should find."""
    file: str
    title: str
    outlet: str
    authors: list[str]
    note_style: str | None
    notes: int
    duplicate: str | None
    paragraphs: int
    words: int
    features: list[str] = field(default_factory=list)
    blocks: list[tuple[str, str]] = field(default_factory=list, repr=False)


@dataclass
class Archive:
    files: dict[str, str]            # file name -> text, in chronological order of their posts
    posts: list[PostInfo]            # oldest first
    author: str
    seed: int


# ---------------------------------------------------------------- the prose model

# A glued marker follows a lower-case word or a closing stop/quote ("forces.1", "East”.2",
# "Tashkent8"), a stop after a capital ("ASEAN.63") or a year ("in 1998.40", "June 2020.42.",
# "in 201665": 2016 and note 65); "US$2.5", "0.19", "G7" and "COVID-19" are numbers, not markers.
_GLUED_MARKER = re.compile(r"([a-z”’)][.,;:”’)]?|[A-Z][.,;:”’)])\d{1,3}(?=[\s\u00a0]|$)")
_YEAR_MARKER = re.compile(r"(?<![\d.,$])((?:1[89]|20)\d\d)(?:([.,;:])\d{1,3}(?=([\s\u00a0.,;:]|$))"
                          r"|[1-9]\d{0,2}(?![\d%]))")
_BRACKET_MARKER = re.compile(r"\s?\[\d+\]")
# The blogger's talk about his own writing belongs in the generated introductions only:
# mixed into body prose it would make ordinary paragraphs sound like introductions.  So do
# photo credits: a paragraph carrying one reads as a caption (and its note markers go with it).
_NOT_PROSE = re.compile(r"©|(?i:photo)|Courtesy of|Getty|Wikimedia|Alamy|Handout|CC BY|\bAFP\b|Reuters|\bAP\b|\b(is|are) an? (senior|Senior)|\bI\b|\bmy\b|"
                        r"\b(this time|piece|post|posts|posting|posted|column|commentary|article|"
                        r"writing|wrote|written|published|publishing|here|last month|catch|caught|"
                        r"delayed|belated|delinquent|submitted|Chose|contribution|testimony)\b")
# A sentence ends at a stop, possibly inside closing quotes or brackets.
_SENTENCE_END = re.compile(r"[.?!][’”')]*$")


def _unmarked(text: str) -> str:
    """The text without its note markers."""
    def year(match: re.Match) -> str:
        # "in 1998.40 In" keeps its stop; "in June 2020.42." already has one.
        stop = match.group(2) if match.group(2) and not match.group(3)[:1] in ".,;:" else ""
        return match.group(1) + stop
    return _BRACKET_MARKER.sub("", _GLUED_MARKER.sub(r"\1", _YEAR_MARKER.sub(year, text)))


def corpus_paragraphs(texts: list[str]) -> list[str]:
    """The running prose of the corpus: long lines that are not notes, lists or links."""
    paragraphs = []
    for text in texts:
        for line in text.splitlines():
            if len(line) < 150 or line[:1].isspace() or line[:1].isdigit():
                continue
            if line.startswith(("[", "“")) or "http" in line:
                continue
            # Markers are added by the generator where it wants them, so strip the corpus's own.
            line = _unmarked(line.replace(NBSP, " "))
            # Captions, bios and the blogger's own introductions are generated separately;
            # left in, they would leak chrome into the running prose.
            kept = [s for s in line.split(". ") if not _NOT_PROSE.search(s)]
            if len(kept) > 1:
                paragraphs.append(close_sentence(". ".join(kept)))
    return paragraphs


def close_sentence(text: str) -> str:
    return text if _SENTENCE_END.search(text) else text.rstrip(",;:–— ") + "."


class Prose:
    """A word-level order-2 Markov chain with order-1 jumps so it does not replay the corpus."""

    def __init__(self, paragraphs: list[str], rng: random.Random):
        if not paragraphs:
            raise UserError("the corpus has no prose to learn from",
                            hint="pass archive files with paragraphs (e.g. manuscript/sources/*.txt)")
        self.rng = rng
        self.pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.singles: dict[str, list[str]] = defaultdict(list)
        self.starts: list[tuple[str, str]] = []
        capitalised: set[str] = set()
        nouns: set[str] = set()
        for paragraph in paragraphs:
            words = paragraph.split()
            at_start = True
            for i, word in enumerate(words):
                # "Oct. 26: ..." ends at "Oct." but no sentence starts with "26:".
                if at_start and i + 1 < len(words) and word[:1].isupper():
                    self.starts.append((word, words[i + 1]))
                at_start = bool(_SENTENCE_END.search(word))
                if i + 1 < len(words):
                    self.singles[word].append(words[i + 1])
                if i + 2 < len(words):
                    self.pairs[(word, words[i + 1])].append(words[i + 2])
                bare = word.strip("‘’“”.,;:()?!'\"")
                if len(bare) > 3 and bare.isalpha():
                    (capitalised if bare[0].isupper() and i > 0 else nouns).add(bare)
        self.proper = capitalised
        self.words = sorted(nouns)

    def _pick(self, options: list):
        return options[int(self.rng.random() * len(options))]

    def sentence(self, min_words: int = 8, max_words: int = 40) -> str:
        first, second = self._pick(self.starts)
        words = [first, second]
        while True:
            if _SENTENCE_END.search(words[-1]) and len(words) >= min_words:
                break
            if len(words) >= max_words:
                words[-1] = close_sentence(words[-1])
                break
            options = self.pairs.get((words[-2], words[-1]))
            # A state with one continuation would copy the corpus: jump on one word instead.
            if not options or (len(options) == 1 and self.rng.random() < 0.35):
                options = self.singles.get(words[-1])
            if not options:
                words[-1] = close_sentence(words[-1])
                break
            words.append(self._pick(options))
        text = " ".join(words)
        return text[0].upper() + text[1:]

    def paragraph(self, sentences: tuple[int, int] = (2, 6)) -> str:
        count = self.rng.randint(*sentences)
        return " ".join(self.sentence() for _ in range(count))

    def phrase(self, low: int, high: int) -> str:
        """A few consecutive words from a sentence, trimmed of dangling small words."""
        chosen: list[str] = []
        for _attempt in range(4):
            words = self.sentence(min_words=high).rstrip(".?!").split()
            size = self.rng.randint(low, high)
            start = self.rng.randint(0, max(0, len(words) - size))
            chosen = [w.strip("‘’“”,;:()'\"–—.") for w in words[start:start + size]]
            chosen = [w for w in chosen if w]
            while len(chosen) > 1 and chosen[-1].lower() in SMALL_WORDS:
                chosen.pop()
            # A title or heading opens with a word ("$10-million" would read as something else).
            while len(chosen) > 1 and (chosen[0].lower() in SMALL_WORDS or not chosen[0][0].isalnum()):
                chosen.pop(0)
            if len(chosen) >= low:
                break
        return " ".join(chosen) or self._pick(self.words)


def title_case(text: str) -> str:
    words = text.split()
    return " ".join(w if (i and w.lower() in SMALL_WORDS) else w[:1].upper() + w[1:]
                    for i, w in enumerate(words))


def every_word_capitalised(text: str) -> str:
    """How the outlets set a pull quote: "Long Seen As Central Asia’s Wealthy Bulwark"."""
    return re.sub(r"(?<![\w’'])([^\W\d_])", lambda m: m.group(1).upper(), text)


# ---------------------------------------------------------------- one post

class PostWriter:
    def __init__(self, prose: Prose, rng: random.Random, author: str):
        self.prose = prose
        self.rng = rng
        self.author = author

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def person(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def date(self, year: int) -> tuple[int, str, int]:
        return self.rng.randint(1, 28), self.rng.choice(MONTHS), year

    def intro(self, outlet: str) -> str:
        topic = self.prose.phrase(3, 7)
        if topic.split()[0] not in self.prose.proper:
            topic = topic[0].lower() + topic[1:]
        text = self.rng.choice(INTRO_OPENERS).format(outlet=outlet, topic=topic)
        extra = [self.prose.sentence(8, 30) for _ in range(self.rng.randint(0, 2))]
        if self.chance(0.5):
            extra.append(self.rng.choice(INTRO_CLOSERS))
        return " ".join([text, *extra])

    def title(self) -> str:
        shape = self.rng.random()
        if shape < 0.35:
            return f"{title_case(self.prose.phrase(2, 5))}: {self.prose.phrase(4, 9)}"
        if shape < 0.7:
            return title_case(self.prose.phrase(4, 10))
        text = self.prose.phrase(5, 11)
        return text[0].upper() + text[1:]

    def heading(self) -> str:
        text = title_case(self.prose.phrase(2, 5))
        return text.upper() if self.chance(0.2) else text

    def caption(self) -> list[str]:
        day, month, year = self.date(self.rng.randint(2015, 2024))
        body = f"{title_case(self.prose.phrase(2, 4))} {self.prose.phrase(4, 10)}, {day} {month} {year}"
        shape = self.rng.random()
        if shape < 0.4:
            text = f"{body}: {self.prose.phrase(6, 14)}. {NBSP} © {self.rng.choice(PHOTO_AGENCIES)}"
            if self.chance(0.3):
                text = text.replace(" © ", f" ©{NBSP}", 1).replace(f"©{NBSP} ", f"©{NBSP}")
        elif shape < 0.7:
            text = f"{body}.{self.rng.choice([' ', NBSP])}PHOTO: {self.rng.choice(PHOTO_AGENCIES).upper()}"
        else:
            text = (f"{body}. Courtesy of {self.rng.choice(LAST_NAMES)} / Wikimedia Commons / "
                    f"CC BY-SA 4.0")
        # Some captions reach us wrapped over two lines with no blank line between.
        if self.chance(0.15) and len(body) > 40:
            cut = text.find(" ", len(text) // 2)
            if cut > 0:
                return [text[:cut] + "\n" + text[cut + 1:]]
        return [text]

    def bio(self, names: list[str]) -> str:
        who = " and ".join(names)
        verb = "are senior fellows" if len(names) > 1 else "is a senior fellow"
        book = title_case(self.prose.phrase(2, 5))
        return (f"{who} {verb} at {self.rng.choice(INSTITUTES)} and author of "
                f"“{book}” (Example University Press, {self.rng.randint(2015, 2025)}).")

    def note_text(self, style: str, year: int) -> str:
        if self.chance(0.08):
            return "Ibid."
        if self.chance(0.12):
            return self.prose.sentence(8, 30)
        day, month, _ = self.date(year)
        title = title_case(self.prose.phrase(3, 8))
        outlet = self.rng.choice(OUTLETS).removeprefix("the ")
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
        url = f"https://{self.rng.choice(DOMAINS)}/{year}/{self.rng.randint(1, 12):02d}/{slug}"
        if style == "headed":
            return (f"{self.person()}, ‘{title}’, {outlet}, {day} {month} {year}, <{url}>, "
                    f"accessed {self.rng.randint(1, 28)} {self.rng.choice(MONTHS)} {year}.")
        return f"{self.person()}, “{title},” {outlet}, {month} {day}, {year}, {url}."

    # -- markers

    @staticmethod
    def sentences(paragraph: str) -> list[list[str]]:
        """The paragraph as [core, stop] pairs, so a marker can go after a sentence's stop."""
        pieces = paragraph.split(". ")
        sentences = []
        for i, piece in enumerate(pieces):
            if i < len(pieces) - 1:
                sentences.append([piece, "."])
            elif piece[-1:] in (".", "?", "!"):
                sentences.append([piece[:-1], piece[-1]])
            else:
                sentences.append([piece, ""])
        return sentences

    def mark_paragraph(self, paragraph: str, marks: dict[int, int], style: str, index: int) -> str:
        """Put note `marks[s]` in sentence s of the paragraph, for each s: one marker a sentence,
        so the numbers read in order however many notes the paragraph carries."""
        # A no-break space the scrape left at the paragraph's end stays after the last marker.
        trailing = paragraph[len(paragraph.rstrip()):]
        sentences = self.sentences(paragraph.rstrip())
        spaced = set()
        for target, number in marks.items():
            core, stop = sentences[target]
            if style == "brackets":
                sentences[target] = self.bracket_marker(core, stop, number)
            else:
                shape = MARKER_SHAPES[(index + number) % len(MARKER_SHAPES)]
                sentences[target] = self.glue_marker(core, stop, number, shape)
                # After a glued marker the scrape often has a no-break space.
                if self.chance(0.3):
                    spaced.add(target)
        out = []
        for i, (core, stop) in enumerate(sentences):
            out.append(core + stop)
            if i < len(sentences) - 1:
                out.append(NBSP if i in spaced else " ")
        return "".join(out) + trailing

    def glue_marker(self, core: str, stop: str, number: int, shape: str) -> list[str]:
        """Attach note `number` to one sentence the way the scrape does: glued, no space."""
        words = core.split(" ")
        comma = next((k for k, w in enumerate(words) if w.endswith(",")), None)
        inner = [k for k in range(1, len(words) - 1) if words[k][-1:].isalpha()]
        if shape == "after-quote" and len(words) > 4:
            # ... the ‘gateway to Eurasia’.2
            return [" ".join(words[:-3]) + " ‘" + " ".join(words[-3:]) + "’", (stop or ".") + str(number)]
        if shape == "on-word" and inner:
            # ... bombings in downtown Tashkent8 – highlighted ...
            words[self.rng.choice(inner)] += str(number)
            return [" ".join(words), stop]
        if shape == "after-comma" and comma is not None:
            # ... the security side thrived,13 most of ...
            words[comma] += str(number)
            return [" ".join(words), stop]
        # ... its forces.1 The next sentence ...
        return [core, (stop or ".") + str(number)]

    def bracket_marker(self, core: str, stop: str, number: int) -> list[str]:
        words = core.split(" ")
        if self.chance(0.5) and len(words) > 6:
            # "Gen. Liu Yazhou [1] put it", "Yang Jiechi[3] described"
            i = self.rng.randint(2, len(words) - 3)
            words[i] += f"{' ' if self.chance(0.5) else ''}[{number}]"
            return [" ".join(words), stop]
        # "the ‘gateway to Eurasia.'[2]"
        return [core, f"{stop}[{number}]"]

    # -- the whole post

    def write(self, index: int, year: int, file: str) -> PostInfo:
        rng = self.rng
        outlet = rng.choice(OUTLETS)
        authors = [self.author] + ([self.person()] if self.chance(0.15) else [])
        features: list[str] = []
        blocks: list[tuple[str, str]] = []   # (kind, text); kind drives the layout

        blocks.append(("intro", self.intro(outlet)))
        title = self.title()
        blocks.append(("title", title))
        evidence = index % 23 == 11
        if self.chance(0.2):
            blocks.append(("byline", ", ".join(authors)))
        if self.chance(0.1) and not evidence:
            blocks.append(("bullets", "\n".join(
                f"  • {self.prose.sentence(10, 30)}" for _ in range(rng.randint(2, 3)))))
            features.append("bullets")
        elif not evidence:
            # Every post in the seeds opens with the outlet's standfirst (or key points) except
            # written evidence; without one the splitter rightly takes a short first paragraph
            # for it.
            standfirst = self.prose.sentence(8, 24)
            blocks.append(("standfirst", standfirst if self.chance(0.6) else standfirst.rstrip(".")))
        bio_early = self.chance(0.5)
        if self.chance(0.7):
            blocks.extend(("caption", c) for c in self.caption())
        if bio_early:
            blocks.append(("bio", self.bio(authors)))

        body: list[tuple[str, str]] = []
        sections = rng.randint(0, 5)
        for section in range(sections + 1):
            if section:
                body.append(("heading", self.heading()))
            # At least three paragraphs up front, so every duplicate shape has room.
            for _ in range(rng.randint(2 if section else 3, 6)):
                body.append(("paragraph", self.prose.paragraph()))
            if self.chance(0.2):
                body.extend(("caption", c) for c in self.caption())

        paragraph_ids = [i for i, (kind, _) in enumerate(body) if kind == "paragraph"]
        if index % 6 == 2:
            # The drop cap was an image the scrape lost: "The narrative" -> "he narrative".
            i = paragraph_ids[0]
            first_word = body[i][1].split(" ", 1)[0]
            if len(first_word) < 3 or not first_word[:3].isalpha():
                body[i] = ("paragraph", "The " + body[i][1][0].lower() + body[i][1][1:])
            body[i] = ("paragraph", body[i][1][1:])
            features.append("lost-drop-cap")

        # No-break spaces where the scrape had them: inside sentences and at paragraph ends.
        if index % 2 == 0 or self.chance(0.3):
            for i in paragraph_ids:
                if self.chance(0.4):
                    text = body[i][1]
                    positions = [m.start() for m in re.finditer(" ", text)]
                    for pos in rng.sample(positions, min(len(positions), rng.randint(1, 4))):
                        text = text[:pos] + NBSP + text[pos + 1:]
                    if self.chance(0.2):
                        text += NBSP
                    body[i] = ("paragraph", text)
            features.append("nbsp")

        note_style = NOTE_STYLES[index % len(NOTE_STYLES)]
        if evidence:
            note_style = None
        notes: list[str] = []
        unmarked = [text for _, text in body]
        if note_style:
            # A real post cites its notes 1..N in reading order, one marker each: choose N
            # sentences of the body and number them from the top.
            sentences = [(i, s) for i in paragraph_ids for s in range(len(self.sentences(body[i][1])))]
            count = rng.randint(2, min(12, len(paragraph_ids) * 2, len(sentences)))
            marks: dict[int, dict[int, int]] = defaultdict(dict)
            for number, (i, s) in enumerate(sorted(rng.sample(sentences, count)), 1):
                marks[i][s] = number
                notes.append(self.note_text(note_style, year))
            for i, paragraph_marks in marks.items():
                body[i] = ("paragraph", self.mark_paragraph(body[i][1], paragraph_marks, note_style, index))
            features.append(f"notes-{note_style}")

        duplicate = DUPLICATE_SHAPES[index % len(DUPLICATE_SHAPES)]
        if duplicate and len(paragraph_ids) >= 3:
            body = self.duplicate(body, paragraph_ids, duplicate, unmarked)
            features.append(f"duplicate-{duplicate}")
        else:
            duplicate = None

        if evidence:
            # Written evidence: numbered paragraphs that lost their numbers in the scrape.
            body = [("numbered", "\n".join(f"  1. {text}" for kind, text in body
                                           if kind == "paragraph"))]
            features.append("numbered")
        blocks.extend(body)

        if not bio_early and self.chance(0.6):
            blocks.append(("bio", self.bio(authors)))
        if note_style == "unheaded":
            blocks.append(("backmatter", "About the Authors"))
            blocks.append(("bio", self.bio(authors)))
        if note_style == "headed":
            blocks.append(("notes-heading", "Notes"))
            blocks.extend(("note", f"{n}. {t}") for n, t in enumerate(notes, 1))
        elif note_style == "unheaded":
            blocks.extend(("note", f"{n} {t}") for n, t in enumerate(notes, 1))
        elif note_style == "brackets":
            for n in range(1, len(notes) + 1):
                slug = re.sub(r"[^a-z0-9]+", "-", self.prose.phrase(2, 5).lower()).strip("-")
                blocks.append(("link", f"[{n}]: https://{rng.choice(DOMAINS)}/{year}/{slug}.html"))

        paragraphs = sum(1 for kind, _ in blocks if kind == "paragraph")
        words = sum(len(text.split()) for _, text in blocks)
        return PostInfo(file=file, title=title, outlet=outlet, authors=authors,
                        note_style=note_style, notes=len(notes), duplicate=duplicate,
                        paragraphs=paragraphs, words=words, features=features, blocks=blocks)

    def duplicate(self, body: list[tuple[str, str]], ids: list[int], shape: str, unmarked: list[str]):
        """Repeat paragraphs the way the scrapes do; `unmarked` is the body's text before
        the note markers went in."""
        rng = self.rng
        body = list(body)
        k = rng.randint(0, len(ids) - 3)
        first, second, third = ids[k], ids[k + 1], ids[k + 2]
        if shape == "exact":
            body.insert(third + 1, body[first])
        elif shape == "truncated":
            # The opening sentences of a paragraph set again before it.  Cut mid-sentence, the
            # copy would read as a paragraph broken across two lines (normalise rightly joins it
            # to the next), so it ends at a sentence: the scrape's excerpt of the paragraph.
            text = body[second][1]
            stops = [m.end() for m in re.finditer(r"[.?!][’”)]?(?=[ \u00a0])", text)]
            target = len(text) * rng.uniform(0.3, 0.8)
            cut = min(stops, key=lambda end: abs(end - target)) if stops else len(text) // 2
            body.insert(second, ("paragraph", text[:cut]))
        elif shape == "glued":
            # The first copy of a run of paragraphs has an earlier one glued on its end.
            body[third] = ("paragraph", f"{body[third][1]} {body[first][1]}")
            body.insert(third + 1, body[second])
            body.insert(third + 2, ("paragraph", body[third][1][:-len(body[first][1]) - 1]))
        elif shape == "pull-quote":
            # As in the seeds: the whole paragraph again, Every Word Capitalised, set before it.
            # The outlet sets the quote box from the words alone: no note markers.
            quote = every_word_capitalised(unmarked[second])
            body.insert(second, ("pull_quote", quote))
        return body


# ---------------------------------------------------------------- the archive

def render_post(post: PostInfo) -> str:
    # Blank lines between blocks; list items and wrapped captions keep single newlines.
    return "\n\n".join(text for _, text in post.blocks)


def generate(articles: int, seed: int, corpus: list[str], author: str = "Jordan Avery",
             start_year: int = 2008) -> Archive:
    """`articles` posts, oldest first, grouped into archive files of 3-12 posts."""
    if articles < 1:
        raise UserError("--articles must be at least 1")
    rng = random.Random(seed)
    prose = Prose(corpus_paragraphs(corpus), rng)
    writer = PostWriter(prose, rng, author)

    posts: list[PostInfo] = []
    files: dict[str, str] = {}
    month = 0
    index = 0
    while index < len(range(articles)):
        size = min(rng.randint(3, 12), articles - index)
        year, month_name = start_year + month // 12, MONTHS[month % 12]
        tagged = rng.random() < 0.15
        name = f"{len(files):04d}_{'tag' if tagged else 'archive'}_{year}_{month % 12 + 1:02d}.txt"
        chrome = (f"Posts Tagged ‘{rng.choice(TAGS)}’" if tagged
                  else f"Archive for {month_name}, {year}")
        batch = [writer.write(index + i, year, name) for i in range(size)]
        posts.extend(batch)
        # A blog archive page lists its newest post first.
        files[name] = chrome + "\n\n" + "\n\n".join(render_post(p) for p in reversed(batch)) + "\n"
        index += size
        month += 1
    return Archive(files=files, posts=posts, author=author, seed=seed)


def book_yaml(archive: Archive, articles: int) -> str:
    parts = archive.author.split()
    data = {
        "title": f"Synthetic Archive of {articles} Posts",
        "subtitle": "A generated blog archive for benchmarking",
        "author": {"name": archive.author, "file_as": f"{parts[-1]}, {' '.join(parts[:-1])}"},
        "language": "en-GB",
        "publisher": "Benchmark Editions",
        "rights": f"© {archive.author}. Generated text for benchmarking only.",
        "identifier": f"urn:uuid:{uuid.UUID(int=random.Random(f'{archive.seed}-{articles}').getrandbits(128), version=4)}",
        "date": dt.date(2026, 1, 1).isoformat(),
        "description": "Machine-generated posts in the format of a scraped blog archive.",
        "subjects": ["Benchmarks"],
        "sources": list(archive.files),
        "chapter_order": "chronological",
    }
    return "# Generated by scripts/dev/synth.py: do not edit.\n" + yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False)


def manifest(archive: Archive) -> dict:
    return {"seed": archive.seed, "articles": len(archive.posts), "files": list(archive.files),
            "posts": [{k: v for k, v in asdict(p).items() if k != "blocks"}
                      for p in archive.posts]}


def write_archive(archive: Archive, out: Path) -> None:
    sources = out / "sources"
    sources.mkdir(parents=True, exist_ok=True)
    for stale in sources.glob("*.txt"):
        if stale.name not in archive.files:
            stale.unlink()
    for name, text in archive.files.items():
        write_text(sources / name, text)
    write_text(out / "book.yaml", book_yaml(archive, len(archive.posts)))
    write_text(out / "synth.json", json.dumps(manifest(archive), ensure_ascii=False, indent=1) + "\n")


def read_corpus(paths: list[Path]) -> list[str]:
    missing = [str(p) for p in paths if not p.is_file()]
    if missing or not paths:
        raise UserError(f"corpus file not found: {', '.join(missing) or '(none given)'}",
                        hint="pass the seed archives, e.g. manuscript/sources/*.txt")
    return [p.read_text(encoding="utf-8") for p in paths]


@cli
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True,
                        help="directory for sources/, book.yaml and synth.json")
    parser.add_argument("corpus", nargs="*", type=Path,
                        help="archive files to learn the prose from (default manuscript/sources/*.txt)")
    args = parser.parse_args(argv)
    corpus = args.corpus or sorted(Path("manuscript/sources").glob("*.txt"))
    with stage("synth") as line:
        archive = generate(args.articles, args.seed, read_corpus(corpus))
        write_archive(archive, args.out)
        words = sum(p.words for p in archive.posts)
        line.summary = (f"{len(archive.posts)} posts, {words:,} words in {len(archive.files)} "
                        f"archive files -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
