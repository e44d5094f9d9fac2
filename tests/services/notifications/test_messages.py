"""Each event's messages (services/notifications/messages.py): queued by the event in its own transaction, to the
right people, with the facts they need and no score or other person's name; none when the event is refused; and
each message delivered through a real SMTP server and through the Notify client."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from pypdf import PdfWriter
from sqlalchemy import select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import Notification, RenderedReport
from recruit.models.interview import OfferStatus
from recruit.services import notifications
from recruit.services.applications import submission
from recruit.services.assessment import agreement, feedback, results, scoring
from recruit.services.campaigns import setup as campaigns
from recruit.services.errors import Refused
from recruit.services.interview import booking, invitations, offers
from recruit.services.notifications import messages as events
from recruit.services.notifications import sender
from recruit.services.reports import versions
from recruit.services.unit_of_work import unit_of_work
from tests.factories import (
    UserFactory,
    interview_stage,
    offer_terms,
    open_campaign,
    score,
    sift_campaign,
    submitted_application,
)

BASE = "https://recruit.example.org"
TEMPLATES = Path(__file__).parents[3] / "recruit" / "templates" / "notifications"
# The messages this module sends (the account messages have tests of their own).
EVENT_TEMPLATES = sorted(
    {path.stem for path in TEMPLATES.glob("*.txt")}
    - {"already_registered", "claim_link", "confirm_registration", "password_reset", "staff_invitation"}
)
STAFF = {"panel_added", "stage_open", "scores_complete", "report_ready"}
SCORE_WORDS = re.compile(r"\b(scored?|marks?|points?|rank(ed|ing)?)\b", re.IGNORECASE)


@pytest.fixture(autouse=True)
def base_url(app, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", BASE)


def queued(prefix: str = "") -> list[Notification]:
    db.session.expire_all()
    rows = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    return [row for row in rows if row.event_key.startswith(prefix)]


def check_clean(message: Notification, names: list[str]) -> None:
    """No person's name, and, to a candidate, no talk of scores."""
    text = f"{message.subject}\n{message.body}"
    for name in names:
        assert name not in text, f"{message.template} names {name}"
    if message.template not in STAFF:
        assert not SCORE_WORDS.search(text), f"{message.template} talks of scores"
    assert "{{" not in text and "None" not in text


def people_of(setup) -> list[str]:
    return [person.name for person in setup.assessors] + [a.candidate.name for a in setup.applications]


# ---------------------------------------------------------------- staff


def test_people_added_to_a_panel_are_told_once_and_only_the_new_ones(make_user):
    admin = make_user(role="admin")
    campaign = open_campaign(admin)  # a sift panel of two
    first = queued("panel.added:")
    assert len(first) == 2
    for message in first:
        assert message.template == "panel_added"
        assert message.subject == f"You are on the sift panel for {campaign.title}"
        assert f"{BASE}/assess" in message.body
    panel = campaign.panel("sift")
    chair, kept = panel.chair, next(m.user for m in panel.members if not m.is_chair)
    newcomer = UserFactory(role="assessor", name="New Person")
    campaigns.set_panel(admin, campaign, "sift", chair, [kept, newcomer])

    added = queued("panel.added:")[2:]
    assert [m.recipient for m in added] == [newcomer.email]
    check_clean(added[0], [chair.name, kept.name, newcomer.name, admin.name])


def test_a_refused_panel_change_tells_nobody(make_user):
    admin = make_user(role="admin")
    campaign = open_campaign(admin)
    before = len(queued())
    outsider = UserFactory(role="candidate")
    with pytest.raises(Refused):
        campaigns.set_panel(admin, campaign, "sift", campaign.panel("sift").chair, [outsider])
    assert len(queued()) == before


def test_the_panel_is_told_when_the_sift_opens_for_scoring(make_user):
    setup = sift_campaign(make_user(role="admin"), applications=1, members=2)
    opened = queued("stage.open:")
    assert sorted(m.recipient for m in opened) == sorted(p.email for p in setup.assessors)
    for message in opened:
        assert message.subject == f"The sift for {setup.campaign.title} is open for scoring"
        assert message.campaign_id == setup.campaign.id
        check_clean(message, people_of(setup))


def test_the_chair_is_told_once_when_the_last_score_of_the_stage_is_in(make_user):
    setup = sift_campaign(make_user(role="admin"), applications=2, members=1)
    campaign = setup.campaign
    items = [(a, c) for a in setup.applications for c in campaign.criteria_at("sift")]
    for application, criterion in items:
        score(setup.chair, setup, application, criterion.code, 5)
    *first, (application, criterion) = items
    for early_application, early_criterion in first:
        score(setup.members[0], setup, early_application, early_criterion.code, 4)
    assert queued("scores.complete:") == []

    score(setup.members[0], setup, application, criterion.code, 6)
    [message] = queued("scores.complete:")
    assert message.recipient == setup.chair.email
    assert message.subject == f"All scores are in for the sift of {campaign.title}"
    assert f"{BASE}/moderate/{campaign.id}/sift" in message.body
    assert not re.search(r"\b[4-6]\b", re.sub(r"https://\S+", "", message.body))  # no score, outside its link
    check_clean(message, people_of(setup))

    # Changing a submitted score afterwards does not tell the chair again.
    score(setup.members[0], setup, application, criterion.code, 5)
    assert len(queued("scores.complete:")) == 1


def test_a_conflict_declared_for_the_last_awaited_scores_tells_the_chair(make_user):
    setup = sift_campaign(make_user(role="admin"), applications=2, members=1)
    campaign, member = setup.campaign, setup.members[0]
    first, last = setup.applications
    for application in setup.applications:
        for criterion in campaign.criteria_at("sift"):
            score(setup.chair, setup, application, criterion.code, 5)
    for criterion in campaign.criteria_at("sift"):
        score(member, setup, first, criterion.code, 5)
    assert queued("scores.complete:") == []

    scoring.declare(member, campaign, last, "sift", True, "I know this candidate")

    [message] = queued("scores.complete:")
    assert message.recipient == setup.chair.email
    assert "I know this candidate" not in message.body


def a_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_whoever_asked_for_a_report_rendered_in_the_background_is_told_it_is_ready(make_user):
    setup = sift_campaign(make_user(role="admin"), applications=1, members=1)
    report = RenderedReport(campaign_id=setup.campaign.id, kind="sift", fingerprint="x", requested_by_id=setup.chair.id)
    db.session.add(report)
    db.session.commit()

    versions.store(report, a_pdf(), tell_requester=True)
    versions.store(report, a_pdf(), tell_requester=True)  # finished once: theirs stands, nobody told twice

    [message] = queued("report.ready:")
    assert message.recipient == setup.chair.email
    assert message.subject == f"Your sift report for {setup.campaign.title} is ready"
    assert f"{BASE}/reports/{setup.campaign.id}/sift" in message.body


# ---------------------------------------------------------------- candidates


def draft_application(make_user):
    admin = make_user(role="admin")
    campaign = open_campaign(admin)
    candidate = make_user(role="candidate", name="Jo Candidate")
    application = submitted_application(campaign, candidate, "ABC123456")
    application.status, application.submitted_at = "draft", None
    db.session.commit()
    return campaign, candidate, application


def test_a_submitted_application_is_acknowledged_with_its_reference_and_not_its_answers(make_user):
    campaign, candidate, application = draft_application(make_user)
    assert submission.submit(candidate, application, None)
    assert not submission.submit(candidate, application, None)  # a repeated click

    [message] = queued("application.submitted:")
    assert message.event_key == f"application.submitted:{application.id}"
    assert message.recipient == candidate.email
    assert message.subject == f"We have received your application for {campaign.title}"
    assert "ABC123456" in message.body
    assert f"{BASE}/applications/ABC123456" in message.body
    assert "I led a project" not in message.body
    check_clean(message, [candidate.name])


def test_a_refused_submission_sends_nothing(make_user):
    campaign, candidate, application = draft_application(make_user)
    application.personal_details.full_name = ""
    for statement in application.statements:
        statement.word_count = 0
    db.session.commit()
    with pytest.raises(Refused):
        submission.submit(candidate, application, None)
    assert queued("application.") == []


def test_a_withdrawn_application_is_confirmed(make_user):
    campaign, candidate, application = draft_application(make_user)
    submission.submit(candidate, application, None)
    submission.withdraw(candidate, application)

    [message] = queued("application.withdrawn:")
    assert message.recipient == candidate.email
    assert message.subject == f"You have withdrawn your application for {campaign.title}"
    assert "ABC123456" in message.body


def signed_off_sift(admin):
    setup = sift_campaign(admin, applications=3, members=1)
    campaign = setup.campaign
    for application in setup.applications:
        for criterion in campaign.criteria_at("sift"):
            for assessor in setup.assessors:
                score(assessor, setup, application, criterion.code, 5)
    agreement.confirm_all_proposals(setup.chair, campaign, "sift", setup.applications)
    results.decide(admin, campaign, "sift", "all_passing", None)
    results.sign_off(setup.chair, campaign, "sift")
    return setup


def test_releasing_the_sift_tells_each_candidate_where_to_read_their_outcome(make_user):
    admin = make_user(role="admin")
    setup = signed_off_sift(admin)
    campaign = setup.campaign
    missing = feedback.missing_feedback(campaign, "sift").items
    with pytest.raises(Refused):
        feedback.release(admin, campaign, "sift")  # not confirmed: nothing released, nobody told
    assert queued("sift.released:") == []

    feedback.release(admin, campaign, "sift", missing_confirmed=missing)

    sent = queued("sift.released:")
    by_key = {m.event_key: m for m in sent}
    assert set(by_key) == {f"sift.released:{campaign.id}:{a.id}" for a in setup.applications}
    for application in setup.applications:
        message = by_key[f"sift.released:{campaign.id}:{application.id}"]
        assert message.recipient == application.candidate.email
        assert message.subject == f"The outcome of your application for {campaign.title}"
        assert f"{BASE}/applications/{application.reference}/outcome" in message.body
        assert "passed" not in message.body.lower()
        check_clean(message, people_of(setup))


@pytest.fixture
def interviewed(make_user):
    admin = make_user(role="admin")
    setup, chair = interview_stage(admin)
    return setup, chair


def test_releasing_the_interviews_tells_each_candidate_and_those_on_the_reserve_list_until_when(interviewed):
    setup, chair = interviewed
    campaign, admin = setup.campaign, setup.admin
    feedback.release(
        admin, campaign, "interview", missing_confirmed=feedback.missing_feedback(campaign, "interview").items
    )

    outcomes = queued("interview.released:")
    assert sorted(m.recipient for m in outcomes) == sorted(a.candidate.email for a in setup.applications)
    for message in outcomes:
        assert message.subject == f"The outcome of your interview for {campaign.title}"
        check_clean(message, [*people_of(setup), chair.name])
    reserve = offers.merit_view(campaign).allocation.reserve
    assert reserve  # five candidates for two posts
    listed = queued("reserve.listed:")
    assert sorted(m.recipient for m in listed) == sorted(a.candidate.email for a in reserve)
    for message in listed:
        assert message.subject == f"You are on the reserve list for {campaign.title}"
        assert re.search(r"The reserve list ends on \d{1,2} \w+ \d{4}\.", message.body)
        check_clean(message, [*people_of(setup), chair.name])


def test_an_offer_made_and_then_withdrawn_is_told_to_the_candidate(interviewed):
    setup, _ = interviewed
    campaign, admin = setup.campaign, setup.admin
    first = offers.merit_view(campaign).allocation.next_offers[0]
    offer = offers.make_offer(admin, campaign, first, offer_terms())

    [made] = queued("offer.made:")
    assert made.recipient == first.candidate.email
    assert made.subject == f"You have been offered the post of {campaign.title}"
    assert f"{BASE}/applications/{first.reference}/offer" in made.body
    assert "Please reply by" in made.body
    check_clean(made, people_of(setup))

    offers.record_response(admin, offer, OfferStatus.WITHDRAWN)
    [withdrawn] = queued("offer.withdrawn:")
    assert withdrawn.recipient == first.candidate.email
    assert withdrawn.subject == f"Your offer for {campaign.title} has been withdrawn"


def test_an_offer_declined_is_not_told_as_withdrawn(interviewed):
    setup, _ = interviewed
    campaign, admin = setup.campaign, setup.admin
    first = offers.merit_view(campaign).allocation.next_offers[0]
    offer = offers.make_offer(admin, campaign, first, offer_terms())
    offers.record_response(admin, offer, OfferStatus.DECLINED)
    assert queued("offer.withdrawn:") == []


@pytest.fixture
def to_interview(make_user):
    setup = sift_campaign(make_user(role="admin"), applications=2, members=1)
    setup.to_interview()
    return setup


def invite(setup, application, starts_at, place="Room 4, Town Hall", video_link=""):
    return invitations.schedule(
        setup.admin, application, starts_at=starts_at, minutes=45, place=place, video_link=video_link
    )


def test_an_interview_invitation_has_the_time_place_and_links(to_interview):
    setup = to_interview
    application = setup.applications[0]
    starts = utcnow().replace(microsecond=0) + timedelta(days=10)
    slot = invite(setup, application, starts)

    [message] = queued("interview.invited:")
    assert message.recipient == application.candidate.email
    assert message.subject == f"You are invited to an interview for {setup.campaign.title}"
    body = message.body
    assert "Place: Room 4, Town Hall" in body and "Video link" not in body
    assert "for about 45 minutes" in body
    assert f"{BASE}/applications/{application.reference}#interview" in body
    assert f"{BASE}/applications/{application.reference}/interview.ics" in body
    assert "adjustments" in body
    assert "/interview-times" not in body  # the admin arranged it: another time is asked for on the page
    check_clean(message, people_of(setup))

    invite(setup, application, starts + timedelta(days=1), place="", video_link="https://meet.example.org/abc")
    moved = queued("interview.invited:")[1]
    assert moved.subject == f"Your interview for {setup.campaign.title} has changed"
    assert "Video link: https://meet.example.org/abc" in moved.body and "Place:" not in moved.body
    assert moved.event_key != f"interview.invited:{slot.id}:1"


def test_a_refused_invitation_sends_nothing(to_interview):
    setup = to_interview
    with pytest.raises(Refused):
        invite(setup, setup.applications[0], utcnow() - timedelta(hours=1))
    assert queued("interview.") == []


def test_the_reminder_goes_the_day_before_once(to_interview, runner):
    setup = to_interview
    application = setup.applications[0]
    starts = utcnow().replace(microsecond=0) + timedelta(days=5)
    invite(setup, application, starts)
    invite(setup, setup.applications[1], starts + timedelta(days=3))

    assert events.remind(starts - timedelta(days=3)) == 0
    with time_machine.travel(starts - timedelta(days=1)):
        result = runner.invoke(args=["notifications", "remind"])
        assert result.exit_code == 0, result.output
        assert "1 interview reminder queued." in result.output
        assert runner.invoke(args=["notifications", "remind"]).output.startswith("0 interview reminders")

    [message] = queued("interview.reminder:")
    assert message.recipient == application.candidate.email
    assert message.subject == f"Reminder: your interview for {setup.campaign.title} is tomorrow"
    assert "Room 4, Town Hall" in message.body


# ---------------------------------------------------------------- delivery

SAMPLE = {
    "campaign_title": "Caseworker",
    "reference": "ABC123456",
    "link": f"{BASE}/applications/ABC123456",
    "offer_link": f"{BASE}/applications/ABC123456/offer",
    "interview_link": f"{BASE}/applications/ABC123456#interview",
    "calendar_link": f"{BASE}/applications/ABC123456/interview.ics",
    "times_link": f"{BASE}/applications/ABC123456/interview-times",
    "cutoff_hours": "48",
    "change": "booked",
    "withdrawn": "",
    "date": "5 December 2026",
    "time": "2:30pm",
    "minutes": "45",
    "place": "Room 4",
    "video_link": "",
    "ends_on": "5 December 2027",
    "respond_by": "12 December 2026",
    "stage": "sift",
    "report": "Sift report",
    "ready_at": "5 December 2026 at 2:30pm",
}


def queue_every_template() -> None:
    with unit_of_work():
        notifications.queue_many(
            notifications.Message(f"test:{name}", f"{name.replace('_', '-')}@example.org", name, SAMPLE)
            for name in EVENT_TEMPLATES
        )


def test_every_message_is_written_in_plain_english_with_the_service_and_organisation():
    queue_every_template()
    rows = queued("test:")
    assert len(rows) == len(EVENT_TEMPLATES) >= 14
    for message in rows:
        assert "Recruit" in message.body.splitlines()[-1]
        assert len(message.subject) < 90
        check_clean(message, [])


def test_every_message_is_delivered_through_smtp(smtp):
    queue_every_template()
    outcome = sender.send_all_due()
    assert outcome.sent == len(EVENT_TEMPLATES)
    for name, message in zip(EVENT_TEMPLATES, queued("test:"), strict=True):
        [received] = smtp.to(f"{name.replace('_', '-')}@example.org")
        assert received["Subject"] == message.subject
        assert "Caseworker" in received.get_content()


def test_every_message_is_delivered_through_notify(notify):
    queue_every_template()
    outcome = sender.send_all_due()
    assert outcome.sent == len(EVENT_TEMPLATES)
    assert notify.problems == []
    sent = {request.get_json()["email_address"]: request.get_json() for request in notify.requests}
    for name, message in zip(EVENT_TEMPLATES, queued("test:"), strict=True):
        body = sent[f"{name.replace('_', '-')}@example.org"]
        assert body["personalisation"]["subject"] == message.subject
        assert body["personalisation"]["body"] == message.body


def test_an_event_message_goes_end_to_end_through_smtp(make_user, smtp):
    campaign, candidate, application = draft_application(make_user)
    submission.submit(candidate, application, None)
    sender.send_all_due()
    received = [m for m in smtp.to(candidate.email) if "received your application" in m["Subject"]]
    assert len(received) == 1
    assert "ABC123456" in received[0].get_content()


def test_a_stage_opening_goes_end_to_end_through_notify(make_user, notify):
    setup = sift_campaign(make_user(role="admin"), applications=1, members=1)
    with time_machine.travel(utcnow() + timedelta(days=2)):  # the sift opened two days on (factories.to_sift)
        sender.send_all_due()
    assert notify.problems == []
    opened = [r.get_json() for r in notify.requests if "open for scoring" in r.get_json()["personalisation"]["subject"]]
    assert sorted(body["email_address"] for body in opened) == sorted(p.email for p in setup.assessors)


def test_a_batch_counts_only_the_new_messages_even_repeated_within_it():
    with unit_of_work():
        first = notifications.queue_many(
            notifications.Message("batch:1", f"p{n}@example.org", "stage_open", SAMPLE) for n in range(3)
        )
    with unit_of_work():
        again = notifications.queue_many(
            notifications.Message("batch:1", f"p{n % 5}@example.org", "stage_open", SAMPLE) for n in range(7)
        )
    assert (first, again) == (3, 2)
    assert len(queued("batch:")) == 5


def test_moving_to_the_interview_tells_the_interview_panel(to_interview):
    setup = to_interview
    panel = setup.campaign.panel("interview")
    opened = [m for m in queued("stage.open:") if ":interview:" in m.event_key]
    assert sorted(m.recipient for m in opened) == sorted(p.email for p in panel.assessors)
    assert opened[0].subject == f"The interview for {setup.campaign.title} is open for scoring"


def choose_book_and_cancel(make_user) -> tuple[str, list[str]]:
    """A candidate told to choose a time books one and cancels it; their address and the subjects expected."""
    setup = sift_campaign(make_user(role="admin"), applications=1, members=1)
    setup.to_interview(released=True)
    application = setup.applications[0]
    time = booking.publish(
        setup.admin,
        setup.campaign,
        starts_at=utcnow().replace(microsecond=0) + timedelta(days=10),
        minutes=45,
        place="Room 4, Town Hall",
        video_link="",
    )
    booking.book(application.candidate, application, time.id)
    booking.cancel(application.candidate, application)
    told = queued("interview.")
    assert [m.template for m in told] == ["interview_choose_time", "interview_booked", "interview_booking_cancelled"]
    for message in told:
        check_clean(message, people_of(setup))
    title = setup.campaign.title
    return application.candidate.email, [
        f"Choose your interview time for {title}",
        f"Your interview for {title} is booked",
        f"You have cancelled your interview time for {title}",
    ]


def test_interview_time_messages_go_end_to_end_through_smtp(make_user, smtp):
    email, subjects = choose_book_and_cancel(make_user)
    sender.send_all_due()
    received = smtp.to(email)
    assert [m["Subject"] for m in received] == subjects
    assert "/interview-times" in received[0].get_content()


def test_interview_time_messages_go_end_to_end_through_notify(make_user, notify):
    email, subjects = choose_book_and_cancel(make_user)
    sender.send_all_due()
    assert notify.problems == []
    sent = [r.get_json() for r in notify.requests if r.get_json()["email_address"] == email]
    assert [body["personalisation"]["subject"] for body in sent] == subjects
