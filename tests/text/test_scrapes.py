"""The splitter on real text scrapes of other blogs (tests/fixtures/scrapes/, see SOURCE.md):
posts found by their titles, dates, bylines and the theme's chrome, not by an introduction."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from scripts.core import model as m
from scripts.core.errors import UserError
from scripts.ingest.text_scrape import (
    SplitDecisions,
    chrome_reason,
    date_line,
    load_split_decisions,
    split_archive,
    to_units,
)

SCRAPES = Path(__file__).resolve().parent.parent / "fixtures" / "scrapes"
EXPECTED = yaml.safe_load((SCRAPES / "expected.yaml").read_text(encoding="utf-8"))
PAGES = sorted(EXPECTED)


def lines_of(page: str) -> list[str]:
    return (SCRAPES / page).read_text(encoding="utf-8").split("\n")


@pytest.mark.parametrize("page", PAGES)
def test_the_expected_titles_are_the_pages_own_lines(page):
    """expected.yaml was written by hand: each title must be the line it names."""
    lines = lines_of(page)
    for post in EXPECTED[page]:
        assert lines[post["line"] - 1] == post["title"], (page, post["line"])


def test_every_page_is_named_in_the_source_notes():
    source = (SCRAPES / "SOURCE.md").read_text(encoding="utf-8")
    for page in PAGES:
        assert Path(page).name in source and Path(page).parent.name in source


# ---------------------------------------------------------------- post boundaries



def split(page: str, lines: list[str] | None = None, decisions: SplitDecisions | None = None):
    chrome: list[dict] = []
    articles = split_archive(lines if lines is not None else lines_of(page), page, set(), decisions, chrome)
    return articles, chrome


@pytest.mark.parametrize("page", PAGES)
def test_every_post_is_found_with_its_title_date_and_authors(page):
    articles, _ = split(page)
    found = [{"title": a.title, "line": a.first_line, "date": a.date, "authors": a.authors,
              "notes": len(a.of_kind(m.NOTE))} for a in articles]
    expected = [{**post, "date": str(post["date"])} for post in EXPECTED[page]]
    assert found == expected


@pytest.mark.parametrize("page", PAGES)
def test_every_line_is_in_a_block_or_recorded_as_chrome_with_its_reason(page):
    articles, chrome = split(page)
    covered = {c["line"] for c in chrome}
    assert all(c["reason"] for c in chrome[1:] if c["line"] > 1)
    for article in articles:
        for block in article.blocks:
            covered.update(range(block.source.first_line, block.source.last_line + 1))
    page_heading = 1 if lines_of(page)[0].startswith(("Category Archives", "Archives for")) else None
    for number, line in enumerate(lines_of(page), 1):
        if line.strip() and number != page_heading:
            assert number in covered, f"{page}:{number} is in no block and no chrome: {line!r}"


def test_theme_chrome_is_recorded_not_kept():
    articles, chrome = split("k8s-blog/2018.txt")
    reasons = {c["text"]: c["reason"] for c in chrome}
    assert "sharing" in reasons["Share this:"] and "sharing button" in reasons["Twitter"]
    assert "like" in reasons["Like Loading..."]
    assert reasons["October 15, 2018"] == "the post's date (2018-10-15)"
    texts = [b.text for a in articles for b in a.blocks]
    assert not {"Share this:", "Twitter", "Facebook", "Like this:", "Like Loading..."} & set(texts)
    articles, chrome = split("rust-blog/announcements.txt")
    assert [c["reason"] for c in chrome if c["text"].startswith("Posted in")] == [
        "the post's categories (theme chrome)"] * 2


@pytest.mark.parametrize("line, is_chrome", [
    ("Tags: China, Russia, Shanghai Cooperation Organisation", True),
    ("Tagged China, Russia, SCO", True),
    ("Categories Politics | Security", True),
    ("Labels: Central Asia", True),
    ("Tagged U.S., China", True),
    # the same words opening a sentence or a caption are the author's text
    ("Topics That It September from just watch as the SCO, 22 November 2022. PHOTO: AFP", False),
    ("Labels matter more than most analysts admit, and the SCO's label matters most", False),
    ("Tags on the border posts were changed overnight.", False),
])
def test_a_tag_line_without_its_colon_is_a_list_of_names_not_a_sentence(line, is_chrome):
    unit = to_units([line])[0]
    assert (chrome_reason(unit) is not None) is is_chrome


def test_a_copied_list_is_one_block_per_item_and_a_byline_is_a_byline():
    articles, _ = split("k8s-blog/2018.txt")
    steering = articles[0]
    assert [b.text for b in steering.of_kind(m.BULLET)][:3] == [
        "Aaron Crickenberger, Google, @spiffxp", "Davanum Srinivas, Huawei, @dims",
        "Tim St. Clair, Heptio, @timothysc"]
    assert steering.blocks[1].kind == m.BYLINE
    assert steering.blocks[2].kind == m.HEADING and steering.blocks[2].text == "Results"


def test_the_first_paragraph_of_a_blog_post_is_not_a_standfirst():
    articles, _ = split("rust-blog/announcements.txt")
    assert articles[1].blocks[1].kind == m.PARAGRAPH            # "Hello Rust community!"
    assert not any(a.of_kind(m.STANDFIRST) for page in PAGES for a in split(page)[0])


@pytest.mark.parametrize("text, iso, authors", [
    ("March 4, 2021", "2021-03-04", []),
    ("Posted on June 20, 2023 by Leadership Council", "2023-06-20", ["Leadership Council"]),
    ("January 12, 2026 · Jakub Beránek", "2026-01-12", ["Jakub Beránek"]),
    ("4 March 2021", "2021-03-04", []),
    ("Tuesday, March 4th, 2021 at 10:15 am", "2021-03-04", []),
    ("By Jane Doe on March 4, 2021", "2021-03-04", ["Jane Doe"]),
    ("2021-03-04", "2021-03-04", []),
    ("Published 4 March 2021 | 3 Comments", "2021-03-04", []),
])
def test_date_lines(text, iso, authors):
    found = date_line(to_units([text])[0])
    assert (found.iso, found.authors) == (iso, authors)


@pytest.mark.parametrize("text", [
    "On March 4, 2021 the council met in Berlin to vote on the budget.",
    "The meeting of March 4, 2021",
    "March 2021",
])
def test_sentences_and_headings_with_dates_are_not_date_lines(text):
    assert date_line(to_units([text])[0]) is None


def test_titles_may_end_with_a_full_stop_or_open_with_a_quote():
    lines = lines_of("rust-blog/inside-rust.txt")
    lines[47] = "“Governance Update.”"
    lines[138] = "Imposter Syndrome."
    articles, _ = split("rust-blog/inside-rust.txt", lines)
    assert [a.title for a in articles][1:] == ["“Governance Update.”", "Imposter Syndrome."]


# ---------------------------------------------------------------- where the text does not decide

def test_a_lost_title_stops_the_build_with_a_split_yaml_entry():
    """The scrape lost the second post's title: the date line has no title above it, unlike
    every other post on the page.  Taking "Hello Rust community!" for a title would be a guess."""
    lines = lines_of("rust-blog/announcements.txt")
    del lines[32:34]                                  # the title and the blank line after it
    with pytest.raises(UserError) as raised:
        split("rust-blog/announcements.txt", lines)
    error = raised.value
    assert error.file == "rust-blog/announcements.txt" and error.line == 33
    assert "split.yaml" in error.hint and 'starts:\n  - "Hello Rust community!"' in error.hint


def test_a_post_end_followed_by_no_title_stops_the_build_and_split_yaml_settles_it():
    lines = lines_of("k8s-blog/2018.txt")
    # The third post's title, date and byline lost: the page goes on with its text.
    start = lines.index("Say Hello to Discuss Kubernetes")
    del lines[start:start + 6]
    with pytest.raises(UserError) as raised:
        split("k8s-blog/2018.txt", lines)
    assert raised.value.line == start + 1
    first_words = "Communication is key when it comes"
    assert f'starts:\n  - "{first_words}"' in raised.value.hint
    articles, _ = split("k8s-blog/2018.txt", lines, SplitDecisions(starts=[first_words]))
    assert len(articles) == 3 and articles[2].first_line == start + 1


def test_not_a_start_keeps_a_date_in_the_text(tmp_path):
    lines = lines_of("rust-blog/inside-rust.txt")
    lines.insert(6, "May 1, 2026")                      # a date line alone inside the first post
    lines.insert(7, "")
    with pytest.raises(UserError) as raised:
        split("rust-blog/inside-rust.txt", lines)
    assert raised.value.line == 7 and 'not_a_start:\n  - "May 1, 2026"' in raised.value.hint
    path = tmp_path / "split.yaml"
    path.write_text('not_a_start:\n  - "May 1, 2026"\n', encoding="utf-8")
    decisions = load_split_decisions(path)
    articles, _ = split("rust-blog/inside-rust.txt", lines, decisions)
    assert len(articles) == 3 and "May 1, 2026" in [b.text for b in articles[0].blocks]
    decisions.check_all_used()


def test_an_unused_split_yaml_entry_is_an_error(tmp_path):
    path = tmp_path / "split.yaml"
    path.write_text('starts:\n  - "Say Helo to Discuss"\n', encoding="utf-8")
    decisions = load_split_decisions(path)
    split("k8s-blog/2018.txt", decisions=decisions)
    with pytest.raises(UserError) as raised:
        decisions.check_all_used()
    assert raised.value.file == str(path) and raised.value.line == 2


@pytest.mark.parametrize("text, line", [
    ("starts: Say Hello\n", 1),
    ("begins:\n  - \"Say Hello\"\n", 1),
    ("starts:\n  - [a, b]\n", 2),
])
def test_a_malformed_split_yaml_names_its_line(tmp_path, text, line):
    path = tmp_path / "split.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as raised:
        load_split_decisions(path)
    assert raised.value.line == line


# ---------------------------------------------------------------- through normalise and notes

def test_the_pages_notes_are_all_matched_and_no_complete_block_is_glued():
    from scripts.text.normalise import normalise
    from scripts.text.notes import assemble_article

    articles = normalise([a for page in PAGES for a in split(page)[0]])
    assert not [f for a in articles for f in a.fixes if f.kind == "broken-paragraph"]
    for chapter, article in enumerate(articles, 1):
        expected = len(article.of_kind(m.NOTE))
        record = assemble_article(article, chapter, [])
        assert (record.matched, record.problems) == (expected, []), article.slug
        assert all("↩" not in note.text for note in article.notes)
    governance = next(a for a in articles if a.slug == "governance-update")
    assert any(b.text.endswith("the text is otherwise unaltered." + m.note_ref(1)) for b in governance.blocks)
