"""Serving a large campaign's kept sift report: by its data version, without building the report again.

    .venv/bin/python bench/kept_reports.py [--applications 1000] [--criteria 6] [--assessors 3] [--repeat 5]

Builds a synthetic campaign at the sift (bench/moderation.py's: every assessor's submitted score and an agreed score
for every item) in a throwaway database (a temporary SQLite file, or a temporary schema in DATABASE_URL's PostgreSQL
database), and keeps its sift report as Recruit does for a large report: request_render, then the background job
(run here, in this process, rather than in a worker). Then, through the Flask test client signed in as an admin:

  kept:   GET /reports/<id>/sift.pdf, `--repeat` times with nothing written in between: the kept PDF is sent as it
          is, found by the campaign's report data version. Target: a median under 100 ms (other processes on the
          machine distort single requests: the load average is printed). The report's HTML must not be built once.
  stale:  an agreed score changes (its commit moves the data version on), then the same GET, `--repeat` times: the
          report is built again each time to compare it with the kept one (a GET writes nothing), and the route
          leads to the page that prepares a new version.

It exits with status 1 when the kept downloads miss the target, sends other bytes, or builds the report.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from flask import g, request_started, session
from harness import seeded_app, throwaway_database
from moderation import fill, make_campaign
from sqlalchemy import select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import AgreedScore
from recruit.security import start_session
from recruit.services.campaigns import status as campaign_status
from recruit.services.reports import jobs
from recruit.services.reports import queue as report_queue
from recruit.services.reports import versions as reports

TARGET_MS = 100.0


def _fresh_g(sender, **extra):
    # The requests share this script's app context: each gets a fresh `g`, as a request in a server would (and so
    # loads the signed-in person again, as each real request does).
    g.__dict__.clear()


def signed_in_client(app, user):
    """A test client whose session is that of `user` signed in (the two-factor step done)."""
    request_started.connect(_fresh_g, app)
    client = app.test_client()
    with app.test_request_context():
        start_session(user)
        values = dict(session)
    with client.session_transaction() as stored:
        stored.update(values)
    return client


def timings(client, url: str, repeat: int) -> tuple[list[float], list]:
    seconds, responses = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        seconds.append(time.perf_counter() - started)
        responses.append(response)
    return seconds, responses


def summary(seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return f"median {statistics.median(ms):8.1f} ms, fastest {min(ms):8.1f} ms, slowest {max(ms):8.1f} ms"


def run(url: str, options: dict, count: int, criteria_count: int, assessors: int, repeat: int) -> bool:
    with seeded_app(url, options) as (app, admin):
        app.config.update(REPORT_BACKGROUND_OVER=100)
        campaign, panel = make_campaign(admin, criteria_count, assessors)
        print(f"Inserting {count} applications × {criteria_count} criteria × {assessors} assessors…", flush=True)
        fill(campaign, panel, count, random.Random(2026))
        campaign.closes_at = utcnow()
        db.session.commit()
        campaign_status.move(admin, campaign, "closed")
        campaign_status.move(admin, campaign, "sift")
        campaign_id, kind = campaign.id, reports.KINDS["sift"]

        # The background job, run here: queue.enqueue would start a worker process.
        queued: list[int] = []
        report_queue.enqueue = queued.append
        with app.test_request_context():
            started = time.perf_counter()
            report = reports.request_render(admin, campaign, kind)
            jobs.run_job(queued.pop())
            kept_in = time.perf_counter() - started
            db.session.refresh(report)
            pdf = reports.pdf_of(report)
        print(
            f"Kept:       version {report.id}, {report.pages} pages, {len(pdf) / 1e6:.1f} MB, made in {kept_in:.1f} s "
            f"(data version {report.data_version})",
            flush=True,
        )

        built = 0
        html_of = reports.html_of

        def counted(spec):
            nonlocal built
            built += 1
            return html_of(spec)

        reports.html_of = counted
        client = signed_in_client(app, admin)
        address = f"/reports/{campaign_id}/sift.pdf"
        client.get(address)  # the first request of a client warms Flask's and Jinja's caches
        built = 0
        kept_s, kept_responses = timings(client, address, repeat)
        kept_ok = all(r.status_code == 200 and r.data == pdf for r in kept_responses) and built == 0
        print(f"Kept PDF:   {summary(kept_s)}  ({repeat} downloads, reports built: {built})", flush=True)

        agreed = db.session.scalars(select(AgreedScore).order_by(AgreedScore.id)).first()
        agreed.rationale = "Changed after the report was kept."
        db.session.commit()
        built = 0
        stale_s, stale_responses = timings(client, address, repeat)
        stale_ok = all(r.status_code == 302 for r in stale_responses)
        print(
            f"Stale:      {summary(stale_s)}  ({repeat} downloads, reports built: {built}, "
            f"{'each led to the prepare page' if stale_ok else 'NOT LED TO THE PREPARE PAGE'})",
            flush=True,
        )
        reports.html_of = html_of
    met = kept_ok and statistics.median(kept_s) * 1000 < TARGET_MS
    print(
        f"Target:     kept downloads under {TARGET_MS:.0f} ms (median) without building the report: "
        f"{'met' if met else 'MISSED'}; the stale path is "
        f"{statistics.median(stale_s) / statistics.median(kept_s):.0f} times slower; "
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"
    )
    return met and stale_ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=1000)
    parser.add_argument("--criteria", type=int, default=6)
    parser.add_argument("--assessors", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    if args.applications < 101 or not 1 <= args.criteria <= 6 or args.assessors < 2 or args.repeat < 1:
        parser.error("--applications more than 100, --criteria 1 to 6, --assessors and --repeat at least 2 and 1")
    with throwaway_database(parser) as (url, options):
        return 0 if run(url, options, args.applications, args.criteria, args.assessors, args.repeat) else 1


if __name__ == "__main__":
    sys.exit(main())
