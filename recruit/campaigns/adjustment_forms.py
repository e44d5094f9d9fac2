"""The admin's form for responding to a candidate's request for adjustments."""

from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput, GovSubmitInput
from wtforms import HiddenField, RadioField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from recruit.forms import Form, strip
from recruit.labels import ADJUSTMENT_OUTCOME_LABELS
from recruit.services.applications.adjustments import AGREED_MAX, PANEL_NOTE_MAX


class AdjustmentResponseForm(Form):
    # Any other value is left to the service, which says to choose one of those listed.
    outcome = RadioField(
        "Was the adjustment agreed?",
        choices=list(ADJUSTMENT_OUTCOME_LABELS.items()),
        widget=GovRadioInput(),
        validate_choice=False,
        validators=[DataRequired(message="Select whether the adjustment was agreed")],
    )
    agreed = TextAreaField(
        "What was agreed, or why not",
        widget=GovCharacterCount(),
        filters=[strip],
        validators=[
            DataRequired(message="Enter what was agreed, or why it was not"),
            Length(max=AGREED_MAX, message=f"What was agreed must be {AGREED_MAX:,} characters or fewer"),
        ],
    )
    panel_note = TextAreaField(
        "Note for the interview panel (optional)",
        widget=GovCharacterCount(),
        filters=[strip],
        validators=[
            Length(max=PANEL_NOTE_MAX, message=f"The note for the panel must be {PANEL_NOTE_MAX:,} characters or fewer")
        ],
    )
    # The version of the request the page showed, so a response never overwrites one recorded meanwhile.
    version = HiddenField()
    submit = SubmitField("Save response", widget=GovSubmitInput())

    def version_number(self) -> int | None:
        text = self.version.data or ""
        return int(text) if text.isascii() and text.isdigit() else None
