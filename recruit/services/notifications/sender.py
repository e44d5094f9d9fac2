"""Delivering queued messages: claim a batch that is due, hand each to the transport, record what happened.

Claiming is safe with any number of senders at once. On PostgreSQL the due rows are locked with SELECT … FOR
UPDATE SKIP LOCKED, so a second sender takes other rows instead of waiting; on SQLite every transaction holds the
write lock from its start (recruit/database.py). Either way the UPDATE that claims them repeats the condition
(status queued or failed), so a row is claimed once. The provider is called outside any transaction, so no lock
is held while it answers.

After a temporary failure (a timeout, a 5xx, a connection refused, a rejected API key) the message waits
NOTIFICATIONS_RETRY_SECONDS × 2^(tries − 1), at most NOTIFICATIONS_RETRY_MAX_SECONDS, and after
NOTIFICATIONS_MAX_ATTEMPTS tries it is given up. A permanent failure (an invalid address, Notify's 400, an SMTP
5xx for the recipient) is given up at once. A message whose sender stopped while sending it is not tried again
(it may have gone): it is marked not sent, with that reason, for an admin to resend or not.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import Notification, NotificationStatus
from recruit.models.notification import CLAIMABLE
from recruit.services.notifications.transports import DeliveryFailed, Email, Transport, transport_for
from recruit.services.unit_of_work import unit_of_work

log = logging.getLogger(__name__)

BATCH = 50
STALLED = (
    "The sender stopped while handing this message to the provider, so it may or may not have been sent. "
    "Resend it if the person did not get it."
)


@dataclass
class Outcome:
    claimed: int = 0
    sent: int = 0
    failed: int = 0  # to be tried again
    given_up: int = 0

    def add(self, other: Outcome) -> None:
        self.claimed += other.claimed
        self.sent += other.sent
        self.failed += other.failed
        self.given_up += other.given_up


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the given number of tries: doubling each time, up to the configured limit."""
    config = current_app.config
    seconds = config["NOTIFICATIONS_RETRY_SECONDS"] * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, config["NOTIFICATIONS_RETRY_MAX_SECONDS"]))


def send_due(limit: int = BATCH) -> Outcome:
    """Send one batch of the messages that are due; nothing when no transport is configured."""
    transport = transport_for(current_app.config)
    if transport is None:
        return Outcome()
    give_up_stalled()
    claimed = claim(limit)
    outcome = Outcome(claimed=len(claimed))
    if claimed:
        with transport:
            for notification_id, attempts, email in claimed:
                deliver(transport, notification_id, attempts, email, outcome)
    return outcome


def send_all_due(limit: int = BATCH) -> Outcome:
    """Send batches until nothing is due (messages waiting for a retry stay for later)."""
    total = Outcome()
    while True:
        outcome = send_due(limit)
        total.add(outcome)
        if outcome.claimed < limit:
            return total


def claim(limit: int) -> list[tuple[int, int, Email]]:
    """Mark up to `limit` due messages as being sent by this sender: (id, tries including this one, email)."""
    with unit_of_work():
        now = utcnow()
        due = (
            select(Notification.id)
            .where(Notification.status.in_(CLAIMABLE), Notification.next_attempt_at <= now)
            .order_by(Notification.next_attempt_at, Notification.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        ids = list(db.session.scalars(due))
        if not ids:
            return []
        claimed = list(
            db.session.execute(
                update(Notification)
                .where(Notification.id.in_(ids), Notification.status.in_(CLAIMABLE))
                .values(
                    status=NotificationStatus.SENDING,
                    attempts=Notification.attempts + 1,
                    sending_started_at=now,
                    updated_at=now,
                )
                .returning(
                    Notification.id,
                    Notification.attempts,
                    Notification.recipient,
                    Notification.template,
                    Notification.subject,
                    Notification.body,
                    Notification.personalisation,
                )
                .execution_options(synchronize_session=False)
            )
        )
    claimed.sort(key=lambda row: ids.index(row.id))
    return [
        (
            row.id,
            row.attempts,
            Email(
                reference=f"recruit-notification-{row.id}",
                recipient=row.recipient,
                template=row.template,
                subject=row.subject,
                body=row.body,
                personalisation=row.personalisation or {},
            ),
        )
        for row in claimed
    ]


def deliver(transport: Transport, notification_id: int, attempts: int, email: Email, outcome: Outcome) -> None:
    try:
        reference = transport.send(email)
    except DeliveryFailed as failure:
        given_up = failure.permanent or attempts >= current_app.config["NOTIFICATIONS_MAX_ATTEMPTS"]
        reason = failure.reason
        if given_up and not failure.permanent:
            reason = f"{reason} Given up after {attempts} tries."
        _record_failure(notification_id, attempts, reason, given_up)
        if given_up:
            outcome.given_up += 1
        else:
            outcome.failed += 1
        # The reason only: no address, no body.
        log.warning("Notification %s not sent through %s: %s", notification_id, transport.name, reason)
        return
    except Exception as error:
        # A fault of ours or the client's: kept as a temporary failure, so that nothing is lost.
        log.exception("Notification %s: unexpected error from %s", notification_id, transport.name)
        reason = f"Unexpected error while sending through {transport.name} ({type(error).__name__})."
        given_up = attempts >= current_app.config["NOTIFICATIONS_MAX_ATTEMPTS"]
        _record_failure(notification_id, attempts, reason, given_up)
        outcome.given_up += given_up
        outcome.failed += not given_up
        return
    with unit_of_work():
        now = utcnow()
        db.session.execute(
            update(Notification)
            .where(Notification.id == notification_id, Notification.status == NotificationStatus.SENDING)
            .values(
                status=NotificationStatus.SENT,
                provider_reference=reference[:200] or None,
                last_error=None,
                sent_at=now,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
    outcome.sent += 1


def _record_failure(notification_id: int, attempts: int, reason: str, given_up: bool) -> None:
    now = utcnow()
    values: dict[str, object] = {"last_error": reason[:500], "updated_at": now}
    if given_up:
        values["status"] = NotificationStatus.PERMANENTLY_FAILED
    else:
        values["status"] = NotificationStatus.FAILED
        values["next_attempt_at"] = now + retry_delay(attempts)
    with unit_of_work():
        db.session.execute(
            update(Notification)
            .where(Notification.id == notification_id, Notification.status == NotificationStatus.SENDING)
            .values(**values)
            .execution_options(synchronize_session=False)
        )


def give_up_stalled(now: datetime | None = None) -> int:
    """Messages left "sending" by a sender that stopped part way: not sent again by themselves (they may have
    gone), but shown as not sent, with the reason."""
    now = now or utcnow()
    cutoff = now - timedelta(seconds=current_app.config["NOTIFICATIONS_SENDING_TIMEOUT_SECONDS"])
    with unit_of_work():
        result = db.session.execute(
            update(Notification)
            .where(Notification.status == NotificationStatus.SENDING, Notification.sending_started_at < cutoff)
            .values(status=NotificationStatus.PERMANENTLY_FAILED, last_error=STALLED, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    return int(result.rowcount)  # type: ignore[attr-defined]
