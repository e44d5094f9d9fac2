"""The Disability Confident scheme (DESIGN §12): a candidate who declares a disability may opt in; a campaign may
guarantee an interview to opted-in candidates who meet the minimum criteria.

The minimum is an agreed score on every sift criterion: the campaign's Disability Confident minimum when the admin
set one, otherwise each criterion's pass mark. The overall pass mark is not part of it: the scheme asks for the
minimum on each criterion. The guarantee decides who is invited, never a score, a result or a rank.

The opt-in lives in `disability_confident_claims`, apart from the application; only the admin's pages read it. A
candidate invited under the guarantee looks to the panel like any other invited candidate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import Application, Campaign, Criterion, DisabilityConfidentClaim, User
from recruit.services.applications.submission import ensure_changeable
from recruit.services.assessment.ranking_rules import Result
from recruit.services.errors import Refused
from recruit.services.records import audit
from recruit.services.unit_of_work import unit_of_work

REASON_MAX = 2000
ANSWERS = {"yes": True, "no": False}
CHANGED = "Your answer was changed somewhere else at the same time, so nothing was saved. Check it and try again"


# ---------------------------------------------------------------------------------------------- the candidate


def claim_for(application: Application) -> DisabilityConfidentClaim | None:
    return db.session.scalar(
        select(DisabilityConfidentClaim).where(DisabilityConfidentClaim.application_id == application.id)
    )


def answer_label(claim: DisabilityConfidentClaim | None) -> str:
    if claim is None:
        return "Not answered"
    return "Yes, I want to apply under the scheme" if claim.opted_in else "No"


@dataclass(frozen=True)
class TaskEntry:
    status: str
    answered: bool


def task_list_entry(application: Application) -> TaskEntry | None:
    """The optional task on the candidate's task list; None when the campaign does not offer the guarantee."""
    if not application.campaign.disability_confident:
        return None
    claim = claim_for(application)
    return TaskEntry(answer_label(claim) if claim else "Optional", claim is not None)


@unit_of_work(CHANGED)
def answer(candidate: User, application: Application, choice: str | None, declared: bool) -> DisabilityConfidentClaim:
    """The candidate's answer: "yes" (with the declaration that they meet the definition) or "no". Changeable until
    the application is submitted."""
    if application.candidate_id != candidate.id:
        raise Refused("This is not your application")
    if not application.campaign.disability_confident:
        raise Refused("This vacancy does not offer the Disability Confident guarantee")
    ensure_changeable(application)
    if not choice:
        raise Refused("Select yes if you want to apply under the Disability Confident scheme", "opt_in")
    if choice not in ANSWERS:
        raise Refused("Select yes or no", "opt_in")
    opted_in = ANSWERS[choice]
    if opted_in and not declared:
        raise Refused("Confirm that you have a disability as the Equality Act 2010 defines it", "declaration")
    claim = claim_for(application)
    before = None if claim is None else claim.opted_in
    now = utcnow()
    if claim is None:
        claim = DisabilityConfidentClaim(application_id=application.id, opted_in=opted_in, answered_at=now)
        db.session.add(claim)
    claim.opted_in, claim.answered_at = opted_in, now
    claim.opted_in_at = (claim.opted_in_at or now) if opted_in else None
    db.session.flush()
    if before != opted_in:
        audit.record(
            "application.disability_confident_answered",
            "application",
            application.id,
            before=None if before is None else {"opted_in": before},
            after={"opted_in": opted_in},
            actor=candidate,
        )
    return claim


# -------------------------------------------------------------------------------------- the minimum criteria


def minimum_for(campaign: Campaign, criterion: Criterion) -> int:
    minimum = campaign.disability_confident_minimum
    return criterion.pass_mark if minimum is None else minimum


def met_minimum(campaign: Campaign, criteria: Sequence[Criterion], agreed: Mapping[str, int]) -> bool | None:
    """Whether the agreed scores meet the minimum on every criterion given; None until every one is agreed."""
    if any(c.code not in agreed for c in criteria):
        return None
    return all(agreed[c.code] >= minimum_for(campaign, c) for c in criteria)


def claims_of(campaign: Campaign, opted_in_only: bool = True) -> dict[int, DisabilityConfidentClaim]:
    """The campaign's claims by application id."""
    query = (
        select(DisabilityConfidentClaim)
        .join(Application, Application.id == DisabilityConfidentClaim.application_id)
        .where(Application.campaign_id == campaign.id)
    )
    if opted_in_only:
        query = query.where(DisabilityConfidentClaim.opted_in.is_(True))
    return {claim.application_id: claim for claim in db.session.scalars(query)}


def guaranteed(
    campaign: Campaign, criteria: Sequence[Criterion], results: Iterable[Result[Application]]
) -> list[Result[Application]]:
    """Opted-in applications whose agreed scores meet the minimum on the criteria scored (the lead alone at a
    pre-sift), when the campaign offers the guarantee."""
    if not campaign.disability_confident:
        return []
    claims = claims_of(campaign)
    return [r for r in results if r.key.id in claims and met_minimum(campaign, criteria, r.agreed)]


# ------------------------------------------------------------------------------------------ the sift decision


def reasons_left_out(met: Sequence[Result[Application]], left_out: Mapping[str, str | None] | None) -> dict[str, str]:
    """The admin's reasons for leaving out candidates who met the minimum, checked: every one named must be one
    who met it, and each needs a reason."""
    references = {r.key.reference for r in met}
    reasons: dict[str, str] = {}
    for reference, given in (left_out or {}).items():
        if reference not in references:
            raise Refused("Select only Disability Confident candidates who met the minimum criteria", "left_out")
        reason = (given or "").replace("\x00", "").strip()
        if not reason:
            raise Refused(f"Enter the reason for not inviting {reference}", f"reason-{reference}")
        if len(reason) > REASON_MAX:
            too_long = f"The reason for {reference} must be {REASON_MAX:,} characters or fewer"
            raise Refused(too_long, f"reason-{reference}")
        reasons[reference] = reason
    return reasons


def record_decision(
    actor: User,
    campaign: Campaign,
    chosen_by_rule: set[int],
    met: Sequence[Result[Application]],
    reasons: dict[str, str],
) -> dict[str, object]:
    """Marks who goes through under the guarantee and records the reasons for those left out (in the decision's
    unit of work). Returns what the decision's audit entry records about the scheme."""
    claims = claims_of(campaign)
    under_guarantee: list[Application] = []
    now = utcnow()
    for claim in claims.values():
        claim.invited_under_guarantee = False
        claim.not_invited_reason, claim.not_invited_by_id, claim.not_invited_at = "", None, None
    for result in met:
        claim = claims[result.key.id]
        if result.key.id in chosen_by_rule:
            continue  # the rule takes them anyway; a reason to leave them out of the guarantee changes nothing
        reason = reasons.get(result.key.reference)
        if reason is None:
            claim.invited_under_guarantee = True
            under_guarantee.append(result.key)
        else:
            claim.not_invited_reason, claim.not_invited_by_id, claim.not_invited_at = reason, actor.id, now
    return {
        "invited_under_guarantee": sorted(a.reference for a in under_guarantee),
        "not_invited": {
            r.key.reference: reasons[r.key.reference]
            for r in met
            if r.key.id not in chosen_by_rule and r.key.reference in reasons
        },
    }


def under_guarantee_ids(campaign: Campaign) -> set[int]:
    return {a for a, claim in claims_of(campaign).items() if claim.invited_under_guarantee}
