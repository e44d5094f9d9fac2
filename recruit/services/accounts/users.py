"""Looking up accounts and the audit log for the admin pages."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from recruit.clock import UK
from recruit.extensions import db
from recruit.models import AuditEvent, User

PAGE_SIZE = 50


def user_for_admin(actor: User, user_id: int) -> User | None:
    """Object access for accounts: admins may manage every account, nobody else any."""
    if actor.role != "admin":
        return None
    return db.session.get(User, user_id)


def users_query(role: str | None = None) -> Select[tuple[User]]:
    query = select(User).order_by(User.role, User.name, User.id)
    if role:
        query = query.where(User.role == role)
    return query


def audit_query(
    user_email: str | None = None,
    record_type: str | None = None,
    record_id: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> Select[tuple[AuditEvent]]:
    query = select(AuditEvent).options(selectinload(AuditEvent.actor)).order_by(AuditEvent.at.desc(),
                                                                                AuditEvent.id.desc())
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
