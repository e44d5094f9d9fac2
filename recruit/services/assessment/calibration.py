"""The calibration round before the sift (DESIGN §11, "Calibration").

An admin or the sift panel's chair adds benchmark answers to the sift criteria: text written for the purpose, never
a real candidate's. Each panel member scores them on their own, on the same rules as a candidate's answer (the
criterion's indicators, the scale, a rationale, the consistency prompt). The chair alone sees every member's scores
side by side with their spread, and records the agreed benchmark score with notes; then the sift starts. Where the
campaign requires the round, the sift cannot start until every sift criterion has a benchmark and every benchmark
has an agreed score.

Benchmark scores live in tables of their own (models/calibration.py): nothing that reads candidates' scores reads
them, so they never enter a result, a board, a statistic or an export. The sift report has a section for them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import BenchmarkAnswer, BenchmarkScore, Campaign, Criterion, User
from recruit.models.calibration import LABEL_LIMIT, TEXT_LIMIT
from recruit.models.scoring import ScoreStatus
from recruit.services.assessment import score_sheet, scoring
from recruit.services.campaigns.rules import BEFORE_SIFT
from recruit.services.campaigns.stages import has_applied, is_chair, membership
from recruit.services.errors import Refused
from recruit.services.frameworks import indicator_lists
from recruit.services.records import audit
from recruit.services.unit_of_work import unit_of_work

STAGE = "sift"
NOTES_LIMIT = 5000
CHANGED = "This benchmark answer was changed by someone else. Check it and try again"
STALE = "This benchmark score was changed by someone else. Your answers are below: check them and save again"
LOCKED = "The chair has agreed a score for this benchmark answer, so its scores are locked"
CLOSED = "The calibration round is over: the sift has started"
SCORED = (
    "Panel members have started scoring this benchmark answer, so its criterion and text cannot change; "
    "remove it and add a new one instead"
)


# Who may do what.


def round_open(campaign: Campaign) -> bool:
    """Benchmarks are added, scored and agreed until the sift starts; after that the round is on record only."""
    return campaign.status in BEFORE_SIFT


def may_manage(user: User, campaign: Campaign) -> bool:
    """Admins and the sift chair add, change and remove benchmark answers, and see the round's progress."""
    return user.role == "admin" or (user.role == "assessor" and is_chair(campaign, STAGE, user))


def may_compare(user: User, campaign: Campaign) -> bool:
    """Only the chair and admins see everyone's benchmark scores; a member sees their own and no one else's."""
    return may_manage(user, campaign)


def may_agree(user: User, campaign: Campaign) -> bool:
    return user.role == "assessor" and is_chair(campaign, STAGE, user)


def is_member(user: User, campaign: Campaign) -> bool:
    return user.role == "assessor" and membership(campaign, STAGE, user) is not None


def may_view(user: User, campaign: Campaign) -> bool:
    """The calibration page: admins and the sift panel (the chair included)."""
    return may_manage(user, campaign) or is_member(user, campaign)


# Reading.


def benchmarks(campaign: Campaign) -> list[BenchmarkAnswer]:
    """The campaign's benchmark answers, criterion by criterion in the campaign's order, then by label."""
    rows = db.session.scalars(
        select(BenchmarkAnswer)
        .join(Criterion, Criterion.id == BenchmarkAnswer.criterion_id)
        .where(BenchmarkAnswer.campaign_id == campaign.id)
        .order_by(Criterion.position, BenchmarkAnswer.label, BenchmarkAnswer.id)
        .options(selectinload(BenchmarkAnswer.scores))
    )
    return list(rows)


def benchmark_of(campaign: Campaign, benchmark_id: int) -> BenchmarkAnswer | None:
    return db.session.scalar(
        select(BenchmarkAnswer).where(BenchmarkAnswer.id == benchmark_id, BenchmarkAnswer.campaign_id == campaign.id)
    )


def own_score(user: User, benchmark: BenchmarkAnswer) -> BenchmarkScore | None:
    return db.session.scalar(
        select(BenchmarkScore).where(BenchmarkScore.benchmark_id == benchmark.id, BenchmarkScore.assessor_id == user.id)
    )


def next_label(campaign: Campaign) -> str:
    """A label for the next benchmark answer: Benchmark A, B, C … the first not used yet."""
    used = set(db.session.scalars(select(BenchmarkAnswer.label).where(BenchmarkAnswer.campaign_id == campaign.id)))
    number = 0
    while True:
        letters, n = "", number
        while True:
            letters = chr(ord("A") + n % 26) + letters
            n = n // 26 - 1
            if n < 0:
                break
        if f"Benchmark {letters}" not in used:
            return f"Benchmark {letters}"
        number += 1


def panel_ids(campaign: Campaign) -> list[int]:
    panel = campaign.panel(STAGE)
    members = sorted(panel.members, key=lambda m: (not m.is_chair, m.id)) if panel else []
    return [member.user_id for member in members]


@dataclass
class BenchmarkRow:
    """A benchmark answer on the calibration page. `submitted` counts the panel's submitted scores, for the chair and
    admins only; `own` is the person's own score, for the member's view."""

    benchmark: BenchmarkAnswer
    submitted: int
    panel: int
    own: BenchmarkScore | None = None

    @property
    def own_state(self) -> str:
        if self.own is None:
            return "Not started"
        return f"Submitted: {self.own.value}" if self.own.submitted else "Draft"


@dataclass
class CriterionRound:
    criterion: Criterion
    rows: list[BenchmarkRow] = field(default_factory=list)


@dataclass
class RoundView:
    """The calibration page: each sift criterion with its benchmark answers."""

    criteria: list[CriterionRound]
    open: bool
    required: bool
    problems: list[str]

    @property
    def benchmarks(self) -> int:
        return sum(len(item.rows) for item in self.criteria)

    @property
    def agreed(self) -> int:
        return sum(1 for item in self.criteria for row in item.rows if row.benchmark.agreed)


def round_view(user: User, campaign: Campaign) -> RoundView:
    members = set(panel_ids(campaign))
    by_criterion = {criterion.id: CriterionRound(criterion) for criterion in campaign.criteria_at(STAGE)}
    for benchmark in benchmarks(campaign):
        item = by_criterion.get(benchmark.criterion_id)
        if item is None:  # a criterion no longer assessed at the sift: not part of the round
            continue
        submitted = sum(1 for s in benchmark.scores if s.submitted and s.assessor_id in members)
        own = next((s for s in benchmark.scores if s.assessor_id == user.id), None)
        item.rows.append(BenchmarkRow(benchmark, submitted, len(members), own))
    return RoundView(
        list(by_criterion.values()), round_open(campaign), campaign.calibration_required, problems(campaign)
    )


def problems(campaign: Campaign) -> list[str]:
    """What stops the sift starting, where the campaign requires a calibration round; none where it does not."""
    if not campaign.calibration_required:
        return []
    sift = campaign.criteria_at(STAGE)
    rows = db.session.execute(
        select(BenchmarkAnswer.criterion_id, BenchmarkAnswer.agreed_value).where(
            BenchmarkAnswer.campaign_id == campaign.id
        )
    ).all()
    with_benchmarks = {criterion_id for criterion_id, _ in rows}
    found = []
    missing = [criterion.name for criterion in sift if criterion.id not in with_benchmarks]
    if missing:
        found.append(f"Add a benchmark answer to the calibration round for {_names(missing)}")
    sift_ids = {criterion.id for criterion in sift}
    unagreed = sum(1 for criterion_id, value in rows if criterion_id in sift_ids and value is None)
    if unagreed:
        found.append(
            f"The chair must agree the score for {unagreed} benchmark answer{'' if unagreed == 1 else 's'} "
            "in the calibration round"
        )
    return found


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@dataclass
class MemberTodo:
    """A campaign before the sift whose calibration round a panel member has benchmark answers to score (or, for the
    chair, a round to set up)."""

    campaign: Campaign
    to_score: int
    total: int
    chair: bool


def todo(user: User) -> list[MemberTodo]:
    """For the dashboard: each campaign before the sift where this person sits on the sift panel and the round has
    benchmark answers (or they chair it), with how many they have still to submit."""
    if user.role != "assessor":
        return []
    from recruit.models import Panel, PanelMember

    seats = db.session.execute(
        select(Campaign, PanelMember.is_chair)
        .join(Panel, Panel.campaign_id == Campaign.id)
        .join(PanelMember, PanelMember.panel_id == Panel.id)
        .where(PanelMember.user_id == user.id, Panel.stage == STAGE, Campaign.status.in_(BEFORE_SIFT))
        .order_by(Campaign.reference)
    ).all()
    if not seats:
        return []
    ids = [campaign.id for campaign, _ in seats]
    totals: Counter[int] = Counter(
        dict(
            db.session.execute(
                select(BenchmarkAnswer.campaign_id, func.count(BenchmarkAnswer.id))
                .where(BenchmarkAnswer.campaign_id.in_(ids))
                .group_by(BenchmarkAnswer.campaign_id)
            )
            .tuples()
            .all()
        )
    )
    done: Counter[int] = Counter(
        dict(
            db.session.execute(
                select(BenchmarkAnswer.campaign_id, func.count(BenchmarkScore.id))
                .join(BenchmarkScore, BenchmarkScore.benchmark_id == BenchmarkAnswer.id)
                .where(
                    BenchmarkAnswer.campaign_id.in_(ids),
                    BenchmarkScore.assessor_id == user.id,
                    BenchmarkScore.status == ScoreStatus.SUBMITTED,
                )
                .group_by(BenchmarkAnswer.campaign_id)
            )
            .tuples()
            .all()
        )
    )
    applied = {campaign.id for campaign, _ in seats if has_applied(campaign, user)}
    return [
        MemberTodo(campaign, totals[campaign.id] - done[campaign.id], totals[campaign.id], chair)
        for campaign, chair in seats
        if (totals[campaign.id] or chair) and campaign.id not in applied
    ]


# Adding, changing and removing benchmark answers.


def _check_manage(actor: User, campaign: Campaign) -> None:
    if not may_manage(actor, campaign):
        raise Refused("Only an admin or the sift panel's chair can change the calibration round")
    if not round_open(campaign):
        raise Refused(CLOSED)


def _checked_answer(campaign: Campaign, criterion_id: int | None, label: str, text: str) -> Criterion:
    criterion = next((c for c in campaign.criteria_at(STAGE) if c.id == criterion_id), None)
    if criterion is None:
        raise Refused("Select a criterion assessed at the sift", "criterion")
    if not label:
        raise Refused("Enter a label for the benchmark answer", "label")
    if len(label) > LABEL_LIMIT:
        raise Refused(f"The label must be {LABEL_LIMIT} characters or fewer", "label")
    if not text:
        raise Refused("Enter the benchmark answer", "text")
    if len(text) > TEXT_LIMIT:
        raise Refused(f"The benchmark answer must be {TEXT_LIMIT} characters or fewer", "text")
    return criterion


def _label_taken(campaign: Campaign, label: str, other_than: int | None = None) -> bool:
    query = select(BenchmarkAnswer.id).where(
        BenchmarkAnswer.campaign_id == campaign.id, func.lower(BenchmarkAnswer.label) == label.lower()
    )
    if other_than is not None:
        query = query.where(BenchmarkAnswer.id != other_than)
    return db.session.scalar(query.limit(1)) is not None


def _snapshot(benchmark: BenchmarkAnswer, criterion: Criterion | None = None) -> dict[str, object]:
    return {
        "label": benchmark.label,
        "criterion": (criterion or benchmark.criterion).code,
        "text": benchmark.text,
    }


@unit_of_work("Another benchmark answer already has this label")
def add_benchmark(actor: User, campaign: Campaign, criterion_id: int | None, label: str, text: str) -> BenchmarkAnswer:
    _check_manage(actor, campaign)
    label, text = label.strip(), text.strip()
    criterion = _checked_answer(campaign, criterion_id, label, text)
    if _label_taken(campaign, label):
        raise Refused("Another benchmark answer already has this label", "label")
    benchmark = BenchmarkAnswer(
        campaign_id=campaign.id, criterion_id=criterion.id, label=label, text=text, created_by_id=actor.id
    )
    db.session.add(benchmark)
    db.session.flush()
    audit.record(
        "benchmark.added", "benchmark_answer", benchmark.id, after=_snapshot(benchmark, criterion), actor=actor
    )
    return benchmark


@unit_of_work(CHANGED)
def change_benchmark(
    actor: User,
    campaign: Campaign,
    benchmark: BenchmarkAnswer,
    criterion_id: int | None,
    label: str,
    text: str,
    version: int | None,
) -> None:
    _check_manage(actor, campaign)
    if version is not None and version != benchmark.version:
        raise Refused(CHANGED)
    label, text = label.strip(), text.strip()
    criterion = _checked_answer(campaign, criterion_id, label, text)
    if _label_taken(campaign, label, other_than=benchmark.id):
        raise Refused("Another benchmark answer already has this label", "label")
    if (criterion.id != benchmark.criterion_id or text != benchmark.text) and benchmark.scores:
        raise Refused(SCORED, "text")
    before = _snapshot(benchmark)
    benchmark.criterion_id, benchmark.label, benchmark.text = criterion.id, label, text
    after = _snapshot(benchmark, criterion)
    if after != before:
        audit.record("benchmark.changed", "benchmark_answer", benchmark.id, before=before, after=after, actor=actor)


@unit_of_work(CHANGED)
def remove_benchmark(actor: User, campaign: Campaign, benchmark: BenchmarkAnswer) -> None:
    """Remove a benchmark answer with its scores (the audit log keeps what it was and how many had scored it)."""
    _check_manage(actor, campaign)
    before = {
        **_snapshot(benchmark),
        "scores": len(benchmark.scores),
        "agreed": benchmark.agreed_value,
    }
    audit.record("benchmark.removed", "benchmark_answer", benchmark.id, before=before, actor=actor)
    db.session.delete(benchmark)


# Scoring a benchmark answer: the same rules as a candidate's answer.


def check_can_score(user: User, campaign: Campaign, benchmark: BenchmarkAnswer) -> None:
    if not is_member(user, campaign):
        raise Refused("You are not on the sift panel")
    if has_applied(campaign, user):
        raise Refused(scoring.APPLICANT)
    if not round_open(campaign):
        raise Refused(CLOSED)
    if benchmark.criterion not in campaign.criteria_at(STAGE):
        raise Refused("This criterion is not assessed at the sift")
    if benchmark.agreed:
        raise Refused(LOCKED)


def _score_action(before_status: str | None, submit: bool) -> str:
    if submit and before_status != ScoreStatus.SUBMITTED:
        return "benchmark_score.submitted"
    return "benchmark_score.changed" if before_status == ScoreStatus.SUBMITTED else "benchmark_score.draft_saved"


@unit_of_work(STALE)
def save_score(
    user: User,
    campaign: Campaign,
    benchmark: BenchmarkAnswer,
    entry: scoring.ScoreInput,
    *,
    submit: bool,
    version: int | None,
    confirmed: bool = False,
) -> BenchmarkScore:
    check_can_score(user, campaign, benchmark)
    score = own_score(user, benchmark)
    ticked = scoring.checked(
        campaign, benchmark.criterion, entry, score, None, submit=submit, version=version, confirmed=confirmed
    )
    if ticked is None:
        assert score is not None  # only a saved score can have been saved twice
        return score
    if score is None:
        score = BenchmarkScore(benchmark_id=benchmark.id, assessor_id=user.id)
        db.session.add(score)
    before_status = score.status
    scoring.fill_in(score, entry, ticked, submit)
    db.session.flush()
    audit.record(
        _score_action(before_status, submit),
        "benchmark_score",
        score.id,
        after={
            "benchmark": benchmark.label,
            "criterion": benchmark.criterion.code,
            "value": score.value,
            "ticked": ticked,
            "status": score.status,
        },
        actor=user,
    )
    return score


@dataclass
class BenchmarkSheet:
    """A benchmark answer as a panel member scores it, with what the scoring screen shows for any criterion: the
    answer in place of a candidate's evidence, the indicators to tick and the lower levels."""

    benchmark: BenchmarkAnswer
    criterion: Criterion
    indicators: indicator_lists.Lists
    lower: list[score_sheet.LowerLevel]
    score: BenchmarkScore | None
    locked: bool
    editable: bool
    questions: list[object] = field(default_factory=list)

    @property
    def evidence(self) -> str:
        return self.benchmark.text

    @property
    def code(self) -> str:
        return self.criterion.code

    @property
    def has_indicators(self) -> bool:
        return bool(self.indicators["effective"] or self.indicators["ineffective"])

    @property
    def submitted(self) -> bool:
        return self.score is not None and self.score.submitted


def sheet(user: User, campaign: Campaign, benchmark: BenchmarkAnswer) -> BenchmarkSheet:
    criterion = benchmark.criterion
    scoring_now = (
        round_open(campaign)
        and not benchmark.agreed
        and criterion in campaign.criteria_at(STAGE)
        and not has_applied(campaign, user)
    )
    return BenchmarkSheet(
        benchmark=benchmark,
        criterion=criterion,
        indicators=scoring.indicator_choices(criterion),
        lower=score_sheet.lower_levels(criterion),
        score=own_score(user, benchmark),
        locked=benchmark.agreed,
        editable=scoring_now,
    )


# The chair's comparison and the agreed score.


@dataclass
class MemberScore:
    """One panel member's score for a benchmark answer, as the chair compares them."""

    name: str
    chair: bool
    score: BenchmarkScore | None
    effective: list[str]
    ineffective: list[str]

    @property
    def value(self) -> int | None:
        return self.score.value if self.score is not None and self.score.submitted else None

    @property
    def state(self) -> str:
        if self.score is None:
            return "Not started"
        return "Submitted" if self.score.submitted else "Draft (not shown)"


@dataclass
class Spread:
    lowest: int
    highest: int

    @property
    def range(self) -> int:
        return self.highest - self.lowest


@dataclass
class Comparison:
    benchmark: BenchmarkAnswer
    members: list[MemberScore]
    spread: Spread | None


def comparison(campaign: Campaign, benchmark: BenchmarkAnswer) -> Comparison:
    """Every panel member's submitted score, ticks and rationale for the benchmark answer, side by side, and their
    spread. A draft shows only as a draft: it is not the member's score yet."""
    from recruit.models import PanelMember

    criterion = benchmark.criterion
    lists = scoring.indicator_choices(criterion)
    texts = {kind: {i.id: i.text for i in lists[kind]} for kind in ("effective", "ineffective")}
    scores = {score.assessor_id: score for score in benchmark.scores}
    panel = campaign.panel(STAGE)
    members: list[PanelMember] = sorted(panel.members, key=lambda m: (not m.is_chair, m.id)) if panel else []
    seated = {member.user_id for member in members}
    rows = []
    for member in members:
        score = scores.get(member.user_id)
        shown = score is not None and score.submitted
        rows.append(
            MemberScore(
                member.user.name,
                member.is_chair,
                score,
                [texts["effective"][i] for i in score.ticked if i in texts["effective"]] if shown and score else [],
                [texts["ineffective"][i] for i in score.ticked if i in texts["ineffective"]] if shown and score else [],
            )
        )
    # Someone who scored it and has left the panel since: their score stays on record.
    for assessor_id, score in scores.items():
        if assessor_id not in seated:
            shown = score.submitted
            rows.append(
                MemberScore(
                    f"{score.assessor.name} (no longer on the panel)",
                    False,
                    score,
                    [texts["effective"][i] for i in score.ticked if i in texts["effective"]] if shown else [],
                    [texts["ineffective"][i] for i in score.ticked if i in texts["ineffective"]] if shown else [],
                )
            )
    values = [row.value for row in rows if row.value is not None]
    spread = Spread(min(values), max(values)) if values else None
    return Comparison(benchmark, rows, spread)


@unit_of_work(CHANGED)
def agree(
    actor: User, campaign: Campaign, benchmark: BenchmarkAnswer, value: int | None, notes: str, version: int | None
) -> None:
    """Record the agreed benchmark score with notes; the chair may record it again until the sift starts."""
    if not may_agree(actor, campaign):
        raise Refused("Only the sift panel's chair can agree a benchmark score")
    if not round_open(campaign):
        raise Refused(CLOSED)
    if version is not None and version != benchmark.version:
        raise Refused(CHANGED)
    if not any(score.submitted for score in benchmark.scores):
        raise Refused("No panel member has submitted a score for this benchmark answer yet", "value")
    if value is None or value not in {point.value for point in campaign.scale.points}:
        raise Refused("Select the agreed score", "value")
    notes = notes.strip()
    if len(notes) > NOTES_LIMIT:
        raise Refused(f"The notes must be {NOTES_LIMIT} characters or fewer", "notes")
    before = {"value": benchmark.agreed_value, "notes": benchmark.agreed_notes} if benchmark.agreed else None
    if before == {"value": value, "notes": notes}:
        return
    benchmark.agreed_value, benchmark.agreed_notes = value, notes
    benchmark.agreed_by_id, benchmark.agreed_at = actor.id, utcnow()
    audit.record(
        "benchmark.agreed",
        "benchmark_answer",
        benchmark.id,
        before=before,
        after={"label": benchmark.label, "criterion": benchmark.criterion.code, "value": value, "notes": notes},
        actor=actor,
    )
