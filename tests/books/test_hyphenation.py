"""Where the print edition may break a word: the house rules in scripts/books/pdf/hyphenation.py."""

from __future__ import annotations

from scripts.books.pdf.hyphenation import SOFT_HYPHEN, hyphenate_html, hyphenate_text


def breaks(text: str) -> list[str]:
    return [w for w in text.split() if SOFT_HYPHEN in w]


def test_lower_case_words_break_with_three_letters_each_side():
    text = hyphenate_text("the international responsibility of government", "en-GB")
    assert text.replace(SOFT_HYPHEN, "") == "the international responsibility of government"
    for word in breaks(text):
        parts = word.strip(".,").split(SOFT_HYPHEN)
        assert len(parts[0]) >= 3 and len(parts[-1]) >= 3, word
    assert "gov\u00adern\u00adment" in text


def test_english_breaks_conventionally_whatever_the_region():
    assert hyphenate_text("central", "en-GB") == "cen\u00adtral"          # not cent-ral
    assert hyphenate_text("president", "en-GB") == "pres\u00adi\u00addent"


def test_names_acronyms_numbers_and_addresses_never_break():
    text = ("Afghanistan Kazakhstan’s Central NATO-led 2,000,000 https://example.com/investments "
            "someone@example.org www.example.org/responsibility")
    assert hyphenate_text(text, "en") == text


def test_links_code_and_headings_are_left_alone_and_text_around_them_is_not():
    fragment = ('<p>The <a href="https://x.org">international</a> community '
                '<code>responsibility</code> <span class="url">investment</span> and <em>responsibility</em>.</p>'
                "<h2>Governmental</h2>")
    out = hyphenate_html(fragment, "en-GB")
    assert '<a href="https://x.org">international</a>' in out and "<code>responsibility</code>" in out
    assert '<span class="url">investment</span>' in out and "<h2>Governmental</h2>" in out
    assert "com\u00admu\u00adnity" in out and f"<em>respon{SOFT_HYPHEN}si" in out


def test_a_language_without_patterns_is_left_as_it_is():
    assert hyphenate_text("internationalisation", "xx") == "internationalisation"


def test_no_break_inside_a_ligature():
    for word in ("affiliated", "difficulties", "officials", "influence"):
        text = hyphenate_text(word, "en")
        assert not any(f"f{SOFT_HYPHEN}{c}" in text for c in "fil"), text
