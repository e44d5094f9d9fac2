"""Redaction before the sift (DESIGN §12), for a campaign's admins: every submitted application with what in its
statements could identify the candidate, and a page per application to redact it. Linked from the campaign's page
while the campaign is closed and the sift has not started."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from recruit.access import roles
from recruit.campaigns import bp
from recruit.campaigns.redaction_forms import FindingsForm, RemoveForm, TextForm
from recruit.campaigns.routes import _campaign_or_404
from recruit.forms import Form, show_refusal
from recruit.models import Application, Campaign
from recruit.services.errors import Refused
from recruit.services.fairness import redaction


@bp.get("/<int:campaign_id>/redaction")
@roles("admin")
def redaction_list(campaign_id: int) -> str:
    campaign = _campaign_or_404(campaign_id)
    return render_template(
        "campaigns/redactions.html",
        campaign=campaign,
        rows=redaction.campaign_rows(campaign),
        refusal=redaction.refusal(campaign),
    )


def _application_or_404(campaign: Campaign, application_id: int) -> Application:
    application = redaction.application_for_admin(current_user, campaign, application_id)
    if application is None:
        abort(404)
    return application


def _page(
    campaign: Campaign,
    application: Application,
    findings: FindingsForm | None = None,
    typed: TextForm | None = None,
    removing: RemoveForm | None = None,
    failed: Form | None = None,
) -> str:
    statements = redaction.findings_for(application, campaign.criteria_at("sift"))
    typed = typed or TextForm(formdata=None)
    typed.statement.choices = [(str(s.statement.id), s.criterion.name) for s in statements if s.statement]
    return render_template(
        "campaigns/redaction.html",
        campaign=campaign,
        application=application,
        statements=statements,
        refusal=redaction.refusal(campaign),
        findings_form=findings or FindingsForm(formdata=None),
        text_form=typed,
        remove_form=removing or RemoveForm(formdata=None),
        # The page's error summary shows the form that was refused.
        form=failed or typed,
    )


def _done(campaign: Campaign, application: Application, message: str) -> ResponseReturnValue:
    flash(message, "success")
    return redirect(url_for("campaigns.redaction_page", campaign_id=campaign.id, application_id=application.id))


@bp.get("/<int:campaign_id>/redaction/<int:application_id>")
@roles("admin")
def redaction_page(campaign_id: int, application_id: int) -> str:
    campaign = _campaign_or_404(campaign_id)
    return _page(campaign, _application_or_404(campaign, application_id))


@bp.post("/<int:campaign_id>/redaction/<int:application_id>/findings")
@roles("admin")
def redact_findings(campaign_id: int, application_id: int) -> ResponseReturnValue:
    campaign = _campaign_or_404(campaign_id)
    application = _application_or_404(campaign, application_id)
    form = FindingsForm()
    if form.validate_on_submit():
        selected = form.selected()
        try:
            if selected is None:
                raise Refused("Select what to redact from the findings listed", "spans")
            rows = redaction.redact_findings(current_user, application, selected)
        except Refused as error:
            show_refusal(form, error, "spans")
        else:
            return _done(campaign, application, f"{len(rows)} {'part' if len(rows) == 1 else 'parts'} redacted")
    return _page(campaign, application, findings=form, failed=form)


@bp.post("/<int:campaign_id>/redaction/<int:application_id>/text")
@roles("admin")
def redact_text(campaign_id: int, application_id: int) -> ResponseReturnValue:
    campaign = _campaign_or_404(campaign_id)
    application = _application_or_404(campaign, application_id)
    form = TextForm()
    if form.validate_on_submit():
        try:
            if form.every.data not in ("every", "first"):
                raise Refused("Select whether to redact every time it appears or only the first", "every")
            rows = redaction.redact_text(
                current_user, application, form.statement_id(), form.text.data, form.every.data == "every"
            )
        except Refused as error:
            show_refusal(form, error, "text")
        else:
            return _done(campaign, application, f"{len(rows)} {'part' if len(rows) == 1 else 'parts'} redacted")
    return _page(campaign, application, typed=form, failed=form)


@bp.post("/<int:campaign_id>/redaction/<int:application_id>/remove")
@roles("admin")
def remove_redaction(campaign_id: int, application_id: int) -> ResponseReturnValue:
    campaign = _campaign_or_404(campaign_id)
    application = _application_or_404(campaign, application_id)
    form = RemoveForm()
    if form.validate_on_submit():
        try:
            redaction.remove(current_user, application, form.redaction_id())
        except Refused as error:
            show_refusal(form, error)
        else:
            return _done(campaign, application, "The redaction was removed: the panel will see that text")
    return _page(campaign, application, removing=form, failed=form)
