"""Redactions (DESIGN §12): stretches of a candidate's statement that an admin hid from the panel before the sift.

The statement's text is never changed: the original is kept for the record and the candidate's copy of their data;
the panel reads it with each range replaced (services/fairness/redaction.py). The rows go when the campaign's
personal data is erased.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recruit.clock import utcnow
from recruit.extensions import Model
from recruit.models.application import Statement
from recruit.models.types import UTCDateTime
from recruit.models.user import User


class StatementRedaction(Model):
    """Characters [start, end) of the statement's text."""

    __tablename__ = "statement_redactions"
    __table_args__ = (
        CheckConstraint("start >= 0", name="start_not_negative"),
        CheckConstraint('"end" > start', name="end_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statements.id", ondelete="CASCADE"), index=True)
    start: Mapped[int]
    end: Mapped[int]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    statement: Mapped[Statement] = relationship()
    created_by: Mapped[User | None] = relationship()
