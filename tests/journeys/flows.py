"""Parts of the journeys that more than one test walks through: staff accounts and two-factor set-up,
a candidate registering and applying."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pyotp
from playwright.sync_api import expect

from tests.journeys.people import Person

TOTP_STEP = 30


class Authenticator:
    """The authenticator app on an assessor's phone, in step with the served app's clock.

    The app accepts each time step's code once and allows one step of drift either side, so a
    second sign-in within the same 30 seconds uses the next step's code, as a phone whose clock
    runs a little fast would; beyond that it waits for the next step.
    """

    def __init__(self, secret: str, clock):
        self.totp, self.clock = pyotp.TOTP(secret), clock
        self.last_step: int | None = None

    def code(self) -> str:
        current = int(self.clock.now() // TOTP_STEP)
        step = current if self.last_step is None or self.last_step < current else self.last_step + 1
        if step > current + 1:
            time.sleep((step - 1) * TOTP_STEP - self.clock.now() + 0.5)
        self.last_step = step
        return self.totp.generate_otp(step)


@dataclass
class Staff:
    name: str
    email: str
    password: str
    person: Person
    authenticator: Authenticator | None = None

    def sign_in(self) -> None:
        page = self.person.page
        self.person.goto("/sign-in")
        self.person.fill("Email address", self.email)
        self.person.fill("Password", self.password)
        self.person.press_button("Sign in")
        if self.authenticator is not None:
            expect(page).to_have_url(re.compile(r"/sign-in/two-factor$"))
            self.person.fill("Security code", self.authenticator.code())
            self.person.press_button("Continue")
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def invite_assessor(admin: Person, name: str, email: str) -> str:
    """The admin invites a member of staff and reads the emailed link in the development outbox (no mail server
    is set up); returns the link's path."""
    admin.goto("/admin/users")
    admin.follow("Invite a member of staff")
    admin.fill("Full name", name)
    admin.fill("Email address", email)
    admin.choose("Assessor (panel member)")
    admin.press_button("Send invitation")
    expect(admin.page.get_by_role("heading", name="Invitation created")).to_be_visible()
    expect(admin.page.locator("main")).to_contain_text(f"We have emailed {email} a link")
    admin.goto("/admin/users")
    admin.follow("development mail")
    card = admin.page.locator(".development-email", has=admin.page.locator(".email-to", has_text=email)).first
    [link] = [word for word in card.locator(".email-body").inner_text().split() if "/set-password/" in word]
    return urlsplit(link).path


def accept_invitation(staff: Staff, link: str, clock) -> None:
    """Choose a password from the invitation, sign in, and turn on two-factor authentication."""
    person = staff.person
    person.goto(link)
    expect(person.page.get_by_role("heading", name="Choose your password")).to_be_visible()
    person.fill("Create a password", staff.password)
    person.press_button("Save password")
    expect(person.page.locator(".govuk-notification-banner")).to_contain_text("Your password has been saved")
    staff.sign_in()
    person.follow("Your account")
    person.follow("Set up two-factor authentication")
    secret = person.page.locator("#totp-key").inner_text().strip()
    staff.authenticator = Authenticator(secret, clock)
    person.fill("Code from your app", staff.authenticator.code())
    person.fill("Your current password", staff.password)
    person.press_button("Turn on two-factor authentication")
    expect(person.page.get_by_role("heading", name="Two-factor authentication is on")).to_be_visible()
    expect(person.page.locator("#recovery-codes li")).to_have_count(10)
    # Signing in again now asks for a code from the app.
    person.sign_out()
    staff.sign_in()


@dataclass
class Candidate:
    name: str
    email: str
    password: str
    phone: str
    person: Person
    evidence: dict[str, str] = field(default_factory=dict)  # criterion name -> statement
    reference: str = ""


def register(candidate: Candidate) -> None:
    person = candidate.person
    person.goto("/register")
    person.fill("Full name", candidate.name)
    person.fill("Email address", candidate.email)
    person.fill("Create a password", candidate.password)
    person.press_button("Create account")
    expect(person.page.get_by_role("heading", level=1)).to_have_text("Check your email")
    # The candidate opens the link emailed to them (the development outbox stands in for their inbox).
    person.goto(person.journey.server.emailed_link(candidate.email, "/register/confirm/"))
    expect(person.page.get_by_role("heading", level=1)).to_have_text("Confirm your email address")
    person.fill("Password", candidate.password)
    person.press_button("Create account")
    expect(person.page.locator(".govuk-notification-banner")).to_contain_text("Your account has been created")


def word_count_message(limit: int, words: int) -> str:
    left = limit - words
    if left >= 0:
        return f"You have {left} word{'' if left == 1 else 's'} remaining"
    return f"You have {-left} word{'' if left == -1 else 's'} too many"


def apply(candidate: Candidate, title: str, vacancy_reference: str, word_limit: int = 250) -> None:
    """Register, find the vacancy, and complete, check and submit an application.

    As the candidate types their evidence, the GOV.UK character count under the box counts down.
    """
    person, page = candidate.person, candidate.person.page
    register(candidate)
    person.follow("Vacancies")
    person.follow(title)
    expect(page.locator("#vacancy-facts")).to_contain_text(vacancy_reference)
    person.press_button("Apply for this job")
    person.press_button("Start your application")
    candidate.reference = page.locator(".govuk-caption-l").first.inner_text().strip()
    assert re.fullmatch(r"RC-[0-9A-Z]{6}", candidate.reference), candidate.reference

    person.follow("Personal details")
    expect(person.page.get_by_label("Full name")).to_have_value(candidate.name)
    person.fill("UK telephone number (optional)", candidate.phone)
    person.press_button("Save and continue")

    for criterion, text in candidate.evidence.items():
        person.follow(f"Evidence: {criterion}")
        box = page.get_by_label("Your evidence")
        status = page.locator(".govuk-character-count__status")
        expect(status).to_have_text(word_count_message(word_limit, 0))
        first_words = " ".join(text.split()[:3]) + " "
        box.press_sequentially(first_words)
        expect(status).to_have_text(word_count_message(word_limit, 3))
        box.fill(text)
        expect(status).to_have_text(word_count_message(word_limit, len(text.split())))
        person.press_button("Save and continue")

    person.follow("Check and submit")
    summary = page.locator("#check-details")
    expect(summary).to_contain_text(candidate.name)
    expect(summary).to_contain_text(candidate.phone)
    for criterion, text in candidate.evidence.items():
        expect(page.locator("#check-evidence")).to_contain_text(f"{len(text.split())} of {word_limit} words")
    person.choose("I confirm that the information in this application is true and that the evidence is my own work")
    person.press_button("Submit application")
    expect(page.locator("#reference")).to_have_text(candidate.reference)


def fill_advert(person: Person, salary: str = "25,400", contact: str = "recruitment@example.org") -> None:
    """The advert's terms on the new-campaign page, as any vacancy needs them to open: a permanent, full-time
    post at one salary, with the basic security check."""
    person.fill("Minimum salary", salary)
    person.fill("Maximum salary", salary)
    person.choose("Permanent")
    person.choose("Full-time")
    person.choose("Baseline Personnel Security Standard (BPSS)")
    person.fill("Contact name", "Recruitment team")
    person.fill("Contact email address", contact)
