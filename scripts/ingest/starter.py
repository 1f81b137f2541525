"""`anthology new DIR --from PATH`: a book folder of the user's own, started from their blog.

PATH is what a blogger has: a WordPress export, a folder of Markdown posts, saved HTML
pages (one or a folder), or text scrapes.  The starter

1. copies it into DIR/sources/ (a folder keeps its name and layout), and the blog's
   pictures (`--images`, e.g. WordPress's wp-content/uploads) into DIR/images/;
2. reads it with the adapters, as the build will, and writes DIR/book.yaml with what
   the sources say (the site's title and language, the author most posts name) and a
   comment on each key — the editor owns that file from then on;
3. runs the text stages once and seeds DIR/index.yaml from the index candidates (the
   names and acronyms the text uses most), for the editor to prune.

It never overwrites a book.yaml or an index.yaml that is already there.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections import Counter
from pathlib import Path

import yaml

from scripts.core.atomic import write_text
from scripts.core.book import Book
from scripts.core.errors import UserError
from scripts.core.paths import BookPaths
from scripts.ingest import formats

SEED_TERMS = 40          # index candidates written into the starter index.yaml
UNKNOWN_AUTHOR = "Your Name"
PICTURES_FOLDER = "images"   # where `--images` copies the blog's pictures, in the book folder


def source_entries(source: Path) -> list[Path]:
    """The files a source path stands for (hidden files and folders aside)."""
    if source.is_file():
        return [source]
    if source.is_dir():
        return sorted(p for p in source.rglob("*") if p.is_file()
                      and not any(part.startswith(".") for part in p.relative_to(source).parts))
    raise UserError(f"there is no file or folder '{source}'", file=str(source),
                    hint="give the WordPress export (.xml), a folder of Markdown posts, saved .html pages "
                         "or a text scrape (.txt)")


def copy_sources(source: Path, sources_dir: Path) -> list[str]:
    """Copy the blog into the book's sources/; return the entries for book.yaml's `sources:`."""
    sources_dir.mkdir(parents=True, exist_ok=True)
    if source.is_file():
        shutil.copy2(source, sources_dir / source.name)
        return [source.name]
    target = sources_dir / source.name
    for path in source_entries(source):
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
    return [source.name]


def copy_pictures(images: Path, images_dir: Path) -> int:
    """Copy the picture files of an uploads folder (its layout kept, since posts name
    pictures by their path in it); return how many.  Thumbnails and other files stay."""
    from scripts.ingest.images import IMAGE_SUFFIXES

    if not images.is_dir():
        raise UserError(f"'{images}' is not a folder", file=str(images),
                        hint="give the folder the blog's pictures are in, e.g. wp-content/uploads")
    copied = 0
    for path in source_entries(images):
        if path.suffix.lower() in IMAGE_SUFFIXES:
            destination = images_dir / path.relative_to(images)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)
            copied += 1
    return copied


def describe(paths: BookPaths, entries: list[str]) -> dict:
    """What the sources say about the blog: its title, author, language, posts."""
    from scripts.ingest.text_scrape import read_source, split_archive
    from scripts.text.split import _source_name, source_files

    files = source_files(paths)
    titles: Counter = Counter()
    authors: Counter = Counter()
    language, posts, dates = "", 0, []
    placeholder = Book(title="", author="", author_file_as="", language="en", publisher="", rights="",
                       identifier="", date=None)
    runs: dict[str, list[tuple[Path, str]]] = {}
    for path in files:
        name = _source_name(path, paths.sources_dir)
        runs.setdefault(formats.detect(path, name), []).append((path, name))
    for fmt, sources in runs.items():
        if fmt == formats.TEXT:
            for path, name in sources:
                articles = split_archive(read_source(path), name, set())
                posts += len(articles)
                dates += [a.date for a in articles if a.date]
                authors.update(a for article in articles for a in article.authors)
            continue
        read = formats.reader(fmt).read_all(sources, set(), placeholder)
        posts += len(read.posts)
        if read.site.title:
            titles[read.site.title] += 1
        language = language or read.site.language
        authors.update(a for post, _ in read.posts for a in post.authors)
        dates += [post.date for post, _ in read.posts if post.date]
        if not read.posts:
            continue
    return {"title": titles.most_common(1)[0][0] if titles else "",
            "author": authors.most_common(1)[0][0] if authors else "",
            "language": language, "posts": posts, "first": min(dates, default=""),
            "last": max(dates, default=""), "sources": entries}


def book_yaml(found: dict, folder_name: str, images: str | None = None) -> str:
    title = found["title"] or folder_name.replace("-", " ").replace("_", " ").strip().title() or "My Blog"
    author = found["author"] or UNKNOWN_AUTHOR
    span = (f"{found['first']} to {found['last']}" if found["first"] and found["first"] != found["last"]
            else found["first"] or "no dates found")
    lines = [
        "# The book's metadata.  Written by `anthology new` from the sources; from now on it is",
        "# yours: the build only reads it, and every key is checked (a misspelt key is an error).",
        f"# The sources hold {found['posts']} posts ({span}).",
        "",
        "# The title on the cover and the title page.",
        f"title: {_quoted(title)}",
        "# The author, as printed; add 'file_as:' under 'name:' for the catalogue form.",
        f"author: {_quoted(author)}" + ("   # change this: the sources do not name the author"
                                          if author == UNKNOWN_AUTHOR else ""),
    ]
    if not found["last"]:
        # No post says when it was written: the edition's date must be written down, or
        # two builds on two days would differ.
        lines += ["# The edition's date (no post in the sources is dated); it also fixes every",
                  "# timestamp inside the EPUB and the PDF.", f'date: "{dt.date.today().isoformat()}"']
    if found["language"]:
        lines += ["# The language of the text (BCP 47: en, en-GB, fr...).", f"language: {_quoted(found['language'])}"]
    lines += [
        "# Left to their defaults (see the split report for what they became):",
        "#   date: the newest post's date;  publisher: the author;  rights: © the posts' years;",
        "#   identifier: derived from title and author (write your own ISBN or urn:uuid: here).",
        "# The files the book is made of, in the order their posts were written.",
        "sources:",
        *[f"  - {_quoted(entry)}" for entry in found["sources"]],
        "# chronological: oldest post first; archive: the sources' own order; or a list of slugs.",
        "chapter_order: chronological",
        *(["# The folder of the blog's pictures: a post's <img> found there is in the book.",
            f"images: {_quoted(images)}"] if images else
          ["# The blog's pictures: name the folder they are in (WordPress: wp-content/uploads).",
           "# images: uploads"]),
        "# Which posts: uncomment to choose by category, tag or date, or name posts to leave out.",
        "# select:",
        "#   categories: [Essays]",
        "#   from: \"2019-01-01\"",
        "#   leave_out: [a-post-slug]",
        "",
    ]
    return "\n".join(lines)


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def index_yaml(candidates, limit: int = SEED_TERMS) -> str:
    # A phrase may locate one headword only: a candidate whose phrases an earlier (more
    # frequent) one already takes is left for the editor to add by hand.
    chosen, taken = [], set()
    for candidate in (c for c in candidates if not c.indexed):
        phrases = {p.casefold() for p in (candidate.phrase, candidate.expansion) if p}
        if phrases & taken:
            continue
        taken |= phrases
        chosen.append(candidate)
        if len(chosen) == limit:
            break
    lines = ["# The book's index.  Seeded by `anthology new` with the names and acronyms the text",
             "# uses most: delete what a reader would not look up, add topics, and see",
             "# manuscript/index.yaml for every key (match, sort, see, see_also, subentries).",
             "# `make index BOOK=...` checks it; `make index-candidates BOOK=...` suggests more.",
             "", "entries:"]
    for candidate in chosen:
        entry = {"term": candidate.phrase}
        if candidate.expansion:
            entry = {"term": f"{candidate.expansion} ({candidate.phrase})",
                     "match": [candidate.expansion, candidate.phrase]}
        dumped = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=100).rstrip()
        lines += ["  " + line for line in dumped.split("\n")]
    if not chosen:
        lines[-1] = "entries: []"
    return "\n".join(lines) + "\n"


def new_book(folder: Path, source: Path, images: Path | None = None) -> str:
    """Start a book folder from a blog; return what was done, for the console."""
    source = source.expanduser()
    folder = folder.expanduser()
    book_yaml_path = folder / "book.yaml"
    if book_yaml_path.exists():
        raise UserError("this folder already has a book.yaml: a starter never overwrites an editor's file",
                        file=str(book_yaml_path),
                        hint="choose a new folder, or build this one with 'make BOOK=" + str(folder) + "'")
    if not source.exists():
        raise UserError(f"there is no file or folder '{source}'", file=str(source),
                        hint="give the WordPress export (.xml), a folder of Markdown posts, "
                             "saved .html pages or a text scrape (.txt)")
    if folder.resolve() == source.resolve() or folder.resolve() in source.resolve().parents:
        raise UserError("the new book folder must not be the source or hold it", file=str(folder),
                        hint="name a new folder, e.g. ~/books/my-blog")
    images = images.expanduser() if images else None
    if images is not None and not images.is_dir():
        raise UserError(f"there is no folder '{images}'", file=str(images),
                        hint="give the folder the blog's pictures are in, e.g. wp-content/uploads")
    paths = BookPaths.of(folder)
    created = not folder.exists()
    try:
        return _start(folder, source, paths, book_yaml_path, images)
    except BaseException:
        if created:                     # a failed start leaves nothing half-made behind
            shutil.rmtree(folder, ignore_errors=True)
        raise


def _start(folder: Path, source: Path, paths: BookPaths, book_yaml_path: Path,
           images: Path | None) -> str:
    from scripts.index.candidates import find_candidates, read_texts
    from scripts.stages import BY_NAME, TEXT_STAGES

    entries = copy_sources(source, paths.sources_dir)
    pictures = copy_pictures(images, folder / PICTURES_FOLDER) if images else 0
    found = describe(paths, entries)
    write_text(book_yaml_path, book_yaml(found, folder.resolve().name, PICTURES_FOLDER if images else None))
    for stage in (*TEXT_STAGES, BY_NAME["articles"]):
        stage.run(paths)
    seeded = ""
    if not paths.index_terms.exists():
        _, paragraphs = read_texts(paths.articles)
        candidates = find_candidates(paragraphs)
        write_text(paths.index_terms, index_yaml(candidates))
        seeded = f", {min(SEED_TERMS, sum(not c.indexed for c in candidates))} index terms seeded"
    copied = f", {pictures} pictures copied" if images else ""
    return (f"{found['posts']} posts from {source} -> {folder}/ (book.yaml{seeded and ', index.yaml'}){seeded}{copied}; "
            f"next: edit {book_yaml_path}, then run 'make BOOK={folder}'")
