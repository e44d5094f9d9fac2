"""Putting a report's render in the background: on the RQ queue on Redis when REDIS_URL is set, otherwise in a
local worker process of its own (`flask --app recruit reports render ID`).

Either way the work is jobs.work, named here by its dotted path (the name RQ keeps with each job), so this module,
which versions.py asks to enqueue, needs nothing of the job itself.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

from flask import current_app

from recruit.extensions import db

if TYPE_CHECKING:
    from rq import Queue

QUEUE = "recruit-reports"
JOB_TIMEOUT = 3600
WORK = "recruit.services.reports.jobs.work"


def rq_queue() -> Queue:
    """The report queue on REDIS_URL."""
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE, connection=Redis.from_url(current_app.config["REDIS_URL"]))


def enqueue(report_id: int) -> None:
    if current_app.config.get("REDIS_URL"):
        rq_queue().enqueue(WORK, report_id, job_timeout=JOB_TIMEOUT, result_ttl=0, failure_ttl=24 * 3600)
        return
    # No queue: a process of its own renders the report and exits. It reads the same database as this app.
    environment = dict(os.environ, DATABASE_URL=db.engine.url.render_as_string(hide_password=False))
    subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "recruit", "reports", "render", str(report_id)],
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
