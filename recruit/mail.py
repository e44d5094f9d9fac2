"""Sending email. With MAIL_SERVER set, through that SMTP server; otherwise, in development, into the development
outbox (a table admins read at /admin/development-mail); otherwise nothing is sent, and in production that is
an error (MailNotConfigured), never a message written to the log: emails carry sign-in links.

A later notifications outbox (GOV.UK Notify, SMTP, retries) is meant to replace the development outbox.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import Select, select

from recruit.extensions import db
from recruit.models import DevelopmentEmail
from recruit.services.unit_of_work import unit_of_work


class MailNotConfigured(RuntimeError):
    """Production has no way to send email, so a message that must be sent cannot be."""

    def __init__(self) -> None:
        super().__init__(
            "Email cannot be sent: no mail server is set up. Set MAIL_SERVER (and MAIL_PORT, "
            "MAIL_USERNAME, MAIL_PASSWORD, MAIL_FROM) for the service."
        )


def _development_outbox() -> bool:
    return bool(current_app.config.get("DEVELOPMENT_OUTBOX"))


def mail_configured() -> bool:
    """True when emails reach someone: an SMTP server, or the development outbox."""
    return bool(current_app.config.get("MAIL_SERVER")) or _development_outbox()


def require_mail() -> None:
    """In production, refuse to go on with something whose email cannot be sent; elsewhere carry on without it."""
    if not mail_configured() and current_app.config["RECRUIT_ENV"] == "production":
        raise MailNotConfigured()


def send(to: str, subject: str, body: str) -> bool:
    """Send a plain-text email; False when there is nowhere to send it (outside production) or sending failed."""
    return send_many([(to, subject, body)]) == 1


def send_many(messages: list[tuple[str, str, str]]) -> int:
    """Send plain-text emails (to, subject, body); returns how many were sent. Bodies never go to a log."""
    if not messages:
        return 0
    if current_app.config.get("MAIL_SERVER"):
        return _send_smtp(messages)
    if _development_outbox():
        with unit_of_work():
            db.session.add_all(
                DevelopmentEmail(recipient=to, subject=subject, body=body) for to, subject, body in messages
            )
        return len(messages)
    require_mail()
    return 0


def development_mail_query() -> Select[tuple[DevelopmentEmail]]:
    """The development outbox, newest first."""
    return select(DevelopmentEmail).order_by(DevelopmentEmail.created_at.desc(), DevelopmentEmail.id.desc())


def _send_smtp(messages: list[tuple[str, str, str]]) -> int:
    config = current_app.config
    sent = 0
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            for to, subject, body in messages:
                message = EmailMessage()
                message["From"] = config["MAIL_FROM"]
                message["To"] = to
                message["Subject"] = subject
                message.set_content(body)
                smtp.send_message(message)
                sent += 1
    except (OSError, smtplib.SMTPException):
        current_app.logger.exception("Could not send %d of %d emails", len(messages) - sent, len(messages))
    return sent
