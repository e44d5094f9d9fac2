"""Password hashing (argon2id) and the password rules."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from zxcvbn import zxcvbn

MIN_LENGTH = 10
MAX_LENGTH = 256
# zxcvbn refuses input over 72 characters; what it cannot guess in the first 72 is long enough.
STRENGTH_CHECK_LENGTH = 72
MIN_STRENGTH = 3


@cache
def _hasher_with(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def _hasher() -> PasswordHasher:
    """argon2id with the app's PASSWORD_HASHING parameters: argon2-cffi's defaults (RFC 9106's low-memory
    profile) unless the configuration says otherwise, as the test configuration does to keep the suite quick.
    Verifying reads the parameters from the stored hash; a hash made with others is upgraded at sign-in."""
    params = current_app.config.get("PASSWORD_HASHING", {}) if has_app_context() else {}
    default = profiles.RFC_9106_LOW_MEMORY
    return _hasher_with(
        params.get("time_cost", default.time_cost),
        params.get("memory_cost", default.memory_cost),
        params.get("parallelism", default.parallelism),
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def password_problem(password: str, *, personal: tuple[str, ...] = ()) -> str | None:
    """The message to show for an unacceptable password, or None when it is fine."""
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    words = []
    for value in personal:
        # The whole value (an email address, a name), its local part, and each word in it.
        words += [value, value.split("@")[0], *value.replace("@", " ").replace(".", " ").split()]
    words = [word for word in words if word]
    if zxcvbn(password[:STRENGTH_CHECK_LENGTH], user_inputs=words)["score"] < MIN_STRENGTH:
        return "Enter a password that is harder to guess, such as three random words"
    return None


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash("no account has this password 7d1c8e")


def verify_against_nothing(password: str) -> None:
    """Check a password against a real hash of a random value, made with the same parameters as new hashes:
    when the account does not exist this takes as long as for a real account, so timing does not reveal which
    emails exist."""
    verify_password(_dummy_hash(_hasher()), password)
