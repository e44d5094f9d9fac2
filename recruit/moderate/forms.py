"""Forms for agreeing, reopening, deciding, signing off and writing feedback."""

from __future__ import annotations

from collections.abc import Sequence

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput
from wtforms import HiddenField, RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from recruit.choice_widgets import Radios, Submit, TextArea
from recruit.forms import Form, strip, whole_number
from recruit.models import Criterion
from recruit.services.assessment.candidate_feedback import field_name
from recruit.services.assessment.feedback import MAX_LENGTH


class AgreeForm(Form):
    value = RadioField(
        "Agreed score",
        coerce=int,
        widget=Radios(),  # the scale, rendered once (recruit/choice_widgets.py)
        validators=[InputRequired(message="Select the agreed score")],
    )
    rationale = TextAreaField(
        "Rationale",
        widget=TextArea(),
        filters=[strip],
        validators=[Length(max=10000, message="Rationale must be 10000 characters or fewer")],
    )
    submit = SubmitField("Agree score", widget=Submit())
    # The second button: agree, then open the next discrepant item this person moderates.
    next_item = SubmitField("Agree and go to the next discrepant item", widget=Submit())


class ReasonForm(Form):
    reason = TextAreaField(
        "Reason",
        widget=TextArea(),
        filters=[strip],
        validators=[
            InputRequired(message="Enter the reason for reopening"),
            Length(max=2000, message="Reason must be 2000 characters or fewer"),
        ],
    )
    submit = SubmitField("Reopen", widget=Submit())


class DecisionForm(Form):
    rule = RadioField(
        "Who goes on to interview",
        widget=GovRadioInput(),
        choices=[("all_passing", "Everyone who passes"), ("top_n", "The top applications by rank")],
        validators=[InputRequired(message="Select who goes on to interview")],
    )
    top_n = whole_number("How many (the top by rank; ties at the cut all go on)", 1, 100000, example="10")
    submit = SubmitField("Record the decision", widget=Submit())


class ActionForm(Form):
    submit = SubmitField("Confirm", widget=Submit())


def version_name(criterion: Criterion) -> str:
    return f"version-{criterion.code}"


class CandidateFeedbackForm(Form):
    submit = SubmitField("Save feedback", widget=Submit())

    def texts(self, criteria: Sequence[Criterion]) -> dict[int, str]:
        return {criterion.id: self[field_name(criterion)].data or "" for criterion in criteria}

    def versions(self, criteria: Sequence[Criterion]) -> dict[int, int | None]:
        """The agreed scores' versions the page was shown with (None for anything that is not a version)."""
        found: dict[int, int | None] = {}
        for criterion in criteria:
            value = self[version_name(criterion)].data or ""
            found[criterion.id] = int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None
        return found


def candidate_feedback_form(criteria: Sequence[Criterion]) -> CandidateFeedbackForm:
    """A feedback box for each of these criteria (those with an agreed score), each with the version of the agreed
    score it was shown with."""

    class Built(CandidateFeedbackForm):
        pass

    for criterion in criteria:
        setattr(
            Built,
            field_name(criterion),
            TextAreaField(
                f"Feedback on {criterion.name}",
                widget=TextArea(),
                filters=[strip],
                validators=[
                    Length(
                        max=MAX_LENGTH, message=f"Feedback on {criterion.name} must be {MAX_LENGTH} characters or fewer"
                    )
                ],
            ),
        )
        setattr(Built, version_name(criterion), HiddenField())
    return Built()
