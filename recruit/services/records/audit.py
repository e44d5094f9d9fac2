"""Writing the audit log. Entries join the caller's transaction, so they commit or roll back with the change."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from recruit.extensions import db
from recruit.models import AuditEvent, User


def record(
    action: str,
    record_type: str,
    record_id: Any = None,
    *,
    before: Any = None,
    after: Any = None,
    actor: User | None = None,
) -> AuditEvent:
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    event = AuditEvent(
        action=action,
        record_type=record_type,
        record_id=None if record_id is None else str(record_id),
        before=before,
        after=after,
        actor=actor,
        client_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event
