"""Recovery codes stored as salted argon2id hashes: codes stored earlier as SHA-256 digests still work
once each, the account page asks for new ones, and a sign-in attempt checks at most ten hashes."""

from __future__ import annotations

import hashlib

import pytest

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import RecoveryCode
from recruit.services.accounts import two_factor as mfa
from tests.factories import PASSWORD
from tests.helpers import (
    HOME,
    NEW_RECOVERY_CODES,
    WRONG_SECURITY_CODE,
    enter_code,
    enter_password,
    error_messages,
    parse,
    path_of,
    recovery_codes_on,
    reload,
    sign_out,
    wrong_code,
)

OLD_CODES = ["ABCD-EFGH-JKLM", "NPQR-STUV-WXYZ", "2345-6789-ABCD"]
OLD_STYLE_WARNING = (
    "Your recovery codes are stored in an older, less secure way. Get new recovery codes to replace them."
)


def with_old_style_codes(person):
    """Codes as they were stored before: unsalted SHA-256 of the code without dashes."""
    for code in OLD_CODES:
        digest = hashlib.sha256(code.replace("-", "").encode()).hexdigest()
        person.recovery_codes.append(RecoveryCode(code_hash=digest))
    db.session.commit()
    return person


def warnings(soup) -> list[str]:
    return [w.get_text(" ", strip=True).removeprefix("! Warning ") for w in soup.select("main .govuk-warning-text")]


def test_an_old_style_code_still_signs_in_once(client, forms, make_user, clock):
    person = with_old_style_codes(make_user(two_factor=True))
    enter_password(forms, person)

    assert path_of(enter_code(forms, OLD_CODES[1].lower())) == HOME[person.role]
    sign_out(forms)
    enter_password(forms, person)

    assert error_messages(parse(enter_code(forms, OLD_CODES[1]))) == [WRONG_SECURITY_CODE]
    stored = sorted(reload(person).recovery_codes, key=lambda code: code.id)  # in the order they were added
    assert [code.used_at is not None for code in stored] == [False, True, False]


def test_the_account_page_asks_for_new_codes_until_the_old_style_ones_are_replaced(client, forms, make_user, clock):
    person = with_old_style_codes(make_user(two_factor=True))
    forms.sign_in(person)

    assert warnings(parse(client.get("/account"))) == [OLD_STYLE_WARNING]

    new_codes = recovery_codes_on(parse(forms.submit(NEW_RECOVERY_CODES, {"current_password": PASSWORD})))

    assert len(new_codes) == 10
    assert warnings(parse(client.get("/account"))) == []
    assert all(code.code_hash.startswith("$argon2id$") for code in reload(person).recovery_codes)
    sign_out(forms)
    enter_password(forms, person)
    assert error_messages(parse(enter_code(forms, OLD_CODES[0]))) == [WRONG_SECURITY_CODE]


def test_no_warning_when_every_old_style_code_is_used(client, forms, make_user, clock):
    person = with_old_style_codes(make_user(two_factor=True))
    enter_password(forms, person)
    enter_code(forms, OLD_CODES[0])
    for code in reload(person).recovery_codes:
        code.used_at = code.used_at or utcnow()
    db.session.commit()

    assert warnings(parse(client.get("/account"))) == []


class CountingHasher:
    """The recovery-code hasher, counting the hashes it checks."""

    def __init__(self, real):
        self.real = real
        self.checked: list[str] = []

    def hash(self, code):
        return self.real.hash(code)

    def verify(self, stored, code):
        self.checked.append(stored)
        return self.real.verify(stored, code)


@pytest.fixture
def hash_checks(monkeypatch):
    counting = CountingHasher(mfa._recovery_hasher)
    monkeypatch.setattr(mfa, "_recovery_hasher", counting)
    return counting.checked


@pytest.mark.parametrize(
    ("attempt", "checks"),
    [
        ("wrong six digits", 0),
        ("not a code at all", 0),
        ("ABCD-EFGH-JKL", 0),  # one character short
        ("ABCD-EFGH-JKL0", 0),  # 0 is not in the codes' alphabet
        ("ABCD-EFGH-JKLM", mfa.RECOVERY_CODE_COUNT - 1),  # shaped like a code: each unused one is checked
    ],
)
def test_an_attempt_checks_at_most_the_unused_codes_and_only_when_shaped_like_one(
    make_user, clock, hash_checks, attempt, checks
):
    person = make_user(two_factor=True)
    codes = mfa.regenerate_recovery_codes(person, PASSWORD)
    assert mfa.verify(person, codes[0]) == "recovery code"
    hash_checks.clear()
    if attempt == "wrong six digits":
        attempt = wrong_code(person.totp_secret)

    assert mfa.verify(person, attempt) is None

    assert len(hash_checks) == checks
