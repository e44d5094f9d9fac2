"""Sending through a real SMTP server, in-process (aiosmtpd): delivery, a refused recipient, an invalid address,
a server that is down or does not answer, and the sender's command."""

import socket
from datetime import timedelta

from sqlalchemy import select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import Notification
from recruit.services import notifications
from recruit.services.notifications import sender
from recruit.services.unit_of_work import unit_of_work
from tests.notification_support import free_port

LINK = "https://recruit.example.org/set-password/abc"


def queue(to="ann@example.org", event="test:1"):
    with unit_of_work():
        notifications.queue(event, to, "password_reset", link=LINK)


def message():
    db.session.expire_all()
    return db.session.scalars(select(Notification)).one()


def test_a_queued_message_is_delivered_through_the_mail_server(smtp):
    queue()

    outcome = sender.send_due()

    assert (outcome.claimed, outcome.sent) == (1, 1)
    [received] = smtp.messages
    assert received["To"] == "ann@example.org"
    assert received["From"] == "recruit@example.org"
    assert received["Subject"] == "Reset your Recruit password"
    assert LINK in received.get_content().split()
    sent = message()
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 1, None)
    assert sent.provider_reference == received["Message-ID"].strip()
    assert sent.provider_reference.endswith(f".recruit-notification-{sent.id}@example.org>")
    assert sent.sent_at is not None
    # Sending again sends nothing more.
    assert sender.send_due().claimed == 0
    assert len(smtp.messages) == 1


def test_a_recipient_the_server_refuses_is_given_up_at_once(smtp):
    smtp.refuse.add("gone@example.org")
    queue(to="gone@example.org")

    outcome = sender.send_due()

    assert (outcome.sent, outcome.given_up) == (0, 1)
    failed = message()
    assert (failed.status, failed.attempts) == ("permanently_failed", 1)
    assert failed.last_error == "The mail server refused the address (550 5.1.1 No such mailbox here)."
    assert smtp.messages == []


def test_an_invalid_address_is_given_up_at_once(smtp):
    queue(to="ann.example.org")

    sender.send_due()

    failed = message()
    assert failed.status == "permanently_failed"
    assert failed.last_error.startswith("Not a valid email address: ")
    assert smtp.messages == []


def test_a_mail_server_that_is_down_is_tried_again_later_and_the_message_goes(app, smtp, monkeypatch, time_machine):
    port = free_port()
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    queue()
    time_machine.move_to(utcnow(), tick=False)

    outcome = sender.send_due()

    assert (outcome.sent, outcome.failed) == (0, 1)
    failed = message()
    assert failed.status == "failed"
    assert failed.last_error == f"Could not connect to the mail server at 127.0.0.1:{port} (Connection refused)."
    assert failed.next_attempt_at == utcnow() + timedelta(seconds=30)
    assert sender.send_due().claimed == 0, "not tried again before its time"

    monkeypatch.setitem(app.config, "MAIL_PORT", smtp.port)
    time_machine.move_to(utcnow() + timedelta(seconds=30), tick=False)
    assert sender.send_due().sent == 1
    sent = message()
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 2, None)
    assert len(smtp.messages) == 1


def test_a_mail_server_that_does_not_answer_is_a_timeout_tried_again(app, smtp, monkeypatch):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # connections are taken, and never answered
    port = silent.getsockname()[1]
    try:
        monkeypatch.setitem(app.config, "MAIL_PORT", port)
        monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 1)
        queue()
        sender.send_due()
    finally:
        silent.close()

    failed = message()
    assert failed.status == "failed"
    assert failed.last_error == f"The mail server at 127.0.0.1:{port} did not answer within 1 second."


def test_the_send_command_sends_what_is_due_and_stops(runner, smtp):
    queue()
    queue(to="bob@example.org", event="test:2")

    result = runner.invoke(args=["notifications", "send", "--once"])

    assert result.exit_code == 0, result.output
    assert "2 sent, 0 to be tried again, 0 not sent" in result.output
    assert sorted(m["To"] for m in smtp.messages) == ["ann@example.org", "bob@example.org"]


def test_the_send_command_says_when_there_is_no_way_to_send(runner):
    result = runner.invoke(args=["notifications", "send", "--once"])

    assert result.exit_code == 2
    assert "set NOTIFY_API_KEY (GOV.UK Notify) or MAIL_SERVER (SMTP)" in result.output
