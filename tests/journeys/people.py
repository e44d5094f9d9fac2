"""People using Recruit in a real browser: one browser context (cookies, session) each.

Every document a person's page loads is checked with axe-core before they act on it or leave it, and
closing a person fails if any loaded document went unchecked. Console errors (a script refused by the
Content-Security-Policy, a script error) and server errors fail the journey too. When a step fails,
each person's screen and HTML are saved under test-output/<test>/.
"""

from __future__ import annotations

import re
import time
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page

from tests.journeys import axe
from tests.journeys.live_server import LiveServer

OUTPUT = Path(__file__).resolve().parents[2] / "test-output"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80]


class Journey:
    """The people in one test, and the step they are on, for naming what is saved when a step fails."""

    def __init__(self, browser, server: LiveServer, test_name: str):
        self.browser, self.server = browser, server
        self.output = OUTPUT / _slug(test_name)
        self.people: list[Person] = []
        self.step_name = "start"
        self._steps = 0
        self.timings: list[tuple[str, float]] = []
        self.axe_seconds = 0.0

    def person(self, name: str, **context_options) -> Person:
        context = self.browser.new_context(base_url=self.server.url, **context_options)
        # axe-core goes into every document through DevTools, which the page's CSP does not govern.
        context.add_init_script(script=axe.axe_source())
        person = Person(self, name, context)
        self.people.append(person)
        return person

    @contextmanager
    def step(self, name: str):
        self._steps += 1
        self.step_name = f"{self._steps:02d}-{name}"
        started = time.monotonic()
        try:
            yield
            self.timings.append((name, time.monotonic() - started))
        except BaseException as error:
            saved = self.save_artifacts()
            if isinstance(error, Exception):
                error.add_note(f"Journey step '{name}' failed; screenshots and HTML: {', '.join(saved)}")
            raise

    def save_artifacts(self) -> list[str]:
        self.output.mkdir(parents=True, exist_ok=True)
        saved = []
        for person in self.people:
            if person.page.is_closed() or person.page.url == "about:blank":
                continue
            stem = self.output / f"{_slug(self.step_name)}--{_slug(person.name)}"
            try:
                person.page.screenshot(path=f"{stem}.png", full_page=True)
                Path(f"{stem}.html").write_text(person.page.content(), encoding="utf-8")
            except Exception as problem:  # a crashed page still lets the others be saved
                Path(f"{stem}.txt").write_text(f"Could not save the page: {problem}", encoding="utf-8")
            saved.append(str(stem.relative_to(OUTPUT.parent)) + ".*")
        return saved

    def close(self, check: bool = True) -> None:
        """Close every person's browser; with `check`, fail if any page they loaded went unchecked."""
        problems = []
        for person in self.people:
            try:
                person.close(check)
            except AssertionError as error:
                problems.append(str(error))
        assert not problems, "\n".join(problems)


class Person:
    def __init__(self, journey: Journey, name: str, context):
        self.journey, self.name, self.context = journey, name, context
        context.set_default_navigation_timeout(60_000)
        self.page: Page = context.new_page()
        self._closed = False
        self.loaded: list[str] = []
        self.checked: list[str] = []
        self.console_errors: list[str] = []
        self.server_errors: list[str] = []
        # Set when the page navigates, so that acting on an unchanged document costs no trip to the browser.
        self._navigated = True
        self.page.on("framenavigated", self._frame_navigated)
        self.page.on("load", self._loaded)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.console_errors.append(f"script error: {error}"))
        self.page.on("response", self._response)

    # What the person sees -------------------------------------------------------------------------

    def _frame_navigated(self, frame) -> None:
        if frame == self.page.main_frame:
            self._navigated = True

    def _loaded(self, page) -> None:
        if page.url.startswith(self.journey.server.url):
            self.loaded.append(page.url)

    def _console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} ({self.page.url})")

    def _response(self, response) -> None:
        if response.status >= 500:
            self.server_errors.append(f"{response.status} {response.request.method} {response.url}")

    def arrived(self) -> Page:
        """Settle on the current document: no errors so far, and axe has checked it."""
        self.page.wait_for_load_state("load")
        assert not self.server_errors, f"{self.name} got a server error: {self.server_errors}"
        assert not self.console_errors, f"{self.name}'s browser reported errors: {self.console_errors}"
        if not self._navigated:
            return self.page
        self._navigated = False
        if self.page.url.startswith(self.journey.server.url) and not axe.already_checked(self.page):
            started = time.monotonic()
            violations = axe.check(self.page)
            self.journey.axe_seconds += time.monotonic() - started
            self.checked.append(self.page.url)
            if violations:
                listed = "\n  ".join(str(v) for v in violations)
                raise AssertionError(f"Accessibility problems on {self.page.url} (seen by {self.name}):\n  {listed}")
        return self.page

    @property
    def path(self) -> str:
        return self.page.url.removeprefix(self.journey.server.url)

    def heading(self) -> str:
        return self.page.locator("h1").first.inner_text().strip()

    def banner(self) -> str:
        return self.page.locator(".govuk-notification-banner").first.inner_text()

    def error_summary(self) -> list[str]:
        return [text.strip() for text in self.page.locator(".govuk-error-summary__list li").all_inner_texts()]

    # What the person does -------------------------------------------------------------------------

    def goto(self, path: str) -> Page:
        self.arrived()
        response = self.page.goto(path)
        assert response is not None and response.status < 400, f"{path} answered {response and response.status}"
        return self.arrived()

    def _navigating(self, action) -> Page:
        self.arrived()
        with self.page.expect_navigation():
            action()
        return self.arrived()

    def press_button(self, name: str, exact: bool = True, within=None) -> Page:
        scope = within or self.page
        return self._navigating(lambda: scope.get_by_role("button", name=name, exact=exact).click())

    def follow(self, name: str | None = None, exact: bool = True, within=None) -> Page:
        """Follow the link with this name (on the page, or within part of it), or the only link within."""
        scope = within or self.page
        link = scope.get_by_role("link", name=name, exact=exact) if name else scope.get_by_role("link")
        return self._navigating(lambda: link.first.click())

    def fill(self, label: str, text: str, exact: bool = True, within=None) -> None:
        self.arrived()
        (within or self.page).get_by_label(label, exact=exact).fill(text)

    def choose(self, label: str, exact: bool = True, within=None) -> None:
        """Tick a radio button or a checkbox by its label (on the page, or within part of it)."""
        self.arrived()
        (within or self.page).get_by_label(label, exact=exact).check()

    def select(self, label: str, option: str) -> None:
        self.arrived()
        self.page.get_by_label(label, exact=True).select_option(label=option)

    def fill_date(self, legend: str, day: int, month: int, year: int) -> None:
        self.arrived()
        group = self.page.get_by_role("group", name=legend)
        group.get_by_label("Day").fill(str(day))
        group.get_by_label("Month").fill(str(month))
        group.get_by_label("Year").fill(str(year))

    # Accounts ----------------------------------------------------------------------------------------

    def sign_out(self) -> Page:
        return self.press_button("Sign out")

    def close(self, check: bool = True) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            if not check:
                return
            if not self.page.is_closed():
                self.arrived()
            unchecked = len(self.loaded) - len(self.checked)
            assert unchecked <= 0, (
                f"{self.name} loaded {unchecked} page(s) that axe did not check; loaded: {self.loaded}, "
                f"checked: {self.checked}"
            )
        finally:
            self.context.close()
