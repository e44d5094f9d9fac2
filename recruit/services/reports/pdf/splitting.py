"""A report's HTML cut into page ranges of about equal layout cost, each a complete HTML document.

One WeasyPrint render is single-threaded and its cost grows with the number of table rows, so a long report is cut
between the top-level blocks of <main> and between the rows of any table marked `data-split` (each range repeats
the table's header); the ranges are then laid out in parallel (rendering.py) and joined (joining.py). The cuts are
made in the exact source text, so every range holds the same markup the whole document would.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

VOID_ELEMENTS = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]
)


class SplitError(ValueError):
    """The HTML could not be cut into ranges (not well formed as the report templates write it)."""


class _Element:
    """An element with its offsets in the source: its start tag's [start, open_end), its end tag's
    [close_start, end). The end tag's offsets are -1 until it is read; _parse leaves no element open."""

    __slots__ = ("attrs", "children", "close_start", "end", "open_end", "parent", "start", "tag")

    def __init__(
        self, tag: str, attrs: dict[str, str | None], start: int, open_end: int, parent: _Element | None
    ) -> None:
        self.tag, self.attrs, self.start, self.open_end, self.parent = tag, attrs, start, open_end, parent
        self.close_start = self.end = -1
        self.children: list[_Element] = []


class _Parser(HTMLParser):
    """Builds the element tree of one document, with every element's offsets in its source."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.html = html
        self.line_starts = [0, *(match.end() for match in re.finditer("\n", html))]
        self.root = self.current = _Element("#root", {}, 0, 0, None)

    def position(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def _element(self, tag: str, attrs: list[tuple[str, str | None]]) -> _Element:
        start = self.position()
        element = _Element(tag, dict(attrs), start, start + len(self.get_starttag_text() or ""), self.current)
        self.current.children.append(element)
        return element

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = self._element(tag, attrs)
        if tag in VOID_ELEMENTS:
            element.close_start = element.end = element.open_end
        else:
            self.current = element

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = self._element(tag, attrs)
        element.close_start = element.end = element.open_end

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_ELEMENTS:
            return
        parent = self.current.parent
        if self.current.tag != tag or parent is None:
            raise SplitError(f"</{tag}> closes <{self.current.tag}>")
        start = self.position()
        self.current.close_start, self.current.end = start, self.html.index(">", start) + 1
        self.current = parent


def _parse(html: str) -> _Element:
    """Elements with their offsets in the source, so that ranges are cut from the exact HTML text."""
    parser = _Parser(html)
    parser.feed(html)
    parser.close()
    if parser.current is not parser.root:
        raise SplitError(f"<{parser.current.tag}> is never closed")
    return parser.root


def _find(element: _Element, tag: str) -> _Element | None:
    for child in element.children:
        if child.tag == tag:
            return child
        found = _find(child, tag)
        if found is not None:
            return found
    return None


def _split_table(block: _Element) -> list[_Element] | None:
    """The path from a top-level block to a table marked data-split (the block itself or a child of it)."""
    if block.tag == "table" and "data-split" in block.attrs:
        return [block]
    for child in block.children:
        if child.tag == "table" and "data-split" in child.attrs:
            return [block, child]
    return None


def _only_tbody(table: _Element) -> _Element | None:
    bodies = [child for child in table.children if child.tag == "tbody"]
    return bodies[0] if len(bodies) == 1 else None


def weight(text: str) -> int:
    """The layout cost of some HTML: it follows the number of boxes, roughly the number of tags (inline images
    cost little)."""
    return text.count("<")


# A piece of <main> that a range may end after: its text, its weight, and for a row of a split table the markup
# that closes the table before a cut and reopens it (with its header) after one.
_Piece = tuple[str, int, tuple[str, str] | None]


def split_html(html: str, parts: int) -> list[str]:
    """The document cut into at most `parts` documents of about equal layout cost, each a complete HTML page."""
    root = _parse(html)
    main = _find(root, "main")
    if main is None:
        raise SplitError("The report has no <main>")
    head, tail = html[: main.open_end], html[main.close_start :]
    # Each top-level block as pieces that can be cut between: the block whole, or a split table's rows.
    pieces: list[_Piece] = []
    previous_end = main.open_end
    for block in main.children:
        path = _split_table(block)
        tbody = _only_tbody(path[-1]) if path is not None else None
        if path is None or tbody is None or not tbody.children:
            text = html[previous_end : block.end]
            pieces.append((text, weight(text), None))
        else:
            table = path[-1]
            reopen = (
                "".join(html[element.start : element.open_end] for element in path)
                + "".join(
                    html[child.start : child.end]
                    for child in table.children
                    if child.tag in ("colgroup", "col", "thead")
                )
                + html[tbody.start : tbody.open_end]
            )
            reclose = html[tbody.close_start : tbody.end] + "".join(f"</{element.tag}>" for element in reversed(path))
            opener = html[previous_end : tbody.open_end]
            pieces.append((opener, weight(opener), None))
            for row in tbody.children:
                text = html[row.start : row.end]
                pieces.append((text, weight(text), (reopen, reclose)))
            closer = html[tbody.close_start : block.end]
            pieces.append((closer, weight(closer), None))
        previous_end = block.end
    total = sum(piece_weight for _, piece_weight, _ in pieces) or 1
    target = total / max(parts, 1)
    documents: list[list[str]] = [[]]
    filled = 0
    for index, (text, piece_weight, rejoin) in enumerate(pieces):
        # Cut before this piece when the range is full: between blocks, or between two rows of a split table.
        cuttable = rejoin is not None and pieces[index - 1][2] is not None
        between_blocks = rejoin is None and not text.lstrip().startswith("</")
        if filled >= target and len(documents) < parts and (cuttable or between_blocks) and documents[-1]:
            if rejoin is not None and cuttable:
                documents[-1].append(rejoin[1])
                documents.append([rejoin[0]])
            else:
                documents.append([])
            filled = 0
        documents[-1].append(text)
        filled += piece_weight
    return [head + "".join(body) + tail for body in documents]
