"""A visitor who has not signed in reads the home page and the footer's pages in Chromium, each checked by axe:
the privacy notice, the accessibility statement and the cookies page, then follows the home page's next steps."""

from __future__ import annotations

from playwright.sync_api import expect


def test_a_visitor_reads_the_home_page_and_the_footer_pages(journey):
    visitor = journey.person("visitor")
    with journey.step("home page"):
        page = visitor.goto("/")
        assert visitor.heading() == "Recruit"
        # Not on GOV.UK unless the operator says so: no crown in the header, the organisation's name instead.
        expect(page.locator(".govuk-header__logotype")).to_have_count(0)
        expect(page.locator("header").first).to_contain_text("Recruit demonstration organisation")
        expect(page.locator(".govuk-phase-banner")).to_contain_text("This is a new service")
    footer = visitor.page.locator("footer")
    for link, heading in [
        ("Privacy", "Privacy notice"),
        ("Accessibility statement", "Accessibility statement"),
        ("Cookies", "Cookies"),
    ]:
        with journey.step(heading):
            visitor.follow(link, within=footer)
            assert visitor.heading() == heading
    for link, heading in [
        ("Find a vacancy", "Vacancies"),
        ("Sign in", "Sign in"),
        ("Browse the competency frameworks", "Competency frameworks"),
    ]:
        with journey.step(link):
            visitor.goto("/")
            visitor.follow(link, within=visitor.page.locator("main"))
            assert visitor.heading() == heading
