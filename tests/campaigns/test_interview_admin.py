"""The admin's interview pages: invitations, absences, the merit list with offers, releasing outcomes,
and the question bank."""

from datetime import date

import pytest
from sqlalchemy import select

from recruit.extensions import db
from recruit.models import CriterionQuestion, InterviewQuestion, Offer
from recruit.services.campaigns.stages import stage_record
from recruit.services.interview import invitations as interviews
from tests.factories import draft_campaign, interview_stage
from tests.helpers import error_messages, parse


@pytest.fixture
def stage(make_user):
    return interview_stage(make_user(role="admin"))


@pytest.fixture
def admin_forms(forms, stage):
    forms.sign_in(stage[0].admin)
    return forms


def test_invite_through_the_form_in_uk_time(admin_forms, stage):
    setup, _ = stage
    application = setup.applications[0]
    year = date.today().year + 1
    url = f"/admin/campaigns/{setup.campaign.id}/interviews/{application.reference}"
    response = admin_forms.submit(
        url,
        {
            "starts_on": ["14", "7", str(year)],
            "starts_at_time": "10am",
            "minutes": "45",
            "place": "Room 4",
            "video_link": "",
        },
    )
    assert response.status_code == 302
    slot = interviews.slot_for(application)
    assert (slot.starts_at.hour, slot.minutes, slot.status) == (9, 45, "invited")  # 10am BST
    row = parse(admin_forms.client.get(f"/admin/campaigns/{setup.campaign.id}/interviews")).select_one(
        f"#interviews tr[data-reference={application.reference}]"
    )
    assert "Candidate 1" in row.get_text() and f"14 July {year} at 10:00am" in row.get_text()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"starts_on": ["", "", ""]}, "Enter the date of the interview"),
        ({"starts_at_time": "soon"}, "Enter a time, like 17:00 or 5pm"),
        ({"minutes": "5"}, "Length in minutes must be between 10 and 480"),
        ({"place": "", "video_link": ""}, "Enter a place or a video link"),
        ({"starts_on": ["1", "1", "2020"]}, "The interview must be in the future"),
        ({"place": "", "video_link": "http://insecure.example"}, "Enter a video link starting with https://"),
    ],
)
def test_invitation_bad_input(admin_forms, stage, data, message):
    setup, _ = stage
    application = setup.applications[0]
    full = {
        "starts_on": ["14", "7", str(date.today().year + 1)],
        "starts_at_time": "10:00",
        "minutes": "60",
        "place": "Room 4",
        "video_link": "",
        **data,
    }
    response = admin_forms.submit(f"/admin/campaigns/{setup.campaign.id}/interviews/{application.reference}", full)
    assert message in error_messages(parse(response))
    assert interviews.slot_for(application) is None


def test_merit_page_makes_offers_and_records_answers(admin_forms, stage):
    setup, _ = stage
    url = f"/admin/campaigns/{setup.campaign.id}/merit"
    soup = parse(admin_forms.client.get(url))
    places = [[c.get_text(" ", strip=True) for c in row.select("td")][:3] for row in soup.select("#merit tbody tr")]
    assert [p[0] for p in places] == ["1", "2", "3", "4"]
    assert places[0][1].startswith("Candidate 1")
    first = setup.applications[0]
    assert (
        admin_forms.submit(f"/admin/campaigns/{setup.campaign.id}/offers/{first.reference}", page=url).status_code
        == 302
    )
    offer = db.session.scalar(select(Offer).where(Offer.application_id == first.id))
    assert offer.status == "offered"
    # Offering someone out of merit order is refused with a message.
    fourth = setup.applications[3]
    response = admin_forms.submit(f"/admin/campaigns/{setup.campaign.id}/offers/{fourth.reference}", page=url)
    banner = parse(admin_forms.client.get(response.location)).select_one(".govuk-notification-banner")
    assert "this candidate is not next" in banner.get_text()
    assert db.session.scalar(select(Offer).where(Offer.application_id == fourth.id)) is None
    response = admin_forms.submit(
        f"/admin/campaigns/{setup.campaign.id}/offers/{offer.id}/response", {"outcome": "declined"}, page=url
    )
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).status == "declined"
    assert "reserve-expiry" in str(parse(admin_forms.client.get(url)))


def test_release_after_sign_off(admin_forms, stage):
    setup, _ = stage
    url = f"/admin/campaigns/{setup.campaign.id}/merit"
    release = f"/admin/campaigns/{setup.campaign.id}/release/interview"
    seen = parse(admin_forms.client.get(release)).select_one("input[name=missing]")["value"]
    assert admin_forms.submit(release, {"missing": seen, "confirm": "y"}).status_code == 302
    assert stage_record(setup.campaign, "interview").released_at is not None
    assert parse(admin_forms.client.get(url)).select_one("[data-released=interview]") is not None


def test_question_bank_and_choosing_questions(admin_forms, stage):
    setup, _ = stage
    criterion = setup.campaign.criteria_at("interview")[0]
    response = admin_forms.submit(
        "/admin/campaigns/questions",
        {
            "competency": str(criterion.competency_id),
            "level": "0",
            "text": "Tell us about a time you explained a decision to someone who disagreed.",
        },
    )
    assert response.status_code == 302
    assert (
        admin_forms.submit("/admin/campaigns/questions", {"competency": "0", "level": "0", "text": ""}).status_code
        == 200
    )
    question = db.session.scalar(select(InterviewQuestion))
    # Once interviews have started the questions are fixed, so every candidate is asked the same.
    url = f"/admin/campaigns/{setup.campaign.id}/criteria/{criterion.id}/questions"
    response = admin_forms.submit(url, {"questions": [str(question.id)]})
    assert error_messages(parse(response)) == ["Interview criteria cannot change once interviews have started"]
    assert db.session.scalar(select(CriterionQuestion)) is None
    # Before then they are chosen from the questions for the criterion's competency.
    draft = draft_campaign(setup.admin, "band-b")
    same = next(c for c in draft.criteria if c.competency_id == criterion.competency_id)
    url = f"/admin/campaigns/{draft.id}/criteria/{same.id}/questions"
    choices = parse(admin_forms.client.get(url)).select("input[name=questions]")
    assert [c["value"] for c in choices] == [str(question.id)]
    assert admin_forms.submit(url, {"questions": [str(question.id)]}).status_code == 302
    assert db.session.scalar(select(CriterionQuestion)).question_id == question.id


def test_question_bank_bad_input(admin_forms):
    response = admin_forms.submit("/admin/campaigns/questions", {"competency": "0", "level": "0", "text": "  "})
    assert error_messages(parse(response)) == ["Enter the question"]
    assert db.session.scalar(select(InterviewQuestion)) is None
