"""A candidate registers, signs in, applies and submits using only the keyboard: Tab, Shift+Tab, Enter,
Space and typing, never a click; then an assessor signs in and scores the application the same way. Wherever
focus goes it must be visible, and it must land where a keyboard user expects: on the error summary after a bad
submit, and on the field an error link names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from playwright.sync_api import expect

from recruit.clock import UK
from tests.journeys.flows import Staff, accept_invitation, fill_advert, invite_assessor, word_count_message
from tests.journeys.keyboard import KeyboardUser

TITLE = "Revenues Officer"
CRITERION = "Managing a Quality Service"
CODE = "managing-a-quality-service"
EVIDENCE = (
    "I found that refund letters quoted the wrong dates, traced it to one template, had it corrected "
    "and checked every letter sent that week."
)


@dataclass
class Vacancy:
    reference: str
    path: str  # the campaign's page, for the admin
    closes: datetime
    links: dict[str, str]  # each invited assessor's email -> their invitation link
    admin: Staff


def open_vacancy(journey) -> Vacancy:
    """An admin (with a mouse) opens a vacancy with one criterion for the keyboard user to apply to, closing a quarter
    of an hour from now, with a sift panel of two invited assessors."""
    server = journey.server
    admin = Staff("Alex Admin", server.admin_email, server.admin_password, journey.person("admin"))
    admin.sign_in()
    links = {}
    for name in ("Kim Keyes", "Lee Lane"):
        email = f"{name.lower().replace(' ', '.')}@recruit.example"
        links[email] = invite_assessor(admin.person, name, email)
    person, page = admin.person, admin.person.page
    person.follow("Campaigns")
    person.follow("Create a campaign")
    person.fill("Job title", TITLE)
    person.fill("Organisation or business unit", "Valuation Office Agency")
    person.fill("Location", "Leeds")
    person.fill("Number of posts", "2")
    person.fill("Description", "Collect and refund council tax and business rates.")
    fill_advert(person)
    person.select("Start from", "Grade: Civil Service Competency Framework 2012 – Band B")
    person.press_button("Continue")
    reference = page.locator(".govuk-caption-l").first.inner_text().strip()
    path = person.path
    for name in ("Leading and Communicating", "Collaborating and Partnering", "Delivering at Pace"):
        # Removing asks first, on a page of its own.
        person.follow(f"Remove {name}")
        person.press_button(f"Remove {name}")
    expect(page.locator("#criteria-table tbody th")).to_have_text([CRITERION])
    person.follow("Change closing date")
    closes = (datetime.fromtimestamp(server.clock.now(), UK) + timedelta(minutes=15)).replace(second=0, microsecond=0)
    person.fill_date("Closing date", closes.day, closes.month, closes.year)
    person.fill("Closing time", f"{closes:%H:%M}")
    person.press_button("Save closing date")
    person.follow("Change sift panel")
    person.select("Chair", "Kim Keyes (kim.keyes@recruit.example)")
    person.choose("Lee Lane (lee.lane@recruit.example)")
    person.press_button("Save panel")
    person.follow("Open for applications")
    person.press_button("Open for applications")
    expect(page.locator("#campaign-status")).to_have_text("Open for applications")
    return Vacancy(reference, path, closes, links, admin)


def test_a_candidate_applies_using_only_the_keyboard(journey):
    with journey.step("an admin opens a vacancy"):
        vacancy = open_vacancy(journey)
        reference = vacancy.reference

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

    score_with_the_keyboard(journey, vacancy, application)


def score_with_the_keyboard(journey, vacancy: Vacancy, application: str) -> None:
    """The sift starts, and an assessor signs in and scores the application with the keyboard alone: a tick, a score
    and, after the error summary points at it, the rationale."""
    server = journey.server
    with journey.step("the closing time passes and the admin starts the sift"):
        admin = vacancy.admin.person
        server.clock.advance(vacancy.closes.timestamp() - server.clock.now() + 60)
        admin.goto(vacancy.path)
        for action, status in (("Close applications", "Closed for applications"), ("Start the sift", "Sift")):
            admin.follow(action)
            admin.press_button(action)
            expect(admin.page.locator("#campaign-status")).to_have_text(status)

    lee = Staff("Lee Lane", "lee.lane@recruit.example", "Thistle-Compass-Harbour-27", journey.person("Lee"))
    with journey.step("the assessor accepts the invitation and sets up two-factor authentication"):
        accept_invitation(lee, vacancy.links[lee.email], server.clock)
        lee.person.sign_out()

    keys = KeyboardUser(lee.person)
    page = keys.page
    with journey.step("the assessor signs in with the keyboard"):
        keys.go_to("/sign-in")
        keys.skip_to_main()
        keys.tab_to(page.get_by_label("Email address"))
        keys.type(lee.email)
        keys.tab_to(page.get_by_label("Password", exact=True))
        keys.type(lee.password)
        keys.activate("Enter")
        expect(page).to_have_url(re.compile(r"/sign-in/two-factor$"))
        keys.skip_to_main()
        keys.tab_to(page.get_by_label("Security code"))
        keys.type(lee.authenticator.code())
        keys.activate("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text("Your panels")

    with journey.step("from the panels to the application"):
        keys.tab_to(page.get_by_role("link", name=re.compile(f"^{vacancy.reference} – ")))
        keys.activate("Enter")
        keys.skip_to_main()
        keys.tab_to(page.get_by_role("button", name="Continue with the next application"))
        keys.activate("Space")  # a link styled as a button answers the space bar as a button does
        expect(page.get_by_role("heading", level=1)).to_have_text(application)

    with journey.step("tick an indicator and choose a score"):
        section = page.locator(f"#criterion-{CODE}")
        expect(section.locator(".recruit-statement")).to_have_text(EVIDENCE)
        keys.skip_to_main()
        tick = section.get_by_role("group", name=f"Effective indicators evidenced for {CRITERION}")
        tick = tick.get_by_role("checkbox").first
        keys.tab_to(tick)
        keys.press("Space")
        expect(tick).to_be_checked()
        # Tab reaches the scale at its first point; the arrow keys move down it, choosing as they go.
        keys.tab_to(section.get_by_role("radio", name=re.compile("^1 – ")))
        for _ in range(3):
            keys.press("ArrowDown")
            keys.assert_focus_visible()
        expect(section.get_by_role("radio", name=re.compile("^4 – "))).to_be_checked()

    with journey.step("submit, correct the missing rationale from the error summary, and submit again"):
        keys.tab_to(page.get_by_role("button", name="Submit scores"))
        keys.activate("Enter")
        summary = page.locator(".govuk-error-summary")
        keys.assert_focus_on(summary)
        keys.tab_to(summary.get_by_role("link", name=f"{CRITERION}: Enter your rationale for the score"))
        keys.press("Enter")
        rationale = page.get_by_role("textbox", name=f"Rationale for {CRITERION}")
        keys.assert_focus_on(rationale)
        expect(page.locator(f"#criterion-{CODE}").get_by_role("radio", name=re.compile("^4 – "))).to_be_checked()
        keys.type("One clear example of finding a fault, fixing it and checking the result: acceptable.")
        keys.tab_to(page.get_by_role("button", name="Submit scores"))
        keys.activate("Enter")
        expect(page.locator(".govuk-notification-banner")).to_contain_text("Scores submitted.")
        expect(page.locator("#criteria tbody td").nth(1)).to_have_text("Submitted: 4")
