"""The candidate's form for asking for a reasonable adjustment."""

from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from recruit.forms import Form, strip
from recruit.labels import ADJUSTMENT_CATEGORY_LABELS
from recruit.services.applications.adjustments import DETAILS_MAX


class AdjustmentRequestForm(Form):
    # Any other value is left to the service, which says to choose one of those listed.
    category = RadioField(
        "What kind of adjustment do you need?",
        choices=list(ADJUSTMENT_CATEGORY_LABELS.items()),
        widget=GovRadioInput(),
        validate_choice=False,
        validators=[DataRequired(message="Select what kind of adjustment you need")],
    )
    details = TextAreaField(
        "Tell us what you need",
        widget=GovCharacterCount(),
        filters=[strip],
        validators=[
            DataRequired(message="Describe the adjustment you need"),
            Length(max=DETAILS_MAX, message=f"Your description must be {DETAILS_MAX:,} characters or fewer"),
        ],
    )
    submit = SubmitField("Send request", widget=GovSubmitInput())
