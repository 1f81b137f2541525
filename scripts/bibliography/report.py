"""The bibliography stage's report (build/reports/bibliography.md): what the editor reads to
check the references and correct them in bibliography.yaml.  The figures come from the
stage's `Report` (scripts/bibliography/build.py); this module only words and lays them out."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scripts.bibliography.build import Report


def _md(text: str) -> str:
    """Scraped text in the Markdown report: escaped, never markup."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_\[\]|#])", r"\\\1", text)


def render_report(report: Report, overrides_file: str) -> str:
    ibid = sum(c.how.startswith("ibid") for c in report.citations)
    short = sum(c.how.startswith("short form") for c in report.citations)
    pointer = sum(c.how.startswith("as note") for c in report.citations)
    with_refs = report.notes - len(report.unreferenced)
    out = ["# Bibliography report", "",
           f"- notes read: {report.notes}",
           f"- notes with at least one reference: {with_refs}",
           f"- references found: {len(report.citations)} "
           f"(Ibid. resolved: {ibid}, short forms resolved: {short}, 'see note N': {pointer})",
           f"- distinct works in the bibliography: {report.works}",
           f"- notes with no reference: {len(report.unreferenced)}",
           f"- low-confidence references: {len(report.low_confidence)}",
           f"- sites standing as author that cannot be named: {len(report.names.undecided)}",
           "", f"Corrections go in `{overrides_file}` (see docs/bibliography.md).", ""]
    out += ["## Notes with no reference", ""]
    out += [f"- `{u.slug}#{u.note}` — {_md(u.reason)}  \n  > {_md(u.text)}"
            for u in report.unreferenced] or ["(none)"]
    out += ["", "## Low-confidence references (check these)", ""]
    for c in report.low_confidence:
        out.append(f"- `{c.slug}#{c.note}` → `{c.id}`: " + "; ".join(_md(w) for w in c.warnings))
        out.append(f"  > {_md(c.segment)}")
    if not report.low_confidence:
        out.append("(none)")
    out += ["", "## Sites standing as author", "",
            "A note that gives only an address (or names a site by its address) leaves the "
            "bibliography a host to print as author. It takes the name the other notes give the "
            "same site; where they give none, or disagree, the editor names it under "
            "`organisations:` (e.g. `Yahoo Finance: [finance.yahoo.com]`).", ""]
    for site in report.names.sites:
        where = ", ".join(f"`{n}`" for n in dict.fromkeys(site.notes))
        if site.printed:
            out.append(f"- {_md(site.host)} → {_md(site.printed)}: {_md(site.why)} ({where})")
        else:
            out.append(f"- **cannot be decided**: {_md(site.host)} stays as author: "
                       f"{_md(site.why)} ({where})")
    if not report.names.sites:
        out.append("(none)")
    out += ["", "## One form per organisation", "",
            "Forms of one organisation, author, outlet or publisher, printed one way "
            "(the editor's `organisations:` table first, then forms that differ only by a "
            "leading 'The' or by an acronym the other form spells out):", ""]
    out += [f"- {_md(r.written)} → {_md(r.printed)} ({r.why}; {r.count}×)"
            for r in report.names.rewrites] or ["(none)"]
    out += ["", "## Titles not in English", "",
            "Titles without a translation in brackets whose words are not English (no 'of', "
            "'the', 'in'… and mostly words the book never uses) get `language: und`, so the "
            "style does not title-case them; a title with a translation takes its language from "
            "the parser. Correct a wrong guess with a fix (`language: en`).", ""]
    out += [f"- `{i}`" for i in report.foreign_titles] or ["(none)"]
    types: dict[str, int] = defaultdict(int)
    for item_type in report.types:
        types[item_type] += 1
    out += ["", "## CSL types", "",
            "What each type means here (docs/bibliography.md gives the rules): "
            "`article-newspaper` a quoted title in an outlet; `article-journal` one with a volume "
            "or issue; `webpage` a quoted title with an address and no outlet, or a bare address; "
            "`document` a quoted title with neither; `report` an unquoted title or a numbered "
            "series; `chapter` a piece in a book; `speech`.", ""]
    out += [f"- {t}: {n}" for t, n in sorted(types.items())]
    out += ["", "## Across works", ""]
    out += [f"- {_md(p)}" for p in report.problems] or ["(none)"]
    out += ["", "## Works cited more than once", ""]
    places: dict[str, list[str]] = defaultdict(list)
    for c in report.citations:
        places[c.id].append(f"{c.slug}#{c.note}")
    repeated = {k: v for k, v in sorted(places.items()) if len(set(v)) > 1}
    out += [f"- `{k}`: {', '.join(dict.fromkeys(v))}" for k, v in repeated.items()] or ["(none)"]
    return "\n".join(out) + "\n"
