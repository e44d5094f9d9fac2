"""Words are runs of non-whitespace, counted the same on the server and by the GOV.UK character
count in the browser: both are checked against one shared fixture of texts."""

import json
import re
import shutil

import pytest

from recruit.services.applications.words import count_words
from tests.browser import chromium_page, static_site
from tests.factories import open_campaign
from tests.helpers import FIXTURES, ROOT


def type_into(page, text: str) -> None:
    # fill() sets the value; the component recounts on keyup, as when a person types.
    page.fill("textarea#text", text)
    page.press("textarea#text", "End")


CASES = json.loads((FIXTURES / "word_counts.json").read_text(encoding="utf-8"))
STATIC = ROOT / "recruit" / "static"


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_server_count(case):
    assert count_words(case["text"]) == case["words"]


def browser_count(status: str, limit: int) -> int:
    remaining = re.fullmatch(r"You have (\d+) words? remaining", status)
    if remaining:
        return limit - int(remaining.group(1))
    over = re.fullmatch(r"You have (\d+) words? too many", status)
    assert over, status
    return limit + int(over.group(1))


@pytest.fixture
def statement_in_chromium(forms, client, make_user, tmp_path):
    """The real statement page, with its GOV.UK character count, served from a copy and open in Debian's Chromium:
    the page and the statement's criterion."""
    campaign = open_campaign(make_user(role="admin"))
    forms.sign_in(make_user())
    start = forms.submit(f"/vacancies/{campaign.reference}/apply")
    criterion = campaign.criteria_at("sift")[0]
    html = client.get(f"{start.location}/evidence/{criterion.code}").get_data(as_text=True)
    site = tmp_path / "site"
    shutil.copytree(STATIC, site / "static")
    (site / "statement.html").write_text(html, encoding="utf-8")
    with static_site(site) as base, chromium_page() as page:
        page.goto(f"{base}/statement.html")
        page.wait_for_selector("body.govuk-frontend-supported")
        yield page, criterion


@pytest.mark.browser
def test_browser_counts_the_fixture_as_the_server_does(statement_in_chromium):
    page, criterion = statement_in_chromium
    status = page.locator(".govuk-character-count__status")
    for case in CASES:
        type_into(page, case["text"])
        shown = status.inner_text().strip()
        assert browser_count(shown, criterion.word_limit) == case["words"] == count_words(case["text"]), case["name"]


@pytest.mark.browser
def test_limit_boundary_in_the_browser_and_on_the_server(statement_in_chromium):
    page, criterion = statement_in_chromium
    at_limit = " ".join(["word"] * criterion.word_limit)
    one_over = at_limit + " extra"
    type_into(page, at_limit)
    assert page.locator(".govuk-character-count__status").inner_text().strip() == "You have 0 words remaining"
    type_into(page, one_over)
    assert page.locator(".govuk-character-count__status").inner_text().strip() == "You have 1 word too many"
    assert count_words(at_limit) == criterion.word_limit
    assert count_words(one_over) == criterion.word_limit + 1
