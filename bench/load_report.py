"""The load benchmark's report: each run's figures per page against the floor and the targets, the runs side by
side, and the SQL statements each panel page runs."""

from __future__ import annotations

import bisect
import os
import re
import statistics
import time
from pathlib import Path

from load_people import BOARD, FLOOR, ITEM, PUBLIC_PAGES, SCORING_PAGE

TARGET_P95_MS = 100.0
TARGET_RATIO = 3.0
TARGET_CPU_MS = 10.0
TARGET_PUBLIC_RATIO = 2.0
# The order pages are reported in.
PAGES = [
    FLOOR,
    PUBLIC_PAGES,
    "work list",
    SCORING_PAGE,
    "scores submitted (POST)",
    BOARD,
    ITEM,
    "item agreed (POST)",
]
# The pages a panel works on, judged against the floor: at most TARGET_RATIO times its p95, and TARGET_P95_MS.
PANEL_PAGES = [SCORING_PAGE, BOARD, ITEM]


# -- the report ------------------------------------------------------------------------------------------------

ROUTES = [  # (method or None for any, path pattern, page)
    (None, re.compile(r"/healthz"), FLOOR),
    (None, re.compile(r"/(frameworks|vacancies)(/.*)?"), PUBLIC_PAGES),
    ("GET", re.compile(r"/assess/\d+/sift"), "work list"),
    ("GET", re.compile(r"/assess/\d+/sift/[^/]+"), SCORING_PAGE),
    ("POST", re.compile(r"/assess/\d+/sift/[^/]+"), "scores submitted (POST)"),
    ("GET", re.compile(r"/moderate/\d+/sift"), BOARD),
    ("GET", re.compile(r"/moderate/\d+/sift/items/[^/]+/[^/]+"), ITEM),
    ("POST", re.compile(r"/moderate/\d+/sift/items/[^/]+/[^/]+"), "item agreed (POST)"),
]


def in_the_workers(access: Path) -> dict[str, list[float]]:
    """Each page's times inside gunicorn's workers (from reading the request to sending the response; the time a
    request waited for a free worker is not in them), in milliseconds, between the window's markers."""
    times: dict[str, list[float]] = {}
    inside = False
    for line in access.read_text().splitlines():
        method, path, _status, micros, query = [*line.split(" ", 4), ""][:5]
        if path == "/healthz" and query.startswith("window="):
            inside = query == "window=start"
            continue
        if not inside:
            continue
        page = next(
            (
                name
                for wanted, pattern, name in ROUTES
                if (wanted is None or wanted == method) and pattern.fullmatch(path)
            ),
            None,
        )
        if page is not None:
            times.setdefault(page, []).append(int(micros) / 1000)
    return times


def percentiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) == 1:
        return values[0], values[0], values[0]
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def report(results: dict, plan: dict, args, seeded: str, workers_times: dict[str, list[float]]) -> tuple[bool, dict]:
    by_page: dict[str, list[float]] = {}
    for page, seconds, _ in results["samples"]:
        by_page.setdefault(page, []).append(seconds * 1000)
    errors: dict[str, list[str]] = {}
    for page, problem in results["errors"]:
        errors.setdefault(page, []).append(problem)
    floor = percentiles(by_page[FLOOR])[1] if by_page.get(FLOOR) else None
    kinds = [spec["kind"] for spec in plan["users"]]
    total = sum(len(values) for values in by_page.values())
    print()
    print(
        f"Machine:          {len(os.sched_getaffinity(0))} cores (nproc); load average "
        f"{' '.join(f'{v:.2f}' for v in results['load_before'])} at the start of the timed window, "
        f"{' '.join(f'{v:.2f}' for v in results['load_after'])} at its end"
    )
    print(f"Data:             {seeded}")
    print(
        f"App:              gunicorn, {args.workers} sync workers, RECRUIT_ENV=production, PostgreSQL, "
        f"rate-limit counters in Redis ({args.redis_url})"
    )
    print(
        f"Users:            {len(kinds)} at once ({kinds.count('assessor')} assessors, {kinds.count('chair')} "
        f"chairs, {kinds.count('visitor')} visitors), think time {args.think[0]:g}–{args.think[1]:g} s; "
        f"signed in beforehand in {results['sign_in_seconds']:.1f} s; {args.warmup:g} s warm-up"
    )
    print(
        f"Timed window:     {results['duration']:g} s, {total} requests ({total / results['duration']:.1f} per "
        f"second), {len(results['errors'])} errors"
    )
    capacity = results["duration"] * len(os.sched_getaffinity(0))
    workers, database = results["app_cpu_seconds"]["workers"], results["app_cpu_seconds"]["database"]
    app, client, machine = workers + database, results["client_cpu_seconds"], results["machine_cpu_seconds"]
    print(
        f"CPU in the window: the machine was {100 * machine / capacity:.0f}% busy: the app "
        f"{100 * app / capacity:.0f}% ({1000 * app / max(total, 1):.1f} ms of CPU a request: "
        f"{1000 * workers / max(total, 1):.1f} in gunicorn's workers, {1000 * database / max(total, 1):.1f} in "
        f"PostgreSQL), the simulated people {100 * client / capacity:.0f}%, other work on the machine "
        f"{100 * max(machine - app - client, 0) / capacity:.0f}%"
    )
    print()
    print(
        "Times are from the simulated people's side; the last two columns are the same requests' times inside "
        "gunicorn's workers,\nwithout the wait for a free worker.\n"
    )
    print(
        f"{'page':<24}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'p95 / floor':>13}"
        f"{'in worker p50':>15}{'p95':>8}"
    )
    for page in PAGES + sorted(set(by_page) - set(PAGES)):
        values = by_page.get(page)
        if not values:
            print(f"{page:<24}{0:>9}{len(errors.get(page, [])):>8}")
            continue
        p50, p95, p99 = percentiles(values)
        ratio = f"{p95 / floor:.1f}×" if floor else "–"
        inside = workers_times.get(page)
        worker = f"{percentiles(inside)[0]:>15.1f}{percentiles(inside)[1]:>8.1f}" if inside else ""
        print(
            f"{page:<24}{len(values):>9}{len(errors.get(page, [])):>8}{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}"
            f"{ratio:>13}{worker}"
        )
    if results["errors"]:
        print("\nErrors (first of each kind):")
        seen = set()
        for page, problem in results["errors"]:
            key = (page, problem.split(" answered")[-1][:80])
            if key not in seen:
                seen.add(key)
                print(f"  {page}: {problem}")
    ends = [end for end, _ in results["other_share"]]
    shares = [share for _, share in results["other_share"]]
    if shares:
        busy = sum(1 for share in shares if share > 0.5)
        print(
            f"\nOther work, second by second: median {100 * statistics.median(shares):.0f}% of the machine, "
            f"more than half of it in {busy} of {len(shares)} seconds."
        )
        # Requests that started in a second when other work, then and in the second before, took at most a quarter
        # of the machine: what the app does when it has the machine more or less to itself.
        quiet = {
            index for index, share in enumerate(shares) if share <= 0.25 and (index == 0 or shares[index - 1] <= 0.25)
        }
        for page in (SCORING_PAGE, FLOOR):
            values = [
                seconds * 1000
                for name, seconds, at in results["samples"]
                if name == page and bisect.bisect_left(ends, at) in quiet
            ]
            if len(values) >= 2:
                p50, p95, _ = percentiles(values)
                print(
                    f"{page} in the {len(quiet)} quieter seconds (other work at most 25%): {len(values)} requests, "
                    f"p50 {p50:.1f} ms, p95 {p95:.1f} ms"
                )
    print()
    cpu_ms = 1000 * app / max(total, 1)
    summary = {
        "users": len(kinds),
        "requests_per_second": total / results["duration"],
        "errors": len(results["errors"]),
        "cpu_ms": cpu_ms,
        "floor_p95": floor,
        "p95": {page: percentiles(values)[1] for page, values in by_page.items() if values},
    }
    if not floor:
        print("Targets:          NOT JUDGED: no floor requests in the timed window")
        return False, summary
    checks = [(f"CPU per request {cpu_ms:.1f} ms ≤ {TARGET_CPU_MS:.0f} ms", cpu_ms <= TARGET_CPU_MS)]
    for page in PANEL_PAGES:
        if not by_page.get(page):
            checks.append((f"{page}: no requests in the timed window", False))
            continue
        p95 = percentiles(by_page[page])[1]
        checks.append(
            (
                f"{page} p95 {p95:.1f} ms ≤ {TARGET_P95_MS:.0f} ms and {p95 / floor:.1f}× the floor's "
                f"({floor:.1f} ms) ≤ {TARGET_RATIO:.0f}×",
                p95 <= TARGET_P95_MS and p95 <= TARGET_RATIO * floor,
            )
        )
    public = by_page.get(PUBLIC_PAGES)
    if public:
        p95 = percentiles(public)[1]
        checks.append(
            (
                f"{PUBLIC_PAGES} p95 {p95:.1f} ms {p95 / floor:.1f}× the floor's ≤ {TARGET_PUBLIC_RATIO:.0f}×",
                p95 <= TARGET_PUBLIC_RATIO * floor,
            )
        )
    checks.append((f"{len(results['errors'])} errors = 0", not results["errors"]))
    met = True
    for text, ok in checks:
        print(f"Target:           {text}: {'met' if ok else 'MISSED'}")
        met = met and ok
    return met, summary


def compare(runs: list[dict], before: list[dict] | None) -> None:
    """The runs side by side (with --compare, each beside the same number of people in an earlier run's figures)."""
    earlier = {run["users"]: run for run in before or []}
    print("\nSummary" + (" (before → after)" if before else "") + ":\n")
    rows = [("requests a second", "requests_per_second", ""), ("CPU per request", "cpu_ms", " ms")]
    rows += [(f"{page} p95", page, " ms") for page in PAGES]
    print(f"{'':<30}" + "".join(f"{str(run['users']) + ' people':>26}" for run in runs))

    def cell(run: dict | None, key: str) -> float | None:
        if run is None:
            return None
        return run["p95"].get(key) if key in PAGES else run.get(key)

    for label, key, unit in rows:
        line = f"{label:<30}"
        for run in runs:
            now, then = cell(run, key), cell(earlier.get(run["users"]), key)
            text = "–" if now is None else f"{now:.1f}{unit}"
            if key in PAGES and now is not None and run["floor_p95"]:
                text += f" ({now / run['floor_p95']:.1f}×)"
            if then is not None:
                text = f"{then:.1f} → " + text
            line += f"{text:>26}"
        print(line)


def panel_query_counts(url: str, plan: dict) -> dict[str, int]:
    """How many SQL statements each panel page runs, counted in this process through Flask's test client for the
    first simulated assessor and chair (signed in by setting up their session as signing in does)."""
    from sqlalchemy import event

    from recruit import create_app
    from recruit.config import Config
    from recruit.extensions import db
    from recruit.models import User

    app = create_app(Config, SQLALCHEMY_DATABASE_URI=url, MAIL_SERVER=None)
    counts: dict[str, int] = {}
    assessor = next((u for u in plan["users"] if u["kind"] == "assessor" and u["work"]), None)
    chair = next((u for u in plan["users"] if u["kind"] == "chair"), None)
    pages = []
    if assessor:
        base = f"/assess/{assessor['campaign_id']}/sift"
        pages += [
            (assessor, "work list", base),
            (assessor, SCORING_PAGE, f"{base}/{assessor['work'][-1]['reference']}"),
        ]
    if chair:
        base = f"/moderate/{chair['campaign_id']}/sift"
        pages.append((chair, BOARD, base))
        if chair["work"]:
            item = chair["work"][-1]
            pages.append((chair, ITEM, f"{base}/items/{item['reference']}/{item['code']}"))
    with app.app_context():
        ids = {
            person["email"]: db.session.scalar(db.select(User).where(User.email == person["email"])).get_id()
            for person, _, _ in pages
        }
        engine = db.engine
        db.session.remove()
    # Each request outside that context pushes its own, as in a worker: the signed-in user is not carried over.
    for person, page, path in pages:
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = ids[person["email"]]
            session["_fresh"] = True
            session["signed_in_at"] = session["seen_at"] = time.time()
        headers = {"X-Forwarded-Proto": "https"}
        warm = client.get(path, headers=headers)  # templates compiled, as in a worker that has served a few
        if warm.status_code != 200:
            counts[page] = -warm.status_code
            continue
        statements: list[str] = []

        def record(conn, cursor, statement, *args, statements=statements):
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            status = client.get(path, headers=headers).status_code
        finally:
            event.remove(engine, "before_cursor_execute", record)
        counts[page] = len(statements) if status == 200 else -status
    engine.dispose()
    return counts
