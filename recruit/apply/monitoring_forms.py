"""The candidate's diversity monitoring forms: every question on one page, each optional, and removing the answers."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import Field, HiddenField, RadioField, SubmitField
from wtforms.validators import ValidationError

from recruit.forms import Form
from recruit.monitoring_questions import QUESTIONS, Question
from recruit.services.fairness.monitoring import unknown_answer


class KnownAnswer:
    """A blank is allowed; anything else must be one of the question's answers (the service checks again)."""

    def __init__(self, question: Question) -> None:
        self.codes = question.codes
        self.message = unknown_answer(question)

    def __call__(self, form: Form, field: Field) -> None:
        if field.data and field.data not in self.codes:
            raise ValidationError(self.message)


def _question_field(question: Question) -> RadioField:
    # validate_choice=False: a blank is fine, and an unknown answer gets KnownAnswer's message, not WTForms'.
    return RadioField(
        question.text,
        description=question.hint,
        choices=list(question.options),
        widget=GovRadioInput(),
        validate_choice=False,
        validators=[KnownAnswer(question)],
    )


def _version_number(field: HiddenField) -> int | None:
    # ASCII digits only: str.isdigit() is also true of "²", which int() refuses.
    text = field.data or ""
    return int(text) if isinstance(text, str) and text.isascii() and text.isdigit() else None


class MonitoringForm(Form):
    # The version of the answers the page was built from (0 for none yet); see services.fairness.monitoring.
    version = HiddenField()
    submit = SubmitField("Save your answers", widget=GovSubmitInput())

    def version_number(self) -> int | None:
        return _version_number(self.version)

    def answers(self) -> dict[str, str | None]:
        return {question.key: self[question.key].data or None for question in QUESTIONS}

    def fill(self, answers: dict[str, str | None]) -> None:
        for question in QUESTIONS:
            self[question.key].data = answers.get(question.key)


for _question in QUESTIONS:
    setattr(MonitoringForm, _question.key, _question_field(_question))


class RemoveMonitoringForm(Form):
    version = HiddenField()
    submit = SubmitField("Remove my answers", widget=GovSubmitInput())

    def version_number(self) -> int | None:
        return _version_number(self.version)


def question_fields(form: MonitoringForm) -> list[Any]:
    """The form's question fields, in the order asked."""
    return [form[question.key] for question in QUESTIONS]
