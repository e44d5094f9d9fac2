"""Reading YAML that people hand us: strict, bounded, and with problems reported by path."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

MAX_FILE_BYTES = 2 * 1024 * 1024
# Far deeper than any of our formats (a framework file is 7 deep); deeper would exhaust Python's stack.
MAX_DEPTH = 50

# Plain-English messages for the pydantic error types our files can produce.
MESSAGES = {
    "missing": "is missing",
    "extra_forbidden": "is not a field this file can have",
    "string_too_short": "empty text",
    "string_too_long": "is too long",
    "string_type": "must be text",
    "string_pattern_mismatch": "must be lowercase letters, numbers and hyphens (like band-c)",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "greater_than_equal": "is too small",
    "less_than_equal": "is too large",
    "list_type": "must be a list",
    "dict_type": "must be a mapping of names to values",
    "model_type": "must be a mapping of names to values",
    "too_short": "must have at least one item",
    "literal_error": "is not one of the allowed values",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
}


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class FileProblems(Exception):
    """The file was refused; every problem found is listed."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class _StrictLoader(yaml.SafeLoader):
    """Safe loading that also refuses duplicate keys, anchors/aliases (no 'billion laughs') and nesting
    deeper than MAX_DEPTH."""

    depth = 0

    # types-PyYAML leaves peek_event untyped.
    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.MarkedYAMLError(None, None, "anchors and aliases (*name) are not allowed", event.start_mark)
        if self.depth >= MAX_DEPTH:
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.MarkedYAMLError(
                None, None, f"lists and mappings are nested more than {MAX_DEPTH} deep", event.start_mark
            )
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
            except TypeError:
                raise yaml.MarkedYAMLError(
                    None, None, "a key must be plain text or a number", key_node.start_mark
                ) from None
            if duplicate:
                raise yaml.MarkedYAMLError(None, None, f"duplicate key '{key}'", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_yaml(raw: bytes) -> Any:
    """Parse uploaded or on-disk bytes, raising FileProblems with a readable message."""
    if len(raw) > MAX_FILE_BYTES:
        raise FileProblems([Problem("", f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileProblems([Problem("", f"the file is not UTF-8 text (byte {error.start})")]) from None
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise FileProblems([Problem("", f"{where}{error.problem or error.context}")]) from None
    except yaml.YAMLError as error:
        raise FileProblems([Problem("", f"the file is not valid YAML ({error})")]) from None


def format_path(data: Any, loc: tuple[Any, ...]) -> str:
    """Write a location as the file's own structure reads: lists as [i], mappings as .key."""
    path = ""
    node = data
    for part in loc:
        if isinstance(node, list) and isinstance(part, int):
            path += f"[{part}]"
            node = node[part] if 0 <= part < len(node) else None
        else:
            path += f".{part}" if path else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return path


def validate(model: type[BaseModel], data: Any) -> tuple[BaseModel | None, list[Problem]]:
    try:
        return model.model_validate(data), []
    except ValidationError as error:
        problems = []
        for item in error.errors():
            # Pydantic adds the name of a tagged union or validator step to the location; drop them.
            loc = tuple(part for part in item["loc"] if not (isinstance(part, str) and "[" in part))
            if item["type"] in ("dict_type", "model_type") and not loc:
                problems.append(Problem("", "the file must be a mapping of names to values"))
                continue
            problems.append(Problem(format_path(data, loc), MESSAGES.get(item["type"], item["msg"])))
        return None, problems


def dump_yaml(data: Any) -> str:
    """YAML as people write it: block style, keys in our order, long lines kept whole."""

    class _Dumper(yaml.SafeDumper):
        pass

    def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    _Dumper.add_representer(str, _str)
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000)
