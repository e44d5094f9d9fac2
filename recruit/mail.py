"""Sending email through the configured SMTP server. Without one, nothing is sent and callers say so."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def send(to: str, subject: str, body: str) -> bool:
    """Send a plain-text email; False when no mail server is configured or sending failed."""
    return send_many([(to, subject, body)]) == 1


def send_many(messages: list[tuple[str, str, str]]) -> int:
    """Send plain-text emails (to, subject, body) over one connection; returns how many were sent."""
    config = current_app.config
    if not mail_configured() or not messages:
        return 0
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
