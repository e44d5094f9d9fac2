"""Self-service interview times in a real browser. The campaign is set up through the services (sift signed off,
two times published); on the pages, a candidate books a time, downloads the calendar file, changes to the other
time and downloads it again: the file keeps its UID and its SEQUENCE goes up, so the candidate's calendar moves the
same entry. Every page visited is checked with axe-core.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Calendar
from playwright.sync_api import expect

from recruit import create_app
from recruit.clock import format_uk
from recruit.config import TestConfig
from recruit.extensions import db
from recruit.models import User
from recruit.services.interview import booking
from tests.factories import PASSWORD, sift_campaign
from tests.journeys.people import Person


@dataclass
class Invited:
    email: str
    reference: str
    times: list[str]  # the published times as the page labels them, in time order


def published_times(database_url: str, server_now: float) -> Invited:
    """A campaign at interview with two published times a month ahead of the served app's clock, in its database."""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        try:
            admin = db.session.scalars(db.select(User).where(User.role == "admin")).first()
            setup = sift_campaign(admin, applications=1, email_domain="times.example.org")
            setup.to_interview(released=True)
            start = datetime.fromtimestamp(server_now, UTC).replace(second=0, microsecond=0) + timedelta(days=30)
            times = [
                booking.publish(
                    admin,
                    setup.campaign,
                    starts_at=start + timedelta(hours=hours),
                    minutes=45,
                    place="Room 4, 1 Victoria Street",
                    video_link="",
                )
                for hours in (0, 26)
            ]
            application = setup.applications[0]
            return Invited(application.candidate.email, application.reference, [format_uk(t.starts_at) for t in times])
        finally:
            db.session.remove()
            db.engine.dispose()


def download_calendar(person: Person) -> tuple[str, int, str]:
    with person.page.expect_download() as download:
        person.page.locator("#interview-calendar").click()
    calendar = Calendar.from_ical(download.value.path().read_bytes())
    [event] = calendar.walk("VEVENT")
    return str(event["uid"]), int(event["sequence"]), str(calendar["method"])


def test_a_candidate_books_a_time_then_changes_it_and_the_calendar_file_follows(journey):
    server = journey.server
    invited = published_times(server.database_url, server.clock.now())
    first, second = invited.times
    person = journey.person("Invited candidate")

    with journey.step("the candidate books the first time"):
        person.goto("/sign-in")
        person.fill("Email address", invited.email)
        person.fill("Password", PASSWORD)
        person.press_button("Sign in")
        person.goto(f"/applications/{invited.reference}")
        person.follow("Choose your interview time")
        expect(person.page.locator("h1")).to_have_text("Choose your interview time")
        person.choose(first)
        person.press_button("Book this time")
        expect(person.page.locator(".govuk-notification-banner")).to_contain_text(
            f"Your interview is booked for {first}"
        )
        expect(person.page.locator("#interview-when")).to_contain_text(first)

    with journey.step("the candidate downloads the calendar file"):
        uid, sequence, method = download_calendar(person)
        assert method == "PUBLISH"

    with journey.step("the candidate changes to the other time"):
        person.follow("Change or cancel your interview time")
        expect(person.page.locator("#current-time")).to_contain_text(first)
        person.choose(second)
        person.press_button("Change to this time")
        expect(person.page.locator("#interview-when")).to_contain_text(second)

    with journey.step("the new calendar file updates the same entry"):
        same_uid, later_sequence, method = download_calendar(person)
        assert (same_uid, method) == (uid, "PUBLISH")
        assert later_sequence > sequence
