"""The candidate's Disability Confident page: the optional task when the campaign offers the guarantee, the
explanation, every bad answer refused with the GOV.UK error summary, the answer on the check page, and no way in
after submission, without the guarantee or to another candidate's application."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from recruit.extensions import db
from recruit.models import DisabilityConfidentClaim
from recruit.services.applications import submission as applications
from tests.factories import UserFactory, open_campaign
from tests.helpers import error_messages, parse, signed_in


@pytest.fixture
def draft(admin):
    campaign = open_campaign(admin)
    campaign.disability_confident = True
    application = applications.start(UserFactory(role="candidate"), campaign)
    db.session.commit()
    return application


def url(application) -> str:
    return f"/applications/{application.reference}/disability-confident"


def claims() -> int:
    return db.session.scalar(select(func.count(DisabilityConfidentClaim.id))) or 0


def task(browser, application):
    page = parse(browser.client.get(f"/applications/{application.reference}"))
    return next(
        (item for item in page.select(".govuk-task-list__item") if "Disability Confident" in item.get_text()), None
    )


def test_a_candidate_reads_about_the_scheme_opts_in_and_sees_it_on_the_check_page(app, draft):
    browser = signed_in(app, draft.candidate)
    entry = task(browser, draft)
    assert entry.select_one("a")["href"] == url(draft)
    assert entry.select_one(".govuk-task-list__status").get_text(strip=True) == "Optional"
    page = parse(browser.client.get(url(draft)))
    text = page.select_one("main").get_text(" ", strip=True)
    assert "guaranteed an interview if you meet the minimum criteria" in text
    assert "substantial and long-term adverse effect on your ability to do normal daily activities" in text
    assert [radio["value"] for radio in page.select("input[name=opt_in]")] == ["yes", "no"]

    response = browser.submit(url(draft), {"opt_in": "yes", "declaration": "y"})
    assert response.status_code == 302
    assert task(browser, draft).select_one(".govuk-task-list__status").get_text(strip=True) == (
        "Yes, I want to apply under the scheme"
    )
    check = parse(browser.client.get(f"/applications/{draft.reference}/check"))
    assert check.select_one("#check-disability-confident .govuk-summary-list__value").get_text(strip=True) == (
        "Yes, I want to apply under the scheme"
    )
    page = parse(browser.client.get(url(draft)))
    assert page.select_one("input[name=opt_in][value=yes]").has_attr("checked")

    browser.submit(url(draft), {"opt_in": "no"})
    check = parse(browser.client.get(f"/applications/{draft.reference}/check"))
    assert check.select_one("#check-disability-confident .govuk-summary-list__value").get_text(strip=True) == "No"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Select yes if you want to apply under the Disability Confident scheme"),
        ({"opt_in": ""}, "Select yes if you want to apply under the Disability Confident scheme"),
        ({"opt_in": "perhaps", "declaration": "y"}, "Select yes or no"),
        ({"opt_in": "yes"}, "Confirm that you have a disability as the Equality Act 2010 defines it"),
    ],
)
def test_a_bad_answer_is_shown_in_the_error_summary_and_saves_nothing(app, draft, data, message):
    browser = signed_in(app, draft.candidate)
    page = parse(browser.submit(url(draft), data))
    assert error_messages(page) == [message]
    assert page.title.get_text().startswith("Error: ")
    assert claims() == 0


def test_after_submission_the_answer_is_shown_and_cannot_change(app, draft):
    browser = signed_in(app, draft.candidate)
    browser.submit(url(draft), {"opt_in": "yes", "declaration": "y"})
    draft.status = "submitted"
    db.session.commit()
    page = parse(browser.client.get(url(draft)))
    assert page.select_one("#disability-confident-form") is None
    assert (
        page.select_one("#disability-confident-answer")
        .get_text(" ", strip=True)
        .endswith("Yes, I want to apply under the scheme")
    )
    page = parse(browser.submit(url(draft), {"opt_in": "no"}, page=f"/applications/{draft.reference}"))
    assert error_messages(page) == ["You have submitted this application, so it cannot be changed"]
    db.session.expire_all()
    assert db.session.scalar(select(DisabilityConfidentClaim.opted_in)) is True


def test_no_page_without_the_guarantee_or_for_another_candidates_application(app, draft, admin):
    other = signed_in(app, UserFactory(role="candidate"))
    assert other.client.get(url(draft)).status_code == 404
    assert other.submit(url(draft), {"opt_in": "yes", "declaration": "y"}, page="/applications").status_code == 404
    draft.campaign.disability_confident = False
    db.session.commit()
    browser = signed_in(app, draft.candidate)
    assert task(browser, draft) is None
    shown = parse(browser.client.get(url(draft)))
    assert shown.select_one("#not-offered") is not None and shown.select_one("#disability-confident-form") is None
    page = f"/applications/{draft.reference}"
    refused = parse(browser.submit(url(draft), {"opt_in": "yes", "declaration": "y"}, page=page))
    assert error_messages(refused) == ["This vacancy does not offer the Disability Confident guarantee"]
    assert parse(browser.client.get(f"{page}/check")).select_one("#check-disability-confident") is None
    assert claims() == 0
