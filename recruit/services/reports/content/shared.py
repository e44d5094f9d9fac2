"""What every PDF report shows or is built from: the report's template and data (ReportSpec), the campaign's
details, the panel's seats, the criteria, and the stage's sign-off and what happened after it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import selectinload

from recruit.clock import format_uk, format_uk_date, utcnow
from recruit.extensions import db
from recruit.labels import stage_state_label, status_label
from recruit.models import Application, Campaign, Criterion, StageRecord, User
from recruit.models.campaign import CampaignStatus
from recruit.services.assessment import results
from recruit.services.campaigns.stages import recorded, recorded_as

NO_SCORE = "–"
CONFLICT = "C"


@dataclass
class ReportSpec:
    template: str  # e.g. "pdf/sift.html"
    title: str  # the PDF document title
    context: dict[str, object]  # passed to render_template(template, **context)


def css_string(text: str) -> str:
    """Text for a CSS string in double quotes: anything but letters, digits and plain punctuation is escaped,
    so that no value can end the string or the style sheet."""
    return "".join(c if (c.isascii() and c.isalnum()) or c in " -_./" else f"\\{ord(c):06X} " for c in text)


# The campaign's statuses before each stage begins.
BEFORE = {
    "sift": (CampaignStatus.DRAFT, CampaignStatus.OPEN, CampaignStatus.CLOSED),
    "interview": (CampaignStatus.DRAFT, CampaignStatus.OPEN, CampaignStatus.CLOSED, CampaignStatus.SIFT),
}


@dataclass(frozen=True)
class StageState:
    """Where the report's stage stood when the report was made: a sift report made once the campaign has moved on
    to interview is of a signed-off sift, not of "Interview"."""

    stage: str
    state: str  # a key of recruit.labels.STAGE_STATE_LABELS
    signed_off_at: datetime | None = None

    @property
    def label(self) -> str:
        day = format_uk_date(self.signed_off_at) if self.signed_off_at is not None else ""
        return stage_state_label(self.stage, self.state, day)


def stage_state(campaign: Campaign, stage: str, record: StageRecord | None) -> StageState:
    signed_off_at = record.signed_off_at if record is not None else None
    if signed_off_at is not None:
        # The interview is the last stage: once the campaign is complete, so is it.
        complete = stage == "interview" and campaign.status == CampaignStatus.COMPLETE
        return StageState(stage, "complete" if complete else "signed_off", signed_off_at)
    if campaign.status == CampaignStatus.WITHDRAWN:
        return StageState(stage, "withdrawn")
    if campaign.status in BEFORE.get(stage, ()):
        return StageState(stage, "not_started")
    if stage == "sift" and record is not None and record.presift_active:
        return StageState(stage, "presift")
    return StageState(stage, "in_progress")


# The protective marking of the internal reports, on every page. A candidate's own letter carries none: it is theirs.
MARKING = "OFFICIAL-SENSITIVE"


def base_context(
    campaign: Campaign, title: str, heading: str, state: StageState | None = None, *, marked: bool = True
) -> dict[str, object]:
    """What the report's base template shows on every page and at the top. `state` is the report's stage as it
    stands, printed as the campaign's status; without it, the campaign's own status is printed."""
    return {
        "title": title,
        "heading": heading,
        "campaign": campaign,
        "header_reference": css_string(campaign.reference),
        "marking": css_string(MARKING) if marked else "",
        "produced": format_uk(utcnow()),
        "details": _details(campaign, state),
    }


def _details(campaign: Campaign, state: StageState | None) -> list[tuple[str, str]]:
    rows = [
        ("Reference", campaign.reference),
        ("Title", campaign.title),
        ("Organisation", campaign.organisation),
        ("Location", campaign.location),
        ("Posts", str(campaign.posts)),
        ("Framework", campaign.framework.name),
    ]
    if campaign.grade_label:
        rows.append(("Grade", campaign.grade_label))
    if campaign.closes_at is not None:
        rows.append(("Closing date", format_uk(campaign.closes_at)))
    rows.append(("Status", state.label if state is not None else status_label(campaign.display_status)))
    return rows


@dataclass
class PanelSeat:
    user_id: int
    name: str
    chair: bool
    label: str  # A1, A2 … in the sift table


def panel_seats(campaign: Campaign, stage: str) -> list[PanelSeat]:
    panel = campaign.panel(stage)
    members = sorted(panel.members, key=lambda m: (not m.is_chair, m.id)) if panel else []
    return [PanelSeat(m.user_id, m.user.name, m.is_chair, f"A{number}") for number, m in enumerate(members, 1)]


def criteria_rows(criteria: Iterable[Criterion]) -> list[dict[str, object]]:
    return [
        {
            "name": c.name,
            "level": c.level.name if c.level is not None else "Not a framework competency",
            "weight": c.weight,
            "pass_mark": c.pass_mark,
            "lead": c.is_lead,
        }
        for c in criteria
    ]


def record_of(campaign: Campaign, stage: str) -> StageRecord | None:
    """The stage's record, if it has one. Read only: a report never creates it."""
    return recorded(campaign, stage)


def user_names(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {row.id: row.name for row in db.session.execute(select(User.id, User.name).where(User.id.in_(wanted)))}


def after_sign_off(campaign: Campaign, stage: str) -> list[str]:
    """What happened after the sign-off, for a report made later: the results above it stay as signed off."""
    return [
        f"{event.reference} {event.what.lower()} on {format_uk(event.at)}, after sign-off"
        for event in results.later_events(campaign, stage)
    ]


def sign_off_line(record: StageRecord | None) -> str:
    if record is None or record.signed_off_at is None:
        return "Not signed off"
    name = record.signed_off_by.name if record.signed_off_by else "the chair"
    return f"Signed off by {name} on {format_uk(record.signed_off_at)}"


def candidate_name(application: Application) -> str:
    details = application.personal_details
    return details.full_name if details is not None else "Name erased"


def with_personal_details(query: Select[tuple[Application]]) -> list[Application]:
    return list(db.session.scalars(query.options(selectinload(Application.personal_details))))


def ranked(key: object) -> Application:
    """The application a ranked result or merit-list entry is for (the ranking rules key results as `object`)."""
    if not isinstance(key, Application):
        raise TypeError(f"A report ranks applications, not {type(key).__name__}")
    return key


def recorded_in(stage: str, statuses: tuple[str, ...]) -> ColumnElement[bool]:
    """stages.recorded_as, the SQL condition that the stage's record holds one of these statuses (it is typed as
    object there)."""
    condition = recorded_as(stage, statuses)
    if not isinstance(condition, ColumnElement):
        raise TypeError("recorded_as gave no SQL condition")
    return condition
