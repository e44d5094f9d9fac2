"""Render a large campaign's sift report the naive way and Recruit's way, and compare; or render a very large one
with the background job, and measure it.

    .venv/bin/python bench/reports.py [--applications 1000] [--criteria 6] [--assessors 3] [--workers N] [--runs 3]
    .venv/bin/python bench/reports.py --job [--applications 5000] [--workers N]

Builds a synthetic campaign at the sift (as bench/moderation.py does: every assessor's submitted score and an
agreed score for every item, a share of them discrepant with a rationale) in a throwaway database (a temporary
SQLite file, or a temporary schema in DATABASE_URL's PostgreSQL database).

Comparing (the default): builds the sift report's HTML once, then, `--runs` times, each in a fresh process forked
from this one so that neither inherits the other's heap:

  naive:     the whole HTML as one WeasyPrint document (recruit.services.reports.pdf.rendering.render_pdf);
  Recruit's: page ranges laid out in parallel processes and joined
             (recruit.services.reports.pdf.rendering.render_pdf_parallel),
             as the background job renders it.

Each run's ratio of the two times is printed, and the worst counts. Targets: Recruit's way in at most 0.45 of the
naive time in every run (on a machine doing nothing else: other work on the cores slows the parallel render more
than the single one), within 400 MB.

--job: a queued sift report rendered by the background job (services/reports/jobs.py, what the RQ worker runs:
the HTML built from the database, laid out, stored), in a forked process. Target: within 500 MB.

Peak memory is the largest sum, over the rendering process and every process it started, of their proportional
set size (PSS: a page shared by forked processes counts once in all), sampled every 100 ms. The exit status is 1
when a target is missed.
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import random
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import seeded_app, throwaway_database
from moderation import add_applications, insert_many, make_campaign
from pypdf import PdfReader

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import AgreedScore, RenderedReport, Score
from recruit.services.assessment.moderation_rules import is_discrepant, proposal
from recruit.services.campaigns import status as campaign_status
from recruit.services.reports import jobs
from recruit.services.reports import versions as reports
from recruit.services.reports.pdf.rendering import render_pdf, render_pdf_parallel

TARGET_RATIO = 0.45
TARGET_MB = 400
TARGET_JOB_MB = 500
# How often the memory of the render's processes is sampled. Each sample reads their proportional set sizes, some
# milliseconds of CPU taken from the cores the render uses: more often would slow the parallel render (which needs
# both cores) more than the single one, and a range's memory builds up over about a second.
SAMPLE_EVERY = 0.1


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    """A process's children, from each of its threads' children files in /proc."""
    found: list[int] = []
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for thread in threads:
        try:
            with open(f"/proc/{pid}/task/{thread}/children") as children:
                found += [int(child) for child in children.read().split()]
        except OSError:
            continue
    return found


def _tree(root: int) -> list[int]:
    """The process and all its descendants. Read from each process's own children rather than from every process
    on the machine: the sampler shares the cores with the render it measures, and must cost it little."""
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += _children(pid)
    return found


def measure(render) -> tuple[float, float, float, tuple[int, str, str, int]]:
    """Run `render()` in a forked process; (seconds, CPU seconds of it and its workers, peak MB of the process
    tree, the PDF described: describe, and its size in bytes). The PDF is described in that process too: this one
    forks every render, and what it held (a PDF, its parsed pages) would be inherited by the next render and counted
    in its memory."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def child():
        import resource

        started = time.perf_counter()
        data = render()
        seconds = time.perf_counter() - started
        used = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
        send.send((seconds, sum(u.ru_utime + u.ru_stime for u in used), (*describe(data), len(data))))

    process = context.Process(target=child)
    process.start()
    peak, done = 0, threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, sum(_pss_kb(pid) for pid in _tree(process.pid)))
            done.wait(SAMPLE_EVERY)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    seconds, cpu, data = receive.recv()
    process.join()
    done.set()
    sampler.join()
    if process.exitcode != 0:
        raise SystemExit(f"The render failed (exit code {process.exitcode})")
    return seconds, cpu, peak / 1024, data


def describe(data: bytes) -> tuple[int, str, str]:
    reader = PdfReader(io.BytesIO(data))
    first, last = reader.pages[0].extract_text(), reader.pages[-1].extract_text()
    return len(reader.pages), first, last


DISCREPANT_SHARE = 0.1


def fill(campaign, panel, count: int, rng: random.Random) -> int:
    """N submitted applications, every assessor's submitted score and every agreed score. A calibrated panel:
    about one item in ten is discrepant (and so in the moderation log, with its rationale). Returns how many."""
    now, sift_criteria = utcnow(), campaign.criteria_at("sift")
    application_ids = add_applications(campaign, count)
    scores, agreed, discrepant_items = [], [], 0
    for application_id in application_ids:
        for criterion in sift_criteria:
            if rng.random() < DISCREPANT_SHARE:
                base = rng.randint(2, 5)
                values = [base - 1, base + 1, base][: len(panel)] + [base] * (len(panel) - 3)
            else:
                # Agreement within a point, on one side of the pass mark.
                low = rng.random() < 0.3
                base = rng.randint(1, criterion.pass_mark - 2) if low else rng.randint(criterion.pass_mark, 6)
                values = [base + rng.choice((0, 0, 1)) for _ in panel]
            discrepant = is_discrepant(values, campaign.discrepancy_threshold, criterion.pass_mark)
            discrepant_items += discrepant
            scores += [
                {
                    "application_id": application_id,
                    "criterion_id": criterion.id,
                    "assessor_id": person.id,
                    "stage": "sift",
                    "value": value,
                    "rationale": "Meets most of the indicators.",
                    "status": "submitted",
                    "ticked": [],
                    "submitted_at": now,
                    "version": 1,
                }
                for person, value in zip(panel, values)
            ]
            agreed.append(
                {
                    "application_id": application_id,
                    "criterion_id": criterion.id,
                    "stage": "sift",
                    "value": proposal(values),
                    "proposal": proposal(values),
                    "discrepant": discrepant,
                    "rationale": "The panel agreed this after discussing the evidence against the indicators."
                    if discrepant
                    else "",
                    "status": "agreed",
                    "agreed_by_id": panel[0].id,
                    "agreed_at": now,
                    "version": 1,
                }
            )
    insert_many(Score, scores)
    insert_many(AgreedScore, agreed)
    db.session.commit()
    return discrepant_items


def sift_campaign(app, admin, count: int, criteria_count: int, assessors: int):
    """A campaign at the sift with `count` applications, every item scored and agreed."""
    campaign, panel = make_campaign(admin, criteria_count, assessors)
    print(f"Inserting {count} applications × {criteria_count} criteria × {assessors} assessors…", flush=True)
    discrepant = fill(campaign, panel, count, random.Random(2026))
    print(f"Discrepant items (in the moderation log): {discrepant}", flush=True)
    campaign.closes_at = utcnow()
    db.session.commit()
    campaign_status.move(admin, campaign, "closed")
    campaign_status.move(admin, campaign, "sift")
    return campaign


def compare(url: str, options: dict, count: int, criteria_count: int, assessors: int, workers: int, runs: int) -> bool:
    """The naive render and Recruit's, `runs` times each, alternately; the worst ratio counts."""
    with seeded_app(url, options) as (app, admin):
        campaign = sift_campaign(app, admin, count, criteria_count, assessors)
        with app.test_request_context():
            started = time.perf_counter()
            spec = reports.spec_for(campaign, reports.KINDS["sift"])
            html, _ = reports.html_of(spec)
            build = time.perf_counter() - started
        db.session.remove()
        db.engine.dispose()  # the forked renderers hold no database connection

    print(f"Report HTML: {len(html) / 1e6:.1f} MB, built in {build:.2f} s", flush=True)
    render_pdf(
        "<!doctype html><html lang='en-GB'><title>warm</title><main><p>warm</p></main></html>", title="warm"
    )  # fonts and WeasyPrint's own start-up, for both alike
    ratios, peaks, numbered = [], [], True
    for run_number in range(1, runs + 1):
        load = os.getloadavg()[0]
        naive_s, naive_cpu, naive_mb, (naive_pages, _, _, _) = measure(lambda: render_pdf(html, title=spec.title))
        ours_s, ours_cpu, ours_mb, (pages, first, last, _) = measure(
            lambda: render_pdf_parallel(html, title=spec.title, workers=workers)
        )
        numbered = numbered and f"Page 1 of {pages}" in first and f"Page {pages} of {pages}" in last
        ratios.append(ours_s / naive_s)
        peaks.append(ours_mb)
        print(
            f"Run {run_number}:      naive {naive_s:6.2f} s (CPU {naive_cpu:5.2f} s, peak {naive_mb:5.0f} MB, "
            f"{naive_pages} pages); Recruit's {ours_s:6.2f} s (CPU {ours_cpu:5.2f} s in all, peak {ours_mb:4.0f} MB, "
            f"{pages} pages{'' if numbered else ', PAGE NUMBERS WRONG'}); ratio {ratios[-1]:.3f}; "
            f"load average before {load:.2f}",
            flush=True,
        )
    worst = max(ratios)
    print(
        f"Ratio:      worst {worst:.3f} of the naive time over {runs} run{'s' if runs > 1 else ''} "
        f"(target at most {TARGET_RATIO}); {workers} worker processes; cores: {os.cpu_count()}"
    )
    met = worst <= TARGET_RATIO and max(peaks) <= TARGET_MB and numbered
    print(
        f"Targets:    time {'met' if worst <= TARGET_RATIO else 'MISSED'}, "
        f"memory {'met' if max(peaks) <= TARGET_MB else 'MISSED'} (peak {max(peaks):.0f} MB, at most {TARGET_MB} MB), "
        f"page numbers {'right' if numbered else 'WRONG'}"
    )
    return met


def job(url: str, options: dict, count: int, criteria_count: int, assessors: int, workers: int) -> bool:
    """The sift report rendered by the background job (jobs.run_job, as the RQ worker runs it), measured."""
    with seeded_app(url, options) as (app, admin):
        campaign = sift_campaign(app, admin, count, criteria_count, assessors)
        report = RenderedReport(
            campaign_id=campaign.id,
            kind="sift",
            fingerprint="",
            status="queued",
            requested_by_id=admin.id,
            requested_at=utcnow(),
        )
        db.session.add(report)
        db.session.commit()
        report_id = report.id
        app.config["REPORT_WORKERS"] = workers
        db.session.remove()
        db.engine.dispose()  # the job opens its own connection, as in the worker

        def render() -> bytes:
            with app.app_context():
                jobs.run_job(report_id)
                finished = db.session.get(RenderedReport, report_id)
                assert finished is not None
                if finished.status != "ready":
                    raise SystemExit(f"The job did not finish the report: {finished.status} {finished.error}")
                data = finished.pdf or b""
                db.session.remove()
                db.engine.dispose()
                return data

        seconds, cpu, peak_mb, (pages, first, last, size) = measure(render)
    numbered = f"Page 1 of {pages}" in first and f"Page {pages} of {pages}" in last
    print(
        f"Job:        {count} applications, {pages} pages "
        f"({'numbered 1 to ' + str(pages) if numbered else 'PAGE NUMBERS WRONG'}), {size / 1e6:.1f} MB of PDF"
    )
    print(
        f"            {seconds:.2f} s (CPU {cpu:.2f} s in all), peak {peak_mb:.0f} MB "
        f"(the job's process and its workers; {workers} worker processes)"
    )
    met = peak_mb <= TARGET_JOB_MB and numbered
    print(f"Targets:    memory {'met' if peak_mb <= TARGET_JOB_MB else 'MISSED'} (at most {TARGET_JOB_MB} MB)")
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, help="default 1000, or 5000 with --job")
    parser.add_argument("--criteria", type=int, default=6)
    parser.add_argument("--assessors", type=int, default=3)
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="processes laying out page ranges at once (default: the number of cores)",
    )
    parser.add_argument("--runs", type=int, default=1, help="naive and Recruit's renders, alternately (default 1)")
    parser.add_argument(
        "--job",
        action="store_true",
        help="render the report with the background job instead, and measure its time and peak memory",
    )
    args = parser.parse_args()
    args.applications = args.applications or (5000 if args.job else 1000)
    if args.runs < 1:
        parser.error("--runs at least 1")
    if args.applications < 1 or not 1 <= args.criteria <= 6 or args.assessors < 2 or args.workers < 1:
        parser.error("--applications and --workers at least 1, --criteria 1 to 6, --assessors at least 2")
    with throwaway_database(parser) as (url, options):
        if args.job:
            met = job(url, options, args.applications, args.criteria, args.assessors, args.workers)
        else:
            met = compare(url, options, args.applications, args.criteria, args.assessors, args.workers, args.runs)
        return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
