"""What admins read about messages: a campaign's messages and failures, resending a failed one, and (in
development) the development outbox."""

from __future__ import annotations

from dataclasses import dataclass

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, select, update

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import Campaign, DevelopmentEmail, Notification, NotificationStatus, User
from recruit.services.errors import Refused
from recruit.services.notifications.outbox import deliver_after_commit
from recruit.services.records import audit
from recruit.services.unit_of_work import after_commit, unit_of_work

PAGE_SIZE = 50
FAILED = (NotificationStatus.FAILED, NotificationStatus.PERMANENTLY_FAILED)
NOT_RESENDABLE = "This message has not failed, so it cannot be sent again"


@dataclass(frozen=True)
class MessageCounts:
    total: int
    sent: int
    waiting: int  # queued, being sent, or to be tried again
    not_sent: int  # given up: needs an admin


def campaign_messages(campaign: Campaign | None, failures_only: bool = False) -> Select[tuple[Notification]]:
    """The campaign's messages (every message when campaign is None: account emails too), newest first; with
    failures_only, those whose last try failed."""
    query = select(Notification)
    if campaign is not None:
        query = query.where(Notification.campaign_id == campaign.id)
    if failures_only:
        query = query.where(Notification.status.in_(FAILED))
    return query.order_by(Notification.created_at.desc(), Notification.id.desc())


def page_of_messages(campaign: Campaign | None, failures_only: bool, page: int) -> Pagination:
    """One page of campaign_messages, for the campaign's emails page or (campaign None) the service's."""
    return db.paginate(
        campaign_messages(campaign, failures_only=failures_only), page=page, per_page=PAGE_SIZE, error_out=False
    )


def counts(campaign: Campaign | None) -> MessageCounts:
    """How many of the campaign's messages (every message when campaign is None) are sent, waiting or given up."""
    query = select(Notification.status, func.count(Notification.id)).group_by(Notification.status)
    if campaign is not None:
        query = query.where(Notification.campaign_id == campaign.id)
    rows = db.session.execute(query)
    by_status: dict[str, int] = {row[0]: row[1] for row in rows}
    return MessageCounts(
        total=sum(by_status.values()),
        sent=by_status.get(NotificationStatus.SENT, 0),
        waiting=sum(
            by_status.get(status, 0)
            for status in (NotificationStatus.QUEUED, NotificationStatus.SENDING, NotificationStatus.FAILED)
        ),
        not_sent=by_status.get(NotificationStatus.PERMANENTLY_FAILED, 0),
    )


def message_for_admin(campaign: Campaign | None, message_id: int) -> Notification | None:
    """One of the campaign's messages (any message when campaign is None); None for another campaign's or none at
    all."""
    message = db.session.get(Notification, message_id)
    if message is None or (campaign is not None and message.campaign_id != campaign.id):
        return None
    return message


@unit_of_work(NOT_RESENDABLE)
def resend(actor: User, message: Notification) -> None:
    """Try a failed message again now, from its first try: the same row, so it is still sent at most once more."""
    before = {"status": message.status, "attempts": message.attempts, "last_error": message.last_error}
    now = utcnow()
    # Guarded by its status, so a message a sender has just claimed (or sent) is not put back in the queue.
    changed = db.session.execute(
        update(Notification)
        .where(Notification.id == message.id, Notification.status.in_(FAILED))
        .values(status=NotificationStatus.QUEUED, attempts=0, next_attempt_at=now, last_error=None, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if changed != 1:
        raise Refused(NOT_RESENDABLE)
    db.session.refresh(message)
    audit.record(
        "notification.resent",
        "notification",
        message.id,
        before=before,
        after={"status": message.status, "template": message.template},
        actor=actor,
    )
    after_commit("notifications.deliver", deliver_after_commit)


def development_mail_query() -> Select[tuple[DevelopmentEmail]]:
    """The development outbox, newest first."""
    return select(DevelopmentEmail).order_by(DevelopmentEmail.created_at.desc(), DevelopmentEmail.id.desc())
