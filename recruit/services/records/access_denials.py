"""Refused requests (403) by signed-in people, written to the audit log so that probing is on the record,
at most once per person and route in each window so that a loop of refusals cannot flood the log.

The window is kept in the database (one row per person and route), not in process memory, because
several app processes answer requests.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, Result, Table, select, update
from sqlalchemy.dialects import postgresql, sqlite

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import AccessDenialWindow, User
from recruit.services.records import audit
from recruit.services.unit_of_work import unit_of_work

WINDOW = timedelta(minutes=10)
ENDPOINT_LENGTH = 100
PATH_LENGTH = 500


@unit_of_work()
def record_denial(user: User, endpoint: str | None, method: str, path: str) -> bool:
    """Audit one refusal of this person at this route, unless one was written in the last WINDOW, in
    which case it is only counted, and the count goes in the next entry. Returns whether an entry was
    written. Commits."""
    endpoint = (endpoint or "(no route)")[:ENDPOINT_LENGTH]
    now = utcnow()
    key = (AccessDenialWindow.user_id == user.id, AccessDenialWindow.endpoint == endpoint)
    earlier = db.session.execute(
        select(AccessDenialWindow.logged_at, AccessDenialWindow.unlogged).where(*key)
    ).one_or_none()
    if earlier is None:
        written = _claim_new_window(user.id, endpoint, now)
        refused_since = 0
    elif earlier.logged_at <= now - WINDOW:
        # Only the request that still sees the row as it was read claims the new window.
        written = _claimed(
            db.session.execute(
                update(AccessDenialWindow)
                .where(
                    *key,
                    AccessDenialWindow.logged_at == earlier.logged_at,
                    AccessDenialWindow.unlogged == earlier.unlogged,
                )
                .values(logged_at=now, unlogged=0)
                .execution_options(synchronize_session=False)
            )
        )
        refused_since = earlier.unlogged
    else:
        written = False
    if written:
        audit.record(
            "access.denied",
            "route",
            endpoint[:64],
            actor=user,
            after={
                "method": method,
                "path": path[:PATH_LENGTH],
                "refused_since_last_entry": refused_since,
            },
        )
    else:
        db.session.execute(
            update(AccessDenialWindow)
            .where(*key)
            .values(unlogged=AccessDenialWindow.unlogged + 1)
            .execution_options(synchronize_session=False)
        )
    return written


def _claim_new_window(user_id: int, endpoint: str, now: datetime) -> bool:
    table = AccessDenialWindow.__table__
    assert isinstance(table, Table)  # a mapped class's table, which the type checker knows only as a FromClause
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    statement = (
        insert.values(user_id=user_id, endpoint=endpoint, logged_at=now, unlogged=0)
        .on_conflict_do_nothing()
        .returning(table.c.user_id)
    )
    return db.session.execute(statement).first() is not None


def _claimed(result: Result[Any]) -> bool:
    assert isinstance(result, CursorResult)  # as for any UPDATE
    return result.rowcount == 1
