"""A PDF written as it goes: objects out to the file as soon as they are made, never all
held at once.

qpdf writes a document it holds whole: joining a 5,588-page book's parts into one pikepdf
document held every object of every part (about 2 KB of memory each, most of them the
structure tree's), 1.9 GB in all.  The join (join.py) instead reads one part at a time
and hands its objects here, renumbered into the book's numbering; the only things kept
to the end are each object's place in the file and what the catalogue needs.

The file is PDF 1.5 or later, written the way qpdf's writer with object streams does it:
every object that is not a stream goes into a compressed object stream of up to
OBJECTS_PER_STREAM objects, and the cross-reference table is itself a stream.  Same
objects in the same order, same bytes: the file identifier is a digest of the body.
"""

from __future__ import annotations

import hashlib
import re
import struct
import zlib
from array import array
from collections import deque
from typing import BinaryIO

import pikepdf

OBJECTS_PER_STREAM = 100          # qpdf's own default
_COMPRESSION = 6                  # zlib's default level

# What a value unparsed by qpdf holds that may look like a reference without being one:
# literal strings (qpdf escapes every parenthesis inside them) and hex strings.  Matching
# them first keeps their bytes as they are; only a bare "N G R" is renumbered.
_REFERENCE_OR_STRING = re.compile(rb"\((?:[^\\()]|\\.)*\)|<[0-9A-Fa-f\s]*>|(\d+) (\d+) R", re.DOTALL)

_FREE, _IN_FILE, _IN_STREAM = 0, 1, 2


def reference(number: int) -> bytes:
    return b"%d 0 R" % number


def literal(value) -> bytes:
    """A direct value (string, name, number, array of them) as PDF syntax."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, bool):
        return b"true" if value else b"false"
    if isinstance(value, int):
        return b"%d" % value
    if isinstance(value, str):
        return pikepdf.String(value).unparse()
    if isinstance(value, pikepdf.Object):
        return value.unparse()
    return pikepdf.Array([value]).unparse()[1:-1].strip()       # a real number


def dictionary(entries: dict[str, bytes], opening: bytes = b"<<") -> bytes:
    """A dictionary from already-written values; `opening` may be the start of another
    dictionary (its text without the closing >>) that these entries complete."""
    return opening + b"".join(b" /%s %s" % (key.encode(), value) for key, value in entries.items()) + b" >>"


def without_closing(body: bytes) -> bytes:
    """A written dictionary opened again, for more entries (see `dictionary`)."""
    if not body.rstrip().endswith(b">>"):
        raise ValueError("not a dictionary")
    return body.rstrip()[:-2].rstrip()


class PdfWriter:
    """Numbers handed out by `reserve`, objects written by `put` (in any order), then
    `finish` with the catalogue's number."""

    def __init__(self, out: BinaryIO, version: str = "1.7"):
        major, minor = (int(part) for part in version.split(".")[:2])
        version = version if (major, minor) >= (1, 5) else "1.5"    # object streams
        self._out = out
        self._digest = hashlib.md5()
        self._offset = 0
        self._kind = array("b", [_FREE])
        self._where = array("q", [0])      # offset in the file, or the object stream's number
        self._index = array("l", [0])      # place inside the object stream
        self._pending: list[tuple[int, bytes]] = []
        self._write(b"%PDF-" + version.encode() + b"\n%\xbf\xf7\xa2\xfe\n")

    @property
    def size(self) -> int:
        return len(self._kind)

    def reserve(self) -> int:
        self._kind.append(_FREE)
        self._where.append(0)
        self._index.append(0)
        return len(self._kind) - 1

    def put(self, number: int, body: bytes) -> None:
        """A non-stream object; it goes into the next object stream."""
        self._claim(number)
        self._pending.append((number, body))
        if len(self._pending) >= OBJECTS_PER_STREAM:
            self._flush_objects()

    def put_stream(self, number: int, opening: bytes, data: bytes) -> None:
        """A stream: `opening` is its dictionary without the closing >> and without /Length."""
        self._claim(number)
        self._kind[number], self._where[number] = _IN_FILE, self._offset
        self._write(b"%d 0 obj\n" % number + dictionary({"Length": b"%d" % len(data)}, opening)
                    + b"\nstream\n" + data + b"\nendstream\nendobj\n")

    def finish(self, root: int, info: int | None = None) -> None:
        self._flush_objects()
        unwritten = [number for number in range(1, self.size) if self._kind[number] == _FREE]
        if unwritten:
            raise ValueError(f"objects reserved and never written: {unwritten[:10]}")
        xref = self.reserve()
        self._kind[xref], self._where[xref] = _IN_FILE, self._offset
        rows = bytearray()
        for number in range(self.size):
            kind = self._kind[number]
            if kind == _FREE:
                rows += struct.pack(">BIH", 0, 0, 65535)
            elif kind == _IN_FILE:
                rows += struct.pack(">BIH", 1, self._where[number], 0)
            else:
                rows += struct.pack(">BIH", 2, self._where[number], self._index[number])
        identifier = self._digest.hexdigest().encode()
        entries = {"Type": b"/XRef", "Size": b"%d" % self.size, "W": b"[ 1 4 2 ]",
                   "Root": reference(root)}
        if info is not None:
            entries["Info"] = reference(info)
        entries["ID"] = b"[ <%s> <%s> ]" % (identifier, identifier)
        entries["Filter"] = b"/FlateDecode"
        data = zlib.compress(bytes(rows), _COMPRESSION)
        start = self._offset
        self._write(b"%d 0 obj\n" % xref + dictionary({**entries, "Length": b"%d" % len(data)})
                    + b"\nstream\n" + data + b"\nendstream\nendobj\n")
        self._write(b"startxref\n%d\n%%%%EOF\n" % start)

    # ---------------------------------------------------------------- inside

    def _claim(self, number: int) -> None:
        if not 0 < number < self.size or self._kind[number] != _FREE:
            raise ValueError(f"object {number} was not reserved, or is written twice")
        self._kind[number] = _IN_STREAM       # (until placed: not free)

    def _write(self, data: bytes) -> None:
        self._out.write(data)
        self._digest.update(data)
        self._offset += len(data)

    def _flush_objects(self) -> None:
        if not self._pending:
            return
        stream = self.reserve()
        header, bodies, position = [], [], 0
        for index, (number, body) in enumerate(self._pending):
            self._kind[number], self._where[number], self._index[number] = _IN_STREAM, stream, index
            header.append(b"%d %d" % (number, position))
            bodies.append(body)
            position += len(body) + 1
        head = b" ".join(header) + b"\n"
        data = zlib.compress(head + b"\n".join(bodies) + b"\n", _COMPRESSION)
        self._pending = []
        self._kind[stream], self._where[stream] = _IN_FILE, self._offset
        self._write(b"%d 0 obj\n" % stream + dictionary(
            {"Type": b"/ObjStm", "N": b"%d" % len(header), "First": b"%d" % len(head),
             "Filter": b"/FlateDecode", "Length": b"%d" % len(data)})
            + b"\nstream\n" + data + b"\nendstream\nendobj\n")


class Renumbering:
    """One source document's objects written into the book: each is given the book's next
    number the first time something written refers to it, and written by `drain`.
    `fixed` maps objects of the source to objects of the book that stand for them (the
    part's page tree is the book's, its Document element the book's one Document)."""

    def __init__(self, source: pikepdf.Pdf, writer: PdfWriter):
        self.source = source
        self.writer = writer
        self.fixed: dict[tuple[int, int], int] = {}
        self._numbers: dict[tuple[int, int], int] = {}
        self._queue: deque[tuple[int, int]] = deque()

    def number_of(self, objgen: tuple[int, int]) -> int:
        if objgen in self.fixed:
            return self.fixed[objgen]
        number = self._numbers.get(objgen)
        if number is None:
            number = self._numbers[objgen] = self.writer.reserve()
            self._queue.append(objgen)
        return number

    def text(self, value) -> bytes:
        """A value of the source (direct, or a reference) as the book's syntax; whatever it
        refers to is queued for writing."""
        if isinstance(value, pikepdf.Object) and value.is_indirect:
            return reference(self.number_of(value.objgen))
        return self.renumber(literal(value))

    def renumber(self, syntax: bytes) -> bytes:
        def replace(match: re.Match) -> bytes:
            if match.group(1) is None:
                return match.group(0)
            return reference(self.number_of((int(match.group(1)), int(match.group(2)))))
        return _REFERENCE_OR_STRING.sub(replace, syntax)

    def body(self, obj: pikepdf.Object) -> bytes:
        """An indirect non-stream object's value (references in it renumbered)."""
        return self.renumber(obj.unparse(resolved=True))

    def drain(self) -> None:
        """Write every object queued so far, and what they refer to in turn."""
        while self._queue:
            objgen = self._queue.popleft()
            number = self._numbers[objgen]
            obj = self.source.get_object(objgen)
            if isinstance(obj, pikepdf.Stream):
                entries = {key: value for key, value in obj.stream_dict.items() if key != "/Length"}
                data = obj.read_raw_bytes()
                # As qpdf does: a stream without a filter (the join's own, a furniture
                # page's form) is compressed; the XMP metadata stays readable as it is.
                if "/Filter" not in entries and entries.get("/Type") != "/Metadata":
                    data = zlib.compress(data, _COMPRESSION)
                    entries["/Filter"] = pikepdf.Name.FlateDecode
                opening = without_closing(self.renumber(pikepdf.Dictionary(entries).unparse()))
                self.writer.put_stream(number, opening, data)
            elif isinstance(obj, pikepdf.Object):
                self.writer.put(number, self.body(obj))
            else:                                        # an indirect number or boolean
                self.writer.put(number, literal(obj))
