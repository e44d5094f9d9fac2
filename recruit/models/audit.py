"""The append-only audit log: who did what to which record, with before and after, and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NoReturn

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Mapper, ORMExecuteState, Session, mapped_column, relationship

from recruit.clock import utcnow
from recruit.extensions import Model
from recruit.models.types import UTCDateTime
from recruit.models.user import User


class AuditLogIsAppendOnly(Exception):
    """Raised on any attempt to change or remove an audit entry."""


class AuditEvent(Model):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_record", "record_type", "record_id"),
        Index("ix_audit_events_actor_at", "actor_id", "at"),
        Index("ix_audit_events_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(100))
    record_type: Mapped[str] = mapped_column(String(50))
    record_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[Any | None] = mapped_column(JSON)
    after: Mapped[Any | None] = mapped_column(JSON)
    client_address: Mapped[str | None] = mapped_column(String(64))

    actor: Mapped[User | None] = relationship()


class AccessDenialWindow(Model):
    """When a refusal (403) of a person at a route was last written to the audit log, and how many
    refusals there have been since. One row per person and route, claimed with a conditional UPDATE,
    so a loop of refused requests writes one entry per window however many processes answer it."""

    __tablename__ = "access_denial_windows"
    __table_args__ = (CheckConstraint("unlogged >= 0", name="unlogged_not_negative"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    endpoint: Mapped[str] = mapped_column(String(100), primary_key=True)
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime)
    unlogged: Mapped[int] = mapped_column(default=0)


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(mapper: Mapper[AuditEvent], connection: Connection, target: AuditEvent) -> NoReturn:
    raise AuditLogIsAppendOnly("Audit entries cannot be changed.")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(mapper: Mapper[AuditEvent], connection: Connection, target: AuditEvent) -> NoReturn:
    raise AuditLogIsAppendOnly("Audit entries cannot be deleted.")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state: ORMExecuteState) -> None:
    # Bulk UPDATE/DELETE statements skip the mapper events above.
    if (
        (state.is_update or state.is_delete)
        and state.bind_mapper is not None
        and state.bind_mapper.class_ is AuditEvent
    ):
        raise AuditLogIsAppendOnly("Audit entries cannot be changed or deleted.")
