"""A campaign's emails for its admins: what was sent, what is waiting, what failed and why, and resending a
failed one. Linked from the campaign's applications page."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from recruit.access import roles
from recruit.auth.forms import ConfirmForm
from recruit.campaigns import bp
from recruit.campaigns.routes import _campaign_or_404
from recruit.forms import flash_outcome
from recruit.pagination import page_number
from recruit.services.notifications import views as messages


@bp.get("/<int:campaign_id>/messages")
@roles("admin")
def campaign_messages(campaign_id: int) -> str:
    campaign = _campaign_or_404(campaign_id)
    failures = request.args.get("show") == "failures"
    pagination = messages.page_of_messages(campaign, failures, page_number())
    return render_template(
        "campaigns/messages.html",
        campaign=campaign,
        pagination=pagination,
        counts=messages.counts(campaign),
        failures=failures,
        action=ConfirmForm(),
    )


@bp.post("/<int:campaign_id>/messages/<int:message_id>/resend")
@roles("admin")
def resend_message(campaign_id: int, message_id: int) -> ResponseReturnValue:
    campaign = _campaign_or_404(campaign_id)
    message = messages.message_for_admin(campaign, message_id)
    if message is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    recipient = message.recipient
    flash_outcome(
        lambda: messages.resend(current_user, message), f"The email to {recipient} will be sent again shortly."
    )
    return redirect(url_for("campaigns.campaign_messages", campaign_id=campaign.id))
