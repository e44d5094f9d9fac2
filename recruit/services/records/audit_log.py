"""Reading the audit log: the entries the admin pages list, filtered by who, which record and when."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from recruit.clock import UK
from recruit.models import AuditEvent, User


def audit_query(
    user_email: str | None = None,
    record_type: str | None = None,
    record_id: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> Select[tuple[AuditEvent]]:
    query = (
        select(AuditEvent).options(selectinload(AuditEvent.actor)).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    if user_email:
        query = query.join(User, AuditEvent.actor_id == User.id).where(User.email == user_email.strip().lower())
    if record_type:
        query = query.where(AuditEvent.record_type == record_type.strip())
    if record_id:
        query = query.where(AuditEvent.record_id == record_id.strip())
    # Dates are UK calendar days.
    if since:
        query = query.where(AuditEvent.at >= datetime.combine(since, time.min, tzinfo=UK))
    if until:
        query = query.where(AuditEvent.at < datetime.combine(until + timedelta(days=1), time.min, tzinfo=UK))
    return query
