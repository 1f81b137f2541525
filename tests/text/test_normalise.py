"""Each normalisation rule on real passages of the seeds, and the record of every fix."""

from __future__ import annotations

from collections import Counter

from scripts.core import model as m
from scripts.text.normalise import (Corpus, fix_dashes_and_ellipses, fix_quotes, fix_spaces, is_all_caps,
                               normalise_article, restore_drop_cap, title_case)
from tests.conftest import check_golden

CORPUS = Corpus.of([
    "The narrative of the region. The narrative shifts. He said the narrative was China’s.",
    "The SCO and the CSTO met. The BRI grew.",
])


def article_of(*blocks: tuple[str, str], number=None) -> m.Article:
    made = [m.Block(kind=k, text=t, id=f"b{i}", number=number,
                    source=m.SourceRef("x.txt", i + 1, i + 1)) for i, (k, t) in enumerate(blocks)]
    return m.Article(slug="x", source_file="x.txt", first_line=1, last_line=len(made), blocks=made)


def test_no_break_spaces_mid_sentence():
    assert fix_spaces("Raffaello Pantucci\u00a0is a Senior Fellow") == "Raffaello Pantucci is a Senior Fellow"
    assert fix_spaces("a senior fellow at the  S. Rajaratnam School") == "a senior fellow at the S. Rajaratnam School"
    assert fix_spaces("© Reuters\u00a0 ") == "© Reuters"


def test_typographic_quotes_apostrophes_dashes_ellipses():
    assert fix_quotes("Urumqi the ‘gateway to Eurasia.'[2]") == "Urumqi the ‘gateway to Eurasia.’[2]"
    assert fix_quotes('he said "we are convinced" and it\'s done') == "he said “we are convinced” and it’s done"
    assert fix_dashes_and_ellipses("two themes - worrying about extremism") == "two themes – worrying about extremism"
    assert fix_dashes_and_ellipses("wait... no--really") == "wait… no—really"
    assert fix_dashes_and_ellipses("Kyrgyz-Tajik border, 2015-16") == "Kyrgyz-Tajik border, 2015-16"


def test_lost_drop_cap_is_restored_from_the_corpus():
    assert restore_drop_cap("he narrative of China’s engagement", CORPUS).startswith("The narrative")
    assert restore_drop_cap("hina’s rise", CORPUS).startswith("China’s rise")


def test_all_caps_heading_keeps_acronyms():
    assert is_all_caps("REINVIGORATED MOTOR AND BULWARK") and not is_all_caps("SCO")
    assert title_case("REINVIGORATED MOTOR AND BULWARK", CORPUS) == "Reinvigorated Motor and Bulwark"
    assert title_case("SHADOW OF THE SCO", CORPUS) == "Shadow of the SCO"


def test_paragraph_broken_mid_sentence_is_joined_and_keeps_both_sources():
    article = article_of(
        (m.PARAGRAPH, "In 2021, ZTE handed a SDM (Subscriber Data Management) platform to Uzbekistan’s"),
        (m.PARAGRAPH, "Beeline, a data centralisation tool that allows for generating analytics."),
        (m.PARAGRAPH, "A new paragraph that ends properly."))
    normalise_article(article, CORPUS)
    assert len(article.blocks) == 2
    assert article.blocks[0].text.endswith("to Uzbekistan’s Beeline, a data centralisation tool that "
                                           "allows for generating analytics.")
    assert (article.blocks[0].source.first_line, article.blocks[0].source.last_line) == (1, 2)
    assert [f.kind for f in article.fixes] == ["broken-paragraph"]


def test_a_sentence_ending_in_a_note_marker_is_not_broken():
    article = article_of((m.PARAGRAPH, "The skirmishes led to the deaths of some 230 people, including "
                                       "19 members of the security forces.1"),
                         (m.PARAGRAPH, "Kazakh President Kassym-Jomart Tokayev described the unrest."))
    normalise_article(article, CORPUS)
    assert len(article.blocks) == 2


def test_flattened_testimony_is_numbered_and_its_heading_recognised():
    article = article_of((m.NUMBERED, "  1. A good starting point for contemporary China’s relations is 1994."),
                         (m.NUMBERED, "  1. In 2001, China joined hands with the Central Asian countries."),
                         (m.NUMBERED, "  1. UK options"),
                         (m.NUMBERED, "  1. There is a great deal that the UK could do in Central Asia."),
                         number=1)
    normalise_article(article, CORPUS)
    assert [(b.kind, b.number) for b in article.blocks] == [
        (m.NUMBERED, 1), (m.NUMBERED, 2), (m.HEADING, None), (m.NUMBERED, 3)]
    assert article.blocks[2].text == "UK options"
    assert "testimony-heading" in {f.kind for f in article.fixes}


def test_every_fix_is_recorded_on_the_seeds(normalised):
    counts = Counter(f.kind for a in normalised for f in a.fixes)
    assert counts["drop-cap"] == 1 and counts["caption-joined"] == 1
    assert counts["broken-paragraph"] == 1 and counts["testimony-heading"] == 1
    assert counts["all-caps-heading"] == 5
    for article in normalised:
        for block in article.blocks:
            assert "\u00a0" not in block.text and "  " not in block.text and "\n" not in block.text
    check_golden("normalise/fixes.json", {a.slug: [[f.kind, f.block, f.before, f.after] for f in a.fixes
                                                   if f.kind not in ("no-break-space", "whitespace")]
                                          for a in normalised})


def test_normalising_twice_changes_nothing_more(normalised):
    import copy
    again = copy.deepcopy(normalised)
    corpus = Corpus.of(b.text for a in again for b in a.blocks)
    for article in again:
        article.fixes = []
        normalise_article(article, corpus)
        assert article.fixes == [], article.slug


# ---------------------------------------------------------------- text scrapes of other blogs
# Passages from tests/fixtures/scrapes/ (real posts; see its SOURCE.md).

def test_list_items_are_never_joined():
    """A list item that stops short is how its author wrote it (Kubernetes blog)."""
    article = article_of(
        (m.BULLET, "Steering Committee Member Emeritus Quinton Hoole for his service to the community "
                   "over the past year. We look forward to"),
        (m.BULLET, "The candidates that came forward to run for election."))
    normalise_article(article, CORPUS)
    assert len(article.blocks) == 2 and not article.fixes


def test_a_paragraph_ending_in_a_link_or_a_heading_is_not_joined():
    article = article_of(
        (m.PARAGRAPH, "There's only one way to find out: Welcome to discuss.kubernetes.io"),
        (m.PARAGRAPH, "Right off the bat we have categories that users can browse."),
        (m.PARAGRAPH, "Lack of accountability for when a lack of policy might be causing issues in the teams"),
        (m.PARAGRAPH, "Project structure documentation: the structure of the project is not documented."))
    article.blocks[0].text = ("So what if we could use this tool to bring our discussions together under a "
                              "modern roof? There's only one way to find out: Welcome to discuss.kubernetes.io")
    normalise_article(article, CORPUS)
    assert len(article.blocks) == 4 and not [f for f in article.fixes if f.kind == "broken-paragraph"]


def test_a_paragraph_ending_in_a_spaced_or_starred_marker_is_not_joined():
    for ending in ("the text is otherwise unaltered. 1", "the text is otherwise unaltered.*"):
        article = article_of(
            (m.PARAGRAPH, "While typos and grammatical fixes have been made since the original post, " + ending),
            (m.PARAGRAPH, "As is noted in the summary, the next step is to write an RFC."))
        normalise_article(article, CORPUS)
        assert len(article.blocks) == 2, ending


def test_a_paragraph_cut_mid_sentence_is_still_joined():
    article = article_of(
        (m.PARAGRAPH, "Each of these top level teams, as defined in the RFC, has chosen a representative who "
                      "collectively form the"),
        (m.PARAGRAPH, "Council, which meets every other week."))
    normalise_article(article, CORPUS)
    assert len(article.blocks) == 1


def test_back_links_leave_the_notes():
    article = article_of(
        (m.NOTE, "The RFC defines the launching pad team as a temporary umbrella team.↩︎"),
        (m.NOTE, "Quote from a post: “Hey, you’re Jane right?” ↩ 2"),
        (m.NOTE, "See issue 974 for the history. ↩"))
    normalise_article(article, CORPUS)
    assert [b.text for b in article.blocks] == [
        "The RFC defines the launching pad team as a temporary umbrella team.",
        "Quote from a post: “Hey, you’re Jane right?”", "See issue 974 for the history."]
    assert [f.kind for f in article.fixes if f.kind == "note-back-link"] == ["note-back-link"] * 3


def test_table_rows_keep_their_case():
    article = article_of((m.PARAGRAPH, "rustc\t1.70\t1.71\t1.72"),
                         (m.PARAGRAPH, "he narrative of China’s engagement"),
                         (m.HEADING, "CRATE\tDOWNLOADS\tVERSIONS"),
                         (m.PARAGRAPH, "x86_64 12 14 16 18 20"))
    normalise_article(article, CORPUS)
    texts = [b.text for b in article.blocks]
    assert texts[0].startswith("rustc") and texts[2].startswith("CRATE") and texts[3].startswith("x86_64")
    assert texts[1].startswith("The narrative")           # an ordinary paragraph is still repaired


def test_control_characters_leave_the_text_and_each_removal_is_recorded():
    from scripts.core import model as m
    from scripts.text.normalise import Corpus, normalise_article
    article = m.Article(slug="s", source_file="f.txt", first_line=1, last_line=1, blocks=[
        m.Block(m.PARAGRAPH, "Mojibake\u009d ends here, a bell\u0007 and an override \u202eNot\u202c.",
                m.SourceRef("f.txt", 1, 1), id="b0")])
    normalise_article(article, Corpus([]))
    assert article.blocks[0].text == "Mojibake ends here, a bell and an override Not."
    assert [f.kind for f in article.fixes] == ["control-character"]
