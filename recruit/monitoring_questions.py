"""The diversity monitoring questions (DESIGN §12): their wording, their answers and the stored code of each.

The categories are the Office for National Statistics' 2021 Census (England and Wales) ones for sex, gender
identity, ethnicity, sexual orientation, religion and unpaid care, the Equality Act 2010's definition of disability,
and the Social Mobility Commission's standard questions for socio-economic background. Every question has
"Prefer not to say"; a question left blank is stored as NULL and counted as its own group.

The model (`recruit.models.monitoring`), the candidate's form and the adverse impact figures all read this one list.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PREFER_NOT_TO_SAY = "prefer_not_to_say"
PREFER_NOT_TO_SAY_LABEL = "Prefer not to say"
# How a blank answer is named in the figures; it is not an answer anyone can choose.
NOT_ANSWERED = "not_answered"
NOT_ANSWERED_LABEL = "Not answered"


@dataclass(frozen=True)
class Question:
    key: str  # the column in monitoring_responses
    characteristic: str  # how the figures name it
    text: str
    hint: str
    options: tuple[tuple[str, str], ...]  # (code, label), in the order shown; "Prefer not to say" comes last
    # Broader groups for the figures, where the detailed answers would leave most groups suppressed: code -> group.
    groups: dict[str, str] = field(default_factory=dict)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.options)

    def label(self, code: str | None) -> str:
        if code is None or code == NOT_ANSWERED:
            return NOT_ANSWERED_LABEL
        return dict(self.options).get(code, code)


def _with_prefer_not(*options: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    return (*options, (PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL))


ASIAN = "Asian or Asian British"
BLACK = "Black, Black British, Caribbean or African"
MIXED = "Mixed or multiple ethnic groups"
WHITE = "White"
OTHER_ETHNIC = "Other ethnic group"

ETHNICITY_OPTIONS: tuple[tuple[str, str, str], ...] = (
    # (code, label, ONS 2021 high-level group)
    ("asian_bangladeshi", "Bangladeshi", ASIAN),
    ("asian_chinese", "Chinese", ASIAN),
    ("asian_indian", "Indian", ASIAN),
    ("asian_pakistani", "Pakistani", ASIAN),
    ("asian_other", "Any other Asian background", ASIAN),
    ("black_african", "African", BLACK),
    ("black_caribbean", "Caribbean", BLACK),
    ("black_other", "Any other Black, Black British or Caribbean background", BLACK),
    ("mixed_white_asian", "White and Asian", MIXED),
    ("mixed_white_black_african", "White and Black African", MIXED),
    ("mixed_white_black_caribbean", "White and Black Caribbean", MIXED),
    ("mixed_other", "Any other Mixed or multiple ethnic background", MIXED),
    ("white_british", "English, Welsh, Scottish, Northern Irish or British", WHITE),
    ("white_irish", "Irish", WHITE),
    ("white_gypsy_traveller", "Gypsy or Irish Traveller", WHITE),
    ("white_roma", "Roma", WHITE),
    ("white_other", "Any other White background", WHITE),
    ("other_arab", "Arab", OTHER_ETHNIC),
    ("other_any", "Any other ethnic group", OTHER_ETHNIC),
)

PROFESSIONAL = "Professional background"
INTERMEDIATE = "Intermediate background"
LOWER = "Lower socio-economic background"
OTHER_BACKGROUND = "Other background"

OCCUPATION_OPTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "modern_professional",
        "Modern professional and traditional professional occupations, such as teacher, nurse, physiotherapist, "
        "social worker, musician, police officer (sergeant or above), software designer, accountant, solicitor, "
        "medical practitioner, scientist, civil or mechanical engineer",
        PROFESSIONAL,
    ),
    (
        "senior_manager",
        "Senior, middle or junior managers or administrators, such as finance manager, chief executive, large "
        "business owner, office manager, retail manager, bank manager, restaurant manager, warehouse manager",
        PROFESSIONAL,
    ),
    (
        "clerical",
        "Clerical and intermediate occupations, such as secretary, personal assistant, call centre agent, clerical "
        "worker, nursery nurse",
        INTERMEDIATE,
    ),
    (
        "small_business",
        "Small business owners who employed fewer than 25 people, such as corner shop owner, small plumbing "
        "company, retail shop owner, single restaurant or cafe owner, taxi owner, garage owner",
        INTERMEDIATE,
    ),
    (
        "technical_craft",
        "Technical and craft occupations, such as motor mechanic, plumber, printer, electrician, gardener, "
        "train driver",
        LOWER,
    ),
    (
        "routine_manual",
        "Routine, semi-routine manual and service occupations, such as postal worker, machine operative, security "
        "guard, caretaker, farm worker, catering assistant, sales assistant, HGV driver, cleaner, porter, packer, "
        "labourer, waiter or waitress, bar staff",
        LOWER,
    ),
    (
        "long_term_unemployed",
        "Long-term unemployed (claimed Jobseeker's Allowance or earlier unemployment benefit for more than a year)",
        LOWER,
    ),
    ("other_occupation", "Other, such as retired, this question does not apply to me", OTHER_BACKGROUND),
    ("dont_know_occupation", "I do not know", OTHER_BACKGROUND),
)

QUESTIONS: tuple[Question, ...] = (
    Question(
        "sex",
        "Sex",
        "What is your sex?",
        "",
        _with_prefer_not(("female", "Female"), ("male", "Male")),
    ),
    Question(
        "gender_identity",
        "Gender identity",
        "Is the gender you identify with the same as your sex registered at birth?",
        "",
        _with_prefer_not(("same", "Yes"), ("different", "No")),
    ),
    Question(
        "age_band",
        "Age",
        "What is your age?",
        "",
        _with_prefer_not(
            ("16_24", "16 to 24"),
            ("25_29", "25 to 29"),
            ("30_34", "30 to 34"),
            ("35_39", "35 to 39"),
            ("40_44", "40 to 44"),
            ("45_49", "45 to 49"),
            ("50_54", "50 to 54"),
            ("55_59", "55 to 59"),
            ("60_64", "60 to 64"),
            ("65_over", "65 or over"),
        ),
    ),
    Question(
        "ethnicity",
        "Ethnicity",
        "What is your ethnic group?",
        "Choose the option that best describes your ethnic group or background.",
        _with_prefer_not(*((code, label) for code, label, _ in ETHNICITY_OPTIONS)),
        groups={code: group for code, _, group in ETHNICITY_OPTIONS},
    ),
    Question(
        "disability",
        "Disability",
        "Do you have a physical or mental condition or illness that has lasted or is expected to last 12 months or "
        "more, and that has a substantial adverse effect on your ability to carry out normal day-to-day activities?",
        "This is how the Equality Act 2010 defines disability.",
        _with_prefer_not(("yes", "Yes"), ("no", "No")),
    ),
    Question(
        "sexual_orientation",
        "Sexual orientation",
        "Which of the following best describes your sexual orientation?",
        "",
        _with_prefer_not(
            ("straight", "Straight or heterosexual"),
            ("gay_lesbian", "Gay or lesbian"),
            ("bisexual", "Bisexual"),
            ("other_orientation", "Other sexual orientation"),
        ),
    ),
    Question(
        "religion",
        "Religion or belief",
        "What is your religion?",
        "",
        _with_prefer_not(
            ("none", "No religion"),
            ("christian", "Christian"),
            ("buddhist", "Buddhist"),
            ("hindu", "Hindu"),
            ("jewish", "Jewish"),
            ("muslim", "Muslim"),
            ("sikh", "Sikh"),
            ("other_religion", "Any other religion"),
        ),
    ),
    Question(
        "caring_children",
        "Caring for children",
        "Are you the main carer of a child or children under 18?",
        "",
        _with_prefer_not(("yes", "Yes"), ("no", "No")),
    ),
    Question(
        "caring_others",
        "Caring for others",
        "Do you look after, or give any help or support to, anyone because they have long-term physical or mental "
        "health conditions or illnesses, or problems related to old age?",
        "Do not count anything you do as part of your paid employment.",
        _with_prefer_not(
            ("no", "No"),
            ("up_to_19_hours", "Yes, 19 hours a week or less"),
            ("20_to_49_hours", "Yes, 20 to 49 hours a week"),
            ("50_hours_or_more", "Yes, 50 or more hours a week"),
        ),
    ),
    Question(
        "parent_occupation",
        "Socio-economic background",
        "What was the occupation of your main household earner when you were about 14?",
        "If this question does not apply to you, choose \u201cOther\u201d.",
        _with_prefer_not(*((code, label) for code, label, _ in OCCUPATION_OPTIONS)),
        groups={code: group for code, _, group in OCCUPATION_OPTIONS},
    ),
    Question(
        "school_type",
        "Type of school",
        "Which type of school did you attend for the most time between the ages of 11 and 16?",
        "",
        _with_prefer_not(
            ("state_non_selective", "A state-run or state-funded school, non-selective"),
            ("state_selective", "A state-run or state-funded school, selective on academic, faith or other grounds"),
            ("independent", "An independent or fee-paying school"),
            (
                "independent_bursary",
                "An independent or fee-paying school, where I received a means-tested bursary covering 90% or more "
                "of the total cost",
            ),
            ("outside_uk", "I attended school outside the UK"),
            ("dont_know_school", "I do not know"),
        ),
    ),
    Question(
        "free_school_meals",
        "Free school meals",
        "If you finished school after 1980, were you eligible for free school meals at any point during your "
        "school years?",
        "",
        _with_prefer_not(
            ("yes", "Yes"),
            ("no", "No"),
            ("not_applicable", "Not applicable (finished school before 1980 or went to school overseas)"),
            ("dont_know_meals", "I do not know"),
        ),
    ),
)

QUESTION_KEYS: tuple[str, ...] = tuple(q.key for q in QUESTIONS)
BY_KEY: dict[str, Question] = {q.key: q for q in QUESTIONS}
