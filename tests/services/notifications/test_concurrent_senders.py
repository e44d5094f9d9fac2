"""Two senders at once, each a thread with its own app context and database connection, on a database of their own
(a temporary SQLite file, or a PostgreSQL database beside DATABASE_URL's): every message reaches the SMTP server
exactly once, and every row says sent after one try. On PostgreSQL the claim is SELECT … FOR UPDATE SKIP LOCKED; on
SQLite every transaction holds the write lock from its start."""

import threading
from collections import Counter

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from recruit import create_app
from recruit.config import Config
from recruit.extensions import db
from recruit.models import Notification
from recruit.services import notifications
from recruit.services.notifications import sender
from recruit.services.unit_of_work import unit_of_work
from tests import concurrency_support as concurrency

pytestmark = pytest.mark.slow  # a database of its own, migrated

MESSAGES = 40


@pytest.fixture(autouse=True)
def _transaction():
    """Replaces the suite's per-test transaction: these senders work on their own database."""
    yield


def test_two_senders_at_once_send_every_message_exactly_once(smtp_server):
    smtp_server.delay = 0.01  # each message takes a moment, so the two senders overlap
    with concurrency.throwaway_database() as url:
        app = create_app(
            Config,
            SQLALCHEMY_DATABASE_URI=url,
            RECRUIT_ENV="development",
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=smtp_server.port,
            MAIL_USE_TLS=False,
            MAIL_USERNAME=None,
            NOTIFY_API_KEY=None,
            REDIS_URL=None,
            NOTIFICATIONS_SEND_AFTER_COMMIT=False,
        )
        with app.app_context():
            upgrade()
            with unit_of_work():
                notifications.queue_many(
                    notifications.Message(f"test:{n}", f"person{n}@example.org", "password_reset", {"link": "x"})
                    for n in range(MESSAGES)
                )
            db.session.remove()

        barrier = threading.Barrier(2)
        outcomes, errors = {}, []

        def send(number: int) -> None:
            try:
                with app.app_context():
                    barrier.wait(timeout=30)
                    outcomes[number] = sender.send_all_due(limit=4)
                    db.session.remove()
            except Exception as error:  # reported below, not lost in the thread
                errors.append(repr(error))

        senders = [threading.Thread(target=send, args=(n,)) for n in range(2)]
        for thread in senders:
            thread.start()
        for thread in senders:
            thread.join(timeout=120)

        with app.app_context():
            rows = db.session.execute(select(Notification.status, Notification.attempts)).all()
            db.session.remove()
            db.engine.dispose()

    assert errors == []
    assert sum(outcome.claimed for outcome in outcomes.values()) == MESSAGES
    assert sum(outcome.sent for outcome in outcomes.values()) == MESSAGES
    received = Counter(message["To"] for message in smtp_server.messages)
    assert received == Counter({f"person{n}@example.org": 1 for n in range(MESSAGES)})
    assert Counter(tuple(row) for row in rows) == Counter({("sent", 1): MESSAGES})
