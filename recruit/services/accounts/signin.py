"""Checking a sign-in: one outcome for every failure, lockout after repeated failures."""

from __future__ import annotations

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import User
from recruit.services.accounts.account_changes import find_by_email

# The lockout rule is kept in lockout; a sign-in is one of the attempts that count towards it.
from recruit.services.accounts.lockout import LOCK_AFTER_FAILURES, LOCK_FOR, record_failure  # noqa: F401
from recruit.services.accounts.passwords import hash_password, needs_rehash, verify_against_nothing, verify_password
from recruit.services.records import audit
from recruit.services.unit_of_work import unit_of_work

# How long someone has, after the right password, to enter their security code.
TWO_FACTOR_WINDOW_SECONDS = 600


def two_factor_started_at() -> float:
    """What the session keeps to time the two-factor step."""
    return utcnow().timestamp()


def pending_two_factor_user(pending: str | None, started: float) -> User | None:
    """The person who may enter a security code now: they gave the right password within the window, their
    account is active and unlocked, and nothing has ended their sessions since. None means start again."""
    if not pending or utcnow().timestamp() - started > TWO_FACTOR_WINDOW_SECONDS:
        return None
    user_id, _, version = pending.partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.active or str(user.session_version) != version:
        return None
    # A locked account cannot finish signing in, even from a sign-in started before the lock.
    if user.locked_until is not None and user.locked_until > utcnow():
        return None
    return user


@unit_of_work()
def authenticate(email: str, password: str) -> User | None:
    """The user when the email and password are right and the account can sign in, otherwise None.

    Unknown email, wrong password, locked or deactivated accounts all give None, and take the same time.
    """
    user = find_by_email(email)
    if user is None:
        verify_against_nothing(password)
        audit.record("sign_in.failed", "user", None, after={"reason": "unknown email"})
        return None
    if user.locked_until is not None and user.locked_until > utcnow():
        verify_against_nothing(password)
        audit.record("sign_in.failed", "user", user.id, after={"reason": "locked"}, actor=user)
        return None
    if not verify_password(user.password_hash, password):
        record_failure(user, "wrong password")
        return None
    if not user.active:
        record_failure(user, "deactivated")
        return None
    if user.password_hash is not None and needs_rehash(user.password_hash):
        # Kept at once, even when a security code is still to come.
        user.password_hash = hash_password(password)
    # The failure count is reset only when sign-in completes (after any security code), so guessing
    # codes between correct passwords still leads to the lockout.
    return user


@unit_of_work()
def complete_sign_in(user: User, method: str) -> None:
    user.last_signed_in_at = utcnow()
    user.failed_sign_ins = 0
    user.locked_until = None
    audit.record("sign_in.succeeded", "user", user.id, after={"method": method}, actor=user)
