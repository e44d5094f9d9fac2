"""Routes for the candidate's diversity monitoring questions: why they are asked, answering them on one page,
checking, changing or removing the answers. Only the candidate ever sees their answers."""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from recruit.access import roles
from recruit.apply import bp
from recruit.apply.monitoring_forms import MonitoringForm, RemoveMonitoringForm, question_fields
from recruit.apply.routes import _application_or_404
from recruit.forms import show_refusal
from recruit.models import Application
from recruit.monitoring_questions import ETHNICITY_OPTIONS, PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL
from recruit.services.errors import Refused
from recruit.services.fairness import monitoring as service


@dataclass(frozen=True)
class Choice:
    id: str
    code: str
    label: str


@dataclass(frozen=True)
class ChoiceGroup:
    heading: str
    choices: list[Choice]


def _ethnicity_groups() -> list[ChoiceGroup]:
    """The ethnicity answers under the ONS high-level groups, with the ids govukRadios would give them (the first
    is the field's own id, so the error summary's link lands on it)."""
    groups: list[ChoiceGroup] = []
    codes = list(ETHNICITY_OPTIONS)
    codes.append((PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL, ""))
    for number, (code, label, heading) in enumerate(codes, start=1):
        choice = Choice("ethnicity" if number == 1 else f"ethnicity-{number}", code, label)
        if not groups or groups[-1].heading != heading:
            groups.append(ChoiceGroup(heading, []))
        groups[-1].choices.append(choice)
    return groups


ETHNICITY_GROUPS = _ethnicity_groups()


def _start(application: Application) -> ResponseReturnValue:
    return redirect(url_for("apply.monitoring", reference=application.reference))


def _your_answers(application: Application) -> ResponseReturnValue:
    return redirect(url_for("apply.monitoring_answers", reference=application.reference))


@bp.get("/applications/<reference>/equality-questions")
@roles("candidate")
def monitoring(reference: str) -> ResponseReturnValue:
    application = _application_or_404(reference)
    if service.response_for(application) is not None:
        return _your_answers(application)
    return render_template(
        "apply/monitoring.html", application=application, refusal=service.change_refusal(application)
    )


@bp.route("/applications/<reference>/equality-questions/answer", methods=["GET", "POST"])
@roles("candidate")
def monitoring_questions(reference: str) -> ResponseReturnValue:
    application = _application_or_404(reference)
    refusal = service.change_refusal(application)
    if refusal is not None and request.method == "POST":
        flash(refusal, "important")
        return _start(application)
    response = service.response_for(application)
    form = MonitoringForm()
    if request.method == "GET":
        form.fill(response.answers() if response is not None else {})
        form.version.data = str(service.version_of(response))
    if form.validate_on_submit():
        try:
            saved = service.save(current_user, application, form.answers(), form.version_number())
        except Refused as error:
            show_refusal(form, error)
            # The answers as they now are: saving this page again, once checked, is then not refused as stale.
            form.version.data = str(service.version_of(service.response_for(application)))
        else:
            if saved is None:
                flash("You did not answer any of the questions, so no answers were kept.", "success")
                return redirect(url_for("apply.task_list", reference=application.reference))
            flash("Your answers have been saved.", "success")
            return _your_answers(application)
    return render_template(
        "apply/monitoring_questions.html",
        application=application,
        form=form,
        fields=question_fields(form),
        ethnicity_groups=ETHNICITY_GROUPS,
        refusal=refusal,
    )


@bp.get("/applications/<reference>/equality-questions/your-answers")
@roles("candidate")
def monitoring_answers(reference: str) -> ResponseReturnValue:
    application = _application_or_404(reference)
    response = service.response_for(application)
    if response is None:
        return _start(application)
    form = RemoveMonitoringForm()
    form.version.data = str(response.version)
    return render_template(
        "apply/monitoring_answers.html",
        application=application,
        rows=service.summary(response),
        form=form,
        refusal=service.change_refusal(application),
    )


@bp.post("/applications/<reference>/equality-questions/remove")
@roles("candidate")
def remove_monitoring(reference: str) -> ResponseReturnValue:
    application = _application_or_404(reference)
    form = RemoveMonitoringForm()
    if not form.validate_on_submit():
        flash("Your answers were not removed. Try again.", "important")
        return _start(application)
    try:
        service.remove(current_user, application, form.version_number())
    except Refused as error:
        flash(error.message, "important")
        return _start(application)
    flash("Your answers to the equality and diversity questions have been removed.", "success")
    return redirect(url_for("apply.task_list", reference=application.reference))
