"""Email notifications: the outbox every message is queued in (inside the unit of work of the event that causes
it), the message texts, the transports (GOV.UK Notify, SMTP, the development outbox) and the sender that delivers
them with retries.

    from recruit.services import notifications
    notifications.queue(f"password_reset:{digest}", user.email, "password_reset", link=link)
"""

from recruit.services.notifications.outbox import (
    MailNotConfigured,
    Message,
    configured,
    queue,
    queue_many,
    require_transport,
)

__all__ = ["MailNotConfigured", "Message", "configured", "queue", "queue_many", "require_transport"]
