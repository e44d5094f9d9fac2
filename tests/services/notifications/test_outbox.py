"""Queueing: a message is a row written in the event's own transaction, rendered from its template when queued,
once per (event, recipient); then handed on after the commit, and never when the event rolls back."""

import pytest
from sqlalchemy import func, select

from recruit.extensions import db
from recruit.models import DevelopmentEmail, Notification, UserToken
from recruit.services import notifications
from recruit.services.accounts import account_changes as accounts
from recruit.services.notifications import jobs
from recruit.services.unit_of_work import unit_of_work

LINK = "https://recruit.example.org/set-password/abc"


def queue(event="test:1", to="ann@example.org", template="password_reset", **fields):
    with unit_of_work():
        return notifications.queue(event, to, template, **{"link": LINK, **fields})


def messages():
    db.session.expire_all()
    return db.session.scalars(select(Notification).order_by(Notification.id)).all()


def test_a_message_is_rendered_from_its_template_with_the_service_and_organisation_names(app, monkeypatch):
    monkeypatch.setitem(app.config, "SERVICE_NAME", "Jobs at Example")
    monkeypatch.setitem(app.config, "ORG_NAME", "Example Council")

    assert queue() is True

    [message] = messages()
    assert (message.recipient, message.template, message.event_key) == ("ann@example.org", "password_reset", "test:1")
    assert message.subject == "Reset your Jobs at Example password"
    assert LINK in message.body.split()
    assert "Jobs at Example, Example Council" in message.body
    assert message.status == "queued"
    assert (message.attempts, message.provider_reference, message.last_error) == (0, None, None)
    assert message.personalisation == {"link": LINK, "service_name": "Jobs at Example", "org_name": "Example Council"}


def test_the_same_event_queued_twice_for_one_person_is_one_message():
    assert queue() is True
    assert queue() is False
    assert queue(to="bob@example.org") is True

    assert [(m.event_key, m.recipient) for m in messages()] == [
        ("test:1", "ann@example.org"),
        ("test:1", "bob@example.org"),
    ]


def test_a_rolled_back_event_leaves_no_message(make_user, outbox):
    make_user(email="sam@example.org")
    with pytest.raises(RuntimeError, match="the event failed"), unit_of_work():
        # The reset's token, its audit entry and its email join this unit, which then fails.
        assert accounts.request_password_reset("sam@example.org") is not None
        raise RuntimeError("the event failed")

    assert messages() == []
    assert db.session.scalar(select(func.count(UserToken.id))) == 0
    assert db.session.scalar(select(func.count(DevelopmentEmail.id))) == 0


def test_a_committed_event_sends_its_message_after_the_commit(make_user, outbox):
    make_user(email="sam@example.org")
    accounts.request_password_reset("sam@example.org")

    [message] = messages()
    [kept] = outbox.messages("sam@example.org")
    assert (message.status, message.attempts, message.provider_reference) == ("sent", 1, f"development-{kept.id}")
    assert kept.subject == message.subject == "Reset your Recruit password"
    assert kept.body == message.body


def test_messages_are_queued_only_inside_the_events_unit_of_work():
    with pytest.raises(RuntimeError, match="inside the unit of work"):
        notifications.queue("test:1", "ann@example.org", "password_reset", link=LINK)
    assert messages() == []


def test_an_unknown_template_is_a_fault_not_a_message():
    with pytest.raises(ValueError, match="not a message template name"):
        queue(template="../base")
    assert messages() == []


def test_in_production_with_no_way_to_send_a_link_the_person_needs_now_is_refused_loudly(app, monkeypatch):
    monkeypatch.setitem(app.config, "RECRUIT_ENV", "production")
    monkeypatch.setitem(app.config, "DEVELOPMENT_OUTBOX", False)

    assert notifications.configured() is False
    with pytest.raises(notifications.MailNotConfigured, match="NOTIFY_API_KEY"):
        queue(needed_now=True)
    assert messages() == []


def test_in_production_with_no_way_to_send_other_messages_wait_without_holding_up_their_event(app, monkeypatch):
    monkeypatch.setitem(app.config, "RECRUIT_ENV", "production")
    monkeypatch.setitem(app.config, "DEVELOPMENT_OUTBOX", False)

    queue()
    assert [message.status for message in messages()] == ["queued"]


def test_with_redis_the_commit_hands_the_messages_to_the_worker_once(app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:6379/15")
    woken = []
    monkeypatch.setattr(jobs, "enqueue", lambda: woken.append(len(messages())))

    with unit_of_work():
        notifications.queue("test:1", "ann@example.org", "password_reset", link=LINK)
        notifications.queue("test:2", "bob@example.org", "password_reset", link=LINK)
        assert woken == []
    assert woken == [2]  # once, after the commit, with both messages there

    with pytest.raises(RuntimeError), unit_of_work():
        notifications.queue("test:3", "cat@example.org", "password_reset", link=LINK)
        raise RuntimeError
    assert woken == [2]


def test_an_unreachable_redis_does_not_fail_the_event(app, monkeypatch, caplog):
    from tests.notification_support import free_port

    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")

    assert queue() is True  # the event is committed whatever happens to the wake-up

    [message] = messages()
    assert message.status == "queued"
    assert "the sender will send them later" in caplog.text
