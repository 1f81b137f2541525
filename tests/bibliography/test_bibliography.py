"""The bibliography stage on the real notes of the seeds: golden output, resolution,
merging, overrides and the formatted HTML."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from scripts.bibliography.build import build_bibliography, csl_output, foreign_title, run
from scripts.bibliography.names import is_host, organisation_forms
from scripts.bibliography.overrides import load_overrides
from scripts.bibliography.parse import fold
from scripts.bibliography.sample import draw
from scripts.core.errors import UserError
from scripts.core.model import Article, Note, save_articles
from tests.conftest import check_golden, demo_book_copy, run_stages
from tests.seed_notes import ROOT, seed_articles

RUSI = "central-asia"
SCO = "paving-digital-silk-road-with-shanghai"
FP = "why-xi-jinping-chose-central-asia"


@pytest.fixture(scope="module")
def seeds():
    items, cited_in, report = build_bibliography(seed_articles())
    ids_by_note = {}
    for citation in report.citations:
        ids_by_note.setdefault(f"{citation.slug}#{citation.note}", []).append(citation.id)
    return items, cited_in, report, ids_by_note


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The real CLI outputs, built once: model file in, JSON + HTML + report out."""
    root = tmp_path_factory.mktemp("bib")
    noted = root / "model" / "noted.json"
    save_articles(noted, seed_articles())
    items, report = run(noted, root, root / "reports", root / "absent.yaml", "en-GB")
    return root, items, report


def golden_view(items, report):
    """Every work, what each note resolved to (and how), and why notes yielded nothing."""
    notes = {}
    for c in report.citations:
        notes.setdefault(f"{c.slug}#{c.note}", []).append({"id": c.id, "how": c.how})
    return {"items": items, "notes": notes,
            "unreferenced": {f"{u.slug}#{u.note}": u.reason for u in report.unreferenced}}


def test_golden_structured_output(seeds):
    items, _, report, _ = seeds
    actual = json.loads(json.dumps(golden_view(items, report), ensure_ascii=False, sort_keys=True))
    check_golden("bibliography/seeds.json", actual)


def test_counts_on_the_seeds(seeds):
    items, _, report, _ = seeds
    assert report.notes == 54 + 89 + 3
    assert len(report.citations) == 147
    assert report.works == len(items) == 137
    assert sorted(f"{u.slug}#{u.note}" for u in report.unreferenced) == sorted(
        [f"{RUSI}#{n}" for n in (3, 25, 27, 45, 46)] + [f"{SCO}#34", f"{SCO}#37"])


def test_no_ibid_entry_and_ibid_is_the_previous_work(seeds):
    items, _, _, ids = seeds
    assert not any(re.match(r"(?i)\s*ibid", i.get("title", "")) for i in items)
    assert ids[f"{RUSI}#30"] == ids[f"{RUSI}#29"]


@pytest.mark.parametrize("short, full", [
    (f"{SCO}#26", f"{SCO}#25"),      # "SCO, ‘SCO Promotes Transport Links’." -- acronym
    (f"{SCO}#57", f"{SCO}#39"),      # "Erokhin, ‘Comparative Analysis ...’." -- family name
    (f"{SCO}#59", f"{SCO}#55"),
    (f"{SCO}#77", f"{SCO}#74"),      # unclosed quote in the short form
    (f"{RUSI}#42", f"{RUSI}#29"),    # "UNSC" ~ United Nations Security Council
    (f"{RUSI}#53", f"{RUSI}#44"),    # unquoted report title
    (f"{SCO}#71", f"{SCO}#41"),      # "As highlighted in note 41."
])
def test_short_forms_resolve_to_the_full_reference(seeds, short, full):
    _, _, _, ids = seeds
    assert ids[short] == ids[full][:1] or ids[short] == ids[full]


def test_identical_notes_are_one_work(seeds):
    _, cited_in, _, ids = seeds
    assert ids[f"{SCO}#41"] == ids[f"{SCO}#45"]
    notes = [place["note"] for place in cited_in[ids[f"{SCO}#41"][0]]]
    assert notes == [41, 45, 71]


def test_discursive_and_multi_source_notes(seeds):
    _, _, _, ids = seeds
    assert len(ids[f"{RUSI}#32"]) == 2           # prose, then two works after "See"
    assert len(ids[f"{RUSI}#22"]) == 1
    assert len(ids[f"{SCO}#69"]) == 2
    assert len(set(ids[f"{FP}#1"] + ids[f"{FP}#2"] + ids[f"{FP}#3"])) == 3  # bare addresses


def test_one_address_for_two_works_is_kept_apart_and_reported(seeds):
    _, _, report, ids = seeds
    assert ids[f"{RUSI}#15"] != ids[f"{RUSI}#52"][1]
    assert any("one address for different works" in p for p in report.problems)


def test_acronym_author_is_spelt_out_within_the_article(seeds):
    items, _, _, ids = seeds
    item = next(i for i in items if i["id"] == ids[f"{SCO}#30"][0])
    assert item["author"] == [{"literal": "Shanghai Cooperation Organisation"}]


def test_ids_are_unique_and_simple(seeds):
    items, cited_in, _, _ = seeds
    ids = [i["id"] for i in items]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9-]*", i) for i in ids)
    assert sorted(cited_in) == sorted(ids)


# ---------------------------------------------------------------- outputs

def test_html_is_citeprocs_with_one_entry_per_work(built):
    root, items, _ = built
    html = (root / "bibliography.html").read_text(encoding="utf-8")
    entries = re.findall(r'<div id="ref-([^"]+)" class="csl-entry"', html)
    assert sorted(entries) == sorted(i["id"] for i in items)
    assert "Ibid" not in html and "Originally published" not in html
    # Chicago author-date: "Family, Given. Year." -- and citeproc sorted it, not us.
    assert re.search(r'id="ref-erokhin-2020[^"]*"[^>]*>\s*Erokhin, Dmitry\. 2020\.', html)


def test_csl_json_and_citations_files(built):
    root, items, _ = built
    assert json.loads((root / "bibliography.json").read_text(encoding="utf-8")) == csl_output(items)
    cited = json.loads((root / "bibliography-citations.json").read_text(encoding="utf-8"))
    assert cited[items[0]["id"]][0].keys() == {"slug", "chapter", "note"}
    report = (root / "reports" / "bibliography.md").read_text(encoding="utf-8")
    assert "distinct works in the bibliography: 137" in report
    assert f"`{RUSI}#46`" in report                   # a note with no reference, listed


def test_scraped_markup_stays_text(tmp_path):
    note = ("Jane Doe, ‘Why <i>Markup</i> & <script>alert(1)</script> Stays Text’, Example News,"
            " 1 May 2020, <https://example.org/a>.")
    article = Article(slug="a", source_file="x.txt", first_line=1, last_line=1,
                      notes=[Note(number=1, text=note)])
    save_articles(tmp_path / "noted.json", [article])
    run(tmp_path / "noted.json", tmp_path, tmp_path / "reports", tmp_path / "none.yaml", "en-GB")
    html = (tmp_path / "bibliography.html").read_text(encoding="utf-8")
    assert "<script" not in html and "<em>Markup" not in html
    assert "&lt;script&gt;" in html.lower()          # shown as text (citeproc title-cases it)


# ---------------------------------------------------------------- overrides

def write(tmp_path, text):
    path = tmp_path / "bibliography.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_overrides_replace_fix_and_rename(tmp_path):
    overrides = load_overrides(write(tmp_path, f"""
notes:
  "{SCO}#37":
    references: []
    reason: unpublished interview
  "{SCO}#7":
    references:
      - type: chapter
        author: [{{family: Jiang, given: Zemin}}]
        title: Bùshīshíjī dì shíshī xībù dà kāifā zhànlüè
        container-title: Selected Works of Jiang Zemin
        volume: 2
        issued: 1999-06-17
  "{SCO}#40":
    fix: {{author: The Business Year}}
names:
  Xi Jinping: {{family: Xi, given: Jinping}}
"""))
    items, _, report = build_bibliography(seed_articles(), overrides)
    by_note = {f"{c.slug}#{c.note}": c for c in report.citations}
    assert by_note[f"{SCO}#7"].item["type"] == "chapter"
    assert by_note[f"{SCO}#7"].item["issued"] == {"date-parts": [[1999, 6, 17]]}
    assert by_note[f"{SCO}#40"].item["author"] == [{"literal": "The Business Year"}]
    assert by_note[f"{SCO}#3"].item["author"] == [{"family": "Xi", "given": "Jinping"}]
    assert not by_note[f"{SCO}#3"].warnings
    reasons = {f"{u.slug}#{u.note}": u.reason for u in report.unreferenced}
    assert reasons[f"{SCO}#37"] == "unpublished interview"


@pytest.mark.parametrize("text, message, line", [
    ("notes:\n  nohash: {fix: {title: x}}\n", "not a note key", 2),
    ("notes:\n  \"a#1\":\n    fix: {titel: x}\n", "unknown key 'titel' in a reference", 3),
    ("notes:\n  \"a#1\":\n    fix: {titel: x}\n", "did you mean 'title'?", 3),
    ("notes:\n  \"a#1\":\n    references: []\n", "say why", 3),
    ("notes:\n  \"a#1\": {references: [{title: t, type: blog}]}\n", "unknown CSL type", 2),
    ("notes:\n  \"a#1\": {references: [{title: t, issued: last May}]}\n", "not a date", 2),
    ("names:\n  X: [1, 2]\n", "a name is", 2),
    ("bibliography:\n  - x\n", "unknown key 'bibliography'", 1),
    ("notes: [\n", "not valid YAML", 2),
])
def test_override_mistakes_are_clear_errors(tmp_path, text, message, line):
    with pytest.raises(UserError) as error:
        load_overrides(write(tmp_path, text))
    assert message in str(error.value)
    assert error.value.line == line


def test_override_for_a_missing_note_or_a_wrong_fix_count(tmp_path):
    with pytest.raises(UserError, match="no note 999 in article"):
        build_bibliography(seed_articles(), load_overrides(write(
            tmp_path, f"notes:\n  \"{SCO}#999\": {{fix: {{title: x}}}}\n")))
    with pytest.raises(UserError, match="the fix has 1 entry but the note yields 2"):
        build_bibliography(seed_articles(), load_overrides(write(
            tmp_path, f"notes:\n  \"{SCO}#69\": {{fix: {{title: x}}}}\n")))


def test_cli_reports_a_missing_input_in_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "scripts", "bibliography", "--book", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr


def test_link_definition_label_is_not_part_of_the_note():
    article = Article(slug="a", source_file="x.txt", first_line=1, last_line=1, notes=[Note(
        number=1, text="[1]: https://www3.nd.edu/~pmoody/AdvanceTowardWest.pdf")])
    items, _, report = build_bibliography([article])
    assert items[0]["URL"] == "https://www3.nd.edu/~pmoody/AdvanceTowardWest.pdf"
    assert report.low_confidence[0].warnings == [
        "only an address is given: the site's name stands as author"]


def test_same_result_from_the_pipelines_own_note_blocks(tmp_path, seeds):
    """The NOTE / LINK_DEFINITION blocks the split and normalise stages produce from the
    seeds give the same bibliography as the notes read straight from the raw lines
    (tests/seed_notes.py): the two readings check each other."""
    from scripts.core.model import LINK_DEFINITION, NOTE, load_articles

    book = demo_book_copy(tmp_path / "book")
    assert run_stages(book, tmp_path / "build", "split", "normalise") == 0
    articles = load_articles(tmp_path / "build" / "model" / "normalised.json")
    for article in articles:
        article.notes = [Note(number=b.number, text=b.text) for b in article.blocks
                         if b.kind in (NOTE, LINK_DEFINITION) and b.number is not None]
    articles = [a for a in articles if a.notes]
    assert {a.slug for a in articles} == {RUSI, SCO, FP}
    items, _, report = build_bibliography(articles)
    seed_items, _, seed_report, _ = seeds
    assert report.notes == seed_report.notes
    assert sorted(i["id"] for i in items) == sorted(i["id"] for i in seed_items)


# ---------------------------------------------------------------- what a press would refuse

def test_a_site_standing_as_author_takes_the_name_other_notes_give_it(seeds):
    items, _, report, ids = seeds
    by_id = {i["id"]: i for i in items}
    # An English page of mofcom.gov.cn: the ministry the works at www.mofcom.gov.cn are by
    # (not the embassy at tm.mofcom.gov.cn, another office).
    assert by_id[ids[f"{FP}#2"][0]]["author"] == [
        {"literal": "People’s Republic of China Ministry of Commerce"}]
    # "These are all recorded on the SCO website, <http://eng.sectsco.org/>".
    assert by_id[ids[f"{SCO}#60"][0]]["author"] == [{"literal": "Shanghai Cooperation Organisation"}]
    # No other note names finance.yahoo.com: it stays, and the report says so.
    assert "finance.yahoo.com" in {s.host for s in report.names.undecided}
    assert by_id[ids[f"{SCO}#87"][0]]["author"] == [{"literal": "finance.yahoo.com"}]


def test_the_editors_table_names_sites_and_unifies_forms(tmp_path):
    overrides = load_overrides(write(tmp_path, """
organisations:
  Uzbekistan National News Agency: [UzA]
  Yahoo Finance: finance.yahoo.com
"""))
    items, _, report = build_bibliography(seed_articles(), overrides)
    forms = organisation_forms(items)
    assert "UZA" not in forms and forms["Uzbekistan National News Agency"] == 2
    assert forms["Yahoo Finance"] == 1 and not any(is_host(f) and "yahoo" in f for f in forms)
    assert not any(s.host == "finance.yahoo.com" for s in report.names.undecided)


def test_a_form_the_notes_never_write_is_an_error_with_a_suggestion(tmp_path):
    path = write(tmp_path, "organisations:\n  Xinhua News Agency: [Xinhau]\n")
    with pytest.raises(UserError) as error:
        build_bibliography(seed_articles(), load_overrides(path))
    assert error.value.line == 2 and "no note names 'Xinhau'" in error.value.message
    assert "did you mean 'Xinhua'?" in error.value.hint


def test_one_form_per_organisation(seeds):
    items, _, report, _ = seeds
    forms = organisation_forms(items)
    assert "United Nations Security Council" in forms and "UN Security Council" not in forms
    assert "The Wall Street Journal" in forms and "Wall Street Journal" not in forms
    spelt = {(r.written, r.printed) for r in report.names.rewrites}
    assert ("UN Security Council", "United Nations Security Council") in spelt


def test_no_invented_genre(seeds, built):
    items, _, _, ids = seeds
    by_id = {i["id"]: i for i in items}
    # "Kursiv, ‘…’, 8 October 2019": no outlet, no address.  Chicago prints the CSL type
    # "article" as a preprint, which no note says.
    assert by_id[ids[f"{SCO}#79"][0]]["type"] == "document"
    assert not any(i["type"] == "article" for i in items)
    html = (built[0] / "bibliography.html").read_text(encoding="utf-8")
    assert "Preprint" not in html


def test_a_volume_before_the_title_makes_the_first_field_a_book(seeds):
    items, _, _, ids = seeds
    item = next(i for i in items if i["id"] == ids[f"{SCO}#7"][0])
    assert item["type"] == "chapter" and item["volume"] == "2" and "author" not in item
    assert item["container-title"] == "Selected works of Jiang Zemin"


def test_name_particles_in_a_title_are_not_title_cased(built):
    html = (built[0] / "bibliography.html").read_text(encoding="utf-8")
    # The note writes "Terrorist Designation of Katibat al Tawhid wal Jihad".
    assert "Katibat al Tawhid wal Jihad" in html


def test_a_title_in_another_language_without_translation_is_marked():
    vocabulary = {fold(w) for w in "the president arrested tajimuratov dauletmurat gbao".split()}
    assert foreign_title("Prezident Poruchil Obespechit’ Realizatsiyu Proyektov po Razvitiyu GBAO",
                         vocabulary)
    assert not foreign_title("Dauletmurat Tajimuratov Arrested", vocabulary)
    assert not foreign_title("Ant’s Record IPO Suspended in Shanghai Stock Exchanges", vocabulary)


def test_the_sample_is_the_same_notes_for_the_same_seed(built):
    root = built[0]
    first, again = draw(root, 10, 13), draw(root, 10, 13)
    assert [s.note_key for s in first] == [s.note_key for s in again]
    assert len({s.entry_id for s in first}) == 10
    cited = json.loads((root / "bibliography-citations.json").read_text(encoding="utf-8"))
    for s in first:
        assert s.note_key in {f"{p['slug']}#{p['note']}" for p in cited[s.entry_id]}
        assert s.entry != "(not in the formatted list)"
    assert [s.note_key for s in draw(root, 10, 14)] != [s.note_key for s in first]
