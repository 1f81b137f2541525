"""The book's selection (book.yaml `select:`) applied to the posts an adapter found."""

from __future__ import annotations

import datetime as dt

from scripts.core import model as m
from scripts.core.book import Selection
from scripts.ingest.common import LeftOut, Post


def names_of(post: Post, article: m.Article) -> set[str]:
    """What an editor may call a post in `posts:` or `leave_out:`: its slugs or its title."""
    return {n.casefold() for n in (post.slug, article.slug, post.title) if n}


def why_not(post: Post, article: m.Article, selection: Selection) -> str:
    """Why the selection leaves this post out ("" when it is in the book)."""
    names = names_of(post, article)
    if selection.leave_out and names & {n.casefold() for n in selection.leave_out}:
        return "named under 'select: leave_out' in book.yaml"
    if selection.posts:
        return "" if names & {n.casefold() for n in selection.posts} else \
            "not among the posts named under 'select: posts' in book.yaml"
    if selection.categories and not {c.casefold() for c in post.categories} & \
            {c.casefold() for c in selection.categories}:
        return "not in the categories named under 'select: categories'"
    if selection.tags and not {t.casefold() for t in post.tags} & {t.casefold() for t in selection.tags}:
        return "has none of the tags named under 'select: tags'"
    if selection.since or selection.until:
        if not post.date:
            return "has no date, and book.yaml selects posts by date"
        day = dt.date.fromisoformat(post.date)
        if selection.since and day < selection.since:
            return f"published before {selection.since.isoformat()} ('select: from')"
        if selection.until and day > selection.until:
            return f"published after {selection.until.isoformat()} ('select: to')"
    return ""


def apply(posts: list[tuple[Post, m.Article]], selection: Selection) -> tuple[list[m.Article], list[LeftOut]]:
    kept, left_out = [], []
    for post, article in posts:
        reason = why_not(post, article, selection)
        if reason:
            left_out.append(LeftOut(article.source_file, article.first_line, "not-selected", post.title, reason))
        else:
            kept.append(article)
    return kept, left_out
