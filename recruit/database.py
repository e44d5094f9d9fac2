"""Engine settings that depend on the database: SQLite gets WAL, a busy timeout and real transactions; PostgreSQL
connections keep their prepared statements from one transaction to the next."""

import random
import sqlite3
import time
from typing import Any

import psycopg
from psycopg import pq
from sqlalchemy import event, exc
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import ConnectionPoolEntry

# How long a transaction waits for another connection's write to finish before "database is locked".
BUSY_TIMEOUT_MS = 10_000


def configure_engine_events(engine: Engine) -> None:
    if engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg":

        @event.listens_for(engine, "do_connect")
        def _connect(_dialect: Any, _record: ConnectionPoolEntry, cargs: Any, cparams: Any) -> KeepsPrepared:
            return KeepsPrepared.connect(*cargs, **cparams)

    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin,
        # so that SAVEPOINTs and explicit BEGINs behave as on PostgreSQL.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # Take the write lock when the transaction starts, so concurrent writers queue for it instead of
        # failing with "database is locked" when a read turns into a write.
        begin_immediate(connection)


def begin_immediate(connection: Connection) -> None:
    """BEGIN IMMEDIATE, trying again about every millisecond until the busy timeout.

    SQLite's own busy handler sleeps longer and longer between tries, up to 100 ms, so under steady load a
    connection that has waited a while keeps missing the moments the lock is free while newcomers take it:
    with ten processes writing scores, some waited past even a 30-second timeout (bench/concurrency.py).
    Trying at a short, even interval gives every waiting connection the same chance.
    """
    raw = connection.connection.driver_connection
    # The connection is open (it is beginning a transaction), so the driver's connection is there.
    assert isinstance(raw, sqlite3.Connection)
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    raw.execute("PRAGMA busy_timeout = 0")
    try:
        while True:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if error.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY or time.monotonic() >= deadline:
                    raise exc.OperationalError("BEGIN IMMEDIATE", None, error) from error
            time.sleep(0.001 + random.random() / 1000)
    finally:
        # Every other statement keeps SQLite's own busy timeout.
        raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


class KeepsPrepared(psycopg.Connection):
    """A psycopg connection whose prepared statements outlive a plain rollback.

    psycopg prepares a statement on the server once a connection has run it five times, so that PostgreSQL parses it
    once rather than every time. But psycopg forgets them all, and deallocates them on the server, at every rollback,
    and nearly every request ends with one: the pool rolls back each request's transaction, and a page that only
    reads never commits. So no statement was ever run five times between two rollbacks, and none stayed prepared.

    psycopg forgets them because the transaction rolled back might have altered or dropped what they read. It still
    forgets them when it sees a DROP or ALTER run, and this connection leaves psycopg's own rollback to a transaction
    that failed; a rollback of a healthy transaction is sent as it is and the prepared statements stay. The app itself
    changes no table: a migration runs in a process of its own, and the app is restarted after one.
    """

    def rollback(self) -> None:
        if self._pipeline is not None or self.pgconn.transaction_status != pq.TransactionStatus.INTRANS:
            super().rollback()
            return
        with self.lock:
            result = self.pgconn.exec_(b"ROLLBACK")
        if result.status != pq.ExecStatus.COMMAND_OK:
            raise psycopg.OperationalError(f"ROLLBACK failed: {self.pgconn.error_message.decode(errors='replace')}")
