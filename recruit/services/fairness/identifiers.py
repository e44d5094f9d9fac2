"""What in a statement could identify the candidate (DESIGN §12, redaction): their own name and its parts, email
addresses, UK phone numbers, National Insurance numbers, postcodes, web addresses and the organisations they listed
to keep out of their evidence.

Rule-based and offline: regular expressions for the patterns, an Aho-Corasick automaton (pyahocorasick) for the
names, so a long list of organisations costs one pass over the text. Nothing is fetched and no model is used.
The candidate is warned before submitting; an admin sees the same findings before the sift and may redact them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import ahocorasick

NAME = "name"
EMAIL = "email"
PHONE = "phone"
NI_NUMBER = "ni_number"
POSTCODE = "postcode"
URL = "url"
ORGANISATION = "organisation"

KIND_LABELS = {
    NAME: "Your name",
    EMAIL: "An email address",
    PHONE: "A phone number",
    NI_NUMBER: "A National Insurance number",
    POSTCODE: "A postcode",
    URL: "A web address",
    ORGANISATION: "An organisation you listed",
}

# The same for the admin, who is not the candidate.
ADMIN_LABELS = {**KIND_LABELS, NAME: "The candidate's name", ORGANISATION: "An organisation the candidate listed"}

# Titles and honorifics are not the candidate's name: "Dr" alone identifies nobody.
TITLES = frozenset(
    {"dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "sir", "dame", "lord", "lady", "rev", "revd"}
)
MIN_PART = 2

_EMAIL = re.compile(r"(?<![\w.+-])[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?![\w-])")
# http(s) or www., up to the next space; trailing punctuation belongs to the sentence, not the address.
_URL = re.compile(r"(?<![\w@])(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_URL_TAIL = ".,;:!?)]}'\""
# A UK number: 0, +44 or 0044 (with an optional "(0)"), then the 9 or 10 digits of the national number, in any
# grouping of spaces, dashes or brackets around the area code. Numbers start 1, 2, 3 (geographic), 7 (mobile), 8.
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+44|0044)[\s-]?(?:\(0\)[\s-]?)?|\(?0)[1-378](?:[\s\-)]{0,2}\d){8,9}(?![\d-])",
)
# HMRC: the first letter is not D, F, I, Q, U or V; the second not those nor O; some pairs are never issued.
# Upper case only, as written on the card: in lower case "at 12 34 56" would read as one.
_NI = re.compile(
    r"\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2}(?: ?[A-D])?\b",
)
# Royal Mail's full format (outward code, optional space, inward code), and Girobank's GIR 0AA.
_POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|(?:[A-PR-UWYZ](?:\d[\dA-HJKPS-UW]?|[A-HK-Y]\d[\dABEHMNPRV-Y]?)) ?\d[ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)
_PATTERNS = ((EMAIL, _EMAIL), (URL, _URL), (PHONE, _PHONE), (NI_NUMBER, _NI), (POSTCODE, _POSTCODE))


@dataclass(frozen=True)
class Span:
    """A stretch of the text, [start, end) in characters, that could identify the candidate."""

    start: int
    end: int
    kind: str
    text: str

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def admin_label(self) -> str:
        return ADMIN_LABELS.get(self.kind, self.kind)


def name_parts(full_name: str) -> list[str]:
    """The full name and each part of it worth looking for: "Dr Priya Shah-Patel" gives the whole name, "Priya",
    "Shah-Patel", "Shah" and "Patel"; titles and initials are left out."""
    kept = [w for w in full_name.split() if w.lower().strip(".,") not in TITLES]
    parts: list[str] = []
    if len(kept) > 1:
        parts.append(" ".join(kept).strip(","))
    for word in (w.strip(".,") for w in kept):
        parts.append(word)
        pieces = re.split(r"[-']", word)
        if len(pieces) > 1:
            parts.extend(pieces)
    return _distinct(p for p in parts if sum(c.isalpha() for c in p) >= MIN_PART)


def organisation_lines(text: str | None) -> list[str]:
    """The organisations the candidate listed, one a line."""
    return _distinct(line.strip() for line in (text or "").splitlines() if len(line.strip()) >= MIN_PART)


def _distinct(values: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(_fold(value), value)
    return list(seen.values())


def _fold(text: str) -> str:
    """Lower case, character for character, so that offsets in the folded text are offsets in the original."""
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _automaton(terms: Iterable[tuple[str, str]]) -> ahocorasick.Automaton | None:
    automaton = ahocorasick.Automaton()
    for kind, term in terms:
        key = _fold(term)
        # A name that is also an organisation's stays a name: the candidate's own name is the stronger warning.
        if key not in automaton:
            automaton.add_word(key, (kind, len(key)))
    if len(automaton) == 0:
        return None
    automaton.make_automaton()
    return automaton


def _whole_word(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not before.isalnum() and not after.isalnum()


def _term_spans(text: str, automaton: ahocorasick.Automaton | None) -> Iterator[Span]:
    if automaton is None:
        return
    for last, (kind, length) in automaton.iter(_fold(text)):
        start, end = last - length + 1, last + 1
        if _whole_word(text, start, end):
            yield Span(start, end, kind, text[start:end])


def _pattern_spans(text: str) -> Iterator[Span]:
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if kind == URL:
                end = start + len(match.group().rstrip(_URL_TAIL))
            yield Span(start, end, kind, text[start:end])


def merged(text: str, spans: Iterable[Span]) -> list[Span]:
    """Spans in order, those that overlap made one: it takes the kind of the one that starts first (the longest of
    those that start together), so an email address holding the candidate's name reads as an email address."""
    result: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if result and span.start < result[-1].end:
            last = result[-1]
            if span.end > last.end:
                result[-1] = Span(last.start, span.end, last.kind, text[last.start : span.end])
            continue
        result.append(span)
    return result


class Finder:
    """Finds identifying spans for one candidate: built once (the automaton), used for each of their statements."""

    def __init__(self, full_name: str = "", organisations: str | None = "") -> None:
        terms = [(NAME, part) for part in name_parts(full_name)]
        terms += [(ORGANISATION, organisation) for organisation in organisation_lines(organisations)]
        self._automaton = _automaton(terms)

    def find(self, text: str) -> list[Span]:
        if not text:
            return []
        return merged(text, [*_pattern_spans(text), *_term_spans(text, self._automaton)])


def find(text: str, full_name: str = "", organisations: str | None = "") -> list[Span]:
    return Finder(full_name, organisations).find(text)
