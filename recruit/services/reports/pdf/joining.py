"""Page ranges' PDFs joined, in order, into one tagged PDF written straight to a file: each range's objects are
renumbered after those already written and written as the range is joined, then let go (qpdf holding the joined
PDF of a long report needed more memory than the rest of the render). Kept to the end: each page's object number
and height, the document element's kids, the parent tree's entries and the headings; then the page tree, one
structure tree (each range's parent-tree keys renumbered after the ranges before it), one outline, the catalog and
the page numbers are written.

pikepdf reads each range; writing.py writes its objects, their references renumbered.
"""

from __future__ import annotations

import io
import zlib
from typing import TYPE_CHECKING, Any, BinaryIO

from recruit.services.reports.pdf.writing import ObjectCopy, PdfWriter, name_syntax, real_syntax

if TYPE_CHECKING:
    import pikepdf

# A heading in a range, for the outline: (level, label, page in the range, x, y), in CSS pixels from the top left.
Mark = tuple[int, str, int, float, float]

# The page number's Form XObject, by this name in each page's resources, drawn over the page's own content (which
# is wrapped in q/Q, as pikepdf's add_overlay does, so that its graphics state does not reach the number).
NUMBER_NAME = b"/RecruitPageNumber"
BEFORE_PAGE = b"q\n"
AFTER_PAGE = b"\nQ\nq\n" + NUMBER_NAME + b" Do\nQ\n"
# What the joined PDF takes from the ranges' catalogs and structure trees itself.
OWN_CATALOG_KEYS = {"/Type", "/Pages", "/StructTreeRoot", "/Outlines", "/Metadata"}
INHERITED_PAGE_KEYS = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")

# pikepdf's type codes (ObjectType), for the values it does not give as Python scalars.
_ARRAY = 8


class RangeJoiner:
    """The ranges' PDFs added in order and written to `file` as they are added; `finish` completes the file."""

    def __init__(self, file: BinaryIO, *, title: str) -> None:
        self.title = title
        self.writer = PdfWriter(file)
        reserve = self.writer.reserve
        self.catalog, self.page_tree, self.tree_root, self.document = reserve(), reserve(), reserve(), reserve()
        self.marks: list[tuple[list[Mark], int]] = []
        self.pages: list[int] = []
        self.heights: list[float] = []
        self.number_forms: list[int] = []
        self.kids: list[bytes] = []
        self.nums: list[tuple[int, int]] = []
        self.next_key = 0
        # From the first range: the catalog's other entries (language, mark info, viewer preferences), its
        # metadata, the Info dictionary, the structure tree's role and class maps and the document element's own
        # entries, as syntax in the joined PDF's numbering.
        self.catalog_entries: list[bytes] = []
        self.info_entries: list[bytes] = []
        self.tree_entries: list[bytes] = []
        self.document_entries: list[bytes] = []
        self.before_page = reserve()
        self.after_page = reserve()
        self.writer.write_stream(self.before_page, b"", BEFORE_PAGE)
        self.writer.write_stream(self.after_page, b"", AFTER_PAGE)

    @property
    def ranges(self) -> int:
        """How many ranges have been added."""
        return len(self.marks)

    def add(self, data: bytes, marks: list[Mark], page_count: int) -> None:
        import pikepdf

        first = not self.marks
        self.marks.append((marks, page_count))
        with pikepdf.open(io.BytesIO(data)) as source:
            tree = source.Root.StructTreeRoot
            document = _document_element(tree)
            # References to what the joined PDF has one of are made to its own.
            numbers = {tree.objgen: self.tree_root, document.objgen: self.document, source.Root.objgen: self.catalog}
            numbers.update((node.objgen, self.page_tree) for node in _page_tree_nodes(source.Root.Pages))
            entries = _parent_tree_entries(tree.ParentTree)
            key_offset = self.next_key
            self.next_key += max([key + 1 for key, _ in entries] + [int(tree.get("/ParentTreeNextKey", 0))], default=0)
            copy = ObjectCopy(self.writer, numbers, key_offset)
            pages = [(page.obj, self.writer.reserve()) for page in source.pages]
            numbers.update((page.objgen, number) for page, number in pages)
            if first:
                self._take_document_parts(source, copy)
            for page, number in pages:
                self._write_page(page, number, copy)
            for kid in _as_list(document.get("/K")):
                self.kids.append(copy.syntax(kid))
            for key, value in entries:
                if value.is_indirect:
                    self.nums.append((key + key_offset, copy.ref(value)))
                else:
                    number = self.writer.reserve()
                    self.writer.write(number, copy.syntax(value))
                    self.nums.append((key + key_offset, number))
            copy.drain()

    def finish(self, numbers: list[bytes]) -> None:
        """Everything written after the pages: `numbers` (page_numbers.page_numbers, in parts, in order) as each
        page's number, the page tree, the structure tree, the outline, the catalog and the cross-reference stream."""
        import pikepdf

        assert self.marks, "no range was added"
        numbered = 0
        for part in numbers:
            with pikepdf.open(io.BytesIO(part)) as overlay:
                if numbered + len(overlay.pages) > len(self.pages):
                    raise ValueError(f"More page numbers than the {len(self.pages)} pages")
                copy = ObjectCopy(self.writer, {}, 0)
                for page in overlay.pages:
                    self._write_number(page, self.number_forms[numbered], copy)
                    numbered += 1
                copy.drain()
        if numbered != len(self.pages):
            raise ValueError(f"{numbered} page numbers for {len(self.pages)} pages")
        write, reserve = self.writer.write, self.writer.reserve

        write(self.page_tree, b"<</Type /Pages /Count %d /Kids [%s]>>" % (len(self.pages), _refs(self.pages)))
        parent_tree = reserve()
        nums = b" ".join(b"%d %d 0 R" % entry for entry in sorted(self.nums))
        write(parent_tree, b"<</Nums [%s]>>" % nums)
        write(
            self.tree_root,
            b"<</Type /StructTreeRoot /K [%d 0 R] /ParentTree %d 0 R /ParentTreeNextKey %d%s>>"
            % (self.document, parent_tree, self.next_key, b"".join(self.tree_entries)),
        )
        write(
            self.document,
            b"<<%s /P %d 0 R /K [%s]>>" % (b"".join(self.document_entries), self.tree_root, b" ".join(self.kids)),
        )
        outline = self._write_outline()
        info = reserve()
        title = _syntax_of(self.title)
        write(info, b"<<%s /Title %s>>" % (b"".join(self.info_entries), title))
        write(
            self.catalog,
            b"<</Type /Catalog /Pages %d 0 R /StructTreeRoot %d 0 R%s%s>>"
            % (
                self.page_tree,
                self.tree_root,
                b" /Outlines %d 0 R" % outline if outline else b"",
                b"".join(self.catalog_entries),
            ),
        )
        self.writer.close(b"/Root %d 0 R /Info %d 0 R" % (self.catalog, info))

    def _take_document_parts(self, source: pikepdf.Pdf, copy: ObjectCopy) -> None:
        """What the joined PDF takes from the first range: its catalog's entries, its metadata with the title, its
        Info dictionary, its structure tree's role and class maps, its document element's own entries."""
        with source.open_metadata(set_pikepdf_as_editor=False) as metadata:
            metadata["dc:title"] = self.title
        for key, value in source.Root.items():
            if key not in OWN_CATALOG_KEYS:
                self.catalog_entries.append(b" " + name_syntax(key) + b" " + copy.syntax(value))
        self.catalog_entries.append(b" /Metadata " + copy.syntax(source.Root.Metadata))
        for key, value in source.trailer.get("/Info", {}).items():
            if key != "/Title":
                self.info_entries.append(b" " + name_syntax(key) + b" " + copy.syntax(value))
        tree = source.Root.StructTreeRoot
        for key in ("/RoleMap", "/ClassMap"):
            if key in tree:
                self.tree_entries.append(b" " + name_syntax(key) + b" " + copy.syntax(tree[key]))
        for key, value in _document_element(tree).items():
            if key not in ("/K", "/P"):
                self.document_entries.append(b" " + name_syntax(key) + b" " + copy.syntax(value))

    def _write_page(self, page: pikepdf.Dictionary, number: int, copy: ObjectCopy) -> None:
        """A page, in the joined page tree, with its number's Form XObject (written at the end) drawn over it."""
        entries = [b"/Type /Page /Parent %d 0 R" % self.page_tree]
        for key, value in page.items():
            if key not in ("/Type", "/Parent", "/Contents", "/Resources", *INHERITED_PAGE_KEYS):
                entries.append(name_syntax(key) + b" " + copy.value(key, value))
        for key in INHERITED_PAGE_KEYS[1:]:
            value = _inherited(page, key)
            if value is not None:
                entries.append(name_syntax(key) + b" " + copy.syntax(value))
        contents = [copy.syntax(stream) for stream in _as_list(page.get("/Contents"))]
        entries.append(b"/Contents [%d 0 R %s %d 0 R]" % (self.before_page, b" ".join(contents), self.after_page))
        form = self.writer.reserve()
        resources = _inherited(page, "/Resources")
        if resources is None:
            resources = {}
        if NUMBER_NAME.decode() in resources.get("/XObject", {}):
            raise ValueError(f"A page already has an XObject named {NUMBER_NAME.decode()}")
        kept = [name_syntax(key) + b" " + copy.syntax(value) for key, value in resources.items() if key != "/XObject"]
        xobjects = [
            name_syntax(key) + b" " + copy.syntax(value) for key, value in resources.get("/XObject", {}).items()
        ]
        xobjects.append(NUMBER_NAME + b" %d 0 R" % form)
        entries.append(b"/Resources <<%s /XObject <<%s>>>>" % (b" ".join(kept), b" ".join(xobjects)))
        self.writer.write(number, b"<<" + b" ".join(entries) + b">>")
        self.pages.append(number)
        self.number_forms.append(form)
        self.heights.append(float(_inherited(page, "/MediaBox")[3]))

    def _write_number(self, page: pikepdf.Page, form: int, copy: ObjectCopy) -> None:
        """A page's number, as a Form XObject of the number page's content marked as an artifact: page furniture
        stays out of the tagged content in PDF/UA."""
        page.contents_coalesce()
        content = b"/Artifact BMC\n" + page.obj.Contents.read_bytes() + b"\nEMC\n"
        resources = copy.syntax(page.obj.get("/Resources", {}))
        self.writer.write_stream(
            form,
            b"/Type /XObject /Subtype /Form /BBox %s /Resources %s /Filter /FlateDecode"
            % (copy.syntax(page.obj.MediaBox), resources),
            zlib.compress(content),
        )

    def _write_outline(self) -> int | None:
        """One outline from every range's headings, nested by heading level as one render would nest them; its
        object number, or None without headings."""
        # Each item: (level, label, page index, left, top in PDF points, children's indexes)
        items: list[tuple[int, str, int, float, float, list[int]]] = []
        top_level: list[int] = []
        stack: list[int] = []
        offset = 0
        for range_marks, range_pages in self.marks:
            for level, label, page, x, y in range_marks:
                index = offset + page
                # CSS pixels from the top left, to PDF points from the bottom left.
                items.append((level, label, index, x * 0.75, self.heights[index] - y * 0.75, []))
                while stack and items[stack[-1]][0] >= level:
                    stack.pop()
                (items[stack[-1]][5] if stack else top_level).append(len(items) - 1)
                stack.append(len(items) - 1)
            offset += range_pages
        if not items:
            return None
        root = self.writer.reserve()
        numbers = [self.writer.reserve() for _ in items]

        def write_level(children: list[int], parent: int) -> int:
            """The items in `children` under `parent`; how many items are under it in all."""
            count = 0
            for position, child in enumerate(children):
                _, label, page, left, top, grandchildren = items[child]
                links = [b"/Parent %d 0 R" % parent]
                if position:
                    links.append(b"/Prev %d 0 R" % numbers[children[position - 1]])
                if position + 1 < len(children):
                    links.append(b"/Next %d 0 R" % numbers[children[position + 1]])
                if grandchildren:
                    below = write_level(grandchildren, numbers[child])
                    links.append(
                        b"/First %d 0 R /Last %d 0 R /Count %d"
                        % (numbers[grandchildren[0]], numbers[grandchildren[-1]], below)
                    )
                    count += below
                self.writer.write(
                    numbers[child],
                    b"<</Title %s %s /Dest [%d 0 R /XYZ %s %s 0]>>"
                    % (_syntax_of(label), b" ".join(links), self.pages[page], real_syntax(left), real_syntax(top)),
                )
                count += 1
            return count

        count = write_level(top_level, root)
        self.writer.write(
            root,
            b"<</Type /Outlines /First %d 0 R /Last %d 0 R /Count %d>>"
            % (numbers[top_level[0]], numbers[top_level[-1]], count),
        )
        return root


def _syntax_of(text: str) -> bytes:
    import pikepdf

    return pikepdf.String(text).unparse()


def _refs(numbers: list[int]) -> bytes:
    return b" ".join(b"%d 0 R" % number for number in numbers)


def _as_list(value: Any) -> list[Any]:
    """An array's items, or a single value as a list of one (a value that may be either, such as /K)."""
    if value is None:
        return []
    if type(value).__name__ == "Object" and value._type_code_int == _ARRAY:
        return list(value)
    return [value]


def _document_element(tree: pikepdf.Object) -> Any:
    return _as_list(tree.K)[0]


def _page_tree_nodes(node: pikepdf.Object) -> list[pikepdf.Object]:
    """The page tree's nodes (not its pages), for the references to them to be made to the joined page tree."""
    nodes = [node]
    for kid in node.get("/Kids", []):
        if kid.get("/Type") == "/Pages":
            nodes += _page_tree_nodes(kid)
    return nodes


def _parent_tree_entries(node: pikepdf.Object) -> list[tuple[int, pikepdf.Object]]:
    """A number tree's (key, value) entries."""
    nums: Any = node.get("/Nums", [])
    entries = [(int(nums[index]), nums[index + 1]) for index in range(0, len(nums), 2)]
    for kid in node.get("/Kids", []):
        entries += _parent_tree_entries(kid)
    return entries


def _inherited(page: pikepdf.Object, key: str) -> Any:
    """A page attribute, from the page or the nearest page tree node that has it."""
    node: Any = page
    while node is not None:
        if key in node:
            return node[key]
        node = node.get("/Parent")
    return None
