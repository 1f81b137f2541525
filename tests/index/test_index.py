"""The index stage: terms file validation, matching, anchoring, sorting, ranges, rendering."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from scripts.core.errors import UserError
from scripts.index.match import Occurrence, find_terms, mark_occurrences
from scripts.index.render import (
    format_page_runs,
    group_by_letter,
    letter_of,
    locators_stable,
    merge_page_runs,
    missing_anchors,
    render_index_html,
    sort_key,
)
from scripts.index.terms import load_terms, parse_terms

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "index"
EPUB = "http://www.idpf.org/2007/ops"


@pytest.fixture(scope="module")
def book_terms():
    return load_terms(ROOT / "manuscript" / "index.yaml")


def terms_of(text: str):
    return parse_terms(text, "index.yaml")


SMALL = """
entries:
  - term: Shanghai Cooperation Organisation (SCO)
    match: [Shanghai Cooperation Organisation, Shanghai Cooperation Organization, SCO]
    see_also: [Shanghai Five]
  - term: Shanghai Five
  - term: Xi Jinping
    match: [Xi Jinping, Xi]
  - term: Uyghurs
    match: [Uyghurs, Uyghur, Uighurs, Uighur]
  - term: People's Armed Police (PAP)
    match: [People's Armed Police, PAP]
  - term: Kyrgyz–Tajik border conflict
    match: [Kyrgyz–Tajik border]
  - term: Kazakhstan
  - term: China
    main_locators: false
    subentries:
      - term: relations with Kazakhstan
        match: [Kazakhstan, Astana]
  - term: SCO
    see: Shanghai Cooperation Organisation (SCO)
  - term: Uighurs
    see: Uyghurs
  - term: The Straits Times
    match: [Straits Times]
  - term: Émigrés
    match: [emigres]
"""


@pytest.fixture(scope="module")
def small():
    return terms_of(SMALL)


def marked(html: str, terms, chapter: str = "ch01"):
    return mark_occurrences(html, chapter, terms)


def texts(occurrences):
    return [o.text for o in occurrences]


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize("text, line, words", [
    ("entries:\n  - term: A\n    matches: [a]\n", 3, "unknown key 'matches'"),
    ("entries:\n  - term: A\n  - term: B\n    match: [A]\n", 4, "locates two headwords"),
    ("entries:\n  - term: A\n    see_also: [Bee]\n  - term: Be\n", 3, "is not a headword"),
    ("entries:\n  - term: A\n    see: B\n    match: [x]\n  - term: B\n", 3, "has 'see' and also"),
    ("entries:\n  - term: A\n  - term: A\n", 3, "given twice"),
    ("entries:\n  - match: [x]\n", 2, "has no 'term:'"),
    ("entries:\n  - term: A\n    main_locators: false\n", 3, "could never have a locator"),
    ("entries:\n  - term: A\n    subentries:\n      - term: b\n", 4, "needs both 'term:' and 'match:'"),
    ("entries:\n  - term: A\n    match: [a\n  - term: B\n", 4, "not valid YAML"),
    ("entries:\n  - term: A\n    see: A\n", 3, "refers to itself"),
])
def test_validation_errors_name_the_line_and_the_problem(text, line, words):
    with pytest.raises(UserError) as caught:
        terms_of(text)
    assert words in caught.value.message
    assert caught.value.line == line
    assert caught.value.file == "index.yaml"


def test_unquoted_comma_in_see_also_gets_a_helpful_hint():
    with pytest.raises(UserError) as caught:
        terms_of('entries:\n  - term: "Ma, Jack"\n  - term: Alibaba\n    see_also: [Ma, Jack]\n')
    assert "'Ma'" in caught.value.message and "quoted" in caught.value.hint


def test_missing_file_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="missing"):
        load_terms(tmp_path / "index.yaml")


def test_yaml_typing_cannot_bite_phrases():
    terms = terms_of("entries:\n  - term: riots\n    match: [2009, NO]\n")
    assert terms.variants_for("riots") == ["2009", "NO"]


def test_book_terms_file_is_valid_and_big_enough(book_terms):
    headwords = [e for e in book_terms.entries.values() if e.see is None]
    assert len(headwords) >= 150
    assert sum(len(e.subentries) for e in headwords) >= 50
    sco = book_terms.entry("Shanghai Cooperation Organisation (SCO)")
    assert {"Shanghai Cooperation Organization", "SCO"} <= set(sco.phrases)
    assert {"Uyghur", "Uighur"} <= set(book_terms.variants_for("uyghurs"))


# ---------------------------------------------------------------- matching


def test_word_boundaries_acronyms_and_longest_match(small):
    html = ("<p>The SCO, not the SCOPE or sco; the Shanghai Cooperation Organization "
            "grew out of the Shanghai Five.</p>")
    _, found = marked(html, small)
    assert texts(found) == ["SCO", "Shanghai Cooperation Organization", "Shanghai Five"]
    assert [o.term for o in found] == ["shanghai-cooperation-organisation-sco"] * 2 + ["shanghai-five"]


def test_names_match_whatever_the_case_of_their_first_letter_only(small):
    _, found = marked("<p>uyghur groups; UYGHUR; uYGHUR; Uighurs.</p>", small)
    assert texts(found) == ["uyghur", "Uighurs"]


def test_possessive_matches_but_not_a_longer_word_after_an_apostrophe(small):
    _, found = marked("<p>Xi’s speech in Xi’an, and Xi's tour.</p>", small)
    assert texts(found) == ["Xi", "Xi"]


def test_apostrophe_dash_and_line_break_variants(small):
    html = "<p>People’s Armed\nPolice on the Kyrgyz-Tajik border.</p>"
    _, found = marked(html, small)
    assert texts(found) == ["People’s Armed Police", "Kyrgyz-Tajik border"]


def test_notes_urls_code_and_noindex_headings_are_skipped(small):
    html = ('<h2 data-noindex="1">SCO</h2>'
            '<section class="level2" data-noindex="1"><p>SCO in a section.</p></section>'
            '<p>Body SCO<a href="#fn1" class="footnote-ref" role="doc-noteref"><sup>1</sup></a> '
            'and <a href="https://sco.example/SCO">https://sco.example/SCO</a>, '
            'but a <a href="https://example.org">SCO link text</a>.</p>'
            '<aside role="doc-footnote"><p>SCO</p></aside>'
            '<aside epub:type="footnote"><p>SCO</p></aside>'
            '<div class="notes"><p>SCO</p></div>'
            '<section class="footnotes" role="doc-endnotes"><ol><li><p>SCO</p></li></ol></section>')
    out, found = marked(html, small)
    assert texts(found) == ["SCO", "SCO", "SCO"]            # section body, body, link text
    assert out.count('class="ix"') == 3


def test_output_is_well_formed_and_keeps_markup(small):
    html = ('<p>Tom &amp; Jerry on the SCO<a href="#fn1" class="footnote-ref" id="fnref1" '
            'role="doc-noteref"><sup>1</sup></a> and <em>Xi Jinping</em>.<br>Kazakhstan</p>')
    out, found = marked(html, small)
    tree = etree.fromstring(f"<root>{out}</root>")          # XML parser: well-formed
    assert "&amp; Jerry" in out
    assert tree.find(".//a").get("href") == "#fn1" and tree.find(".//sup").text == "1"
    assert '<span class="ix" id="ix-ch01-1">SCO</span>' in out
    assert "<em><span class=\"ix\" id=\"ix-ch01-2\">Xi Jinping</span></em>" in out
    ids = [el.get("id") for el in tree.iter() if el.get("id")]
    assert len(ids) == len(set(ids))
    assert [o.anchor_id for o in found] == ["ix-ch01-1", "ix-ch01-2", "ix-ch01-3"][:len(found)]


def test_full_xhtml_document_round_trips(small):
    doc = ('<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml" '
           'xmlns:epub="http://www.idpf.org/2007/ops"><head><title>SCO</title></head>'
           '<body><section epub:type="chapter"><h1>The SCO</h1><p>Xi Jinping spoke.</p>'
           '<aside epub:type="footnote" id="n1"><p>SCO</p></aside></section></body></html>')
    out, found = marked(doc, small)
    assert out.startswith("<?xml")
    tree = etree.fromstring(out.encode())
    spans = tree.findall(".//{http://www.w3.org/1999/xhtml}span")
    assert [s.get("id") for s in spans] == ["ix-ch01-1", "ix-ch01-2"]
    assert texts(found) == ["SCO", "Xi Jinping"]


def test_existing_ids_are_never_reused(small):
    out, found = marked('<p id="ix-ch01-1">SCO and SCO</p>', small)
    assert [o.anchor_id for o in found] == ["ix-ch01-2", "ix-ch01-3"]


def test_subentries_need_the_headword_in_the_same_paragraph(small):
    html = ("<p>China and China again, with Astana.</p>"
            "<p>China alone.</p>"
            "<p>Kazakhstan alone.</p>")
    _, found = marked(html, small)
    china = [o for o in found if o.term == "china"]
    # One locator, at China's first occurrence in the paragraph that names Astana;
    # "China alone" gives none because the entry keeps sub-entry locators only.
    assert [(o.anchor_id, o.text, o.sub) for o in china] == [
        ("ix-ch01-1", "China", "relations-with-kazakhstan")]
    assert [o.text for o in found if o.term == "kazakhstan"] == ["Kazakhstan"]


def test_find_terms_and_variants_for_let_the_pdf_check_its_pages(small):
    page_text = "Shanghai Cooperation\nOrganisation members met; the Uighur question."
    assert [key for _, key in find_terms(page_text, small)] == [
        "shanghai-cooperation-organisation-sco", "uyghurs"]
    assert small.variants_for("Uyghurs") == ["Uyghurs", "Uyghur", "Uighurs", "Uighur"]


def test_bad_chapter_id_is_refused(small):
    with pytest.raises(ValueError):
        marked("<p>SCO</p>", small, chapter="1 bad")


# ---------------------------------------------------------------- golden: a real chapter


def test_golden_real_chapter(book_terms):
    html = (FIXTURES / "chapter.html").read_text(encoding="utf-8")
    out, found = mark_occurrences(html, "ch13", book_terms)
    got = [f"{o.anchor_id} {o.term} {o.sub or '-'} {o.text}" for o in found]
    golden = (FIXTURES / "chapter.occurrences.txt").read_text(encoding="utf-8").splitlines()
    assert got == golden
    # Notes stay untouched: the CSTO and Kazakhstan in note 2 carry no anchor.
    notes = out[out.index('role="doc-endnotes"'):]
    assert 'class="ix"' not in notes
    etree.fromstring(f"<root>{out}</root>")


def test_fixture_matches_what_pandoc_makes_of_the_article():
    from scripts.content.chapters import markdown_to_html
    from scripts.index.report import chapter_xhtml
    fields = markdown_to_html((FIXTURES / "article.md").read_text(encoding="utf-8"), id_prefix="ch13-")
    html = chapter_xhtml(fields["title"][0], fields["subtitle"][0], fields["headnote"][0],
                         fields["body"][0])
    assert html + "\n" == (FIXTURES / "chapter.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------- pure helpers


def test_page_runs_merge_three_or_more_consecutive_pages():
    assert merge_page_runs(["14", "12", "13", "13", "20", "21", "30"]) == [
        ("12", "14"), ("20", None), ("21", None), ("30", None)]
    assert format_page_runs(merge_page_runs(["12", "13", "14", "20"])) == "12–14, 20"
    assert format_page_runs(merge_page_runs(["xi", "xii", "xiii", "3"])) == "xi–xiii, 3"
    assert merge_page_runs([]) == []
    assert merge_page_runs(["9", "10", "11"]) == [("9", "11")]


def test_sort_ignores_case_diacritics_and_a_leading_the():
    words = ["the Straits Times", "Émigrés", "emirates", "Shanghai Five", "SCO", "Sinophobia",
             "Ma, Jack", "Mackinder, Halford", "9/11 attacks", "Kok-Tash", "Kokand"]
    ordered = sorted(words, key=sort_key)
    assert ordered == ["9/11 attacks", "Émigrés", "emirates", "Kok-Tash", "Kokand", "Ma, Jack",
                       "Mackinder, Halford", "SCO", "Shanghai Five", "Sinophobia",
                       "the Straits Times"]
    assert letter_of("The Straits Times") == "S" and letter_of("Émigrés") == "E"
    assert letter_of("9/11 attacks") == "#"
    assert sort_key("and the CSTO deployment", sub=True)[0] == "csto deployment"


def test_letter_groups_put_numerals_first():
    groups = group_by_letter(["Zhanaozen", "9/11 attacks", "the Astana Times", "Almaty"])
    assert groups == [("#", ["9/11 attacks"]), ("A", ["Almaty", "the Astana Times"]),
                      ("Z", ["Zhanaozen"])]


def test_locators_stable_and_missing_anchors():
    assert not locators_stable(None, {"a": "1"})
    assert locators_stable({"a": "1"}, {"a": "1"})
    assert not locators_stable({"a": "1"}, {"a": "2"})
    occ = [Occurrence("a", "t", None, "ch01"), Occurrence("b", "t", None, "ch01")]
    assert missing_anchors(occ, {"a": "1"}) == ["b"]


# ---------------------------------------------------------------- rendering


@pytest.fixture(scope="module")
def small_occurrences(small):
    chapters = {
        "ch01": "<p>The SCO met.</p><p>Kazakhstan and China, in Astana.</p><p>Uyghur rights.</p>",
        "ch02": "<p>The Shanghai Cooperation Organization again.</p><p>SCO.</p><p>The SCO.</p>"
                "<p>Straits Times.</p>",
    }
    return [o for cid, html in chapters.items() for o in marked(html, small, cid)[1]]


def parse_fragment(fragment: str):
    return etree.fromstring(f'<root xmlns:epub="{EPUB}">{fragment}</root>')


def test_epub_index_semantics_and_links(small, small_occurrences):
    html = render_index_html(small, small_occurrences, target="epub",
                             chapter_href=lambda c: f"{c}.xhtml")
    root = parse_fragment(html)
    kind = f"{{{EPUB}}}type"
    index = root.find("section")
    assert index.get(kind) == "index"
    assert [g.findtext("h2") for g in index.findall("section")] == ["C", "K", "S", "U"]
    assert all(ul.get(kind) == "index-entry-list" for ul in index.iter("ul"))
    sco = root.find(".//li[@id='ixe-shanghai-cooperation-organisation-sco']")
    links = [(a.text, a.get("href")) for a in sco.findall("a")]
    # One link per passage; two passages in chapter 2 are numbered 2.1, 2.2...
    assert links == [("1", "ch01.xhtml#ix-ch01-1"), ("2.1", "ch02.xhtml#ix-ch02-1"),
                     ("2.2", "ch02.xhtml#ix-ch02-2"), ("2.3", "ch02.xhtml#ix-ch02-3")]
    assert all(a.get(kind) == "index-locator" for a in sco.findall("a"))
    # Shanghai Five never occurs, so the "see also" pointing at it is dropped.
    assert sco.find("span[@class='ix-see-also']") is None


def test_see_and_see_also_are_italic_and_point_at_entries(small, small_occurrences):
    html = render_index_html(small, small_occurrences + [
        Occurrence("x", "shanghai-five", None, "ch03")], target="epub", chapter_href=lambda c: c)
    root = parse_fragment(html)
    see = root.find(".//li[@id='ixe-sco']/span[@class='ix-see']")
    assert see.get("class") == "ix-see" and see.find("i").text == "See"
    assert see.find("a").get("href") == "#ixe-shanghai-cooperation-organisation-sco"
    also = root.find(".//li[@id='ixe-shanghai-cooperation-organisation-sco']/span[@class='ix-see-also']")
    assert also.find("i").text == "See also" and also.find("a").get("href") == "#ixe-shanghai-five"
    assert also.get(f"{{{EPUB}}}type") == "index-xref-related"
    assert also.find("a").get(f"{{{EPUB}}}type") == "index-term"
    # A 'see' whose target has no locators would send the reader nowhere: it is dropped.
    assert root.find(".//li[@id='ixe-uighurs']") is not None
    assert root.find(".//li[@id='ixe-emigres']") is None


def test_pdf_index_uses_pages_with_ranges(small, small_occurrences):
    sco_anchors = [o.anchor_id for o in small_occurrences if o.term.startswith("shanghai-coop")]
    page_of = {o.anchor_id: "7" for o in small_occurrences}
    page_of.update(zip(sco_anchors, ["3", "12", "13", "14"]))
    html = render_index_html(small, small_occurrences, target="pdf", page_of=page_of)
    root = parse_fragment(html)
    assert root.find("section").get(f"{{{EPUB}}}type") is None
    sco = root.find(".//li[@id='ixe-shanghai-cooperation-organisation-sco']")
    assert [a.text for a in sco.findall("a")] == ["3", "12–14"]
    assert sco.findall("a")[1].get("href") == "#" + sco_anchors[1]
    china = root.find(".//li[@id='ixe-china']")
    sub = china.find("ul/li")
    assert sub.findtext("span") == "relations with Kazakhstan" and sub.findtext("a") == "7"
    first_pass = render_index_html(small, small_occurrences, target="pdf", page_of=None)
    assert "00" in first_pass and "<a" in first_pass


def test_epub_without_chapter_href_is_a_programming_error(small):
    with pytest.raises(ValueError):
        render_index_html(small, [], target="epub")


# ---------------------------------------------------------------- the real book


@pytest.fixture(scope="session")
def real_chapters(tmp_path_factory):
    """The demo book's chapters, built for this test from the seeds (a fresh clone has no build/)."""
    from scripts.index.report import chapter_sources
    from tests.conftest import demo_book_copy, run_stages
    folder = tmp_path_factory.mktemp("real-book")
    book = demo_book_copy(folder / "book", editor_files=("dedupe.yaml",))
    assert run_stages(book, folder / "build", "split", "normalise", "dedupe", "notes", "articles", "html") == 0
    return chapter_sources(folder / "build" / "articles")


def test_real_book_every_anchor_starts_at_a_variant(book_terms, real_chapters):
    occurrences = []
    for chapter_id, html in real_chapters:
        out, found = mark_occurrences(html, chapter_id, book_terms)
        tree = etree.fromstring(f'<root xmlns:epub="{EPUB}">{out}</root>')
        for anchor in tree.iter("span"):
            if anchor.get("class") != "ix":
                continue
            following = "".join(anchor.itertext()) + (anchor.tail or "")
            for sibling in anchor.itersiblings():
                # A note reference's number is not part of the running text.
                is_noteref = "footnote-ref" in (sibling.get("class") or "")
                following += ("" if is_noteref else "".join(sibling.itertext())) + (sibling.tail or "")
            terms_here = {o.term for o in found if o.anchor_id == anchor.get("id")}
            hits = find_terms(following[:120], book_terms)
            assert hits and following.startswith(hits[0][0]) and hits[0][1] in terms_here, following[:40]
        occurrences += found
    assert len({o.term for o in occurrences}) >= 150
    fragment = render_index_html(book_terms, occurrences, target="epub",
                                 chapter_href=lambda c: f"{c}.xhtml")
    parse_fragment(fragment)


def test_subentries_need_their_phrase_near_the_headword_in_one_sentence(small):
    html = "<p>China signed deals. Later, in Astana, leaders met.</p><p>China courts Astana.</p>"
    _, found = marked(html, small)
    # The first paragraph names Astana in another sentence: no sub-entry there.
    assert [(o.text, o.sub) for o in found if o.term == "china"] == [
        ("China", "relations-with-kazakhstan")]
    assert [o.block for o in found if o.term == "china"] == [2]        # the second paragraph


def test_items_of_one_list_are_not_a_sub_entry(small):
    _, found = marked("<p>It brings together Russia, China, Iran, Kazakhstan and others.</p>", small)
    assert not [o for o in found if o.sub]


def test_a_pair_in_a_longer_list_or_after_both_or_as_well_as_is_not_a_sub_entry(small):
    for sentence in ("Drones came from Iran, China and the Kazakhstan border.",
                     "Arrests were made in both China and Kazakhstan.",
                     "Violence took place in Kazakhstan as well as China."):
        _, found = marked(f"<p>{sentence}</p>", small)
        assert not [o for o in found if o.sub], sentence
    _, found = marked("<p>China and Kazakhstan signed a treaty.</p>", small)
    assert [o.sub for o in found if o.term == "china"] == ["relations-with-kazakhstan"]


WITH = """
entries:
  - term: Tajikistan
    subentries:
      - term: border clashes with Kyrgyzstan
        match: [Kyrgyzstan, Kyrgyz]
        with: [border, clashes]
  - term: Kyrgyzstan
"""


def test_a_with_phrase_must_also_be_in_the_sentence():
    terms = terms_of(WITH)
    _, found = marked("<p>Tajikistan and Kyrgyzstan are poor. Tajikistan and Kyrgyzstan clashes grew.</p>", terms)
    assert [(o.term, o.sub) for o in found if o.term == "tajikistan"] == [
        ("tajikistan", None), ("tajikistan", "border-clashes-with-kyrgyzstan")]
    with pytest.raises(UserError, match="'wiht'"):
        terms_of(WITH.replace("with: [", "wiht: ["))


DOUBLE = """
entries:
  - term: China
    match: [China, Beijing]
    subentries:
      - term: relations with Kazakhstan
        match: [Kazakhstan, Kazakh, Astana]
  - term: Kazakhstan
    subentries:
      - term: China's relations with
        match: [China, Chinese, Beijing]
"""


def test_double_postings_give_the_same_anchors():
    terms = terms_of(DOUBLE)
    html = ("<p>Kazakhstan courts Beijing. Chinese firms came to Astana.</p>"
            "<p>China and Kazakhstan signed; Kazakhstan alone.</p>")
    _, found = marked(html, terms)
    china = [o.anchor_id for o in found if o.term == "china" and o.sub]
    kazakhstan = [o.anchor_id for o in found if o.term == "kazakhstan" and o.sub]
    assert china == kazakhstan and len(china) == 2


def test_a_full_stop_after_an_abbreviation_does_not_end_a_sentence():
    from scripts.index.match import sentence_spans
    text = "The U.S. and Mr. Li met on 11 Sept. 2001 here. Then China left."
    assert [text[s:e].strip() for s, e in sentence_spans(text)] == [
        "The U.S. and Mr. Li met on 11 Sept. 2001 here.", "Then China left."]
