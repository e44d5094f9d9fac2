"""The footer's pages (privacy notice, accessibility statement, cookies) and the branding settings.

Each page has Recruit's own default text, a template under templates/public/pages/. An operator replaces it by
pointing a setting at their own file: an HTML fragment, read as a Jinja template (so it may use the GOV.UK
macros and `org_name`, `service_name`), holding the page's text under its heading. The files are read and
compiled when the app starts, so a missing or broken one stops the app with a message naming the setting,
rather than turning into a 500 on a page nobody checks.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app
from jinja2 import Template, TemplateSyntaxError

BRANDS = {"govuk"}
PHASES = {"alpha", "beta", "live"}


@dataclass(frozen=True)
class ContentPage:
    endpoint: str
    title: str
    setting: str
    default_template: str


PAGES = (
    ContentPage("privacy", "Privacy notice", "PRIVACY_NOTICE_FILE", "public/pages/privacy.html"),
    ContentPage(
        "accessibility", "Accessibility statement", "ACCESSIBILITY_STATEMENT_FILE", "public/pages/accessibility.html"
    ),
    ContentPage("cookies", "Cookies", "COOKIES_PAGE_FILE", "public/pages/cookies.html"),
)
PAGES_BY_ENDPOINT = {page.endpoint: page for page in PAGES}
EXTENSION = "recruit_content_pages"


def _check_branding(app: Flask) -> None:
    brand = app.config.get("BRAND")
    if brand is not None and brand not in BRANDS:
        raise RuntimeError(
            f"BRAND must be 'govuk' (for a service on GOV.UK) or left unset, not {brand!r}: "
            "the GOV.UK crown and logotype are only for services on GOV.UK."
        )
    phase = app.config.get("PHASE")
    if phase not in PHASES:
        raise RuntimeError(f"PHASE must be one of alpha, beta or live, not {phase!r}.")


def _operator_template(app: Flask, page: ContentPage, path: str) -> Template:
    try:
        with open(path, encoding="utf-8") as file:
            source = file.read()
    except (OSError, UnicodeDecodeError) as error:
        raise RuntimeError(
            f"{page.setting} names {path!r} as the text of the {page.title.lower()} page, "
            f"but it cannot be read as UTF-8 text: {error}"
        ) from None
    try:
        return app.jinja_env.from_string(source)
    except TemplateSyntaxError as error:
        raise RuntimeError(
            f"{page.setting} names {path!r}, which is not a valid template (line {error.lineno}: {error.message})."
        ) from None


def init_content_pages(app: Flask) -> None:
    """Check the branding settings and read the operator's page texts; after register_templates."""
    _check_branding(app)
    app.extensions[EXTENSION] = {
        page.endpoint: _operator_template(app, page, app.config[page.setting])
        for page in PAGES
        if app.config.get(page.setting)
    }

    @app.context_processor
    def branding() -> dict[str, object]:
        return {
            "brand_govuk": app.config.get("BRAND") == "govuk",
            "org_name": app.config["ORG_NAME"],
            "service_name": app.config["SERVICE_NAME"],
            "phase": app.config["PHASE"],
            "feedback_url": app.config.get("FEEDBACK_URL"),
        }


def operator_text(endpoint: str) -> Template | None:
    """The operator's own text for a footer page, or None for Recruit's default."""
    templates: dict[str, Template] = current_app.extensions[EXTENSION]
    return templates.get(endpoint)
