"""Finishing touches WeasyPrint leaves to its caller, applied to each part's PDF as it
is written (pydyf objects): what the print master and the screen copy differ in, and the
colour of black."""

from __future__ import annotations

import re

import pydyf

# One colour operator as WeasyPrint's drawing streams hold it (pydyf appends each
# operator as a chunk of its own): a grey or black given as three equal RGB values.
_NEUTRAL_RGB = re.compile(rb"(\S+) \1 \1 (rg|RG)")


def _pages(pdf: pydyf.PDF) -> list[pydyf.Dictionary]:
    return [obj for obj in pdf.objects
            if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/Page"]


def _set_document_id(pdf: pydyf.PDF, document_id: str) -> None:
    """WeasyPrint writes a random xmpMM:DocumentID; same inputs must give the same bytes."""
    reference = pdf.catalog.get("Metadata")
    if reference is None:
        return
    if isinstance(reference, str):
        reference = reference.encode()
    stream = pdf.objects[int(reference.split()[0])]
    stream.stream = [re.sub(rb"xmp\.did:[0-9a-f-]{36}", document_id.encode(), part)
                     for part in stream.stream]


def black_as_gray(pdf: pydyf.PDF) -> int:
    """Every neutral colour (black, and the greys of rules) set as DeviceGray instead of
    DeviceRGB, in every drawing stream of the document: a press prints DeviceGray with the
    black ink alone, where RGB black would be converted to a mix of all four inks.  Colours
    that are not neutral, and pictures, are left as they are.  Returns how many were set."""
    from weasyprint.pdf.stream import Stream

    changed = 0
    for stream in pdf.objects:
        if not isinstance(stream, Stream):
            continue
        for position, chunk in enumerate(stream.stream):
            neutral = _NEUTRAL_RGB.fullmatch(chunk) if isinstance(chunk, bytes) else None
            if neutral is not None:
                stream.stream[position] = neutral[1] + (b" g" if neutral[2] == b"rg" else b" G")
                changed += 1
    return changed


def stable_document_id(document_id: str, black: str = "rgb"):
    """`black`: the printer profile's rule for black ("gray": black_as_gray)."""
    def finish(document, pdf: pydyf.PDF) -> None:
        if black == "gray":
            black_as_gray(pdf)
        _set_document_id(pdf, document_id)
    return finish


def print_part(document_id: str, black: str = "rgb"):
    def finish(document, pdf: pydyf.PDF) -> None:
        # PDF/X allows no annotations inside the BleedBox (TrapNet and PrinterMark
        # aside): the printer's master carries no links; the screen copy has them.
        for page in _pages(pdf):
            page.pop("Annots", None)
        if black == "gray":
            black_as_gray(pdf)
        _set_document_id(pdf, document_id)
    return finish
