"""The back matter's sections, decided once for both books (scripts/books/backmatter.py)."""

from __future__ import annotations

from scripts.books.backmatter import BackMatterSection, back_matter_sections
from scripts.books.contributors import Person

AUTHOR = Person("Raffaello Pantucci", ["Raffaello Pantucci is a Senior Fellow."], "author")
CONTRIBUTOR = Person("Niva Yau", ["Niva Yau is a Senior Researcher."])


def test_sections_come_in_reading_order_with_their_headings():
    assert back_matter_sections([AUTHOR, CONTRIBUTOR], bibliography=True, index=True) == [
        BackMatterSection("contributors", "About the Author and Contributors"),
        BackMatterSection("bibliography", "Bibliography"),
        BackMatterSection("index", "Index"),
    ]


def test_a_part_without_content_has_no_section():
    assert back_matter_sections([], bibliography=False, index=False) == []
    assert [s.id for s in back_matter_sections([AUTHOR], bibliography=False, index=True)] == [
        "contributors", "index"]
    assert back_matter_sections([AUTHOR], bibliography=False, index=False)[0].heading == \
        "About the Author"
