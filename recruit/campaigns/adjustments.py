"""A campaign's reasonable adjustments for its admins: every candidate's requests, and recording what was agreed
and what the interview panel is told. Linked from the campaign's page."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from recruit.access import roles
from recruit.campaigns import bp
from recruit.campaigns.adjustment_forms import AdjustmentResponseForm
from recruit.campaigns.routes import _campaign_or_404
from recruit.forms import show_refusal
from recruit.services.applications import adjustments as service
from recruit.services.applications.adjustments import AGREED_MAX, PANEL_NOTE_MAX
from recruit.services.errors import Refused


@bp.get("/<int:campaign_id>/adjustments")
@roles("admin")
def adjustments(campaign_id: int) -> str:
    campaign = _campaign_or_404(campaign_id)
    return render_template("campaigns/adjustments.html", campaign=campaign, view=service.campaign_requests(campaign))


@bp.route("/<int:campaign_id>/adjustments/<int:adjustment_id>", methods=["GET", "POST"])
@roles("admin")
def adjustment(campaign_id: int, adjustment_id: int) -> ResponseReturnValue:
    campaign = _campaign_or_404(campaign_id)
    asked = service.request_for_admin(current_user, campaign, adjustment_id)
    if asked is None:
        abort(404)
    form = AdjustmentResponseForm()
    if request.method == "GET":
        form.outcome.data = asked.outcome
        form.agreed.data = asked.agreed
        form.panel_note.data = asked.panel_note
        form.version.data = str(asked.version)
    if form.validate_on_submit():
        try:
            service.respond(
                current_user,
                asked,
                outcome=form.outcome.data,
                agreed=form.agreed.data,
                panel_note=form.panel_note.data,
                version=form.version_number(),
            )
        except Refused as error:
            show_refusal(form, error)
        else:
            flash(
                f"Your response to {asked.application.reference}'s request has been saved. The candidate has been "
                "told by email that there is a response to read.",
                "success",
            )
            return redirect(url_for("campaigns.adjustments", campaign_id=campaign.id))
    return render_template(
        "campaigns/adjustment.html",
        campaign=campaign,
        asked=asked,
        form=form,
        agreed_max=AGREED_MAX,
        panel_note_max=PANEL_NOTE_MAX,
    )
