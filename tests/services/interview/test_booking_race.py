"""Two candidates racing for the last interview time, each posting the real page's form in a browser session and a
database connection of its own, as two gunicorn workers would serve them: exactly one gets it, the other is told
plainly and shown the times left. Runs on the database the suite runs on (a temporary SQLite file,
or a throwaway PostgreSQL database next to DATABASE_URL's), migrated as the app's own.

Both requests are held just before they write (after checking the time was free) until the other gets there too,
the worst interleaving the database allows, so the conditional UPDATE, not the check, has to settle it. On SQLite
the second request cannot start until the first commits (every transaction takes the write lock when it begins),
so the wait runs out there and the second sees the time taken."""

import threading
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import Application, Campaign, InterviewSlot, InterviewTime, User
from recruit.services.accounts.passwords import hash_password
from recruit.services.campaigns.stages import stage_record_to_change
from recruit.services.interview import booking
from tests import concurrency_support as concurrency
from tests.factories import PASSWORD

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
            for application in applications[:2]:
                application.candidate.password_hash = hash_password(PASSWORD)
            record = stage_record_to_change(applications[0].campaign, "sift")
            record.decision_rule, record.decided_at, record.signed_off_at = "all_passing", utcnow(), utcnow()
            record.released_at = utcnow()
            db.session.commit()
            ids = [a.id for a in applications[:2]]
            emails = [a.candidate.email for a in applications[:2]]
            references = [a.reference for a in applications[:2]]
            db.session.remove()
        clients = {}
        for application_id, email, reference in zip(ids, emails, references, strict=True):
            client = app.test_client()
            token = _csrf(client.get("/sign-in").get_data(as_text=True))
            response = client.post("/sign-in", data={"csrf_token": token, "email": email, "password": PASSWORD})
            assert response.status_code == 302, "the candidate could not sign in"
            clients[application_id] = (client, f"/applications/{reference}/interview-times")
        yield app, plan, ids, clients
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _csrf(html: str) -> str:
    return BeautifulSoup(html, "html.parser").select_one("input[name=csrf_token]")["value"]


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
            db.session.delete(time)
        for slot in db.session.scalars(select(InterviewSlot).where(InterviewSlot.application_id.in_(ids))):
            db.session.delete(slot)
        db.session.commit()
        db.session.remove()


@pytest.mark.parametrize("race", range(RACES))
def test_two_candidates_racing_for_the_last_time_one_wins(world, monkeypatch, race):
    app, plan, ids, clients = world
    _release_everything(app, ids)
    time_id = _publish(app, plan, days=10 + race)
    spare_id = _publish(app, plan, days=20 + race)
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
    left: dict[int, list[str]] = {}
    # Both pages are loaded while the time is free, as two candidates would have them open.
    pages = {i: _csrf(clients[i][0].get(clients[i][1]).get_data(as_text=True)) for i in ids}

    def candidate(application_id: int) -> None:
        client, path = clients[application_id]
        response = client.post(path, data={"csrf_token": pages[application_id], "time": str(time_id)})
        if response.status_code == 302:
            answers[application_id] = "booked"
            return
        soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        answers[application_id] = " ".join(a.get_text(strip=True) for a in soup.select(".govuk-error-summary__list a"))
        left[application_id] = [radio["value"] for radio in soup.select("input[name=time]")]

    threads = [threading.Thread(target=candidate, args=(application_id,)) for application_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(answers.values()) == ["That time has just been taken. Choose another time.", "booked"]
    if plan.dialect == "postgresql":
        assert met == [True, True], "both requests should have checked the time was free before either wrote"
    winner = next(application_id for application_id, answer in answers.items() if answer == "booked")
    assert list(left.values()) == [[str(spare_id)]]  # the loser is shown what is left
    with app.app_context():
        assert db.session.get(InterviewTime, time_id).booked_application_id == winner
        slots = db.session.scalars(select(InterviewSlot).where(InterviewSlot.application_id.in_(ids))).all()
        assert [slot.application_id for slot in slots] == [winner]
        db.session.remove()
