"""Forms for the application journey."""

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from recruit.forms import Form, email_field, name_field, strip


class VersionedForm(Form):
    # The version of the application the page was built from; see services.applications.
    version = HiddenField()

    def version_number(self) -> int | None:
        # ASCII digits only: str.isdigit() is also true of "²", which int() refuses.
        text = self.version.data or ""
        return int(text) if text.isascii() and text.isdigit() else None


class PersonalDetailsForm(VersionedForm):
    full_name = name_field()
    email = email_field()
    phone = StringField(
        "UK telephone number (optional)",
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=40, message="Telephone number must be 40 characters or fewer"),
            Regexp(r"^\+?[0-9 ()-]{7,}$", message="Enter a telephone number, like 01632 960 001 or 07700 900 982"),
        ],
    )
    # Checked line by line in the service (services/applications/submission.py), which knows the limits.
    organisations = TextAreaField(
        "Organisations to keep out of your evidence (optional)",
        description=(
            "Employers, schools, colleges or referees whose names could identify you. Put each on its own line. "
            "Before you submit, we will show you where they appear in your evidence."
        ),
        widget=GovTextArea(),
        validators=[Length(max=5000, message="Organisations to keep out must be 5,000 characters or fewer")],
    )
    submit = SubmitField("Save and continue", widget=GovSubmitInput())


class StatementForm(VersionedForm):
    # The word limit is checked by the service, which knows the criterion.
    text = TextAreaField(
        "Your evidence", widget=GovCharacterCount(), validators=[Length(max=30000, message="Your evidence is too long")]
    )
    submit = SubmitField("Save and continue", widget=GovSubmitInput())


class SubmitForm(VersionedForm):
    declaration = BooleanField(
        "I confirm that the information in this application is true and that the evidence is my own work",
        widget=GovCheckboxInput(),
        validators=[DataRequired(message="Confirm the declaration to submit your application")],
    )
    submit = SubmitField("Submit application", widget=GovSubmitInput())


class ConfirmForm(Form):
    submit = SubmitField("Confirm", widget=GovSubmitInput())


class InterviewTimeForm(Form):
    time = RadioField(
        "Choose your interview time",
        choices=[],
        widget=GovRadioInput(),
        validators=[DataRequired(message="Select an interview time")],
    )
    submit = SubmitField("Book this time", widget=GovSubmitInput())


class InterviewReplyForm(Form):
    reply = RadioField(
        "Can you come to the interview at this time?",
        choices=[("accept", "Yes, I can come at this time"), ("change", "No, I need another time")],
        widget=GovRadioInput(),
        validators=[DataRequired(message="Select whether you can come to the interview at this time")],
    )
    # Required only when asking for another time; the interviews service says so, naming this field.
    note = TextAreaField(
        "Which dates and times can you do?",
        widget=GovTextArea(),
        filters=[strip],
        validators=[Length(max=2000, message="Your note must be 2000 characters or fewer")],
    )
    # The version of the invitation the page showed, so a reply never accepts a time the candidate has not seen.
    version = HiddenField()
    submit = SubmitField("Send reply", widget=GovSubmitInput())


class OfferAnswerForm(Form):
    """Accepting or declining an offer. The confirmation page sends the answer again with `step` set to "confirm"."""

    answer = RadioField(
        "Do you accept this offer?",
        choices=[("accept", "Yes, I accept the offer"), ("decline", "No, I decline the offer")],
        widget=GovRadioInput(),
        validators=[DataRequired(message="Select whether you accept the offer")],
    )
    reason = TextAreaField(
        "If you are declining, you can tell us why (optional)",
        widget=GovTextArea(),
        filters=[strip],
        validators=[Length(max=2000, message="Your reason must be 2000 characters or fewer")],
    )
    step = HiddenField()
    submit = SubmitField("Continue", widget=GovSubmitInput())

    @property
    def accepts(self) -> bool:
        return bool(self.answer.data == "accept")
