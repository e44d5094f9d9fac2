"""Sign-in, registration, password and two-factor forms."""

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from recruit.forms import Form, email_field, name_field, password_field

PASSWORD_HINT = "At least 10 characters. A long passphrase, such as three random words, is best."


class SignInForm(Form):
    email = email_field()
    password = password_field("Password", "Enter your password")
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class RegisterForm(Form):
    name = name_field()
    email = email_field()
    password = password_field("Create a password", "Enter a password", PASSWORD_HINT)
    submit = SubmitField("Create account", widget=GovSubmitInput())


class ConfirmRegistrationForm(Form):
    password = password_field("Password", "Enter your password")
    submit = SubmitField("Create account", widget=GovSubmitInput())


class SetPasswordForm(Form):
    password = password_field("Create a password", "Enter a password", PASSWORD_HINT)
    submit = SubmitField("Save password", widget=GovSubmitInput())


class ForgottenPasswordForm(Form):
    email = email_field()
    submit = SubmitField("Send reset link", widget=GovSubmitInput())


class ChangePasswordForm(Form):
    current_password = password_field("Current password", "Enter your current password")
    new_password = password_field("New password", "Enter a new password", PASSWORD_HINT)
    submit = SubmitField("Change password", widget=GovSubmitInput())


def _code_field(label: str, hint: str, missing: str) -> StringField:
    return StringField(
        label,
        description=hint,
        widget=GovTextInput(),
        validators=[InputRequired(message=missing), Length(max=64, message="Code must be 64 characters or fewer")],
    )


class TwoFactorForm(Form):
    code = _code_field(
        "Security code",
        "The 6-digit code from your authenticator app, or one of your recovery codes",
        "Enter the code from your authenticator app or a recovery code",
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


def _current_password_field() -> PasswordField:
    return password_field(
        "Your current password", "Enter your current password", "We ask for it before any change to how you sign in"
    )


class TwoFactorSetupForm(Form):
    # The key the page shows, signed for this person (services/accounts/two_factor.enrolment_token).
    key = HiddenField()
    code = _code_field(
        "Code from your app",
        "The 6-digit code your authenticator app shows",
        "Enter the 6-digit code from your authenticator app",
    )
    current_password = _current_password_field()
    submit = SubmitField("Turn on two-factor authentication", widget=GovSubmitInput())


class NewRecoveryCodesForm(Form):
    current_password = _current_password_field()
    submit = SubmitField("Get new recovery codes", widget=GovSubmitInput())


class TurnOffTwoFactorForm(Form):
    current_password = _current_password_field()
    submit = SubmitField("Turn off two-factor authentication", widget=GovSubmitInput())


class ConfirmForm(Form):
    """A form with only a button: POST actions that need nothing but the CSRF token."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())
