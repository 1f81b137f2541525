"""build/reports/index.html: every report linked, counted, and each decision placed (issue 18)."""

from __future__ import annotations

import json
import re

import pytest

from scripts.core.paths import BookPaths
from scripts.workbench import reports_page
from scripts.workbench.reports_page import SUMMARIES, render_markdown, report_outputs
from tests.conftest import demo_book_copy, run_stages

# A repeat the dedupe stage removes from the demo book, and the chapter it is in.
DUPLICATE = "why-xi-jinping-chose-central-asia#3e2aec2e.2"


def test_every_report_a_build_stage_writes_gets_a_line():
    """A stage with a JSON report only needs a summariser; one with Markdown gets its opening."""
    for stage, _, reports in report_outputs(BookPaths.of(), built=True):
        assert stage in SUMMARIES or any(p.suffix == ".md" for p in reports), stage


def test_markdown_reports_render_as_html_with_scraped_text_kept_as_text():
    html = render_markdown("# Notes report\n\n| a | b |\n|---|---|\n| `x` | <script>alert(1)</script> |\n\n"
                           "[click](javascript:alert(1)) <img src=x onerror=alert(1)>\n", "notes.md")
    assert "<h1" in html and "<table" in html and "<code>x</code>" in html
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "javascript:" not in html and "click" in html            # the link unwrapped, its text kept
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("reports")
    book = demo_book_copy(tmp / "book", editor_files=("index.yaml",))
    (book / "dedupe.yaml").write_text(f"# the editor keeps one repeat\nkeep:\n  - {DUPLICATE}\n"
                                      "bios:\n  Niva Yau: none\n", encoding="utf-8")
    paths = BookPaths.of(book, tmp / "build")
    assert run_stages(book, paths.build, "split", "normalise", "dedupe", "notes", "articles", "html",
                      "bibliography", "index") == 0
    # What the pdf stage records of its chapters (the page each opens on), for this book's slugs.
    dedupe = json.loads((paths.reports / "dedupe.json").read_text(encoding="utf-8"))
    chapters = [{"slug": a["article"], "page": str(10 * a["chapter"])} for a in dedupe["articles"]]
    (paths.reports / "pdf.json").write_text(json.dumps({"pages": 150, "front_matter_pages": 6,
                                                        "chapters": chapters, "index": [{}] * 3}))
    paths.staging.mkdir(parents=True)
    paths.screen_pdf.write_bytes(b"%PDF-")          # the link target only
    reports_page.run(paths)
    return book, paths, dedupe


@pytest.mark.slow                  # builds a whole book: `make test`, not the fast lane
def test_the_page_links_every_report_written_with_its_counts(built):
    book, paths, dedupe = built
    page = (paths.reports / "index.html").read_text(encoding="utf-8")
    for _, _, reports in report_outputs(paths):
        for report in reports:
            name = report.relative_to(paths.reports).as_posix()
            if report.exists():
                href = f"rendered/{report.stem}.html" if report.suffix == ".md" else name
                assert f'href="{href}">{name}</a>' in page, name
                if report.suffix == ".md":
                    assert (paths.reports / href).read_text(encoding="utf-8").count("<h1") == 1
    removed = sum(dedupe["summary"].values())
    assert f"{removed} blocks out of the chapters" in page and "2 editor overrides" in page
    notes = json.loads((paths.reports / "notes.json").read_text(encoding="utf-8"))
    assert f"{sum(a['notes_found'] for a in notes['articles'])} notes" in page
    assert "3 index entries" in page


@pytest.mark.slow                  # builds a whole book: `make test`, not the fast lane
def test_a_decision_links_its_editor_line_source_line_epub_chapter_and_pdf_page(built):
    book, paths, dedupe = built
    page = (paths.reports / "index.html").read_text(encoding="utf-8")
    row = next(r for r in page.split("<tr>") if "editor: keep" in r)
    chapter = next(a["chapter"] for a in dedupe["articles"] if a["article"] == DUPLICATE.split("#")[0])
    assert f"<code>{DUPLICATE}</code>" in row
    assert re.search(r'<a href="(\.\./)+[^"]*book/dedupe\.yaml">dedupe\.yaml:3</a>', row), row
    assert f"EPUB chapter-{chapter:02d}.xhtml" in row
    assert f'href="../anthology-screen.pdf#page={6 + 10 * chapter}">p. {10 * chapter}</a>' in row
    removal = next(r for r in page.split("<tr>") if 'href="dedupe.html#' in r and "duplicate" in r)
    source = re.search(r'<a href="([^"]+)">([^<]+\.txt):(\d+)', removal)
    assert source and (paths.reports / source.group(1)).resolve() == (book / "sources" / source.group(2)).resolve()
    bio = next(r for r in page.split("<tr>") if "editor: bio" in r)
    assert "Niva Yau: no bio instead of 002_90ad01e3225f3153.txt:460" in bio and ">dedupe.yaml:5</a>" in bio


def test_a_split_that_stopped_is_summarised_by_what_stopped_it(tmp_path):
    from scripts.core.errors import UserError
    from scripts.text.normalise import write_failed_split_report

    paths = BookPaths(tmp_path, tmp_path / "build")
    write_failed_split_report(paths, UserError("the file ends before the export does", file="sources/export.xml",
                                               line=1108, hint="export the site again"))
    assert SUMMARIES["normalise"](paths) == "the last run stopped at export.xml:1108: the file ends before the export does"
