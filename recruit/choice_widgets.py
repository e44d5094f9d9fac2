"""GOV.UK checkboxes and radios rendered once for each set of choices, then ticked in the markup.

The scoring pages show each criterion's indicators as checkboxes and the scale as radios: on the page for a whole
application that is a dozen GOV.UK macro calls, each one a template render of dozens of items, and they were most of
the page's time. The markup of a list of choices depends on what is ticked only in the ` checked` attribute the
macro writes straight after each input's value, so these widgets render a list through govuk-frontend-wtf's macro
once with nothing ticked, keep that markup (a bounded cache, per process, keyed by everything the macro reads but
the ticks: names, choices, legend, hint, classes, error message), and for each page write ` checked` into a copy at
the inputs that are ticked. What they produce is the macro's output, character for character
(tests/test_choice_widgets.py compares them); anything whose markup depends on the ticks in another way (a
conditional reveal, ticks given as `values`/`value` rather than per item) is rendered by the macro as before.

Once a list is kept, a field asking for it again is answered without the steps before the macro: WTForms' option
fields (one made for each choice on every render) and govuk-frontend-wtf's merging of the page's parameters into
them. The field's choices, name, hint, error and the page's parameters (less the ticks) find the kept list; which
items are ticked comes from the field's data as WTForms would tick them, or from a tick the page gives. That key is
kept beside a list only when the full path, rendering it, ticked the same items (so a field whose ticks follow other
rules stays on the full path).

A button is kept by everything the macro reads (its text, name, value, classes and attributes): the scoring and
moderation pages have several, the same on every page.

A hidden input (a score's version, once for each criterion) is written out directly, as WTForms' own widget writes
it but without building its attributes through its general-purpose markup formatting.

A text area is kept the same way: its markup depends on what is typed only between `<textarea …>` and
`</textarea>`, where the macro writes the value, escaped; the rest is rendered once for each label, hint, error and
set of attributes.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovRadioInput, GovSubmitInput, GovTextArea
from markupsafe import Markup, escape
from wtforms.widgets import HiddenInput

from recruit.templating import KeptMarkup

CACHE_SIZE = 512  # lists of choices kept per process; a campaign's criteria and scale need a few dozen


class _Rendered:
    """A list rendered with nothing ticked, and where each item's ` checked` goes; or a text area rendered empty,
    and where its value goes."""

    __slots__ = ("html", "offsets")

    def __init__(self, html: str, offsets: list[int]) -> None:
        self.html, self.offsets = html, offsets


_cache: KeptMarkup[_Rendered] = KeptMarkup(CACHE_SIZE)


def _key(template: str, params: dict[str, Any], items: list[dict[str, Any]]) -> str:
    # repr keeps Markup apart from plain text (one is written as it is, the other escaped) and is cheap; the
    # widgets build params in a fixed order, so the same choices always give the same key.
    plain = {**params, "items": [{k: v for k, v in item.items() if k != "checked"} for item in items]}
    return template + "\n" + repr(plain)


def _cacheable(params: dict[str, Any], items: list[Any]) -> bool:
    """Whether the macro's markup depends on the ticks only through each input's ` checked`."""
    if "value" in params or "values" in params:
        return False
    return all(
        isinstance(item, dict) and item and not item.get("conditional") and not item.get("divider") for item in items
    )


def _offsets(html: str, input_class: str, count: int) -> list[int] | None:
    """Where ` checked` goes in each item's input: straight after its value attribute, as the macro writes it."""
    offsets, start = [], 0
    for _ in range(count):
        tag = html.find(f'<input class="{input_class}"', start)
        if tag < 0:
            return None
        value = html.find(' value="', tag)
        end = html.find('"', value + len(' value="')) if value >= 0 else -1
        closing = html.find(">", tag)
        if end < 0 or closing < end:
            return None
        offsets.append(end + 1)
        start = end + 1
    if html.find(f'<input class="{input_class}"', start) >= 0:
        return None
    return offsets


# While a field takes the full path: the key its kept list may also be found by, and the ticks that key's path gives.
_shortcut: ContextVar[tuple[str, list[bool]] | None] = ContextVar("recruit_choice_shortcut", default=None)


def render_choices(widget: Any, params: dict[str, Any], input_class: str, render_macro: Any) -> Markup:
    items = params.get("items") or []
    if not _cacheable(params, items):
        return Markup(render_macro(params))
    key = _key(widget.template, params, items)
    rendered = _cache.get(key)
    if rendered is None:
        unticked = {**params, "items": [{**item, "checked": False} for item in items]}
        html = str(render_macro(unticked))
        offsets = _offsets(html, input_class, len(items))
        if offsets is None:  # not the markup expected: leave this list to the macro
            return Markup(render_macro(params))
        rendered = _Rendered(html, offsets)
        _cache.put(key, rendered)
    ticks = [bool(item.get("checked")) for item in items]
    shortcut = _shortcut.get()
    if shortcut is not None and shortcut[1] == ticks:
        _cache.put(shortcut[0], rendered)
    return _ticked(rendered, ticks)


def _ticked(rendered: _Rendered, ticks: list[bool]) -> Markup:
    if not any(ticks):
        return Markup(rendered.html)
    parts, previous = [], 0
    for offset, tick in zip(rendered.offsets, ticks):
        if tick:
            parts += [rendered.html[previous:offset], " checked"]
            previous = offset
    parts.append(rendered.html[previous:])
    return Markup("".join(parts))


class _KeptChoices:
    """The shortcut to a kept list (see the module's docstring), before govuk-frontend-wtf's path."""

    template: str  # the widget's macro template, from govuk-frontend-wtf's class

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        found = self._shortcut(field, kwargs)
        if found is None:
            return Markup(super().__call__(field, **kwargs))  # type: ignore[misc]
        key, ticks = found
        rendered = _cache.get(key)
        if rendered is not None and len(rendered.offsets) == len(ticks):
            return _ticked(rendered, ticks)
        token = _shortcut.set(found)
        try:
            return Markup(super().__call__(field, **kwargs))  # type: ignore[misc]
        finally:
            _shortcut.reset(token)

    def _shortcut(self, field: Any, kwargs: dict[str, Any]) -> tuple[str, list[bool]] | None:
        """The key a field's list is kept under and the items it ticks; None where it has to take the full path."""
        params = kwargs.get("params") or {}
        if set(kwargs) - {"params"} or not isinstance(params, dict) or not isinstance(field.choices, list):
            return None
        given = params.get("items") or []
        if not isinstance(given, list) or len(given) > len(field.choices) or not _cacheable(params, given):
            return None
        ticks = []
        for index, choice in enumerate(field.choices):
            if not isinstance(choice, tuple) or len(choice) != 2:
                return None
            item = given[index] if index < len(given) else {}
            ticks.append(bool(item["checked"]) if "checked" in item else self._selected(field, choice[0]))
        plain = {**params, "items": [{k: v for k, v in item.items() if k != "checked"} for item in given]}
        error = field.errors[0] if field.errors else None
        key = f"{self.template}\n{field.name}\n{field.description!r}\n{error!r}\n{field.choices!r}\n{plain!r}"
        return key, ticks

    @staticmethod
    def _selected(field: Any, value: Any) -> bool:
        raise NotImplementedError


class Checkboxes(_KeptChoices, GovCheckboxesInput):  # type: ignore[misc]  # govuk-frontend-wtf: no type information
    """govuk-frontend-wtf's checkboxes, rendered once for each set of choices (see the module's docstring)."""

    @staticmethod
    def _selected(field: Any, value: Any) -> bool:
        # As WTForms' SelectMultipleField ticks its options.
        return bool(field.coerce(value) in (field.data or ()))

    def render(self, params: dict[str, Any]) -> Markup:
        return render_choices(self, params, "govuk-checkboxes__input", super().render)


class Radios(_KeptChoices, GovRadioInput):  # type: ignore[misc]  # govuk-frontend-wtf publishes no type information
    """govuk-frontend-wtf's radios, rendered once for each set of choices (see the module's docstring)."""

    @staticmethod
    def _selected(field: Any, value: Any) -> bool:
        # As WTForms' RadioField ticks its options.
        return bool(field.coerce(value) == field.data)

    def render(self, params: dict[str, Any]) -> Markup:
        return render_choices(self, params, "govuk-radios__input", super().render)


# Stands in for the value while a text area is rendered for keeping: no form value holds it.
_VALUE = "\x00recruit-text-area-value\x00"


class TextArea(GovTextArea):  # type: ignore[misc]  # govuk-frontend-wtf publishes no type information
    """govuk-frontend-wtf's text area, rendered once for each label, hint, error and attributes, with the value
    written in (see the module's docstring)."""

    def render(self, params: dict[str, Any]) -> Markup:
        value = params.get("value")
        if not isinstance(value, str):
            return Markup(super().render(params))
        key = self.template + "\n" + repr({name: v for name, v in params.items() if name != "value"})
        rendered = _cache.get(key)
        if rendered is None:
            html = str(super().render({**params, "value": _VALUE}))
            at = html.find(_VALUE)
            if at < 0 or html.find(_VALUE, at + 1) >= 0:  # not the markup expected: leave it to the macro
                return Markup(super().render(params))
            rendered = _Rendered(html[:at] + html[at + len(_VALUE) :], [at])
            _cache.put(key, rendered)
        at = rendered.offsets[0]
        # Escaped as the macro's autoescaping does: markup given as the value is written as it is.
        return Markup(rendered.html[:at] + str(escape(value)) + rendered.html[at:])


class Hidden(HiddenInput):  # type: ignore[misc]
    """WTForms' hidden input, written out directly: the same markup, character for character (see the module's
    docstring). Given attributes of its own, it is WTForms' widget as it stands."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        if kwargs or any(getattr(field.flags, name, None) for name in self.validation_attrs):
            return Markup(super().__call__(field, **kwargs))
        identity, value = escape(field.id), escape(field._value())
        return Markup(f'<input id="{identity}" name="{escape(field.name)}" type="hidden" value="{value}">')


class Submit(GovSubmitInput):  # type: ignore[misc]  # govuk-frontend-wtf publishes no type information
    """govuk-frontend-wtf's button, rendered once for each set of parameters (see the module's docstring)."""

    def render(self, params: dict[str, Any]) -> Markup:
        key = self.template + "\n" + repr(params)
        rendered = _cache.get(key)
        if rendered is None:
            rendered = _Rendered(str(super().render(params)), [])
            _cache.put(key, rendered)
        return Markup(rendered.html)
