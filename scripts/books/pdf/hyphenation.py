"""Where a printed word may break: soft hyphens placed by the book, not by the renderer.

WeasyPrint's `hyphens: auto` breaks any word its dictionary knows, and so printed
"Afgh-anistan", "Kaza-khstan" and "to-gether".  A printer's house rules are
stricter, and only text can carry them, so the print stylesheet says `hyphens:
manual` and this module inserts U+00AD where a break is allowed:

- only in words written all in lower case: a capital marks a name, a title word or
  an acronym, which a careful compositor does not break;
- never in a token holding a digit, "/", "@" or "://" (numbers, URLs, addresses),
  nor in links, code, headings or the elements marked `.url`;
- at least three letters before and after the break, in words of seven letters or more;
- never inside a ligature (ff, fi, fl), which would lose its letters from the text layer.

English uses pyphen's en_US patterns whatever the regional variant: the en_GB set
breaks common words badly ("cent-ral", "pres-id-ent"), en_US conventionally
("cen-tral", "pres-i-dent").  A language pyphen does not know is not hyphenated.

It runs after the index has marked its occurrences (a soft hyphen inside a word
would hide it from the index) and only on the print HTML: the EPUB's readers
hyphenate for their own line lengths.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import html as lxml_html

from scripts.core.memo import Memo

SOFT_HYPHEN = "\u00ad"
MIN_WORD = 7
MIN_SIDE = 3
NEVER_INSIDE = frozenset({"a", "code", "pre", "kbd", "samp", "h1", "h2", "h3", "h4", "h5", "h6",
                          "script", "style", "title"})
TOKEN = re.compile(r"\S+")
WORD = re.compile(r"[^\W\d_]+")
LIGATURE_BREAK = re.compile(f"(f){SOFT_HYPHEN}([fil])")
NOT_PROSE = re.compile(r"\d|/|@|://|^www\.|\.\w+\.")


@lru_cache(maxsize=8)
def _dictionary(language: str):
    import pyphen
    tag = language.replace("-", "_")
    if tag.split("_")[0].lower() == "en":
        tag = "en_US"
    found = pyphen.language_fallback(tag)
    return pyphen.Pyphen(lang=found, left=MIN_SIDE, right=MIN_SIDE) if found else None


@lru_cache(maxsize=50_000)
def _word(word: str, language: str) -> str:
    dictionary = _dictionary(language)
    if dictionary is None or len(word) < MIN_WORD or word != word.lower():
        return word
    # No break inside a ligature (ff, fi, fl): shaped as one glyph, a break point in it
    # loses the letters from the PDF's text layer ("affiliated" extracted as "a liated").
    return LIGATURE_BREAK.sub(r"\1\2", dictionary.inserted(word, hyphen=SOFT_HYPHEN))


def hyphenate_text(text: str, language: str) -> str:
    """Plain text with soft hyphens where a printed line may break."""
    if not text or _dictionary(language) is None:
        return text

    def token(match: re.Match) -> str:
        value = match.group(0)
        if NOT_PROSE.search(value) or SOFT_HYPHEN in value:
            return value
        return WORD.sub(lambda w: _word(w.group(0), language), value)

    return TOKEN.sub(token, text)


def hyphenate_html(fragment: str, language: str) -> str:
    """An HTML fragment with soft hyphens in its running text (see the module's rules)."""
    if not fragment or _dictionary(language) is None:
        return fragment
    wrapper = lxml_html.fragment_fromstring(fragment, create_parent="div")
    _walk(wrapper, True, language)
    return (wrapper.text or "") + "".join(lxml_html.tostring(child, encoding="unicode") for child in wrapper) \
        .replace("<wbr></wbr>", "<wbr>")


def remembering(memo: Memo):
    """`hyphenate_html`, each fragment's result remembered (by the fragment and the language):
    after an edit, only the changed chapter's text is hyphenated again."""
    def hyphenate(fragment: str, language: str) -> str:
        if not fragment:
            return fragment
        return memo.remember(("hyphenated", fragment, language), lambda: hyphenate_html(fragment, language))
    return hyphenate


def _allowed(element) -> bool:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag not in NEVER_INSIDE and "url" not in (element.get("class") or "").split()


def _walk(element, allowed: bool, language: str) -> None:
    if allowed:
        element.text = hyphenate_text(element.text, language)
    for child in element:
        if not isinstance(child.tag, str):
            continue
        _walk(child, allowed and _allowed(child), language)
        if allowed:
            child.tail = hyphenate_text(child.tail, language)
