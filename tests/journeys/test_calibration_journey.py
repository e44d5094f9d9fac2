"""A calibration round before the sift opens, in Chromium (DESIGN §11): the admin requires the round and adds
benchmark answers; each panel member scores them on their own in the scoring screen; a member who is not the chair
cannot see the comparison; the chair compares everyone's scores with their spread, records the agreed scores and
opens the sift. Every page is checked with axe-core as it loads.

The campaign, closed for applications with its panel, is made with the services the admin's pages use, in the
served app's database: the campaign journeys build one through the pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from recruit import create_app
from recruit.config import Config
from recruit.extensions import db
from tests.factories import PASSWORD, UserFactory, closed_campaign
from tests.journeys.flows import Staff

ANSWERS = {
    "Benchmark A": "I set up a weekly meeting with the team to agree priorities and checked progress against them.",
    "Benchmark B": "I answered customer letters on time, and asked a colleague to check my replies.",
}


@dataclass(frozen=True)
class Round:
    campaign_id: int
    admin: str
    chair: str
    members: list[str]
    criteria: list[str]  # the sift criteria's names, in order


@pytest.fixture(scope="module")
def closed(live_server) -> Round:
    app = create_app(Config, SQLALCHEMY_DATABASE_URI=live_server.database_url)
    with app.app_context():
        admin = UserFactory(role="admin", name="Cal Admin", email="cal.admin@recruit.example")
        setup = closed_campaign(admin, applications=2, members=2, keep_criteria=2)
        found = Round(
            setup.campaign.id,
            admin.email,
            setup.chair.email,
            [member.email for member in setup.members],
            [criterion.name for criterion in setup.campaign.criteria_at("sift")],
        )
        db.session.remove()
        db.engine.dispose()
    return found


def staff(journey, name: str, email: str) -> Staff:
    person = Staff(name, email, PASSWORD, journey.person(name))
    person.sign_in()
    return person


def score_benchmark(person, label: str, value: int, rationale: str) -> None:
    page = person.page
    person.follow(label)
    expect(page.locator("#statement")).to_have_text(ANSWERS[label])
    expect(page.locator("#benchmark-notice")).to_contain_text("not a candidate's")
    page.get_by_role("radio", name=re.compile(f"^{value} – ")).check()
    person.fill("Rationale", rationale)
    person.press_button("Submit score")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Benchmark score submitted.")


def test_a_calibration_round_runs_before_the_sift_opens(journey, closed):
    base = f"/assess/{closed.campaign_id}/calibration"

    with journey.step("the admin requires the round and adds a benchmark answer to each sift criterion"):
        admin = staff(journey, "Cal Admin", closed.admin)
        person, page = admin.person, admin.person.page
        person.goto(f"/admin/campaigns/{closed.campaign_id}/settings")
        person.choose("Require a calibration round before the sift starts")
        person.press_button("Save scoring settings")
        task = page.locator(".recruit-task--calibration")
        expect(task).to_contain_text("Add a benchmark answer to the calibration round")
        expect(page.locator("#next-step")).to_contain_text("Add a benchmark answer to the calibration round")
        person.follow("Calibration round")
        expect(page.get_by_role("heading", level=1)).to_have_text("Calibration round")
        for (label, text), criterion in zip(ANSWERS.items(), closed.criteria, strict=True):
            person.follow("Add a benchmark answer")
            person.select("Criterion", criterion)
            expect(page.get_by_label("Label", exact=True)).to_have_value(label)
            person.fill("Benchmark answer", text)
            person.press_button("Save benchmark answer")
            expect(page.locator(".govuk-notification-banner")).to_contain_text(f"{label} added.")
        expect(page.locator("tr[data-benchmark]")).to_have_count(2)
        admin.person.sign_out()

    with journey.step("each member scores the benchmark answers on their own, in the scoring screen"):
        for number, (email, values) in enumerate(zip(closed.members, ([3, 5], [5, 5]), strict=True), start=1):
            member = staff(journey, f"Member {number}", email)
            person, page = member.person, member.person.page
            expect(page.locator("#calibration")).to_contain_text(
                "Calibration: score 2 benchmark answers before the sift opens"
            )
            person.follow(within=page.locator("#calibration"))
            for label, value in zip(ANSWERS, values, strict=True):
                score_benchmark(person, label, value, f"Member {number}'s reasons for {value}.")
            rows = page.locator("tr[data-benchmark] .recruit-own-benchmark-score")
            expect(rows).to_have_text([f"Submitted: {value}" for value in values])
            expect(page.locator("main")).not_to_contain_text("Scores submitted")
            # A member who is not the chair never sees the others' scores.
            scored = page.get_by_role("link", name="Benchmark A", exact=True).get_attribute("href")
            assert scored is not None and scored.startswith(base) and scored.endswith("/score")
            compare = page.request.get(journey.server.url + scored.removesuffix("/score") + "/compare")
            assert compare.status == 404
            other = "Member 2" if number == 1 else "Member 1"
            expect(page.locator("main")).not_to_contain_text(other)
            person.sign_out()

    with journey.step("the chair compares the scores side by side, agrees each and opens the sift"):
        chair = staff(journey, "Chair Person", closed.chair)
        person, page = chair.person, chair.person.page
        person.follow(within=page.locator("#calibration"))
        score_benchmark(person, "Benchmark A", 4, "The chair's own reasons.")
        expect(page.locator("#calibration-problems")).to_contain_text("The chair must agree the score for 2")
        for label, agreed in (("Benchmark A", 4), ("Benchmark B", 5)):
            person.follow(f"Compare and agree {label}")
            rows = page.locator("#member-scores tbody tr")
            expect(rows).to_have_count(3)
            if label == "Benchmark A":
                expect(rows.nth(0)).to_contain_text("The chair's own reasons.")
                expect(rows.nth(1)).to_contain_text("Member 1's reasons for 3.")
                expect(page.locator("#spread")).to_contain_text("Range")
                expect(page.locator("#spread")).to_contain_text("2")
            page.get_by_role("radio", name=re.compile(f"^{agreed} – ")).check()
            person.fill("Notes", f"Agreed at {agreed} after discussion.")
            person.press_button("Record the agreed score")
            expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Agreed score recorded for {label}.")
        expect(page.locator("#calibration-problems")).to_have_count(0)
        person.follow("Start the sift")
        expect(page.locator("#consequences")).to_contain_text("go to the sift")
        person.press_button("Start the sift")
        expect(page.locator(".govuk-notification-banner")).to_contain_text("the sift has started")
        expect(page.get_by_role("heading", level=1)).to_have_text("Sift")
