"""Template settings: undefined variables raise, so a typo fails a test instead of rendering blank.

The GOV.UK Frontend macros are ported from Nunjucks and rely on its forgiving
undefined: they read optional parameters from dicts (`params.classes`) and test
variables they set only sometimes. So inside those vendored templates, and for a
missing key of a dict anywhere, undefined is empty; in our own templates a missing
variable, or a missing attribute of a model or form, raises.
"""

import sys
import threading
from collections import OrderedDict
from collections.abc import Iterator
from types import CodeType, FrameType
from typing import Any, Generic, TypeVar

from jinja2 import Undefined
from jinja2.runtime import Macro
from jinja2.utils import missing
from markupsafe import Markup, escape

from recruit.clock import format_uk, format_uk_date
from recruit.labels import status_label

VENDORED_TEMPLATES = ("/govuk_frontend_jinja/", "/govuk_frontend_wtf/")


# Whether each compiled template function's code is a vendored template's: the GOV.UK macros make thousands of
# undefined values on a scoring page, and the file names need only be looked at once.
_vendored_code: dict[CodeType, bool] = {}


def _raised_in_vendored_template() -> bool:
    frame: FrameType | None = sys._getframe(2)
    for _ in range(6):
        if frame is None:
            return False
        code = frame.f_code
        vendored = _vendored_code.get(code)
        if vendored is None:
            vendored = _vendored_code[code] = any(part in code.co_filename for part in VENDORED_TEMPLATES)
        if vendored:
            return True
        frame = frame.f_back
    return False


class StrictVariableUndefined(Undefined):
    """Jinja's StrictUndefined, except where _lenient says to be its forgiving Undefined."""

    __slots__ = ("_vendored",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._vendored = _raised_in_vendored_template()

    def _lenient(self) -> bool:
        if self._vendored:
            return True
        # `caller` is undefined in a macro called without a call block; the macros test for it.
        if self._undefined_name == "caller" and self._undefined_obj is missing:
            return True
        return self._undefined_obj is not missing and isinstance(self._undefined_obj, dict)

    def __str__(self) -> str:
        return super().__str__() if self._lenient() else self._fail_with_undefined_error()

    def __iter__(self) -> Iterator[Any]:
        return super().__iter__() if self._lenient() else self._fail_with_undefined_error()

    def __len__(self) -> int:
        return super().__len__() if self._lenient() else self._fail_with_undefined_error()

    def __bool__(self) -> bool:
        return super().__bool__() if self._lenient() else self._fail_with_undefined_error()

    def __eq__(self, other: object) -> bool:
        # As in Nunjucks, a missing value equals `undefined` and `null` (both None here).
        return (other is None or isinstance(other, Undefined)) if self._lenient() else self._fail_with_undefined_error()

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __contains__(self, item: object) -> bool:
        return False if self._lenient() else self._fail_with_undefined_error()

    def __hash__(self) -> int:
        return id(type(self))

    def __getattr__(self, name: str) -> Any:
        if name[:2] == "__":
            raise AttributeError(name)
        if self._lenient():
            # params.attributes.items and the like: keep being empty.
            return self
        return self._fail_with_undefined_error()


# -- GOV.UK macros kept by their parameters ----------------------------------------------------------------------

# Calls kept per process: the page template's few macros, with a handful of parameters each (the navigation by role
# and section, the back link by page), need some hundreds.
KEPT_CALLS = 512


V = TypeVar("V")


class KeptMarkup(Generic[V]):
    """Rendered markup (or what a widget keeps of it) by key, in this process: the least lately used dropped first
    beyond `size`. Shared by the kept macros here and the kept widgets (recruit/choice_widgets.py)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[str, V] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> V | None:
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
            return found

    def put(self, key: str, value: V) -> None:
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


_kept_calls: KeptMarkup[str] = KeptMarkup(KEPT_CALLS)


class KeptMacro:
    """A GOV.UK Frontend macro whose markup is kept by its parameters, as the page template sets them:
    `{% set govukBackLink = kept_macro(_govukBackLink) %}`.

    The macros are pure: what they write depends on the parameters alone (and on globals that never change, such as
    the brand), so the page template's header, navigation, phase banner, skip and back links, the same on page after
    page, are rendered once for each set of parameters rather than on every request, where the macros' many optional
    parameters made them a tenth of a scoring page's time. The key is the parameters' repr, which keeps Markup apart
    from text (one is written as it is, the other escaped).

    Our own macros that write plain values alone can be kept the same way, their arguments' repr giving their
    content: the indicator lists of a criterion's lower levels (kept, frozen values), the same for every application.

    `fill` swaps placeholders the parameters carry for what differs from request to request and is not to be kept
    (the sign-out form's CSRF token): each value escaped, written where its placeholder is in the kept markup."""

    __slots__ = ("_macro",)

    def __init__(self, macro: Macro) -> None:
        self._macro = macro

    def __call__(self, *args: Any, fill: dict[str, str] | None = None, **kwargs: Any) -> Markup:
        code = self._macro._func.__code__
        key = f"{code.co_filename}:{self._macro.name}\n{args!r}\n{kwargs!r}"
        html = _kept_calls.get(key)
        if html is None:
            html = str(self._macro(*args, **kwargs))
            _kept_calls.put(key, html)
        for placeholder, value in (fill or {}).items():
            html = html.replace(placeholder, str(escape(value)))
        return Markup(html)


# What the page template writes in place of the sign-out form's CSRF token, for KeptMacro's `fill`.
TOKEN_PLACEHOLDER = "\x00recruit-csrf-token\x00"


def combine(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    return {**first, **second}


def reject_key(mapping: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if k != key}


FILTERS = {
    "uk_datetime": format_uk,
    "uk_date": format_uk_date,
    "reject_key": reject_key,
    "combine": combine,
    "status_label": status_label,
}
