"""Accounts: registration, invitations, passwords, roles and deactivation. Each function commits its change
together with its audit entry."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, func, select, update

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import PendingRegistration, User
from recruit.models.user import ROLES, STAFF_ROLES
from recruit.services import notifications
from recruit.services.accounts import emails, tokens
from recruit.services.accounts.lockout import confirm_current_password
from recruit.services.accounts.passwords import hash_password, password_problem, verify_password
from recruit.services.errors import Refused
from recruit.services.records import audit
from recruit.services.unit_of_work import unit_of_work


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def _check_password(password: str, name: str, email: str, field: str = "password") -> None:
    problem = password_problem(password, personal=(name, email))
    if problem:
        raise Refused(problem, field)


def _snapshot(user: User) -> dict[str, Any]:
    return {"email": user.email, "name": user.name, "role": user.role, "active": user.active}


REGISTRATION_LIFETIME = timedelta(hours=24)
WRONG_REGISTRATION_PASSWORD = "Enter the password you chose when you created your account"


@dataclass(frozen=True)
class RegistrationRequest:
    """What registering led to: a confirmation link for a new address, or the account the address already has.
    The person registering is shown the same page either way; only the email differs."""

    email: str
    existing: User | None
    token: str | None


@unit_of_work()
def request_registration(name: str, email: str, password: str, next_path: str | None = None) -> RegistrationRequest:
    """Start a candidate registration. No account exists until the emailed link is followed (confirm_registration),
    so the answer is the same whether or not the address already has one."""
    email = normalise_email(email)
    _check_password(password, name, email)
    # Hashed in both branches, so the two take the same time as well as giving the same page.
    password_hash = hash_password(password)
    now = utcnow()
    # Registrations never confirmed hold a name, an address and a password hash; they go once they expire.
    db.session.execute(delete(PendingRegistration).where(PendingRegistration.expires_at <= now))
    existing = find_by_email(email)
    if existing is not None:
        audit.record("account.registration_attempted", "user", existing.id, actor=None)
        emails.already_registered(existing)
        return RegistrationRequest(email, existing, None)
    raw = secrets.token_urlsafe(32)
    pending = PendingRegistration(
        email=email,
        name=name.strip(),
        password_hash=password_hash,
        token_hash=tokens.digest(raw),
        next_path=next_path,
        expires_at=now + REGISTRATION_LIFETIME,
    )
    db.session.add(pending)
    db.session.flush()
    audit.record(
        "account.registration_requested",
        "pending_registration",
        pending.id,
        after={"email": email, "name": pending.name},
        actor=None,
    )
    emails.confirm_registration(email, raw)
    return RegistrationRequest(email, None, raw)


@dataclass(frozen=True)
class RegistrationCheck:
    pending: PendingRegistration | None
    problem: str | None


def check_registration(raw: str) -> RegistrationCheck:
    """The pending registration a confirmation link is for, or why the link does not work."""
    if not raw or len(raw) > 200:
        return RegistrationCheck(None, "invalid")
    pending = db.session.scalar(select(PendingRegistration).where(PendingRegistration.token_hash == tokens.digest(raw)))
    if pending is None:
        return RegistrationCheck(None, "invalid")
    # An address that has an account by now (confirmed from another link, or imported) cannot be registered again.
    if pending.used_at is not None or find_by_email(pending.email) is not None:
        return RegistrationCheck(pending, "used")
    if pending.expires_at <= utcnow():
        return RegistrationCheck(pending, "expired")
    return RegistrationCheck(pending, None)


@unit_of_work("used")
def confirm_registration(raw: str, password: str) -> tuple[User, str | None]:
    """Create the candidate account from a confirmed registration; returns it and the page to go back to.

    The password chosen when registering is asked for again, so whoever registered someone else's address
    cannot have the owner confirm an account whose password they know."""
    checked = check_registration(raw)
    pending = checked.pending
    if checked.problem or pending is None:
        raise Refused(checked.problem or "invalid")
    if not verify_password(pending.password_hash, password):
        raise Refused(WRONG_REGISTRATION_PASSWORD, "password")
    user = User(name=pending.name, email=pending.email, role="candidate", password_hash=pending.password_hash)
    db.session.add(user)
    # Every link sent for this address stops working: it has its account now.
    db.session.execute(
        update(PendingRegistration)
        .where(PendingRegistration.email == pending.email, PendingRegistration.used_at.is_(None))
        .values(used_at=utcnow())
    )
    # The same address confirmed at the same moment from another link breaks the unique email: refused as "used".
    db.session.flush()
    audit.record("account.registered", "user", user.id, after=_snapshot(user), actor=user)
    return user, pending.next_path


@unit_of_work()
def create_admin(name: str, email: str, password: str) -> User:
    email = normalise_email(email)
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise Refused("Enter an email address in the correct format, like name@example.com", "email") from None
    if not name.strip():
        raise Refused("Enter the admin's full name", "name")
    if len(name.strip()) > 200:
        raise Refused("Name must be 200 characters or fewer", "name")
    if find_by_email(email) is not None:
        raise Refused("An account already exists with this email address", "email")
    _check_password(password, name, email)
    user = User(name=name.strip(), email=email, role="admin", password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    audit.record("account.admin_created", "user", user.id, after=_snapshot(user))
    return user


@unit_of_work()
def invite_staff(actor: User, name: str, email: str, role: str) -> tuple[User, str]:
    """Create a staff account with no password and a 72-hour set-password token for it, emailed to them when
    email can be sent (otherwise the admin is shown the link to pass on)."""
    if role not in STAFF_ROLES:
        raise Refused("Select whether the person is an assessor or an admin", "role")
    email = normalise_email(email)
    if find_by_email(email) is not None:
        raise Refused("An account already exists with this email address", "email")
    user = User(name=name.strip(), email=email, role=role, password_hash=None)
    db.session.add(user)
    db.session.flush()
    raw = tokens.issue(user, "set_password", created_by=actor)
    audit.record("account.invited", "user", user.id, after=_snapshot(user), actor=actor)
    if notifications.configured():
        emails.invitation(user, raw)
    return user, raw


@unit_of_work()
def reissue_invitation(actor: User, user: User) -> str:
    if user.password_hash is not None:
        raise Refused(f"{user.name} has already set a password.")
    if not user.active:
        # Links for deactivated accounts do not work (see tokens.check).
        raise Refused(f"Reactivate {user.name}'s account before sending a new invitation link.")
    raw = tokens.issue(user, "set_password", created_by=actor)
    audit.record("account.invitation_reissued", "user", user.id, actor=actor)
    if notifications.configured():
        emails.invitation(user, raw)
    return raw


@unit_of_work()
def set_password_with_token(raw: str, password: str) -> User:
    checked = tokens.check(raw)
    token = checked.token
    if checked.problem or token is None:
        raise Refused(checked.problem or "invalid")
    user = token.user
    _check_password(password, user.name, user.email)
    token.used_at = utcnow()
    user.password_hash = hash_password(password)
    user.failed_sign_ins = 0
    user.locked_until = None
    user.end_all_sessions()
    audit.record("account.password_set", "user", user.id, after={"purpose": token.purpose}, actor=user)
    return user


@unit_of_work()
def request_password_reset(email: str) -> tuple[User, str] | None:
    """A reset token for an active account with this email, or None; callers must not reveal which."""
    user = find_by_email(email)
    if user is None or not user.active:
        return None
    raw = tokens.issue(user, "reset_password")
    audit.record("account.password_reset_requested", "user", user.id, actor=user)
    emails.password_reset(user, raw)
    return user, raw


def change_password(user: User, current: str, new: str) -> None:
    # Before the change's unit of work: a wrong password stays counted when the change is refused.
    confirm_current_password(user, current, "change password")
    with unit_of_work():
        _check_password(new, user.name, user.email, field="new_password")
        user.password_hash = hash_password(new)
        user.end_all_sessions()
        audit.record("account.password_changed", "user", user.id, actor=user)


def _other_active_admins(user: User) -> int:
    return (
        db.session.scalar(
            select(func.count(User.id)).where(User.role == "admin", User.active.is_(True), User.id != user.id)
        )
        or 0
    )


@unit_of_work()
def change_role(actor: User, user: User, role: str) -> None:
    if role not in ROLES:
        raise Refused("Select a role", "role")
    if role == user.role:
        return
    if user.role == "admin" and _other_active_admins(user) == 0:
        raise Refused("You cannot change the role of the only active admin", "role")
    before = _snapshot(user)
    user.role = role
    user.end_all_sessions()
    audit.record("account.role_changed", "user", user.id, before=before, after=_snapshot(user), actor=actor)


@unit_of_work()
def set_active(actor: User, user: User, active: bool) -> None:
    if user.active == active:
        return
    if not active and user.id == actor.id:
        raise Refused("You cannot deactivate your own account")
    if not active and user.role == "admin" and _other_active_admins(user) == 0:
        raise Refused("You cannot deactivate the only active admin")
    before = _snapshot(user)
    user.active = active
    user.end_all_sessions()
    audit.record(
        "account.reactivated" if active else "account.deactivated",
        "user",
        user.id,
        before=before,
        after=_snapshot(user),
        actor=actor,
    )


@unit_of_work()
def sign_out(user: User) -> None:
    user.end_all_sessions()
    audit.record("sign_in.signed_out", "user", user.id, actor=user)
