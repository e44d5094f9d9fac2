"""A PDF written to a file object by object, so that a document far larger than memory allows in qpdf can be put
together: streams are written as they come, other objects packed a hundred at a time into compressed object
streams, and the cross-reference stream written last. It keeps only where each object is.
"""

from __future__ import annotations

import os
import zlib
from array import array
from typing import BinaryIO

# Objects per object stream, as qpdf packs them.
PER_OBJECT_STREAM = 100


class PdfWriter:
    """Object numbers are handed out by `reserve` (in any order of writing) and every one must be written before
    `close`. Each object is given as its syntax: the bytes between `N 0 obj` and `endobj`."""

    def __init__(self, file: BinaryIO, *, version: str = "1.7") -> None:
        self.file = file
        # Where object N is, at index N: kind 1 at byte `field` of the file; kind 2 the `index`th object of object
        # stream `field`. Kind 0 until it is written.
        self.kinds = array("B", [0])
        self.fields = array("Q", [0])
        self.indexes = array("H", [0])
        self.packed: list[tuple[int, bytes]] = []
        self.offset = 0
        self._put(f"%PDF-{version}\n%\xe2\xe3\xcf\xd3\n".encode("latin-1"))

    def reserve(self) -> int:
        """A new object number."""
        self.kinds.append(0)
        self.fields.append(0)
        self.indexes.append(0)
        return len(self.kinds) - 1

    def write(self, number: int, syntax: bytes) -> None:
        """A non-stream object, packed into an object stream."""
        self.packed.append((number, syntax))
        if len(self.packed) >= PER_OBJECT_STREAM:
            self._flush_packed()

    def write_stream(self, number: int, dictionary: bytes, data: bytes) -> None:
        """A stream: `dictionary` is its dictionary's entries without /Length, `data` its bytes as stored (with the
        filters the dictionary names)."""
        self.kinds[number], self.fields[number] = 1, self.offset
        self._put(b"%d 0 obj\n<<%s /Length %d>>\nstream\n" % (number, dictionary, len(data)))
        self._put(data)
        self._put(b"\nendstream\nendobj\n")

    def close(self, trailer: bytes) -> None:
        """The cross-reference stream, with `trailer` (the trailer's entries: /Root, /Info) in its dictionary. The
        file is left open."""
        self._flush_packed()
        number = self.reserve()
        self.kinds[number], self.fields[number] = 1, self.offset
        missing = [n for n in range(1, len(self.kinds)) if self.kinds[n] == 0 and n != number]
        if missing:
            raise ValueError(f"Objects reserved but never written: {missing[:10]}")
        rows = bytearray()
        for n in range(len(self.kinds)):
            kind = self.kinds[n]
            field = self.fields[n] if n else 0
            rows += kind.to_bytes(1, "big") + field.to_bytes(4, "big") + self.indexes[n].to_bytes(2, "big")
        rows[0:7] = b"\x00\x00\x00\x00\x00\xff\xff"  # object 0: the head of the free list
        document_id = os.urandom(16).hex().encode()
        data = zlib.compress(bytes(rows))
        self._put(
            b"%d 0 obj\n<</Type /XRef /Size %d /W [1 4 2] /Filter /FlateDecode /ID [<%s> <%s>] %s /Length %d>>\n"
            b"stream\n" % (number, len(self.kinds), document_id, document_id, trailer, len(data))
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
            self.kinds[number], self.fields[number], self.indexes[number] = 2, stream, index
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
