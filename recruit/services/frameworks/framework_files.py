"""Importing and exporting competency frameworks (DESIGN §3).

An import is validated as a whole and applied whole, or refused whole with every
problem listed by its path. Applying updates rows in place, matched by slug,
level number or position, so ids that other records hold stay valid and an
unchanged file writes nothing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from recruit.extensions import db
from recruit.models import (
    Cluster,
    Competency,
    CompetencyAlias,
    Framework,
    FrameworkLevel,
    Grade,
    GradeRequirement,
    Indicator,
)
from recruit.models.framework import INDICATOR_KINDS
from recruit.services.frameworks.schema import FrameworkSpec, LevelIndicators, cross_reference_problems
from recruit.services.frameworks.sync import assign_changed
from recruit.services.frameworks.yaml_files import FileProblems, load_yaml, validate
from recruit.services.unit_of_work import unit_of_work


def parse_framework(data: Any) -> FrameworkSpec:
    """Validate loaded data as a framework file, raising FileProblems listing every problem."""
    spec, problems = validate(FrameworkSpec, data)
    problems += cross_reference_problems(data)
    if problems:
        raise FileProblems(problems)
    assert isinstance(spec, FrameworkSpec)
    return spec


def import_framework_file(raw: bytes) -> Framework:
    """Import one framework file and commit, or raise FileProblems and change nothing."""
    spec = parse_framework(load_yaml(raw))
    with unit_of_work():
        framework = apply_framework(spec)
    return framework


def apply_framework(spec: FrameworkSpec) -> Framework:
    """Create or update the framework to match the spec. The caller commits."""
    framework = db.session.scalar(select(Framework).where(Framework.slug == spec.slug))
    if framework is None:
        framework = Framework(slug=spec.slug)
        db.session.add(framework)
    assign_changed(framework, name=spec.name, source=spec.source, licence=spec.licence, description=spec.description)

    levels = _sync_levels(framework, spec)
    competencies = _sync_clusters(framework, spec, levels)
    _sync_grades(framework, spec, levels, competencies)
    return framework


def _sync_levels(framework: Framework, spec: FrameworkSpec) -> dict[int, FrameworkLevel]:
    existing = {level.number: level for level in framework.levels}
    levels: dict[int, FrameworkLevel] = {}
    for level_spec in spec.levels:
        level = existing.get(level_spec.number)
        if level is None:
            level = FrameworkLevel(number=level_spec.number)
            framework.levels.append(level)
        assign_changed(level, name=level_spec.name, description=level_spec.description)
        levels[level.number] = level
    for number, level in existing.items():
        if number not in levels:
            framework.levels.remove(level)
    return levels


def _sync_clusters(
    framework: Framework, spec: FrameworkSpec, levels: dict[int, FrameworkLevel]
) -> dict[str, Competency]:
    clusters = {cluster.name: cluster for cluster in framework.clusters}
    existing = {competency.slug: competency for competency in framework.competencies}
    kept_clusters: set[str] = set()
    competencies: dict[str, Competency] = {}
    for position, cluster_spec in enumerate(spec.clusters):
        cluster = clusters.get(cluster_spec.name)
        if cluster is None:
            cluster = Cluster(name=cluster_spec.name, position=position)
            framework.clusters.append(cluster)
        assign_changed(cluster, position=position)
        kept_clusters.add(cluster.name)
        for competency_position, competency_spec in enumerate(cluster_spec.competencies):
            competency = existing.get(competency_spec.slug)
            if competency is None:
                competency = Competency(slug=competency_spec.slug, framework=framework)
                db.session.add(competency)
            if competency.cluster is not cluster:
                competency.cluster = cluster
            assign_changed(
                competency,
                name=competency_spec.name,
                description=competency_spec.description,
                position=competency_position,
            )
            _sync_aliases(competency, competency_spec.aliases)
            _sync_indicators(competency, competency_spec.indicators, levels)
            competencies[competency.slug] = competency
    for slug, competency in existing.items():
        if slug not in competencies:
            competency.cluster.competencies.remove(competency)
    for name, cluster in clusters.items():
        if name not in kept_clusters:
            framework.clusters.remove(cluster)
    return competencies


def _sync_aliases(competency: Competency, names: list[str]) -> None:
    existing = {alias.name: alias for alias in competency.aliases}
    for position, name in enumerate(names):
        alias = existing.get(name)
        if alias is None:
            competency.aliases.append(CompetencyAlias(name=name, position=position))
        else:
            assign_changed(alias, position=position)
    for name, alias in existing.items():
        if name not in names:
            competency.aliases.remove(alias)


def _sync_indicators(
    competency: Competency, spec: dict[int, LevelIndicators], levels: dict[int, FrameworkLevel]
) -> None:
    # An indicator's identity is its place: competency, level, kind and position.
    existing = {
        (indicator.level.number, indicator.kind, indicator.position): indicator for indicator in competency.indicators
    }
    wanted: set[tuple[int, str, int]] = set()
    for number, lists in spec.items():
        for kind in INDICATOR_KINDS:
            for position, text in enumerate(getattr(lists, kind)):
                key = (number, kind, position)
                wanted.add(key)
                indicator = existing.get(key)
                if indicator is None:
                    competency.indicators.append(
                        Indicator(level=levels[number], kind=kind, position=position, text=text)
                    )
                else:
                    assign_changed(indicator, text=text)
    for key, indicator in existing.items():
        if key not in wanted:
            competency.indicators.remove(indicator)


def _sync_grades(
    framework: Framework,
    spec: FrameworkSpec,
    levels: dict[int, FrameworkLevel],
    competencies: dict[str, Competency],
) -> None:
    existing = {grade.slug: grade for grade in framework.grades}
    kept: set[str] = set()
    for position, grade_spec in enumerate(spec.grades):
        grade = existing.get(grade_spec.slug)
        if grade is None:
            grade = Grade(slug=grade_spec.slug, position=position)
            framework.grades.append(grade)
        assign_changed(grade, name=grade_spec.name, position=position)
        kept.add(grade.slug)
        requirements = {requirement.competency.slug: requirement for requirement in grade.requirements}
        for slug, number in grade_spec.levels.items():
            requirement = requirements.get(slug)
            if requirement is None:
                grade.requirements.append(GradeRequirement(competency=competencies[slug], level=levels[number]))
            elif requirement.level is not levels[number]:
                requirement.level = levels[number]
        for slug, requirement in requirements.items():
            if slug not in grade_spec.levels:
                grade.requirements.remove(requirement)
    for slug, grade in existing.items():
        if slug not in kept:
            framework.grades.remove(grade)


def export_framework(framework: Framework) -> dict[str, Any]:
    """The framework as a file of DESIGN §3, ready for YAML; importing it gives the same data."""
    data: dict[str, Any] = {
        "slug": framework.slug,
        "name": framework.name,
        "source": framework.source,
        "licence": framework.licence,
    }
    if framework.description:
        data["description"] = framework.description
    data["levels"] = [
        {"number": level.number, "name": level.name} | ({"description": level.description} if level.description else {})
        for level in framework.levels
    ]
    data["clusters"] = [
        {
            "name": cluster.name,
            "competencies": [_export_competency(competency) for competency in cluster.competencies],
        }
        for cluster in framework.clusters
    ]
    data["grades"] = [
        {
            "slug": grade.slug,
            "name": grade.name,
            "levels": {r.competency.slug: r.level.number for r in grade.required()},
        }
        for grade in framework.grades
    ]
    return data


def _export_competency(competency: Competency) -> dict[str, Any]:
    data: dict[str, Any] = {
        "slug": competency.slug,
        "name": competency.name,
        "aliases": [alias.name for alias in competency.aliases],
        "description": competency.description,
    }
    indicators = {}
    for number in competency.level_numbers_with_indicators():
        lists = competency.indicators_at(number)
        indicators[number] = {kind: [i.text for i in lists[kind]] for kind in INDICATOR_KINDS}
    if indicators:
        data["indicators"] = indicators
    return data
