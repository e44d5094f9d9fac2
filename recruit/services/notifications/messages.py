"""The messages each event sends: one function per event, called inside that event's unit of work, which queues
its messages in the outbox (outbox.py). Their texts are in recruit/templates/notifications/.

No message carries a score or another person's name: a candidate is told that something happened and where to
read it once signed in; a member of staff, which campaign and stage, and where to go.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, select

from recruit.clock import UK, format_uk, format_uk_date, uk_time, uk_to_utc, utcnow
from recruit.extensions import db
from recruit.links import absolute_url
from recruit.models import (
    AdjustmentRequest,
    Application,
    Campaign,
    InterviewSlot,
    Notification,
    Offer,
    RenderedReport,
    User,
)
from recruit.services.notifications.outbox import Message, queue, queue_many
from recruit.services.unit_of_work import unit_of_work

STAGE_NAMES = {"sift": "sift", "interview": "interview"}


def _application_link(application: Application) -> str:
    return absolute_url("apply.task_list", reference=application.reference)


def _candidate_email(application: Application) -> str | None:
    candidate = application.candidate
    return candidate.email if candidate is not None and candidate.email else None


def _candidate(event_key: str, application: Application, template: str, **fields: str) -> bool:
    recipient = _candidate_email(application)
    if recipient is None:
        return False
    facts = {
        "campaign_title": application.campaign.title,
        "reference": application.reference,
        "link": _application_link(application),
        **fields,
    }
    return queue_many([Message(event_key, recipient, template, facts, application.campaign)]) == 1


# Candidates


def application_submitted(application: Application) -> bool:
    return _candidate(f"application.submitted:{application.id}", application, "application_submitted")


def application_withdrawn(application: Application) -> bool:
    return _candidate(f"application.withdrawn:{application.id}", application, "application_withdrawn")


def stage_released(campaign: Campaign, stage: str) -> int:
    """Every candidate who took part in the stage is told their outcome is ready to read; after the interview,
    those on the reserve list are also told so, and until when."""
    from recruit.models.user import User as Candidate
    from recruit.services.assessment.feedback import TOOK_PART

    rows = db.session.execute(
        select(Application.id, Application.reference, Candidate.email)
        .join(Candidate, Candidate.id == Application.candidate_id)
        .where(Application.campaign_id == campaign.id, Application.status.in_(TOOK_PART[stage]))
        .order_by(Application.id)
    ).all()
    template = "sift_outcome" if stage == "sift" else "interview_outcome"
    common = {"campaign_title": campaign.title}
    messages = [
        Message(
            f"{stage}.released:{campaign.id}:{application_id}",
            email,
            template,
            {**common, "reference": reference, "link": absolute_url("apply.outcome", reference=reference)},
            campaign,
        )
        for application_id, reference, email in rows
        if email
    ]
    if stage == "interview":
        messages += _reserve_list(campaign)
    return queue_many(messages)


def _reserve_list(campaign: Campaign) -> list[Message]:
    from recruit.services.interview.merit import reserve_expiry
    from recruit.services.interview.offers import merit_view

    view = merit_view(campaign)
    ends = view.reserve_expires_at or reserve_expiry(utcnow(), campaign.reserve_months)
    messages = []
    for application in view.allocation.reserve:
        email = _candidate_email(application)
        if email:
            messages.append(
                Message(
                    f"reserve.listed:{campaign.id}:{application.id}",
                    email,
                    "reserve_list",
                    {
                        "campaign_title": campaign.title,
                        "reference": application.reference,
                        "ends_on": format_uk_date(uk_time(ends).date()),
                        "link": absolute_url("apply.outcome", reference=application.reference),
                    },
                    campaign,
                )
            )
    return messages


def _when(starts_at: datetime) -> dict[str, str]:
    return {
        "date": format_uk_date(uk_time(starts_at).date()),
        "time": format_uk(starts_at).rpartition(" at ")[2],
    }


def _times_link(application: Application) -> str:
    return absolute_url("apply.interview_times", reference=application.reference)


def _slot_fields(slot: InterviewSlot) -> dict[str, str]:
    application = slot.application
    return {
        **_when(slot.starts_at),
        "minutes": str(slot.minutes),
        "place": slot.place,
        "video_link": slot.video_link,
        "interview_link": _application_link(application) + "#interview",
        "calendar_link": absolute_url("apply.interview_calendar", reference=application.reference),
    }


def interview_invitation(slot: InterviewSlot, *, rescheduled: bool) -> bool:
    """The invitation, or the new details after a move (each version of the slot is a message of its own). Where
    the candidate may choose a published time instead, it links to the page for that; otherwise to their
    application's page, where they can ask for another time."""
    from recruit.services.interview import booking

    template = "interview_rescheduled" if rescheduled else "interview_invitation"
    application = slot.application
    times_link = _times_link(application) if booking.can_choose(application) else ""
    return _candidate(
        f"interview.invited:{slot.id}:{slot.version}",
        application,
        template,
        times_link=times_link,
        **_slot_fields(slot),
    )


def interview_choose_time(campaign: Campaign) -> int:
    """Each candidate invited to choose an interview time who has none yet is told, once, where to choose it: when
    the admin publishes times, and when the sift's outcomes are released to candidates who passed."""
    from recruit.models.application import ApplicationStatus
    from recruit.services.campaigns.stages import stage_record
    from recruit.services.interview import booking

    if campaign.finished or stage_record(campaign, "sift").released_at is None or not booking.open_times(campaign):
        return 0
    # Passed the sift and not interviewed yet (a booking fills the interview slot): what booking_refusal asks, for
    # the whole campaign in one query.
    rows = db.session.execute(
        select(Application.id, Application.reference, User.email)
        .join(User, User.id == Application.candidate_id)
        .outerjoin(InterviewSlot, InterviewSlot.application_id == Application.id)
        .where(
            Application.campaign_id == campaign.id,
            Application.status == ApplicationStatus.SIFT_PASSED,
            InterviewSlot.id.is_(None),
        )
        .order_by(Application.id)
    ).all()
    messages = [
        Message(
            f"interview.choose_time:{application_id}",
            email,
            "interview_choose_time",
            {
                "campaign_title": campaign.title,
                "reference": reference,
                "link": absolute_url("apply.task_list", reference=reference),
                "times_link": absolute_url("apply.interview_times", reference=reference),
                "cutoff_hours": str(campaign.booking_cutoff_hours),
            },
            campaign,
        )
        for application_id, reference, email in rows
        if email
    ]
    return queue_many(messages)


def interview_booked(slot: InterviewSlot, change: str) -> bool:
    """The time the candidate booked (`change` "booked"), moved their booking to ("changed"), or the admin changed
    under their booking ("moved"): the details and the calendar file, whose SEQUENCE names this change, and so
    does the message."""
    from recruit.services.interview.calendar import sequence_of

    application = slot.application
    return _candidate(
        f"interview.booked:{application.id}:{sequence_of(application)}",
        application,
        "interview_booked",
        change=change,
        times_link=_times_link(application),
        cutoff_hours=str(application.campaign.booking_cutoff_hours),
        **_slot_fields(slot),
    )


def interview_booking_cancelled(application: Application, starts_at: datetime, *, withdrawn: bool) -> bool:
    """The candidate cancelled their booked time, or the admin withdrew it: the calendar file now cancels the
    interview, and the candidate is asked to choose another time."""
    from recruit.services.interview.calendar import sequence_of

    return _candidate(
        f"interview.booking_cancelled:{application.id}:{sequence_of(application)}",
        application,
        "interview_booking_cancelled",
        withdrawn="yes" if withdrawn else "",
        times_link=_times_link(application),
        calendar_link=absolute_url("apply.interview_calendar", reference=application.reference),
        **_when(starts_at),
    )


def interview_reminders(now: datetime | None = None) -> int:
    """A reminder to each candidate whose interview, still standing, is tomorrow (UK time). Safe to run as often as
    wanted: the event key names the slot and its time, so each interview is reminded of once (again if moved)."""
    from recruit.services.interview.invitations import LIVE

    now = now or utcnow()
    tomorrow = uk_time(now).date() + timedelta(days=1)
    start, end = uk_to_utc(tomorrow, 0, 0), uk_to_utc(tomorrow + timedelta(days=1), 0, 0)
    slots = db.session.scalars(
        select(InterviewSlot)
        .where(InterviewSlot.starts_at >= start, InterviewSlot.starts_at < end, InterviewSlot.status.in_(LIVE))
        .order_by(InterviewSlot.id)
    ).all()
    messages = []
    for slot in slots:
        application = slot.application
        email = _candidate_email(application)
        if email is None or application.campaign.finished:
            continue
        messages.append(
            Message(
                f"interview.reminder:{slot.id}:{slot.starts_at.astimezone(UK):%Y%m%dT%H%M}",
                email,
                "interview_reminder",
                {
                    "campaign_title": application.campaign.title,
                    "reference": application.reference,
                    "link": _application_link(application),
                    **_slot_fields(slot),
                },
                application.campaign,
            )
        )
    return queue_many(messages)


@unit_of_work()
def remind(now: datetime | None = None) -> int:
    """Queue the reminders for tomorrow's interviews (`flask --app recruit notifications remind`); how many were
    new."""
    return interview_reminders(now)


def offer_made(offer: Offer) -> bool:
    application = db.session.get(Application, offer.application_id)
    assert application is not None
    return _candidate(
        f"offer.made:{offer.id}",
        application,
        "offer_made",
        offer_link=absolute_url("apply.offer", reference=application.reference),
        respond_by=format_uk_date(offer.respond_by) if offer.respond_by else "",
    )


def offer_withdrawn(offer: Offer) -> bool:
    application = db.session.get(Application, offer.application_id)
    assert application is not None
    return _candidate(f"offer.withdrawn:{offer.id}", application, "offer_withdrawn")


# Staff


def added_to_panel(campaign: Campaign, stage: str, people: list[User], panel_version: str) -> int:
    link = absolute_url("assess.dashboard")
    return queue_many(
        Message(
            f"panel.added:{campaign.id}:{stage}:{person.id}:{panel_version}",
            person.email,
            "panel_added",
            {"campaign_title": campaign.title, "stage": STAGE_NAMES[stage], "link": link},
            campaign,
        )
        for person in people
    )


def stage_open(campaign: Campaign, stage: str) -> int:
    panel = campaign.panel(stage)
    if panel is None:
        return 0
    link = absolute_url("assess.dashboard")
    return queue_many(
        Message(
            f"stage.open:{campaign.id}:{stage}:{person.id}",
            person.email,
            "stage_open",
            {"campaign_title": campaign.title, "stage": STAGE_NAMES[stage], "link": link},
            campaign,
        )
        for person in panel.assessors
    )


def _scores_complete_key(campaign: Campaign, stage: str, presift: bool) -> str:
    return f"scores.complete:{campaign.id}:{stage}{':presift' if presift else ''}"


def scores_complete_told(campaign: Campaign, stage: str, *, presift: bool = False) -> bool:
    """The chair has been told already that every score of the stage (or its pre-sift) is in."""
    key = _scores_complete_key(campaign, stage, presift)
    return db.session.scalar(_TOLD, {"key": key}) is not None


# Built once: every submitted score asks.
_TOLD = select(Notification.id).where(Notification.event_key == bindparam("key")).limit(1)


def scores_complete(campaign: Campaign, stage: str, *, presift: bool = False) -> bool:
    panel = campaign.panel(stage)
    chair = panel.chair if panel is not None else None
    if chair is None:
        return False
    return queue(
        _scores_complete_key(campaign, stage, presift),
        chair.email,
        "scores_complete",
        campaign=campaign,
        campaign_title=campaign.title,
        stage=STAGE_NAMES[stage],
        link=absolute_url("moderate.board_view", campaign_id=campaign.id, stage=stage),
    )


def report_ready(report: RenderedReport) -> bool:
    from recruit.services.reports.versions import KINDS

    if report.requested_by_id is None:
        return False
    person = db.session.get(User, report.requested_by_id)
    if person is None or not person.active:
        return False
    kind = KINDS[report.kind]
    campaign = db.session.get(Campaign, report.campaign_id)
    assert campaign is not None
    if kind.per_candidate:
        link = absolute_url("reports.index", campaign_id=campaign.id)
    else:
        link = absolute_url("reports.progress", campaign_id=campaign.id, slug=kind.slug)
    return queue(
        f"report.ready:{report.id}",
        person.email,
        "report_ready",
        campaign=campaign,
        campaign_title=campaign.title,
        report=kind.name,
        link=link,
        ready_at=format_uk(utcnow()),
    )


# Adjustments


def adjustment_response(request: AdjustmentRequest) -> bool:
    """The candidate is told there is a response to their request for adjustments; the email says nothing of what
    they asked for or what was agreed, only where to read it."""
    application = db.session.get(Application, request.application_id)
    assert application is not None
    return _candidate(
        f"adjustment.responded:{request.id}:{request.version}",
        application,
        "adjustment_response",
        link=absolute_url("apply.adjustments", reference=application.reference),
    )
