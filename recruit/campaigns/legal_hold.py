"""Placing and releasing a legal hold, which keeps a campaign's personal data past the retention period."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField

from recruit.access import roles
from recruit.campaigns import bp
from recruit.campaigns.routes import _campaign_or_404
from recruit.extensions import db
from recruit.forms import Form, show_refusal, text_area
from recruit.models import Campaign, User
from recruit.services.errors import Refused
from recruit.services.records import retention


class PlaceHoldForm(Form):
    reason = text_area(
        "Reason for the legal hold",
        "Enter the reason for the legal hold",
        max_length=retention.REASON_MAX,
        description="For example, the employment tribunal claim or appeal the records are needed for",
    )
    submit = SubmitField("Place legal hold", widget=GovSubmitInput())


class ReleaseHoldForm(Form):
    reason = text_area(
        "Reason for releasing the hold",
        "Enter the reason for releasing the legal hold",
        max_length=retention.REASON_MAX,
        description="For example, the claim has been settled",
    )
    submit = SubmitField("Release legal hold", widget=GovSubmitInput())


def _page(campaign: Campaign, form: Form, releasing: bool) -> str:
    placed_by = db.session.get(User, campaign.legal_hold_set_by_id) if campaign.legal_hold_set_by_id else None
    return render_template(
        "campaigns/legal_hold.html",
        campaign=campaign,
        form=form,
        releasing=releasing,
        placed_by=placed_by,
        retention=retention.status_of(campaign, current_app.config.get("RETENTION_MONTHS")),
    )


@bp.route("/<int:campaign_id>/legal-hold", methods=["GET", "POST"])
@roles("admin")
def legal_hold(campaign_id: int) -> ResponseReturnValue:
    campaign = _campaign_or_404(campaign_id)
    if request.method == "GET" and campaign.legal_hold:
        return redirect(url_for("campaigns.release_legal_hold", campaign_id=campaign.id))
    form = PlaceHoldForm()
    if form.validate_on_submit():
        try:
            retention.set_legal_hold(current_user, campaign, form.reason.data)
        except Refused as error:
            show_refusal(form, error)
        else:
            flash(
                f"{campaign.reference} is on legal hold: its personal data will be kept until the hold is released.",
                "success",
            )
            return redirect(url_for("campaigns.overview", campaign_id=campaign.id))
    return _page(campaign, form, releasing=False)


@bp.route("/<int:campaign_id>/legal-hold/release", methods=["GET", "POST"])
@roles("admin")
def release_legal_hold(campaign_id: int) -> ResponseReturnValue:
    campaign = _campaign_or_404(campaign_id)
    if request.method == "GET" and not campaign.legal_hold:
        return redirect(url_for("campaigns.legal_hold", campaign_id=campaign.id))
    form = ReleaseHoldForm()
    if form.validate_on_submit():
        try:
            retention.release_legal_hold(current_user, campaign, form.reason.data)
        except Refused as error:
            show_refusal(form, error)
        else:
            flash(f"The legal hold on {campaign.reference} is released.", "success")
            return redirect(url_for("campaigns.overview", campaign_id=campaign.id))
    return _page(campaign, form, releasing=True)
