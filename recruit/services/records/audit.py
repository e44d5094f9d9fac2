"""Writing the audit log. Entries join the caller's transaction, so they commit or roll back with the change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import Table, insert

from recruit.extensions import db
from recruit.models import AuditEvent, User

AUDIT_EVENTS = cast(Table, AuditEvent.__table__)


def _actor(actor: User | None) -> User | None:
    """Who made the change: the person named, or else the person signed in to the request."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        signed_in: User = current_user._get_current_object()
        return signed_in
    return actor


def _client_address() -> str | None:
    return request.remote_addr if has_request_context() else None


def record(
    action: str,
    record_type: str,
    record_id: Any = None,
    *,
    before: Any = None,
    after: Any = None,
    actor: User | None = None,
) -> AuditEvent:
    event = AuditEvent(
        action=action,
        record_type=record_type,
        record_id=None if record_id is None else str(record_id),
        before=before,
        after=after,
        actor=_actor(actor),
        client_address=_client_address(),
    )
    db.session.add(event)
    return event


@dataclass(frozen=True)
class Entry:
    """One entry for `record_all`: what `record` takes, but for the person, who is the same for them all."""

    action: str
    record_type: str
    record_id: Any = None
    before: Any = None
    after: Any = None


def record_all(entries: list[Entry], *, actor: User | None = None) -> None:
    """Several entries by one person, the same as `record` writes them one by one, in a single INSERT: for a change
    to many records at once (the scores of a whole application saved together). No AuditEvent objects are made."""
    if not entries:
        return
    who = _actor(actor)
    address = _client_address()
    # The table's own INSERT, without the ORM's bulk handling: no objects are wanted back.
    db.session.execute(
        insert(AUDIT_EVENTS),
        [
            {
                "action": entry.action,
                "record_type": entry.record_type,
                "record_id": None if entry.record_id is None else str(entry.record_id),
                "before": entry.before,
                "after": entry.after,
                "actor_id": who.id if who is not None else None,
                "client_address": address,
            }
            for entry in entries
        ],
    )
