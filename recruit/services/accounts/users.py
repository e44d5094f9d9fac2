"""Looking up accounts for the admin pages."""

from __future__ import annotations

from sqlalchemy import Select, select

from recruit.extensions import db
from recruit.models import User

PAGE_SIZE = 50


def user_for_admin(actor: User, user_id: int) -> User | None:
    """Object access for accounts: admins may manage every account, nobody else any."""
    if actor.role != "admin":
        return None
    return db.session.get(User, user_id)


def users_query(role: str | None = None) -> Select[tuple[User]]:
    query = select(User).order_by(User.role, User.name, User.id)
    if role:
        query = query.where(User.role == role)
    return query
