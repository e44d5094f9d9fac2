"""Sending through GOV.UK Notify's own client, pointed at a local stand-in that checks each request is what
Notify expects: the path, the JSON body, and a JWT signed with the API key's secret, issued by its service. Then
what Notify can answer: a 500 (tried again), a 400 for an invalid address (given up at once), a rejected API key,
no answer in time, no connection."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from recruit import create_app
from recruit.clock import utcnow
from recruit.config import TestConfig
from recruit.extensions import db
from recruit.models import Notification
from recruit.services import notifications
from recruit.services.notifications import sender
from recruit.services.unit_of_work import unit_of_work
from tests.notification_support import API_KEY, BAD_KEY, INVALID_ADDRESS, SERVER_ERROR, TEMPLATE_ID, free_port

LINK = "https://recruit.example.org/set-password/abc"


def queue(to="ann@example.org"):
    with unit_of_work():
        notifications.queue("test:1", to, "password_reset", link=LINK)


def message():
    db.session.expire_all()
    return db.session.scalars(select(Notification)).one()


def test_a_message_goes_to_notify_as_notify_expects(notify):
    queue()

    outcome = sender.send_due()

    assert outcome.sent == 1
    assert notify.problems == []
    [request] = notify.requests
    sent = message()
    assert request.get_json() == {
        "email_address": "ann@example.org",
        "template_id": TEMPLATE_ID,
        "personalisation": {"subject": "Reset your Recruit password", "body": sent.body},
        "reference": f"recruit-notification-{sent.id}",
    }
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 1, None)
    assert uuid.UUID(sent.provider_reference)  # Notify's id for the notification


def test_a_message_with_a_notify_template_of_its_own_sends_its_fields(app, notify, monkeypatch):
    own = str(uuid.uuid4())
    monkeypatch.setitem(app.config, "NOTIFY_TEMPLATES", {"password_reset": own})
    queue()

    sender.send_due()

    assert notify.problems == []
    [request] = notify.requests
    assert request.get_json()["template_id"] == own
    assert request.get_json()["personalisation"] == {
        "link": LINK,
        "service_name": "Recruit",
        "org_name": "Recruit demonstration organisation",
    }


def test_after_a_notify_500_the_message_is_tried_again_and_sent(notify, time_machine):
    notify.answer(500, SERVER_ERROR)
    notify.answer(201, None)
    queue()
    time_machine.move_to(utcnow(), tick=False)

    assert sender.send_due().failed == 1
    failed = message()
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert failed.last_error == "GOV.UK Notify had a problem (500): Internal server error."
    assert failed.next_attempt_at == utcnow() + timedelta(seconds=30)

    time_machine.move_to(utcnow() + timedelta(seconds=30), tick=False)
    assert sender.send_due().sent == 1
    sent = message()
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 2, None)
    assert len(notify.requests) == 2
    assert notify.problems == []


def test_an_address_notify_calls_invalid_is_given_up_at_once(notify):
    notify.answer(400, INVALID_ADDRESS)
    queue(to="ann@example")

    assert sender.send_due().given_up == 1

    failed = message()
    assert (failed.status, failed.attempts) == ("permanently_failed", 1)
    assert failed.last_error == "GOV.UK Notify refused the message (400): email_address Not a valid email address."
    assert sender.send_due().claimed == 0


def test_a_rejected_api_key_is_recorded_plainly_and_tried_again(notify):
    notify.answer(403, BAD_KEY)
    queue()

    sender.send_due()

    failed = message()
    assert failed.status == "failed"
    assert failed.last_error == (
        "GOV.UK Notify refused the API key (403): Invalid token: API key not found. "
        "Check NOTIFY_API_KEY; messages are tried again."
    )
    assert API_KEY not in failed.last_error


def test_no_answer_from_notify_in_time_is_a_timeout_tried_again(notify):
    notify.delay = 1.5  # the client waits 1 second
    queue()

    sender.send_due()

    failed = message()
    assert (failed.status, failed.last_error) == ("failed", "GOV.UK Notify did not answer within 1 second.")


def test_notify_out_of_reach_is_tried_again(app, notify, monkeypatch):
    monkeypatch.setitem(app.config, "NOTIFY_BASE_URL", f"http://127.0.0.1:{free_port()}")
    queue()

    sender.send_due()

    failed = message()
    assert (failed.status, failed.last_error) == ("failed", "Could not connect to GOV.UK Notify (ConnectionError).")


def test_after_the_last_try_the_message_is_given_up_with_the_reason(app, notify, monkeypatch, time_machine):
    monkeypatch.setitem(app.config, "NOTIFICATIONS_MAX_ATTEMPTS", 2)
    notify.answer(500, SERVER_ERROR)
    queue()
    time_machine.move_to(utcnow(), tick=False)

    sender.send_due()
    time_machine.move_to(utcnow() + timedelta(seconds=30), tick=False)
    assert sender.send_due().given_up == 1

    failed = message()
    assert (failed.status, failed.attempts) == ("permanently_failed", 2)
    assert failed.last_error == "GOV.UK Notify had a problem (500): Internal server error. Given up after 2 tries."


@pytest.mark.parametrize(
    "settings, problem",
    [
        ({"NOTIFY_API_KEY": "not-a-key", "NOTIFY_TEMPLATE_ID": TEMPLATE_ID}, "NOTIFY_API_KEY is not a GOV.UK Notify"),
        ({"NOTIFY_API_KEY": API_KEY}, "no template is: set NOTIFY_TEMPLATE_ID"),
    ],
    ids=["malformed key", "no template"],
)
def test_notify_settings_that_cannot_work_stop_the_app_at_start_up(settings, problem):
    with pytest.raises(RuntimeError, match=problem):
        create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://", **settings)
