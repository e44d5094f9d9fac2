"""Time a stage's assessment quality figures for a large sift: Krippendorff's alpha (ordinal and interval, for
every item together and per criterion) with its 95% bootstrap interval, and every assessor's leniency.

    .venv/bin/python bench/quality.py [--applications 5000] [--criteria 6] [--assessors 3] [--repeat 5] [--database]

Generates with numpy, seeded, the counted scores of N applications × C criteria × A assessors on a 1 to 7 scale
(each item's scores mostly within a point of each other, the last assessor half a point high on average, about
one score in fifty missing), then times recruit.services.assessment.quality.analyse on them: the figures the
quality page shows, from scores already read (--database below times the read as well).
That is 2 × (1 + C) alphas, each with 1,000 bootstrap draws, and the leniency of every assessor. Each run
starts from a collected heap with the garbage collector on; every run is printed and the slowest is judged
against the target (from the issue): under 1 second for 5,000 × 6 × 3, bootstrap included.

With --database it times what the quality page will run instead: a throwaway database (SQLite, or a temporary
schema in the PostgreSQL database DATABASE_URL names) is migrated and seeded and given bench/moderation.py's
campaign at the sift with every assessor's submitted score and every agreed score, bulk-inserted; each run then
starts from a fresh session, as a request would, and times recruit.services.assessment.quality.stage_quality:
loading the campaign, the one query reading the counted scores, and the figures.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from harness import seeded_app, throwaway_database
from moderation import fill, make_campaign
from sqlalchemy import text

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import Criterion, User
from recruit.services.assessment.quality import ScoreTable, StageQuality, analyse, forget_tables, stage_quality
from recruit.services.assessment.reliability import DRAWS, forget_figures
from recruit.services.campaigns import status as campaign_status
from recruit.services.campaigns.kept_setup import load_campaign

TARGET_SECONDS = 1.0
SCALE = list(range(1, 8))


def generate(applications: int, criteria: int, assessors: int, seed: int = 2026) -> ScoreTable:
    rng = np.random.default_rng(seed)
    application_ids = np.repeat(np.arange(1, applications + 1), criteria * assessors)
    criterion_ids = np.tile(np.repeat(np.arange(1, criteria + 1), assessors), applications)
    assessor_ids = np.tile(np.arange(1, assessors + 1), applications * criteria)
    base = np.repeat(rng.integers(2, 7, applications * criteria), assessors)
    noise = rng.choice([-1, 0, 0, 1], size=base.size)
    lenient = (assessor_ids == assessors) * rng.choice([0, 1], size=base.size)
    values = np.clip(base + noise + lenient, 1, 7)
    kept = rng.random(base.size) >= 0.02
    return ScoreTable(application_ids[kept], criterion_ids[kept], assessor_ids[kept], values[kept].astype(np.int64))


def timed(compute: Callable[[], StageQuality]) -> tuple[float, float, StageQuality]:
    forget_figures()  # each run works the figures out, rather than finding those of the run before
    forget_tables()  # and reads the scores
    gc.collect()
    started, cpu = time.perf_counter(), time.process_time()
    quality = compute()
    return time.perf_counter() - started, time.process_time() - cpu, quality


def in_memory(args: argparse.Namespace) -> list[tuple[float, float, StageQuality]]:
    table = generate(args.applications, args.criteria, args.assessors)
    # Unsaved models: analyse reads only their ids (and hands them back for the page to show).
    criteria = [Criterion(id=i, code=f"C{i}") for i in range(1, args.criteria + 1)]
    panel = [User(id=i, name=f"Assessor {i}") for i in range(1, args.assessors + 1)]

    def compute() -> StageQuality:
        table.figures.clear()  # the figures kept with the table by the run before
        return analyse(table, "sift", criteria, panel, SCALE)

    compute()  # warm: numpy's first calls load their code
    return [timed(compute) for _ in range(args.repeat)]


def from_database(args: argparse.Namespace, url: str, options: dict) -> list[tuple[float, float, StageQuality]]:
    with seeded_app(url, options) as (_, admin):
        campaign, panel = make_campaign(admin, args.criteria, args.assessors)
        print(f"Inserting {args.applications} applications and their scores…", flush=True)
        fill(campaign, panel, args.applications, random.Random(2026))
        campaign.closes_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        campaign_status.move(admin, campaign, "closed")
        campaign_status.move(admin, campaign, "sift")
        campaign_id = campaign.id
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("ANALYZE"))

        def compute() -> StageQuality:
            db.session.remove()
            loaded = load_campaign(campaign_id)
            assert loaded is not None
            return stage_quality(loaded, "sift")

        compute()
        runs = [timed(compute) for _ in range(args.repeat)]
        # Read what is printed while the session is open.
        for entry in runs[-1][2].criteria:
            assert entry.criterion is not None
            _ = entry.criterion.code
        _ = [person.assessor.name for person in runs[-1][2].assessors]
        db.engine.dispose()
    return runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=5000, help="applications at the sift (default 5000)")
    parser.add_argument("--criteria", type=int, default=6, help="criteria, at most 6 with --database (default 6)")
    parser.add_argument("--assessors", type=int, default=3, help="panel size (default 3)")
    parser.add_argument("--repeat", type=int, default=5, help="time this many runs (default 5)")
    parser.add_argument(
        "--database", action="store_true", help="read the scores from a throwaway database, as the page will"
    )
    args = parser.parse_args()
    if args.applications < 1 or args.criteria < 1 or args.assessors < 2 or args.repeat < 1:
        parser.error("--applications, --criteria and --repeat must be at least 1, --assessors at least 2")
    if args.database and args.criteria > 6:
        parser.error("--criteria must be at most 6 with --database")

    if args.database:
        with throwaway_database(parser) as (url, options):
            runs = from_database(args, url, options)
    else:
        runs = in_memory(args)
    quality = runs[-1][2]
    slowest_seconds, slowest_cpu, _ = max(runs, key=lambda run: run[0])
    fastest = min(seconds for seconds, _, _ in runs)
    overall = quality.overall
    size = (args.applications, args.criteria, args.assessors)

    print(f"Scores from:      {'the database (stage_quality)' if args.database else 'numpy (analyse)'}")
    print(f"Applications:     {args.applications}")
    print(f"Criteria:         {args.criteria}")
    print(f"Assessors:        {args.assessors} ({quality.scores} counted scores)")
    print(
        f"Alphas:           {2 * (1 + args.criteria)} (ordinal and interval, overall and per criterion), "
        f"each with {DRAWS} bootstrap draws"
    )
    print(f"Overall units:    {overall.ordinal.units} items, {overall.ordinal.pairable} pairable values")
    for name, result in (("ordinal", overall.ordinal), ("interval", overall.interval)):
        print(f"Overall {name + ':':<9} alpha {result.alpha_text} (95% interval {result.interval_text})")
    for entry in quality.criteria:
        assert entry.criterion is not None
        print(
            f"  {entry.criterion.code}: ordinal {entry.ordinal.alpha_text} ({entry.ordinal.interval_text}), "
            f"interval {entry.interval.alpha_text} ({entry.interval.interval_text}), {entry.ordinal.units} items"
        )
    for person in quality.assessors:
        flag = "  [flagged]" if person.leniency.flagged else ""
        print(f"  {person.assessor.name} {person.leniency.sentence}{flag}")
    print(f"Runs:             {', '.join(f'{seconds:.3f} s' for seconds, _, _ in runs)}")
    print(
        f"Fastest, slowest: {fastest:.3f} s, {slowest_seconds:.3f} s "
        f"(the slowest on this process's CPU: {slowest_cpu:.3f} s)"
    )
    met = slowest_seconds < TARGET_SECONDS
    print(
        f"Target:           under {TARGET_SECONDS:.0f} s for 5,000 × 6 × 3, every run: {'met' if met else 'MISSED'}"
        f"{'' if size == (5000, 6, 3) else ' (ran a different size)'}"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
