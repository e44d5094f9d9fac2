"""A PDF written to a file object by object, so that a document far larger than memory allows in qpdf can be put
together: streams are written as they come, other objects packed a hundred at a time into compressed object
streams, and the cross-reference stream written last. It keeps only where each object is. ObjectCopy copies another
PDF's objects (read by pikepdf, which gives each value's syntax) into it, renumbering their references.
"""

from __future__ import annotations

import os
import sys
import zlib
from array import array
from decimal import Decimal
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:
    import pikepdf

# Objects per object stream, as qpdf packs them.
PER_OBJECT_STREAM = 100
# pikepdf's type codes (ObjectType), for the values it does not give as Python scalars.
_ARRAY, _DICTIONARY, _STREAM = 8, 9, 10
_STRUCT_PARENT_KEYS = ("/StructParents", "/StructParent")


class PdfWriter:
    """Object numbers are handed out by `reserve` (in any order of writing) and every one must be written before
    `close`. Each object is given as its syntax: the bytes between `N 0 obj` and `endobj`."""

    def __init__(self, file: BinaryIO, *, version: str = "1.7") -> None:
        self.file = file
        # Where object N is, at index N: kind 1 at byte `field` of the file; kind 2 the `index`th object of object
        # stream `field`. Kind 0 until it is written.
        self.kinds = array("B")
        self.fields = array("Q")
        self.indexes = array("H")
        self.count = 0
        self.packed: list[tuple[int, bytes]] = []
        self.offset = 0
        self._put(f"%PDF-{version}\n%\xe2\xe3\xcf\xd3\n".encode("latin-1"))

    def reserve(self) -> int:
        """A new object number."""
        self.count += 1
        return self.count

    def _place(self, number: int, kind: int, field: int, index: int = 0) -> None:
        if number >= len(self.kinds):
            grow = number + 1 - len(self.kinds) + 4096
            self.kinds.extend(bytes(grow))
            self.fields.extend(array("Q", bytes(8 * grow)))
            self.indexes.extend(array("H", bytes(2 * grow)))
        self.kinds[number], self.fields[number], self.indexes[number] = kind, field, index

    def write(self, number: int, syntax: bytes) -> None:
        """A non-stream object, packed into an object stream."""
        self.packed.append((number, syntax))
        if len(self.packed) >= PER_OBJECT_STREAM:
            self._flush_packed()

    def write_stream(self, number: int, dictionary: bytes, data: bytes) -> None:
        """A stream: `dictionary` is its dictionary's entries without /Length, `data` its bytes as stored (with the
        filters the dictionary names)."""
        self._place(number, 1, self.offset)
        self._put(b"%d 0 obj\n<<%s /Length %d>>\nstream\n" % (number, dictionary, len(data)))
        self._put(data)
        self._put(b"\nendstream\nendobj\n")

    def close(self, trailer: bytes) -> None:
        """The cross-reference stream, with `trailer` (the trailer's entries: /Root, /Info) in its dictionary. The
        file is left open."""
        self._flush_packed()
        number = self.reserve()
        self._place(number, 1, self.offset)
        size = number + 1
        missing = self.kinds[1:number].count(0)
        if missing:
            raise ValueError(f"{missing} objects reserved but never written")
        # Rows of 7 bytes, big-endian: the kind, the field in 4 bytes, the index in 2; laid out a column at a time.
        fields, indexes = array("I", self.fields[:size]), array("H", self.indexes[:size])
        assert fields.itemsize == 4 and indexes.itemsize == 2
        if sys.byteorder == "little":
            fields.byteswap()
            indexes.byteswap()
        rows = bytearray(7 * size)
        rows[0::7] = self.kinds[:size].tobytes()
        for lane, column in enumerate((fields.tobytes(), indexes.tobytes())):
            width = 4 if lane == 0 else 2
            for byte in range(width):
                rows[1 + 4 * lane + byte :: 7] = column[byte::width]
        rows[0:7] = b"\x00\x00\x00\x00\x00\xff\xff"  # object 0: the head of the free list
        document_id = os.urandom(16).hex().encode()
        data = zlib.compress(bytes(rows))
        self._put(
            b"%d 0 obj\n<</Type /XRef /Size %d /W [1 4 2] /Filter /FlateDecode /ID [<%s> <%s>] %s /Length %d>>\n"
            b"stream\n" % (number, size, document_id, document_id, trailer, len(data))
        )
        self._put(data)
        self._put(b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % self.fields[number])
        self.file.flush()

    def _flush_packed(self) -> None:
        if not self.packed:
            return
        stream = self.reserve()
        header, body = [], bytearray()
        for index, (number, syntax) in enumerate(self.packed):
            self._place(number, 2, stream, index)
            header.append(b"%d %d" % (number, len(body)))
            body += syntax + b"\n"
        head = b" ".join(header) + b"\n"
        data = zlib.compress(head + bytes(body))
        self.packed = []
        self.write_stream(
            stream, b"/Type /ObjStm /N %d /First %d /Filter /FlateDecode" % (len(header), len(head)), data
        )

    def _put(self, data: bytes) -> None:
        self.file.write(data)
        self.offset += len(data)


class ObjectCopy:
    """One source PDF's objects (read by pikepdf) copied into the writer: each indirect object reached is given the
    next object number (unless `numbers` already maps it), and written by `drain`. Structure parent keys are moved
    on by `key_offset`."""

    def __init__(self, writer: PdfWriter, numbers: dict[tuple[int, int], int], key_offset: int) -> None:
        self.writer = writer
        self.numbers = numbers
        self.key_offset = key_offset
        self.todo: list[tuple[int, Any]] = []

    def ref(self, obj: pikepdf.Object) -> int:
        """The joined PDF's number for an indirect object of the source."""
        objgen = obj.objgen
        number = self.numbers.get(objgen)
        return number if number is not None else self._reached(objgen, obj)

    def drain(self) -> None:
        """Write every object reached and not yet written (and those they reach)."""
        while self.todo:
            number, obj = self.todo.pop()
            if obj._type_code_int == _STREAM:
                entries = b"".join(
                    b" " + name_syntax(key) + b" " + self.value(key, value)
                    for key, value in obj.stream_dict.items()
                    if key != "/Length"
                )
                self.writer.write_stream(number, entries, obj.read_raw_bytes())
            else:
                self.writer.write(number, self.direct(obj))

    def syntax(self, value: Any) -> bytes:
        """A value's syntax, with references in the joined PDF's numbering. (pikepdf gives integers, booleans,
        reals and null as Python values.) The copy's hot path: a long report has hundreds of thousands of
        structure elements."""
        kind = type(value)
        if kind is int:
            return b"%d" % value
        if kind is bool:
            return b"true" if value else b"false"
        if value is None:
            return b"null"
        if kind is Decimal:
            return real_syntax(value)
        if kind is dict:  # an empty default
            return b"<<>>"
        objgen = value.objgen
        if objgen[0]:
            number = self.numbers.get(objgen)
            return b"%d 0 R" % (number if number is not None else self._reached(objgen, value))
        if value._type_code_int in (_ARRAY, _DICTIONARY):
            return self.direct(value)
        text: bytes = value.unparse(resolved=True)  # a string or a name
        return text

    def value(self, key: str, value: Any) -> bytes:
        """A dictionary's value: a structure parent key is renumbered after the ranges before."""
        if type(value) is int and key in _STRUCT_PARENT_KEYS:
            return b"%d" % (value + self.key_offset)
        return self.syntax(value)

    def direct(self, value: Any) -> bytes:
        """The syntax of a pikepdf object itself (an indirect object's too), its references renumbered."""
        code = value._type_code_int
        syntax = self.syntax
        if code == _DICTIONARY:
            out = [b"<<"]
            for key, item in value.items():
                out.append(_names.get(key) or name_syntax(key))
                if type(item) is int and key in _STRUCT_PARENT_KEYS:
                    item += self.key_offset
                out.append(syntax(item))
            out.append(b">>")
            return b" ".join(out)
        if code == _ARRAY:
            return b"[" + b" ".join([syntax(item) for item in value]) + b"]"
        if code == _STREAM:
            raise ValueError("A stream can only be written as an indirect object")
        text: bytes = value.unparse(resolved=True)  # a string or a name
        return text

    def _reached(self, objgen: tuple[int, int], obj: Any) -> int:
        """A number for an indirect object reached for the first time, which is then to be written."""
        number = self.numbers[objgen] = self.writer.reserve()
        self.todo.append((number, obj))
        return number


_names: dict[str, bytes] = {}


def name_syntax(key: str) -> bytes:
    """A name's syntax (escaped by pikepdf), remembered: the same few keys recur in every object."""
    syntax = _names.get(key)
    if syntax is None:
        import pikepdf

        syntax = _names[key] = pikepdf.Name(key).unparse()
    return syntax


def real_syntax(value: Any) -> bytes:
    """A real number as PDF syntax: fixed point, never an exponent."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return (text if text not in ("", "-0") else "0").encode()
