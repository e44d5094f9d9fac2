"""Registering as a candidate: the same answer whether or not the address has an account, and an account only
once its owner confirms the address from the emailed link (with the password they chose)."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from sqlalchemy import func, select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import AuditEvent, PendingRegistration, User
from tests.helpers import error_messages, parse

PASSPHRASE = "analytical engine punched cards"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def register(forms, name="Ada Lovelace", email="ada@example.org", password=PASSPHRASE, url="/register"):
    return forms.submit(url, {"name": name, "email": email, "password": password}, page="/register")


def confirm_path(outbox, email="ada@example.org") -> str:
    link = outbox.link(email, "/register/confirm/")
    assert link.startswith("http://127.0.0.1:5000/register/confirm/")  # BASE_URL in development and tests
    return urlsplit(link).path


def main_text(response, *replace: str) -> str:
    text = parse(response).main.get_text(" ", strip=True)
    for value in replace:
        text = text.replace(value, "ADDRESS")
    return text


def test_registering_sends_a_link_and_creates_no_account_until_it_is_confirmed(forms, client, outbox):
    response = register(forms, email="Ada@Example.org")

    assert response.status_code == 200
    soup = parse(response)
    assert soup.h1.get_text(strip=True) == "Check your email"
    assert "We have sent an email to ada@example.org" in soup.main.get_text(" ", strip=True)
    assert db.session.scalar(select(User).where(User.email == "ada@example.org")) is None
    assert client.get("/account").status_code == 302  # not signed in
    [message] = outbox.messages("ada@example.org")
    assert message.subject == "Confirm your email address to create your Recruit account"

    page = parse(client.get(confirm_path(outbox)))
    assert page.h1.get_text(strip=True) == "Confirm your email address"
    assert "ada@example.org" in page.main.get_text(" ", strip=True)

    response = forms.submit(confirm_path(outbox), {"password": PASSPHRASE})

    assert response.status_code == 302 and response.location == "/applications"
    user = db.session.scalar(select(User).where(User.email == "ada@example.org"))
    assert (user.role, user.name) == ("candidate", "Ada Lovelace")
    assert user.password_hash.startswith("$argon2id$") and "analytical" not in user.password_hash
    account = parse(client.get("/account"))
    assert account.h1.get_text(strip=True) == "Your account"
    actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions[-3:] == ["account.registration_requested", "account.registered", "sign_in.succeeded"]
    # The link works once.
    assert client.get(confirm_path(outbox)).status_code == 410


def test_registering_an_address_that_has_an_account_looks_the_same_and_emails_its_owner(forms, make_user, outbox):
    owner = make_user(email="taken@example.org")
    hash_before = owner.password_hash

    new = register(forms, email="new@example.org")
    taken = register(forms, name="Again", email="TAKEN@example.org")

    assert new.status_code == taken.status_code == 200
    assert main_text(new, "new@example.org") == main_text(taken, "taken@example.org")
    assert parse(new).title.get_text() == parse(taken).title.get_text()
    # The owner is told, and pointed to signing in or resetting their password; the account is unchanged.
    [message] = outbox.messages("taken@example.org")
    assert message.subject == "Someone tried to create a Recruit account with your email address"
    assert "http://127.0.0.1:5000/sign-in" in message.body.split()
    assert "http://127.0.0.1:5000/forgotten-password" in message.body.split()
    assert "/register/confirm/" not in message.body
    db.session.expire_all()
    assert db.session.get(User, owner.id).password_hash == hash_before
    assert db.session.scalar(select(func.count(User.id)).where(User.email == "taken@example.org")) == 1
    assert (
        db.session.scalar(
            select(func.count(PendingRegistration.id)).where(PendingRegistration.email == "taken@example.org")
        )
        == 0
    )
    [attempt] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "account.registration_attempted"))
    assert attempt.record_id == str(owner.id)


def test_both_answers_hash_the_password(forms, make_user, monkeypatch):
    """The two answers take alike time: both do the slow password hash."""
    from recruit.services.accounts import account_changes as accounts

    hashed = []
    real = accounts.hash_password
    monkeypatch.setattr(accounts, "hash_password", lambda password: hashed.append(password) or real(password))
    make_user(email="taken@example.org")

    register(forms, email="new@example.org")
    register(forms, email="taken@example.org")

    assert hashed == [PASSPHRASE, PASSPHRASE]


def test_a_weak_password_is_refused_alike_for_a_new_and_an_existing_address(forms, make_user):
    make_user(email="taken@example.org")
    for email in ("new@example.org", "taken@example.org"):
        response = register(forms, email=email, password="password1234")
        assert error_messages(parse(response)) == [
            "Enter a password that is harder to guess, such as three random words"
        ]
    assert count(PendingRegistration) == 0


def test_confirming_needs_the_password_chosen_when_registering(forms, client, outbox, count_writes):
    register(forms)
    path = confirm_path(outbox)

    with count_writes() as writes:
        response = forms.submit(path, {"password": "a different passphrase altogether"})

    assert response.status_code == 200
    soup = parse(response)
    assert error_messages(soup) == ["Enter the password you chose when you created your account"]
    assert soup.title.get_text().startswith("Error: ")
    assert writes.statements == []
    assert db.session.scalar(select(User).where(User.email == "ada@example.org")) is None
    assert error_messages(parse(forms.submit(path, {"password": ""}))) == ["Enter your password"]
    # The right one still works.
    assert forms.submit(path, {"password": PASSPHRASE}).status_code == 302


def test_someone_elses_registration_of_your_address_cannot_become_your_account(forms, outbox, app):
    """Whoever registered your address first cannot have you confirm an account whose password they chose."""
    register(forms, name="Mallory", password="mallory chose this passphrase")
    first = confirm_path(outbox)
    register(forms, name="Ada Lovelace", password=PASSPHRASE)
    second = confirm_path(outbox)
    assert first != second

    assert error_messages(parse(forms.submit(first, {"password": PASSPHRASE}))) == [
        "Enter the password you chose when you created your account"
    ]
    assert forms.submit(second, {"password": PASSPHRASE}).status_code == 302
    assert db.session.scalar(select(User.name).where(User.email == "ada@example.org")) == "Ada Lovelace"
    # With the account made, the other link no longer works.
    other = app.test_client().get(first)
    assert other.status_code == 410
    assert parse(other).select_one("#link-problem").get_text(strip=True).startswith("This link has already been used")


def test_an_unknown_or_expired_confirmation_link_explains_itself(forms, client, outbox, count_writes):
    assert client.get("/register/confirm/not-a-real-token").status_code == 404
    assert client.get("/register/confirm/" + "x" * 300).status_code == 404
    register(forms)
    path = confirm_path(outbox)
    with time_machine.travel(utcnow() + timedelta(hours=24, seconds=1)):
        response = client.get(path)
        assert response.status_code == 410
        assert parse(response).select_one("#link-problem").get_text(strip=True) == (
            "This link has expired. Ask for a new one."
        )
        with count_writes() as writes:
            assert forms.submit(path, {"password": PASSPHRASE}, page="/register").status_code == 410
        assert writes.statements == []
    assert db.session.scalar(select(User).where(User.email == "ada@example.org")) is None


def test_expired_registrations_are_deleted_by_the_next_registration(forms, outbox):
    register(forms, email="old@example.org")
    with time_machine.travel(utcnow() + timedelta(hours=25)):
        register(forms, email="new@example.org")
    assert list(db.session.scalars(select(PendingRegistration.email))) == ["new@example.org"]


def test_after_confirming_the_candidate_goes_back_to_the_page_they_came_from(forms, outbox):
    register(forms, url="/register?next=/vacancies")
    assert forms.submit(confirm_path(outbox), {"password": PASSPHRASE}).location == "/vacancies"


def test_an_address_with_an_account_by_the_time_of_confirming_is_not_registered_twice(forms, make_user, outbox):
    register(forms)
    make_user(email="ada@example.org", name="Imported Ada")
    response = forms.submit(confirm_path(outbox), {"password": PASSPHRASE}, page="/register")
    assert response.status_code == 410
    assert db.session.scalar(select(func.count(User.id)).where(User.email == "ada@example.org")) == 1


def test_signed_in_people_are_not_asked_to_register(forms, make_user, client):
    forms.sign_in(make_user())
    assert client.get("/register").location == "/applications"


@pytest.mark.parametrize("email", ["new@example.org", "taken@example.org"])
def test_without_the_development_outbox_registering_sends_nothing_and_logs_nothing(forms, make_user, caplog, email):
    make_user(email="taken@example.org")
    with caplog.at_level("DEBUG"):
        response = register(forms, email=email)
    assert parse(response).h1.get_text(strip=True) == "Check your email"
    assert "/register/confirm/" not in caplog.text and "password" not in caplog.text.lower()


def test_a_password_can_be_pasted_however_long(forms, outbox):
    passphrase = "the quick brown fox jumps over the lazy dog while it rains on a tuesday " * 3
    assert parse(register(forms, email="long@example.org", password=passphrase)).h1.get_text(strip=True) == (
        "Check your email"
    )
    assert forms.submit(confirm_path(outbox, "long@example.org"), {"password": passphrase}).status_code == 302
    assert forms.client.get("/account").status_code == 200
