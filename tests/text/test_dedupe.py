"""The dedupe stage on real passages of the seeds: each kind of damage found, each legitimate
repeat kept, bios to the back matter, the editor's overrides, the audit."""

from __future__ import annotations

import copy
import json
import math
from itertools import combinations
from collections import Counter

import pytest

from scripts.core import model as m
from scripts.text.dedupe import (BIO_MOVED, Overrides, ShingleIndex, audit, block_keys, comparable, dedupe,
                            load_overrides, make_entry, render_html, RARE_MAX, TEMPLATES)
from scripts.core.errors import UserError
from scripts.text.dedupe_bios import completeness
from scripts.core.paths import BookPaths
from tests.conftest import by_slug, check_golden, demo_book_copy, run_stages

XI = "why-xi-jinping-chose-central-asia"
PERILS = "perils-ignoring-eurasian-instability"
TROUBLE = "trouble-brews-central-asia"
PAVING = "paving-digital-silk-road-with-shanghai"


@pytest.fixture(scope="module")
def outcome(normalised, book):
    return dedupe(copy.deepcopy(normalised), book.author)


@pytest.fixture(scope="module")
def after(outcome):
    return by_slug(outcome.articles)


def block(article: m.Article, block_id: str) -> m.Block:
    return next(b for b in article.blocks if b.id == block_id)


def removal(article: m.Article, block_id: str) -> m.Removal:
    return next(r for r in article.removed if r.block.id == block_id)


def kept_ids(article: m.Article) -> set[str]:
    return {b.id for b in article.blocks}


def article_of(*blocks: tuple[str, str], slug: str = "x") -> m.Article:
    made = [m.Block(kind=k, text=t, id=f"b{i}", source=m.SourceRef("x.txt", i + 1, i + 1))
            for i, (k, t) in enumerate(blocks)]
    return m.Article(slug=slug, source_file="x.txt", first_line=1, last_line=len(made), blocks=made)


# ---------------------------------------------------------------- the seeds, all decisions

def test_every_removal_on_the_seeds(outcome):
    """Golden: every block out of the chapters, why, and where its twin is."""
    rows = [{"article": a.slug, "block": r.block.id, "reason": r.reason, "twin": r.twin,
             "similarity": r.similarity} for a in outcome.articles for r in a.removed]
    check_golden("dedupe/removals.json", rows)


def test_removals_per_kind_on_the_seeds(outcome):
    counts = Counter(r.reason for a in outcome.articles for r in a.removed)
    assert counts == {"duplicate": 2, "glued-copy": 1, "pull-quote": 1, "sidebar-repeats-body": 2,
                      "bio-moved-to-back-matter": 13, "caption-without-image": 17,
                      "back-matter-heading": 3, "contributor-name-moved": 2}


# ---------------------------------------------------------------- each kind of damage

def test_paragraphs_repeated_exactly_leave_and_point_at_the_first(after):
    xi = after[XI]
    assert removal(xi, "b7").reason == "duplicate" and removal(xi, "b7").twin == f"{XI}#b5"
    assert removal(xi, "b7").block.text.startswith("Modern China’s relationship with Central Asia")
    # b8 repeats b6 once the copy glued onto b6 is cut off.
    assert removal(xi, "b8").reason == "duplicate" and removal(xi, "b8").twin == f"{XI}#b6"
    assert {"b4", "b5", "b6", "b9"} <= kept_ids(xi)


def test_a_glued_copy_is_cut_off_and_the_real_part_stays(after, normalised):
    xi = after[XI]
    host = block(xi, "b6")
    assert host.text.startswith("For China, the end of the Soviet Union")
    assert host.text.endswith("attempt to demilitarize what was a messy and ill-defined space.")
    tail = removal(xi, "b6-tail")
    assert tail.reason == "glued-copy" and tail.twin == f"{XI}#b4" and tail.similarity == 1.0
    assert tail.block.text.startswith("Chinese President Xi Jinping’s decision to make Central Asia")
    assert tail.block.source == host.source                      # the same source line
    original = block(by_slug(normalised)[XI], "b6").text
    assert f"{host.text} {tail.block.text}" == original           # nothing of the line is lost


def test_a_truncated_copy_leaves_even_when_cut_mid_word(normalised):
    body = block(by_slug(normalised)[TROUBLE], "b17").text        # "Nestled between China, Russia and Iran, ..."
    opening = body[:body.index("distance") + 5]                    # "... but dista"
    article = article_of((m.PARAGRAPH, opening), (m.PARAGRAPH, "Something else entirely, said here."),
                         (m.PARAGRAPH, body))
    result = dedupe([article], "Raffaello Pantucci")
    assert [(r.block.id, r.reason, r.twin) for _, r in result.removals] == [("b0", "truncated-copy", "x#b2")]
    assert [b.id for b in article.blocks] == ["b1", "b2"]


def test_a_title_case_pull_quote_with_reworded_text_leaves(after):
    perils = after[PERILS]
    quote = removal(perils, "b15")
    assert quote.reason == "pull-quote" and quote.twin == f"{PERILS}#b16"
    assert quote.block.text.startswith("Long Seen As Central Asia’s Wealthy Bulwark")
    assert 0.9 < quote.similarity < 1.0        # "Serve To Only Strengthen" / "only serve to strengthen"
    assert block(perils, "b16").text.startswith("Long seen as Central Asia’s wealthy bulwark")


def test_side_box_paragraphs_that_repeat_the_body_leave_the_rest_of_the_box_stays(after):
    trouble = after[TROUBLE]
    for block_id in ("b23", "b24"):
        assert removal(trouble, block_id).reason == "sidebar-repeats-body"
        assert removal(trouble, block_id).twin == f"{TROUBLE}#b17"
    assert "b17" in kept_ids(trouble)
    # The box's own content ("Causes for strife": borders, ethnicity, economy) stays.
    assert {f"b{n}" for n in range(25, 38)} <= kept_ids(trouble)


def test_the_author_bio_leaves_every_article(after):
    for article in after.values():
        assert not article.of_kind(m.BIO, m.CAPTION, m.CONTRIBUTOR, m.BACKMATTER_HEADING), article.slug
    bios = [r for a in after.values() for r in a.removed if r.reason == "bio-moved-to-back-matter"]
    assert len(bios) == 13
    chosen = "china-central-asia-uk-policy-options#b2"
    assert all(r.twin == chosen for r in bios if r.block.text.startswith("Raffaello Pantucci"))


def test_contributors_has_the_most_complete_bio_of_each_person(outcome):
    people = outcome.contributors
    author = people["author"]
    assert author["name"] == "Raffaello Pantucci"
    assert author["bio"].startswith("Raffaello Pantucci is a Senior Fellow at the S. Rajaratnam School")
    assert "Royal United Services Institute (RUSI) in London" in author["bio"]
    assert author["source"] == "002_90ad01e3225f3153.txt:7"
    by_name = {p["name"]: p for p in people["contributors"]}
    assert set(by_name) == {"Niva Yau", "Nodirbek Soliev"}
    assert by_name["Niva Yau"]["bio"].startswith("Niva Yau is a Senior Researcher at the OSCE Academy")
    assert by_name["Niva Yau"]["articles"] == [PAVING]
    assert by_name["Nodirbek Soliev"]["articles"] == ["central-asia"]


def test_completeness_counts_distinct_facts_not_repeated_words():
    short = "Jane Doe is a senior fellow at the Institute in Singapore."
    padded = "Jane Doe is a senior fellow at the Institute in Singapore, the Institute in Singapore."
    fuller = "Jane Doe is a senior fellow at the Institute in Singapore and author of Sinostan."
    assert completeness(padded)[0] == completeness(short)[0]
    assert completeness(fuller) > completeness(padded)


def test_captions_and_back_matter_lines_leave_with_their_reason(after):
    paving = after[PAVING]
    assert removal(paving, "b6").reason == "caption-without-image"
    assert removal(paving, "b51").reason == "back-matter-heading"       # "Additional information"
    assert removal(paving, "b52").reason == "back-matter-heading"       # "Notes on contributors"
    assert removal(paving, "b55").reason == "contributor-name-moved"    # "Niva Yau"
    assert removal(after["central-asia"], "b48").reason == "back-matter-heading"   # "About the Authors"


# ---------------------------------------------------------------- legitimate repeats stay

def test_a_standfirst_that_echoes_the_body_stays_and_so_does_the_body(after):
    look = after["2022-look-ahead-central-asia-will"]
    assert {"b2", "b18"} <= kept_ids(look)        # "Expect China and Russia to step in and take ..."
    uzbek = after["why-uzbekistan-kazakhstans-hopes-using-china"]
    assert {"b3", "b21"} <= kept_ids(uzbek)       # "Far from Beijing proving a hedge against Moscow ..."
    clout = after["chinas-growing-clout-central-asia"]
    assert {"b2", "b18"} <= kept_ids(clout)       # "A vacuum is developing ..."


def test_a_caption_that_echoes_the_body_leaves_as_a_caption_and_the_body_stays(after):
    trouble = after[TROUBLE]
    assert removal(trouble, "b3").reason == "caption-without-image" and removal(trouble, "b3").twin == ""
    assert block(trouble, "b7").text.startswith("The most recent bout of trouble in the region")


def test_notes_that_repeat_each_other_are_left_to_the_notes_stage(after):
    paving = after[PAVING]
    assert block(paving, "b98").text == block(paving, "b102").text      # the same source, cited twice
    assert {"b110", "b115", "b112", "b116"} <= kept_ids(paving)         # full and short citations
    assert {"b93", "b102"} <= kept_ids(after["central-asia"])


def test_a_short_shared_phrase_stays(after, normalised):
    trouble = after[TROUBLE]
    # Body b12 and box b30 share "have historically been locked in conflict with the rulers in Dushanbe".
    assert {"b12", "b30"} <= kept_ids(trouble)
    # A line shorter than a paragraph's worth of words, and a heading, may come back.
    line = "An unstable heartland is dangerous."
    article = article_of((m.HEADING, "Implications"), (m.PARAGRAPH, line), (m.PARAGRAPH, "Elsewhere, things differ."),
                         (m.HEADING, "Implications"), (m.PARAGRAPH, line))
    assert dedupe([article], "A").removals == []


def test_the_authors_reuse_of_a_paragraph_in_another_article_stays(normalised):
    articles = copy.deepcopy(normalised)
    xi, clout = by_slug(articles)[XI], by_slug(articles)["chinas-growing-clout-central-asia"]
    reused = block(xi, "b9")       # "This led to the creation of the Shanghai Five grouping, ..."
    clout.blocks.insert(5, m.Block(kind=m.PARAGRAPH, text=reused.text, source=reused.source, id="b99"))
    result = dedupe(articles, "Raffaello Pantucci")
    assert "b99" in kept_ids(clout) and "b9" in kept_ids(xi)
    kept = [(result.articles[k.article].slug, k.block.id) for k in result.kept]
    assert (clout.slug, "b99") in kept or (xi.slug, "b9") in kept     # listed for the editor


# ---------------------------------------------------------------- comparing text

def test_glued_note_markers_are_not_words():
    assert comparable("the forces.1 in Tashkent8 and the East”.2 as Liu Yazhou [1] said") == \
        comparable("the forces in Tashkent and the East” as Liu Yazhou said")
    assert comparable("some 12,000 railcars, COVID-19 and 2010") == \
        ("some", "12", "000", "railcars", "covid", "19", "and", "2010")


def test_a_repeat_that_lost_its_note_marker_is_still_a_repeat(normalised):
    text = block(by_slug(normalised)[XI], "b5").text
    marked = text.replace("Soviet Union.", "Soviet Union.3", 1)
    article = article_of((m.PARAGRAPH, marked), (m.PARAGRAPH, text))
    result = dedupe([article], "A")
    assert [(r.block.id, r.reason) for _, r in result.removals] == [("b1", "duplicate")]
    assert article.blocks[0].text == marked          # the copy with the marker stays


def test_stock_phrases_do_not_propose_pairs():
    blocks = [m.Block(kind=m.PARAGRAPH, id=f"b{n}", source=m.SourceRef("x", n, n),
                      text=f"At the same time as the others, paragraph {n} says word{n} thing{n} "
                           f"different{n} matters{n} here{n} now{n} entirely{n}.")
              for n in range(60)]
    index = ShingleIndex([make_entry(0, n, b) for n, b in enumerate(blocks)])
    assert index.candidates() == []


@pytest.mark.parametrize("share", [0.3, 0.6, 0.9])
def test_the_prefix_filter_finds_exactly_the_pairs_counting_every_pair_finds(share):
    """reused_across_articles looks at a few postings per block; counting the shared rare
    shingles of every pair of blocks must give the same pairs."""
    import random
    rng = random.Random(7)
    vocabulary = [f"w{n}" for n in range(40)]
    entries = []
    for number in range(120):
        words = [rng.choice(vocabulary) for _ in range(rng.randint(3, 30))]
        if number % 3 and entries:                     # borrow a stretch of an earlier block
            donor = rng.choice(entries).words
            words = list(donor[rng.randint(0, len(donor) // 3):]) + words[:rng.randint(0, 6)]
        block = m.Block(kind=m.PARAGRAPH, id=f"b{number}", text=" ".join(words),
                        source=m.SourceRef("x", number, number))
        entries.append(make_entry(number // 4, number, block))
    index = ShingleIndex(entries)
    rare = {s for s, p in index.postings.items() if len(p) <= RARE_MAX}
    expected = set()
    for a, b in combinations(range(len(entries)), 2):
        x, y = entries[a], entries[b]
        if x.article == y.article:
            continue
        smaller = min(len(x.shingles), len(y.shingles))
        if len(x.shingles & y.shingles & rare) >= math.ceil(share * smaller):
            expected.add((a, b))
    found = {tuple(sorted(pair)) for pair in index.reused_across_articles(share)}
    assert found == expected and len(expected) >= 5


# ---------------------------------------------------------------- idempotence

def test_running_on_its_own_output_removes_nothing_more(outcome, book):
    again = dedupe(copy.deepcopy(outcome.articles), book.author)
    assert again.removals == []
    # The same report (keys aside: cutting a glued copy off a paragraph changes its words,
    # so its key and that of its exact repeat differ between the two inputs).
    def rows(o):
        return sorted(({k: v for k, v in r.items() if k != "key"} for r in audit(o)["removals"]),
                      key=lambda r: (r["article"], r["block"]))
    assert rows(again) == rows(outcome)
    assert [[b.text for b in a.blocks] for a in again.articles] == \
        [[b.text for b in a.blocks] for a in outcome.articles]
    assert again.contributors == outcome.contributors


# ---------------------------------------------------------------- the editor's overrides

def key_of(articles: list[m.Article], slug: str, block_id: str) -> str:
    article = by_slug(articles)[slug]
    return block_keys(article)[(article.slug, block_id)]


def test_keep_and_drop_by_key(normalised, book):
    articles = copy.deepcopy(normalised)
    keep = key_of(articles, XI, "b7")
    drop = key_of(articles, XI, "b10")
    result = dedupe(articles, book.author, Overrides(keep={keep: 3}, drop={drop: (5, "off topic")}, file="d.yaml"))
    xi = by_slug(result.articles)[XI]
    assert "b7" in kept_ids(xi) and "b8" not in kept_ids(xi)
    assert removal(xi, "b10").reason == "editor-override" and removal(xi, "b10").detail == "off topic"
    assert {o["action"] for o in result.overridden} == {"keep", "drop"}


def test_keep_a_glued_copy_by_its_tail_key(normalised, book):
    articles = copy.deepcopy(normalised)
    from scripts.text.dedupe_keys import tail_key
    tail = tail_key(XI, block(by_slug(articles)[XI], "b4").text)      # the words of the copy
    result = dedupe(articles, book.author, Overrides(keep={tail: 1}, file="d.yaml"))
    xi = by_slug(result.articles)[XI]
    assert block(xi, "b6").text.endswith("given to today’s Chinese people by Heaven.’")
    assert not any(r.reason == "glued-copy" for r in xi.removed)


def test_the_key_is_stable_when_lines_move(normalised):
    articles = copy.deepcopy(normalised)
    before = key_of(articles, XI, "b7")
    xi = by_slug(articles)[XI]
    for b in xi.blocks:
        b.source = m.SourceRef(b.source.file, b.source.first_line + 40, b.source.last_line + 40)
    assert key_of(articles, XI, "b7") == before
    assert before.startswith(f"{XI}#") and before.endswith(".2")      # the second of two identical blocks


@pytest.mark.parametrize("text, line, message", [
    ("keep:\n  - a#1234abcd\nkepp:\n  - b#1234abcd\n", 3, "unknown key 'kepp'"),
    ("keep: why-xi#1234abcd\n", 1, "must be a list"),
    ("drop:\n  - key: x#1234abcd\n  - not a key\n", 3, "is not a block key"),
    ("keep:\n  - x#1234abcd\ndrop:\n  - x#1234abcd\n", 4, "under both keep and drop"),
    ("drop:\n  - key: x#1234abcd\n    because: reasons\n", 3, "unknown key 'because' in an entry"),
    ("keep: [unclosed\n", 2, "not valid YAML"),
])
def test_bad_overrides_are_clear_errors_with_the_line(tmp_path, text, line, message):
    path = tmp_path / "dedupe.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as error:
        load_overrides(path)
    assert message in error.value.message and error.value.line == line and error.value.file == str(path)


def test_an_override_naming_no_block_or_a_caption_is_an_error(normalised, book, tmp_path):
    path = tmp_path / "dedupe.yaml"
    path.write_text(f"keep:\n  - {XI}#00000000\n", encoding="utf-8")
    with pytest.raises(UserError, match="no block has the key") as error:
        dedupe(copy.deepcopy(normalised), book.author, load_overrides(path))
    assert error.value.line == 2
    caption = key_of(normalised, XI, "b3")
    path.write_text(f"drop: []\nkeep:\n  - {caption}\n", encoding="utf-8")
    with pytest.raises(UserError, match="caption, which cannot stay") as error:
        dedupe(copy.deepcopy(normalised), book.author, load_overrides(path))
    assert error.value.line == 3


def test_the_shipped_overrides_file_is_valid_and_empty():
    from tests.conftest import ROOT
    overrides = load_overrides(ROOT / "manuscript" / "dedupe.yaml")
    assert overrides.keep == {} and overrides.drop == {}


# ---------------------------------------------------------------- the audit

def test_the_report_shows_text_twin_similarity_and_key(outcome):
    report = audit(outcome)
    row = next(r for r in report["removals"] if r["article"] == PERILS and r["block"] == "b15")
    assert row["reason"] == "pull-quote" and row["twin"] == f"{PERILS}#b16"
    assert row["twin_text"].startswith("Long seen as") and row["text"].startswith("Long Seen As")
    assert row["key"].startswith(f"{PERILS}#") and row["source"] == "002_90ad01e3225f3153.txt:898"
    assert report["summary"]["pull-quote"] == 1
    keys = [b["key"] for a in report["articles"] for b in a["blocks"]]
    assert all(keys) and len(keys) == len(set(keys))


def test_the_html_report_escapes_scraped_text_and_highlights_the_change():
    evil = "<script>alert('x')</script> and a paragraph long enough to count as one."
    article = article_of((m.PARAGRAPH, evil), (m.PARAGRAPH, evil.replace("long", "lengthy")))
    result = dedupe([article], "A")
    html = render_html(audit(result), TEMPLATES)
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert '<span class="changed">long</span>' in html and '<span class="changed">lengthy</span>' in html


def test_the_cli_writes_model_contributors_and_reports(tmp_path, normalised):
    book = demo_book_copy(tmp_path / "book", sources=[])
    paths = BookPaths.of(book, tmp_path / "build")
    m.save_articles(paths.normalised_model, copy.deepcopy(normalised))
    assert run_stages(book, paths.build, "dedupe") == 0
    people = json.loads(paths.contributors.read_text(encoding="utf-8"))
    assert set(people) == {"author", "contributors"}
    assert (paths.reports / "dedupe.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert len(m.load_articles(paths.deduped_model)) == len(normalised)


def test_the_cli_says_what_is_missing(tmp_path, capsys):
    book = demo_book_copy(tmp_path / "book", sources=[])
    assert run_stages(book, tmp_path / "build", "dedupe") == 2
    err = capsys.readouterr().err
    assert "the dedupe stage needs" in err and "normalised.json" in err and "Traceback" not in err


def test_a_block_marked_as_pull_quote_leaves_with_or_without_a_twin(normalised):
    body = block(by_slug(normalised)[PERILS], "b16").text
    article = article_of((m.PARAGRAPH, body), (m.PULL_QUOTE, body.split("?")[0] + "?"),
                         (m.PULL_QUOTE, "Words that are nowhere in the chapter at all, said the quote box."))
    result = dedupe([article], "A")
    assert [(r.block.id, r.reason, r.twin) for _, r in result.removals] == \
        [("b1", "pull-quote", "x#b0"), ("b2", "pull-quote", "")]


# ---------------------------------------------------------------- repeats that are not copies

# Real passages: Brian Buccola, "The semantics of 'unless'" and "Implementing lists in the
# simply typed lambda calculus" (tests/corpus/buccola-md, CC BY 4.0), where the author
# writes a sentence again with one word or one symbol changed, on purpose.
SNOWING = "Floyd went and bought beer, and it was snowing outside."
NOT_SNOWING = "Floyd went and bought beer, and it was not snowing outside."
CONS = "If τ = [σ] and α ∈ Termσ and β ∈ Termτ, then (α : β) ∈ Termτ."
LIST = "If τ = [σ] and α ∈ Termσ and [β] ∈ Termτ, then [α, β] ∈ Termτ."


def removed_ids(result) -> list[str]:
    return [r.block.id for _, r in result.removals]


def kept_whys(result) -> list[str]:
    return [k.why for k in result.kept]


@pytest.mark.parametrize("origin", [m.TEXT_SCRAPE, "markdown"])
def test_a_sentence_and_its_negation_are_both_kept_whatever_the_source(origin):
    article = article_of((m.NUMBERED, SNOWING), (m.NUMBERED, NOT_SNOWING))
    article.origin = origin
    result = dedupe([article], "A")
    assert removed_ids(result) == [] and kept_ids(article) == {"b0", "b1"}
    assert any("(not)" in why for why in kept_whys(result))


def test_a_changed_number_is_not_a_copy():
    first = "The railway carried 12 million tonnes of freight across the border in that first year."
    article = article_of((m.PARAGRAPH, first), (m.PARAGRAPH, first.replace("12", "15")))
    result = dedupe([article], "A")
    assert removed_ids(result) == []
    assert any("(12, 15)" in why for why in kept_whys(result))


def test_the_same_words_with_different_symbols_are_not_a_copy():
    article = article_of((m.NUMBERED, CONS), (m.NUMBERED, LIST))
    result = dedupe([article], "A")
    assert removed_ids(result) == []
    assert any("different symbols" in why for why in kept_whys(result))


def test_a_scrape_still_loses_a_copy_that_differs_only_in_quotes_and_dashes():
    text = "He said \"the corridor\" would open in 2024 - and it did, to everyone's surprise, on time."
    curly = text.replace('"the', "“the").replace('corridor"', "corridor”").replace(" - ", " – ").replace("'", "’")
    article = article_of((m.PARAGRAPH, text), (m.PARAGRAPH, curly))
    assert removed_ids(dedupe([article], "A")) == ["b1"]


def test_a_source_that_marks_paragraphs_keeps_its_own_repeats_and_says_so():
    refrain = "We will not forget what happened on that street, and we will not let others forget it."
    scrape = article_of((m.PARAGRAPH, refrain), (m.PARAGRAPH, "Something else entirely."),
                        (m.PARAGRAPH, refrain), slug="scraped")
    post = copy.deepcopy(scrape)
    post.slug, post.origin = "posted", "wxr"
    result = dedupe([scrape, post], "A")
    assert [(result.articles[a].slug, r.block.id) for a, r in result.removals] == [("scraped", "b2")]
    assert kept_ids(post) == {"b0", "b1", "b2"}
    assert any("marks its own paragraphs" in why for why in kept_whys(result))


def test_a_pull_quote_in_a_post_still_leaves():
    body = "The pipeline was never about gas alone; it was about who would sit at the table in Ashgabat."
    post = article_of((m.PARAGRAPH, body), (m.PULL_QUOTE, body))
    post.origin = "html"
    assert removed_ids(dedupe([post], "A")) == ["b1"]


def test_a_bad_key_writes_the_audit_with_the_error_but_not_the_model(tmp_path, normalised, capsys):
    """The message sends the editor to dedupe.html for the current key: the stage writes that
    report (its own decisions, the error at the top, escaped) even though it fails."""
    book = demo_book_copy(tmp_path / "book", sources=[])
    (book / "dedupe.yaml").write_text("drop:\n  - key: no-such-article#0badc0de\n    note: <b>x</b>\n",
                                      encoding="utf-8")
    paths = BookPaths.of(book, tmp_path / "build")
    m.save_articles(paths.normalised_model, copy.deepcopy(normalised))
    assert run_stages(book, paths.build, "dedupe") == 2
    err = capsys.readouterr().err
    report = paths.reports / "dedupe.html"
    assert f"{book}/dedupe.yaml:2: no block has the key 'no-such-article#0badc0de'" in err
    assert f"copy the current key from {report}" in err
    page = report.read_text(encoding="utf-8")
    assert "The build stopped" in page and f"{book}/dedupe.yaml:2" in page
    data = json.loads((paths.reports / "dedupe.json").read_text(encoding="utf-8"))
    assert data["error"]["line"] == 2 and data["overrides"] == [] and data["removals"]
    assert not paths.deduped_model.exists() and not paths.contributors.exists()


# ---------------------------------------------------------------- the editor's bios

AUTHOR_BIO = "ties-that-bind-kazakhstan-china-are#3e85c958"       # a shorter bio of the author
CHOSEN_BIO = "002_90ad01e3225f3153.txt:7"                          # where the stage's choice is


def test_the_editor_chooses_another_bio_writes_one_or_leaves_one_out(normalised, book, tmp_path):
    path = tmp_path / "dedupe.yaml"
    path.write_text("bios:\n"
                    f"  {book.author}: {AUTHOR_BIO}\n"
                    "  Niva Yau:\n    text: \"Niva Yau  researches <China> in Central Asia.\"\n"
                    "  Nodirbek Soliev: none\n", encoding="utf-8")
    before = dedupe(copy.deepcopy(normalised), book.author).contributors
    assert before["author"]["source"] == CHOSEN_BIO
    result = dedupe(copy.deepcopy(normalised), book.author, load_overrides(path))
    people = {p["name"]: p for p in result.contributors["contributors"]}
    author = result.contributors["author"]
    assert author["source"] == "000_375b4828d7d8f646.txt:184" and author["chosen_by"] == "editor"
    assert author["bio"] != before["author"]["bio"] and author["bio"].startswith("Raffaello Pantucci")
    assert people["Niva Yau"]["bio"] == "Niva Yau researches <China> in Central Asia."
    assert people["Niva Yau"]["source"] == f"{path}:4"
    assert people["Nodirbek Soliev"]["bio"] == ""
    # What was overridden, for the audit; the removed bios say whose choice the back matter has.
    records = {o["person"]: o for o in result.overridden if o["action"] == "bio"}
    assert records[book.author]["detail"] == f"the bio from 000_375b4828d7d8f646.txt:184 instead of {CHOSEN_BIO}"
    assert records["Niva Yau"]["line"] == 4 and "own words" in records["Niva Yau"]["detail"]
    assert records["Nodirbek Soliev"]["detail"].startswith("no bio instead of")
    details = [r.detail for a in result.articles for r in a.removed if r.reason == BIO_MOVED]
    assert any(d.startswith(f"chosen by the editor ({path}:2)") for d in details)
    assert any("the editor's choice for Niva Yau" in d for d in details)
    html = render_html(audit(result), TEMPLATES)
    assert "the bio of Niva Yau: the editor&#39;s own words" in html
    # The books: the author's chosen bio, Niva Yau's words (escaped by the books' templates), no Soliev.
    from scripts.books.contributors import load_people
    people_file = tmp_path / "contributors.json"
    people_file.write_text(json.dumps(result.contributors), encoding="utf-8")
    assert [p.name for p in load_people(people_file)] == [book.author, "Niva Yau"]


@pytest.mark.parametrize("entry, line, message", [
    ("  Niva Yoo: none\n", 2, "no one called 'Niva Yoo'"),
    (f"  Niva Yau: {XI}#00000000\n", 2, "is no block's key"),
    ("  Niva Yau: the bio\n", 2, "is not a bio's key"),
    ("  Niva Yau:\n    txt: words\n", 3, "unknown key 'txt'"),
    ("  Niva Yau:\n    text: \"\"\n", 3, "is empty"),
])
def test_a_bad_bio_choice_is_an_error_with_the_line(normalised, book, tmp_path, entry, line, message):
    path = tmp_path / "dedupe.yaml"
    path.write_text("bios:\n" + entry, encoding="utf-8")
    with pytest.raises(UserError) as error:
        dedupe(copy.deepcopy(normalised), book.author, load_overrides(path))
    assert message in error.value.message and error.value.line == line and error.value.file == str(path)
    if "Yoo" in entry:
        assert "did you mean 'Niva Yau'?" in error.value.hint


def test_a_bio_choice_must_name_a_bio(normalised, book, tmp_path):
    path = tmp_path / "dedupe.yaml"
    path.write_text(f"bios:\n  Niva Yau: {key_of(normalised, XI, 'b3')}\n", encoding="utf-8")
    with pytest.raises(UserError, match="is a caption, not a bio") as error:
        dedupe(copy.deepcopy(normalised), book.author, load_overrides(path))
    assert error.value.line == 2
