"""No link token reaches a log: emails go to the development outbox (development only, admins only) or fail
loudly in production, and the access and error logs show [token] in place of a token in a path."""

import logging
import runpy
import secrets
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from flask import url_for
from gunicorn.config import Config as GunicornConfig
from sqlalchemy import func, select

from recruit import create_app
from recruit.config import TestConfig
from recruit.extensions import db
from recruit.log_masking import mask_tokens
from recruit.models import DevelopmentEmail, PendingRegistration, UserToken
from recruit.services.accounts import account_changes as accounts
from tests.factories import open_campaign
from tests.helpers import ROOT, Forms, error_messages, make_csv, parse, upload, words

PASSPHRASE = "analytical engine punched cards"


@pytest.fixture
def issued(monkeypatch):
    """Every random token made during the test (link tokens among them), to look for in the logs."""
    made = []
    real = secrets.token_urlsafe

    def recording(*args):
        value = real(*args)
        made.append(value)
        return value

    monkeypatch.setattr(secrets, "token_urlsafe", recording)
    return made


def assert_no_token_in(text: str, tokens: list[str]) -> None:
    for token in tokens:
        assert token not in text


def reset(forms, make_user):
    make_user(email="sam@example.org")
    forms.submit("/forgotten-password", {"email": "sam@example.org"})


def invitation(forms, make_user):
    forms.sign_in(make_user(role="admin"))
    forms.submit("/admin/users/invite", {"name": "Grace Hopper", "email": "grace@example.org", "role": "assessor"})


def claim(forms, make_user):
    admin = make_user(role="admin")
    campaign = open_campaign(admin)
    codes = [criterion.code for criterion in campaign.criteria_at("sift")]
    forms.sign_in(admin)
    upload(
        forms,
        campaign,
        make_csv(["name", "email", *codes], [["Ann Example", "ann@example.org", *[words(30)] * len(codes)]]),
    )


def registration(forms, make_user):
    forms.submit("/register", {"name": "Ada Lovelace", "email": "ada@example.org", "password": PASSPHRASE})


def registration_of_a_taken_address(forms, make_user):
    make_user(email="taken@example.org")
    forms.submit("/register", {"name": "Ada Lovelace", "email": "taken@example.org", "password": PASSPHRASE})
    forms.submit("/forgotten-password", {"email": "taken@example.org"})  # so that a token is made


FLOWS = [reset, invitation, claim, registration, registration_of_a_taken_address]


@pytest.mark.parametrize("flow", FLOWS)
@pytest.mark.parametrize("outbox_on", [False, True], ids=["no mail server", "development outbox"])
def test_no_flow_writes_a_token_to_the_log(app, forms, make_user, caplog, issued, monkeypatch, flow, outbox_on):
    monkeypatch.setitem(app.config, "DEVELOPMENT_OUTBOX", outbox_on)
    with caplog.at_level(logging.DEBUG):
        flow(forms, make_user)
        # Following the link logs nothing of it either (Flask logs the path of a request that fails).
        for message in db.session.scalars(select(DevelopmentEmail)):
            for word in message.body.split():
                if "://" in word:
                    forms.client.get(urlsplit(word).path)
    # Claim links are made only when they can be emailed; every other flow makes its token either way.
    assert issued or (flow is claim and not outbox_on), "the flow made no token"
    assert_no_token_in(caplog.text, issued)
    sent = db.session.scalar(select(func.count(DevelopmentEmail.id)))
    assert (sent > 0) == outbox_on


def test_a_failing_request_on_a_token_link_is_logged_with_the_token_masked(app, caplog):
    with app.test_request_context("/set-password/s3cr3t-t0ken"), caplog.at_level(logging.DEBUG):
        app.logger.error("Exception on /set-password/s3cr3t-t0ken [POST]")
        logging.getLogger("werkzeug").info('"%s" %s %s', "GET /register/confirm/s3cr3t-t0ken HTTP/1.1", 200, 5)
    assert "s3cr3t" not in caplog.text
    assert "Exception on /set-password/[token] [POST]" in caplog.text
    assert "GET /register/confirm/[token] HTTP/1.1" in caplog.text


def test_every_route_with_a_token_in_its_path_is_masked(app):
    routes = [rule for rule in app.url_map.iter_rules() if "token" in rule.arguments]
    assert {rule.endpoint for rule in routes} == {"auth.set_password", "auth.confirm_registration"}
    with app.test_request_context():
        for rule in routes:
            path = url_for(rule.endpoint, token="Zq8_secret-Value", _external=False)
            masked = mask_tokens(f'GET {path}?x=1 HTTP/1.1 "https://recruit.example.org{path}"')
            assert "Zq8" not in masked and "[token]" in masked


@pytest.mark.parametrize(
    "text, masked",
    [
        ("/set-password/abc", "/set-password/[token]"),
        ("/set-password/abc?next=/x", "/set-password/[token]?next=/x"),
        ('"https://h/register/confirm/a-b_c" "Mozilla"', '"https://h/register/confirm/[token]" "Mozilla"'),
        ("/set-password/", "/set-password/"),
        ("/account/password", "/account/password"),
    ],
)
def test_masking(text, masked):
    assert mask_tokens(text) == masked


def gunicorn_logger(tmp_path):
    """gunicorn's logger as gunicorn.conf.py sets it up, writing its access and error logs to files."""
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    config = GunicornConfig()
    for name in ("logger_class", "access_log_format"):
        config.set(name, settings[name])
    config.set("accesslog", str(tmp_path / "access.log"))
    config.set("errorlog", str(tmp_path / "error.log"))
    return config.logger_class(config)


def test_gunicorn_logs_mask_the_token(tmp_path):
    logger = gunicorn_logger(tmp_path)
    token = "Zq8_secret-Value"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/set-password/{token}",
        "PATH_INFO": f"/set-password/{token}",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.7",
        "HTTP_REFERER": f"https://recruit.example.org/register/confirm/{token}",
        "HTTP_USER_AGENT": "Mozilla",
    }
    response = SimpleNamespace(status="200 OK", sent=512, headers=[])
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    logger.access(response, request, environ, timedelta(milliseconds=12))
    logger.exception("Error handling request %s", f"/set-password/{token}")
    for handler in logger.access_log.handlers + logger.error_log.handlers:
        handler.flush()

    access = (tmp_path / "access.log").read_text()
    errors = (tmp_path / "error.log").read_text()
    assert token not in access and token not in errors
    assert (
        '"GET /set-password/[token] HTTP/1.1" 200 512 "https://recruit.example.org/register/confirm/[token]"' in access
    )
    assert access.startswith("203.0.113.7 - - [")
    assert "Error handling request /set-password/[token]" in errors


# The development outbox page ------------------------------------------------------------------------------


def test_admins_read_the_development_outbox(forms, make_user, outbox):
    make_user(email="sam@example.org")
    forms.submit("/forgotten-password", {"email": "sam@example.org"})
    forms.sign_in(make_user(role="admin"))

    soup = parse(forms.client.get("/admin/development-mail"))

    assert soup.h1.get_text(strip=True) == "Development mail"
    [card] = soup.select(".development-email")
    assert card.select_one(".govuk-summary-card__title").get_text(strip=True) == "Reset your Recruit password"
    assert card.select_one(".email-to").get_text(strip=True) == "sam@example.org"
    assert "http://127.0.0.1:5000/set-password/" in card.select_one(".email-body").get_text()
    users = parse(forms.client.get("/admin/users"))
    assert users.find("a", string="development mail")["href"] == "/admin/development-mail"


@pytest.mark.parametrize("role, status", [("assessor", 403), ("candidate", 403)])
def test_only_admins_read_the_development_outbox(forms, make_user, outbox, role, status):
    forms.sign_in(make_user(role=role))
    assert forms.client.get("/admin/development-mail").status_code == status


def test_signed_out_people_are_sent_to_sign_in(client, outbox):
    assert urlsplit(client.get("/admin/development-mail").location).path == "/sign-in"


def test_the_development_outbox_is_no_page_in_test_unless_turned_on(forms, make_user):
    forms.sign_in(make_user(role="admin"))
    assert forms.client.get("/admin/development-mail").status_code == 404
    assert not parse(forms.client.get("/admin/users")).find("a", string="development mail")


def test_development_turns_the_outbox_on_and_production_cannot(monkeypatch):
    monkeypatch.setattr(TestConfig, "RECRUIT_ENV", "development")
    assert create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://").config["DEVELOPMENT_OUTBOX"] is True
    monkeypatch.setattr(TestConfig, "RECRUIT_ENV", "production")
    production = create_app(
        TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://", SECRET_KEY="k" * 64, BASE_URL="https://recruit.example.org"
    )
    assert production.config["DEVELOPMENT_OUTBOX"] is False
    with pytest.raises(RuntimeError, match="DEVELOPMENT_OUTBOX"):
        create_app(
            TestConfig,
            SQLALCHEMY_DATABASE_URI="sqlite://",
            SECRET_KEY="k" * 64,
            BASE_URL="https://recruit.example.org",
            DEVELOPMENT_OUTBOX=True,
        )


# Production without a mail server -------------------------------------------------------------------------


@pytest.fixture
def production(app, monkeypatch):
    """A production app on the suite's database, with no mail server, reached at its BASE_URL over HTTPS."""
    monkeypatch.setattr(TestConfig, "RECRUIT_ENV", "production")
    served = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        SECRET_KEY="k" * 64,
        BASE_URL="https://recruit.example.org",
        TESTING=False,
    )
    return Forms(AtBaseUrl(served.test_client(), "https://recruit.example.org"))


class AtBaseUrl:
    """A test client whose requests go to one base URL."""

    def __init__(self, client, base_url: str):
        self.client, self.base_url = client, base_url

    def get(self, *args, **kwargs):
        return self.client.get(*args, base_url=self.base_url, **kwargs)

    def post(self, *args, **kwargs):
        # Over HTTPS, Flask-WTF also checks that a form comes from the site's own pages.
        return self.client.post(*args, base_url=self.base_url, headers={"Referer": self.base_url + "/"}, **kwargs)


@pytest.mark.parametrize("email", ["sam@example.org", "nobody@example.org"])
def test_in_production_without_a_mail_server_a_reset_fails_loudly_and_alike(
    production, make_user, caplog, issued, email
):
    make_user(email="sam@example.org")
    with caplog.at_level(logging.DEBUG):
        response = production.submit("/forgotten-password", {"email": email})
    assert response.status_code == 503
    assert parse(response).h1.get_text(strip=True) == "Sorry, the service cannot send emails at the moment"
    assert [record.levelname for record in caplog.records if "MAIL_SERVER" in record.getMessage()] == ["ERROR"]
    assert db.session.scalar(select(func.count(UserToken.id))) == 0
    for token in issued:
        assert token not in caplog.text


@pytest.mark.parametrize("email", ["new@example.org", "taken@example.org"])
def test_in_production_without_a_mail_server_registering_fails_loudly_and_alike(production, make_user, email):
    make_user(email="taken@example.org")
    response = production.submit("/register", {"name": "Ada Lovelace", "email": email, "password": PASSPHRASE})
    assert response.status_code == 503
    assert parse(response).h1.get_text(strip=True) == "Sorry, the service cannot send emails at the moment"
    assert db.session.scalar(select(func.count(PendingRegistration.id))) == 0


def test_in_production_without_a_mail_server_an_invitation_link_is_shown_to_the_admin(production, make_user):
    production.sign_in(make_user(role="admin", two_factor=True))
    soup = parse(
        production.submit(
            "/admin/users/invite", {"name": "Grace Hopper", "email": "grace@example.org", "role": "assessor"}
        )
    )
    assert "No mail server is set up" in soup.main.get_text(" ", strip=True)
    assert (
        soup.select_one("#invitation-link").get_text(strip=True).startswith("https://recruit.example.org/set-password/")
    )


def test_a_bad_password_is_explained_before_any_email_in_production(production):
    response = production.submit("/register", {"name": "", "email": "new@example.org", "password": PASSPHRASE})
    assert response.status_code == 200
    assert error_messages(parse(response)) == ["Enter your full name"]


def test_the_service_layer_never_sends(forms, make_user, caplog):
    """Issuing a token is silent: only the route's email carries it."""
    user = make_user(email="sam@example.org")
    with caplog.at_level(logging.DEBUG):
        _, raw = accounts.request_password_reset(user.email)
    assert raw not in caplog.text
