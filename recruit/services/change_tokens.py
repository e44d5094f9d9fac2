"""Change tokens: one row each, given a new random token by the commit of any transaction that changed the records it
covers, so that each process can keep what it read from them and know, by one small query, whether it still holds.

Two are watched: what the public pages show (services/public_content.py) and every campaign's setup
(services/campaigns/kept_setup.py). Whatever writes those records, the session notices it here rather than in each
service, so no write path can forget to:

- a flush that adds, changes or deletes one of the records, or an UPDATE, INSERT or DELETE statement run through the
  session against one of their tables, marks the transaction;
- when a marked transaction commits, the token's row gets a new random token, in the same transaction, so the new
  token is seen exactly when the change is.

The rows are written last, just before the commit and always in the same order, so the lock on each is held for the
shortest time and after every other lock the transaction takes (two writers then queue for it rather than deadlock).

A transaction that has itself changed what a token covers has no committed token to go by (None): what it reads
includes its own changes, which no other transaction sees yet and which may still be rolled back, so it keeps nothing.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, Table, event, select, update
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction

from recruit.clock import utcnow
from recruit.extensions import db

_watched: list[ChangeToken] = []


class ChangeToken:
    """The token of one row (`row_id` of `table`), replaced at the commit of every transaction that wrote one of
    `models` (those for which `counts(instance)` holds) or one of their tables."""

    def __init__(
        self,
        name: str,
        table: Table,
        row_id: int,
        models: tuple[type[Any], ...],
        counts: Callable[[Session, object], bool] = lambda _session, _instance: True,
    ) -> None:
        self.models, self.counts = models, counts
        self.tables = frozenset(model.__table__.name for model in models)
        self._table, self._row_id = table, row_id
        # Kept in session.info while the transaction holds a change this token covers, and once read, the token as
        # committed, for the rest of the transaction.
        self._changed, self._token = f"recruit.{name}.changed", f"recruit.{name}.token"
        self._read = select(table.c.token).where(table.c.id == row_id).scalar_subquery()
        _watched.append(self)
        # A database made from the models (rather than the migrations) gets its row as the migration gives it.
        event.listen(table, "after_create", self._first_row)

    def _first_row(self, target: Table, connection: Any, **_kw: Any) -> None:
        connection.execute(target.insert().values(id=self._row_id, token=uuid.uuid4().hex, changed_at=utcnow()))

    def committed(self) -> str | None:
        """The token as committed (read once a transaction); None while this transaction has changed what it covers
        and not committed it yet (what it wrote is no version anyone can have kept)."""
        session = db.session()
        # _is_clean: nothing new, changed or deleted, without building the sets that session.new and .dirty return
        # (this runs for every kept value a page reads, dozens of times a request).
        if not session._is_clean():
            session.flush()
        if session.info.get(self._changed):
            return None
        if self._token not in session.info:
            _read_tokens(session)
        token: str | None = session.info[self._token]
        return token

    def mark_changed(self, session: Session) -> None:
        """Have this transaction give the token a new value when it commits."""
        session.info[self._changed] = True

    def _notice(self, session: Session, changed: list[object]) -> None:
        if not session.info.get(self._changed) and any(
            isinstance(instance, self.models) and self.counts(session, instance) for instance in changed
        ):
            self.mark_changed(session)

    def _replace_if_changed(self, session: Session) -> None:
        if session.info.pop(self._changed, False):
            session.execute(
                update(self._table)
                .where(self._table.c.id == self._row_id)
                .values(token=uuid.uuid4().hex, changed_at=utcnow())
            )

    def _forget(self, session: Session) -> None:
        session.info.pop(self._changed, None)
        session.info.pop(self._token, None)  # read again in the next: another process may have committed a change


# Every token in one query (a page that keeps things under both asks once), built once: many requests run it, so it
# is executed as it stands (Core, not through the ORM).
_read_all: dict[int, Select[Any]] = {}


def _read_tokens(session: Session) -> None:
    """Read every token, in one query, into session.info (those this transaction has read already stay as read)."""
    query = _read_all.get(len(_watched))
    if query is None:
        query = _read_all[len(_watched)] = select(*(token._read for token in _watched))
    row = session.connection().execute(query).one()
    for token, value in zip(_watched, row, strict=True):
        session.info.setdefault(token._token, value)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    # After a flush the session's new, dirty and deleted sets still hold what was flushed.
    changed = [*session.new, *session.deleted]
    changed += [instance for instance in session.dirty if session.is_modified(instance)]
    if changed:
        for token in _watched:
            token._notice(session, changed)


@event.listens_for(Session, "do_orm_execute")
def _on_statement(state: ORMExecuteState) -> None:
    # UPDATE, INSERT and DELETE statements bypass the flush: look at the table they write.
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    name = getattr(getattr(state.statement, "table", None), "name", None)
    for token in _watched:
        if name in token.tables:
            token.mark_changed(state.session)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # releasing a savepoint: the outer transaction's commit gives the new tokens
    # What the commit is about to flush is flushed now, so the marks cover it.
    session.flush()
    for token in _watched:
        token._replace_if_changed(session)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    # A rolled-back transaction's changes are gone, and so is the need for new tokens.
    if transaction.parent is None:
        for token in _watched:
            token._forget(session)


# -- values kept under a token ----------------------------------------------------------------------------------

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_stores: list[KeptByToken[Any, Any]] = []


class KeptByToken(Generic[K, V]):
    """Values by key, each kept under the token (`token()`, a ChangeToken's `committed`) it was read at; the least
    lately used dropped first beyond `limit`."""

    def __init__(self, limit: int, token: Callable[[], str | None]) -> None:
        self._limit, self._token = limit, token
        self._kept: OrderedDict[tuple[K, str], V] = OrderedDict()
        self._lock = threading.Lock()
        _stores.append(self)

    def get_many(self, keys: Iterable[K], read: Callable[[set[K]], dict[K, V]]) -> dict[K, V]:
        """The values of these keys: those kept at the current token, the rest from `read` (one call for all of
        them, then kept). What is returned may be shared between requests: callers must not change it."""
        wanted = set(keys)
        if not wanted:
            return {}
        # Read before the data: a change committed in between can only make what is kept newer than its token.
        token = self._token()
        found: dict[K, V] = {}
        if token is not None:
            with self._lock:
                for key in wanted:
                    kept = self._kept.get((key, token))
                    if kept is not None:
                        self._kept.move_to_end((key, token))
                        found[key] = kept
        missing = wanted - found.keys()
        if not missing:
            return found
        fresh = read(missing)
        found.update(fresh)
        if token is not None:
            with self._lock:
                for key, value in fresh.items():
                    self._kept[(key, token)] = value
                self._drop_beyond_limit()
        return found

    def get(self, key: K, read: Callable[[set[K]], dict[K, V]]) -> V:
        return self.get_many([key], read)[key]

    def kept(self, key: K) -> V | None:
        """The value kept for this key at the current token, if any; nothing is read."""
        token = self._token()
        if token is None:
            return None
        with self._lock:
            found = self._kept.get((key, token))
            if found is not None:
                self._kept.move_to_end((key, token))
            return found

    def keep(self, key: K, value: V) -> None:
        """Keep this value, read now, under the current token (nothing is kept while there is none)."""
        token = self._token()
        if token is None:
            return
        with self._lock:
            self._kept[(key, token)] = value
            self._drop_beyond_limit()

    def _drop_beyond_limit(self) -> None:
        while len(self._kept) > self._limit:
            self._kept.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


def forget_all() -> None:
    """Drop everything kept under a token in this process (between tests, whose rolled-back data reuses ids and
    tokens)."""
    for store in _stores:
        store.clear()
