"""The page of a long list a request asks for, read the same way by every list page."""

from __future__ import annotations

from flask import request

# Far beyond any real list, and small enough that the database can take the offset it makes.
LAST_PAGE = 100_000


def page_number() -> int:
    """The page asked for with ?page=: the first for anything that is not a whole number of at least 1, and never
    past LAST_PAGE."""
    return min(max(request.args.get("page", 1, type=int) or 1, 1), LAST_PAGE)
