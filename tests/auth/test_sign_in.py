"""Signing in, registering, forgotten and changed passwords: every rule and every bad input."""

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import AuditEvent, User, UserToken
from recruit.services.accounts.passwords import needs_rehash
from tests.factories import PASSWORD
from tests.helpers import error_messages, parse

GENERIC = "Enter a correct email address and password"


def audit_actions(user=None) -> list[str]:
    query = select(AuditEvent.action).order_by(AuditEvent.id)
    if user is not None:
        query = query.where(AuditEvent.record_id == str(user.id))
    return list(db.session.scalars(query))


def test_sign_in_takes_candidate_to_their_applications(forms, client, make_user):
    user = make_user(email="sam@example.org")
    response = forms.sign_in(user)
    assert response.location == "/applications"
    soup = parse(client.get("/account"))
    assert soup.h1.get_text(strip=True) == "Your account"
    assert "sam@example.org" in soup.select_one(".govuk-summary-list").get_text()
    assert audit_actions(user)[-1] == "sign_in.succeeded"


def test_email_is_matched_whatever_its_case(forms, make_user):
    user = make_user(email="mixed@example.org")
    response = forms.submit("/sign-in", {"email": "  MIXED@Example.ORG ", "password": PASSWORD})
    assert response.status_code == 302
    assert db.session.get(User, user.id).last_signed_in_at is not None


def test_sign_in_goes_back_to_the_page_asked_for(forms, make_user):
    user = make_user()
    response = forms.submit("/sign-in?next=/account/password", {"email": user.email, "password": PASSWORD})
    assert response.location == "/account/password"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_sign_in_never_redirects_off_site(forms, make_user, target):
    user = make_user()
    response = forms.submit(f"/sign-in?next={target}", {"email": user.email, "password": PASSWORD})
    assert response.location == "/applications"


@pytest.mark.parametrize(
    "case",
    ["unknown email", "wrong password", "locked", "deactivated"],
)
def test_every_failure_gives_the_same_message(forms, make_user, case):
    user = make_user(email="target@example.org")
    email, password = user.email, PASSWORD
    if case == "unknown email":
        email = "nobody@example.org"
    elif case == "wrong password":
        password = "not the password at all"
    elif case == "locked":
        user.locked_until = utcnow() + timedelta(minutes=5)
    elif case == "deactivated":
        user.active = False
    db.session.commit()
    response = forms.submit("/sign-in", {"email": email, "password": password})
    assert response.status_code == 200
    soup = parse(response)
    assert error_messages(soup) == [GENERIC]
    assert soup.title.get_text().startswith("Error: ")
    assert db.session.get(User, user.id).last_signed_in_at is None


@pytest.mark.parametrize(
    "data, message",
    [
        ({"email": "", "password": PASSWORD}, "Enter your email address"),
        ({"email": "a@example.org", "password": ""}, "Enter your password"),
        (
            {"email": "not-an-email", "password": PASSWORD},
            "Enter an email address in the correct format, like name@example.com",
        ),
        ({"email": "x" * 250 + "@example.org", "password": PASSWORD}, "Email address must be 254 characters or fewer"),
        ({}, "Enter your email address"),
    ],
)
def test_sign_in_form_bad_input(forms, data, message):
    before = db.session.scalar(select(func.count(AuditEvent.id)))
    response = forms.submit("/sign-in", data)
    assert response.status_code == 200
    assert message in error_messages(parse(response))
    # Malformed input never reaches the account check.
    assert db.session.scalar(select(func.count(AuditEvent.id))) == before


@pytest.fixture
def generous_rate_limit(app, monkeypatch):
    # These tests make more attempts than the per-client limit allows; the limit has its own test.
    monkeypatch.setitem(app.config, "SIGN_IN_RATE_LIMIT", "1000 per minute")


def test_ten_failures_in_a_row_lock_the_account_for_fifteen_minutes(forms, make_user, generous_rate_limit):
    user = make_user()
    with time_machine.travel(utcnow(), tick=False) as clock:
        for _ in range(10):
            forms.submit("/sign-in", {"email": user.email, "password": "wrong password entirely"})
        db.session.expire_all()
        assert db.session.get(User, user.id).locked_until is not None
        assert "sign_in.locked" in audit_actions(user)
        # Even the right password fails while locked, with the same message.
        response = forms.submit("/sign-in", {"email": user.email, "password": PASSWORD})
        assert error_messages(parse(response)) == [GENERIC]
        clock.shift(timedelta(minutes=14, seconds=59))
        assert forms.submit("/sign-in", {"email": user.email, "password": PASSWORD}).status_code == 200
        clock.shift(timedelta(seconds=2))
        assert forms.submit("/sign-in", {"email": user.email, "password": PASSWORD}).status_code == 302


def test_a_success_resets_the_failure_count(forms, make_user, client, generous_rate_limit):
    user = make_user()
    for _ in range(9):
        forms.submit("/sign-in", {"email": user.email, "password": "wrong password entirely"})
    forms.sign_in(user)
    forms.submit("/sign-out", page="/account")
    for _ in range(9):
        forms.submit("/sign-in", {"email": user.email, "password": "wrong password entirely"})
    db.session.expire_all()
    assert db.session.get(User, user.id).locked_until is None


def test_sign_in_attempts_are_rate_limited_per_client(app, forms, monkeypatch):
    monkeypatch.setitem(app.config, "SIGN_IN_RATE_LIMIT", "3 per minute")
    for _ in range(3):
        assert forms.submit("/sign-in", {"email": "a@example.org", "password": "x" * 12}).status_code == 200
    response = forms.submit("/sign-in", {"email": "a@example.org", "password": "x" * 12})
    assert response.status_code == 429
    assert parse(response).h1.get_text(strip=True) == "Sorry, there have been too many attempts"
    # Reading the page is not limited.
    assert forms.client.get("/sign-in").status_code == 200


def test_outdated_password_hash_is_upgraded_at_sign_in(forms, make_user):
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    user = make_user(password_hash=weak)
    assert needs_rehash(weak)
    forms.sign_in(user)
    db.session.expire_all()
    stored = db.session.get(User, user.id).password_hash
    assert stored != weak and not needs_rehash(stored)
    assert stored.startswith("$argon2id$")


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {"name": "", "email": "new@example.org", "password": "analytical engine punched cards"},
            "Enter your full name",
        ),
        (
            {"name": "N" * 201, "email": "new@example.org", "password": "analytical engine punched cards"},
            "Name must be 200 characters or fewer",
        ),
        ({"name": "New", "email": "", "password": "analytical engine punched cards"}, "Enter your email address"),
        (
            {"name": "New", "email": "new@", "password": "analytical engine punched cards"},
            "Enter an email address in the correct format, like name@example.com",
        ),
        ({"name": "New", "email": "new@example.org", "password": ""}, "Enter a password"),
        ({"name": "New", "email": "new@example.org", "password": "short1!"}, "Password must be 10 characters or more"),
        (
            {"name": "New", "email": "new@example.org", "password": "password1234"},
            "Enter a password that is harder to guess, such as three random words",
        ),
        (
            {"name": "New", "email": "new@example.org", "password": "qwertyuiop"},
            "Enter a password that is harder to guess, such as three random words",
        ),
        (
            {"name": "Jennifer Smithson", "email": "jennifer.smithson@example.org", "password": "jennifersmithson"},
            "Enter a password that is harder to guess, such as three random words",
        ),
        (
            {"name": "New", "email": "new@example.org", "password": "a b c d e f " * 30},
            "Password must be 256 characters or fewer",
        ),
    ],
)
def test_registration_bad_input(forms, data, message):
    # Registration itself is in test_registration.py.
    users_before = db.session.scalar(select(func.count(User.id)))
    response = forms.submit("/register", data)
    assert response.status_code == 200
    soup = parse(response)
    assert message in error_messages(soup)
    assert soup.title.get_text().startswith("Error: ")
    assert db.session.scalar(select(func.count(User.id))) == users_before


def test_forgotten_password_never_reveals_whether_an_account_exists(forms, make_user):
    make_user(email="real@example.org")
    real = parse(forms.submit("/forgotten-password", {"email": "real@example.org"}))
    fake = parse(forms.submit("/forgotten-password", {"email": "fake@example.org"}))
    assert real.h1.get_text(strip=True) == fake.h1.get_text(strip=True) == "Check your email"
    assert real.main.get_text(" ", strip=True).replace("real", "X") == fake.main.get_text(" ", strip=True).replace(
        "fake", "X"
    )
    assert db.session.scalar(select(func.count(UserToken.id)).where(UserToken.purpose == "reset_password")) == 1


def test_forgotten_password_bad_input(forms):
    soup = parse(forms.submit("/forgotten-password", {"email": ""}))
    assert error_messages(soup) == ["Enter your email address"]


def test_reset_link_sets_a_new_password(forms, make_user, client):
    from recruit.services.accounts import account_changes as accounts

    user = make_user()
    _, raw = accounts.request_password_reset(user.email)
    response = forms.submit(f"/set-password/{raw}", {"password": "a completely new passphrase"})
    assert response.status_code == 302
    assert forms.submit("/sign-in", {"email": user.email, "password": PASSWORD}).status_code == 200
    assert forms.submit("/sign-in", {"email": user.email, "password": "a completely new passphrase"}).status_code == 302


def test_change_password(forms, make_user, client):
    user = make_user()
    forms.sign_in(user)
    response = forms.submit(
        "/account/password", {"current_password": PASSWORD, "new_password": "brand new river stones"}
    )
    assert response.status_code == 302
    assert "account.password_changed" in audit_actions(user)
    # Still signed in here.
    assert client.get("/account").status_code == 200


@pytest.mark.parametrize(
    "data, message",
    [
        ({"current_password": "", "new_password": "brand new river stones"}, "Enter your current password"),
        ({"current_password": PASSWORD, "new_password": ""}, "Enter a new password"),
        (
            {"current_password": "wrong one entirely", "new_password": "brand new river stones"},
            "Your current password is not correct",
        ),
        ({"current_password": PASSWORD, "new_password": "tooshort"}, "Password must be 10 characters or more"),
        (
            {"current_password": PASSWORD, "new_password": "1234567890"},
            "Enter a password that is harder to guess, such as three random words",
        ),
    ],
)
def test_change_password_bad_input(forms, make_user, data, message):
    user = make_user()
    forms.sign_in(user)
    response = forms.submit("/account/password", data)
    assert message in error_messages(parse(response))
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == user.password_hash


def test_signed_in_pages_need_sign_in(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.location.startswith("/sign-in?next=/account")
