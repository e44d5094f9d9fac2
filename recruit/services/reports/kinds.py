"""What each PDF report is: its kinds (the campaign's sift report, interview report and merit list, a candidate's
interview report and feedback letter), who may have them, what each shows (services/reports/content/), its HTML and
the fingerprint of that HTML, and how many applications it covers (a large one is rendered in the background)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import current_app, render_template
from sqlalchemy import func, select

from recruit.extensions import db
from recruit.models import Application, Campaign, User
from recruit.services.campaigns.stages import eligible_query, is_chair
from recruit.services.reports.content.feedback_letter import feedback_letter
from recruit.services.reports.content.interview import interview_report
from recruit.services.reports.content.merit import merit_report
from recruit.services.reports.content.shared import ReportSpec
from recruit.services.reports.content.sift import sift_report


@dataclass(frozen=True)
class Kind:
    slug: str
    name: str
    stage: str  # whose chair may have it: the sift's or the interview's
    per_candidate: bool


KINDS = {
    "sift": Kind("sift", "Sift report", "sift", False),
    "interview": Kind("interview", "Interview report", "interview", False),
    "merit": Kind("merit", "Merit list", "interview", False),
    "interview-candidate": Kind("interview-candidate", "Interview report", "interview", True),
    "feedback": Kind("feedback", "Feedback letter", "interview", True),
}


def may_have(user: User, campaign: Campaign, kind: Kind) -> bool:
    """Admins, and the chair of the stage the report is about."""
    return user.role == "admin" or is_chair(campaign, kind.stage, user)


def spec_for(campaign: Campaign, kind: Kind, application: Application | None = None) -> ReportSpec:
    """What the report shows (services/reports/content/): its template, title and data. A candidate's own report
    needs the application."""
    if kind.slug == "sift":
        return sift_report(campaign)
    if kind.slug == "interview":
        return interview_report(campaign)
    if kind.slug == "merit":
        return merit_report(campaign)
    if application is None:
        raise ValueError(f"The {kind.name.lower()} is about one application: name it")
    if kind.slug == "interview-candidate":
        return interview_report(campaign, application)
    return feedback_letter(campaign, application)


PRODUCED = "\x1fproduced\x1f"


def html_of(spec: ReportSpec) -> tuple[str, str]:
    """The report's HTML and its fingerprint: the digest of the HTML with the time it was produced left out, so
    that the same data gives the same fingerprint whenever it is asked for."""
    produced = spec.context.get("produced")
    html = render_template(spec.template, **{**spec.context, "produced": PRODUCED} if produced else spec.context)
    digest = hashlib.sha256(html.encode("utf-8")).hexdigest()
    return (html.replace(PRODUCED, str(produced)) if produced else html), digest


def size_of(campaign: Campaign, kind: Kind) -> int:
    """How many applications a campaign report covers (a candidate's own report covers one)."""
    if kind.per_candidate:
        return 1
    return (
        db.session.scalar(
            select(func.count()).select_from(
                eligible_query(campaign, kind.stage).with_only_columns(Application.id).subquery()
            )
        )
        or 0
    )


def in_background(campaign: Campaign, kind: Kind) -> bool:
    threshold: int = current_app.config["REPORT_BACKGROUND_OVER"]
    return size_of(campaign, kind) > threshold
