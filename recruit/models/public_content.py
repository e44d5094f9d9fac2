"""The version of what the public pages show: frameworks, role profiles, scales and vacancies.

One row. Every committed change to those records gives it a new random token (recruit/services/public_content.py),
so a page rendered for one token is never taken for the page of another: the rendered-page cache and the pages'
ETags are keyed by it. A random token rather than a counter, so a transaction that rolled back, or a database put
back from a backup, can never bring an old token, and the pages cached under it, back.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from recruit.clock import utcnow
from recruit.extensions import Model
from recruit.models.types import UTCDateTime

# The one row's id.
ROW_ID = 1


class TokenRow:
    """One row holding a random token that every committed change to what it covers replaces
    (services/change_tokens.py)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
    # When what it covers last changed, for people looking into the database.
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PublicContentVersion(TokenRow, Model):
    __tablename__ = "public_content_versions"
