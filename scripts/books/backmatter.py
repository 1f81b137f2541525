"""The back matter of both books: which sections, in what order, under which heading.

The EPUB and the PDF builders used to title their back matter each on its own, and the PDF
printed the index's heading twice (its own template's, then the index fragment's).  Deciding
the sections here, once, keeps the two books' back matter alike and gives every section one
heading: the builder prints it, and the fragment it fills the section with (the contributors'
bios, the bibliography, the index) brings none of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scripts.books.contributors import Person, heading as people_heading


@dataclass(frozen=True)
class BackMatterSection:
    id: str         # the section's id in the PDF; its file (id.xhtml) and landmark in the EPUB
    heading: str    # printed once, at the top of the section, and its entry in the contents


def back_matter_sections(people: Sequence[Person], *, bibliography: bool,
                         index: bool) -> list[BackMatterSection]:
    """The sections in reading order; a part the book has nothing for gets no section."""
    sections = []
    if people:
        sections.append(BackMatterSection("contributors", people_heading(list(people))))
    if bibliography:
        sections.append(BackMatterSection("bibliography", "Bibliography"))
    if index:
        sections.append(BackMatterSection("index", "Index"))
    return sections
