"""Routes for signing in, registering, setting and resetting passwords, and the account pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from recruit.access import mfa_exempt, public, safe_next, signed_in
from recruit.auth import bp
from recruit.auth.forms import (
    ChangePasswordForm,
    ConfirmRegistrationForm,
    ForgottenPasswordForm,
    NewRecoveryCodesForm,
    RegisterForm,
    SetPasswordForm,
    SignInForm,
    TurnOffTwoFactorForm,
    TwoFactorForm,
    TwoFactorSetupForm,
)
from recruit.extensions import limiter
from recruit.forms import Form, show_refusal
from recruit.models import User
from recruit.security import end_session, start_session
from recruit.services import notifications
from recruit.services.accounts import account_changes as accounts
from recruit.services.accounts import signin, tokens
from recruit.services.accounts import two_factor as mfa
from recruit.services.accounts.lockout import AccountLocked, record_failure
from recruit.services.errors import Refused

SIGN_IN_FAILED = "Enter a correct email address and password"

T = TypeVar("T")


def _rate_limit() -> str:
    limit: str = current_app.config["SIGN_IN_RATE_LIMIT"]
    return limit


def home_for(user: User) -> str:
    if user.role == "admin":
        return url_for("campaigns.campaign_index")
    if user.role == "assessor":
        return url_for("assess.dashboard")
    return url_for("apply.your_applications")


def _finish_sign_in(user: User, method: str) -> ResponseReturnValue:
    signin.complete_sign_in(user, method)
    target = safe_next(session.get("next")) or safe_next(request.args.get("next")) or home_for(user)
    start_session(user)
    return redirect(target)


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(_rate_limit, methods=["POST"])
def sign_in() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = SignInForm()
    if form.validate_on_submit():
        user = signin.authenticate(form.email.data, form.password.data)
        if user is None:
            form.email.errors = [SIGN_IN_FAILED]
            return render_template("auth/sign_in.html", form=form), 200
        if user.has_two_factor:
            next_target = safe_next(request.args.get("next"))
            session.clear()
            session["two_factor_user"] = user.get_id()
            session["two_factor_started"] = signin.two_factor_started_at()
            if next_target:
                session["next"] = next_target
            return redirect(url_for("auth.two_factor"))
        return _finish_sign_in(user, "password")
    return render_template("auth/sign_in.html", form=form)


@bp.route("/sign-in/two-factor", methods=["GET", "POST"])
@public
@limiter.limit(_rate_limit, methods=["POST"])
def two_factor() -> ResponseReturnValue:
    if current_user.is_authenticated:
        # Going back to this page after signing in must not sign the person out.
        return redirect(home_for(current_user))
    user = signin.pending_two_factor_user(session.get("two_factor_user"), session.get("two_factor_started", 0))
    if user is None:
        return _restart_sign_in()
    form = TwoFactorForm()
    if form.validate_on_submit():
        method = mfa.verify(user, form.code.data)
        if method is None:
            record_failure(user, "wrong security code")
            if user.locked_until is not None:
                # Back to the sign-in page itself, where the generic message follows (the account is locked).
                return _restart_sign_in()
            form.code.errors = ["Enter a correct security code"]
        else:
            # The run of failures ends when sign-in does (signin.complete_sign_in).
            return _finish_sign_in(user, method)
    return render_template("auth/two_factor.html", form=form)


def _restart_sign_in() -> ResponseReturnValue:
    session.clear()
    flash("Sign in again to continue.", "signed-out")
    return redirect(url_for("auth.sign_in"))


@bp.post("/sign-out")
@signed_in
@mfa_exempt
def sign_out() -> ResponseReturnValue:
    accounts.sign_out(current_user._get_current_object())
    end_session()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/register", methods=["GET", "POST"])
@public
@limiter.limit(_rate_limit, methods=["POST"])
def register() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = RegisterForm()
    if form.validate_on_submit():
        notifications.require_transport()
        try:
            started = accounts.request_registration(
                form.name.data, form.email.data, form.password.data, next_path=safe_next(request.args.get("next"))
            )
        except Refused as error:
            show_refusal(form, error)
        else:
            # The same page whether or not the address has an account; only the email (queued by the service)
            # differs.
            return render_template("auth/check_email_registration.html", email=started.email)
    return render_template("auth/register.html", form=form)


@bp.route("/register/confirm/<token>", methods=["GET", "POST"])
@public
@limiter.limit(_rate_limit, methods=["POST"])
def confirm_registration(token: str) -> ResponseReturnValue:
    checked = accounts.check_registration(token)
    if checked.problem or checked.pending is None:
        return _registration_link_problem(checked.problem or "invalid")
    form = ConfirmRegistrationForm()
    if form.validate_on_submit():
        try:
            user, next_path = accounts.confirm_registration(token, form.password.data)
        except Refused as error:
            if error.field is None:
                return _registration_link_problem(error.message)
            show_refusal(form, error)
        else:
            signin.complete_sign_in(user, "registration")
            start_session(user)
            flash("Your account has been created.", "success")
            return redirect(safe_next(next_path) or home_for(user))
    return render_template("auth/confirm_registration.html", form=form, email=checked.pending.email)


def _registration_link_problem(problem: str) -> tuple[str, int]:
    status = 404 if problem == "invalid" else 410
    return render_template("auth/link_problem.html", message=TOKEN_PROBLEMS[problem], registration=True), status


TOKEN_PROBLEMS = {
    "invalid": "This link is not valid. Check you copied the whole link, or ask for a new one.",
    "used": "This link has already been used. Sign in, or ask for a new link if you cannot.",
    "expired": "This link has expired. Ask for a new one.",
}


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@public
@limiter.limit(_rate_limit, methods=["POST"])
def set_password(token: str) -> ResponseReturnValue:
    checked = tokens.check(token)
    if checked.problem or checked.token is None:
        problem = checked.problem or "invalid"
        status = 404 if problem == "invalid" else 410
        return render_template("auth/link_problem.html", message=TOKEN_PROBLEMS[problem]), status
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.set_password_with_token(token, form.password.data)
        except Refused as error:
            show_refusal(form, error)
        else:
            end_session()
            flash("Your password has been saved. Sign in with it now.", "success")
            return redirect(url_for("auth.sign_in"))
    return render_template("auth/set_password.html", form=form, user=checked.token.user)


@bp.route("/forgotten-password", methods=["GET", "POST"])
@public
@limiter.limit(_rate_limit, methods=["POST"])
def forgotten_password() -> str:
    form = ForgottenPasswordForm()
    if form.validate_on_submit():
        # Before looking the address up, so that a service unable to send email answers alike for every address.
        notifications.require_transport()
        # The service queues the email when the account exists; the same page whether or not it does.
        accounts.request_password_reset(form.email.data)
        # The same page whether or not the account exists.
        return render_template("auth/check_email.html", email=form.email.data)
    return render_template("auth/forgotten_password.html", form=form)


@bp.get("/account")
@signed_in
@mfa_exempt
def account() -> str:
    return render_template(
        "auth/account.html",
        unused_codes=mfa.unused_recovery_codes(current_user),
        old_style_codes=mfa.has_old_style_recovery_codes(current_user),
        mfa_required=current_app.config["REQUIRE_STAFF_MFA"] and current_user.is_staff,
    )


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
@mfa_exempt
def change_password() -> ResponseReturnValue:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        answer = _password_checked(
            form,
            user,
            lambda: accounts.change_password(user, form.current_password.data, form.new_password.data),
            lambda _: _back_to_account("Your password has been changed. You have been signed out everywhere else."),
        )
        if answer is not None:
            return answer
    return render_template("auth/change_password.html", form=form)


@bp.route("/account/two-factor/set-up", methods=["GET", "POST"])
@signed_in
@mfa_exempt
def two_factor_setup() -> ResponseReturnValue:
    user = current_user._get_current_object()
    if user.has_two_factor:
        return redirect(url_for("auth.account"))
    form = TwoFactorSetupForm()
    # A new key each time the page is shown, written nowhere until a code proves the person's app has it; a failed
    # attempt keeps the key the person has scanned (the page sends it back, signed).
    if request.method == "GET":
        secret = mfa.start_enrolment(user)
        form.key.data = mfa.enrolment_token(user, secret)
    else:
        shown = mfa.enrolment_secret(user, form.key.data)
        if shown is None:
            # No key has been shown to scan, so no code can be right: show one, changing nothing now.
            flash("Scan the QR code with your authenticator app, then enter the code it shows", "important")
            return redirect(url_for("auth.two_factor_setup"))
        secret = shown
    if form.validate_on_submit():
        answer = _password_checked(
            form,
            user,
            lambda: mfa.enable(user, form.code.data, form.current_password.data, secret),
            lambda codes: render_template("auth/recovery_codes.html", codes=codes, first_time=True),
        )
        if answer is not None:
            return answer
    uri = mfa.provisioning_uri(user, secret)
    return render_template(
        "auth/two_factor_setup.html",
        form=form,
        secret=secret,
        qr_svg=mfa.qr_code_svg(uri),
        required=current_app.config["REQUIRE_STAFF_MFA"] and user.is_staff,
    )


@bp.route("/account/two-factor/recovery-codes", methods=["GET", "POST"])
@signed_in
def regenerate_recovery_codes() -> ResponseReturnValue:
    user = current_user._get_current_object()
    if not user.has_two_factor:
        if request.method == "POST":
            abort(400)
        return redirect(url_for("auth.account"))
    form = NewRecoveryCodesForm()
    if form.validate_on_submit():
        answer = _password_checked(
            form,
            user,
            lambda: mfa.regenerate_recovery_codes(user, form.current_password.data),
            lambda codes: render_template("auth/recovery_codes.html", codes=codes, first_time=False),
        )
        if answer is not None:
            return answer
    return render_template(
        "auth/confirm_password.html",
        form=form,
        title="Get new recovery codes",
        explanation=["Your current recovery codes will stop working.", "You will be signed out on every other device."],
    )


@bp.route("/account/two-factor/turn-off", methods=["GET", "POST"])
@signed_in
def turn_off_two_factor() -> ResponseReturnValue:
    user = current_user._get_current_object()
    if not user.has_two_factor:
        return redirect(url_for("auth.account"))
    if current_app.config["REQUIRE_STAFF_MFA"] and user.is_staff:
        flash("Staff accounts must keep two-factor authentication turned on.", "important")
        return redirect(url_for("auth.account"))
    form = TurnOffTwoFactorForm()
    if form.validate_on_submit():
        answer = _password_checked(
            form,
            user,
            lambda: mfa.turn_off(user, form.current_password.data),
            lambda _: _back_to_account(
                "Two-factor authentication is turned off. You have been signed out everywhere else."
            ),
        )
        if answer is not None:
            return answer
    return render_template(
        "auth/confirm_password.html",
        form=form,
        title="Turn off two-factor authentication",
        explanation=[
            "You will sign in with your password alone, and your recovery codes will stop working.",
            "You will be signed out on every other device.",
        ],
    )


def _password_checked(
    form: Form, user: User, change: Callable[[], T], done: Callable[[T], ResponseReturnValue]
) -> ResponseReturnValue | None:
    """Make a change to how the person signs in that needs their current password. Done: every other session has
    ended, this one carries on with the new session version, and `done(result)` answers. A wrong password shows on
    the form (None: show the page again); the one that locks the account ends this session too."""
    try:
        result = change()
    except AccountLocked as error:
        return _signed_out_by_lock(error)
    except Refused as error:
        show_refusal(form, error)
        return None
    start_session(user)
    return done(result)


def _back_to_account(message: str) -> ResponseReturnValue:
    flash(message, "success")
    return redirect(url_for("auth.account"))


def _signed_out_by_lock(error: Refused) -> ResponseReturnValue:
    """Too many wrong passwords from inside a session: the account is locked and this session ends."""
    end_session()
    flash(error.message, "signed-out")
    return redirect(url_for("auth.sign_in"))
