"""A candidate registers, signs in, applies and submits using only the keyboard: Tab, Shift+Tab, Enter,
Space and typing, never a click. Wherever focus goes it must be visible, and it must land where a
keyboard user expects: on the error summary after a bad submit, and on the field an error link names.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from playwright.sync_api import expect

from recruit.clock import UK
from tests.journeys.flows import Staff, invite_assessor, word_count_message
from tests.journeys.keyboard import KeyboardUser

TITLE = "Revenues Officer"
CRITERION = "Managing a Quality Service"
EVIDENCE = (
    "I found that refund letters quoted the wrong dates, traced it to one template, had it corrected "
    "and checked every letter sent that week."
)


def open_vacancy(journey) -> str:
    """An admin (with a mouse) opens a vacancy with one criterion for the keyboard user to apply to."""
    server = journey.server
    admin = Staff("Alex Admin", server.admin_email, server.admin_password, journey.person("admin"))
    admin.sign_in()
    for name in ("Kim Keyes", "Lee Lane"):
        invite_assessor(admin.person, name, f"{name.lower().replace(' ', '.')}@recruit.example")
    person, page = admin.person, admin.person.page
    person.follow("Campaigns")
    person.follow("Create a campaign")
    person.fill("Job title", TITLE)
    person.fill("Organisation or business unit", "Valuation Office Agency")
    person.fill("Location", "Leeds")
    person.fill("Number of posts", "2")
    person.fill("Description", "Collect and refund council tax and business rates.")
    person.select("Start from", "Grade: Civil Service Competency Framework 2012 – Band B")
    person.press_button("Continue")
    reference = page.locator(".govuk-caption-l").first.inner_text().strip()
    for name in ("Leading and Communicating", "Collaborating and Partnering", "Delivering at Pace"):
        person.press_button(f"Remove {name}")
    expect(page.locator("#criteria-table tbody th")).to_have_text([CRITERION])
    person.follow("Change closing date")
    closes = datetime.fromtimestamp(server.clock.now(), UK) + timedelta(days=7)
    person.fill_date("Closing date", closes.day, closes.month, closes.year)
    person.fill("Closing time", "17:00")
    person.press_button("Save closing date")
    person.follow("Change sift panel")
    person.select("Chair", "Kim Keyes (kim.keyes@recruit.example)")
    person.choose("Lee Lane (lee.lane@recruit.example)")
    person.press_button("Save panel")
    person.follow("Open for applications")
    person.press_button("Open for applications")
    expect(page.locator("#campaign-status")).to_have_text("Open")
    return reference


def test_a_candidate_applies_using_only_the_keyboard(journey):
    with journey.step("an admin opens a vacancy"):
        reference = open_vacancy(journey)

    kai = KeyboardUser(journey.person("Kai"))
    page = kai.page
    email, password = "kai.kowalski@example.org", "Saffron-Lighthouse-Quill-64"

    with journey.step("register, correcting a missed name from the error summary"):
        kai.go_to("/register")
        kai.skip_to_main()
        name_box = page.get_by_label("Full name")
        kai.tab_to(name_box)
        kai.tab_to(page.get_by_label("Email address"))
        kai.type(email)
        kai.tab_to(page.get_by_label("Create a password"))
        kai.type(password)
        kai.tab_to(page.get_by_role("button", name="Create account"))
        kai.activate("Enter")
        summary = page.locator(".govuk-error-summary")
        kai.assert_focus_on(summary)
        error_link = summary.get_by_role("link", name="Enter your full name")
        kai.tab_to(error_link)
        kai.press("Enter")
        kai.assert_focus_on(name_box)
        kai.type("Kai Kowalski")
        kai.tab_to(page.get_by_label("Create a password"))
        kai.type(password)
        kai.activate("Enter")  # Enter in a text box submits its form
        expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    with journey.step("confirm the email address from the emailed link"):
        kai.go_to(journey.server.emailed_link(email, "/register/confirm/"))
        kai.skip_to_main()
        kai.tab_to(page.get_by_label("Password", exact=True))
        kai.type(password)
        kai.activate("Enter")
        expect(page.locator(".govuk-notification-banner")).to_contain_text("Your account has been created")

    with journey.step("sign out and sign in again"):
        kai.assert_focus_on(page.locator(".govuk-notification-banner"))
        kai.tab_to(page.get_by_role("button", name="Sign out"), backwards=True)
        kai.activate("Enter")
        expect(page).to_have_url(re.compile(r"/sign-in$"))
        kai.skip_to_main()
        kai.tab_to(page.get_by_label("Email address"))
        kai.type(email)
        kai.tab_to(page.get_by_label("Password", exact=True))
        kai.type(password)
        kai.activate("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text("Your applications")

    with journey.step("find the vacancy and start an application"):
        kai.tab_to(page.get_by_role("link", name="Vacancies", exact=True))
        kai.activate("Enter")
        kai.skip_to_main()
        kai.tab_to(page.get_by_role("link", name=TITLE))
        kai.activate("Enter")
        expect(page.locator("#vacancy-facts")).to_contain_text(reference)
        kai.skip_to_main()
        kai.tab_to(page.get_by_role("button", name="Apply for this job"))
        kai.activate("Space")  # a link styled as a button answers the space bar as a button does
        kai.skip_to_main()
        kai.tab_to(page.get_by_role("button", name="Start your application"))
        kai.activate("Enter")
        application = page.locator(".govuk-caption-l").first.inner_text().strip()
        assert re.fullmatch(r"RC-[0-9A-Z]{6}", application)

    with journey.step("personal details, correcting a telephone number"):
        kai.skip_to_main()
        kai.tab_to(page.get_by_role("link", name="Personal details"))
        kai.activate("Enter")
        expect(page.get_by_label("Full name")).to_have_value("Kai Kowalski")
        phone = page.get_by_label("UK telephone number (optional)")
        kai.skip_to_main()
        kai.tab_to(phone)
        kai.type("call me")
        kai.activate("Enter")
        summary = page.locator(".govuk-error-summary")
        kai.assert_focus_on(summary)
        kai.tab_to(summary.get_by_role("link", name=re.compile(r"^Enter a telephone number")))
        kai.press("Enter")
        kai.assert_focus_on(phone)
        kai.press("Control+A")
        kai.type("0113 496 0000")
        kai.activate("Enter")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Your application for")

    with journey.step("write the evidence"):
        kai.skip_to_main()
        kai.tab_to(page.get_by_role("link", name=f"Evidence: {CRITERION}"))
        kai.activate("Enter")
        box = page.get_by_label("Your evidence")
        status = page.locator(".govuk-character-count__status")
        kai.skip_to_main()
        kai.tab_to(box)
        expect(status).to_have_text(word_count_message(250, 0))
        kai.type(EVIDENCE)
        expect(status).to_have_text(word_count_message(250, len(EVIDENCE.split())))
        kai.tab_to(page.get_by_role("button", name="Save and continue"))
        kai.activate("Enter")

    with journey.step("check and submit"):
        kai.skip_to_main()
        kai.tab_to(page.get_by_role("link", name="Check and submit"))
        kai.activate("Enter")
        expect(page.locator("#check-evidence")).to_contain_text(EVIDENCE)
        declaration = page.get_by_role("checkbox")
        submit = page.get_by_role("button", name="Submit application")
        kai.skip_to_main()
        kai.tab_to(submit)
        kai.tab_to(declaration, backwards=True)
        kai.press("Space")
        expect(declaration).to_be_checked()
        kai.tab_to(submit)
        kai.activate("Enter")
        expect(page.locator("#reference")).to_have_text(application)
