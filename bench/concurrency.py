"""Concurrent writers against one database, as gunicorn workers would be: do scores get lost, does SQLite
answer "database is locked", and do two chairs agreeing the same item at once give one agreed score?

    .venv/bin/python bench/concurrency.py [--writers 10] [--scores 100] [--races 10]
                                          [--postgres URL | --sqlite-only]

Runs on a temporary SQLite file (WAL, busy timeout and BEGIN IMMEDIATE, as recruit/database.py sets them up),
then on a throwaway PostgreSQL database created on the server named by --postgres (default: DATABASE_URL) and
dropped at the end. The writers, the chairs and the checks are tests/concurrency_support.py's (which says what
each does and checks); the test suite runs them at a smaller size in tests/test_concurrency.py.

Exits with status 1 when any error, lost score or wrong race outcome was seen.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.concurrency_support import (
    LOCKED,
    check_scores,
    postgres_database,
    prepare,
    race_chairs,
    ready_items,
    run_writers,
    sqlite_database,
)

# ---------------------------------------------------------------------------------------------- the run


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def run(label: str, url: str, writers: int, scores: int, races: int) -> bool:
    print(f"\n{label}: migrating, seeding and building a campaign with a panel of {writers}…", flush=True)
    plan = prepare(url, writers, scores)
    figures = run_writers(plan, writers, scores)
    scores_check = check_scores(plan, figures)
    ready = ready_items(figures)
    race_check = race_chairs(plan, ready[:races]) if races else None

    rate = figures.submitted / figures.elapsed if figures.elapsed else 0.0
    print(f"Database:          {label}")
    print(f"CPUs:              {os.cpu_count()}")
    print(f"Writers:           {writers} processes, each with its own app and connection")
    print(
        f"Scores:            {writers * scores} ({scores} per writer; each saved as a draft, then submitted: "
        f"{figures.saves} saves committed)"
    )
    print(f"Elapsed:           {figures.elapsed:.2f} s")
    print(
        f"Scores/s:          {rate:.1f} submitted ({figures.saves / figures.elapsed if figures.elapsed else 0:.1f}"
        f" saves/s)"
    )
    print(
        f"Writers' CPU:      {sum(r.cpu for r in figures.results):.2f} s in all (the rest of the elapsed time "
        f"is waiting: for the database, its locks, and the machine's other processes)"
    )
    print(
        f"Save latency:      median {statistics.median(figures.latencies or [0]) * 1000:.0f} ms, "
        f"95th percentile {percentile(figures.latencies, 0.95) * 1000:.0f} ms, "
        f"longest {max(figures.latencies or [0]) * 1000:.0f} ms"
    )
    print(f'Errors:            {figures.errors} ({figures.locked} "{LOCKED}", {len(figures.other)} other)')
    for message, n in Counter(figures.other).most_common(5):
        print(f"                   {n} × {message}")
    print(f"Lost:              {scores_check.lost} of {scores_check.acknowledged} acknowledged scores")
    print(
        f"Counts:            {scores_check.rows} scores, {scores_check.versions} versions, "
        f"{scores_check.audit_entries} audit entries (expected {scores_check.expected}, "
        f"{2 * scores_check.expected}, {2 * scores_check.expected}): "
        f"{'match' if scores_check.counts_match else 'DO NOT MATCH'}"
    )
    ok = figures.errors == 0 and scores_check.lost == 0 and scores_check.counts_match
    if race_check is not None:
        print(
            f"Chair races:       {race_check.good} of {race_check.races} gave one agreed score and the other chair "
            f"the message (half on new items, half on reopened ones)"
            + (f"; only {len(ready)} items were ready to agree" if len(ready) < races else "")
        )
        print(
            f"Paused races:      both requests past their checks at once in {race_check.met} of "
            f"{race_check.paused}" + (" (SQLite lets one writer in at a time)" if plan.dialect == "sqlite" else "")
        )
        for problem in race_check.problems[:10]:
            print(f"                   {problem}")
        ok = ok and race_check.good == race_check.races == 2 * races and not race_check.problems
    print(f"Result:            {'no errors, nothing lost' if ok else 'FAILED'}", flush=True)
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", type=int, default=10, help="writer processes (default 10)")
    parser.add_argument("--scores", type=int, default=100, help="scores each writer submits (default 100)")
    parser.add_argument(
        "--races",
        type=int,
        default=10,
        help="items the two chairs race on, each raced twice (default 10; at most --scores)",
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("DATABASE_URL"),
        help="a PostgreSQL URL on the server to use (default: DATABASE_URL); "
        "a throwaway database is created next to it and dropped",
    )
    parser.add_argument("--sqlite-only", action="store_true", help="run on SQLite only")
    args = parser.parse_args()
    if args.writers < 2 or args.scores < 1 or not 0 <= args.races <= args.scores:
        parser.error("--writers must be at least 2, --scores at least 1, --races from 0 to --scores")
    if not args.sqlite_only and not (args.postgres or "").startswith("postgresql"):
        parser.error("give a PostgreSQL server with --postgres URL (or DATABASE_URL), or use --sqlite-only")

    ok = True
    with sqlite_database() as url:
        ok &= run("SQLite (WAL)", url, args.writers, args.scores, args.races)
    if not args.sqlite_only:
        with postgres_database(args.postgres) as url:
            ok &= run("PostgreSQL", url, args.writers, args.scores, args.races)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
