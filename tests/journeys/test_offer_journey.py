"""Offers down the merit list in a real browser. The campaign is set up through the services (the campaign journey
walks the sift and interview in the browser already); from the signed-off merit list on, everything happens on the
pages: the admin makes two offers with their terms and confirms each, one candidate accepts and the other declines
online, the admin sees the decline and offers the post to the next person, who sees the offer. Every page visited is
checked with axe-core.
"""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import expect

from recruit import create_app
from recruit.config import TestConfig
from recruit.extensions import db
from recruit.models import User
from recruit.services.assessment import feedback
from recruit.services.interview import offers
from tests.factories import PASSWORD, interview_stage
from tests.journeys.flows import Staff
from tests.journeys.people import Person


@dataclass
class OnTheList:
    name: str
    email: str
    reference: str


def signed_off_merit_list(database_url: str) -> tuple[int, str, str, list[OnTheList]]:
    """A campaign with two posts whose interview stage is signed off and released, in the served app's database: returns its id,
    title and reference, and the appointable candidates in merit order."""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        try:
            admin = db.session.scalars(db.select(User).where(User.role == "admin")).first()
            # Its own candidates' addresses: other journeys make candidates in this database too.
            setup, _ = interview_stage(admin, email_domain="offers.example.org")
            campaign = setup.campaign
            # Released before the offers: candidates see an offer once the interview outcomes are out.
            missing = feedback.missing_feedback(campaign, "interview").items
            feedback.release(admin, campaign, "interview", missing_confirmed=missing)
            entries = offers.merit_view(campaign).entries
            listed = [OnTheList(e.key.candidate.name, e.key.candidate.email, e.key.reference) for e in entries]
            return campaign.id, campaign.title, campaign.reference, listed
        finally:
            db.session.remove()
            db.engine.dispose()


def sign_in(person: Person, email: str) -> None:
    person.goto("/sign-in")
    person.fill("Email address", email)
    person.fill("Password", PASSWORD)
    person.press_button("Sign in")
    expect(person.page.get_by_role("button", name="Sign out")).to_be_visible()


def make_offer(admin: Person, campaign_id: int, title: str, reference: str, who: OnTheList, *, fill: bool) -> None:
    admin.goto(f"/admin/campaigns/{campaign_id}/merit")
    admin.press_button(f"Make an offer to {who.reference}")
    expect(admin.page.locator("h1")).to_have_text(f"Make an offer to {who.name}")
    expect(admin.page.get_by_label("Conditions")).to_contain_text("right to work")
    if fill:
        admin.fill("Salary in pounds a year", "34,500")
        admin.fill("Location", "Leeds")
        admin.fill_date("Proposed start date", 1, 3, 2031)
    else:
        # The next offer starts from the last one's terms.
        expect(admin.page.get_by_label("Salary in pounds a year")).to_have_value("34500")
    admin.press_button("Continue")
    expect(admin.page.locator("#offer-to")).to_have_text(f"{who.name} (application {who.reference})")
    expect(admin.page.locator("#offer-post")).to_have_text(f"{title} (vacancy {reference})")
    expect(admin.page.locator("#offer-salary")).to_have_text("£34,500 a year")
    admin.press_button("Make the offer")
    expect(admin.page.locator(".govuk-notification-banner")).to_contain_text(f"Offer made to {who.reference}")


def open_offer(person: Person, who: OnTheList, title: str) -> None:
    person.goto("/applications")
    person.follow(f"Answer your offer for {title}")
    expect(person.page.locator("h1")).to_have_text("Your offer")
    expect(person.page.locator("#offer-salary")).to_have_text("£34,500 a year")
    expect(person.page.locator("#offer-location")).to_have_text("Leeds")
    expect(person.page.locator("#offer-starts-on")).to_have_text("1 March 2031")


def test_candidates_accept_and_decline_offers_and_the_admin_offers_the_next_person(journey):
    server = journey.server
    campaign_id, title, reference, listed = signed_off_merit_list(server.database_url)
    first, second, third = listed[:3]
    admin = Staff("Alex Admin", server.admin_email, server.admin_password, journey.person("admin"))

    with journey.step("the admin offers the two posts down the merit list, checking each offer"):
        admin.sign_in()
        make_offer(admin.person, campaign_id, title, reference, first, fill=True)
        make_offer(admin.person, campaign_id, title, reference, second, fill=False)
        expect(admin.person.page.locator("#next-offer-needed")).to_have_count(0)

    with journey.step("the first candidate accepts online"):
        person = journey.person(first.name)
        sign_in(person, first.email)
        open_offer(person, first, title)
        person.choose("Yes, I accept the offer")
        person.press_button("Continue")
        expect(person.page.locator("h1")).to_have_text("Are you sure you want to accept this offer?")
        person.press_button("Yes, accept the offer")
        expect(person.page.locator(".govuk-notification-banner")).to_contain_text("You have accepted the offer")
        expect(person.page.locator("#offer-answered")).to_contain_text("You accepted this offer")
        expect(person.page.get_by_label("Yes, I accept the offer")).to_have_count(0)

    with journey.step("the second candidate declines online, giving a reason"):
        person = journey.person(second.name)
        sign_in(person, second.email)
        open_offer(person, second, title)
        person.choose("No, I decline the offer")
        person.fill("If you are declining, you can tell us why (optional)", "I have taken another post.")
        person.press_button("Continue")
        expect(person.page.locator("h1")).to_have_text("Are you sure you want to decline this offer?")
        person.press_button("Yes, decline the offer")
        expect(person.page.locator("#offer-answered")).to_contain_text("You declined this offer")

    with journey.step("the admin sees the decline and offers the post to the next person on the merit list"):
        page = admin.person.goto(f"/admin/campaigns/{campaign_id}/merit")
        expect(page.locator("#next-offer-needed")).to_contain_text("Offer the post to the next person")
        expect(page.locator("#declined-offers")).to_contain_text("I have taken another post.")
        row = page.locator(f"#merit tr[data-reference={first.reference}]")
        expect(row).to_contain_text("Accepted")
        make_offer(admin.person, campaign_id, title, reference, third, fill=False)
        expect(admin.person.page.locator("#next-offer-needed")).to_have_count(0)

    with journey.step("the next candidate sees the offer"):
        person = journey.person(third.name)
        sign_in(person, third.email)
        open_offer(person, third, title)
        expect(person.page.get_by_label("Yes, I accept the offer")).to_be_visible()
