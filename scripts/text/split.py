"""Stage 1: read every source into articles (build/model/split.json).

Each source file is read by the adapter of its format (scripts/ingest/formats.py):
a WordPress export, Markdown posts or saved HTML pages by their adapters in
scripts/ingest/, and a blog archive page scraped to plain text by the rules in
this module.  The articles come out in book order, every source line accounted
for as a block with its role, or recorded as left out (with why) for the split
report.

The rules that read a text scrape live in scripts/ingest/text_scrape.py, like every
other format's adapter; what stays here is the stage: each source to its adapter, posts
found in two archives merged, the book's order and selection, the errors when no post is
found.
"""

from __future__ import annotations

from collections import Counter

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from scripts.core.paths import BookPaths
from scripts.core import model as m
from scripts.core.atomic import write_text
from scripts.core.book import Book, PostDates, load_book
from scripts.core.errors import UserError
from scripts.core.limits import working_on
from scripts.core.memo import Memo
from scripts.core.config import did_you_mean
from scripts.ingest import formats, select
from scripts.ingest.common import LeftOut, Notice, Post, refuse_long_paragraphs
from scripts.ingest.text_scrape import (PAGE_CHROME, SplitDecisions, load_split_decisions, read_source,
                                        split_archive, to_units)


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
    language: str = ""          # the site's language, when a structured source gives it
    notices: list[Notice] = field(default_factory=list)     # taken as given, for the editor to check
    # each article's categories, when its source gives them (WordPress, Markdown front
    # matter): by slug, for book.yaml's `volumes: {by: category}`
    categories: dict[str, list[str]] = field(default_factory=dict)

    def post_dates(self) -> PostDates:
        """What book.yaml may leave to the sources: the posts' dates, the site's language."""
        dates = sorted(a.date for a in self.articles if a.date)
        return PostDates(newest=dates[-1] if dates else "", oldest=dates[0] if dates else "",
                         language=self.language)


def split_sources(paths: list[Path], book: Book, book_file: str = "book.yaml",
                  sources_dir: Path | None = None, decisions: SplitDecisions | None = None,
                  conversions: Memo | None = None) -> SplitResult:
    """Read every source with its format's adapter, merge posts found twice, and put the
    articles in book order.  `book_file` is the book.yaml the errors name; a source is
    named by its path under `sources_dir` (by its file name when none is given);
    `decisions` are the editor's split.yaml, for the text scrapes; `conversions` remembers
    the adapters' pandoc conversions between builds."""
    decisions = SplitDecisions() if decisions is None else decisions
    sources_label = f"{Path(book_file).parent / 'sources'}/"
    by_name = {_source_name(p, sources_dir): p for p in paths}
    order = _listed_order(book, by_name, book_file, sources_label)
    taken: set[str] = set()
    seen: dict[str, m.Article] = {}
    articles: list[m.Article] = []
    merged, chrome, left_out, notices = [], [], [], []
    language = ""
    selected: list[tuple[Post, m.Article]] = []
    categories: dict[str, list[str]] = {}
    for fmt, names in _runs_of_one_format(order, by_name):
        with working_on(_named(names)):
            if fmt == formats.TEXT:
                name = names[0]
                lines = read_source(by_name[name])
                units = to_units(lines)
                if units and PAGE_CHROME.match(units[0].clean):
                    chrome.append({"file": name, "line": units[0].first, "text": units[0].clean})
                posts = split_archive(lines, name, taken, decisions, chrome)
                if book.chapter_order == "chronological":
                    posts.reverse()            # archive pages list the newest post first
            else:
                read = formats.reader(fmt).read_all([(by_name[n], n) for n in names], taken, book, conversions)
                language = language or read.site.language
                left_out += read.left_out
                notices += read.notices
                selected += read.posts
                categories.update({a.slug: list(post.categories) for post, a in read.posts if post.categories})
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
    decisions.check_all_used()
    refuse_long_paragraphs(articles)
    if not articles:
        raise _no_posts_error(paths, sources_dir, selected, left_out, book_file)
    if book.chapter_order == "chronological" and all(a.date for a in articles):
        articles.sort(key=lambda a: a.date)        # every post is dated: one timeline across sources
    if isinstance(book.chapter_order, list):
        articles = _explicit_order(articles, book.chapter_order, book_file)
    kept = {a.slug: categories[a.slug] for a in articles if a.slug in categories}
    return SplitResult(articles, merged, chrome, left_out, language, notices, kept)


def _no_posts_error(paths: list[Path], sources_dir: Path | None, selected: list,
                    left_out: list, book_file: str) -> UserError:
    """Why a book has no chapter, in the words of what the editor has to change."""
    where = str(sources_dir) if sources_dir else "the sources"
    if not paths:
        return UserError(f"the book has no sources: {where} is missing or empty", file=book_file,
                         hint="put the blog's export, its posts or its saved pages in that folder "
                              "(or start the book with 'make new BOOK=DIR FROM=EXPORT')")
    kinds = Counter(getattr(item, "what", "other") for item in left_out)
    found = ", ".join(f"{n} {what}" for what, n in sorted(kinds.items()))
    if selected:
        return UserError(f"no post is left for the book: book.yaml's 'select:' leaves out all "
                         f"{len(selected)} posts (left out: {found})", file=book_file,
                         hint="loosen 'select:' (its categories, tags, dates or leave_out)")
    return UserError(f"no post for the book in {len(paths)} source files: "
                     + (f"everything found was left out ({found})" if left_out else "no post was found in them"),
                     file=book_file,
                     hint="check that the files are the blog's posts (a WordPress export, Markdown posts, "
                          "saved pages or text scrapes), and that the posts are published, not drafts")


def _named(names: list[str]) -> str:
    return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")


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
    error rather than silently missing, whatever its name ends in.

    The build reads only the book folder: a link to a file elsewhere (or to a folder, which
    would otherwise be skipped unread) is refused, and so is anything that is not an
    ordinary file (a named pipe would make the read wait forever, a device never end)."""
    if not paths.sources_dir.is_dir():
        return []
    book = paths.book.resolve()
    files = []
    for path in sorted(paths.sources_dir.rglob("*")):
        if any(part.startswith(".") for part in path.relative_to(paths.sources_dir).parts):
            continue
        name = path.relative_to(paths.book).as_posix() if path.is_relative_to(paths.book) else str(path)
        if path.is_symlink():
            target = path.resolve()
            if not target.is_relative_to(book):
                raise UserError(f"this is a link to {target}, outside the book folder", file=name,
                                hint="copy the file itself into the sources folder: the build reads "
                                     "only the book folder")
            if target.is_dir():
                raise UserError(f"this is a link to the folder {target}, which the build does not follow",
                                file=name, hint="move or copy the folder itself into the sources folder")
        if path.is_dir():
            continue
        if not path.is_file():
            kind = "a named pipe (FIFO)" if path.is_fifo() else "a socket" if path.is_socket() else \
                "a device" if path.is_block_device() or path.is_char_device() else "not an ordinary file"
            if path.is_symlink() and not path.exists():
                kind = f"a link to {path.resolve()}, which does not exist"
            raise UserError(f"this is {kind}, not a source file", file=name,
                            hint="put the saved file itself in the sources folder, or remove this")
        files.append(path)
    return files


def run(paths: BookPaths) -> str:
    """The split stage: the book's archives -> build/model/split.json (+ what else was found).
    When it stops on a problem (an export cut short, a post it cannot read), the split report
    is written anyway, saying what failed: otherwise the editor would be reading the report of
    an earlier run, or none, and take it for this one."""
    from scripts.text.normalise import write_failed_split_report
    try:
        return _split(paths)
    except UserError as error:
        write_failed_split_report(paths, error)
        raise


def _split(paths: BookPaths) -> str:
    book = load_book(paths.book_yaml)
    sources = source_files(paths)
    conversions = None
    # Markdown posts (.md, or .html with front matter) go through pandoc; a book of text
    # scrapes or exports never loads it.
    if any(formats.EXTENSIONS.get(p.suffix.lower()) in (formats.MARKDOWN, formats.HTML) for p in sources):
        from scripts.content.pandoc_batch import pandoc_memo
        conversions = pandoc_memo(paths.build, "split")
    result = split_sources(sources, book, str(paths.book_yaml), paths.sources_dir,
                           load_split_decisions(paths.split_decisions), conversions)
    if conversions is not None:
        conversions.prune()
    m.save_articles(paths.split_model, result.articles)
    posts = result.post_dates()
    resolved = load_book(paths.book_yaml, posts)
    extra = {"merged": result.merged, "chrome": result.chrome,
             "left_out": [item.to_dict() for item in result.left_out],
             "notices": [item.to_dict() for item in result.notices],
             "book": {**posts.to_dict(), "defaulted": resolved.defaulted}}
    if result.categories:            # (a book whose sources give none keeps the file it had)
        extra["categories"] = result.categories
    write_text(paths.split_extra, json.dumps(extra, ensure_ascii=False, indent=1) + "\n")
    return (f"{len(result.articles)} articles from {len(sources)} sources"
            + (f", {len(result.merged)} repeated posts merged" if result.merged else "")
            + (f", {len(result.left_out)} items left out" if result.left_out else "")
            + (f", {len(result.notices)} to check" if result.notices else "")
            + (" (reports/split.md)" if result.left_out or result.notices else ""))
