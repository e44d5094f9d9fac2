"""The framework file format (DESIGN §3) as pydantic models, plus the cross-reference checks."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from recruit.models.framework import fold_name
from recruit.services.frameworks.yaml_files import Problem


def _no_nul(value: str) -> str:
    # YAML's "\0" escape writes one; PostgreSQL cannot store it in text.
    if "\x00" in value:
        raise PydanticCustomError("nul_character", "must not contain a NUL character (\\0)")
    return value


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000), AfterValidator(_no_nul)]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20000), AfterValidator(_no_nul)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), AfterValidator(_no_nul)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=100)]
LevelNumber = Annotated[int, Field(ge=0, le=99, strict=True)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LevelSpec(Strict):
    number: LevelNumber
    name: Name
    description: OptionalText = ""


class LevelIndicators(Strict):
    effective: list[Text] = []
    ineffective: list[Text] = []


class CompetencySpec(Strict):
    slug: Slug
    name: Name
    aliases: list[Name] = []
    description: OptionalText = ""
    indicators: dict[LevelNumber, LevelIndicators] = {}


class ClusterSpec(Strict):
    name: Name
    competencies: Annotated[list[CompetencySpec], Field(min_length=1)]


class GradeSpec(Strict):
    slug: Slug
    name: Name
    levels: dict[Slug, LevelNumber] = {}


class FrameworkSpec(Strict):
    slug: Slug
    name: Name
    source: Text
    licence: Text
    description: OptionalText = ""
    levels: Annotated[list[LevelSpec], Field(min_length=1)]
    clusters: Annotated[list[ClusterSpec], Field(min_length=1)]
    grades: list[GradeSpec] = []


def _items(value: Any) -> list[tuple[int, dict[str, Any]]]:
    """The mappings in a list, with their indexes, ignoring what is malformed (reported elsewhere)."""
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def cross_reference_problems(data: Any) -> list[Problem]:
    """Checks that span the file: duplicates and references between sections.

    Works on the raw data so that these are reported alongside any structural problems.
    """
    if not isinstance(data, dict):
        return []
    problems: list[Problem] = []

    numbers: set[int] = set()
    for i, level in _items(data.get("levels")):
        number = level.get("number")
        if isinstance(number, int) and not isinstance(number, bool):
            if number in numbers:
                problems.append(Problem(f"levels[{i}].number", f"level {number} appears more than once"))
            numbers.add(number)

    slugs: set[str] = set()
    names: dict[str, str] = {}
    cluster_names: set[str] = set()
    for ci, cluster in _items(data.get("clusters")):
        if isinstance(cluster.get("name"), str):
            folded = fold_name(cluster["name"])
            if folded in cluster_names:
                problems.append(Problem(f"clusters[{ci}].name", f"cluster '{cluster['name']}' appears more than once"))
            cluster_names.add(folded)
        for ki, competency in _items(cluster.get("competencies")):
            path = f"clusters[{ci}].competencies[{ki}]"
            slug = competency.get("slug")
            if isinstance(slug, str):
                if slug in slugs:
                    problems.append(Problem(f"{path}.slug", f"slug '{slug}' is used by another competency"))
                slugs.add(slug)
            own = [competency.get("name")] + (
                competency["aliases"] if isinstance(competency.get("aliases"), list) else []
            )
            for j, name in enumerate(own):
                if not isinstance(name, str) or not name.strip():
                    continue
                folded = fold_name(name)
                where = f"{path}.name" if j == 0 else f"{path}.aliases[{j - 1}]"
                if folded in names and names[folded] != path:
                    problems.append(Problem(where, f"'{name}' is already the name or alias of another competency"))
                names.setdefault(folded, path)
            indicators = competency.get("indicators")
            if isinstance(indicators, dict) and numbers:
                for key in indicators:
                    if isinstance(key, int) and not isinstance(key, bool) and key not in numbers:
                        problems.append(Problem(f"{path}.indicators.{key}", f"there is no level {key} in levels"))

    grade_slugs: set[str] = set()
    for gi, grade in _items(data.get("grades")):
        slug = grade.get("slug")
        if isinstance(slug, str):
            if slug in grade_slugs:
                problems.append(Problem(f"grades[{gi}].slug", f"slug '{slug}' is used by another grade"))
            grade_slugs.add(slug)
        levels = grade.get("levels")
        if isinstance(levels, dict):
            for competency_slug, number in levels.items():
                path = f"grades[{gi}].levels.{competency_slug}"
                if isinstance(competency_slug, str) and slugs and competency_slug not in slugs:
                    problems.append(Problem(path, f"no competency has the slug '{competency_slug}'"))
                elif isinstance(number, int) and numbers and number not in numbers:
                    problems.append(Problem(path, f"there is no level {number} in levels"))
    return problems
