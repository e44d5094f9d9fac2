"""The Disability Confident scheme (DESIGN §12): a candidate's opt-in on their application, and the admin's reason
for not inviting an opted-in candidate who met the minimum criteria.

A table of its own, apart from the application and from the diversity monitoring answers: the opt-in says the
candidate has a disability, so nothing a panel reads joins to it and no relationship leads here from an
application. The row goes with the application's personal data when it is erased.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recruit.clock import utcnow
from recruit.extensions import Model
from recruit.models.types import UTCDateTime
from recruit.models.user import User


class DisabilityConfidentClaim(Model):
    """One application's answer: opted in (having declared they meet the Equality Act definition) or not."""

    __tablename__ = "disability_confident_claims"
    __table_args__ = (
        # Opting in needs the declaration; a "no" is kept as an answer so the candidate sees what they said.
        CheckConstraint("(opted_in_at IS NULL) = (NOT opted_in)", name="opted_in_at_when_opted_in"),
        # The admin's record of why a candidate who met the minimum was not invited: all three or none.
        CheckConstraint(
            "(not_invited_at IS NULL) = (not_invited_reason = '') "
            "AND (not_invited_at IS NULL) = (not_invited_by_id IS NULL)",
            name="not_invited_record_complete",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), unique=True)
    opted_in: Mapped[bool]
    opted_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set by the sift decision: invited only because of the guarantee (the rule alone would not have taken them).
    invited_under_guarantee: Mapped[bool] = mapped_column(default=False, server_default=false())
    not_invited_reason: Mapped[str] = mapped_column(Text, default="")
    not_invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    not_invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    not_invited_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}
