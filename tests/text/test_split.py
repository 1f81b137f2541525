"""The splitter on the real seeds: boundaries, titles, the parts of every article."""

from __future__ import annotations

import shutil

import pytest

from scripts.core import model as m
from scripts.ingest.text_scrape import bio_names, looks_like_caption, parse_outlet, read_source, to_units, voice_score
from scripts.text.split import split_sources
from tests.conftest import SEED_JANUARY, SEED_TAGGED, SOURCES, check_golden

# Where each post begins and its title, read off the seeds by hand.
EXPECTED_POSTS = [
    (SEED_JANUARY, 3, "Kazakhstan in Crisis: It’s About the Country, Not Big Power Politics"),
    (SEED_JANUARY, 45, "2022 look ahead: Central Asia will cement its turn against the West"),
    (SEED_JANUARY, 101, "A Steadily Tightening Embrace: China’s Ascent in Central Asia and the Caucasus"),
    (SEED_JANUARY, 176, "Ties that bind Kazakhstan to China are starting to unravel"),
    (SEED_TAGGED, 3, "China and Central Asia – UK Policy Options"),
    (SEED_TAGGED, 36, "Central Asia"),
    (SEED_TAGGED, 244, "2023 outlook: Central Asia is not out of the woods yet"),
    (SEED_TAGGED, 304, "Why Uzbekistan and Kazakhstan’s hopes of using China as a hedge against Russia could be doomed"),
    (SEED_TAGGED, 348, "Paving the Digital Silk Road with the Shanghai Cooperation Organisation"),
    (SEED_TAGGED, 642, "China’s growing clout in Central Asia"),
    (SEED_TAGGED, 686, "Why Xi Jinping Chose Central Asia for His First Post-COVID-19 Trip"),
    (SEED_TAGGED, 746, "China and Russia to showcase alternative world order at SCO Summit"),
    (SEED_TAGGED, 792, "Trouble brews in Central Asia"),
    (SEED_TAGGED, 868, "The Perils of Ignoring Eurasian Instability"),
]


def test_every_post_is_found_with_its_title(split_result):
    found = sorted((a.source_file, a.first_line, a.title) for a in split_result.articles)
    assert found == sorted(EXPECTED_POSTS)


def test_chronological_order_reads_each_archive_bottom_up(split_result):
    firsts = [(a.source_file, a.first_line) for a in split_result.articles]
    assert firsts[0] == (SEED_JANUARY, 176)          # oldest post of the older archive
    assert firsts[-1] == (SEED_TAGGED, 3)            # newest post of the newer archive


def test_outlets_are_read_from_the_introductions(split_result):
    outlets = {a.title[:30]: a.outlet for a in split_result.articles}
    assert outlets["Kazakhstan in Crisis: It’s Abo"] == "RUSI"
    assert outlets["2022 look ahead: Central Asia "] == "Nikkei Asian Review"
    assert outlets["A Steadily Tightening Embrace:"] == "Central Asia-Caucasus Analyst"
    assert outlets["China’s growing clout in Centr"] == "Straits Times"
    assert outlets["Why Xi Jinping Chose Central A"] == "Foreign Policy"
    assert outlets["Paving the Digital Silk Road w"] == "RUSI Journal"
    assert outlets["China and Central Asia – UK Po"] == "UK Parliament Foreign Affairs Committee"


def test_parts_of_a_post(split_result):
    articles = {a.title[:20]: a for a in split_result.articles}
    embrace = articles["A Steadily Tightenin"]
    kinds = [b.kind for b in embrace.blocks[:6]]
    assert kinds == [m.INTRO, m.TITLE, m.BYLINE, m.STANDFIRST, m.CAPTION, m.PARAGRAPH]
    caption = embrace.blocks[4]
    assert (caption.source.first_line, caption.source.last_line) == (109, 110)   # split over two lines
    silk_road = articles["Paving the Digital S"]
    assert silk_road.authors == ["Raffaello Pantucci", "Niva Yau"]
    assert [b.text for b in silk_road.of_kind(m.BACKMATTER_HEADING)] == ["Additional information",
                                                                          "Notes on contributors"]
    assert len(silk_road.of_kind(m.NOTE)) == 89
    assert [n.number for n in silk_road.of_kind(m.NOTE)] == list(range(1, 90))
    cta = articles["Central Asia"]
    assert cta.authors == ["Nodirbek Soliev", "Raffaello Pantucci"]
    assert len(cta.of_kind(m.NOTE)) == 54                    # the unheaded "1 Text" list
    assert cta.standfirst == "Kazakhstan, Kyrgyzstan, Tajikistan, Turkmenistan, Uzbekistan"
    assert len(articles["Why Xi Jinping Chose"].of_kind(m.LINK_DEFINITION)) == 3
    trouble = articles["Trouble brews in Cen"]
    assert [b.text for b in trouble.of_kind(m.SIDEBAR_HEADING)][0] == "Side box"
    testimony = articles["China and Central As"]
    assert len(testimony.of_kind(m.NUMBERED)) == 27 and len(testimony.of_kind(m.BIO)) == 1


def test_golden_split_summary(split_result):
    summary = [{
        "slug": a.slug, "title": a.title, "source": f"{a.source_file}:{a.first_line}-{a.last_line}",
        "outlet": a.outlet, "authors": a.authors,
        "blocks": [f"{b.kind}@{b.source.first_line}-{b.source.last_line}" for b in a.blocks],
    } for a in split_result.articles]
    check_golden("split/summary.json", summary)


def test_every_source_line_is_in_a_block_or_page_chrome(split_result):
    covered = {(c["file"], c["line"]) for c in split_result.chrome}
    for article in split_result.articles:
        for block in article.blocks:
            covered.update((block.source.file, n) for n in
                           range(block.source.first_line, block.source.last_line + 1))
    for path in SOURCES.glob("*.txt"):
        for number, line in enumerate(read_source(path), 1):
            if line.strip():
                assert (path.name, number) in covered, f"{path.name}:{number} is in no block"


def test_the_same_archive_twice_gives_the_same_articles(tmp_path, book, split_result):
    for name in (SEED_JANUARY, SEED_TAGGED):
        shutil.copy(SOURCES / name, tmp_path / name)
    shutil.copy(SOURCES / SEED_TAGGED, tmp_path / "copy-of-tagged.txt")
    book.sources = [SEED_JANUARY, SEED_TAGGED, "copy-of-tagged.txt"]
    try:
        again = split_sources(sorted(tmp_path.glob("*.txt")), book)
    finally:
        book.sources = [SEED_JANUARY, SEED_TAGGED]
    assert [a.slug for a in again.articles] == [a.slug for a in split_result.articles]
    assert len(again.merged) == 10
    assert all(a.also_in for a in again.articles if a.source_file == SEED_TAGGED)


# ---------------------------------------------------------------- heuristics on real passages

def test_introductions_score_above_article_paragraphs():
    intro = ("More belated commentary, this time for the Straits Times exploring the range of trouble "
             "spots in Central Asia that have not gotten much smaller since I wrote this.")
    body = ("The SCO has also been caught up in this, increasingly moving into the digital domain. As "
            "with many other global trends, the coronavirus pandemic has sped up this process.")
    assert voice_score(intro) >= 3 > voice_score(body)


@pytest.mark.parametrize("text, outlet", [
    ("This short piece for my UK institutional home RUSI in the wake of events in Kazakhstan.", "RUSI"),
    ("More catch up posting from last month, this time again a look forwards on what the year holds "
     "for Afghanistan and Central Asia for Nikkei Asian Review.", "Nikkei Asian Review"),
    ("Almost up to date, now a piece for Foreign Policy about the importance of Central Asia.", "Foreign Policy"),
    ("It is a new year and I have been busy.", ""),
])
def test_outlet_parsing(text, outlet):
    assert parse_outlet(text) == outlet


def test_bio_names():
    assert bio_names("Nodirbek Soliev is a Senior Analyst and Raffaello Pantucci is a Senior Fellow at "
                     "the International Centre") == ["Nodirbek Soliev", "Raffaello Pantucci"]
    assert bio_names("In 2001, China is a member of the SCO and an important fellow traveller.") == []


def test_caption_recognition():
    units = to_units(["Chinese State Councilor and Foreign Minister Wang Yi speaks at the China plus",
                      "Central Asia (C+C5) foreign ministers’ meeting in Xi’an, May 12, 2021"])
    assert looks_like_caption(units[0])
    units = to_units(["The most recent bout of trouble emerged in Uzbekistan last month.\u00a0PHOTO: REUTERS"])
    assert looks_like_caption(units[0])
    units = to_units(["It remains to be seen whether these trends can hold."])
    assert not looks_like_caption(units[0])


def test_a_closing_line_after_an_unheaded_notes_list_is_not_a_note():
    """Regression: a short post whose notes ("1 First note." ...) are followed by an
    ordinary closing line crashed the splitter (the line was taken for note 4)."""
    from scripts.core import model as m
    from scripts.ingest.text_scrape import classify_post

    lines = ["A piece for the Journal of Examples that I wrote last month, about notes.",
             "On Notes and Their Endings",
             "This is the body of the piece, long enough to read as a paragraph of prose.",
             "1 First note.", "2 Second note.", "3 Third note.",
             "Thanks to the editors for their patience with this piece."]
    units = to_units([line for text in lines for line in (text, "")])
    roles = classify_post(units)
    kinds = [kind for kind, _, _ in roles]
    assert kinds[3:6] == [m.NOTE] * 3 and [n for _, _, n in roles[3:6]] == [1, 2, 3]
    assert kinds[6] != m.NOTE
