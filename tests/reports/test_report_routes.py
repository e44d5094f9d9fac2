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
from tests.factories import UserFactory, interview_stage
from tests.helpers import csrf_token_from


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
