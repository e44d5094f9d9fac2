"""Self-service interview times and what candidates are told: asked to choose a time once (when times are published,
or when the sift's outcomes reach them), the booking, a change and a cancellation each confirmed once with the
calendar file; the admin correcting or withdrawing a published time someone booked; and the admin arranging a
self-booked interview themselves, which gives the booked time back."""

from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from recruit.clock import format_uk_date, uk_time, utcnow
from recruit.extensions import db
from recruit.models import AuditEvent, InterviewTime, Notification
from recruit.services.assessment import feedback
from recruit.services.campaigns import status as campaign_status
from recruit.services.errors import Refused
from recruit.services.interview import booking
from recruit.services.interview import calendar as calendars
from recruit.services.interview import invitations as interviews
from tests.factories import sift_campaign

BASE = "https://recruit.example.org"


@pytest.fixture(autouse=True)
def base_url(app, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", BASE)


@pytest.fixture
def setup(make_user):
    setup = sift_campaign(make_user(role="admin"), applications=3)
    setup.to_interview(released=True, failed=setup.applications[2:])
    return setup


def publish(setup, days=7, **changes):
    start = (utcnow() + timedelta(days=days)).replace(second=0, microsecond=0)
    details = {"starts_at": start, "minutes": 45, "place": "Room 4", "video_link": ""}
    return booking.publish(setup.admin, setup.campaign, **{**details, **changes})


def queued(prefix: str) -> list[Notification]:
    db.session.expire_all()
    return [
        row
        for row in db.session.scalars(select(Notification).order_by(Notification.id))
        if row.event_key.startswith(prefix)
    ]


def actions(record_type: str, record_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.record_type == record_type, AuditEvent.record_id == str(record_id))
            .order_by(AuditEvent.id)
        )
    )


def calendar_of(application):
    calendar = Calendar.from_ical(calendars.calendar_file(application))
    [event] = calendar.walk("VEVENT")
    return str(calendar["method"]), str(event["uid"]), int(event["sequence"]), event


# ------------------------------------------------------------------------------------------- choosing a time


def test_publishing_a_time_asks_each_invited_candidate_to_choose_once(setup):
    first, second, failed = setup.applications
    publish(setup)
    told = queued("interview.choose_time:")
    assert [m.recipient for m in told] == [first.candidate.email, second.candidate.email]
    message = told[0]
    assert message.event_key == f"interview.choose_time:{first.id}"
    assert message.subject == f"Choose your interview time for {setup.campaign.title}"
    assert f"{BASE}/applications/{first.reference}/interview-times" in message.body
    assert "until 48 hours before your interview" in message.body
    assert "adjustments" in message.body and f"{BASE}/applications/{first.reference}\n" in message.body
    assert failed.candidate.email not in [m.recipient for m in queued("")]

    publish(setup, days=8)  # another time: nobody is asked again
    assert len(queued("interview.choose_time:")) == 2


def test_a_candidate_already_interviewed_or_booked_is_not_asked_to_choose(setup):
    first, second, _ = setup.applications
    interviews.schedule(
        setup.admin, first, starts_at=utcnow() + timedelta(days=9), minutes=60, place="Room 1", video_link=""
    )
    publish(setup)
    assert [m.recipient for m in queued("interview.choose_time:")] == [second.candidate.email]


def test_candidates_are_asked_to_choose_only_once_told_they_passed_the_sift(make_user):
    setup = sift_campaign(make_user(role="admin"), applications=2)
    setup.to_interview()  # signed off, outcomes not yet released
    first = setup.applications[0]
    time = publish(setup)
    assert queued("interview.choose_time:") == []
    assert not booking.can_choose(first)
    with pytest.raises(Refused, match="You have not been invited to choose an interview time"):
        booking.book(first.candidate, first, time.id)

    missing = feedback.missing_feedback(setup.campaign, "sift").items
    feedback.release(setup.admin, setup.campaign, "sift", missing_confirmed=missing)

    assert sorted(m.recipient for m in queued("interview.choose_time:")) == sorted(
        a.candidate.email for a in setup.applications
    )
    assert booking.can_choose(first)


def test_releasing_the_sift_before_any_time_is_published_asks_nobody_yet(make_user):
    setup = sift_campaign(make_user(role="admin"), applications=2)
    setup.to_interview()
    feedback.release(
        setup.admin, setup.campaign, "sift", missing_confirmed=feedback.missing_feedback(setup.campaign, "sift").items
    )
    assert queued("interview.choose_time:") == []
    publish(setup)
    assert len(queued("interview.choose_time:")) == 2


# ------------------------------------------------------------------------------------------- the candidate's booking


def test_booking_changing_and_cancelling_are_each_confirmed_once_with_the_calendar_file(setup):
    application = setup.applications[0]
    first = publish(setup)
    second = publish(setup, days=9, place="", video_link="https://video.example/r")

    booking.book(application.candidate, application, first.id)
    [booked] = queued("interview.booked:")
    assert booked.event_key == f"interview.booked:{application.id}:0"
    assert booked.recipient == application.candidate.email
    assert booked.subject == f"Your interview for {setup.campaign.title} is booked"
    assert f"Date: {format_uk_date(uk_time(first.starts_at).date())}" in booked.body
    assert "Place: Room 4" in booked.body and "for about 45 minutes" in booked.body
    assert f"{BASE}/applications/{application.reference}/interview.ics" in booked.body
    assert f"{BASE}/applications/{application.reference}/interview-times" in booked.body
    assert "adjustments" in booked.body

    booking.book(application.candidate, application, second.id)
    changed = queued("interview.booked:")[1]
    assert changed.event_key == f"interview.booked:{application.id}:1"
    assert changed.subject == f"You have changed your interview time for {setup.campaign.title}"
    assert "Video link: https://video.example/r" in changed.body and "Place:" not in changed.body
    assert calendar_of(application)[2] == 1

    booking.cancel(application.candidate, application)
    [cancelled] = queued("interview.booking_cancelled:")
    assert cancelled.event_key == f"interview.booking_cancelled:{application.id}:2"
    assert cancelled.subject == f"You have cancelled your interview time for {setup.campaign.title}"
    assert f"{BASE}/applications/{application.reference}/interview.ics" in cancelled.body
    assert f"{BASE}/applications/{application.reference}/interview-times" in cancelled.body
    assert "adjustments" in cancelled.body
    method, _, sequence, _ = calendar_of(application)
    assert (method, sequence) == ("CANCEL", 2)

    booking.book(application.candidate, application, first.id)  # booking the first time again is a new change
    assert [m.event_key.rpartition(":")[2] for m in queued("interview.booked:")] == ["0", "1", "3"]


def test_a_refused_booking_tells_nobody(setup):
    first, second, _ = setup.applications
    time = publish(setup)
    booking.book(first.candidate, first, time.id)
    with pytest.raises(Refused):
        booking.book(second.candidate, second, time.id)
    assert [m.recipient for m in queued("interview.booked:")] == [first.candidate.email]


# ------------------------------------------------------------------------------------------- the admin's changes


def test_changing_a_free_time_is_audited_and_tells_nobody(setup):
    time = publish(setup)
    starts = time.starts_at + timedelta(hours=2)
    booking.change_time(
        setup.admin, time, starts_at=starts, minutes=30, place="Room 9", video_link="", version=str(time.version)
    )
    assert (time.starts_at, time.minutes, time.place) == (starts, 30, "Room 9")
    assert actions("campaign", setup.campaign.id)[-1] == "interview_time.changed"
    assert queued("interview.booked:") == []


def test_changing_a_booked_time_moves_the_interview_and_tells_the_candidate(setup):
    application = setup.applications[0]
    time = publish(setup)
    booking.book(application.candidate, application, time.id)
    uid = calendar_of(application)[1]
    starts = time.starts_at + timedelta(days=1)

    booking.change_time(setup.admin, time, starts_at=starts, minutes=60, place="", video_link="https://video.example/x")

    slot = interviews.slot_for(application)
    assert (slot.starts_at, slot.minutes, slot.place, slot.video_link) == (starts, 60, "", "https://video.example/x")
    assert booking.booked_time(application) == time
    assert actions("application", application.id)[-2:] == ["interview.booked", "interview.time_changed"]
    assert actions("campaign", setup.campaign.id)[-1] == "interview_time.changed"
    method, same_uid, sequence, event = calendar_of(application)
    assert (method, same_uid, sequence) == ("PUBLISH", uid, 1)
    assert event.decoded("dtstart") == starts
    moved = queued("interview.booked:")[-1]
    assert moved.event_key == f"interview.booked:{application.id}:1"
    assert moved.subject == f"The time of your interview for {setup.campaign.title} has changed"
    assert "Video link: https://video.example/x" in moved.body


def test_withdrawing_a_booked_time_cancels_the_interview_and_asks_for_another_time(setup):
    application = setup.applications[0]
    time = publish(setup)
    other = publish(setup, days=10)
    booking.book(application.candidate, application, time.id)
    uid = calendar_of(application)[1]
    time_id, starts = time.id, time.starts_at

    booking.withdraw_time(setup.admin, time, version=str(time.version))

    assert db.session.get(InterviewTime, time_id) is None
    assert interviews.slot_for(application) is None and booking.booked_time(application) is None
    assert booking.times_of(setup.campaign) == [other]
    assert actions("application", application.id)[-1] == "interview.time_withdrawn"
    assert actions("campaign", setup.campaign.id)[-1] == "interview_time.withdrawn"
    assert calendars.cancelled(application)
    method, same_uid, sequence, event = calendar_of(application)
    assert (method, same_uid, sequence, str(event["status"])) == ("CANCEL", uid, 1, "CANCELLED")
    assert event.decoded("dtstart") == starts
    [told] = queued("interview.booking_cancelled:")
    assert told.subject == f"Your interview time for {setup.campaign.title} has been withdrawn"
    assert f"{BASE}/applications/{application.reference}/interview-times" in told.body
    assert f"{BASE}/applications/{application.reference}/interview.ics" in told.body
    # They may book again at once.
    booking.book(application.candidate, application, other.id)
    assert calendar_of(application)[:3] == ("PUBLISH", uid, 2)


def test_withdrawing_a_free_time_deletes_it_and_tells_nobody(setup):
    time = publish(setup)
    time_id = time.id
    booking.withdraw_time(setup.admin, time)
    assert db.session.get(InterviewTime, time_id) is None
    assert actions("campaign", setup.campaign.id)[-1] == "interview_time.withdrawn"
    assert queued("interview.booking_cancelled:") == []


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"starts_at": utcnow() - timedelta(hours=1)}, "The interview time must be in the future"),
        ({"minutes": 5}, "Length must be between 10 and 480 minutes"),
        ({"place": " ", "video_link": ""}, "Enter a place or a video link"),
        ({"place": "", "video_link": "http://video.example"}, "Enter a video link starting with https://"),
        ({}, "Change at least one detail of the time"),
        ({"version": "0"}, "This time has changed since you opened the page"),
    ],
)
def test_changing_a_time_refuses_bad_details(setup, changes, message):
    application = setup.applications[0]
    time = publish(setup)
    booking.book(application.candidate, application, time.id)
    details = {"starts_at": time.starts_at, "minutes": 45, "place": "Room 4", "video_link": ""}
    with pytest.raises(Refused, match=message):
        booking.change_time(setup.admin, time, **{**details, **changes})
    db.session.expire_all()
    assert (time.place, time.minutes) == ("Room 4", 45)
    assert interviews.slot_for(application).place == "Room 4"
    assert len(queued("interview.booked:")) == 1


def test_a_finished_campaigns_times_cannot_be_changed_or_withdrawn(setup):
    time = publish(setup)
    campaign_status.move(setup.admin, setup.campaign, "withdrawn", reason="The post is no longer needed")
    assert booking.time_change(time).refusal == "This campaign has finished"
    with pytest.raises(Refused, match="This campaign has finished"):
        booking.change_time(setup.admin, time, starts_at=time.starts_at, minutes=30, place="Room 1", video_link="")
    with pytest.raises(Refused, match="This campaign has finished"):
        booking.withdraw_time(setup.admin, time)
    assert booking.times_of(setup.campaign) == [time]


def test_a_booked_time_that_changed_since_the_admin_looked_is_not_withdrawn(setup):
    application = setup.applications[0]
    time = publish(setup)
    seen = str(time.version)
    booking.book(application.candidate, application, time.id)  # booked after the admin opened the page
    with pytest.raises(Refused, match="This time has changed since you opened the page"):
        booking.withdraw_time(setup.admin, time, version=seen)
    assert booking.booked_time(application) == time


# ------------------------------------------------------------------------------------------- the admin arranges it


def test_the_admin_moving_a_self_booked_interview_gives_the_time_back(setup):
    first, second, _ = setup.applications
    time = publish(setup)
    booking.book(first.candidate, first, time.id)
    version = db.session.get(InterviewTime, time.id).version

    interviews.schedule(
        setup.admin, first, starts_at=utcnow() + timedelta(days=12), minutes=60, place="Room 1", video_link=""
    )

    db.session.expire_all()
    time = db.session.get(InterviewTime, time.id)
    assert time.booked_application_id is None and time.version == version + 1
    assert booking.booked_time(first) is None
    assert actions("application", first.id)[-2:] == ["interview.booking_released", "interview.rescheduled"]
    assert booking.booking_refusal(first) == (
        "The recruitment team has arranged your interview time. Contact them if you need to change it"
    )
    booking.book(second.candidate, second, time.id)  # someone else can have it now
    assert booking.booked_time(second) == time
