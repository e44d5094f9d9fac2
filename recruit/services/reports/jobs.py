"""The background render of a report: what the RQ worker and the local worker process run (`work`, which queue.py
names by its dotted path), in a process of its own with its own app and database connection. The report's row
carries the status and progress the web page shows, so any app process can answer for it.
"""

from __future__ import annotations

import logging
from collections import deque
from functools import partial

from flask import current_app, has_app_context

from recruit.extensions import db
from recruit.models import Campaign, RenderedReport
from recruit.services.reports import versions
from recruit.services.reports.pdf.forking import run_forked
from recruit.services.reports.pdf.rendering import render_pdf_parallel
from recruit.services.unit_of_work import unit_of_work

log = logging.getLogger(__name__)


def work(report_id: int) -> None:
    """Render one queued report, in this app's context if there is one, else in an app of its own."""
    if has_app_context():
        run_job(report_id)
        return
    from recruit import create_app

    app = create_app()
    with app.app_context():
        run_job(report_id)
        db.session.remove()
        db.engine.dispose()


def run_job(report_id: int) -> None:
    """The background render (inside an app context): a version kept with its document is made from that document;
    any other from the data as it stands now. Page ranges are laid out by REPORT_WORKERS processes at a time.

    The document is built in a process of its own, which ends once it has handed over the HTML: building a large
    report's data takes hundreds of megabytes that Python would otherwise keep in this process, and every worker
    forked from it would start with them."""
    with unit_of_work():
        report = db.session.get(RenderedReport, report_id)
        if report is None or report.status not in ("queued", "rendering"):
            return
        campaign_id, kind_slug = report.campaign_id, report.kind
        report.status, report.progress = "rendering", 5
    try:
        built: list[Document] = []
        build = partial(_document, report_id, campaign_id, kind_slug)
        run_forked(
            deque([(0, build)]),
            1,
            lambda _, document: built.append(document),
            what="document build",
            collect_cycles=True,
        )
        html, title, fingerprint, data_version = built.pop()
        with unit_of_work():
            if fingerprint is not None:
                report.fingerprint, report.data_version = fingerprint, data_version
            report.progress = 10

        def progress(done: int, total: int) -> None:
            with unit_of_work():
                report.progress = min(10 + int(85 * done / total), 95)

        data = render_pdf_parallel(
            html,
            title=title,
            workers=current_app.config["REPORT_WORKERS"],
            range_weight=current_app.config["REPORT_RANGE_WEIGHT"],
            progress=progress,
        )
        del html
        versions.store(report, data, tell_requester=True)
    except Exception as error:  # the person is told it failed and may try again; the details go to the log
        log.exception("Rendering report %s failed", report_id)
        versions.mark_failed(report_id, error)


# A report's document: its HTML, its title, and the fingerprint and report data version of the data it was built
# from (None for a document kept at sign-off, which is rendered as it was kept).
Document = tuple[str, str, str | None, int | None]


def _document(report_id: int, campaign_id: int, kind_slug: str) -> Document:
    """Build the report's document (run in a forked process, with a database connection of its own)."""
    db.session.remove()
    db.engine.dispose(close=False)  # the connections this process inherited stay the parent's
    try:
        frozen = versions.kept_html(report_id)
        if frozen is not None:
            return frozen, versions.title_of(frozen), None, None
        campaign = db.session.get(Campaign, campaign_id)
        assert campaign is not None, "a report's campaign outlives it"
        # The data version first: data changed after it can only make the version look older.
        data_version = versions.data_version(campaign)
        spec = versions.spec_for(campaign, versions.KINDS[kind_slug])
        html, fingerprint = versions.html_of(spec)
        return html, spec.title, fingerprint, data_version
    finally:
        db.session.remove()
        db.engine.dispose()
