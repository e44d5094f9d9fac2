"""The Disability Confident scheme: the candidate's opt-in and every refusal, the guarantee at the pre-sift and the
sift decision (results and ranks unchanged), leaving a candidate out only with a reason, the admins' report and
CSV, the candidate's data download and erasure."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import AgreedScore, AuditEvent, DisabilityConfidentClaim, StatusChange
from recruit.services.applications import disability_confident as scheme
from recruit.services.applications import disability_confident_report as report
from recruit.services.applications import submission as applications
from recruit.services.assessment import results
from recruit.services.campaigns import setup as campaigns
from recruit.services.campaigns.criteria import update_criterion
from recruit.services.campaigns.stages import stage_record
from recruit.services.errors import Refused
from recruit.services.records import personal_data, retention
from tests.factories import UserFactory, agree_scores, offering_guarantee, open_campaign, sift_campaign


def opt_in(application) -> DisabilityConfidentClaim:
    """An opt-in made before the application was submitted (the factories submit applications directly)."""
    claim = DisabilityConfidentClaim(application_id=application.id, opted_in=True, opted_in_at=utcnow())
    db.session.add(claim)
    db.session.commit()  # so a refused change's rollback keeps it
    return claim


def decided_entry() -> dict:
    entry = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "sift.decided").order_by(AuditEvent.id.desc())
    ).first()
    assert entry is not None
    return entry.after


@pytest.fixture
def four(admin):
    """A (6, 6), B (4, 4) opted in, C (5, 5) and D (3, 5) opted in; pass mark 4 on both criteria."""
    setup = sift_campaign(admin, applications=4, keep_criteria=2, configure=offering_guarantee(admin))
    a, b, c, d = setup.applications
    for application, values in ((a, (6, 6)), (b, (4, 4)), (c, (5, 5)), (d, (3, 5))):
        agree_scores(setup, application, values)
    opt_in(b)
    opt_in(d)
    return setup


# The candidate ----------------------------------------------------------------------------------------------


@pytest.fixture
def draft(admin):
    campaign = open_campaign(admin)
    campaign.disability_confident = True
    candidate = UserFactory(role="candidate")
    application = applications.start(candidate, campaign)
    db.session.commit()
    return application


def test_a_candidate_opts_in_with_the_declaration_and_can_change_their_mind_until_they_submit(draft):
    candidate = draft.candidate
    claim = scheme.answer(candidate, draft, "yes", True)
    assert claim.opted_in and claim.opted_in_at is not None
    assert scheme.task_list_entry(draft).status == "Yes, I want to apply under the scheme"
    claim = scheme.answer(candidate, draft, "no", False)
    assert not claim.opted_in and claim.opted_in_at is None
    assert scheme.task_list_entry(draft).status == "No"
    actions = db.session.scalars(
        select(AuditEvent.after).where(AuditEvent.action == "application.disability_confident_answered")
    ).all()
    assert actions == [{"opted_in": True}, {"opted_in": False}]


@pytest.mark.parametrize(
    ("choice", "declared", "message", "field"),
    [
        (None, False, "Select yes if you want to apply under the Disability Confident scheme", "opt_in"),
        ("", True, "Select yes if you want to apply under the Disability Confident scheme", "opt_in"),
        ("maybe", True, "Select yes or no", "opt_in"),
        ("YES", True, "Select yes or no", "opt_in"),
        ("yes", False, "Confirm that you have a disability as the Equality Act 2010 defines it", "declaration"),
    ],
)
def test_a_bad_answer_is_refused_and_saves_nothing(draft, choice, declared, message, field):
    with pytest.raises(Refused) as refused:
        scheme.answer(draft.candidate, draft, choice, declared)
    assert (refused.value.message, refused.value.field) == (message, field)
    assert scheme.claim_for(draft) is None


def test_no_answer_after_submission_without_the_guarantee_or_for_someone_else(draft, admin):
    with pytest.raises(Refused, match="^This is not your application$"):
        scheme.answer(UserFactory(role="candidate"), draft, "yes", True)
    draft.status = "submitted"
    with pytest.raises(Refused, match="^You have submitted this application, so it cannot be changed$"):
        scheme.answer(draft.candidate, draft, "yes", True)
    draft.campaign.disability_confident = False
    assert scheme.task_list_entry(draft) is None
    with pytest.raises(Refused, match="^This vacancy does not offer the Disability Confident guarantee$"):
        scheme.answer(draft.candidate, draft, "yes", True)
    assert db.session.scalar(select(func.count(DisabilityConfidentClaim.id))) == 0


# The settings -----------------------------------------------------------------------------------------------


def test_the_guarantee_changes_only_in_a_draft_and_the_minimum_must_be_on_the_scale(admin):
    setup = sift_campaign(admin, applications=1, keep_criteria=2)
    campaign = setup.campaign

    def change(**kwargs):
        campaigns.update_settings(
            admin, campaign, scale=campaign.scale, discrepancy_threshold=2, overall_pass_mark=None,
            presift_threshold=None, **kwargs,
        )  # fmt: skip

    with pytest.raises(Refused, match="cannot change once the campaign is open: candidates have been told"):
        change(disability_confident=True)
    with pytest.raises(Refused, match="^Scoring rules cannot change once the sift has started$"):
        change(disability_confident_minimum=3)
    assert not campaign.disability_confident and campaign.disability_confident_minimum is None

    draft = sift_campaign(admin, applications=0, keep_criteria=2).campaign
    draft.status = "draft"
    with pytest.raises(Refused, match="^The Disability Confident minimum must be a score on the scale, from 1 to 7$"):
        campaigns.update_settings(
            admin, draft, scale=draft.scale, discrepancy_threshold=2, overall_pass_mark=None, presift_threshold=None,
            disability_confident=True, disability_confident_minimum=9,
        )  # fmt: skip


# The sift decision ------------------------------------------------------------------------------------------


def test_the_decision_includes_an_opted_in_candidate_who_met_the_minimum_below_the_cut(four):
    setup, (a, b, c, d) = four, four.applications
    before = {r.key.id: (r.rank, r.passed, r.total) for r in results.compute(setup.campaign, "sift").results}
    chosen = results.decide(setup.admin, setup.campaign, "sift", "top_n", 1)
    assert {x.reference for x in chosen} == {a.reference, b.reference}
    assert [x.status for x in (a, b, c, d)] == ["sift_passed", "sift_passed", "sift_failed", "sift_failed"]
    # The guarantee decides who is invited; ranks, results and agreed scores are as they were.
    after = {r.key.id: (r.rank, r.passed, r.total) for r in results.compute(setup.campaign, "sift").results}
    assert after == before
    assert scheme.under_guarantee_ids(setup.campaign) == {b.id}
    entry = decided_entry()
    assert entry["through"] == sorted([a.reference, b.reference])
    assert entry["disability_confident"] == {"invited_under_guarantee": [b.reference], "not_invited": {}}


def test_the_campaigns_own_minimum_replaces_the_pass_marks(admin):
    setup = sift_campaign(admin, applications=2, keep_criteria=2, configure=offering_guarantee(admin, minimum=3))
    a, d = setup.applications
    agree_scores(setup, a, (6, 6))
    agree_scores(setup, d, (3, 5))
    opt_in(d)
    results.decide(admin, setup.campaign, "sift", "all_passing", None)
    assert (a.status, d.status) == ("sift_passed", "sift_passed")


def test_without_the_guarantee_an_opted_in_candidate_is_decided_by_the_rule_alone(admin):
    setup = sift_campaign(admin, applications=2, keep_criteria=2)
    a, b = setup.applications
    agree_scores(setup, a, (6, 6))
    agree_scores(setup, b, (4, 4))
    opt_in(b)
    results.decide(admin, setup.campaign, "sift", "top_n", 1)
    assert (a.status, b.status) == ("sift_passed", "sift_failed")
    assert "disability_confident" not in decided_entry()


@pytest.mark.parametrize("reason", [None, "", "   ", "\x00"])
def test_leaving_out_a_candidate_without_a_reason_is_refused_and_changes_nothing(four, reason):
    setup, b = four, four.applications[1]
    with pytest.raises(Refused) as refused:
        results.decide(setup.admin, setup.campaign, "sift", "top_n", 1, left_out={b.reference: reason})
    assert (refused.value.message, refused.value.field) == (
        f"Enter the reason for not inviting {b.reference}",
        f"reason-{b.reference}",
    )
    db.session.expire_all()
    assert {x.status for x in setup.applications} == {"submitted"}
    assert stage_record(setup.campaign, "sift").decided_at is None


def test_only_a_candidate_who_met_the_minimum_can_be_left_out(four):
    setup, (_, b, c, d) = four, four.applications
    for reference in (c.reference, d.reference, "NOTAREF", ""):
        with pytest.raises(Refused, match="^Select only Disability Confident candidates who met the minimum"):
            results.decide(setup.admin, setup.campaign, "sift", "top_n", 1, left_out={reference: "Numbers."})
    with pytest.raises(Refused, match="must be 2,000 characters or fewer"):
        results.decide(setup.admin, setup.campaign, "sift", "top_n", 1, left_out={b.reference: "x" * 2001})
    assert stage_record(setup.campaign, "sift").decided_at is None


def test_leaving_out_with_a_reason_is_recorded_and_audited_and_the_decision_can_be_redone(four):
    setup, b = four, four.applications[1]
    reason = "Mass campaign: interviews limited to the top 100 by rank."
    results.decide(setup.admin, setup.campaign, "sift", "top_n", 1, left_out={b.reference: f"  {reason} "})
    assert b.status == "sift_failed"
    claim = scheme.claim_for(b)
    assert (claim.not_invited_reason, claim.not_invited_by, claim.invited_under_guarantee) == (
        reason,
        setup.admin,
        False,
    )
    assert decided_entry()["disability_confident"] == {
        "invited_under_guarantee": [],
        "not_invited": {b.reference: reason},
    }
    [row] = [r for r in report.rows(setup.campaign) if r.reference == b.reference]
    assert (row.met, row.outcome, row.reason) == (True, "Not invited to interview (reason recorded)", reason)

    # Withdrawn (an agreed score reopened) and decided again, this time with the guarantee.
    results.withdraw_decision(setup.admin, setup.campaign, "sift", "A score was reopened.")
    assert b.status == "submitted"
    results.decide(setup.admin, setup.campaign, "sift", "top_n", 1)
    claim = scheme.claim_for(b)
    assert (b.status, claim.not_invited_reason, claim.invited_under_guarantee) == ("sift_passed", "", True)


def test_a_candidate_the_rule_takes_anyway_is_invited_whatever_the_reason(four):
    setup, b = four, four.applications[1]
    results.decide(setup.admin, setup.campaign, "sift", "all_passing", None, left_out={b.reference: "Numbers."})
    claim = scheme.claim_for(b)
    assert (b.status, claim.not_invited_reason, claim.invited_under_guarantee) == ("sift_passed", "", False)


# The pre-sift -----------------------------------------------------------------------------------------------


def test_the_presift_keeps_an_opted_in_candidate_who_met_the_minimum_on_the_lead(admin):
    def lead_second(campaign):
        criterion = campaign.criteria[1]
        update_criterion(
            admin, criterion, level=None, at_sift=True, at_interview=criterion.at_interview, weight=1, pass_mark=4,
            word_limit=criterion.word_limit, is_lead=True,
        )  # fmt: skip

    setup = sift_campaign(
        admin,
        applications=3,
        keep_criteria=2,
        presift_threshold=2,
        configure=offering_guarantee(admin, minimum=3, then=lead_second),
    )
    a, b, c = setup.applications
    lead = setup.campaign.criteria[1]
    for application, value in ((a, 5), (b, 3), (c, 3)):
        db.session.add(
            AgreedScore(
                application_id=application.id, criterion_id=lead.id, stage="sift", value=value, proposal=value,
                discrepant=False, agreed_by_id=setup.chair.id,
            )
        )  # fmt: skip
    opt_in(b)
    assert results.finish_presift(setup.chair, setup.campaign) == 1
    assert [x.status for x in (a, b, c)] == ["submitted", "submitted", "presift_failed"]
    entry = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "sift.presift_finished")).one()
    assert entry.after == {"failed": [c.reference], "through_under_disability_confident_guarantee": [b.reference]}


# The report, the data download and erasure -----------------------------------------------------------------


def test_the_report_says_who_met_the_minimum_and_what_happened(four):
    setup, b, d = four, four.applications[1], four.applications[3]
    rows = {row.reference: row for row in report.rows(setup.campaign)}
    assert set(rows) == {b.reference, d.reference}
    assert (rows[b.reference].met_text, rows[b.reference].outcome) == ("Yes", "Waiting for the sift decision")
    assert [check.text for check in rows[d.reference].checks] == ["3 (minimum 4)", "5 (minimum 4)"]
    assert rows[d.reference].name == d.personal_details.full_name
    results.decide(setup.admin, setup.campaign, "sift", "top_n", 1)
    rows = {row.reference: row for row in report.rows(setup.campaign)}
    assert rows[b.reference].outcome == "Invited to interview under the guarantee"
    assert (rows[d.reference].met_text, rows[d.reference].outcome) == (
        "No",
        "Not invited to interview: did not meet the minimum",
    )


def test_a_candidate_not_scored_yet_is_listed_as_such(admin):
    setup = sift_campaign(admin, applications=1, keep_criteria=2, configure=offering_guarantee(admin))
    opt_in(setup.applications[0])
    [row] = report.rows(setup.campaign)
    assert row.met_text == "Not scored yet"
    assert [check.text for check in row.checks] == ["Not scored yet (minimum 4)"] * 2


def test_the_csv_names_them_and_no_cell_runs_as_a_formula(four):
    setup, b, d = four, four.applications[1], four.applications[3]
    b.personal_details.full_name = '=HYPERLINK("http://evil.example")'
    reason = "@SUM(1+1) numbers limited"
    results.decide(setup.admin, setup.campaign, "sift", "top_n", 1, left_out={b.reference: reason})
    body = report.download(setup.admin, setup.campaign).decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(body)))
    assert header[:3] == ["Reference", "Name", "Opted in"] and header[-3:] == [
        "Met the minimum",
        "What happened",
        "Reason not invited",
    ]
    by_reference = {row[0]: row for row in rows}
    assert set(by_reference) == {b.reference, d.reference}
    assert by_reference[b.reference][1] == '\'=HYPERLINK("http://evil.example")'
    assert by_reference[b.reference][-1] == "'" + reason
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "disability_confident.downloaded")
        )
        == 1
    )


def test_the_data_download_has_the_opt_in_and_erasure_deletes_it(four, admin):
    setup, b = four, four.applications[1]
    [entry] = personal_data.everything_about(b.candidate)["applications"]
    assert entry["disability_confident_scheme"]["opted_in"] is True
    assert retention.counts_for(setup.campaign.id)["disability_confident"] == 2
    assert "2 Disability Confident answers" in retention.describe_counts(retention.counts_for(setup.campaign.id))
    setup.campaign.status = "complete"
    db.session.add(StatusChange(campaign_id=setup.campaign.id, from_status="interview", to_status="complete"))
    db.session.flush()
    with_finish = utcnow() + timedelta(days=3650)
    line = retention.erase_campaign(setup.campaign.id, 12, with_finish)
    assert line is not None and line.counts["disability_confident"] == 2
    assert db.session.scalar(select(func.count(DisabilityConfidentClaim.id))) == 0
