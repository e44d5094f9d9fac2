"""The checks the journeys rely on: what axe reports and the one GOV.UK pattern it lets through, that no
loaded page escapes it, what a failed step leaves behind, and when focus counts as visible."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.journeys import axe
from tests.journeys.keyboard import FOCUS_VISIBLE
from tests.journeys.live_server import SIGN_IN_RATE_LIMIT
from tests.journeys.people import Journey

PAGE = """<!DOCTYPE html><html lang="en"><head><title>Check</title></head><body><main>
<h1>Check</h1>{body}</main></body></html>"""

# GOV.UK Frontend's radios with a conditionally revealed question, after its script has run.
CONDITIONAL_REVEAL = """<form><fieldset><legend>Can you come?</legend>
<input class="govuk-radios__input" id="reply" name="reply" type="radio" value="accept">
<label for="reply">Yes</label>
<input class="govuk-radios__input" id="reply-2" name="reply" type="radio" value="change"
       aria-controls="conditional-reply-2" aria-expanded="false"{extra}>
<label for="reply-2">No</label>
<div id="conditional-reply-2"><label for="note">Which times can you do?</label><textarea id="note"></textarea></div>
</fieldset></form>"""


@pytest.fixture
def blank(chromium):
    page = chromium.new_page()
    yield page
    page.close()


def check(page, body: str) -> list[axe.Violation]:
    page.set_content(PAGE.format(body=body))
    return axe.check(page)


def test_a_clean_page_has_no_violations(blank):
    assert check(blank, '<p>Nothing wrong here.</p><img src="data:," alt="A blank picture">') == []
    assert axe.already_checked(blank)


def test_serious_and_critical_violations_are_reported_with_rule_impact_and_target(blank):
    found = check(blank, '<img src="data:," id="portrait"><input type="text" id="unlabelled">')
    assert {(v.id, v.impact, v.targets) for v in found} == {
        ("image-alt", "critical", ("#portrait",)),
        ("label", "critical", ("#unlabelled",)),
    }
    assert str(found[0]).startswith(f"{found[0].id} ({found[0].impact}): ")


def test_minor_and_moderate_violations_do_not_fail(blank):
    # Two level-one headings is a moderate best-practice finding, not a failure.
    assert check(blank, "<h1>Another main heading</h1>") == []


def test_govuk_conditional_reveal_is_let_through(blank):
    assert check(blank, CONDITIONAL_REVEAL.format(extra="")) == []


def test_other_disallowed_attributes_on_a_conditional_reveal_still_fail(blank):
    found = check(blank, CONDITIONAL_REVEAL.format(extra=' aria-selected="true"'))
    assert [(v.id, v.targets) for v in found] == [("aria-allowed-attr", ("#reply-2",))]


def test_aria_expanded_on_a_radio_that_reveals_nothing_still_fails(blank):
    found = check(
        blank,
        '<fieldset><legend>Pick</legend><input type="radio" class="govuk-radios__input" '
        'id="lonely" name="x" aria-expanded="true"><label for="lonely">One</label></fieldset>',
    )
    assert [(v.id, v.targets) for v in found] == [("aria-allowed-attr", ("#lonely",))]


def test_a_page_loaded_but_never_checked_fails_the_journey(chromium, live_server):
    journey = Journey(chromium, live_server, "a page loaded but never checked")
    person = journey.person("visitor")
    # Straight to the browser twice, past the helper that checks each page before leaving it.
    person.page.goto("/frameworks")
    person.page.goto("/vacancies")
    person.goto("/")
    with pytest.raises(AssertionError, match=r"visitor loaded 1 page\(s\) that axe did not check"):
        journey.close()
    assert person.checked == [f"{live_server.url}/vacancies", f"{live_server.url}/"]


def test_a_failed_step_saves_each_persons_screen_and_html(chromium, live_server):
    journey = Journey(chromium, live_server, "a failed step")
    person = journey.person("visitor")
    shutil.rmtree(journey.output, ignore_errors=True)
    with pytest.raises(AssertionError) as failure, journey.step("read the frameworks"):
        person.goto("/frameworks")
        assert person.heading() == "Not the frameworks page"
    journey.close(check=False)
    stem = journey.output / "01-read-the-frameworks--visitor"
    assert Path(f"{stem}.png").read_bytes().startswith(b"\x89PNG")
    assert "Competency frameworks" in Path(f"{stem}.html").read_text(encoding="utf-8")
    assert "Journey step 'read the frameworks' failed" in "\n".join(failure.value.__notes__)


FOCUS_STYLES = """<style>
a:focus { outline: none; }
#govuk:focus { outline: 3px solid transparent; background-color: #ffdd00; box-shadow: 0 -2px #ffdd00, 0 4px #0b0c0c; }
#hidden-ring:focus { outline: 3px solid transparent; }
</style>
<a href="#" id="govuk">GOV.UK focus style</a> <a href="#" id="bare">No focus style</a>
<a href="#" id="hidden-ring">Only a transparent outline</a>"""


def test_focus_must_be_visible_to_count(blank):
    blank.set_content(PAGE.format(body=FOCUS_STYLES))
    shown = {}
    for _ in range(3):
        blank.keyboard.press("Tab")
        shown[blank.evaluate("() => document.activeElement.id")] = blank.evaluate(FOCUS_VISIBLE)
    assert shown == {"govuk": True, "bare": False, "hidden-ring": False}


def test_the_served_app_still_limits_sign_in_attempts(journey):
    """Every person in the journeys signs in from one address, so the limit is raised, never turned off."""
    visitor = journey.person("visitor")
    visitor.goto("/sign-in")
    visitor.fill("Email address", "nobody@example.org")
    visitor.fill("Password", "not the password")
    with visitor.page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/sign-in")) as sent:
        visitor.press_button("Sign in")
    headers = sent.value.headers
    assert headers["x-ratelimit-limit"] == SIGN_IN_RATE_LIMIT.split()[0]
    assert int(headers["x-ratelimit-remaining"]) < int(headers["x-ratelimit-limit"])
    assert visitor.error_summary() == ["Enter a correct email address and password"]
