"""Links to one page that differ only in a few parts of their path, as a table's rows have: `url_for` once, then
each row's values put in as `url_for` would put them.

A page of the moderation board links each of its rows to an item; `url_for` costs tens of microseconds a call, so
a page of rows built that way spends milliseconds on its links alone. A pattern is built once, with a marker in
place of each varying part, and each link is then the pattern's text with the row's values quoted as Werkzeug's
default converter quotes a path part (tests/test_url_patterns.py checks the two agree).

In a template:

    {% set item_url = url_pattern("moderate.item", ("reference", "code"), campaign_id=campaign.id, stage=stage) %}
    <a href="{{ item_url(reference=item.reference, code=item.code) }}">
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from flask import url_for

# What Werkzeug's default converter leaves unquoted in a path part (werkzeug.routing.BaseConverter.to_url).
_SAFE = "!$&'()*+,/:;=@"


class UrlPattern:
    """The URLs of one endpoint with these arguments fixed and the `varying` ones, each a plain part of the path
    (`<name>` in the route), given per link."""

    def __init__(self, endpoint: str, varying: Iterable[str], **fixed: Any) -> None:
        names = list(varying)
        markers: dict[str, Any] = {name: f"recruitslot{index}x" for index, name in enumerate(names)}
        built = url_for(endpoint, **fixed, **markers)
        path = built.split("?", 1)[0]
        # Split the built URL at each marker, in the order they appear in it.
        order = sorted(names, key=lambda name: built.find(markers[name]))
        pieces: list[str] = []
        rest = built
        for name in order:
            if path.count(markers[name]) != 1 or rest.count(markers[name]) != 1:
                raise ValueError(f"{name!r} is not one part of {endpoint}'s path")
            before, rest = rest.split(markers[name])
            pieces.append(before)
        pieces.append(rest)
        self._order, self._pieces = order, pieces

    def __call__(self, **values: Any) -> str:
        if values.keys() != set(self._order):
            raise TypeError(f"Give exactly {', '.join(sorted(self._order))}")
        parts = [self._pieces[0]]
        for name, piece in zip(self._order, self._pieces[1:], strict=True):
            parts.append(quote(str(values[name]), safe=_SAFE))
            parts.append(piece)
        return "".join(parts)


def url_pattern(endpoint: str, varying: Iterable[str], **fixed: Any) -> UrlPattern:
    return UrlPattern(endpoint, varying, **fixed)
