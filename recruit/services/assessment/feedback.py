"""Feedback for candidates, written by the chair from the moderated record, and its release per stage.

Before an admin releases a stage, candidates see nothing of its scores; afterwards they see, per
criterion, the agreed score's label and the feedback, and their outcome.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import AgreedScore, Application, Campaign, Conflict, Criterion, Indicator, Score, StageRecord, User
from recruit.models.application import ApplicationStatus
from recruit.models.scoring import AgreedScoreStatus, ScoreStatus
from recruit.services.assessment import moderators
from recruit.services.campaigns.stages import stage_record, stage_record_to_change
from recruit.services.errors import Refused
from recruit.services.records import audit
from recruit.services.unit_of_work import unit_of_work


def draft(agreed: AgreedScore) -> str:
    """A starting point for the chair: the indicators the panel saw, and the panel's agreed rationale."""
    conflicted = set(
        db.session.scalars(
            select(Conflict.assessor_id).where(
                Conflict.application_id == agreed.application_id,
                Conflict.stage == agreed.stage,
                Conflict.has_conflict.is_(True),
            )
        )
    )
    ticked: set[int] = set()
    for score in db.session.scalars(
        select(Score).where(
            Score.application_id == agreed.application_id,
            Score.criterion_id == agreed.criterion_id,
            Score.stage == agreed.stage,
            Score.status == ScoreStatus.SUBMITTED,
        )
    ):
        if score.assessor_id not in conflicted:
            ticked |= set(score.ticked)
    indicators = (
        db.session.scalars(
            select(Indicator).where(Indicator.id.in_(ticked)).order_by(Indicator.kind, Indicator.position)
        ).all()
        if ticked
        else []
    )
    return compose_draft(list(indicators), agreed.rationale)


def compose_draft(indicators: list[Indicator], rationale: str) -> str:
    """The draft's words: the effective indicators ticked as strengths, the ineffective ones as what to develop
    (each list in the order given), then the agreed rationale."""
    strengths = [i.text for i in indicators if i.kind == "effective"]
    develop = [i.text for i in indicators if i.kind == "ineffective"]
    parts = []
    if strengths:
        parts.append("Your evidence showed that you: " + "; ".join(s[0].lower() + s[1:] for s in strengths) + ".")
    if develop:
        parts.append(
            "To develop: the panel noted evidence that you " + "; ".join(s[0].lower() + s[1:] for s in develop) + "."
        )
    if rationale:
        parts.append(rationale)
    return "\n\n".join(parts)


RELEASED = "Feedback for this stage has been released and can no longer change"
MAX_LENGTH = 5000


@unit_of_work()
def save(actor: User, campaign: Campaign, agreed: AgreedScore, text: str) -> None:
    moderators.check(actor, campaign, agreed.stage, db.session.get_one(Application, agreed.application_id), "feedback")
    if stage_record(campaign, agreed.stage).released_at is not None:
        raise Refused(RELEASED)
    if len(text) > MAX_LENGTH:
        raise Refused(f"Feedback must be {MAX_LENGTH} characters or fewer", "feedback")
    write(actor, agreed, text)


def write(actor: User, agreed: AgreedScore, text: str) -> bool:
    """Set an agreed score's feedback, with its audit entry, inside the caller's unit of work, once the caller has
    checked that this person may; whether it changed."""
    before = agreed.feedback
    if before == text.strip():
        return False
    agreed.feedback = text.strip()
    audit.record(
        "feedback.written",
        "agreed_score",
        agreed.id,
        before={"feedback": before},
        after={"feedback": agreed.feedback},
        actor=actor,
    )
    return True


@dataclass(frozen=True)
class MissingFeedback:
    """A candidate who will be told the panel wrote no feedback for these criteria."""

    reference: str
    criteria: tuple[str, ...]


@dataclass(frozen=True)
class FeedbackGaps:
    stage: str
    candidates: tuple[MissingFeedback, ...]

    @property
    def items(self) -> int:
        """Criteria without feedback, over every candidate."""
        return sum(len(candidate.criteria) for candidate in self.candidates)

    @property
    def summary(self) -> str:
        count = len(self.candidates)
        return (
            f"{count} candidate has" if count == 1 else f"{count} candidates have"
        ) + " no feedback for 1 or more criteria"

    def as_record(self) -> list[dict[str, object]]:
        return [{"reference": c.reference, "criteria": list(c.criteria)} for c in self.candidates]


def missing_feedback(campaign: Campaign, stage: str) -> FeedbackGaps:
    """The candidates whose released results would show an agreed score with no feedback, by reference, with
    those criteria in their listed order. One query."""
    rows = db.session.execute(
        select(Application.reference, AgreedScore.criterion_id)
        .join(Application)
        .where(
            Application.campaign_id == campaign.id,
            Application.status.in_(TOOK_PART[stage]),
            AgreedScore.stage == stage,
            AgreedScore.status == AgreedScoreStatus.AGREED,
            func.trim(func.coalesce(AgreedScore.feedback, "")) == "",
        )
    ).all()
    criteria = {criterion.id: criterion for criterion in campaign.criteria}
    by_reference: dict[str, list[Criterion]] = {}
    for reference, criterion_id in rows:
        by_reference.setdefault(reference, []).append(criteria[criterion_id])
    return FeedbackGaps(
        stage,
        tuple(
            MissingFeedback(reference, tuple(c.name for c in sorted(found, key=lambda c: c.position)))
            for reference, found in sorted(by_reference.items())
        ),
    )


def release_refusal(campaign: Campaign, stage: str) -> str | None:
    """Why the stage's outcomes cannot be released now; None when they can."""
    record = stage_record(campaign, stage)
    if record.signed_off_at is None:
        return "The stage must be signed off before its outcomes are released"
    if record.released_at is not None:
        return "Outcomes for this stage have already been released"
    return None


@unit_of_work()
def release(actor: User, campaign: Campaign, stage: str, *, missing_confirmed: int = 0) -> None:
    """Release a signed-off stage's outcomes and feedback to its candidates. Where feedback is missing, the admin
    must have seen how much (missing_confirmed: the number of criteria without feedback, over every candidate,
    that they confirmed releasing without); if more is missing now, nothing is released."""
    if actor.role != "admin":
        raise Refused("Only an admin releases outcomes and feedback")
    refusal = release_refusal(campaign, stage)
    if refusal:
        raise Refused(refusal)
    record = stage_record_to_change(campaign, stage)
    gaps = missing_feedback(campaign, stage)
    if gaps.items > missing_confirmed:
        if missing_confirmed:
            raise Refused(
                f"More feedback is missing than when you checked: {gaps.summary}. "
                "Check the list again before you release"
            )
        raise Refused("Confirm that you want to release the outcomes with feedback missing", "confirm")
    record.released_at, record.released_by_id = utcnow(), actor.id
    audit.record(
        f"{stage}.released",
        "campaign",
        campaign.id,
        actor=actor,
        after={"released_at": record.released_at.isoformat(), "without_feedback": gaps.as_record()},
    )
    from recruit.services.notifications import messages

    messages.stage_released(campaign, stage)
    if stage == "sift":
        # Those who passed may now choose an interview time, if the admin has published any.
        messages.interview_choose_time(campaign)


@dataclass
class CriterionFeedback:
    criterion: str
    label: str
    feedback: str


def without_feedback(parts: list[tuple[str, list[CriterionFeedback]]]) -> list[str]:
    """The criteria shown to a candidate with no feedback, each named once (with its stage when more than one
    stage is shown), so a page or letter can say so once instead of under every criterion."""
    several = len(parts) > 1
    return [
        f"{row.criterion} ({stage})" if several else row.criterion
        for stage, rows in parts
        for row in rows
        if not row.feedback.strip()
    ]


def released_for(application: Application, stage: str) -> list[CriterionFeedback] | None:
    """What the candidate may see for a stage: None until it is released."""
    if stage not in released_stages(application) or application.status not in TOOK_PART[stage]:
        return None
    labels = {point.value: point.label for point in application.campaign.scale.points}
    rows = db.session.scalars(
        select(AgreedScore).where(
            AgreedScore.application_id == application.id,
            AgreedScore.stage == stage,
            AgreedScore.status == AgreedScoreStatus.AGREED,
        )
    ).all()
    order = {c.id: c.position for c in application.campaign.criteria}
    return [
        CriterionFeedback(row.criterion.name, labels.get(row.value, str(row.value)), row.feedback)
        for row in sorted(rows, key=lambda r: order.get(r.criterion_id, 0))
    ]


# What a candidate is told about their progress. Nothing here reads a stage's scores or decision until the
# stage is released: before that, a sifted application reads "Submitted".
STAGES = ("sift", "interview")
TOOK_PART = {
    "sift": (
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.SIFT_PASSED,
        ApplicationStatus.SIFT_FAILED,
        ApplicationStatus.DID_NOT_ATTEND,
        ApplicationStatus.INTERVIEW_WITHDRAWN,
    ),
    "interview": (
        ApplicationStatus.SIFT_PASSED,
        ApplicationStatus.DID_NOT_ATTEND,
        ApplicationStatus.INTERVIEW_WITHDRAWN,
    ),
}
# Absence from the interview leaves the sift as it was: these candidates were invited.
ABSENT: dict[str, str] = {
    ApplicationStatus.DID_NOT_ATTEND: "Did not attend the interview",
    ApplicationStatus.INTERVIEW_WITHDRAWN: "Withdrew from the interview",
}
SIFT_OUTCOMES: dict[str, str] = {
    ApplicationStatus.SIFT_PASSED: "Invited to interview",
    ApplicationStatus.DID_NOT_ATTEND: "Invited to interview",
    ApplicationStatus.INTERVIEW_WITHDRAWN: "Invited to interview",
}


def released_stages(application: Application) -> tuple[str, ...]:
    """The stages of the campaign released to candidates (read only: a page view writes nothing)."""
    released = set(
        db.session.scalars(
            select(StageRecord.stage).where(
                StageRecord.campaign_id == application.campaign_id, StageRecord.released_at.is_not(None)
            )
        )
    )
    return tuple(stage for stage in STAGES if stage in released)


def released_outcome(application: Application, stage: str) -> str | None:
    """The outcome a candidate is told for a stage they took part in, or None before it is released."""
    if stage not in released_stages(application) or application.status not in TOOK_PART[stage]:
        return None
    if stage == "sift":
        return SIFT_OUTCOMES.get(application.status, "Not taken forward")
    if application.status in ABSENT:
        return ABSENT[application.status]
    from recruit.services.interview.offers import merit_view, outcome_for

    return outcome_for(merit_view(application.campaign), application)


def stage_outcome(application: Application, stage: str) -> str:
    """The outcome of a released stage, capitalised for display."""
    outcome = released_outcome(application, stage) or ""
    return outcome[:1].upper() + outcome[1:]


def visible_status(application: Application) -> str:
    """The application's status as its candidate may know it: stage decisions only once released."""
    if application.status in (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN):
        return application.status
    return released_outcome(application, "sift") or "submitted"
