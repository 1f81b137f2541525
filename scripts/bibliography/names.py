"""One form per organisation, and a name instead of an address where a site stands as author.

Notes written over years spell one organisation several ways ("UN Security Council",
"United Nations Security Council"; "Astana Times", "The Astana Times"), and a note that
gives only an address leaves the bibliography nothing to print but the site's host
("finance.yahoo.com. n.d."), which no press would accept as an author.  This module works
on every citation of the book at once, because the evidence is spread across notes:

1. the editor's table (`organisations:` in bibliography.yaml) rewrites the forms it lists;
2. forms that differ only by a leading "The", or by an acronym the longer form spells out
   ("UN" for "United Nations"), are one organisation: the commoner form (the spelt-out one
   for an acronym) is printed;
3. a site standing as author takes the name the other notes give the same site: the
   organisation that issues the other works at that host, or the outlet they appear in (then
   the main site of its domain: www.mofcom.gov.cn speaks for english.mofcom.gov.cn, while
   tm.mofcom.gov.cn, another office, does not).  When that evidence is missing or disagrees,
   the host stays and the report says the editor must name it.

Every rewrite is recorded for the report; none is silent.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from scripts.bibliography.overrides import Alias, fold_name
from scripts.bibliography.parse import fold

# The fields that hold an organisation's name (an author is one when it is a literal).
ORGANISATION_FIELDS = ("container-title", "publisher")
_HOST = re.compile(r"(?:[\w-]+\.)+[a-z]{2,}", re.I)
# Second-level labels under a country code that are not anyone's site: "gov.cn", "co.uk".
_GENERIC_SECOND = {"com", "net", "org", "gov", "edu", "ac", "co", "go", "or", "ne", "mil", "gob",
                   "nic", "info", "biz", "int"}


@dataclass
class Rewrite:
    written: str
    printed: str
    why: str
    count: int = 0


@dataclass
class SiteName:
    host: str
    printed: str | None          # None: could not be decided, the host stays
    why: str
    notes: list[str] = field(default_factory=list)


@dataclass
class NameReport:
    rewrites: list[Rewrite] = field(default_factory=list)
    sites: list[SiteName] = field(default_factory=list)

    @property
    def undecided(self) -> list[SiteName]:
        return [s for s in self.sites if s.printed is None]


def is_host(text: str) -> bool:
    """'finance.yahoo.com', 'qdcaijing.com': an address standing where a name should be."""
    return bool(_HOST.fullmatch(text.strip())) and " " not in text.strip()


def bare_host(host_or_url: str) -> str:
    host = urlsplit(host_or_url).netloc if "://" in host_or_url else host_or_url
    return re.sub(r"(?i)^www\d*\.", "", host.strip().casefold())


def main_site(host: str) -> str:
    """The registrable domain: 'english.mofcom.gov.cn' -> 'mofcom.gov.cn', 'eng.sectsco.org' -> 'sectsco.org'."""
    labels = bare_host(host).split(".")
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _GENERIC_SECOND else 2
    return ".".join(labels[-keep:])


def _literal_author(item: dict[str, Any]) -> str | None:
    authors = item.get("author") or []
    return authors[0]["literal"] if len(authors) == 1 and "literal" in authors[0] else None


def organisation_forms(items: list[dict[str, Any]]) -> Counter:
    """Every organisation's name as the citations write it, with how often."""
    forms: Counter = Counter()
    for item in items:
        for author in item.get("author") or []:
            if "literal" in author:
                forms[author["literal"]] += 1
        for key in ORGANISATION_FIELDS:
            if item.get(key):
                forms[item[key]] += 1
    return forms


def _rename(items: list[dict[str, Any]], mapping: dict[str, str]) -> Counter:
    """Rewrite every organisation field whose folded form is in `mapping`; count rewrites."""
    done: Counter = Counter()
    for item in items:
        for author in item.get("author") or []:
            if "literal" in author and (new := mapping.get(fold_name(author["literal"]))) \
                    and new != author["literal"]:
                done[author["literal"]] += 1
                author["literal"] = new
        for key in ORGANISATION_FIELDS:
            if item.get(key) and (new := mapping.get(fold_name(item[key]))) and new != item[key]:
                done[item[key]] += 1
                item[key] = new
    return done


def _without_the(text: str) -> str:
    return re.sub(r"^the ", "", fold(text))


def _spells_out(short: str, long: str) -> bool:
    """'UN Security Council' / 'United Nations Security Council': one word of `short` in
    capitals is the initials of a run of words in `long`, and the rest is the same."""
    short_words, long_words = fold(short).split(), fold(long).split()
    for i, word in enumerate(short.split()):
        letters = re.sub(r"[^A-Za-z]", "", word)
        if not (2 <= len(letters) <= 6 and letters.isupper()) or len(short.split()) != len(short_words):
            continue
        head, tail = short_words[:i], short_words[i + 1:]
        middle = long_words[len(head):len(long_words) - len(tail)]
        if long_words[:len(head)] == head and long_words[len(long_words) - len(tail):] == tail \
                and len(middle) == len(letters) and "".join(w[0] for w in middle) == letters.lower():
            return True
    return False


def _automatic(forms: Counter) -> list[Rewrite]:
    """Forms of one organisation found by their spelling: a leading 'The', an acronym."""
    rewrites: list[Rewrite] = []
    by_key: dict[str, list[str]] = defaultdict(list)
    for form in forms:
        if not is_host(form):
            by_key[_without_the(form)].append(form)
    for group in by_key.values():
        if len(group) > 1:
            # The commoner form; between equals, the one with "The" (as the name is written).
            printed = max(group, key=lambda f: (forms[f], f.casefold().startswith("the "), f))
            rewrites += [Rewrite(f, printed, "differs only by a leading 'The'")
                         for f in sorted(group) if f != printed]
    taken = {r.written for r in rewrites}
    for short in sorted(forms):
        if short in taken or is_host(short):
            continue
        longer = sorted({f for f in forms if f != short and f not in taken and _spells_out(short, f)})
        if len(longer) == 1:
            rewrites.append(Rewrite(short, longer[0], "an acronym the other form spells out"))
    return rewrites


def unify(items: list[dict[str, Any]], editor: list[Alias]) -> list[Rewrite]:
    """One form per organisation across `items` (rewritten in place): the editor's table
    first, then the forms found by their spelling among what is left."""
    rewrites = [Rewrite(a.written, a.printed, "the editor's table") for a in editor]
    counts = _rename(items, {fold_name(a.written): a.printed for a in editor})
    automatic = _automatic(organisation_forms(items))
    counts.update(_rename(items, {fold_name(r.written): r.printed for r in automatic}))
    for rewrite in rewrites + automatic:
        rewrite.count = sum(n for form, n in counts.items() if fold_name(form) == fold_name(rewrite.written))
    return [r for r in rewrites + automatic if r.count]


def _site_names(items: list[dict[str, Any]]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """For each host and each main site, the names the works there are credited to."""
    by_host: dict[str, set[str]] = defaultdict(set)
    by_domain: dict[str, set[str]] = defaultdict(set)
    for item in items:
        if not item.get("URL"):
            continue
        author = _literal_author(item)
        name = item.get("container-title") or (author if author and not is_host(author) else None)
        if not name:
            continue
        host = bare_host(item["URL"])
        by_host[host].add(name)
        if host == main_site(host):
            by_domain[host].add(name)
    return by_host, by_domain


def name_sites(items: list[dict[str, Any]], where: list[str]) -> list[SiteName]:
    """A site standing as author takes the name the other works at that site give it.
    `where` is, for each item, the note it comes from (for the report)."""
    by_host, by_domain = _site_names(items)
    found: dict[str, SiteName] = {}
    for item, note in zip(items, where):
        author = _literal_author(item)
        if not author or not is_host(author):
            continue
        host = bare_host(author)
        if host not in found:
            same_host = by_host.get(host, set())
            same_domain = by_domain.get(main_site(host), set())
            if len(same_host) == 1:
                found[host] = SiteName(host, next(iter(same_host)),
                                       "the name the other works at this site are credited to")
            elif not same_host and len(same_domain) == 1:
                found[host] = SiteName(host, next(iter(same_domain)),
                                       f"the name the works at its main site ({main_site(host)}) "
                                       "are credited to")
            else:
                seen = same_host or same_domain
                found[host] = SiteName(host, None, "other works at this site are credited to "
                                       + " and ".join(f"'{n}'" for n in sorted(seen))
                                       if seen else "no other work cites this site")
        site = found[host]
        site.notes.append(note)
        if site.printed:
            item["author"] = [{"literal": site.printed}]
    return list(found.values())
