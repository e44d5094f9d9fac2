"""A campaign's Disability Confident report for its admins: opted-in candidates, whether they met the minimum
criteria and what happened, with a CSV download. Linked from the campaign's page."""

from __future__ import annotations

from flask import Response, abort, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm

from recruit.access import roles
from recruit.campaigns import bp
from recruit.campaigns.routes import _campaign_or_404
from recruit.services.applications import disability_confident_report as report


@bp.get("/<int:campaign_id>/disability-confident")
@roles("admin")
def disability_confident(campaign_id: int) -> str:
    campaign = _campaign_or_404(campaign_id)
    return render_template(
        "campaigns/disability_confident.html",
        campaign=campaign,
        rows=report.rows(campaign),
        form=FlaskForm(),
    )


@bp.post("/<int:campaign_id>/disability-confident.csv")
@roles("admin")
def disability_confident_csv(campaign_id: int) -> ResponseReturnValue:
    """A POST from the report's button, so each download is audited and a GET writes nothing."""
    campaign = _campaign_or_404(campaign_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    response = Response(report.download(current_user, campaign), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="disability-confident-{campaign.reference}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response
