"""The candidate's offer page: the post and its terms, accepting or declining online with a confirmation, by the
last day to answer; a decline waits for the admin to offer the post to the next person on the merit list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from recruit.extensions import db
from recruit.models import AuditEvent, Offer
from recruit.services.assessment import feedback
from recruit.services.interview import offers
from recruit.services.interview.offer_terms import DEFAULT_CONDITIONS, uk_today
from tests.factories import interview_stage, offer_terms
from tests.helpers import PageForm, banners, error_messages, parse, signed_in


@pytest.fixture
def offered(app, make_user):
    """The first candidate on a signed-off merit list has an offer, and the interview outcomes are released; they are
    signed in."""
    setup, _ = interview_stage(make_user(role="admin"))
    first = setup.applications[0]
    offer = offers.make_offer(setup.admin, setup.campaign, first, offer_terms(salary=34500, location="Leeds"))
    release_interview(setup)
    return setup, offer, signed_in(app, first.candidate)


def release_interview(setup) -> None:
    campaign = setup.campaign
    missing = feedback.missing_feedback(campaign, "interview").items
    feedback.release(setup.admin, campaign, "interview", missing_confirmed=missing)


def offer_page(application) -> str:
    return f"/applications/{application.reference}/offer"


def answer(browser, application, choice: str | None, reason: str = ""):
    """Choose an answer on the offer page and continue to the confirmation page."""
    form = PageForm(browser.client, offer_page(application))
    form.set("answer", choice).set("reason", reason)
    return form.press("submit", "Continue")


def confirm(browser, application, shown, *extra):
    fields = [(i["name"], i.get("value", "")) for i in parse(shown).select("main form input[type=hidden]")]
    return browser.client.post(offer_page(application), data=MultiDict([*fields, *extra]))


def audit_actions(application) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.record_type == "application", AuditEvent.record_id == str(application.id))
            .order_by(AuditEvent.id)
        )
    )


def test_an_offer_is_seen_once_the_interview_outcomes_are_released(app, make_user, forms):
    setup, _ = interview_stage(make_user(role="admin"))
    first = setup.applications[0]
    offer = offers.make_offer(setup.admin, setup.campaign, first, offer_terms())
    candidate = signed_in(app, first.candidate)
    assert candidate.client.get(offer_page(first)).status_code == 404
    assert parse(candidate.client.get("/applications")).select_one(f"#offer-{first.reference}") is None
    with pytest.raises(offers.Refused, match="not been released"):
        offers.answer(first.candidate, offer, accept=True)
    forms.sign_in(setup.admin)
    merit = f"/admin/campaigns/{setup.campaign.id}/merit"
    assert parse(forms.client.get(merit)).select_one("#offers-unseen") is not None
    release_interview(setup)
    assert parse(forms.client.get(merit)).select_one("#offers-unseen") is None
    assert candidate.client.get(offer_page(first)).status_code == 200


def test_the_candidate_reads_the_offer_from_their_applications(offered):
    setup, offer, candidate = offered
    first = setup.applications[0]
    link = parse(candidate.client.get("/applications")).select_one(f"#offer-{first.reference}")
    assert link["href"] == offer_page(first) and link.get_text(strip=True).startswith("Answer your offer")
    assert parse(candidate.client.get(f"/applications/{first.reference}")).select_one("#offer-link a") is not None
    page = parse(candidate.client.get(offer_page(first)))
    assert setup.campaign.title in page.select_one("#offer-post").get_text()
    assert page.select_one("#offer-salary").get_text(strip=True) == "£34,500 a year"
    assert page.select_one("#offer-location").get_text(strip=True) == "Leeds"
    assert "right to work" in page.select_one("#offer-conditions").get_text()
    assert page.select_one("#offer-respond-by") is not None and page.select_one("#offer-starts-on") is not None
    assert {i["value"] for i in page.select("input[name=answer]")} == {"accept", "decline"}


def test_accepting_needs_a_confirmation_and_is_final(offered, count_writes):
    setup, offer, candidate = offered
    first = setup.applications[0]
    with count_writes() as writes:
        shown = answer(candidate, first, "accept")
    assert not writes.besides_refusal_log
    assert parse(shown).select_one("h1").get_text(strip=True) == "Are you sure you want to accept this offer?"
    assert db.session.get(Offer, offer.id).status == "offered"
    # "Change my answer" goes back to the offer with the answer chosen.
    again = confirm(candidate, first, shown, ("change", "1"))
    assert parse(again).select_one("input[name=answer][value=accept]").has_attr("checked")
    response = confirm(candidate, first, shown)
    assert response.status_code == 302
    db.session.expire_all()
    offer = db.session.get(Offer, offer.id)
    assert offer.status == "accepted" and offer.responded_at is not None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "offer.accepted"))
    assert event.actor_id == first.candidate_id and event.after == {"status": "accepted", "online": True}
    page = parse(candidate.client.get(offer_page(first)))
    assert "You accepted this offer" in page.select_one("#offer-answered").get_text()
    assert page.select_one("input[name=answer]") is None
    # Answering twice changes nothing, and says why.
    with count_writes() as writes:
        response = confirm(candidate, first, shown)
    assert not writes.besides_refusal_log
    assert "You have already accepted this offer" in banners(parse(candidate.client.get(response.location)))[0]
    assert audit_actions(first).count("offer.accepted") == 1


def test_a_decline_with_its_reason_waits_for_the_admin_to_offer_the_next_person(app, offered, forms):
    setup, offer, candidate = offered
    first, second = setup.applications[:2]
    shown = answer(candidate, first, "decline", "I have accepted another job.")
    page = parse(shown)
    assert page.select_one("h1").get_text(strip=True) == "Are you sure you want to decline this offer?"
    assert "I have accepted another job." in page.select_one("#decline-reason").get_text()
    assert confirm(candidate, first, shown).status_code == 302
    db.session.expire_all()
    offer = db.session.get(Offer, offer.id)
    assert (offer.status, offer.decline_reason) == ("declined", "I have accepted another job.")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "offer.declined"))
    assert event.after["reason"] == "I have accepted another job." and event.after["online"] is True
    # Nothing is offered to the next person until the admin does it.
    assert offers.offer_for(second) is None
    assert offers.merit_view(setup.campaign).next_offer_needed
    forms.sign_in(setup.admin)
    merit = parse(forms.client.get(f"/admin/campaigns/{setup.campaign.id}/merit"))
    assert merit.select_one("#next-offer-needed") is not None
    assert "I have accepted another job." in merit.select_one("#declined-offers").get_text()
    view = offers.merit_view(setup.campaign)
    assert second in view.allocation.next_offers
    for application in view.allocation.next_offers:
        offers.make_offer(setup.admin, setup.campaign, application, offer_terms())
    assert not parse(forms.client.get(f"/admin/campaigns/{setup.campaign.id}/merit")).select_one("#next-offer-needed")
    # The second candidate now sees their offer.
    next_one = signed_in(app, second.candidate)
    assert next_one.client.get(offer_page(second)).status_code == 200
    assert parse(next_one.client.get("/applications")).select_one(f"#offer-{second.reference}") is not None


def test_an_answer_must_be_chosen(offered):
    setup, offer, candidate = offered
    first = setup.applications[0]
    response = answer(candidate, first, None)
    assert error_messages(parse(response)) == ["Select whether you accept the offer"]
    response = answer(candidate, first, "maybe")
    assert error_messages(parse(response)) == ["Select whether you accept the offer"]
    response = answer(candidate, first, "decline", "x" * 2001)
    assert error_messages(parse(response)) == ["Your reason must be 2000 characters or fewer"]
    assert db.session.get(Offer, offer.id).status == "offered"


def test_after_the_last_day_the_offer_cannot_be_answered(offered, count_writes):
    setup, offer, candidate = offered
    first = setup.applications[0]
    shown = answer(candidate, first, "accept")
    # The last day to answer was yesterday (UK time).
    offer.respond_by = uk_today() - timedelta(days=1)
    db.session.commit()
    page = parse(candidate.client.get(offer_page(first)))
    assert "The last day to answer this offer was" in page.select_one("#offer-closed").get_text()
    assert page.select_one("input[name=answer]") is None
    with count_writes() as writes:
        response = confirm(candidate, first, shown)
    assert not writes.besides_refusal_log
    assert "Contact the recruitment team" in banners(parse(candidate.client.get(response.location)))[0]
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).status == "offered"
    assert "offer.accepted" not in audit_actions(first)


def test_only_the_candidate_with_the_offer_reaches_it(app, offered, make_user):
    setup, offer, candidate = offered
    first, second = setup.applications[:2]
    # Another candidate on the same list, with no offer of their own, and a stranger.
    for person in (second.candidate, make_user()):
        other = signed_in(app, person)
        token = parse(other.client.get("/applications")).select_one("input[name=csrf_token]")
        data = {"answer": "decline", "step": "confirm", "csrf_token": token["value"] if token else ""}
        assert other.client.get(offer_page(first)).status_code == 404
        assert other.client.post(offer_page(first), data=data).status_code == 404
    # The second candidate has no offer: their own offer page is not found either.
    assert signed_in(app, second.candidate).client.get(offer_page(second)).status_code == 404
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).status == "offered"


def test_a_withdrawn_offer_says_so(offered):
    setup, offer, candidate = offered
    first = setup.applications[0]
    offers.record_response(setup.admin, offer, "withdrawn")
    page = parse(candidate.client.get(offer_page(first)))
    assert "This offer has been withdrawn" in page.select_one("#offer-answered").get_text()
    assert page.select_one("input[name=answer]") is None


def test_the_candidate_service_refuses_what_the_page_cannot_send(offered, make_user):
    setup, offer, _ = offered
    first = setup.applications[0]
    with pytest.raises(offers.Refused, match="Only the candidate"):
        offers.answer(make_user(), offer, accept=True)
    with pytest.raises(offers.Refused, match="Only the candidate"):
        offers.answer(setup.admin, offer, accept=True)
    offers.answer(first.candidate, offer, accept=False, reason="  Moving abroad  ")
    assert offer.decline_reason == "Moving abroad"
    with pytest.raises(offers.Refused, match="already declined"):
        offers.answer(first.candidate, offer, accept=True)
    assert offer.conditions.startswith(DEFAULT_CONDITIONS[:20])
