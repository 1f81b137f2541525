"""Stage 2: repair scraping damage in each article, never the author's words.

Input: build/model/split.json.  Output: build/model/normalised.json and the
split report (build/reports/split.json, split.md), which lists every article
with its source lines and every fix made here.

Each rule is a small function from text to text that also says what it
changed; `normalise_article` applies them and records a `Fix` for each
change, so an editor can check every one.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from functools import cached_property

from scripts.core.paths import BookPaths
from scripts.core import model as m
from scripts.core.limits import working_on
from scripts.core.atomic import write_text
from scripts.core.errors import UserError
from scripts.core.reports import json_text

CONTEXT = 40      # characters of context either side of a change in the report


def _context(text: str, start: int, end: int) -> str:
    left = max(0, start - CONTEXT)
    right = min(len(text), end + CONTEXT)
    return ("…" if left else "") + text[left:right] + ("…" if right < len(text) else "")


# ---------------------------------------------------------------- character-level rules

NO_BREAK_SPACES = re.compile("[\u00a0\u202f\u2007]")
PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e]")


def fix_spaces(text: str) -> str:
    """No-break spaces scattered by the scraper become ordinary spaces; runs of spaces fold."""
    text = NO_BREAK_SPACES.sub(" ", text)
    text = re.sub(r"[ \t]{2,}", " ", text)
    return re.sub(r" +([,;:](?:\s|$))", r"\1", text).strip()


def fix_quotes(text: str) -> str:
    """Straight quotes and apostrophes become typographic ones."""
    text = re.sub(r"(?<=\w)'(?=\w)", "’", text)                 # don't, Xi'an
    text = re.sub(r"(^|[\s(\[{—–-])'", r"\1‘", text)            # opening single quote
    text = text.replace("'", "’")                               # closing or trailing apostrophe
    text = re.sub(r'(^|[\s(\[{—–-])"', r"\1“", text)
    return text.replace('"', "”")


def fix_dashes_and_ellipses(text: str) -> str:
    text = re.sub(r"(?<=\w) -- (?=\w)|(?<=\w)--(?=\w)", "—", text)
    text = re.sub(r"(?<=\S) - (?=\S)", " – ", text)            # a spaced hyphen is a dash
    return re.sub(r"(?<!\.)\.\.\.(?!\.)", "…", text)


# (kind, rule, a cheap test of whether the rule can change the text at all:
#  most blocks need none of them, and the test is much cheaper than the rule)
CHARACTER_RULES = (
    ("private-use-character", lambda t: PRIVATE_USE.sub("", t), lambda t: max(t, default=" ") >= "\ue000"),
    # Control characters are never text, and the chapter's YAML front matter refuses them.
    ("control-character", lambda t: CONTROL.sub("", t), lambda t: CONTROL.search(t)),
    ("no-break-space", lambda t: NO_BREAK_SPACES.sub(" ", t), lambda t: NO_BREAK_SPACES.search(t)),
    ("whitespace", fix_spaces, lambda t: "  " in t or "\t" in t or " ," in t or " ;" in t or " :" in t
     or t[:1].isspace() or t[-1:].isspace()),
    ("quotes", fix_quotes, lambda t: "'" in t or '"' in t),
    ("dashes-ellipses", fix_dashes_and_ellipses, lambda t: " - " in t or "--" in t or "..." in t),
)


# A structured source's note references arrive as model.note_ref sentinels, placed by its
# adapter (which strips private-use characters from the source text): keep those, and
# take out any other private-use character.
STRAY_PRIVATE_USE = re.compile("[\ue002-\uf8ff]")
STRUCTURED_CHARACTER_RULES = (
    ("private-use-character", lambda t: STRAY_PRIVATE_USE.sub("", t), lambda t: max(t, default=" ") >= "\ue002"),
) + CHARACTER_RULES[1:]


# ---------------------------------------------------------------- block-level rules

TERMINAL_END = re.compile(r"[.!?:;…][”’\"')\]]*$|[”’\"')\]]$")
# A note marker at the end of a sentence: glued ("forces.1"), after a space ("Beijing. 1",
# a superscript the theme set apart), or an asterisk ("the plan.*").
TRAILING_NOTE = re.compile(r"(?<=[.!?”’\"'),;:])\s?(?:\d{1,3}|\*{1,3}|†)$")
LIST_MARKER = re.compile(r"^\s*(?:\d+[.)]|[•·▪●◦‣∙])\s+")
SMALL_WORDS = {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "of",
               "on", "or", "over", "the", "to", "up", "with", "vs"}


def ends_like_sentence(text: str) -> bool:
    return bool(TERMINAL_END.search(TRAILING_NOTE.sub("", text.rstrip())))


class Corpus:
    """What the rules may consult about the whole manuscript: word and word-pair counts.

    Counted on first use: only a lost drop cap or an ALL-CAPS heading needs them,
    and most manuscripts have few of either."""

    def __init__(self, texts: Iterable[str]):
        self._texts = list(texts)

    @classmethod
    def of(cls, texts: Iterable[str]) -> "Corpus":
        return cls(texts)

    @cached_property
    def _counts(self) -> tuple[Counter, Counter, set[str]]:
        words: Counter = Counter()
        pairs: Counter = Counter()
        upper: set[str] = set()
        for text in self._texts:
            tokens = re.findall(r"[A-Za-z’']+", text)
            lowered = [t.lower() for t in tokens]
            words.update(lowered)
            pairs.update(zip(lowered, lowered[1:]))
            if not text.isupper():
                upper.update(t for t in tokens if len(t) > 1 and t.isupper())
        return words, pairs, upper

    @property
    def words(self) -> Counter:
        return self._counts[0]

    @property
    def pairs(self) -> Counter:
        return self._counts[1]

    @property
    def upper_words(self) -> set[str]:
        """Words written in capitals inside ordinary sentences (acronyms)."""
        return self._counts[2]


def restore_drop_cap(text: str, corpus: Corpus) -> str:
    """'he narrative' -> 'The narrative': a paragraph never opens in lower case; when it does,
    the scraper dropped an initial set as a drop cap.  Pick the letter that makes the word
    most attested before the following word, then the most frequent word."""
    match = re.match(r"([a-z][\w’']*)(\s+)([\w’']+)", text)
    if not match:
        return text
    fragment, space, following = match.group(1), match.group(2), match.group(3).lower()
    candidates = [fragment] + [letter + fragment for letter in "abcdefghijklmnopqrstuvwxyz"]

    def evidence(word: str) -> tuple[int, int]:
        return corpus.pairs[(word, following)], corpus.words[word]

    best = max(candidates, key=evidence)
    if evidence(best) == (0, 0):
        best = fragment          # nothing attests a letter: only restore the capital
    return best[0].upper() + best[1:] + space + text[match.end(2):]


def title_case(text: str, corpus: Corpus) -> str:
    """An ALL-CAPS heading in title case; words the text writes in capitals stay capitals."""
    words = text.split()
    result = []
    for i, word in enumerate(words):
        core = re.sub(r"[^\w’']", "", word)
        if core in corpus.upper_words:
            result.append(word)
        elif i > 0 and core.lower() in SMALL_WORDS:
            result.append(word.lower())
        else:
            result.append(word[:1] + word[1:].lower())
    return " ".join(result)


def is_all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


# ---------------------------------------------------------------- the article

TEXT_KINDS = {m.PARAGRAPH, m.NUMBERED, m.SIDEBAR, m.BULLET}


def _common_prefix(a: str, b: str) -> int:
    """Length of the common prefix, by bisection on slice comparisons (done in C)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _record(article: m.Article, kind: str, block: m.Block, before: str, after: str) -> None:
    if before == after:
        return
    # Report the changed region with some context, not whole paragraphs.
    start = _common_prefix(before, after)
    tail = _common_prefix(before[start:][::-1], after[start:][::-1])
    end_b, end_a = len(before) - tail, len(after) - tail
    article.fixes.append(m.Fix(kind=kind, block=block.id, before=_context(before, start, end_b),
                               after=_context(after, start, end_a)))


def normalise_article(article: m.Article, corpus: Corpus) -> m.Article:
    """Apply every rule to one article, recording each change.  Returns the same article.

    A structured source (WXR, Markdown, HTML) kept its paragraphs, lists and notes, so
    only the character rules apply to it; the repairs of a scrape's lost structure
    (joined lines and paragraphs, drop caps, numbering, capitals) would damage it."""
    if article.structured:
        for block in article.blocks:
            if block.kind == m.CODE:
                continue               # preformatted: every character as the author typed it
            for kind, rule, may_apply in STRUCTURED_CHARACTER_RULES:
                if may_apply(block.text):
                    fixed = rule(block.text)
                    _record(article, kind, block, block.text, fixed)
                    block.text = fixed
        return article
    table_rows = {block.id for block in article.blocks if is_table_row(block.text)}
    for block in article.blocks:
        if "\n" in block.text:
            joined = " ".join(line.strip() for line in block.text.split("\n"))
            _record(article, "caption-joined" if block.kind == m.CAPTION else "line-joined",
                    block, block.text, joined)
            block.text = joined
        if block.kind in (m.NUMBERED, m.BULLET, m.STANDFIRST, m.BIO) and LIST_MARKER.match(block.text):
            stripped = LIST_MARKER.sub("", block.text, count=1)
            _record(article, "list-marker", block, block.text, stripped)
            block.text = stripped
        for kind, rule, may_apply in CHARACTER_RULES:
            if not may_apply(block.text):
                continue
            fixed = rule(block.text)
            _record(article, kind, block, block.text, fixed)
            block.text = fixed

    _strip_back_links(article)
    _restore_drop_caps(article, corpus, table_rows)
    _join_broken_paragraphs(article)
    _number_testimony(article)
    for block in article.blocks:
        if (block.kind in (m.HEADING, m.SIDEBAR_HEADING) and is_all_caps(block.text)
                and block.id not in table_rows):
            fixed = title_case(block.text, corpus)
            _record(article, "all-caps-heading", block, block.text, fixed)
            block.text = fixed
    return article


FIGURE = re.compile(r"(?<!\S)[-+(]?[\d.,]+%?\)?(?!\S)")


def is_table_row(text: str) -> bool:
    """A row of a table copied as text: cells apart by tabs, or a run of figures.  Its
    first word in lower case and its capitals are the table's own, not scraping damage."""
    return "\t" in text or len(FIGURE.findall(text)) >= 3 and len(FIGURE.findall(text)) * 3 >= len(text.split())


def _restore_drop_caps(article: m.Article, corpus: Corpus, table_rows: set[str]) -> None:
    for block in article.blocks:
        if (block.kind in TEXT_KINDS | {m.STANDFIRST} and block.text[:1].islower()
                and block.id not in table_rows):
            fixed = restore_drop_cap(block.text, corpus)
            _record(article, "drop-cap", block, block.text, fixed)
            block.text = fixed


# Words a sentence cannot stop on: a block ending with one was cut mid-sentence.
CONTINUING_WORDS = SMALL_WORDS | {"is", "are", "was", "were", "be", "been", "has", "have", "had", "that",
                                  "which", "who", "whose", "their", "its", "his", "her", "our", "this",
                                  "these", "than", "if", "so", "not", "will", "would", "can", "could"}
# Kinds whose blocks are complete by themselves: a list item that stops short ("We look
# forward to") is how its author wrote it, not a paragraph the scraper broke.
NEVER_JOINED = {m.BULLET, m.NUMBERED}


def reads_as_cut(first: str, second: str) -> bool:
    """Whether a block that does not end a sentence was cut mid-sentence, rather than being a
    heading, a line of an address or a paragraph ending in a link: the next block opens in
    lower case, or this one stops on a word no sentence stops on ("of", "the", "Uzbekistan’s")."""
    last = re.sub(r"[^\w’'-]", "", first.split()[-1]).lower() if first.split() else ""
    return (second[:1].islower() or last in CONTINUING_WORDS or last.endswith(("’s", "'s"))
            or first.rstrip().endswith((",", "-", "–", "—")))


# A notes list's links back to the text: "↩", "↩︎" (with its variation selector), and
# "↩ 2" or "↩2" for a note cited twice.
BACK_LINK = re.compile(r"\s*↩\ufe0e?\ufe0f?(?:\s?\d{1,2}(?!\d))?")


def _strip_back_links(article: m.Article) -> None:
    """A note's back-link arrows are the web page's navigation, not the note's words."""
    for block in article.blocks:
        if block.kind == m.NOTE and "↩" in block.text:
            fixed = BACK_LINK.sub("", block.text).strip()
            _record(article, "note-back-link", block, block.text, fixed)
            block.text = fixed


def _join_broken_paragraphs(article: m.Article) -> None:
    """A paragraph that stops mid-sentence continues in the next paragraph: join them.
    The joined block spans both source ranges, so no line is lost."""
    blocks = article.blocks
    i = 0
    while i + 1 < len(blocks):
        first, second = blocks[i], blocks[i + 1]
        if (first.kind == second.kind and first.kind in TEXT_KINDS - NEVER_JOINED
                and len(first.text.split()) >= 12 and not ends_like_sentence(first.text)
                and reads_as_cut(first.text, second.text)):
            joined = f"{first.text} {second.text}"
            article.fixes.append(m.Fix(kind="broken-paragraph", block=first.id,
                                       before=f"{_context(first.text, len(first.text), len(first.text))} ¶ "
                                              f"{_context(second.text, 0, 0)}",
                                       after=_context(joined, len(first.text), len(first.text) + 1)))
            first.text = joined
            first.source = m.SourceRef(first.source.file, first.source.first_line, second.source.last_line)
            del blocks[i + 1]
            continue
        i += 1


def _number_testimony(article: m.Article) -> None:
    """Written evidence flattened into items all numbered '1.' becomes paragraphs 1..N;
    an item that is a heading ('UK options') becomes a heading and is not numbered."""
    numbered = [b for b in article.blocks if b.kind == m.NUMBERED]
    if not numbered:
        return
    counter = 0
    for block in numbered:
        if len(block.text.split()) <= 8 and not ends_like_sentence(block.text):
            article.fixes.append(m.Fix(kind="testimony-heading", block=block.id,
                                       before=f"{block.number}. {block.text}", after=block.text))
            block.kind, block.number = m.HEADING, None
            continue
        counter += 1
        if block.number != counter:
            article.fixes.append(m.Fix(kind="testimony-numbering", block=block.id,
                                       before=f"{block.number}. {block.text[:CONTEXT]}…",
                                       after=f"{counter}. {block.text[:CONTEXT]}…"))
            block.number = counter


def normalise(articles: list[m.Article]) -> list[m.Article]:
    corpus = Corpus.of(b.text for a in articles for b in a.blocks)
    out = []
    for article in articles:
        with working_on(m.where(article)):
            out.append(normalise_article(article, corpus))
    return out


# ---------------------------------------------------------------- report

def split_report(articles: list[m.Article], extra: dict) -> tuple[dict, str]:
    data = {
        "articles": [{
            "chapter": n, "slug": a.slug, "title": a.title, "outlet": a.outlet, "authors": a.authors,
            "source": f"{a.source_file}:{a.first_line}-{a.last_line}",
            "also_in": [str(s) for s in a.also_in],
            "blocks": [{"id": b.id, "kind": b.kind, "source": str(b.source)} for b in a.blocks],
            "fixes": [vars(f) for f in a.fixes],
        } for n, a in enumerate(articles, 1)],
        "merged_posts": extra.get("merged", []),
        "page_chrome": extra.get("chrome", []),
        "left_out": extra.get("left_out", []),
        "to_check": extra.get("notices", []),
        "book_defaults": extra.get("book", {}).get("defaulted", {}),
    }
    lines = ["# Split and normalisation report", "",
             f"{len(articles)} articles; {sum(len(a.fixes) for a in articles)} fixes.", ""]
    if data["page_chrome"]:
        lines += ["Page chrome (not book content):", ""]
        lines += [f"- `{c['file']}:{c['line']}` {c['text']}" + (f" — {c['reason']}" if c.get("reason") else "")
                  for c in data["page_chrome"]] + [""]
    if data["to_check"]:
        lines += ["To check (in the book as the sources give it; what to do if it is not right):", ""]
        lines += [f"- `{n['file']}:{n['line']}` {_md(n['text'])} — {_md(n['hint'])}" for n in data["to_check"]] + [""]
    if data["book_defaults"]:
        lines += ["Not in book.yaml, so filled in (write the key in book.yaml to choose yourself):", ""]
        lines += [f"- `{key}`: {why}" for key, why in data["book_defaults"].items()] + [""]
    if data["left_out"]:
        counts = Counter(item["what"] for item in data["left_out"])
        lines += ["Left out of the book (" + ", ".join(f"{k} ×{v}" for k, v in sorted(counts.items())) + "):", ""]
        lines += [f"- `{i['file']}:{i['line']}` **{i['what']}** {_md(_start(i['text']))} — {i['reason']}"
                  for i in data["left_out"]] + [""]
    if data["merged_posts"]:
        lines += ["Posts found more than once (kept the first):", ""]
        lines += [f"- {p['title']}: kept {p['kept']}, dropped {p['dropped']}" for p in data["merged_posts"]] + [""]
    for n, a in enumerate(articles, 1):
        lines += [f"## {n}. {a.title}", "",
                  f"- slug `{a.slug}`, source `{a.source_file}:{a.first_line}-{a.last_line}`",
                  f"- outlet: {a.outlet or '(not found)'}; authors: {', '.join(a.authors) or '(book author)'}",
                  "", "| block | kind | lines |", "|---|---|---|"]
        lines += [f"| {b.id} | {b.kind} | {b.source.first_line}-{b.source.last_line} |" for b in a.blocks]
        if a.fixes:
            counts = Counter(f.kind for f in a.fixes)
            lines += ["", "Fixes: " + ", ".join(f"{k} ×{v}" for k, v in sorted(counts.items())), ""]
            for f in a.fixes:
                if f.kind in ("no-break-space", "whitespace"):
                    continue          # counted above; the JSON lists each one
                lines.append(f"- **{f.kind}** ({f.block}): `{_md(f.before)}` → `{_md(f.after)}`")
        lines.append("")
    return data, "\n".join(lines) + "\n"


def failed_split_report(error: UserError) -> tuple[dict, str]:
    """The split report of a split stage that stopped: what failed and where, in place of the
    articles (there are none to list); the same keys as a full report, so what reads it
    (the reports page) reads this too."""
    where = f"{error.file}:{error.line}" if error.file and error.line else error.file or ""
    data = {"error": {"file": error.file or "", "line": error.line, "message": error.message,
                      "hint": error.hint or ""},
            "articles": [], "merged_posts": [], "page_chrome": [], "left_out": [], "book_defaults": {}}
    lines = ["# Split and normalisation report", "",
             "**The split stage stopped**" + (f" at `{_md(where)}`" if where else "") + f": {error.message}", ""]
    if error.hint:
        lines += [f"What to do: {error.hint}", ""]
    lines += ["No articles were split, so none are listed; this report replaces the last run's.", ""]
    return data, "\n".join(lines)


def write_failed_split_report(paths: BookPaths, error: UserError) -> None:
    data, text = failed_split_report(error)
    write_text(paths.reports / "split.json", json_text(data))
    write_text(paths.reports / "split.md", text)


def _start(text: str, length: int = 160) -> str:
    return text if len(text) <= length else text[:length].rsplit(" ", 1)[0] + " …"


def _md(text: str) -> str:
    return text.replace("`", "ʼ").replace("\u00a0", "⍽").replace("\n", "⏎")


def run(paths: BookPaths) -> str:
    """The normalise stage: split.json -> normalised.json, and the split report (split.md)."""
    articles = normalise(m.load_articles(paths.split_model))
    m.save_articles(paths.normalised_model, articles)
    extra = json.loads(paths.split_extra.read_text(encoding="utf-8"))
    data, text = split_report(articles, extra)
    write_text(paths.reports / "split.json", json_text(data))
    write_text(paths.reports / "split.md", text)
    return f"{sum(len(a.fixes) for a in articles)} fixes in {len(articles)} articles"
