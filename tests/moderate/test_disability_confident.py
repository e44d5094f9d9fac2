"""Disability Confident at the sift decision page: the admin sees opted-in candidates and may leave one out only
with a reason; the panel never sees who opted in, on any page or report, and a candidate invited under the
guarantee looks like any other invited candidate."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from sqlalchemy import select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import DisabilityConfidentClaim
from recruit.services.assessment import results
from recruit.services.campaigns import setup as campaigns
from recruit.services.campaigns import status as campaign_status
from recruit.services.campaigns.stages import stage_record
from recruit.services.reports.content.interview import interview_report
from recruit.services.reports.content.sift import sift_report
from tests.factories import UserFactory, agree_scores, offering_guarantee, sift_campaign
from tests.helpers import found_in, pages_text, parse, parse_html, rendered, signed_in

NEEDLES = ["Disability Confident", "guarantee", "guaranteed", "opted in", "opted-in", "Equality Act"]


@pytest.fixture
def setup(admin):
    """A (6, 6) first by rank; B (4, 4) opted in, meets the pass marks, below the cut for the top 1; C (5, 5)."""
    setup = sift_campaign(admin, applications=3, keep_criteria=2, configure=offering_guarantee(admin))
    for application, values in zip(setup.applications, ((6, 6), (4, 4), (5, 5)), strict=True):
        agree_scores(setup, application, values)
    b = setup.applications[1]
    db.session.add(DisabilityConfidentClaim(application_id=b.id, opted_in=True, opted_in_at=utcnow()))
    db.session.commit()
    return setup


def results_url(setup) -> str:
    return f"/moderate/{setup.campaign.id}/sift/results"


def decide(browser, setup, data):
    return browser.submit(
        f"/moderate/{setup.campaign.id}/sift/decision",
        {"rule": "top_n", "top_n": "1", **data},
        page=results_url(setup),
        follow_redirects=True,
    )


def test_the_admin_sees_who_opted_in_and_may_leave_one_out_only_with_a_reason(app, setup):
    a, b, c = setup.applications
    admin = signed_in(app, setup.admin)
    page = parse(admin.client.get(results_url(setup)))
    [row] = page.select("#disability-confident tbody tr")
    assert row["data-reference"] == b.reference
    assert "Disability Confident" in row.get_text()
    assert row.select_one("[data-met]").get_text(strip=True) == "Yes"
    assert page.select_one(f"input[name=left_out][value={b.reference}]") is not None

    page = parse(decide(admin, setup, {"left_out": b.reference, f"reason-{b.reference}": "  "}))
    assert f"Enter the reason for not inviting {b.reference}" in page.select_one(".govuk-notification-banner").text
    db.session.expire_all()
    assert stage_record(setup.campaign, "sift").decided_at is None
    assert {x.status for x in setup.applications} == {"submitted"}

    reason = "Interviews limited to 40 in this mass campaign."
    page = parse(decide(admin, setup, {"left_out": b.reference, f"reason-{b.reference}": reason}))
    assert "1 applications go on to interview" in page.select_one(".govuk-notification-banner").text
    row = page.select_one(f"#disability-confident tr[data-reference={b.reference}]")
    assert row.select_one("[data-outcome]").get_text(" ", strip=True) == (
        f"Not invited to interview (reason recorded) Reason: {reason}"
    )
    assert page.select_one(f"#reason-{b.reference}").get_text() == reason
    db.session.expire_all()
    assert (a.status, b.status, c.status) == ("sift_passed", "sift_failed", "sift_failed")

    page = parse(decide(admin, setup, {}))
    row = page.select_one(f"#disability-confident tr[data-reference={b.reference}]")
    assert row.select_one("[data-outcome]").get_text(strip=True) == "Invited to interview under the guarantee"
    db.session.expire_all()
    assert (a.status, b.status, c.status) == ("sift_passed", "sift_passed", "sift_failed")


def panel_pages(app, user, start: list[str], limit: int = 40) -> dict[str, object]:
    """Every page the panel member reaches from `start` by following links on the assessors' and moderation pages."""
    browser = signed_in(app, user)
    seen: dict[str, object] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        response = browser.client.get(url)
        seen[url] = response
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        for link in parse(response).select("a[href]"):
            href = urlparse(link["href"])
            if href.netloc or not href.path.startswith(("/assess", "/moderate")):
                continue
            target = href.path + (f"?{href.query}" if href.query else "")
            if target not in seen:
                queue.append(target)
    return seen


def row_shape(row) -> list[object]:
    """A table row with what legitimately differs (its reference, its scores and rank) left out."""
    return [
        (cell.name, tuple(cell.get("class", [])), len(cell.find_all(True))) for cell in row.find_all(["td", "th"])
    ] + [sorted(k for k in row.attrs if k != "data-reference"), row.get("class")]


def test_the_panel_never_sees_who_opted_in_or_went_through_under_the_guarantee(app, setup):
    a, b, c = setup.applications
    results.decide(setup.admin, setup.campaign, "sift", "top_n", 1)
    assert (a.status, b.status) == ("sift_passed", "sift_passed")
    campaign = setup.campaign
    start = ["/assess", f"/assess/{campaign.id}/sift", f"/moderate/{campaign.id}/sift", results_url(setup)]
    for person in (setup.chair, setup.members[0]):
        pages = panel_pages(app, person, start)
        assert len(pages) > 5
        leaks = {url: found_in(response, NEEDLES) for url, response in pages.items()}
        assert {url: found for url, found in leaks.items() if found} == {}
    # On the chair's results page B's row looks like A's.
    page = parse(signed_in(app, setup.chair).client.get(results_url(setup)))
    assert page.select_one("#disability-confident") is None
    rows = {row["data-reference"]: row for row in page.select("#results tbody tr")}
    assert row_shape(rows[b.reference]) == row_shape(rows[a.reference])

    # The sift report, as HTML and as the PDF's text.
    html, reader = rendered(sift_report(campaign))
    text = " ".join(pages_text(reader))
    for needle in NEEDLES:
        assert needle.casefold() not in html.casefold() and needle.casefold() not in text.casefold()
    report_rows: dict = {}
    for row in parse_html(html).select("tr"):
        if row.find("th"):  # the results table comes first: keep each reference's first row
            report_rows.setdefault(row.find("th").get_text(strip=True), row)
    assert row_shape(report_rows[b.reference]) == row_shape(report_rows[a.reference])

    # At interview: the interview panel's pages and the interview report.
    chair, member = UserFactory(role="assessor"), UserFactory(role="assessor")
    campaigns.set_panel(setup.admin, campaign, "interview", chair, [member])
    stage_record(campaign, "sift").signed_off_at = utcnow()
    db.session.commit()
    campaign_status.move(setup.admin, campaign, "interview")
    pages = panel_pages(
        app, chair, ["/assess", f"/assess/{campaign.id}/interview", f"/moderate/{campaign.id}/interview"]
    )
    assert {url: found_in(r, NEEDLES) for url, r in pages.items() if found_in(r, NEEDLES)} == {}
    interview_html = parse_html(rendered(interview_report(campaign))[0]).get_text(" ")
    assert not [needle for needle in NEEDLES if needle.casefold() in interview_html.casefold()]
    assert db.session.scalar(select(DisabilityConfidentClaim.invited_under_guarantee)) is True
