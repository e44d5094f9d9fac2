"""The candidate's Disability Confident page: what the scheme offers, and opting in or out until they submit."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from recruit.access import roles
from recruit.apply import bp
from recruit.apply.disability_confident_forms import DisabilityConfidentForm
from recruit.apply.routes import _application_or_404
from recruit.forms import show_refusal
from recruit.services.applications import disability_confident as scheme
from recruit.services.errors import Refused


@bp.route("/applications/<reference>/disability-confident", methods=["GET", "POST"])
@roles("candidate")
def disability_confident(reference: str) -> ResponseReturnValue:
    application = _application_or_404(reference)
    claim = scheme.claim_for(application)
    form = DisabilityConfidentForm()
    if request.method == "GET" and claim is not None:
        form.opt_in.data = "yes" if claim.opted_in else "no"
        form.declaration.data = claim.opted_in
    if form.validate_on_submit():
        try:
            scheme.answer(current_user, application, form.opt_in.data, bool(form.declaration.data))
        except Refused as error:
            show_refusal(form, error)
        else:
            return redirect(url_for("apply.task_list", reference=application.reference))
    return render_template(
        "apply/disability_confident.html",
        application=application,
        form=form,
        answer=scheme.answer_label(claim),
        minimum=application.campaign.disability_confident_minimum,
        offered=application.campaign.disability_confident,
    )
