"""What an assessor's scoring pages show for one application: for each criterion scored now, the evidence (the
statement at the sift, the chosen questions at interview), the indicators to tick at the required level and those of
the levels below, their own score and whether the item is locked.

The same few queries whatever the number of criteria or applications: the indicators of every competency on the page
are kept between requests (services/frameworks/indicator_lists.py), the interview questions come in one query, the
person's scores and the agreed scores in one each.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from recruit.extensions import db
from recruit.models import (
    Application,
    Campaign,
    Conflict,
    Criterion,
    CriterionQuestion,
    InterviewQuestion,
    Score,
    Statement,
    User,
)
from recruit.services.assessment import scoring
from recruit.services.campaigns.stages import scoring_open
from recruit.services.fairness import redaction
from recruit.services.frameworks import indicator_lists


@dataclass(frozen=True)
class LowerLevel:
    name: str  # the level's, as the framework names it
    indicators: indicator_lists.Lists


@dataclass
class CriterionSheet:
    """One criterion of the application as the assessor scores it."""

    criterion: Criterion
    # What the panel reads of the candidate's statement at the sift, redactions applied (services/fairness/
    # redaction.py); None where there is no statement (and at interview). Never the Statement itself.
    evidence: str | None
    questions: list[InterviewQuestion]
    indicators: indicator_lists.Lists
    lower: list[LowerLevel]
    score: Score | None
    locked: bool
    # Offered to score now: scoring is open, the person has no conflict with the candidate and the item is not locked.
    editable: bool

    @property
    def code(self) -> str:
        return self.criterion.code

    @property
    def has_indicators(self) -> bool:
        return bool(self.indicators["effective"] or self.indicators["ineffective"])

    @property
    def submitted(self) -> bool:
        return self.score is not None and self.score.submitted


@dataclass
class Sheet:
    """The application's criteria for one assessor, and whether they may score any of them now."""

    application: Application
    stage: str
    criteria: list[CriterionSheet]
    conflict: Conflict | None
    open: bool
    by_code: dict[str, CriterionSheet] = field(init=False)

    def __post_init__(self) -> None:
        self.by_code = {item.code: item for item in self.criteria}

    @property
    def conflicted(self) -> bool:
        return self.conflict is not None and self.conflict.has_conflict

    @property
    def editable(self) -> list[CriterionSheet]:
        """The criteria the page offers to score: none while scoring is closed or with a declared conflict."""
        return [item for item in self.criteria if item.editable]

    @property
    def submitted(self) -> int:
        return sum(1 for item in self.criteria if item.submitted)

    @property
    def drafts(self) -> int:
        return sum(1 for item in self.criteria if item.score is not None and not item.score.submitted)


def _questions(criteria: list[Criterion]) -> dict[int, list[InterviewQuestion]]:
    chosen: dict[int, list[InterviewQuestion]] = defaultdict(list)
    if not criteria:
        return chosen
    rows = db.session.execute(
        select(CriterionQuestion.criterion_id, InterviewQuestion)
        .join(InterviewQuestion, InterviewQuestion.id == CriterionQuestion.question_id)
        .where(CriterionQuestion.criterion_id.in_([criterion.id for criterion in criteria]))
        .order_by(CriterionQuestion.criterion_id, CriterionQuestion.position)
    ).all()
    for criterion_id, question in rows:
        chosen[criterion_id].append(question)
    return chosen


def lower_levels(criterion: Criterion) -> list[LowerLevel]:
    """The levels below the criterion's that give indicators, lowest first, each named as the framework names it
    (kept with the indicators: no query)."""
    level = criterion.level
    if criterion.competency_id is None or level is None:
        return []
    indicators = indicator_lists.of_competency(criterion.competency_id)
    return [
        LowerLevel(indicators.names[number], indicators.at(number))
        for number in indicators.numbers
        if number < level.number
    ]


def _evidence(statement: Statement | None, texts: dict[int, str]) -> str | None:
    return texts[statement.id] if statement is not None else None


def sheet(
    user: User,
    campaign: Campaign,
    application: Application,
    stage: str,
    conflict: Conflict | None,
    criteria: list[Criterion],
) -> Sheet:
    """The application's scoring sheet for this assessor, for these of the criteria scored now (services/campaigns/
    stages.stage_criteria): all of them, or one. `conflict` is their declaration about the candidate
    (scoring.conflict_for). The page has read both already."""
    # Every competency's indicators at once (kept between requests: services/frameworks/indicator_lists.py).
    indicator_lists.of_competencies(c.competency_id for c in criteria if c.competency_id is not None)
    questions = _questions(criteria) if stage == "interview" else {}
    scores = scoring.own_scores_for_application(user, application, stage)
    sift = stage == "sift"
    statements = [s for s in (application.statement_for(c) for c in criteria) if s is not None] if sift else []
    evidence = redaction.panel_texts(statements)
    agreed = scoring.agreed_for_application(application, stage)
    open_now = scoring_open(campaign, stage)
    scoring_now = open_now and not (conflict is not None and conflict.has_conflict)
    items = []
    for criterion in criteria:
        agreed_score = agreed.get(criterion.id)
        locked = agreed_score is not None and agreed_score.locked
        items.append(
            CriterionSheet(
                criterion=criterion,
                evidence=_evidence(application.statement_for(criterion), evidence) if stage == "sift" else None,
                questions=questions.get(criterion.id, []),
                indicators=scoring.indicator_choices(criterion),
                lower=lower_levels(criterion),
                score=scores.get(criterion.id),
                locked=locked,
                editable=scoring_now and not locked,
            )
        )
    return Sheet(
        application=application,
        stage=stage,
        criteria=items,
        conflict=conflict,
        open=open_now,
    )
