"""Forms for the interview stage: invitations, absences, offers, releasing outcomes, the question bank."""

import re

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, HiddenField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional

from recruit.forms import Form, UKDateField, strip, text_area, whole_number


class ScheduleForm(Form):
    starts_on = UKDateField(
        "Date",
        validators=[InputRequired(message="Enter the date of the interview")],
        description="For example, 27 3 2027",
    )
    starts_at_time = StringField(
        "Time",
        widget=GovTextInput(),
        filters=[strip],
        description="UK time, like 10am or 14:30",
        validators=[InputRequired(message="Enter the time of the interview")],
    )
    minutes = whole_number("Length in minutes", 10, 480, required="Enter the length in minutes", example="60")
    place = text_area("Place (optional if there is a video link)", None, max_length=2000)
    video_link = StringField(
        "Video link (optional if there is a place)",
        widget=GovTextInput(),
        filters=[strip],
        validators=[Optional(), Length(max=500, message="Video link must be 500 characters or fewer")],
    )
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class ReleaseForm(Form):
    """Releasing a stage's outcomes and feedback. `missing` carries how much feedback was missing on the page the
    admin confirmed, so a release never goes out with more missing than they saw."""

    confirm = BooleanField("Release these outcomes without that feedback", widget=GovCheckboxInput())
    missing = HiddenField()
    submit = SubmitField("Release outcomes and feedback", widget=GovSubmitInput())

    def missing_confirmed(self) -> int:
        seen = (self.missing.data or "").strip()
        # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
        return int(seen) if self.confirm.data and re.fullmatch(r"[0-9]{1,9}", seen) else 0


class AbsenceForm(Form):
    outcome = RadioField(
        "What happened",
        widget=GovRadioInput(),
        choices=[("did_not_attend", "Did not attend"), ("withdrew", "Withdrew")],
        validators=[InputRequired(message="Select what happened")],
    )
    submit = SubmitField("Record", widget=GovSubmitInput())


class OfferResponseForm(Form):
    outcome = RadioField(
        "Answer",
        widget=GovRadioInput(),
        choices=[("accepted", "Accepted"), ("declined", "Declined"), ("withdrawn", "Withdrawn")],
        validators=[InputRequired(message="Select what happened to the offer")],
    )
    submit = SubmitField("Record the answer", widget=GovSubmitInput())


class QuestionForm(Form):
    competency = SelectField("Competency (optional)", widget=GovSelect(), coerce=int, validators=[Optional()])
    level = SelectField("Level (optional)", widget=GovSelect(), coerce=int, validators=[Optional()])
    text = text_area("Question", "Enter the question", max_length=2000)
    submit = SubmitField("Add question", widget=GovSubmitInput())


class PickQuestionsForm(Form):
    questions = SelectMultipleField(
        "Questions for the panel", coerce=int, widget=GovCheckboxesInput(), validators=[Optional()]
    )
    submit = SubmitField("Save questions", widget=GovSubmitInput())
