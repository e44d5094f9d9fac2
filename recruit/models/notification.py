"""The notifications outbox: every email Recruit sends is first a row here, written in the same transaction as
the event that causes it, then delivered by a sender (recruit/services/notifications/sender.py).

One row per (event, recipient): the unique key means a second queueing of the same event, a retry or a second
sender never makes a second message. The subject and body are rendered when the message is queued, so what is
sent is what the event said at the time, whenever the provider takes it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from recruit.clock import utcnow
from recruit.extensions import Model
from recruit.models.types import Status, UTCDateTime, check_in


class NotificationStatus(Status):
    QUEUED = "queued"  # waiting for its first try (or for a try an admin asked for)
    SENDING = "sending"  # a sender has claimed it and is handing it to the provider
    SENT = "sent"  # the provider accepted it
    FAILED = "failed"  # the last try failed for a reason that may pass; tried again at next_attempt_at
    PERMANENTLY_FAILED = "permanently_failed"  # will not be tried again unless an admin resends it


# The statuses a sender may claim a message in (when its next_attempt_at has come).
CLAIMABLE = (NotificationStatus.QUEUED, NotificationStatus.FAILED)


class Notification(Model):
    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("event_key", "recipient"),
        Index("ix_notifications_due", "status", "next_attempt_at"),
        check_in("status", NotificationStatus),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # What caused the message ("password_reset:<token digest>", "sift_released:<application id>", ...).
    event_key: Mapped[str] = mapped_column(String(200))
    recipient: Mapped[str] = mapped_column(String(254))
    # The message's template under recruit/templates/notifications/ (and its Notify template, if configured).
    template: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # The fields the template was rendered with, for a Notify template of the message's own.
    personalisation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The campaign the message is about, for its admins' view of messages and failures.
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=NotificationStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The provider's id for the message (Notify's notification id, or the SMTP server's queue id).
    provider_reference: Mapped[str | None] = mapped_column(String(200))
    # Why the last try failed, in words an admin can act on; never the message's body.
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    sending_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_sent(self) -> bool:
        return self.status == NotificationStatus.SENT

    @property
    def may_resend(self) -> bool:
        """Whether an admin may ask for it to be tried again: only once it has failed."""
        return self.status in (NotificationStatus.FAILED, NotificationStatus.PERMANENTLY_FAILED)
