"""Write each article as Pandoc Markdown: build/articles/NN-slug.md.

Input: the last text stage's model (build/model/*.json).  The Markdown is
written by pandoc from an AST, so every character of scraped text arrives
escaped; the files are for editors to read and diff, and the book stages
read them back through pandoc.

Which blocks make the chapter is decided by their kind: running text, headings,
evidence paragraphs, lists and side boxes.  Title, standfirst, authors,
headnote and outlet go into the front matter, with the piece's date, kind, credit line and
where its introduction goes, as the editor's chapters.yaml completes them (content/editorial.py).  Everything else (captions,
bios, raw notes) is handled, and reported, by the stages before this one.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from scripts.core.paths import BookPaths
from scripts.core import model as m
from scripts.content import pandoc_ast as ast
from scripts.core.atomic import write_text, writing
from scripts.core.book import Book, book_for
from scripts.content import editorial
from scripts.content import pictures as pictures_folder
from scripts.content.pandoc_batch import Document, convert_many, default_template, pandoc_memo
from scripts.core.errors import UserError
from scripts.core.memo import Memo

CHAPTER_KINDS = frozenset({m.PARAGRAPH, m.HEADING, m.NUMBERED, m.BULLET, m.SIDEBAR_HEADING, m.SIDEBAR,
                           m.QUOTE, m.CODE, m.FIGURE})


def file_name(chapter: int, article: m.Article) -> str:
    return f"{chapter:02d}-{article.slug}.md"


def article_meta(article: m.Article, chapter: int, book: Book,
                 piece: editorial.Piece | None = None) -> dict:
    """The front matter: what the sources say, as the editor's chapters.yaml completes it
    (`piece`; without one, the sources and book.yaml's defaults alone)."""
    piece = piece or editorial.resolve(article, book)
    meta = {
        "title": ast.meta_inlines(piece.title),
        "author": ast.meta_list([ast.meta_inlines(a) for a in piece.authors]),
        "slug": ast.meta_string(article.slug),
        "chapter": ast.meta_string(str(chapter)),
        "source": ast.meta_string(f"{article.source_file}:{article.first_line}-{article.last_line}"),
        "kind": ast.meta_string(piece.kind),
    }
    if article.standfirst:
        meta["subtitle"] = ast.meta_inlines(article.standfirst)
    if piece.intro in ("keep", "back"):          # a dropped one is in reports/chapters.md
        meta["headnote"] = ast.meta_inlines(piece.intro_text)
        meta["intro"] = ast.meta_string(piece.intro)
    if piece.outlet:
        meta["outlet"] = ast.meta_inlines(piece.outlet)
    if piece.date:
        meta["date"] = ast.meta_string(piece.date)
    if piece.credit:
        meta["credit"] = ast.meta_inlines(piece.credit)
    return meta


def article_blocks(article: m.Article, pictures: dict[str, str] | None = None) -> list[dict]:
    """The chapter body as pandoc blocks, in source order.  `pictures`: each figure's
    picture (its path in the images folder) -> the book's copy, relative to the article."""
    notes = {note.number: note.text for note in article.notes}
    blocks: list[dict] = []
    sidebar: list[dict] | None = None
    pending_list: tuple[int, list] | None = None       # consecutive evidence paragraphs
    pending_bullets: list | None = None
    pending_quote: list | None = None                  # consecutive paragraphs of one quotation

    def flush() -> None:
        nonlocal pending_list, pending_bullets, pending_quote
        target = sidebar if sidebar is not None else blocks
        if pending_list:
            target.append(ast.ordered_list(pending_list[0], pending_list[1]))
        if pending_bullets:
            target.append(ast.bullet_list(pending_bullets))
        if pending_quote:
            target.append(ast.block_quote(pending_quote))
        pending_list, pending_bullets, pending_quote = None, None, None

    for block in article.blocks:
        if block.kind not in CHAPTER_KINDS:
            continue
        if block.kind == m.CODE:
            flush()
            (sidebar if sidebar is not None else blocks).append(ast.code_block(block.text))
            continue
        if block.kind == m.FIGURE:
            flush()
            src = (pictures or {})[block.image]
            blocks.append(ast.figure(src, block.alt, ast.inlines_with_notes(block.text, notes)))
            continue
        inlines = ast.inlines_with_notes(block.text, notes)
        if block.kind == m.QUOTE:
            if pending_quote is None:
                flush()
                pending_quote = []
            pending_quote.append(ast.para(inlines))
            continue
        if block.kind == m.NUMBERED:
            if pending_list is None:
                flush()
                pending_list = (block.number or 1, [])
            pending_list[1].append([ast.para(inlines)])
            continue
        if block.kind == m.BULLET:
            if pending_bullets is None:
                flush()
                pending_bullets = []
            pending_bullets.append([ast.para(inlines)])
            continue
        flush()
        if block.kind == m.SIDEBAR_HEADING and sidebar is None:
            sidebar = []
            blocks.append(ast.div(["sidebar"], sidebar))
            if block.text.lower().replace(" ", "") in ("sidebox", "sidebar", "box"):
                continue      # the scrape's label for the box, not a heading of the book
        if block.kind == m.HEADING:
            sidebar = None
            blocks.append(ast.header(2, inlines))
        elif block.kind == m.SIDEBAR_HEADING:
            sidebar.append(ast.header(3, inlines))
        elif block.kind == m.SIDEBAR:
            (sidebar if sidebar is not None else blocks).append(ast.para(inlines))
        else:
            blocks.append(ast.para(inlines))
    flush()
    return blocks


MARKDOWN = "markdown-smart"      # typographic characters stay as written, not as ASCII


def to_markdown(article: m.Article, chapter: int, book: Book) -> str:
    return to_markdown_many([(article, chapter)], book)[0]


def to_markdown_many(numbered: list[tuple[m.Article, int]], book: Book,
                     pictures: dict[str, str] | None = None,
                     decisions: editorial.Decisions | None = None, memo: Memo | None = None) -> list[str]:
    """Pandoc writes every article's Markdown (front matter included) from its AST; with a
    memo, only the articles whose AST it has not seen before (pandoc_batch.py)."""
    documents = [Document(ast.document(article_blocks(a, pictures),
                                       article_meta(a, n, book, editorial.resolve(a, book, decisions))),
                          name=a.slug)
                 for a, n in numbered]
    # pandoc's own template is part of its version: remembered with the conversions.
    template = (memo or Memo(None, "")).remember(("pandoc -D", MARKDOWN), _template)
    return convert_many(documents, reader="json", writer=MARKDOWN, template=template, memo=memo)


@lru_cache(maxsize=1)
def _template() -> str:
    return default_template(MARKDOWN)


def copy_pictures(articles: list[m.Article], book: Book, images_dir: Path) -> dict[str, str]:
    """The figures' pictures copied into build/images/ (stale copies removed): each picture's
    path in the book's images folder -> its copy, as the articles name it."""
    wanted = sorted({b.image for a in articles for b in a.blocks if b.kind == m.FIGURE})
    pictures: dict[str, str] = {}
    for image in wanted:
        original = book.images / image if book.images else None
        if original is None or not original.is_file():
            raise UserError(f"the picture '{image}' a chapter shows is no longer in the images folder",
                            file=str(book.images or "book.yaml"),
                            hint="put it back, or run 'make' again to rebuild the chapters without it")
        pictures[image] = f"../{pictures_folder.FOLDER}/{pictures_folder.book_copy(original, images_dir)}"
    used = {Path(src).name for src in pictures.values()}
    for stale in (images_dir.glob("*") if images_dir.is_dir() else ()):
        if stale.name not in used:
            with writing(stale):
                stale.unlink()
    return pictures


def write_articles(articles: list[m.Article], book: Book, out_dir: Path,
                   decisions: editorial.Decisions | None = None, memo: Memo | None = None) -> list[Path]:
    """Write every article; remove stale files of articles that no longer exist."""
    numbered = list(zip(articles, range(1, len(articles) + 1)))
    pictures = copy_pictures(articles, book, out_dir.parent / pictures_folder.FOLDER)
    written = []
    for (article, chapter), text in zip(numbered, to_markdown_many(numbered, book, pictures, decisions, memo)):
        path = out_dir / file_name(chapter, article)
        write_text(path, text)
        written.append(path)
    for stale in set(out_dir.glob("*.md")) - set(written):
        with writing(stale):
            stale.unlink()
    return written


def run(paths: BookPaths) -> str:
    """The articles stage: noted.json (+ the editor's chapters.yaml) -> build/articles/NN-slug.md,
    one per chapter, and reports/chapters.md (dates, outlets, introductions)."""
    articles, book = m.load_articles(paths.noted_model), book_for(paths)
    decisions = editorial.load_decisions(paths.chapter_decisions)
    editorial.check_slugs(decisions, articles, str(paths.reports / "chapters.md"))
    memo = pandoc_memo(paths.build, "articles")
    written = write_articles(articles, book, paths.articles, decisions, memo)
    memo.prune()
    pieces = [editorial.resolve(a, book, decisions) for a in articles]
    write_text(paths.reports / "chapters.md", editorial.report(pieces, book, decisions))
    with writing(paths.articles_stamp):
        paths.articles_stamp.touch()
    undated = sum(1 for p in pieces if not p.date)
    return (f"{len(written)} chapters in {paths.articles}/"
            + (f"; {undated} without a date (see {paths.reports}/chapters.md)" if undated else ""))
