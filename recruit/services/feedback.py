"""Feedback for candidates, written by the chair from the moderated record, and its release per stage.

Before an admin releases a stage, candidates see nothing of its scores; afterwards they see, per
criterion, the agreed score's label and the feedback, and their outcome.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import AgreedScore, Application, Campaign, Conflict, Indicator, Score, StageRecord, User
from recruit.services import audit, moderators
from recruit.services.errors import Refused
from recruit.services.stages import stage_record


def draft(agreed: AgreedScore) -> str:
    """A starting point for the chair: the indicators the panel saw, and the panel's agreed rationale."""
    conflicted = set(db.session.scalars(select(Conflict.assessor_id).where(
        Conflict.application_id == agreed.application_id, Conflict.stage == agreed.stage,
        Conflict.has_conflict.is_(True))))
    ticked: set[int] = set()
    for score in db.session.scalars(select(Score).where(
            Score.application_id == agreed.application_id, Score.criterion_id == agreed.criterion_id,
            Score.stage == agreed.stage, Score.status == "submitted")):
        if score.assessor_id not in conflicted:
            ticked |= set(score.ticked)
    indicators = db.session.scalars(select(Indicator).where(Indicator.id.in_(ticked)).order_by(
        Indicator.kind, Indicator.position)).all() if ticked else []
    strengths = [i.text for i in indicators if i.kind == "effective"]
    develop = [i.text for i in indicators if i.kind == "ineffective"]
    parts = []
    if strengths:
        parts.append("Your evidence showed that you: " + "; ".join(s[0].lower() + s[1:] for s in strengths) + ".")
    if develop:
        parts.append("To develop: the panel noted evidence that you " +
                     "; ".join(s[0].lower() + s[1:] for s in develop) + ".")
    if agreed.rationale:
        parts.append(agreed.rationale)
    return "\n\n".join(parts)


def save(actor: User, campaign: Campaign, agreed: AgreedScore, text: str) -> None:
    moderators.check(actor, campaign, agreed.stage, db.session.get(Application, agreed.application_id), "feedback")
    if stage_record(campaign, agreed.stage).released_at is not None:
        raise Refused("Feedback for this stage has been released and can no longer change")
    if len(text) > 5000:
        raise Refused("Feedback must be 5000 characters or fewer", "feedback")
    before = agreed.feedback
    agreed.feedback = text.strip()
    audit.record("feedback.written", "agreed_score", agreed.id, before={"feedback": before},
                 after={"feedback": agreed.feedback}, actor=actor)
    db.session.commit()


def release(actor: User, campaign: Campaign, stage: str) -> None:
    if actor.role != "admin":
        raise Refused("Only an admin releases outcomes and feedback")
    record = stage_record(campaign, stage)
    if record.signed_off_at is None:
        raise Refused("The stage must be signed off before its outcomes are released")
    if record.released_at is not None:
        raise Refused("Outcomes for this stage have already been released")
    record.released_at, record.released_by_id = utcnow(), actor.id
    audit.record(f"{stage}.released", "campaign", campaign.id, actor=actor)
    db.session.commit()


@dataclass
class CriterionFeedback:
    criterion: str
    label: str
    feedback: str


def released_for(application: Application, stage: str) -> list[CriterionFeedback] | None:
    """What the candidate may see for a stage: None until it is released."""
    if stage not in released_stages(application) or application.status not in TOOK_PART[stage]:
        return None
    labels = {point.value: point.label for point in application.campaign.scale.points}
    rows = db.session.scalars(select(AgreedScore).where(
        AgreedScore.application_id == application.id, AgreedScore.stage == stage,
        AgreedScore.status == "agreed")).all()
    order = {c.id: c.position for c in application.campaign.criteria}
    return [CriterionFeedback(row.criterion.name, labels.get(row.value, str(row.value)), row.feedback)
            for row in sorted(rows, key=lambda r: order.get(r.criterion_id, 0))]


# What a candidate is told about their progress. Nothing here reads a stage's scores or decision until the
# stage is released: before that, a sifted application reads "Submitted".
STAGES = ("sift", "interview")
TOOK_PART = {"sift": ("submitted", "sift_passed", "sift_failed", "did_not_attend", "interview_withdrawn"),
             "interview": ("sift_passed", "did_not_attend", "interview_withdrawn")}
# Absence from the interview leaves the sift as it was: these candidates were invited.
ABSENT = {"did_not_attend": "Did not attend the interview", "interview_withdrawn": "Withdrew from the interview"}
SIFT_OUTCOMES = {"sift_passed": "Invited to interview", "did_not_attend": "Invited to interview",
                 "interview_withdrawn": "Invited to interview"}


def released_stages(application: Application) -> tuple[str, ...]:
    """The stages of the campaign released to candidates (read only: a page view writes nothing)."""
    released = set(db.session.scalars(select(StageRecord.stage).where(
        StageRecord.campaign_id == application.campaign_id, StageRecord.released_at.is_not(None))))
    return tuple(stage for stage in STAGES if stage in released)


def released_outcome(application: Application, stage: str) -> str | None:
    """The outcome a candidate is told for a stage they took part in, or None before it is released."""
    if stage not in released_stages(application) or application.status not in TOOK_PART[stage]:
        return None
    if stage == "sift":
        return SIFT_OUTCOMES.get(application.status, "Not taken forward")
    if application.status in ABSENT:
        return ABSENT[application.status]
    from recruit.services.offers import merit_view, outcome_for

    return outcome_for(merit_view(application.campaign), application)


def stage_outcome(application: Application, stage: str) -> str:
    """The outcome of a released stage, capitalised for display."""
    outcome = released_outcome(application, stage) or ""
    return outcome[:1].upper() + outcome[1:]


def visible_status(application: Application) -> str:
    """The application's status as its candidate may know it: stage decisions only once released."""
    if application.status in ("draft", "submitted", "withdrawn"):
        return application.status
    return released_outcome(application, "sift") or "submitted"
