"""Emails kept in the database instead of being sent: the development outbox that admins read in development.

A later notifications outbox (GOV.UK Notify, SMTP, retries) is meant to take this table's place.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from recruit.clock import utcnow
from recruit.extensions import Model
from recruit.models.types import UTCDateTime


class DevelopmentEmail(Model):
    __tablename__ = "development_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
