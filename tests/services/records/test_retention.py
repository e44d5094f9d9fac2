"""Retention: the purge lists, then erases, the personal data of campaigns finished longer ago than
RETENTION_MONTHS, keeps the scores anonymous, skips campaigns on legal hold, and does nothing twice."""

import io
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from pypdf import PdfReader
from sqlalchemy import func, select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import (
    AgreedScore,
    AgreedScoreVersion,
    Application,
    AuditEvent,
    Campaign,
    Conflict,
    InterviewSlot,
    InterviewTime,
    Notification,
    Offer,
    PersonalDetails,
    RenderedReport,
    Score,
    ScoreVersion,
    Statement,
    User,
)
from recruit.services import notifications
from recruit.services.applications.submission import unique_references
from recruit.services.assessment import agreement, feedback, results
from recruit.services.campaigns import status as campaign_status
from recruit.services.interview import invitations as interviews
from recruit.services.interview import offers
from recruit.services.records.personal_data import everything_about
from recruit.services.records.retention import ERASED_TEXT
from recruit.services.unit_of_work import unit_of_work
from tests.downloads import download
from tests.factories import UserFactory, interview_stage, offer_terms, open_campaign, submitted_application, to_sift
from tests.helpers import error_messages, parse

DAY = timedelta(days=1)


@dataclass
class Finished:
    campaign: Campaign
    admin: User
    chair: User
    applications: list[Application]
    candidates: list[User]
    completed_at: object

    @property
    def due_at(self):
        return self.completed_at + relativedelta(months=12)


@pytest.fixture
def finished(admin):
    """A campaign taken through the interview to complete, with every kind of personal data on it."""
    setup, chair = interview_stage(admin)
    campaign, people = setup.campaign, setup.applications
    member = next(user for user in campaign.panel("interview").assessors if user.id != chair.id)
    # A sift conflict naming the candidate, interview arrangements with a candidate's note, written feedback,
    # a reopened agreed score's history, an offer and a rendered report.
    db.session.add(
        Conflict(
            application_id=people[4].id,
            assessor_id=member.id,
            stage="sift",
            reason="I managed Candidate 5 at the Glasgow office",
        )
    )
    db.session.commit()
    for index, application in enumerate(people[:2]):
        interviews.schedule(
            admin,
            application,
            starts_at=utcnow() + timedelta(days=3 + index),
            minutes=60,
            place="Room 4, Atlantic Quay, Glasgow",
            video_link="",
        )
    interviews.respond(
        people[1].candidate,
        interviews.slot_for(people[1]),
        accept=False,
        note="I care for my mother on Tuesdays; any other day works",
    )
    agreed = agreement.item_for(campaign, "interview", people[0], campaign.criteria_at("interview")[0]).agreed
    feedback.save(chair, campaign, agreed, "You described leading the Paisley benefits team well.")
    agreed.history.append(
        AgreedScoreVersion(
            action="reopened",
            value=agreed.value,
            rationale="Agreed",
            reason="Candidate 1 asked for a recount",
            by_id=chair.id,
        )
    )
    db.session.commit()
    offers.make_offer(admin, campaign, people[0], offer_terms())
    db.session.add(
        RenderedReport(
            campaign_id=campaign.id,
            kind="interview",
            fingerprint="f" * 64,
            status="ready",
            pages=3,
            pdf=b"%PDF-1.7 Candidate 1",
        )
    )
    db.session.commit()
    campaign_status.move(admin, campaign, "complete")
    completed_at = campaign.status_changes[-1].at
    return Finished(campaign, admin, chair, people, [a.candidate for a in people], completed_at)


def sifting_campaign(admin, candidates):
    """A campaign at the sift with one submitted application from each of `candidates`."""
    campaign = open_campaign(admin, "band-b", closes_in=DAY)
    for candidate, reference in zip(candidates, unique_references(len(candidates))):
        submitted_application(campaign, candidate, reference, evidence=f"Evidence from {candidate.name}", word_count=3)
    db.session.commit()
    to_sift(admin, campaign)
    return campaign


def purge(runner, *args):
    return runner.invoke(args=["retention", "purge", *args])


def merit_table(campaign):
    return [(entry.key.reference, entry.total, entry.rank_label) for entry in offers.merit_view(campaign).entries]


def campaign_rows(campaign_id):
    """Everything the purge may change for one campaign, as plain values."""
    db.session.expire_all()
    applications = select(Application.id).where(Application.campaign_id == campaign_id)
    scores = select(Score.id).where(Score.application_id.in_(applications))
    agreed = select(AgreedScore.id).where(AgreedScore.application_id.in_(applications))
    return {
        "applications": db.session.execute(
            select(Application.reference, Application.candidate_id, Application.status)
            .where(Application.id.in_(applications))
            .order_by(Application.id)
        ).all(),
        "details": db.session.execute(
            select(PersonalDetails.full_name, PersonalDetails.email, PersonalDetails.phone)
            .where(PersonalDetails.application_id.in_(applications))
            .order_by(PersonalDetails.id)
        ).all(),
        "statements": db.session.execute(
            select(Statement.text, Statement.word_count)
            .where(Statement.application_id.in_(applications))
            .order_by(Statement.id)
        ).all(),
        "scores": db.session.execute(
            select(Score.value, Score.rationale, Score.notes, Score.ticked, Score.stage)
            .where(Score.id.in_(scores))
            .order_by(Score.id)
        ).all(),
        "score_versions": db.session.execute(
            select(ScoreVersion.value, ScoreVersion.rationale, ScoreVersion.notes)
            .where(ScoreVersion.score_id.in_(scores))
            .order_by(ScoreVersion.id)
        ).all(),
        "conflicts": db.session.execute(
            select(Conflict.has_conflict, Conflict.reason)
            .where(Conflict.application_id.in_(applications))
            .order_by(Conflict.id)
        ).all(),
        "agreed": db.session.execute(
            select(AgreedScore.value, AgreedScore.proposal, AgreedScore.rationale, AgreedScore.feedback)
            .where(AgreedScore.id.in_(agreed))
            .order_by(AgreedScore.id)
        ).all(),
        "agreed_versions": db.session.execute(
            select(AgreedScoreVersion.value, AgreedScoreVersion.rationale, AgreedScoreVersion.reason)
            .where(AgreedScoreVersion.agreed_score_id.in_(agreed))
            .order_by(AgreedScoreVersion.id)
        ).all(),
        "slots": db.session.execute(
            select(InterviewSlot.place, InterviewSlot.candidate_note).where(
                InterviewSlot.application_id.in_(applications)
            )
        ).all(),
        "offers": db.session.execute(
            select(Offer.application_id, Offer.status).where(Offer.campaign_id == campaign_id)
        ).all(),
        "reports": db.session.scalar(
            select(func.count(RenderedReport.id)).where(RenderedReport.campaign_id == campaign_id)
        ),
        "erased_at": db.session.get(Campaign, campaign_id).personal_data_erased_at,
    }


def audit_actions(campaign):
    return db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.record_type == "campaign", AuditEvent.record_id == str(campaign.id))
        .order_by(AuditEvent.id)
    ).all()


def test_dry_run_lists_what_it_would_erase_and_changes_nothing(runner, finished, count_writes):
    before = campaign_rows(finished.campaign.id)
    with time_machine.travel(finished.due_at + DAY), count_writes() as writes:
        result = purge(runner)
    assert result.exit_code == 0, result.output
    assert writes.statements == []
    assert campaign_rows(finished.campaign.id) == before
    lines = result.output.splitlines()
    assert lines[0].startswith("Retention period: 12 months. Campaigns that finished before ")
    assert "1 campaign due for erasure; the purge would erase:" in lines
    [line] = [line for line in lines if finished.campaign.reference in line]
    assert line.startswith(f"  {finished.campaign.reference} Caseworker (complete since ")
    # 5 applications with a statement for each of 4 sift criteria; 2 assessors scored 4 interview criteria each
    # (a score and its one version); proposals were confirmed without a rationale, so the agreed scores hold
    # only the one piece of feedback and the one reopening reason. Three report versions: the interview report and
    # merit list kept at the interview's sign-off, and one rendered since.
    assert line.endswith(
        "5 applications linked to accounts, 5 sets of personal details, 20 statements, "
        "80 score rationales and notes, 1 conflict of interest reason, "
        "2 agreed-score rationales and feedback, 2 interview arrangements, 3 rendered reports"
    )
    assert "5 candidate accounts would be erased" in result.output
    assert result.output.rstrip().endswith(
        "This was a dry run: nothing was changed. Run `flask --app recruit retention purge --apply` to erase."
    )


def test_apply_erases_the_personal_data_and_keeps_the_scores(runner, finished):
    campaign = finished.campaign
    ranking = merit_table(campaign)
    sift_results = [(r.key.reference, r.total, r.passed) for r in results.compute(campaign, "sift").results]
    with unit_of_work():
        notifications.queue(
            "test:1", "candidate1@example.org", "claim_link", campaign=campaign, campaign_title="Caseworker", link="x"
        )
    before = campaign_rows(campaign.id)
    with time_machine.travel(finished.due_at + DAY, tick=False):
        result = purge(runner, "--apply")
        erased_at = utcnow()
    assert result.exit_code == 0, result.output
    assert "Erased the personal data of 1 campaign:" in result.output
    assert "Erased 5 candidate accounts" in result.output
    after = campaign_rows(campaign.id)

    # Gone: who the candidates are, what they wrote, and everything written about them.
    assert after["details"] == [] and after["slots"] == [] and after["reports"] == 0
    assert db.session.scalar(select(func.count(Notification.id)).where(Notification.campaign_id == campaign.id)) == 0
    assert [candidate for _, candidate, _ in after["applications"]] == [None] * 5
    assert {text for text, _ in after["statements"]} == {ERASED_TEXT}
    assert {(rationale, notes) for _, rationale, notes, _, _ in after["scores"]} == {(ERASED_TEXT, ERASED_TEXT)}
    assert {(rationale, notes) for _, rationale, notes in after["score_versions"]} == {(ERASED_TEXT, ERASED_TEXT)}
    assert (True, ERASED_TEXT) in after["conflicts"]
    assert all(reason in ("", ERASED_TEXT) for _, reason in after["conflicts"])
    assert {feedback_text for *_, feedback_text in after["agreed"]} == {"", ERASED_TEXT}
    assert [reason for *_, reason in after["agreed_versions"] if reason] == [ERASED_TEXT]
    text = repr(after)
    for personal in (
        "Candidate 1",
        "candidate1@example.org",
        "07700900001",
        "Paisley",
        "Tuesdays",
        "Glasgow office",
        "Evidence 1",
        "Heard at interview",
        "Answered the question",
        "recount",
    ):
        assert personal not in text
    assert after["erased_at"] == erased_at

    # Kept: the anonymous record, so the ranking and statistics come out exactly as before.
    assert [(ref, status) for ref, _, status in after["applications"]] == [
        (ref, status) for ref, _, status in before["applications"]
    ]
    assert [word_count for _, word_count in after["statements"]] == [w for _, w in before["statements"]]
    assert [(value, ticked, stage) for value, _, _, ticked, stage in after["scores"]] == [
        (value, ticked, stage) for value, _, _, ticked, stage in before["scores"]
    ]
    assert [(value, proposal) for value, proposal, *_ in after["agreed"]] == [
        (value, proposal) for value, proposal, *_ in before["agreed"]
    ]
    assert after["offers"] == before["offers"]
    db.session.expire_all()
    assert merit_table(campaign) == ranking
    assert [(r.key.reference, r.total, r.passed) for r in results.compute(campaign, "sift").results] == sift_results


def test_erased_campaign_pages_still_work_and_say_so(runner, forms, finished):
    campaign = finished.campaign
    with time_machine.travel(finished.due_at + DAY):
        assert purge(runner, "--apply").exit_code == 0
        forms.sign_in(finished.admin)
        overview = parse(forms.client.get(f"/admin/campaigns/{campaign.id}"))
        summary = overview.select_one("#personal-data-summary").get_text(" ", strip=True)
        assert "Erased on" in summary and "the scores are kept, anonymous" in summary
        assert "Place" not in summary  # nothing left to hold
        for url in (
            f"/admin/campaigns/{campaign.id}/applications",
            f"/admin/campaigns/{campaign.id}/applications/{finished.applications[0].reference}",
            f"/admin/campaigns/{campaign.id}/merit",
            f"/admin/campaigns/{campaign.id}/interviews",
            f"/moderate/{campaign.id}/interview/results",
            f"/reports/{campaign.id}",
        ):
            response = forms.client.get(url)
            assert response.status_code == 200, url
            assert "Candidate 1" not in response.get_data(as_text=True), url
        # A report rendered after the erasure has the scores and no names.
        response = download(forms.client, f"/reports/{campaign.id}/merit.pdf")
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
        assert "Name erased" in text and not re.search(r"Candidate \d", text)
        assert finished.applications[0].reference in text
        hold_page = parse(forms.client.get(f"/admin/campaigns/{campaign.id}/legal-hold"))
        assert "nothing left to hold" in hold_page.select_one("#nothing-to-hold").get_text()
        response = forms.submit(
            f"/admin/campaigns/{campaign.id}/legal-hold",
            {"reason": "A late tribunal claim"},
            page=f"/admin/campaigns/{campaign.id}",
        )
        assert error_messages(parse(response))[0].startswith("This campaign's personal data was erased on ")
        db.session.expire_all()
        assert not db.session.get(Campaign, campaign.id).legal_hold


def test_one_audit_entry_per_campaign_and_a_second_run_does_nothing(runner, finished, admin, count_writes):
    # A second campaign, withdrawn a month after the first completed: finished too, and due a month later.
    with time_machine.travel(finished.completed_at + relativedelta(months=1)):
        withdrawn = sifting_campaign(admin, [UserFactory(), UserFactory()])
        campaign_status.move(admin, withdrawn, "withdrawn", "The post was no longer funded")
    first_actions, second_actions = audit_actions(finished.campaign), audit_actions(withdrawn)

    with time_machine.travel(finished.due_at + DAY):
        result = purge(runner, "--apply")
    assert result.exit_code == 0, result.output
    assert withdrawn.reference not in result.output  # not yet due
    assert audit_actions(finished.campaign) == first_actions + ["campaign.personal_data_erased"]
    assert audit_actions(withdrawn) == second_actions

    with time_machine.travel(finished.due_at + relativedelta(months=1) + DAY):
        result = purge(runner, "--apply")
        assert f"{withdrawn.reference} Caseworker (withdrawn since " in result.output
        assert audit_actions(finished.campaign) == first_actions + ["campaign.personal_data_erased"]
        assert audit_actions(withdrawn) == second_actions + ["campaign.personal_data_erased"]
        entry = db.session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "campaign.personal_data_erased", AuditEvent.record_id == str(withdrawn.id)
            )
        )
        assert entry.actor is None and entry.before is None
        assert entry.after["erased"]["personal_details"] == 2 and entry.after["finished"] == "withdrawn"
        assert "Candidate" not in repr(entry.after)

        audit_total = db.session.scalar(select(func.count(AuditEvent.id)))
        with count_writes() as writes:
            again = purge(runner, "--apply")
        assert again.exit_code == 0
        assert "No campaigns are due for erasure." in again.output
        assert "candidate account" not in again.output
        assert writes.statements == []
        assert db.session.scalar(select(func.count(AuditEvent.id))) == audit_total


def test_not_yet_due_and_unfinished_campaigns_are_untouched(runner, finished, admin):
    unfinished = sifting_campaign(admin, [UserFactory()])  # never finished
    before = campaign_rows(finished.campaign.id)
    unfinished_before = campaign_rows(unfinished.id)
    with time_machine.travel(finished.due_at - DAY):
        result = purge(runner, "--apply")
    assert result.exit_code == 0
    assert "No campaigns are due for erasure." in result.output
    assert finished.campaign.reference not in result.output
    assert campaign_rows(finished.campaign.id) == before
    with time_machine.travel(finished.due_at + relativedelta(years=5)):
        purge(runner, "--apply")
    assert campaign_rows(unfinished.id) == unfinished_before


def test_accounts_in_use_are_kept(runner, finished, admin):
    """The account is the candidate's, not the campaign's: it goes only when nothing else needs it."""
    returning, recent, idle = finished.candidates[0], finished.candidates[1], finished.candidates[2]
    with time_machine.travel(finished.completed_at + relativedelta(months=6)):
        later = sifting_campaign(admin, [returning])
    recent.last_signed_in_at = finished.due_at - DAY
    db.session.commit()
    with time_machine.travel(finished.due_at + DAY):
        dry = purge(runner)
        assert "3 candidate accounts would be erased" in dry.output
        result = purge(runner, "--apply")
    assert "Erased 3 candidate accounts" in result.output
    db.session.expire_all()
    assert (returning.email, returning.active, returning.name) == ("candidate1@example.org", True, "Candidate 1")
    assert [a["vacancy"]["reference"] for a in everything_about(returning)["applications"]] == [later.reference]
    assert (recent.email, recent.active) == ("candidate2@example.org", True)
    assert everything_about(recent)["applications"] == []
    assert idle.email == f"erased-{idle.id}@erased.invalid" and idle.name == "Erased account"
    assert not idle.active and idle.password_hash is None
    erased_entry = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "account.erased", AuditEvent.record_id == str(idle.id))
    )
    assert erased_entry is not None and "candidate3" not in repr(erased_entry.after)


def test_an_erased_account_cannot_sign_in_and_the_address_can_register_again(runner, forms, finished):
    with time_machine.travel(finished.due_at + DAY):
        purge(runner, "--apply")
        response = forms.submit(
            "/sign-in", {"email": "candidate3@example.org", "password": "granite orchid lantern ninety-seven"}
        )
        assert response.status_code == 200
        assert error_messages(parse(response)) == ["Enter a correct email address and password"]
        from recruit.services.accounts.account_changes import confirm_registration, request_registration

        started = request_registration("Candidate Three", "candidate3@example.org", "harbour violet kestrel sixty-two")
        assert started.existing is None
        again, _ = confirm_registration(started.token, "harbour violet kestrel sixty-two")
        assert again.id != finished.candidates[2].id and again.active


@pytest.mark.parametrize("value", ["twelve", "0", "-3", "", "1.5", "99999"])
def test_a_bad_retention_period_is_explained_and_changes_nothing(
    runner, app, finished, monkeypatch, count_writes, value
):
    monkeypatch.setitem(app.config, "RETENTION_MONTHS", value)
    with time_machine.travel(finished.due_at + DAY), count_writes() as writes:
        result = purge(runner, "--apply")
    assert result.exit_code == 2
    assert "RETENTION_MONTHS must be a whole number of months from 1 to 1200, like 12" in result.output
    assert "Nothing was changed." in result.output
    assert writes.statements == []


def test_a_shorter_retention_period_from_configuration(runner, app, finished, monkeypatch):
    monkeypatch.setitem(app.config, "RETENTION_MONTHS", " 6 ")
    with time_machine.travel(finished.completed_at + relativedelta(months=6) + DAY):
        result = purge(runner, "--apply")
    assert result.output.startswith("Retention period: 6 months.")
    assert campaign_rows(finished.campaign.id)["erased_at"] is not None


def hold_url(campaign, release=False):
    return f"/admin/campaigns/{campaign.id}/legal-hold" + ("/release" if release else "")


def test_legal_hold_keeps_the_data_until_it_is_released(runner, forms, finished):
    campaign = finished.campaign
    forms.sign_in(finished.admin)
    response = forms.submit(hold_url(campaign), {"reason": "Employment tribunal claim 4100123/2026"})
    assert response.status_code == 302
    overview = parse(forms.client.get(f"/admin/campaigns/{campaign.id}"))
    assert overview.select_one("#legal-hold-tag").get_text(strip=True) == "Legal hold"
    assert "On hold: Employment tribunal claim 4100123/2026" in overview.select_one("#personal-data-summary").get_text(
        " ", strip=True
    )
    assert audit_actions(campaign)[-1] == "campaign.legal_hold_placed"

    before = campaign_rows(campaign.id)
    with time_machine.travel(finished.due_at + relativedelta(months=3)):
        result = purge(runner, "--apply")
        assert "No campaigns are due for erasure." in result.output
        assert "Kept on legal hold: 1 campaign past the retention period:" in result.output
        assert f"  {campaign.reference} Caseworker (complete since" in result.output
        assert "4100123" not in result.output  # the reason stays out of logs
        assert campaign_rows(campaign.id) == before

        forms.sign_in(finished.admin)
        page = parse(forms.client.get(hold_url(campaign), follow_redirects=True))  # held: offers the release
        assert page.select_one("h1").get_text(strip=True) == "Release the legal hold"
        summary = page.select_one("#retention-summary").get_text(" ", strip=True)
        assert "Employment tribunal claim 4100123/2026" in summary and "placed by Alex Admin" in summary
        assert "Kept while the legal hold lasts" in summary
        response = forms.submit(hold_url(campaign, release=True), {"reason": "The claim was withdrawn"})
        assert response.status_code == 302
        db.session.expire_all()
        held = db.session.get(Campaign, campaign.id)
        assert (held.legal_hold, held.legal_hold_reason, held.legal_hold_set_at) == (False, "", None)
        released = db.session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "campaign.legal_hold_released", AuditEvent.record_id == str(campaign.id)
            )
        )
        assert released.before["reason"] == "Employment tribunal claim 4100123/2026"
        assert released.after == {"legal_hold": False, "reason": "The claim was withdrawn"}
        assert released.actor_id == finished.admin.id

        result = purge(runner, "--apply")
        assert "Erased the personal data of 1 campaign:" in result.output
        assert campaign_rows(campaign.id)["details"] == []


@pytest.mark.parametrize(
    "reason, message",
    [
        ("", "Enter the reason for the legal hold"),
        ("   \n  ", "Enter the reason for the legal hold"),
        ("x" * 2001, "Reason for the legal hold must be 2000 characters or fewer"),
    ],
)
def test_placing_a_hold_without_a_proper_reason_changes_nothing(forms, finished, reason, message):
    campaign = finished.campaign
    forms.sign_in(finished.admin)
    actions = audit_actions(campaign)
    response = forms.submit(hold_url(campaign), {"reason": reason})
    assert response.status_code == 200
    page = parse(response)
    assert error_messages(page) == [message]
    assert page.select_one("title").get_text().startswith("Error: ")
    assert page.select_one("#reason-error") is not None
    db.session.expire_all()
    assert not db.session.get(Campaign, campaign.id).legal_hold
    assert audit_actions(campaign) == actions


def test_release_needs_a_reason_and_a_hold(forms, finished):
    campaign = finished.campaign
    forms.sign_in(finished.admin)
    # Not on hold: the release page sends the admin to place one; a release sent anyway is refused.
    response = forms.client.get(hold_url(campaign, release=True))
    assert response.status_code == 302 and response.location.endswith(hold_url(campaign))
    response = forms.submit(hold_url(campaign, release=True), {"reason": "Done"}, page=hold_url(campaign))
    assert error_messages(parse(response)) == ["This campaign is not on legal hold"]

    forms.submit(hold_url(campaign), {"reason": "Appeal"})
    response = forms.submit(hold_url(campaign), {"reason": "Appeal again"}, page=f"/admin/campaigns/{campaign.id}")
    assert error_messages(parse(response)) == ["This campaign is already on legal hold"]
    response = forms.submit(hold_url(campaign, release=True), {"reason": ""})
    assert error_messages(parse(response)) == ["Enter the reason for releasing the legal hold"]
    db.session.expire_all()
    held = db.session.get(Campaign, campaign.id)
    assert held.legal_hold and held.legal_hold_reason == "Appeal"
    assert audit_actions(campaign).count("campaign.legal_hold_placed") == 1
    assert "campaign.legal_hold_released" not in audit_actions(campaign)


def test_a_hold_can_be_placed_on_a_running_campaign(forms, admin):
    campaign = sifting_campaign(admin, [UserFactory()])
    forms.sign_in(admin)
    page = parse(forms.client.get(hold_url(campaign)))
    assert "Kept until 12 months after the campaign is complete or withdrawn" in page.select_one(
        "#retention-summary"
    ).get_text(" ", strip=True)
    assert forms.submit(hold_url(campaign), {"reason": "Subject access dispute"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).legal_hold


def test_only_admins_place_or_release_holds(forms, client, finished, make_user):
    campaign = finished.campaign
    for url in (hold_url(campaign), hold_url(campaign, release=True)):
        assert client.get(url).status_code == 302  # to sign in
    forms.sign_in(finished.chair)
    for url in (hold_url(campaign), hold_url(campaign, release=True)):
        assert client.get(url).status_code == 403
        assert client.post(url, data={"reason": "x"}).status_code in (400, 403)
    assert client.get("/admin/campaigns/999999/legal-hold").status_code == 403
    db.session.expire_all()
    assert not db.session.get(Campaign, campaign.id).legal_hold


def test_unknown_campaign_is_not_found(forms, admin):
    forms.sign_in(admin)
    assert forms.client.get("/admin/campaigns/999999/legal-hold").status_code == 404
    assert forms.client.get("/admin/campaigns/999999/legal-hold/release").status_code == 404


def test_erasure_unlinks_booked_interview_times_from_the_applications(runner, finished):
    campaign, booked = finished.campaign, finished.applications[2]
    starts = utcnow() + timedelta(days=30)
    db.session.add_all(
        [
            InterviewTime(campaign_id=campaign.id, starts_at=starts, place="Room 4", booked_application_id=booked.id),
            InterviewTime(campaign_id=campaign.id, starts_at=starts + timedelta(hours=1), place="Room 4"),
        ]
    )
    db.session.commit()
    with time_machine.travel(finished.due_at + DAY, tick=False):
        result = purge(runner, "--apply")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    rows = db.session.execute(
        select(InterviewTime.booked_application_id, InterviewTime.place)
        .where(InterviewTime.campaign_id == campaign.id)
        .order_by(InterviewTime.id)
    ).all()
    assert rows == [(None, "Room 4"), (None, "Room 4")]
