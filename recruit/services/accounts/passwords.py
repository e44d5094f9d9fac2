"""Password hashing (argon2id) and the password rules."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

MIN_LENGTH = 10
MAX_LENGTH = 256
# zxcvbn refuses input over 72 characters; what it cannot guess in the first 72 is long enough.
STRENGTH_CHECK_LENGTH = 72
MIN_STRENGTH = 3

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


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


# A real hash of a random value: verifying against it when the account does not
# exist takes as long as for a real account, so timing does not reveal which emails exist.
DUMMY_HASH = _hasher.hash("no account has this password 7d1c8e")
