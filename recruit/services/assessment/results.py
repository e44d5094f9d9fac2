"""A stage's results from its agreed scores, the sift decision and the chair's sign-off."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import EllipsisType

from sqlalchemy import Row, select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import AgreedScore, Application, Campaign, Criterion, User
from recruit.models.application import ApplicationStatus
from recruit.models.campaign import CampaignStatus
from recruit.models.scoring import AgreedScoreStatus
from recruit.services.applications import disability_confident as scheme
from recruit.services.assessment.board import load_items
from recruit.services.assessment.ranking_rules import CriterionRule, Result, evaluate, rank
from recruit.services.campaigns.stages import (
    eligible_query,
    is_chair,
    presift_active,
    stage_criteria,
    stage_record,
    stage_record_to_change,
    withdrawn_after_sign_off,
)
from recruit.services.errors import Refused
from recruit.services.records import audit
from recruit.services.unit_of_work import unit_of_work


@dataclass
class StageResults:
    criteria: list[Criterion]
    results: list[Result[Application]]  # every eligible application, ranked ones first in rank order
    unagreed: int  # items still without an agreed score

    @property
    def complete(self) -> bool:
        return self.unagreed == 0


def rules_for(criteria: list[Criterion]) -> list[CriterionRule]:
    return [CriterionRule(c.code, c.weight, c.pass_mark, c.is_lead) for c in criteria]


def compute(
    campaign: Campaign,
    stage: str,
    criteria: list[Criterion] | None = None,
    overall_pass_mark: int | EllipsisType | None = ...,
) -> StageResults:
    criteria = criteria if criteria is not None else stage_criteria(campaign, stage)
    if overall_pass_mark is ...:
        # The overall pass mark applies to the full set of criteria, not to a pre-sift on the lead alone.
        overall_pass_mark = None if presift_active(campaign, stage) else campaign.overall_pass_mark
    applications = list(db.session.scalars(eligible_query(campaign, stage).order_by(Application.reference)))
    ids = [a.id for a in applications]
    # Plain rows, read one at a time (30,000 ORM-processed rows held at once keep the garbage collector busy),
    # for the same applications by subquery rather than thousands of ids.
    db.session.flush()
    agreed_rows: Iterable[Row[tuple[int, int, int]]] = (
        db.session.connection().execute(
            select(AgreedScore.application_id, AgreedScore.criterion_id, AgreedScore.value).where(
                AgreedScore.stage == stage,
                AgreedScore.status == AgreedScoreStatus.AGREED,
                AgreedScore.application_id.in_(
                    eligible_query(campaign, stage).with_only_columns(Application.id).scalar_subquery()
                ),
            )
        )
        if ids
        else []
    )
    codes = {c.id: c.code for c in criteria}
    agreed: dict[int, dict[str, int]] = {a.id: {} for a in applications}
    for application_id, criterion_id, value in agreed_rows:
        if criterion_id in codes:
            agreed[application_id][codes[criterion_id]] = value
    rules = rules_for(criteria)
    results, unagreed = [], 0
    for application in applications:
        scores = agreed[application.id]
        missing = len(criteria) - len(scores)
        if missing:
            unagreed += missing
            continue
        results.append(evaluate(application, scores, rules, overall_pass_mark))
    ranked = rank(results, rules)
    unranked = [r for r in results if r.rank is None]
    return StageResults(criteria=criteria, results=ranked + unranked, unagreed=unagreed)


def start_presift(actor: User, campaign: Campaign) -> bool:
    """At the start of the sift: with more submitted applications than the pre-sift threshold, score the lead
    criterion first. Returns whether a pre-sift is running."""
    count = len(db.session.scalars(eligible_query(campaign, "sift")).all())
    record = stage_record_to_change(campaign, "sift")
    if (
        campaign.presift_threshold is not None
        and campaign.lead_criterion is not None
        and count > campaign.presift_threshold
    ):
        record.presift_active = True
        audit.record(
            "sift.presift_started",
            "campaign",
            campaign.id,
            after={
                "applications": count,
                "threshold": campaign.presift_threshold,
                "lead": campaign.lead_criterion.code,
            },
            actor=actor,
        )
    return record.presift_active


@unit_of_work()
def finish_presift(actor: User, campaign: Campaign) -> int:
    """Applications failing the lead criterion leave the sift; the rest go on to the full sift, and so do
    Disability Confident candidates who meet the minimum on the lead criterion (the guarantee)."""
    if not (is_chair(campaign, "sift", actor) or actor.role == "admin"):
        raise Refused("Only the chair or an admin can finish the pre-sift")
    if not presift_active(campaign, "sift"):
        raise Refused("There is no pre-sift running")
    outcome = compute(campaign, "sift")
    if not outcome.complete:
        raise Refused(f"Agree every pre-sift score first: {outcome.unagreed} still to agree")
    kept = {r.key.id for r in scheme.guaranteed(campaign, outcome.criteria, outcome.results)}
    failed = [r.key for r in outcome.results if not r.passed and r.key.id not in kept]
    under_guarantee = sorted(r.key.reference for r in outcome.results if not r.passed and r.key.id in kept)
    for application in failed:
        application.status = ApplicationStatus.PRESIFT_FAILED
    record = stage_record_to_change(campaign, "sift")
    record.presift_active = False
    record.presift_done_at = utcnow()
    after: dict[str, object] = {"failed": [a.reference for a in failed]}
    if under_guarantee:
        after["through_under_disability_confident_guarantee"] = under_guarantee
    audit.record("sift.presift_finished", "campaign", campaign.id, after=after, actor=actor)
    return len(failed)


@unit_of_work()
def decide(
    actor: User,
    campaign: Campaign,
    stage: str,
    rule: str,
    top_n: int | None,
    left_out: Mapping[str, str | None] | None = None,
) -> list[Application]:
    """Who goes on from the sift: everyone who passes, or the top N by rank (ties at the cut all go on), and,
    with the Disability Confident guarantee, every opted-in candidate who met the minimum criteria unless the
    admin left them out with a reason (`left_out`: reference to reason)."""
    if actor.role != "admin":
        raise Refused("Only an admin can make the sift decision")
    if stage != "sift" or campaign.status != CampaignStatus.SIFT:
        raise Refused("The sift decision is made while the campaign is at the sift")
    if presift_active(campaign, stage):
        raise Refused("Finish the pre-sift first")
    record = stage_record_to_change(campaign, stage)
    if record.signed_off_at is not None:
        raise Refused("The sift has been signed off; its decision cannot change")
    outcome = compute(campaign, stage)
    if not outcome.complete:
        raise Refused(f"Agree every score first: {outcome.unagreed} still to agree")
    if rule == "top_n":
        if top_n is None or top_n < 1:
            raise Refused("Enter how many applications go on to interview", "top_n")
        chosen = [r for r in outcome.results if r.rank is not None and r.rank <= top_n]
    elif rule == "all_passing":
        chosen = [r for r in outcome.results if r.passed]
    else:
        raise Refused("Select who goes on to interview", "rule")
    by_rule = {r.key.id for r in chosen}
    met = scheme.guaranteed(campaign, outcome.criteria, outcome.results)
    reasons = scheme.reasons_left_out(met, left_out)
    chosen += [r for r in met if r.key.id not in by_rule and r.key.reference not in reasons]
    chosen_ids = {r.key.id for r in chosen}
    for result in outcome.results:
        result.key.status = (
            ApplicationStatus.SIFT_PASSED if result.key.id in chosen_ids else ApplicationStatus.SIFT_FAILED
        )
    record.decision_rule, record.decision_top_n = rule, top_n if rule == "top_n" else None
    record.decided_at, record.decided_by_id = utcnow(), actor.id
    after: dict[str, object] = {
        "rule": rule,
        "top_n": record.decision_top_n,
        "through": sorted(r.key.reference for r in chosen),
    }
    if campaign.disability_confident:
        after["disability_confident"] = scheme.record_decision(actor, campaign, by_rule, met, reasons)
    audit.record("sift.decided", "campaign", campaign.id, after=after, actor=actor)
    return [r.key for r in chosen]


def withdraw_decision(actor: User, campaign: Campaign, stage: str, reason: str) -> None:
    """An agreed score reopened after the sift decision makes that decision stale: it is withdrawn (in the
    caller's transaction) and the admin decides again once the item is agreed again."""
    if stage != "sift":
        return
    record = stage_record(campaign, stage)
    if record.decided_at is None:
        return
    decided = eligible_query(campaign, stage).where(
        Application.status.in_((ApplicationStatus.SIFT_PASSED, ApplicationStatus.SIFT_FAILED))
    )
    for application in db.session.scalars(decided):
        application.status = ApplicationStatus.SUBMITTED
    before = {"rule": record.decision_rule, "top_n": record.decision_top_n}
    record.decision_rule = record.decision_top_n = record.decided_at = record.decided_by_id = None
    audit.record(
        "sift.decision_withdrawn", "campaign", campaign.id, before=before, after={"reason": reason}, actor=actor
    )


def sign_off_refusal(actor: User, campaign: Campaign, stage: str, outcome: StageResults | None = None) -> str | None:
    """Why this person may not sign off the stage now; None when they may. Reads only (a confirmation page asks
    it too); `outcome` is the stage's results when the caller has computed them already."""
    if not is_chair(campaign, stage, actor):
        return "Only the panel's chair can sign off the stage"
    if campaign.status != stage:
        return "This stage is not running"
    record = stage_record(campaign, stage)
    if record.signed_off_at is not None:
        return "This stage has already been signed off"
    outcome = outcome if outcome is not None else compute(campaign, stage)
    if not outcome.complete:
        return f"Every item must be agreed before sign-off: {outcome.unagreed} still to agree"
    if stage == "sift" and record.decided_at is None:
        return "The admin must record the sift decision before sign-off"
    return None


@unit_of_work()
def sign_off(actor: User, campaign: Campaign, stage: str) -> None:
    record = stage_record_to_change(campaign, stage)
    refusal = sign_off_refusal(actor, campaign, stage)
    if refusal is not None:
        raise Refused(refusal)
    from recruit.services.reports import versions as reports

    record.signed_off_at, record.signed_off_by = utcnow(), actor
    audit.record(f"{stage}.signed_off", "campaign", campaign.id, after={"by": actor.email}, actor=actor)
    # The reports as signed off, fixed in the same transaction: nothing after this moment can change them.
    reports.freeze_signed_off(actor, campaign, stage)


@dataclass(frozen=True)
class LaterEvent:
    """Something that happened to an application after its stage was signed off, shown beside the results."""

    reference: str
    what: str
    at: datetime


def later_events(campaign: Campaign, stage: str) -> list[LaterEvent]:
    """Withdrawals after the stage's sign-off, oldest first. The results themselves stay as signed off."""
    rows = db.session.execute(
        eligible_query(campaign, stage)
        .with_only_columns(Application.reference, Application.withdrawn_at)
        .where(withdrawn_after_sign_off(stage))
        .order_by(Application.withdrawn_at, Application.reference)
    )
    return [LaterEvent(reference, "Withdrew", at) for reference, at in rows]


def unscored_items(campaign: Campaign, stage: str) -> int:
    applications = list(db.session.scalars(eligible_query(campaign, stage)))
    return sum(1 for item in load_items(campaign, stage, applications) if item.state.status != "agreed")
