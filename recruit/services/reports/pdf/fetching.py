"""What a report may read while it is laid out: the app's own static files and inline images, nothing else.

A report's HTML can hold anything a candidate or assessor typed. Jinja escapes it, so it arrives as text; the URL
fetcher is the second wall: whatever a document asks for (`file://`, `http://`, a path out of the static folder),
only files inside `recruit/static` and inline images are ever read.
"""

from __future__ import annotations

import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative URLs in a report resolve against this; it names no real host and is never fetched over a network.
BASE_URL = "https://recruit.invalid/"
STATIC_ROOT = (Path(__file__).resolve().parents[3] / "static").resolve()
INLINE_IMAGE_TYPES = ("data:image/svg+xml", "data:image/png")


class FetchRefused(ValueError):
    """A report asked for something outside the app's static files; WeasyPrint leaves it out."""


class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint publishes no type information
    """Serves `/static/...` from the app's static folder and inline SVG/PNG images; refuses everything else."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("https", "data"), allow_redirects=False)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            if not url.startswith(INLINE_IMAGE_TYPES):
                raise FetchRefused("Only inline SVG and PNG images are allowed in a report")
            return super().fetch(url, headers)
        return URLFetcherResponse(
            url,
            body=static_file(url).read_bytes(),
            headers={"Content-Type": mimetypes.guess_type(url)[0] or "application/octet-stream"},
        )


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
    """A WeasyPrint document of the HTML that reads through StaticOnlyFetcher alone."""
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher())
