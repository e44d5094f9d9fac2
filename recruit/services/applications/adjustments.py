"""Reasonable adjustments (DESIGN §12): candidates ask; admins see and record what was agreed; panels see only what
the admin shares.

A candidate asks from their application, before or after submitting it, or once invited to interview: a category
and, in their own words, what they need. An admin of the campaign records the outcome, what was agreed (which the
candidate reads) and, optionally, a note for the interview panel. The panel reads that note alone, and only at the
interview: the sift is blind, so nothing of a request reaches it.

The audit log, which admins read and which outlives the erasure of personal data, records which request, its
category and outcome, and whether the texts changed, never the texts themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import AdjustmentRequest, Application, Campaign, User
from recruit.models.adjustment import AdjustmentCategory, AdjustmentOutcome, AdjustmentStage
from recruit.models.application import ApplicationStatus
from recruit.models.campaign import CampaignStatus
from recruit.services.assessment.feedback import released_outcome
from recruit.services.campaigns.vacancies import accepting_applications
from recruit.services.errors import Refused
from recruit.services.notifications import messages
from recruit.services.records import audit
from recruit.services.unit_of_work import unit_of_work

DETAILS_MAX = 2000
AGREED_MAX = 2000
PANEL_NOTE_MAX = 1000
CHANGED = "This request was changed by someone else at the same time, so nothing was saved. Check it and try again"


# ---------------------------------------------------------------------------------------------- the candidate


def ask_refusal(application: Application) -> str | None:
    """Why the candidate cannot ask for adjustments for this application now; None when they can."""
    if application.status == ApplicationStatus.WITHDRAWN:
        return "You withdrew this application, so you cannot ask for adjustments for it"
    if application.campaign.finished:
        return "This recruitment campaign has finished, so you cannot ask for adjustments for it"
    if application.status == ApplicationStatus.DRAFT and not accepting_applications(application.campaign):
        return "This vacancy has closed and the application was not submitted, so you cannot ask for adjustments"
    # Only once the candidate has been told: being refused must not be how they learn the sift's outcome.
    not_through = application.status in (ApplicationStatus.PRESIFT_FAILED, ApplicationStatus.SIFT_FAILED)
    if not_through and released_outcome(application, "sift") is not None:
        return "Your application is not going any further, so you cannot ask for adjustments for it"
    return None


def stage_of(application: Application) -> AdjustmentStage:
    """Asked while applying (or waiting for the sift), or at the interview stage."""
    at_interview = application.campaign.status == CampaignStatus.INTERVIEW
    if at_interview and application.status == ApplicationStatus.SIFT_PASSED:
        return AdjustmentStage.INTERVIEW
    return AdjustmentStage.APPLICATION


def requests_for(application: Application) -> list[AdjustmentRequest]:
    """The application's requests, oldest first."""
    return list(
        db.session.scalars(
            select(AdjustmentRequest)
            .where(AdjustmentRequest.application_id == application.id)
            .order_by(AdjustmentRequest.requested_at, AdjustmentRequest.id)
        )
    )


def _category(value: str | None) -> AdjustmentCategory:
    if not value:
        raise Refused("Select what kind of adjustment you need", "category")
    try:
        return AdjustmentCategory(value)
    except ValueError:
        raise Refused("Select one of the kinds of adjustment listed", "category") from None


def _text(value: str | None, maximum: int, missing: str | None, too_long: str, field: str) -> str:
    text = (value or "").replace("\x00", "").strip()
    if not text and missing:
        raise Refused(missing, field)
    if len(text) > maximum:
        raise Refused(too_long, field)
    return text


@unit_of_work()
def ask(candidate: User, application: Application, category: str | None, details: str | None) -> AdjustmentRequest:
    """The candidate's request for an adjustment, in their own words."""
    if application.candidate_id != candidate.id:
        raise Refused("This is not your application")
    refusal = ask_refusal(application)
    if refusal:
        raise Refused(refusal)
    kind = _category(category)
    text = _text(
        details,
        DETAILS_MAX,
        "Describe the adjustment you need",
        f"Your description must be {DETAILS_MAX:,} characters or fewer",
        "details",
    )
    request = AdjustmentRequest(
        application_id=application.id,
        stage=stage_of(application),
        category=kind,
        details=text,
        requested_at=utcnow(),
    )
    db.session.add(request)
    db.session.flush()
    audit.record(
        "adjustment.requested",
        "application",
        application.id,
        after={"adjustment": request.id, "stage": request.stage, "category": request.category},
        actor=candidate,
    )
    return request


# -------------------------------------------------------------------------------------------------- the admin


@dataclass
class CampaignAdjustments:
    requests: list[AdjustmentRequest]

    @property
    def awaiting(self) -> int:
        return sum(1 for request in self.requests if not request.responded)


def campaign_requests(campaign: Campaign) -> CampaignAdjustments:
    """Every request of the campaign's applications: those awaiting a response first, then the newest."""
    rows = db.session.scalars(
        select(AdjustmentRequest)
        .join(Application, Application.id == AdjustmentRequest.application_id)
        .where(Application.campaign_id == campaign.id)
        .order_by(
            AdjustmentRequest.responded_at.is_not(None),
            AdjustmentRequest.requested_at.desc(),
            AdjustmentRequest.id.desc(),
        )
        .options(selectinload(AdjustmentRequest.application).selectinload(Application.personal_details))
    )
    return CampaignAdjustments(list(rows))


def awaiting_count(campaign: Campaign) -> int:
    """How many of the campaign's requests have no response yet."""
    return (
        db.session.scalar(
            select(func.count(AdjustmentRequest.id))
            .join(Application, Application.id == AdjustmentRequest.application_id)
            .where(Application.campaign_id == campaign.id, AdjustmentRequest.outcome.is_(None))
        )
        or 0
    )


def request_for_admin(actor: User, campaign: Campaign, request_id: int) -> AdjustmentRequest | None:
    """Object access for admins: a request of one of the campaign's applications."""
    if actor.role != "admin":
        return None
    return db.session.scalar(
        select(AdjustmentRequest)
        .join(Application, Application.id == AdjustmentRequest.application_id)
        .where(AdjustmentRequest.id == request_id, Application.campaign_id == campaign.id)
        .options(selectinload(AdjustmentRequest.application).selectinload(Application.personal_details))
    )


def _snapshot(request: AdjustmentRequest) -> dict[str, object]:
    return {
        "adjustment": request.id,
        "category": request.category,
        "outcome": request.outcome,
        "panel_note_shared": bool(request.panel_note),
    }


@unit_of_work(CHANGED)
def respond(
    actor: User,
    request: AdjustmentRequest,
    *,
    outcome: str | None,
    agreed: str | None,
    panel_note: str | None,
    version: int | None = None,
) -> AdjustmentRequest:
    """Record (or change) what was agreed. The candidate is told by email that there is a response to read."""
    if actor.role != "admin":
        raise Refused("Only an admin can respond to a request for adjustments")
    if version is not None and version != request.version:
        raise Refused(CHANGED)
    if not outcome:
        raise Refused("Select whether the adjustment was agreed", "outcome")
    try:
        decided = AdjustmentOutcome(outcome)
    except ValueError:
        raise Refused("Select one of the outcomes listed", "outcome") from None
    agreed_text = _text(
        agreed,
        AGREED_MAX,
        "Enter what was agreed, or why it was not",
        f"What was agreed must be {AGREED_MAX:,} characters or fewer",
        "agreed",
    )
    note = _text(
        panel_note,
        PANEL_NOTE_MAX,
        None,
        f"The note for the panel must be {PANEL_NOTE_MAX:,} characters or fewer",
        "panel_note",
    )
    before = _snapshot(request) if request.responded else None
    texts_changed = {"agreed_changed": agreed_text != request.agreed, "panel_note_changed": note != request.panel_note}
    request.outcome, request.agreed, request.panel_note = decided, agreed_text, note
    request.responded_at, request.responded_by_id = utcnow(), actor.id
    db.session.flush()
    audit.record(
        "adjustment.responded",
        "application",
        request.application_id,
        before=before,
        after={**_snapshot(request), **texts_changed},
        actor=actor,
    )
    messages.adjustment_response(request)
    return request


# -------------------------------------------------------------------------------------------------- the panel


def panel_notes(campaign: Campaign, stage: str, applications: Sequence[Application]) -> dict[int, list[str]]:
    """What the admin shared with the interview panel, by application id. Nothing at the sift, which is blind."""
    if stage != "interview" or not applications:
        return {}
    rows = db.session.execute(
        select(AdjustmentRequest.application_id, AdjustmentRequest.panel_note)
        .join(Application, Application.id == AdjustmentRequest.application_id)
        .where(
            Application.campaign_id == campaign.id,
            AdjustmentRequest.application_id.in_([application.id for application in applications]),
            AdjustmentRequest.outcome.is_not(None),
            AdjustmentRequest.panel_note != "",
        )
        .order_by(AdjustmentRequest.requested_at, AdjustmentRequest.id)
    ).all()
    notes: dict[int, list[str]] = {}
    for application_id, note in rows:
        notes.setdefault(application_id, []).append(note)
    return notes


@dataclass
class AdjustmentsEntry:
    """The task list page's link to adjustments: what it says, and the requests' status (empty before asking)."""

    title: str
    status: str


def task_list_entry(application: Application) -> AdjustmentsEntry | None:
    """The link on the candidate's task list page; None when they have asked for nothing and can no longer ask."""
    asked = requests_for(application)
    can_ask = ask_refusal(application) is None
    if not asked:
        return AdjustmentsEntry("Ask for adjustments", "") if can_ask else None
    waiting = any(not asked_for.responded for asked_for in asked)
    return AdjustmentsEntry("Adjustments you asked for", "Awaiting a response" if waiting else "Response received")
