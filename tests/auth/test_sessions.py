"""Sessions: a fresh one at sign-in, ended everywhere by sign-out, password change, role change or
deactivation, and expiring after 30 idle minutes (staff) or 12 hours (everyone)."""

from datetime import timedelta

import pytest
import time_machine

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.services.accounts import account_changes as accounts
from tests.factories import PASSWORD
from tests.helpers import Forms, parse


def session_cookie(client) -> str | None:
    cookie = client.get_cookie("recruit_session")
    return cookie.value if cookie else None


def replay(app, cookie: str):
    """A request from someone holding a copy of an earlier session cookie."""
    other = app.test_client()
    other.set_cookie("recruit_session", cookie)
    return other.get("/account")


def test_signing_in_starts_a_new_session(forms, client, make_user):
    client.get("/sign-in")
    before = session_cookie(client)
    forms.sign_in(make_user())
    after = session_cookie(client)
    assert before and after and before != after
    # The anonymous cookie from before sign-in does not carry the signed-in session.
    assert replay(client.application, before).status_code == 302


def test_captured_cookie_is_refused_after_sign_out(app, forms, client, make_user):
    forms.sign_in(make_user())
    captured = session_cookie(client)
    assert replay(app, captured).status_code == 200
    forms.submit("/sign-out", page="/account")
    response = replay(app, captured)
    assert response.status_code == 302 and response.location.startswith("/sign-in")


def test_sign_out_ends_sessions_on_other_devices_too(app, make_user):
    user = make_user()
    laptop, phone = Forms(app.test_client()), Forms(app.test_client())
    laptop.sign_in(user)
    phone.sign_in(user)
    laptop.submit("/sign-out", page="/account")
    assert phone.client.get("/account").status_code == 302


def test_captured_cookie_is_refused_after_password_change(app, forms, client, make_user):
    user = make_user()
    forms.sign_in(user)
    captured = session_cookie(client)
    forms.submit("/account/password", {"current_password": PASSWORD, "new_password": "fresh granite meadow"})
    assert replay(app, captured).status_code == 302
    # The person who changed it stays signed in on the device they used.
    assert client.get("/account").status_code == 200


@pytest.mark.parametrize("change", ["deactivate", "role"])
def test_captured_cookie_is_refused_after_deactivation_or_role_change(app, forms, client, make_user, change):
    admin = make_user(role="admin")
    user = make_user(role="assessor")
    forms.sign_in(user)
    captured = session_cookie(client)
    if change == "deactivate":
        accounts.set_active(admin, user, False)
    else:
        accounts.change_role(admin, user, "candidate")
    assert replay(app, captured).status_code == 302


def test_staff_session_ends_after_thirty_idle_minutes(forms, client, make_user):
    with time_machine.travel(utcnow(), tick=False) as clock:
        forms.sign_in(make_user(role="assessor"))
        clock.shift(timedelta(minutes=29))
        assert client.get("/account").status_code == 200
        clock.shift(timedelta(minutes=29))  # active 29 minutes ago: still fine
        assert client.get("/account").status_code == 200
        clock.shift(timedelta(minutes=30, seconds=1))
        response = client.get("/account")
        assert response.status_code == 302
        banner = parse(client.get(response.location)).select_one(".govuk-notification-banner")
        assert "signed out to keep your account secure" in banner.get_text()


def test_staff_session_ends_after_twelve_hours_even_when_busy(forms, client, make_user):
    with time_machine.travel(utcnow(), tick=False) as clock:
        forms.sign_in(make_user(role="admin"))
        elapsed = timedelta(0)
        while client.get("/account").status_code == 200:
            assert elapsed <= timedelta(hours=12)
            clock.shift(timedelta(minutes=29))
            elapsed += timedelta(minutes=29)
        # Active every 29 minutes, yet signed out at the first request after 12 hours.
        assert timedelta(hours=12) < elapsed <= timedelta(hours=12, minutes=29)


def test_candidate_session_survives_idle_time_but_not_twelve_hours(forms, client, make_user):
    with time_machine.travel(utcnow(), tick=False) as clock:
        forms.sign_in(make_user(role="candidate"))
        clock.shift(timedelta(hours=3))
        assert client.get("/account").status_code == 200
        clock.shift(timedelta(hours=8, minutes=59))
        assert client.get("/account").status_code == 200
        clock.shift(timedelta(minutes=2))
        assert client.get("/account").status_code == 302


def test_session_cookie_flags(forms, client, make_user):
    response = forms.sign_in(make_user())
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("recruit_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # only in production, where it is served over HTTPS


def test_deactivated_user_loses_access_at_once(app, forms, client, make_user):
    admin = make_user(role="admin")
    user = make_user()
    forms.sign_in(user)
    accounts.set_active(admin, user, False)
    db.session.expire_all()
    assert client.get("/account").status_code == 302


def test_activity_is_recorded_once_a_minute_so_an_idle_session_ends_early_never_late(forms, client, make_user):
    with time_machine.travel(utcnow(), tick=False) as clock:
        forms.sign_in(make_user(role="assessor"))
        clock.shift(timedelta(minutes=2))
        first = client.get("/account")
        assert first.status_code == 200 and "Set-Cookie" in first.headers, "activity recorded"
        clock.shift(timedelta(seconds=30))
        again = client.get("/account")
        assert again.status_code == 200 and "Set-Cookie" not in again.headers, "not again within the minute"
        # Idle for 30 minutes after the unrecorded request, 30½ after the recorded one: signed out.
        clock.shift(timedelta(minutes=30))
        assert client.get("/account").status_code == 302
