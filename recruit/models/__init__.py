"""Database models, one module per aggregate. Importing this package registers them all."""
from recruit.models.framework import (
    Cluster,
    Competency,
    CompetencyAlias,
    Framework,
    FrameworkLevel,
    Grade,
    GradeRequirement,
    Indicator,
)
from recruit.models.role import (
    EssentialCriterion,
    Objective,
    ObjectiveArea,
    ObjectiveAreaCompetency,
    RoleProfile,
    RoleProfileCompetency,
)
from recruit.models.scale import ScalePoint, ScoringScale

__all__ = [
    "Cluster",
    "Competency",
    "CompetencyAlias",
    "EssentialCriterion",
    "Framework",
    "FrameworkLevel",
    "Grade",
    "GradeRequirement",
    "Indicator",
    "Objective",
    "ObjectiveArea",
    "ObjectiveAreaCompetency",
    "RoleProfile",
    "RoleProfileCompetency",
    "ScalePoint",
    "ScoringScale",
]
