"""Form fields shared across features, with GOV.UK widgets and messages."""
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovTextInput
from wtforms import PasswordField, StringField
from wtforms.validators import Email, InputRequired, Length


def strip(value):
    return value.strip() if isinstance(value, str) else value


def email_field(label: str = "Email address") -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            InputRequired(message="Enter your email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email(message="Enter an email address in the correct format, like name@example.com"),
        ],
    )


def password_field(label: str, missing: str, description: str = "") -> PasswordField:
    # No length limit here: the password rules give the message for too short or too long.
    return PasswordField(label, widget=GovPasswordInput(), description=description,
                         validators=[InputRequired(message=missing)])


def name_field(label: str = "Full name", missing: str = "Enter your full name") -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        filters=[strip],
        validators=[InputRequired(message=missing), Length(max=200, message="Name must be 200 characters or fewer")],
    )
