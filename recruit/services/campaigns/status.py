"""The campaign status flow: draft → open → closed → sift → interview → complete, or withdrawn.

Every move is an explicit admin action; each has checks, and a refused move says why
and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from recruit.clock import format_uk, utcnow
from recruit.extensions import db
from recruit.models import Campaign, StageRecord, StatusChange, User
from recruit.models.campaign import CampaignStatus as S
from recruit.services.campaigns.stages import stage_record_to_change
from recruit.services.errors import Refused
from recruit.services.records import audit
from recruit.services.unit_of_work import unit_of_work

NEXT: dict[str, S] = {S.DRAFT: S.OPEN, S.OPEN: S.CLOSED, S.CLOSED: S.SIFT, S.SIFT: S.INTERVIEW, S.INTERVIEW: S.COMPLETE}
ACTION_NAMES = {
    S.OPEN: "Open for applications",
    S.CLOSED: "Close applications",
    S.SIFT: "Start the sift",
    S.INTERVIEW: "Start the interview stage",
    S.COMPLETE: "Complete the campaign",
    S.WITHDRAWN: "Withdraw the campaign",
}


@dataclass(frozen=True)
class MoveConfirmation:
    """What the page confirming a move says and asks."""

    action: str
    publishes: bool  # opening: the vacancy is published, and the sift criteria and scale become fixed
    ends_campaign: bool  # withdrawing: the vacancy is taken down for good (a warning button)
    asks_reason: bool  # a reason is recorded with the move, and a refusal may be about it


def confirmation(target: S) -> MoveConfirmation:
    return MoveConfirmation(
        action=ACTION_NAMES[target],
        publishes=target is S.OPEN,
        ends_campaign=target is S.WITHDRAWN,
        asks_reason=target is S.WITHDRAWN,
    )


def panel_problems(campaign: Campaign, stage: str) -> list[str]:
    panel = campaign.panel(stage)
    name = "sift" if stage == "sift" else "interview"
    if panel is None or panel.chair is None:
        return [f"Choose a chair for the {name} panel"]
    if len(panel.members) < 2:
        return [f"Add at least one member to the {name} panel as well as the chair"]
    return []


def _record(campaign: Campaign, stage: str) -> StageRecord | None:
    return db.session.scalar(
        select(StageRecord).where(StageRecord.campaign_id == campaign.id, StageRecord.stage == stage)
    )


def problems_before(campaign: Campaign, target: str) -> list[str]:
    """Everything that stops the move to `target` now; empty when it can happen."""
    if target == S.WITHDRAWN:
        if campaign.finished:
            return [f"A {campaign.status} campaign cannot be withdrawn"]
        return []
    if NEXT.get(campaign.status) != target:
        return [f"A {campaign.status} campaign cannot move to {target}"]
    problems: list[str] = []
    if target == S.OPEN:
        if campaign.closes_at is None:
            problems.append("Set a closing date and time")
        elif campaign.closes_at <= utcnow():
            problems.append("The closing date must be in the future")
        if not campaign.criteria_at("sift"):
            problems.append("Add at least one criterion assessed at the sift")
        problems += panel_problems(campaign, "sift")
    elif target == S.CLOSED:
        if campaign.closes_at is not None and campaign.closes_at > utcnow():
            problems.append(
                f"Applications are open until {format_uk(campaign.closes_at)}; close the campaign after that"
            )
    elif target == S.SIFT:
        problems += panel_problems(campaign, "sift")
    elif target == S.INTERVIEW:
        record = _record(campaign, "sift")
        if record is None or record.decided_at is None:
            problems.append("Record the sift decision: who goes on to interview")
        if record is None or record.signed_off_at is None:
            problems.append("The sift panel's chair must sign off the sift")
        if not campaign.criteria_at("interview"):
            problems.append("Add at least one criterion assessed at interview")
        problems += panel_problems(campaign, "interview")
    elif target == S.COMPLETE:
        record = _record(campaign, "interview")
        if record is None or record.signed_off_at is None:
            problems.append("The interview panel's chair must sign off the interview stage")
    return problems


@unit_of_work()
def move(actor: User, campaign: Campaign, target: str, reason: str = "") -> None:
    problems = problems_before(campaign, target)
    if target == S.WITHDRAWN and not reason.strip():
        problems.append("Enter the reason for withdrawing the campaign")
    if problems:
        raise Refused("; ".join(problems))
    before = campaign.status
    campaign.status = target = S(target)
    campaign.status_changes.append(
        StatusChange(from_status=before, to_status=target, by_id=actor.id, reason=reason.strip())
    )
    audit.record(
        "campaign.status_changed",
        "campaign",
        campaign.id,
        before={"status": before},
        after={"status": target, **({"reason": reason.strip()} if reason.strip() else {})},
        actor=actor,
    )
    if target in (S.SIFT, S.INTERVIEW):
        # The stage's record starts with the stage, so that reading it never has to write it.
        stage_record_to_change(campaign, target)
    if target == S.SIFT:
        from recruit.services.assessment.results import start_presift

        start_presift(actor, campaign)
