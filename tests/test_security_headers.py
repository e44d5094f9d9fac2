"""Response headers: the exact Content-Security-Policy and the other protections, on every page."""

import pytest

from recruit import create_app
from recruit.config import TestConfig

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


@pytest.mark.parametrize("url", ["/", "/frameworks", "/sign-in", "/frameworks/nope"])
def test_headers_on_public_pages(client, url):
    response = client.get(url)
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Permissions-Policy"] == "geolocation=(), camera=(), microphone=()"
    assert "Strict-Transport-Security" not in response.headers  # development and test are plain HTTP
    assert response.headers.get("Cache-Control") != "no-store"


def test_pages_carry_no_inline_script(page):
    soup = page("/frameworks/civil-service-2012/competencies/delivering-at-pace")
    for script in soup.find_all("script"):
        assert script.get("src"), "inline script would break the Content-Security-Policy"
        assert not script.get_text(strip=True)
    assert not soup.select("[onclick], [onload], [style]")


def test_signed_in_pages_are_not_stored(forms, client, make_user):
    forms.sign_in(make_user())
    assert client.get("/account").headers["Cache-Control"] == "no-store"
    assert client.get("/frameworks").headers["Cache-Control"] == "no-store"


def production_app(monkeypatch, **overrides):
    monkeypatch.setattr(TestConfig, "RECRUIT_ENV", "production")
    return create_app(
        TestConfig,
        SECRET_KEY=overrides.pop("SECRET_KEY", "k" * 64),
        BASE_URL=overrides.pop("BASE_URL", "https://recruit.example"),
        SQLALCHEMY_DATABASE_URI="sqlite://",
        **overrides,
    )


@pytest.mark.parametrize("key", [None, "", "dev-only-secret-key-change-me", "short"])
def test_production_refuses_a_missing_or_default_secret_key(monkeypatch, key):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        production_app(monkeypatch, SECRET_KEY=key)


def test_production_adds_hsts_secure_cookies_and_https(monkeypatch):
    app = production_app(monkeypatch)
    client = app.test_client()
    assert client.get("/frameworks", base_url="http://recruit.example").status_code == 302  # plain HTTP to HTTPS
    response = client.get("/sign-in", base_url="https://recruit.example")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response.headers["Content-Security-Policy"] == CSP
    assert "Secure" in response.headers["Set-Cookie"]
    assert app.config["REQUIRE_STAFF_MFA"] is True


def test_behind_a_trusted_proxy_the_clients_address_comes_from_x_forwarded_for(app):
    from recruit import create_app
    from recruit.config import TestConfig
    from recruit.services.records import audit  # noqa: F401  (the audit log records request.remote_addr)

    proxied = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"], TRUSTED_PROXIES=1)
    seen = {}

    @proxied.get("/_address")
    def _address():
        from flask import request

        seen["address"], seen["scheme"] = request.remote_addr, request.scheme
        return ""

    _address.recruit_access = ("public",)
    proxied.test_client().get("/_address", headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"})
    assert seen == {"address": "203.0.113.7", "scheme": "https"}
    # Without trusted proxies the header is ignored: a client cannot choose its own address.
    app.test_client().get("/healthz", headers={"X-Forwarded-For": "203.0.113.7"})
    with app.test_request_context("/", headers={"X-Forwarded-For": "203.0.113.7"}):
        from flask import request

        assert request.remote_addr != "203.0.113.7"
