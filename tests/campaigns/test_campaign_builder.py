"""Building a campaign: proposals from grades and role profiles, criteria, settings, panels, guards."""

from datetime import date

import pytest
from sqlalchemy import func, select

from recruit.extensions import db
from recruit.models import AuditEvent, Campaign, Criterion
from recruit.services.campaigns import criteria
from recruit.services.campaigns import setup as campaigns
from recruit.services.errors import Refused
from tests.factories import ADVERT_FORM, details, draft_campaign, grade, role_profile
from tests.helpers import error_messages, parse


def levels(campaign):
    return {c.competency.name: c.level.number for c in campaign.criteria}


# Proposals --------------------------------------------------------------------------------------


def test_band_c_proposes_its_five_competencies_at_level_2(admin):
    campaign = draft_campaign(admin, "band-c")
    assert levels(campaign) == {
        "Leading and Communicating": 2,
        "Collaborating and Partnering": 2,
        "Managing a Quality Service": 2,
        "Delivering at Pace": 2,
        "Making Effective Decisions": 2,
    }


def test_band_b_proposes_four_at_level_1(admin):
    assert levels(draft_campaign(admin, "band-b")) == {
        "Leading and Communicating": 1,
        "Collaborating and Partnering": 1,
        "Managing a Quality Service": 1,
        "Delivering at Pace": 1,
    }


def test_scs_2_proposes_all_ten_at_level_6(admin):
    proposed = levels(draft_campaign(admin, "scs-2"))
    assert len(proposed) == 10 and set(proposed.values()) == {6}


DWP = [
    "dwp-cmg-ao-applications",
    "dwp-cmg-eo-applications",
    "dwp-cmg-ao-new-case-and-case-maintenance",
    "dwp-cmg-eo-new-case-and-case-maintenance",
    "dwp-cmg-eo-specialist-caseworker",
]


@pytest.mark.parametrize("slug", DWP)
def test_each_dwp_role_profile_proposes_what_its_objective_areas_list(admin, slug):
    profile = role_profile(slug)
    campaign = campaigns.create_campaign(admin, details(), role_profile=profile)
    listed = []
    for area in profile.objective_areas:
        for link in area.competency_links:
            if link.competency.name not in listed:
                listed.append(link.competency.name)
    assert [c.competency.name for c in campaign.criteria] == listed
    assert {c.level.number for c in campaign.criteria} == {profile.level.number}


def test_ao_applications_proposes_resolved_aliases(admin):
    campaign = campaigns.create_campaign(admin, details(), role_profile=role_profile("dwp-cmg-ao-applications"))
    names = [c.competency.name for c in campaign.criteria]
    assert "Achieving Commercial Outcomes" in names and "Seeing the Big Picture" in names
    assert len(names) == len(set(names))


def test_new_campaign_through_the_form(forms, client, signed_in_admin):
    band_c = grade("band-c")
    response = forms.submit(
        "/admin/campaigns/new",
        {
            "title": "Casework officer",
            "organisation": "COPFS",
            "location": "Edinburgh",
            "posts": "3",
            "description": "Prepare cases.",
            "source": f"grade:{band_c.id}",
            **ADVERT_FORM,
        },
    )
    assert response.status_code == 302
    campaign = db.session.scalar(select(Campaign).where(Campaign.title == "Casework officer"))
    assert campaign.status == "draft" and campaign.posts == 3 and campaign.reference.startswith("VAC-")
    soup = parse(client.get(response.location))
    rows = {row.th.get_text(" ", strip=True): row for row in soup.select("#criteria-table tbody tr")}
    assert set(rows) == {
        "Leading and Communicating",
        "Collaborating and Partnering",
        "Managing a Quality Service",
        "Delivering at Pace",
        "Making Effective Decisions",
    }
    assert all(row.select("td")[0].get_text(" ", strip=True).startswith("Level 2") for row in rows.values())
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "campaign.created", AuditEvent.record_id == str(campaign.id))
    )


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("title", "", "Enter the job title"),
        ("title", "x" * 201, "Job title must be 200 characters or fewer"),
        ("posts", "two", "Number of posts must be a whole number, like 2"),
        ("posts", "0", "Number of posts must be between 1 and 500"),
        ("posts", "", "Enter the number of posts"),
        ("description", "", "Enter a description of the job"),
        ("source", "", "Select a grade or a role profile to start from"),
        ("source", "grade:999999", "Select a grade or a role profile to start from"),
        ("source", "banana", "Select a grade or a role profile to start from"),
    ],
)
def test_new_campaign_bad_input(forms, signed_in_admin, field, value, message):
    data = {
        "title": "Officer",
        "organisation": "COPFS",
        "location": "Edinburgh",
        "posts": "1",
        "description": "Prepare cases.",
        "source": f"grade:{grade('band-c').id}",
        **ADVERT_FORM,
        field: value,
    }
    response = forms.submit("/admin/campaigns/new", data)
    assert response.status_code == 200
    assert message in error_messages(parse(response))
    assert db.session.scalar(select(func.count(Campaign.id))) == 0


# Criteria ---------------------------------------------------------------------------------------


def edit_data(criterion, **changes):
    data = {
        "level": str(criterion.level_id),
        "stages": criterion.stages,
        "weight": str(criterion.weight),
        "pass_mark": str(criterion.pass_mark),
        "word_limit": str(criterion.word_limit),
    }
    if criterion.is_lead:
        data["is_lead"] = "y"
    data.update(changes)
    return data


def test_admin_edits_a_criterion_and_a_level_off_the_grade_is_a_warning(forms, client, signed_in_admin):
    campaign = draft_campaign(signed_in_admin)
    item = campaign.criteria[0]
    level_3 = campaign.framework.level(3)
    url = f"/admin/campaigns/{campaign.id}/criteria/{item.id}"
    response = forms.submit(
        url, edit_data(item, level=str(level_3.id), weight="2", pass_mark="5", word_limit="300", is_lead="y")
    )
    assert response.status_code == 302
    db.session.expire_all()
    item = db.session.get(Criterion, item.id)
    assert (item.level.number, item.weight, item.pass_mark, item.word_limit, item.is_lead) == (3, 2, 5, 300, True)
    warning = parse(client.get(url)).select_one("#level-warning").get_text(" ", strip=True)
    assert f"Band C needs {item.competency.name} at Level 2, not Level 3" in warning
    changed = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "criterion.changed"))
    assert changed.before["level"] == 2 and changed.after["level"] == 3


def test_only_one_lead_criterion(admin):
    campaign = draft_campaign(admin)
    first, second = campaign.criteria[0], campaign.criteria[1]
    for item in (first, second):
        criteria.update_criterion(
            admin,
            item,
            level=item.level,
            at_sift=True,
            at_interview=True,
            weight=1,
            pass_mark=4,
            word_limit=250,
            is_lead=True,
        )
    db.session.expire_all()
    assert [c.is_lead for c in db.session.get(Campaign, campaign.id).criteria][:2] == [False, True]


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"pass_mark": "9"}, "Pass mark must be a point on the Civil Service 1–7 scale"),
        ({"pass_mark": "x"}, "Pass mark must be a whole number, like 4"),
        ({"weight": "0"}, "Weight must be between 1 and 10"),
        ({"weight": "11"}, "Weight must be between 1 and 10"),
        ({"word_limit": "20"}, "Word limit must be between 50 and 2000"),
        ({"word_limit": ""}, "Enter the word limit"),
        ({"stages": []}, "Select at least one stage"),
        ({"stages": ["lunch"]}, "Select at least one stage"),
        ({"level": "999999"}, "Select a level"),
        ({"level": "abc"}, "Select a level"),
        ({"stages": ["interview"], "is_lead": "y"}, "The lead criterion must be assessed at the sift"),
    ],
)
def test_criterion_bad_input_changes_nothing(forms, signed_in_admin, changes, message):
    campaign = draft_campaign(signed_in_admin)
    item = campaign.criteria[0]
    before = criteria._snapshot(item)
    response = forms.submit(f"/admin/campaigns/{campaign.id}/criteria/{item.id}", edit_data(item, **changes))
    assert response.status_code == 200
    assert message in error_messages(parse(response))
    db.session.expire_all()
    assert criteria._snapshot(db.session.get(Criterion, item.id)) == before


def test_add_remove_and_reorder_criteria(forms, client, signed_in_admin):
    campaign = draft_campaign(signed_in_admin, "band-b")
    seeing = next(c for c in campaign.framework.competencies if c.slug == "seeing-the-big-picture")
    response = forms.submit(
        f"/admin/campaigns/{campaign.id}/criteria/add-competency",
        {"competency": str(seeing.id), "level": str(campaign.framework.level(1).id), "stages": ["sift"]},
    )
    assert response.status_code == 302
    response = forms.submit(
        f"/admin/campaigns/{campaign.id}/criteria/add-own",
        {
            "title": "Experience of casework",
            "description": "At least a year of casework.",
            "stages": ["sift", "interview"],
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    campaign = db.session.get(Campaign, campaign.id)
    assert [c.name for c in campaign.criteria][-2:] == ["Seeing the Big Picture", "Experience of casework"]
    own = campaign.criteria[-1]
    assert own.competency is None and own.code == "experience-of-casework"

    page = f"/admin/campaigns/{campaign.id}"
    assert forms.submit(f"{page}/criteria/{own.id}/move/up", page=page).status_code == 302
    assert forms.submit(f"{page}/criteria/{campaign.criteria[0].id}/remove", page=page).status_code == 302
    db.session.expire_all()
    names = [c.name for c in db.session.get(Campaign, campaign.id).criteria]
    assert names == [
        "Collaborating and Partnering",
        "Managing a Quality Service",
        "Delivering at Pace",
        "Experience of casework",
        "Seeing the Big Picture",
    ]


@pytest.mark.parametrize(
    "data, message",
    [
        ({"competency": "", "stages": ["sift"]}, "Select a competency"),
        ({"stages": []}, "Select at least one stage"),
        ({"competency": "LEADING", "stages": ["sift"]}, "Select a competency"),
    ],
)
def test_add_competency_bad_input(forms, signed_in_admin, data, message):
    campaign = draft_campaign(signed_in_admin, "band-b")
    seeing = next(c for c in campaign.framework.competencies if c.slug == "seeing-the-big-picture")
    full = {"competency": str(seeing.id), "level": str(campaign.framework.level(1).id), "stages": ["sift"], **data}
    response = forms.submit(f"/admin/campaigns/{campaign.id}/criteria/add-competency", full)
    assert message in error_messages(parse(response))
    assert len(db.session.get(Campaign, campaign.id).criteria) == 4


def test_a_competency_from_another_framework_is_not_offered(forms, signed_in_admin):
    campaign = draft_campaign(signed_in_admin, "band-b")
    from recruit.models import Competency

    maldon = db.session.scalar(select(Competency).where(Competency.slug == "customer-focus"))
    response = forms.submit(
        f"/admin/campaigns/{campaign.id}/criteria/add-competency",
        {"competency": str(maldon.id), "level": str(campaign.framework.level(1).id), "stages": ["sift"]},
    )
    assert "Select a competency" in error_messages(parse(response))


def test_add_own_criterion_bad_input(forms, signed_in_admin):
    campaign = draft_campaign(signed_in_admin)
    response = forms.submit(
        f"/admin/campaigns/{campaign.id}/criteria/add-own", {"title": "", "description": "", "stages": ["sift"]}
    )
    assert error_messages(parse(response)) == ["Enter a title for the criterion", "Enter what candidates must show"]


# Settings, closing and panels -------------------------------------------------------------------


def test_scoring_settings(forms, signed_in_admin):
    campaign = draft_campaign(signed_in_admin)
    five = db.session.scalar(select(campaign.scale.__class__).where(campaign.scale.__class__.slug == "one-to-five"))
    response = forms.submit(
        f"/admin/campaigns/{campaign.id}/settings",
        {
            "scale": str(five.id),
            "discrepancy_threshold": "3",
            "overall_pass_mark": "20",
            "presift_threshold": "300",
            "merit_basis": "sift_and_interview",
            "reserve_months": "6",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    campaign = db.session.get(Campaign, campaign.id)
    assert (
        campaign.scale.slug,
        campaign.discrepancy_threshold,
        campaign.overall_pass_mark,
        campaign.presift_threshold,
        campaign.merit_basis,
        campaign.reserve_months,
    ) == ("one-to-five", 3, 20, 300, "sift_and_interview", 6)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"discrepancy_threshold": ""}, "Enter the discrepancy threshold"),
        ({"discrepancy_threshold": "7"}, "The discrepancy threshold must be no more than 6 on this scale"),
        ({"overall_pass_mark": "lots"}, "Overall pass mark (optional) must be a whole number, like 20"),
        ({"presift_threshold": "0"}, "Pre-sift threshold (optional) must be between 1 and 100000"),
        ({"scale": "999999"}, "Select a scoring scale"),
        ({"merit_basis": "coin toss"}, "Select how the merit order is decided"),
        ({"reserve_months": "40"}, "Reserve list lasts (months) must be between 0 and 36"),
        ({"reserve_months": ""}, "Enter how many months the reserve list lasts"),
    ],
)
def test_settings_bad_input(forms, signed_in_admin, changes, message):
    campaign = draft_campaign(signed_in_admin)
    data = {
        "scale": str(campaign.scale_id),
        "discrepancy_threshold": "2",
        "merit_basis": "interview",
        "reserve_months": "12",
        **changes,
    }
    response = forms.submit(f"/admin/campaigns/{campaign.id}/settings", data)
    assert message in error_messages(parse(response))
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).discrepancy_threshold == 2


def test_switching_to_a_scale_without_the_pass_marks_is_refused(admin):
    campaign = draft_campaign(admin)
    zero_six = db.session.scalar(select(campaign.scale.__class__).where(campaign.scale.__class__.slug == "one-to-five"))
    item = campaign.criteria[0]
    criteria.update_criterion(
        admin,
        item,
        level=item.level,
        at_sift=True,
        at_interview=True,
        weight=1,
        pass_mark=7,
        word_limit=250,
        is_lead=False,
    )
    with pytest.raises(Refused, match="would have a pass mark that is not on this scale"):
        campaigns.update_settings(
            admin, campaign, scale=zero_six, discrepancy_threshold=2, overall_pass_mark=None, presift_threshold=None
        )


def test_closing_date_is_entered_in_uk_time_and_stored_in_utc(forms, signed_in_admin):
    campaign = draft_campaign(signed_in_admin)
    next_year = date.today().year + 1
    response = forms.submit(
        f"/admin/campaigns/{campaign.id}/closing", {"closes_on": ["15", "7", str(next_year)], "closes_at_time": "5pm"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Campaign, campaign.id).closes_at
    assert (stored.month, stored.day, stored.hour, stored.minute) == (7, 15, 16, 0)  # BST is UTC+1
    forms.submit(
        f"/admin/campaigns/{campaign.id}/closing", {"closes_on": ["15", "1", str(next_year)], "closes_at_time": "17:00"}
    )
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).closes_at.hour == 17  # GMT is UTC


@pytest.mark.parametrize(
    "data, message",
    [
        ({"closes_on": ["", "", ""], "closes_at_time": "17:00"}, "Enter the closing date"),
        (
            {"closes_on": ["31", "2", "2031"], "closes_at_time": "17:00"},
            "Closing date must be a real date, like 27 3 2026",
        ),
        ({"closes_on": ["1", "1", "2031"], "closes_at_time": ""}, "Enter the closing time"),
        ({"closes_on": ["1", "1", "2031"], "closes_at_time": "teatime"}, "Enter a time, like 17:00 or 5pm"),
        ({"closes_on": ["1", "1", "2031"], "closes_at_time": "25:00"}, "Enter a real time, like 17:00 or 5pm"),
        (
            {"closes_on": ["30", "3", "2031"], "closes_at_time": "1:30am"},
            "That time does not exist in the UK on that date because the clocks go forward",
        ),
        ({"closes_on": ["1", "1", "2020"], "closes_at_time": "17:00"}, "The closing date must be in the future"),
    ],
)
def test_closing_date_bad_input(forms, signed_in_admin, data, message):
    campaign = draft_campaign(signed_in_admin)
    response = forms.submit(f"/admin/campaigns/{campaign.id}/closing", data)
    assert message in error_messages(parse(response))
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).closes_at is None


def test_panel_is_a_chair_and_members_who_are_assessors(forms, client, signed_in_admin, make_user):
    campaign = draft_campaign(signed_in_admin)
    chair, member, other = (make_user(role="assessor", name=n) for n in ("Chair Person", "Member One", "Member Two"))
    response = forms.submit(
        f"/admin/campaigns/{campaign.id}/panels/sift",
        {"chair": str(chair.id), "members": [str(member.id), str(other.id), str(chair.id)]},
    )
    assert response.status_code == 302
    db.session.expire_all()
    panel = db.session.get(Campaign, campaign.id).panel("sift")
    assert panel.chair.id == chair.id
    assert sorted(m.user.name for m in panel.members) == ["Chair Person", "Member One", "Member Two"]
    summary = (
        parse(client.get(f"/admin/campaigns/{campaign.id}")).select_one("#panels-summary").get_text(" ", strip=True)
    )
    assert "Chair: Chair Person. Members: Member One, Member Two" in summary


@pytest.mark.parametrize("case", ["no chair", "no members", "candidate as chair", "admin as member", "only the chair"])
def test_panel_bad_input(forms, signed_in_admin, make_user, case):
    campaign = draft_campaign(signed_in_admin)
    chair, member = make_user(role="assessor"), make_user(role="assessor")
    candidate = make_user(role="candidate")
    data = {"chair": str(chair.id), "members": [str(member.id)]}
    expected = {
        "no chair": ("Select the chair", {"chair": ""}),
        "no members": ("Select at least one panel member", {"members": []}),
        "candidate as chair": ("Select the chair", {"chair": str(candidate.id)}),
        "admin as member": ("Select at least one panel member", {"members": [str(signed_in_admin.id)]}),
        "only the chair": ("Select at least one panel member as well as the chair", {"members": [str(chair.id)]}),
    }[case]
    data.update(expected[1])
    response = forms.submit(f"/admin/campaigns/{campaign.id}/panels/sift", data)
    assert expected[0] in error_messages(parse(response))
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).panel("sift").members == []
