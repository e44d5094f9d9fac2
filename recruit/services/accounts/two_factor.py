"""Two-factor authentication: TOTP from an authenticator app, and single-use recovery codes."""

from __future__ import annotations

import hashlib
import hmac
import secrets

import pyotp
import segno
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import CursorResult, or_, update
from sqlalchemy.orm.attributes import set_committed_value

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import RecoveryCode, User
from recruit.services.accounts.lockout import confirm_current_password
from recruit.services.errors import Refused
from recruit.services.records import audit
from recruit.services.unit_of_work import unit_of_work

ISSUER = "Recruit"
RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
RECOVERY_CODE_LENGTH = 12  # 60 random bits
# How long a set-up page's secret can still be turned on with.
ENROLMENT_MAX_AGE = 3600

# Recovery codes are stored as salted argon2id hashes. A code is 60 random bits, not a password a
# person chose, so guessing one from its hash is out of reach even with a light setting; the light
# setting (one pass over 8 MiB, about 3 ms) keeps checking all ten codes at a sign-in quick.
_recovery_hasher = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_code_svg(uri: str) -> str:
    """The QR code as inline SVG, drawn here: the secret never leaves the server."""
    return segno.make(uri, error="m").svg_inline(
        scale=5, dark="#0b0c0c", light="#ffffff", title="QR code for your authenticator app"
    )


def _clean(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper()


def _is_six_digits(code: str) -> bool:
    # str.isdigit() is also true of other scripts' digits ("١٢٣٤٥٦"), which compare_digest refuses.
    return len(code) == 6 and code.isascii() and code.isdigit()


def _matching_step(secret: str, code: str) -> int | None:
    """The time step the code belongs to (now, or one step either side for clock drift)."""
    code = _clean(code)
    if not _is_six_digits(code):
        return None
    totp = pyotp.TOTP(secret)
    now = utcnow()
    for drift in (0, -1, 1):
        step = totp.timecode(now) + drift
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def start_enrolment(user: User) -> str:
    """A new secret for a person setting up two-factor. Nothing is written while they scan it: the set-up page
    carries it back, signed for them (enrolment_token), with the first code, and it goes on their record once that
    code proves their app works. It never goes in the session, a cookie the browser stores and sends back.
    """
    if user.has_two_factor:
        raise ValueError("two-factor authentication is already on")
    return new_secret()


def _enrolment_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="recruit-two-factor-enrolment")


def enrolment_token(user: User, secret: str) -> str:
    """The set-up page's hidden copy of the secret it shows, good for this person's current session only."""
    return _enrolment_signer().dumps({"user": user.get_id(), "secret": secret})


def enrolment_secret(user: User, token: str | None) -> str | None:
    """The secret a set-up page showed this person, from the copy it sent back; None when there is none (the page
    was never opened), or it was not made for them and their current session, or it is over an hour old."""
    if not token or len(token) > 500:
        return None
    try:
        data = _enrolment_signer().loads(token, max_age=ENROLMENT_MAX_AGE)
    except BadData:
        return None
    if not isinstance(data, dict) or data.get("user") != user.get_id() or not isinstance(data.get("secret"), str):
        return None
    secret: str = data["secret"]
    return secret


def enable(user: User, code: str, current_password: str, secret: str | None) -> list[str]:
    """Turn on two-factor with the secret the set-up page showed (enrolment_secret), after the person confirms
    their password and proves their app works; returns the new recovery codes. Every session of the account ends;
    the caller starts a new one for this person."""
    # Before the change's unit of work: a wrong password stays counted when the change is refused.
    confirm_current_password(user, current_password, "turn on two-factor authentication")
    with unit_of_work():
        cleaned = _clean(code)
        if not cleaned:
            raise Refused("Enter the 6-digit code from your authenticator app", "code")
        if not (cleaned.isascii() and cleaned.isdigit()):
            raise Refused("Code must only include numbers 0 to 9", "code")
        if len(cleaned) != 6:
            raise Refused("Code must be 6 digits", "code")
        step = _matching_step(secret, cleaned) if secret and not user.has_two_factor else None
        if step is None:
            raise Refused(
                "The code is not correct. Check your authenticator app and enter the code it shows now", "code"
            )
        user.totp_secret = secret
        user.totp_enabled_at = utcnow()
        user.totp_last_step = step
        codes = _replace_recovery_codes(user)
        user.end_all_sessions()
        audit.record("mfa.enabled", "user", user.id, actor=user)
    return codes


def turn_off(user: User, current_password: str) -> None:
    """A person turning off their own two-factor authentication, after confirming their password."""
    confirm_current_password(user, current_password, "turn off two-factor authentication")
    disable(user, user)


@unit_of_work()
def disable(actor: User, user: User) -> None:
    """Two-factor off and every session of the account ended."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    user.recovery_codes.clear()
    user.end_all_sessions()
    audit.record("mfa.disabled", "user", user.id, actor=actor)


@unit_of_work()
def verify(user: User, code: str) -> str | None:
    """Check a sign-in code: an authenticator code, or else a recovery code. Returns the method used.

    An authenticator code is accepted once; a recovery code is used up. Both are claimed with a
    conditional UPDATE, so two requests racing with the same code cannot both succeed.
    """
    secret = user.totp_secret
    if not user.has_two_factor or secret is None or not code or len(code) > 64:
        return None
    step = _matching_step(secret, code)
    if step is not None:
        claimed = db.session.execute(
            update(User)
            .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
            .values(totp_last_step=step)
            .execution_options(synchronize_session=False)
        )
        assert isinstance(claimed, CursorResult)  # as for any UPDATE
        if claimed.rowcount != 1:
            return None
        set_committed_value(user, "totp_last_step", step)
        return "authenticator app"
    cleaned = _clean(code)
    if not _looks_like_recovery_code(cleaned):
        # Only something shaped like a recovery code is checked against the (slow) stored hashes.
        return None
    for recovery in user.recovery_codes:
        if recovery.used_at is None and _recovery_code_matches(recovery.code_hash, cleaned):
            used_at = utcnow()
            claimed = db.session.execute(
                update(RecoveryCode)
                .where(RecoveryCode.id == recovery.id, RecoveryCode.used_at.is_(None))
                .values(used_at=used_at)
                .execution_options(synchronize_session=False)
            )
            assert isinstance(claimed, CursorResult)  # as for any UPDATE
            if claimed.rowcount != 1:
                return None
            set_committed_value(recovery, "used_at", used_at)
            audit.record("mfa.recovery_code_used", "user", user.id, actor=user)
            return "recovery code"
    return None


def regenerate_recovery_codes(user: User, current_password: str) -> list[str]:
    """New recovery codes in place of the old ones, after the person confirms their password. Every
    session of the account ends; the caller starts a new one for this person."""
    if not user.has_two_factor:
        raise Refused("Turn on two-factor authentication before getting recovery codes")
    # Before the change's unit of work: a wrong password stays counted when the change is refused.
    confirm_current_password(user, current_password, "get new recovery codes")
    with unit_of_work():
        codes = _replace_recovery_codes(user)
        user.end_all_sessions()
        audit.record("mfa.recovery_codes_regenerated", "user", user.id, actor=user)
    return codes


def unused_recovery_codes(user: User) -> int:
    return sum(1 for code in user.recovery_codes if code.used_at is None)


def has_old_style_recovery_codes(user: User) -> bool:
    """Unused codes stored before they were hashed with argon2 (as plain SHA-256), which still work once."""
    return any(code.used_at is None and not code.code_hash.startswith("$argon2") for code in user.recovery_codes)


def _looks_like_recovery_code(cleaned: str) -> bool:
    return len(cleaned) == RECOVERY_CODE_LENGTH and all(character in RECOVERY_CODE_ALPHABET for character in cleaned)


def _recovery_code_matches(stored: str, cleaned: str) -> bool:
    if not stored.startswith("$argon2"):
        # Issued before codes were hashed with argon2: accepted, once, until the person gets new ones.
        return hmac.compare_digest(stored, hashlib.sha256(cleaned.encode()).hexdigest())
    try:
        return _recovery_hasher.verify(stored, cleaned)
    except (VerificationError, InvalidHashError):
        return False


def _replace_recovery_codes(user: User) -> list[str]:
    codes = []
    user.recovery_codes.clear()
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_CODE_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:]}")
        user.recovery_codes.append(RecoveryCode(code_hash=_recovery_hasher.hash(raw)))
    return codes
