"""The scoring form and the conflict-of-interest declaration."""

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import BooleanField, HiddenField, RadioField, SelectMultipleField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from recruit.forms import Form, strip


class ScoreForm(Form):
    # Which indicators may be ticked is the scoring service's rule, and its message says so in plain words.
    # No Optional(): it would clear the error for a value that is not a number and leave no data at all.
    effective = SelectMultipleField(
        "Effective indicators evidenced", coerce=int, widget=GovCheckboxesInput(), validate_choice=False
    )
    ineffective = SelectMultipleField(
        "Ineffective indicators evidenced", coerce=int, widget=GovCheckboxesInput(), validate_choice=False
    )
    notes = TextAreaField(
        "Evidence heard",
        widget=GovTextArea(),
        filters=[strip],
        validators=[Length(max=20000, message="Evidence heard must be 20000 characters or fewer")],
    )
    value = RadioField("Score", coerce=int, widget=GovRadioInput(), validators=[Optional()])
    rationale = TextAreaField(
        "Rationale",
        widget=GovTextArea(),
        filters=[strip],
        validators=[Length(max=10000, message="Rationale must be 10000 characters or fewer")],
    )
    confirm = BooleanField("I confirm this score is what I mean", widget=GovCheckboxInput())
    version = HiddenField()
    save_draft = SubmitField("Save as draft", widget=GovSubmitInput())
    submit_score = SubmitField("Submit score", widget=GovSubmitInput())

    def version_number(self) -> int | None:
        # ASCII digits only: str.isdigit() is also true of "²", which int() refuses.
        text = self.version.data or ""
        return int(text) if text.isascii() and text.isdigit() else None


class ConflictForm(Form):
    has_conflict = RadioField(
        "Do you have a conflict of interest with this candidate?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select yes if you have a conflict of interest")],
    )
    reason = TextAreaField(
        "What is the conflict?",
        widget=GovTextArea(),
        filters=[strip],
        validators=[Length(max=2000, message="The reason must be 2000 characters or fewer")],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class SiftConflictForm(Form):
    reason = TextAreaField(
        "Why do you have a conflict of interest?",
        widget=GovTextArea(),
        filters=[strip],
        validators=[
            InputRequired(message="Enter why you have a conflict of interest"),
            Length(max=2000, message="The reason must be 2000 characters or fewer"),
        ],
    )
    submit = SubmitField("Declare a conflict of interest", widget=GovSubmitInput())
