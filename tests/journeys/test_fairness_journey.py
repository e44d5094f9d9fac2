"""Fairness in a real browser (DESIGN §12), from the candidate's application to the panel's screen: the candidate
answers the equality questions, opts in to the Disability Confident scheme and is warned, before submitting, of what
in their evidence could identify them; once the vacancy closes an admin redacts what is left; at the sift the
assessor reads "[redacted]" where it was, and nothing of the answers or the opt-in. Every page is checked with
axe-core as it loads.

The campaign and the candidate's draft are made with the services the admin's pages use, in the served app's
database; moving the campaign on (closing it, starting the sift) likewise: the campaign journeys walk those pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
import time_machine
from playwright.sync_api import expect

from recruit import create_app
from recruit.clock import utcnow
from recruit.config import Config
from recruit.extensions import db
from recruit.models import Campaign, User
from recruit.services.applications import submission as applications
from recruit.services.campaigns import setup as campaigns
from recruit.services.campaigns import status as campaign_status
from tests.factories import PASSWORD, UserFactory, draft_campaign
from tests.journeys.flows import Staff

NAME = "Priya Ramanathan"
EMAIL = "priya.ramanathan@example.org"
EMPLOYER = "Harbour Foods Ltd"
EVIDENCE = (
    f"At {EMPLOYER} I led a team of six through a new ordering system. My manager told the board that Priya had "
    f"never missed a deadline. I kept a weekly log of risks and agreed each fix with the supplier. Email me at {EMAIL}."
)
# What must never reach the panel: found by the helper, then redacted by the admin.
IDENTIFYING = ("Priya", EMPLOYER, EMAIL)


@dataclass(frozen=True)
class Vacancy:
    campaign_id: int
    reference: str  # the candidate's application
    admin: str
    member: str
    criteria: list[str]


def _app(database_url: str):
    return create_app(Config, SQLALCHEMY_DATABASE_URI=database_url)


@pytest.fixture(scope="module")
def vacancy(live_server) -> Vacancy:
    app = _app(live_server.database_url)
    with app.app_context():
        try:
            admin = UserFactory(role="admin", name="Fair Admin", email="fair.admin@recruit.example")
            campaign = draft_campaign(admin, "band-b")
            # Offering the guarantee is a setting of the draft; its own pages are tested in tests/campaigns.
            campaign.disability_confident = True
            campaigns.set_closing(admin, campaign, utcnow() + timedelta(days=1))
            chair = UserFactory(role="assessor", name="Fair Chair")
            member = UserFactory(role="assessor", name="Fair Member", email="fair.member@recruit.example")
            campaigns.set_panel(admin, campaign, "sift", chair, [member])
            campaign_status.move(admin, campaign, "open")
            candidate = UserFactory(role="candidate", name=NAME, email=EMAIL)
            application = applications.start(candidate, campaign)
            db.session.commit()
            found = Vacancy(
                campaign.id,
                application.reference,
                admin.email,
                member.email,
                [criterion.name for criterion in campaign.criteria_at("sift")],
            )
        finally:
            db.session.remove()
            db.engine.dispose()
    return found


def move(database_url: str, campaign_id: int, *targets: str) -> None:
    """The admin moves the campaign on, two days later (past its closing date)."""
    app = _app(database_url)
    with app.app_context(), time_machine.travel(utcnow() + timedelta(days=2)):
        try:
            campaign = db.session.get(Campaign, campaign_id)
            actor = db.session.scalars(db.select(User).where(User.email == "fair.admin@recruit.example")).one()
            for target in targets:
                campaign_status.move(actor, campaign, target)
            db.session.commit()
        finally:
            db.session.remove()
            db.engine.dispose()


def sign_in(journey, name: str, email: str) -> Staff:
    person = Staff(name, email, PASSWORD, journey.person(name))
    person.sign_in()
    return person


def test_monitoring_disability_confident_and_redaction_from_application_to_the_panel(journey, vacancy):
    task_list = f"/applications/{vacancy.reference}"

    with journey.step("the candidate lists their employer and writes evidence that names them"):
        candidate = sign_in(journey, "Candidate", EMAIL)
        person, page = candidate.person, candidate.person.page
        person.goto(task_list)
        person.follow("Personal details")
        person.fill("Organisations to keep out of your evidence (optional)", EMPLOYER)
        person.press_button("Save and continue")
        for criterion in vacancy.criteria:
            person.follow(f"Evidence: {criterion}")
            person.fill("Your evidence", EVIDENCE)
            person.press_button("Save and continue")

    with journey.step("the candidate answers some of the equality questions"):
        person.follow("Equality and diversity questions")
        person.press_button("Answer the questions")
        person.choose("Female", within=page.get_by_role("group", name="What is your sex?", exact=True))
        person.choose("Sikh", within=page.get_by_role("group", name="What is your religion?", exact=True))
        person.press_button("Save your answers")
        expect(page.locator("#monitoring-answers")).to_contain_text("Sikh")
        person.goto(task_list)
        expect(page.locator("#monitoring-status")).to_have_text("Answered")

    with journey.step("the candidate opts in to the Disability Confident scheme"):
        person.follow("Disability Confident scheme (optional)")
        person.choose("Yes")
        person.press_button("Save and continue")
        # Yes without the declaration is refused, and nothing is kept.
        assert person.error_summary() == ["Confirm that you have a disability as the Equality Act 2010 defines it"]
        person.choose("Yes")
        person.choose("I have a disability as the Equality Act 2010 defines it")
        person.press_button("Save and continue")

    with journey.step("before submitting, the candidate is shown what could identify them"):
        person.goto(task_list)
        person.follow("Check and submit")
        warning = page.locator("#identifying")
        expect(warning).to_contain_text("Your evidence may contain details that could identify you")
        for text in IDENTIFYING:
            expect(warning).to_contain_text(text)
        expect(warning.get_by_role("link", name=f"Change your evidence for {vacancy.criteria[0]}")).to_be_visible()
        expect(page.locator("#check-disability-confident")).to_contain_text("Yes, I want to apply under the scheme")
        person.choose("I confirm that the information in this application is true and that the evidence is my own work")
        person.press_button("Submit application")
        expect(page.locator("#reference")).to_have_text(vacancy.reference)
        person.sign_out()

    move(journey.server.database_url, vacancy.campaign_id, "closed")

    with journey.step("once the vacancy closes, the admin redacts what identifies the candidate"):
        admin = sign_in(journey, "Admin", vacancy.admin)
        person, page = admin.person, admin.person.page
        person.goto(f"/admin/campaigns/{vacancy.campaign_id}/redaction")
        row = page.locator(f"tr[data-application='{vacancy.reference}']")
        expect(row).to_contain_text(NAME)
        person.follow(vacancy.reference, within=row)
        boxes = page.locator("#findings input[name='spans']")
        expect(boxes.first).to_be_visible()
        found = boxes.count()
        assert found >= len(IDENTIFYING) * len(vacancy.criteria)
        for index in range(found):
            boxes.nth(index).check()
        person.press_button("Redact selected")
        expect(page.locator(".govuk-notification-banner")).to_be_visible()
        redactions = page.locator("#redactions tr[data-redaction]")
        expect(redactions).to_have_count(found)
        person.sign_out()

    move(journey.server.database_url, vacancy.campaign_id, "sift")

    with journey.step("the assessor reads [redacted] and nothing of the answers or the opt-in"):
        member = sign_in(journey, "Member", vacancy.member)
        person, page = member.person, member.person.page
        person.goto(f"/assess/{vacancy.campaign_id}/sift/{vacancy.reference}")
        main = page.locator("main")
        expect(main).to_contain_text("[redacted]")
        expect(main).to_contain_text("I kept a weekly log of risks")
        for text in (*IDENTIFYING, "Ramanathan", "Sikh", "Disability Confident"):
            expect(main).not_to_contain_text(text)
