"""Report downloads for admins and the stage's chair; large reports go through a progress page.

Who may ever have a report is services/reports.may_have's to say; whether a chair may have it yet (other assessors'
scores, candidates' names) is services/visibility.report_refusal's, asked by every route here."""
from __future__ import annotations

import io

from flask import Response, abort, flash, redirect, render_template, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm

from recruit.access import roles
from recruit.extensions import db
from recruit.models import Application, Campaign, RenderedReport
from recruit.reports import bp
from recruit.services.reports import versions as reports
from recruit.services.assessment import visibility
from recruit.services.campaigns.setup import load_campaign
from recruit.services.errors import Refused
from recruit.services.campaigns.stages import eligible_query

CAMPAIGN_KINDS = ("sift", "interview", "merit")


def _campaign(campaign_id: int, kind: reports.Kind | None = None) -> Campaign:
    campaign = load_campaign(campaign_id)
    if campaign is None:
        abort(404)
    kinds = [kind] if kind is not None else list(reports.KINDS.values())
    if not any(reports.may_have(current_user, campaign, each) for each in kinds):
        abort(403 if current_user.role in ("admin", "assessor") else 404)
    return campaign


def _kind(slug: str) -> reports.Kind:
    if slug not in CAMPAIGN_KINDS:
        abort(404)
    return reports.KINDS[slug]


def _refused(campaign: Campaign, kind: reports.Kind,
             application: Application | None = None) -> tuple[str, int] | None:
    """The refusal page when the person may not have this report yet, else None."""
    message = visibility.report_refusal(current_user, campaign, kind, application)
    if message is None:
        return None
    return render_template("reports_pages/refused.html", campaign=campaign, message=message), 403


def send_pdf(campaign: Campaign, report: RenderedReport, name: str) -> Response:
    return send_file(io.BytesIO(reports.pdf_of(report)), mimetype="application/pdf",
                     download_name=f"{campaign.reference}-{name}.pdf", max_age=0)


@bp.get("/<int:campaign_id>")
@roles("admin", "assessor")
def index(campaign_id: int) -> str:
    campaign = _campaign(campaign_id)
    available = [reports.KINDS[slug] for slug in CAMPAIGN_KINDS
                 if reports.may_have(current_user, campaign, reports.KINDS[slug])]
    candidates = []
    if reports.may_have(current_user, campaign, reports.KINDS["interview-candidate"]):
        candidates = list(db.session.scalars(eligible_query(campaign, "interview").order_by(Application.reference)))
    return render_template("reports_pages/index.html", campaign=campaign, available=available,
                           candidates=candidates, background={kind.slug: reports.in_background(campaign, kind)
                                                              for kind in available},
                           kept={kind.slug: reports.kept(campaign, kind) for kind in available},
                           versions={kind.slug: reports.versions(campaign, kind) for kind in available},
                           signed_off={kind.slug: reports.signed_off_version(campaign, kind) for kind in available},
                           stalled=reports.stalled, form=FlaskForm(),
                           refusals={kind.slug: visibility.report_refusal(current_user, campaign, kind)
                                     for kind in available},
                           names=visibility.names_visible(current_user, campaign))


@bp.get("/<int:campaign_id>/<slug>/versions/<int:version_id>.pdf")
@roles("admin", "assessor")
def version(campaign_id: int, slug: str, version_id: int) -> ResponseReturnValue:
    """One kept version of a campaign report, exactly as it was made."""
    kind = _kind(slug)
    campaign = _campaign(campaign_id, kind)
    if (refused := _refused(campaign, kind)) is not None:
        return refused
    report = reports.version_of(campaign, kind, version_id)
    if report is None:
        abort(404)
    if report.status != "ready":
        if not (report.signed_off and not reports.in_background(campaign, kind)):
            flash("That version of the report is still being prepared. Try again in a few minutes.", "important")
            return redirect(url_for("reports.index", campaign_id=campaign.id))
        # The version kept at sign-off, not typeset yet: made now from the document fixed at sign-off.
        report = reports.typeset(report)
    name = f"{slug}-report-signed-off" if report.signed_off \
        else f"{slug}-report-{report.finished_at:%Y%m%d-%H%M%S}"
    return send_pdf(campaign, report, name)


@bp.post("/<int:campaign_id>/<slug>/signed-off")
@roles("admin", "assessor")
def prepare_signed_off(campaign_id: int, slug: str) -> ResponseReturnValue:
    """Try again to prepare the version kept at sign-off, if making its PDF failed or stopped."""
    kind = _kind(slug)
    campaign = _campaign(campaign_id, kind)
    if (refused := _refused(campaign, kind)) is not None:
        return refused
    if not FlaskForm().validate_on_submit():
        abort(400)
    reports.prepare_signed_off(current_user, campaign, kind.stage)
    flash("The signed-off version is being prepared again.", "success")
    return redirect(url_for("reports.index", campaign_id=campaign.id))


@bp.get("/<int:campaign_id>/<slug>.pdf")
@roles("admin", "assessor")
def download(campaign_id: int, slug: str) -> ResponseReturnValue:
    kind = _kind(slug)
    campaign = _campaign(campaign_id, kind)
    if (refused := _refused(campaign, kind)) is not None:
        return refused
    if reports.in_background(campaign, kind):
        state, _, _ = reports.current(campaign, kind)
        if not state.ready:
            return redirect(url_for("reports.progress", campaign_id=campaign.id, slug=slug))
        return send_pdf(campaign, state.report, slug)
    return send_pdf(campaign, reports.render_now(current_user, campaign, kind), f"{slug}-report")


@bp.route("/<int:campaign_id>/<slug>", methods=["GET", "POST"])
@roles("admin", "assessor")
def progress(campaign_id: int, slug: str) -> ResponseReturnValue:
    kind = _kind(slug)
    campaign = _campaign(campaign_id, kind)
    if (refused := _refused(campaign, kind)) is not None:
        return refused
    form = FlaskForm()
    if form.validate_on_submit():
        reports.request_render(current_user, campaign, kind)
        return redirect(url_for("reports.progress", campaign_id=campaign.id, slug=slug))
    report = reports.kept(campaign, kind)
    return render_template("reports_pages/progress.html", campaign=campaign, kind=kind, report=report, form=form,
                           stalled=report is not None and reports.stalled(report))


@bp.get("/<int:campaign_id>/<slug>/status")
@roles("admin", "assessor")
def status(campaign_id: int, slug: str) -> ResponseReturnValue:
    kind = _kind(slug)
    campaign = _campaign(campaign_id, kind)
    message = visibility.report_refusal(current_user, campaign, kind)
    if message is not None:
        return {"status": "refused", "message": message}, 403
    report = reports.kept(campaign, kind)
    if report is None:
        return {"status": "none", "progress": 0}
    return {"status": report.status, "progress": report.progress,
            "download": url_for("reports.download", campaign_id=campaign.id, slug=slug)
            if report.status == "ready" else None}


def _candidate_report(campaign_id: int, reference: str, slug: str) -> ResponseReturnValue:
    kind = reports.KINDS[slug]
    campaign = _campaign(campaign_id, kind)
    application = reports.application_in(campaign, reference)
    if application is None:
        abort(404)
    if (refused := _refused(campaign, kind, application)) is not None:
        return refused
    try:
        report = reports.render_now(current_user, campaign, kind, application)
    except Refused as refusal:
        return render_template("reports_pages/refused.html", campaign=campaign, message=refusal.message), 409
    return send_pdf(campaign, report, f"{slug}-{application.reference}")


@bp.get("/<int:campaign_id>/interview/<reference>.pdf")
@roles("admin", "assessor")
def interview_candidate(campaign_id: int, reference: str) -> ResponseReturnValue:
    return _candidate_report(campaign_id, reference, "interview-candidate")


@bp.get("/<int:campaign_id>/feedback/<reference>.pdf")
@roles("admin", "assessor")
def feedback(campaign_id: int, reference: str) -> ResponseReturnValue:
    return _candidate_report(campaign_id, reference, "feedback")
