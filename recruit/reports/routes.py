"""Report downloads for admins and the stage's chair; large reports go through a progress page.

Who may ever have a report is services/reports.may_have's to say; whether a chair may have it yet (other assessors'
scores, candidates' names) is services/visibility.report_refusal's, asked by every route here.

A download (GET) sends a kept version that matches the data and writes nothing; when there is none, it leads to a
page whose button (a POST) prepares one, kept as a new version."""

from __future__ import annotations

import io

from flask import Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm

from recruit.access import roles
from recruit.models import Application, Campaign, RenderedReport
from recruit.pagination import page_number
from recruit.reports import bp
from recruit.services.assessment import visibility
from recruit.services.campaigns.kept_setup import load_campaign
from recruit.services.errors import Refused
from recruit.services.reports import candidates as candidate_reports
from recruit.services.reports import spreadsheets
from recruit.services.reports import versions as reports

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


def _refused(campaign: Campaign, kind: reports.Kind, application: Application | None = None) -> tuple[str, int] | None:
    """The refusal page when the person may not have this report yet, else None."""
    message = visibility.report_refusal(current_user, campaign, kind, application)
    if message is None:
        return None
    return render_template("reports/refused.html", campaign=campaign, message=message), 403


def prepare_page(
    campaign: Campaign, title: str, explanation: str, button: str, action: str, back: str, back_text: str
) -> str:
    """The page a download leads to when no kept version matches the data: its button prepares one."""
    return render_template(
        "reports/prepare.html",
        campaign=campaign,
        title=title,
        explanation=explanation,
        button=button,
        action=action,
        back=back,
        back_text=back_text,
        form=FlaskForm(),
    )


def send_pdf(campaign: Campaign, report: RenderedReport, name: str) -> Response:
    return send_file(
        io.BytesIO(reports.pdf_of(report)),
        mimetype="application/pdf",
        download_name=f"{campaign.reference}-{name}.pdf",
        max_age=0,
    )


def _back(campaign: Campaign) -> tuple[str, str]:
    """Where the reports page leads back to, by who is looking: the campaign for an admin, the moderation board
    for a chair (of the stage the campaign is at, when they chair it)."""
    if current_user.role == "admin":
        return url_for("campaigns.overview", campaign_id=campaign.id), f"Back to {campaign.reference}"
    stage = candidate_reports.board_stage(current_user, campaign)
    if stage is None:
        return url_for("assess.dashboard"), "Back to your dashboard"
    return url_for("moderate.board_view", campaign_id=campaign.id, stage=stage), "Back to the moderation board"


@bp.get("/<int:campaign_id>")
@roles("admin", "assessor")
def index(campaign_id: int) -> str:
    campaign = _campaign(campaign_id)
    available = [
        reports.KINDS[slug] for slug in CAMPAIGN_KINDS if reports.may_have(current_user, campaign, reports.KINDS[slug])
    ]
    candidates = None
    if reports.may_have(current_user, campaign, reports.KINDS["interview-candidate"]):
        candidates = candidate_reports.listing(current_user, campaign, page_number())
    back, back_text = _back(campaign)
    return render_template(
        "reports/index.html",
        campaign=campaign,
        back=back,
        back_text=back_text,
        available=available,
        candidates=candidates,
        background={kind.slug: reports.in_background(campaign, kind) for kind in available},
        kept={kind.slug: reports.kept(campaign, kind) for kind in available},
        versions={kind.slug: reports.versions(campaign, kind) for kind in available},
        signed_off={kind.slug: reports.signed_off_version(campaign, kind) for kind in available},
        stalled=reports.stalled,
        form=FlaskForm(),
        refusals={kind.slug: visibility.report_refusal(current_user, campaign, kind) for kind in available},
        names=visibility.names_visible(current_user, campaign),
        spreadsheets=spreadsheets.offered(current_user, campaign),
    )


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
        # The version kept at sign-off, not typeset yet: made from the document fixed at sign-off, by a button.
        return prepare_page(
            campaign,
            f"{kind.name}: the signed-off version",
            "The version kept when the stage was signed off has not been made into a PDF yet. It is made from the "
            "report as it stood at sign-off.",
            f"Prepare the signed-off version of the {kind.name.lower()}",
            url_for("reports.prepare_signed_off", campaign_id=campaign.id, slug=slug),
            url_for("reports.index", campaign_id=campaign.id),
            "Back to reports",
        )
    name = f"{slug}-report-signed-off" if report.signed_off else f"{slug}-report-{report.finished_at:%Y%m%d-%H%M%S}"
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
    report = reports.ready_version(campaign, kind)
    if report is None:
        # Prepared by the button on the report's own page.
        return redirect(url_for("reports.progress", campaign_id=campaign.id, slug=slug))
    return send_pdf(campaign, report, slug if reports.in_background(campaign, kind) else f"{slug}-report")


@bp.route("/<int:campaign_id>/<slug>", methods=["GET", "POST"])
@roles("admin", "assessor")
def progress(campaign_id: int, slug: str) -> ResponseReturnValue:
    kind = _kind(slug)
    campaign = _campaign(campaign_id, kind)
    if (refused := _refused(campaign, kind)) is not None:
        return refused
    form = FlaskForm()
    background = reports.in_background(campaign, kind)
    if form.validate_on_submit():
        if not background:
            # Small enough to make while the person waits: the download sends the version made now.
            reports.render_now(current_user, campaign, kind)
            return redirect(url_for("reports.download", campaign_id=campaign.id, slug=slug))
        reports.request_render(current_user, campaign, kind)
        return redirect(url_for("reports.progress", campaign_id=campaign.id, slug=slug))
    report = reports.kept(campaign, kind)
    return render_template(
        "reports/progress.html",
        campaign=campaign,
        kind=kind,
        report=report,
        form=form,
        stalled=report is not None and reports.stalled(report),
        background=background,
    )


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
    return {
        "status": report.status,
        "progress": report.progress,
        "download": url_for("reports.download", campaign_id=campaign.id, slug=slug)
        if report.status == "ready"
        else None,
    }


def _candidate_report(campaign_id: int, reference: str, slug: str) -> ResponseReturnValue:
    kind = reports.KINDS[slug]
    campaign = _campaign(campaign_id, kind)
    application = reports.application_in(campaign, reference)
    if application is None:
        abort(404)
    if (refused := _refused(campaign, kind, application)) is not None:
        return refused
    here = request.path
    try:
        if request.method == "POST":
            if not FlaskForm().validate_on_submit():
                abort(400)
            reports.render_now(current_user, campaign, kind, application)
            return redirect(here)
        report = reports.ready_version(campaign, kind, application)
    except Refused as refusal:
        return render_template("reports/refused.html", campaign=campaign, message=refusal.message), 409
    if report is None:
        name = f"{kind.name.lower()} for {application.reference}"
        return prepare_page(
            campaign,
            f"{kind.name} for {application.reference}",
            "It has not been prepared since the scores behind it last changed. Preparing it keeps it as a new version.",
            f"Prepare and download the {name}",
            here,
            url_for("reports.index", campaign_id=campaign.id),
            "Back to reports",
        )
    return send_pdf(campaign, report, f"{slug}-{application.reference}")


@bp.route("/<int:campaign_id>/interview/<reference>.pdf", methods=["GET", "POST"])
@roles("admin", "assessor")
def interview_candidate(campaign_id: int, reference: str) -> ResponseReturnValue:
    return _candidate_report(campaign_id, reference, "interview-candidate")


@bp.route("/<int:campaign_id>/feedback/<reference>.pdf", methods=["GET", "POST"])
@roles("admin", "assessor")
def feedback(campaign_id: int, reference: str) -> ResponseReturnValue:
    return _candidate_report(campaign_id, reference, "feedback")


@bp.post("/<int:campaign_id>/spreadsheets/<slug>.csv")
@roles("admin")
def spreadsheet(campaign_id: int, slug: str) -> ResponseReturnValue:
    """A spreadsheet of a stage's results. A POST, from a button on the reports page: each download is audited,
    and a GET writes nothing."""
    sheet = spreadsheets.SHEETS.get(slug)
    campaign = load_campaign(campaign_id)
    if sheet is None or campaign is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        made = spreadsheets.download(current_user, campaign, sheet)
    except Refused as refusal:
        return render_template("reports/refused.html", campaign=campaign, message=refusal.message), 409
    response = Response(made.body, mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
