"""The footer's pages and the home page, as a signed-out visitor reads them, and the operator's own texts."""

import pytest
from bs4 import BeautifulSoup

from recruit import create_app
from recruit.config import TestConfig

PAGES = [
    ("/privacy", "Privacy notice", "PRIVACY_NOTICE_FILE"),
    ("/accessibility", "Accessibility statement", "ACCESSIBILITY_STATEMENT_FILE"),
    ("/cookies", "Cookies", "COOKIES_PAGE_FILE"),
]


def headings(soup) -> list[str]:
    return [h.get_text(" ", strip=True) for h in soup.select("main h2")]


@pytest.mark.parametrize("url, title, _setting", PAGES)
def test_each_footer_page_is_open_to_signed_out_visitors_with_its_heading(page, url, title, _setting):
    soup = page(url)
    assert soup.h1.get_text(strip=True) == title
    assert soup.title.get_text().startswith(f"{title} – Recruit")


def test_the_default_privacy_notice_names_the_organisation_and_the_retention_period(app, page, monkeypatch):
    monkeypatch.setitem(app.config, "ORG_NAME", "Maldon District Council")
    monkeypatch.setitem(app.config, "RETENTION_MONTHS", "18")
    soup = page("/privacy")
    main = soup.select_one("main").get_text(" ", strip=True)
    assert "Maldon District Council is the data controller" in main
    assert "18 months after it finishes" in main
    assert headings(soup) == [
        "Who is responsible for your data",
        "What we hold",
        "Why we hold it",
        "How long we keep it",
        "Your rights",
        "Cookies",
    ]


def test_the_default_cookies_page_lists_the_session_cookie_only(app, page):
    soup = page("/cookies")
    rows = [[cell.get_text(" ", strip=True) for cell in row.select("th, td")] for row in soup.select("tbody tr")]
    assert [row[0] for row in rows] == [app.config["SESSION_COOKIE_NAME"]]
    assert rows[0][2].startswith("12 hours")


def test_the_cookies_page_names_every_cookie_a_signed_in_visit_sets(app, client, forms, make_user, page):
    forms.sign_in(make_user(role="candidate"))
    client.get("/applications")
    set_names = {cookie.key for cookie in client._cookies.values()}
    listed = {row.select_one("th").get_text(strip=True) for row in page("/cookies").select("tbody tr")}
    assert set_names == listed


def test_the_default_accessibility_statement_has_the_required_sections(page):
    assert headings(page("/accessibility")) == [
        "Compliance status",
        "Reasonable adjustments",
        "Feedback and contact information",
        "Enforcement procedure",
    ]


@pytest.fixture
def operator_app(app, tmp_path):
    """An app started with the operator's own texts for the footer pages."""

    def start(**settings):
        return create_app(TestConfig, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"], **settings)

    return start


@pytest.mark.parametrize("url, title, setting", PAGES)
def test_the_operators_own_file_replaces_the_default_text(operator_app, tmp_path, url, title, setting):
    own = tmp_path / "own.html"
    own.write_text(
        '<p class="govuk-body" id="own">Contact {{ org_name }} at dpo@maldon.gov.uk about {{ service_name }}.</p>\n'
        '<p class="govuk-body"><a class="govuk-link" href="{{ url_for(\'public.frameworks\') }}">Frameworks</a></p>',
        encoding="utf-8",
    )
    started = operator_app(**{setting: str(own), "ORG_NAME": "Maldon District Council"})
    response = started.test_client().get(url)
    assert response.status_code == 200
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.h1.get_text(strip=True) == title
    assert soup.select_one("#own").get_text(strip=True) == (
        "Contact Maldon District Council at dpo@maldon.gov.uk about Recruit."
    )
    assert soup.select_one("main a[href='/frameworks']") is not None
    assert headings(soup) == []  # none of Recruit's default text is left


@pytest.mark.parametrize("_url, title, setting", PAGES)
def test_a_configured_file_that_cannot_be_read_stops_the_app_at_start_up(operator_app, tmp_path, _url, title, setting):
    missing = tmp_path / "missing.html"
    with pytest.raises(RuntimeError, match=f"{setting} names '{missing}' as the text of the {title.lower()} page"):
        operator_app(**{setting: str(missing)})


def test_a_configured_file_that_is_not_text_or_not_a_template_stops_the_app_at_start_up(operator_app, tmp_path):
    binary = tmp_path / "notice.pdf"
    binary.write_bytes(b"%PDF-1.7\xff\xfe\x00")
    with pytest.raises(RuntimeError, match="cannot be read as UTF-8 text"):
        operator_app(PRIVACY_NOTICE_FILE=str(binary))
    broken = tmp_path / "notice.html"
    broken.write_text("<p>{% if %}</p>", encoding="utf-8")
    with pytest.raises(RuntimeError, match=r"PRIVACY_NOTICE_FILE names .* which is not a valid template \(line 1"):
        operator_app(PRIVACY_NOTICE_FILE=str(broken))


def next_steps(soup) -> dict[str, str]:
    return {a.get_text(strip=True): a["href"] for a in soup.select("main a")}


def test_the_home_page_gives_each_kind_of_visitor_a_next_step(page):
    assert next_steps(page("/")) == {
        "Find a vacancy": "/vacancies",
        "Sign in": "/sign-in",
        "Browse the competency frameworks": "/frameworks",
    }


def test_signed_in_the_home_page_offers_the_account_instead_of_sign_in(forms, make_user, page):
    forms.sign_in(make_user(role="candidate"))
    assert next_steps(page("/")) == {
        "Find a vacancy": "/vacancies",
        "Go to your account": "/account",
        "Browse the competency frameworks": "/frameworks",
    }
