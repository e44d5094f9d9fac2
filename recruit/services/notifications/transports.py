"""How a message leaves Recruit: GOV.UK Notify (NOTIFY_API_KEY), an SMTP server (MAIL_SERVER), or, in development
only, the development outbox (a table admins read at /admin/development-mail). The first one configured is used.

A transport's `send` returns the provider's reference for the message or raises DeliveryFailed with a reason an
admin can act on and whether trying again could help. Reasons never carry the message's body (it holds sign-in
links); they name the setting to check where a setting is the likely cause.
"""

from __future__ import annotations

import smtplib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from types import TracebackType
from typing import Any

from email_validator import EmailNotValidError, validate_email

from recruit.extensions import db
from recruit.models import DevelopmentEmail
from recruit.services.unit_of_work import unit_of_work

REASON_LIMIT = 500


@dataclass(frozen=True)
class Email:
    """A claimed message, as the sender hands it to a transport."""

    reference: str  # ours, unique per message: Notify keeps it with the notification
    recipient: str
    template: str
    subject: str
    body: str
    personalisation: Mapping[str, Any]


class DeliveryFailed(Exception):
    def __init__(self, reason: str, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason[:REASON_LIMIT]
        self.permanent = permanent


class Transport:
    """Opened for a batch of messages (`with transport:`), closed after it."""

    name = ""

    def __enter__(self) -> Transport:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Let go of any connection."""

    def send(self, email: Email) -> str:
        raise NotImplementedError


def kind(config: Mapping[str, Any]) -> str | None:
    """Which transport the configuration selects: "notify", "smtp", "development", or None for none."""
    if config.get("NOTIFY_API_KEY"):
        return "notify"
    if config.get("MAIL_SERVER"):
        return "smtp"
    if config.get("DEVELOPMENT_OUTBOX"):
        return "development"
    return None


def transport_for(config: Mapping[str, Any]) -> Transport | None:
    chosen = kind(config)
    if chosen == "notify":
        return NotifyTransport(
            config["NOTIFY_API_KEY"],
            base_url=config.get("NOTIFY_BASE_URL"),
            template_id=config.get("NOTIFY_TEMPLATE_ID"),
            templates=config.get("NOTIFY_TEMPLATES") or {},
            timeout=config.get("NOTIFY_TIMEOUT", 30),
        )
    if chosen == "smtp":
        return SmtpTransport(
            config["MAIL_SERVER"],
            config["MAIL_PORT"],
            use_tls=config["MAIL_USE_TLS"],
            username=config.get("MAIL_USERNAME"),
            password=config.get("MAIL_PASSWORD"),
            sender=config["MAIL_FROM"],
            timeout=config.get("MAIL_TIMEOUT", 10),
        )
    if chosen == "development":
        return DevelopmentTransport()
    return None


def check_notify_settings(config: Mapping[str, Any]) -> None:
    """At start-up: a Notify key that cannot be right, or a Notify key with no template to send through, stops the
    app with the setting to fix (rather than every message failing later)."""
    key = config.get("NOTIFY_API_KEY")
    if not key:
        return
    # A Notify API key is its name, the service id (a UUID) and the secret (a UUID), joined by hyphens.
    if len(key) < 74 or key[-37] != "-" or _not_uuid(key[-73:-37]) or _not_uuid(key[-36:]):
        raise RuntimeError(
            "NOTIFY_API_KEY is not a GOV.UK Notify API key: copy the whole key from Notify's API integration page."
        )
    if not config.get("NOTIFY_TEMPLATE_ID") and not config.get("NOTIFY_TEMPLATES"):
        raise RuntimeError(
            "NOTIFY_API_KEY is set but no template is: set NOTIFY_TEMPLATE_ID to the id of a Notify email template "
            "whose subject is ((subject)) and whose message is ((body)) (see the README)."
        )


def _not_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return True
    return False


# ---------------------------------------------------------------------------------------------- GOV.UK Notify


class NotifyTransport(Transport):
    """GOV.UK Notify through its official client: one email template whose subject is ((subject)) and whose
    message is ((body)) (NOTIFY_TEMPLATE_ID), or a template of a message's own (NOTIFY_TEMPLATES, by name) given the
    message's fields as personalisation."""

    name = "GOV.UK Notify"

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str | None,
        template_id: str | None,
        templates: Mapping[str, str],
        timeout: float,
    ) -> None:
        from notifications_python_client.notifications import NotificationsAPIClient

        options: dict[str, Any] = {"timeout": timeout}
        if base_url:
            options["base_url"] = base_url
        self.client = NotificationsAPIClient(api_key, **options)  # type: ignore[no-untyped-call]
        self.template_id = template_id
        self.templates = templates
        self.timeout = timeout

    def send(self, email: Email) -> str:
        from notifications_python_client.errors import APIError

        own = self.templates.get(email.template)
        if own:
            template_id, personalisation = own, dict(email.personalisation)
        elif self.template_id:
            template_id, personalisation = self.template_id, {"subject": email.subject, "body": email.body}
        else:
            raise DeliveryFailed(
                f"No GOV.UK Notify template is set for this message: set NOTIFY_TEMPLATE_ID, or NOTIFY_TEMPLATES "
                f"for {email.template}.",
                permanent=False,
            )
        try:
            response = self.client.send_email_notification(  # type: ignore[no-untyped-call]
                email_address=email.recipient,
                template_id=template_id,
                personalisation=personalisation,
                reference=email.reference,
            )
        except APIError as error:
            raise self._failure(error) from None
        return str((response or {}).get("id") or "")

    def _failure(self, error: Any) -> DeliveryFailed:
        if error.response is None:
            # The client turns a connection that failed or timed out into a 503 with no response.
            cause = error.__cause__
            if "Timeout" in type(cause).__name__:
                return DeliveryFailed(f"GOV.UK Notify did not answer within {_seconds(self.timeout)}.", False)
            return DeliveryFailed(f"Could not connect to GOV.UK Notify ({type(cause).__name__}).", False)
        status = error.status_code
        said = _notify_messages(error)
        if status == 400:
            return DeliveryFailed(f"GOV.UK Notify refused the message (400): {said}", True)
        if status == 403:
            return DeliveryFailed(
                f"GOV.UK Notify refused the API key (403): {said} Check NOTIFY_API_KEY; messages are tried again.",
                False,
            )
        if status == 429:
            return DeliveryFailed(f"GOV.UK Notify's rate limit was reached (429): {said}", False)
        if status >= 500:
            return DeliveryFailed(f"GOV.UK Notify had a problem ({status}): {said}", False)
        return DeliveryFailed(f"GOV.UK Notify refused the message ({status}): {said}", True)


def _notify_messages(error: Any) -> str:
    """Notify's own words for an error: {"errors": [{"error": ..., "message": ...}], ...}."""
    said = error.message
    if isinstance(said, list):
        said = "; ".join(str(item.get("message", item)) if isinstance(item, dict) else str(item) for item in said)
    text = str(said).strip()
    return text if text.endswith(".") else text + "."


# ---------------------------------------------------------------------------------------------- SMTP


class SmtpTransport(Transport):
    """An SMTP server (a council's relay, say): one connection for a batch, opened on the first message."""

    name = "SMTP"

    def __init__(
        self,
        host: str,
        port: int,
        *,
        use_tls: bool,
        username: str | None,
        password: str | None,
        sender: str,
        timeout: float,
    ) -> None:
        self.host, self.port, self.use_tls = host, port, use_tls
        self.username, self.password, self.sender, self.timeout = username, password, sender, timeout
        self.smtp: smtplib.SMTP | None = None

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    def _connect(self) -> smtplib.SMTP:
        if self.smtp is not None:
            return self.smtp
        try:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        except (TimeoutError, smtplib.SMTPServerDisconnected) as error:
            # smtplib reports a greeting that never came as a connection closed with "timed out".
            if isinstance(error, TimeoutError) or "timed out" in str(error):
                raise DeliveryFailed(
                    f"The mail server at {self.where} did not answer within {_seconds(self.timeout)}.", False
                ) from None
            raise DeliveryFailed(f"The mail server at {self.where} closed the connection.", False) from None
        except smtplib.SMTPException as error:
            raise DeliveryFailed(
                f"The mail server at {self.where} would not talk to us ({_smtp_said(error)}).", False
            ) from None
        except OSError as error:
            raise DeliveryFailed(
                f"Could not connect to the mail server at {self.where} ({error.strerror or type(error).__name__}).",
                False,
            ) from None
        try:
            if self.use_tls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password or "")
        except smtplib.SMTPAuthenticationError as error:
            smtp.close()
            raise DeliveryFailed(
                f"The mail server refused the user name or password ({_smtp_said(error)}). Check MAIL_USERNAME and "
                "MAIL_PASSWORD.",
                False,
            ) from None
        except (smtplib.SMTPException, OSError) as error:
            smtp.close()
            raise DeliveryFailed(
                f"Could not start a secure, signed-in session with the mail server ({_smtp_said(error)}). "
                "Check MAIL_USE_TLS, MAIL_USERNAME and MAIL_PASSWORD.",
                False,
            ) from None
        self.smtp = smtp
        return smtp

    def close(self) -> None:
        smtp, self.smtp = self.smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()

    def send(self, email: Email) -> str:
        try:
            validate_email(email.recipient, check_deliverability=False)
        except EmailNotValidError as error:
            raise DeliveryFailed(f"Not a valid email address: {error}", True) from None
        smtp = self._connect()
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = email.recipient
        message["Subject"] = email.subject
        # The id names our reference and the sender's domain (without one, make_msgid looks up this host's name).
        message["Message-ID"] = make_msgid(idstring=email.reference, domain=self.sender.rpartition("@")[2] or None)
        message.set_content(email.body)
        try:
            smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            [(code, said)] = list(error.recipients.values())[:1] or [(0, b"")]
            raise _refusal(code, f"The mail server refused the address ({code} {_text(said)}).") from None
        except smtplib.SMTPSenderRefused as error:
            raise DeliveryFailed(
                f"The mail server refused the sender address ({_smtp_said(error)}). Check MAIL_FROM.", False
            ) from None
        except smtplib.SMTPResponseException as error:
            raise _refusal(error.smtp_code, f"The mail server refused the message ({_smtp_said(error)}).") from None
        except (TimeoutError, smtplib.SMTPServerDisconnected) as error:
            self._drop()
            if isinstance(error, TimeoutError) or "timed out" in str(error):
                raise DeliveryFailed(
                    f"The mail server did not answer within {_seconds(self.timeout)}.", False
                ) from None
            raise DeliveryFailed("The mail server closed the connection.", False) from None
        except (smtplib.SMTPException, OSError) as error:
            self._drop()
            raise DeliveryFailed(f"Lost the connection to the mail server ({type(error).__name__}).", False) from None
        return str(message["Message-ID"])

    def _drop(self) -> None:
        smtp, self.smtp = self.smtp, None
        if smtp is not None:
            smtp.close()


def _seconds(amount: float) -> str:
    return "1 second" if amount == 1 else f"{amount:g} seconds"


def _refusal(code: int, reason: str) -> DeliveryFailed:
    # 5xx: the server will never take it (no such mailbox, say); 4xx: not now, try later.
    return DeliveryFailed(reason, permanent=500 <= code < 600)


def _text(said: bytes | str) -> str:
    return said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said)


def _smtp_said(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return type(error).__name__


# ---------------------------------------------------------------------------------------------- development


class DevelopmentTransport(Transport):
    """Development only: the message is kept in the development outbox for admins to read, links and all."""

    name = "the development outbox"

    def send(self, email: Email) -> str:
        with unit_of_work():
            kept = DevelopmentEmail(recipient=email.recipient, subject=email.subject, body=email.body)
            db.session.add(kept)
            db.session.flush()
        return f"development-{kept.id}"
