"""Admins name a deputy chair for an application whose chair declared a conflict of interest with the candidate
(DESIGN §6, "Who may moderate what"), and reach those applications' moderation themselves."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.validators import InputRequired

from recruit.access import roles
from recruit.campaigns import bp
from recruit.campaigns.routes import _campaign_or_404
from recruit.extensions import db
from recruit.forms import Form, show_refusal
from recruit.models import Campaign
from recruit.services.assessment import moderators
from recruit.services.assessment.visibility import shows_names
from recruit.services.campaigns.stages import in_stage, stage_criteria
from recruit.services.errors import Refused

ADMIN_MODERATES = 0


class DeputyForm(Form):
    # Any id may come back: the service says why a person cannot be named, in words, rather than "not a choice".
    deputy = RadioField(
        "Who moderates this application",
        coerce=int,
        validate_choice=False,
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select who moderates this application")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


def _stage_or_404(campaign_id: int, stage: str) -> Campaign:
    campaign = _campaign_or_404(campaign_id)
    if stage not in ("sift", "interview") or campaign.panel(stage) is None:
        abort(404)
    return campaign


@bp.get("/<int:campaign_id>/panels/<stage>/deputies")
@roles("admin")
def deputies(campaign_id: int, stage: str) -> str:
    campaign = _stage_or_404(campaign_id, stage)
    return render_template(
        "campaigns/deputies.html",
        campaign=campaign,
        stage=stage,
        names=shows_names(current_user, campaign, stage),
        handovers=moderators.handovers(campaign, stage),
        criteria=stage_criteria(campaign, stage),
    )


@bp.route("/<int:campaign_id>/panels/<stage>/deputies/<reference>", methods=["GET", "POST"])
@roles("admin")
def deputy(campaign_id: int, stage: str, reference: str) -> ResponseReturnValue:
    campaign = _stage_or_404(campaign_id, stage)
    application = in_stage(campaign, stage, reference)
    if application is None:
        abort(404)
    named = moderators.deputy_of(application, stage)
    people = moderators.deputy_candidates(campaign, stage, application)
    form = DeputyForm()
    form.deputy.choices = [(person.id, f"{person.name} ({person.email})") for person in people] + [
        (ADMIN_MODERATES, "No deputy chair: an admin moderates this application")
    ]
    if request.method == "GET":
        form.deputy.data = named.deputy_id if named else None
    if form.validate_on_submit():
        chosen = form.deputy.data if form.deputy.data != ADMIN_MODERATES else None
        try:
            moderators.name_deputy(current_user, campaign, stage, application, chosen)
        except Refused as error:
            show_refusal(form, error, "deputy")
        else:
            db.session.expire_all()
            named = moderators.deputy_of(application, stage)
            flash(
                f"{named.deputy.name} is the deputy chair for {application.reference}."
                if named
                else f"An admin moderates {application.reference}: it has no deputy chair.",
                "success",
            )
            return redirect(url_for("campaigns.deputies", campaign_id=campaign.id, stage=stage))
    return render_template(
        "campaigns/deputy.html",
        campaign=campaign,
        stage=stage,
        application=application,
        form=form,
        named=named,
        stands_aside=moderators.chair_stands_aside(campaign, stage, moderators.conflicted_ids(application, stage)),
    )
