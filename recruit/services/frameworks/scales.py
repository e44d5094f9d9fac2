"""Scoring scales as data (seeds/scales.yaml): points with numbers, labels and descriptors."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, model_validator
from sqlalchemy import select

from recruit.extensions import db
from recruit.models import ScalePoint, ScoringScale
from recruit.services.frameworks.schema import Name, OptionalText, Slug, Strict
from recruit.services.frameworks.sync import assign_changed
from recruit.services.frameworks.yaml_files import FileProblems, Problem, validate


class PointSpec(Strict):
    value: Annotated[int, Field(ge=0, le=100, strict=True)]
    label: Name
    descriptor: OptionalText = ""


class ScaleSpec(Strict):
    slug: Slug
    name: Name
    description: OptionalText = ""
    default: bool = False
    points: Annotated[list[PointSpec], Field(min_length=2)]

    @model_validator(mode="after")
    def _ascending(self) -> ScaleSpec:
        values = [point.value for point in self.points]
        if values != sorted(set(values)):
            raise ValueError("points must be listed in ascending order, each value once")
        return self


class ScalesFile(Strict):
    scales: Annotated[list[ScaleSpec], Field(min_length=1)]


def parse_scales(data: Any) -> ScalesFile:
    spec, problems = validate(ScalesFile, data)
    if spec is not None:
        assert isinstance(spec, ScalesFile)
        slugs = [scale.slug for scale in spec.scales]
        for i, slug in enumerate(slugs):
            if slugs.index(slug) != i:
                problems.append(Problem(f"scales[{i}].slug", f"slug '{slug}' is used by another scale"))
        if sum(scale.default for scale in spec.scales) > 1:
            problems.append(Problem("scales", "only one scale can be the default"))
    if problems:
        raise FileProblems(problems)
    assert isinstance(spec, ScalesFile)
    return spec


def apply_scales(spec: ScalesFile) -> None:
    """Create or update each scale in place, matching points by value. The caller commits."""
    for scale_spec in spec.scales:
        scale = db.session.scalar(select(ScoringScale).where(ScoringScale.slug == scale_spec.slug))
        if scale is None:
            scale = ScoringScale(slug=scale_spec.slug)
            db.session.add(scale)
        assign_changed(scale, name=scale_spec.name, description=scale_spec.description, is_default=scale_spec.default)
        existing = {point.value: point for point in scale.points}
        for point_spec in scale_spec.points:
            point = existing.get(point_spec.value)
            if point is None:
                scale.points.append(
                    ScalePoint(value=point_spec.value, label=point_spec.label, descriptor=point_spec.descriptor)
                )
                continue
            assign_changed(point, label=point_spec.label, descriptor=point_spec.descriptor)
        wanted = {point_spec.value for point_spec in scale_spec.points}
        for value, point in existing.items():
            if value not in wanted:
                scale.points.remove(point)


def default_scale() -> ScoringScale | None:
    return db.session.scalar(select(ScoringScale).where(ScoringScale.is_default.is_(True)))
