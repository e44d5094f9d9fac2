"""Rendered PDF reports, kept until the data behind them changes.

The PDF is stored in the database rather than on a local disk so that any app process or worker can serve it
(scaling out needs no shared file system), and so that erasing a campaign's personal data erases its reports.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models.campaign import Campaign
from recruit.models.types import UTCDateTime

REPORT_STATUSES = ("queued", "rendering", "ready", "failed")


class RenderedReport(db.Model):
    __tablename__ = "rendered_reports"
    __table_args__ = (
        UniqueConstraint("campaign_id", "kind", "subject"),
        CheckConstraint("status IN ('queued', 'rendering', 'ready', 'failed')", name="status_known"),
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    # sift, interview, merit, interview-candidate, feedback
    kind: Mapped[str] = mapped_column(String(30))
    # The application reference for a report about one candidate; empty for a campaign report.
    subject: Mapped[str] = mapped_column(String(40), default="")
    # A digest of everything the report shows: when the data changes, the kept PDF no longer matches.
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="queued")
    progress: Mapped[int] = mapped_column(default=0)
    pages: Mapped[int | None]
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    error: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    campaign: Mapped[Campaign] = relationship()
