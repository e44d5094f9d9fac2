"""Importing and exporting role profiles (seeds/roles/*.yaml).

Competency names are resolved as the source documents write them, through the
framework's names and aliases. A profile whose data is unchanged writes nothing;
a changed one has its parts replaced.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field
from sqlalchemy import select

from recruit.extensions import db
from recruit.models import (
    EssentialCriterion,
    Framework,
    Objective,
    ObjectiveArea,
    ObjectiveAreaCompetency,
    RoleProfile,
    RoleProfileCompetency,
)
from recruit.models.role import CRITERION_CATEGORIES
from recruit.services.frameworks.schema import LevelNumber, Name, OptionalText, Slug, Strict, Text
from recruit.services.frameworks.yaml_files import FileProblems, Problem, validate


class ObjectiveSpec(Strict):
    title: Annotated[str, Field(max_length=200)] = ""
    text: Text


class ObjectiveAreaSpec(Strict):
    name: Name
    objectives: list[ObjectiveSpec] = []
    competencies: list[Name] = []


class CriterionSpec(Strict):
    category: Literal[CRITERION_CATEGORIES]  # type: ignore[valid-type]
    text: Text


class RoleProfileSpec(Strict):
    slug: Slug
    title: Name
    organisation: Name
    framework: Slug
    grade: Slug | None = None
    grade_name: Annotated[str, Field(max_length=200)] = ""
    level: LevelNumber
    source: OptionalText = ""
    purpose: OptionalText = ""
    competencies: list[Name] = []
    objective_areas: list[ObjectiveAreaSpec] = []
    essential_criteria: list[CriterionSpec] = []


def parse_role_profile(data: Any, frameworks: dict[str, Framework] | None = None) -> RoleProfileSpec:
    """Validate a role profile, including its references into the framework it names."""
    spec, problems = validate(RoleProfileSpec, data)
    if spec is None:
        raise FileProblems(problems)
    assert isinstance(spec, RoleProfileSpec)
    problems = reference_problems(spec, frameworks)
    if problems:
        raise FileProblems(problems)
    return spec


def _framework(slug: str, frameworks: dict[str, Framework] | None) -> Framework | None:
    if frameworks is not None and slug in frameworks:
        return frameworks[slug]
    return db.session.scalar(select(Framework).where(Framework.slug == slug))


def reference_problems(spec: RoleProfileSpec, frameworks: dict[str, Framework] | None = None) -> list[Problem]:
    framework = _framework(spec.framework, frameworks)
    if framework is None:
        return [Problem("framework", f"no framework has the slug '{spec.framework}'")]
    problems = []
    if spec.grade is not None and spec.grade not in {grade.slug for grade in framework.grades}:
        problems.append(Problem("grade", f"{framework.name} has no grade with the slug '{spec.grade}'"))
    if framework.level(spec.level) is None:
        problems.append(Problem("level", f"{framework.name} has no level {spec.level}"))
    named = [(f"competencies[{i}]", name) for i, name in enumerate(spec.competencies)]
    for ai, area in enumerate(spec.objective_areas):
        named += [(f"objective_areas[{ai}].competencies[{i}]", name) for i, name in enumerate(area.competencies)]
    for path, name in named:
        if framework.competency_named(name) is None:
            problems.append(Problem(path, f"'{name}' is not the name or alias of a competency in {framework.name}"))
    return problems


def apply_role_profile(spec: RoleProfileSpec) -> RoleProfile:
    """Create or update the role profile to match the spec. The caller commits."""
    framework = _framework(spec.framework, None)
    assert framework is not None
    profile = db.session.scalar(select(RoleProfile).where(RoleProfile.slug == spec.slug))
    if profile is not None and export_role_profile(profile) == spec.model_dump(exclude_none=True):
        return profile
    if profile is None:
        profile = RoleProfile(slug=spec.slug)
    else:
        # Parts are replaced; clear them first so their positions are free again.
        profile.role_competencies.clear()
        profile.objective_areas.clear()
        profile.essential_criteria.clear()
        db.session.flush()
    with db.session.no_autoflush:
        profile.title = spec.title
        profile.organisation = spec.organisation
        profile.framework = framework
        profile.grade = next((g for g in framework.grades if g.slug == spec.grade), None)
        profile.grade_name = spec.grade_name
        level = framework.level(spec.level)
        assert level is not None  # reference_problems checked it
        profile.level = level
        profile.source = spec.source
        profile.purpose = spec.purpose
        profile.role_competencies = [
            RoleProfileCompetency(competency=framework.competency_named(name), source_name=name, position=i)
            for i, name in enumerate(spec.competencies)
        ]
        profile.objective_areas = [
            ObjectiveArea(
                name=area.name,
                position=ai,
                objectives=[
                    Objective(title=objective.title, text=objective.text, position=oi)
                    for oi, objective in enumerate(area.objectives)
                ],
                competency_links=[
                    ObjectiveAreaCompetency(competency=framework.competency_named(name), source_name=name, position=ci)
                    for ci, name in enumerate(area.competencies)
                ],
            )
            for ai, area in enumerate(spec.objective_areas)
        ]
        profile.essential_criteria = [
            EssentialCriterion(category=criterion.category, text=criterion.text, position=i)
            for i, criterion in enumerate(spec.essential_criteria)
        ]
    db.session.add(profile)
    return profile


def export_role_profile(profile: RoleProfile) -> dict[str, Any]:
    data: dict[str, Any] = {
        "slug": profile.slug,
        "title": profile.title,
        "organisation": profile.organisation,
        "framework": profile.framework.slug,
    }
    if profile.grade is not None:
        data["grade"] = profile.grade.slug
    data |= {
        "grade_name": profile.grade_name,
        "level": profile.level.number,
        "source": profile.source,
        "purpose": profile.purpose,
        "competencies": [link.source_name for link in profile.role_competencies],
        "objective_areas": [
            {
                "name": area.name,
                "objectives": [{"title": o.title, "text": o.text} for o in area.objectives],
                "competencies": [link.source_name for link in area.competency_links],
            }
            for area in profile.objective_areas
        ],
        "essential_criteria": [{"category": c.category, "text": c.text} for c in profile.essential_criteria],
    }
    return data
