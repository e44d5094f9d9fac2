"""The admin's reasonable-adjustments pages: the campaign's requests with names and status, the count awaiting a
response on the campaign's page, recording a response (every bad answer refused with the GOV.UK error summary), and
no way in for panel members, candidates or another campaign's address."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from recruit.extensions import db
from recruit.models import AdjustmentRequest, Notification
from recruit.services.applications import adjustments
from tests.factories import sift_campaign
from tests.helpers import error_messages, parse, signed_in

NEEDS = "I use a wheelchair and need a step-free room."


@pytest.fixture
def setup(make_user):
    setup = sift_campaign(make_user(role="admin"), applications=3)
    for application, category in zip(setup.applications[:2], ("physical_access", "extra_time"), strict=True):
        adjustments.ask(application.candidate, application, category, NEEDS)
    return setup


@pytest.fixture
def admin_forms(forms, setup):
    forms.sign_in(setup.admin)
    return forms


def requests(setup) -> list[AdjustmentRequest]:
    db.session.expire_all()
    return list(db.session.scalars(select(AdjustmentRequest).order_by(AdjustmentRequest.id)))


def list_url(setup) -> str:
    return f"/admin/campaigns/{setup.campaign.id}/adjustments"


def url(setup, request) -> str:
    return f"{list_url(setup)}/{request.id}"


GOOD = {"outcome": "agreed", "agreed": "Your interview will be in a step-free room.", "panel_note": ""}


def test_the_campaign_page_links_to_the_requests_with_the_count_awaiting(admin_forms, setup):
    page = parse(admin_forms.client.get(f"/admin/campaigns/{setup.campaign.id}"))
    assert page.select_one("#adjustments-link")["href"] == list_url(setup)
    assert page.select_one("#adjustments-awaiting").get_text(strip=True) == "2 awaiting a response"
    for request in requests(setup):
        adjustments.respond(setup.admin, request, **GOOD)
    page = parse(admin_forms.client.get(f"/admin/campaigns/{setup.campaign.id}"))
    assert page.select_one("#adjustments-link") is not None and page.select_one("#adjustments-awaiting") is None


def test_the_list_shows_reference_name_kind_stage_and_status(admin_forms, setup):
    first, second = requests(setup)
    adjustments.respond(setup.admin, first, **GOOD)
    rows = parse(admin_forms.client.get(list_url(setup))).select("#adjustments tbody tr")
    assert [row["data-adjustment"] for row in rows] == [str(second.id), str(first.id)]
    cells = [cell.get_text(" ", strip=True) for cell in rows[0].select("td")]
    assert cells[0] == setup.applications[1].reference and cells[1] == "Candidate 2"
    assert cells[2] == "Extra time" and cells[3].startswith("Applying, ") and cells[4] == "Awaiting a response"
    assert rows[1].select("td")[4].get_text(" ", strip=True) == "Responded Agreed"
    assert rows[0].select_one("a")["href"] == url(setup, second)


def test_the_admin_records_a_response_and_the_candidate_is_emailed(admin_forms, setup):
    request = requests(setup)[0]
    page = parse(admin_forms.client.get(url(setup, request)))
    assert page.select_one("#adjustment-details").get_text(strip=True) == NEEDS
    assert page.select_one("#adjustment-category").get_text(strip=True) == "Physical access"
    hint = page.select_one("#panel_note-hint").get_text()
    assert "The interview panel sees only this note" in hint and "nothing of the request is shown at the sift" in hint
    response = admin_forms.submit(
        url(setup, request), {**GOOD, "panel_note": "Use the ground-floor room.", "version": "1"}
    )
    assert response.status_code == 302 and response.location.endswith(list_url(setup))
    [request, _] = requests(setup)
    assert (request.outcome, request.panel_note) == ("agreed", "Use the ground-floor room.")
    assert request.responded_by_id == setup.admin.id
    listing = parse(admin_forms.client.get(list_url(setup)))
    assert "Your response to" in listing.get_text()
    recipients = db.session.scalars(
        select(Notification.recipient).where(Notification.template == "adjustment_response")
    )
    assert list(recipients) == [setup.applications[0].candidate.email]
    # The page now shows the response for changing.
    page = parse(admin_forms.client.get(url(setup, request)))
    assert page.select_one("input[name=outcome][value=agreed]").has_attr("checked")
    assert page.select_one("textarea[name=panel_note]").get_text() == "Use the ground-floor room."


@pytest.mark.parametrize(
    "changes, messages",
    [
        ({"outcome": ""}, ["Select whether the adjustment was agreed"]),
        ({"outcome": "perhaps"}, ["Select one of the outcomes listed"]),
        ({"agreed": "  "}, ["Enter what was agreed, or why it was not"]),
        ({"agreed": "a" * 2001}, ["What was agreed must be 2,000 characters or fewer"]),
        ({"panel_note": "n" * 1001}, ["The note for the panel must be 1,000 characters or fewer"]),
        (
            {"outcome": "", "agreed": ""},
            ["Select whether the adjustment was agreed", "Enter what was agreed, or why it was not"],
        ),
    ],
)
def test_bad_responses_are_shown_in_the_error_summary_and_nothing_changes(admin_forms, setup, changes, messages):
    request = requests(setup)[0]
    response = admin_forms.submit(url(setup, request), {**GOOD, **changes})
    assert response.status_code == 200
    assert error_messages(parse(response)) == messages
    assert requests(setup)[0].outcome is None


def test_a_response_to_a_request_changed_meanwhile_is_refused(admin_forms, setup):
    request = requests(setup)[0]
    page = admin_forms.client.get(url(setup, request)).get_data(as_text=True)
    adjustments.respond(setup.admin, request, **{**GOOD, "outcome": "not_agreed"})
    response = admin_forms.submit(url(setup, request), {**GOOD, "version": "1"}, page=page)
    assert error_messages(parse(response)) == [adjustments.CHANGED]
    assert requests(setup)[0].outcome == "not_agreed"


def test_another_campaigns_request_or_an_unknown_one_is_not_found(admin_forms, setup):
    other = sift_campaign(setup.admin, applications=1, email_domain="example.net")
    request = requests(setup)[0]
    assert admin_forms.client.get(f"/admin/campaigns/{other.campaign.id}/adjustments/{request.id}").status_code == 404
    assert admin_forms.client.get(f"{list_url(setup)}/999999").status_code == 404
    assert admin_forms.client.get(f"/admin/campaigns/{other.campaign.id}/adjustments").status_code == 200


def test_panel_members_and_candidates_cannot_reach_the_admin_pages(app, setup):
    request = requests(setup)[0]
    for person in (setup.chair, setup.members[0], setup.applications[0].candidate):
        browser = signed_in(app, person)
        assert browser.client.get(list_url(setup)).status_code == 403
        assert browser.client.get(url(setup, request)).status_code == 403
        response = browser.submit(url(setup, request), GOOD, page="/account")
        assert response.status_code == 403
    assert requests(setup)[0].outcome is None
