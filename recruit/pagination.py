"""The page of a long list a request asks for, read the same way by every list page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import ceil
from typing import Generic, TypeVar

from flask import request

T = TypeVar("T")

# Far beyond any real list, and small enough that the database can take the offset it makes.
LAST_PAGE = 100_000


def page_number() -> int:
    """The page asked for with ?page=: the first for anything that is not a whole number of at least 1, and never
    past LAST_PAGE."""
    return min(max(request.args.get("page", 1, type=int) or 1, 1), LAST_PAGE)


@dataclass(frozen=True)
class ListPage(Generic[T]):
    """One page of a list already in memory, read by the pager as a database page is (components/pagination.html)."""

    items: list[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(ceil(self.total / self.per_page), 1)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int:
        return min(self.page - 1, self.pages)

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_num(self) -> int:
        return self.page + 1


def page_of(items: Sequence[T], page: int, per_page: int) -> ListPage[T]:
    """The page'th page of `items` (an empty page past the end, as a database page would be)."""
    start = (page - 1) * per_page
    return ListPage(list(items[start : start + per_page]), page, per_page, len(items))
