"""The dedupe stage's bios: the author's and contributors' bios the posts repeat, one
chosen for the back matter (build/contributors.json) by completeness, and the editor's
`bios:` in dedupe.yaml over that choice.  scripts/text/dedupe.py finds the bio blocks
and runs the stage; this module decides which bio each person keeps.
"""

from __future__ import annotations

from dataclasses import dataclass

from scripts.core import model as m
from scripts.core.config import did_you_mean
from scripts.core.errors import UserError
from scripts.text.dedupe_keys import REPORT, BlockKeys, Overrides
from scripts.text.wording import comparable

STOPWORDS = frozenset("""a an and the of at in on for to is was are be by with as from or its his her
their he she they who which that this also has have had been author fellow senior""".split())


def completeness(text: str) -> tuple[int, int]:
    """How complete a bio is: distinct content words (posts, places, books), then length."""
    words = comparable(text)
    return len({w for w in words if w not in STOPWORDS and len(w) > 2}), len(words)


@dataclass
class Bio:
    article: int
    block: m.Block
    names: list[str]


def bio_subjects(article: m.Article, position: int, block: m.Block) -> list[str]:
    from scripts.ingest.text_scrape import bio_names
    names = bio_names(block.text)
    if names:
        return names
    # A bio under a contributor's name line ("Niva Yau" / "Senior Researcher at ..."):
    earlier = article.blocks[position - 1] if position > 0 else None
    if earlier is not None and earlier.kind == m.CONTRIBUTOR:
        return [earlier.text.strip()]
    return []


def choose_bios(bios: list[Bio], author: str, articles: list[m.Article]) -> tuple[dict, dict[str, Bio]]:
    """The back matter: the most complete bio of each person; a bio of one person beats a joint one."""
    people: list[str] = []
    for bio in bios:
        for name in bio.names:
            if name not in people:
                people.append(name)
    for article in articles:
        for name in article.authors:
            if name not in people:
                people.append(name)
    chosen: dict[str, Bio] = {}
    for person in people:
        own = [b for b in bios if b.names == [person]]
        joint = [b for b in bios if person in b.names and b.names != [person]]
        pool = own or joint
        if pool:
            # max() keeps the first of equals, so ties go to the earliest chapter.
            chosen[person] = max(pool, key=lambda b: completeness(b.block.text))

    def entry(person: str) -> dict:
        bio = chosen.get(person)
        return {"name": person, "bio": bio.block.text if bio else "",
                "source": str(bio.block.source) if bio else ""}

    contributors = []
    for person in people:
        if person == author:
            continue
        item = entry(person)
        item["articles"] = [a.slug for a in articles if person in a.authors]
        contributors.append(item)
    return {"author": entry(author), "contributors": contributors}, chosen


def apply_bio_choices(contributors: dict, chosen: dict[str, Bio], bios: list[Bio], articles: list[m.Article],
                      keys: BlockKeys, overrides: Overrides, report: str = REPORT) -> list[dict]:
    """The editor's `bios:` (dedupe.yaml) over the stage's choice: another bio found in the
    sources (by its key), the editor's own words, or none.  Changes `contributors` and
    `chosen` in place; returns what was overridden, for the audit."""
    entries = {contributors["author"]["name"]: contributors["author"],
               **{entry["name"]: entry for entry in contributors["contributors"]}}
    by_key = {keys.get((articles[b.article].slug, b.block.id)): b for b in bios}
    kinds = {keys[(a.slug, b.id)]: b.kind for a in articles for b in a.blocks if (a.slug, b.id) in keys}
    records = []
    for person, choice in overrides.bios.items():
        if person not in entries:
            raise UserError(f"the back matter has no one called '{person}'", file=overrides.file,
                            line=choice.line, hint=(did_you_mean(person, list(entries)) or "")
                            + f" the people are the book's author and the contributors ({report} lists them)")
        entry = entries[person]
        before = entry["source"] or "no bio"
        if choice.key:
            bio = by_key.get(choice.key)
            if bio is None:
                kind = kinds.get(choice.key)
                raise UserError(f"'{choice.key}' is " + (f"a {kind.replace('_', ' ')}, not a bio" if kind
                                                        else "no block's key"),
                                file=overrides.file, line=choice.line,
                                hint=f"copy the key of a bio (reason bio-moved-to-back-matter) from {report}")
            chosen[person] = bio
            entry["bio"], entry["source"] = bio.block.text, str(bio.block.source)
            detail = f"the bio from {entry['source']} instead of {before}"
        else:
            chosen.pop(person, None)
            entry["bio"], entry["source"] = choice.text, f"{overrides.file}:{choice.line}"
            detail = f"the editor's own words instead of {before}" if choice.text else f"no bio instead of {before}"
        entry["chosen_by"] = "editor"
        records.append({"action": "bio", "person": person, "key": choice.key, "line": choice.line,
                        "detail": detail, "source": entry["source"] if choice.key else ""})
    return records
