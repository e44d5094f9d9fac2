"""Reasonable adjustments (services/applications/adjustments.py): asking, with every bad input refused; when a
candidate can no longer ask; the admin's response; what the panel is shown, at interview only; the audit trail
without the texts; the email; erasure with the campaign's personal data; and the candidate's data download."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import AdjustmentRequest, Application, AuditEvent, Notification
from recruit.services.applications import adjustments
from recruit.services.applications import submission as applications
from recruit.services.campaigns import status as campaign_status
from recruit.services.errors import Refused
from recruit.services.records import retention
from recruit.services.records.personal_data import everything_about
from tests.factories import UserFactory, open_campaign, sift_campaign

NEEDS = "I use a screen reader and need documents in accessible Word format."


@pytest.fixture
def setup(make_user):
    return sift_campaign(make_user(role="admin"), applications=3)


def ask(application, category="assistive_technology", details=NEEDS):
    return adjustments.ask(application.candidate, application, category, details)


def audit_rows(application):
    return db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.record_type == "application", AuditEvent.record_id == str(application.id))
        .where(AuditEvent.action.like("adjustment.%"))
        .order_by(AuditEvent.id)
    ).all()


def count_requests() -> int:
    return db.session.scalar(select(func.count(AdjustmentRequest.id))) or 0


# ---------------------------------------------------------------- asking


def test_a_candidate_asks_and_it_is_audited_without_their_words(setup):
    application = setup.applications[0]
    request = ask(application, details=f"  {NEEDS}  ")
    assert (request.category, request.details, request.stage) == ("assistive_technology", NEEDS, "application")
    assert request.outcome is None and request.panel_note == "" and not request.responded
    assert request.status_label == "Awaiting a response"
    assert request.category_label == "Assistive technology"
    [entry] = audit_rows(application)
    assert entry.action == "adjustment.requested" and entry.actor_id == application.candidate_id
    assert entry.after == {"adjustment": request.id, "stage": "application", "category": "assistive_technology"}
    assert "screen reader" not in json.dumps([entry.before, entry.after])


def test_at_interview_the_request_is_for_the_interview(setup):
    setup.to_interview()
    assert ask(setup.applications[0]).stage == "interview"


def test_a_candidate_can_ask_while_their_application_is_a_draft(make_user):
    campaign = open_campaign(make_user(role="admin"))
    candidate = UserFactory(role="candidate")
    application = applications.start(candidate, campaign)
    assert adjustments.ask_refusal(application) is None
    assert ask(application, "extra_time", "Extra time for the written test").stage == "application"


@pytest.mark.parametrize(
    "category, details, field, message",
    [
        (None, NEEDS, "category", "Select what kind of adjustment you need"),
        ("", NEEDS, "category", "Select what kind of adjustment you need"),
        ("teleportation", NEEDS, "category", "Select one of the kinds of adjustment listed"),
        ("Extra time", NEEDS, "category", "Select one of the kinds of adjustment listed"),
        ("extra_time", "", "details", "Describe the adjustment you need"),
        ("extra_time", "   \n\t ", "details", "Describe the adjustment you need"),
        ("extra_time", None, "details", "Describe the adjustment you need"),
        ("extra_time", "x" * 2001, "details", "Your description must be 2,000 characters or fewer"),
    ],
)
def test_bad_requests_are_refused_and_write_nothing(setup, category, details, field, message):
    application = setup.applications[0]
    with pytest.raises(Refused) as refused:
        ask(application, category, details)
    assert (refused.value.field, refused.value.message) == (field, message)
    assert count_requests() == 0 and audit_rows(application) == []


def test_the_longest_description_allowed_is_kept_whole(setup):
    assert len(ask(setup.applications[0], details="y" * 2000).details) == 2000


def test_nobody_asks_for_someone_elses_application(setup):
    first, second = setup.applications[:2]
    with pytest.raises(Refused):
        adjustments.ask(second.candidate, first, "extra_time", NEEDS)
    assert count_requests() == 0


def test_no_request_once_withdrawn(setup):
    application = setup.applications[0]
    applications.withdraw(application.candidate, application)
    assert adjustments.ask_refusal(application) == (
        "You withdrew this application, so you cannot ask for adjustments for it"
    )
    with pytest.raises(Refused):
        ask(application)
    assert count_requests() == 0


def test_no_request_once_the_campaign_has_finished(setup):
    campaign_status.move(setup.admin, setup.campaign, "withdrawn", "The post is no longer needed")
    refusal = adjustments.ask_refusal(setup.applications[0])
    assert refusal == "This recruitment campaign has finished, so you cannot ask for adjustments for it"
    with pytest.raises(Refused, match="has finished"):
        ask(setup.applications[0])


def test_no_request_for_a_draft_once_the_vacancy_has_closed(setup):
    draft = Application(campaign=setup.campaign, candidate=UserFactory(role="candidate"), reference="RC-DRAFT1")
    db.session.add(draft)
    db.session.commit()
    assert "vacancy has closed" in adjustments.ask_refusal(draft)


def test_a_sift_decision_stops_requests_only_once_the_candidate_has_been_told(setup):
    failed = setup.applications[2]
    setup.to_interview(failed=[failed])
    # Not yet released: the candidate must not learn the outcome from being refused.
    assert adjustments.ask_refusal(failed) is None
    from recruit.services.assessment import feedback

    feedback.release(setup.admin, setup.campaign, "sift")
    assert adjustments.ask_refusal(failed) == (
        "Your application is not going any further, so you cannot ask for adjustments for it"
    )
    assert adjustments.ask_refusal(setup.applications[0]) is None


# ---------------------------------------------------------------- responding


def respond(setup, request, **changes):
    values = {"outcome": "agreed", "agreed": "We will send the pack in Word.", "panel_note": ""}
    return adjustments.respond(setup.admin, request, **{**values, **changes})


def test_the_admin_responds_it_is_audited_and_the_candidate_is_emailed(setup):
    application = setup.applications[0]
    request = ask(application)
    respond(setup, request, panel_note="The candidate uses a screen reader.")
    db.session.expire_all()
    request = db.session.get(AdjustmentRequest, request.id)
    assert (request.outcome, request.outcome_label, request.status_label) == ("agreed", "Agreed", "Responded")
    assert request.agreed == "We will send the pack in Word."
    assert request.responded_by_id == setup.admin.id and request.responded_at is not None
    asked, responded = audit_rows(application)
    assert responded.action == "adjustment.responded" and responded.actor_id == setup.admin.id
    assert responded.before is None
    assert responded.after == {
        "adjustment": request.id,
        "category": "assistive_technology",
        "outcome": "agreed",
        "panel_note_shared": True,
        "agreed_changed": True,
        "panel_note_changed": True,
    }
    [message] = db.session.scalars(
        select(Notification).where(Notification.event_key.like("adjustment.responded:%"))
    ).all()
    assert message.recipient == application.candidate.email and message.template == "adjustment_response"
    assert message.subject == "We have responded to your request for adjustments"
    assert f"/applications/{application.reference}/adjustments" in message.body
    for private in ("screen reader", "Word", "Assistive"):
        assert private not in message.body
        assert private not in json.dumps([asked.after, responded.after])


def test_changing_a_response_records_before_and_after_and_tells_the_candidate_again(setup):
    application = setup.applications[0]
    request = ask(application)
    respond(setup, request, panel_note="Allow 15 minutes' extra time.")
    respond(setup, request, outcome="partly_agreed", agreed="We will send the pack in Word.", panel_note="")
    changed = audit_rows(application)[-1]
    assert changed.before["outcome"] == "agreed" and changed.before["panel_note_shared"] is True
    assert changed.after["outcome"] == "partly_agreed" and changed.after["panel_note_shared"] is False
    assert changed.after["agreed_changed"] is False and changed.after["panel_note_changed"] is True
    count = db.session.scalar(
        select(func.count(Notification.id)).where(Notification.event_key.like("adjustment.responded:%"))
    )
    assert count == 2


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"outcome": None}, "outcome", "Select whether the adjustment was agreed"),
        ({"outcome": "maybe"}, "outcome", "Select one of the outcomes listed"),
        ({"agreed": ""}, "agreed", "Enter what was agreed, or why it was not"),
        ({"agreed": " \n "}, "agreed", "Enter what was agreed, or why it was not"),
        ({"agreed": "a" * 2001}, "agreed", "What was agreed must be 2,000 characters or fewer"),
        ({"panel_note": "n" * 1001}, "panel_note", "The note for the panel must be 1,000 characters or fewer"),
    ],
)
def test_bad_responses_are_refused_and_change_nothing(setup, changes, field, message):
    application = setup.applications[0]
    request = ask(application)
    with pytest.raises(Refused) as refused:
        respond(setup, request, **changes)
    assert (refused.value.field, refused.value.message) == (field, message)
    db.session.expire_all()
    assert db.session.get(AdjustmentRequest, request.id).outcome is None
    assert [row.action for row in audit_rows(application)] == ["adjustment.requested"]
    assert db.session.scalar(select(func.count(Notification.id)).where(Notification.event_key.like("adj%"))) == 0


def test_a_response_based_on_an_older_version_is_refused(setup):
    request = ask(setup.applications[0])
    shown = request.version
    respond(setup, request)
    with pytest.raises(Refused, match="changed by someone else"):
        respond(setup, request, outcome="not_agreed", version=shown)
    db.session.expire_all()
    assert db.session.get(AdjustmentRequest, request.id).outcome == "agreed"


def test_only_admins_respond(setup):
    request = ask(setup.applications[0])
    with pytest.raises(Refused):
        adjustments.respond(setup.chair, request, outcome="agreed", agreed="Yes", panel_note="")
    assert adjustments.request_for_admin(setup.chair, setup.campaign, request.id) is None


def test_admins_find_a_request_only_through_its_own_campaign(setup):
    request = ask(setup.applications[0])
    other = sift_campaign(setup.admin, applications=1, email_domain="example.net")
    assert adjustments.request_for_admin(setup.admin, setup.campaign, request.id) is request
    assert adjustments.request_for_admin(setup.admin, other.campaign, request.id) is None


def test_the_campaign_list_puts_those_awaiting_a_response_first(setup):
    first, second, third = (ask(application) for application in setup.applications)
    respond(setup, second)
    view = adjustments.campaign_requests(setup.campaign)
    assert [request.id for request in view.requests] == [third.id, first.id, second.id]
    assert view.awaiting == 2 == adjustments.awaiting_count(setup.campaign)


# ---------------------------------------------------------------- the panel


def test_the_panel_reads_only_shared_notes_and_only_at_interview(setup):
    first, second, third = setup.applications
    for application, note in ((first, "Allow 15 minutes' extra time."), (second, "")):
        respond(setup, ask(application), panel_note=note)
    ask(third)  # no response yet
    assert adjustments.panel_notes(setup.campaign, "sift", setup.applications) == {}
    setup.to_interview()
    notes = adjustments.panel_notes(setup.campaign, "interview", setup.applications)
    assert notes == {first.id: ["Allow 15 minutes' extra time."]}
    assert adjustments.panel_notes(setup.campaign, "interview", []) == {}


# ---------------------------------------------------------------- erasure and the data download


def test_the_candidates_data_download_holds_their_requests_and_the_responses(setup):
    application = setup.applications[0]
    respond(setup, ask(application), panel_note="The candidate uses a screen reader.")
    ask(application, "breaks_or_timing", "A short break halfway through")
    [data] = everything_about(application.candidate)["applications"]
    first, second = data["adjustments"]
    assert first["category"] == "Assistive technology" and first["details"] == NEEDS
    assert first["response"]["outcome"] == "Agreed"
    assert first["response"]["agreed"] == "We will send the pack in Word."
    assert first["response"]["shared_with_the_interview_panel"] == "The candidate uses a screen reader."
    assert second["category"] == "Breaks or timing" and second["response"] is None
    other = setup.applications[1]
    assert everything_about(other.candidate)["applications"][0]["adjustments"] == []


def test_erasing_the_campaigns_personal_data_erases_the_requests(setup):
    application = setup.applications[0]
    respond(setup, ask(application), panel_note="The candidate uses a screen reader.")
    ask(setup.applications[1], "physical_access", "A step-free room, please")
    campaign_status.move(setup.admin, setup.campaign, "withdrawn", "The post is no longer needed")
    assert retention.counts_for(setup.campaign.id)["adjustments"] == 2
    assert "2 requests for adjustments" in retention.describe_counts(retention.counts_for(setup.campaign.id))
    later = utcnow() + relativedelta(months=13) + timedelta(days=1)
    report = retention.purge(12, apply=True, now=later)
    assert [line.id for line in report.campaigns] == [setup.campaign.id]
    assert count_requests() == 0
    entry = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "campaign.personal_data_erased").order_by(AuditEvent.id)
    ).one()
    assert entry.after["erased"]["adjustments"] == 2
    # The audit log kept about them never held what was asked for or agreed.
    kept = json.dumps([row.after for row in audit_rows(application)])
    assert "screen reader" not in kept and "Word" not in kept
