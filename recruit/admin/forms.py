"""Forms for managing accounts and filtering the audit log."""

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import RadioField, StringField, SubmitField
from wtforms.validators import AnyOf, DataRequired, Email, InputRequired, Length, Optional, ValidationError

from recruit.forms import Form, UKDateField, strip


def _role_field(choices: list[tuple[str, str]], not_allowed: str) -> RadioField:
    # The choice is checked by AnyOf rather than WTForms' own check, whose "Not a valid choice." would
    # come before (and instead of) the GOV.UK message when nothing is selected.
    return RadioField(
        "Role",
        choices=choices,
        widget=GovRadioInput(),
        validate_choice=False,
        validators=[
            InputRequired(message="Select a role"),
            AnyOf([value for value, _ in choices], message=not_allowed),
        ],
    )


class InviteForm(Form):
    # The admin types someone else's details, so the messages say "the person's", and a name of only
    # spaces counts as missing (DataRequired sees the stripped value; InputRequired only the raw one).
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            DataRequired(message="Enter the person's full name"),
            Length(max=200, message="Name must be 200 characters or fewer"),
        ],
    )
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            DataRequired(message="Enter the person's email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email(message="Enter an email address in the correct format, like name@example.com"),
        ],
    )
    role = _role_field(
        [("assessor", "Assessor (panel member)"), ("admin", "Recruitment admin")],
        "Select whether the person is an assessor or an admin",
    )
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


ROLE_LABELS = {"admin": "Recruitment admin", "assessor": "Assessor (panel member)", "candidate": "Candidate"}


class RoleForm(Form):
    role = _role_field(list(ROLE_LABELS.items()), "Select a role")
    submit = SubmitField("Change role", widget=GovSubmitInput())


class AuditFilterForm(Form):
    """Filters for the audit log, read from the query string."""

    class Meta:
        csrf = False

    user = StringField(
        "User email address",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=254, message="Email address must be 254 characters or fewer")],
    )
    record_type = StringField(
        "Record type",
        description="For example, user",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=50, message="Record type must be 50 characters or fewer")],
    )
    record_id = StringField(
        "Record ID",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=64, message="Record ID must be 64 characters or fewer")],
    )
    since = UKDateField("From", description="For example, 27 3 2026")
    until = UKDateField("To")
    submit = SubmitField("Filter", widget=GovSubmitInput())

    def validate_until(self, field: UKDateField) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError("To must be the same as or after From")
