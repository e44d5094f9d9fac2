"""Single-use, expiring tokens for links sent to people: invitations, claims and password resets.

Only a hash of each token is stored; the token itself exists only in the link.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import User, UserToken

LIFETIME = {"set_password": timedelta(hours=72), "reset_password": timedelta(hours=2)}


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue(user: User, purpose: str, created_by: User | None = None) -> str:
    """A new token for the user; earlier unused tokens for the same purpose stop working."""
    now = utcnow()
    for old in db.session.scalars(
        select(UserToken).where(UserToken.user_id == user.id, UserToken.purpose == purpose, UserToken.used_at.is_(None))
    ):
        old.used_at = now
    raw = secrets.token_urlsafe(32)
    db.session.add(
        UserToken(
            user=user,
            purpose=purpose,
            token_hash=digest(raw),
            expires_at=now + LIFETIME[purpose],
            created_by_id=created_by.id if created_by else None,
        )
    )
    return raw


@dataclass(frozen=True)
class TokenCheck:
    token: UserToken | None
    problem: str | None


def check(raw: str, purposes: tuple[str, ...] = ("set_password", "reset_password")) -> TokenCheck:
    if not raw or len(raw) > 200:
        return TokenCheck(None, "invalid")
    token = db.session.scalar(select(UserToken).where(UserToken.token_hash == digest(raw)))
    if token is None or token.purpose not in purposes:
        return TokenCheck(None, "invalid")
    # A deactivated account cannot sign in, so its links must not let anyone choose its password.
    if not token.user.active:
        return TokenCheck(None, "invalid")
    if token.used_at is not None:
        return TokenCheck(token, "used")
    if token.expires_at <= utcnow():
        return TokenCheck(token, "expired")
    return TokenCheck(token, None)
