"""Routes for candidates: start an application, fill in its parts, check, submit, withdraw."""
from __future__ import annotations

import json

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from recruit.access import roles, signed_in
from recruit.apply import bp
from recruit.apply.forms import ConfirmForm, PersonalDetailsForm, StatementForm, SubmitForm
from recruit.extensions import db
from recruit.forms import show_refusal
from recruit.models import Application, Criterion
from recruit.services import applications, personal_data, vacancies
from recruit.services.errors import Refused


def _application_or_404(reference: str) -> Application:
    application = applications.application_for_candidate(current_user, reference)
    if application is None:
        abort(404)
    return application


def _criterion_or_404(application: Application, code: str) -> Criterion:
    criterion = next((c for c in application.campaign.criteria_at("sift") if c.code == code), None)
    if criterion is None:
        abort(404)
    return criterion


def _task_list(application: Application):
    return redirect(url_for("apply.task_list", reference=application.reference))


@bp.route("/vacancies/<reference>/apply", methods=["GET", "POST"])
@roles("candidate")
def start(reference: str):
    campaign = vacancies.public_vacancy(reference)
    if campaign is None:
        abort(404)
    existing = db.session.scalar(db.select(Application).where(Application.campaign_id == campaign.id,
                                                              Application.candidate_id == current_user.id))
    if existing is not None:
        return _task_list(existing)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            application = applications.start(current_user, campaign)
        except Refused as error:
            show_refusal(form, error)
        else:
            return _task_list(application)
    return render_template("apply/start.html", campaign=campaign, form=form,
                           accepting=vacancies.accepting_applications(campaign))


@bp.get("/applications")
@roles("candidate")
def your_applications():
    return render_template("apply/list.html", applications=applications.applications_of(current_user))


@bp.get("/applications/<reference>")
@roles("candidate")
def task_list(reference: str):
    application = _application_or_404(reference)
    return render_template("apply/task_list.html", application=application,
                           missing=applications.missing_parts(application),
                           accepting=vacancies.accepting_applications(application.campaign))


@bp.route("/applications/<reference>/personal-details", methods=["GET", "POST"])
@roles("candidate")
def personal_details(reference: str):
    application = _application_or_404(reference)
    details = application.personal_details
    form = PersonalDetailsForm()
    if request.method == "GET":
        form.full_name.data = details.full_name if details else current_user.name
        form.email.data = details.email if details else current_user.email
        form.phone.data = details.phone if details else ""
        form.version.data = str(application.version)
    if form.validate_on_submit():
        try:
            applications.save_personal_details(current_user, application, full_name=form.full_name.data,
                                               email=form.email.data, phone=form.phone.data or "",
                                               version=form.version_number())
        except Refused as error:
            show_refusal(form, error)
        else:
            return _task_list(application)
    return render_template("apply/personal_details.html", application=application, form=form,
                           read_only=not application.editable)


@bp.route("/applications/<reference>/evidence/<code>", methods=["GET", "POST"])
@roles("candidate")
def statement(reference: str, code: str):
    application = _application_or_404(reference)
    criterion = _criterion_or_404(application, code)
    saved = application.statement_for(criterion)
    form = StatementForm()
    if request.method == "GET":
        form.text.data = saved.text if saved else ""
        form.version.data = str(application.version)
    if form.validate_on_submit():
        try:
            applications.save_statement(current_user, application, criterion, form.text.data or "",
                                        form.version_number())
        except Refused as error:
            show_refusal(form, error, "text")
        else:
            return _task_list(application)
    return render_template("apply/statement.html", application=application, criterion=criterion, form=form,
                           read_only=not application.editable)


@bp.route("/applications/<reference>/check", methods=["GET", "POST"])
@roles("candidate")
def check(reference: str):
    application = _application_or_404(reference)
    if application.status == "submitted":
        return redirect(url_for("apply.submitted", reference=application.reference))
    form = SubmitForm()
    if request.method == "GET":
        form.version.data = str(application.version)
    if form.validate_on_submit():
        try:
            applications.submit(current_user, application, form.version_number())
        except Refused as error:
            show_refusal(form, error, "declaration")
        else:
            return redirect(url_for("apply.submitted", reference=application.reference))
    return render_template("apply/check.html", application=application, form=form,
                           missing=applications.missing_parts(application))


@bp.get("/applications/<reference>/submitted")
@roles("candidate")
def submitted(reference: str):
    application = _application_or_404(reference)
    if application.status != "submitted":
        return _task_list(application)
    return render_template("apply/submitted.html", application=application)


@bp.route("/applications/<reference>/withdraw", methods=["GET", "POST"])
@roles("candidate")
def withdraw(reference: str):
    application = _application_or_404(reference)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            applications.withdraw(current_user, application)
        except Refused as error:
            show_refusal(form, error)
        else:
            flash(f"You have withdrawn application {application.reference}.", "success")
            return redirect(url_for("apply.your_applications"))
    return render_template("apply/withdraw.html", application=application, form=form)


@bp.get("/account/your-data")
@signed_in
def download_your_data():
    body = json.dumps(personal_data.everything_about(current_user), indent=2, ensure_ascii=False)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": "attachment; filename=recruit-your-data.json"})
