"""Background report renders: RQ on Redis when REDIS_URL is set, otherwise a local worker process per render.

Either way the work is `work(report_id)` in a process of its own with its own app and database connection; the
report's row carries the status and progress the web page shows, so any app process can answer for it.
"""
from __future__ import annotations

import os
import subprocess
import sys

from flask import current_app

from recruit.extensions import db

QUEUE = "recruit-reports"
JOB_TIMEOUT = 3600


def queue():
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE, connection=Redis.from_url(current_app.config["REDIS_URL"]))


def enqueue(report_id: int) -> None:
    if current_app.config.get("REDIS_URL"):
        queue().enqueue(work, report_id, job_timeout=JOB_TIMEOUT, result_ttl=0, failure_ttl=24 * 3600)
        return
    # No queue: a process of its own renders the report and exits. It reads the same database as this app.
    environment = dict(os.environ, DATABASE_URL=db.engine.url.render_as_string(hide_password=False))
    subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "recruit", "reports", "render", str(report_id)],
        env=environment, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, start_new_session=True,
    )


def work(report_id: int) -> None:
    """Render one queued report (what the RQ worker and the local worker process run)."""
    from flask import has_app_context

    from recruit.services.reports import versions as reports

    if has_app_context():
        reports.run_job(report_id)
        return
    from recruit import create_app

    app = create_app()
    with app.app_context():
        reports.run_job(report_id)
        db.session.remove()
        db.engine.dispose()
