"""The Markdown adapter: posts of a static blog (Jekyll, Hugo, Eleventy, Astro) -> articles.

One file is one post: front matter (YAML between `---` lines, or TOML between `+++`)
then Markdown.  pandoc reads the Markdown as CommonMark with its extensions
(`commonmark_x`: footnotes `[^1]`, tables, raw HTML), which is what Hugo, Astro and
Eleventy render and what Jekyll's kramdown mostly agrees with; `sourcepos` makes
pandoc record the source line of every element, so every block names its line.
All the files of a run go through one pandoc batch, not one process per post.

The HTML pandoc writes then goes the way of every structured source
(html_content.py): footnotes become linked notes, images and embeds are left out
and reported.  Generator markup is not Markdown: Liquid tags (`{% ... %}`,
`{{ ... }}`) and Hugo shortcodes (`{{< ... >}}`, `{{% ... %}}`) are taken out and
reported; a picture shortcode (Hugo's `figure`, or any whose `src` is a picture file)
becomes the post's picture, its caption rendered as Markdown, as Hugo does (a gallery's
caption goes under its last picture); a quote shortcode is a quotation with its
attribution; an escaped shortcode (`{{</* figure */>}}`) is the text the site prints; and
the text between a paired shortcode's tags stays.  A post's translations (`index.es.md` beside `index.md`)
are one post, and a footnote nothing refers to is reported.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

import yaml
from lxml import html as lxml_html

from scripts.content.pandoc_batch import Document, convert_many
from scripts.core import model as m
from scripts.core.book import Book
from scripts.core.errors import UserError, compose_yaml
from scripts.ingest import html_content, site_data
from scripts.ingest.images import folder_for
from scripts.ingest.common import (LeftOut, Notice, Post, Read, clean_text, number_blocks, read_text,
                                   refuse_long_lines, slugify)

HINT = "save the post as UTF-8 Markdown with its front matter between '---' lines"
READER = "commonmark_x+sourcepos-smart"      # the author's own quotes and dashes, with their lines
FILE_DATE = re.compile(r"^(\d{4})-(\d\d)-(\d\d)-")       # Jekyll: _posts/2021-03-04-title.md
LIQUID = re.compile(r"\{%-?\s*(\w+)[^%]*?-?%\}|\{\{-?[^{}<>%]*?-?\}\}", re.S)
SHORTCODE = re.compile(r"\{\{[<%]\s*(/?)\s*([\w/-]+)(.*?)\s*[>%]\}\}", re.S)
ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")
FIRST_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.M)
DRAFT_KEYS = ("draft",)
TITLE_KEYS = ("title", "Title", "name")
DATE_KEYS = ("date", "Date", "pubDate", "published", "publishDate", "pubdate", "created")
SUMMARY_KEYS = ("description", "summary", "excerpt", "subtitle", "lede")


NOT_POSTS = {"readme": "the repository's read-me", "license": "the licence file", "licence": "the licence file",
             "changelog": "a change log", "contributing": "the contributors' guide",
             "404": "the site's 'page not found' page", "_index": "a section's list page (Hugo, Zola)"}


# Hugo's multilingual file names: `index.es.md`, `my-post.pt-br.md` is that post in one language.
LANGUAGE_SUFFIX = re.compile(r"^(?P<base>.+)\.(?P<language>[a-z]{2}(?:[-_][a-z0-9]{2,8})?)$", re.I)
# ISO 639-1, the two-letter language codes: `about.me.md` beside `about.md` is no translation.
LANGUAGES = frozenset("""
aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv
dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie
ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv
mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm
rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts
tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu""".split())


def _base_and_language(name: str) -> tuple[str, str]:
    """A file's folder and stem without a language suffix, and that suffix ("" for none):
    "posts/a/index.es.md" -> ("posts/a/index", "es")."""
    path = Path(name)
    found = LANGUAGE_SUFFIX.match(path.stem)
    if found and found.group("language")[:2].lower() in LANGUAGES:
        return (path.parent / found.group("base")).as_posix(), found.group("language").lower()
    return (path.parent / path.stem).as_posix(), ""


def translations(names: set[str], book: Book) -> dict[str, tuple[str, str]]:
    """The files that are another language's version of a post the book already has:
    {file: (its language, the version kept)}.  Files are versions of one post when they share
    a folder and a stem and differ by a language suffix (Hugo: index.md, index.es.md,
    index.fr.md).  A suffix alone (`notes.on.md` with no `notes.md` beside it) is no language.
    The version kept is the one in the language book.yaml gives, else the unsuffixed one (the
    site's default language), else the one in the book's language, else the first by name."""
    groups: dict[str, dict[str, str]] = {}
    for name in sorted(names):
        base, language = _base_and_language(name)
        groups.setdefault(base, {})[language] = name
    given = "" if "language" in book.defaulted else book.language.lower()
    left: dict[str, tuple[str, str]] = {}
    for versions in groups.values():
        if len(versions) < 2 or set(versions) == {""}:
            continue

        def in_language(language: str) -> str | None:
            return next((n for lang, n in versions.items() if lang and
                         (lang == language or lang.split("-")[0].split("_")[0] == language.split("-")[0])), None)

        kept = ((in_language(given) if given else None) or versions.get("")
                or in_language(book.language.lower()) or versions[min(versions)])
        for language, name in versions.items():
            if name != kept:
                left[name] = (language or "the site's default language", kept)
    return left


def not_a_post(name: str, names: set[str]) -> str:
    """Why a Markdown file of a site is not a post ("" when it is one).  An index.md beside
    other posts is the folder's list page; alone in its folder it is a page bundle's post
    (its translations, index.es.md, are the same post, not others beside it)."""
    path = Path(name)
    base, _ = _base_and_language(name)
    stem = Path(base).name.lower()
    if stem in NOT_POSTS:
        return NOT_POSTS[stem]
    if stem == "index":
        folder = path.parent.as_posix()
        siblings = [n for n in names if n != name and Path(n).parent.as_posix() == folder
                    and _base_and_language(n)[0] != base]
        if siblings:
            return "the folder's list page (an index beside its posts)"
    return ""


def read_all(sources: list[tuple[Path, str]], taken: set[str], book: Book) -> Read:
    """Every post of the run, its body converted in one pandoc batch."""
    result = Read()
    parsed = []
    names = {name for _, name in sources}
    profiles: dict[Path, dict[str, str]] = {}         # a post's folder -> its site's author names
    other_languages = translations(names, book)
    for path, name in sources:
        reason = not_a_post(name, names)
        if reason or name in other_languages:
            titled = re.search(r"^title\s*[:=]\s*[\"']?(.+?)[\"']?\s*$", clean_text(read_text(path, "Markdown post", HINT))[:3000], re.M)
            title = titled.group(1) if titled else name
            if reason:
                result.left_out.append(LeftOut(name, 1, "not-a-post", title, f"{name}: {reason}"))
            else:
                language, kept = other_languages[name]
                result.left_out.append(LeftOut(name, 1, "translation", title,
                                               f"{name}: the post in another language ({language}); "
                                               f"the book has it once, from {kept}"))
            continue
        post = _front(path, name, result)
        if post is not None:
            if path.parent not in profiles:
                top = path.parents[len(Path(name).parts) - 1]     # the sources folder (`name` is relative to it)
                profiles[path.parent] = site_data.author_names(path, top)
            post.author_names = profiles[path.parent]
            parsed.append(post)
    bodies = to_html([Document(p.body, name=p.name) for p in parsed])
    # Captions and standfirsts are Markdown too (`description: "[Computo](https://...) is a
    # journal"`): one more batch, not one pandoc run each.
    summaries = [(p, text) for p in parsed if isinstance(text := _first(p.meta, SUMMARY_KEYS), str) and text.strip()]
    rendered = iter(inline_html([Document(c, name=p.name) for p in parsed for c in p.captions]
                                + [Document(text, name=p.name) for p, text in summaries]))
    marked = [[next(rendered) for _ in p.captions] for p in parsed]
    for post, text in summaries:
        post.summary = html_content.normalise_space(
            lxml_html.fragment_fromstring(next(rendered) or " ", create_parent="div").text_content())
    for post, html, captions in zip(parsed, bodies, marked):
        for number, caption in enumerate(captions):
            html = html.replace(CAPTION_MARK.format(number), caption)
        _article(post, html, taken, book, result)
    result.notices += handles_printed_as_names(parsed, result)
    return result


# A login, not a name: one word in lower case ("parkr", "jdoe", "site_admin").
HANDLE = re.compile(r"[a-z][a-z0-9._-]*")


def handles_printed_as_names(parsed: list[_Parsed], result: Read) -> list[Notice]:
    """One notice per author the posts give as a site handle that no author profile turns
    into a name: the byline prints it as written."""
    printed = {article.source_file: article.authors for _, article in result.posts}
    posts_by: dict[str, list[str]] = {}
    for post in parsed:
        for author in _names(_first(post.meta, ("author", "authors"))):
            if HANDLE.fullmatch(author) and author not in post.author_names \
                    and author in printed.get(post.name, ()):
                posts_by.setdefault(author, []).append(post.name)
    return [Notice(names[0], 1, f"the author “{handle}” of {len(names)} post{'s' if len(names) > 1 else ''} "
                                f"looks like a site login, not a name, and is printed as it is",
                   f"to print a name, add the site's author profiles to the sources: Jekyll's "
                   f"_data/authors.yml with the line “{handle}: {{name: Full Name}}”, or Hugo's "
                   f"data/authors/{handle}.yaml with “name: Full Name”")
            for handle, names in posts_by.items()]


def to_html(documents: list[Document]) -> list[str]:
    """Markdown -> HTML whose blocks carry their source lines (`sourcepos`), in one pandoc
    batch: the spans `sourcepos` also wraps around every inline are dropped in pandoc (they
    would cut raw inline HTML apart), and code comes out as plain text."""
    return convert_many(documents, reader=READER, writer="html", plain_code=True, unwrap_positions=True)


def inline_html(documents: list[Document]) -> list[str]:
    """Short Markdown texts (a shortcode's caption: Hugo renders it as Markdown) -> HTML,
    one paragraph's worth each: its <p> taken off, so it sits inside a <figcaption>."""
    if not documents:
        return []
    out = []
    for html in convert_many(documents, reader="commonmark_x-smart", writer="html"):
        html = html.strip()
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            html = html[3:-4]
        out.append(html)
    return out


class _Parsed:
    """A post's front matter and body, with the line the body starts on."""

    def __init__(self, name: str, meta: dict, body: str, body_line: int, title_line: int):
        self.name, self.meta, self.body, self.body_line, self.title_line = name, meta, body, body_line, title_line
        self.left_out: list[LeftOut] = []
        self.inline_notes: dict[int, int] = {}     # an inline note's definition line -> its line
        self.author_names: dict[str, str] = {}     # the site's author keys -> names (site_data.py)
        self.captions: list[str] = []              # shortcode captions (Markdown), by CAPTION_MARK
        self.summary = ""                          # the front matter's standfirst, as text


def _front(path: Path, name: str, result: Read) -> _Parsed | None:
    text = clean_text(read_text(path, "Markdown post", HINT)).lstrip("\ufeff")
    refuse_long_lines(text, name)
    lines = text.split("\n")
    meta: dict = {}
    body_line = 1
    fence = lines[0].strip() if lines else ""
    if fence in ("---", "+++"):
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in (fence, "...")), None)
        if end is None:
            raise UserError(f"the front matter opened by '{fence}' on line 1 never closes", file=name,
                            line=1, hint=f"end the front matter with a line holding only '{fence}'")
        raw = "\n".join(lines[1:end])
        meta = _meta(raw, fence, name)
        body_line = end + 2
        lines = lines[end + 1:]
    body = "\n".join(lines)
    parsed = _Parsed(name, meta, body, body_line, 1)
    title = _first(meta, TITLE_KEYS)
    if not title:
        heading = FIRST_HEADING.search(body)
        if heading:
            # "# Title" opening the post is its title, not a heading of the chapter.
            title = heading.group(1)
            parsed.title_line = body_line + body.count("\n", 0, heading.start())
            parsed.body = body[:heading.start()] + body[heading.end():]
    if _is_draft(meta) or "_drafts" in Path(name).parts:
        where = "in its front matter" if _is_draft(meta) else "by its folder (Jekyll's _drafts)"
        result.left_out.append(LeftOut(name, 1, "draft", str(title or name), f"marked as a draft {where}"))
        return None
    parsed.meta["title"] = title
    pieces = []
    for start, text, is_code in _code_and_text(parsed.body):
        if not is_code:
            text = _generator_markup(text, name, body_line + start, parsed.left_out, parsed.captions,
                                     body_line)
        else:
            text = ESCAPED_SHORTCODE.sub(_unescaped, text)       # Hugo prints it so in code too
        pieces.append((start, text, is_code))
    parsed.left_out += unreferenced_notes(pieces, name, body_line)
    pieces = [text for _, text, _ in pieces]
    # The whole body at once: a link and its definition may lie either side of a code block.
    body, parsed.inline_notes = _inline_notes(unlink_undefined_references("".join(pieces)), body_line)
    parsed.body = html_content.textile_notes(body)
    return parsed


FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# Jekyll's kramdown: "{: .lead}" or "{::options ...}" on a line of its own styles the block
# beside it; "* TOC" over "{:toc}" is where the site generates a table of contents.
KRAMDOWN = re.compile(r"(?P<toc>^ {0,3}[*-][ \t]+TOC[ \t]*\n)?^ {0,3}\{::?[^}\n]*\}[ \t]*$", re.M)
# Jekyll's {% highlight ruby %} ... {% endhighlight %}, Hugo's {{< highlight go >}} ... {{< /highlight >}}.
HIGHLIGHT = re.compile(r"^\s*(?:\{%-?\s*highlight\s+([\w+#.-]+)[^%]*%\}"
                       r"|\{\{[<%]\s*highlight\s+\"?([\w+#.-]+)\"?[^>%]*[>%]\}\})\s*$")
END_HIGHLIGHT = re.compile(r"^\s*(?:\{%-?\s*endhighlight\s*-?%\}|\{\{[<%]\s*/\s*highlight\s*[>%]\}\})\s*$")
RAW = re.compile(r"\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}", re.S)


def _code_and_text(body: str) -> list[tuple[int, str, bool]]:
    """The body cut into (first line, text, is_code) pieces, lines kept one for one.  Code is
    what the site shows as written, so generator markup in it is text: fenced blocks,
    Jekyll's {% highlight %} blocks (made fenced blocks here) and {% raw %} spans."""
    lines = body.split("\n")
    pieces: list[tuple[int, str, bool]] = []
    current: list[str] = []
    current_start, code = 0, False

    def flush(next_start: int, next_code: bool) -> None:
        nonlocal current, current_start, code
        if current:
            pieces.append((current_start, "\n".join(current) + "\n", code))
        current, current_start, code = [], next_start, next_code

    closing = None                       # what ends the code block we are in
    for number, line in enumerate(lines):
        if closing is None:
            fence, highlight = FENCE.match(line), HIGHLIGHT.match(line)
            closes_later = highlight and any(END_HIGHLIGHT.match(later) for later in lines[number + 1:])
            if fence or closes_later:
                flush(number, True)
                closing = fence.group(1) if fence else END_HIGHLIGHT
                current.append(line if fence else "```" + (highlight.group(1) or highlight.group(2)))
                continue
            current.append(line)
            continue
        current.append(line)
        ends = (closing.match(line) if closing is END_HIGHLIGHT
                else line.strip().startswith(closing) and not line.strip().strip(closing[0]))
        if ends:
            if closing is END_HIGHLIGHT:
                current[-1] = "```"
            flush(number + 1, False)
            closing = None
    flush(len(lines), False)
    if pieces:
        last_start, last_text, last_code = pieces[-1]
        pieces[-1] = (last_start, last_text[:-1], last_code)    # no newline the body did not have
    out = []
    for start, text, is_code in pieces:          # {% raw %}...{% endraw %}: its text, as written
        if is_code or not RAW.search(text):
            out.append((start, text, is_code))
            continue
        position = 0
        for match in RAW.finditer(text):
            before = text[position:match.start()]
            out.append((start + text.count("\n", 0, position), before, False))
            out.append((start + text.count("\n", 0, match.start()), match.group(1), True))
            position = match.end()
        out.append((start + text.count("\n", 0, position), text[position:], False))
    return out


NOTE_DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:[ \t]?(.*)$")
NOTE_REFERENCE = re.compile(r"\[\^([^\]\s]+)\](?!:)")


def unreferenced_notes(pieces: list[tuple[int, str, bool]], name: str, first_line: int) -> list[LeftOut]:
    """The footnote definitions no reference points to, each reported with its text: the
    Markdown reader drops such a note (so does the site: Hugo, Jekyll and pandoc print only the
    notes the text refers to), and without a report its words would leave the book silently.
    A definition runs on over its indented (or lazily continued) lines; code is not looked in."""
    definitions: list[tuple[str, int, str]] = []        # (label as written, line, text)
    referenced: set[str] = set()
    for start, text, is_code in pieces:
        if is_code:
            continue
        lines = text.split("\n")
        current: list[str] | None = None
        for number, line in enumerate(lines):
            found = NOTE_DEFINITION.match(line)
            if found:
                current = [found.group(2)]
                definitions.append((found.group(1), first_line + start + number, ""))
                rest = found.group(2)
            else:
                if current is not None and (line.startswith(("    ", "\t")) or
                                            (line.strip() and current[-1].strip())):
                    current.append(line.strip())
                elif current is not None and not line.strip():
                    current.append("")
                else:
                    current = None
                rest = line
            if current is not None and definitions:
                label, line_number, _ = definitions[-1]
                definitions[-1] = (label, line_number, " ".join(" ".join(current).split()))
            for reference in NOTE_REFERENCE.finditer(rest):
                referenced.add(_label(reference.group(1)))
    return [LeftOut(name, line, "unreferenced-note", text or f"[^{label}]",
                    f"the footnote [^{label}] is defined but the text never refers to it "
                    "(the site does not print it either)")
            for label, line, text in definitions if _label(label) not in referenced]


def _inline_notes(body: str, first_line: int) -> tuple[str, dict[int, int]]:
    """Pandoc-style inline notes, `text^[the note]`, as footnotes: CommonMark has none, so
    each becomes a `[^inline-note-N]` reference with its definition after the text.  Returns
    the body and, for each definition's line, the line the note was written on."""
    definitions: list[tuple[str, int]] = []
    out, position, search = [], 0, 0
    while (start := body.find("^[", search)) >= 0:
        search = start + 2
        line_start = body.rfind("\n", 0, start) + 1
        if (start and body[start - 1] == "\\") or body[line_start:start].count("`") % 2:
            continue                                  # escaped, or inside a code span
        end = _closing_bracket(body, start + 1)
        if end is None:
            continue
        note = " ".join(body[start + 2:end].split())
        label = f"inline-note-{len(definitions) + 1}"
        newlines = body.count("\n", start, end)
        # The note's own line breaks stay as a comment, so later lines keep their numbers.
        out += [body[position:start], f"[^{label}]" + (f"<!--{chr(10) * newlines}-->" if newlines else "")]
        definitions.append((f"\n\n[^{label}]: {note}", first_line + body.count("\n", 0, start)))
        position = search = end + 1
    if not definitions:
        return body, {}
    text = "".join(out) + body[position:]
    last = first_line + text.count("\n")             # the line the text ends on
    # Definition k is written on line last + 2k: that is the line its note block will name.
    notes = {last + 2 * k: line for k, (_, line) in enumerate(definitions, 1)}
    return text + "".join(d for d, _ in definitions) + "\n", notes


def _closing_bracket(text: str, opening: int) -> int | None:
    """Where the `]` closing the `[` at `opening` is (nesting and escapes counted), within
    its paragraph; None when the paragraph ends first."""
    depth, i = 0, opening
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return i
        elif char == "\n" and text[i + 1:i + 2] == "\n":
            return None
        i += 1
    return None


def _meta(raw: str, fence: str, name: str) -> dict:
    if fence == "+++":
        try:
            data = tomllib.loads(raw)
        except tomllib.TOMLDecodeError as error:
            line = re.search(r"line (\d+)", str(error))
            raise UserError(f"the TOML front matter is not valid: {error}", file=name,
                            line=int(line.group(1)) + 1 if line else 1,
                            hint="check the quoting on that line (TOML strings need quotes)") from None
    else:
        hint = "quote values that contain ': ' or start with a symbol"
        # The node tree first: a syntax error, a "billion laughs" of aliases or a lone
        # surrogate is refused with its line before any value is built from it.
        compose_yaml(raw, name, hint, first_line=2)
        try:
            data = yaml.safe_load(raw) if raw.strip() else {}
        except yaml.constructor.ConstructorError as error:
            mark = getattr(error, "problem_mark", None)
            raise UserError(f"the front matter has a value YAML cannot read safely: {error.problem}",
                            file=name, line=mark.line + 2 if mark else 1,
                            hint="take out the tag (such as !!python/object): front matter holds texts, "
                                 "dates, numbers and lists") from None
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            raise UserError(f"the front matter is not valid YAML: {getattr(error, 'problem', None) or error}",
                            file=name, line=mark.line + 2 if mark else 1, hint=hint) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise UserError("the front matter is not a list of 'key: value' lines", file=name, line=2,
                        hint="write one 'key: value' per line, e.g. 'title: My post'")
    return data


def _first(meta: dict, keys: tuple[str, ...]):
    return next((meta[k] for k in keys if meta.get(k) not in (None, "")), None)


def _is_draft(meta: dict) -> bool:
    draft = meta.get("draft")
    published = meta.get("published")
    return draft is True or str(draft).lower() == "true" or published is False or str(published).lower() == "false"


def _date(meta: dict, name: str) -> str:
    value = _first(meta, DATE_KEYS)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        match = re.match(r"\s*(\d{4})-(\d\d)-(\d\d)", value)
        if match:
            return "-".join(match.groups())
        for form in ("%B %d, %Y", "%d %B %Y", "%b %d, %Y", "%d %b %Y", "%Y/%m/%d"):
            try:
                return dt.datetime.strptime(value.strip(), form).date().isoformat()
            except ValueError:
                continue
    # Zola and some Hugo sites date a post only by its permalink: path = "2014/12/12/slug".
    for key in ("path", "url", "permalink"):
        link = meta.get(key)
        found = re.match(r"/?(\d{4})[/-](\d\d)[/-](\d\d)(?:/|-|$)", str(link)) if link else None
        if found:
            return "-".join(found.groups())
    match = FILE_DATE.match(Path(name).name)
    return "-".join(match.groups()) if match else ""


def _terms(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [t.strip() for t in re.split(r"[,\s]+" if "," not in value else r",", value) if t.strip()]
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [str(value)]


NAME_SEPARATOR = re.compile(r"\s*(?:[,;&]|\band\b)\s*")


def _names(value) -> list[str]:
    """The authors front matter names: a list, or one text.  A text is one name, spaces and
    all ("Mara Averick"); only a comma, a semicolon, "&" or "and" parts several
    ("Jo Doe, Ri Roe", "Jo Doe and Ri Roe").  (Tags differ: `tags: hugo blogdown` is two.)"""
    if isinstance(value, str):
        return [n for n in (" ".join(part.split()) for part in NAME_SEPARATOR.split(value)) if n]
    return [" ".join(n.split()) for n in _terms(value)]


# Hugo's escaped shortcode, `{{</* figure src="a.png" */>}}`: the site prints `{{< figure src="a.png" >}}`.
ESCAPED_SHORTCODE = re.compile(r"\{\{([<%])/\*(.*?)\*/([>%])\}\}", re.S)
# A shortcode whose `src` is a picture file shows that picture, whatever the theme calls it
# (`figureforgallery`, `img`, `imgtxt`, `image`); Hugo's own `figure` does, whatever its src.
PICTURE = re.compile(r"\.(?:png|jpe?g|gif|webp|svg|avif|tiff?|bmp)$", re.I)
CAPTION_MARK = "\ue000caption {}\ue001"     # where a caption's HTML goes, after pandoc
# A theme's quotation shortcode, `{{< quote footer="Ann" cite="a talk" >}} ... {{< /quote >}}`:
# the text between its tags is a quotation (someone else's words, not the post's), the
# parameters naming who said it, its attribution.
QUOTE_SHORTCODE = re.compile(r"\{\{([<%])\s*(quote|blockquote|pullquote)\b(?P<attributes>[^{}]*?)\s*[>%]\}\}"
                             r"(?P<inner>.*?)\{\{[<%]\s*/\s*\2\s*[>%]\}\}", re.S | re.I)
ATTRIBUTION_KEYS = ("author", "by", "name", "footer", "attribution", "source", "cite")
# A gallery of pictures (`{{< gallery caption="..." >}} {{< figure >}}... {{< /gallery >}}`):
# its caption is the caption of the set, printed under its last picture.
GALLERY_SHORTCODE = re.compile(r"\{\{[<%]\s*(\w*gallery\w*)\b(?P<attributes>[^{}]*?)\s*[>%]\}\}"
                               r"(?P<inner>.*?)(?=\{\{[<%]\s*/\s*\1\s*[>%]\}\})", re.S | re.I)
ESCAPE_MARK = "\ue000escaped {}\ue001"


def _unescaped(match: re.Match) -> str:
    return "{{" + match.group(1) + match.group(2) + match.group(3) + "}}"


def _generator_markup(body: str, name: str, first_line: int, left_out: list[LeftOut],
                      captions: list[str] | None = None, body_line: int = 1) -> str:
    """Hugo shortcodes and Liquid tags out, each reported; a picture shortcode becomes the
    picture, with its caption.  Replacements keep the line count, so sourcepos lines stay the
    file's.  `captions` collects the captions' Markdown, rendered later (CAPTION_MARK);
    `body_line` is the file's line pandoc will call line 1."""
    captions = [] if captions is None else captions
    escaped: list[str] = []

    def line_at(position: int) -> int:
        return first_line + body.count("\n", 0, position)

    def shortcode(match: re.Match) -> str:
        closing, kind, attributes = match.group(1), match.group(2).lower(), match.group(3)
        keep = "\n" * match.group(0).count("\n")
        if closing:
            return keep
        values = {a.group(1).lower(): next(v for v in a.groups()[1:] if v is not None)
                  for a in ATTRIBUTE.finditer(attributes)}
        source = values.get("src", "")
        if kind == "figure" or PICTURE.search(source.split("?")[0]):
            return figure_html(values, line_at(match.start())) + keep
        left_out.append(LeftOut(name, line_at(match.start()), "shortcode", match.group(0),
                                f"the Hugo shortcode '{kind}' is the site's markup, not text"))
        return keep

    def liquid(match: re.Match) -> str:
        left_out.append(LeftOut(name, line_at(match.start()), "shortcode", match.group(0),
                                "a Liquid tag (Jekyll's template markup), not text"))
        return "\n" * match.group(0).count("\n")

    def kramdown(match: re.Match) -> str:
        toc = match.group("toc")
        left_out.append(LeftOut(name, line_at(match.start()), "shortcode", " ".join(match.group(0).split()),
                                "kramdown's marker for a generated table of contents" if toc else
                                "a kramdown attribute list (the site's styling), not text"))
        return "\n" * match.group(0).count("\n")

    def figure_html(values: dict[str, str], line: int) -> str:
        """A figure for the HTML walk, which makes it the book's figure (when the book has
        the picture) or reports the picture, and keeps the caption.  It opens with an HTML
        comment, so the HTML block it starts ends on its own line (CommonMark's kind 2) and
        a paragraph written on the next line stays Markdown.  pandoc gives raw HTML no
        position: the figure carries its line as pandoc would write it."""
        # Hugo's figure prints title, then caption, then attribution: all three are its caption.
        title = html_content.normalise_space(values.get("title", ""))
        caption = html_content.normalise_space(values.get("caption", ""))
        attribution = html_content.normalise_space(values.get("attr", ""))
        if title and caption and not re.search(r"[.:!?]$", title):
            title += "."
        words = " ".join(part for part in (title, caption, attribution) if part)
        of_gallery = html_content.normalise_space(values.get("gallery-caption", ""))
        if of_gallery:
            words = (words + (". " if words and not re.search(r"[.:!?]$", words) else " ") + of_gallery).strip()
        marked = ""
        if words:
            marked = f"<figcaption>{CAPTION_MARK.format(len(captions))}</figcaption>"
            captions.append(words)
        alt = f' alt="{_escape(values["alt"])}"' if values.get("alt") else ""
        at = line - body_line + 1
        return f'<!-- shortcode --><figure data-pos="{at}:1-{at}:1"><img src="{_escape(values.get("src", ""))}"' \
               f"{alt}>{marked}</figure>"

    def quotation(match: re.Match) -> str:
        """The inner lines as a Markdown block quote ("> " before each, so every line keeps
        its number), its attribution on the closing tag's line, inside the quote."""
        values = {a.group(1).lower(): next(v for v in a.groups()[1:] if v is not None)
                  for a in ATTRIBUTE.finditer(match.group("attributes"))}
        attribution = ", ".join(" ".join(values[k].split()) for k in ATTRIBUTION_KEYS if values.get(k, "").strip())
        opening = match.group(0)[:match.start("inner") - match.start()]
        closing = match.group(0)[match.end("inner") - match.start():]
        lines = match.group("inner").split("\n")
        if attribution:
            lines[-1] += ("\n" * closing.count("\n")) + ("  " if lines[-1].strip() else "") + "— " + attribution
            closing = ""
        quoted = "\n".join(">" + (" " + line if line.strip() else "") for line in "\n".join(lines).split("\n"))
        return "\n" * opening.count("\n") + quoted + "\n" * closing.count("\n")

    def is_picture(match: re.Match) -> bool:
        source = next((v for a in ATTRIBUTE.finditer(match.group(3)) if a.group(1).lower() == "src"
                       for v in a.groups()[1:] if v is not None), "")
        return not match.group(1) and (match.group(2).lower() == "figure" or bool(PICTURE.search(source.split("?")[0])))

    def gallery(match: re.Match) -> str:
        """The gallery's caption handed to its last picture (`gallery-caption`); its tags are
        the theme's markup, and go with the other shortcodes' (the closing one, untouched here)."""
        caption = next((next(v for v in a.groups()[1:] if v is not None) for a in ATTRIBUTE.finditer(match.group("attributes"))
                        if a.group(1).lower() == "caption"), "")
        pictures = [found for found in SHORTCODE.finditer(match.group("inner")) if is_picture(found)]
        if not caption.strip() or not pictures:
            return match.group(0)
        inner, last = match.group("inner"), pictures[-1]
        quote = "'" if '"' in caption else '"'
        tag_end = last.start(3) + len(last.group(3))
        inner = inner[:tag_end] + f" gallery-caption={quote}{caption}{quote}" + inner[tag_end:]
        return "\n" * match.group(0)[:match.start("inner") - match.start()].count("\n") + inner

    def hold(match: re.Match) -> str:                # held out of the passes below, then put back
        escaped.append(_unescaped(match))
        return ESCAPE_MARK.format(len(escaped) - 1) + "\n" * match.group(0).count("\n")

    body = ESCAPED_SHORTCODE.sub(hold, body)
    body = QUOTE_SHORTCODE.sub(quotation, body)
    body = GALLERY_SHORTCODE.sub(gallery, body)
    body = KRAMDOWN.sub(kramdown, body)
    body = SHORTCODE.sub(shortcode, body)
    # Liquid's raw/endraw and comment blocks hold text or nothing; every other tag is markup.
    body = re.sub(r"\{%-?\s*comment\s*-?%\}.*?\{%-?\s*endcomment\s*-?%\}",
                  lambda mt: liquid(mt), body, flags=re.S)
    body = LIQUID.sub(liquid, body)
    for number, text in enumerate(escaped):
        body = body.replace(ESCAPE_MARK.format(number) + "\n" * text.count("\n"), text)
    return body


# `[^1]` is a footnote (its definition missing or not), never a link.
REFERENCE_LINK = re.compile(r"(?<![\]\\!])\[(?!\^)([^\[\]\n]+)\]\[(?!\^)([^\[\]\n]*)\](?!\()")
# The destination may stand on the next line (CommonMark allows one line ending there).
DEFINITION = re.compile(r"^ {0,3}\[([^\]\n]+)\]:[ \t]*(?:\n[ \t]*)?\S", re.M)
CODE_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(`+)[^`]*?\1")


def _label(text: str) -> str:
    return " ".join(text.split()).casefold()


def unlink_undefined_references(body: str) -> str:
    """A reference link (`[#1037][]`, `[the docs][docs]`) whose definition the post does
    not hold becomes its text.  Sites generate such definitions with template loops
    (Jekyll: `{% for issue in ... %}[#{{ issue }}]: ...{% endfor %}`); once the template
    markup is out, Markdown would print the brackets, "([#1037][])", as text.  Code keeps
    its brackets: fenced blocks and code spans are left as written."""
    defined = {_label(label) for label in DEFINITION.findall(body)}

    def text_of(match: re.Match) -> str:
        label = match.group(2) or match.group(1)
        return match.group(0) if _label(label) in defined else match.group(1)

    lines, fence = body.split("\n"), ""
    for number, line in enumerate(lines):
        opening = CODE_FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = ""
            continue
        if opening:
            fence = opening.group(1)
            continue
        if line.startswith(("    ", "\t")):         # an indented code block (or a list's continuation)
            continue
        spans = [found.group(0) for found in CODE_SPAN.finditer(line)]
        if not spans:
            lines[number] = REFERENCE_LINK.sub(text_of, line)
            continue
        out, rest = [], line
        for span in spans:
            before, rest = rest.split(span, 1)
            out += [REFERENCE_LINK.sub(text_of, before), span]
        lines[number] = "".join(out) + REFERENCE_LINK.sub(text_of, rest)
    return "\n".join(lines)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _article(post: _Parsed, html: str, taken: set[str], book: Book, result: Read) -> None:
    name = post.name
    result.left_out.extend(post.left_out)
    body = html_content.convert(html, name, post.body_line, positions=True, images=folder_for(book))
    result.left_out.extend(body.left_out)
    for block in body.blocks:             # an inline note is where it was written
        line = post.inline_notes.get(block.source.first_line)
        if block.kind == m.NOTE and line:
            block.source = m.SourceRef(name, line, line)
    title = post.meta.get("title")
    if not any(b.kind in m.CONTENT_KINDS for b in body.blocks):
        result.left_out.append(LeftOut(name, 1, "empty", str(title or name),
                                       "the post has no text (only front matter, pictures or embeds)"))
        return
    if not title:
        stem = FILE_DATE.sub("", Path(name).stem if Path(name).stem != "index" else Path(name).parent.name)
        title = re.sub(r"[-_]+", " ", stem).strip().capitalize() or "Untitled"
        result.left_out.append(LeftOut(name, 1, "untitled", title,
                                       "the post has no title: the book uses its file name"))
    title = html_content.normalise_space(str(title))
    date = _date(post.meta, name)
    # A key to the site's author profiles ("jdyson") is printed as the profile's name.
    authors = [post.author_names.get(a, a) for a in _names(_first(post.meta, ("author", "authors")))]
    blocks = [m.Block(kind=m.TITLE, text=title, source=m.SourceRef(name, post.title_line, post.title_line))]
    summary = post.summary
    if summary:
        opening = " ".join(html_content.SENTINEL.sub("", b.text) for b in body.blocks[:3])
        key = re.sub(r"\W+", " ", summary.rstrip(".…[] ")).lower().strip()
        if key and key not in re.sub(r"\W+", " ", opening).lower():
            blocks.append(m.Block(kind=m.STANDFIRST, text=html_content.normalise_space(summary),
                                  source=m.SourceRef(name, 1, 1)))
    blocks += body.blocks
    last = max(b.source.last_line for b in blocks)
    others = [a for a in authors if a != book.author]
    article = m.Article(slug=slugify(title, taken), source_file=name, first_line=1, last_line=last,
                        blocks=number_blocks(blocks), origin="markdown", date=date,
                        authors=authors if others else [])
    post_info = Post(title=title, date=date, slug=str(post.meta.get("slug") or Path(name).stem),
                     authors=authors, categories=_terms(post.meta.get("categories") or post.meta.get("category")),
                     tags=_terms(post.meta.get("tags") or post.meta.get("tag")), line=1)
    result.posts.append((post_info, article))
