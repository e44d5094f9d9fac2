"""What may change in a campaign at each status, so nothing invalidates applications or scores.

- Draft: everything, including whether the campaign offers the Disability Confident guarantee (candidates are
  told when they apply).
- Open (candidates are applying against the published criteria and scale): the vacancy
  details, a later closing date, scoring rules (weights, pass marks, thresholds), panels and
  interview-only criteria. The sift criteria themselves (which competencies, levels, word
  limits, lead, order) and the scale are fixed.
- Closed: as open, except the closing date.
- Sift (scoring has started): only interview-only criteria and the interview panel.
- Interview, complete, withdrawn: nothing.
"""

from __future__ import annotations

from recruit.models import Campaign, Criterion
from recruit.models.campaign import CampaignStatus
from recruit.services.errors import Refused

BEFORE_SIFT = (CampaignStatus.DRAFT, CampaignStatus.OPEN, CampaignStatus.CLOSED)
BEFORE_INTERVIEW = (*BEFORE_SIFT, CampaignStatus.SIFT)


def _sift_criterion(criterion: Criterion | None, at_sift: bool | None) -> bool:
    return bool(at_sift) or (criterion is not None and criterion.at_sift)


def refusal(
    campaign: Campaign,
    action: str,
    *,
    criterion: Criterion | None = None,
    at_sift: bool | None = None,
    stage: str | None = None,
) -> str | None:
    """Why the action is not allowed now, or None when it is."""
    status = campaign.status
    if status in (CampaignStatus.COMPLETE, CampaignStatus.WITHDRAWN):
        return f"This campaign is {status}; it can no longer be changed"
    if action == "edit_details":
        return None if status in BEFORE_SIFT else "The vacancy details cannot change once the sift has started"
    if action == "change_closing":
        return (
            None
            if status in (CampaignStatus.DRAFT, CampaignStatus.OPEN)
            else ("The closing date cannot change once applications have closed")
        )
    if action == "change_scale":
        return (
            None
            if status == CampaignStatus.DRAFT
            else (
                "The scale cannot change once the campaign is open: "
                "candidates have been told which scale the panel uses"
            )
        )
    if action == "change_disability_confident":
        return (
            None
            if status == CampaignStatus.DRAFT
            else (
                "The Disability Confident guarantee cannot change once the campaign is open: "
                "candidates have been told whether it is offered"
            )
        )
    if action in ("add_criterion", "reshape_criterion", "remove_criterion"):
        if _sift_criterion(criterion, at_sift):
            return (
                None
                if status == CampaignStatus.DRAFT
                else (
                    "Sift criteria cannot change once the campaign is open: "
                    "candidates are writing evidence against them"
                )
            )
        return None if status in BEFORE_INTERVIEW else "Interview criteria cannot change once interviews have started"
    if action == "reorder_criteria":
        return (
            None
            if status == CampaignStatus.DRAFT
            else ("The order of the criteria cannot change once the campaign is open")
        )
    if action == "change_interview_criteria":
        return None if status in BEFORE_INTERVIEW else "Interview criteria cannot change once interviews have started"
    if action == "change_scoring_rules":
        if _sift_criterion(criterion, at_sift) or criterion is None:
            return None if status in BEFORE_SIFT else "Scoring rules cannot change once the sift has started"
        return None if status in BEFORE_INTERVIEW else "Scoring rules cannot change once interviews have started"
    if action == "change_panel":
        if stage == "sift":
            return None if status in BEFORE_SIFT else "The sift panel cannot change once the sift has started"
        return None if status in BEFORE_INTERVIEW else "The interview panel cannot change once interviews have started"
    raise ValueError(f"unknown campaign action {action!r}")


def allowed(
    campaign: Campaign,
    action: str,
    *,
    criterion: Criterion | None = None,
    at_sift: bool | None = None,
    stage: str | None = None,
) -> bool:
    return refusal(campaign, action, criterion=criterion, at_sift=at_sift, stage=stage) is None


def require(
    campaign: Campaign,
    action: str,
    *,
    criterion: Criterion | None = None,
    at_sift: bool | None = None,
    stage: str | None = None,
) -> None:
    reason = refusal(campaign, action, criterion=criterion, at_sift=at_sift, stage=stage)
    if reason is not None:
        raise Refused(reason)
