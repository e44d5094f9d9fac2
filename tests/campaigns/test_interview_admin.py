"""The admin's interview pages: invitations, absences, the merit list with offers, releasing outcomes,
and the question bank."""

from datetime import date

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from recruit.extensions import db
from recruit.models import AuditEvent, CriterionQuestion, InterviewQuestion, Offer
from recruit.services.campaigns.stages import stage_record
from recruit.services.interview import invitations as interviews
from recruit.services.interview.offer_terms import RESPONSE_WORKING_DAYS, uk_today, working_days_after
from tests.factories import draft_campaign, interview_stage
from tests.helpers import PageForm, error_messages, parse


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


def offer_url(setup, application) -> str:
    return f"/admin/campaigns/{setup.campaign.id}/offers/{application.reference}"


TERMS = {"salary": "£34,500", "starts_on": ["2", "3", str(date.today().year + 1)]}


def send_terms(forms, url: str, changes: dict):
    """The terms form as the page filled it, with `changes` typed over it, sent with Continue."""
    form = PageForm(forms.client, url)
    for name, value in changes.items():
        form.set(name, value)
    return form.press("submit", "Continue")


def confirm(forms, url: str, shown, *extra):
    """Press a button on the confirmation page `shown`: the terms go back as its hidden fields."""
    fields = [(i["name"], i.get("value", "")) for i in parse(shown).select("main form input[type=hidden]")]
    return forms.client.post(url, data=MultiDict([*fields, *extra]))


def test_merit_page_makes_offers_with_terms_and_records_answers(admin_forms, stage, count_writes):
    setup, _ = stage
    campaign = setup.campaign
    url = f"/admin/campaigns/{campaign.id}/merit"
    soup = parse(admin_forms.client.get(url))
    places = [[c.get_text(" ", strip=True) for c in row.select("td")][:3] for row in soup.select("#merit tbody tr")]
    assert [p[0] for p in places] == ["1", "2", "3", "4"]
    assert places[0][1].startswith("Candidate 1")
    first = setup.applications[0]
    assert soup.select_one(f"#merit tr[data-reference={first.reference}] a.govuk-button")["href"] == offer_url(
        setup, first
    )
    # The form starts from the campaign's location, the usual checks and five working days to answer.
    form = parse(admin_forms.client.get(offer_url(setup, first)))
    assert form.select_one("input[name=location]")["value"] == campaign.location
    conditions = form.select_one("textarea[name=conditions]").get_text()
    for check in ("identity", "right to work", "references", "security clearance", "health declaration"):
        assert check in conditions
    due = working_days_after(uk_today(), RESPONSE_WORKING_DAYS)
    assert [i["value"] for i in form.select("input[name=respond_by]")] == [str(due.day), str(due.month), str(due.year)]
    # Continue shows who is offered which post, and makes nothing yet.
    with count_writes() as writes:
        check = send_terms(admin_forms, offer_url(setup, first), TERMS)
    assert check.status_code == 200 and not writes.besides_refusal_log
    page = parse(check)
    assert page.select_one("#offer-to").get_text(strip=True) == f"Candidate 1 (application {first.reference})"
    assert page.select_one("#offer-post").get_text(strip=True) == f"{campaign.title} (vacancy {campaign.reference})"
    assert page.select_one("#offer-salary").get_text(strip=True) == "£34,500 a year"
    assert db.session.scalar(select(Offer)) is None
    # The confirmation sends the same terms back.
    response = confirm(admin_forms, offer_url(setup, first), check)
    assert response.status_code == 302
    banner = parse(admin_forms.client.get(response.location)).select_one(".govuk-notification-banner")
    assert f"Offer made to {first.reference}" in banner.get_text()
    offer = db.session.scalar(select(Offer).where(Offer.application_id == first.id))
    assert (offer.status, offer.salary, offer.location, offer.respond_by) == ("offered", 34500, campaign.location, due)
    assert offer.starts_on == date(date.today().year + 1, 3, 2) and "right to work" in offer.conditions
    made = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "offer.made"))
    assert made.after["salary"] == 34500 and made.after["respond_by"] == due.isoformat()
    # Offering someone out of merit order is refused with a message, before any form.
    fourth = setup.applications[3]
    response = admin_forms.client.get(offer_url(setup, fourth))
    assert response.status_code == 302
    banner = parse(admin_forms.client.get(response.location)).select_one(".govuk-notification-banner")
    assert "this candidate is not next" in banner.get_text()
    confirm(admin_forms, offer_url(setup, fourth), check)
    assert db.session.scalar(select(Offer).where(Offer.application_id == fourth.id)) is None
    # An answer given another way (by phone, say) is recorded by the admin; a decline waits for them to offer
    # the post to the next person.
    admin_forms.submit(f"/admin/campaigns/{campaign.id}/offers/{offer.id}/response", {"outcome": "declined"}, page=url)
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).status == "declined"
    soup = parse(admin_forms.client.get(url))
    assert soup.select_one("#reserve-expiry") is not None
    assert soup.select_one("#next-offer-needed") is not None
    assert "Candidate 1" in soup.select_one("#declined-offers").get_text()
    second = setup.applications[1]
    assert soup.select_one(f"#merit tr[data-reference={second.reference}] a.govuk-button") is not None
    # The next offer starts from the terms of the last one.
    form = parse(admin_forms.client.get(offer_url(setup, second)))
    assert form.select_one("input[name=salary]")["value"] == "34500"


def test_the_terms_can_be_changed_before_the_offer_is_made(admin_forms, stage):
    setup, _ = stage
    first = setup.applications[0]
    check = send_terms(admin_forms, offer_url(setup, first), TERMS)
    again = confirm(admin_forms, offer_url(setup, first), check, ("change", "1"))
    form = parse(again)
    assert form.select_one("h1").get_text(strip=True).startswith("Make an offer to Candidate 1")
    assert form.select_one("input[name=salary]")["value"] == "34500"
    assert error_messages(form) == []
    assert db.session.scalar(select(Offer)) is None


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"salary": ""}, "Enter the salary"),
        ({"salary": "lots"}, "Salary in pounds a year must be a whole number, like 32000"),
        ({"salary": "32000.50"}, "Salary in pounds a year must be a whole number, like 32000"),
        ({"salary": "0"}, "Salary must be between £1 and £1,000,000"),
        ({"salary": "2,000,000"}, "Salary must be between £1 and £1,000,000"),
        ({"location": " "}, "Enter where the post is based"),
        ({"conditions": ""}, "Enter the conditions of the offer"),
        ({"starts_on": ["", "", ""]}, "Enter the proposed start date"),
        ({"starts_on": ["31", "2", "2027"]}, "Proposed start date must be a real date, like 27 3 2026"),
        ({"starts_on": ["1", "1", "2020"]}, "The start date must be in the future"),
        ({"respond_by": ["", "", ""]}, "Enter the last day to respond"),
        ({"respond_by": ["1", "1", "2020"]}, "The last day to respond must be in the future"),
        (
            {"respond_by": ["3", "3", str(date.today().year + 1)]},
            "The start date must be after the last day to respond",
        ),
    ],
)
def test_offer_terms_bad_input(admin_forms, stage, changes, message, count_writes):
    setup, _ = stage
    first = setup.applications[0]
    with count_writes() as writes:
        response = send_terms(admin_forms, offer_url(setup, first), {**TERMS, **changes})
    assert response.status_code == 200
    assert message in error_messages(parse(response))
    assert not writes.besides_refusal_log
    # Sent straight to the confirming step, the same terms are refused there too, and nothing is made.
    response = send_terms(admin_forms, offer_url(setup, first), {**TERMS, **changes, "step": "confirm"})
    assert message in error_messages(parse(response))
    assert db.session.scalar(select(Offer)) is None


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
