"""A chair moderates the sift using only the keyboard: from the board to the next item to agree, reading the
candidate's evidence and both assessors' scores on the item page, choosing the agreed score with the arrow keys,
agreeing and going straight on to the next discrepant item, correcting a missed rationale from the error summary,
confirming the rest, and writing a candidate's feedback on one page. Focus must be visible wherever it goes and
land where a keyboard user expects; axe checks every page.

The admin, the candidates and the assessors' scoring use the mouse, as in the campaign journey.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from playwright.sync_api import expect

from recruit.clock import UK
from tests.journeys.flows import Candidate, Staff, apply, fill_advert, invite_assessor
from tests.journeys.keyboard import KeyboardUser
from tests.journeys.test_campaign_journey import GRADE, LC, MQ, score_stage

TITLE = "Tax Adviser"
EVIDENCE = {
    "Nadia Osei": {
        LC: "I led our team through a move to a new case system, explained each change at a weekly huddle and "
        "wrote a short guide. Errors fell over the next two months.",
        MQ: "I spotted that refund letters quoted the wrong dates, traced it to one template and had it fixed.",
    },
    "Owen Price": {
        LC: "I chaired the team meeting while my manager was away and kept the actions up to date.",
        MQ: "I check every case against the guidance before I close it so that customers get the right answer.",
    },
}
# Sift scores as (chair, member): Leading and Communicating is discrepant for both candidates, Managing a Quality
# Service is not.
SCORES = {
    ("Nadia Osei", LC): (3, 6),
    ("Nadia Osei", MQ): (5, 5),
    ("Owen Price", LC): (2, 5),
    ("Owen Price", MQ): (4, 5),
}


def set_password(staff: Staff, link: str) -> None:
    """An invited assessor chooses a password from the emailed link and signs in."""
    person = staff.person
    person.goto(link)
    person.fill("Create a password", staff.password)
    person.press_button("Save password")
    expect(person.page.locator(".govuk-notification-banner")).to_contain_text("Your password has been saved")
    staff.sign_in()


def sift_to_moderate(journey, admin: Staff, assessors: tuple[Staff, Staff], candidates: tuple[Candidate, ...]) -> None:
    """An admin (with a mouse) runs a vacancy to the sift; the candidates apply and the panel scores it."""
    server = journey.server
    admin.sign_in()
    links = {staff.email: invite_assessor(admin.person, staff.name, staff.email) for staff in assessors}
    person, page = admin.person, admin.person.page
    person.follow("Campaigns")
    person.follow("Create a campaign")
    person.fill("Job title", TITLE)
    person.fill("Organisation or business unit", "HM Revenue and Customs")
    person.fill("Location", "Cardiff")
    person.fill("Number of posts", "1")
    person.fill("Description", "Advise customers on their tax affairs.")
    fill_advert(person)
    person.select("Start from", GRADE)
    person.press_button("Continue")
    campaign_path = person.path
    for name in ("Collaborating and Partnering", "Delivering at Pace"):
        # Removing asks first, on a page of its own.
        person.follow(f"Remove {name}")
        person.press_button(f"Remove {name}")
    expect(page.locator("#criteria-table tbody th")).to_have_text([LC, MQ])
    person.follow("Change closing date")
    closes = (datetime.fromtimestamp(server.clock.now(), UK) + timedelta(minutes=15)).replace(second=0, microsecond=0)
    person.fill_date("Closing date", closes.day, closes.month, closes.year)
    person.fill("Closing time", f"{closes:%H:%M}")
    person.press_button("Save closing date")
    chair, member = assessors
    person.follow("Change sift panel")
    person.select("Chair", f"{chair.name} ({chair.email})")
    person.choose(f"{member.name} ({member.email})")
    person.press_button("Save panel")
    person.follow("Open for applications")
    person.press_button("Open for applications")
    expect(page.locator("#campaign-status")).to_have_text("Open for applications")
    reference = page.locator(".govuk-caption-l").first.inner_text().strip()

    for candidate in candidates:
        apply(candidate, TITLE, reference)

    server.clock.advance(closes.timestamp() - server.clock.now() + 60)
    person.goto(campaign_path)
    for action, status in (("Close applications", "Closed for applications"), ("Start the sift", "Sift")):
        person.follow(action)
        person.press_button(action)
        expect(page.locator("#campaign-status")).to_have_text(status)

    for position, staff in enumerate(assessors):
        set_password(staff, links[staff.email])
        score_stage(staff, "sift", candidates, SCORES, position)


def test_a_chair_agrees_discrepant_items_using_only_the_keyboard(journey):
    admin = Staff("Alex Admin", journey.server.admin_email, journey.server.admin_password, journey.person("admin"))
    chair = Staff("Cora Chair", "cora.chair@recruit.example", "Maple-Comet-Harbour-27", journey.person("chair"))
    member = Staff("Milo Member", "milo.member@recruit.example", "Thistle-Ocean-Lantern-83", journey.person("member"))
    nadia, owen = (
        Candidate(
            name,
            f"{name.lower().replace(' ', '.')}@example.org",
            "Pepper-Garden-Violet-45",
            "07700 900 321",
            journey.person(name),
            EVIDENCE[name],
        )
        for name in EVIDENCE
    )
    # The board lists the items by reference; the first discrepancy is the earlier reference's.
    with journey.step("an admin runs a vacancy to the sift, two candidates apply and the panel scores"):
        sift_to_moderate(journey, admin, (chair, member), (nadia, owen))
    first, second = sorted((nadia, owen), key=lambda candidate: candidate.reference)

    cora = KeyboardUser(chair.person)
    page = cora.page

    with journey.step("from the board to the next item to agree"):
        cora.skip_to_main()
        cora.tab_to(page.get_by_role("link", name="Moderation board"))
        cora.activate("Enter")
        board_path = chair.person.path
        expect(page.locator("#counts [data-view=discrepant] .govuk-summary-list__value")).to_have_text("2")
        expect(page.locator("#next-item-is")).to_have_text(f"Next: {first.reference}, {LC} (discrepant).")
        cora.skip_to_main()
        cora.tab_to(page.get_by_role("button", name="Next item to agree"))
        cora.activate("Enter")
        expect(page.get_by_role("heading", level=1)).to_contain_text(LC)

    with journey.step("read the evidence and the scores, choose a score with the arrow keys, agree and go on"):
        expect(page.locator("#statement")).to_have_text(first.evidence[LC])
        expect(page.locator("#scores [data-assessor]")).to_have_count(2)
        expect(page.locator("#discrepancy-reasons li").first).to_have_text(
            re.compile(r"^Scores [23] and [56] differ by 3; the threshold is 2\.$")
        )
        proposal = page.locator("#proposal").inner_text().strip()
        cora.skip_to_main()
        # Tab reaches the radios at the one chosen (the proposal); an arrow key moves the choice down one.
        chosen = page.get_by_role("radio", name=re.compile(rf"^{proposal} – "))
        cora.tab_to(chosen)
        cora.press("ArrowLeft")
        lower = page.get_by_role("radio", name=re.compile(rf"^{int(proposal) - 1} – "))
        cora.assert_focus_on(lower)
        expect(lower).to_be_checked()
        cora.tab_to(page.get_by_label("Rationale"))
        cora.type("The example shows the change explained, but not how the chair checked it had landed.")
        cora.tab_to(page.get_by_role("button", name="Agree and go to the next discrepant item"))
        cora.activate("Enter")
        expect(page.locator(".govuk-notification-banner")).to_contain_text(
            f"Agreed score recorded for {first.reference}, {LC}. This is the next discrepant item."
        )
        expect(page.locator(".govuk-caption-l")).to_contain_text(second.reference)

    with journey.step("a missed rationale, corrected from the error summary"):
        cora.skip_to_main()
        cora.tab_to(page.get_by_role("button", name="Agree score"))
        cora.activate("Enter")
        summary = page.locator(".govuk-error-summary")
        cora.assert_focus_on(summary)
        cora.tab_to(summary.get_by_role("link", name=re.compile(r"^Enter the rationale")))
        cora.press("Enter")
        cora.assert_focus_on(page.get_by_label("Rationale"))
        cora.type("One example, with little on the result; the panel settled on the proposal.")
        cora.tab_to(page.get_by_role("button", name="Agree score"))
        cora.activate("Enter")
        expect(page.locator(".govuk-notification-banner")).to_contain_text(
            f"Agreed score recorded for {second.reference}, {LC}."
        )
        expect(page.locator("#counts [data-view=discrepant] .govuk-summary-list__value")).to_have_text("0")

    with journey.step("confirm the proposals that are not discrepant"):
        cora.skip_to_main()
        cora.tab_to(page.get_by_role("button", name="Confirm every proposal that is not discrepant"))
        cora.activate("Space")
        expect(page.locator("#confirm-summary")).to_contain_text("2 proposed scores")
        cora.skip_to_main()
        cora.tab_to(page.get_by_role("button", name="Confirm the proposed scores"))
        cora.activate("Space")
        expect(page.locator(".govuk-notification-banner")).to_contain_text("2 proposed scores confirmed")
        expect(page.locator("#counts [data-view=agreed] .govuk-summary-list__value")).to_have_text("4")
        expect(page.locator("#next-item-is")).to_have_text("No item is ready for you to agree.")

    with journey.step("write a candidate's feedback on one page"):
        cora.skip_to_main()
        cora.tab_to(page.get_by_role("link", name="Feedback for candidates"))
        cora.activate("Enter")
        cora.skip_to_main()
        cora.tab_to(page.get_by_role("link", name=f"Write feedback for {first.reference}"))
        cora.activate("Enter")
        cora.skip_to_main()
        for criterion in (LC, MQ):
            box = page.get_by_label(f"Feedback on {criterion}")
            cora.tab_to(box)
            cora.press("Control+A")
            cora.type(f"On {criterion.lower()}: a clear example; say more about the result.")
        cora.tab_to(page.get_by_role("button", name="Save feedback"))
        cora.activate("Enter")
        expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Feedback saved for {first.reference}")
        expect(page.locator(f'#feedback-overview tr[data-reference="{first.reference}"] .govuk-tag')).to_have_text(
            "Complete"
        )

    with journey.step("from the board to the panel quality page"):
        cora.go_to(board_path)
        expect(page.locator("#agreement tbody tr").first).to_contain_text("Too few scores to judge yet")
        cora.skip_to_main()
        cora.tab_to(page.locator("#quality-link"))
        cora.activate("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text("Panel quality: sift")
        expect(page.locator("#leniency tbody tr")).to_have_count(2)
        cora.skip_to_main()
        cora.tab_to(page.locator("#alpha-explained summary"))
        cora.press("Enter")
        expect(page.locator("#alpha-explained")).to_have_attribute("open", "")
