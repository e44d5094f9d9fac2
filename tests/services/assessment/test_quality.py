"""A stage's assessment quality from the database (services/assessment/quality.py): only the assessors' own
submitted scores count, never drafts, agreed scores or the scores of an assessor with a conflict of interest;
the figures are those of the pure engines on the same scores; and they are read in the same few queries for 10
applications as for 100."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import insert

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import Application, Score
from recruit.services import change_tokens
from recruit.services.assessment import agreement, quality, scoring
from recruit.services.assessment.quality import campaign_quality, counted_scores, figures_of, stage_quality
from recruit.services.assessment.reliability import Judgement, alpha
from recruit.services.campaigns.kept_setup import load_campaign
from tests.factories import add_applications, interview_stage, score, sift_campaign
from tests.helpers import Statements


def counted(campaign) -> set[tuple[int, int, int, int]]:
    ids = [c.id for c in campaign.criteria_at("sift")]
    table = counted_scores(campaign, "sift", ids)
    return set(
        zip(
            table.application_ids.tolist(),
            table.criterion_ids.tolist(),
            table.assessor_ids.tolist(),
            table.values.tolist(),
            strict=True,
        )
    )


def insert_scores(campaign, rows: list[tuple[int, int, int, int]]) -> None:
    """Submitted sift scores as (application id, criterion id, assessor id, value), in bulk."""
    now = utcnow()
    db.session.execute(
        insert(Score),
        [
            {
                "application_id": application_id,
                "criterion_id": criterion_id,
                "assessor_id": assessor_id,
                "stage": "sift",
                "value": value,
                "rationale": "Bulk rationale.",
                "status": "submitted",
                "ticked": [],
                "submitted_at": now,
                "version": 1,
            }
            for application_id, criterion_id, assessor_id, value in rows
        ],
    )
    db.session.commit()


def test_only_submitted_scores_without_a_conflict_on_applications_still_in_the_stage_count(admin):
    setup = sift_campaign(admin, applications=3, members=2, keep_criteria=2)
    campaign, chair, (first, second) = setup.campaign, setup.chair, setup.members
    a, b, c = setup.applications
    c1, c2 = campaign.criteria_at("sift")
    for person, value in zip(setup.assessors, (3, 4, 5)):
        score(person, setup, a, c1.code, value)
    score(chair, setup, a, c2.code, 7, submit=False)  # a draft
    score(first, setup, a, c2.code, 4)
    score(second, setup, a, c2.code, 4)
    score(chair, setup, b, c1.code, 6)
    scoring.declare(chair, campaign, b, "sift", True, "I realised I know them.")  # after scoring: not counted
    score(first, setup, b, c1.code, 2)
    score(second, setup, b, c1.code, 3)
    score(first, setup, c, c1.code, 1)
    c.status = "withdrawn"  # withdrawn before the sift was signed off: it leaves the stage
    db.session.commit()

    assert counted(campaign) == {
        (a.id, c1.id, chair.id, 3),
        (a.id, c1.id, first.id, 4),
        (a.id, c1.id, second.id, 5),
        (a.id, c2.id, first.id, 4),
        (a.id, c2.id, second.id, 4),
        (b.id, c1.id, first.id, 2),
        (b.id, c1.id, second.id, 3),
    }
    quality = stage_quality(campaign, "sift")
    assert (quality.scores, quality.overall.ordinal.units, quality.overall.ordinal.pairable) == (7, 3, 7)
    assert quality.overall.ordinal.judgement == Judgement.TOO_FEW
    assert quality.overall.interval.alpha_text == "too few scores to judge yet"
    assert [entry.assessor for entry in quality.assessors] == [chair, first, second]
    chair_entry = quality.assessors[0].leniency
    assert (chair_entry.shared, chair_entry.scored) == (1, 1)
    assert chair_entry.difference == pytest.approx(3 - 4.5)
    assert dict(chair_entry.distribution) == {1: 0, 2: 0, 3: 1, 4: 0, 5: 0, 6: 0, 7: 0}


def test_agreeing_a_score_changes_nothing(admin):
    setup = sift_campaign(admin, applications=2, members=2, keep_criteria=1)
    campaign, chair = setup.campaign, setup.chair
    (criterion,) = campaign.criteria_at("sift")
    for application, values in zip(setup.applications, ((3, 4, 6), (5, 5, 5))):
        for person, value in zip(setup.assessors, values):
            score(person, setup, application, criterion.code, value)
    before = counted(campaign)
    figures = stage_quality(campaign, "sift")
    agreement.agree(chair, campaign, setup.applications[0], criterion, "sift", 7, "Settled after discussion.")
    agreement.agree(chair, campaign, setup.applications[1], criterion, "sift", 5, "")
    assert counted(campaign) == before
    assert all(value != 7 for *_, value in counted(campaign))
    assert stage_quality(campaign, "sift") == figures


def test_the_figures_are_the_engines_on_the_counted_scores(admin):
    """Four assessors on 12 applications × 2 criteria: the chair always a point above the members, who agree."""
    setup = sift_campaign(admin, applications=12, members=3, keep_criteria=2)
    campaign, chair = setup.campaign, setup.chair
    rng = random.Random(18)
    rows, by_item = [], {}
    for application in setup.applications:
        for criterion in campaign.criteria_at("sift"):
            base = rng.randint(2, 6)
            values = [base + 1] + [base] * 3
            by_item[(application.id, criterion.id)] = values
            rows += [(application.id, criterion.id, p.id, v) for p, v in zip(setup.assessors, values, strict=True)]
    insert_scores(campaign, rows)

    quality = stage_quality(campaign, "sift")
    overall = quality.overall
    assert (overall.interval.units, overall.interval.pairable, overall.interval.judged) == (24, 96, True)
    assert overall.interval.alpha == pytest.approx(alpha(by_item.values(), "interval"))
    assert overall.ordinal.alpha == pytest.approx(alpha(by_item.values(), "ordinal"))
    assert overall.interval.low <= overall.interval.alpha <= overall.interval.high
    for entry, criterion in zip(quality.criteria, campaign.criteria_at("sift"), strict=True):
        assert entry.criterion == criterion
        mine = [values for (_, c), values in by_item.items() if c == criterion.id]
        assert entry.interval.units == 12 and entry.interval.alpha == pytest.approx(alpha(mine, "interval"))
    assert [entry.assessor for entry in quality.flagged] == [chair]
    assert quality.flagged[0].leniency.sentence == (
        "scores on average 1.0 higher than the rest of the panel on 24 shared items"
    )


def test_every_stage_the_campaign_has_reached(admin):
    setup, _ = interview_stage(admin)
    stages = campaign_quality(setup.campaign)
    assert [stage.stage for stage in stages] == ["sift", "interview"]
    interview = stages[1]
    # Both panel members gave every item the same score, and the items differ: perfect agreement.
    assert (interview.overall.interval.units, interview.overall.interval.pairable) == (20, 40)
    assert interview.overall.interval.alpha == pytest.approx(1.0)
    assert interview.overall.ordinal.alpha_text == "1.00"
    assert not interview.flagged


def test_a_stage_without_scores_yet(admin):
    setup = sift_campaign(admin, applications=2, members=1, keep_criteria=2)
    quality = stage_quality(setup.campaign, "sift")
    assert quality.scores == 0
    for entry in (quality.overall, *quality.criteria):
        assert (entry.ordinal.units, entry.ordinal.pairable, entry.ordinal.judgement) == (0, 0, Judgement.TOO_FEW)
        assert entry.interval.alpha_text == "too few scores to judge yet"
    assert [(e.assessor, e.leniency.shared, e.leniency.flagged) for e in quality.assessors] == [
        (setup.chair, 0, False),
        (setup.members[0], 0, False),
    ]
    assert quality.assessors[0].leniency.sentence == "has no items scored by the rest of the panel yet"
    assert quality.assessors[0].leniency.distribution[0] == (1, 0)


def statements_for_quality(campaign_id: int) -> int:
    db.session.remove()
    change_tokens.forget_all()  # the scale's points read, not kept from the last campaign's (both have the same scale)
    with Statements() as counter:
        campaign = load_campaign(campaign_id)
        quality = stage_quality(campaign, "sift")
        assert quality.scores > 0
    db.session.remove()
    return counter.count


def test_the_same_queries_for_10_applications_as_for_100(admin):
    def campaign_with(count: int, domain: str) -> int:
        setup = sift_campaign(admin, applications=0, members=2, keep_criteria=3, email_domain=domain)
        campaign = setup.campaign
        start = 1 if domain == "small.example.org" else 1000
        added = add_applications(campaign, count, start=start)
        rng = random.Random(count)
        insert_scores(
            campaign,
            [
                (application_id, criterion.id, person.id, rng.randint(1, 7))
                for application_id, _ in added
                for criterion in campaign.criteria_at("sift")
                for person in setup.assessors
            ],
        )
        # A conflict, so that the query leaving its scores out is among those counted.
        first = db.session.get_one(Application, added[0][0])
        scoring.declare(setup.chair, campaign, first, "sift", True, "A former colleague.")
        return campaign.id

    small, large = campaign_with(10, "small.example.org"), campaign_with(100, "large.example.org")
    # The setup's version and the campaign with its criteria and its panels' people (4 reads: nothing is kept here),
    # the public content's version and the scale's points, the campaign's report data version and the scores (4
    # more), and the savepoint the test's transaction wraps the session in.
    assert statements_for_quality(small) == statements_for_quality(large) <= 9


def test_the_counted_scores_are_kept_until_a_change_moves_the_campaigns_data_version_on(admin):
    """The board reads the stage's counted scores on every load; they are read once for each report data version,
    and a submitted score, a conflict declared or a withdrawal is read at once."""
    setup = sift_campaign(admin, applications=3, members=2, keep_criteria=1)
    campaign, chair, (first, second) = setup.campaign, setup.chair, setup.members
    a, b, c = setup.applications
    (criterion,) = campaign.criteria_at("sift")
    score(chair, setup, a, criterion.code, 3)
    score(first, setup, a, criterion.code, 4)
    ids = [criterion.id]
    table = counted_scores(campaign, "sift", ids)
    with Statements() as statements:
        assert counted_scores(campaign, "sift", ids) is table
    assert statements.count == 1  # the data version alone
    assert not table.values.flags.writeable  # shared between requests: nobody may change it

    score(second, setup, b, criterion.code, 6)
    assert (b.id, criterion.id, second.id, 6) in counted(campaign)
    score(first, setup, c, criterion.code, 2, submit=False)  # a draft moves nothing and is not counted
    assert all(row[0] != c.id for row in counted(campaign))
    scoring.declare(second, campaign, b, "sift", True, "I realised I know them.")
    assert (b.id, criterion.id, second.id, 6) not in counted(campaign)
    a.status = "withdrawn"
    db.session.commit()
    assert counted(campaign) == set()


SCALE = list(range(1, 8))


def assert_same_figures(kept, fresh) -> None:
    """The same figures, but for the last digit of a leniency sum (the kept table's rows are in another order)."""
    assert repr(kept.overall) == repr(fresh.overall) and repr(kept.per_criterion) == repr(fresh.per_criterion)
    assert kept.leniency.keys() == fresh.leniency.keys()
    for assessor, entry in kept.leniency.items():
        other = fresh.leniency[assessor]
        assert (entry.shared, entry.scored, entry.distribution, entry.flagged) == (
            other.shared,
            other.scored,
            other.distribution,
            other.flagged,
        )
        assert entry.difference == pytest.approx(other.difference)
        assert entry.standard_error == pytest.approx(other.standard_error)


def rows_of(table) -> list[tuple[int, int, int, int]]:
    columns = (table.application_ids, table.criterion_ids, table.assessor_ids, table.values)
    return sorted(zip(*(column.tolist() for column in columns), strict=True))


def test_after_a_change_to_one_application_only_its_scores_are_read_again(admin, monkeypatch):
    """A submitted score, a conflict or a withdrawal changes one application's counted scores: the board reads that
    application's again, and the figures are those of a fresh read; a change to the panel reads the stage."""
    setup = sift_campaign(admin, applications=4, members=2, keep_criteria=2)
    campaign, chair, (first, second) = setup.campaign, setup.chair, setup.members
    a, b, c, d = setup.applications
    criteria = campaign.criteria_at("sift")
    c1, c2 = (criterion.code for criterion in criteria)
    for application, values in ((a, (3, 4, 5)), (b, (6, 6, 2)), (c, (4, 4, 4))):
        for person, value in zip(setup.assessors, values, strict=True):
            score(person, setup, application, c1, value)
            score(person, setup, application, c2, 7 - value)
    ids = [criterion.id for criterion in criteria]
    fresh_read = quality.read_counted_scores
    reads: list[list[int] | None] = []

    def counted_read(*args, only=None):
        reads.append(only)
        return fresh_read(*args, only=only)

    monkeypatch.setattr(quality, "read_counted_scores", counted_read)
    counted_scores(campaign, "sift", ids)

    def seen(read_again: list | None):
        before = len(reads)
        table = counted_scores(campaign, "sift", ids)
        assert reads[before:] == [read_again]
        fresh = fresh_read(campaign, "sift", ids)
        assert rows_of(table) == rows_of(fresh)
        assert_same_figures(figures_of(table, ids, SCALE, draws=50), figures_of(fresh, ids, SCALE, draws=50))
        assert not table.values.flags.writeable
        return set(rows_of(table))

    score(first, setup, d, c1, 5)
    assert (d.id, criteria[0].id, first.id, 5) in seen([d.id])
    score(second, setup, d, c2, 3, submit=False)  # a draft: nothing moves, nothing is read
    assert counted_scores(campaign, "sift", ids) is counted_scores(campaign, "sift", ids) and len(reads) == 2
    score(second, setup, a, c1, 1)  # a submitted score changed
    assert (a.id, criteria[0].id, second.id, 1) in seen([a.id])
    scoring.declare(second, campaign, b, "sift", True, "I realised I know them.")
    assert all(row[0] != b.id or row[2] != second.id for row in seen([b.id]))
    c.status = "withdrawn"
    db.session.commit()
    assert all(row[0] != c.id for row in seen([c.id]))
    panel = campaign.panel("sift")
    panel.members.remove(next(member for member in panel.members if member.user_id == first.id))
    db.session.commit()
    assert {row[2] for row in seen(None)} == {chair.id, second.id}


def test_the_figures_are_worked_out_once_for_each_data_version_and_afresh_after_a_change(admin, monkeypatch):
    """The board shows the stage's agreement and leniency on every load: worked out once from the counted scores
    kept at a report data version, and again, equal to a fresh reading's, once a submitted score moves it on."""
    setup = sift_campaign(admin, applications=12, members=2, keep_criteria=2)
    campaign, first = setup.campaign, setup.members[0]
    criteria = campaign.criteria_at("sift")
    rng = random.Random(7)
    for application in setup.applications[:-1]:
        for person in setup.assessors:
            for criterion in criteria:
                score(person, setup, application, criterion.code, rng.randint(2, 6))
    worked_out = []
    engine = quality.count_matrix

    def counting(*args):
        worked_out.append(1)
        return engine(*args)

    monkeypatch.setattr(quality, "count_matrix", counting)
    shown = stage_quality(campaign, "sift", draws=50)
    assert shown.overall.ordinal.alpha is not None
    assert repr(stage_quality(campaign, "sift", draws=50)) == repr(shown)
    assert len(worked_out) == 1, "shown again at the same version, nothing is worked out again"
    assert [agreement.criterion for agreement in shown.criteria] == criteria  # this request's own criteria

    last = setup.applications[-1]
    for person in setup.assessors:  # the board reads the change
        for criterion in criteria:
            score(person, setup, last, criterion.code, 1 if person == first else 7)
    changed = stage_quality(campaign, "sift", draws=50)
    assert len(worked_out) == 2, "worked out again once, at the version the last score moved it on to"
    ids = [criterion.id for criterion in criteria]
    fresh = figures_of(quality.read_counted_scores(campaign, "sift", ids), ids, SCALE, draws=50)
    assert repr(changed.overall.ordinal) == repr(fresh.overall[0]) != repr(shown.overall.ordinal)
    assert_same_figures(
        figures_of(counted_scores(campaign, "sift", ids), ids, SCALE, draws=50),
        fresh,
    )
    assert {entry.assessor.id: entry.leniency.scored for entry in changed.assessors}[first.id] == 2 * 11 + 2
