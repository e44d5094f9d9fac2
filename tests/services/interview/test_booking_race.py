"""Two candidates racing for the last interview time, each in a connection of its own as two gunicorn workers would
be: exactly one gets it, the other is told plainly. Runs on the database the suite runs on (a temporary SQLite file,
or a throwaway PostgreSQL database next to DATABASE_URL's), migrated as the app's own.

Both requests are held just before they write (after checking the time was free) until the other gets there too,
the worst interleaving the database allows, so the conditional UPDATE, not the check, has to settle it. On SQLite
the second request cannot start until the first commits (every transaction takes the write lock when it begins),
so the wait runs out there and the second sees the time taken."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import Application, Campaign, InterviewSlot, InterviewTime, User
from recruit.services.campaigns.stages import stage_record_to_change
from recruit.services.errors import Refused
from recruit.services.interview import booking
from tests import concurrency_support as concurrency

pytestmark = pytest.mark.slow

RACES = 3


@pytest.fixture(autouse=True)
def _transaction():
    """Replaces the suite's per-test transaction: this test works on its own database."""
    yield


@pytest.fixture(scope="module")
def world():
    with concurrency.throwaway_database() as url:
        plan = concurrency.prepare(url, writers=2, scores=12)
        app = concurrency.make_app(url)
        with app.app_context():
            applications = db.session.scalars(
                select(Application).where(Application.campaign_id == plan.campaign_id).order_by(Application.id)
            ).all()
            assert len(applications) >= 2
            for application in applications:
                application.status = "sift_passed"
            record = stage_record_to_change(applications[0].campaign, "sift")
            record.decision_rule, record.decided_at, record.signed_off_at = "all_passing", utcnow(), utcnow()
            db.session.commit()
            ids = [a.id for a in applications[:2]]
        yield app, plan, ids
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _publish(app, plan, days: int) -> int:
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.role == "admin"))
        campaign = db.session.get(Campaign, plan.campaign_id)
        time = booking.publish(
            admin,
            campaign,
            starts_at=utcnow() + timedelta(days=days),
            minutes=30,
            place="Room 2",
            video_link="",
        )
        time_id = time.id
        db.session.remove()
    return time_id


def _release_everything(app, ids):
    with app.app_context():
        for time in db.session.scalars(select(InterviewTime)):
            time.booked_application_id = None
        for slot in db.session.scalars(select(InterviewSlot).where(InterviewSlot.application_id.in_(ids))):
            db.session.delete(slot)
        db.session.commit()
        db.session.remove()


@pytest.mark.parametrize("race", range(RACES))
def test_two_candidates_racing_for_the_last_time_one_wins(world, monkeypatch, race):
    app, plan, ids = world
    _release_everything(app, ids)
    time_id = _publish(app, plan, days=10 + race)
    arrived = threading.Barrier(2)
    pause = concurrency.PAUSE[plan.dialect] / 10
    release = booking._release

    met: list[bool] = []

    def held_release(application):
        try:
            arrived.wait(timeout=pause)  # both past their checks, or the other cannot get there
            met.append(True)
        except threading.BrokenBarrierError:
            met.append(False)
        release(application)

    monkeypatch.setattr(booking, "_release", held_release)
    answers: dict[int, str] = {}

    def candidate(application_id: int) -> None:
        with app.app_context():
            application = db.session.get(Application, application_id)
            try:
                booking.book(application.candidate, application, time_id)
            except Refused as refusal:
                answers[application_id] = refusal.message
            else:
                answers[application_id] = "booked"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=candidate, args=(application_id,)) for application_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(answers.values()) == ["That time has just been taken. Choose another time.", "booked"]
    if plan.dialect == "postgresql":
        assert met == [True, True], "both requests should have checked the time was free before either wrote"
    winner = next(application_id for application_id, answer in answers.items() if answer == "booked")
    with app.app_context():
        assert db.session.get(InterviewTime, time_id).booked_application_id == winner
        slots = db.session.scalars(select(InterviewSlot).where(InterviewSlot.application_id.in_(ids))).all()
        assert [slot.application_id for slot in slots] == [winner]
        db.session.remove()
