"""Queueing messages: a row in the notifications table, written in the caller's unit of work, so that the message
exists if and only if the event that causes it is committed. Sending happens afterwards (sender.py): after the
commit the queued messages are handed to the RQ worker when REDIS_URL is set, or, outside production, sent there
and then; `flask --app recruit notifications send` sends whatever is due, retries included.

Each message has an event key, naming what caused it ("password_reset:<token digest>"); the pair (event key,
recipient) is unique, so queueing the same event twice, from a retried request or a second process, adds nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app
from sqlalchemy.dialects import postgresql, sqlite

from recruit.extensions import db
from recruit.models import Campaign, Notification
from recruit.services.notifications import texts, transports
from recruit.services.unit_of_work import after_commit, in_unit_of_work

log = logging.getLogger(__name__)

EVENT_KEY_LIMIT = 200


class MailNotConfigured(RuntimeError):
    """Production has no way to send email, so a message that must be sent cannot be."""

    def __init__(self) -> None:
        super().__init__(
            "Email cannot be sent: no way of sending it is set up. Set NOTIFY_API_KEY (GOV.UK Notify) or "
            "MAIL_SERVER (and MAIL_PORT, MAIL_USERNAME, MAIL_PASSWORD, MAIL_FROM) for the service."
        )


def configured() -> bool:
    """True when queued emails reach someone: GOV.UK Notify, an SMTP server, or the development outbox."""
    return transports.kind(current_app.config) is not None


def require_transport() -> None:
    """In production, refuse to go on with something whose email cannot be sent; elsewhere carry on (the message
    is queued, and waits for a transport)."""
    if not configured() and current_app.config["RECRUIT_ENV"] == "production":
        raise MailNotConfigured()


@dataclass(frozen=True)
class Message:
    """One message to queue: what caused it, who gets it, its template and the template's fields."""

    event_key: str
    recipient: str
    template: str
    fields: Mapping[str, str] = field(default_factory=dict)
    campaign: Campaign | None = None


def queue(
    event_key: str,
    recipient: str,
    template: str,
    *,
    campaign: Campaign | None = None,
    needed_now: bool = False,
    **fields: str,
) -> bool:
    """Queue one message in the caller's unit of work; False when this event already queued it for this person."""
    return queue_many([Message(event_key, recipient, template, fields, campaign)], needed_now=needed_now) == 1


def queue_many(messages: Iterable[Message], *, needed_now: bool = False) -> int:
    """Queue messages in the caller's unit of work, rendering each now; returns how many were new.

    A message the person needs at once to go on (a link to set a password or claim an account) is `needed_now`:
    in production with no way to send email, its event is refused (MailNotConfigured) rather than left waiting.
    Any other message never holds up its event: it waits in the outbox until a transport is set up, and the
    admins' messages page shows it queued."""
    if not in_unit_of_work():
        raise RuntimeError("notifications are queued inside the unit of work of the event that causes them")
    if needed_now:
        require_transport()
    rows = [_row(message) for message in messages]
    if not rows:
        return 0
    db.session.flush()
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    table = Notification.__table__
    statement = (
        dialect.insert(table).on_conflict_do_nothing(index_elements=["event_key", "recipient"]).returning(table.c.id)
    )
    # Executed for many messages at once, which SQLAlchemy sends as INSERTs of many rows each ("insertmanyvalues"),
    # compiled once. A conflict inserts nothing and returns no id, so the ids returned are the messages that are new
    # (a repeat within the batch counts once too).
    added = len(db.session.execute(statement, rows).all())
    after_commit("notifications.deliver", deliver_after_commit)
    return added


def _row(message: Message) -> dict[str, Any]:
    if not message.event_key or len(message.event_key) > EVENT_KEY_LIMIT:
        raise ValueError(f"An event key is 1 to {EVENT_KEY_LIMIT} characters")
    fields = {name: str(value) for name, value in message.fields.items()}
    subject, body = texts.render(message.template, fields)
    campaign_id = message.campaign.id if message.campaign is not None else None
    if message.campaign is not None and campaign_id is None:
        db.session.flush()
        campaign_id = message.campaign.id
    return {
        "event_key": message.event_key,
        "recipient": message.recipient.strip(),
        "template": message.template,
        "subject": subject,
        "body": body,
        "personalisation": {**texts.common_fields(), **fields},
        "campaign_id": campaign_id,
    }


def deliver_after_commit() -> None:
    """Once the event is committed: wake the RQ worker, or (outside production, with no Redis) send now. Never
    raises: the messages are safely queued, and the sender's loop sends whatever this leaves."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        if app.config.get("REDIS_URL"):
            from recruit.services.notifications import jobs

            jobs.enqueue()
        elif app.config.get("NOTIFICATIONS_SEND_AFTER_COMMIT") and configured():
            from recruit.services.notifications import sender

            if app.testing:
                sender.send_all_due()  # a test reads the messages as soon as the request returns
            elif sender.send_due().claimed == sender.BATCH:
                # A few messages go before the answer (a reset link is there when the page says so); the rest of a
                # large batch go from a thread of their own, so that the request does not wait for them.
                threading.Thread(target=_send_rest, args=(app,), name="recruit-notifications", daemon=True).start()
    except Exception:
        from recruit.services.unit_of_work import discard

        discard()
        log.exception("Queued emails could not be handed on after the commit; the sender will send them later")


def _send_rest(app: Flask) -> None:
    from recruit.services.notifications import sender

    with app.app_context():
        try:
            sender.send_all_due()
        except Exception:
            log.exception("Queued emails could not be sent after the commit; the sender will send them later")
        finally:
            db.session.remove()
