"""The background render of a report: what the RQ worker and the local worker process run (`work`, which queue.py
names by its dotted path), in a process of its own with its own app and database connection. The report's row
carries the status and progress the web page shows, so any app process can answer for it.
"""

from __future__ import annotations

import logging

from flask import current_app, has_app_context

from recruit.extensions import db
from recruit.models import RenderedReport
from recruit.services.reports import versions
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
    any other from the data as it stands now. Page ranges are laid out by REPORT_WORKERS processes at a time."""
    with unit_of_work():
        report = db.session.get(RenderedReport, report_id)
        if report is None or report.status not in ("queued", "rendering"):
            return
        kind = versions.KINDS[report.kind]
        campaign = report.campaign
        report.status, report.progress = "rendering", 5
    try:
        with unit_of_work():
            frozen = versions.kept_html(report_id)
            if frozen is not None:
                html, title = frozen, versions.title_of(frozen)
            else:
                # The data version first: data changed after it can only make the version look older.
                report.data_version = versions.data_version(campaign)
                spec = versions.spec_for(campaign, kind)
                html, report.fingerprint = versions.html_of(spec)
                title = spec.title
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
        versions.store(report, data, tell_requester=True)
    except Exception as error:  # the person is told it failed and may try again; the details go to the log
        log.exception("Rendering report %s failed", report_id)
        versions.mark_failed(report_id, error)
