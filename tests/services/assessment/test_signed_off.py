"""Signed off means final (DESIGN §6): a withdrawal after sign-off is a later event. The stage's results stay as
signed off, the report kept at sign-off stays byte for byte what it was, later renders are new versions beside
it, and an offer held by a candidate who withdraws passes down the merit list as a declined one does.
"""

from __future__ import annotations

import hashlib
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from recruit.extensions import db
from recruit.models import AuditEvent, RenderedReport
from recruit.services.applications import submission as applications
from recruit.services.assessment import agreement, results
from recruit.services.campaigns.stages import stage_record
from recruit.services.errors import Refused
from recruit.services.interview import invitations as interviews
from recruit.services.interview import offers
from recruit.services.reports import versions as reports
from recruit.services.reports.content.merit import merit_report
from tests.downloads import download
from tests.factories import interview_stage, offer_terms, score, sift_campaign
from tests.helpers import parse, signed_in

# Agreed sift scores per application over two criteria (pass mark 4): totals 12, 10 and 6 (a fail).
SIFT = ((6, 6), (5, 5), (3, 3))


def signed_off_sift(admin, *, sign_off: bool = True):
    """Three applications through a sift, decided (everyone who passes) and, unless asked not to, signed off."""
    setup = sift_campaign(admin, applications=3, keep_criteria=2)
    setup.applications.sort(key=lambda a: a.reference)
    campaign = setup.campaign
    for application, values in zip(setup.applications, SIFT):
        for criterion, value in zip(campaign.criteria_at("sift"), values):
            for assessor in setup.assessors:
                score(assessor, setup, application, criterion.code, value)
    assert agreement.confirm_all_proposals(setup.chair, campaign, "sift", setup.applications) == 6
    results.decide(admin, campaign, "sift", "all_passing", None)
    if sign_off:
        results.sign_off(setup.chair, campaign, "sift")
    return setup


def table(outcome) -> list[tuple]:
    return [(r.key.reference, r.total, r.passed, r.rank_label) for r in outcome.results]


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def test_a_withdrawal_after_sign_off_leaves_the_sift_results_as_signed_off(make_user):
    setup = signed_off_sift(make_user(role="admin"))
    campaign, leaving = setup.campaign, setup.applications[1]
    signed_off = table(results.compute(campaign, "sift"))
    assert [row[1:] for row in signed_off] == [(12, True, "1"), (10, True, "2"), (6, False, "")]

    assert applications.withdraw(leaving.candidate, leaving)

    assert leaving.status == "withdrawn"
    assert table(results.compute(campaign, "sift")) == signed_off
    assert [(e.reference, e.what) for e in results.later_events(campaign, "sift")] == [(leaving.reference, "Withdrew")]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "application.withdrawn"))
    assert event.before == {"status": "sift_passed"} and event.after["status"] == "withdrawn"


def test_a_withdrawal_before_sign_off_still_takes_the_application_out_of_the_sift(make_user):
    setup = signed_off_sift(make_user(role="admin"), sign_off=False)
    campaign, leaving = setup.campaign, setup.applications[2]
    applications.withdraw(leaving.candidate, leaving)
    assert leaving.reference not in [row[0] for row in table(results.compute(campaign, "sift"))]
    assert results.later_events(campaign, "sift") == []


def test_the_results_page_shows_the_withdrawal_as_a_later_event(app, make_user):
    setup = signed_off_sift(make_user(role="admin"))
    campaign, leaving = setup.campaign, setup.applications[0]
    applications.withdraw(leaving.candidate, leaving)

    page = parse(signed_in(app, setup.admin).client.get(f"/moderate/{campaign.id}/sift/results"))
    rows = {
        row["data-reference"]: [cell.get_text(" ", strip=True) for cell in row.select("td")]
        for row in page.select("#results tbody tr")
    }
    assert list(rows) == [a.reference for a in setup.applications]
    assert rows[leaving.reference][0] == "1" and rows[leaving.reference][-2] == "12"
    assert rows[leaving.reference][-1].startswith("Pass Withdrew on ")
    assert rows[leaving.reference][-1].endswith("after sign-off")
    later = page.select_one("#later-events").get_text(" ", strip=True)
    assert f"{leaving.reference} withdrew on" in later


def test_a_sign_off_without_its_signer_recorded_still_shows_on_the_results_page(app, make_user):
    """A stage signed off before the signer was recorded (the demonstration's past campaigns, say) reads as the
    reports read it, rather than failing the page."""
    setup = signed_off_sift(make_user(role="admin"))
    record = stage_record(setup.campaign, "sift")
    record.signed_off_by = None
    db.session.commit()

    response = signed_in(app, setup.admin).client.get(f"/moderate/{setup.campaign.id}/sift/results")
    assert response.status_code == 200
    assert parse(response).select_one("#signed-off").get_text(" ", strip=True).startswith("Signed off by the chair on ")


def test_the_report_kept_at_sign_off_never_changes(app, make_user):
    setup = signed_off_sift(make_user(role="admin"), sign_off=False)
    campaign, leaving = setup.campaign, setup.applications[1]
    chair = signed_in(app, setup.chair)
    response = chair.submit(f"/moderate/{campaign.id}/sift/sign-off", page=f"/moderate/{campaign.id}/sift/results")
    assert response.status_code == 302

    admin = signed_in(app, setup.admin)
    listing = parse(admin.client.get(f"/reports/{campaign.id}"))
    versions = listing.select("#versions-sift tbody tr")
    assert len(versions) == 1
    assert "Signed-off version" in versions[0].get_text(" ", strip=True)
    kept_link = versions[0].select_one("a")["href"]
    kept = admin.client.get(kept_link)
    assert kept.status_code == 200 and kept.mimetype == "application/pdf"
    digest = hashlib.sha256(kept.data).hexdigest()
    assert versions[0].select_one(".recruit-digest").get_text(strip=True) == digest
    assert "Applications in the sift 3" in pdf_text(kept.data)
    # Nothing has changed yet: the campaign's report is the signed-off version itself.
    assert admin.client.get(f"/reports/{campaign.id}/sift.pdf").data == kept.data

    applications.withdraw(leaving.candidate, leaving)

    later = download(admin.client, f"/reports/{campaign.id}/sift.pdf")
    assert later.status_code == 200 and later.data != kept.data
    text = pdf_text(later.data)
    assert "Applications in the sift 3" in text
    assert f"{leaving.reference} withdrew on" in text and "after sign-off" in text
    listing = parse(admin.client.get(f"/reports/{campaign.id}"))
    rows = listing.select("#versions-sift tbody tr")
    assert len(rows) == 2
    labels = [row.get_text(" ", strip=True) for row in rows]
    assert "Signed-off version" not in labels[0] and "Signed-off version" in labels[1]
    digests = [row.select_one(".recruit-digest").get_text(strip=True) for row in rows]
    assert digests == [hashlib.sha256(later.data).hexdigest(), digest]
    for row in rows:
        assert row.select_one("td").get_text(strip=True)  # the time it was prepared

    again = admin.client.get(kept_link)
    assert again.data == kept.data and hashlib.sha256(again.data).hexdigest() == digest
    assert "withdrew" not in pdf_text(again.data)
    signed = db.session.scalar(
        select(RenderedReport).where(RenderedReport.campaign_id == campaign.id, RenderedReport.signed_off)
    )
    assert signed.digest == digest and reports.pdf_of(signed) == kept.data


def test_a_kept_version_cannot_be_changed(make_user, app):
    setup = signed_off_sift(make_user(role="admin"))
    with app.test_request_context():
        report = reports.render_now(setup.admin, setup.campaign, reports.KINDS["sift"])
    assert report.signed_off and report.status == "ready"
    report.pdf = b"%PDF-1.7 something else"
    with pytest.raises(ValueError, match="never changes"):
        db.session.flush()
    db.session.rollback()


def test_the_sign_off_keeps_the_report_as_it_stood_then(make_user, app):
    setup = signed_off_sift(make_user(role="admin"))
    campaign = setup.campaign
    signed = db.session.scalar(
        select(RenderedReport).where(RenderedReport.campaign_id == campaign.id, RenderedReport.signed_off)
    )
    assert signed.kind == "sift" and signed.status == "queued" and signed.pdf is None
    assert "Signed off by Chair Person" in signed.html
    # A withdrawal before the PDF is made changes nothing in it: it is made from the document fixed at sign-off.
    applications.withdraw(setup.applications[0].candidate, setup.applications[0])
    with app.test_request_context():
        reports.prepare_signed_off(setup.admin, campaign, "sift")
    assert signed.status == "ready" and "withdrew" not in pdf_text(reports.pdf_of(signed))
    assert signed.digest == hashlib.sha256(reports.pdf_of(signed)).hexdigest()


def test_an_accepted_offer_withdrawn_passes_down_the_merit_list(make_user):
    setup, chair = interview_stage(make_user(role="admin"))
    campaign, admin, people = setup.campaign, setup.admin, setup.applications
    first = offers.make_offer(admin, campaign, people[0], offer_terms())
    offers.make_offer(admin, campaign, people[1], offer_terms())
    offers.record_response(admin, first, "accepted")
    signed_off = [(e.key.id, e.total, e.rank_label) for e in offers.merit_view(campaign).entries]

    applications.withdraw(people[0].candidate, people[0])

    view = offers.merit_view(campaign)
    assert [(e.key.id, e.total, e.rank_label) for e in view.entries] == signed_off
    assert first.status == "withdrawn"
    assert view.allocation.next_offers == [people[2]] and view.allocation.reserve == [people[3]]
    assert offers.outcome_for(view, people[0]) == "offer withdrawn"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "offer.withdrawn"))
    assert event.before == {"status": "accepted"} and event.after["status"] == "withdrawn"
    merit = {row["reference"]: row for row in merit_report(campaign).context["merit"]}
    assert merit[people[0].reference]["place"] == "1"
    assert merit[people[0].reference]["status"].startswith("Offer withdrawn: withdrew on ")

    # A candidate on the reserve list who withdraws is passed over in the same way.
    applications.withdraw(people[2].candidate, people[2])
    view = offers.merit_view(campaign)
    assert view.allocation.next_offers == [people[3]] and view.allocation.reserve == []
    with pytest.raises(Refused, match="not next"):
        offers.make_offer(admin, campaign, people[2], offer_terms())
    merit = {row["reference"]: row for row in merit_report(campaign).context["merit"]}
    assert merit[people[2].reference]["status"].startswith("Withdrew on ")


def test_the_interview_sign_off_keeps_the_interview_report_and_merit_list(make_user):
    setup, _ = interview_stage(make_user(role="admin"))
    kinds = db.session.scalars(
        select(RenderedReport.kind)
        .where(RenderedReport.campaign_id == setup.campaign.id, RenderedReport.signed_off)
        .order_by(RenderedReport.kind)
    )
    assert list(kinds) == ["interview", "merit"]


def test_no_absence_is_recorded_after_the_interview_is_signed_off(make_user):
    from recruit.models import InterviewSlot

    setup, _ = interview_stage(make_user(role="admin"))
    application = setup.applications[0]
    slot = InterviewSlot(
        application_id=application.id, starts_at=stage_record(setup.campaign, "sift").signed_off_at, place="Room 1"
    )
    db.session.add(slot)
    db.session.commit()
    with pytest.raises(Refused, match="signed off"):
        interviews.record_absence(setup.admin, slot, "withdrew")
    assert application.status == "sift_passed"


def test_a_version_is_reached_only_through_its_own_campaign_report(app, make_user):
    setup = signed_off_sift(make_user(role="admin"))
    campaign = setup.campaign
    kept = reports.signed_off_version(campaign, reports.KINDS["sift"])
    admin = signed_in(app, setup.admin)
    for url in (
        f"/reports/{campaign.id}/interview/versions/{kept.id}.pdf",
        f"/reports/{campaign.id}/sift/versions/{kept.id + 1000}.pdf",
        f"/reports/{campaign.id + 1000}/sift/versions/{kept.id}.pdf",
        f"/reports/{campaign.id}/nonsense/versions/{kept.id}.pdf",
    ):
        assert admin.client.get(url).status_code == 404, url
    outsider = signed_in(app, make_user(role="assessor"))
    assert outsider.client.get(f"/reports/{campaign.id}/sift/versions/{kept.id}.pdf").status_code == 403
    assert kept.status == "queued"  # nothing was typeset for any of them


def test_a_signed_off_version_that_could_not_be_prepared_is_prepared_again(app, make_user):
    setup = signed_off_sift(make_user(role="admin"))
    campaign = setup.campaign
    kept = reports.signed_off_version(campaign, reports.KINDS["sift"])
    kept.status, kept.error = "failed", "RuntimeError: the process stopped"
    db.session.commit()
    chair = signed_in(app, setup.chair)
    listing = parse(chair.client.get(f"/reports/{campaign.id}"))
    pending = listing.select_one("#pending-sift").get_text(" ", strip=True)
    assert "could not be prepared" in pending and "process stopped" not in pending
    assert listing.select_one("#versions-sift") is None
    response = chair.submit(f"/reports/{campaign.id}/sift/signed-off", page=f"/reports/{campaign.id}")
    assert response.status_code == 302
    listing = parse(chair.client.get(f"/reports/{campaign.id}"))
    assert listing.select_one("#pending-sift") is None
    [row] = listing.select("#versions-sift tbody tr")
    assert "Signed-off version" in row.get_text(" ", strip=True)
    db.session.refresh(kept)
    assert row.select_one(".recruit-digest").get_text(strip=True) == kept.digest
    assert "Signed off by Chair Person" in pdf_text(reports.pdf_of(kept))
