"""Laying out a report's HTML as a tagged PDF (PDF/UA-1): in this process, or, for a long report, as page ranges
laid out in parallel forked processes and joined.

A range's layout holds roughly 1 MB per sift-table row in memory, so a long report is cut (splitting.py) into
ranges of about RANGE_WEIGHT, laid out at most `workers` at a time, each in a fresh process forked from this warm
one (forking.py), and joined (joining.py) in order as they finish, while the later ones are still being laid out;
its page numbers (page_numbers.py), once the total is known, are laid out in parallel parts too. With the fonts
warmed once in this process, a range costs little of its own (about 0.05 s), so the parallel render does about the
work of one render, spread over the cores.
"""

from __future__ import annotations

import logging
import math
import os
import tempfile
from collections import deque
from collections.abc import Callable
from functools import partial

from weasyprint import CSS
from weasyprint.text.fonts import FontConfiguration

from recruit.services.reports.pdf.fetching import html_document
from recruit.services.reports.pdf.forking import Task, run_forked
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
    font_config = _warm()
    head, total = head_of(html), len(documents)
    # The joined PDF is written to a file as the ranges arrive; only its bookkeeping stays in memory.
    with tempfile.TemporaryFile() as joined:
        joiner = RangeJoiner(joined, title=title)
        sizes: list[Size] = []
        waiting: dict[int, RangeResult] = {}
        done = 0

        def arrived(index: int, result: RangeResult) -> None:
            # Ranges are joined in order as they arrive, while the others are still being laid out; one that finishes
            # early waits for those before it.
            nonlocal done
            done += 1
            waiting[index] = result
            while joiner.ranges in waiting:
                data, marks, range_sizes = waiting.pop(joiner.ranges)
                joiner.add(data, marks, len(range_sizes))
                sizes.extend(range_sizes)
            if progress:
                progress(done, total + 1)

        pending: deque[tuple[int, Task]] = deque(
            (index, partial(_render_range, document, font_config)) for index, document in enumerate(documents)
        )
        del documents
        run_forked(pending, min(workers, total), arrived, what="page range")
        joiner.finish(_page_numbers(head, sizes, workers, font_config))
        joined.seek(0)
        pdf = joined.read()
    if progress:
        progress(total + 1, total + 1)
    return pdf


def _page_numbers(head: str, sizes: list[Size], workers: int, font_config: FontConfiguration) -> list[bytes]:
    """The page numbers, once the total is known: in `workers` parts of consecutive pages laid out at once (a
    number's page costs as much as a few rows of a table, and nothing else is left to do by then)."""
    per_part = -(-len(sizes) // workers)
    parts = [(first, sizes[first : first + per_part]) for first in range(0, len(sizes), per_part)]
    numbers: dict[int, bytes] = {}
    tasks: deque[tuple[int, Task]] = deque(
        (index, partial(page_numbers, head, part, first=first + 1, total=len(sizes), font_config=font_config))
        for index, (first, part) in enumerate(parts)
    )
    run_forked(tasks, workers, numbers.__setitem__, what="page numbers part")
    return [numbers[index] for index in range(len(parts))]


_font_config: FontConfiguration | None = None


def _warm() -> FontConfiguration:
    """A font configuration with its fonts loaded, and WeasyPrint's own style sheets, made once in this process so
    that every forked worker has them warm (a fresh one costs each range its font lookups again)."""
    global _font_config
    if _font_config is None:
        font_config = FontConfiguration()
        document = html_document(
            '<html lang="en-GB"><head><title>-</title></head><body><main><p>- <b>-</b></p></main></body></html>'
        ).render(pdf_variant=PDF_VARIANT, font_config=font_config)
        document.write_pdf(pdf_variant=PDF_VARIANT)
        _font_config = font_config
    return _font_config


def _render_range(html: str, font_config: FontConfiguration) -> RangeResult:
    """One page range, tagged, without page numbers (run in a worker process)."""
    document = html_document(html).render(
        pdf_variant=PDF_VARIANT, stylesheets=[CSS(string=WITHOUT_PAGE_NUMBERS)], font_config=font_config
    )
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
