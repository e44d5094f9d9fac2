"""Rendered PDF reports: every finished render is a version of its report, kept as it was made.

The PDF is stored in the database rather than on a local disk so that any app process or worker can serve it
(scaling out needs no shared file system), and so that erasing a campaign's personal data erases its reports.
A ready version never changes: a later render of the same report is a new row. The version kept at a stage's
sign-off carries the document as it stood at that moment (its HTML), so its PDF is made from that, whenever it
is typeset.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, Text, event, inspect, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Mapper, deferred, mapped_column, relationship

from recruit.clock import utcnow
from recruit.extensions import Model
from recruit.models.campaign import Campaign
from recruit.models.types import Status, UTCDateTime, check_in


class ReportStatus(Status):
    QUEUED = "queued"
    RENDERING = "rendering"
    READY = "ready"
    FAILED = "failed"


REPORT_STATUSES = tuple(ReportStatus)


class RenderedReport(Model):
    __tablename__ = "rendered_reports"
    __table_args__ = (
        Index("ix_rendered_reports_report", "campaign_id", "kind", "subject"),
        # One version of each report is the one kept at its stage's sign-off.
        Index(
            "uq_rendered_reports_signed_off",
            "campaign_id",
            "kind",
            "subject",
            unique=True,
            sqlite_where=text("signed_off"),
            postgresql_where=text("signed_off"),
        ),
        check_in("status", ReportStatus),
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    # sift, interview, merit, interview-candidate, feedback
    kind: Mapped[str] = mapped_column(String(30))
    # The application reference for a report about one candidate; empty for a campaign report.
    subject: Mapped[str] = mapped_column(String(40), default="")
    # A digest of everything the report shows: when the data changes, the kept PDF no longer matches.
    fingerprint: Mapped[str] = mapped_column(String(64))
    # The campaign's report data version (models/report_data.py) the report was made from: while the campaign's
    # counter still stands there, the data has not changed since. None when not known (a render inside a
    # transaction that had written report data, or a version made before the counter existed).
    data_version: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(20), default=ReportStatus.QUEUED)
    progress: Mapped[int] = mapped_column(default=0)
    pages: Mapped[int | None]
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    # The SHA-256 of the PDF, shown beside the version so that a copy can be checked against it.
    digest: Mapped[str | None] = mapped_column(String(64))
    # The version kept at the stage's sign-off, and the document as it stood then (empty for other versions,
    # which are made from the data at the time of the render).
    signed_off: Mapped[bool] = mapped_column(default=False)
    html: Mapped[str | None] = deferred(mapped_column(Text))
    error: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    campaign: Mapped[Campaign] = relationship()

    @property
    def is_ready(self) -> bool:
        return self.status == ReportStatus.READY

    @property
    def is_preparing(self) -> bool:
        return self.status in (ReportStatus.QUEUED, ReportStatus.RENDERING)

    @property
    def is_failed(self) -> bool:
        return self.status == ReportStatus.FAILED


# What a ready version is: changing any of these afterwards would make it a different document.
KEPT = (
    "campaign_id",
    "kind",
    "subject",
    "fingerprint",
    "pdf",
    "digest",
    "pages",
    "signed_off",
    "html",
    "finished_at",
    "status",
)


@event.listens_for(RenderedReport, "before_update")
def _ready_versions_never_change(
    mapper: Mapper[RenderedReport], connection: Connection, target: RenderedReport
) -> None:
    table = RenderedReport.__table__
    if connection.scalar(select(table.c.status).where(table.c.id == target.id)) != ReportStatus.READY:
        return
    state = inspect(target)
    touched = [name for name in KEPT if state.attrs[name].history.has_changes()]
    if not touched:
        return
    stored = connection.execute(select(*(table.c[name] for name in touched)).where(table.c.id == target.id)).one()
    changed = [name for name, value in zip(touched, stored) if getattr(target, name) != value]
    if changed:
        raise ValueError(
            f"Report version {target.id} is kept as it was made and never changes "
            f"(tried to change {', '.join(changed)})"
        )
