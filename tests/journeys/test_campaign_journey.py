"""A campaign from start to finish in a real browser, as the people who run it and apply to it do it.

An admin invites a panel and builds a campaign from a grade; two candidates register and apply; three
assessors sign in with two-factor authentication and score the sift; the chair moderates a discrepancy
and signs off after the admin's decision; the interview stage runs to a merit list; the reports download;
and a candidate reads the feedback released to them. Every page visited is checked with axe-core.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from tests.journeys.flows import Candidate, Staff, accept_invitation, apply, invite_assessor

LC = "Leading and Communicating"
MQ = "Managing a Quality Service"
GRADE = "Grade: Civil Service Competency Framework 2012 – Band B"
TITLE = "Benefits Caseworker"

EVIDENCE = {
    "Priya Shah": {
        LC: "When our office moved to a new case system I explained the change to twelve colleagues, "
            "answered their worries in a weekly session and wrote a one page guide. Queries fell by half.",
        MQ: "I noticed letters going out with the wrong appeal dates. I checked a sample, found the template "
            "fault, had it fixed and rechecked every letter sent that month. No appeals were missed.",
    },
    "Tom Evans": {
        LC: "I ran the morning huddle for my team and made sure everyone knew the priorities for the day.",
        MQ: "I keep my cases up to date and follow the checklist so that customers get the right answer.",
    },
}

# Sift scores as (chair, member 1, member 2). Priya's Leading and Communicating is 3 apart (a discrepancy
# the chair settles at 5); everything else is within the threshold and confirmed as proposed.
SIFT = {
    ("Priya Shah", LC): (3, 6, 5),
    ("Priya Shah", MQ): (5, 5, 6),
    ("Tom Evans", LC): (4, 4, 5),
    ("Tom Evans", MQ): (4, 5, 4),
}
# Interview scores as (chair, member 1): all agree, Priya first on the merit list.
INTERVIEW = {
    ("Priya Shah", LC): (6, 6),
    ("Priya Shah", MQ): (6, 6),
    ("Tom Evans", LC): (5, 5),
    ("Tom Evans", MQ): (4, 4),
}


def test_a_campaign_from_a_grade_to_released_feedback(journey):
    server = journey.server
    admin = Staff("Alex Admin", server.admin_email, server.admin_password, journey.person("admin"))
    chair = Staff("Chris Chair", "chris.chair@recruit.example", "Otter-Marble-Violin-58", journey.person("chair"))
    member1 = Staff("Morgan Member", "morgan.member@recruit.example", "Cactus-Harbour-Tulip-73",
                    journey.person("member 1"))
    member2 = Staff("Sam Member", "sam.member@recruit.example", "Walnut-Glacier-Piano-16",
                    journey.person("member 2"))
    assessors = (chair, member1, member2)
    priya = Candidate("Priya Shah", "priya.shah@example.org", "Lemon-Thunder-Parcel-92", "07700 900 123",
                      journey.person("Priya"), EVIDENCE["Priya Shah"])
    tom = Candidate("Tom Evans", "tom.evans@example.org", "Copper-Meadow-Kettle-35", "07700 900 456",
                    journey.person("Tom"), EVIDENCE["Tom Evans"])
    candidates = (priya, tom)

    with journey.step("admin invites the panel"):
        admin.sign_in()
        links = {staff.email: invite_assessor(admin.person, staff.name, staff.email) for staff in assessors}

    with journey.step("assessors set a password and two-factor authentication"):
        for staff in assessors:
            accept_invitation(staff, links[staff.email], server.clock)
            expect(staff.person.page).to_have_url(re.compile(r"/assess$"))

    with journey.step("admin builds a campaign from a grade"):
        page = admin.person.page
        admin.person.follow("Campaigns")
        admin.person.follow("Create a campaign")
        admin.person.fill("Job title", TITLE)
        admin.person.fill("Organisation or business unit", "Department for Work and Pensions")
        admin.person.fill("Location", "Glasgow")
        admin.person.fill("Number of posts", "1")
        admin.person.fill("Description", "Help people claim the benefits they are owed.\n\nFull time, 37 hours.")
        admin.person.select("Start from", GRADE)
        admin.person.press_button("Continue")
        expect(page.locator(".govuk-notification-banner")).to_contain_text("created with 4 proposed criteria")
        reference = page.locator(".govuk-caption-l").first.inner_text().strip()
        campaign_path = admin.person.path
        criteria = page.locator("#criteria-table tbody th")
        expect(criteria).to_have_text([LC, "Collaborating and Partnering", MQ, "Delivering at Pace"])
        # Two criteria are enough for this vacancy: the admin drops the other two.
        for name in ("Collaborating and Partnering", "Delivering at Pace"):
            admin.person.press_button(f"Remove {name}")
            expect(page.locator(".govuk-notification-banner")).to_contain_text(f"{name} removed")
        expect(criteria).to_have_text([LC, MQ])

        admin.person.follow("Change closing date")
        closes = date.today() + timedelta(days=1)
        admin.person.fill_date("Closing date", closes.day, closes.month, closes.year)
        admin.person.fill("Closing time", "17:00")
        admin.person.press_button("Save closing date")
        expect(page.locator("#vacancy-summary")).to_contain_text(f"{closes.day} {closes:%B %Y} at 5:00pm (UK time)")

        for stage, staff_chair, staff_members in (("sift", chair, (member1, member2)), ("interview", chair, (member1,))):
            admin.person.follow(f"Change {stage} panel")
            admin.person.select("Chair", f"{staff_chair.name} ({staff_chair.email})")
            for member in staff_members:
                admin.person.choose(f"{member.name} ({member.email})")
            admin.person.press_button("Save panel")
        expect(page.locator("#panels-summary")).to_contain_text(
            "Sift panel Chair: Chris Chair. Members: Morgan Member, Sam Member")
        expect(page.locator("#panels-summary")).to_contain_text("Interview panel Chair: Chris Chair. Members: Morgan Member")

        admin.person.follow("Open for applications")
        admin.person.press_button("Open for applications")
        expect(page.locator("#campaign-status")).to_have_text("Open")

    for candidate in candidates:
        with journey.step(f"{candidate.name} registers and applies"):
            apply(candidate, TITLE, reference)
