"""Competency frameworks: levels, clusters, competencies, indicators and the grade grid."""

from __future__ import annotations

import re

from sqlalchemy import CheckConstraint, ForeignKey, ForeignKeyConstraint, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recruit.extensions import Model

SLUG_LENGTH = 100
INDICATOR_KINDS = ("effective", "ineffective")


def fold_name(name: str) -> str:
    """The form names are compared in: case and runs of whitespace ignored."""
    return re.sub(r"\s+", " ", name).strip().casefold()


class Framework(Model):
    __tablename__ = "frameworks"
    __table_args__ = (CheckConstraint("length(slug) > 0", name="slug_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(Text)
    licence: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")

    levels: Mapped[list[FrameworkLevel]] = relationship(
        back_populates="framework", order_by="FrameworkLevel.number", cascade="all, delete-orphan"
    )
    clusters: Mapped[list[Cluster]] = relationship(
        back_populates="framework", order_by="Cluster.position", cascade="all, delete-orphan"
    )
    grades: Mapped[list[Grade]] = relationship(
        back_populates="framework", order_by="Grade.position", cascade="all, delete-orphan"
    )

    @property
    def competencies(self) -> list[Competency]:
        """Every competency, clusters in order and competencies in order within them."""
        return [competency for cluster in self.clusters for competency in cluster.competencies]

    def level(self, number: int) -> FrameworkLevel | None:
        return next((level for level in self.levels if level.number == number), None)

    def competency_named(self, name: str) -> Competency | None:
        """Resolve a name as other documents write it, through names and aliases."""
        wanted = fold_name(name)
        for competency in self.competencies:
            if wanted in competency.folded_names():
                return competency
        return None


class FrameworkLevel(Model):
    __tablename__ = "framework_levels"
    __table_args__ = (
        UniqueConstraint("framework_id", "number"),
        CheckConstraint("number >= 0", name="number_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id", ondelete="CASCADE"))
    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    framework: Mapped[Framework] = relationship(back_populates="levels")


class Cluster(Model):
    __tablename__ = "clusters"
    __table_args__ = (
        UniqueConstraint("framework_id", "name"),
        # Lets competencies refer to (cluster, framework) so the two cannot disagree.
        UniqueConstraint("id", "framework_id", name="uq_clusters_id_framework"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int]

    framework: Mapped[Framework] = relationship(back_populates="clusters")
    competencies: Mapped[list[Competency]] = relationship(
        back_populates="cluster", order_by="Competency.position", cascade="all, delete-orphan"
    )


class Competency(Model):
    __tablename__ = "competencies"
    __table_args__ = (
        UniqueConstraint("framework_id", "slug"),
        CheckConstraint("length(slug) > 0", name="slug_not_empty"),
        ForeignKeyConstraint(
            ["cluster_id", "framework_id"],
            ["clusters.id", "clusters.framework_id"],
            ondelete="CASCADE",
            name="fk_competencies_cluster_framework",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id", ondelete="CASCADE"))
    cluster_id: Mapped[int]
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int]

    framework: Mapped[Framework] = relationship(viewonly=True)
    cluster: Mapped[Cluster] = relationship(back_populates="competencies")
    aliases: Mapped[list[CompetencyAlias]] = relationship(
        back_populates="competency", order_by="CompetencyAlias.position", cascade="all, delete-orphan"
    )
    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="competency",
        order_by=lambda: (Indicator.level_id, Indicator.kind, Indicator.position),
        cascade="all, delete-orphan",
    )

    def folded_names(self) -> set[str]:
        return {fold_name(self.name)} | {fold_name(alias.name) for alias in self.aliases}

    def _level_numbers(self) -> dict[int, int]:
        # Through the framework's levels (one query, often already made) rather than each indicator's own level,
        # which would cost a query per level.
        return {level.id: level.number for level in self.framework.levels}

    def indicators_at(self, number: int) -> dict[str, list[Indicator]]:
        """The effective and ineffective indicators at one level, each in source order."""
        found: dict[str, list[Indicator]] = {kind: [] for kind in INDICATOR_KINDS}
        numbers = self._level_numbers()
        for indicator in self.indicators:
            if numbers.get(indicator.level_id) == number:
                found[indicator.kind].append(indicator)
        for items in found.values():
            items.sort(key=lambda indicator: indicator.position)
        return found

    def level_numbers_with_indicators(self) -> list[int]:
        numbers = self._level_numbers()
        return sorted({numbers[indicator.level_id] for indicator in self.indicators})


class CompetencyAlias(Model):
    __tablename__ = "competency_aliases"
    __table_args__ = (
        UniqueConstraint("competency_id", "name"),
        CheckConstraint("length(name) > 0", name="name_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int]

    competency: Mapped[Competency] = relationship(back_populates="aliases")


class Indicator(Model):
    __tablename__ = "indicators"
    __table_args__ = (
        UniqueConstraint("competency_id", "level_id", "kind", "position"),
        CheckConstraint("kind IN ('effective', 'ineffective')", name="kind_known"),
        CheckConstraint("length(trim(text)) > 0", name="text_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id", ondelete="CASCADE"))
    level_id: Mapped[int] = mapped_column(ForeignKey("framework_levels.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int]

    competency: Mapped[Competency] = relationship(back_populates="indicators")
    level: Mapped[FrameworkLevel] = relationship()


class Grade(Model):
    __tablename__ = "grades"
    __table_args__ = (
        UniqueConstraint("framework_id", "slug"),
        CheckConstraint("length(slug) > 0", name="slug_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int]

    framework: Mapped[Framework] = relationship(back_populates="grades")
    requirements: Mapped[list[GradeRequirement]] = relationship(back_populates="grade", cascade="all, delete-orphan")

    def required_level(self, competency: Competency) -> FrameworkLevel | None:
        for requirement in self.requirements:
            if requirement.competency_id == competency.id:
                return requirement.level
        return None

    def required(self) -> list[GradeRequirement]:
        """The requirements in the framework's competency order."""
        return sorted(
            self.requirements,
            key=lambda r: (r.competency.cluster.position, r.competency.position),
        )


class GradeRequirement(Model):
    """One cell of the grade grid: this grade needs this competency at this level."""

    __tablename__ = "grade_requirements"

    grade_id: Mapped[int] = mapped_column(ForeignKey("grades.id", ondelete="CASCADE"), primary_key=True)
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id", ondelete="CASCADE"), primary_key=True)
    level_id: Mapped[int] = mapped_column(ForeignKey("framework_levels.id", ondelete="CASCADE"))

    grade: Mapped[Grade] = relationship(back_populates="requirements")
    competency: Mapped[Competency] = relationship()
    level: Mapped[FrameworkLevel] = relationship()
