"""How far each application got, from the campaign's own records, and "not reached yet" for stages to come."""

from __future__ import annotations

from datetime import timedelta

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import MonitoringResponse
from recruit.services.applications.submission import unique_references
from recruit.services.assessment import results
from recruit.services.campaigns.stages import stage_record
from recruit.services.fairness.loader import counts
from recruit.services.interview import invitations as interviews
from recruit.services.interview import offers
from tests.factories import UserFactory, interview_stage, offer_terms, sift_campaign, submitted_application

BANDS = ("16_24", "25_29", "30_34", "35_39", "40_44", "45_49", "50_54")


def answer_each(applications):
    """A different age band for each application, so each band's counts show where its one application got."""
    for application, band in zip(applications, BANDS, strict=False):
        db.session.add(MonitoringResponse(application_id=application.id, age_band=band))
    db.session.commit()


def furthest_by_band(campaign):
    per, reached = counts([campaign])
    out = {}
    for (question, answer), at in per.get(campaign.id, {}).items():
        if question == "age_band":
            [(stage, number)] = at.items()
            assert number == 1
            out[answer] = stage
    return out, reached[campaign.id]


def test_at_the_sift_only_applying_is_reached_and_drafts_do_not_count(admin):
    setup = sift_campaign(admin, applications=3)
    [reference] = unique_references(1)
    draft = submitted_application(setup.campaign, UserFactory(role="candidate"), reference)
    draft.status, draft.submitted_at = "draft", None
    setup.applications[2].status, setup.applications[2].withdrawn_from = "withdrawn", "submitted"
    setup.applications[2].withdrawn_at = utcnow()
    answer_each([*setup.applications, draft])
    stages, reached = furthest_by_band(setup.campaign)
    assert reached == {"applied"}
    # Withdrawn after submitting still applied; the draft is not in the figures at all.
    assert stages == {"16_24": "applied", "25_29": "applied", "30_34": "applied"}


def test_sift_decided_passes_the_presift_and_splits_at_the_sift(admin):
    setup = sift_campaign(admin, applications=4)
    apps = setup.applications
    apps[0].status, apps[1].status, apps[2].status = "sift_passed", "sift_failed", "presift_failed"
    record = stage_record(setup.campaign, "sift")
    record.presift_done_at = utcnow() - timedelta(days=2)
    record.decided_at = utcnow()
    db.session.add(record)
    # Withdrawn after the pre-sift but before the sift decision: passed the pre-sift, not the sift.
    apps[3].status, apps[3].withdrawn_from, apps[3].withdrawn_at = "withdrawn", "submitted", utcnow() - timedelta(1)
    db.session.commit()
    answer_each(apps)
    stages, reached = furthest_by_band(setup.campaign)
    assert reached == {"applied", "presift", "sift"}
    assert stages == {"16_24": "sift", "25_29": "presift", "30_34": "applied", "35_39": "presift"}


def test_interview_appointable_and_offered(admin):
    setup, _ = interview_stage(admin)
    campaign, apps = setup.campaign, setup.applications
    passed = {r.key.id for r in results.compute(campaign, "interview").results if r.passed}
    assert apps[0].id in passed and apps[4].id not in passed
    interviews.schedule(
        admin, apps[4], starts_at=utcnow() + timedelta(days=2), minutes=60, place="Leeds", video_link=""
    )
    offers.make_offer(admin, campaign, apps[0], offer_terms())
    answer_each(apps)
    stages, reached = furthest_by_band(campaign)
    assert reached == {"applied", "presift", "sift", "invited", "appointable", "offered"}
    assert stages["16_24"] == "offered"
    assert stages[BANDS[4]] == "invited"  # interviewed, not appointable
    for index in (1, 2, 3):
        assert stages[BANDS[index]] == ("appointable" if apps[index].id in passed else "invited")
