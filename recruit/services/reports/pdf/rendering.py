"""Laying out a report's HTML as a tagged PDF (PDF/UA-1): in this process, or, for a long report, as page ranges
laid out in parallel forked processes and joined.

A range's layout holds roughly 1 MB per sift-table row in memory, and each range costs about 0.3 s of its own, so
a long report is cut (splitting.py) into ranges of about RANGE_WEIGHT, laid out at most `workers` at a time, each in
a fresh process forked from this warm one, and joined (joining.py) with its page numbers (page_numbers.py).
"""

from __future__ import annotations

import gc
import logging
import math
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess

from weasyprint import CSS

from recruit.services.reports.pdf.fetching import html_document
from recruit.services.reports.pdf.joining import Mark, RangeJoiner
from recruit.services.reports.pdf.page_numbers import WITHOUT_PAGE_NUMBERS, Size, head_of, page_numbers
from recruit.services.reports.pdf.splitting import SplitError, split_html, weight

PDF_VARIANT = "pdf/ua-1"
# About 65 rows of the sift table per range: ranges of this size keep each worker near 120 MB however long the
# report. The app's REPORT_RANGE_WEIGHT setting; this is its default, for callers outside an app.
RANGE_WEIGHT = 4000

# Told as ranges finish: (done, total).
Progress = Callable[[int, int], None]
# A range laid out: its PDF, its headings and its page sizes.
RangeResult = tuple[bytes, list[Mark], list[Size]]

log = logging.getLogger(__name__)


def render_pdf(html: str, *, title: str) -> bytes:
    """One HTML document as one tagged PDF. `title` is the document title a screen reader announces."""
    document = html_document(html).render(pdf_variant=PDF_VARIANT)
    document.metadata.title = title
    document.metadata.lang = "en-GB"
    data: bytes = document.write_pdf(pdf_variant=PDF_VARIANT)
    return data


def render_pdf_parallel(
    html: str, *, title: str, workers: int = 0, range_weight: int = RANGE_WEIGHT, progress: Progress | None = None
) -> bytes:
    """The same document as render_pdf, laid out as page ranges by `workers` parallel processes (0: one per CPU
    core, counted now) and joined.

    `progress(done, total)` is called as ranges finish. Small documents are not worth the split."""
    workers = workers or os.cpu_count() or 1
    ranges = max(workers, math.ceil(weight(html) / range_weight))
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
    results = deque(_lay_out_ranges(documents, min(workers, len(documents)), progress))
    sizes = [size for _, _, range_sizes in results for size in range_sizes]
    numbers = page_numbers(head_of(html), sizes)
    data, marks, range_sizes = results.popleft()
    joiner = RangeJoiner(data, marks, len(range_sizes))
    while results:  # each range's PDF is let go once it is joined
        data, marks, range_sizes = results.popleft()
        joiner.add(data, marks, len(range_sizes))
    del data
    pdf = joiner.finish(numbers, title=title)
    if progress:
        progress(len(documents) + 1, len(documents) + 1)
    return pdf


_warmed = False


def _warm() -> None:
    """Load fonts and WeasyPrint's own style sheets once in this process, so that every forked worker has them."""
    global _warmed
    if not _warmed:
        render_pdf(
            '<html lang="en-GB"><head><title>-</title></head><body><main><p>-</p></main></body></html>', title="-"
        )
        _warmed = True


def _lay_out_ranges(documents: list[str], workers: int, progress: Progress | None) -> list[RangeResult]:
    """Each range in a fresh process forked from this warm one (it starts at once, and its heap is gone when the
    range is done), at most `workers` at a time. They only lay out HTML; they touch no database."""
    context = multiprocessing.get_context("fork")
    results: dict[int, RangeResult] = {}
    pending = list(enumerate(documents))
    running: dict[Connection, tuple[BaseProcess, int]] = {}
    try:
        while pending or running:
            while pending and len(running) < workers:
                index, document = pending.pop(0)
                receive, send = context.Pipe(duplex=False)
                started = context.Process(target=_range_process, args=(document, send), daemon=True)
                started.start()
                send.close()
                running[receive] = (started, index)
            ready = wait(list(running))
            for connection in [connection for connection in running if connection in ready]:
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
    return [results[index] for index in range(len(documents))]


def _range_process(html: str, send: Connection) -> None:
    """A forked process laying out one range and sending back the result (or what went wrong)."""
    # Whatever the parent does on these signals (an RQ worker shuts down warmly), this process just stops.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    # What the worker inherited from its parent (the app, the report's data) is never garbage: leave it out of
    # every collection.
    gc.freeze()
    try:
        send.send(("ok", _render_range(html)))
    except BaseException as error:  # reported to the parent, which raises it
        send.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        send.close()


def _render_range(html: str) -> RangeResult:
    """One page range, tagged, without page numbers (run in a worker process).

    The layout allocates millions of short-lived objects and few reference cycles; the cyclic garbage collector
    would walk the growing heap again and again (a fifth of the render time), so it runs once, afterwards."""
    gc.disable()
    try:
        document = html_document(html).render(pdf_variant=PDF_VARIANT, stylesheets=[CSS(string=WITHOUT_PAGE_NUMBERS)])
        document.metadata.lang = "en-GB"
        # The headings, for one outline across the ranges.
        marks: list[Mark] = [
            (level, label, index, *target)
            for index, page in enumerate(document.pages)
            for level, label, target, _ in page.bookmarks
        ]
        # Page sizes in points (CSS pixels are 0.75 pt), for the page numbers laid over them.
        sizes: list[Size] = [(round(page.width * 0.75, 3), round(page.height * 0.75, 3)) for page in document.pages]
        data: bytes = document.write_pdf(pdf_variant=PDF_VARIANT)
        return data, marks, sizes
    finally:
        document = None
        gc.enable()
        gc.collect()
