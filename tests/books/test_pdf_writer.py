"""The PDF written as it goes (scripts/books/pdf/writer.py): what it writes, qpdf reads back
whole, without repairing it, and every reference lands on the object it meant."""

from __future__ import annotations

import io

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, String

from scripts.books.pdf.writer import PdfWriter, Renumbering, dictionary, reference


def _read(data: bytes) -> pikepdf.Pdf:
    book = pikepdf.open(io.BytesIO(data), attempt_recovery=False)
    assert book.check_pdf_syntax() == []
    return book


def _source_with_tricky_values() -> pikepdf.Pdf:
    source = pikepdf.new()
    source.add_blank_page()
    page = source.pages[0].obj
    target = source.make_indirect(Dictionary(Kind=Name.Target, Number=7))
    # Strings that look like references, escaped parentheses, a hex string, a name with
    # digits, real numbers: none of it may be renumbered or changed.
    page.Probe = Dictionary(
        Looks=String("see 1 0 R (and 2 0 R)"), Escaped=String("a ) b \\ c"),
        Binary=String(b"\x00\xff 3 0 R"), Name5=target, Real=Array([0.5, -12.25, 3]),
        Nested=Array([Array([target, String("4 0 R")]), Dictionary(Again=target)]),
        Empty=Dictionary(), Unicode=String("Ürümqi — 乌鲁木齐"))
    page.Contents = source.make_stream(b"BT /F1 12 Tf (1 0 R) Tj ET")
    return source


def _write(source: pikepdf.Pdf) -> bytes:
    buffer = io.BytesIO()
    writer = PdfWriter(buffer, source.pdf_version)
    objects = Renumbering(source, writer)
    pages = writer.reserve()
    objects.fixed[source.Root.Pages.objgen] = pages
    page = objects.number_of(source.pages[0].obj.objgen)
    objects.drain()
    writer.put(pages, dictionary({"Type": b"/Pages", "Count": b"1", "Kids": b"[ %s ]" % reference(page)}))
    root = writer.reserve()
    writer.put(root, dictionary({"Type": b"/Catalog", "Pages": reference(pages)}))
    writer.finish(root)
    return buffer.getvalue()


def test_objects_are_renumbered_and_strings_are_left_as_they_are():
    book = _read(_write(_source_with_tricky_values()))
    probe = book.pages[0].obj.Probe
    assert str(probe.Looks) == "see 1 0 R (and 2 0 R)"
    assert str(probe.Escaped) == "a ) b \\ c"
    assert bytes(probe.Binary) == b"\x00\xff 3 0 R"
    assert str(probe.Unicode) == "Ürümqi — 乌鲁木齐"
    assert [float(v) for v in probe.Real] == [0.5, -12.25, 3.0]
    assert probe.Name5.Kind == Name.Target and int(probe.Name5.Number) == 7
    # One object in the book, referred to from three places.
    assert probe.Name5.objgen == probe.Nested[0][0].objgen == probe.Nested[1].Again.objgen
    assert str(probe.Nested[0][1]) == "4 0 R" and len(probe.Empty) == 0
    assert book.pages[0].obj.Contents.read_bytes() == b"BT /F1 12 Tf (1 0 R) Tj ET"


def test_the_same_objects_make_the_same_bytes():
    assert _write(_source_with_tricky_values()) == _write(_source_with_tricky_values())


def test_many_objects_go_into_object_streams_and_all_read_back():
    source = pikepdf.new()
    source.add_blank_page()
    chain = [source.make_indirect(Dictionary(Index=i)) for i in range(1000)]
    for before, after in zip(chain, chain[1:]):
        before.Next = after
    source.pages[0].obj.First = chain[0]
    data = _write(source)
    assert data.count(b"/ObjStm") >= 10
    book = _read(data)
    item, seen = book.pages[0].obj.First, 0
    while True:
        assert int(item.Index) == seen
        seen += 1
        if "/Next" not in item:
            break
        item = item.Next
    assert seen == 1000


def test_a_number_reserved_and_never_written_is_an_error_not_a_broken_file():
    writer = PdfWriter(io.BytesIO())
    root = writer.reserve()
    writer.reserve()
    writer.put(root, b"<< /Type /Catalog >>")
    with pytest.raises(ValueError, match="never written"):
        writer.finish(root)


def test_an_object_written_twice_is_an_error():
    writer = PdfWriter(io.BytesIO())
    number = writer.reserve()
    writer.put(number, b"1")
    with pytest.raises(ValueError, match="written twice"):
        writer.put(number, b"2")
