"""The chair's moderation: agreeing scores, in bulk where nothing is discrepant, and reopening them.

An agreed score locks the item. A rationale is required for every discrepant item and every
change from the proposal. Each decision and its audit entry commit or roll back together;
two chairs agreeing the same item at once give one agreed score and a clear message to the second.
"""

from __future__ import annotations

from sqlalchemy import select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import AgreedScore, AgreedScoreVersion, Application, Campaign, Conflict, Criterion, User
from recruit.models.scoring import AgreedScoreStatus
from recruit.services.assessment import moderators
from recruit.services.assessment.board import Item, load_items
from recruit.services.assessment.moderation_rules import agreement_needs_rationale
from recruit.services.assessment.results import withdraw_decision
from recruit.services.campaigns.stages import eligible_query, has_applied, is_chair, scoring_open
from recruit.services.errors import Refused
from recruit.services.frameworks import kept_wording
from recruit.services.records import audit
from recruit.services.unit_of_work import unit_of_work

ALREADY = "This item has just been agreed by someone else; the agreed score is shown below"
AGREED_AT_THE_SAME_TIME = "Some items were agreed by someone else at the same time; nothing was confirmed. Try again"


def _check_open(campaign: Campaign, stage: str) -> None:
    if not scoring_open(campaign, stage):
        raise Refused("Moderation for this stage is closed")


def item_for(campaign: Campaign, stage: str, application: Application, criterion: Criterion) -> Item:
    return load_items(campaign, stage, [application], [criterion])[0]


def _write(user: User, item: Item, stage: str, value: int, rationale: str, bulk: bool) -> AgreedScore:
    proposal = item.state.proposal
    if proposal is None:
        raise Refused("Every assessor without a conflict must submit a score before the item can be agreed")
    existing = item.agreed
    if existing is not None and existing.locked:
        raise Refused(ALREADY)
    if existing is None:
        existing = AgreedScore(
            application_id=item.application.id,
            criterion_id=item.criterion.id,
            stage=stage,
            value=value,
            proposal=proposal,
            discrepant=item.state.discrepant,
            agreed_by_id=user.id,
        )
        db.session.add(existing)
    existing.value = value
    existing.proposal = proposal
    existing.discrepant = item.state.discrepant
    existing.rationale = rationale.strip()
    existing.status = AgreedScoreStatus.AGREED
    existing.agreed_by_id = user.id
    existing.agreed_at = utcnow()
    db.session.flush()
    # Added by id rather than appended to existing.history, which would first load every earlier version.
    db.session.add(
        AgreedScoreVersion(
            agreed_score_id=existing.id, action="agreed", value=value, rationale=existing.rationale, by_id=user.id
        )
    )
    audit.record(
        "moderation.bulk_confirmed" if bulk else "moderation.agreed",
        "agreed_score",
        existing.id,
        after={
            "application": item.application.reference,
            "criterion": item.criterion.code,
            "stage": stage,
            "value": value,
            "proposal": item.state.proposal,
            "discrepant": item.state.discrepant,
            "scores": list(item.state.scores),
            "rationale": existing.rationale,
        },
        actor=user,
    )
    return existing


@unit_of_work(ALREADY)
def agree(
    user: User,
    campaign: Campaign,
    application: Application,
    criterion: Criterion,
    stage: str,
    value: int,
    rationale: str,
    *,
    item: Item | None = None,
) -> AgreedScore:
    """Agree the item's score. `item` is the item as this transaction has already read it (the item page reads it to
    show it), else it is read here."""
    if item is None or (item.application.id, item.criterion.id) != (application.id, criterion.id):
        item = item_for(campaign, stage, application, criterion)
    moderators.check(user, campaign, stage, application, conflicted=item.conflicted)
    _check_open(campaign, stage)
    if item.state.is_agreed:
        raise Refused(ALREADY)
    if not item.state.ready:
        raise Refused("Every assessor without a conflict must submit a score before the item can be agreed")
    if value not in {point.value for point in kept_wording.scale_points(campaign.scale_id)}:
        raise Refused("Select the agreed score", "value")
    if agreement_needs_rationale(item.state, value) and not rationale.strip():
        reason = "this item is discrepant" if item.state.discrepant else "the agreed score differs from the proposal"
        raise Refused(f"Enter the rationale for the agreed score: {reason}", "rationale")
    return _write(user, item, stage, value, rationale, bulk=False)


def bulk_refusal(user: User, campaign: Campaign, stage: str) -> str | None:
    """Why this person may not confirm the stage's proposals in bulk now; None when they may."""
    if not is_chair(campaign, stage, user):
        return moderators.NOT_YOURS["agree"]
    if not scoring_open(campaign, stage):
        return "Moderation for this stage is closed"
    if has_applied(campaign, user):
        return moderators.APPLICANT
    return None


def confirmable(user: User, item: Item, campaign: Campaign, stage: str) -> bool:
    """Whether bulk confirmation agrees this item's proposal: ready, not discrepant, and the person moderates it."""
    return (
        item.state.ready
        and item.state.proposal is not None
        and not item.state.discrepant
        and moderators.may_moderate(user, campaign, stage, item.application, conflicted=item.conflicted)
    )


@unit_of_work(AGREED_AT_THE_SAME_TIME)
def confirm_all_proposals(user: User, campaign: Campaign, stage: str, applications: list[Application]) -> int:
    """Agree the proposal of every ready, non-discrepant item among these applications, except those of
    applications the chair may not moderate (see `proposals_left_for_others`)."""
    refusal = bulk_refusal(user, campaign, stage)
    if refusal is not None:
        raise Refused(refusal)
    count = 0
    for item in load_items(campaign, stage, applications):
        proposal = item.state.proposal
        if proposal is not None and confirmable(user, item, campaign, stage):
            _write(user, item, stage, proposal, "", bulk=True)
            count += 1
    return count


def proposals_left_for_others(user: User, campaign: Campaign, stage: str) -> tuple[int, int]:
    """What bulk confirmation left for an admin or a deputy chair: the ready, non-discrepant items of the
    applications whose candidate this chair declared a conflict with, and how many applications they are in."""
    conflicted = list(
        db.session.scalars(
            eligible_query(campaign, stage).where(
                Application.id.in_(
                    select(Conflict.application_id).where(
                        Conflict.assessor_id == user.id, Conflict.stage == stage, Conflict.has_conflict.is_(True)
                    )
                )
            )
        )
    )
    left = [item for item in load_items(campaign, stage, conflicted) if item.state.ready and not item.state.discrepant]
    return len(left), len({item.application.id for item in left})


@unit_of_work("This item was changed by someone else. Reload the page and try again")
def reopen(user: User, campaign: Campaign, agreed: AgreedScore, reason: str) -> None:
    stage = agreed.stage
    moderators.check(user, campaign, stage, db.session.get_one(Application, agreed.application_id), "reopen")
    if not scoring_open(campaign, stage):
        raise Refused("This stage has been signed off; its agreed scores can no longer be reopened")
    if not agreed.locked:
        raise Refused("This item is already open")
    if not reason.strip():
        raise Refused("Enter the reason for reopening", "reason")
    agreed.status = AgreedScoreStatus.REOPENED
    db.session.flush()
    agreed.history.append(
        AgreedScoreVersion(
            action="reopened", value=agreed.value, rationale=agreed.rationale, reason=reason.strip(), by_id=user.id
        )
    )
    audit.record(
        "moderation.reopened",
        "agreed_score",
        agreed.id,
        before={"value": agreed.value, "status": "agreed"},
        after={"status": "reopened", "reason": reason.strip()},
        actor=user,
    )
    withdraw_decision(user, campaign, stage, reason.strip())


def agreed_score_for(campaign: Campaign, agreed_id: int) -> AgreedScore | None:
    agreed = db.session.get(AgreedScore, agreed_id)
    if agreed is None or agreed.criterion.campaign_id != campaign.id:
        return None
    return agreed


def history_of(agreed: AgreedScore) -> list[AgreedScoreVersion]:
    return list(
        db.session.scalars(
            select(AgreedScoreVersion)
            .where(AgreedScoreVersion.agreed_score_id == agreed.id)
            .order_by(AgreedScoreVersion.id)
        )
    )
