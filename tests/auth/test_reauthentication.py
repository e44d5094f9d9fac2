"""Changes to how a signed-in person signs in (their password, turning two-factor on or off, new recovery
codes) need their current password, end their other sessions, and count wrong passwords towards the
lockout like sign-in does, so a stolen session can neither change them nor guess the password."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from recruit.extensions import db
from recruit.models import AuditEvent, User
from recruit.services.accounts import two_factor as mfa
from recruit.services.accounts.passwords import verify_password
from recruit.services.accounts.signin import LOCK_AFTER_FAILURES
from tests.factories import PASSWORD
from tests.helpers import (
    NEW_RECOVERY_CODES,
    SET_UP,
    STEP,
    TURN_OFF,
    Forms,
    banners,
    csrf_token_from,
    error_messages,
    key_on,
    parse,
)

NEW_PASSWORD = "fresh granite meadow lark"
SIGN_IN_FAILED = "Enter a correct email address and password"


@dataclass
class Change:
    url: str
    two_factor: bool
    data: Callable  # the rest of the form, filled in from the page as a person would
    action: str  # its audit entry
    purpose: str  # as the audit entry for a wrong password names it


def _setup_code(page) -> dict:
    # The page's hidden copy of the key it shows goes back with the code, as a browser sends it.
    return {"code": pyotp.TOTP(key_on(page)).now(), "key": page.select_one("input[name=key]")["value"]}


CHANGES = {
    "change password": Change(
        "/account/password",
        False,
        lambda page: {"new_password": NEW_PASSWORD},
        "account.password_changed",
        "change password",
    ),
    "turn on two-factor": Change(SET_UP, False, _setup_code, "mfa.enabled", "turn on two-factor authentication"),
    "turn off two-factor": Change(
        TURN_OFF, True, lambda page: {}, "mfa.disabled", "turn off two-factor authentication"
    ),
    "get new recovery codes": Change(
        NEW_RECOVERY_CODES, True, lambda page: {}, "mfa.recovery_codes_regenerated", "get new recovery codes"
    ),
}


def open_page(client, change: Change):
    page = parse(client.get(change.url))
    return page, {"csrf_token": csrf_token_from(str(page)), **change.data(page)}


def send(client, change: Change, password: str, opened=None):
    """Fill in the page (opened now, unless it already is) with this password and send it."""
    _, data = opened or open_page(client, change)
    return client.post(change.url, data={**data, "current_password": password})


def reload(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def actions(user: User) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.record_type == "user", AuditEvent.record_id == str(user.id))
            .order_by(AuditEvent.id)
        )
    )


def failures(user: User) -> list[dict]:
    return [
        event.after
        for event in db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "sign_in.failed", AuditEvent.record_id == str(user.id))
            .order_by(AuditEvent.id)
        )
    ]


def person_for(change: Change, make_user) -> User:
    person = make_user(role="assessor", two_factor=change.two_factor)
    if change.two_factor:
        mfa.regenerate_recovery_codes(person, PASSWORD)
    return person


def signed_in_twice(app, forms, person, clock) -> Forms:
    """The person signed in on another device, then on this one."""
    elsewhere = Forms(app.test_client())
    elsewhere.sign_in(person)
    clock.shift(STEP)  # a new authenticator code for this sign-in
    forms.sign_in(person)
    return elsewhere


def state(person: User) -> tuple:
    person = reload(person)
    return (
        person.password_hash,
        person.totp_secret,
        person.totp_enabled_at,
        sorted(code.code_hash for code in person.recovery_codes),
        person.session_version,
    )


@pytest.mark.parametrize("name", CHANGES)
def test_each_page_asks_for_the_current_password(client, forms, make_user, clock, name):
    change = CHANGES[name]
    forms.sign_in(person_for(change, make_user))

    page = parse(client.get(change.url))

    field = page.select_one("input#current_password")
    assert field["type"] == "password"
    assert field["autocomplete"] == "current-password"
    label = page.select_one("label[for=current_password]").get_text(strip=True)
    assert label in ("Current password", "Your current password")


@pytest.mark.parametrize("name", CHANGES)
def test_the_right_password_makes_the_change_and_ends_other_sessions(app, client, forms, make_user, clock, name):
    change = CHANGES[name]
    person = person_for(change, make_user)
    elsewhere = signed_in_twice(app, forms, person, clock)
    opened = open_page(client, change)
    before = state(person)

    response = send(client, change, PASSWORD, opened)

    assert response.status_code in (200, 302)
    assert not parse(response).select(".govuk-error-summary")
    assert change.action in actions(person)
    assert state(person) != before
    assert client.get("/account").status_code == 200, "this session carries on"
    ended = elsewhere.client.get("/account")
    assert ended.status_code == 302 and ended.location.startswith("/sign-in"), "the other session has ended"


@pytest.mark.parametrize("name", CHANGES)
@pytest.mark.parametrize(
    ("password", "message", "counted"),
    [
        ("", "Enter your current password", False),
        ("not my password at all", "Your current password is not correct", True),
    ],
    ids=["empty", "wrong"],
)
def test_a_missing_or_wrong_password_changes_nothing(
    app, client, forms, make_user, clock, name, password, message, counted
):
    change = CHANGES[name]
    person = person_for(change, make_user)
    elsewhere = signed_in_twice(app, forms, person, clock)
    done_before = actions(person)
    opened = open_page(client, change)
    before = state(person)  # after opening the set-up page, which chooses a key to scan

    response = send(client, change, password, opened)

    assert response.status_code == 200
    page = parse(response)
    assert page.title.get_text().startswith("Error: ")
    assert error_messages(page) == [message]
    assert page.select_one(".govuk-error-summary__list a")["href"] == "#current_password"
    assert state(person) == before
    assert change.action not in actions(person)[len(done_before) :]
    assert reload(person).failed_sign_ins == (1 if counted else 0)
    assert failures(person) == ([{"reason": "wrong current password", "purpose": change.purpose}] if counted else [])
    assert elsewhere.client.get("/account").status_code == 200, "other sessions carry on"


@pytest.mark.parametrize("name", CHANGES)
def test_ten_wrong_passwords_lock_the_account_and_sign_the_person_out(app, client, forms, make_user, clock, name):
    change = CHANGES[name]
    person = person_for(change, make_user)
    forms.sign_in(person)

    for _ in range(LOCK_AFTER_FAILURES - 1):
        response = send(client, change, "not my password at all")
        assert error_messages(parse(response)) == ["Your current password is not correct"]
    response = send(client, change, "not my password at all")

    assert response.status_code == 302 and response.location == "/sign-in"
    assert banners(parse(client.get("/sign-in"))) == [
        "You entered your current password incorrectly too many times. For your security you have been signed "
        "out. You can sign in again in 15 minutes."
    ]
    assert client.get("/account").status_code == 302
    assert "sign_in.locked" in actions(person)
    # Signing in again is refused, with the right password too, until the lock ends.
    response = forms.submit("/sign-in", {"email": person.email, "password": PASSWORD})
    assert error_messages(parse(response)) == [SIGN_IN_FAILED]
    clock.shift(timedelta(minutes=15, seconds=1))
    forms.sign_in(person)
    assert client.get("/account").status_code == 200


def test_while_locked_even_the_right_password_is_refused_in_another_session(app, client, forms, make_user, clock):
    person = make_user()
    elsewhere = signed_in_twice(app, forms, person, clock)
    for _ in range(LOCK_AFTER_FAILURES):
        forms.submit("/account/password", {"current_password": "not my password", "new_password": NEW_PASSWORD})

    response = elsewhere.submit("/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD})

    assert response.status_code == 302 and response.location == "/sign-in"
    assert verify_password(reload(person).password_hash, PASSWORD)
    assert "account.password_changed" not in actions(person)
    assert elsewhere.client.get("/account").status_code == 302


def test_the_right_password_ends_a_run_of_wrong_ones(client, forms, make_user, clock):
    person = make_user()
    forms.sign_in(person)
    for _ in range(LOCK_AFTER_FAILURES - 1):
        forms.submit("/account/password", {"current_password": "not my password", "new_password": NEW_PASSWORD})

    forms.submit("/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    forms.submit("/account/password", {"current_password": "not my password", "new_password": "another fresh lark"})

    assert reload(person).failed_sign_ins == 1
    assert "sign_in.locked" not in actions(person)
    assert client.get("/account").status_code == 200


@pytest.mark.parametrize("name", ["turn on two-factor", "get new recovery codes"])
def test_the_page_showing_the_new_codes_has_working_forms(client, forms, make_user, clock, name):
    change = CHANGES[name]
    forms.sign_in(person_for(change, make_user))

    codes_page = send(client, change, PASSWORD)

    assert codes_page.status_code == 200
    # Its own sign-out button, with the token the page carries, works in the session that carries on.
    response = client.post("/sign-out", data={"csrf_token": csrf_token_from(codes_page.get_data(as_text=True))})
    assert response.status_code == 302 and response.location == "/sign-in"
    assert client.get("/account").status_code == 302
