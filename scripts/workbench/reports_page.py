"""build/reports/index.html: one page for the editor, linking every report the build wrote.

Which reports there are comes from the stage table (every output a stage writes under
build/reports/), so a new report appears here without a list to keep up to date.  Each stage
gets one line of counts (SUMMARIES, by stage name; a stage without a summariser of its own
gets the first paragraph of its Markdown report or the sizes of its JSON report's lists).
Markdown reports are rendered to HTML with pandoc (raw HTML off: a report quotes scraped
text) and put through the books' allow-list sanitiser, into build/reports/rendered/.

Below the reports, every decision the build records with a place: each block the dedupe
stage took out and each editor override (dedupe.yaml, notes.yaml), linked to the editor
file and line, to the source file and line of the paragraph, to the chapter's document in
the EPUB and to the chapter's first page in the screen PDF.  What the data does not hold is
said on the page: pdf.json gives the page each chapter opens on, not the page of each
paragraph, and a block taken out of a chapter is on no page at all.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from scripts.core import paths as resources
from scripts.core.atomic import write_text
from scripts.core.memo import Memo
from scripts.core.paths import BookPaths

STAGE = "reports"                               # this stage, in the table
RENDERED = "rendered"                           # the folder of Markdown reports as HTML
TEMPLATES = resources.TEMPLATES / "reports"
STYLESHEET = resources.STYLES / "reports.css"
# Dedupe reasons that are a repeat of text (the rest are roles that never stay in a chapter).
REPEATS = ("duplicate", "glued-copy", "truncated-copy", "near-duplicate", "pull-quote", "sidebar-repeats-body")


# ---------------------------------------------------------------- which reports

def report_outputs(paths: BookPaths, *, built: bool | None = None) -> list[tuple[str, str, list[Path]]]:
    """(stage, its help, the reports it writes) for every stage that writes one, in the
    table's order; `built`: only the stages `make` runs (True) or only the others (False)."""
    from scripts.stages import STAGES
    found = []
    for stage in STAGES:
        if stage.name == STAGE or (built is not None and stage.builds != built):
            continue
        reports = [p for p in stage.outputs(paths) if p.is_relative_to(paths.reports)]
        if reports:
            found.append((stage.name, stage.help, reports))
    return found


# ---------------------------------------------------------------- where a decision lands

@dataclass(frozen=True)
class Link:
    text: str
    href: str = ""


def _href(target: Path, paths: BookPaths) -> str:
    """A link from build/reports/ to a file, relative, so the folder can be moved or served."""
    # abspath, not resolve: the books are links to the published generation, and the page
    # links the link (which always names the current books), not the generation it names now.
    return Path(os.path.relpath(os.path.abspath(target), os.path.abspath(paths.reports))).as_posix()


def editor_line(file: str | Path, line: int | None, paths: BookPaths) -> Link:
    path = Path(file)
    return Link(f"{path.name}:{line}" if line else path.name, _href(path, paths) if path.exists() else "")


def source_line(source: str, paths: BookPaths) -> Link | None:
    """`name.txt:12-14`, the source file's name as the split stage was given it, linked to
    the file in the book's sources/ (a browser opens it; no browser goes to a line)."""
    if not source:
        return None
    name = re.sub(r":[\d-]+$", "", source)
    file = paths.sources_dir / name
    return Link(source, _href(file, paths) if file.is_file() else "")


@dataclass
class Places:
    """Where the books put each chapter: its EPUB document, and the screen PDF page it opens on."""
    epub_files: dict[int, str] = field(default_factory=dict)        # chapter number -> document
    pdf_pages: dict[str, tuple[str, int]] = field(default_factory=dict)   # slug -> (folio, page)
    screen_pdf: str = ""

    @classmethod
    def of(cls, paths: BookPaths, chapters: dict[str, int]) -> Places:
        from scripts.books.epub.build import chapter_file
        places = cls(epub_files={n: chapter_file(SimpleNamespace(number=n)) for n in chapters.values()})
        pdf = _json(paths.reports / "pdf.json")
        if pdf:
            # Arabic folios count from the first body page (pdf.json's front_matter_pages).
            front = int(pdf.get("front_matter_pages") or 0)
            for chapter in pdf.get("chapters", []):
                folio = str(chapter.get("page", ""))
                if folio.isdigit():
                    places.pdf_pages[chapter["slug"]] = (folio, front + int(folio))
        if paths.screen_pdf.exists():
            places.screen_pdf = _href(paths.screen_pdf, paths)
        return places

    def epub(self, chapter: int | None) -> Link | None:
        file = self.epub_files.get(chapter) if chapter else None
        return Link(f"EPUB {file}") if file else None

    def pdf(self, slug: str) -> Link | None:
        if slug not in self.pdf_pages:
            return None
        folio, page = self.pdf_pages[slug]
        return Link(f"p. {folio}", f"{self.screen_pdf}#page={page}" if self.screen_pdf else "")


@dataclass
class Decision:
    report: str                 # the report that explains it
    what: str                   # e.g. "duplicate", "editor: keep"
    detail: str
    chapter: str = ""           # the chapter's slug
    key: str = ""               # the block's key, as the editor files name it
    editor: Link | None = None  # the editor file and line that decided it
    source: Link | None = None  # the paragraph's source file and line
    epub: Link | None = None
    pdf: Link | None = None


def dedupe_decisions(paths: BookPaths, places: Places) -> list[Decision]:
    data = _json(paths.reports / "dedupe.json") or {}
    where = {row["article"]: row["chapter"] for row in data.get("articles", [])}
    decisions = []
    overridden = {o.get("key"): o for o in data.get("overrides", [])}
    for row in data.get("removals", []):
        override = overridden.get(row.get("key"))
        decisions.append(Decision(
            f"dedupe.html#{row['article']}-{row['block']}", row["reason"], row["detail"], row["article"],
            row["key"], editor_line(paths.dedupe_overrides, override.get("line"), paths) if override else None,
            source_line(row.get("source", ""), paths), places.epub(row.get("chapter")),
            places.pdf(row["article"])))
    for override in data.get("overrides", []):
        if override.get("action") == "drop":
            continue                        # listed with its removal above
        if override.get("action") == "bio":
            # In the back matter, whose pages pdf.json does not record.
            decisions.append(Decision("dedupe.html", "editor: bio", f"{override['person']}: {override['detail']}",
                                      key=str(override.get("key") or ""),
                                      editor=editor_line(paths.dedupe_overrides, override.get("line"), paths),
                                      source=source_line(str(override.get("source") or ""), paths)))
            continue
        slug = str(override.get("key", "")).partition("#")[0]
        what = f"editor: {override.get('action')}"
        detail = (f"kept, instead of removed as {override['instead_of']}" if override.get("instead_of")
                  else str(override.get("detail") or ""))
        decisions.append(Decision("dedupe.html", what, detail, slug, str(override.get("key", "")),
                                  editor_line(paths.dedupe_overrides, override.get("line"), paths),
                                  source_line(str(override.get("source", "")), paths),
                                  places.epub(where.get(slug)), places.pdf(slug)))
    return decisions


def notes_decisions(paths: BookPaths, places: Places) -> list[Decision]:
    data = _json(paths.reports / "notes.json") or {}
    decisions = []
    for article in data.get("articles", []):
        for editor in article.get("editor", []):
            decisions.append(Decision(
                f"{RENDERED}/notes.html", f"editor: {editor['decision']}",
                f"note {editor['note']}: “{editor['passage']}”", chapter=article["slug"],
                editor=editor_line(paths.notes_overrides, editor.get("line"), paths),
                source=source_line(article.get("source", ""), paths),
                epub=places.epub(article.get("chapter")), pdf=places.pdf(article["slug"])))
    return decisions


DECISIONS: tuple[Callable[[BookPaths, Places], list[Decision]], ...] = (dedupe_decisions, notes_decisions)


# ---------------------------------------------------------------- one line per stage

def _json(path: Path):
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return None


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _split(paths: BookPaths) -> str:
    data = _json(paths.reports / "split.json") or {}
    articles = data.get("articles", [])
    if data.get("error"):            # the split stage stopped (scripts/text/normalise.py: failed_split_report)
        error = data["error"]
        where = Path(error["file"]).name + (f":{error['line']}" if error.get("line") else "")
        return f"the last run stopped at {where}: {error['message']}"
    return ", ".join([_count(len(articles), "article"),
                      _count(sum(len(a.get("fixes", [])) for a in articles), "fix", "fixes"),
                      _count(len(data.get("page_chrome", [])), "line of page chrome", "lines of page chrome"),
                      _count(len(data.get("left_out", [])), "post left out", "posts left out"),
                      _count(len(data.get("merged_posts", [])), "post found twice", "posts found twice")]
                     + ([_count(len(data["to_check"]), "thing to check", "things to check")]
                        if data.get("to_check") else []))


def _dedupe(paths: BookPaths) -> str:
    data = _json(paths.reports / "dedupe.json") or {}
    reasons = data.get("summary", {})
    text = ", ".join([_count(sum(reasons.get(r, 0) for r in REPEATS), "repeat removed", "repeats removed"),
                      _count(sum(reasons.values()), "block out of the chapters", "blocks out of the chapters"),
                      _count(len(data.get("kept_repeats", [])), "repeat kept", "repeats kept"),
                      _count(len(data.get("overrides", [])), "editor override")])
    if data.get("error"):
        text = f"the last run stopped at {Path(data['error']['file']).name}:{data['error']['line']}; " + text
    return text


def _notes(paths: BookPaths) -> str:
    articles = (_json(paths.reports / "notes.json") or {}).get("articles", [])
    return ", ".join([_count(sum(a["notes_found"] for a in articles), "note"),
                      f"{sum(a['matched'] for a in articles):,} referenced",
                      _count(sum(len(a["unmatched"]) for a in articles), "unplaced note or marker",
                             "unplaced notes or markers"),
                      _count(sum(len(a["editor"]) for a in articles), "editor decision")])


def _index(paths: BookPaths) -> str:
    rows = dict(re.findall(r"^\| ([^|]+?) \| +([\d,]+) \|$", _text(paths.reports / "index.md"), re.M))
    entries = (_json(paths.reports / "pdf.json") or {}).get("index")
    said = [f"{rows[k]} {k}" for k in ("headwords found in the text", "anchors placed") if k in rows]
    if entries is not None:
        said.append(_count(len(entries), "entry in the printed index", "entries in the printed index"))
    return ", ".join(said) or _first_paragraph(paths.reports / "index.md")


def _epub(paths: BookPaths) -> str:
    data = _json(paths.reports / "epub.json") or {}
    return ", ".join([_count(data.get("chapters", 0), "chapter"), _count(data.get("notes", 0), "note"),
                      _count(len(data.get("dropped", [])), "warning: markup dropped", "warnings: markup dropped"),
                      _count(len(data.get("characters_without_glyph", [])), "character without a glyph",
                             "characters without a glyph")])


def _pdf(paths: BookPaths) -> str:
    data = _json(paths.reports / "pdf.json") or {}
    warnings = len(data.get("dropped", [])) + len(data.get("unresolved_links", [])) + len(data.get("left_out", []))
    return ", ".join([_count(data.get("pages", 0), "page"), _count(len(data.get("chapters", [])), "chapter"),
                      _count(len(data.get("index") or []), "index entry", "index entries"),
                      _count(warnings, "warning")])


def _checks(name: str) -> Callable[[BookPaths], str]:
    def summary(paths: BookPaths) -> str:
        data = _json(paths.reports / name)
        if isinstance(data, list):
            return _count(len(data), "message")
        if isinstance(data, dict):
            return _sizes(data)
        return "not run yet"
    return summary


SUMMARIES: dict[str, Callable[[BookPaths], str]] = {
    "normalise": _split, "dedupe": _dedupe, "notes": _notes, "index": _index, "epub": _epub, "pdf": _pdf,
    "check-epub": _checks("epubcheck.json"),
}


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def _first_paragraph(path: Path) -> str:
    """A Markdown report's opening words: its first paragraph, or its first list, in one line."""
    for block in re.split(r"\n\s*\n", _text(path)):
        lines = [line.strip() for line in block.strip().splitlines()]
        if lines and not lines[0].startswith(("#", "|")):
            return "; ".join(re.sub(r"^[-*] ", "", line) for line in lines)
    return ""


def _sizes(data: dict) -> str:
    return ", ".join(f"{key}: {len(value)}" for key, value in data.items() if isinstance(value, list)) or "written"


def summarise(stage: str, reports: list[Path], paths: BookPaths) -> str:
    if not any(p.exists() for p in reports):
        return "not written yet"
    if stage in SUMMARIES:
        return SUMMARIES[stage](paths)
    markdown = [p for p in reports if p.suffix == ".md" and p.exists()]
    if markdown:
        return _first_paragraph(markdown[0])
    data = next((_json(p) for p in reports if p.suffix == ".json" and p.exists()), None)
    return _sizes(data) if isinstance(data, dict) else "written"


# ---------------------------------------------------------------- Markdown to HTML

MARKDOWN_READER = "markdown-raw_html-raw_attribute-raw_tex"


def render_markdown(text: str, where: str, memo: Memo | None = None) -> str:
    """A Markdown report as an HTML fragment (see render_all)."""
    return render_all([(text, where)], memo)[0]


def render_all(reports: list[tuple[str, str]], memo: Memo | None = None) -> list[str]:
    """Markdown reports (text, name) as HTML fragments: pandoc with raw HTML off (a report
    quotes scraped text, which stays text), then the books' allow-list sanitiser.  One
    pandoc run for them all, and none for a report the memo has seen unchanged."""
    from lxml import html as lxml_html
    from scripts.content.pandoc_batch import Document, convert_many
    from scripts.content.sanitise import sanitise
    fragments = convert_many([Document(text, name=where) for text, where in reports],
                             reader=MARKDOWN_READER, writer="html", memo=memo)
    out = []
    for fragment, (_, where) in zip(fragments, reports):
        wrapper = lxml_html.fragment_fromstring(fragment or "<p></p>", create_parent="div")
        sanitise(wrapper, where)
        out.append("".join(lxml_html.tostring(child, encoding="unicode") for child in wrapper))
    return out


# ---------------------------------------------------------------- the stage

@dataclass
class ReportLink:
    name: str
    href: str
    kind: str                   # "page" (HTML, or Markdown rendered), "data" (JSON)


@dataclass
class StageRow:
    stage: str
    help: str
    summary: str
    links: list[ReportLink]


def _environment():
    import jinja2
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                              autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def build_page(paths: BookPaths, memo: Memo | None = None) -> tuple[str, dict[str, str], list[StageRow], list[Decision]]:
    """The index page and the rendered Markdown reports (file name -> page); `memo`: the
    reports' conversions by pandoc in earlier builds."""
    from markupsafe import Markup
    environment = _environment()
    style = Markup(STYLESHEET.read_text(encoding="utf-8"))        # our stylesheet, not data
    rows = []
    markdown: list[tuple[str, str]] = []           # (report's name, rendered page's name)
    for stage, help_text, reports in report_outputs(paths):
        links = []
        for report in (p for p in reports if p.exists()):
            name = report.relative_to(paths.reports).as_posix()
            if report.suffix == ".md":
                markdown.append((name, f"{report.stem}.html"))
                links.append(ReportLink(name, f"{RENDERED}/{markdown[-1][1]}", "page"))
            else:
                links.append(ReportLink(name, name, "page" if report.suffix == ".html" else "data"))
        rows.append(StageRow(stage, help_text, summarise(stage, reports, paths), links))
    bodies = render_all([(_text(paths.reports / name), name) for name, _ in markdown], memo)
    rendered = {page: environment.get_template("rendered.html.j2").render(
                    title=name, source=f"../{name}", style=style, body=Markup(body))
                for (name, page), body in zip(markdown, bodies)}
    chapters = {row["article"]: row["chapter"]
                for row in (_json(paths.reports / "dedupe.json") or {}).get("articles", [])}
    places = Places.of(paths, chapters)
    decisions = [d for find in DECISIONS for d in find(paths, places)]
    manifest = _json(paths.books_manifest) or {}
    books = [Link(p.name, _href(p, paths)) for p in (paths.epub, paths.print_pdf, paths.screen_pdf) if p.exists()]
    page = environment.get_template("index.html.j2").render(
        rows=rows, decisions=decisions, books=books, generation=manifest.get("generation", ""),
        has_pdf_pages=bool(places.pdf_pages), style=style)
    return page, rendered, rows, decisions


def run(paths: BookPaths) -> str:
    """The reports stage: every report the build wrote -> build/reports/index.html."""
    from scripts.content.pandoc_batch import pandoc_memo
    memo = pandoc_memo(paths.build, "reports")
    page, rendered, rows, decisions = build_page(paths, memo)
    memo.prune()
    folder = paths.reports / RENDERED
    for name, html in rendered.items():
        write_text(folder / name, html)
    for stale in (folder.glob("*.html") if folder.is_dir() else ()):
        if stale.name not in rendered:
            stale.unlink()                  # a report no stage writes any more
    write_text(paths.reports / "index.html", page)
    written = sum(len(row.links) for row in rows)
    return f"{written} reports, {len(decisions)} decisions linked -> {paths.reports / 'index.html'}"
