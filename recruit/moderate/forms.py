"""Forms for agreeing, reopening, deciding and signing off."""

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from recruit.forms import Form, strip, whole_number


class AgreeForm(Form):
    value = RadioField(
        "Agreed score",
        coerce=int,
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select the agreed score")],
    )
    rationale = TextAreaField(
        "Rationale",
        widget=GovTextArea(),
        filters=[strip],
        validators=[Length(max=10000, message="Rationale must be 10000 characters or fewer")],
    )
    submit = SubmitField("Agree score", widget=GovSubmitInput())


class ReasonForm(Form):
    reason = TextAreaField(
        "Reason",
        widget=GovTextArea(),
        filters=[strip],
        validators=[
            InputRequired(message="Enter the reason for reopening"),
            Length(max=2000, message="Reason must be 2000 characters or fewer"),
        ],
    )
    submit = SubmitField("Reopen", widget=GovSubmitInput())


class DecisionForm(Form):
    rule = RadioField(
        "Who goes on to interview",
        widget=GovRadioInput(),
        choices=[("all_passing", "Everyone who passes"), ("top_n", "The top applications by rank")],
        validators=[InputRequired(message="Select who goes on to interview")],
    )
    top_n = whole_number("How many (the top by rank; ties at the cut all go on)", 1, 100000, example="10")
    submit = SubmitField("Record the decision", widget=GovSubmitInput())


class ActionForm(Form):
    submit = SubmitField("Confirm", widget=GovSubmitInput())
