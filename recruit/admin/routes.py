"""Routes for managing accounts and reading the audit log."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from recruit.access import roles
from recruit.admin import bp
from recruit.admin.forms import ROLE_LABELS, AuditFilterForm, InviteForm, RoleForm
from recruit.auth.forms import ConfirmForm
from recruit.extensions import db
from recruit.forms import show_refusal
from recruit.links import absolute_url
from recruit.models import User
from recruit.pagination import page_number
from recruit.services import notifications
from recruit.services.accounts import account_changes as accounts
from recruit.services.accounts import users
from recruit.services.errors import Refused
from recruit.services.notifications.views import development_mail_query
from recruit.services.records.audit_log import audit_query


def _user_or_404(user_id: int) -> User:
    user = users.user_for_admin(current_user, user_id)
    if user is None:
        abort(404)
    return user


def _invitation_page(user: User, raw: str) -> str:
    # The service queued the email when email can be sent; with no way to send it, the admin is shown the link to
    # pass on themselves (it goes to no log).
    emailed = notifications.configured()
    return render_template(
        "admin/invited.html", user=user, link=None if emailed else absolute_url("auth.set_password", token=raw)
    )


@bp.get("/users")
@roles("admin")
def users_list() -> str:
    role = request.args.get("role") if request.args.get("role") in ("admin", "assessor", "candidate") else None
    pagination = db.paginate(users.users_query(role), page=page_number(), per_page=users.PAGE_SIZE, error_out=False)
    return render_template("admin/users.html", pagination=pagination, role=role)


@bp.route("/users/invite", methods=["GET", "POST"])
@roles("admin")
def invite() -> ResponseReturnValue:
    form = InviteForm()
    if form.validate_on_submit():
        try:
            user, raw = accounts.invite_staff(current_user, form.name.data, form.email.data, form.role.data)
        except Refused as error:
            show_refusal(form, error)
        else:
            return _invitation_page(user, raw)
    return render_template("admin/invite.html", form=form)


@bp.get("/users/<int:user_id>")
@roles("admin")
def user_detail(user_id: int) -> str:
    user = _user_or_404(user_id)
    return render_template("admin/user.html", user=user, form=RoleForm(role=user.role), action=ConfirmForm())


@bp.post("/users/<int:user_id>/role")
@roles("admin")
def change_role(user_id: int) -> ResponseReturnValue:
    user = _user_or_404(user_id)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            accounts.change_role(current_user, user, form.role.data)
        except Refused as error:
            form.role.errors = [error.message]
        else:
            flash(f"{user.name}'s role is now {ROLE_LABELS[user.role]}.", "success")
            return redirect(url_for("admin.user_detail", user_id=user.id))
    return render_template("admin/user.html", user=user, form=form, action=ConfirmForm()), 400


def _set_active(user_id: int, active: bool) -> ResponseReturnValue:
    user = _user_or_404(user_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        accounts.set_active(current_user, user, active)
    except Refused as error:
        flash(error.message, "important")
    else:
        flash(f"{user.name}'s account is {'active' if active else 'deactivated'}.", "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.post("/users/<int:user_id>/deactivate")
@roles("admin")
def deactivate(user_id: int) -> ResponseReturnValue:
    return _set_active(user_id, False)


@bp.post("/users/<int:user_id>/reactivate")
@roles("admin")
def reactivate(user_id: int) -> ResponseReturnValue:
    return _set_active(user_id, True)


@bp.post("/users/<int:user_id>/invitation")
@roles("admin")
def reissue_invitation(user_id: int) -> ResponseReturnValue:
    user = _user_or_404(user_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        raw = accounts.reissue_invitation(current_user, user)
    except Refused as error:
        flash(error.message, "important")
        return redirect(url_for("admin.user_detail", user_id=user.id))
    return _invitation_page(user, raw)


@bp.get("/audit")
@roles("admin")
def audit_log() -> ResponseReturnValue:
    form = AuditFilterForm(formdata=request.args)
    if request.args and not form.validate():
        return render_template("admin/audit.html", form=form, pagination=None), 400
    query = audit_query(form.user.data, form.record_type.data, form.record_id.data, form.since.data, form.until.data)
    pagination = db.paginate(query, page=page_number(), per_page=users.PAGE_SIZE, error_out=False)
    return render_template("admin/audit.html", form=form, pagination=pagination)


@bp.get("/development-mail")
@roles("admin")
def development_mail() -> str:
    # Emails hold live sign-in links: readable only where the development outbox is on (development, or a
    # test that turns it on), and no page at all anywhere else.
    if not current_app.config.get("DEVELOPMENT_OUTBOX"):
        abort(404)
    pagination = db.paginate(development_mail_query(), page=page_number(), per_page=users.PAGE_SIZE, error_out=False)
    return render_template("admin/development_mail.html", pagination=pagination)
