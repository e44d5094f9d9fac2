"""The equality and diversity questions in a real browser: a candidate reads why they are asked, answers some of
them (one an ethnicity under its ONS group heading), checks and changes an answer, then removes them all. Every
page visited, the error summary included, is checked with axe-core."""

from __future__ import annotations

from playwright.sync_api import expect

from recruit import create_app
from recruit.config import TestConfig
from recruit.extensions import db
from recruit.models import User
from recruit.services.applications import submission as applications
from tests.factories import PASSWORD, UserFactory, open_campaign
from tests.journeys.people import Person


def draft_application(database_url: str) -> tuple[str, str]:
    """An open campaign and a candidate's draft application to it: the candidate's email and the reference."""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        try:
            admin = db.session.scalars(db.select(User).where(User.role == "admin")).first()
            candidate = UserFactory(role="candidate", email="monitoring.candidate@example.org")
            application = applications.start(candidate, open_campaign(admin))
            return candidate.email, application.reference
        finally:
            db.session.remove()
            db.engine.dispose()


def question(person: Person, legend: str):
    return person.page.get_by_role("group", name=legend, exact=True)


def test_a_candidate_answers_changes_and_removes_the_equality_questions(journey):
    email, reference = draft_application(journey.server.database_url)
    person = journey.person("Candidate")

    with journey.step("the candidate reads why the questions are asked"):
        person.goto("/sign-in")
        person.fill("Email address", email)
        person.fill("Password", PASSWORD)
        person.press_button("Sign in")
        person.goto(f"/applications/{reference}")
        expect(person.page.locator("#monitoring-status")).to_have_text("Not answered")
        person.follow("Equality and diversity questions")
        expect(person.page.locator("#who-sees")).to_be_visible()
        person.press_button("Answer the questions")

    with journey.step("an answer that is not one of those listed is an error"):
        person.page.locator("input#sex").evaluate("radio => { radio.value = 'unknown'; }")
        person.choose("Female", within=question(person, "What is your sex?"))
        person.press_button("Save your answers")
        assert person.error_summary() == ["Select one of the answers listed for sex, or leave it blank"]

    with journey.step("the candidate answers some questions and leaves the rest"):
        person.choose("Male", within=question(person, "What is your sex?"))
        white = person.page.get_by_role("group", name="White", exact=True)
        person.choose("Gypsy or Irish Traveller", within=white)
        person.choose("Prefer not to say", within=question(person, "What is your religion?"))
        person.press_button("Save your answers")
        expect(person.page.locator("h1")).to_have_text("Your equality and diversity answers")
        expect(person.page.locator("#monitoring-answers")).to_contain_text("Gypsy or Irish Traveller")

    with journey.step("the candidate changes one answer"):
        person.follow("Change your answer to: What is your religion?")
        person.choose("Sikh", within=question(person, "What is your religion?"))
        person.press_button("Save your answers")
        expect(person.page.locator("#monitoring-answers")).to_contain_text("Sikh")

    with journey.step("the candidate removes their answers"):
        person.press_button("Remove my answers")
        expect(person.page.locator(".govuk-notification-banner")).to_contain_text("have been removed")
        expect(person.page.locator("#monitoring-status")).to_have_text("Not answered")
