"""Routes for candidates: start an application, fill in its parts, check, submit, withdraw; reply to an
interview invitation and read released outcomes and feedback."""

from __future__ import annotations

import json

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from recruit.access import roles, signed_in
from recruit.apply import bp
from recruit.apply.forms import (
    ConfirmForm,
    InterviewReplyForm,
    InterviewTimeForm,
    OfferAnswerForm,
    PersonalDetailsForm,
    StatementForm,
    SubmitForm,
)
from recruit.clock import format_uk
from recruit.extensions import db
from recruit.forms import flash_outcome, show_refusal
from recruit.models import Application, Criterion
from recruit.services.applications import adjustments, disability_confident
from recruit.services.applications import submission as applications
from recruit.services.applications.progress import Progress, awaiting_decision, no_outcome, progress_of, stage_outcomes
from recruit.services.assessment import feedback
from recruit.services.campaigns import vacancies
from recruit.services.errors import Refused
from recruit.services.fairness import monitoring, redaction
from recruit.services.interview import booking, offers
from recruit.services.interview import calendar as calendars
from recruit.services.interview import invitations as interviews
from recruit.services.records import personal_data


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


def _task_list(application: Application) -> ResponseReturnValue:
    return redirect(url_for("apply.task_list", reference=application.reference))


def _render_task_list(application: Application, progress: Progress, form: InterviewReplyForm) -> str:
    if progress.slot is not None:
        # Always the invitation on screen now, so a reply never answers a time the candidate has not seen.
        form.version.data = str(progress.slot.version)
    return render_template(
        "apply/task_list.html",
        application=application,
        progress=progress,
        form=form,
        missing=applications.missing_parts(application),
        accepting=vacancies.accepting_applications(application.campaign),
        choose_times=booking.can_choose(application),
        calendar_cancelled=calendars.cancelled(application),
        adjustments=adjustments.task_list_entry(application),
        monitoring=monitoring.task_list_entry(application),
        disability_confident=disability_confident.task_list_entry(application),
    )


@bp.route("/vacancies/<reference>/apply", methods=["GET", "POST"])
@roles("candidate")
def start(reference: str) -> ResponseReturnValue:
    campaign = vacancies.public_vacancy(reference)
    if campaign is None:
        abort(404)
    existing = db.session.scalar(
        db.select(Application).where(
            Application.campaign_id == campaign.id, Application.candidate_id == current_user.id
        )
    )
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
    return render_template(
        "apply/start.html", campaign=campaign, form=form, accepting=vacancies.accepting_applications(campaign)
    )


@bp.get("/applications")
@roles("candidate")
def your_applications() -> str:
    rows = [progress_of(application) for application in applications.applications_of(current_user)]
    return render_template("apply/list.html", rows=rows, interviews=any(row.slot for row in rows))


@bp.get("/applications/<reference>")
@roles("candidate")
def task_list(reference: str) -> ResponseReturnValue:
    application = _application_or_404(reference)
    return _render_task_list(application, progress_of(application), InterviewReplyForm())


@bp.post("/applications/<reference>/interview")
@roles("candidate")
def interview_reply(reference: str) -> ResponseReturnValue:
    application = _application_or_404(reference)
    progress = progress_of(application)
    if progress.slot is None:
        abort(404)
    form = InterviewReplyForm()
    if form.validate_on_submit():
        try:
            accept = form.reply.data == "accept"
            interviews.respond(
                current_user, progress.slot, accept=accept, note=form.note.data or "", version=form.version.data or ""
            )
        except Refused as error:
            show_refusal(form, error, "reply")
        else:
            flash(
                f"You have accepted your interview on {format_uk(progress.slot.starts_at)} (UK time)."
                if accept
                else "You have asked for another time. The recruitment team will contact you with a new time.",
                "success",
            )
            return redirect(url_for("apply.task_list", reference=application.reference, _anchor="interview"))
    return _render_task_list(application, progress_of(application), form)


def _render_times(application: Application, form: InterviewTimeForm) -> str:
    view = booking.booking_view(application)
    form.time.choices = [(str(time.id), f"{format_uk(time.starts_at)}") for time in view.times]
    return render_template(
        "apply/interview_times.html", application=application, view=view, form=form, cancel=ConfirmForm()
    )


@bp.route("/applications/<reference>/interview-times", methods=["GET", "POST"])
@roles("candidate")
def interview_times(reference: str) -> ResponseReturnValue:
    application = _application_or_404(reference)
    form = InterviewTimeForm()
    if request.method == "POST":
        form.time.choices = [(form.time.data or "", "")]  # any value: the booking service says which are allowed
    if form.validate_on_submit():
        text = form.time.data or ""
        try:
            slot = booking.book(current_user, application, int(text) if text.isascii() and text.isdigit() else None)
        except Refused as error:
            show_refusal(form, error, "time")
        else:
            flash(f"Your interview is booked for {format_uk(slot.starts_at)} (UK time).", "success")
            return redirect(url_for("apply.task_list", reference=application.reference, _anchor="interview"))
    return _render_times(application, form)


@bp.post("/applications/<reference>/interview-times/cancel")
@roles("candidate")
def cancel_interview_time(reference: str) -> ResponseReturnValue:
    application = _application_or_404(reference)
    if booking.booked_time(application) is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        flash_outcome(
            lambda: booking.cancel(current_user, application),
            "You have cancelled your interview time. Choose another time when you can.",
        )
    return redirect(url_for("apply.interview_times", reference=application.reference))


@bp.get("/applications/<reference>/interview.ics")
@roles("candidate")
def interview_calendar(reference: str) -> ResponseReturnValue:
    application = _application_or_404(reference)
    progress = progress_of(application)
    if not (progress.calendar and progress.slot is not None) and not calendars.cancelled(application):
        abort(404)
    ical = calendars.calendar_file(application)
    if ical is None:
        abort(404)
    return Response(
        ical,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": f"attachment; filename=interview-{application.reference}.ics",
            "Cache-Control": "no-store",
        },
    )


@bp.route("/applications/<reference>/offer", methods=["GET", "POST"])
@roles("candidate")
def offer(reference: str) -> ResponseReturnValue:
    """The candidate's offer with its terms; they accept or decline it, then confirm, by its last day."""
    application = _application_or_404(reference)
    shown = offers.candidate_offer(application)
    if shown is None:
        abort(404)
    here = url_for("apply.offer", reference=application.reference)
    form = OfferAnswerForm()
    confirming = False
    if request.method == "POST":
        if not shown.can_answer:
            flash(shown.closed_message or "This offer can no longer be answered", "important")
            return redirect(here)
        if form.validate_on_submit() and "change" not in request.form:
            if form.step.data != "confirm":
                confirming = True
            else:
                try:
                    offers.answer(current_user, shown.offer, form.accepts, form.reason.data or "")
                except Refused as error:
                    show_refusal(form, error, "answer")
                else:
                    flash(
                        "You have accepted the offer. The recruitment team will contact you about the checks."
                        if form.accepts
                        else "You have declined the offer. Thank you for letting us know.",
                        "success",
                    )
                    return redirect(here)
    form.step.data = "confirm" if confirming else ""
    return render_template(
        "apply/offer_confirm.html" if confirming else "apply/offer.html",
        application=application,
        shown=shown,
        form=form,
    )


@bp.get("/applications/<reference>/outcome")
@roles("candidate")
def outcome(reference: str) -> str:
    application = _application_or_404(reference)
    released = feedback.released_stages(application)
    stages = stage_outcomes(application, released)
    return render_template(
        "apply/outcome.html",
        application=application,
        released=released,
        stages=stages,
        no_outcome=no_outcome(application),
        without_feedback=feedback.without_feedback(
            [(stage.stage, stage.criteria) for stage in stages if stage.criteria]
        ),
    )


@bp.route("/applications/<reference>/feedback.pdf", methods=["GET", "POST"])
@roles("candidate")
def feedback_letter(reference: str) -> ResponseReturnValue:
    """The candidate's feedback letter as a PDF, once an outcome has been released: the kept one, or else a page
    whose button makes it (a POST), kept as a new version."""
    from recruit.reports.routes import send_pdf
    from recruit.services.reports import versions as reports

    application = _application_or_404(reference)
    here = url_for("apply.feedback_letter", reference=application.reference)
    kind = reports.KINDS["feedback"]
    try:
        if request.method == "POST":
            if not ConfirmForm().validate_on_submit():
                abort(400)
            reports.render_now(current_user, application.campaign, kind, application)
            return redirect(here)
        report = reports.ready_version(application.campaign, kind, application)
    except Refused:
        # Nothing released yet: the outcome page says so.
        return redirect(url_for("apply.outcome", reference=application.reference))
    if report is None:
        return render_template("apply/feedback_letter.html", application=application, form=ConfirmForm(), action=here)
    return send_pdf(application.campaign, report, f"feedback-{application.reference}")


@bp.route("/applications/<reference>/personal-details", methods=["GET", "POST"])
@roles("candidate")
def personal_details(reference: str) -> ResponseReturnValue:
    application = _application_or_404(reference)
    details = application.personal_details
    form = PersonalDetailsForm()
    if request.method == "GET":
        form.full_name.data = details.full_name if details else current_user.name
        form.email.data = details.email if details else current_user.email
        form.phone.data = details.phone if details else ""
        form.organisations.data = details.organisations if details else ""
        form.version.data = str(application.version)
    if form.validate_on_submit():
        try:
            applications.save_personal_details(
                current_user,
                application,
                full_name=form.full_name.data,
                email=form.email.data,
                phone=form.phone.data or "",
                organisations=form.organisations.data,
                version=form.version_number(),
            )
        except Refused as error:
            show_refusal(form, error)
        else:
            return _task_list(application)
    return render_template(
        "apply/personal_details.html", application=application, form=form, read_only=not application.editable
    )


@bp.route("/applications/<reference>/evidence/<code>", methods=["GET", "POST"])
@roles("candidate")
def statement(reference: str, code: str) -> ResponseReturnValue:
    application = _application_or_404(reference)
    criterion = _criterion_or_404(application, code)
    saved = application.statement_for(criterion)
    form = StatementForm()
    if request.method == "GET":
        form.text.data = saved.text if saved else ""
        form.version.data = str(application.version)
    if form.validate_on_submit():
        try:
            applications.save_statement(
                current_user, application, criterion, form.text.data or "", form.version_number()
            )
        except Refused as error:
            show_refusal(form, error, "text")
        else:
            return _task_list(application)
    return render_template(
        "apply/statement.html",
        application=application,
        criterion=criterion,
        form=form,
        read_only=not application.editable,
    )


@bp.route("/applications/<reference>/check", methods=["GET", "POST"])
@roles("candidate")
def check(reference: str) -> ResponseReturnValue:
    application = _application_or_404(reference)
    if awaiting_decision(application):
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
    return render_template(
        "apply/check.html",
        application=application,
        form=form,
        missing=applications.missing_parts(application),
        disability_confident=disability_confident.task_list_entry(application),
        identifying=redaction.candidate_warnings(application),
    )


@bp.get("/applications/<reference>/submitted")
@roles("candidate")
def submitted(reference: str) -> ResponseReturnValue:
    application = _application_or_404(reference)
    if not awaiting_decision(application):
        return _task_list(application)
    return render_template("apply/submitted.html", application=application)


@bp.route("/applications/<reference>/withdraw", methods=["GET", "POST"])
@roles("candidate")
def withdraw(reference: str) -> ResponseReturnValue:
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
def download_your_data() -> ResponseReturnValue:
    body = json.dumps(personal_data.everything_about(current_user), indent=2, ensure_ascii=False)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": "attachment; filename=recruit-your-data.json"},
    )
