"""The sender's rules: the back-off between tries, and a message whose sender stopped part way."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import Notification
from recruit.services import notifications
from recruit.services.notifications import sender
from recruit.services.unit_of_work import unit_of_work


@pytest.mark.parametrize("attempts, seconds", [(1, 30), (2, 60), (3, 120), (9, 7680), (10, 4 * 3600), (30, 4 * 3600)])
def test_each_retry_waits_twice_as_long_up_to_the_limit(app, attempts, seconds):
    assert sender.retry_delay(attempts) == timedelta(seconds=seconds)


def test_a_message_left_sending_by_a_stopped_sender_is_not_sent_again_but_shown_as_not_sent(smtp):
    with unit_of_work():
        notifications.queue("test:1", "ann@example.org", "password_reset", link="https://x.example/")
    [claimed] = sender.claim(10)
    with unit_of_work():
        db.session.execute(
            update(Notification).values(sending_started_at=utcnow() - timedelta(minutes=16))
        )  # the sender that claimed it stopped 16 minutes ago

    assert sender.send_due().claimed == 0

    db.session.expire_all()
    stalled = db.session.scalars(select(Notification)).one()
    assert (stalled.status, stalled.attempts) == ("permanently_failed", 1)
    assert stalled.last_error == sender.STALLED
    assert smtp.messages == []


def test_a_message_being_sent_now_is_left_alone(smtp):
    with unit_of_work():
        notifications.queue("test:1", "ann@example.org", "password_reset", link="https://x.example/")
    sender.claim(10)

    assert sender.send_due().claimed == 0
    db.session.expire_all()
    assert db.session.scalars(select(Notification.status)).one() == "sending"
