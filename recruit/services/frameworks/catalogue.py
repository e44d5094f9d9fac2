"""Read-only look-ups for the public guidance pages, loading what each page shows in a few queries."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from recruit.extensions import db
from recruit.models import (
    Cluster,
    Competency,
    Framework,
    Grade,
    GradeRequirement,
    Indicator,
    ObjectiveArea,
    RoleProfile,
)


def list_frameworks() -> list[Framework]:
    return list(
        db.session.scalars(
            select(Framework)
            .order_by(Framework.name)
            .options(
                selectinload(Framework.clusters).selectinload(Cluster.competencies), selectinload(Framework.grades)
            )
        )
    )


def get_framework(slug: str) -> Framework | None:
    return db.session.scalar(
        select(Framework)
        .where(Framework.slug == slug)
        .options(
            selectinload(Framework.levels),
            selectinload(Framework.clusters).selectinload(Cluster.competencies).selectinload(Competency.aliases),
            selectinload(Framework.grades).selectinload(Grade.requirements).selectinload(GradeRequirement.level),
        )
    )


def get_competency(framework: Framework, slug: str) -> Competency | None:
    return db.session.scalar(
        select(Competency)
        .where(Competency.framework_id == framework.id, Competency.slug == slug)
        .options(selectinload(Competency.indicators).selectinload(Indicator.level), selectinload(Competency.aliases))
    )


def get_grade(framework: Framework, slug: str) -> Grade | None:
    return db.session.scalar(
        select(Grade)
        .where(Grade.framework_id == framework.id, Grade.slug == slug)
        .options(
            selectinload(Grade.requirements).selectinload(GradeRequirement.level),
            selectinload(Grade.requirements)
            .selectinload(GradeRequirement.competency)
            .selectinload(Competency.indicators)
            .selectinload(Indicator.level),
        )
    )


def role_profiles_for(framework: Framework) -> list[RoleProfile]:
    return list(
        db.session.scalars(
            select(RoleProfile)
            .where(RoleProfile.framework_id == framework.id)
            .order_by(RoleProfile.organisation, RoleProfile.level_id, RoleProfile.title)
            .options(selectinload(RoleProfile.level), selectinload(RoleProfile.grade))
        )
    )


def get_role_profile(framework: Framework, slug: str) -> RoleProfile | None:
    return db.session.scalar(
        select(RoleProfile)
        .where(RoleProfile.framework_id == framework.id, RoleProfile.slug == slug)
        .options(
            selectinload(RoleProfile.objective_areas).selectinload(ObjectiveArea.objectives),
            selectinload(RoleProfile.objective_areas).selectinload(ObjectiveArea.competency_links),
            selectinload(RoleProfile.role_competencies),
            selectinload(RoleProfile.essential_criteria),
        )
    )
