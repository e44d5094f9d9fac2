"""Form fields shared across features, with GOV.UK widgets and messages."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovPasswordInput, GovTextArea, GovTextInput
from wtforms import DateField, IntegerField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

if TYPE_CHECKING:
    from recruit.services.errors import Refused

# wtforms and flask_wtf publish no types, so the classes below that extend theirs are marked for the type checker.


def strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def email_field(label: str = "Email address") -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            DataRequired(message="Enter your email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email(message="Enter an email address in the correct format, like name@example.com"),
        ],
    )


def password_field(label: str, missing: str, description: str = "") -> PasswordField:
    # No length limit here: the password rules give the message for too short or too long.
    return PasswordField(
        label, widget=GovPasswordInput(), description=description, validators=[InputRequired(message=missing)]
    )


def name_field(label: str = "Full name", missing: str = "Enter your full name") -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        filters=[strip],
        validators=[DataRequired(message=missing), Length(max=200, message="Name must be 200 characters or fewer")],
    )


def text_field(label: str, missing: str, max_length: int = 200, description: str = "") -> StringField:
    return StringField(
        label,
        description=description,
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            DataRequired(message=missing),
            Length(max=max_length, message=f"{label} must be {max_length} characters or fewer"),
        ],
    )


def text_area(label: str, missing: str | None, max_length: int = 10000, description: str = "") -> TextAreaField:
    first = DataRequired(message=missing) if missing else Optional()
    return TextAreaField(
        label,
        description=description,
        widget=GovTextArea(),
        filters=[strip],
        validators=[first, Length(max=max_length, message=f"{label} must be {max_length} characters or fewer")],
    )


class WholeNumberField(IntegerField):  # type: ignore[misc]
    """A whole number with a GOV.UK message when what was typed is not one."""

    data: int | None

    def __init__(self, label: str, *, example: str = "2", **kwargs: Any) -> None:
        kwargs.setdefault("widget", GovTextInput())
        super().__init__(label, **kwargs)
        self.example = example

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = int(valuelist[0].strip())
        except ValueError:
            self.data = None
            raise ValueError(f"{self.label.text} must be a whole number, like {self.example}") from None


def whole_number(
    label: str, minimum: int, maximum: int, *, required: str | None = None, example: str = "2", description: str = ""
) -> WholeNumberField:
    return WholeNumberField(
        label,
        example=example,
        description=description,
        validators=[
            InputRequired(message=required) if required else Optional(),
            NumberRange(min=minimum, max=maximum, message=f"{label} must be between {minimum} and {maximum}"),
        ],
    )


class UKDateField(DateField):  # type: ignore[misc]
    """Day, month and year in three boxes, with GOV.UK wording when the date is not real.

    Leave all three boxes empty for no date. Do not add Optional(): it would clear the "real date"
    message whenever the day box alone is empty, and a part-filled date would be silently ignored.
    """

    data: date | None

    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(label, format="%d %m %Y", widget=GovDateInput(), **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        if not any(part.strip() for part in valuelist):
            # Absent or all three boxes empty. The widget unpacks raw_data into the three boxes.
            self.raw_data = None
            self.data = None
            return
        message = f"{self.label.text} must be a real date, like 27 3 2026"
        if len(valuelist) != 3:
            # Not from our form: show what can be shown in the three boxes, and say the date is not real.
            self.raw_data = [*valuelist, "", "", ""][:3]
            self.data = None
            raise ValueError(message)
        try:
            super().process_formdata([part.strip() for part in valuelist])
        except ValueError:
            raise ValueError(message) from None


WTFORMS_CHOICE_MESSAGES = ("Not a valid choice", "Invalid Choice", "is not a valid choice", "Invalid choice")


def _holds_nul(data: object) -> bool:
    if isinstance(data, str):
        return "\x00" in data
    return isinstance(data, (list, tuple)) and any(isinstance(item, str) and "\x00" in item for item in data)


class Form(FlaskForm):  # type: ignore[misc]
    """A FlaskForm whose choice fields answer an unknown value with their own 'Select …' message, and whose
    text never holds a NUL character (no keyboard types one, and PostgreSQL cannot store or query it)."""

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        valid: bool = super().validate(extra_validators)
        for field in self:
            if _holds_nul(field.data):
                field.errors = [*field.errors, f"{field.label.text} must not include a null character"]
                valid = False
            if not field.errors:
                continue
            required = next(
                (v.message for v in field.validators if isinstance(v, (InputRequired, DataRequired)) and v.message),
                None,
            )
            field.errors = [
                (required or f"Select a valid {field.label.text.lower()}")
                if any(marker in str(error) for marker in WTFORMS_CHOICE_MESSAGES)
                else error
                for error in field.errors
            ]
        return valid


def show_refusal(form: FlaskForm, error: Refused, default_field: str | None = None) -> None:
    """Show a service's refusal on the form (on the field it names, else at the top); the service's unit of work
    has undone whatever the refused change had started."""
    name = error.field or default_field
    field = getattr(form, name, None) if name else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def flash_outcome(action: Callable[[], object], success: str) -> bool:
    """Run a service action from a button: flash its success, or its refusal (which its unit of work undid)."""
    from flask import flash

    from recruit.services.errors import Refused

    try:
        action()
    except Refused as error:
        flash(error.message, "important")
        return False
    flash(success, "success")
    return True
