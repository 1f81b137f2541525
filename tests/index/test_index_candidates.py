"""index-candidates: acronyms with expansions, variant grouping, sentence-start filtering."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from scripts.index.terms import parse_terms
from scripts.index.candidates import find_candidates, fold, markdown_paragraphs

ROOT = Path(__file__).resolve().parents[2]

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


def test_cli_writes_the_report_and_never_touches_manuscript(tmp_path):
    terms = ROOT / "manuscript" / "index.yaml"
    before = terms.read_bytes()
    out = tmp_path / "index-candidates.md"
    sources = sorted((ROOT / "manuscript" / "sources").glob("*.txt"))
    result = subprocess.run([sys.executable, "-m", "scripts.index.candidates", "--terms", str(terms),
                             "--articles", str(tmp_path / "none"), "--out", str(out),
                             *map(str, sources)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    report = out.read_text(encoding="utf-8")
    assert report.startswith("# Index candidates") and "candidates** not yet located" in report
    assert terms.read_bytes() == before


def test_cli_reports_a_bad_terms_file_in_one_line(tmp_path):
    bad = tmp_path / "index.yaml"
    bad.write_text("entries:\n  - term: A\n    matchs: [a]\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "scripts.index.report", "--terms", str(bad),
                             "--articles", str(tmp_path), "--report", str(tmp_path / "r.md")],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2
    assert f"{bad}:3: unknown key 'matchs'" in result.stderr and "Traceback" not in result.stderr
