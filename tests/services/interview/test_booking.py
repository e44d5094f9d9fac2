"""Self-service interview times: publishing, booking first come first served, changing and cancelling until the
cut-off, the audit trail, and the calendar file's UID, SEQUENCE and cancellation."""

from datetime import timedelta

import pytest
from icalendar import Calendar

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import AuditEvent, InterviewTime
from recruit.services.errors import Refused
from recruit.services.interview import booking
from recruit.services.interview import calendar as calendars
from recruit.services.interview import invitations as interviews
from tests.factories import sift_campaign


@pytest.fixture
def setup(make_user):
    setup = sift_campaign(make_user(role="admin"), applications=3)
    setup.to_interview(released=True)
    return setup


def publish(setup, days=7, campaign=None, **changes):
    start = (utcnow() + timedelta(days=days)).replace(second=0, microsecond=0)
    details = {"starts_at": start, "minutes": 45, "place": "Room 4", "video_link": ""}
    return booking.publish(setup.admin, campaign or setup.campaign, **{**details, **changes})


def actions(application) -> list[str]:
    return list(
        db.session.scalars(
            db.select(AuditEvent.action)
            .where(AuditEvent.record_id == str(application.id), AuditEvent.action.like("interview.%"))
            .order_by(AuditEvent.id)
        )
    )


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"starts_at": utcnow() - timedelta(hours=1)}, "The interview time must be in the future"),
        ({"minutes": 5}, "Length must be between 10 and 480 minutes"),
        ({"minutes": 481}, "Length must be between 10 and 480 minutes"),
        ({"place": " ", "video_link": ""}, "Enter a place or a video link"),
        ({"place": "", "video_link": "http://video.example"}, "Enter a video link starting with https://"),
    ],
)
def test_publishing_refuses_bad_details(setup, changes, message):
    with pytest.raises(Refused, match=message):
        publish(setup, **changes)
    assert booking.times_of(setup.campaign) == []


def test_a_booking_fills_the_interview_slot_and_is_audited(setup):
    application = setup.applications[0]
    time = publish(setup)
    slot = booking.book(application.candidate, application, time.id)
    assert (slot.starts_at, slot.minutes, slot.place, slot.status) == (time.starts_at, 45, "Room 4", "accepted")
    assert interviews.slot_for(application) is slot
    assert booking.booked_time(application) == time
    assert booking.open_times(setup.campaign) == []
    assert actions(application) == ["interview.booked"]


def test_the_second_candidate_for_a_time_is_told_it_has_gone(setup):
    first, second = setup.applications[:2]
    time = publish(setup)
    other = publish(setup, days=8)
    booking.book(first.candidate, first, time.id)
    with pytest.raises(Refused, match="That time has just been taken. Choose another time."):
        booking.book(second.candidate, second, time.id)
    assert interviews.slot_for(second) is None
    assert booking.open_times(setup.campaign) == [other]


@pytest.mark.parametrize("which", ["nonexistent", "other campaign", "missing"])
def test_only_this_campaigns_published_times_can_be_booked(setup, make_user, which):
    application = setup.applications[0]
    if which == "other campaign":
        elsewhere = sift_campaign(make_user(role="admin"), applications=1, email_domain="example.net")
        time_id = publish(elsewhere).id
    else:
        time_id = None if which == "missing" else 999_999
    with pytest.raises(Refused, match="Choose one of the times shown"):
        booking.book(application.candidate, application, time_id)
    assert interviews.slot_for(application) is None


def test_someone_elses_application_cannot_be_booked(setup):
    first, second = setup.applications[:2]
    time = publish(setup)
    with pytest.raises(Refused):
        booking.book(second.candidate, first, time.id)
    assert db.session.get(InterviewTime, time.id).booked_application_id is None


def test_only_invited_candidates_can_book(setup):
    application = setup.applications[0]
    application.status = "sift_failed"
    db.session.commit()
    time = publish(setup)
    with pytest.raises(Refused, match="You have not been invited"):
        booking.book(application.candidate, application, time.id)
    assert not booking.can_choose(application)


def test_an_interview_the_admin_arranged_is_not_self_service(setup):
    application = setup.applications[0]
    interviews.schedule(
        setup.admin, application, starts_at=utcnow() + timedelta(days=9), minutes=60, place="Room 1", video_link=""
    )
    time = publish(setup)
    with pytest.raises(Refused, match="The recruitment team has arranged your interview time"):
        booking.book(application.candidate, application, time.id)


def test_changing_gives_the_old_time_back(setup):
    application = setup.applications[0]
    first, second = publish(setup), publish(setup, days=9, place="", video_link="https://video.example/r")
    booking.book(application.candidate, application, first.id)
    slot = booking.book(application.candidate, application, second.id)
    assert (slot.starts_at, slot.place, slot.video_link) == (second.starts_at, "", "https://video.example/r")
    assert booking.booked_time(application) == second
    assert booking.open_times(setup.campaign) == [first]
    assert actions(application) == ["interview.booked", "interview.booking_changed"]


def test_times_inside_the_cut_off_cannot_be_booked(setup):
    application = setup.applications[0]
    soon = publish(setup, days=1)  # inside the default 48 hours
    assert booking.open_times(setup.campaign) == []
    with pytest.raises(Refused, match="That time is too soon to book now"):
        booking.book(application.candidate, application, soon.id)
    booking.set_cutoff(setup.admin, setup.campaign, 12)
    assert booking.open_times(setup.campaign) == [soon]


def test_after_the_cut_off_the_booking_cannot_change_or_be_cancelled(setup):
    application = setup.applications[0]
    time, later = publish(setup, days=3), publish(setup, days=10)
    booking.book(application.candidate, application, time.id)
    booking.set_cutoff(setup.admin, setup.campaign, 96)
    for attempt in (
        lambda: booking.book(application.candidate, application, later.id),
        lambda: booking.cancel(application.candidate, application),
    ):
        with pytest.raises(Refused, match="You can no longer change or cancel your interview time online"):
            attempt()
    assert booking.booked_time(application) == time


@pytest.mark.parametrize("hours", [-1, 337])
def test_the_cut_off_has_limits(setup, hours):
    with pytest.raises(Refused, match="between 0 and 336 hours"):
        booking.set_cutoff(setup.admin, setup.campaign, hours)
    assert setup.campaign.booking_cutoff_hours == 48


def test_cancelling_frees_the_time_and_removes_the_interview(setup):
    application = setup.applications[0]
    time = publish(setup)
    booking.book(application.candidate, application, time.id)
    booking.cancel(application.candidate, application)
    assert interviews.slot_for(application) is None
    assert booking.open_times(setup.campaign) == [time]
    assert actions(application) == ["interview.booked", "interview.booking_cancelled"]
    with pytest.raises(Refused, match="You have not booked an interview time"):
        booking.cancel(application.candidate, application)


def event_of(application):
    raw = calendars.calendar_file(application)
    calendar = Calendar.from_ical(raw)
    [event] = calendar.walk("VEVENT")
    return str(calendar["method"]), str(event["uid"]), int(event["sequence"]), event


def test_the_calendar_file_keeps_its_uid_counts_changes_and_cancels(setup):
    application = setup.applications[0]
    first, second = publish(setup), publish(setup, days=9)
    assert calendars.calendar_file(application) is None
    booking.book(application.candidate, application, first.id)
    method, uid, sequence, event = event_of(application)
    assert (method, sequence) == ("PUBLISH", 0)
    assert event.decoded("dtstart") == first.starts_at
    booking.book(application.candidate, application, second.id)
    method, same_uid, sequence, event = event_of(application)
    assert (method, same_uid, sequence) == ("PUBLISH", uid, 1)
    assert event.decoded("dtstart") == second.starts_at
    booking.cancel(application.candidate, application)
    assert calendars.cancelled(application)
    method, same_uid, sequence, event = event_of(application)
    assert (method, same_uid, sequence, str(event["status"])) == ("CANCEL", uid, 2, "CANCELLED")
    assert event.decoded("dtstart") == second.starts_at
    booking.book(application.candidate, application, first.id)
    assert event_of(application)[1:3] == (uid, 3)
    assert not calendars.cancelled(application)
