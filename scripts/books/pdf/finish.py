"""Finishing touches WeasyPrint leaves to its caller, applied to each part's PDF as it
is written (pydyf objects): what the print master and the screen copy differ in."""

from __future__ import annotations

import re

import pydyf


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


def stable_document_id(document_id: str):
    def finish(document, pdf: pydyf.PDF) -> None:
        _set_document_id(pdf, document_id)
    return finish


def print_part(document_id: str):
    def finish(document, pdf: pydyf.PDF) -> None:
        # PDF/X allows no annotations inside the BleedBox (TrapNet and PrinterMark
        # aside): the printer's master carries no links; the screen copy has them.
        for page in _pages(pdf):
            page.pop("Annots", None)
        _set_document_id(pdf, document_id)
    return finish
