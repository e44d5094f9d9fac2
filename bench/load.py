"""Load benchmark: the app under gunicorn, with concurrent simulated assessors, chairs and visitors.

    .venv/bin/python bench/load.py [--campaigns 50] [--applications-per-campaign 2000] [--users 30 60] [--duration 60]

Creates a throwaway PostgreSQL database on the server named by --server (or DATABASE_URL, or the local one),
migrates and seeds it, and fills it with campaigns part-way through the sift (bench/load_seed.py). Runs the app
under gunicorn with production settings (two-factor sign-in for staff, secure cookies, rate-limit counters in Redis,
the rendered public pages shared between the workers through Redis, none kept when a run starts), as behind a TLS-
terminating proxy on the same host: requests say X-Forwarded-Proto: https, as the proxy's would. For each number of
people given with --users, a second process then signs every simulated user in and, after a warm-up, drives them for
the timed window: assessors score candidate by candidate on the panel page (every open criterion submitted at once,
then on to the next application, now and then the work list), chairs go through the moderation board agreeing items,
and visitors read the public pages as a browser does (revalidating pages they have seen), alternating with /healthz,
a bare route that runs one query: the floor the other pages are compared with. Each simulated person waits a random
think time between requests. It prints, for each run, the app's CPU time per request, p50/p95/p99 per page, each
page's p95 as a multiple of the floor's, request counts and errors, and judges the targets: CPU per request at most
10 ms; the panel page's and the moderation pages' p95 at most 100 ms and at most 3 × the floor's; the public pages'
p95 at most 2 × the floor's; no errors. Then the SQL statements each panel page runs, and the runs side by side
(with --compare, beside an earlier --save's figures: before and after a change). It exits with status 1 when a
target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from load_people import drive
from load_report import compare, in_the_workers, panel_query_counts, report

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"

# Every signed-in person signs in once (a password and a security code, both POSTs) before the timed window;
# they all come from the one loopback address, so the limit must let that many through.
SIGN_IN_RATE_LIMIT = "300 per minute; 3000 per hour"


# -- the app under gunicorn ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def clear_limits(redis_url: str, page_cache_url: str) -> None:
    """Drop the rate-limit counters in the benchmark's Redis database, so that one run does not limit the next, and
    the public pages the last run kept, so that each run starts with none rendered."""
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match="LIMITS*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()
    if page_cache_url:
        client = redis.Redis.from_url(page_cache_url)
        client.flushdb()
        client.close()


def start_app(
    url: str, redis_url: str, page_cache_url: str, workers: int, log: Path, access: Path
) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("MAIL_")}
    # Production needs the https address it is reached at; the requests come with X-Forwarded-Proto: https.
    env.update(
        RECRUIT_ENV="production",
        SECRET_KEY=secrets.token_hex(32),
        DATABASE_URL=url,
        REDIS_URL=redis_url,
        PAGE_CACHE_REDIS_URL=page_cache_url,
        SIGN_IN_RATE_LIMIT=SIGN_IN_RATE_LIMIT,
        BASE_URL=f"https://127.0.0.1:{port}",
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--forwarded-allow-ips",
            "127.0.0.1",
            "--timeout",
            "60",
            "--error-logfile",
            str(log),
            # Each request's method, path, status, time in the worker (microseconds) and query string.
            "--access-logfile",
            str(access),
            "--access-logformat",
            "%(m)s %(U)s %(s)s %(D)s %(q)s",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped (status {server.returncode}); its log:\n{log.read_text()}")
        try:
            if httpx.get(f"{base_url}/healthz", headers={"X-Forwarded-Proto": "https"}, timeout=2).status_code == 200:
                return server, base_url
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    stop_app(server)
    raise SystemExit(f"gunicorn did not answer /healthz within a minute; its log:\n{log.read_text()}")


def stop_app(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# -- putting it together ---------------------------------------------------------------------------------------


def split_users(users: int) -> tuple[int, int, int]:
    """Three in five are assessors scoring, one in five chairs moderating, one in five visitors."""
    chairs = max(1, round(users / 5))
    visitors = max(1, round(users / 5))
    return users - chairs - visitors, chairs, visitors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--server",
        default=os.environ.get("DATABASE_URL") or DEFAULT_SERVER,
        help="PostgreSQL server to create the throwaway database on; its database part, if any, is "
        "only used to connect (default: DATABASE_URL, else " + DEFAULT_SERVER + ")",
    )
    parser.add_argument(
        "--database", help="drive an already seeded database (one kept with --keep) instead of creating and seeding one"
    )
    parser.add_argument("--keep", action="store_true", help="keep the seeded database afterwards, for --database")
    parser.add_argument("--campaigns", type=int, default=50, help="campaigns at the sift (default 50)")
    parser.add_argument(
        "--applications",
        "--applications-per-campaign",
        type=int,
        default=2000,
        help="applications per campaign (default 2000)",
    )
    parser.add_argument(
        "--panel", type=int, default=3, help="sift panel size, the chair and the assessors (default 3; at least 2)"
    )
    parser.add_argument("--criteria", type=int, default=6, help="sift criteria per campaign, 1 to 6 (default 6)")
    parser.add_argument(
        "--users",
        type=int,
        nargs="+",
        default=[30, 60],
        help="simulated people at once, one timed run for each number given: 3 in 5 assessors, 1 in 5 chairs, "
        "1 in 5 visitors (default 30 60)",
    )
    parser.add_argument("--duration", type=float, default=60, help="seconds in the timed window (default 60)")
    parser.add_argument(
        "--warmup", type=float, default=10, help="seconds of load before the timed window, not counted (default 10)"
    )
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(0.5, 1.5),
        metavar=("MIN", "MAX"),
        help="each person's pause between requests, uniform between MIN and MAX seconds (default 0.5 1.5)",
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/13",
        help="Redis database for the app's rate-limit counters (default redis://127.0.0.1:6379/13)",
    )
    parser.add_argument(
        "--page-cache-url",
        default="redis://127.0.0.1:6379/12",
        help="Redis database (emptied before each run) in which the workers share the rendered public pages, as "
        "PAGE_CACHE_REDIS_URL does in a deployment with several workers; '' for each worker's own "
        "(default redis://127.0.0.1:6379/12)",
    )
    parser.add_argument("--save", type=Path, help="write the runs' figures to this JSON file, for --compare later")
    parser.add_argument(
        "--compare", type=Path, help="a JSON file written by --save: print each run's figures beside that run's"
    )
    parser.add_argument("--drive", nargs=4, metavar=("PLAN", "RESULTS", "BASE_URL", "SETTINGS"), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.drive:  # the second process: the simulated users
        plan_path, results_path, base_url, settings = args.drive
        settings = json.loads(settings)
        plan = json.loads(Path(plan_path).read_text())
        results = asyncio.run(
            drive(
                plan,
                base_url,
                settings["duration"],
                settings["warmup"],
                tuple(settings["think"]),
                settings["master"],
                settings["database"],
            )
        )
        Path(results_path).write_text(json.dumps(results))
        return 0

    if (
        args.campaigns < 1
        or args.applications < 1
        or not 1 <= args.criteria <= 6
        or min(args.users) < 3
        or args.panel < 2
    ):
        parser.error(
            "--campaigns and --applications must be at least 1, --criteria 1 to 6, --users at least 3 and --panel at "
            "least 2"
        )
    if args.duration <= 0 or args.warmup < 0 or not 0 <= args.think[0] <= args.think[1] or args.workers < 1:
        parser.error("--duration must be positive, --warmup and --think not negative (MIN ≤ MAX), --workers ≥ 1")
    if not args.server.startswith("postgresql"):
        parser.error("--server must be a PostgreSQL URL, such as " + DEFAULT_SERVER)
    try:
        before = json.loads(args.compare.read_text()) if args.compare else None
    except (OSError, ValueError) as error:
        parser.error(f"--compare: {error}")

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from contextlib import nullcontext

    from load_seed import migrate, seed_load, throwaway_database
    from load_seed import plan as make_plan

    database = nullcontext(args.database) if args.database else throwaway_database(args.server, keep=args.keep)
    with database as url, tempfile.TemporaryDirectory() as folder:
        if args.database:
            migrate(url)  # a database kept from an older version of Recruit
        else:
            seed_load(url, args.campaigns, args.applications, args.criteria, args.panel)
        runs, met = [], True
        for users in args.users:
            passed, summary = run_once(url, args, users, folder, None if args.database else seeded_text(args))
            runs.append(summary)
            met = met and passed
        plan = make_plan(url, *split_users(max(args.users)))
        counts = panel_query_counts(url, plan)
        print("\nQueries a panel page runs (one request, counted in-process):")
        for page, count in counts.items():
            print(f"  {page:<22}{count:>4}" if count >= 0 else f"  {page:<22} answered {-count}, not 200")
    if args.save:
        args.save.write_text(json.dumps(runs, indent=2))
    compare(runs, before)
    return 0 if met else 1


def seeded_text(args) -> str:
    return f"{args.campaigns} campaigns at the sift × {args.applications} applications, {args.criteria} criteria"


def run_once(url: str, args, users: int, folder: str, seeded: str | None) -> tuple[bool, dict]:
    """One timed run with this many people on a fresh gunicorn, planned from the database as it stands."""
    from load_seed import plan as make_plan

    assessors, chairs, visitors = split_users(users)
    plan = make_plan(url, assessors, chairs, visitors)
    seeded = (
        f"{plan['campaigns']} campaigns at the sift, {plan['applications']} applications, {args.criteria} criteria, "
        f"panels of {args.panel}"
        if seeded
        else f"the existing database {url.rsplit('/', 1)[-1]}"
    )
    run_folder = Path(folder, f"{users}-people")
    run_folder.mkdir()
    plan_path, results_path = run_folder / "plan.json", run_folder / "results.json"
    log, access = run_folder / "app.log", run_folder / "access.log"
    plan_path.write_text(json.dumps(plan))
    clear_limits(args.redis_url, args.page_cache_url)
    server, base_url = start_app(url, args.redis_url, args.page_cache_url, args.workers, log, access)
    try:
        print(
            f"\nApp on {base_url}; driving {users} simulated people for {args.warmup:g} + {args.duration:g} s…",
            flush=True,
        )
        settings = json.dumps(
            {
                "duration": args.duration,
                "warmup": args.warmup,
                "think": args.think,
                "master": server.pid,
                "database": url,
            }
        )
        subprocess.run(
            [sys.executable, __file__, "--drive", str(plan_path), str(results_path), base_url, settings],
            check=True,
            cwd=ROOT,
        )
    finally:
        stop_app(server)
        clear_limits(args.redis_url, args.page_cache_url)
    results = json.loads(results_path.read_text())
    met, summary = report(results, plan, args, seeded, in_the_workers(access))
    if results["errors"] and "Traceback" in log.read_text():
        print("\nThe app's log:\n" + log.read_text()[-4000:])
    return met, summary


if __name__ == "__main__":
    sys.exit(main())
