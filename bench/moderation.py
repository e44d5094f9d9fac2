"""Time the moderation board's and the results' reads for a large sift: every item's state and proposal, then
the results and ranks.

    .venv/bin/python bench/moderation.py [--applications 5000] [--criteria 6] [--assessors 3] [--repeat 3]

Builds the app against a temporary SQLite database, or, when DATABASE_URL names a PostgreSQL database,
against a temporary schema in it (dropped afterwards, so the database's own data is left alone). Migrates
and seeds it, creates a Band D campaign at the sift with N submitted applications, C sift criteria and a
panel of A assessors, bulk-inserts a submitted score from every assessor for every item and an agreed
score for every item, then times, from a fresh session as a request would start:
  (a) the campaign's applications and recruit.services.assessment.board.load_items for all of them, with each item's
      proposal and discrepancy;
  (b) recruit.services.assessment.results.compute: every application's result, and the ranks.
Each is timed --repeat times, each time from a fresh session and a collected heap, with the garbage collector
on (it is a large share of the cost); the fastest run is judged, as with timeit, so that other processes on the
machine count for less. The target (from the issue): both together in under 1 second for 5,000 × 6 × 3.
"""

from __future__ import annotations

import argparse
import gc
import random
import secrets
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import seeded_app, throwaway_database
from sqlalchemy import insert, select, text

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import (
    AgreedScore,
    Application,
    Campaign,
    Framework,
    Grade,
    PersonalDetails,
    Score,
    Statement,
    User,
)
from recruit.services.applications.submission import unique_references
from recruit.services.assessment import (
    board,
    results,
)
from recruit.services.assessment.moderation_rules import is_discrepant, proposal
from recruit.services.campaigns import criteria
from recruit.services.campaigns import setup as campaigns
from recruit.services.campaigns import status as campaign_status
from recruit.services.campaigns.kept_setup import load_campaign
from recruit.services.campaigns.stages import eligible_query

TARGET_SECONDS = 1.0
BATCH = 10_000


def insert_many(model, rows: list[dict], returning=None) -> list:
    """Bulk INSERT in batches; with `returning`, the new ids in the order of the rows."""
    ids = []
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        if returning is None:
            db.session.execute(insert(model), batch)
        else:
            ids += db.session.scalars(insert(model).returning(returning, sort_by_parameter_order=True), batch).all()
    return ids


def make_campaign(admin: User, criteria_count: int, assessors: int) -> tuple[Campaign, list[User]]:
    grade = db.session.scalar(
        select(Grade).join(Framework).where(Framework.slug == "civil-service-2012", Grade.slug == "band-d")
    )
    campaign = campaigns.create_campaign(
        admin,
        campaigns.Details(
            "Benchmark caseworker",
            "Child Maintenance Group",
            "Glasgow",
            20,
            "Benchmark campaign for moderation.",
            # The advert's terms, which a campaign needs before it opens.
            salary_min=26_000,
            salary_max=28_500,
            contract_type="permanent",
            working_patterns=["full_time"],
            security_clearance="bpss",
            contact_name="Bench Contact",
            contact_email="bench-recruitment@example.org",
        ),
        grade=grade,
    )
    for extra in campaign.criteria_at("sift")[criteria_count:]:
        criteria.remove_criterion(admin, extra)
    campaigns.set_closing(admin, campaign, utcnow() + timedelta(days=14))
    run = secrets.token_hex(3)
    panel = [
        User(email=f"assessor{i}.{run}@example.org", name=f"Assessor {i}", role="assessor")
        for i in range(1, assessors + 1)
    ]
    db.session.add_all(panel)
    db.session.commit()
    campaigns.set_panel(admin, campaign, "sift", panel[0], panel[1:])
    campaign_status.move(admin, campaign, "open")
    return campaign, panel


def add_applications(campaign: Campaign, count: int) -> list[int]:
    """N submitted applications with personal details and evidence, inserted in bulk; their ids."""
    now, run = utcnow(), secrets.token_hex(3)
    sift_criteria = campaign.criteria_at("sift")
    user_ids = insert_many(
        User,
        [
            {"email": f"candidate{n}.{run}@example.org", "name": f"Candidate {n}", "role": "candidate"}
            for n in range(count)
        ],
        returning=User.id,
    )
    application_ids = insert_many(
        Application,
        [
            {
                "campaign_id": campaign.id,
                "candidate_id": user_id,
                "reference": reference,
                "status": "submitted",
                "source": "import",
                "submitted_at": now,
            }
            for user_id, reference in zip(user_ids, unique_references(count))
        ],
        returning=Application.id,
    )
    insert_many(
        PersonalDetails,
        [
            {
                "application_id": a,
                "full_name": f"Candidate {n}",
                "email": f"candidate{n}.{run}@example.org",
                "phone": "07700 900000",
            }
            for n, a in enumerate(application_ids)
        ],
    )
    insert_many(
        Statement,
        [
            {"application_id": a, "criterion_id": c.id, "text": "I led a project.", "word_count": 4}
            for a in application_ids
            for c in sift_criteria
        ],
    )
    return application_ids


def fill(campaign: Campaign, panel: list[User], count: int, rng: random.Random) -> None:
    """N submitted applications with their evidence, every assessor's submitted score and every agreed score."""
    now, sift_criteria = utcnow(), campaign.criteria_at("sift")
    application_ids = add_applications(campaign, count)
    scores, agreed = [], []
    for application_id in application_ids:
        for criterion in sift_criteria:
            # Assessors mostly agree within a point of each other, as a calibrated panel does.
            base = rng.randint(2, 6)
            values = [min(max(base + rng.choice((-1, 0, 0, 1)), 1), 7) for _ in panel]
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
            discrepant = is_discrepant(values, campaign.discrepancy_threshold, criterion.pass_mark)
            agreed.append(
                {
                    "application_id": application_id,
                    "criterion_id": criterion.id,
                    "stage": "sift",
                    "value": proposal(values),
                    "proposal": proposal(values),
                    "discrepant": discrepant,
                    "rationale": "Agreed at the panel meeting." if discrepant else "",
                    "status": "agreed",
                    "agreed_by_id": panel[0].id,
                    "agreed_at": now,
                    "version": 1,
                }
            )
    insert_many(Score, scores)
    insert_many(AgreedScore, agreed)
    db.session.commit()


def time_board(campaign_id: int) -> tuple[float, float, int, int, int]:
    """(a) From a fresh session, as a request starts: the campaign, its applications, every item's state."""
    db.session.remove()
    gc.collect()  # without the last run's garbage; the collector stays on while timing, as in production
    started, cpu = time.perf_counter(), time.process_time()
    campaign = load_campaign(campaign_id)
    applications = list(db.session.scalars(eligible_query(campaign, "sift")))
    items = board.load_items(campaign, "sift", applications)
    proposals = [(item.state.proposal, item.state.discrepant) for item in items]
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    with_proposal = sum(1 for value, _ in proposals if value is not None)
    discrepant = sum(1 for _, flag in proposals if flag)
    return seconds, cpu, len(items), with_proposal, discrepant


def time_results(campaign_id: int) -> tuple[float, float, int, int, bool]:
    """(b) From a fresh session: every application's result and the ranks."""
    db.session.remove()
    gc.collect()
    started, cpu = time.perf_counter(), time.process_time()
    campaign = load_campaign(campaign_id)
    outcome = results.compute(campaign, "sift")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    ranked = sum(1 for result in outcome.results if result.rank is not None)
    return seconds, cpu, len(outcome.results), ranked, outcome.complete


def run(url: str, count: int, criteria_count: int, assessors: int, repeat: int, engine_options: dict) -> bool:
    with seeded_app(url, engine_options) as (_, admin):
        campaign, panel = make_campaign(admin, criteria_count, assessors)
        print(
            f"Inserting {count} applications, {count * criteria_count * assessors} scores and "
            f"{count * criteria_count} agreed scores…",
            flush=True,
        )
        fill(campaign, panel, count, random.Random(2026))
        campaign.closes_at = utcnow() - timedelta(seconds=1)  # the closing time has passed
        db.session.commit()
        campaign_status.move(admin, campaign, "closed")
        campaign_status.move(admin, campaign, "sift")
        campaign_id = campaign.id
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("ANALYZE"))
        db.session.remove()

        runs = []
        for _ in range(repeat):
            board_seconds, board_cpu, item_count, with_proposal, discrepant = time_board(campaign_id)
            results_seconds, results_cpu, result_count, ranked, complete_results = time_results(campaign_id)
            runs.append((board_seconds, results_seconds, board_cpu + results_cpu))
        complete = item_count == with_proposal == count * criteria_count and result_count == count and complete_results
        board_seconds, results_seconds, cpu = min(runs, key=lambda run: run[0] + run[1])
        total = board_seconds + results_seconds
        print(f"Applications:     {count}")
        print(f"Criteria:         {criteria_count}")
        print(f"Assessors:        {assessors} ({count * criteria_count * assessors} submitted scores)")
        print(
            f"Items:            {item_count} ({discrepant} discrepant), "
            f"{'every one' if complete else 'NOT every one'} with a proposal and an agreed score"
        )
        print(f"Runs (a + b):     {', '.join(f'{a:.3f} + {b:.3f} s' for a, b, _ in runs)}")
        print(f"(a) Board items:  {board_seconds:.3f} s  (load_items and proposals for every item; fastest run)")
        print(f"(b) Results:      {results_seconds:.3f} s  (results.compute: {result_count} results, {ranked} ranked)")
        print(f"Total:            {total:.3f} s  (of which {cpu:.3f} s on this process's CPU)")
        met = complete and total < TARGET_SECONDS
        print(
            f"Target:           under {TARGET_SECONDS:.0f} s for 5,000 × 6 × 3: "
            f"{'met' if total < TARGET_SECONDS else 'MISSED'}"
            f"{'' if (count, criteria_count, assessors) == (5000, 6, 3) else ' (ran a different size)'}"
        )
        db.engine.dispose()
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=5000, help="applications at the sift (default 5000)")
    parser.add_argument("--criteria", type=int, default=6, help="sift criteria, at most 6 (default 6)")
    parser.add_argument("--assessors", type=int, default=3, help="panel size, chair included (default 3)")
    parser.add_argument(
        "--repeat", type=int, default=3, help="time (a) and (b) this many times and judge the fastest run (default 3)"
    )
    args = parser.parse_args()
    if args.applications < 1 or not 1 <= args.criteria <= 6 or args.assessors < 2 or args.repeat < 1:
        parser.error("--applications and --repeat must be at least 1, --criteria 1 to 6 and --assessors at least 2")

    with throwaway_database(parser) as (url, options):
        return 0 if run(url, args.applications, args.criteria, args.assessors, args.repeat, options) else 1


if __name__ == "__main__":
    sys.exit(main())
