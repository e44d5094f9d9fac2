"""A hand-computed interview stage: appointability, merit order, offers for two posts, a declined
offer passing to the next candidate, and the reserve list with its expiry date; feedback release."""

from datetime import timedelta

import pytest
import time_machine

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.services.assessment import agreement, feedback, scoring
from recruit.services.errors import Refused
from recruit.services.interview import offers
from recruit.services.interview.merit import reserve_expiry
from tests.factories import interview_stage, offer_terms, sift_campaign


@pytest.fixture
def stage(make_user):
    return interview_stage(make_user(role="admin"))


def test_merit_order_offers_decline_and_reserve(stage):
    setup, chair = stage
    campaign, admin, people = setup.campaign, setup.admin, setup.applications
    view = offers.merit_view(campaign)
    assert [(e.key.id, e.total, e.rank_label) for e in view.entries] == [
        (people[0].id, 24, "1"),
        (people[1].id, 22, "2"),
        (people[2].id, 20, "3"),
        (people[3].id, 18, "4"),
    ]
    assert offers.outcome_for(view, people[4]) == "not appointable"
    assert campaign.posts == 2
    assert view.allocation.next_offers == [people[0], people[1]]

    with time_machine.travel(utcnow(), tick=False):
        first = offers.make_offer(admin, campaign, people[0], offer_terms())
        second = offers.make_offer(admin, campaign, people[1], offer_terms())
        expected_expiry = reserve_expiry(utcnow(), 12)
    with pytest.raises(Refused, match="this candidate is not next"):
        offers.make_offer(admin, campaign, people[3], offer_terms())
    view = offers.merit_view(campaign)
    assert view.reserve_expires_at == expected_expiry
    assert view.allocation.reserve == [people[2], people[3]]
    assert offers.outcome_for(view, people[2]) == "appointable – reserve"

    offers.record_response(admin, first, "accepted")
    offers.record_response(admin, second, "declined")
    view = offers.merit_view(campaign)
    assert view.allocation.next_offers == [people[2]] and view.allocation.reserve == [people[3]]
    third = offers.make_offer(admin, campaign, people[2], offer_terms())
    assert third.from_reserve
    assert offers.outcome_for(offers.merit_view(campaign), people[1]) == "offer declined"

    # After the reserve list expires, no more offers can be made from it.
    offers.record_response(admin, third, "withdrawn")
    with time_machine.travel(expected_expiry + timedelta(seconds=1)):
        with pytest.raises(Refused, match="The reserve list expired on"):
            offers.make_offer(admin, campaign, people[3], offer_terms())


def test_offers_wait_for_the_interview_sign_off(make_user):
    setup = sift_campaign(make_user(role="admin"), applications=1)
    with pytest.raises(Refused, match="must be signed off"):
        offers.make_offer(setup.admin, setup.campaign, setup.applications[0], offer_terms())


def test_feedback_is_drafted_saved_and_released_only_after_sign_off(stage):
    setup, chair = stage
    campaign, application = setup.campaign, setup.applications[3]
    assert feedback.released_for(application, "interview") is None
    agreed = agreement.item_for(campaign, "interview", application, campaign.criteria_at("interview")[1]).agreed
    text = feedback.draft(agreed)
    feedback.save(chair, campaign, agreed, text + "\n\nA good answer; give more detail on the result.")
    with pytest.raises(Refused, match="Only the panel's chair"):
        feedback.save(setup.admin, campaign, agreed, "x")
    db.session.rollback()
    with pytest.raises(Refused, match="Only an admin"):
        feedback.release(chair, campaign, "interview")
    feedback.release(
        setup.admin, campaign, "interview", missing_confirmed=feedback.missing_feedback(campaign, "interview").items
    )
    shown = feedback.released_for(application, "interview")
    assert [(row.criterion, row.label) for row in shown] == [
        ("Leading and Communicating", "Good"),
        ("Collaborating and Partnering", "Acceptable"),
        ("Managing a Quality Service", "Good"),
        ("Delivering at Pace", "Acceptable"),
    ]
    assert shown[1].feedback.endswith("give more detail on the result.")
    with pytest.raises(Refused, match="can no longer change"):
        feedback.save(chair, campaign, agreed, "later")


def test_download_your_data_includes_released_results_only(stage, app):
    from recruit.services.records.personal_data import everything_about

    setup, chair = stage
    candidate = setup.applications[0].candidate
    [before] = everything_about(candidate)["applications"]
    assert before["results"] == {}
    feedback.release(
        setup.admin,
        setup.campaign,
        "interview",
        missing_confirmed=feedback.missing_feedback(setup.campaign, "interview").items,
    )
    [after] = everything_about(candidate)["applications"]
    assert list(after["results"]) == ["interview"]
    assert after["results"]["interview"]["outcome"] == "appointable – reserve"
    assert [row["score"] for row in after["results"]["interview"]["criteria"]] == ["Strong"] * 4


def test_chair_writes_feedback_from_a_draft_on_the_moderated_record(stage, app, make_user):
    from tests.helpers import Forms, error_messages, parse

    setup, chair = stage
    campaign, application = setup.campaign, setup.applications[2]
    criterion = campaign.criteria_at("interview")[0]
    url = f"/moderate/{campaign.id}/interview/feedback/{application.reference}"
    field = f"feedback-{criterion.code}"
    agreed = agreement.item_for(campaign, "interview", application, criterion).agreed
    agreed.rationale = "The panel agreed the examples showed clear, two-way communication."
    db.session.commit()
    chair_forms = Forms(app.test_client())
    chair_forms.sign_in(chair)
    # The page a criterion's feedback was once written on leads to the candidate's page, at that criterion.
    old = f"/moderate/{campaign.id}/interview/items/{application.reference}/{criterion.code}/feedback"
    response = chair_forms.client.get(old)
    assert response.status_code == 302 and response.location.endswith(f"{url}#criterion-{criterion.code}")
    page = parse(chair_forms.client.get(url))
    assert page.select_one("#drafted") is not None
    assert page.select_one(f"#criterion-{criterion.code} textarea#{field}").get_text().strip() == (
        "The panel agreed the examples showed clear, two-way communication."
    )
    too_long = chair_forms.submit_as_shown(url, {field: "x" * 5001})
    assert error_messages(parse(too_long)) == [f"Feedback on {criterion.name} must be 5000 characters or fewer"]
    assert chair_forms.submit_as_shown(url, {field: "Clear examples; say more about the result."}).status_code == 302
    agreed = agreement.item_for(campaign, "interview", application, criterion).agreed
    assert agreed.feedback == "Clear examples; say more about the result."
    other = Forms(app.test_client())
    other.sign_in(make_user(role="assessor"))
    assert other.client.get(url).status_code == 403
    assert other.client.get(old).status_code == 403
    feedback.release(
        setup.admin, campaign, "interview", missing_confirmed=feedback.missing_feedback(campaign, "interview").items
    )
    released = parse(chair_forms.client.get(url))
    assert released.select("textarea") == []
    assert released.select_one("#refusal").get_text(strip=True) == (
        "Feedback for this stage has been released and can no longer change."
    )
    refused = chair_forms.submit(url, {field: "Changed after release"})
    assert error_messages(parse(refused)) == ["Feedback for this stage has been released and can no longer change"]
    db.session.expire_all()
    assert agreement.item_for(campaign, "interview", application, criterion).agreed.feedback == (
        "Clear examples; say more about the result."
    )


def test_feedback_draft_lists_the_indicators_the_panel_ticked(stage):
    from sqlalchemy import select as sql_select

    from recruit.models import Score

    setup, chair = stage
    campaign, application = setup.campaign, setup.applications[0]
    criterion = campaign.criteria_at("interview")[0]
    lists = scoring.indicator_choices(criterion)
    effective, ineffective = lists["effective"][0], lists["ineffective"][1]
    first, second = db.session.scalars(
        sql_select(Score).where(Score.application_id == application.id, Score.criterion_id == criterion.id)
    ).all()
    first.ticked, second.ticked = [effective.id], [ineffective.id]
    db.session.commit()
    agreed = agreement.item_for(campaign, "interview", application, criterion).agreed
    text = feedback.draft(agreed)
    assert text.startswith("Your evidence showed that you: " + effective.text[0].lower() + effective.text[1:])
    assert ("To develop: the panel noted evidence that you " + ineffective.text[0].lower()) in text
