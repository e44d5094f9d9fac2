"""Wrong passwords and security codes, counted per account: a run of them locks the account for a while.

Signing in counts, and so does confirming the current password before a change to how a signed-in
person signs in (their password, two-factor authentication, recovery codes), so a stolen session
cannot be used to guess the password either.
"""

from __future__ import annotations

from datetime import timedelta

from recruit.clock import utcnow
from recruit.models import User
from recruit.services.accounts.passwords import verify_against_nothing, verify_password
from recruit.services.errors import Refused
from recruit.services.records import audit
from recruit.services.unit_of_work import unit_of_work

LOCK_AFTER_FAILURES = 10
LOCK_FOR = timedelta(minutes=15)
WRONG_CURRENT_PASSWORD = "Your current password is not correct"
LOCKED_OUT = (
    "You entered your current password incorrectly too many times. For your security you have "
    f"been signed out. You can sign in again in {LOCK_FOR.seconds // 60} minutes."
)


class AccountLocked(Refused):
    """The account is locked: the person must be signed out."""


def is_locked(user: User) -> bool:
    return user.locked_until is not None and user.locked_until > utcnow()


@unit_of_work()
def record_failure(user: User, reason: str, purpose: str | None = None) -> None:
    """A failed attempt (wrong password or wrong security code); the tenth in a row locks the account."""
    user.failed_sign_ins += 1
    after = {"reason": reason} if purpose is None else {"reason": reason, "purpose": purpose}
    audit.record("sign_in.failed", "user", user.id, after=after, actor=user)
    if user.failed_sign_ins >= LOCK_AFTER_FAILURES:
        user.locked_until = utcnow() + LOCK_FOR
        user.failed_sign_ins = 0
        audit.record("sign_in.locked", "user", user.id, after={"until": user.locked_until.isoformat()}, actor=user)


def confirm_current_password(user: User, password: str, purpose: str) -> None:
    """Refuse unless this is the signed-in person's current password. A wrong one counts towards the
    lockout like a failed sign-in (and is committed at once, so call this before opening the unit of work of
    the change it guards: that one rolls back when the change is refused); while the account is locked even the
    right one is refused. On success the run of failures ends with the caller's commit."""
    if is_locked(user):
        verify_against_nothing(password)  # the same time as a real check
        with unit_of_work():
            audit.record("sign_in.failed", "user", user.id, after={"reason": "locked", "purpose": purpose}, actor=user)
        raise AccountLocked(LOCKED_OUT)
    if not verify_password(user.password_hash, password):
        record_failure(user, "wrong current password", purpose)
        if is_locked(user):
            raise AccountLocked(LOCKED_OUT)
        raise Refused(WRONG_CURRENT_PASSWORD, "current_password")
    user.failed_sign_ins = 0
