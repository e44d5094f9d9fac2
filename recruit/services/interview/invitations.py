"""Interview invitations: scheduling and rescheduling, the candidate's reply and absences. The calendar file a
candidate can download is built by recruit.services.interview.calendar."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import Application, InterviewSlot, InterviewTime, User
from recruit.models.application import ApplicationStatus
from recruit.models.interview import SlotStatus
from recruit.services.campaigns.stages import stage_record
from recruit.services.errors import Refused
from recruit.services.records import audit
from recruit.services.unit_of_work import unit_of_work

# The slot's outcome and the application status it leads to.
ABSENCES: dict[str, ApplicationStatus] = {
    SlotStatus.DID_NOT_ATTEND: ApplicationStatus.DID_NOT_ATTEND,
    SlotStatus.WITHDREW: ApplicationStatus.INTERVIEW_WITHDRAWN,
}
# An invitation still standing: the candidate may answer it, and it is in their calendar.
LIVE = (SlotStatus.INVITED, SlotStatus.ACCEPTED, SlotStatus.CHANGE_REQUESTED)
CHANGED_SINCE_OPENED = "Your interview has changed since you opened the page. Check the new details and reply again"


def slot_for(application: Application) -> InterviewSlot | None:
    return db.session.scalar(select(InterviewSlot).where(InterviewSlot.application_id == application.id))


def _snapshot(slot: InterviewSlot) -> dict[str, object]:
    return {
        "starts_at": slot.starts_at.isoformat(),
        "minutes": slot.minutes,
        "place": slot.place,
        "video_link": slot.video_link,
        "status": slot.status,
    }


@unit_of_work()
def schedule(
    actor: User, application: Application, *, starts_at: datetime, minutes: int, place: str, video_link: str
) -> InterviewSlot:
    """Invite the candidate, or move their interview (which asks them to accept again)."""
    if application.status != ApplicationStatus.SIFT_PASSED:
        raise Refused("Only applications that passed the sift are invited to interview")
    if application.campaign.finished:
        raise Refused("This campaign has finished")
    if starts_at <= utcnow():
        raise Refused("The interview must be in the future", "starts_on")
    if not (place.strip() or video_link.strip()):
        raise Refused("Enter a place or a video link", "place")
    if video_link.strip() and not video_link.strip().startswith("https://"):
        raise Refused("Enter a video link starting with https://", "video_link")
    slot = slot_for(application)
    before = _snapshot(slot) if slot else None
    _release_booked_time(actor, application)
    if slot is None:
        slot = InterviewSlot(application_id=application.id, starts_at=starts_at)
        db.session.add(slot)
    slot.starts_at, slot.minutes = starts_at, minutes
    slot.place, slot.video_link = place.strip(), video_link.strip()
    slot.status, slot.candidate_note = SlotStatus.INVITED, ""
    db.session.flush()
    audit.record(
        "interview.rescheduled" if before else "interview.scheduled",
        "application",
        application.id,
        before=before,
        after=_snapshot(slot),
        actor=actor,
    )
    from recruit.services.notifications import messages

    messages.interview_invitation(slot, rescheduled=before is not None)
    return slot


def _release_booked_time(actor: User, application: Application) -> None:
    """The admin arranging the interview themselves gives back any time the candidate had booked, for someone
    else to book."""
    booked = db.session.scalar(select(InterviewTime).where(InterviewTime.booked_application_id == application.id))
    if booked is None:
        return
    db.session.execute(
        update(InterviewTime)
        .where(InterviewTime.id == booked.id)
        .values(booked_application_id=None, version=InterviewTime.version + 1)
        .execution_options(synchronize_session=False, report_campaigns=[application.campaign_id])
    )
    db.session.expire(booked)
    audit.record(
        "interview.booking_released",
        "application",
        application.id,
        before={"time": booked.id, "starts_at": booked.starts_at.isoformat()},
        actor=actor,
    )


def reply_refusal(slot: InterviewSlot | None) -> str | None:
    """Why the candidate cannot answer this invitation now; None when they can."""
    if slot is None:
        return "You have not been invited to an interview"
    application = slot.application
    if application.status != ApplicationStatus.SIFT_PASSED or slot.status not in LIVE or application.campaign.finished:
        return "This interview can no longer be changed"
    if slot.starts_at <= utcnow():
        return "This interview has already started"
    return None


@unit_of_work(CHANGED_SINCE_OPENED)
def respond(candidate: User, slot: InterviewSlot, *, accept: bool, note: str = "", version: str | None = None) -> None:
    """The candidate's answer to the invitation. `version` is the one their page showed, as the page sent it back:
    a reply never answers a time the candidate has not seen."""
    if slot.application.candidate_id != candidate.id:
        raise Refused("This is not your interview")
    refusal = reply_refusal(slot)
    if refusal:
        raise Refused(refusal)
    if version is not None and version != str(slot.version):
        raise Refused(CHANGED_SINCE_OPENED)
    if not accept and not note.strip():
        raise Refused("Tell us which times you can do", "note")
    before = slot.status
    slot.status = SlotStatus.ACCEPTED if accept else SlotStatus.CHANGE_REQUESTED
    slot.candidate_note = "" if accept else note.strip()
    audit.record(
        "interview.accepted" if accept else "interview.change_requested",
        "application",
        slot.application_id,
        before={"status": before},
        after={"status": slot.status, "note": slot.candidate_note},
        actor=candidate,
    )


@unit_of_work()
def record_absence(actor: User, slot: InterviewSlot, outcome: str) -> None:
    """The candidate did not attend, or withdrew: they leave the interview stage."""
    if outcome not in ABSENCES:
        raise Refused("Select what happened", "outcome")
    if stage_record(slot.application.campaign, "interview").signed_off_at is not None:
        # Signed off means final: a candidate who leaves now withdraws their application, a later event.
        raise Refused("The interview stage has been signed off, so an absence can no longer be recorded")
    before = {"slot": slot.status, "application": slot.application.status}
    slot.status = outcome
    slot.application.status = ABSENCES[outcome]
    audit.record(
        f"interview.{outcome}",
        "application",
        slot.application_id,
        before=before,
        after={"slot": slot.status, "application": slot.application.status},
        actor=actor,
    )
