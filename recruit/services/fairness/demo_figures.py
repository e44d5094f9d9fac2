"""Monitoring answers for the demonstration (`flask demo`), made up with a seeded generator so that every machine
gets the same ones: answers for the demonstration campaign's candidates, and last year's intake for the same post,
finished and erased, whose kept counts are large enough for the fairness pages to show rates, a four-fifths flag
and suppressed groups. Everything here is fictional."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from datetime import timedelta

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import Application, Campaign, Grade, MonitoringCount, MonitoringResponse, StageRecord, User
from recruit.models.campaign import CampaignStatus
from recruit.monitoring_questions import NOT_ANSWERED, PREFER_NOT_TO_SAY, QUESTIONS
from recruit.services.campaigns import setup
from recruit.services.fairness.stages import STAGES
from recruit.services.unit_of_work import unit_of_work

SEED = 2026
LAST_YEAR_APPLICANTS = 360
# The answers most often given first, roughly as in a UK public body's applicants; the rest share what is left.
WEIGHTS: dict[str, dict[str, float]] = {
    "sex": {"female": 0.55, "male": 0.41},
    "gender_identity": {"same": 0.95, "different": 0.01},
    "ethnicity": {"white_british": 0.68, "asian_indian": 0.05, "asian_pakistani": 0.05, "black_african": 0.05},
    "disability": {"no": 0.78, "yes": 0.16},
    "sexual_orientation": {"straight": 0.85, "gay_lesbian": 0.04, "bisexual": 0.03},
    "religion": {"none": 0.45, "christian": 0.36, "muslim": 0.07},
    "caring_children": {"no": 0.65, "yes": 0.30},
    "caring_others": {"no": 0.82},
    "parent_occupation": {"routine_manual": 0.25, "modern_professional": 0.22, "clerical": 0.15},
    "school_type": {"state_non_selective": 0.78, "state_selective": 0.08, "independent": 0.06},
    "free_school_meals": {"no": 0.68, "yes": 0.2},
}
# How likely a candidate is to get through each stage from the one before. Disabled candidates fare worse at the
# sift here, so that the demonstration has a group flagged under the four-fifths rule to look at.
PASS_RATES = {"presift": 0.85, "sift": 0.5, "invited": 0.9, "appointable": 0.6, "offered": 0.3}
SIFT_RATE_DISABLED = 0.25


def _answer(rng: random.Random, key: str) -> str | None:
    question = next(q for q in QUESTIONS if q.key == key)
    given = WEIGHTS.get(key, {})
    roll = rng.random()
    if roll < 0.04:
        return None
    if roll < 0.07:
        return PREFER_NOT_TO_SAY
    others = [c for c in question.codes if c not in given and c != PREFER_NOT_TO_SAY]
    rest = max(1.0 - sum(given.values()), 0.0)
    codes = [*given, *others]
    weights = [*given.values(), *([rest / len(others)] * len(others) if others else [])]
    return rng.choices(codes, weights)[0]


def answers(rng: random.Random) -> dict[str, str | None]:
    return {q.key: _answer(rng, q.key) for q in QUESTIONS}


@unit_of_work()
def answer_for_candidates(applications: list[Application]) -> None:
    """Monitoring answers for each of the demonstration campaign's applications."""
    rng = random.Random(SEED)
    db.session.add_all(MonitoringResponse(application_id=a.id, **answers(rng)) for a in applications)
    db.session.flush()


def _furthest(rng: random.Random, given: dict[str, str | None]) -> str:
    reached = "applied"
    for stage in STAGES[1:]:
        rate = SIFT_RATE_DISABLED if stage == "sift" and given["disability"] == "yes" else PASS_RATES[stage]
        if rng.random() >= rate:
            break
        reached = stage
    return reached


@unit_of_work()
def last_years_intake(admin: User, grade: Grade, details: setup.Details) -> Campaign:
    """A finished campaign a year old whose personal data were erased: what is left of its monitoring answers is
    the counts, as after `retention purge`."""
    now = utcnow()
    campaign = setup.create_campaign(
        admin, replace(details, title=f"{details.title} (last year's intake)"), grade=grade
    )
    campaign.closes_at = now - timedelta(days=400)
    campaign.status = CampaignStatus.COMPLETE
    campaign.personal_data_erased_at = now - timedelta(days=20)
    decided = now - timedelta(days=380)
    db.session.add_all(
        [
            StageRecord(campaign=campaign, stage="sift", decided_at=decided, signed_off_at=decided),
            StageRecord(campaign=campaign, stage="interview", signed_off_at=now - timedelta(days=350)),
        ]
    )
    rng = random.Random(SEED + 1)
    tally: Counter[tuple[str, str, str]] = Counter()
    for _ in range(LAST_YEAR_APPLICANTS):
        given = answers(rng)
        stage = _furthest(rng, given)
        for key, answer in given.items():
            tally[(key, answer or NOT_ANSWERED, stage)] += 1
    db.session.add_all(
        MonitoringCount(campaign_id=campaign.id, question=q, answer=a, stage=s, count=n)
        for (q, a, s), n in sorted(tally.items())
    )
    db.session.flush()
    return campaign
