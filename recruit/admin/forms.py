"""Forms for managing accounts and filtering the audit log."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import DateField, RadioField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional

from recruit.forms import email_field, name_field


class UKDateField(DateField):
    """Day, month and year in three boxes, with GOV.UK wording when the date is not real."""

    def __init__(self, label, **kwargs):
        super().__init__(label, format="%d %m %Y", widget=GovDateInput(), **kwargs)

    def process_formdata(self, valuelist):
        if valuelist and not any(part.strip() for part in valuelist):
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(f"{self.label.text} must be a real date, like 27 3 2026") from None


class InviteForm(FlaskForm):
    name = name_field("Full name", "Enter the person's full name")
    email = email_field()
    role = RadioField(
        "Role",
        choices=[("assessor", "Assessor (panel member)"), ("admin", "Recruitment admin")],
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select a role")],
    )
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class RoleForm(FlaskForm):
    role = RadioField(
        "Role",
        choices=[("admin", "Recruitment admin"), ("assessor", "Assessor (panel member)"), ("candidate", "Candidate")],
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select a role")],
    )
    submit = SubmitField("Change role", widget=GovSubmitInput())


class AuditFilterForm(FlaskForm):
    """Filters for the audit log, read from the query string."""

    class Meta:
        csrf = False

    user = StringField("User email address", widget=GovTextInput(),
                       validators=[Optional(), Length(max=254, message="Email address must be 254 characters or fewer")])
    record_type = StringField("Record type", description="For example, user", widget=GovTextInput(),
                              validators=[Optional(), Length(max=50, message="Record type must be 50 characters or fewer")])
    record_id = StringField("Record ID", widget=GovTextInput(),
                            validators=[Optional(), Length(max=64, message="Record ID must be 64 characters or fewer")])
    since = UKDateField("From", validators=[Optional()], description="For example, 27 3 2026")
    until = UKDateField("To", validators=[Optional()])
    submit = SubmitField("Filter", widget=GovSubmitInput())
