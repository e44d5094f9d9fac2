"""Forms for the interview stage: invitations, absences, offers, releasing outcomes, the question bank."""

import re
from collections.abc import Callable
from datetime import datetime
from typing import Protocol, TypeVar

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, HiddenField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from recruit.campaigns.forms import entered
from recruit.clock import NotAUKTime, parse_time_of_day, uk_time, uk_to_utc
from recruit.forms import (
    Form,
    UKDateField,
    WholeNumberField,
    show_refusal,
    strip,
    text_area,
    text_field,
    whole_number,
)
from recruit.services.errors import Refused
from recruit.services.interview.offer_terms import HIGHEST_SALARY, OfferTerms

T = TypeVar("T")


class Timed(Protocol):
    """An interview or a published interview time: when, how long, where."""

    starts_at: datetime
    minutes: int
    place: str
    video_link: str


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

    def show(self, record: Timed) -> None:
        """Fill the fields from an interview or a published time, in UK time."""
        local = uk_time(record.starts_at)
        self.starts_on.data, self.starts_at_time.data = local.date(), f"{local:%H:%M}"
        self.minutes.data, self.place.data, self.video_link.data = record.minutes, record.place, record.video_link

    def act(self, action: Callable[..., T]) -> T | None:
        """Call action with what was entered (starts_at in UTC, minutes, place, video_link) and return what it
        made; None when a time the UK clocks skip or a refusal was put on the form instead."""
        try:
            hour, minute = parse_time_of_day(self.starts_at_time.data)
            moment = uk_to_utc(entered(self.starts_on.data), hour, minute)
            return action(
                starts_at=moment,
                minutes=entered(self.minutes.data),
                place=self.place.data or "",
                video_link=self.video_link.data or "",
            )
        except NotAUKTime as error:
            self.starts_at_time.errors = [str(error)]
        except Refused as error:
            show_refusal(self, error, "starts_on")
        return None


class PublishTimeForm(ScheduleForm):
    """A time candidates can book themselves: the same details as an invitation."""

    submit = SubmitField("Publish this time", widget=GovSubmitInput())


class ChangeTimeForm(ScheduleForm):
    """Correcting a published time. `version` is the time's version the admin's page showed, so a change never
    goes out over a booking the admin has not seen."""

    version = HiddenField()
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class WithdrawTimeForm(Form):
    version = HiddenField()
    submit = SubmitField("Withdraw this time", widget=GovSubmitInput())


class BookingCutoffForm(Form):
    hours = whole_number(
        "Hours before an interview",
        0,
        336,
        required="Enter how many hours before an interview booking closes",
        example="48",
        description="Candidates cannot book, change or cancel a time this close to it.",
    )
    submit = SubmitField("Save cut-off", widget=GovSubmitInput())


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


class SalaryField(WholeNumberField):
    """Whole pounds, typed as people write them: 32000, 32,000 or £32,000."""

    def process_formdata(self, valuelist: list[str]) -> None:
        cleaned = [value.strip().removeprefix("£").replace(",", "") for value in valuelist[:1]]
        if cleaned and cleaned[0] and not cleaned[0].isascii():
            cleaned = ["not a number"]
        super().process_formdata(cleaned)


class OfferTermsForm(Form):
    """The terms of an offer. The confirmation page sends them again with `step` set to "confirm"."""

    salary = SalaryField(
        "Salary in pounds a year",
        example="32000",
        description="Whole pounds, for example 32000",
        validators=[
            InputRequired(message="Enter the salary"),
            NumberRange(min=1, max=HIGHEST_SALARY, message=f"Salary must be between £1 and £{HIGHEST_SALARY:,}"),
        ],
    )
    location = text_field("Location", "Enter where the post is based")
    starts_on = UKDateField(
        "Proposed start date",
        validators=[InputRequired(message="Enter the proposed start date")],
        description="For example, 27 3 2027",
    )
    conditions = text_area(
        "Conditions",
        "Enter the conditions of the offer",
        max_length=5000,
        description="The pre-employment checks the offer depends on, in plain English",
    )
    respond_by = UKDateField(
        "Last day to respond",
        validators=[InputRequired(message="Enter the last day to respond")],
        description="The candidate can accept or decline online until the end of this day (UK time)",
    )
    step = HiddenField()
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def terms(self) -> OfferTerms:
        # Only called once the form has validated, when every field holds a value.
        return OfferTerms(
            salary=self.salary.data or 0,
            location=self.location.data or "",
            starts_on=self.starts_on.data,  # type: ignore[arg-type]
            conditions=self.conditions.data or "",
            respond_by=self.respond_by.data,  # type: ignore[arg-type]
        )


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
