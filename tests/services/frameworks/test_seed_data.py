"""The seeded data is the source documents' data: counts, the grade grid, exact indicator wording, aliases."""

import pytest
from sqlalchemy import select

from recruit.extensions import db
from recruit.models import Framework, Grade, RoleProfile, ScoringScale


def framework(slug: str) -> Framework:
    return db.session.scalar(select(Framework).where(Framework.slug == slug))


def grade_levels(slug: str) -> dict[str, int]:
    grade = db.session.scalar(
        select(Grade).join(Framework).where(Framework.slug == "civil-service-2012", Grade.slug == slug)
    )
    return {r.competency.slug: r.level.number for r in grade.requirements}


def test_civil_service_framework_has_ten_competencies_in_three_clusters():
    cs = framework("civil-service-2012")
    assert cs.licence == "Crown copyright, Open Government Licence v3.0"
    assert [c.name for c in cs.clusters] == ["Setting Direction", "Engaging People", "Delivering Results"]
    assert [c.name for c in cs.competencies] == [
        "Seeing the Big Picture",
        "Changing and Improving",
        "Making Effective Decisions",
        "Leading and Communicating",
        "Collaborating and Partnering",
        "Building Capability for All",
        "Achieving Commercial Outcomes",
        "Delivering Value for Money",
        "Managing a Quality Service",
        "Delivering at Pace",
    ]


def test_every_competency_has_both_lists_at_all_six_levels():
    cs = framework("civil-service-2012")
    assert [level.number for level in cs.levels] == [1, 2, 3, 4, 5, 6]
    for competency in cs.competencies:
        assert competency.level_numbers_with_indicators() == [1, 2, 3, 4, 5, 6], competency.name
        for number in range(1, 7):
            lists = competency.indicators_at(number)
            assert lists["effective"], f"{competency.name} level {number} effective"
            assert lists["ineffective"], f"{competency.name} level {number} ineffective"


def test_no_indicator_runs_two_together():
    # The PDF extraction ran indicators together; each must be its own item, so none
    # contains a bullet, and none is implausibly long.
    cs = framework("civil-service-2012")
    for competency in cs.competencies:
        for indicator in competency.indicators:
            assert "•" not in indicator.text
            assert "<" not in indicator.text
            assert len(indicator.text) < 400, indicator.text


def test_eleven_grades_in_order():
    cs = framework("civil-service-2012")
    assert [g.name for g in cs.grades] == [
        "Band B",
        "Band C",
        "Band D",
        "Band E",
        "Band F",
        "Band G",
        "Band H",
        "SCS 1",
        "SCS 1A",
        "SCS 2",
        "SCS 3",
    ]


CORE_FOUR = {
    "leading-and-communicating",
    "collaborating-and-partnering",
    "managing-a-quality-service",
    "delivering-at-pace",
}


@pytest.mark.parametrize(
    "grade, competencies, level",
    [
        ("band-b", CORE_FOUR, 1),
        ("band-c", CORE_FOUR | {"making-effective-decisions"}, 2),
        (
            "band-d",
            CORE_FOUR | {"making-effective-decisions", "building-capability-for-all", "changing-and-improving"},
            3,
        ),
        (
            "band-e",
            CORE_FOUR | {"making-effective-decisions", "building-capability-for-all", "changing-and-improving"},
            3,
        ),
        (
            "band-f",
            CORE_FOUR | {"making-effective-decisions", "building-capability-for-all", "changing-and-improving"},
            4,
        ),
        (
            "band-h",
            CORE_FOUR | {"making-effective-decisions", "building-capability-for-all", "changing-and-improving"},
            4,
        ),
    ],
)
def test_grade_grid_below_scs(grade, competencies, level):
    levels = grade_levels(grade)
    assert set(levels) == competencies
    assert set(levels.values()) == {level}


@pytest.mark.parametrize("grade, level", [("scs-1", 5), ("scs-1a", 5), ("scs-2", 6), ("scs-3", 6)])
def test_senior_civil_service_needs_all_ten(grade, level):
    levels = grade_levels(grade)
    assert len(levels) == 10
    assert set(levels.values()) == {level}
    # The last three competencies are needed only at SCS.
    assert {"delivering-value-for-money", "achieving-commercial-outcomes", "seeing-the-big-picture"} <= set(levels)


# Indicators copied by hand from the source document, one list item each.
EXACT_INDICATORS = [
    (
        "seeing-the-big-picture",
        1,
        "effective",
        "Gather information from a range of relevant sources inside and outside their Department to inform own work",
    ),
    (
        "seeing-the-big-picture",
        1,
        "effective",
        "Understand what is required of them in their role and how this contributes to team and Departmental priorities",
    ),
    ("seeing-the-big-picture", 1, "ineffective", "Take actions/decisions without regard to the bigger picture"),
    (
        "seeing-the-big-picture",
        1,
        "ineffective",
        "Work on own tasks in isolation showing little interest in the wider context and relevant developments "
        "outside their immediate area",
    ),
    ("changing-and-improving", 2, "effective", "Put aside preconceptions and consider new ideas on their own merits"),
    ("making-effective-decisions", 2, "effective", "Demonstrate accountability and make unbiased decisions"),
    (
        "making-effective-decisions",
        2,
        "effective",
        "Explain clearly, verbally and in writing, how a decision has been reached",
    ),
    (
        "leading-and-communicating",
        2,
        "effective",
        "Display enthusiasm around goals and activities – adopting a positive approach when interacting with others",
    ),
    ("leading-and-communicating", 2, "ineffective", "Express limited interest in goals and activities"),
    (
        "collaborating-and-partnering",
        2,
        "effective",
        "Listen attentively to others and check their understanding by asking questions",
    ),
    ("building-capability-for-all", 2, "effective", "Proactively support the development plans of others"),
    ("building-capability-for-all", 2, "ineffective", "Resist opportunities to broaden work responsibilities"),
    (
        "achieving-commercial-outcomes",
        2,
        "effective",
        "Be able to identify and access departmental procurement and commercial expertise",
    ),
    (
        "achieving-commercial-outcomes",
        2,
        "ineffective",
        "Enter into commercial arrangements without having the authority to do so",
    ),
    (
        "delivering-value-for-money",
        2,
        "effective",
        "Can account for expenditure and create well supported argument for extra expenditure e.g. overtime",
    ),
    ("managing-a-quality-service", 2, "effective", "Explain clearly to customers what can be done"),
    (
        "managing-a-quality-service",
        2,
        "effective",
        "Ensure that levels of service are maintained – flag up risks or concerns in order to meet customer requirements",
    ),
    ("delivering-at-pace", 2, "effective", "Set and achieve challenging goals and monitor quality"),
    ("delivering-at-pace", 2, "ineffective", "Fail to maintain pace and progress"),
]


@pytest.mark.parametrize("slug, level, kind, text", EXACT_INDICATORS)
def test_indicator_is_its_own_item_word_for_word(slug, level, kind, text):
    competency = next(c for c in framework("civil-service-2012").competencies if c.slug == slug)
    assert text in [indicator.text for indicator in competency.indicators_at(level)[kind]]


def test_scales_are_seeded_with_the_civil_service_scale_as_default():
    scales = {s.slug: s for s in db.session.scalars(select(ScoringScale))}
    default = scales["civil-service-1-7"]
    assert default.is_default
    assert [(p.value, p.label, p.descriptor) for p in default.points] == [
        (1, "Not demonstrated", "No positive evidence"),
        (2, "Minimal", "Limited positive evidence"),
        (3, "Moderate", "Moderate positive evidence"),
        (4, "Acceptable", "Adequate positive evidence"),
        (5, "Good", "Substantial positive evidence"),
        (6, "Strong", "Substantial positive evidence and some of exceeding expectations"),
        (7, "Outstanding", "Wholly exceeds expectation at this level"),
    ]
    assert [p.value for p in scales["zero-to-six"].points] == [0, 1, 2, 3, 4, 5, 6]
    assert [p.value for p in scales["one-to-five"].points] == [1, 2, 3, 4, 5]


def dwp_profiles() -> list[RoleProfile]:
    return list(db.session.scalars(select(RoleProfile).where(RoleProfile.slug.like("dwp-cmg-%"))))


def test_seven_dwp_role_profiles_at_their_levels():
    profiles = dwp_profiles()
    assert len(profiles) == 7
    for profile in profiles:
        assert profile.framework.slug == "civil-service-2012"
        assert profile.level.number == (1 if profile.grade_name == "AO" else 2), profile.slug


def test_dwp_names_resolve_through_aliases():
    """Every name the DWP document writes resolves; the ones that differ from the framework's go through aliases."""
    resolved = {}
    for profile in dwp_profiles():
        for area in profile.objective_areas:
            for link in area.competency_links:
                resolved[link.source_name] = link.competency.slug
    assert resolved["Achieving Outcomes Through Delivery Partners"] == "achieving-commercial-outcomes"
    assert resolved["Seeing The Big Picture"] == "seeing-the-big-picture"
    assert resolved["Delivering at a Pace"] == "delivering-at-pace"
    assert resolved["Delivering At Pace"] == "delivering-at-pace"
    assert resolved["Building Capability"] == "building-capability-for-all"


def test_each_dwp_profile_with_a_competency_column_resolves_its_names():
    for profile in dwp_profiles():
        links = [link for area in profile.objective_areas for link in area.competency_links]
        if "arrears" in profile.slug:
            # The arrears profiles in the source have no competency column.
            assert links == []
            continue
        assert links, profile.slug
        for link in links:
            competency = link.competency
            assert link.source_name.casefold() in {n.casefold() for n in [competency.name]} | {
                a.name.casefold() for a in competency.aliases
            }


def test_ao_applications_areas_and_competencies():
    profile = db.session.scalar(select(RoleProfile).where(RoleProfile.slug == "dwp-cmg-ao-applications"))
    areas = {area.name: [link.competency.slug for link in area.competency_links] for area in profile.objective_areas}
    assert areas["Finance / Results"] == [
        "making-effective-decisions",
        "achieving-commercial-outcomes",
        "delivering-value-for-money",
        "delivering-at-pace",
        "managing-a-quality-service",
    ]
    assert "seeing-the-big-picture" in areas["People"]


def test_council_frameworks_have_their_competencies_and_grades():
    maldon = framework("maldon-core-competencies")
    assert [c.name for c in maldon.competencies] == [
        "Communicating",
        "Managing and Leading People",
        "Customer Focus",
        "Planning and Managing Work",
        "Analysis and Problem Solving",
        "Initiative and Decision Making",
        "Developing Self",
    ]
    assert maldon.competencies[2].description == (
        "Taking into account customer needs, striving to meet them and providing the best service to our "
        "customers and colleagues."
    )
    assert [g.name for g in maldon.grades] == ["Grade D", "Grade E", "Grade F", "Grade G"]
    guildford = framework("guildford-behaviours")
    assert len(guildford.competencies) == 10
    assert guildford.competencies[0].name == "Embraces Change"
    assert [g.name for g in guildford.grades] == ["Grade 2", "Grade 3", "Grade 4", "Grade 5", "Grade 6"]
    profiles = db.session.scalars(select(RoleProfile).where(RoleProfile.framework_id == maldon.id)).all()
    assert len(profiles) == 6
    assert all(p.essential_criteria for p in profiles)


def test_ksb_framework_reads_as_plain_english():
    ksb = framework("revenues-benefits-practitioner")
    assert [c.name for c in ksb.clusters] == ["Knowledge", "Skills", "Behaviours"]
    texts = " ".join(
        [c.name + " " + c.description for c in ksb.competencies]
        + [i.text for c in ksb.competencies for i in c.indicators]
    )
    assert "Local Government Finance Act 1988" in texts
    assert "Social Security Contributions and Benefits Act 1992" in texts
    assert "Dispute and appeal process" in [c.name for c in ksb.competencies]
    # The garbled synonyms are gone.
    for garbled in (
        "Native Authorities",
        "prospects",
        "attraction",
        "Information Safety",
        "Freedom of Data",
        "courtroom",
        "insurance policies",
        "shopper",
    ):
        assert garbled not in texts, garbled
