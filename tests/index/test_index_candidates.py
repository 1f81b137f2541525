"""index-candidates: acronyms with expansions, variant grouping, sentence-start filtering."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from scripts.core.paths import BookPaths
from scripts.index.candidates import find_candidates, fold, markdown_paragraphs
from scripts.index.terms import parse_terms
from tests.conftest import ROOT, demo_book_copy, run_stages

PARAGRAPHS = [
    "President Tokayev called on the Collective Security Treaty Organization (CSTO) for help.",
    "The CSTO sent troops; the Collective Security Treaty Organisation left in January.",
    "Militants of the Katibat al-Tawhid wal Jihad (KTJ) fought in Syria.",
    "The plight of Uyghurs in Xinjiang; the Uighur diaspora in Almaty.",
    "Uyghur groups met in Almaty, then in Almaty again.",
    "However, nothing changed. However, the Kremlin waited. Meanwhile the Kremlin spoke.",
    "Kyrgyzstan and Tajikistan clashed; Kyrgyzstan and Tajikistan agreed.",
    "REUTERS photo. Tajikistan. Later the Kremlin agreed.",
]


def by_phrase(candidates):
    return {c.phrase: c for c in candidates}


def test_acronyms_are_paired_with_their_expansions():
    found = by_phrase(find_candidates(PARAGRAPHS))
    assert found["CSTO"].expansion == "Collective Security Treaty Organization"
    assert found["KTJ"].expansion == "Katibat al-Tawhid wal Jihad"
    assert "REUTERS" not in found          # a shouted word, not an acronym


def test_spelling_variants_are_grouped():
    assert fold("Organisation") == fold("Organization")
    assert fold("Uighur") == fold("Uyghurs")
    assert fold("Rakhmon") == fold("Rahmon")
    found = by_phrase(find_candidates(PARAGRAPHS))
    uyghur = next(c for c in found.values() if fold(c.phrase) == fold("Uyghur"))
    assert set(uyghur.variants) == {"Uyghurs", "Uighur", "Uyghur"}
    csto = next(c for c in found.values() if c.phrase.startswith("Collective"))
    assert set(csto.variants) == {"Collective Security Treaty Organization",
                                  "Collective Security Treaty Organisation"}


def test_sentence_starters_and_pairs_of_names_are_not_candidates():
    found = by_phrase(find_candidates(PARAGRAPHS))
    assert "However" not in found and "Meanwhile" not in found
    assert "Kremlin" in found and "Almaty" in found
    assert "Kyrgyzstan and Tajikistan" not in found


def test_indexed_phrases_are_flagged():
    terms = parse_terms("entries:\n  - term: Almaty\n  - term: CSTO\n    match: [CSTO]\n")
    found = by_phrase(find_candidates(PARAGRAPHS, terms))
    assert found["Almaty"].indexed and found["CSTO"].indexed and not found["Kremlin"].indexed


def test_markdown_paragraphs_drop_notes_and_urls():
    text = ("---\ntitle: On the SCO\nheadnote: A note on Xi.\n---\n\nBody with a note.[^1] "
            "See <https://example.org/SCO>.\n\n[^1]: The Note Text Here.\n    More Note Text.\n\n"
            "Next paragraph.\n")
    assert markdown_paragraphs(text) == ["On the SCO", "A note on Xi.", "Body with a note. See .",
                                         "Next paragraph."]


def _built_chapters(tmp_path: Path, index_yaml: str | None) -> BookPaths:
    """A book folder with the given index terms and the fixture chapters already built."""
    book = demo_book_copy(tmp_path / "book", sources=[])
    paths = BookPaths.of(book, tmp_path / "build")
    shutil.copytree(ROOT / "tests" / "fixtures" / "articles", paths.articles)
    paths.articles_stamp.touch()
    assert run_stages(book, paths.build, "html") == 0
    # The terms come after the html stage (which marks them: a bad file would stop it there).
    if index_yaml is not None:
        (book / "index.yaml").write_text(index_yaml, encoding="utf-8")
    return paths


def test_cli_writes_the_report_and_never_touches_manuscript(tmp_path):
    terms = ROOT / "manuscript" / "index.yaml"
    before = terms.read_bytes()
    paths = _built_chapters(tmp_path, terms.read_text(encoding="utf-8"))
    result = subprocess.run([sys.executable, "-m", "scripts", "index-candidates", "--book", str(paths.book),
                             "--build", str(paths.build)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    report = (paths.reports / "index-candidates.md").read_text(encoding="utf-8")
    assert report.startswith("# Index candidates") and "candidates** not yet located" in report
    assert "3 articles in" in report                    # read from the built chapters, not the scrapes
    assert terms.read_bytes() == before


def test_candidates_need_the_built_articles_not_the_raw_scrapes(tmp_path, capsys):
    book = demo_book_copy(tmp_path / "book")
    assert run_stages(book, tmp_path / "build", "index-candidates") == 2
    assert "articles" in capsys.readouterr().err


def test_cli_reports_a_bad_terms_file_in_one_line(tmp_path):
    paths = _built_chapters(tmp_path, "entries:\n  - term: A\n    matchs: [a]\n")
    result = subprocess.run([sys.executable, "-m", "scripts", "index", "--book", str(paths.book),
                             "--build", str(paths.build)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2
    assert f"{paths.index_terms}:3: unknown key 'matchs'" in result.stderr and "Traceback" not in result.stderr


def test_a_book_without_index_terms_gets_a_report_saying_so(tmp_path):
    paths = _built_chapters(tmp_path, None)
    assert run_stages(paths.book, paths.build, "index") == 0
    assert "has no index" in (paths.reports / "index.md").read_text(encoding="utf-8")


# ---------------------------------------------------------------- topics (scripts/index/topics.py)

TOPIC_CHAPTERS = [
    ["Trade with China fell. The trade routes closed, and sanctions followed.",
     "They sought to push ahead with trade; the national mood was grim.",
     "Water is short: the water level in the lake falls."],
    ["Western sanctions bit hard. Energy exports stalled while trade slowed.",
     "A sanction on banks, then energy prices rose; the national debt grew.",
     "Rivers carry less water each year, and the national water agency worries."],
    ["Energy projects and trade deals resumed; they push for more.",
     "The sanctions regime held. Water talks began."],
]


def test_topic_nouns_are_proposed_across_chapters_and_others_are_not():
    from scripts.index.topics import find_topics
    topics = {t.word: t for t in find_topics(TOPIC_CHAPTERS)}
    assert {"trade", "sanction", "water", "energy"} <= set(topics)
    assert topics["sanction"].forms == {"sanctions": 3, "sanction": 1}      # one topic for both numbers
    assert topics["sanction"].shown == "sanctions"
    assert "national" not in topics            # an adjective (its ending)
    assert "push" not in topics                # a verb: it follows "to" and a pronoun
    assert "debt" not in topics and "bank" not in topics     # one chapter, too few paragraphs
    assert "year" not in topics                # too general to locate anything


def test_topics_the_index_already_locates_are_left_out():
    from scripts.index.candidates import _locates
    from scripts.index.topics import find_topics
    terms = parse_terms("entries:\n  - term: trade\n    match: [trade, trades]\n")
    topics = {t.word for t in find_topics(TOPIC_CHAPTERS, lambda word: _locates(word, terms))}
    assert "trade" not in topics and "water" in topics


def test_topics_of_a_real_blog_are_its_subjects():
    """The Rust blog (tests/corpus/rust-blog): what a reader would look up ranks first."""
    from scripts.index.topics import find_topics
    folder = ROOT / "tests" / "corpus" / "rust-blog" / "content"
    chapters = [markdown_paragraphs(path.read_text(encoding="utf-8")) for path in sorted(folder.rglob("*.md"))]
    top = [t.word for t in find_topics(chapters)[:40]]   # the report shows 40
    assert {"async", "trait", "crate", "compiler", "dependency", "ecosystem", "cargo"} <= set(top), top
    assert not {"it", "that", "larger", "older"} & set(top)


def test_parts_of_an_address_are_not_topics_and_i_m_is_not_a_name():
    """Seen on the CC Labs export (tests/corpus/cclabs-wxr): 'org' of creativecommons.org
    among the topics, and 'I’m', 'I’ve' seeded into a new book's index as names."""
    from scripts.index.topics import find_topics
    chapters = [["See wiki.creativecommons.org for the licence; the licence is short."] * 2,
                ["Mail info@example.org about the licence, or read creativecommons.org/licenses."] * 2]
    words = {t.word for t in find_topics(chapters)}
    assert "licence" in words and not {"org", "wiki", "info", "licenses", "example"} & words
    paragraphs = ["I’m sure I’ve said it: I’m glad.", "Then I’ve seen Nutch. I’m told Nutch works.",
                  "I’ll say it again and again: I’m here, and Nutch is too."]
    names = {c.phrase for c in find_candidates(paragraphs)}
    assert not {"I’m", "I’ve", "I’ll"} & names
