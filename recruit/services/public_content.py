"""The version of the public pages: what a rendered public page, and its ETag, are valid for.

The public pages show competency frameworks (with their levels, clusters, competencies, indicators and grades),
role profiles, scoring scales and vacancies (campaigns with their criteria). Whatever writes those records,
the seed, a framework import or an admin publishing, editing, closing or withdrawing a vacancy, the one row of
`public_content_versions` gets a new random token at its commit (services/change_tokens.py says how every write is
noticed).

Time changes the vacancy pages with no write at all: a vacancy stops taking applications when its closing time
passes. So the key also holds the next closing time still to come of the open vacancies, read in the same query
as the token: once that time passes, the next one takes its place and the key changes.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.orm import Session

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import (
    Campaign,
    CampaignWorkingPattern,
    Cluster,
    Competency,
    CompetencyAlias,
    Criterion,
    EssentialCriterion,
    Framework,
    FrameworkLevel,
    Grade,
    GradeRequirement,
    Indicator,
    Objective,
    ObjectiveArea,
    ObjectiveAreaCompetency,
    PublicContentVersion,
    RoleProfile,
    RoleProfileCompetency,
    ScalePoint,
    ScoringScale,
)
from recruit.models.campaign import CampaignStatus
from recruit.models.public_content import ROW_ID
from recruit.models.types import UTCDateTime
from recruit.services.change_tokens import ChangeToken

# The records the public pages are rendered from.
PUBLIC_MODELS: tuple[type[Any], ...] = (
    Framework,
    FrameworkLevel,
    Cluster,
    Competency,
    CompetencyAlias,
    Indicator,
    Grade,
    GradeRequirement,
    RoleProfile,
    RoleProfileCompetency,
    ObjectiveArea,
    Objective,
    ObjectiveAreaCompetency,
    EssentialCriterion,
    ScoringScale,
    ScalePoint,
    Campaign,
    CampaignWorkingPattern,
    Criterion,
)
PUBLIC = ChangeToken("public_content", cast(Table, PublicContentVersion.__table__), ROW_ID, PUBLIC_MODELS)


_versions = PublicContentVersion.__table__
_campaigns = Campaign.__table__
# Built once: every public page request runs it, so it is executed as it stands (Core, not through the ORM).
_KEY_QUERY = select(
    _versions.c.token,
    select(func.min(_campaigns.c.closes_at))
    .where(_campaigns.c.status == CampaignStatus.OPEN, _campaigns.c.closes_at > bindparam("now", type_=UTCDateTime()))
    .scalar_subquery(),
).where(_versions.c.id == ROW_ID)


def current_key() -> str | None:
    """What the public pages are valid for now, in one query; None if the database has no version row."""
    row = db.session.connection().execute(_KEY_QUERY, {"now": utcnow()}).one_or_none()
    if row is None:
        return None
    token, closing = row
    return f"{token}.{closing.timestamp() if closing is not None else '-'}"


def committed_token() -> str | None:
    """The public content's version as committed (read once a transaction); None while this transaction has changed
    what the public pages show and not committed it yet (what it wrote is no version anyone can have kept)."""
    return PUBLIC.committed()


def mark_changed(session: Session) -> None:
    """Have this transaction give the public pages a new version when it commits."""
    PUBLIC.mark_changed(session)
