"""The RQ side of sending (REDIS_URL set): after a commit that queued messages the app puts `send` on the
recruit-notifications queue, which `flask --app recruit reports worker` also serves. Retries need no job of their
own: the `notifications send` loop, and every later job, send whatever has come due.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app, has_app_context

from recruit.extensions import db

if TYPE_CHECKING:
    from rq import Queue

QUEUE = "recruit-notifications"
SEND = "recruit.services.notifications.jobs.send"
JOB_TIMEOUT = 600


def rq_queue() -> Queue:
    """The notifications queue on REDIS_URL."""
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE, connection=Redis.from_url(current_app.config["REDIS_URL"]))


def enqueue() -> None:
    rq_queue().enqueue(SEND, job_timeout=JOB_TIMEOUT, result_ttl=0, failure_ttl=24 * 3600)


def send() -> None:
    """Send everything due, in this app's context if there is one, else in an app of its own."""
    from recruit.services.notifications import sender

    if has_app_context():
        sender.send_all_due()
        return
    from recruit import create_app

    app = create_app()
    with app.app_context():
        sender.send_all_due()
        db.session.remove()
        db.engine.dispose()
