"""Routes for candidates' reasonable adjustments: reading their requests and the responses, and asking for one,
from their application or their interview invitation."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from recruit.access import roles
from recruit.apply import bp
from recruit.apply.adjustment_forms import AdjustmentRequestForm
from recruit.apply.routes import _application_or_404
from recruit.forms import show_refusal
from recruit.services.applications import adjustments as service
from recruit.services.applications.adjustments import DETAILS_MAX
from recruit.services.errors import Refused


@bp.get("/applications/<reference>/adjustments")
@roles("candidate")
def adjustments(reference: str) -> str:
    application = _application_or_404(reference)
    return render_template(
        "apply/adjustments.html",
        application=application,
        requests=service.requests_for(application),
        refusal=service.ask_refusal(application),
    )


@bp.route("/applications/<reference>/adjustments/ask", methods=["GET", "POST"])
@roles("candidate")
def ask_adjustment(reference: str) -> ResponseReturnValue:
    application = _application_or_404(reference)
    refusal = service.ask_refusal(application)
    form = AdjustmentRequestForm()
    if refusal is not None and request.method == "POST":
        flash(refusal, "important")
        return redirect(url_for("apply.adjustments", reference=application.reference))
    if form.validate_on_submit():
        try:
            service.ask(current_user, application, form.category.data, form.details.data)
        except Refused as error:
            show_refusal(form, error)
        else:
            flash("Your request for adjustments has been sent. The recruitment team will respond to it.", "success")
            return redirect(url_for("apply.adjustments", reference=application.reference))
    return render_template(
        "apply/adjustment_ask.html",
        application=application,
        form=form,
        refusal=refusal,
        details_max=DETAILS_MAX,
    )
