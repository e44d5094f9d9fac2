"""Using Recruit with the keyboard only, with checks that focus is visible and lands where expected."""

from __future__ import annotations

from playwright.sync_api import Locator, expect

from tests.journeys.people import Person

# True when the focused element shows a focus indicator: an outline that is not transparent (GOV.UK's
# transparent one is only for forced-colours mode), a box shadow, GOV.UK's yellow focus colour, or, for
# GOV.UK radios and checkboxes (whose input is invisible), the ring drawn by the label's ::before.
FOCUS_VISIBLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return false;
  const transparent = (colour) => colour === 'transparent' || /rgba\\(.*,\\s*0\\)$/.test(colour);
  const shows = (style) =>
    (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 && !transparent(style.outlineColor))
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
            self.assert_focus_on(
                self.page.locator("#main-content .govuk-notification-banner, #main-content .govuk-error-summary").first
            )
            return
        skip = self.page.get_by_role("link", name="Skip to main content")
        self.press("Tab")
        self.assert_focus_on(skip)
        self.page.keyboard.press("Enter")
        expect(self.page.locator("#main-content")).to_be_focused()
