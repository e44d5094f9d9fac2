"""The engine's connections (recruit/database.py): on PostgreSQL, the statements psycopg prepared stay prepared when a
request's transaction is rolled back, as nearly every request's is; a rollback still undoes what the transaction
wrote; and a transaction that failed is rolled back as psycopg does it, forgetting them."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from recruit.extensions import db
from recruit.models import User
from tests.concurrency_support import make_app, throwaway_database

# psycopg prepares a statement the sixth time a connection runs it (prepare_threshold 5).
RUNS = 6
STATEMENT = text("SELECT count(*) FROM users WHERE role = :role")


@pytest.fixture
def own_app():
    """The app on a database of its own (the suite's runs inside one transaction, which these tests must end)."""
    with throwaway_database() as url:
        app = make_app(url)
        with app.app_context():
            db.create_all()
            yield app
            db.session.remove()
            db.engine.dispose()


def prepared(connection) -> list[str]:
    if connection.dialect.name != "postgresql":
        return []
    return list(connection.execute(text("SELECT statement FROM pg_prepared_statements")).scalars())


def test_prepared_statements_outlive_rolled_back_transactions(own_app):
    with db.engine.connect() as connection:
        for _ in range(RUNS):
            assert connection.execute(STATEMENT, {"role": "admin"}).scalar() == 0
            connection.rollback()  # as the pool rolls back a request that only read
        kept = prepared(connection)
        connection.rollback()
    if db.engine.dialect.name == "postgresql":
        assert "SELECT count(*) FROM users WHERE role = $1" in kept
        # …and they are used: running it again prepares nothing new.
        with db.engine.connect() as connection:
            connection.execute(STATEMENT, {"role": "chair"})
            assert prepared(connection).count("SELECT count(*) FROM users WHERE role = $1") == 1
    else:
        assert kept == []


def test_a_rollback_still_undoes_what_the_transaction_wrote(own_app):
    with db.engine.connect() as connection:
        for _ in range(RUNS):  # the insert's statement prepared on the way
            connection.execute(
                User.__table__.insert(), {"email": "kept@example.org", "name": "Kept", "role": "assessor"}
            )
            connection.rollback()
        assert connection.execute(text("SELECT count(*) FROM users")).scalar() == 0
        connection.rollback()
    db.session.add(User(email="gone@example.org", name="Gone", role="assessor"))
    db.session.flush()
    db.session.rollback()
    assert db.session.scalar(text("SELECT count(*) FROM users")) == 0


def test_a_failed_transaction_is_rolled_back_and_the_connection_goes_on(own_app):
    with db.engine.connect() as connection:
        connection.execute(User.__table__.insert(), {"email": "one@example.org", "name": "One", "role": "assessor"})
        connection.commit()
        for _ in range(RUNS):
            connection.execute(STATEMENT, {"role": "assessor"})
        with pytest.raises(IntegrityError):
            connection.execute(
                User.__table__.insert(), {"email": "one@example.org", "name": "Again", "role": "assessor"}
            )
        connection.rollback()
        # psycopg's own rollback of a failed transaction forgets what it prepared, on the server too, and the
        # statements run (and are prepared) afresh.
        assert prepared(connection) == []
        for _ in range(RUNS):
            assert connection.execute(STATEMENT, {"role": "assessor"}).scalar() == 1
        connection.rollback()
        assert connection.execute(text("SELECT count(*) FROM users")).scalar() == 1
