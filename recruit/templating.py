"""Template settings: undefined variables raise, so a typo fails a test instead of rendering blank.

The GOV.UK Frontend macros read optional parameters from plain dicts
(`params.classes`) and rely on a missing key being empty, as in Nunjucks. A
missing key of a dict is therefore allowed to be empty; a missing variable, or
a missing attribute of any other object (a model, a form), raises.
"""
from jinja2 import StrictUndefined, Undefined
from jinja2.utils import missing


class StrictVariableUndefined(StrictUndefined):
    __slots__ = ()

    def _lenient(self) -> bool:
        return self._undefined_obj is not missing and isinstance(self._undefined_obj, dict)

    def __str__(self) -> str:
        return Undefined.__str__(self) if self._lenient() else super().__str__()

    def __iter__(self):
        return Undefined.__iter__(self) if self._lenient() else super().__iter__()

    def __len__(self) -> int:
        return Undefined.__len__(self) if self._lenient() else super().__len__()

    def __bool__(self) -> bool:
        return Undefined.__bool__(self) if self._lenient() else super().__bool__()

    def __eq__(self, other) -> bool:
        return Undefined.__eq__(self, other) if self._lenient() else super().__eq__(other)

    def __ne__(self, other) -> bool:
        return Undefined.__ne__(self, other) if self._lenient() else super().__ne__(other)

    def __contains__(self, item) -> bool:
        return False if self._lenient() else super().__contains__(item)

    def __hash__(self) -> int:
        return id(type(self))

    def __getattr__(self, name: str):
        if name[:2] == "__":
            raise AttributeError(name)
        if self._lenient():
            # params.attributes.items and the like: keep being empty.
            return self
        return self._fail_with_undefined_error()


# Defaults for the variables the GOV.UK page template reads, so strict mode can be on.
GOVUK_TEMPLATE_DEFAULTS = {
    "govukRebrand": True,
    "htmlLang": "en",
    "htmlClasses": "",
    "pageTitleLang": "",
    "opengraphImageUrl": "",
    "assetUrl": "",
    "bodyClasses": "",
    "bodyAttributes": {},
    "containerClasses": "",
    "mainClasses": "",
    "mainLang": "",
    "themeColor": "",
    "cspNonce": "",
}
