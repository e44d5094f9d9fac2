"""Forms for the application journey."""
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovCheckboxInput, GovSubmitInput, GovTextInput
from wtforms import BooleanField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from recruit.forms import Form, email_field, name_field, strip


class VersionedForm(Form):
    # The version of the application the page was built from; see services.applications.
    version = HiddenField()

    def version_number(self) -> int | None:
        return int(self.version.data) if (self.version.data or "").isdigit() else None


class PersonalDetailsForm(VersionedForm):
    full_name = name_field()
    email = email_field()
    phone = StringField(
        "UK telephone number (optional)",
        widget=GovTextInput(),
        filters=[strip],
        validators=[Optional(), Length(max=40, message="Telephone number must be 40 characters or fewer"),
                    Regexp(r"^\+?[0-9 ()-]{7,}$", message="Enter a telephone number, like 01632 960 001 or "
                                                           "07700 900 982")],
    )
    submit = SubmitField("Save and continue", widget=GovSubmitInput())


class StatementForm(VersionedForm):
    # The word limit is checked by the service, which knows the criterion.
    text = TextAreaField("Your evidence", widget=GovCharacterCount(),
                         validators=[Length(max=30000, message="Your evidence is too long")])
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
