"""Independent scoring: an assessor's draft and submitted scores, indicator ticks and rationale.

A score can be changed by its author until the item is agreed. Every saved state is kept.
An assessor with a declared conflict for an application does not score it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Literal, Protocol, cast

from sqlalchemy import Table, bindparam, insert, select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import (
    AgreedScore,
    Application,
    BenchmarkScore,
    Campaign,
    Conflict,
    Criterion,
    Score,
    ScoreVersion,
    User,
)
from recruit.models.scoring import ScoreStatus
from recruit.services.assessment import completion, visibility
from recruit.services.campaigns.stages import (
    ELIGIBLE,
    has_applied,
    membership,
    scoring_open,
    stage_criteria,
)
from recruit.services.errors import Refused
from recruit.services.frameworks import indicator_lists, kept_wording
from recruit.services.records import audit
from recruit.services.unit_of_work import unit_of_work

STALE = "This score was changed by someone else. Your answers are below: check them and save again"
LOCKED = "This item has been agreed by the chair, so its scores are locked"


class NeedsConfirmation(Refused):
    """The ticks contradict the score; the assessor must confirm it is what they mean."""


@dataclass(frozen=True)
class ScoreInput:
    value: int | None
    ticked: list[int]
    rationale: str
    notes: str = ""


class SavedScore(Protocol):
    """What the scoring rules read of a saved score: a candidate's (Score) or a benchmark answer's (BenchmarkScore,
    in the calibration round), which follow the same rules."""

    @property
    def value(self) -> int | None: ...
    @property
    def ticked(self) -> list[int]: ...
    @property
    def rationale(self) -> str: ...
    @property
    def notes(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def version(self) -> int: ...


def indicator_choices(criterion: Criterion) -> indicator_lists.Lists:
    """The indicators an assessor can tick: the required level's effective and ineffective lists."""
    if criterion.competency_id is None or criterion.level is None:
        return indicator_lists.NONE
    return indicator_lists.of_competency(criterion.competency_id).at(criterion.level.number)


def inconsistency(campaign: Campaign, criterion: Criterion, value: int, ticked: list[int]) -> str | None:
    """The consistency prompt (DESIGN §6): a high score with mostly ineffective ticks, or a low one with only
    effective ticks."""
    lists = indicator_choices(criterion)
    effective = sum(1 for i in lists["effective"] if i.id in ticked)
    ineffective = sum(1 for i in lists["ineffective"] if i.id in ticked)
    points = kept_wording.scale_points(campaign.scale_id)
    top, bottom = points[-1].value, points[0].value
    if value >= top - 1 and ineffective > effective:
        return (
            f"You scored {value} but ticked more ineffective indicators ({ineffective}) than effective ones "
            f"({effective}). Confirm this is the score you mean"
        )
    if value <= bottom + 1 and effective > 0 and ineffective == 0:
        return (
            f"You scored {value} but ticked only effective indicators ({effective}). Confirm this is the score you mean"
        )
    return None


def conflict_for(user: User, application: Application, stage: str) -> Conflict | None:
    return db.session.scalar(_CONFLICT, {"application_id": application.id, "assessor_id": user.id, "stage": stage})


# Built once, as are the other statements every scoring page and submission runs.
_CONFLICT = select(Conflict).where(
    Conflict.application_id == bindparam("application_id"),
    Conflict.assessor_id == bindparam("assessor_id"),
    Conflict.stage == bindparam("stage"),
)


def has_conflict(user: User, application: Application, stage: str) -> bool:
    conflict = conflict_for(user, application, stage)
    return conflict is not None and conflict.has_conflict


APPLICANT = "You applied to this campaign, so you take no part in assessing it"


def check_can_score(user: User, campaign: Campaign, application: Application, criterion: Criterion, stage: str) -> None:
    check_can_score_all(user, campaign, application, [criterion], stage)


class _Unread(Enum):
    UNREAD = "unread"


# A conflict declaration not read yet, as opposed to None: read, and none declared.
UNREAD: Literal[_Unread.UNREAD] = _Unread.UNREAD


def check_can_score_all(
    user: User,
    campaign: Campaign,
    application: Application,
    criteria: list[Criterion],
    stage: str,
    declared: Conflict | Literal[_Unread.UNREAD] | None = UNREAD,
) -> list[Criterion]:
    """Whether this person may score these criteria of the application now: the same checks, once for them all.
    `declared` is their conflict declaration for the application (conflict_for), when the page has read it already
    in this transaction. Returns the stage's criteria scored now (stage_criteria)."""
    if membership(campaign, stage, user) is None:
        raise Refused("You are not on this stage's panel")
    # The panel refuses applicants; this holds even for a membership made some other way.
    if has_applied(campaign, user):
        raise Refused(APPLICANT)
    if not scoring_open(campaign, stage):
        raise Refused("Scoring for this stage is closed")
    if application.campaign_id != campaign.id or application.status not in ELIGIBLE[stage]:
        raise Refused("This application is not being scored at this stage")
    scored_now = stage_criteria(campaign, stage)
    if any(criterion not in scored_now for criterion in criteria):
        raise Refused("This criterion is not being scored now")
    conflict = conflict_for(user, application, stage) if declared is UNREAD else declared
    if conflict is not None and conflict.has_conflict:
        raise Refused("You have declared a conflict of interest with this candidate, so you do not score them")
    if stage == "interview" and conflict is None:
        raise Refused("Declare whether you have a conflict of interest with this candidate first")
    return scored_now


def agreed_for(application: Application, criterion: Criterion, stage: str) -> AgreedScore | None:
    return db.session.scalar(
        select(AgreedScore).where(
            AgreedScore.application_id == application.id,
            AgreedScore.criterion_id == criterion.id,
            AgreedScore.stage == stage,
        )
    )


def own_score(user: User, application: Application, criterion: Criterion, stage: str) -> Score | None:
    return db.session.scalar(
        select(Score).where(
            Score.application_id == application.id,
            Score.criterion_id == criterion.id,
            Score.assessor_id == user.id,
            Score.stage == stage,
        )
    )


def agreed_for_application(application: Application, stage: str) -> dict[int, AgreedScore]:
    """The application's agreed scores at the stage, by criterion id, in one query."""
    return {
        agreed.criterion_id: agreed
        for agreed in db.session.scalars(_AGREED, {"application_id": application.id, "stage": stage})
    }


_AGREED = select(AgreedScore).where(
    AgreedScore.application_id == bindparam("application_id"), AgreedScore.stage == bindparam("stage")
)


def own_scores_for_application(user: User, application: Application, stage: str) -> dict[int, Score]:
    """This person's scores for the application at the stage, by criterion id, in one query."""
    return {
        score.criterion_id: score
        for score in db.session.scalars(
            _OWN_SCORES, {"application_id": application.id, "assessor_id": user.id, "stage": stage}
        )
    }


_OWN_SCORES = select(Score).where(
    Score.application_id == bindparam("application_id"),
    Score.assessor_id == bindparam("assessor_id"),
    Score.stage == bindparam("stage"),
)


def already_saved(score: SavedScore, entry: ScoreInput, ticked: list[int], submit: bool) -> bool:
    return (
        score.value == entry.value
        and list(score.ticked) == ticked
        and score.rationale == entry.rationale.strip()
        and score.notes == entry.notes.strip()
        and (score.status == ScoreStatus.SUBMITTED or not submit)
    )


def fill_in(score: Score | BenchmarkScore, entry: ScoreInput, ticked: list[int], submit: bool) -> None:
    """Write what the person entered into their score, submitted or as a draft (a submitted score stays submitted:
    it is changed, never taken back to a draft)."""
    score.value = entry.value
    score.ticked = ticked
    score.rationale = entry.rationale.strip()
    score.notes = entry.notes.strip()
    if submit:
        score.status = ScoreStatus.SUBMITTED
        score.submitted_at = utcnow()
    elif score.status != ScoreStatus.SUBMITTED:
        score.status = ScoreStatus.DRAFT


def checked(
    campaign: Campaign,
    criterion: Criterion,
    entry: ScoreInput,
    score: SavedScore | None,
    agreed: AgreedScore | None,
    *,
    submit: bool,
    version: int | None,
    confirmed: bool,
) -> list[int] | None:
    """The rules for saving one criterion's score, once the person may score it: the ticks to store, or None when
    exactly this was saved already since the page was shown (the same save sent twice). Refused when a rule says no.
    """
    if agreed is not None and agreed.locked:
        raise Refused(LOCKED)
    allowed_ticks = {i.id for lst in indicator_choices(criterion).values() for i in lst}
    ticked = sorted(set(entry.ticked))
    if not set(ticked) <= allowed_ticks:
        raise Refused("Tick only the indicators shown for this criterion", "ticked")
    points = {point.value for point in kept_wording.scale_points(campaign.scale_id)}
    if entry.value is not None and entry.value not in points:
        raise Refused("Select a score", "value")
    # A submitted score stays submitted when it is changed, even saved "as draft", so it must stay complete.
    if submit or (score is not None and score.status == ScoreStatus.SUBMITTED):
        if entry.value is None:
            raise Refused("Select a score", "value")
        if not entry.rationale.strip():
            raise Refused("Enter your rationale for the score", "rationale")
        prompt = inconsistency(campaign, criterion, entry.value, ticked)
        if prompt and not confirmed:
            raise NeedsConfirmation(prompt, "value")

    if score is not None and version is not None and score.version != version:
        if already_saved(score, entry, ticked, submit):
            return None  # the same save sent twice (a double click): nothing was lost, nothing to write
        raise Refused(STALE)
    if score is None and version not in (None, 0):
        raise Refused(STALE)
    return ticked


@dataclass(frozen=True)
class _Checked:
    """A criterion's answer that passed the rules, ready to store: the score it changes (none yet for a first save)
    and the ticks to store."""

    criterion: Criterion
    entry: ScoreInput
    score: Score | None
    ticked: list[int]


SCORE_VERSIONS = cast(Table, ScoreVersion.__table__)


def _write(user: User, application: Application, stage: str, answers: list[_Checked], *, submit: bool) -> list[Score]:
    """Store checked scores, each as its next version with its audit entry. The scores are written in one flush (on
    PostgreSQL the new ones in one INSERT), then their versions and their audit entries in one INSERT each: the
    versions need the scores' ids and version numbers, which that flush settles."""
    written: list[tuple[_Checked, Score, str]] = []
    for answer in answers:
        score = answer.score
        if score is None:
            score = Score(
                application_id=application.id, criterion_id=answer.criterion.id, assessor_id=user.id, stage=stage
            )
            db.session.add(score)
        before_status = score.status
        fill_in(score, answer.entry, answer.ticked, submit)
        written.append((answer, score, before_status))
    db.session.flush()
    # Added by the scores' ids rather than appended to score.history, which would first load every earlier version.
    db.session.execute(
        insert(SCORE_VERSIONS),  # the table's own INSERT, without the ORM's bulk handling
        [
            {
                "score_id": score.id,
                "version": score.version,
                "status": score.status,
                "value": score.value,
                "rationale": score.rationale,
                "notes": score.notes,
                "ticked": answer.ticked,
                "by_id": user.id,
            }
            for answer, score, _ in written
        ],
    )
    audit.record_all(
        [
            audit.Entry(
                (
                    "score.submitted"
                    if submit and before_status != ScoreStatus.SUBMITTED
                    else ("score.changed" if before_status == ScoreStatus.SUBMITTED else "score.draft_saved")
                ),
                "score",
                score.id,
                after={
                    "application": application.reference,
                    "criterion": answer.criterion.code,
                    "stage": stage,
                    "value": score.value,
                    "ticked": answer.ticked,
                    "status": score.status,
                },
            )
            for answer, score, before_status in written
        ],
        actor=user,
    )
    return [score for _, score, _ in written]


@unit_of_work(STALE)
def save(
    user: User,
    campaign: Campaign,
    application: Application,
    criterion: Criterion,
    stage: str,
    entry: ScoreInput,
    *,
    submit: bool,
    version: int | None,
    confirmed: bool = False,
) -> Score:
    check_can_score(user, campaign, application, criterion, stage)
    score = own_score(user, application, criterion, stage)
    agreed = agreed_for(application, criterion, stage)
    ticked = checked(campaign, criterion, entry, score, agreed, submit=submit, version=version, confirmed=confirmed)
    if ticked is None:
        assert score is not None  # only a saved score can have been saved twice
        return score
    [written] = _write(user, application, stage, [_Checked(criterion, entry, score, ticked)], submit=submit)
    if submit:
        completion.tell_chair_if_complete(user, campaign, stage)
    return written


# Several criteria at once: the by-application page.


@dataclass(frozen=True)
class Answer:
    """One criterion's answers from a page that scores several: what was entered, the version of the score the page
    showed (0 for none yet), and whether the person confirmed a score the consistency prompt asked about."""

    criterion: Criterion
    entry: ScoreInput
    version: int | None
    confirmed: bool = False


class AnswersRefused(Refused):
    """Some of the answers broke a rule, so none of them was saved: each refusal by its criterion's code."""

    def __init__(self, refusals: dict[str, Refused]):
        super().__init__("Some of the scores could not be saved")
        self.refusals = refusals


def _nothing_entered(entry: ScoreInput) -> bool:
    return entry.value is None and not entry.ticked and not entry.rationale.strip() and not entry.notes.strip()


@unit_of_work(STALE)
def save_answers(
    user: User,
    campaign: Campaign,
    application: Application,
    stage: str,
    answers: list[Answer],
    *,
    submit: bool,
    declared: Conflict | Literal[_Unread.UNREAD] | None = UNREAD,
) -> list[Score]:
    """Save several criteria of one application together, as drafts or submitted, on the same rules as `save`:
    every answer or, when any of them is refused, none (AnswersRefused says which and why).

    Saving a draft passes over a criterion with nothing entered and nothing saved; submitting needs every answer
    complete. An answer exactly as saved already is not saved again, so a page saved twice keeps one version, and an
    unchanged criterion agreed in the meantime does not stop the others. `declared` is the person's conflict
    declaration for the application, when the page has read it already. Returns the scores written.
    """
    criteria = [answer.criterion for answer in answers]
    scored_now = check_can_score_all(user, campaign, application, criteria, stage, declared)
    scores = own_scores_for_application(user, application, stage)
    agreed = agreed_for_application(application, stage)
    # Every criterion's indicators at once (those not kept in this process yet in one query), rather than one
    # criterion at a time as the rules ask for them.
    indicator_lists.of_competencies(
        criterion.competency_id for criterion in criteria if criterion.competency_id is not None
    )
    refusals: dict[str, Refused] = {}
    to_write: list[_Checked] = []
    for answer in answers:
        criterion, entry = answer.criterion, answer.entry
        score = scores.get(criterion.id)
        if score is None and not submit and _nothing_entered(entry):
            continue
        if score is not None and already_saved(score, entry, sorted(set(entry.ticked)), submit):
            continue
        try:
            ticked = checked(
                campaign,
                criterion,
                entry,
                score,
                agreed.get(criterion.id),
                submit=submit,
                version=answer.version,
                confirmed=answer.confirmed,
            )
        except Refused as refused:
            refusals[criterion.code] = refused
            continue
        if ticked is not None:
            to_write.append(_Checked(criterion, entry, score, ticked))
    if refusals:
        raise AnswersRefused(refusals)
    written = _write(user, application, stage, to_write, submit=submit) if to_write else []
    if submit and written:
        completion.tell_chair_if_complete(user, campaign, stage, scored_now)
    return written


@unit_of_work()
def declare(
    user: User, campaign: Campaign, application: Application, stage: str, has_conflict_: bool, reason: str
) -> Conflict:
    if membership(campaign, stage, user) is None:
        raise Refused("You are not on this stage's panel")
    if has_applied(campaign, user):
        raise Refused(APPLICANT)
    if application.campaign_id != campaign.id or application.status not in ELIGIBLE[stage]:
        raise Refused("This application is not being scored at this stage")
    if stage == "interview" and not visibility.names_visible(user, campaign):
        # The declaration is about who the candidate is, which the panel is not shown until then.
        raise Refused(
            "You can say whether you have a conflict of interest with this candidate once the sift is signed off"
        )
    if has_conflict_ and not reason.strip():
        raise Refused("Enter why you have a conflict of interest", "reason")
    existing = conflict_for(user, application, stage)
    if existing is not None and existing.has_conflict:
        raise Refused("You have already declared a conflict of interest with this candidate")
    if existing is None:
        existing = Conflict(application_id=application.id, assessor_id=user.id, stage=stage)
        db.session.add(existing)
    existing.has_conflict = has_conflict_
    existing.reason = reason.strip()
    existing.declared_at = utcnow()
    db.session.flush()
    audit.record(
        "conflict.declared" if has_conflict_ else "conflict.none_declared",
        "application",
        application.id,
        after={"stage": stage, "assessor": user.email, "reason": existing.reason},
        actor=user,
    )
    if has_conflict_:
        # One fewer score expected for this candidate: it may have been the last one awaited.
        completion.tell_chair_if_complete(user, campaign, stage)
    return existing
