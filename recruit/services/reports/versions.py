"""The campaign's PDF reports: which exist, who may have them, and the versions kept of each.

Every write that can change what a campaign's reports show (a score submitted, an agreed score, a reopened item, a
sign-off, a withdrawal, a name...) moves the campaign's report data version on (models/report_data.py), and each
kept version records the data version it was made from. A kept version whose data version is the campaign's current
one is served as it is, without building the report. When the counter has moved on, the report is built again and
the digest of its HTML (its fingerprint) decides: a kept version with the same fingerprint shows the same thing, and
is served (and, when a person asks for the report with the button, takes the new data version); otherwise the report
is rendered on demand as a new version. No finished version's PDF is ever changed or overwritten, and each carries
the SHA-256 of its PDF. At a stage's sign-off its reports are kept as they stand (freeze_signed_off, in the
sign-off's transaction) and typeset from that document (prepare_signed_off). Reports of more than
REPORT_BACKGROUND_OVER applications are rendered by a background job (put on the queue by services/reports/queue.py,
run by services/reports/jobs.py); smaller ones while the person waits.
"""

from __future__ import annotations

import hashlib
import html as html_module
import io
import logging
import re
from dataclasses import dataclass
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import CursorResult, Select, select, update

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import Application, Campaign, RenderedReport, StageRecord, User
from recruit.models.report_data import committed_version
from recruit.services.records import audit
from recruit.services.reports import queue
from recruit.services.reports.content.shared import ReportSpec
from recruit.services.reports.kinds import KINDS as KINDS
from recruit.services.reports.kinds import PRODUCED as PRODUCED
from recruit.services.reports.kinds import Kind as Kind
from recruit.services.reports.kinds import html_of as html_of
from recruit.services.reports.kinds import in_background as in_background
from recruit.services.reports.kinds import may_have as may_have
from recruit.services.reports.kinds import size_of as size_of
from recruit.services.reports.kinds import spec_for as spec_for
from recruit.services.reports.pdf.rendering import render_pdf
from recruit.services.unit_of_work import unit_of_work

log = logging.getLogger(__name__)

# A render that has not finished within this time is taken to have died with its worker, and may be asked for again.
STALLED_AFTER = timedelta(minutes=30)


# The reports kept at each stage's sign-off (DESIGN §6: signed off means final).
SIGNED_OFF_KINDS = {"sift": ("sift",), "interview": ("interview", "merit")}


def _report_query(campaign: Campaign, kind: Kind, subject: str) -> Select[tuple[RenderedReport]]:
    return select(RenderedReport).where(
        RenderedReport.campaign_id == campaign.id, RenderedReport.kind == kind.slug, RenderedReport.subject == subject
    )


def kept(campaign: Campaign, kind: Kind, subject: str = "") -> RenderedReport | None:
    """The newest render of the report, ready or not: the one a progress page follows."""
    return db.session.scalar(_report_query(campaign, kind, subject).order_by(RenderedReport.id.desc()).limit(1))


def versions(campaign: Campaign, kind: Kind, subject: str = "") -> list[RenderedReport]:
    """Every finished version of the report, newest first."""
    return list(
        db.session.scalars(
            _report_query(campaign, kind, subject)
            .where(RenderedReport.status == "ready")
            .order_by(RenderedReport.finished_at.desc(), RenderedReport.id.desc())
        )
    )


def signed_off_version(campaign: Campaign, kind: Kind, subject: str = "") -> RenderedReport | None:
    return db.session.scalar(_report_query(campaign, kind, subject).where(RenderedReport.signed_off))


def version_of(campaign: Campaign, kind: Kind, version_id: int) -> RenderedReport | None:
    """Object access for versions: one of this campaign report's own."""
    report = db.session.get(RenderedReport, version_id)
    if report is None or report.campaign_id != campaign.id or report.kind != kind.slug or report.subject != "":
        return None
    return report


def _matching(campaign: Campaign, kind: Kind, subject: str, digest: str) -> RenderedReport | None:
    return db.session.scalar(
        _report_query(campaign, kind, subject)
        .where(RenderedReport.status == "ready", RenderedReport.fingerprint == digest)
        .order_by(RenderedReport.id.desc())
        .limit(1)
    )


def data_version(campaign: Campaign) -> int | None:
    """The campaign's report data version now: None while this transaction has written report data of it."""
    return committed_version(db.session(), campaign.id)


def _at_version(campaign: Campaign, kind: Kind, subject: str, version: int) -> RenderedReport | None:
    """The version made from this data version: a finished one, else the newest render of it."""
    return db.session.scalar(
        _report_query(campaign, kind, subject)
        .where(RenderedReport.data_version == version)
        .order_by((RenderedReport.status == "ready").desc(), RenderedReport.id.desc())
        .limit(1)
    )


def _outlived(campaign: Campaign, kind: Kind, report: RenderedReport) -> bool:
    """The merit list says whether the reserve list has expired: one made before that moment is out of date once
    it has passed, with nothing written in between. (No other report shows anything that changes with the clock.)"""
    if kind.slug != "merit":
        return False
    expires = db.session.scalar(
        select(StageRecord.reserve_expires_at).where(
            StageRecord.campaign_id == campaign.id, StageRecord.stage == "interview"
        )
    )
    return expires is not None and report.requested_at < expires <= utcnow()


@dataclass
class Built:
    """The report as the data gives it now."""

    spec: ReportSpec
    html: str
    digest: str


def build(campaign: Campaign, kind: Kind, application: Application | None = None) -> Built:
    spec = spec_for(campaign, kind, application)
    html, digest = html_of(spec)
    return Built(spec, html, digest)


@dataclass
class Current:
    """What the person asking for a report gets: the ready PDF's record, or the render under way (or not)."""

    report: RenderedReport | None
    fresh: bool  # the kept PDF matches the data now
    version: int | None  # the campaign's report data version when asked (None: not committed yet)
    built: Built | None = None  # the report built now, when the data version alone could not vouch for one

    @property
    def ready(self) -> bool:
        return self.report is not None and self.fresh and self.report.status == "ready"


def current(campaign: Campaign, kind: Kind, application: Application | None = None) -> Current:
    """The version made from the data as it stands, found by the data version without building the report when
    the data has not changed since it was made; otherwise the report is built, and a kept version with the same
    fingerprint is the one that matches (else the newest render is given, not fresh)."""
    subject = application.reference if application else ""
    version = data_version(campaign)  # read before the data: a later change can only make the version older
    report = _at_version(campaign, kind, subject, version) if version is not None else None
    if report is not None and not _outlived(campaign, kind, report):
        return Current(report, True, version)
    built = build(campaign, kind, application)
    report = _matching(campaign, kind, subject, built.digest) or kept(campaign, kind, subject)
    return Current(report, report is not None and report.fingerprint == built.digest, version, built)


def ready_version(campaign: Campaign, kind: Kind, application: Application | None = None) -> RenderedReport | None:
    """The kept version that matches the data now, ready to send: asking writes nothing. None when the report must
    be prepared first, which a person asks for with a button (render_now or request_render, from a POST)."""
    state = current(campaign, kind, application)
    return state.report if state.ready else None


def _record_version(state: Current) -> None:
    """A kept version found to match by its fingerprint was made from the data as it stands: it takes the data
    version, so that the next request finds it without building the report (its PDF is not touched)."""
    if state.report is not None and state.version is not None and state.report.data_version != state.version:
        state.report.data_version = state.version
        db.session.flush()


@unit_of_work()
def render_now(actor: User, campaign: Campaign, kind: Kind, application: Application | None = None) -> RenderedReport:
    """A small report: a version that matches the data if there is one, otherwise rendered now as a new version."""
    state = current(campaign, kind, application)
    if state.report is not None and state.fresh:
        if state.report.status == "ready":
            _record_version(state)
            return state.report
        if state.report.signed_off:
            # The version kept at sign-off, not typeset yet, and the data has not changed since: make it now.
            _record_version(state)
            return typeset(state.report)
    built = state.built or build(campaign, kind, application)
    report = _claim(actor, campaign, kind, application.reference if application else "", built.digest, state.version)
    data = render_pdf(built.html, title=built.spec.title)
    return store(report, data)


def request_render(actor: User, campaign: Campaign, kind: Kind) -> RenderedReport:
    """A large report: queue a render unless a version matches the data or one is already under way for it."""
    # Committed before it is queued: the worker reads the row.
    with unit_of_work():
        state = current(campaign, kind)
        report = state.report
        if report is not None and state.ready:
            _record_version(state)
            return report
        if report is not None and state.fresh and report.status in ("queued", "rendering") and not stalled(report):
            return report
        if report is not None and state.fresh and report.signed_off:
            _record_version(state)
            report = _requeue(report)
        else:
            built = state.built or build(campaign, kind)
            report = _claim(actor, campaign, kind, "", built.digest, state.version)
        audit.record("report.requested", "campaign", campaign.id, after={"report": kind.slug}, actor=actor)
    queue.enqueue(report.id)
    return report


def stalled(report: RenderedReport) -> bool:
    return report.status in ("queued", "rendering") and utcnow() - report.requested_at > STALLED_AFTER


def _claim(
    actor: User, campaign: Campaign, kind: Kind, subject: str, digest: str, version: int | None
) -> RenderedReport:
    """The row a new render goes into: the newest one if it never finished, otherwise a new version. A finished
    version and the version kept at sign-off are never reused. `version` is the data version it is made from."""
    report = kept(campaign, kind, subject)
    if report is None or report.status == "ready" or report.signed_off:
        report = RenderedReport(campaign_id=campaign.id, kind=kind.slug, subject=subject)
        db.session.add(report)
    report.fingerprint, report.status, report.progress, report.error = digest, "queued", 0, ""
    report.data_version = version
    report.pdf, report.pages, report.digest, report.finished_at = None, None, None, None
    report.requested_by_id, report.requested_at = actor.id, utcnow()
    db.session.flush()
    return report


def _requeue(report: RenderedReport) -> RenderedReport:
    report.status, report.progress, report.error, report.requested_at = "queued", 0, "", utcnow()
    db.session.flush()
    return report


@unit_of_work()
def store(report: RenderedReport, data: bytes, *, tell_requester: bool = False) -> RenderedReport:
    """Finish a version, once: if another process finished it first, theirs stands. With tell_requester (a render
    in the background), the person who asked for it is emailed that it is ready, in the same transaction."""
    digest = hashlib.sha256(data).hexdigest()
    db.session.flush()
    result = db.session.execute(
        update(RenderedReport)
        .where(RenderedReport.id == report.id, RenderedReport.status != "ready")
        .values(
            pdf=data,
            pages=len(PdfReader(io.BytesIO(data)).pages),
            digest=digest,
            status="ready",
            progress=100,
            finished_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    assert isinstance(result, CursorResult)  # an UPDATE's result, with its row count (Session types it as Result)
    if result.rowcount and report.signed_off:
        audit.record(
            "report.signed_off_version",
            "campaign",
            report.campaign_id,
            after={"report": report.kind, "version": report.id, "digest": digest},
            actor=None,
        )
    if result.rowcount and tell_requester:
        from recruit.services.notifications import messages

        messages.report_ready(report)
    db.session.refresh(report)
    return report


def freeze_signed_off(actor: User, campaign: Campaign, stage: str) -> list[RenderedReport]:
    """At sign-off, in its transaction: the stage's reports as they stand at that moment, kept as versions of their
    own. The document is fixed now; its PDF is typeset from it afterwards (prepare_signed_off), so nothing that
    happens after the sign-off can reach it."""
    kept_now = []
    for slug in SIGNED_OFF_KINDS.get(stage, ()):
        kind = KINDS[slug]
        if signed_off_version(campaign, kind) is not None:
            continue
        html, digest = html_of(spec_for(campaign, kind))
        report = RenderedReport(
            campaign_id=campaign.id,
            kind=slug,
            subject="",
            fingerprint=digest,
            status="queued",
            signed_off=True,
            html=html,
            requested_by_id=actor.id,
            requested_at=utcnow(),
        )
        db.session.add(report)
        kept_now.append(report)
    db.session.flush()
    for report in kept_now:
        audit.record(
            "report.kept_at_sign_off",
            "campaign",
            campaign.id,
            after={"report": report.kind, "version": report.id, "fingerprint": report.fingerprint},
            actor=actor,
        )
    return kept_now


def prepare_signed_off(actor: User, campaign: Campaign, stage: str) -> None:
    """Typeset the versions kept at the stage's sign-off: a small report now, a large one by the background job."""
    for slug in SIGNED_OFF_KINDS.get(stage, ()):
        kind = KINDS[slug]
        report = signed_off_version(campaign, kind)
        if report is None or report.status == "ready":
            continue
        if in_background(campaign, kind):
            if report.status == "rendering" and not stalled(report):
                continue
            with unit_of_work():  # committed before it is queued: the worker reads the row
                _requeue(report)
            queue.enqueue(report.id)
        else:
            report_id = report.id
            try:
                with unit_of_work():
                    typeset(report)
            except Exception as error:  # the version stays to be typeset again; the details go to the log
                log.exception("Typesetting the signed-off %s report of campaign %s failed", slug, campaign.id)
                mark_failed(report_id, error)


def mark_failed(report_id: int, error: Exception) -> None:
    """After a failed render, rolled back: the version is marked failed (it may be asked for again)."""
    with unit_of_work():
        report = db.session.get(RenderedReport, report_id)
        if report is not None:
            report.status, report.error = "failed", f"{type(error).__name__}: {error}"[:500]


def title_of(html: str) -> str:
    """The document title of a kept report's HTML (the report templates write it in <title>)."""
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    return html_module.unescape(found.group(1).strip()) if found else "Report"


def typeset(report: RenderedReport) -> RenderedReport:
    """A version kept with its document (the one kept at sign-off), made into its PDF now."""
    html = kept_html(report.id)
    if html is None:
        raise ValueError(f"Report version {report.id} was kept without its document")
    return store(report, render_pdf(html, title=title_of(html)))


def kept_html(report_id: int) -> str | None:
    """The document a version was kept with (at sign-off), if it was."""
    return db.session.scalar(select(RenderedReport.html).where(RenderedReport.id == report_id))


def pdf_of(report: RenderedReport) -> bytes:
    data = db.session.scalar(select(RenderedReport.pdf).where(RenderedReport.id == report.id))
    if data is None:
        raise ValueError(f"Report version {report.id} has no PDF yet")
    return data


def application_in(campaign: Campaign, reference: str) -> Application | None:
    return db.session.scalar(
        select(Application).where(Application.campaign_id == campaign.id, Application.reference == reference[:20])
    )
