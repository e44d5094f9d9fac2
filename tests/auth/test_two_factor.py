"""Two-factor authentication, walked through as people use it: setting it up, signing in with a
code or a recovery code, getting new recovery codes, turning it off, and the rules for staff.

The `clock` fixture pins time at the start of a 30-second TOTP step (START), so a code stays the same
until a test moves the clock on.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
import segno
from argon2 import extract_parameters
from sqlalchemy import select, text

from recruit.access import declared_access
from recruit.extensions import db
from recruit.models import AuditEvent, RecoveryCode, User
from recruit.services.accounts import two_factor as mfa
from recruit.services.accounts.signin import LOCK_AFTER_FAILURES
from tests.factories import PASSWORD
from tests.helpers import (
    CODE_PAGE,
    HOME,
    NEW_RECOVERY_CODES,
    SET_UP,
    STEP,
    TURN_OFF,
    WRONG_SECURITY_CODE,
    Forms,
    banners,
    csrf_token_from,
    enter_code,
    enter_password,
    error_messages,
    key_on,
    parse,
    path_of,
    recovery_codes_on,
    reload,
    sign_out,
    wrong_code,
)
from tests.helpers import TOTP_START as START

SIGN_IN_FAILED = "Enter a correct email address and password"
SIGN_IN_AGAIN = "Sign in again to continue."


# --- helpers ------------------------------------------------------------------------------------


@pytest.fixture
def staff_must_use_two_factor(app, monkeypatch):
    monkeypatch.setitem(app.config, "REQUIRE_STAFF_MFA", True)


def field_error(soup) -> str:
    return soup.select_one("#code-error").get_text(" ", strip=True)


def post_form(client, soup, url: str, data: dict):
    """Send the form on a page already shown, with that page's hidden fields (its CSRF token, and on the set-up page
    the key it shows) as a browser would."""
    hidden = {field["name"]: field.get("value", "") for field in soup.select("form input[type=hidden][name]")}
    return client.post(url, data={**hidden, "csrf_token": csrf_token_from(str(soup)), **data})


def is_signed_in(client) -> bool:
    response = client.get("/account")
    if response.status_code == 200:
        return True
    assert path_of(response) == "/sign-in"
    return False


def turn_on_two_factor(client) -> tuple[str, list[str]]:
    """Set up two-factor as a person does: read the key off the page, enter the app's code."""
    soup = parse(client.get(SET_UP))
    key = key_on(soup)
    response = post_form(client, soup, SET_UP, {"code": pyotp.TOTP(key).now(), "current_password": PASSWORD})
    assert response.status_code == 200
    codes = recovery_codes_on(parse(response))
    assert len(codes) == 10
    return key, codes


def audit(user: User, prefix: str = "mfa.") -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.record_type == "user",
                AuditEvent.record_id == str(user.id),
                AuditEvent.action.startswith(prefix),
            )
            .order_by(AuditEvent.id)
        )
    )


def actions(user: User, prefix: str = "mfa.") -> list[str]:
    return [event.action for event in audit(user, prefix)]


def qr_modules(svg) -> set[tuple[int, int]]:
    """The dark modules of a QR code drawn by segno as one SVG path of horizontal runs."""
    path = svg.select_one("path.qrline")["d"]
    dark, x, y = set(), 0.0, 0.0
    for command, numbers in re.findall(r"([Mmh])([-\d. ]+)", path):
        values = [float(n) for n in numbers.split()]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        else:
            dark.update((int(x) + i, int(y)) for i in range(int(values[0])))
            x += values[0]
    border = 4
    return {(column - border, row - border) for column, row in dark}


def modules_of(qr) -> set[tuple[int, int]]:
    return {(x, y) for y, row in enumerate(qr.matrix) for x, module in enumerate(row) if module}


# --- setting it up ------------------------------------------------------------------------------


def test_set_up_page_shows_a_qr_code_drawn_in_the_page_and_the_key_as_text(client, forms, make_user, clock):
    person = make_user(role="assessor")
    forms.sign_in(person)

    response = client.get(SET_UP)

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    soup = parse(response)
    assert soup.h1.get_text(strip=True) == "Set up two-factor authentication"
    key = key_on(soup)
    assert re.fullmatch(r"[A-Z2-7]+", key)
    assert len(base64.b32decode(key)) >= 20  # at least 160 bits, as RFC 4226 recommends
    # The QR code is inline SVG, not an image fetched from anywhere, and needs no inline style.
    svg = soup.select_one("main .recruit-qr svg")
    assert svg.title.get_text(strip=True) == "QR code for your authenticator app"
    assert not soup.select("main img")
    assert not svg.find_all(style=True)
    # It encodes the standard otpauth address with this key, naming the service and the person.
    uri = pyotp.TOTP(key).provisioning_uri(name=person.email, issuer_name="Recruit")
    assert qr_modules(svg) in [modules_of(segno.make(uri, error=level)) for level in "lmqh"]
    assert soup.select_one("label[for=code]").get_text(strip=True) == "Code from your app"
    assert soup.select_one("#code-hint").get_text(strip=True) == "The 6-digit code your authenticator app shows"
    field = soup.select_one("input#code")
    assert not field.has_attr("disabled")
    assert field["autocomplete"] == "one-time-code"
    assert field["inputmode"] == "numeric"
    assert field["aria-describedby"] == "code-hint"


def test_set_up_key_is_not_put_in_the_session_cookie(app, client, forms, make_user, clock):
    forms.sign_in(make_user())

    key = key_on(parse(client.get(SET_UP)))

    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    session = app.session_interface.get_signing_serializer(app).loads(cookie)
    assert key not in json.dumps(session)


def test_turning_on_with_the_right_code_shows_ten_recovery_codes_once(client, forms, make_user, clock):
    person = make_user()
    forms.sign_in(person)
    soup = parse(client.get(SET_UP))
    key = key_on(soup)

    response = post_form(client, soup, SET_UP, {"code": pyotp.TOTP(key).now(), "current_password": PASSWORD})

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = parse(response)
    assert page.select_one(".govuk-panel__title").get_text(strip=True) == "Two-factor authentication is on"
    codes = recovery_codes_on(page)
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert all(re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code) for code in codes)
    person = reload(person)
    assert person.has_two_factor
    assert person.totp_secret == key
    # Shown once: the account page says how many are left but never shows them again.
    account = parse(client.get("/account"))
    assert "On – 10 unused recovery codes" in account.select_one("dl").get_text(" ")
    assert not any(code in account.get_text(" ") for code in codes)
    assert path_of(client.get(SET_UP)) == "/account"


def test_the_database_holds_only_hashes_of_recovery_codes(client, forms, make_user, clock):
    person = make_user()
    forms.sign_in(person)

    _, codes = turn_on_two_factor(client)

    stored = db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == person.id)).all()
    assert len(stored) == 10
    assert len({row.code_hash for row in stored}) == 10
    # Salted argon2id, light enough that checking all ten at a sign-in stays quick (codes are 60 random bits).
    assert all(row.code_hash.startswith("$argon2id$") for row in stored)
    settings = [extract_parameters(row.code_hash) for row in stored]
    assert {(each.time_cost, each.memory_cost, each.parallelism) for each in settings} == {(1, 8192, 1)}
    salts = {row.code_hash.split("$")[4] for row in stored}
    assert len(salts) == 10
    raw_forms = {form for code in codes for form in (code, code.replace("-", ""), code.lower())}
    dumped = " ".join(row.code_hash for row in stored).upper()
    assert not any(form.upper() in dumped for form in raw_forms)
    # Not the unsalted SHA-256 digests stored before.
    assert not any(hashlib.sha256(code.replace("-", "").encode()).hexdigest().upper() in dumped for code in codes)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Enter the 6-digit code from your authenticator app"),
        ("      ", "Enter the 6-digit code from your authenticator app"),
        ("1" * 65, "Code must be 64 characters or fewer"),
        ("abcdef", "Code must only include numbers 0 to 9"),
        ("١٢٣٤٥٦", "Code must only include numbers 0 to 9"),  # digits, but not 0 to 9
        ("12345", "Code must be 6 digits"),
        ("1234567", "Code must be 6 digits"),
        ("wrong", "The code is not correct. Check your authenticator app and enter the code it shows now"),
    ],
    ids=["missing", "blank", "too long", "letters", "other digits", "too short", "too many digits", "wrong code"],
)
def test_set_up_refuses_a_bad_code_with_a_message_and_leaves_two_factor_off(
    client, forms, make_user, clock, code, message
):
    person = make_user(role="assessor")
    forms.sign_in(person)
    soup = parse(client.get(SET_UP))
    key = key_on(soup)
    if code == "wrong":
        code = wrong_code(key)

    response = post_form(client, soup, SET_UP, {"code": code, "current_password": PASSWORD})

    assert response.status_code == 200
    page = parse(response)
    assert page.title.get_text().startswith("Error: ")
    assert error_messages(page) == [message]
    assert page.select_one(".govuk-error-summary__list a")["href"] == "#code"
    assert field_error(page) == f"Error: {message}"
    assert page.select_one("input#code")["aria-describedby"].split() == ["code-hint", "code-error"]
    # The same key, so the person can try again without scanning a new QR code.
    assert key_on(page) == key
    person = reload(person)
    assert not person.has_two_factor
    assert person.recovery_codes == []
    assert actions(person) == []
    # And the right code still works afterwards.
    assert (
        post_form(client, page, SET_UP, {"code": pyotp.TOTP(key).now(), "current_password": PASSWORD}).status_code
        == 200
    )
    assert reload(person).has_two_factor


@pytest.mark.parametrize(
    ("role", "required", "told"),
    [
        ("assessor", True, True),
        ("admin", True, True),
        ("candidate", True, False),
        ("assessor", False, False),
    ],
)
def test_set_up_page_says_when_two_factor_is_required(
    app, client, forms, make_user, monkeypatch, clock, role, required, told
):
    monkeypatch.setitem(app.config, "REQUIRE_STAFF_MFA", required)
    forms.sign_in(make_user(role=role))

    inset = parse(client.get(SET_UP)).select_one("main .govuk-inset-text")

    if told:
        assert inset.get_text(strip=True) == (
            "Staff accounts must use two-factor authentication before they can use Recruit."
        )
    else:
        assert inset is None


def test_set_up_sends_someone_who_already_has_two_factor_to_their_account(client, forms, make_user, clock):
    person = make_user(two_factor=True)
    key = person.totp_secret
    forms.sign_in(person)

    assert path_of(client.get(SET_UP)) == "/account"
    token = csrf_token_from(client.get("/account").get_data(as_text=True))
    clock.shift(STEP)
    assert path_of(client.post(SET_UP, data={"csrf_token": token, "code": pyotp.TOTP(key).now()})) == "/account"
    assert reload(person).totp_secret == key
    assert actions(person) == []


def test_set_up_needs_sign_in(client):
    response = client.get(SET_UP)

    assert path_of(response) == "/sign-in"
    assert parse_qs(urlsplit(response.location).query) == {"next": [SET_UP]}


# --- signing in ---------------------------------------------------------------------------------


def test_sign_in_asks_for_the_code_and_signs_in_only_once_it_is_given(client, forms, make_user, clock):
    person = make_user(role="assessor", two_factor=True)

    response = enter_password(forms, person)

    assert path_of(response) == CODE_PAGE
    page = parse(client.get(CODE_PAGE))
    assert page.h1.get_text(strip=True) == "Enter your security code"
    assert page.select_one("label[for=code]").get_text(strip=True) == "Security code"
    assert "recovery codes" in page.select_one("#code-hint").get_text()
    field = page.select_one("input#code")
    assert not field.has_attr("disabled")
    assert field["autocomplete"] == "one-time-code"
    assert not field.has_attr("inputmode")  # recovery codes have letters, so not a number pad
    assert field["aria-describedby"] == "code-hint"
    not_yet = client.get("/account")
    assert path_of(not_yet) == "/sign-in"
    assert parse_qs(urlsplit(not_yet.location).query) == {"next": ["/account"]}

    response = enter_code(forms, pyotp.TOTP(person.totp_secret).now())

    assert path_of(response) == HOME[person.role]
    assert is_signed_in(client)
    (succeeded,) = audit(person, "sign_in.succeeded")
    assert succeeded.after == {"method": "authenticator app"}


def test_sign_in_with_a_code_goes_on_to_the_page_asked_for(client, forms, make_user, clock):
    person = make_user(two_factor=True)

    response = forms.submit("/sign-in?next=/account/password", {"email": person.email, "password": PASSWORD})
    assert path_of(response) == CODE_PAGE
    response = enter_code(forms, pyotp.TOTP(person.totp_secret).now())

    assert path_of(response) == "/account/password"


@pytest.mark.parametrize(
    ("code", "message", "counts_as_a_failure"),
    [
        ("", "Enter the code from your authenticator app or a recovery code", False),
        ("A" * 65, "Code must be 64 characters or fewer", False),
        ("wrong", WRONG_SECURITY_CODE, True),
        ("ABCD-EFGH-JKLM", WRONG_SECURITY_CODE, True),
        ("١٢٣٤٥٦", WRONG_SECURITY_CODE, True),
        ("１２３４５６", WRONG_SECURITY_CODE, True),
    ],
    ids=["missing", "too long", "wrong code", "wrong recovery code", "arabic-indic digits", "full-width digits"],
)
def test_sign_in_refuses_a_bad_code_with_a_message(client, forms, make_user, clock, code, message, counts_as_a_failure):
    person = make_user(role="assessor", two_factor=True)
    mfa.regenerate_recovery_codes(person, PASSWORD)
    enter_password(forms, person)
    if code == "wrong":
        code = wrong_code(person.totp_secret)

    response = enter_code(forms, code)

    assert response.status_code == 200
    page = parse(response)
    assert page.title.get_text().startswith("Error: ")
    assert error_messages(page) == [message]
    assert field_error(page) == f"Error: {message}"
    assert page.select_one("input#code")["aria-describedby"].split() == ["code-hint", "code-error"]
    assert not is_signed_in(client)
    person = reload(person)
    assert person.totp_last_step is None
    assert all(recovery.used_at is None for recovery in person.recovery_codes)
    assert person.failed_sign_ins == (1 if counts_as_a_failure else 0)
    assert actions(person, "sign_in.succeeded") == []
    # The person is still at the code step, and the right code signs them in.
    assert path_of(enter_code(forms, pyotp.TOTP(person.totp_secret).now())) == HOME[person.role]


def test_the_same_authenticator_code_cannot_be_used_twice(client, forms, make_user, clock):
    person = make_user(two_factor=True)
    code = pyotp.TOTP(person.totp_secret).now()
    enter_password(forms, person)
    assert path_of(enter_code(forms, code)) == HOME[person.role]
    sign_out(forms)

    clock.shift(timedelta(seconds=20))  # still the same 30-second step: the app still shows this code
    assert pyotp.TOTP(person.totp_secret).now() == code
    enter_password(forms, person)
    response = enter_code(forms, code)

    assert error_messages(parse(response)) == [WRONG_SECURITY_CODE]
    assert not is_signed_in(client)
    clock.shift(STEP)
    assert path_of(enter_code(forms, pyotp.TOTP(person.totp_secret).now())) == HOME[person.role]


def test_an_earlier_code_is_refused_once_a_later_one_has_been_used(client, forms, make_user, clock):
    person = make_user(two_factor=True)
    totp = pyotp.TOTP(person.totp_secret)
    earlier, now = totp.at(START - STEP), totp.now()
    enter_password(forms, person)
    assert path_of(enter_code(forms, now)) == HOME[person.role]
    sign_out(forms)

    enter_password(forms, person)
    response = enter_code(forms, earlier)  # within the allowance for clock drift, but older

    assert error_messages(parse(response)) == [WRONG_SECURITY_CODE]
    assert not is_signed_in(client)


@pytest.mark.parametrize(("steps", "accepted"), [(-2, False), (-1, True), (1, True), (2, False)])
def test_a_code_a_step_either_side_of_now_is_accepted_but_no_further(client, forms, make_user, clock, steps, accepted):
    # A fixed key, so no code two steps away can happen to equal one in the window.
    person = make_user(two_factor=True, totp_secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    window = {pyotp.TOTP(person.totp_secret).at(START + drift * STEP) for drift in (-1, 0, 1)}
    assert len(window | {pyotp.TOTP(person.totp_secret).at(START + s * STEP) for s in (-2, 2)}) == 5
    enter_password(forms, person)

    response = enter_code(forms, pyotp.TOTP(person.totp_secret).at(START + steps * STEP))

    if accepted:
        assert path_of(response) == HOME[person.role]
    else:
        assert error_messages(parse(response)) == [WRONG_SECURITY_CODE]
        assert not is_signed_in(client)


def test_the_code_that_turned_two_factor_on_cannot_then_sign_in(client, forms, make_user, clock):
    person = make_user()
    forms.sign_in(person)
    key, _ = turn_on_two_factor(client)
    sign_out(forms)

    enter_password(forms, person)
    response = enter_code(forms, pyotp.TOTP(key).now())

    assert error_messages(parse(response)) == [WRONG_SECURITY_CODE]
    assert not is_signed_in(client)


def test_a_code_claimed_by_a_simultaneous_sign_in_is_refused(make_user, clock):
    person = make_user(two_factor=True)
    codes = mfa.regenerate_recovery_codes(person, PASSWORD)
    step = pyotp.TOTP(person.totp_secret).timecode(START)
    assert person.totp_last_step is None and all(code.used_at is None for code in person.recovery_codes)
    # Another request, holding the same code, gets there first; this request's copy of the
    # account was loaded before that and does not know.
    db.session.execute(text("UPDATE users SET totp_last_step = :step WHERE id = :id"), {"step": step, "id": person.id})
    db.session.execute(
        text("UPDATE recovery_codes SET used_at = CURRENT_TIMESTAMP WHERE user_id = :id"), {"id": person.id}
    )

    assert mfa.verify(person, pyotp.TOTP(person.totp_secret).now()) is None
    assert mfa.verify(person, codes[0]) is None


def test_a_recovery_code_signs_in_once(client, forms, make_user, clock):
    person = make_user()
    forms.sign_in(person)
    _, codes = turn_on_two_factor(client)
    sign_out(forms)

    enter_password(forms, person)
    response = enter_code(forms, codes[3])

    assert path_of(response) == HOME[person.role]
    assert "On – 9 unused recovery codes" in parse(client.get("/account")).select_one("dl").get_text(" ")
    assert actions(person) == ["mfa.enabled", "mfa.recovery_code_used"]
    assert audit(person, "sign_in.succeeded")[-1].after == {"method": "recovery code"}
    sign_out(forms)

    enter_password(forms, person)
    response = enter_code(forms, codes[3])

    assert error_messages(parse(response)) == [WRONG_SECURITY_CODE]
    assert not is_signed_in(client)
    assert actions(person) == ["mfa.enabled", "mfa.recovery_code_used"]
    # Typed without dashes and in lower case, another one still works.
    assert path_of(enter_code(forms, codes[4].replace("-", "").lower())) == HOME[person.role]


def test_new_recovery_codes_replace_the_old_ones(client, forms, make_user, clock):
    person = make_user(role="assessor")
    forms.sign_in(person)
    _, old_codes = turn_on_two_factor(client)

    response = forms.submit(NEW_RECOVERY_CODES, {"current_password": PASSWORD})

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = parse(response)
    assert page.h1.get_text(strip=True) == "Your new recovery codes"
    new_codes = recovery_codes_on(page)
    assert len(set(new_codes)) == 10
    assert not set(new_codes) & set(old_codes)
    assert actions(person) == ["mfa.enabled", "mfa.recovery_codes_regenerated"]
    assert db.session.scalar(select(db.func.count()).where(RecoveryCode.user_id == person.id)) == 10
    sign_out(forms)

    enter_password(forms, person)
    assert error_messages(parse(enter_code(forms, old_codes[0]))) == [WRONG_SECURITY_CODE]
    assert not is_signed_in(client)
    assert path_of(enter_code(forms, new_codes[0])) == HOME[person.role]


def test_new_recovery_codes_need_a_csrf_token(client, forms, make_user, clock):
    person = make_user(two_factor=True)
    mfa.regenerate_recovery_codes(person, PASSWORD)
    before = {row.code_hash for row in reload(person).recovery_codes}
    forms.sign_in(person)

    response = client.post(NEW_RECOVERY_CODES)

    assert response.status_code == 400
    assert {row.code_hash for row in reload(person).recovery_codes} == before
    assert actions(person) == ["mfa.recovery_codes_regenerated"]


def test_new_recovery_codes_need_two_factor_to_be_on(client, forms, make_user, clock):
    person = make_user()
    forms.sign_in(person)

    assert path_of(client.get(NEW_RECOVERY_CODES)) == "/account"
    response = forms.submit(NEW_RECOVERY_CODES, {"current_password": PASSWORD}, page="/account/password")

    assert response.status_code == 400
    assert reload(person).recovery_codes == []
    assert actions(person) == []


def test_going_back_to_the_code_page_after_signing_in_keeps_the_person_signed_in(client, forms, make_user, clock):
    forms.sign_in(make_user(two_factor=True))

    assert path_of(client.get(CODE_PAGE)) == HOME["candidate"]
    assert is_signed_in(client)


def test_the_code_page_without_a_password_first_sends_the_person_to_sign_in(client):
    response = client.get(CODE_PAGE)

    assert path_of(response) == "/sign-in"
    assert banners(parse(client.get("/sign-in"))) == [SIGN_IN_AGAIN]


@pytest.mark.parametrize(
    ("wait", "signs_in"),
    [
        (timedelta(minutes=9, seconds=59), True),
        (timedelta(minutes=10, seconds=1), False),
    ],
)
def test_the_code_step_lasts_ten_minutes(client, forms, make_user, clock, wait, signs_in):
    person = make_user(two_factor=True)
    enter_password(forms, person)
    page = parse(client.get(CODE_PAGE))

    clock.shift(wait)
    response = post_form(client, page, CODE_PAGE, {"code": pyotp.TOTP(person.totp_secret).now()})

    if signs_in:
        assert path_of(response) == HOME[person.role]
        assert is_signed_in(client)
    else:
        assert path_of(response) == "/sign-in"
        assert banners(parse(client.get("/sign-in"))) == [SIGN_IN_AGAIN]
        assert not is_signed_in(client)
        assert path_of(client.get(CODE_PAGE)) == "/sign-in"
        assert actions(person, "sign_in.succeeded") == []


# --- lockout ------------------------------------------------------------------------------------


def test_ten_wrong_codes_in_a_row_lock_the_account(client, forms, make_user, clock):
    person = make_user(role="assessor", two_factor=True)
    enter_password(forms, person)
    wrong = wrong_code(person.totp_secret)

    for _ in range(LOCK_AFTER_FAILURES - 1):
        assert error_messages(parse(enter_code(forms, wrong))) == [WRONG_SECURITY_CODE]
    assert actions(person, "sign_in.locked") == []
    response = enter_code(forms, wrong)

    assert path_of(response) == "/sign-in"
    assert banners(parse(client.get("/sign-in"))) == [SIGN_IN_AGAIN]
    assert path_of(client.get(CODE_PAGE)) == "/sign-in"  # the code step has ended
    (locked,) = audit(person, "sign_in.locked")
    assert datetime.fromisoformat(locked.after["until"]) == START + timedelta(minutes=15)
    failures = audit(person, "sign_in.failed")
    assert [event.after for event in failures] == [{"reason": "wrong security code"}] * LOCK_AFTER_FAILURES
    # The right password now gets the same answer as a wrong one.
    response = enter_password(forms, person)
    assert response.status_code == 200
    page = parse(response)
    assert page.title.get_text().startswith("Error: ")
    assert error_messages(page) == [SIGN_IN_FAILED]
    assert not is_signed_in(client)


def test_a_sign_in_started_before_a_lock_cannot_finish_during_it(app, client, forms, make_user, clock):
    person = make_user(two_factor=True)
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    other = Forms(elsewhere)
    assert path_of(enter_password(other, person)) == CODE_PAGE
    waiting = parse(elsewhere.get(CODE_PAGE))
    assert path_of(enter_password(forms, person)) == CODE_PAGE

    wrong = wrong_code(person.totp_secret)
    for _ in range(LOCK_AFTER_FAILURES):
        enter_code(forms, wrong)
    assert len(audit(person, "sign_in.locked")) == 1
    response = post_form(elsewhere, waiting, CODE_PAGE, {"code": pyotp.TOTP(person.totp_secret).now()})

    assert path_of(response) == "/sign-in"
    assert not is_signed_in(elsewhere)
    assert actions(person, "sign_in.succeeded") == []


def test_signing_in_ends_a_run_of_wrong_codes(client, forms, make_user, clock):
    person = make_user(two_factor=True)
    enter_password(forms, person)
    for _ in range(LOCK_AFTER_FAILURES - 1):
        enter_code(forms, wrong_code(person.totp_secret))
    assert path_of(enter_code(forms, pyotp.TOTP(person.totp_secret).now())) == HOME[person.role]
    sign_out(forms)

    clock.shift(timedelta(minutes=1))
    response = forms.submit("/sign-in", {"email": person.email, "password": "not the password"})

    assert error_messages(parse(response)) == [SIGN_IN_FAILED]
    assert actions(person, "sign_in.locked") == []
    assert path_of(enter_password(forms, person)) == CODE_PAGE
    assert path_of(enter_code(forms, pyotp.TOTP(person.totp_secret).now())) == HOME[person.role]


# --- required for staff -------------------------------------------------------------------------


def routes_for(app, role: str) -> list[tuple[str, str]]:
    """Every signed-in route this role may use that is not part of setting up two-factor."""
    urls = app.url_map.bind("localhost")
    found = []
    for rule in app.url_map.iter_rules():
        access = declared_access(app, rule.endpoint)
        view = app.view_functions[rule.endpoint]
        if access[0] == "public" or getattr(view, "recruit_mfa_exempt", False):
            continue
        if access[0] == "roles" and role not in access[1:]:
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        found.append((method, urls.build(rule.endpoint, dict.fromkeys(rule.arguments, 1))))
    return found


def visit(client, token: str, method: str, url: str):
    return client.get(url) if method == "GET" else client.post(url, data={"csrf_token": token})


@pytest.mark.parametrize("role", ["assessor", "admin"])
def test_staff_without_two_factor_are_sent_to_set_it_up_when_it_is_required(
    app, client, forms, make_user, clock, staff_must_use_two_factor, role
):
    person = make_user(role=role)
    forms.sign_in(person)
    account = parse(client.get("/account"))
    assert "Staff accounts must have it." in account.select_one("main").get_text(" ")
    token = csrf_token_from(str(account))
    # The pages for changing two-factor are shown by GET and sent by POST: both wait for set-up.
    routes = routes_for(app, role) + [("POST", NEW_RECOVERY_CODES), ("POST", TURN_OFF)]
    assert (("GET", NEW_RECOVERY_CODES) in routes) and (("GET", TURN_OFF) in routes)

    for method, url in routes:
        assert path_of(visit(client, token, method, url)) == SET_UP, f"{method} {url}"

    assert client.get(SET_UP).status_code == 200
    turn_on_two_factor(client)
    assert parse(forms.submit(NEW_RECOVERY_CODES, {"current_password": PASSWORD})).h1.get_text(strip=True) == (
        "Your new recovery codes"
    )
    if role == "admin":
        assert client.get("/admin/users").status_code == 200


def test_candidates_are_not_sent_to_set_up_two_factor_when_staff_must_use_it(
    app, client, forms, make_user, clock, staff_must_use_two_factor
):
    person = make_user(role="candidate")
    forms.sign_in(person)
    account = parse(client.get("/account"))
    assert "must" not in account.select_one("main").get_text(" ")
    token = csrf_token_from(str(account))
    routes = routes_for(app, "candidate")
    assert routes

    for method, url in routes:
        response = visit(client, token, method, url)
        assert response.status_code != 302 or path_of(response) != SET_UP, f"{method} {url}"
    assert is_signed_in(client)


@pytest.mark.parametrize("role", ["assessor", "admin"])
def test_staff_cannot_turn_two_factor_off_when_it_is_required(
    client, forms, make_user, clock, staff_must_use_two_factor, role
):
    person = make_user(role=role, two_factor=True)
    mfa.regenerate_recovery_codes(person, PASSWORD)
    forms.sign_in(person)
    account = parse(client.get("/account"))
    assert [b.get_text(strip=True) for b in account.select("main .govuk-button")] == ["Get new recovery codes"]

    response = post_form(client, account, TURN_OFF, {})

    assert path_of(response) == "/account"
    assert banners(parse(client.get("/account"))) == ["Staff accounts must keep two-factor authentication turned on."]
    person = reload(person)
    assert person.has_two_factor
    assert len(person.recovery_codes) == 10
    assert "mfa.disabled" not in actions(person)


@pytest.mark.parametrize(
    ("role", "required"),
    [
        ("candidate", False),
        ("assessor", False),
        ("admin", False),
        ("candidate", True),
    ],
)
def test_two_factor_can_be_turned_off_when_it_is_not_required(
    app, client, forms, make_user, monkeypatch, clock, role, required
):
    monkeypatch.setitem(app.config, "REQUIRE_STAFF_MFA", required)
    person = make_user(role=role)
    forms.sign_in(person)
    turn_on_two_factor(client)
    account = parse(client.get("/account"))
    turn_off = account.find("a", string="Turn off two-factor authentication")
    assert turn_off["href"] == TURN_OFF

    response = forms.submit(TURN_OFF, {"current_password": PASSWORD})

    assert path_of(response) == "/account"
    page = parse(client.get("/account"))
    assert banners(page) == ["Two-factor authentication is turned off. You have been signed out everywhere else."]
    assert "Two-factor authentication Off" in page.select_one("dl").get_text(" ", strip=True)
    person = reload(person)
    assert not person.has_two_factor
    assert person.totp_secret is None
    assert db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == person.id)).all() == []
    assert actions(person) == ["mfa.enabled", "mfa.disabled"]
    # Signing in is back to a password alone.
    sign_out(forms)
    assert path_of(enter_password(forms, person)) != CODE_PAGE
    assert is_signed_in(client)


def test_turning_off_needs_a_csrf_token(client, forms, make_user, clock):
    person = make_user(two_factor=True)
    forms.sign_in(person)

    response = client.post(TURN_OFF)

    assert response.status_code == 400
    assert reload(person).has_two_factor
    assert actions(person) == []


def test_turning_off_when_it_is_already_off_changes_nothing(client, forms, make_user, clock):
    person = make_user()
    forms.sign_in(person)

    response = forms.submit(TURN_OFF, page="/account")

    assert path_of(response) == "/account"
    assert banners(parse(client.get("/account"))) == []
    assert actions(person) == []


# --- audit --------------------------------------------------------------------------------------


def test_the_audit_log_records_each_change_to_two_factor(client, forms, make_user, clock):
    person = make_user()
    forms.sign_in(person)
    _, codes = turn_on_two_factor(client)
    sign_out(forms)
    enter_password(forms, person)
    enter_code(forms, codes[0])
    forms.submit(NEW_RECOVERY_CODES, {"current_password": PASSWORD})
    forms.submit(TURN_OFF, {"current_password": PASSWORD})

    events = audit(person)

    assert [event.action for event in events] == [
        "mfa.enabled",
        "mfa.recovery_code_used",
        "mfa.recovery_codes_regenerated",
        "mfa.disabled",
    ]
    assert all(event.actor_id == person.id for event in events)
    assert all(event.at == START for event in events)
    # No code, used or new, is written to the log.
    logged = json.dumps([[event.before, event.after] for event in events])
    assert not any(code in logged for code in codes)
