"""The calibration round (DESIGN §11): benchmark answers added before the sift, scored by each panel member on the
sift's rules, agreed by the chair, required (or not) before the sift starts, audited, and never counted for any
candidate."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from recruit.extensions import db
from recruit.models import AuditEvent, BenchmarkAnswer, BenchmarkScore
from recruit.services.assessment import board, calibration, results, scoring
from recruit.services.assessment.scoring import ScoreInput
from recruit.services.campaigns import setup as campaigns
from recruit.services.campaigns import status as campaign_status
from recruit.services.errors import Refused
from tests.factories import UserFactory, closed_campaign, score

TEXT = "I planned the office move with the team and checked progress each week."


@pytest.fixture
def setup(admin):
    return closed_campaign(admin)


def criteria(setup):
    return setup.campaign.criteria_at("sift")


def add(setup, label="Benchmark A", criterion=None, text=TEXT, actor=None):
    criterion = criterion or criteria(setup)[0]
    return calibration.add_benchmark(actor or setup.admin, setup.campaign, criterion.id, label, text)


def mark(person, setup, benchmark, value=4, *, submit=True, ticked=(), rationale="Shows the indicators."):
    return calibration.save_score(
        person,
        setup.campaign,
        benchmark,
        ScoreInput(value=value, ticked=list(ticked), rationale=rationale),
        submit=submit,
        version=None,
        confirmed=True,
    )


def actions(record_type: str) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.record_type == record_type).order_by(AuditEvent.id)
        )
    )


def set_required(setup, required: bool = True) -> None:
    campaign = setup.campaign
    campaigns.update_settings(
        setup.admin,
        campaign,
        scale=campaign.scale,
        discrepancy_threshold=campaign.discrepancy_threshold,
        overall_pass_mark=campaign.overall_pass_mark,
        presift_threshold=campaign.presift_threshold,
        calibration_required=required,
    )


# -- adding, changing and removing --------------------------------------------------------------------------------


def test_the_admin_and_the_chair_add_benchmark_answers_and_each_step_is_audited(setup):
    first = add(setup)
    second = add(setup, "Benchmark B", criteria(setup)[1], actor=setup.chair)
    assert [(b.label, b.criterion.code) for b in calibration.benchmarks(setup.campaign)] == [
        ("Benchmark A", criteria(setup)[0].code),
        ("Benchmark B", criteria(setup)[1].code),
    ]
    calibration.change_benchmark(
        setup.admin, setup.campaign, first, first.criterion_id, "Benchmark A", TEXT + " Again.", first.version
    )
    calibration.remove_benchmark(setup.chair, setup.campaign, second)
    assert actions("benchmark_answer") == [
        "benchmark.added",
        "benchmark.added",
        "benchmark.changed",
        "benchmark.removed",
    ]
    assert calibration.next_label(setup.campaign) == "Benchmark B"


@pytest.mark.parametrize(
    ("label", "text", "criterion", "message"),
    [
        ("Benchmark A", "   ", "first", "Enter the benchmark answer"),
        ("Benchmark A", "x" * 10001, "first", "The benchmark answer must be 10000 characters or fewer"),
        ("", TEXT, "first", "Enter a label for the benchmark answer"),
        ("x" * 61, TEXT, "first", "The label must be 60 characters or fewer"),
        ("Benchmark A", TEXT, None, "Select a criterion assessed at the sift"),
        ("Benchmark A", TEXT, 999999, "Select a criterion assessed at the sift"),
    ],
)
def test_a_benchmark_answer_needs_a_sift_criterion_a_label_and_text(setup, label, text, criterion, message):
    if criterion == "first":
        criterion = criteria(setup)[0].id
    with pytest.raises(Refused, match=message):
        calibration.add_benchmark(setup.admin, setup.campaign, criterion, label, text)
    assert calibration.benchmarks(setup.campaign) == []


def test_labels_are_unique_in_the_campaign(setup):
    add(setup)
    with pytest.raises(Refused, match="already has this label"):
        add(setup, "benchmark a")


def test_a_member_who_is_not_the_chair_cannot_change_the_round(setup):
    with pytest.raises(Refused, match="Only an admin or the sift panel's chair"):
        add(setup, actor=setup.members[0])
    benchmark = add(setup)
    with pytest.raises(Refused, match="Only an admin or the sift panel's chair"):
        calibration.remove_benchmark(setup.members[0], setup.campaign, benchmark)


def test_once_scored_a_benchmark_keeps_its_criterion_and_text(setup):
    benchmark = add(setup)
    mark(setup.members[0], setup, benchmark, submit=False)
    with pytest.raises(Refused, match="cannot change"):
        calibration.change_benchmark(
            setup.admin, setup.campaign, benchmark, benchmark.criterion_id, "Benchmark A", "Other text", None
        )
    calibration.change_benchmark(
        setup.admin, setup.campaign, benchmark, benchmark.criterion_id, "Model answer", TEXT, None
    )
    assert benchmark.label == "Model answer"


def test_removing_a_benchmark_removes_its_scores(setup):
    benchmark = add(setup)
    mark(setup.members[0], setup, benchmark)
    calibration.remove_benchmark(setup.admin, setup.campaign, benchmark)
    assert db.session.scalars(select(BenchmarkScore)).all() == []


def test_the_round_closes_when_the_sift_starts(setup):
    benchmark = add(setup)
    campaign_status.move(setup.admin, setup.campaign, "sift")
    with pytest.raises(Refused, match=calibration.CLOSED):
        add(setup, "Benchmark B")
    with pytest.raises(Refused, match=calibration.CLOSED):
        mark(setup.members[0], setup, benchmark)
    with pytest.raises(Refused, match=calibration.CLOSED):
        calibration.remove_benchmark(setup.admin, setup.campaign, benchmark)


def test_benchmarks_can_be_added_while_the_campaign_is_open(admin):
    setup = closed_campaign(admin)
    setup.campaign.status = "open"
    db.session.commit()
    assert add(setup).id


# -- scoring ------------------------------------------------------------------------------------------------------


def test_members_score_benchmarks_on_the_sift_rules(setup):
    benchmark = add(setup)
    member = setup.members[0]
    with pytest.raises(Refused, match="Enter your rationale"):
        mark(member, setup, benchmark, rationale=" ")
    with pytest.raises(Refused, match="Select a score"):
        mark(member, setup, benchmark, value=99)
    with pytest.raises(Refused, match="Tick only the indicators shown"):
        mark(member, setup, benchmark, ticked=[999999])
    draft = mark(member, setup, benchmark, submit=False)
    assert not draft.submitted
    submitted = mark(member, setup, benchmark, 5)
    assert (submitted.value, submitted.submitted) == (5, True)
    assert actions("benchmark_score") == ["benchmark_score.draft_saved", "benchmark_score.submitted"]


def test_the_consistency_prompt_asks_as_for_a_candidate(setup):
    benchmark = add(setup)
    ineffective = [i.id for i in scoring.indicator_choices(benchmark.criterion)["ineffective"]][:2]
    assert ineffective, "the criterion has ineffective indicators"
    top = setup.campaign.scale.maximum
    with pytest.raises(scoring.NeedsConfirmation):
        calibration.save_score(
            setup.members[0],
            setup.campaign,
            benchmark,
            ScoreInput(value=top, ticked=ineffective, rationale="Strong."),
            submit=True,
            version=None,
        )


def test_only_the_sift_panel_scores_benchmarks(setup):
    benchmark = add(setup)
    with pytest.raises(Refused, match="not on the sift panel"):
        mark(UserFactory(role="assessor"), setup, benchmark)


def test_a_stale_score_is_refused(setup):
    benchmark = add(setup)
    member = setup.members[0]
    mark(member, setup, benchmark, submit=False)
    with pytest.raises(Refused, match="changed by someone else"):
        calibration.save_score(
            member, setup.campaign, benchmark, ScoreInput(value=3, ticked=[], rationale="x"), submit=False, version=7
        )


# -- the chair's comparison and the agreed score ------------------------------------------------------------------


def test_the_comparison_shows_each_submitted_score_and_the_spread(setup):
    benchmark = add(setup)
    effective = scoring.indicator_choices(benchmark.criterion)["effective"][0]
    mark(setup.chair, setup, benchmark, 5, ticked=[effective.id])
    mark(setup.members[0], setup, benchmark, 3)
    mark(setup.members[1], setup, benchmark, 6, submit=False)
    found = calibration.comparison(setup.campaign, benchmark)
    assert [(m.name, m.value, m.state) for m in found.members] == [
        ("Chair Person", 5, "Submitted"),
        ("Member 1", 3, "Submitted"),
        ("Member 2", None, "Draft (not shown)"),
    ]
    assert found.members[0].effective == [effective.text]
    assert (found.spread.lowest, found.spread.highest, found.spread.range) == (3, 5, 2)


def test_the_chair_agrees_the_benchmark_score_which_locks_it(setup):
    benchmark = add(setup)
    with pytest.raises(Refused, match="No panel member has submitted"):
        calibration.agree(setup.chair, setup.campaign, benchmark, 4, "", None)
    mark(setup.members[0], setup, benchmark, 4)
    with pytest.raises(Refused, match="Only the sift panel's chair"):
        calibration.agree(setup.members[0], setup.campaign, benchmark, 4, "", None)
    with pytest.raises(Refused, match="Only the sift panel's chair"):
        calibration.agree(setup.admin, setup.campaign, benchmark, 4, "", None)
    with pytest.raises(Refused, match="Select the agreed score"):
        calibration.agree(setup.chair, setup.campaign, benchmark, 42, "", None)
    calibration.agree(setup.chair, setup.campaign, benchmark, 4, "Solid, but no evidence of impact.", None)
    assert (benchmark.agreed_value, benchmark.agreed_by_id) == (4, setup.chair.id)
    with pytest.raises(Refused, match=calibration.LOCKED):
        mark(setup.members[1], setup, benchmark, 4)
    calibration.agree(setup.chair, setup.campaign, benchmark, 5, "Changed our minds.", None)
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "benchmark.agreed").order_by(AuditEvent.id)
    ).all()
    assert [(e.before, e.after["value"]) for e in events] == [
        (None, 4),
        ({"value": 4, "notes": "Solid, but no evidence of impact."}, 5),
    ]


# -- required before the sift -------------------------------------------------------------------------------------


def test_a_required_round_stops_the_sift_until_every_criterion_has_an_agreed_benchmark(setup):
    campaign = setup.campaign
    assert campaign_status.problems_before(campaign, "sift") == []
    set_required(setup)
    first, second = criteria(setup)
    assert campaign_status.problems_before(campaign, "sift") == [
        f"Add a benchmark answer to the calibration round for {first.name} and {second.name}"
    ]
    a = add(setup, "Benchmark A", first)
    b = add(setup, "Benchmark B", second)
    assert campaign_status.problems_before(campaign, "sift") == [
        "The chair must agree the score for 2 benchmark answers in the calibration round"
    ]
    with pytest.raises(Refused, match="agree the score"):
        campaign_status.move(setup.admin, campaign, "sift")
    for benchmark in (a, b):
        mark(setup.members[0], setup, benchmark, 4)
        calibration.agree(setup.chair, campaign, benchmark, 4, "", None)
    assert campaign_status.problems_before(campaign, "sift") == []
    campaign_status.move(setup.chair, campaign, "sift")
    assert campaign.status == "sift"


def test_the_setting_cannot_change_once_the_sift_has_started(setup):
    campaign_status.move(setup.admin, setup.campaign, "sift")
    with pytest.raises(Refused, match="Scoring rules cannot change once the sift has started"):
        set_required(setup)


def test_the_setting_is_audited_with_the_other_scoring_settings(setup):
    set_required(setup)
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "campaign.settings_changed").order_by(AuditEvent.id)
    ).all()
    assert (event.before["calibration_required"], event.after["calibration_required"]) == (False, True)


# -- never counted ------------------------------------------------------------------------------------------------


def test_benchmark_scores_never_enter_results_or_the_board(setup):
    """The sift's results and board are the same with and without a calibration round."""
    benchmark = add(setup)
    for person, value in ((setup.chair, 1), (setup.members[0], 7 if setup.campaign.scale.maximum >= 7 else 1)):
        mark(person, setup, benchmark, value)
    calibration.agree(setup.chair, setup.campaign, benchmark, 1, "", None)
    campaign_status.move(setup.admin, setup.campaign, "sift")
    campaign = setup.campaign
    application = setup.applications[0]
    for person in setup.assessors:
        for criterion in criteria(setup):
            score(person, setup, application, criterion.code, 5)
    before_results = results.compute(campaign, "sift")
    items = board.load_items(campaign, "sift", setup.applications, criteria(setup))
    assert all(set(item.assessors) <= {p.id for p in setup.assessors} for item in items)
    assert all(item.values in ((), (5, 5, 5)) for item in items)
    # Taking the round away changes nothing.
    for benchmark in db.session.scalars(select(BenchmarkAnswer)):
        db.session.delete(benchmark)
    db.session.commit()
    after_results = results.compute(campaign, "sift")
    assert before_results.unagreed == after_results.unagreed
    assert [r.total for r in before_results.results] == [r.total for r in after_results.results]
