"""The chair writes each candidate's feedback per criterion, starting from a draft built from the
moderated record (the indicators the panel saw and the agreed rationale)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from wtforms import SubmitField, TextAreaField
from wtforms.validators import Length

from recruit.access import roles
from recruit.forms import Form, show_refusal, strip
from recruit.moderate import bp
from recruit.moderate.routes import _item_access
from recruit.services.assessment import agreement, feedback, moderators
from recruit.services.errors import Refused


class FeedbackForm(Form):
    feedback = TextAreaField(
        "Feedback for the candidate",
        widget=GovTextArea(),
        filters=[strip],
        validators=[Length(max=5000, message="Feedback must be 5000 characters or fewer")],
    )
    submit = SubmitField("Save feedback", widget=GovSubmitInput())


@bp.route("/<int:campaign_id>/<stage>/items/<reference>/<code>/feedback", methods=["GET", "POST"])
@roles("assessor", "admin")
def write_feedback(campaign_id: int, stage: str, reference: str, code: str) -> ResponseReturnValue:
    campaign, application, criterion = _item_access(campaign_id, stage, reference, code)
    current = agreement.item_for(campaign, stage, application, criterion)
    agreed = current.agreed
    if agreed is None or agreed.status != "agreed":
        abort(404)
    refusal = moderators.refusal(current_user, campaign, stage, application, "feedback", conflicted=current.conflicted)
    if refusal is not None:
        flash(refusal, "important")
        return redirect(
            url_for(
                "moderate.item",
                campaign_id=campaign.id,
                stage=stage,
                reference=application.reference,
                code=criterion.code,
            )
        )
    form = FeedbackForm()
    if request.method == "GET":
        form.feedback.data = agreed.feedback or feedback.draft(agreed)
    if form.validate_on_submit():
        try:
            feedback.save(current_user, campaign, agreed, form.feedback.data or "")
        except Refused as error:
            show_refusal(form, error, "feedback")
        else:
            flash("Feedback saved. Candidates see it once an admin releases the outcomes.", "success")
            return redirect(
                url_for(
                    "moderate.item",
                    campaign_id=campaign.id,
                    stage=stage,
                    reference=application.reference,
                    code=criterion.code,
                )
            )
    return render_template(
        "moderate/feedback.html",
        campaign=campaign,
        stage=stage,
        application=application,
        criterion=criterion,
        agreed=agreed,
        form=form,
        drafted=not agreed.feedback,
    )
