"""An assessor scores a sift in a real browser, and the work it takes is counted.

A whole application of five criteria, scored from the page for the application (a score and a rationale each, no
ticks), takes one page load and at most twelve clicks and key presses besides the typing: a click on the score and
one in the rationale for each criterion, and the button that submits them and opens the next application. Working
one criterion across every application takes one page load an answer. On a wide screen the score sits beside the
evidence; on a narrow one beneath it. A criterion saved on its own stays on the page where JavaScript runs, and the
page works the same without it.

The campaign is made with the services the admin's pages use, in the served app's database, so that the test is
about the scoring: the campaign journey builds one through the pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from recruit import create_app
from recruit.config import Config
from recruit.extensions import db
from recruit.services.assessment.assessor_views import ordering
from tests.factories import PASSWORD, UserFactory, sift_campaign
from tests.journeys.flows import Staff

WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 375, "height": 812}
# What the test does besides typing, most allowed for one application of five criteria (DESIGN §6; the page for
# one criterion at a time took ten page loads and some twenty-two clicks).
MOST_ACTIONS = 12


@dataclass(frozen=True)
class Sift:
    campaign_id: int
    email: str
    order: list[str]  # the member's applications, in their own order
    criteria: list[tuple[str, str]]  # (code, name), in the campaign's order
    statements: dict[str, dict[str, str]]  # reference -> code -> the candidate's statement


@pytest.fixture(scope="module")
def sift(live_server) -> Sift:
    """A Band D campaign at the sift with five criteria and four applications, and a panel member to score it."""
    app = create_app(Config, SQLALCHEMY_DATABASE_URI=live_server.database_url)
    with app.app_context():
        admin = UserFactory(role="admin", name="Sam Setup", email="sam.setup@recruit.example")
        setup = sift_campaign(admin, applications=4, members=1, grade="band-d", keep_criteria=5)
        member, campaign = setup.members[0], setup.campaign
        order = ordering(member, campaign, "sift")
        criteria = campaign.criteria_at("sift")
        found = Sift(
            campaign.id,
            member.email,
            [order.references[i] for i in order.ids],
            [(c.code, c.name) for c in criteria],
            {a.reference: {c.code: a.statement_for(c).text for c in criteria} for a in setup.applications},
        )
        db.session.remove()
        db.engine.dispose()
    return found


def assessor(journey, sift: Sift, name: str = "assessor") -> Staff:
    staff = Staff("Member 1", sift.email, PASSWORD, journey.person(name, viewport=WIDE))
    staff.sign_in()
    return staff


class Counted:
    """The page loads of a page's main frame, and the clicks and key presses made (typing text aside)."""

    def __init__(self, page: Page):
        self.page, self.loads, self.navigations, self.actions = page, 0, 0, 0
        page.on("load", self._load)
        page.on("framenavigated", self._navigated)

    def _load(self, page) -> None:
        self.loads += 1

    def _navigated(self, frame) -> None:
        if frame == self.page.main_frame:
            self.navigations += 1

    def click(self, target) -> None:
        target.click()
        self.actions += 1

    def submit(self, button) -> None:
        with self.page.expect_navigation():
            self.click(button)


def score_application(person, counted: Counted, sift: Sift, values: list[int]) -> None:
    """A score and a rationale for each criterion, each a click then typing; nothing ticked."""
    page = person.page
    for (code, name), value in zip(sift.criteria, values, strict=True):
        section = page.locator(f"#criterion-{code}")
        counted.click(section.get_by_role("radio", name=re.compile(f"^{value} – ")))
        counted.click(section.get_by_role("textbox", name=f"Rationale for {name}"))
        page.keyboard.type(f"Evidence at {value} for {name}.")


def test_scoring_an_application_of_five_criteria_takes_one_page_load(journey, sift):
    staff = assessor(journey, sift)
    person, page = staff.person, staff.person.page
    first, second = sift.order[:2]

    with journey.step("the work list leads to the first application in the assessor's order"):
        person.goto(f"/assess/{sift.campaign_id}/sift")
        person.press_button("Continue with the next application")
        expect(page.get_by_role("heading", level=1)).to_have_text(first)
        code, name = sift.criteria[0]
        expect(page.locator(f"#criterion-{code} .recruit-statement")).to_have_text(sift.statements[first][code])

    with journey.step("on a wide screen the score is beside the evidence, on a narrow one beneath it"):
        code, name = sift.criteria[0]
        statement = page.locator(f"#statement-{code}")
        score = page.get_by_role("group", name=f"Score for {name}")
        shown, scale = statement.bounding_box(), score.bounding_box()
        assert scale["x"] >= shown["x"] + shown["width"], "the score sits to the right of the evidence"
        assert scale["y"] - shown["y"] < WIDE["height"], "the score is within a screen of the evidence"
        page.set_viewport_size(NARROW)
        shown, scale = statement.bounding_box(), score.bounding_box()
        assert scale["y"] >= shown["y"] + shown["height"], "on a narrow screen the score comes after the evidence"
        assert abs(scale["x"] - shown["x"]) < 20
        page.set_viewport_size(WIDE)

    with journey.step("score five criteria and submit, going on to the next application"):
        person.arrived()
        counted = Counted(page)
        score_application(person, counted, sift, [5, 4, 6, 3, 5])
        counted.submit(page.get_by_role("button", name="Submit and go to the next application"))
        person.arrived()
        print(f"one application of five criteria: {counted.loads} page load(s), {counted.actions} clicks and keys")
        assert (counted.loads, counted.navigations) == (1, 1)
        assert counted.actions <= MOST_ACTIONS
        expect(page.get_by_role("heading", level=1)).to_have_text(second)
        expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Scores submitted for {first}.")

    with journey.step("the work list shows the application submitted"):
        person.follow("Back to the list")
        expect(page.locator(f'#work-list tr[data-reference="{first}"] td').nth(1)).to_have_text("5 of 5 submitted")
        expect(page.locator("#progress")).to_contain_text("1 of 4")


def test_one_criterion_across_every_application_takes_one_page_load_an_answer(journey, sift):
    staff = assessor(journey, sift)
    person, page = staff.person, staff.person.page
    code, name = sift.criteria[1]
    with journey.step("choose the criterion and continue with the next answer"):
        person.goto(f"/assess/{sift.campaign_id}/sift")
        person.follow("one criterion across all candidates")
        person.follow(name)
        progress = page.locator("#progress dd").first.inner_text()
        scored, total = (int(n) for n in re.findall(r"\d+", progress))
        person.press_button("Continue with the next answer")

    with journey.step("submit each answer and go on to the next, one page load each"):
        while scored < total:
            expect(page.locator("#answers-progress")).to_have_text(f"{scored} of {total} answers scored")
            reference = page.locator(".govuk-caption-l").first.inner_text().split(" – ")[0]
            expect(page.locator("#statement")).to_have_text(sift.statements[reference][code])
            person.arrived()
            counted = Counted(page)
            counted.click(page.get_by_role("radio", name=re.compile("^4 – ")))
            counted.click(page.get_by_role("textbox", name="Rationale"))
            page.keyboard.type("Adequate positive evidence.")
            counted.submit(page.get_by_role("button", name="Submit and next answer"))
            person.arrived()
            assert (counted.loads, counted.actions) == (1, 3)
            scored += 1
        expect(page.locator("#all-scored")).to_have_text(f"You have scored every answer for {name}.")


def test_a_criterion_saved_on_its_own_stays_on_the_page_and_works_without_javascript(journey, sift):
    staff = assessor(journey, sift)
    person, page = staff.person, staff.person.page
    # An application and criteria the other tests leave alone (the second criterion is scored across them all).
    reference = sift.order[2]
    (first, first_name), (second, second_name) = sift.criteria[0], sift.criteria[2]

    with journey.step("with JavaScript, saving one criterion leaves the page where it is"):
        person.goto(f"/assess/{sift.campaign_id}/sift/{reference}")
        typed = page.get_by_role("textbox", name=f"Rationale for {second_name}")
        typed.fill("Typed, not saved yet.")
        section = page.locator(f"#criterion-{first}")
        section.get_by_role("radio", name=re.compile("^5 – ")).check()
        section.get_by_role("textbox", name=f"Rationale for {first_name}").fill("Saved on its own.")
        counted = Counted(page)
        section.get_by_role("button", name=f"Save {first_name}").click()
        expect(page.locator(f"#criterion-{first} .recruit-saved")).to_have_text(f"Draft saved for {first_name}.")
        expect(page.locator("#save-status")).to_have_text(f"Draft saved for {first_name}.")
        expect(page.locator("#criteria tbody tr").first.locator("td").nth(1)).to_have_text("Draft")
        expect(page.locator("#criteria tbody tr").nth(2).locator("td").nth(1)).to_have_text("Not started")
        assert counted.loads == 0 and counted.navigations == 0
        expect(typed).to_have_value("Typed, not saved yet.")

    with journey.step("the work list finds the application among those with drafts"):
        person.follow("Back to the list")
        person.follow(re.compile(r"^only those with drafts"))
        rows = page.locator("#work-list tbody tr[data-reference]")
        expect(rows).to_have_count(1)
        expect(rows.first).to_have_attribute("data-reference", reference)
        expect(rows.first.locator("td").nth(1)).to_contain_text("1 draft")

    with journey.step("without JavaScript the same button saves it and shows the page again"):
        # A browser of its own with scripts off. axe needs them, so it checks these pages where they are on (above
        # and in the other tests); this browser only shows that they work.
        context = journey.browser.new_context(base_url=journey.server.url, java_script_enabled=False, viewport=WIDE)
        try:
            plain = context.new_page()
            plain.goto("/sign-in")
            plain.get_by_label("Email address").fill(sift.email)
            plain.get_by_label("Password", exact=True).fill(PASSWORD)
            with plain.expect_navigation():
                plain.get_by_role("button", name="Sign in").click()
            plain.goto(f"/assess/{sift.campaign_id}/sift/{reference}")
            plain.get_by_role("textbox", name=f"Rationale for {first_name}").fill("Changed without JavaScript.")
            plain.get_by_role("textbox", name=f"Rationale for {second_name}").fill("Still only typed.")
            with plain.expect_navigation():
                plain.get_by_role("button", name=f"Save {first_name}").click()
            expect(plain.locator(".govuk-notification-banner")).to_contain_text(f"Draft saved for {first_name}.")
            expect(plain.get_by_role("textbox", name=f"Rationale for {second_name}")).to_have_value("Still only typed.")
            # Submitting with criteria still to score says which, and leads to them.
            with plain.expect_navigation():
                plain.get_by_role("button", name="Submit scores").click()
            summary = plain.locator(".govuk-error-summary__list a")
            expect(summary.first).to_have_text(f"{second_name}: Select a score")
            expect(summary.first).to_have_attribute("href", f"#{second}-value")
        finally:
            context.close()
