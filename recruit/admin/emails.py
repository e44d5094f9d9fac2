"""Every email Recruit has sent or is sending, for admins: account emails (staff invitations, sign-in and reset
links, claim links) as well as every campaign's, so no failure goes unseen; resending a failed one."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from recruit.access import roles
from recruit.admin import bp
from recruit.auth.forms import ConfirmForm
from recruit.forms import flash_outcome
from recruit.pagination import page_number
from recruit.services.notifications import views as messages


@bp.get("/emails")
@roles("admin")
def emails() -> str:
    failures = request.args.get("show") == "failures"
    return render_template(
        "admin/emails.html",
        pagination=messages.page_of_messages(None, failures, page_number()),
        counts=messages.counts(None),
        failures=failures,
        action=ConfirmForm(),
    )


@bp.post("/emails/<int:message_id>/resend")
@roles("admin")
def resend_email(message_id: int) -> ResponseReturnValue:
    message = messages.message_for_admin(None, message_id)
    if message is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    recipient = message.recipient
    flash_outcome(
        lambda: messages.resend(current_user, message), f"The email to {recipient} will be sent again shortly."
    )
    return redirect(url_for("admin.emails"))
