"""Statuses on pages: people read labels, never stored values, and templates leave decisions to the services."""

import re

import pytest
from sqlalchemy import select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import Application
from recruit.models.application import ApplicationStatus
from recruit.models.campaign import CampaignStatus
from recruit.models.types import Status
from recruit.services.applications import submission as applications
from tests.factories import open_campaign
from tests.helpers import ROOT, error_messages, parse, signed_in

TEMPLATES = ROOT / "recruit" / "templates"
# `x.status == "sift"`, `status != 'draft'`, `status in ("a", "b")`, `status not in (...)`, `x.status == stage`,
# and a literal first (`"ready" == report.status`). The error page's HTTP status (`status == 404`) is a number.
STATUS_COMPARED = re.compile(r"""\bstatus\s*(==|!=|(not\s+)?in)\s*[("'A-Za-z_]|["']\s*(==|!=)\s*[\w.]*status\b""")
# Any name compared with a status value (`target == "withdrawn"`). Left out: "sift" and "interview", which are also
# the names of the stages and of a merit basis (which stage a page is about is not a status), and an audit entry's
# action ("reopened"), which says what happened.
STATUS_VALUES = sorted(
    {member.value for enum in Status.__subclasses__() for member in enum} - {"sift", "interview"},
    key=len,
    reverse=True,
)
_VALUE = "[\"'](?:" + "|".join(STATUS_VALUES) + ")[\"']"
VALUE_COMPARED = re.compile(rf"(?P<name>[\w.]+)\s*(==|!=)\s*{_VALUE}|{_VALUE}\s*(==|!=)\s*(?P<after>[\w.]+)")


def compares_a_status(line: str) -> bool:
    if STATUS_COMPARED.search(line):
        return True
    for match in VALUE_COMPARED.finditer(line):
        name = match.group("name") or match.group("after")
        if not name.endswith("action"):
            return True
    return False


def test_no_template_compares_a_status_with_a_literal():
    found = [
        f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if compares_a_status(line)
    ]
    assert found == []


def test_the_check_finds_a_comparison():
    assert compares_a_status('{% if application.status == "withdrawn" %}')
    assert compares_a_status("{% if report.status in ('queued', 'rendering') %}")
    assert compares_a_status('{% if campaign.status not in ("complete", "withdrawn") %}')
    assert compares_a_status("{% if campaign.status == stage %}")
    assert compares_a_status('{% if target == "withdrawn" %}')
    assert compares_a_status("{% if 'open' == target %}")
    assert not compares_a_status("{% if progress.can_withdraw %}")
    assert not compares_a_status("{% if status == 404 %}")
    assert not compares_a_status('{% if stage == "sift" %}')
    assert not compares_a_status('{{ "Sift" if part.stage == "sift" else "Interview" }}')


@pytest.fixture
def applied(app, make_user):
    """An open campaign and a candidate's application to it, with the candidate signed in."""
    admin = make_user(role="admin")
    campaign = open_campaign(admin)
    candidate = make_user()
    pages = signed_in(app, candidate)
    base = pages.submit(f"/vacancies/{campaign.reference}/apply").location
    application = db.session.scalar(select(Application).where(Application.candidate_id == candidate.id))
    return admin, campaign, application, pages, base


def put(application: Application, status: str, campaign_status: str) -> None:
    application.status = status
    application.withdrawn_at = utcnow() if status == ApplicationStatus.WITHDRAWN else None
    application.campaign.status = campaign_status
    db.session.commit()


@pytest.mark.parametrize("campaign_status", [CampaignStatus.OPEN, CampaignStatus.INTERVIEW, CampaignStatus.COMPLETE])
def test_the_withdraw_link_is_offered_exactly_when_withdrawing_is_allowed(applied, campaign_status):
    _, _, application, pages, base = applied
    for status in ApplicationStatus:
        put(application, status, campaign_status)
        link = parse(pages.client.get(base)).find("a", string="Withdraw this application")
        allowed = applications.withdraw_refusal(application) is None
        assert (link is not None) == allowed, (status, campaign_status)


def test_a_candidate_invited_to_interview_can_follow_the_link_and_withdraw(applied):
    _, _, application, pages, base = applied
    put(application, ApplicationStatus.SIFT_PASSED, CampaignStatus.INTERVIEW)
    link = parse(pages.client.get(base)).find("a", string="Withdraw this application")
    assert pages.submit(link["href"]).status_code == 302
    assert db.session.scalar(select(Application.status)) == ApplicationStatus.WITHDRAWN


def test_after_the_campaign_finishes_there_is_no_link_and_withdrawing_is_refused(applied):
    _, _, application, pages, base = applied
    put(application, ApplicationStatus.SIFT_PASSED, CampaignStatus.COMPLETE)
    assert parse(pages.client.get(base)).find("a", string="Withdraw this application") is None
    response = pages.submit(f"{base}/withdraw")
    assert error_messages(parse(response)) == [
        "This campaign has finished, so the application can no longer be withdrawn"
    ]
    assert db.session.scalar(select(Application.status)) == ApplicationStatus.SIFT_PASSED


@pytest.mark.parametrize(
    ("status", "label"),
    [(ApplicationStatus.SIFT_PASSED, "Passed the sift"), (ApplicationStatus.DID_NOT_ATTEND, "Did not attend")],
)
def test_admin_pages_show_an_application_status_by_its_label(app, applied, status, label):
    admin, campaign, application, _, _ = applied
    put(application, status, CampaignStatus.INTERVIEW)
    pages = signed_in(app, admin)
    listing = parse(pages.client.get(f"/admin/campaigns/{campaign.id}/applications"))
    row = listing.find("td", string=application.reference).find_parent("tr")
    assert label in [cell.get_text(strip=True) for cell in row.find_all("td")]
    assert (
        listing.select_one(f'#status-counts [data-status="{status.value}"]').find_previous("a").get_text(strip=True)
        == label
    )
    page = parse(pages.client.get(f"/admin/campaigns/{campaign.id}/applications/{application.reference}"))
    shown = {
        row.dt.get_text(strip=True): row.dd.get_text(strip=True) for row in page.select(".govuk-summary-list__row")
    }
    assert shown["Status"] == label
    raw = [member.value for member in ApplicationStatus if "_" in member.value]
    assert [value for value in raw if value in listing.get_text() + page.get_text()] == []
