"""The admins' Disability Confident report (DESIGN §12): every opted-in candidate, whether they met the minimum
criteria, and what happened to them. Admins only: it names candidates and says they declared a disability."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from recruit.extensions import db
from recruit.labels import status_label
from recruit.models import AgreedScore, Application, Campaign, Criterion, DisabilityConfidentClaim, User
from recruit.models.application import ApplicationStatus
from recruit.models.scoring import AgreedScoreStatus
from recruit.services.applications.disability_confident import claims_of, met_minimum, minimum_for
from recruit.services.records import audit
from recruit.services.reports.spreadsheets import to_csv
from recruit.services.unit_of_work import unit_of_work

NOT_SCORED = "Not scored yet"


@dataclass(frozen=True)
class CriterionCheck:
    name: str
    score: int | None
    minimum: int

    @property
    def text(self) -> str:
        if self.score is None:
            return f"{NOT_SCORED} (minimum {self.minimum})"
        return f"{self.score} (minimum {self.minimum})"


@dataclass(frozen=True)
class SchemeRow:
    reference: str
    name: str
    opted_in_at: datetime | None
    checks: list[CriterionCheck]
    met: bool | None  # None until every sift criterion has an agreed score
    outcome: str
    reason: str

    @property
    def met_text(self) -> str:
        return {True: "Yes", False: "No", None: NOT_SCORED}[self.met]


def _outcome(application: Application, claim: DisabilityConfidentClaim, met: bool | None) -> str:
    status = application.status
    if status == ApplicationStatus.SUBMITTED:
        return "Waiting for the sift decision"
    if status == ApplicationStatus.WITHDRAWN:
        return "Withdrew"
    if status == ApplicationStatus.PRESIFT_FAILED:
        return "Not through the pre-sift: below the minimum on the lead criterion"
    if status == ApplicationStatus.SIFT_FAILED:
        if claim.not_invited_reason:
            return "Not invited to interview (reason recorded)"
        return "Not invited to interview" + (": did not meet the minimum" if met is False else "")
    invited = "Invited to interview under the guarantee" if claim.invited_under_guarantee else "Invited to interview"
    if status == ApplicationStatus.SIFT_PASSED:
        return invited
    return f"{invited}; then {status_label(status).lower()}"


def rows(campaign: Campaign, only: set[int] | None = None) -> list[SchemeRow]:
    """The campaign's opted-in candidates whose applications were submitted (or `only` these applications), in
    reference order."""
    claims = claims_of(campaign)
    ids = set(claims) if only is None else set(claims) & only
    applications = list(
        db.session.scalars(
            select(Application)
            .where(Application.id.in_(ids), Application.status != ApplicationStatus.DRAFT)
            .options(selectinload(Application.personal_details))
            .order_by(Application.reference)
        )
    )
    criteria: Sequence[Criterion] = campaign.criteria_at("sift")
    scores: dict[int, dict[str, int]] = {a.id: {} for a in applications}
    codes = {c.id: c.code for c in criteria}
    if applications:
        agreed = db.session.execute(
            select(AgreedScore.application_id, AgreedScore.criterion_id, AgreedScore.value).where(
                AgreedScore.stage == "sift",
                AgreedScore.status == AgreedScoreStatus.AGREED,
                AgreedScore.application_id.in_(scores),
            )
        )
        for application_id, criterion_id, value in agreed:
            if criterion_id in codes:
                scores[application_id][codes[criterion_id]] = value
    found = []
    for application in applications:
        claim, agreed_scores = claims[application.id], scores[application.id]
        met = met_minimum(campaign, criteria, agreed_scores)
        details = application.personal_details
        found.append(
            SchemeRow(
                reference=application.reference,
                name=details.full_name if details else "",
                opted_in_at=claim.opted_in_at,
                checks=[CriterionCheck(c.name, agreed_scores.get(c.code), minimum_for(campaign, c)) for c in criteria],
                met=met,
                outcome=_outcome(application, claim, met),
                reason=claim.not_invited_reason,
            )
        )
    return found


def shown(campaign: Campaign) -> bool:
    """Whether the campaign page links to the report: the guarantee is offered or anyone opted in."""
    return campaign.disability_confident or bool(claims_of(campaign))


def csv_file(campaign: Campaign) -> bytes:
    criteria = campaign.criteria_at("sift")
    header = [
        "Reference",
        "Name",
        "Opted in",
        *(f"{c.name}: agreed score (minimum)" for c in criteria),
        "Met the minimum",
        "What happened",
        "Reason not invited",
    ]
    return to_csv(
        header,
        (
            [
                row.reference,
                row.name,
                row.opted_in_at.isoformat() if row.opted_in_at else "",
                *(check.text for check in row.checks),
                row.met_text,
                row.outcome,
                row.reason,
            ]
            for row in rows(campaign)
        ),
    )


@unit_of_work()
def download(actor: User, campaign: Campaign) -> bytes:
    """The report as CSV; each download is on the record (it names candidates who declared a disability)."""
    body = csv_file(campaign)
    audit.record("disability_confident.downloaded", "campaign", campaign.id, actor=actor)
    return body
