"""Report downloads as admins, chairs and candidates meet them: who may have which PDF, the kept copy, and the
feedback letter only once released."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from recruit.extensions import db
from recruit.models import RenderedReport
from recruit.services.assessment import feedback
from tests.downloads import download
from tests.factories import UserFactory, interview_stage, sift_campaign
from tests.helpers import csrf_token_from, parse, signed_in


def pdf_text(response) -> str:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/pdf"
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.data)).pages)


@pytest.fixture
def stage(make_user):
    setup, chair = interview_stage(make_user(role="admin"))
    return setup, chair


def test_the_admin_downloads_every_campaign_report_from_the_reports_page(stage, forms, page):
    setup, _ = stage
    campaign = setup.campaign
    forms.sign_in(setup.admin)
    listing = page(f"/reports/{campaign.id}")
    links = {a["href"] for a in listing.select("a.govuk-link")}
    for slug in ("sift", "interview", "merit"):
        assert f"/reports/{campaign.id}/{slug}.pdf" in links
    for application in setup.applications:
        assert f"/reports/{campaign.id}/interview/{application.reference}.pdf" in links

    client = forms.client
    sift = pdf_text(download(client, f"/reports/{campaign.id}/sift.pdf"))
    assert all(a.reference in sift for a in setup.applications)
    assert "Candidate 1" not in sift
    merit = pdf_text(download(client, f"/reports/{campaign.id}/merit.pdf"))
    assert "Candidate 1" in merit
    one = pdf_text(download(client, f"/reports/{campaign.id}/interview/{setup.applications[0].reference}.pdf"))
    assert "Candidate 1" in one and "Candidate 2" not in one
    assert "attachment" not in client.get(f"/reports/{campaign.id}/sift.pdf").headers["Content-Disposition"]


def test_a_kept_report_is_served_again_until_its_data_changes(stage, forms):
    setup, chair = stage
    campaign = setup.campaign
    forms.sign_in(setup.admin)
    first = download(forms.client, f"/reports/{campaign.id}/merit.pdf")
    kept = db.session.scalar(select(RenderedReport).where(RenderedReport.kind == "merit"))
    rendered_at = kept.finished_at
    second = forms.client.get(f"/reports/{campaign.id}/merit.pdf")
    assert second.data == first.data
    assert db.session.scalar(select(RenderedReport.finished_at).where(RenderedReport.kind == "merit")) == rendered_at
    # One version: the merit list kept at the interview's sign-off, typeset when first asked for.
    assert (
        db.session.scalar(select(func.count()).select_from(RenderedReport).where(RenderedReport.kind == "merit")) == 1
        and kept.signed_off
    )
    # Releasing the interview outcomes changes what the merit list shows? No: the data behind it is unchanged.
    # A posts change does: the merit list's offers follow the number of posts.
    campaign.posts = 3
    db.session.commit()
    third = download(forms.client, f"/reports/{campaign.id}/merit.pdf")
    assert third.status_code == 200 and third.data != first.data
    # A new version beside the one kept at sign-off, which stays as it was.
    assert (
        db.session.scalar(select(func.count()).select_from(RenderedReport).where(RenderedReport.kind == "merit")) == 2
    )
    assert forms.client.get(f"/reports/{campaign.id}/merit/versions/{kept.id}.pdf").data == first.data


def test_the_chair_has_their_stages_reports_and_no_others(stage, forms):
    setup, chair = stage
    campaign = setup.campaign
    forms.sign_in(chair)  # the interview chair, not on the sift panel
    assert download(forms.client, f"/reports/{campaign.id}/interview.pdf").status_code == 200
    assert download(forms.client, f"/reports/{campaign.id}/merit.pdf").status_code == 200
    assert forms.client.get(f"/reports/{campaign.id}/sift.pdf").status_code == 403
    assert forms.client.get(f"/reports/{campaign.id}").status_code == 200
    # The spreadsheets are the admin's alone, even of the chair's own stage.
    token = csrf_token_from(forms.client.get(f"/reports/{campaign.id}").get_data(as_text=True))
    for sheet in ("sift-results", "interview-results", "merit-list"):
        response = forms.client.post(f"/reports/{campaign.id}/spreadsheets/{sheet}.csv", data={"csrf_token": token})
        assert response.status_code == 403, sheet


@pytest.mark.parametrize("role", ["assessor", "candidate"])
def test_people_outside_the_campaign_get_no_report(stage, forms, role):
    setup, _ = stage
    campaign, reference = setup.campaign, setup.applications[0].reference
    forms.sign_in(UserFactory(role=role))
    for url in (
        f"/reports/{campaign.id}",
        f"/reports/{campaign.id}/sift.pdf",
        f"/reports/{campaign.id}/merit.pdf",
        f"/reports/{campaign.id}/interview/{reference}.pdf",
        f"/reports/{campaign.id}/feedback/{reference}.pdf",
    ):
        assert forms.client.get(url).status_code in (403, 404), url
    token = csrf_token_from(forms.client.get("/").get_data(as_text=True))
    for sheet in ("sift-results", "interview-results", "merit-list"):
        url = f"/reports/{campaign.id}/spreadsheets/{sheet}.csv"
        assert forms.client.post(url, data={"csrf_token": token}).status_code in (403, 404), url
    # Only the versions kept at the interview's sign-off, none of them typeset for these people.
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(RenderedReport)
            .where(RenderedReport.pdf.is_not(None) | ~RenderedReport.signed_off)
        )
        == 0
    )


def test_reports_need_sign_in(stage, client):
    campaign = stage[0].campaign
    response = client.get(f"/reports/{campaign.id}/sift.pdf")
    assert response.status_code == 302 and "/sign-in" in response.location


def test_bad_report_urls_are_not_found(stage, forms):
    setup, _ = stage
    campaign = setup.campaign
    forms.sign_in(setup.admin)
    for url in (
        f"/reports/{campaign.id}/feedback.pdf",
        f"/reports/{campaign.id}/interview-candidate.pdf",
        f"/reports/{campaign.id}/../sift.pdf",
        f"/reports/{campaign.id + 1000}/sift.pdf",
        f"/reports/{campaign.id}/interview/NOT-A-REF.pdf",
        f"/reports/{campaign.id}/feedback/{'X' * 500}.pdf",
    ):
        assert forms.client.get(url).status_code == 404, url


def test_feedback_letters_wait_for_release(stage, forms, page):
    setup, chair = stage
    campaign, application = setup.campaign, setup.applications[0]
    forms.sign_in(setup.admin)
    before = forms.client.get(f"/reports/{campaign.id}/feedback/{application.reference}.pdf")
    assert before.status_code == 409
    assert "not been released" in before.get_data(as_text=True)
    feedback.release(setup.admin, campaign, "sift", missing_confirmed=feedback.missing_feedback(campaign, "sift").items)
    feedback.release(
        setup.admin, campaign, "interview", missing_confirmed=feedback.missing_feedback(campaign, "interview").items
    )
    letter = pdf_text(download(forms.client, f"/reports/{campaign.id}/feedback/{application.reference}.pdf"))
    assert "Candidate 1" in letter

    # The candidate downloads their own letter from the outcome page, and nobody else's.
    candidate = application.candidate
    with forms.client.session_transaction() as session:
        session.clear()
    forms.sign_in(candidate)
    outcome = page(f"/applications/{application.reference}/outcome")
    link = outcome.select_one("#feedback-letter")["href"]
    own = pdf_text(download(forms.client, link))
    # Their own letter, without the protective marking the internal reports carry.
    assert "Candidate 1" in own and "OFFICIAL" not in own.upper()
    other = setup.applications[1].reference
    assert forms.client.get(f"/applications/{other}/feedback.pdf").status_code == 404
    assert forms.client.get(f"/reports/{campaign.id}/feedback/{application.reference}.pdf").status_code in (403, 404)


def test_a_candidate_gets_no_letter_before_release(stage, forms):
    setup, _ = stage
    application = setup.applications[0]
    forms.sign_in(application.candidate)
    response = forms.client.get(f"/applications/{application.reference}/feedback.pdf", follow_redirects=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "have not been released yet" in response.get_data(as_text=True)
    assert (
        db.session.scalar(select(func.count()).select_from(RenderedReport).where(RenderedReport.kind == "feedback"))
        == 0
    )


# The reports page: where it leads back to, and every candidate's feedback letter ------------------------------


@pytest.fixture
def one_failed(make_user):
    """Three candidates through a signed-off sift, the third not taken forward; an interview panel."""
    setup = sift_campaign(make_user(role="admin"), applications=3, members=1)
    setup.applications.sort(key=lambda a: a.reference)
    chair, _ = setup.to_interview(failed=setup.applications[2:])
    return setup, chair


def candidate_rows(soup) -> dict[str, list[str]]:
    return {
        row["data-reference"]: [cell.get_text(" ", strip=True) for cell in row.select("th, td")]
        for row in soup.select("#candidate-reports tbody tr")
    }


def test_the_reports_page_leads_back_to_the_campaign_or_the_chairs_board(app, one_failed):
    setup, interview_chair = one_failed
    campaign = setup.campaign
    url = f"/reports/{campaign.id}"
    for person, href, text in (
        (setup.admin, f"/admin/campaigns/{campaign.id}", f"Back to {campaign.reference}"),
        (setup.chair, f"/moderate/{campaign.id}/sift", "Back to the moderation board"),
        (interview_chair, f"/moderate/{campaign.id}/interview", "Back to the moderation board"),
    ):
        back = parse(signed_in(app, person).client.get(url, headers={"Referer": "/elsewhere"})).select_one(
            ".govuk-back-link"
        )
        assert (back["href"], back.get_text(strip=True)) == (href, text), person.name
    # The chair's board links to the reports page.
    board = parse(signed_in(app, interview_chair).client.get(f"/moderate/{campaign.id}/interview"))
    assert board.select_one("#reports-link")["href"] == url


def test_every_sifted_candidate_has_a_feedback_letter_once_released_those_not_taken_forward_too(app, one_failed):
    setup, interview_chair = one_failed
    campaign = setup.campaign
    first, second, failed = setup.applications
    admin = signed_in(app, setup.admin)
    before = parse(admin.client.get(f"/reports/{campaign.id}"))
    assert before.select_one("#letters-waiting") is not None
    assert candidate_rows(before)[failed.reference] == [
        f"{failed.reference} – {failed.personal_details.full_name}",
        "Not invited to interview",
        "Not released yet",
    ]
    assert not before.select("#candidate-reports a[href*='/feedback/']")

    feedback.release(setup.admin, campaign, "sift")
    for person in (setup.admin, interview_chair):
        listing = parse(signed_in(app, person).client.get(f"/reports/{campaign.id}"))
        letters = [a["href"] for a in listing.select("#candidate-reports a[href*='/feedback/']")]
        assert letters == [f"/reports/{campaign.id}/feedback/{a.reference}.pdf" for a in (first, second, failed)]
        assert candidate_rows(listing)[failed.reference][:2] == [
            f"{failed.reference} – {failed.personal_details.full_name}",
            "Not invited to interview",
        ]
        assert listing.select_one("#names-hidden") is None
    letter = pdf_text(download(admin.client, f"/reports/{campaign.id}/feedback/{failed.reference}.pdf"))
    assert failed.reference in letter and "Not taken forward" in letter


def test_a_feedback_letter_of_another_campaigns_candidate_is_not_found(app, one_failed):
    setup, _ = one_failed
    other = sift_campaign(setup.admin, applications=0, members=1)
    feedback.release(setup.admin, setup.campaign, "sift")
    admin = signed_in(app, setup.admin)
    reference = setup.applications[2].reference
    assert admin.client.get(f"/reports/{other.campaign.id}/feedback/{reference}.pdf").status_code == 404
    assert admin.client.get(f"/reports/{setup.campaign.id + 1000}").status_code == 404
