"""Forms for building a campaign. Choices that depend on the data are filled in by the routes."""

from collections.abc import Iterable
from typing import Any, TypeVar

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from recruit.forms import Form, UKDateField, WholeNumberField, strip, text_area, text_field, whole_number
from recruit.labels import CONTRACT_TYPE_LABELS, SECURITY_CLEARANCE_LABELS, WORKING_PATTERN_LABELS
from recruit.models import Criterion
from recruit.models.campaign import (
    CONTRACT_MONTHS_LIMIT,
    SALARY_LIMIT,
    ContractType,
    SecurityClearance,
    WorkingPattern,
)
from recruit.services.campaigns.setup import Details

T = TypeVar("T")


def entered(value: T | None) -> T:
    """A required field's value once its form has validated: InputRequired has already refused it empty."""
    if value is None:
        raise ValueError("a required field is empty: validate the form first")
    return value


class PoundsField(WholeNumberField):
    """Whole pounds, as people type them: "28000", "28,000" or "£28,000" (the page shows the "£" before the box)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist and valuelist[0].strip():
            typed = valuelist[0].strip().removeprefix("£").replace(",", "").strip()
            if "." in typed:
                self.data = None
                raise ValueError(f"{self.label.text} must be in whole pounds, like {self.example}")
            valuelist = [typed]
        super().process_formdata(valuelist)


def pounds(label: str, required: str) -> PoundsField:
    return PoundsField(
        label,
        example="28000",
        description="In whole pounds",
        validators=[
            InputRequired(message=required),
            NumberRange(min=0, max=SALARY_LIMIT, message=f"{label} must be between £0 and £{SALARY_LIMIT:,}"),
        ],
    )


class DetailsForm(Form):
    title = text_field("Job title", "Enter the job title")
    organisation = text_field("Organisation or business unit", "Enter the organisation or business unit")
    location = text_field(
        "Location", "Enter the location", description="The main place of work, as the list of vacancies shows it"
    )
    other_locations = TextAreaField(
        "Other locations (optional)",
        description="Any other places the job can be done, one on each line",
        widget=GovTextArea(),
        filters=[strip],
        validators=[Optional(), Length(max=1000, message="Other locations must be 1000 characters or fewer")],
    )
    posts = whole_number("Number of posts", 1, 500, required="Enter the number of posts")
    description = text_area(
        "Description", "Enter a description of the job", description="What the job is, for the public vacancy page"
    )
    salary_min = pounds("Minimum salary", "Enter the minimum salary")
    salary_max = pounds("Maximum salary", "Enter the maximum salary")
    pay_notes = StringField(
        "Pay notes (optional)",
        description="For example, plus London weighting of £4,000",
        widget=GovTextInput(),
        filters=[strip],
        validators=[Optional(), Length(max=200, message="Pay notes must be 200 characters or fewer")],
    )
    contract_type = RadioField(
        "Type of contract",
        widget=GovRadioInput(),
        choices=[(kind.value, CONTRACT_TYPE_LABELS[kind]) for kind in ContractType],
        validators=[InputRequired(message="Select the type of contract")],
    )
    contract_months = WholeNumberField(
        "Contract length in months",
        example="12",
        validators=[
            Optional(),
            NumberRange(
                min=1,
                max=CONTRACT_MONTHS_LIMIT,
                message=f"Contract length must be between 1 and {CONTRACT_MONTHS_LIMIT} months",
            ),
        ],
    )
    working_patterns = SelectMultipleField(
        "Working patterns",
        choices=[(pattern.value, WORKING_PATTERN_LABELS[pattern]) for pattern in WorkingPattern],
        widget=GovCheckboxesInput(),
        validators=[InputRequired(message="Select at least one working pattern")],
        description="Select all that the job offers",
    )
    security_clearance = RadioField(
        "Security clearance",
        widget=GovRadioInput(),
        choices=[(level.value, SECURITY_CLEARANCE_LABELS[level]) for level in SecurityClearance],
        validators=[InputRequired(message="Select the security clearance the job needs")],
    )
    nationality_requirements = text_area(
        "Nationality requirements",
        "Enter the nationality requirements",
        max_length=2000,
        description="Who is eligible to apply, as the employer's rules say",
    )
    contact_name = text_field("Contact name", "Enter the name of the contact for questions")
    contact_email = StringField(
        "Contact email address",
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            InputRequired(message="Enter the email address of the contact for questions"),
            Length(max=254, message="Contact email address must be 254 characters or fewer"),
            Email(message="Enter an email address in the correct format, like name@example.com"),
        ],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.contract_type.data != ContractType.FIXED_TERM:
            # The length box is hidden unless the contract is fixed term: nothing typed in it counts.
            self.contract_months.errors = []
            self.contract_months.data = None
            valid = not any(field.errors for field in self) and not self.form_errors
        elif self.contract_months.data is None and not self.contract_months.errors:
            self.contract_months.errors = ["Enter how many months the fixed-term contract lasts"]
            valid = False
        low, high = self.salary_min.data, self.salary_max.data
        if low is not None and high is not None and low > high and not self.salary_max.errors:
            self.salary_max.errors = ["Maximum salary must be the same as or more than the minimum salary"]
            valid = False
        return valid

    def details(self) -> Details:
        """What was entered, once the form has validated."""
        return Details(
            title=self.title.data,
            organisation=self.organisation.data,
            location=self.location.data,
            posts=entered(self.posts.data),
            description=self.description.data,
            salary_min=self.salary_min.data,
            salary_max=self.salary_max.data,
            pay_notes=self.pay_notes.data or "",
            contract_type=self.contract_type.data,
            contract_months=self.contract_months.data,
            working_patterns=list(self.working_patterns.data or []),
            other_locations=self.other_locations.data or "",
            security_clearance=self.security_clearance.data,
            nationality_requirements=self.nationality_requirements.data,
            contact_name=self.contact_name.data,
            contact_email=self.contact_email.data,
        )


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
    calibration_required = BooleanField(
        "Require a calibration round before the sift starts",
        widget=GovCheckboxInput(),
        description="The sift cannot start until the panel has scored benchmark answers for every sift criterion "
        "and the chair has agreed a score for each",
    )
    disability_confident = BooleanField(
        "Offer the Disability Confident guarantee",
        widget=GovCheckboxInput(),
        description="Candidates who declare a disability and opt in are invited to interview if they meet the "
        "minimum criteria. It can only change before the campaign opens",
    )
    disability_confident_minimum = whole_number(
        "Disability Confident minimum score (optional)",
        0,
        100,
        example="3",
        description="The agreed score an opted-in candidate needs on every sift criterion. "
        "Leave blank to use each criterion's pass mark",
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
