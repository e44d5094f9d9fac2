"""Page ranges' PDFs joined, in order, into one tagged PDF with pikepdf: the pages, one structure tree (each
range's parent-tree keys renumbered after the ranges before it), one outline from every range's headings, the
document's title, and the page numbers laid over at the end.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from recruit.services.reports.pdf.page_numbers import lay_over

if TYPE_CHECKING:
    import pikepdf

# A heading in a range, for the outline: (level, label, page in the range, x, y), in CSS pixels from the top left.
Mark = tuple[int, str, int, float, float]


class RangeJoiner:
    """The ranges' PDFs added in order: the first is opened as the joined PDF; each one after it is appended to its
    pages, structure tree and outline, and let go."""

    def __init__(self) -> None:
        self.marks: list[tuple[list[Mark], int]] = []
        self.out: pikepdf.Pdf | None = None

    @property
    def ranges(self) -> int:
        """How many ranges have been added."""
        return len(self.marks)

    def add(self, data: bytes, marks: list[Mark], page_count: int) -> None:
        import pikepdf

        self.marks.append((marks, page_count))
        if self.out is None:
            self.out = pikepdf.open(io.BytesIO(data))
            tree = self.out.Root.StructTreeRoot
            self.document_element = _document_element(tree)
            self.nums = tree.ParentTree.Nums
            self.next_key = _next_key(self.nums)
            return
        out = self.out
        source = pikepdf.open(io.BytesIO(data))
        page_offset = len(out.pages)
        out.pages.extend(source.pages)  # copies the pages; later copies from `source` map onto these
        source_tree = source.Root.StructTreeRoot
        copied_document = out.copy_foreign(_document_element(source_tree))
        for kid in copied_document.K:
            if isinstance(kid, pikepdf.Dictionary):
                kid.P = self.document_element
            self.document_element.K.append(kid)
        copied_nums = out.copy_foreign(source_tree.ParentTree).Nums
        for index in range(0, len(copied_nums), 2):
            self.nums.append(int(copied_nums[index]) + self.next_key)
            self.nums.append(copied_nums[index + 1])
        for page in out.pages[page_offset:]:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + self.next_key
            for annotation in page.obj.get("/Annots", []):
                if "/StructParent" in annotation:
                    annotation.StructParent = int(annotation.StructParent) + self.next_key
        self.next_key += _next_key(copied_nums)
        source.close()

    def finish(self, numbers: list[bytes], *, title: str) -> bytes:
        """The joined PDF, with `numbers` (page_numbers.page_numbers, in parts, in order) laid over its pages."""
        import pikepdf

        out = self.out
        assert out is not None, "no range was added"
        out.Root.StructTreeRoot.ParentTreeNextKey = self.next_key
        _outline_from_marks(out, self.marks)
        numbered = 0
        for part in numbers:
            numbered += lay_over(out, part, first=numbered)
        with out.open_metadata(set_pikepdf_as_editor=False) as metadata:
            metadata["dc:title"] = title
        out.docinfo.Title = title
        buffer = io.BytesIO()
        # Object streams: a third of the size, and quicker to write than keeping each range's layout.
        out.save(buffer, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return buffer.getvalue()


def _document_element(tree: pikepdf.Object) -> pikepdf.Object:
    import pikepdf

    return tree.K[0] if isinstance(tree.K, pikepdf.Array) else tree.K


def _next_key(nums: pikepdf.Object) -> int:
    keys = [int(nums[index]) for index in range(0, len(nums), 2)]
    return max(keys) + 1 if keys else 0


def _outline_from_marks(pdf: pikepdf.Pdf, marks: list[tuple[list[Mark], int]]) -> None:
    """One outline from every range's headings, nested by heading level as one render would nest them."""
    from pikepdf import OutlineItem, PageLocation

    heights = [float(page.mediabox[3]) for page in pdf.pages]
    offset = 0
    stack: list[tuple[int, OutlineItem]] = []
    with pdf.open_outline() as outline:
        outline.root.clear()
        for range_marks, range_pages in marks:
            for level, label, page, x, y in range_marks:
                index = offset + page
                # CSS pixels from the top left, to PDF points from the bottom left.
                item = OutlineItem(label, index, PageLocation.XYZ, left=x * 0.75, top=heights[index] - y * 0.75)
                while stack and stack[-1][0] >= level:
                    stack.pop()
                (stack[-1][1].children if stack else outline.root).append(item)
                stack.append((level, item))
            offset += range_pages
