"""Role profiles: a role's purpose, objective areas with the competencies they draw on, essential criteria."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recruit.extensions import Model
from recruit.models.framework import Competency, Framework, FrameworkLevel, Grade

CRITERION_CATEGORIES = ("knowledge", "skills", "experience", "qualifications")


class RoleProfile(Model):
    __tablename__ = "role_profiles"
    __table_args__ = (CheckConstraint("length(slug) > 0", name="slug_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200))
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id", ondelete="CASCADE"))
    grade_id: Mapped[int | None] = mapped_column(ForeignKey("grades.id", ondelete="SET NULL"))
    grade_name: Mapped[str] = mapped_column(String(200), default="")
    level_id: Mapped[int] = mapped_column(ForeignKey("framework_levels.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(Text, default="")
    purpose: Mapped[str] = mapped_column(Text, default="")

    framework: Mapped[Framework] = relationship()
    grade: Mapped[Grade | None] = relationship()
    level: Mapped[FrameworkLevel] = relationship()
    role_competencies: Mapped[list[RoleProfileCompetency]] = relationship(
        order_by="RoleProfileCompetency.position", cascade="all, delete-orphan"
    )
    objective_areas: Mapped[list[ObjectiveArea]] = relationship(
        back_populates="role_profile", order_by="ObjectiveArea.position", cascade="all, delete-orphan"
    )
    essential_criteria: Mapped[list[EssentialCriterion]] = relationship(
        order_by="EssentialCriterion.position", cascade="all, delete-orphan"
    )

    def competencies(self) -> list[Competency]:
        """Every competency the role draws on, once each, in the order the profile names them."""
        seen: dict[int, Competency] = {}
        for link in self.role_competencies:
            seen.setdefault(link.competency.id, link.competency)
        for area in self.objective_areas:
            for area_link in area.competency_links:
                seen.setdefault(area_link.competency.id, area_link.competency)
        return list(seen.values())


class RoleProfileCompetency(Model):
    """A competency the whole role draws on, with the name the source used for it."""

    __tablename__ = "role_profile_competencies"
    __table_args__ = (UniqueConstraint("role_profile_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    role_profile_id: Mapped[int] = mapped_column(ForeignKey("role_profiles.id", ondelete="CASCADE"))
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id", ondelete="CASCADE"))
    source_name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int]

    competency: Mapped[Competency] = relationship()


class ObjectiveArea(Model):
    __tablename__ = "objective_areas"
    __table_args__ = (UniqueConstraint("role_profile_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    role_profile_id: Mapped[int] = mapped_column(ForeignKey("role_profiles.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int]

    role_profile: Mapped[RoleProfile] = relationship(back_populates="objective_areas")
    objectives: Mapped[list[Objective]] = relationship(order_by="Objective.position", cascade="all, delete-orphan")
    competency_links: Mapped[list[ObjectiveAreaCompetency]] = relationship(
        order_by="ObjectiveAreaCompetency.position", cascade="all, delete-orphan"
    )


class Objective(Model):
    __tablename__ = "objectives"
    __table_args__ = (
        UniqueConstraint("objective_area_id", "position"),
        CheckConstraint("length(trim(text)) > 0", name="text_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    objective_area_id: Mapped[int] = mapped_column(ForeignKey("objective_areas.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int]


class ObjectiveAreaCompetency(Model):
    """A competency an objective area draws on, with the name the source used for it."""

    __tablename__ = "objective_area_competencies"
    __table_args__ = (UniqueConstraint("objective_area_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    objective_area_id: Mapped[int] = mapped_column(ForeignKey("objective_areas.id", ondelete="CASCADE"))
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id", ondelete="CASCADE"))
    source_name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int]

    competency: Mapped[Competency] = relationship()


class EssentialCriterion(Model):
    __tablename__ = "essential_criteria"
    __table_args__ = (
        UniqueConstraint("role_profile_id", "position"),
        CheckConstraint("category IN ('knowledge', 'skills', 'experience', 'qualifications')", name="category_known"),
        CheckConstraint("length(trim(text)) > 0", name="text_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    role_profile_id: Mapped[int] = mapped_column(ForeignKey("role_profiles.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int]
