"""The campaign page as a task list: what is done, what is missing and what comes next.

Each task of setting up a campaign has a status, a hint saying what is missing, and the page where it is done;
the last task opens the campaign, and can start only when nothing blocks opening (status.problems_before). Above
the list the page says which stage the campaign is at and what to do next. The template shows these as they are
and compares no status.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from recruit.clock import format_uk, utcnow
from recruit.models import Campaign
from recruit.models.campaign import CampaignStatus as S
from recruit.services.campaigns import status as campaign_status
from recruit.services.campaigns.criteria import level_warning
from recruit.services.campaigns.rules import allowed
from recruit.services.campaigns.setup import assessors


class TaskStatus(StrEnum):
    """A task's status; each value has its label in recruit/labels.py."""

    COMPLETED = "completed"
    INCOMPLETE = "incomplete"
    CANNOT_START = "cannot_start"


@dataclass(frozen=True)
class Task:
    key: str  # the task's id on the page
    name: str
    status: TaskStatus
    hint: str
    # Where the task is done (an endpoint of the campaigns blueprint and its arguments besides campaign_id);
    # None when there is nothing to do there now.
    endpoint: str | None = None
    args: dict[str, str] = field(default_factory=dict)
    anchor: str | None = None  # a part of the campaign page itself
    blueprint: str = "campaigns"  # where the endpoint is, when the page is shared with others (the chair)

    @property
    def tagged(self) -> bool:
        """Shown as a tag (a task to do), as the Design System marks incomplete tasks."""
        return self.status is TaskStatus.INCOMPLETE

    @property
    def status_classes(self) -> str:
        return "govuk-task-list__status--cannot-start-yet" if self.status is TaskStatus.CANNOT_START else ""


@dataclass(frozen=True)
class NextStep:
    """What to do next: a move of the campaign's status (a link to its confirmation page when `target` is set),
    with what still stands in its way."""

    text: str  # "Next: start the sift"
    target: str | None = None
    blockers: list[str] = field(default_factory=list)
    action: str = ""  # the button's text, when there is a move to make


def _task(key: str, name: str, problems: list[str], done: str, endpoint: str | None, **args: str) -> Task:
    if problems:
        return Task(key, name, TaskStatus.INCOMPLETE, "; ".join(problems), endpoint, args)
    return Task(key, name, TaskStatus.COMPLETED, done, endpoint, args)


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def details_task(campaign: Campaign) -> Task:
    missing = [
        message
        for value, message in (
            (campaign.title, "Enter the job title"),
            (campaign.organisation, "Enter the organisation or business unit"),
            (campaign.location, "Enter the location"),
            (campaign.description, "Enter a description of the job"),
        )
        if not (value or "").strip()
    ]
    # The advert's terms: a campaign made before they existed asks for them here, before it can be published.
    missing += campaign_status.missing_advert_terms(campaign)
    done = f"{campaign.organisation}, {campaign.location}; {_plural(campaign.posts, 'post')}"
    return _task("vacancy-details", "Vacancy details", missing, done, _if(campaign, "edit_details", "details"))


def closing_task(campaign: Campaign) -> Task:
    problems: list[str] = []
    if campaign.closes_at is None:
        problems.append("Set a closing date and time")
    elif campaign.is_draft and campaign.closes_at <= utcnow():
        problems.append("The closing date must be in the future")
    done = f"Closes {format_uk(campaign.closes_at)} (UK time)" if campaign.closes_at else ""
    return _task("closing-date", "Closing date", problems, done, _if(campaign, "change_closing", "closing"))


def criteria_task(campaign: Campaign) -> Task:
    # The criteria are added, changed and removed from their table on the campaign page.
    endpoint = (
        "overview" if allowed(campaign, "add_criterion") or allowed(campaign, "change_interview_criteria") else None
    )
    sift, interview = campaign.criteria_at("sift"), campaign.criteria_at("interview")
    problems = [] if sift else ["Add at least one criterion assessed at the sift"]
    notes = [f"{_plural(len(sift), 'criterion', 'criteria')} at the sift, {len(interview)} at interview"]
    if not interview:
        notes.append("add at least one criterion assessed at interview before the interview stage")
    warned = [c.name for c in campaign.criteria if level_warning(c)]
    if warned:
        notes.append("check the level of " + ", ".join(warned))
    status = TaskStatus.INCOMPLETE if problems else TaskStatus.COMPLETED
    hint = "; ".join(problems or notes)
    return Task("criteria", "Criteria", status, hint, endpoint, anchor="criteria" if endpoint else None)


def scoring_problems(campaign: Campaign) -> list[str]:
    """What in the scoring settings cannot work with the criteria as they are."""
    problems = []
    sift = campaign.criteria_at("sift")
    if campaign.presift_threshold is not None and not any(c.is_lead for c in sift):
        problems.append(
            "Choose a lead criterion assessed at the sift for the pre-sift, or remove the pre-sift threshold"
        )
    values = [point.value for point in campaign.scale.points]
    if campaign.overall_pass_mark is not None and values:
        for stage, items in (("sift", sift), ("interview", campaign.criteria_at("interview"))):
            highest = sum(c.weight for c in items) * max(values)
            if items and campaign.overall_pass_mark > highest:
                problems.append(
                    f"The overall pass mark of {campaign.overall_pass_mark} is more than the highest possible "
                    f"{stage} total, {highest}"
                )
    return problems


def scoring_task(campaign: Campaign) -> Task:
    endpoint = _if(campaign, "change_scoring_rules", "settings")
    if not campaign.criteria:
        return Task(
            "scoring", "Scoring", TaskStatus.CANNOT_START, "Add the criteria first: pass marks are set for each one"
        )
    parts = [campaign.scale.name, f"discrepancy threshold {campaign.discrepancy_threshold}"]
    if campaign.overall_pass_mark is not None:
        parts.append(f"overall pass mark {campaign.overall_pass_mark}")
    if campaign.presift_threshold is not None:
        parts.append(f"pre-sift above {_plural(campaign.presift_threshold, 'application')}")
    return _task("scoring", "Scoring", scoring_problems(campaign), "; ".join(parts), endpoint)


def panel_task(campaign: Campaign, stage: str, anyone: bool) -> Task:
    name = f"{stage.capitalize()} panel"
    endpoint = "panel" if allowed(campaign, "change_panel", stage=stage) else None
    panel = campaign.panel(stage)
    if not anyone and (panel is None or panel.chair is None):
        return Task(f"{stage}-panel", name, TaskStatus.CANNOT_START, "Invite staff as assessors first")
    problems = campaign_status.panel_problems(campaign, stage)
    done = ""
    if panel is not None and panel.chair is not None:
        others = [m.user.name for m in panel.members if not m.is_chair]
        done = f"Chair: {panel.chair.name}; " + (f"members: {', '.join(others)}" if others else "no other members")
    if problems and stage == "interview":
        problems = [*problems, "needed before the interview stage"]
    return _task(f"{stage}-panel", name, problems, done, endpoint, **({"stage": stage} if endpoint else {}))


def calibration_task(campaign: Campaign) -> Task:
    """The calibration round (DESIGN §11): optional unless the scoring settings require it before the sift."""
    from recruit.services.assessment import calibration

    name = "Calibration round"
    rows = calibration.benchmarks(campaign)
    agreed = sum(1 for row in rows if row.agreed)
    counted = f"{_plural(len(rows), 'benchmark answer')}, {agreed} agreed" if rows else ""
    if not calibration.round_open(campaign):
        done = counted or "No calibration round was held"
        return Task("calibration", name, TaskStatus.COMPLETED, done, "calibration", blueprint="assess")
    if not campaign.criteria_at("sift"):
        return Task("calibration", name, TaskStatus.CANNOT_START, "Add the sift criteria first")
    problems = calibration.problems(campaign)
    if problems:
        hint = "; ".join([*problems, "needed before the sift starts"])
        return Task("calibration", name, TaskStatus.INCOMPLETE, hint, "calibration", blueprint="assess")
    if campaign.calibration_required:
        done = f"Required; {counted}"
    else:
        done = f"Optional; {counted}" if rows else "Optional: add benchmark answers for the panel to score"
    return Task("calibration", name, TaskStatus.COMPLETED, done, "calibration", blueprint="assess")


def opening_task(campaign: Campaign) -> Task:
    name = campaign_status.ACTION_NAMES[S.OPEN]
    if not campaign.is_draft:
        opened = next((c.at for c in campaign.status_changes if c.to_status == S.OPEN), None)
        return Task("open", name, TaskStatus.COMPLETED, f"Opened {format_uk(opened)}" if opened else "")
    problems = campaign_status.problems_before(campaign, S.OPEN)
    if problems:
        return Task(
            "open", name, TaskStatus.CANNOT_START, "First: " + "; ".join(p[0].lower() + p[1:] for p in problems)
        )
    return Task("open", name, TaskStatus.INCOMPLETE, "Publish the vacancy", "change_status", {"target": str(S.OPEN)})


def _if(campaign: Campaign, action: str, endpoint: str) -> str | None:
    return endpoint if allowed(campaign, action) else None


def tasks(campaign: Campaign) -> list[Task]:
    """The set-up tasks; none once the campaign has finished, when nothing is left to set up."""
    if campaign.finished:
        return []
    anyone = bool(assessors())
    return [
        details_task(campaign),
        closing_task(campaign),
        criteria_task(campaign),
        scoring_task(campaign),
        panel_task(campaign, "sift", anyone),
        panel_task(campaign, "interview", anyone),
        calibration_task(campaign),
        opening_task(campaign),
    ]


def next_step(campaign: Campaign) -> NextStep | None:
    """The campaign's next move, or None once it has finished."""
    if campaign.finished:
        return None
    target = campaign_status.NEXT[campaign.status]
    action = campaign_status.ACTION_NAMES[target].lower()
    if campaign.status == S.OPEN and campaign.closes_at is not None and campaign.closes_at > utcnow():
        return NextStep(f"Next: {action} after {format_uk(campaign.closes_at)}")
    problems = campaign_status.problems_before(campaign, target)
    if campaign.is_draft and problems:
        # The task list below says what each task lacks.
        return NextStep("Next: complete the tasks below, then open the campaign for applications")
    return NextStep(f"Next: {action}", str(target), problems, campaign_status.ACTION_NAMES[target])
