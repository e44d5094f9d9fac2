"""The Civil Service framework's indicators are the source document's words, split into items.

For every competency, level and column, the seeded items joined with spaces must give
back the source cell exactly (layout removed), so nothing is lost, added or reworded;
and the items are separate list entries (checked in test_seed_data.py).
"""

import re

import pytest
from sqlalchemy import select

from recruit.extensions import db
from recruit.models import Framework
from tests.helpers import ROOT

SOURCE = ROOT.parent / "shared" / "source-documents" / "copfs-competency-framework-2024.txt"
LEVEL_WORDS = {"One": 1, "Two": 2, "Three": 3, "Four": 4, "Five": 5, "Six": 6}
HEADING = re.compile(r"^(SETTING DIRECTION|ENGAGING PEOPLE|DELIVERING RESULTS) – (.+?)\s*$")
LEVEL = re.compile(r"^Level (One|Two|Three|Four|Five|Six)\b\t?(.*)$")


def clean(text: str) -> str:
    text = re.sub(r"<[^>]+>", " ", text).replace("•", " ")
    return re.sub(r"\s+", " ", text).strip()


def parse_source(text: str) -> dict[str, dict]:
    """{competency name: {"description": str, "levels": {n: (effective, ineffective)}}}"""
    found: dict[str, dict] = {}
    current = None
    level = None
    columns: list[list[str]] = []
    for line in text.splitlines():
        heading = HEADING.match(line)
        if heading:
            current = found.setdefault(heading.group(2), {"description": "", "levels": {}})
            level = None
            continue
        if current is None:
            continue
        if line.startswith("Description\t"):
            current["description"] = clean(line.split("\t", 1)[1])
            continue
        match = LEVEL.match(line)
        if match:
            level = LEVEL_WORDS[match.group(1)]
            rest = match.group(2)
            if rest.strip():
                cells = [clean(cell) for cell in re.split(r"<ul[^>]*>", rest)[1:]]
                current["levels"][level] = (cells[0], cells[1] if len(cells) > 1 else "")
                level = None
            else:
                columns = []
                current["levels"][level] = columns
            continue
        if level is not None and line.strip():
            # Multi-line cells: "- " at the margin starts a column, " - " continues it.
            if line.startswith("- "):
                columns.append([line[2:]])
            elif line.startswith(" - ") and columns:
                columns[-1].append(line[3:])
            elif columns:
                columns[-1].append(line)
    for entry in found.values():
        for number, value in entry["levels"].items():
            if isinstance(value, list):
                entry["levels"][number] = tuple(clean(" ".join(column)) for column in value) + ("",) * (2 - len(value))
    return found


@pytest.fixture(scope="module")
def source():
    if not SOURCE.exists():
        pytest.fail(f"The source document is missing: {SOURCE} (../shared must sit beside the repository)")
    return parse_source(SOURCE.read_text(encoding="utf-8"))


def test_source_parse_finds_every_competency_and_level(source):
    assert len(source) == 10
    for name, entry in source.items():
        assert sorted(entry["levels"]) == [1, 2, 3, 4, 5, 6], name
        assert entry["description"], name


def test_every_cell_matches_the_source_word_for_word(source):
    framework = db.session.scalar(select(Framework).where(Framework.slug == "civil-service-2012"))
    mismatches = []
    for competency in framework.competencies:
        entry = source[competency.name]
        if competency.description != entry["description"]:
            mismatches.append(f"{competency.name}: description")
        for number, (effective, ineffective) in entry["levels"].items():
            lists = competency.indicators_at(number)
            for kind, expected in (("effective", effective), ("ineffective", ineffective)):
                got = " ".join(indicator.text for indicator in lists[kind])
                if got != expected:
                    mismatches.append(
                        f"{competency.name} level {number} {kind}:\n  seeded: {got}\n  source: {expected}"
                    )
    assert not mismatches, "\n".join(mismatches)
