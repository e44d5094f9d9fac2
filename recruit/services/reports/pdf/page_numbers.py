""" "Page X of Y" on a report laid out as page ranges.

The total is only known once every range is laid out, so the ranges are laid out without the page number and the
numbers are drawn afterwards, by WeasyPrint in the document's own page-margin style, and laid over each joined page
as an artifact (page furniture is not part of the tagged content in PDF/UA) by joining.py.
"""

from __future__ import annotations

from weasyprint import CSS
from weasyprint.text.fonts import FontConfiguration

from recruit.services.reports.pdf.fetching import html_document

# A page's size in points: (width, height).
Size = tuple[float, float]

MARGIN_BOXES = (
    "top-left-corner",
    "top-left",
    "top-center",
    "top-right",
    "top-right-corner",
    "left-top",
    "left-middle",
    "left-bottom",
    "right-top",
    "right-middle",
    "right-bottom",
    "bottom-left-corner",
    "bottom-left",
    "bottom-center",
    "bottom-right-corner",
)
# The ranges leave the page number out: it is laid over each page once the total is known.
WITHOUT_PAGE_NUMBERS = "@page { @bottom-right { content: none !important; } }"
PAGE_NUMBERS_ONLY = (
    "@page { background: none !important; "
    + " ".join(f"@{box} {{ content: none !important; }}" for box in MARGIN_BOXES)
    + " } "
    "html, body { background: none !important; } .recruit-page { height: 1px; break-before: page; }"
    ".recruit-page:first-child { break-before: auto; }"
)


def head_of(html: str) -> str:
    """The document's <head> (its title and page style), without the closing tag."""
    head_end = html.find("</head>")
    return html[:head_end] if head_end != -1 else '<!doctype html><html lang="en-GB"><head>'


def page_numbers(
    head: str,
    sizes: list[Size],
    *,
    first: int = 1,
    total: int | None = None,
    font_config: FontConfiguration | None = None,
) -> bytes:
    """Pages holding only "Page X of Y", in the document's own page style (its <head>), one for each page size:
    numbered from `first`, of `total` pages (the count of these pages unless given), so that a long document's
    numbers can be laid out in parts."""
    if total is not None:
        head = head.replace("counter(pages)", f'"{total}"')
    names = {size: f"recruit-size-{index}" for index, size in enumerate(dict.fromkeys(sizes))}
    page_rules = " ".join(f"@page {name} {{ size: {w:.3f}pt {h:.3f}pt !important; }}" for (w, h), name in names.items())
    body = "".join(f'<div class="recruit-page" style="page: {names[size]}"></div>' for size in sizes)
    document = html_document(f"{head}</head><body>{body}</body></html>")
    first_page = f"@page :first {{ counter-reset: page {first}; }}"
    data: bytes = document.write_pdf(
        stylesheets=[CSS(string=PAGE_NUMBERS_ONLY + page_rules + first_page)], font_config=font_config
    )
    return data
