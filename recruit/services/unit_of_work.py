"""One transaction per change: a service that writes runs in a unit of work, which commits what it did or rolls
all of it back. Nothing else in the application commits or rolls back.

    with unit_of_work():                     # or, for a whole service function:
        ...                                  # @unit_of_work("This item was changed by someone else ...")

The outermost unit commits when its block ends and rolls back when anything escapes it. A unit opened inside
another joins it, so a service that calls another still makes one transaction, committed once at the end; if the
inner one fails, the whole unit rolls back, even when a caller in between caught the failure.

A commit expires every object the session holds, so that what is read after it is read afresh. A request that goes
on to use only the ids of what it loaded (to redirect, or to query by them) can say so with `keeping_loaded()`, and
not load its records again.

Work that must wait until the change is committed (handing queued emails to a sender) is registered with
`after_commit(key, callback)` inside a unit; it runs once the outermost unit has committed, and is dropped if it
rolls back.

A write that lost a race becomes a `Refused` with the caller's message, for the page to show: a row someone else
changed since it was read (StaleDataError, from a version counter), or a row someone else wrote first or removed
(a unique, primary key or foreign key violation). Any other IntegrityError, a check or not-null constraint, is a
fault in the code rather than a race, and stays an error.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import wraps
from types import TracebackType
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from recruit.extensions import db
from recruit.services.errors import Refused

P = ParamSpec("P")
R = TypeVar("R")

CHANGED_ELSEWHERE = (
    "This was changed by someone else at the same time, so nothing was saved. Reload the page and try again"
)

# Integrity errors another transaction can cause: PostgreSQL's SQLSTATE codes and SQLite's extended result codes.
_RACE_SQLSTATES = frozenset({"23505", "23503"})  # unique_violation, foreign_key_violation
_RACE_SQLITE_CODES = frozenset(
    {sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY, sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY}
)

_STATE = "recruit.unit_of_work"


@dataclass
class _State:
    """Kept on the session: how deep the units are, and the first failure inside an inner one."""

    depth: int = 0
    failure: BaseException | None = None
    # What to run once the outermost unit commits, by key (one callback per key and transaction).
    after_commit: dict[str, Callable[[], None]] = dataclass_field(default_factory=dict)


def lost_race(error: BaseException) -> bool:
    """Whether the error means another transaction got there first, rather than a fault in this one."""
    if isinstance(error, StaleDataError):
        return True
    if not isinstance(error, IntegrityError):
        return False
    driver_error = error.orig
    sqlstate = getattr(driver_error, "sqlstate", None) or getattr(driver_error, "pgcode", None)
    if sqlstate is not None:
        return str(sqlstate) in _RACE_SQLSTATES
    sqlite_code = getattr(driver_error, "sqlite_errorcode", None)
    if sqlite_code is not None:
        return sqlite_code in _RACE_SQLITE_CODES
    return True


class UnitOfWork:
    """A `with` block, or a decorator that runs each call of a function in one of its own."""

    def __init__(self, refusal: str = CHANGED_ELSEWHERE, field: str | None = None) -> None:
        self.refusal = refusal
        self.field = field
        self._session: Session | None = None

    def __enter__(self) -> Session:
        if self._session is not None:
            raise RuntimeError("This unit of work is already open; open a new one with unit_of_work()")
        session = db.session()
        session.info.setdefault(_STATE, _State()).depth += 1
        self._session = session
        return session

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        session, self._session = self._session, None
        assert session is not None, "__exit__ without __enter__"
        state: _State = session.info[_STATE]
        state.depth -= 1
        failure = self._refusal_for(error) if error is not None else None
        if state.depth > 0:
            # Inside another unit: its outermost block decides, and what failed here fails all of it.
            if failure is not None:
                state.failure = state.failure or failure
                if failure is not error:
                    raise failure from None
            return
        earlier, state.failure = state.failure, None
        callbacks, state.after_commit = state.after_commit, {}
        if failure is None and earlier is None:
            try:
                session.commit()
            except BaseException as commit_error:
                session.rollback()
                failure = self._refusal_for(commit_error)
                if failure is commit_error:
                    raise
                raise failure from None
            for callback in callbacks.values():
                callback()
            return
        session.rollback()
        if failure is None and earlier is not None:
            raise earlier from None
        if failure is not None and failure is not error:
            raise failure from None

    def __call__(self, function: Callable[P, R]) -> Callable[P, R]:
        refusal, field = self.refusal, self.field

        @wraps(function)
        def in_unit_of_work(*args: P.args, **kwargs: P.kwargs) -> R:
            with UnitOfWork(refusal, field):
                return function(*args, **kwargs)

        return in_unit_of_work

    def _refusal_for(self, error: BaseException) -> BaseException:
        return Refused(self.refusal, self.field) if lost_race(error) else error


def unit_of_work(refusal: str = CHANGED_ELSEWHERE, field: str | None = None) -> UnitOfWork:
    """A unit of work; `refusal` (and the form field it belongs to) is what the person is told when the write lost
    a race with someone else's."""
    return UnitOfWork(refusal, field)


def in_unit_of_work() -> bool:
    """Whether a unit of work is open now (its writes commit or roll back together)."""
    state = db.session().info.get(_STATE)
    return state is not None and state.depth > 0


def after_commit(key: str, callback: Callable[[], None]) -> None:
    """Run `callback` once the outermost unit of work open now has committed; never if it rolls back. A second
    callback under the same key in the same transaction is ignored. The callback runs outside any unit (it may
    open its own) and must not raise: the change it follows is already committed."""
    state = db.session().info.get(_STATE)
    if state is None or state.depth == 0:  # the same test as in_unit_of_work(), which mypy cannot follow
        raise RuntimeError("after_commit() outside a unit of work: there is no commit to wait for")
    state.after_commit.setdefault(key, callback)


@contextmanager
def keeping_loaded() -> Iterator[None]:
    """Commits inside the block leave the objects the session holds as they are, rather than expiring them: for a
    request that, once a change is committed, reads nothing more of those objects than their ids (the campaign it
    queries by), which would otherwise load each of them again, with everything loaded alongside. A rollback still
    expires them."""
    session = db.session()
    expiring = session.expire_on_commit
    session.expire_on_commit = False
    try:
        yield
    finally:
        session.expire_on_commit = expiring


def discard() -> None:
    """Throw away what the session holds that no unit of work committed. For the error pages, which answer after
    a request failed part way (a failed statement leaves the session unusable), and for the refusal log, which
    must not keep anything the refused request started. Never inside a unit of work: that one rolls back itself."""
    session = db.session()
    state = session.info.get(_STATE)
    if state is not None and state.depth > 0:
        raise RuntimeError("discard() inside a unit of work; let the unit roll back instead")
    if state is not None:
        state.after_commit.clear()
    session.rollback()
