"""The calendar file (.ics, in UK time) for a candidate's interview.

One event per application for its whole life: the UID names the application, not the slot or its version, so a
calendar that imported the file updates the same entry when the interview moves. SEQUENCE counts the changes
(each scheduling, rescheduling, booking, change of booking or of the booked time, and cancellation or withdrawal of
the booked time in the audit trail, which is never
rewritten, so the count only grows even when a cancelled booking's slot is gone). A cancelled booking (or a booked
time the admin withdrew) gives a METHOD:CANCEL file for the time that was cancelled."""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import func, select

from recruit.clock import UK, format_uk, utcnow
from recruit.extensions import db
from recruit.models import Application, AuditEvent
from recruit.services.interview.invitations import LIVE, slot_for

# Audit actions that change the interview's time or place, or call it off: each one is a new SEQUENCE.
CHANGES = (
    "interview.scheduled",
    "interview.rescheduled",
    "interview.booked",
    "interview.booking_changed",
    "interview.booking_cancelled",
    "interview.time_changed",
    "interview.time_withdrawn",
)
# The candidate cancelled their booking, or the admin withdrew the time they had booked.
CANCELLED = ("interview.booking_cancelled", "interview.time_withdrawn")


def _changes(application: Application):  # type: ignore[no-untyped-def]
    return select(AuditEvent).where(
        AuditEvent.record_type == "application",
        AuditEvent.record_id == str(application.id),
        AuditEvent.action.in_(CHANGES),
    )


def sequence_of(application: Application) -> int:
    """0 for the first version of the interview, one more for each change since."""
    count = db.session.scalar(select(func.count()).select_from(_changes(application).subquery())) or 0
    return max(count - 1, 0)


def _last_change(application: Application) -> AuditEvent | None:
    event: AuditEvent | None = db.session.scalar(_changes(application).order_by(AuditEvent.id.desc()).limit(1))
    return event


def uid_of(application: Application, server_name: str) -> str:
    return f"interview-{application.id}@{server_name}"


def _calendar(method: str, event: Event) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Recruit//Interview invitation//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    ical: bytes = calendar.to_ical()  # icalendar leaves to_ical unannotated
    return ical


def cancelled(application: Application) -> bool:
    """The candidate cancelled their booked time and has not booked another."""
    if slot_for(application) is not None:
        return False
    last = _last_change(application)
    return last is not None and last.action in CANCELLED


def calendar_file(application: Application, server_name: str = "recruit") -> bytes | None:
    """The file for the interview as it stands (METHOD:PUBLISH), the cancellation of a booked time
    (METHOD:CANCEL), or None when there is neither."""
    campaign = application.campaign
    summary = f"Interview: {campaign.title} ({campaign.reference})"
    event = Event()
    event.add("uid", uid_of(application, server_name))
    event.add("sequence", sequence_of(application))
    event.add("dtstamp", utcnow())
    event.add("summary", summary)
    slot = slot_for(application)
    if slot is not None and slot.status in LIVE:
        start = slot.starts_at.astimezone(UK)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=slot.minutes))
        event.add("location", slot.place or slot.video_link)
        event.add(
            "description",
            "\n".join(
                filter(
                    None,
                    [
                        f"Your interview for {campaign.title}, {format_uk(slot.starts_at)} (UK time), "
                        f"{slot.minutes} minutes.",
                        f"Place: {slot.place}" if slot.place else "",
                        f"Video link: {slot.video_link}" if slot.video_link else "",
                        f"Application reference: {application.reference}",
                    ],
                )
            ),
        )
        return _calendar("PUBLISH", event)
    last = _last_change(application)
    if slot is None and last is not None and last.action in CANCELLED and isinstance(last.before, dict):
        start = datetime.fromisoformat(last.before["starts_at"]).astimezone(UK)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=int(last.before["minutes"])))
        event.add("status", "CANCELLED")
        event.add("description", f"Your interview for {campaign.title} has been cancelled.")
        return _calendar("CANCEL", event)
    return None
