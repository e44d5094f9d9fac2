"""Emailed links come from BASE_URL, never from the request's Host or X-Forwarded-Host, and the app answers only
to the host names TRUSTED_HOSTS gives (BASE_URL's, plus localhost outside production)."""

from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from recruit import create_app
from recruit.config import TestConfig
from recruit.extensions import db
from recruit.links import absolute_url
from recruit.models import UserToken
from tests.factories import open_campaign
from tests.helpers import Forms, make_csv, parse, upload, words

BASE = "https://recruit.example.org"
PASSPHRASE = "analytical engine punched cards"


@pytest.fixture
def base_url(app, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", BASE)
    return BASE


def only_link(outbox, to: str, path: str) -> str:
    link = outbox.link(to, path)
    assert link.startswith(BASE + path), link
    return link


def test_a_reset_link_comes_from_base_url_whatever_the_request_says(forms, make_user, outbox, base_url):
    make_user(email="sam@example.org")
    # localhost is a host the test app answers to; the link still names BASE_URL's host.
    forms.submit("/forgotten-password", {"email": "sam@example.org"}, headers={"X-Forwarded-Host": "evil.example"})
    link = only_link(outbox, "sam@example.org", "/set-password/")
    assert forms.client.get(urlsplit(link).path).status_code == 200


def test_an_invitation_link_comes_from_base_url(make_user, forms, outbox, base_url):
    forms.sign_in(make_user(role="admin"))
    soup = parse(
        forms.submit("/admin/users/invite", {"name": "Grace Hopper", "email": "grace@example.org", "role": "assessor"})
    )
    assert "We have emailed grace@example.org a link" in soup.main.get_text(" ", strip=True)
    only_link(outbox, "grace@example.org", "/set-password/")


def test_an_invitation_shown_to_the_admin_comes_from_base_url(make_user, forms, base_url):
    forms.sign_in(make_user(role="admin"))
    soup = parse(
        forms.submit("/admin/users/invite", {"name": "Grace Hopper", "email": "grace@example.org", "role": "assessor"})
    )
    assert soup.select_one("#invitation-link").get_text(strip=True).startswith(BASE + "/set-password/")


def test_claim_links_for_imported_candidates_come_from_base_url(make_user, forms, outbox, base_url):
    admin = make_user(role="admin")
    campaign = open_campaign(admin)
    codes = [criterion.code for criterion in campaign.criteria_at("sift")]
    forms.sign_in(admin)
    response = upload(
        forms,
        campaign,
        make_csv(["name", "email", *codes], [["Ann Example", "ann@example.org", *[words(30)] * len(codes)]]),
    )
    assert "been emailed a link" in parse(response).select_one("#new-accounts").get_text(" ", strip=True)
    only_link(outbox, "ann@example.org", "/set-password/")


def test_registration_links_come_from_base_url(forms, make_user, outbox, base_url):
    make_user(email="taken@example.org")
    for email in ("new@example.org", "taken@example.org"):
        forms.submit(
            "/register",
            {"name": "Ada Lovelace", "email": email, "password": PASSPHRASE},
            headers={"X-Forwarded-Host": "evil.example"},
        )
    only_link(outbox, "new@example.org", "/register/confirm/")
    assert {word for word in outbox.last("taken@example.org").body.split() if "://" in word} == {
        BASE + "/sign-in",
        BASE + "/forgotten-password",
    }


@pytest.mark.parametrize(
    "base, expected",
    [
        ("https://recruit.example.org", "https://recruit.example.org/set-password/abc"),
        ("https://recruit.example.org/", "https://recruit.example.org/set-password/abc"),
        ("https://example.org/jobs", "https://example.org/jobs/set-password/abc"),
        ("http://127.0.0.1:5000", "http://127.0.0.1:5000/set-password/abc"),
    ],
)
def test_absolute_links_keep_base_urls_port_and_path(app, base, expected):
    other = create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://", BASE_URL=base)
    with other.app_context():
        assert absolute_url("auth.set_password", token="abc") == expected


@pytest.mark.parametrize("host", ["evil.example", "recruit.example.org.evil.example", "evil.example:5000"])
def test_a_request_for_another_host_gets_a_400_page_and_changes_nothing(client, make_user, host):
    make_user(email="sam@example.org")
    page = client.get("/forgotten-password", headers={"Host": host})
    assert page.status_code == 400
    assert parse(page).h1.get_text(strip=True) == "Sorry, there is a problem with your request"
    response = client.post("/forgotten-password", data={"email": "sam@example.org"}, headers={"Host": host})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(UserToken.id))) == 0


def test_behind_a_trusted_proxy_a_forged_x_forwarded_host_gets_a_400_page(app, make_user):
    make_user(email="sam@example.org")
    proxied = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"], TRUSTED_PROXIES=1)
    person = Forms(proxied.test_client())
    response = person.submit(
        "/forgotten-password", {"email": "sam@example.org"}, headers={"X-Forwarded-Host": "evil.example"}
    )
    assert response.status_code == 400
    assert parse(response).h1.get_text(strip=True) == "Sorry, there is a problem with your request"
    assert db.session.scalar(select(func.count(UserToken.id))) == 0
    # The host the service is reached at, passed on by the proxy, is served.
    assert proxied.test_client().get("/sign-in", headers={"X-Forwarded-Host": "localhost"}).status_code == 200


def test_outside_production_the_app_answers_to_base_urls_host_and_localhost(app):
    assert app.config["TRUSTED_HOSTS"] == ["127.0.0.1", "localhost"]
    other = create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://", BASE_URL="http://recruit.test:8000")
    assert other.config["TRUSTED_HOSTS"] == ["recruit.test", "localhost", "127.0.0.1"]


def production(monkeypatch, **settings):
    monkeypatch.setattr(TestConfig, "RECRUIT_ENV", "production")
    return create_app(TestConfig, **{"SECRET_KEY": "k" * 64, "SQLALCHEMY_DATABASE_URI": "sqlite://", **settings})


def test_production_answers_only_to_base_urls_host(monkeypatch):
    app = production(monkeypatch, BASE_URL="https://recruit.example.org")
    assert app.config["TRUSTED_HOSTS"] == ["recruit.example.org"]
    client = app.test_client()
    assert client.get("/sign-in", base_url="https://recruit.example.org").status_code == 200
    assert client.get("/sign-in", base_url="https://localhost").status_code == 400


def test_production_answers_to_the_extra_hosts_it_is_given(monkeypatch):
    app = production(monkeypatch, BASE_URL="https://recruit.example.org", EXTRA_TRUSTED_HOSTS=["10.0.0.5"])
    assert app.config["TRUSTED_HOSTS"] == ["recruit.example.org", "10.0.0.5"]
    client = app.test_client()
    assert client.get("/healthz", base_url="https://10.0.0.5:8000").status_code == 200
    assert client.get("/healthz", base_url="https://10.0.0.6:8000").status_code == 400


@pytest.mark.parametrize("value", [None, "", "http://recruit.example.org"])
def test_production_refuses_to_start_without_an_https_base_url(monkeypatch, value):
    with pytest.raises(RuntimeError, match="BASE_URL must be set in production"):
        production(monkeypatch, BASE_URL=value)


@pytest.mark.parametrize(
    "value",
    [
        "recruit.example.org",
        "ftp://recruit.example.org",
        "https://",
        "https://recruit.example.org/?next=x",
        "https://user:pw@recruit.example.org",
        "https://recruit.example.org:99999",
    ],
)
def test_a_base_url_that_is_no_web_address_stops_the_app(value):
    with pytest.raises(RuntimeError, match="BASE_URL must be the address"):
        create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://", BASE_URL=value)
