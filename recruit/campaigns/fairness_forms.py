"""The fairness pages' choosers, read from the query string: which characteristic, and for the figures across
campaigns, which closing dates."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import SelectField, SubmitField
from wtforms.validators import InputRequired, ValidationError

from recruit.forms import Form, UKDateField
from recruit.services.fairness.adverse_impact import characteristics

# No more than ten years at once: the figures read every campaign in the range.
MAX_DAYS = 3660


class CharacteristicForm(Form):
    class Meta:
        csrf = False

    characteristic = SelectField(
        "Characteristic",
        widget=GovSelect(),
        choices=characteristics(),
        validate_choice=True,
        validators=[InputRequired(message="Select a characteristic")],
    )
    submit = SubmitField("Show figures", widget=GovSubmitInput())


class DateRangeForm(CharacteristicForm):
    since = UKDateField("From", description="Campaigns whose closing date is on or after this date, like 1 4 2026")
    until = UKDateField("To", description="And on or before this date, like 31 3 2027")

    def validate_since(self, field: UKDateField) -> None:
        if field.data is None and not field.errors:
            raise ValidationError("Enter the date to start from")

    def validate_until(self, field: UKDateField) -> None:
        if field.data is None and not field.errors:
            raise ValidationError("Enter the date to end on")
        if field.data is not None and self.since.data is not None:
            if field.data < self.since.data:
                raise ValidationError("The date to end on must be the same as or after the date to start from")
            if (field.data - self.since.data).days > MAX_DAYS:
                raise ValidationError("The dates must be no more than 10 years apart")
