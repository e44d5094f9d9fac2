"""The version of the public pages: what a rendered public page, and its ETag, are valid for.

The public pages show competency frameworks (with their levels, clusters, competencies, indicators and grades),
role profiles, scoring scales and vacancies (campaigns with their criteria). Whatever writes those records,
the seed, a framework import or an admin publishing, editing, closing or withdrawing a vacancy, the session
notices it here rather than in each service, so no write path can forget to:

- a flush that adds, changes or deletes one of those records, or an UPDATE, INSERT or DELETE statement run
  through the session against one of their tables, marks the transaction;
- when a marked transaction commits, the one row of `public_content_versions` gets a new random token, in the
  same transaction, so the new token is seen exactly when the change is.

The row is written last, just before the commit, so the lock on it is held for the shortest time and after
every other lock the transaction takes (two writers then queue for it rather than deadlock).

Time changes the vacancy pages with no write at all: a vacancy stops taking applications when its closing time
passes. So the key also holds the next closing time still to come of the open vacancies, read in the same query
as the token: once that time passes, the next one takes its place and the key changes.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import bindparam, event, func, select, update
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction

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
PUBLIC_TABLES = frozenset(model.__table__.name for model in PUBLIC_MODELS)

# Kept in session.info while the transaction holds a change the public pages show.
_CHANGED = "recruit.public_content.changed"
# Kept in session.info once read: the committed token, for the rest of the transaction.
_TOKEN = "recruit.public_content.token"


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
    session = db.session()
    if session.new or session.dirty or session.deleted:
        session.flush()
    if session.info.get(_CHANGED):
        return None
    token = session.info.get(_TOKEN)
    if token is None:
        token = session.info[_TOKEN] = session.scalar(
            select(PublicContentVersion.token).where(PublicContentVersion.id == ROW_ID)
        )
    return token


def mark_changed(session: Session) -> None:
    """Have this transaction give the public pages a new version when it commits."""
    session.info[_CHANGED] = True


def _is_public(instance: object) -> bool:
    return isinstance(instance, PUBLIC_MODELS)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    # After a flush the session's new, dirty and deleted sets still hold what was flushed.
    if session.info.get(_CHANGED):
        return
    changed = [*session.new, *session.deleted]
    changed += [instance for instance in session.dirty if session.is_modified(instance)]
    if any(_is_public(instance) for instance in changed):
        mark_changed(session)


@event.listens_for(Session, "do_orm_execute")
def _on_statement(state: ORMExecuteState) -> None:
    # UPDATE, INSERT and DELETE statements bypass the flush: look at the table they write.
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in PUBLIC_TABLES:
        mark_changed(state.session)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # releasing a savepoint: the outer transaction's commit gives the new version
    # What the commit is about to flush is flushed now, so the flag covers it.
    session.flush()
    if session.info.pop(_CHANGED, False):
        session.execute(
            update(PublicContentVersion)
            .where(PublicContentVersion.id == ROW_ID)
            .values(token=uuid.uuid4().hex, changed_at=utcnow())
        )


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    # A rolled-back transaction's changes are gone, and so is the need for a new version.
    if transaction.parent is None:
        session.info.pop(_CHANGED, None)
        session.info.pop(_TOKEN, None)  # read again in the next: another process may have committed a change


@event.listens_for(PublicContentVersion.__table__, "after_create")
def _first_version(target: Any, connection: Any, **_kw: Any) -> None:
    # A database made from the models (rather than the migrations) gets its row as the migration gives it.
    connection.execute(target.insert().values(id=ROW_ID, token=uuid.uuid4().hex, changed_at=utcnow()))
