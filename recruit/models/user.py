"""People who use Recruit: admins, assessors and candidates, with their sign-in state."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recruit.clock import utcnow
from recruit.extensions import Model
from recruit.models.types import UTCDateTime

if TYPE_CHECKING:

    class UserMixin:
        """What flask_login's UserMixin gives a user, spelled out for the type checker (flask_login has no types)."""

        @property
        def is_active(self) -> bool: ...
        @property
        def is_authenticated(self) -> bool: ...
        @property
        def is_anonymous(self) -> bool: ...
        def get_id(self) -> str: ...
else:
    from flask_login import UserMixin

ROLES = ("admin", "assessor", "candidate")
STAFF_ROLES = ("admin", "assessor")
TOKEN_PURPOSES = ("set_password", "reset_password")


class User(UserMixin, Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'assessor', 'candidate')", name="role_known"),
        # Emails are stored lower-cased, so uniqueness ignores case.
        CheckConstraint("email = lower(email)", name="email_lower_case"),
        CheckConstraint("length(email) > 2", name="email_not_empty"),
        CheckConstraint("failed_sign_ins >= 0", name="failed_sign_ins_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    failed_sign_ins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped to end every session of the account (sign-out, password or role change, deactivation).
    session_version: Mapped[int] = mapped_column(default=1)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last TOTP time step accepted, so a code cannot be used twice.
    totp_last_step: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    recovery_codes: Mapped[list[RecoveryCode]] = relationship(cascade="all, delete-orphan")

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def has_two_factor(self) -> bool:
        return self.totp_enabled_at is not None

    def end_all_sessions(self) -> None:
        self.session_version += 1


class RecoveryCode(Model):
    """A single-use code for signing in without the authenticator app, stored as a salted argon2id hash
    (codes issued before that are plain SHA-256 digests, 64 hexadecimal characters)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(255))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class UserToken(Model):
    """A single-use, expiring link token (invitations, claims, password resets), stored as a hash."""

    __tablename__ = "user_tokens"
    __table_args__ = (CheckConstraint("purpose IN ('set_password', 'reset_password')", name="purpose_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class PendingRegistration(Model):
    """Someone asked for a candidate account and has not yet confirmed the email address with the emailed link.

    No account exists until they do, so registering tells nobody whether an address already has one.
    """

    __tablename__ = "pending_registrations"
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lower_case"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The page the person was on when they chose to register (a same-site path), to go back to once confirmed.
    next_path: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
