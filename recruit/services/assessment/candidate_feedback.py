"""Feedback a candidate at a time: every criterion's agreed score with its feedback, or a draft built from the
moderated record (the indicators the panel ticked and the agreed rationale, as feedback.draft builds it), saved
together; and, over a stage's candidates, whose feedback is complete. Who may write it is moderators' rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from sqlalchemy import Select, and_, case, func, select

from recruit.extensions import db
from recruit.models import AgreedScore, Application, Campaign, Conflict, Criterion, Indicator, Score, User
from recruit.models.scoring import AgreedScoreStatus, ScoreStatus
from recruit.pagination import ListPage
from recruit.services.assessment import feedback, moderators, visibility
from recruit.services.campaigns.stages import eligible_query, is_chair, listing_query, stage_criteria, stage_record
from recruit.services.errors import Refused
from recruit.services.unit_of_work import unit_of_work

STALE = (
    "Someone else changed this candidate's feedback or agreed scores after you opened the page. Check the "
    "feedback below and save it again"
)
NOT_AGREED = "The score for {name} is no longer agreed, so its feedback cannot be saved. Reload the page"


def field_name(criterion: Criterion) -> str:
    """The form field for a criterion's feedback (its code: unique within the campaign)."""
    return f"feedback-{criterion.code}"


# -- one candidate ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionFeedback:
    criterion: Criterion
    agreed: AgreedScore | None  # None until the score is agreed (or while it is reopened)
    label: str  # the agreed score's label on the scale
    text: str  # the feedback saved, or a draft when none is
    drafted: bool  # whether `text` is a draft

    @property
    def written(self) -> bool:
        return self.agreed is not None and bool(self.agreed.feedback.strip())


@dataclass(frozen=True)
class CandidateFeedback:
    application: Application
    criteria: list[CriterionFeedback]
    refusal: str | None  # why this person may not write it (or not now: it has been released); None when they may

    @property
    def written(self) -> int:
        return sum(1 for row in self.criteria if row.written)

    @property
    def agreed(self) -> list[CriterionFeedback]:
        return [row for row in self.criteria if row.agreed is not None]

    @property
    def complete(self) -> bool:
        return self.written == len(self.criteria)


def _agreed_scores(application: Application, stage: str) -> dict[int, AgreedScore]:
    return {
        row.criterion_id: row
        for row in db.session.scalars(
            select(AgreedScore).where(
                AgreedScore.application_id == application.id,
                AgreedScore.stage == stage,
                AgreedScore.status == AgreedScoreStatus.AGREED,
            )
        )
    }


def _ticked(application: Application, stage: str, conflicted: set[int]) -> dict[int, list[Indicator]]:
    """Per criterion, the indicators ticked in the counted (not conflicted) submitted scores, in feedback.draft's
    order (two queries for every criterion at once)."""
    ticked: dict[int, set[int]] = {}
    for criterion_id, assessor_id, ticks in db.session.execute(
        select(Score.criterion_id, Score.assessor_id, Score.ticked).where(
            Score.application_id == application.id, Score.stage == stage, Score.status == ScoreStatus.SUBMITTED
        )
    ):
        if assessor_id not in conflicted:
            ticked.setdefault(criterion_id, set()).update(ticks or ())
    every = set().union(*ticked.values()) if ticked else set()
    if not every:
        return {}
    indicators = db.session.scalars(
        select(Indicator).where(Indicator.id.in_(every)).order_by(Indicator.kind, Indicator.position)
    ).all()
    return {
        criterion_id: [indicator for indicator in indicators if indicator.id in ids]
        for criterion_id, ids in ticked.items()
    }


def for_candidate(user: User, campaign: Campaign, stage: str, application: Application) -> CandidateFeedback:
    """Every criterion of the stage for one candidate, with its feedback or a draft, and whether this person may
    write it. A draft lists the ticked indicators only where this person may see the other assessors' scores."""
    criteria = stage_criteria(campaign, stage)
    conflicted = moderators.conflicted_ids(application, stage)
    refusal = moderators.refusal(user, campaign, stage, application, "feedback", conflicted=conflicted)
    if refusal is None and stage_record(campaign, stage).released_at is not None:
        refusal = feedback.RELEASED
    agreed = _agreed_scores(application, stage)
    sight = visibility.score_sight(user, campaign, stage, [application.id])
    ticked = _ticked(application, stage, conflicted) if any(not a.feedback.strip() for a in agreed.values()) else {}
    labels = {point.value: point.label for point in campaign.scale.points}
    rows = []
    for criterion in criteria:
        row = agreed.get(criterion.id)
        if row is None:
            rows.append(CriterionFeedback(criterion, None, "", "", False))
            continue
        if row.feedback.strip():
            rows.append(CriterionFeedback(criterion, row, labels.get(row.value, str(row.value)), row.feedback, False))
            continue
        indicators = ticked.get(criterion.id, []) if sight.sees(application.id, criterion.id) else []
        text = feedback.compose_draft(indicators, row.rationale)
        rows.append(CriterionFeedback(criterion, row, labels.get(row.value, str(row.value)), text, bool(text)))
    return CandidateFeedback(application, rows, refusal)


@unit_of_work(STALE)
def save_all(
    actor: User,
    campaign: Campaign,
    stage: str,
    application: Application,
    texts: Mapping[int, str],
    versions: Mapping[int, int | None],
) -> int:
    """Save the feedback on each of these criteria (by criterion id) for one candidate, together: all of it or, on
    any refusal, none. `versions` are the agreed scores' versions the page was shown with: a change since then (more
    feedback saved, a score reopened and agreed again) refuses the lot. Returns how many changed."""
    moderators.check(actor, campaign, stage, application, "feedback")
    if stage_record(campaign, stage).released_at is not None:
        raise Refused(feedback.RELEASED)
    criteria = {criterion.id: criterion for criterion in stage_criteria(campaign, stage)}
    agreed = _agreed_scores(application, stage)
    for criterion_id, text in texts.items():
        criterion = criteria.get(criterion_id)
        if criterion is None:
            raise Refused("Feedback can only be written for this stage's criteria")
        if criterion_id not in agreed:
            raise Refused(NOT_AGREED.format(name=criterion.name))
        if versions.get(criterion_id) != agreed[criterion_id].version:
            raise Refused(STALE)
        if len(text.strip()) > feedback.MAX_LENGTH:
            raise Refused(
                f"Feedback on {criterion.name} must be {feedback.MAX_LENGTH} characters or fewer", field_name(criterion)
            )
    return sum(feedback.write(actor, agreed[criterion_id], text) for criterion_id, text in texts.items())


# -- every candidate of a stage --------------------------------------------------------------------------------

COMPLETE, IN_PROGRESS, NOT_STARTED = "complete", "in progress", "not started"
LABELS: Final = {COMPLETE: "Complete", IN_PROGRESS: "In progress", NOT_STARTED: "Not started"}
TAG_CLASSES: Final = {
    COMPLETE: "govuk-tag--green",
    IN_PROGRESS: "govuk-tag--light-blue",
    NOT_STARTED: "govuk-tag--grey",
}
VIEWS: Final = {"all": "All candidates", "incomplete": "Feedback still to write", "complete": "Feedback complete"}


@dataclass(frozen=True)
class CandidateRow:
    application: Application
    criteria: int
    agreed: int  # criteria with an agreed score
    written: int  # agreed scores with feedback
    may_write: bool
    written_by: str | None  # who writes it instead, where the chair stands aside ("an admin", a deputy's name)

    @property
    def state(self) -> str:
        if self.written >= self.criteria:
            return COMPLETE
        return NOT_STARTED if self.written == 0 else IN_PROGRESS

    @property
    def label(self) -> str:
        return LABELS[self.state]

    @property
    def tag_classes(self) -> str:
        return TAG_CLASSES[self.state]


@dataclass(frozen=True)
class Overview:
    rows: ListPage[CandidateRow]
    candidates: int  # over the whole stage
    complete: int  # candidates with feedback on every criterion

    @property
    def incomplete(self) -> int:
        return self.candidates - self.complete


def _complete_ids(campaign: Campaign, stage: str, criteria: list[Criterion]) -> Select[tuple[int]]:
    """The stage's applications with an agreed score and feedback on every criterion."""
    eligible = eligible_query(campaign, stage).with_only_columns(Application.id)
    if not criteria:
        return eligible
    return (
        select(AgreedScore.application_id)
        .where(
            AgreedScore.stage == stage,
            AgreedScore.status == AgreedScoreStatus.AGREED,
            AgreedScore.criterion_id.in_([c.id for c in criteria]),
            AgreedScore.application_id.in_(eligible.scalar_subquery()),
            func.trim(func.coalesce(AgreedScore.feedback, "")) != "",
        )
        .group_by(AgreedScore.application_id)
        .having(func.count(AgreedScore.id) == len(criteria))
    )


def overview(user: User, campaign: Campaign, stage: str, view: str, page: int, per_page: int) -> Overview:
    """A page of the stage's candidates, by reference, with how far their feedback has got; `view` is all of them,
    those whose feedback is incomplete or those whose is complete. A fixed number of queries."""
    criteria = stage_criteria(campaign, stage)
    complete = _complete_ids(campaign, stage, criteria)
    eligible = eligible_query(campaign, stage)
    candidates, done = db.session.execute(
        select(
            select(func.count()).select_from(eligible.subquery()).scalar_subquery(),
            select(func.count()).select_from(complete.subquery()).scalar_subquery(),
        )
    ).one()
    query = listing_query(campaign, stage, visibility.shows_names(user, campaign, stage))
    if view == "complete":
        query = query.where(Application.id.in_(complete.scalar_subquery()))
    elif view == "incomplete":
        query = query.where(Application.id.not_in(complete.scalar_subquery()))
    listed = db.paginate(query.order_by(Application.reference), page=page, per_page=per_page, error_out=False)
    applications: list[Application] = list(listed.items)
    ids = [application.id for application in applications]
    counts: dict[int, tuple[int, int]] = {}
    conflicts: dict[int, set[int]] = {application_id: set() for application_id in ids}
    if ids:
        has_feedback = func.trim(func.coalesce(AgreedScore.feedback, "")) != ""
        counts = {
            application_id: (agreed, written or 0)
            for application_id, agreed, written in db.session.execute(
                select(
                    AgreedScore.application_id,
                    func.count(AgreedScore.id),
                    func.sum(case((has_feedback, 1), else_=0)),
                )
                .where(
                    AgreedScore.application_id.in_(ids),
                    AgreedScore.stage == stage,
                    AgreedScore.status == AgreedScoreStatus.AGREED,
                    AgreedScore.criterion_id.in_([c.id for c in criteria]),
                )
                .group_by(AgreedScore.application_id)
            )
        }
        for application_id, assessor_id in db.session.execute(
            select(Conflict.application_id, Conflict.assessor_id).where(
                and_(Conflict.application_id.in_(ids), Conflict.stage == stage, Conflict.has_conflict.is_(True))
            )
        ):
            conflicts[application_id].add(assessor_id)
    moderated = moderators.moderated_among(user, campaign, stage, conflicts)
    # The chair is told who writes the feedback of the candidates they declared a conflict with.
    chair = is_chair(campaign, stage, user)
    aside = sorted(i for i in ids if chair and moderators.chair_stands_aside(campaign, stage, conflicts[i]))
    deputies = moderators.deputies_for(stage, aside) if aside else {}
    rows = []
    for application in applications:
        agreed, written = counts.get(application.id, (0, 0))
        written_by = None
        if application.id in aside:
            deputy = deputies.get(application.id)
            written_by = f"the deputy chair, {deputy.name}" if deputy else "an admin"
        rows.append(CandidateRow(application, len(criteria), agreed, written, application.id in moderated, written_by))
    return Overview(ListPage(rows, listed.page, per_page, listed.total or 0), candidates or 0, done or 0)
