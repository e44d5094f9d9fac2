"""The campaign's Disability Confident settings (the guarantee and its minimum, with every bad input) and the
admins' report with its CSV download."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import AuditEvent, Campaign, DisabilityConfidentClaim
from tests.factories import UserFactory, draft_campaign, open_campaign, sift_campaign
from tests.helpers import error_messages, parse, signed_in


def settings(campaign, **changes) -> dict:
    return {
        "scale": str(campaign.scale_id),
        "discrepancy_threshold": "2",
        "merit_basis": "interview",
        "reserve_months": "12",
        **changes,
    }


def test_the_guarantee_and_its_minimum_are_set_on_the_settings_page(forms, signed_in_admin):
    campaign = draft_campaign(signed_in_admin)
    url = f"/admin/campaigns/{campaign.id}/settings"
    page = parse(forms.client.get(url))
    assert page.select_one("label[for=disability_confident]").get_text(strip=True) == (
        "Offer the Disability Confident guarantee"
    )
    response = forms.submit(url, settings(campaign, disability_confident="y", disability_confident_minimum="3"))
    assert response.status_code == 302
    db.session.expire_all()
    campaign = db.session.get(Campaign, campaign.id)
    assert (campaign.disability_confident, campaign.disability_confident_minimum) == (True, 3)
    page = parse(forms.client.get(url))
    assert page.select_one("#disability_confident").has_attr("checked")
    assert page.select_one("#disability_confident_minimum")["value"] == "3"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"disability_confident_minimum": "lots"}, "Disability Confident minimum score (optional) must be a whole"),
        ({"disability_confident_minimum": "-1"}, "Disability Confident minimum score (optional) must be between"),
        ({"disability_confident_minimum": "9"}, "The Disability Confident minimum must be a score on the scale"),
        ({"disability_confident_minimum": "0"}, "The Disability Confident minimum must be a score on the scale"),
    ],
)
def test_a_bad_minimum_is_refused_with_a_message(forms, signed_in_admin, changes, message):
    campaign = draft_campaign(signed_in_admin)
    response = forms.submit(f"/admin/campaigns/{campaign.id}/settings", settings(campaign, **changes))
    assert any(shown.startswith(message) for shown in error_messages(parse(response)))
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).disability_confident_minimum is None


def test_the_guarantee_cannot_change_once_the_campaign_is_open(forms, signed_in_admin):
    campaign = open_campaign(signed_in_admin)
    response = forms.submit(f"/admin/campaigns/{campaign.id}/settings", settings(campaign, disability_confident="y"))
    assert error_messages(parse(response)) == [
        "The Disability Confident guarantee cannot change once the campaign is open: "
        "candidates have been told whether it is offered"
    ]
    db.session.expire_all()
    assert not db.session.get(Campaign, campaign.id).disability_confident


def test_the_report_lists_opted_in_candidates_for_admins_only_with_a_csv(app, admin):
    setup = sift_campaign(admin, applications=2, keep_criteria=2)
    a, b = setup.applications
    overview = f"/admin/campaigns/{setup.campaign.id}"
    browser = signed_in(app, admin)
    assert parse(browser.client.get(overview)).select_one("#disability-confident-link") is None
    db.session.add(DisabilityConfidentClaim(application_id=b.id, opted_in=True, opted_in_at=utcnow()))
    db.session.add(DisabilityConfidentClaim(application_id=a.id, opted_in=False))
    db.session.commit()
    link = parse(browser.client.get(overview)).select_one("#disability-confident-link")
    url = f"{overview}/disability-confident"
    assert link["href"] == url

    page = parse(browser.client.get(url))
    assert page.select_one("#guarantee").get_text(strip=True) == "This campaign does not offer the guarantee."
    [row] = page.select("#disability-confident tbody tr")
    cells = [cell.get_text(" ", strip=True) for cell in row.select("td")]
    assert cells[:2] == [b.reference, "Candidate 2"]
    assert cells[3:] == ["Not scored yet", "Waiting for the sift decision"]

    response = browser.submit(f"{overview}/disability-confident.csv", page=url)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [row[:2] for row in rows[1:]] == [[b.reference, "Candidate 2"]]
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "disability_confident.downloaded")
        )
        == 1
    )

    for person in (setup.chair, UserFactory(role="candidate")):
        other = signed_in(app, person)
        assert other.client.get(url).status_code == 403
