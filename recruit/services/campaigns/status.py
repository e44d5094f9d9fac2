"""The campaign status flow: draft → open → closed → sift → interview → complete, or withdrawn.

Every move is an explicit admin action; each has checks, and a refused move says why
and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from recruit.clock import format_uk, utcnow
from recruit.extensions import db
from recruit.models import Application, Campaign, StatusChange, User
from recruit.models.application import ApplicationStatus as A
from recruit.models.campaign import CampaignStatus as S
from recruit.services.campaigns.stages import ELIGIBLE, recorded, stage_record_to_change
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
    # What the move does, in sentences worked out from the campaign as it is now (real counts and names).
    consequences: list[str] = field(default_factory=list)
    # What cannot be undone, for GOV.UK warning text; empty when the move can be taken back.
    warning: str = ""


def _count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number} {singular if number == 1 else (plural or singular + 's')}"


def _verb(number: int, singular: str, plural: str) -> str:
    return singular if number == 1 else plural


def application_counts(campaign: Campaign) -> dict[str, int]:
    """How many of the campaign's applications are in each status."""
    rows = db.session.execute(
        select(Application.status, func.count(Application.id))
        .where(Application.campaign_id == campaign.id)
        .group_by(Application.status)
    ).all()
    return {str(status): int(number) for status, number in rows}


def _names(people: list[str]) -> str:
    return people[0] if len(people) == 1 else ", ".join(people[:-1]) + " and " + people[-1]


def _panel_sentence(campaign: Campaign, stage: str) -> str:
    panel = campaign.panel(stage)
    if panel is None or panel.chair is None:
        return f"The {stage} panel has no chair yet."
    others = [member.user.name for member in panel.members if not member.is_chair]
    sentence = f"{panel.chair.name} chairs the {stage} panel"
    return sentence + (f"; {_names(others)} {_verb(len(others), 'sits', 'sit')} on it." if others else ".")


def _presift_sentence(campaign: Campaign, applications: int) -> str | None:
    threshold = campaign.presift_threshold
    if threshold is None:
        return None
    lead = campaign.lead_criterion
    if lead is None:
        return f"A pre-sift threshold of {threshold} is set, but no criterion is the lead, so there is no pre-sift."
    if applications > threshold:
        return (
            f"There are more applications than the pre-sift threshold of {threshold}, so the panel first scores "
            f"the lead criterion, {lead.name}, alone; only applications that pass it go on to the full sift."
        )
    return (
        f"The pre-sift threshold is {threshold}; with {_count(applications, 'application')} there is no pre-sift, "
        "so the panel scores every sift criterion."
    )


def _consequences(campaign: Campaign, target: S) -> tuple[list[str], str]:
    counts = application_counts(campaign)
    submitted, drafts = counts.get(A.SUBMITTED, 0), counts.get(A.DRAFT, 0)
    active = sum(number for status, number in counts.items() if status != A.WITHDRAWN)
    if target is S.OPEN:
        sift = campaign.criteria_at("sift")
        closes = f"until {format_uk(campaign.closes_at)} (UK time)" if campaign.closes_at else "until it closes"
        return [
            f"The vacancy is published on the public vacancies list, and anyone can apply {closes}.",
            f"The {_count(len(sift), 'sift criterion', 'sift criteria')} ({', '.join(c.name for c in sift)}), "
            f"their levels, word limits and order, and the {campaign.scale.name} become fixed: candidates "
            "write their evidence against them.",
            "You can still change the vacancy details, make the closing date later, and change pass marks, "
            "weights, the panels and criteria assessed only at interview.",
        ], "Once the campaign is open it cannot go back to draft."
    if target is S.CLOSED:
        sentences = [
            f"{_count(submitted, 'submitted application')} {_verb(submitted, 'goes', 'go')} to the sift; "
            f"{_count(drafts, 'draft application')} will lapse."
        ]
        if drafts:
            sentences.append("Candidates with a draft can no longer submit it.")
        return sentences, "Applications cannot be reopened once closed."
    if target is S.SIFT:
        going = sum(counts.get(status, 0) for status in ELIGIBLE["sift"])
        sentences = [
            f"{_count(going, 'application')} {_verb(going, 'goes', 'go')} to the sift.",
            _panel_sentence(campaign, "sift"),
        ]
        presift = _presift_sentence(campaign, going)
        if presift:
            sentences.append(presift)
        sentences.append("The vacancy details, the scoring rules and the sift panel become fixed.")
        return sentences, "Scoring starts: the sift cannot be undone."
    if target is S.INTERVIEW:
        passed = counts.get(A.SIFT_PASSED, 0)
        return [
            f"{_count(passed, 'candidate')} {_verb(passed, 'goes', 'go')} on to interview.",
            _panel_sentence(campaign, "interview"),
            "The interview criteria and the interview panel become fixed.",
        ], "The campaign cannot go back to the sift."
    if target is S.COMPLETE:
        return [
            f"The campaign ends for the {_count(active, 'candidate')} with an application: their applications, "
            "scores and results are kept as they stand.",
            "Nothing about the campaign can change any more.",
        ], "Completing the campaign cannot be undone."
    # Withdrawing
    return [
        "The vacancy is taken down from the public vacancies list.",
        f"The campaign ends for the {_count(active, 'candidate')} with an application "
        f"({submitted} submitted, {_count(drafts, 'draft')}): none of them can change it any more.",
        "Nothing about the campaign can change any more.",
    ], "Withdrawing the campaign cannot be undone."


def confirmation(campaign: Campaign, target: S) -> MoveConfirmation:
    consequences, warning = _consequences(campaign, target)
    return MoveConfirmation(
        action=ACTION_NAMES[target],
        publishes=target is S.OPEN,
        ends_campaign=target is S.WITHDRAWN,
        asks_reason=target is S.WITHDRAWN,
        consequences=consequences,
        warning=warning,
    )


def panel_problems(campaign: Campaign, stage: str) -> list[str]:
    panel = campaign.panel(stage)
    name = "sift" if stage == "sift" else "interview"
    if panel is None or panel.chair is None:
        return [f"Choose a chair for the {name} panel"]
    if len(panel.members) < 2:
        return [f"Add at least one member to the {name} panel as well as the chair"]
    return []


def missing_advert_terms(campaign: Campaign) -> list[str]:
    """The terms every advert states that this campaign's vacancy details lack (a campaign made before they
    were asked for); a vacancy is not published without them."""
    terms = (
        (campaign.salary_min is not None, "Enter the salary"),
        (campaign.contract_type is not None, "Select the type of contract"),
        (bool(campaign.working_patterns), "Select at least one working pattern"),
        (campaign.security_clearance is not None, "Select the security clearance the job needs"),
        (bool(campaign.contact_email), "Enter a contact for questions"),
    )
    return [message for present, message in terms if not present]


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
        problems += missing_advert_terms(campaign)
        if not campaign.criteria_at("sift"):
            problems.append("Add at least one criterion assessed at the sift")
        problems += panel_problems(campaign, "sift")
    elif target == S.CLOSED:
        if campaign.closes_at is not None and campaign.closes_at > utcnow():
            problems.append(
                f"Applications are open until {format_uk(campaign.closes_at)}; close the campaign after that"
            )
    elif target == S.SIFT:
        from recruit.services.assessment import calibration

        problems += panel_problems(campaign, "sift")
        problems += calibration.problems(campaign)
    elif target == S.INTERVIEW:
        record = recorded(campaign, "sift")
        if record is None or record.decided_at is None:
            problems.append("Record the sift decision: who goes on to interview")
        if record is None or record.signed_off_at is None:
            problems.append("The sift panel's chair must sign off the sift")
        if not campaign.criteria_at("interview"):
            problems.append("Add at least one criterion assessed at interview")
        problems += panel_problems(campaign, "interview")
    elif target == S.COMPLETE:
        record = recorded(campaign, "interview")
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
    if target in (S.SIFT, S.INTERVIEW):
        from recruit.services.notifications import messages

        messages.stage_open(campaign, target)
