"""The header, footer and phase banner follow the operator's branding: GOV.UK's only when BRAND=govuk."""

import pytest

from recruit import create_app
from recruit.config import TestConfig


def header_text(soup) -> str:
    return soup.select_one("header").get_text(" ", strip=True)


def test_by_default_the_header_shows_the_organisation_and_the_service_without_the_crown(app, page, monkeypatch):
    monkeypatch.setitem(app.config, "ORG_NAME", "Maldon District Council")
    soup = page("/")
    assert soup.select(".govuk-header") == []
    assert soup.select("svg.govuk-header__logotype, .govuk-footer__crown") == []
    assert header_text(soup) == "Maldon District Council"
    assert soup.select_one("header a")["href"] == "/"
    assert soup.select_one(".govuk-service-navigation__service-name").get_text(strip=True) == "Recruit"
    assert soup.title.get_text() == "Competency-based recruitment – Recruit – Maldon District Council"
    assert "GOV.UK" not in soup.get_text()
    # No Crown copyright crest, GOV.UK favicon or GDS Transport typeface either.
    assert soup.select('.govuk-footer__copyright-logo, link[href*="images/favicon"]') == []
    assert soup.select_one("link[rel=icon]")["href"] == "/static/favicon.svg"
    assert soup.select_one("footer").get_text(" ", strip=True).endswith("© Maldon District Council")
    assert soup.select_one('link[href$="recruit-own-brand.css"]') is not None


def test_the_service_name_is_configurable(app, page, monkeypatch):
    monkeypatch.setitem(app.config, "SERVICE_NAME", "Council jobs")
    soup = page("/vacancies")
    assert soup.select_one(".govuk-service-navigation__service-name").get_text(strip=True) == "Council jobs"
    assert soup.title.get_text().endswith("– Council jobs – Recruit demonstration organisation")


def test_brand_govuk_gives_the_gov_uk_header_crown_and_footer(app, page, monkeypatch):
    monkeypatch.setitem(app.config, "BRAND", "govuk")
    monkeypatch.setitem(app.config, "ORG_NAME", "Maldon District Council")
    soup = page("/")
    header = soup.select_one("header.govuk-header")
    assert header is not None
    assert header.select_one("svg.govuk-header__logotype") is not None
    assert "GOV.UK" in header.get_text(" ", strip=True)
    assert header.select_one("a.govuk-header__link--homepage")["href"] == "https://www.gov.uk/"
    assert "Maldon District Council" not in header.get_text()
    assert soup.select_one(".govuk-service-navigation__service-name").get_text(strip=True) == "Recruit"
    assert soup.title.get_text() == "Competency-based recruitment – Recruit – GOV.UK"
    assert soup.select_one(".govuk-footer__crown") is not None
    assert "Crown copyright" in soup.select_one("footer").get_text()
    assert soup.select_one('link[href$="recruit-own-brand.css"]') is None
    assert soup.select_one("link[rel=icon]")["href"].endswith("/images/favicon.ico")


@pytest.mark.parametrize(
    "setting, value, message",
    [("BRAND", "nhs", "BRAND must be 'govuk'"), ("PHASE", "gamma", "PHASE must be one of alpha, beta or live")],
)
def test_an_unknown_brand_or_phase_stops_the_app_at_start_up(app, setting, value, message):
    with pytest.raises(RuntimeError, match=message):
        create_app(TestConfig, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"], **{setting: value})


def test_the_footer_links_to_the_privacy_accessibility_and_cookies_pages(page):
    soup = page("/frameworks")
    links = {a.get_text(strip=True): a["href"] for a in soup.select("footer a")}
    assert links == {
        "Privacy": "/privacy",
        "Accessibility statement": "/accessibility",
        "Cookies": "/cookies",
        "Competency frameworks": "/frameworks",
    }


def phase_banner(soup):
    return soup.select_one(".govuk-phase-banner")


def test_the_phase_banner_shows_the_phase_and_no_link_until_a_feedback_address_is_set(page):
    banner = phase_banner(page("/"))
    assert banner.select_one(".govuk-tag").get_text(strip=True) == "Beta"
    assert banner.select("a") == []
    assert "This is a new service" in banner.get_text()


def test_the_phase_banner_links_to_the_configured_feedback_address(app, page, monkeypatch):
    monkeypatch.setitem(app.config, "PHASE", "alpha")
    monkeypatch.setitem(app.config, "FEEDBACK_URL", "mailto:recruitment@maldon.gov.uk")
    banner = phase_banner(page("/vacancies"))
    assert banner.select_one(".govuk-tag").get_text(strip=True) == "Alpha"
    link = banner.select_one("a")
    assert link.get_text(strip=True) == "give your feedback"
    assert link["href"] == "mailto:recruitment@maldon.gov.uk"


def test_a_live_service_has_no_phase_banner(app, page, monkeypatch):
    monkeypatch.setitem(app.config, "PHASE", "live")
    assert phase_banner(page("/")) is None
