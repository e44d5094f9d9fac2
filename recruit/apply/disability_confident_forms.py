"""The candidate's Disability Confident question."""

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovRadioInput, GovSubmitInput
from wtforms import BooleanField, RadioField, SubmitField
from wtforms.validators import DataRequired

from recruit.forms import Form


class DisabilityConfidentForm(Form):
    # Any other value is left to the service, which says to choose yes or no.
    opt_in = RadioField(
        "Do you want to apply under the Disability Confident scheme?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=GovRadioInput(),
        validate_choice=False,
        validators=[DataRequired(message="Select yes if you want to apply under the Disability Confident scheme")],
    )
    declaration = BooleanField(
        "I have a disability as the Equality Act 2010 defines it",
        widget=GovCheckboxInput(),
        description="Needed if you answer yes",
    )
    submit = SubmitField("Save and continue", widget=GovSubmitInput())
