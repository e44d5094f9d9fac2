"""A candidate registers, signs in, applies and submits using only the keyboard: Tab, Shift+Tab, Enter,
Space and typing, never a click. Wherever focus goes it must be visible, and it must land where a
keyboard user expects: on the error summary after a bad submit, and on the field an error link names.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from playwright.sync_api import Locator, expect

from recruit.clock import UK
from tests.journeys.flows import Staff, invite_assessor, word_count_message
from tests.journeys.people import Person

TITLE = "Revenues Officer"
CRITERION = "Managing a Quality Service"
EVIDENCE = ("I found that refund letters quoted the wrong dates, traced it to one template, had it corrected "
            "and checked every letter sent that week.")

# True when the focused element shows a focus indicator: its own outline or box shadow, GOV.UK's yellow
# focus colour, or, for GOV.UK radios and checkboxes (whose input is invisible), the ring drawn around
# the box by the label's ::before.
FOCUS_VISIBLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return false;
  const shows = (style) => (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
    || (style.boxShadow && style.boxShadow !== 'none') || style.backgroundColor === 'rgb(255, 221, 0)';
  if (shows(getComputedStyle(el))) return true;
  if (el.matches('.govuk-checkboxes__input, .govuk-radios__input')) {
    const label = el.labels && el.labels[0];
    return Boolean(label) && shows(getComputedStyle(label, '::before'));
  }
  return false;
}"""


class KeyboardUser:
    """A person who uses only the keyboard, with checks on where focus lands."""

    def __init__(self, person: Person):
        self.person, self.page = person, person.page

    def focused(self) -> str:
        return self.page.evaluate("() => document.activeElement ? document.activeElement.outerHTML.slice(0, 120) : ''")

    def assert_focus_visible(self) -> None:
        assert self.page.evaluate(FOCUS_VISIBLE), f"focus is not visible on {self.focused()}"

    def assert_focus_on(self, target: Locator) -> None:
        expect(target).to_be_focused()
        self.assert_focus_visible()

    def press(self, key: str) -> None:
        self.person.arrived()
        self.page.keyboard.press(key)

    def tab_to(self, target: Locator, limit: int = 40, backwards: bool = False) -> None:
        """Tab (or Shift+Tab) until the target has focus; every stop on the way must show its focus.

        Past the last link focus leaves the page for the browser's own controls, and the next press
        brings it back to the top: that one stop (the document body) is not on the page to be seen.
        """
        key = "Shift+Tab" if backwards else "Tab"
        left_the_page = False
        for _ in range(limit):
            self.press(key)
            if self.page.evaluate("() => document.activeElement === document.body") and not left_the_page:
                left_the_page = True
                continue
            left_the_page = False
            self.assert_focus_visible()
            if target.evaluate("element => element === document.activeElement"):
                return
        raise AssertionError(f"{limit} presses of {key} did not reach {target}; focus is on {self.focused()}")

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def activate(self, key: str = "Enter") -> None:
        """Press a key that leaves the page (Enter on a link or button, Space on a button)."""
        self.person.arrived()
        with self.page.expect_navigation():
            self.page.keyboard.press(key)
        self.person.arrived()

    def go_to(self, path: str) -> None:
        """Type an address into the browser."""
        self.person.goto(path)

    def skip_to_main(self) -> None:
        """From the top of a new page, the first Tab reaches the skip link, which takes focus to the content.

        A page that opens with a message (a notification banner) has already put focus on it, in the content.
        """
        if not self.page.evaluate("() => document.activeElement === document.body"):
            self.assert_focus_on(self.page.locator("#main-content .govuk-notification-banner, "
                                                   "#main-content .govuk-error-summary").first)
            return
        skip = self.page.get_by_role("link", name="Skip to main content")
        self.press("Tab")
        self.assert_focus_on(skip)
        self.page.keyboard.press("Enter")
        expect(self.page.locator("#main-content")).to_be_focused()


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
