"""Interview invitations: scheduling rules, the candidate's reply, absences and the .ics file."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from icalendar import Calendar

from recruit.clock import UK, utcnow
from recruit.extensions import db
from recruit.models import AuditEvent
from recruit.services.errors import Refused
from recruit.services.interview import calendar as interview_calendar
from recruit.services.interview import invitations as interviews
from tests.factories import sift_campaign


@pytest.fixture
def setup(make_user):
    setup = sift_campaign(make_user(role="admin"), applications=2)
    for application in setup.applications:
        application.status = "sift_passed"
    db.session.commit()
    return setup


def test_invitation_and_calendar_file_in_uk_time(setup):
    application = setup.applications[0]
    with time_machine.travel(datetime(2031, 6, 1, tzinfo=UTC), tick=False):
        # 10am UK time in British Summer Time is 9am UTC.
        slot = interviews.schedule(
            setup.admin,
            application,
            starts_at=datetime(2031, 7, 15, 9, 0, tzinfo=UTC),
            minutes=45,
            place="Room 4, 1 Victoria Street, London",
            video_link="",
        )
        raw = interview_calendar.calendar_file(slot.application)
    calendar = Calendar.from_ical(raw)
    [event] = calendar.walk("VEVENT")
    start = event.decoded("dtstart")
    assert start.tzinfo is not None and start.utcoffset() == timedelta(hours=1)
    assert str(event["dtstart"].params["TZID"]) == "Europe/London"
    assert (start.hour, start.minute) == (10, 0)
    assert event.decoded("dtend") - start == timedelta(minutes=45)
    assert str(event["location"]) == "Room 4, 1 Victoria Street, London"
    assert setup.campaign.reference in str(event["summary"])
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/London"
    assert "RC-" in str(event["description"])


def test_winter_interview_is_at_utc_offset_zero(setup):
    with time_machine.travel(datetime(2031, 11, 1, tzinfo=UTC), tick=False):
        slot = interviews.schedule(
            setup.admin,
            setup.applications[0],
            starts_at=datetime(2031, 12, 2, 14, 30, tzinfo=UTC),
            minutes=60,
            place="",
            video_link="https://video.example/room",
        )
        event = Calendar.from_ical(interview_calendar.calendar_file(slot.application)).walk("VEVENT")[0]
    start = event.decoded("dtstart")
    assert start.utcoffset() == timedelta(0) and (start.hour, start.minute) == (14, 30)
    assert start.astimezone(UK).tzname() == "GMT"


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"starts_at": datetime(2020, 1, 1, tzinfo=UTC)}, "The interview must be in the future"),
        ({"place": "", "video_link": ""}, "Enter a place or a video link"),
        ({"video_link": "javascript:alert(1)"}, "Enter a video link starting with https://"),
    ],
)
def test_scheduling_refusals_change_nothing(setup, changes, message):
    values = {"starts_at": utcnow() + timedelta(days=7), "minutes": 60, "place": "Room 1", "video_link": "", **changes}
    with pytest.raises(Refused, match=message):
        interviews.schedule(setup.admin, setup.applications[0], **values)
    db.session.rollback()
    assert interviews.slot_for(setup.applications[0]) is None


def test_only_sift_passed_applications_are_invited(setup):
    application = setup.applications[0]
    application.status = "sift_failed"
    db.session.commit()
    with pytest.raises(Refused, match="Only applications that passed the sift"):
        interviews.schedule(
            setup.admin, application, starts_at=utcnow() + timedelta(days=3), minutes=30, place="Room 1", video_link=""
        )


def test_candidate_accepts_or_asks_for_another_time_and_admin_reschedules(setup):
    application = setup.applications[0]
    slot = interviews.schedule(
        setup.admin, application, starts_at=utcnow() + timedelta(days=7), minutes=60, place="Room 1", video_link=""
    )
    candidate = application.candidate
    with pytest.raises(Refused, match="Tell us which times you can do"):
        interviews.respond(candidate, slot, accept=False, note="  ")
    db.session.rollback()
    interviews.respond(candidate, slot, accept=False, note="Any afternoon next week")
    assert slot.status == "change_requested"
    interviews.schedule(
        setup.admin, application, starts_at=utcnow() + timedelta(days=9), minutes=60, place="Room 2", video_link=""
    )
    assert slot.status == "invited" and slot.candidate_note == ""
    interviews.respond(candidate, slot, accept=True)
    assert slot.status == "accepted"
    other = setup.applications[1].candidate
    with pytest.raises(Refused, match="This is not your interview"):
        interviews.respond(other, slot, accept=True)
    actions = [
        a
        for (a,) in db.session.execute(
            db.select(AuditEvent.action)
            .where(AuditEvent.record_type == "application", AuditEvent.record_id == str(application.id))
            .order_by(AuditEvent.id)
        )
    ]
    assert actions == [
        "interview.scheduled",
        "interview.change_requested",
        "interview.rescheduled",
        "interview.accepted",
    ]


@pytest.mark.parametrize("outcome, status", [("did_not_attend", "did_not_attend"), ("withdrew", "interview_withdrawn")])
def test_absence_takes_the_candidate_out_of_the_interview_stage(setup, outcome, status):
    application = setup.applications[0]
    slot = interviews.schedule(
        setup.admin, application, starts_at=utcnow() + timedelta(days=1), minutes=60, place="Room 1", video_link=""
    )
    interviews.record_absence(setup.admin, slot, outcome)
    assert (slot.status, application.status) == (outcome, status)
    with pytest.raises(Refused, match="This interview can no longer be changed"):
        interviews.respond(application.candidate, slot, accept=True)
