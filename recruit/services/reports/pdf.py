"""HTML to tagged PDF (PDF/UA-1) with WeasyPrint, fetching nothing but the app's own static files.

A report's HTML can hold anything a candidate or assessor typed. Jinja escapes it, so it arrives as text; the URL
fetcher is the second wall: whatever a document asks for (`file://`, `http://`, a path out of the static folder),
only files inside `recruit/static` and inline images are ever read.
"""
from __future__ import annotations

import gc
import logging
import math
import mimetypes
import os
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

PDF_VARIANT = "pdf/ua-1"
# Relative URLs in a report resolve against this; it names no real host and is never fetched over a network.
BASE_URL = "https://recruit.invalid/"
STATIC_ROOT = (Path(__file__).resolve().parents[2] / "static").resolve()
INLINE_IMAGE_TYPES = ("data:image/svg+xml", "data:image/png")

log = logging.getLogger(__name__)


class FetchRefused(ValueError):
    """A report asked for something outside the app's static files; WeasyPrint leaves it out."""


class StaticOnlyFetcher(URLFetcher):
    """Serves `/static/...` from the app's static folder and inline SVG/PNG images; refuses everything else."""

    def __init__(self):
        super().__init__(allowed_protocols=("https", "data"), allow_redirects=False)

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            if not url.startswith(INLINE_IMAGE_TYPES):
                raise FetchRefused("Only inline SVG and PNG images are allowed in a report")
            return super().fetch(url, headers)
        return URLFetcherResponse(url, body=static_file(url).read_bytes(),
                                  headers={"Content-Type": mimetypes.guess_type(url)[0] or "application/octet-stream"})


def static_file(url: str) -> Path:
    """The file in the static folder that a report URL names; FetchRefused for any other URL."""
    parts = urlsplit(url)
    base = urlsplit(BASE_URL)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or parts.query:
        raise FetchRefused(f"Reports may only use the app's static files, not {url!r}")
    path = posixpath.normpath(unquote(parts.path))
    if not path.startswith("/static/") or "\x00" in path:
        raise FetchRefused(f"Reports may only use the app's static files, not {url!r}")
    candidate = (STATIC_ROOT / path.removeprefix("/static/")).resolve()
    if not candidate.is_relative_to(STATIC_ROOT) or not candidate.is_file():
        raise FetchRefused(f"No such static file: {url!r}")
    return candidate


def html_document(html: str) -> HTML:
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher())


def render_pdf(html: str, *, title: str) -> bytes:
    """One HTML document as one tagged PDF. `title` is the document title a screen reader announces."""
    document = html_document(html).render(pdf_variant=PDF_VARIANT)
    document.metadata.title = title
    document.metadata.lang = "en-GB"
    return document.write_pdf(pdf_variant=PDF_VARIANT)


# Parallel rendering -----------------------------------------------------------------------------------------------
#
# One WeasyPrint render is single-threaded and its cost grows with the number of table rows, so a long report is
# cut into page ranges: the HTML is split between top-level blocks of <main> and between the rows of any table
# marked `data-split` (each range repeats the table's header), the ranges are laid out in parallel processes, and
# the PDFs are joined with pikepdf: pages, structure tree (renumbered), outline and metadata. "Page X of Y" can
# only be known once every range is laid out, so the ranges are rendered without it and the numbers are drawn
# afterwards, by WeasyPrint in the document's own page-margin style, and laid over each page as an artifact (page
# furniture is not part of the tagged content in PDF/UA).

VOID_ELEMENTS = frozenset("area base br col embed hr img input link meta source track wbr".split())
MARGIN_BOXES = (
    "top-left-corner", "top-left", "top-center", "top-right", "top-right-corner", "left-top", "left-middle",
    "left-bottom", "right-top", "right-middle", "right-bottom", "bottom-left-corner", "bottom-left",
    "bottom-center", "bottom-right-corner",
)
# The ranges leave the page number out: it is laid over each page once the total is known.
WITHOUT_PAGE_NUMBERS = "@page { @bottom-right { content: none !important; } }"
PAGE_NUMBERS_ONLY = (
    "@page { background: none !important; "
    + " ".join(f"@{box} {{ content: none !important; }}" for box in MARGIN_BOXES) + " } "
    "html, body { background: none !important; } .recruit-page { height: 1px; break-before: page; }"
    ".recruit-page:first-child { break-before: auto; }"
)


class SplitError(ValueError):
    """The HTML could not be cut into ranges (not well formed as the report templates write it)."""


class _Element:
    __slots__ = ("tag", "attrs", "start", "open_end", "close_start", "end", "children", "parent")

    def __init__(self, tag, attrs, start, open_end, parent):
        self.tag, self.attrs, self.start, self.open_end, self.parent = tag, attrs, start, open_end, parent
        self.close_start = self.end = None
        self.children: list[_Element] = []


def _parse(html: str) -> _Element:
    """Elements with their offsets in the source, so that ranges are cut from the exact HTML text."""
    from html.parser import HTMLParser

    line_starts = [0]
    for index, char in enumerate(html):
        if char == "\n":
            line_starts.append(index + 1)
    root = _Element("#root", {}, 0, 0, None)

    class Parser(HTMLParser):
        current = root

        def position(self) -> int:
            line, column = self.getpos()
            return line_starts[line - 1] + column

        def handle_starttag(self, tag, attrs):
            start = self.position()
            element = _Element(tag, dict(attrs), start, start + len(self.get_starttag_text()), self.current)
            self.current.children.append(element)
            if tag in VOID_ELEMENTS:
                element.close_start = element.end = element.open_end
            else:
                self.current = element

        def handle_startendtag(self, tag, attrs):
            start = self.position()
            element = _Element(tag, dict(attrs), start, start + len(self.get_starttag_text()), self.current)
            element.close_start = element.end = element.open_end
            self.current.children.append(element)

        def handle_endtag(self, tag):
            if tag in VOID_ELEMENTS:
                return
            if self.current.tag != tag:
                raise SplitError(f"</{tag}> closes <{self.current.tag}>")
            start = self.position()
            self.current.close_start, self.current.end = start, html.index(">", start) + 1
            self.current = self.current.parent

    parser = Parser(convert_charrefs=True)
    parser.feed(html)
    parser.close()
    if parser.current is not root:
        raise SplitError(f"<{parser.current.tag}> is never closed")
    return root


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


def _weight(text: str) -> int:
    # Layout cost follows the number of boxes, roughly the number of tags; inline images cost little.
    return text.count("<")


def split_html(html: str, parts: int) -> list[str]:
    """The document cut into at most `parts` documents of about equal layout cost, each a complete HTML page."""
    root = _parse(html)
    main = _find(root, "main")
    if main is None or main.close_start is None:
        raise SplitError("The report has no <main>")
    head, tail = html[:main.open_end], html[main.close_start:]
    # Each top-level block as pieces that can be cut between: the block whole, or a split table's rows.
    pieces: list[tuple[str, int, tuple[str, str] | None]] = []  # (text, weight, (reopen, reclose) after a cut)
    previous_end = main.open_end
    for block in main.children:
        path = _split_table(block)
        tbody = None
        if path is not None:
            table = path[-1]
            bodies = [child for child in table.children if child.tag == "tbody"]
            tbody = bodies[0] if len(bodies) == 1 else None
        if tbody is None or not tbody.children:
            text = html[previous_end:block.end]
            pieces.append((text, _weight(text), None))
        else:
            table = path[-1]
            reopen = "".join(html[element.start:element.open_end] for element in path) + "".join(
                html[child.start:child.end] for child in table.children if child.tag in ("colgroup", "col", "thead")
            ) + html[tbody.start:tbody.open_end]
            reclose = html[tbody.close_start:tbody.end] + "".join(f"</{element.tag}>" for element in reversed(path))
            opener = html[previous_end:tbody.open_end]
            pieces.append((opener, _weight(opener), None))
            for row in tbody.children:
                text = html[row.start:row.end]
                pieces.append((text, _weight(text), (reopen, reclose)))
            closer = html[tbody.close_start:block.end]
            pieces.append((closer, _weight(closer), None))
        previous_end = block.end
    total = sum(weight for _, weight, _ in pieces) or 1
    target = total / max(parts, 1)
    documents: list[list[str]] = [[]]
    weight = 0
    for index, (text, piece_weight, table) in enumerate(pieces):
        # Cut before this piece when the range is full: between blocks, or between two rows of a split table.
        cuttable = table is not None and pieces[index - 1][2] is not None
        between_blocks = table is None and not text.lstrip().startswith("</")
        if weight >= target and len(documents) < parts and (cuttable or between_blocks) and documents[-1]:
            if cuttable:
                documents[-1].append(table[1])
                documents.append([table[0]])
            else:
                documents.append([])
            weight = 0
        documents[-1].append(text)
        weight += piece_weight
    return [head + "".join(body) + tail for body in documents]


_warmed = False


def _range_process(html: str, send) -> None:
    """A forked process laying out one range and sending back the result (or what went wrong)."""
    import signal

    # Whatever the parent does on these signals (an RQ worker shuts down warmly), this process just stops.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    _start_worker()
    try:
        send.send(("ok", _render_range(html)))
    except BaseException as error:  # reported to the parent, which raises it
        send.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        send.close()


def _lay_out_ranges(documents: list[str], workers: int, progress) -> list[tuple]:
    """Each range in a fresh process forked from this warm one (it starts at once, and its heap is gone when the
    range is done), at most `workers` at a time. They only lay out HTML; they touch no database."""
    import multiprocessing
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("fork")
    results: list = [None] * len(documents)
    pending = list(enumerate(documents))
    running: dict = {}
    try:
        while pending or running:
            while pending and len(running) < workers:
                index, document = pending.pop(0)
                receive, send = context.Pipe(duplex=False)
                process = context.Process(target=_range_process, args=(document, send), daemon=True)
                process.start()
                send.close()
                running[receive] = (process, index)
            for connection in wait(list(running)):
                process, index = running.pop(connection)
                try:
                    status, outcome = connection.recv()
                except EOFError:
                    status, outcome = "error", "the process stopped"
                connection.close()
                process.join()
                if status != "ok":
                    raise RuntimeError(f"Laying out page range {index + 1} failed: {outcome}")
                results[index] = outcome
                if progress:
                    progress(len(documents) - len(pending) - len(running), len(documents) + 1)
    finally:
        for connection, (process, _) in running.items():
            process.kill()
            process.join()
            connection.close()
    return results


def _warm() -> None:
    """Load fonts and WeasyPrint's own style sheets once in this process, so that every forked worker has them."""
    global _warmed
    if not _warmed:
        render_pdf('<html lang="en-GB"><head><title>-</title></head><body><main><p>-</p></main></body></html>',
                   title="-")
        _warmed = True


def _start_worker() -> None:
    # What the worker inherited from its parent (the app, the report's data) is never garbage: leave it out of
    # every collection.
    gc.freeze()


def _render_range(html: str) -> tuple[bytes, list[tuple[int, str, int, float, float]], list[tuple[float, float]]]:
    """One page range, tagged, without page numbers (run in a worker process).

    The layout allocates millions of short-lived objects and few reference cycles; the cyclic garbage collector
    would walk the growing heap again and again (a fifth of the render time), so it runs once, afterwards."""
    from weasyprint import CSS

    gc.disable()
    try:
        document = html_document(html).render(pdf_variant=PDF_VARIANT,
                                               stylesheets=[CSS(string=WITHOUT_PAGE_NUMBERS)])
        document.metadata.lang = "en-GB"
        # The headings, for one outline across the ranges: (level, label, page in this range, x, y).
        marks = [(level, label, index, *target)
                 for index, page in enumerate(document.pages)
                 for level, label, target, _ in page.bookmarks]
        # Page sizes in points (CSS pixels are 0.75 pt), for the page numbers laid over them.
        sizes = [(round(page.width * 0.75, 3), round(page.height * 0.75, 3)) for page in document.pages]
        return document.write_pdf(pdf_variant=PDF_VARIANT), marks, sizes
    finally:
        document = None
        gc.enable()
        gc.collect()


def _head(html: str) -> str:
    head_end = html.find("</head>")
    return html[:head_end] if head_end != -1 else '<!doctype html><html lang="en-GB"><head>'


def _page_numbers(head: str, sizes: list[tuple[float, float]]) -> bytes:
    """Pages holding only "Page X of Y", in the document's own page style (its <head>), one for each page size."""
    from weasyprint import CSS

    names = {size: f"recruit-size-{index}" for index, size in enumerate(dict.fromkeys(sizes))}
    page_rules = " ".join(f"@page {name} {{ size: {w:.3f}pt {h:.3f}pt !important; }}" for (w, h), name in names.items())
    body = "".join(f'<div class="recruit-page" style="page: {names[size]}"></div>' for size in sizes)
    document = HTML(string=f"{head}</head><body>{body}</body></html>", base_url=BASE_URL,
                    url_fetcher=StaticOnlyFetcher())
    return document.write_pdf(stylesheets=[CSS(string=PAGE_NUMBERS_ONLY + page_rules)])


class RangeJoiner:
    """Page ranges joined, in order, into one tagged PDF: pages, one structure tree (the ranges' parent-tree keys
    renumbered), one outline from every range's headings, and the page numbers laid over at the end."""

    def __init__(self):
        self.out = None
        self.marks: list = []

    def add(self, data: bytes, marks: list, page_count: int) -> None:
        import io

        import pikepdf

        self.marks.append((marks, page_count))
        if self.out is None:
            self.out = pikepdf.open(io.BytesIO(data))
            tree = self.out.Root.StructTreeRoot
            self.document_element = tree.K[0] if isinstance(tree.K, pikepdf.Array) else tree.K
            self.nums = tree.ParentTree.Nums
            self.next_key = _next_key(self.nums)
            return
        out = self.out
        source = pikepdf.open(io.BytesIO(data))
        page_offset = len(out.pages)
        out.pages.extend(source.pages)  # copies the pages; later copies from `source` map onto these
        source_tree = source.Root.StructTreeRoot
        copied_document = out.copy_foreign(source_tree.K[0] if isinstance(source_tree.K, pikepdf.Array)
                                           else source_tree.K)
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

    def finish(self, numbers: bytes | None, *, title: str) -> bytes:
        import io

        import pikepdf

        out = self.out
        out.Root.StructTreeRoot.ParentTreeNextKey = self.next_key
        _outline_from_marks(out, self.marks)
        if numbers is not None:
            _lay_over(out, numbers)
        with out.open_metadata(set_pikepdf_as_editor=False) as metadata:
            metadata["dc:title"] = title
        out.docinfo.Title = title
        buffer = io.BytesIO()
        # Object streams: a third of the size, and quicker to write than keeping each range's layout.
        out.save(buffer, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return buffer.getvalue()


def join_ranges(ranges: list[bytes], numbers: bytes | None, *, title: str, marks: list[tuple[list, int]]) -> bytes:
    """One tagged PDF from page ranges; `marks` are each range's (headings, page count)."""
    joiner = RangeJoiner()
    for data, (range_marks, page_count) in zip(ranges, marks):
        joiner.add(data, range_marks, page_count)
    return joiner.finish(numbers, title=title)


def _next_key(nums) -> int:
    keys = [int(nums[index]) for index in range(0, len(nums), 2)]
    return max(keys) + 1 if keys else 0


def _outline_from_marks(pdf, marks: list[list]) -> None:
    """One outline from every range's headings, nested by heading level as one render would nest them."""
    from pikepdf import OutlineItem, PageLocation

    heights = [float(page.mediabox[3]) for page in pdf.pages]
    offset, stack = 0, []
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


def _lay_over(pdf, numbers: bytes) -> None:
    """Draw each page's number over it, marked as an artifact so that it stays out of the tagged content."""
    import io

    import pikepdf

    overlay = pikepdf.open(io.BytesIO(numbers))
    for page, number_page in zip(pdf.pages, overlay.pages):
        number_page.contents_coalesce()
        number_page.obj.Contents.write(b"/Artifact BMC\n" + number_page.obj.Contents.read_bytes() + b"\nEMC\n")
        page.add_overlay(number_page)


# About 65 rows of the sift table per range: a range's layout holds roughly 1 MB per row in memory, so ranges
# of this size keep each worker near 120 MB however long the report. Each range costs about 0.3 s of its own.
RANGE_WEIGHT = int(os.environ.get("RECRUIT_REPORT_RANGE_WEIGHT", "4000"))


def render_pdf_parallel(html: str, *, title: str, workers: int | None = None, progress=None) -> bytes:
    """The same document as render_pdf, laid out as page ranges in parallel processes and joined.

    `progress(done, total)` is called as ranges finish. Small documents are not worth the split."""
    workers = workers or os.cpu_count() or 1
    ranges = max(workers, math.ceil(_weight(html) / RANGE_WEIGHT))
    try:
        documents = split_html(html, ranges) if ranges > 1 else [html]
    except SplitError as error:
        log.warning("Rendering a report as one document: %s", error)
        documents = [html]
    if len(documents) == 1:
        pdf = render_pdf(html, title=title)
        if progress:
            progress(1, 1)
        return pdf
    _warm()
    results = _lay_out_ranges(documents, min(workers, len(documents)), progress)
    sizes = [size for _, _, range_sizes in results for size in range_sizes]
    numbers = _page_numbers(_head(html), sizes)
    joiner = RangeJoiner()
    for index, (data, marks, range_sizes) in enumerate(results):
        results[index] = None
        joiner.add(data, marks, len(range_sizes))
    pdf = joiner.finish(numbers, title=title)
    if progress:
        progress(len(documents) + 1, len(documents) + 1)
    return pdf
