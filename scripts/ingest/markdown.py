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

The front matter is read by front_matter.py, the generator's markup (Liquid, shortcodes,
kramdown) by generator_markup.py; this module finds the posts and makes them articles.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import html as lxml_html

from scripts.content.pandoc_batch import Document, convert_many
from scripts.core import model as m
from scripts.core.book import Book
from scripts.core.errors import UserError
from scripts.core.memo import Memo
from scripts.ingest import html_content, site_data
from scripts.ingest.front_matter import (DATE_KEYS, DRAFT_KEYS, FILE_DATE, date_of, first_of, is_draft, names_of,
                                        read_meta, terms_of)
from scripts.ingest.generator_markup import CAPTION_MARK, ESCAPED_SHORTCODE, code_and_text, generator_markup, unescaped
from scripts.ingest.images import folder_for
from scripts.ingest.common import (LeftOut, Notice, Post, Read, clean_text, number_blocks, read_text,
                                   refuse_long_lines, slugify)

HINT = "save the post as UTF-8 Markdown with its front matter between '---' lines"
READER = "commonmark_x+sourcepos-smart"      # the author's own quotes and dashes, with their lines
FIRST_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.M)
TITLE_KEYS = ("title", "Title", "name")
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


def read_all(sources: list[tuple[Path, str]], taken: set[str], book: Book,
             conversions: Memo | None = None) -> Read:
    """Every post of the run, its body converted in one pandoc batch (what `conversions`
    remembers is not converted again: after an edit to one post only that post is)."""
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
    bodies = to_html([Document(p.body, name=p.name) for p in parsed], conversions)
    # Captions and standfirsts are Markdown too (`description: "[Computo](https://...) is a
    # journal"`): one more batch, not one pandoc run each.
    summaries = [(p, text) for p in parsed if isinstance(text := first_of(p.meta, SUMMARY_KEYS), str) and text.strip()]
    rendered = iter(inline_html([Document(c, name=p.name) for p in parsed for c in p.captions]
                                + [Document(text, name=p.name) for p, text in summaries], conversions))
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
        for author in names_of(first_of(post.meta, ("author", "authors"))):
            if HANDLE.fullmatch(author) and author not in post.author_names \
                    and author in printed.get(post.name, ()):
                posts_by.setdefault(author, []).append(post.name)
    return [Notice(names[0], 1, f"the author “{handle}” of {len(names)} post{'s' if len(names) > 1 else ''} "
                                f"looks like a site login, not a name, and is printed as it is",
                   f"to print a name, add the site's author profiles to the sources: Jekyll's "
                   f"_data/authors.yml with the line “{handle}: {{name: Full Name}}”, or Hugo's "
                   f"data/authors/{handle}.yaml with “name: Full Name”")
            for handle, names in posts_by.items()]


def to_html(documents: list[Document], conversions: Memo | None = None) -> list[str]:
    """Markdown -> HTML whose blocks carry their source lines (`sourcepos`), in one pandoc
    batch: the spans `sourcepos` also wraps around every inline are dropped in pandoc (they
    would cut raw inline HTML apart), and code comes out as plain text."""
    return convert_many(documents, reader=READER, writer="html", plain_code=True, unwrap_positions=True,
                        memo=conversions)


def inline_html(documents: list[Document], conversions: Memo | None = None) -> list[str]:
    """Short Markdown texts (a shortcode's caption: Hugo renders it as Markdown) -> HTML,
    one paragraph's worth each: its <p> taken off, so it sits inside a <figcaption>."""
    if not documents:
        return []
    out = []
    for html in convert_many(documents, reader="commonmark_x-smart", writer="html", memo=conversions):
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
        meta = read_meta(raw, fence, name)
        body_line = end + 2
        lines = lines[end + 1:]
    body = "\n".join(lines)
    parsed = _Parsed(name, meta, body, body_line, 1)
    title = first_of(meta, TITLE_KEYS)
    if not title:
        heading = FIRST_HEADING.search(body)
        if heading:
            # "# Title" opening the post is its title, not a heading of the chapter.
            title = heading.group(1)
            parsed.title_line = body_line + body.count("\n", 0, heading.start())
            parsed.body = body[:heading.start()] + body[heading.end():]
    if is_draft(meta) or "_drafts" in Path(name).parts:
        where = "in its front matter" if is_draft(meta) else "by its folder (Jekyll's _drafts)"
        result.left_out.append(LeftOut(name, 1, "draft", str(title or name), f"marked as a draft {where}"))
        return None
    parsed.meta["title"] = title
    pieces = []
    for start, text, is_code in code_and_text(parsed.body):
        if not is_code:
            text = generator_markup(text, name, body_line + start, parsed.left_out, parsed.captions,
                                     body_line)
        else:
            text = ESCAPED_SHORTCODE.sub(unescaped, text)       # Hugo prints it so in code too
        pieces.append((start, text, is_code))
    parsed.left_out += unreferenced_notes(pieces, name, body_line)
    pieces = [text for _, text, _ in pieces]
    # The whole body at once: a link and its definition may lie either side of a code block.
    body, parsed.inline_notes = _inline_notes(unlink_undefined_references("".join(pieces)), body_line)
    parsed.body = html_content.textile_notes(body)
    return parsed


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
    date = date_of(post.meta, name)
    # A key to the site's author profiles ("jdyson") is printed as the profile's name.
    authors = [post.author_names.get(a, a) for a in names_of(first_of(post.meta, ("author", "authors")))]
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
                     authors=authors, categories=terms_of(post.meta.get("categories") or post.meta.get("category")),
                     tags=terms_of(post.meta.get("tags") or post.meta.get("tag")), line=1)
    result.posts.append((post_info, article))
    result.left_out += unprinted_front_matter(post)


# The front matter the book reads (title, date, authors, standfirst, selection, slug, draft);
# any other key is the theme's business: a layout, a picture, an alias...
READ_KEYS = frozenset(TITLE_KEYS + DATE_KEYS + SUMMARY_KEYS + DRAFT_KEYS
                      + ("author", "authors", "categories", "category", "tags", "tag", "slug"))
PROSE_WORDS = 8


def unprinted_front_matter(post: _Parsed) -> list[LeftOut]:
    """Text the post's front matter holds under a key the book does not read (a theme's
    `preface:`, `note:`, `disclaimer:`): reported, since the site prints it and the book does
    not.  A value is text when it is a string of PROSE_WORDS words or more."""
    return [LeftOut(post.name, 1, "front-matter", value,
                    f"the front matter's '{key}:' holds text the site's theme prints and the book does not: "
                    "copy it into the post if the book should print it")
            for key, value in post.meta.items()
            if key not in READ_KEYS and isinstance(value, str) and len(value.split()) >= PROSE_WORDS]
