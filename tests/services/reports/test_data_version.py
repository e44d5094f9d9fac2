"""A kept report is served by its data version: with nothing written since it was made, the next request sends the
kept PDF without building the report; after any write that a report can show (a score submitted, an agreed score,
a reopening, a sign-off, a withdrawal, a conflict declared, the panel, the campaign's settings, a person's name, an
offer...) the report is built again, and made as a new version when what it shows changed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from recruit.extensions import db
from recruit.models import AgreedScore, Campaign, InterviewTime, RenderedReport
from recruit.services.applications import submission
from recruit.services.assessment import agreement, results, scoring
from recruit.services.campaigns import setup as campaigns
from recruit.services.interview import offers
from recruit.services.reports import kinds
from recruit.services.reports import versions as reports
from tests.factories import UserFactory, interview_stage, offer_terms, score, sift_campaign

SIFT = reports.KINDS["sift"]


class Builds:
    """Counts the reports built from the data (each build renders the report's whole HTML)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        original = reports.html_of

        def counted(spec):
            self.count += 1
            return original(spec)

        monkeypatch.setattr(reports, "html_of", counted)


@pytest.fixture
def builds(monkeypatch):
    return Builds(monkeypatch)


@pytest.fixture
def sift(admin):
    """Three applications at the sift, two criteria: each scored by the panel and agreed, but for the last
    application's first criterion, which Member 2 has not scored yet."""
    setup = sift_campaign(admin, applications=3, keep_criteria=2)
    criteria = setup.campaign.criteria_at("sift")
    last = setup.applications[-1]
    for application in setup.applications:
        for criterion in criteria:
            waiting = application is last and criterion is criteria[0]
            for assessor in setup.assessors[:-1] if waiting else setup.assessors:
                score(assessor, setup, application, criterion.code, 5)
            if not waiting:
                agreement.agree(setup.chair, setup.campaign, application, criterion, "sift", 5, "")
    db.session.commit()
    return setup


def kept_now(setup, kind=SIFT, application=None) -> RenderedReport:
    report = reports.render_now(setup.admin, setup.campaign, kind, application)
    assert report.status == "ready" and report.data_version == reports.data_version(setup.campaign)
    return report


def served_as_is(setup, builds: Builds, kind=SIFT) -> RenderedReport | None:
    before = builds.count
    report = reports.ready_version(setup.campaign, kind)
    assert builds.count == before, "the kept report was built again"
    return report


def rendered_again(setup, builds: Builds, kept: RenderedReport, kind=SIFT) -> RenderedReport:
    """After a write the report shows: the next request builds the report, finds the kept PDF stale, and
    preparing it makes a new version beside the kept one."""
    before = builds.count
    assert reports.ready_version(setup.campaign, kind) is None
    assert builds.count == before + 1
    fresh = kept_now(setup, kind)
    assert fresh.id != kept.id and fresh.digest != kept.digest
    assert served_as_is(setup, builds, kind) == fresh
    return fresh


def test_a_kept_report_is_served_without_building_it_until_its_data_changes(sift, builds):
    kept = kept_now(sift)
    for _ in range(3):
        assert served_as_is(sift, builds) == kept


def test_the_download_route_sends_the_kept_pdf_without_rendering_anything(sift, forms, monkeypatch):
    kept = kept_now(sift)
    forms.sign_in(sift.admin)

    def refuse(*args, **kwargs):
        raise AssertionError("the kept report was built again")

    monkeypatch.setattr(kinds, "render_template", refuse)
    for _ in range(2):
        response = forms.client.get(f"/reports/{sift.campaign.id}/sift.pdf")
        assert response.status_code == 200 and response.data == reports.pdf_of(kept)


def test_a_score_submitted_makes_a_new_version(sift, builds):
    kept = kept_now(sift)
    criterion = sift.campaign.criteria_at("sift")[0]
    score(sift.members[-1], sift, sift.applications[-1], criterion.code, 3)
    db.session.commit()
    rendered_again(sift, builds, kept)


def test_a_draft_score_shows_in_no_report_and_leaves_the_kept_one_as_it_is(sift, builds):
    kept = kept_now(sift)
    version = reports.data_version(sift.campaign)
    criterion = sift.campaign.criteria_at("sift")[0]
    score(sift.members[-1], sift, sift.applications[-1], criterion.code, 3, submit=False)
    db.session.commit()
    assert reports.data_version(sift.campaign) == version
    assert served_as_is(sift, builds) == kept


def test_an_agreed_score_makes_a_new_version(sift, builds):
    kept = kept_now(sift)
    criterion = sift.campaign.criteria_at("sift")[0]
    score(sift.members[-1], sift, sift.applications[-1], criterion.code, 5)
    db.session.commit()
    kept = kept_now(sift)
    agreement.agree(sift.chair, sift.campaign, sift.applications[-1], criterion, "sift", 6, "Strong evidence.")
    db.session.commit()
    rendered_again(sift, builds, kept)


def test_a_reopened_agreed_score_makes_a_new_version(sift, builds):
    kept = kept_now(sift)
    agreed = db.session.scalars(select(AgreedScore).order_by(AgreedScore.id)).first()
    agreement.reopen(sift.chair, sift.campaign, agreed, "A second look at the evidence.")
    db.session.commit()
    rendered_again(sift, builds, kept)


def test_a_sign_off_makes_a_new_version_and_keeps_its_own(sift, builds):
    criterion = sift.campaign.criteria_at("sift")[0]
    score(sift.members[-1], sift, sift.applications[-1], criterion.code, 5)
    agreement.agree(sift.chair, sift.campaign, sift.applications[-1], criterion, "sift", 5, "")
    db.session.commit()
    results.decide(sift.admin, sift.campaign, "sift", "all_passing", None)
    kept = kept_now(sift)
    results.sign_off(sift.chair, sift.campaign, "sift")
    db.session.commit()
    signed = reports.signed_off_version(sift.campaign, SIFT)
    assert signed is not None and signed.signed_off
    # The version kept at sign-off is the report now: typeset from its document, then served as it is.
    typeset = reports.render_now(sift.admin, sift.campaign, SIFT)
    assert typeset.id == signed.id and typeset.id != kept.id
    assert served_as_is(sift, builds) == signed


def test_a_withdrawal_makes_a_new_version(sift, builds):
    kept = kept_now(sift)
    application = sift.applications[0]
    submission.withdraw(application.candidate, application)
    db.session.commit()
    fresh = rendered_again(sift, builds, kept)
    assert fresh.pages is not None


def test_a_conflict_declared_makes_a_new_version(sift, builds):
    setup = sift_campaign(sift.admin, applications=2, keep_criteria=1, email_domain="conflict.example.org")
    kept = kept_now(setup)
    scoring.declare(setup.members[0], setup.campaign, setup.applications[0], "sift", True, "We worked together.")
    db.session.commit()
    rendered_again(setup, builds, kept)


def test_a_change_to_the_panel_makes_a_new_version(sift, builds):
    interview = reports.KINDS["interview"]
    first, second = UserFactory(role="assessor", name="Interview Chair"), UserFactory(role="assessor")
    campaigns.set_panel(sift.admin, sift.campaign, "interview", first, [second])
    db.session.commit()
    kept = kept_now(sift, interview)
    assert served_as_is(sift, builds, interview) == kept
    newcomer = UserFactory(role="assessor", name="Newly Joined")
    campaigns.set_panel(sift.admin, sift.campaign, "interview", first, [second, newcomer])
    db.session.commit()
    rendered_again(sift, builds, kept, interview)


def test_a_change_to_the_campaign_settings_makes_a_new_version(sift, builds):
    kept = kept_now(sift)
    campaign = sift.campaign
    campaign.discrepancy_threshold = campaign.discrepancy_threshold + 1
    db.session.commit()
    rendered_again(sift, builds, kept)


def test_a_panel_members_new_name_makes_a_new_version_of_every_campaigns_report(sift, builds):
    kept = kept_now(sift)
    other = sift_campaign(sift.admin, applications=1, keep_criteria=1, email_domain="other.example.org")
    versions = {c.id: reports.data_version(c) for c in (sift.campaign, other.campaign)}
    sift.members[0].name = "Member Renamed"
    db.session.commit()
    assert all(reports.data_version(c) == versions[c.id] + 1 for c in (sift.campaign, other.campaign))
    rendered_again(sift, builds, kept)


def test_signing_in_changes_no_report(sift, builds, forms):
    kept = kept_now(sift)
    version = reports.data_version(sift.campaign)
    forms.sign_in(sift.chair)
    assert reports.data_version(sift.campaign) == version
    assert served_as_is(sift, builds) == kept


def test_a_change_that_shows_nothing_is_found_by_its_digest_and_takes_the_new_version(sift, builds):
    kept = kept_now(sift)
    criterion = sift.campaign.criteria_at("sift")[0]
    # The statement's text is in no report: the counter moves on (a statement feeds the panel's pages), but the
    # report built again is the same document, so the kept PDF stands and takes the new data version.
    statement = sift.applications[0].statements[0]
    statement.text = statement.text + " More."
    db.session.commit()
    assert reports.data_version(sift.campaign) != kept.data_version
    before = builds.count
    assert reports.ready_version(sift.campaign, SIFT) == kept  # served, after building the report once
    assert builds.count == before + 1
    again = reports.render_now(sift.admin, sift.campaign, SIFT)
    db.session.commit()
    assert again.id == kept.id and again.data_version == reports.data_version(sift.campaign)
    assert db.session.scalar(select(func.count()).select_from(RenderedReport)) == 1
    assert served_as_is(sift, builds) == kept
    assert criterion is not None


def test_an_offer_makes_a_new_version_of_the_merit_list(admin, builds):
    setup, _ = interview_stage(admin)
    merit = reports.KINDS["merit"]
    kept = kept_now(setup, merit)
    assert served_as_is(setup, builds, merit) == kept
    view = offers.merit_view(setup.campaign)
    first = next(a for a in setup.applications if a.id == view.entries[0].key.id)
    offers.make_offer(setup.admin, setup.campaign, first, offer_terms())
    db.session.commit()
    rendered_again(setup, builds, kept, merit)


def test_a_bulk_statement_moves_the_campaigns_it_names_or_else_every_campaign(sift):
    other = sift_campaign(sift.admin, applications=1, keep_criteria=1, email_domain="bulk.example.org")
    campaigns_ = (sift.campaign, other.campaign)
    before = {c.id: reports.data_version(c) for c in campaigns_}
    db.session.execute(
        update(InterviewTime)
        .where(InterviewTime.campaign_id == sift.campaign.id)
        .values(version=InterviewTime.version + 1)
        .execution_options(synchronize_session=False, report_campaigns=[sift.campaign.id])
    )
    db.session.commit()
    assert reports.data_version(sift.campaign) == before[sift.campaign.id] + 1
    assert reports.data_version(other.campaign) == before[other.campaign.id]
    db.session.execute(update(Campaign).where(Campaign.id == other.campaign.id).values(location="Leeds"))
    db.session.commit()
    assert all(reports.data_version(c) == before[c.id] + (2 if c is sift.campaign else 1) for c in campaigns_)


def test_while_a_transaction_has_written_report_data_no_kept_version_is_taken_for_it(sift, builds):
    kept = kept_now(sift)
    sift.campaign.discrepancy_threshold = sift.campaign.discrepancy_threshold + 1
    assert reports.data_version(sift.campaign) is None
    before = builds.count
    assert reports.ready_version(sift.campaign, SIFT) is None
    assert builds.count == before + 1
    db.session.rollback()
    assert served_as_is(sift, builds) == kept


def test_a_version_kept_before_data_versions_is_checked_once_by_its_digest(sift, builds):
    kept = kept_now(sift)
    kept.data_version = None  # as the migration leaves every version made before the counter existed
    db.session.commit()
    before = builds.count
    assert reports.ready_version(sift.campaign, SIFT) == kept
    assert builds.count == before + 1
    assert reports.render_now(sift.admin, sift.campaign, SIFT) == kept
    db.session.commit()
    assert kept.data_version == reports.data_version(sift.campaign)
    assert served_as_is(sift, builds) == kept


def test_the_merit_list_kept_before_the_reserve_list_expires_is_made_again_once_it_has(admin, builds, monkeypatch):
    setup, _ = interview_stage(admin)
    merit = reports.KINDS["merit"]
    view = offers.merit_view(setup.campaign)
    first = next(a for a in setup.applications if a.id == view.entries[0].key.id)
    offers.make_offer(setup.admin, setup.campaign, first, offer_terms())
    db.session.commit()
    kept = kept_now(setup, merit)
    expires = offers.merit_view(setup.campaign).reserve_expires_at
    assert expires is not None and served_as_is(setup, builds, merit) == kept
    # Nothing is written, but the day comes: the list now says the reserve list has expired.
    later = expires + timedelta(days=1)
    monkeypatch.setattr(reports, "utcnow", lambda: later)
    monkeypatch.setattr(offers, "utcnow", lambda: later)
    rendered_again(setup, builds, kept, merit)
