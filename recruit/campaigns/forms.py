"""Forms for building a campaign. Choices that depend on the data are filled in by the routes."""

from collections.abc import Iterable
from typing import Any, TypeVar

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import InputRequired

from recruit.forms import Form, UKDateField, strip, text_area, text_field, whole_number
from recruit.models import Criterion

T = TypeVar("T")


def entered(value: T | None) -> T:
    """A required field's value once its form has validated: InputRequired has already refused it empty."""
    if value is None:
        raise ValueError("a required field is empty: validate the form first")
    return value


class DetailsForm(Form):
    title = text_field("Job title", "Enter the job title")
    organisation = text_field("Organisation or business unit", "Enter the organisation or business unit")
    location = text_field("Location", "Enter the location")
    posts = whole_number("Number of posts", 1, 500, required="Enter the number of posts")
    description = text_area(
        "Description", "Enter a description of the job", description="What the job is, for the public vacancy page"
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class NewCampaignForm(DetailsForm):
    source = SelectField(
        "Start from",
        widget=GovSelect(),
        validate_choice=True,
        validators=[InputRequired(message="Select a grade or a role profile to start from")],
        description="Its competencies are proposed as the criteria, at the level it needs",
    )

    def __init__(self, *args: Any, choices: Iterable[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source.choices = [("", "Select a grade or role profile"), *choices]


class ClosingForm(Form):
    closes_on = UKDateField(
        "Closing date",
        validators=[InputRequired(message="Enter the closing date")],
        description="For example, 27 3 2027",
    )
    closes_at_time = StringField(
        "Closing time",
        widget=GovTextInput(),
        filters=[strip],
        validators=[InputRequired(message="Enter the closing time")],
        description="UK time, for example 17:00 or 5pm",
    )
    submit = SubmitField("Save closing date", widget=GovSubmitInput())


class SettingsForm(Form):
    scale = RadioField(
        "Scoring scale",
        widget=GovRadioInput(),
        coerce=int,
        validators=[InputRequired(message="Select a scoring scale")],
    )
    discrepancy_threshold = whole_number(
        "Discrepancy threshold",
        1,
        10,
        required="Enter the discrepancy threshold",
        description="Scores this far apart or more need the chair to agree a score with a rationale",
    )
    overall_pass_mark = whole_number(
        "Overall pass mark (optional)",
        0,
        10000,
        example="20",
        description="The weighted total an application must reach, as well as passing every criterion",
    )
    presift_threshold = whole_number(
        "Pre-sift threshold (optional)",
        1,
        100000,
        example="200",
        description="With more applications than this, the lead criterion is sifted first",
    )
    merit_basis = RadioField(
        "Merit order",
        widget=GovRadioInput(),
        choices=[
            ("interview", "By the interview total"),
            ("sift_and_interview", "By the sift and interview totals together"),
        ],
        validators=[InputRequired(message="Select how the merit order is decided")],
    )
    reserve_months = whole_number(
        "Reserve list lasts (months)", 0, 36, required="Enter how many months the reserve list lasts", example="12"
    )
    submit = SubmitField("Save scoring settings", widget=GovSubmitInput())


STAGE_CHOICES = [("sift", "Sift"), ("interview", "Interview")]


class CriterionForm(Form):
    """Editing a criterion. Use criterion_form(): a framework competency has a level and no title or description
    of its own; a criterion of the campaign's own has a title and description and no level."""

    title = text_field("Title", "Enter a title for the criterion")
    description = text_area("Description", "Enter what candidates must show", max_length=5000)
    level = RadioField(
        "Level", widget=GovRadioInput(), coerce=int, validators=[InputRequired(message="Select a level")]
    )
    stages = SelectMultipleField(
        "Stages",
        choices=STAGE_CHOICES,
        widget=GovCheckboxesInput(),
        validators=[InputRequired(message="Select at least one stage")],
    )
    weight = whole_number("Weight", 1, 10, required="Enter the weight", example="1")
    pass_mark = whole_number("Pass mark", 0, 100, required="Enter the pass mark", example="4")
    word_limit = whole_number("Word limit", 50, 2000, required="Enter the word limit", example="250")
    is_lead = BooleanField(
        "This is the lead criterion",
        widget=GovCheckboxInput(),
        description="Breaks ties first, and is sifted first when there is a pre-sift",
    )
    submit = SubmitField("Save criterion", widget=GovSubmitInput())


def criterion_form(criterion: Criterion, **kwargs: Any) -> CriterionForm:
    """The edit form with only the fields this kind of criterion has: a field the page does not show must not be
    able to refuse the form."""
    form = CriterionForm(**kwargs)
    for name in ("title", "description") if criterion.competency is not None else ("level",):
        delattr(form, name)
    return form


class AddCompetencyForm(Form):
    competency = SelectField(
        "Competency", widget=GovSelect(), coerce=int, validators=[InputRequired(message="Select a competency")]
    )
    level = RadioField(
        "Level", widget=GovRadioInput(), coerce=int, validators=[InputRequired(message="Select a level")]
    )
    stages = SelectMultipleField(
        "Stages",
        choices=STAGE_CHOICES,
        widget=GovCheckboxesInput(),
        validators=[InputRequired(message="Select at least one stage")],
    )
    submit = SubmitField("Add competency", widget=GovSubmitInput())


class AddOwnCriterionForm(Form):
    title = text_field(
        "Title",
        "Enter a title for the criterion",
        description="For example, Experience of casework in a customer-focused service",
    )
    description = text_area("Description", "Enter what candidates must show", max_length=5000)
    stages = SelectMultipleField(
        "Stages",
        choices=STAGE_CHOICES,
        widget=GovCheckboxesInput(),
        validators=[InputRequired(message="Select at least one stage")],
    )
    submit = SubmitField("Add criterion", widget=GovSubmitInput())


class PanelForm(Form):
    chair = SelectField(
        "Chair",
        widget=GovSelect(),
        coerce=int,
        validators=[InputRequired(message="Select the chair")],
        description="Scores like every member, and also moderates and signs off the stage",
    )
    members = SelectMultipleField(
        "Members",
        widget=GovCheckboxesInput(),
        coerce=int,
        validators=[InputRequired(message="Select at least one panel member")],
    )
    submit = SubmitField("Save panel", widget=GovSubmitInput())


class StatusForm(Form):
    reason = text_area("Reason", None, max_length=2000)
    submit = SubmitField("Confirm", widget=GovSubmitInput())
