"""An admin sets up a new campaign by walking its task list in Chromium: each task's status changes as it is done,
and each confirmation page says, with real counts and names, what the move will do. Once the closing time has
passed, the open campaign reads "Closed for applications" before the admin closes it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from playwright.sync_api import expect

from recruit.clock import UK, format_uk
from tests.journeys.flows import Candidate, Staff, apply, fill_advert, invite_assessor, register

TITLE = "Court Listing Officer"
GRADE = "Grade: Civil Service Competency Framework 2012 – Band B"
LC, MQ = "Leading and Communicating", "Managing a Quality Service"
TASKS = [
    "Vacancy details",
    "Closing date",
    "Criteria",
    "Scoring",
    "Sift panel",
    "Interview panel",
    "Calibration round",
    "Open for applications",
]


def task(page, name: str):
    return page.locator("#campaign-tasks .govuk-task-list__item").filter(
        has=page.locator(".govuk-task-list__name-and-hint", has_text=re.compile(rf"^\s*{re.escape(name)}"))
    )


def expect_task(page, name: str, status: str, hint: str | None = None) -> None:
    item = task(page, name)
    expect(item.locator(".govuk-task-list__status")).to_have_text(status)
    if hint is not None:
        expect(item.locator(".govuk-task-list__hint")).to_have_text(hint)


def consequences(page) -> list[str]:
    return [text.strip() for text in page.locator("#consequences li").all_inner_texts()]


def test_an_admin_walks_the_task_list_to_open_a_campaign_and_through_to_the_sift(journey):
    server = journey.server
    admin = Staff("Alex Admin", server.admin_email, server.admin_password, journey.person("admin"))
    person, page = admin.person, admin.person.page
    chair = ("Tess Chair", "tess.chair@recruit.example")
    member = ("Omar Member", "omar.member@recruit.example")

    with journey.step("admin invites two assessors and creates a campaign"):
        admin.sign_in()
        for name, email in (chair, member):
            invite_assessor(person, name, email)
        person.follow("Campaigns")
        person.follow("Create a campaign")
        person.fill("Job title", TITLE)
        person.fill("Organisation or business unit", "HM Courts and Tribunals Service")
        person.fill("Location", "Bristol")
        person.fill("Number of posts", "1")
        person.fill("Description", "List hearings for the county court.")
        fill_advert(person)
        person.select("Start from", GRADE)
        person.press_button("Continue")
        campaign_path = person.path
        expect(page.locator("#campaign-tasks .govuk-task-list__item")).to_have_count(len(TASKS))
        expect(page.locator("#campaign-status")).to_have_text("Draft")
        expect(page.locator("#next-step")).to_contain_text(
            "Next: complete the tasks below, then open the campaign for applications"
        )
        expect_task(page, "Vacancy details", "Completed", "HM Courts and Tribunals Service, Bristol; 1 post")
        expect_task(page, "Closing date", "Incomplete", "Set a closing date and time")
        expect_task(page, "Criteria", "Completed", "4 criteria at the sift, 4 at interview")
        expect_task(page, "Scoring", "Completed")
        expect_task(page, "Sift panel", "Incomplete", "Choose a chair for the sift panel")
        expect_task(page, "Interview panel", "Incomplete")
        expect_task(
            page,
            "Open for applications",
            "Cannot start yet",
            "First: set a closing date and time; choose a chair for the sift panel",
        )
        # The task that cannot start yet has no link; withdrawing is at the foot of the page.
        expect(task(page, "Open for applications").get_by_role("link")).to_have_count(0)
        expect(page.locator("#withdraw-button")).to_have_text("Withdraw the campaign")

    with journey.step("vacancy details"):
        person.follow("Vacancy details", within=page.locator("#campaign-tasks"))
        person.fill("Location", "Bristol and Bath")
        person.press_button("Continue")
        expect_task(page, "Vacancy details", "Completed", "HM Courts and Tribunals Service, Bristol and Bath; 1 post")

    with journey.step("scoring: a pre-sift needs a lead criterion"):
        person.follow("Scoring", within=page.locator("#campaign-tasks"))
        person.fill("Pre-sift threshold (optional)", "5")
        person.press_button("Save scoring settings")
        expect_task(
            page,
            "Scoring",
            "Incomplete",
            "Choose a lead criterion assessed at the sift for the pre-sift, or remove the pre-sift threshold",
        )
        person.follow(f"Change {LC}")
        person.choose("This is the lead criterion")
        person.press_button("Save criterion")
        expect_task(page, "Scoring", "Completed")
        expect(task(page, "Scoring").locator(".govuk-task-list__hint")).to_contain_text("pre-sift above 5 applications")

    with journey.step("criteria: removing one is confirmed first, and the lead's removal is warned about"):
        person.follow(f"Remove {LC}")
        expect(page.locator("h1")).to_have_text(f"Are you sure you want to remove {LC}?")
        expect(page.locator(".govuk-warning-text").first).to_contain_text(f"{LC} is the lead criterion")
        expect(page.locator(".govuk-warning-text").nth(1)).to_contain_text("there will be no pre-sift")
        person.follow("Cancel")
        for name in ("Collaborating and Partnering", "Delivering at Pace"):
            person.follow(f"Remove {name}")
            expect(page.locator(".govuk-warning-text")).to_have_count(0)
            person.press_button(f"Remove {name}")
            expect(page.locator(".govuk-notification-banner")).to_contain_text(f"{name} removed")
        expect(page.locator("#criteria-table tbody th")).to_have_text([f"{LC} Lead", MQ])
        expect_task(page, "Criteria", "Completed", "2 criteria at the sift, 2 at interview")

    with journey.step("closing date"):
        person.follow("Closing date", within=page.locator("#campaign-tasks"))
        closes = (datetime.fromtimestamp(server.clock.now(), UK) + timedelta(minutes=20)).replace(
            second=0, microsecond=0
        )
        person.fill_date("Closing date", closes.day, closes.month, closes.year)
        person.fill("Closing time", f"{closes:%H:%M}")
        person.press_button("Save closing date")
        expect_task(page, "Closing date", "Completed", f"Closes {format_uk(closes)} (UK time)")
        expect_task(page, "Open for applications", "Cannot start yet", "First: choose a chair for the sift panel")

    with journey.step("panels"):
        for stage in ("Sift", "Interview"):
            person.follow(f"{stage} panel", within=page.locator("#campaign-tasks"))
            person.select("Chair", f"{chair[0]} ({chair[1]})")
            person.choose(f"{member[0]} ({member[1]})")
            person.press_button("Save panel")
            expect_task(page, f"{stage} panel", "Completed", f"Chair: {chair[0]}; members: {member[0]}")
        expect_task(page, "Open for applications", "Incomplete", "Publish the vacancy")

    with journey.step("open for applications, after reading what it does"):
        person.follow("Open for applications", within=page.locator("#campaign-tasks"))
        assert consequences(page) == [
            f"The vacancy is published on the public vacancies list, and anyone can apply until {format_uk(closes)} "
            "(UK time).",
            f"The 2 sift criteria ({LC}, {MQ}), their levels, word limits and order, and the "
            "Civil Service 1–7 scale become fixed: candidates write their evidence against them.",
            "You can still change the vacancy details, make the closing date later, and change pass marks, weights, "
            "the panels and criteria assessed only at interview.",
        ]
        expect(page.locator("#irreversible")).to_contain_text("Once the campaign is open it cannot go back to draft.")
        person.press_button("Open for applications")
        expect(page.locator("#campaign-status")).to_have_text("Open for applications")
        expect(page.locator("#next-step")).to_have_text(f"Next: close applications after {format_uk(closes)}")
        expect_task(page, "Open for applications", "Completed")
        expect(page.locator("#reports-link")).to_be_visible()
        reference = page.locator(".govuk-caption-l").first.inner_text().strip()

    with journey.step("one candidate applies and another leaves a draft"):
        applicant = Candidate(
            "Nia Okafor",
            "nia.okafor@example.org",
            "Juniper-Beacon-Satchel-41",
            "07700 900 321",
            journey.person("Nia"),
            {
                LC: "I briefed the listing team every morning and wrote down the changes so nobody missed one.",
                MQ: "I found that hearings were double booked, fixed the diary rules and checked each week after.",
            },
        )
        apply(applicant, TITLE, reference)
        drafter = Candidate(
            "Ravi Patel", "ravi.patel@example.org", "Marigold-Anchor-Ferry-88", "07700 900 654", journey.person("Ravi")
        )
        register(drafter)
        drafter.person.follow("Vacancies")
        drafter.person.follow(TITLE)
        drafter.person.press_button("Apply for this job")
        drafter.person.press_button("Start your application")

    with journey.step("withdrawing says how many candidates it would affect"):
        person.goto(campaign_path)
        person.follow("Withdraw the campaign")
        assert consequences(page)[1] == (
            "The campaign ends for the 2 candidates with an application (1 submitted, 1 draft): none of them can "
            "change it any more."
        )
        expect(page.locator("#irreversible")).to_contain_text("Withdrawing the campaign cannot be undone.")

    with journey.step("the closing time passes: the campaign reads as closed before the admin closes it"):
        server.clock.advance(closes.timestamp() - server.clock.now() + 60)
        person.goto(campaign_path)
        expect(page.locator("#campaign-status")).to_have_text("Closed for applications")
        expect(page.locator("#next-step p").first).to_have_text("Next: close applications")
        person.goto("/admin/campaigns")
        row = page.locator("#campaigns tr", has=page.get_by_role("link", name=reference, exact=True))
        expect(row.locator(".govuk-tag")).to_have_text("Closed for applications")

    with journey.step("close applications"):
        person.goto(campaign_path)
        person.follow("Close applications")
        assert consequences(page) == [
            "1 submitted application goes to the sift; 1 draft application will lapse.",
            "Candidates with a draft can no longer submit it.",
        ]
        expect(page.locator("#irreversible")).to_contain_text("Applications cannot be reopened once closed.")
        person.press_button("Close applications")
        expect(page.locator("#campaign-status")).to_have_text("Closed for applications")

    with journey.step("start the sift"):
        person.follow("Start the sift")
        assert consequences(page) == [
            "1 application goes to the sift.",
            f"{chair[0]} chairs the sift panel; {member[0]} sits on it.",
            "The pre-sift threshold is 5; with 1 application there is no pre-sift, so the panel scores every sift "
            "criterion.",
            "The vacancy details, the scoring rules and the sift panel become fixed.",
        ]
        person.press_button("Start the sift")
        expect(page.locator("#campaign-status")).to_have_text("Sift")
        expect(page.locator("#next-step p").first).to_have_text("Next: start the interview stage")
        expect(page.locator("#next-step-blockers li").first).to_have_text(
            "Record the sift decision: who goes on to interview"
        )
