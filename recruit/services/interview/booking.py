"""Self-service interview times: the admin publishes times, and candidates invited to interview (sift passed,
signed off and its outcomes released, so nobody is asked to book before being told they passed) book one
themselves, first come, first served, and may change or cancel it until the campaign's booking cut-off. The admin
may correct or withdraw a published time; a candidate who booked it is told.

A booking fills the application's InterviewSlot (made if there is none), so the interview lists, the panel's
timetable, absences and reports read a booked interview exactly as one the admin scheduled. The InterviewTime
only says which published time the application holds. Taking a time is one conditional UPDATE
(`... WHERE booked_application_id IS NULL`) whose row count says whether this request won: two candidates racing
for the last time cannot both have it, on SQLite or PostgreSQL, and the loser is told plainly. The unique
`booked_application_id` stops one application holding two times if its candidate books twice at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update

from recruit.clock import format_uk, utcnow
from recruit.extensions import db
from recruit.models import Application, Campaign, InterviewSlot, InterviewTime, User
from recruit.models.application import ApplicationStatus
from recruit.models.interview import SlotStatus
from recruit.services.campaigns.stages import stage_record
from recruit.services.errors import Refused
from recruit.services.interview.invitations import slot_for
from recruit.services.records import audit
from recruit.services.unit_of_work import unit_of_work

TAKEN = "That time has just been taken. Choose another time."
TIME_CHANGED = "This time has changed since you opened the page. Check it and try again"
CHOOSE_LISTED = "Choose one of the times shown"
MIN_MINUTES, MAX_MINUTES = 10, 480
MAX_CUTOFF_HOURS = 336  # two weeks


# ------------------------------------------------------------------------------------------- the admin's times


def _check_details(starts_at: datetime, minutes: int, place: str, video_link: str) -> None:
    if starts_at <= utcnow():
        raise Refused("The interview time must be in the future", "starts_on")
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise Refused(f"Length must be between {MIN_MINUTES} and {MAX_MINUTES} minutes", "minutes")
    if not (place.strip() or video_link.strip()):
        raise Refused("Enter a place or a video link", "place")
    if video_link.strip() and not video_link.strip().startswith("https://"):
        raise Refused("Enter a video link starting with https://", "video_link")


def _time_snapshot(time: InterviewTime) -> dict[str, object]:
    return {
        "starts_at": time.starts_at.isoformat(),
        "minutes": time.minutes,
        "place": time.place,
        "video_link": time.video_link,
    }


@unit_of_work()
def publish(
    actor: User, campaign: Campaign, *, starts_at: datetime, minutes: int, place: str, video_link: str
) -> InterviewTime:
    """A time candidates can book."""
    if campaign.finished:
        raise Refused("This campaign has finished")
    _check_details(starts_at, minutes, place, video_link)
    time = InterviewTime(
        campaign_id=campaign.id,
        starts_at=starts_at,
        minutes=minutes,
        place=place.strip(),
        video_link=video_link.strip(),
    )
    db.session.add(time)
    db.session.flush()
    audit.record(
        "interview_time.published",
        "campaign",
        campaign.id,
        after={"time": time.id, **_time_snapshot(time)},
        actor=actor,
    )
    from recruit.services.notifications import messages

    messages.interview_choose_time(campaign)
    return time


@unit_of_work()
def set_cutoff(actor: User, campaign: Campaign, hours: int) -> None:
    """How many hours before a time candidates stop booking, changing or cancelling it."""
    if not 0 <= hours <= MAX_CUTOFF_HOURS:
        raise Refused(f"The booking cut-off must be between 0 and {MAX_CUTOFF_HOURS} hours", "hours")
    before = campaign.booking_cutoff_hours
    campaign.booking_cutoff_hours = hours
    audit.record(
        "interview_time.cutoff_set",
        "campaign",
        campaign.id,
        before={"hours": before},
        after={"hours": hours},
        actor=actor,
    )


def times_of(campaign: Campaign) -> list[InterviewTime]:
    """Every published time, in time order: the admin's timetable of self-service times."""
    return list(
        db.session.scalars(
            select(InterviewTime)
            .where(InterviewTime.campaign_id == campaign.id)
            .order_by(InterviewTime.starts_at, InterviewTime.id)
        )
    )


# ------------------------------------------------------------------------------------------- the candidate's side


def cutoff_of(campaign: Campaign) -> timedelta:
    return timedelta(hours=campaign.booking_cutoff_hours)


def bookable_from(campaign: Campaign) -> datetime:
    """The earliest start a candidate can still book, change or cancel."""
    return utcnow() + cutoff_of(campaign)


def booked_time(application: Application) -> InterviewTime | None:
    return db.session.scalar(select(InterviewTime).where(InterviewTime.booked_application_id == application.id))


def open_times(campaign: Campaign) -> list[InterviewTime]:
    """Times nobody holds that are still after the cut-off, in time order."""
    return list(
        db.session.scalars(
            select(InterviewTime)
            .where(
                InterviewTime.campaign_id == campaign.id,
                InterviewTime.booked_application_id.is_(None),
                InterviewTime.starts_at > bookable_from(campaign),
            )
            .order_by(InterviewTime.starts_at, InterviewTime.id)
        )
    )


def booking_refusal(application: Application) -> str | None:
    """Why this application cannot book (or change) a time at all; None when it can."""
    campaign = application.campaign
    if application.status != ApplicationStatus.SIFT_PASSED or stage_record(campaign, "sift").released_at is None:
        return "You have not been invited to choose an interview time"
    if campaign.finished:
        return "This campaign has finished"
    slot = slot_for(application)
    if slot is not None and booked_time(application) is None:
        return "The recruitment team has arranged your interview time. Contact them if you need to change it"
    if slot is not None and slot.status not in (SlotStatus.INVITED, SlotStatus.ACCEPTED, SlotStatus.CHANGE_REQUESTED):
        return "This interview can no longer be changed"
    return None


def _past_cutoff(time: InterviewTime, campaign: Campaign) -> str:
    deadline = time.starts_at - cutoff_of(campaign)
    return (
        f"You can no longer change or cancel your interview time online. The deadline was {format_uk(deadline)} "
        "(UK time). Contact the recruitment team if you need to"
    )


def change_refusal(application: Application) -> str | None:
    """Why the candidate cannot change or cancel their booked time now; None when they can."""
    refusal = booking_refusal(application)
    if refusal:
        return refusal
    current = booked_time(application)
    if current is not None and current.starts_at <= bookable_from(application.campaign):
        return _past_cutoff(current, application.campaign)
    return None


@dataclass(frozen=True)
class BookingView:
    """What the candidate's interview-time page shows."""

    refusal: str | None  # why they cannot choose now (None: they can)
    current: InterviewTime | None
    times: list[InterviewTime]
    cutoff_hours: int


def booking_view(application: Application) -> BookingView:
    return BookingView(
        refusal=change_refusal(application),
        current=booked_time(application),
        times=open_times(application.campaign),
        cutoff_hours=application.campaign.booking_cutoff_hours,
    )


def can_choose(application: Application) -> bool:
    """Whether the task list offers the interview-time page: the campaign has published times and the application
    is invited to choose one."""
    if booking_refusal(application) is not None:
        return False
    return (
        db.session.scalar(select(InterviewTime.id).where(InterviewTime.campaign_id == application.campaign_id).limit(1))
        is not None
    )


def _rowcount(result: Any) -> int:
    return cast(CursorResult[Any], result).rowcount


def _release(application: Application) -> None:
    """The application no longer holds its time: anyone may book it."""
    db.session.execute(
        update(InterviewTime)
        .where(InterviewTime.booked_application_id == application.id)
        .values(booked_application_id=None, version=InterviewTime.version + 1)
        .execution_options(synchronize_session=False, report_campaigns=[application.campaign_id])
    )


def _fill_slot(application: Application, time: InterviewTime) -> tuple[InterviewSlot, dict[str, object] | None]:
    slot = slot_for(application)
    before = None
    if slot is None:
        slot = InterviewSlot(application_id=application.id, starts_at=time.starts_at)
        db.session.add(slot)
    else:
        before = {"starts_at": slot.starts_at.isoformat(), "minutes": slot.minutes}
    slot.starts_at, slot.minutes = time.starts_at, time.minutes
    slot.place, slot.video_link = time.place, time.video_link
    # The candidate chose this time, so there is nothing for them to accept.
    slot.status, slot.candidate_note = SlotStatus.ACCEPTED, ""
    db.session.flush()
    return slot, before


@unit_of_work(TAKEN)
def book(candidate: User, application: Application, time_id: int | None) -> InterviewSlot:
    """Book the time for the candidate's application, or move their booking to it."""
    if application.candidate_id != candidate.id:
        raise Refused("This is not your application")
    refusal = change_refusal(application)
    if refusal:
        raise Refused(refusal)
    time = db.session.get(InterviewTime, time_id) if time_id is not None else None
    if time is None or time.campaign_id != application.campaign_id:
        raise Refused(CHOOSE_LISTED, "time")
    if time.booked_application_id == application.id:
        raise Refused("You have already booked this time. Choose a different time to change it", "time")
    if time.booked_application_id is not None:
        raise Refused(TAKEN, "time")
    if time.starts_at <= bookable_from(application.campaign):
        raise Refused("That time is too soon to book now. Choose a later time", "time")
    previous = booked_time(application)
    _release(application)
    won = db.session.execute(
        update(InterviewTime)
        .where(InterviewTime.id == time.id, InterviewTime.booked_application_id.is_(None))
        .values(booked_application_id=application.id, version=InterviewTime.version + 1)
        .execution_options(synchronize_session=False)
    )
    if _rowcount(won) != 1:
        raise Refused(TAKEN, "time")
    db.session.expire(time)
    if previous is not None:
        db.session.expire(previous)
    slot, _ = _fill_slot(application, time)
    audit.record(
        "interview.booking_changed" if previous else "interview.booked",
        "application",
        application.id,
        before={"time": previous.id, "starts_at": previous.starts_at.isoformat()} if previous else None,
        after={"time": time.id, **_time_snapshot(time)},
        actor=candidate,
    )
    from recruit.services.notifications import messages

    messages.interview_booked(slot, "changed" if previous else "booked")
    return slot


@unit_of_work(TAKEN)
def cancel(candidate: User, application: Application) -> None:
    """Give the booked time back: the interview is off until the candidate books another."""
    if application.candidate_id != candidate.id:
        raise Refused("This is not your application")
    refusal = change_refusal(application)
    if refusal:
        raise Refused(refusal)
    current = booked_time(application)
    if current is None:
        raise Refused("You have not booked an interview time")
    before = {"time": current.id, **_time_snapshot(current)}
    _release(application)
    db.session.expire(current)
    slot = slot_for(application)
    if slot is not None:
        db.session.delete(slot)
    db.session.flush()
    audit.record("interview.booking_cancelled", "application", application.id, before=before, actor=candidate)
    from recruit.services.notifications import messages

    messages.interview_booking_cancelled(application, current.starts_at, withdrawn=False)


# ------------------------------------------------------------------------------------------- the admin's changes


@dataclass(frozen=True)
class TimeChange:
    """What changing or withdrawing a published time does, for the admin's confirmation."""

    booked_reference: str | None  # the application holding the time, if any
    refusal: str | None  # why it cannot be changed or withdrawn now


def time_change(time: InterviewTime) -> TimeChange:
    application = time.booked_application
    campaign = db.session.get(Campaign, time.campaign_id)
    refusal = None
    if campaign is None or campaign.finished:
        refusal = "This campaign has finished"
    elif application is not None:
        slot = slot_for(application)
        if time.starts_at <= utcnow():
            refusal = "This interview has already started, so its time can no longer be changed or withdrawn"
        elif slot is not None and slot.status not in (
            SlotStatus.INVITED,
            SlotStatus.ACCEPTED,
            SlotStatus.CHANGE_REQUESTED,
        ):
            refusal = "This interview can no longer be changed"
    return TimeChange(application.reference if application else None, refusal)


def _check_change(time: InterviewTime, version: str | None) -> Application | None:
    refusal = time_change(time).refusal
    if refusal:
        raise Refused(refusal)
    if version is not None and version != str(time.version):
        raise Refused(TIME_CHANGED)
    return time.booked_application


@unit_of_work(TIME_CHANGED)
def change_time(
    actor: User,
    time: InterviewTime,
    *,
    starts_at: datetime,
    minutes: int,
    place: str,
    video_link: str,
    version: str | None = None,
) -> InterviewTime:
    """Correct a published time. If a candidate has booked it, their interview moves with it and they are told,
    with the calendar file updated. `version` is the time's version the admin's page showed."""
    application = _check_change(time, version)
    _check_details(starts_at, minutes, place, video_link)
    before = _time_snapshot(time)
    time.starts_at, time.minutes = starts_at, minutes
    time.place, time.video_link = place.strip(), video_link.strip()
    after = _time_snapshot(time)
    if after == before:
        raise Refused("Change at least one detail of the time", "starts_on")
    db.session.flush()
    audit.record(
        "interview_time.changed",
        "campaign",
        time.campaign_id,
        before={"time": time.id, **before},
        after={"time": time.id, **after},
        actor=actor,
    )
    if application is not None:
        slot, _ = _fill_slot(application, time)
        audit.record(
            "interview.time_changed",
            "application",
            application.id,
            before={"time": time.id, **before},
            after={"time": time.id, **after},
            actor=actor,
        )
        from recruit.services.notifications import messages

        messages.interview_booked(slot, "moved")
    return time


@unit_of_work(TIME_CHANGED)
def withdraw_time(actor: User, time: InterviewTime, *, version: str | None = None) -> None:
    """Take a published time away. A candidate who booked it loses the interview at that time, is sent the
    calendar file's cancellation and is asked to choose another time."""
    application = _check_change(time, version)
    before = {"time": time.id, **_time_snapshot(time)}
    campaign_id, starts_at = time.campaign_id, time.starts_at
    db.session.delete(time)
    if application is not None:
        slot = slot_for(application)
        if slot is not None:
            db.session.delete(slot)
    db.session.flush()
    audit.record("interview_time.withdrawn", "campaign", campaign_id, before=before, actor=actor)
    if application is not None:
        audit.record("interview.time_withdrawn", "application", application.id, before=before, actor=actor)
        from recruit.services.notifications import messages

        messages.interview_booking_cancelled(application, starts_at, withdrawn=True)
