"""The scoring forms (one criterion, or every criterion of an application) and the conflict-of-interest declaration."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.core import UnboundField
from wtforms.validators import InputRequired, Length, Optional

from recruit.choice_widgets import Checkboxes, Hidden, Radios, Submit, TextArea
from recruit.forms import Form, strip
from recruit.models.calibration import LABEL_LIMIT, TEXT_LIMIT


class ScoreForm(Form):
    # The indicators and the scale are rendered once for each set of choices, and the rationale's text area once for
    # each label and error (recruit/choice_widgets.py): on the page for a whole application they are repeated for
    # every criterion.
    # Which indicators may be ticked is the scoring service's rule, and its message says so in plain words.
    # No Optional(): it would clear the error for a value that is not a number and leave no data at all.
    effective = SelectMultipleField(
        "Effective indicators evidenced", coerce=int, widget=Checkboxes(), validate_choice=False
    )
    ineffective = SelectMultipleField(
        "Ineffective indicators evidenced", coerce=int, widget=Checkboxes(), validate_choice=False
    )
    notes = TextAreaField(
        "Evidence heard",
        widget=TextArea(),
        filters=[strip],
        validators=[Length(max=20000, message="Evidence heard must be 20000 characters or fewer")],
    )
    value = RadioField("Score", coerce=int, widget=Radios(), validators=[Optional()])
    rationale = TextAreaField(
        "Rationale",
        widget=TextArea(),
        filters=[strip],
        validators=[Length(max=10000, message="Rationale must be 10000 characters or fewer")],
    )
    confirm = BooleanField("I confirm this score is what I mean", widget=GovCheckboxInput())
    version = HiddenField(widget=Hidden())
    save_draft = SubmitField("Save as draft", widget=Submit())
    submit_score = SubmitField("Submit score", widget=Submit())
    # On the page for one criterion across every application (?by=criterion).
    submit_next = SubmitField("Submit and next answer", widget=Submit())

    def version_number(self) -> int | None:
        return version_number(self.version)

    def fields_of(self) -> dict[str, Field]:
        return {name: self[name] for name in SCORE_FIELDS}


# One criterion's fields, as the page for an application repeats them for each of its criteria.
SCORE_FIELDS = ("effective", "ineffective", "notes", "value", "rationale", "confirm", "version")


def version_number(field: Field) -> int | None:
    """The score's version the page was shown with; None for anything but a whole number."""
    # ASCII digits only: str.isdigit() is also true of "²", which int() refuses.
    text = field.data or ""
    return int(text) if isinstance(text, str) and text.isascii() and text.isdigit() else None


class ApplicationScoresForm(Form):
    """Every criterion of an application on one page. Each criterion has ScoreForm's fields, named "<code>-<field>"
    (a code has letters, digits and hyphens; a field name has none, so each name splits back into its two parts)."""

    save_draft = SubmitField("Save as draft", widget=Submit())
    submit_scores = SubmitField("Submit scores", widget=Submit())
    submit_next = SubmitField("Submit and go to the next application", widget=Submit())
    # The button under each criterion sends its code, to save that criterion alone.
    save = HiddenField()

    def fields_of(self, code: str) -> dict[str, Field]:
        return {name: self[f"{code}-{name}"] for name in SCORE_FIELDS}

    def version_number(self, code: str) -> int | None:
        return version_number(self[f"{code}-version"])


def application_scores_form(codes: Iterable[str]) -> ApplicationScoresForm:
    """The form for these criteria (by code): a copy of each of ScoreForm's fields for each criterion, made in page
    order so that errors are listed criterion by criterion."""
    form: ApplicationScoresForm = _form_class(tuple(codes))()
    return form


@lru_cache(maxsize=256)
def _form_class(codes: tuple[str, ...]) -> type[ApplicationScoresForm]:
    # One class for each list of criteria, made once: WTForms works out a form class's fields on its first use, and
    # a campaign's pages all use the same list.
    fields = {}
    for code in codes:
        for name in SCORE_FIELDS:
            original = getattr(ScoreForm, name)
            fields[f"{code}-{name}"] = UnboundField(original.field_class, *original.args, **original.kwargs)
    return type("ApplicationScoresForm", (ApplicationScoresForm,), fields)


class ConflictForm(Form):
    has_conflict = RadioField(
        "Do you have a conflict of interest with this candidate?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select yes if you have a conflict of interest")],
    )
    reason = TextAreaField(
        "What is the conflict?",
        widget=TextArea(),
        filters=[strip],
        validators=[Length(max=2000, message="The reason must be 2000 characters or fewer")],
    )
    submit = SubmitField("Continue", widget=Submit())


class SiftConflictForm(Form):
    reason = TextAreaField(
        "Why do you have a conflict of interest?",
        widget=TextArea(),
        filters=[strip],
        validators=[
            InputRequired(message="Enter why you have a conflict of interest"),
            Length(max=2000, message="The reason must be 2000 characters or fewer"),
        ],
    )
    submit = SubmitField("Declare a conflict of interest", widget=Submit())


# The calibration round (services/assessment/calibration.py).


class BenchmarkForm(Form):
    """A benchmark answer: which sift criterion it answers, its label and its text."""

    criterion = SelectField(
        "Criterion",
        widget=GovSelect(),
        validate_choice=False,  # the service says in plain words which criteria it takes
        validators=[InputRequired(message="Select a criterion assessed at the sift")],
    )
    label = StringField(
        "Label",
        widget=GovTextInput(),
        filters=[strip],
        description="How the panel will know it, for example Benchmark A",
        validators=[
            InputRequired(message="Enter a label for the benchmark answer"),
            Length(max=LABEL_LIMIT, message=f"The label must be {LABEL_LIMIT} characters or fewer"),
        ],
    )
    text = TextAreaField(
        "Benchmark answer",
        widget=TextArea(),
        filters=[strip],
        description="Written for the calibration round: never a real candidate's answer",
        validators=[
            InputRequired(message="Enter the benchmark answer"),
            Length(max=TEXT_LIMIT, message=f"The benchmark answer must be {TEXT_LIMIT} characters or fewer"),
        ],
    )
    version = HiddenField()
    submit = SubmitField("Save benchmark answer", widget=Submit())

    def version_number(self) -> int | None:
        return version_number(self.version)

    def criterion_id(self) -> int | None:
        return version_number(self.criterion)


class AgreeBenchmarkForm(Form):
    value = RadioField(
        "Agreed benchmark score",
        coerce=int,
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select the agreed score")],
    )
    notes = TextAreaField(
        "Notes",
        widget=TextArea(),
        filters=[strip],
        description="Why this is the score, for the panel to keep in mind at the sift",
        validators=[Length(max=5000, message="The notes must be 5000 characters or fewer")],
    )
    version = HiddenField()
    submit = SubmitField("Record the agreed score", widget=Submit())

    def version_number(self) -> int | None:
        return version_number(self.version)


class ConfirmForm(Form):
    submit = SubmitField("Confirm", widget=Submit())
