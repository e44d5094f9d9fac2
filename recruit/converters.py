"""URL converters that keep out of the database what it cannot take: a value no record can have is no
page (404), never a query the database refuses.

Ids are 32-bit integers (every id column is an INTEGER, which PostgreSQL keeps in 32 bits), and no
reference, code or slug holds a NUL character (which PostgreSQL refuses in any text parameter).
"""

from werkzeug.routing import IntegerConverter, Map, UnicodeConverter

MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>`: a whole number from 0 to MAX_ID."""

    def __init__(
        self, map: Map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID, signed: bool = False
    ) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class TextConverter(UnicodeConverter):
    """`<name>` and `<string:name>`: one path segment without a NUL character."""

    def __init__(self, map: Map, minlength: int = 1, maxlength: int | None = None, length: int | None = None) -> None:
        super().__init__(map, minlength=minlength, maxlength=maxlength, length=length)
        self.regex = self.regex.replace("[^/]", r"[^/\x00]", 1)


CONVERTERS = {"int": IdConverter, "default": TextConverter, "string": TextConverter}
