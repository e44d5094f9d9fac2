"""The campaign's PDF reports: which exist, who may have them, and the rendered copies kept until their data changes.

A report is rendered from HTML; the digest of that HTML is its fingerprint. A kept PDF is served while the HTML the
data gives now still has the same digest, so any change that shows in the report (a score, an agreed score, a
reopened item, a sign-off) makes it stale, and it is rendered again on demand. Reports of more than
REPORT_BACKGROUND_OVER applications are rendered by a background job (services/jobs.py); smaller ones while the
person waits.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, render_template
from sqlalchemy import func, select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import Application, Campaign, RenderedReport, User
from recruit.services import audit, pdf
from recruit.services.stages import eligible_query, is_chair

log = logging.getLogger(__name__)

# A render that has not finished within this time is taken to have died with its worker, and may be asked for again.
STALLED_AFTER = timedelta(minutes=30)


@dataclass(frozen=True)
class Kind:
    slug: str
    name: str
    stage: str              # whose chair may have it: the sift's or the interview's
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


def spec_for(campaign: Campaign, kind: Kind, application: Application | None = None):
    """What the report shows (services/report_content.py): its template, title and data."""
    from recruit.services import report_content

    if kind.slug == "sift":
        return report_content.sift_report(campaign)
    if kind.slug == "interview":
        return report_content.interview_report(campaign)
    if kind.slug == "merit":
        return report_content.merit_report(campaign)
    if kind.slug == "interview-candidate":
        return report_content.interview_report(campaign, application)
    return report_content.feedback_letter(campaign, application)


PRODUCED = "\x1fproduced\x1f"


def html_of(spec) -> tuple[str, str]:
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
    return db.session.scalar(select(func.count()).select_from(
        eligible_query(campaign, kind.stage).with_only_columns(Application.id).subquery())) or 0


def in_background(campaign: Campaign, kind: Kind) -> bool:
    return size_of(campaign, kind) > current_app.config["REPORT_BACKGROUND_OVER"]


def kept(campaign: Campaign, kind: Kind, subject: str = "") -> RenderedReport | None:
    return db.session.scalar(select(RenderedReport).where(
        RenderedReport.campaign_id == campaign.id, RenderedReport.kind == kind.slug,
        RenderedReport.subject == subject))


@dataclass
class Current:
    """What the person asking for a report gets: the ready PDF's record, or the render under way (or not)."""
    report: RenderedReport | None
    fresh: bool              # the kept PDF matches the data now

    @property
    def ready(self) -> bool:
        return self.report is not None and self.fresh and self.report.status == "ready"


def current(campaign: Campaign, kind: Kind, application: Application | None = None):
    """The kept report and whether it still matches the data, with the report as the data gives it now."""
    spec = spec_for(campaign, kind, application)
    html, digest = html_of(spec)
    report = kept(campaign, kind, application.reference if application else "")
    return Current(report, report is not None and report.fingerprint == digest), spec, (html, digest)


def render_now(actor: User, campaign: Campaign, kind: Kind, application: Application | None = None) -> RenderedReport:
    """A small report: the kept PDF if it still matches the data, otherwise rendered now and kept."""
    state, spec, (html, digest) = current(campaign, kind, application)
    if state.ready:
        return state.report
    report = _claim(actor, campaign, kind, application.reference if application else "", digest)
    data = pdf.render_pdf(html, title=spec.title)
    _store(report, data)
    db.session.commit()
    return report


def request_render(actor: User, campaign: Campaign, kind: Kind) -> RenderedReport:
    """A large report: queue a render unless the kept one matches the data or one is already under way for it."""
    from recruit.services import jobs

    state, _, (_, digest) = current(campaign, kind)
    report = state.report
    if state.ready:
        return report
    if report is not None and state.fresh and report.status in ("queued", "rendering") and not stalled(report):
        return report
    report = _claim(actor, campaign, kind, "", digest)
    audit.record("report.requested", "campaign", campaign.id, after={"report": kind.slug}, actor=actor)
    db.session.commit()
    jobs.enqueue(report.id)
    return report


def stalled(report: RenderedReport) -> bool:
    return report.status in ("queued", "rendering") and utcnow() - report.requested_at > STALLED_AFTER


def _claim(actor: User, campaign: Campaign, kind: Kind, subject: str, digest: str) -> RenderedReport:
    report = kept(campaign, kind, subject)
    if report is None:
        report = RenderedReport(campaign_id=campaign.id, kind=kind.slug, subject=subject)
        db.session.add(report)
    report.fingerprint, report.status, report.progress, report.error = digest, "queued", 0, ""
    report.pdf, report.pages, report.finished_at = None, None, None
    report.requested_by_id, report.requested_at = actor.id, utcnow()
    db.session.flush()
    return report


def _store(report: RenderedReport, data: bytes) -> None:
    import io

    from pypdf import PdfReader

    report.pdf, report.pages = data, len(PdfReader(io.BytesIO(data)).pages)
    report.status, report.progress, report.finished_at = "ready", 100, utcnow()


def run_job(report_id: int) -> None:
    """The background render (in the worker, inside an app context): the report as the data stands now."""
    report = db.session.get(RenderedReport, report_id)
    if report is None or report.status not in ("queued", "rendering"):
        return
    kind = KINDS[report.kind]
    campaign = report.campaign
    report.status, report.progress = "rendering", 5
    db.session.commit()
    try:
        spec = spec_for(campaign, kind)
        html, report.fingerprint = html_of(spec)
        report.progress = 10
        db.session.commit()

        def progress(done: int, total: int) -> None:
            report.progress = min(10 + int(85 * done / total), 95)
            db.session.commit()

        data = pdf.render_pdf_parallel(html, title=spec.title, workers=current_app.config["REPORT_WORKERS"],
                                       progress=progress)
        _store(report, data)
        db.session.commit()
    except Exception as error:  # the person is told it failed and may try again; the details go to the log
        db.session.rollback()
        log.exception("Rendering report %s failed", report_id)
        report = db.session.get(RenderedReport, report_id)
        report.status, report.error = "failed", f"{type(error).__name__}: {error}"[:500]
        db.session.commit()


def pdf_of(report: RenderedReport) -> bytes:
    return db.session.scalar(select(RenderedReport.pdf).where(RenderedReport.id == report.id))


def application_in(campaign: Campaign, reference: str) -> Application | None:
    return db.session.scalar(select(Application).where(
        Application.campaign_id == campaign.id, Application.reference == reference[:20]))
