"""The admin's forms for redacting a statement before the sift: the findings ticked, other text typed, a
redaction removed. They post to their own routes and share one page (campaigns/redactions.py)."""

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import HiddenField, RadioField, SelectMultipleField, StringField, SubmitField

from recruit.forms import Form
from recruit.services.fairness.redaction import TEXT_MAX


class FindingsForm(Form):
    # "statement:start:end" for each finding ticked; the service checks each against the statement.
    spans = SelectMultipleField("Select what to redact", choices=[], validate_choice=False)
    submit = SubmitField("Redact selected", widget=GovSubmitInput())

    def selected(self) -> list[tuple[int, int, int]] | None:
        """The ticked findings, or None when any value is not one the page offered."""
        chosen = []
        for value in self.spans.data or []:
            parts = str(value).split(":")
            if len(parts) != 3 or not all(p.isascii() and p.isdigit() and len(p) < 10 for p in parts):
                return None
            statement, start, end = (int(p) for p in parts)
            chosen.append((statement, start, end))
        return chosen


class TextForm(Form):
    statement = RadioField("Which statement?", choices=[], widget=GovRadioInput(), validate_choice=False)
    # Kept exactly as typed (no strip): the text must match the statement character for character.
    text = StringField(
        "Text to redact",
        description=f"Enter it exactly as it is written in the statement, up to {TEXT_MAX} characters",
        widget=GovTextInput(),
    )
    every = RadioField(
        "Where it appears more than once",
        choices=[("every", "Redact every time it appears"), ("first", "Redact only the first time it appears")],
        default="every",
        widget=GovRadioInput(),
        validate_choice=False,
    )
    submit = SubmitField("Redact text", widget=GovSubmitInput())

    def statement_id(self) -> int | None:
        text = self.statement.data or ""
        return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


class RemoveForm(Form):
    # Set by the button pressed: each redaction's "Remove" button carries its id.
    remove = HiddenField()

    def redaction_id(self) -> int | None:
        text = self.remove.data or ""
        return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None
