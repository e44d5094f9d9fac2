"""Concurrent writers and two chairs at once, as gunicorn workers would meet them.

Separate processes cannot share the suite's rolled-back transaction, so these tests build a database of their own
(a temporary SQLite file, or a PostgreSQL database next to DATABASE_URL's, dropped afterwards), migrated and
seeded as the app's own, and drive it with tests/concurrency_support.py's writers and chairs (which
bench/concurrency.py runs at full size). SQLite's wait for the write lock is also checked on its own, against a
file of its own.
"""

import sqlite3
import threading
import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from recruit import database
from recruit.services.assessment.agreement import ALREADY
from tests import concurrency_support as concurrency

# Processes, a database of their own and real lock waits: seconds each.
pytestmark = pytest.mark.slow

WRITERS, SCORES, RACES = 4, 25, 2


@pytest.fixture(autouse=True)
def _transaction():
    """Replaces the suite's per-test transaction: these tests work on their own database."""
    yield


@pytest.fixture(scope="module")
def plan():
    with concurrency.throwaway_database() as throwaway:
        yield concurrency.prepare(throwaway, WRITERS, SCORES)


@pytest.fixture(scope="module")
def written(plan):
    """Every writer's scores, saved at the same time by separate processes."""
    return concurrency.run_writers(plan, WRITERS, SCORES)


def test_concurrent_writers_get_no_errors_and_lose_no_scores(plan, written):
    assert written.locked == 0, 'a writer was told "database is locked"'
    assert written.other == []
    assert written.submitted == WRITERS * SCORES
    assert written.saves == 2 * WRITERS * SCORES

    check = concurrency.check_scores(plan, written)
    assert check.acknowledged == WRITERS * SCORES
    assert check.lost == 0
    # Exactly one score per assessor and item, each with its draft and submitted versions and audit entries.
    assert (check.rows, check.versions, check.audit_entries) == (
        WRITERS * SCORES,
        2 * WRITERS * SCORES,
        2 * WRITERS * SCORES,
    )


def test_two_chairs_agreeing_one_item_at_once_give_one_agreed_score(plan, written):
    ready = concurrency.ready_items(written)
    assert len(ready) == SCORES  # every item has every assessor's score, so the chair can agree it
    races = concurrency.race_chairs(plan, ready[:RACES])

    assert races.problems == []
    assert len(races.outcomes) == 2 * RACES  # each item raced new, then again once reopened
    board = f"/moderate/{plan.campaign_id}/sift"
    for race, first, second in races.outcomes:
        assert sorted([first.status, second.status]) == [200, 302], "one chair is told, never a server error"
        winner, other = (first, second) if first.status == 302 else (second, first)
        winning_value = race.values[0 if winner is first else 1]
        assert winner.location.endswith(board)
        assert other.title.startswith("Error: ")
        assert other.errors == [ALREADY]
        assert other.agreed.startswith(f"{winning_value} (agreed)"), "the second chair sees the score that stands"

    # In the database: per item one agreed score, the second race's winner's, with its full history.
    assert races.good == races.races == 2 * RACES

    paused = [(first, second) for race, first, second in races.outcomes if race.paused]
    assert len(paused) == races.paused == RACES
    if plan.dialect == "postgresql":
        # Both requests were past every check before either wrote: the database's unique constraint (new items)
        # and the version column (reopened ones) decided, and the second chair still got the message.
        assert races.met == RACES
        assert all(first.reached_write and second.reached_write for first, second in paused)
    else:
        # SQLite: a transaction takes the write lock when it begins, so the second request only starts once the
        # first has committed, and its own checks find the item agreed.
        assert races.met == 0
        assert all(first.reached_write != second.reached_write for first, second in paused)


@pytest.fixture
def sqlite_engine(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'locks.db'}")
    database.configure_engine_events(engine)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE scores (value INTEGER)"))
    yield engine
    engine.dispose()


@pytest.fixture
def other_writer(sqlite_engine):
    """Another process's connection to the same file."""
    connection = sqlite3.connect(sqlite_engine.url.database, isolation_level=None, check_same_thread=False)
    yield connection
    connection.close()


def test_a_sqlite_transaction_waits_for_another_write_then_sees_it(sqlite_engine, other_writer):
    other_writer.execute("BEGIN IMMEDIATE")
    other_writer.execute("INSERT INTO scores VALUES (5)")
    threading.Timer(0.2, other_writer.execute, ("COMMIT",)).start()

    with sqlite_engine.begin() as connection:
        assert connection.execute(text("SELECT value FROM scores")).scalars().all() == [5]
        # The short tries are over; the rest of the transaction has SQLite's own timeout back.
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == database.BUSY_TIMEOUT_MS


def test_a_sqlite_transaction_gives_up_after_the_busy_timeout(sqlite_engine, other_writer, monkeypatch):
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 300)
    other_writer.execute("BEGIN IMMEDIATE")
    started = time.monotonic()
    with pytest.raises(OperationalError, match="database is locked"), sqlite_engine.begin():
        pass
    assert time.monotonic() - started >= 0.3
    other_writer.execute("COMMIT")

    with sqlite_engine.begin() as connection:  # the connection that gave up is usable again
        connection.execute(text("INSERT INTO scores VALUES (1)"))
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 300
