"""Who takes part in a campaign's stage, and which applications and criteria it scores.

The sift and the interview run on the same engine; everything here takes the stage as data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import cache
from itertools import chain

import numpy as np
from sqlalchemy import ColumnElement, ScalarSelect, Select, and_, bindparam, event, false, or_, select
from sqlalchemy.orm import Session, SessionTransaction, UOWTransaction, joinedload, selectinload

from recruit.extensions import db
from recruit.models import Application, Campaign, Criterion, PanelMember, StageRecord, User
from recruit.models.application import ApplicationStatus
from recruit.services.campaigns.kept_setup import load_stage_record

# The sift decision marks applications sift_passed or sift_failed; they stay in the sift (its board, results,
# a changed decision and the sign-off) as well as going on to interview.
# Absence from the interview (did_not_attend, interview_withdrawn) leaves the sift record as it was.
ELIGIBLE = {
    "sift": (
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.SIFT_PASSED,
        ApplicationStatus.SIFT_FAILED,
        ApplicationStatus.DID_NOT_ATTEND,
        ApplicationStatus.INTERVIEW_WITHDRAWN,
    ),
    "interview": (ApplicationStatus.SIFT_PASSED,),
}


# Each stage's record as this transaction has it, read once: several checks of one request ask for it (whether
# scoring is open, whether a pre-sift runs, the criteria scored). Forgotten when the transaction or a savepoint ends,
# so a record made in a savepoint rolled back, or committed by another process since, is read again.
_RECORDS = "recruit.stage_records"


def recorded(campaign: Campaign, stage: str) -> StageRecord | None:
    """The stage's record, None while it has none: read once a transaction."""
    kept: dict[tuple[int, str], StageRecord | None] = db.session.info.setdefault(_RECORDS, {})
    key = (campaign.id, stage)
    if key not in kept:
        kept[key] = load_stage_record(campaign.id, stage)
    return kept[key]


@event.listens_for(Session, "after_transaction_end")
def _forget_records(session: Session, transaction: SessionTransaction) -> None:
    # The transaction, or a savepoint within it; not the inner transaction each flush opens and closes.
    if transaction.parent is None or transaction.nested:
        session.info.pop(_RECORDS, None)


@event.listens_for(Session, "after_flush")
def _forget_records_made_or_deleted(session: Session, context: UOWTransaction) -> None:
    # A record made or deleted other than by stage_record_to_change (the demonstration data makes its own).
    if _RECORDS in session.info and any(isinstance(row, StageRecord) for row in chain(session.new, session.deleted)):
        session.info.pop(_RECORDS, None)


def stage_record(campaign: Campaign, stage: str) -> StageRecord:
    """What has been decided at the stage, for reading: a page view writes nothing. A stage with no record yet (not
    started, or started before a stage's record was made when it starts) reads as an empty one, which is not saved;
    a service that records a decision asks for stage_record_to_change instead."""
    record = recorded(campaign, stage)
    if record is None:
        return StageRecord(campaign_id=campaign.id, stage=stage, presift_active=False)
    return record


def stage_record_to_change(campaign: Campaign, stage: str) -> StageRecord:
    """The stage's record for a service about to change it, in that service's unit of work; made now if the stage
    has none yet (campaigns.status.move makes it when the stage starts)."""
    record = recorded(campaign, stage)
    if record is None:
        record = StageRecord(campaign=campaign, stage=stage)
        db.session.add(record)
        db.session.flush()
        db.session.info.setdefault(_RECORDS, {})[(campaign.id, stage)] = record
    return record


def membership(campaign: Campaign, stage: str, user: User) -> PanelMember | None:
    panel = campaign.panel(stage)
    if panel is None:
        return None
    return next((member for member in panel.members if member.user_id == user.id), None)


def is_chair(campaign: Campaign, stage: str, user: User) -> bool:
    member = membership(campaign, stage, user)
    return member is not None and member.is_chair


def applicants_among(campaign: Campaign, user_ids: list[int]) -> set[int]:
    """Which of these accounts hold an application to the campaign, in any status (a draft or a withdrawn one
    too): a candidate later made an assessor neither sits on its panels nor assesses it."""
    if not user_ids:
        return set()
    return set(db.session.scalars(_APPLICANTS_AMONG, {"campaign_id": campaign.id, "user_ids": user_ids}))


# Built once, as the hot paths' statements are (every submitted score asks): a statement made and keyed for the
# statement cache afresh on every request costs more of the request's time than running it.
_APPLICANTS_AMONG = select(Application.candidate_id).where(
    Application.campaign_id == bindparam("campaign_id"),
    Application.candidate_id.in_(bindparam("user_ids", expanding=True)),
)


def has_applied(campaign: Campaign, user: User) -> bool:
    return bool(applicants_among(campaign, [user.id]))


def assessor_ids(campaign: Campaign, stage: str) -> list[int]:
    panel = campaign.panel(stage)
    return [member.user_id for member in panel.members] if panel else []


def scoring_open(campaign: Campaign, stage: str) -> bool:
    if campaign.status != stage:
        return False
    record = recorded(campaign, stage)
    return record is None or record.signed_off_at is None


def presift_active(campaign: Campaign, stage: str) -> bool:
    if stage != "sift":
        return False
    record = recorded(campaign, stage)
    return record is not None and record.presift_active


def stage_criteria(campaign: Campaign, stage: str) -> list[Criterion]:
    """The criteria scored now: only the lead criterion during a pre-sift."""
    if presift_active(campaign, stage) and campaign.lead_criterion is not None:
        return [campaign.lead_criterion]
    return campaign.criteria_at(stage)


# Signed off means final (DESIGN §6). An application withdrawn after a stage was signed off stays in that stage's
# record with the status it had (Application.withdrawn_from): its results, ranks and reports stay as signed off,
# and the withdrawal shows beside them as a later event. Withdrawn before sign-off, it leaves the stage.


def _signed_off_at(stage: str) -> ScalarSelect[datetime | None]:
    """The stage's sign-off time for the application's campaign, as a correlated SQL value (NULL until then)."""
    return (
        select(StageRecord.signed_off_at)
        .where(StageRecord.campaign_id == Application.campaign_id, StageRecord.stage == stage)
        .correlate(Application)
        .scalar_subquery()
    )


def withdrawn_after_sign_off(stage: str) -> ColumnElement[bool]:
    """SQL condition: the application was withdrawn after the stage was signed off."""
    return and_(Application.status == ApplicationStatus.WITHDRAWN, Application.withdrawn_at > _signed_off_at(stage))


def recorded_as(stage: str, statuses: Iterable[str]) -> ColumnElement[bool]:
    """SQL condition: the application's status as the stage's record holds it is one of these."""
    # The few statuses as equalities rather than IN: an IN list is written into the SQL at every execution, and
    # nearly every page about applications runs this condition.
    statuses = list(statuses)
    if not statuses:
        return false()
    return or_(
        *(Application.status == status for status in statuses),
        and_(withdrawn_after_sign_off(stage), or_(*(Application.withdrawn_from == status for status in statuses))),
    )


def recorded_status(application: Application, signed_off_at: datetime | None) -> str:
    """The application's status as the record of a stage signed off at `signed_off_at` holds it."""
    withdrawn_from = application.withdrawn_from
    if withdrawn_from is not None and is_later_withdrawal(application, signed_off_at):
        return withdrawn_from
    return application.status


def is_later_withdrawal(application: Application, signed_off_at: datetime | None) -> bool:
    return (
        application.status == ApplicationStatus.WITHDRAWN
        and signed_off_at is not None
        and application.withdrawn_at is not None
        and application.withdrawn_from is not None
        and application.withdrawn_at > signed_off_at
    )


def eligible_query(campaign: Campaign, stage: str) -> Select[tuple[Application]]:
    return select(Application).where(Application.campaign_id == campaign.id, recorded_as(stage, ELIGIBLE[stage]))


@cache
def eligible_ids(stage: str, only: bool = False) -> Select[tuple[int]]:
    """The ids of the applications the stage scores (eligible_query's), as a statement built once for each stage:
    the campaign's id is its parameter `campaign_id`; with `only`, the ids among which are its parameter `only` (a
    list). The board, its quality figures and the assessors' orders read them again after every score saved, and
    a statement built each time costs more to build and look up in SQLAlchemy's cache than to run."""
    query = select(Application.id).where(
        Application.campaign_id == bindparam("campaign_id"), recorded_as(stage, ELIGIBLE[stage])
    )
    return query.where(Application.id.in_(bindparam("only", expanding=True))) if only else query


def eligible_parameters(campaign: Campaign, only: list[int] | None) -> dict[str, object]:
    """The parameters of eligible_ids(stage, only is not None), and of the statements built on it."""
    return {"campaign_id": campaign.id} if only is None else {"campaign_id": campaign.id, "only": only}


def in_stage(campaign: Campaign, stage: str, reference: str, *, with_statements: bool = False) -> Application | None:
    """The application with this reference among those the stage scores (eligible_query), with its statements
    loaded in the same query if asked; None for any other reference."""
    if len(reference) > 20:
        return None
    parameters = {"campaign_id": campaign.id, "reference": reference.upper()}
    return db.session.scalars(_in_stage_query(stage, with_statements), parameters).unique().one_or_none()


@cache
def _in_stage_query(stage: str, with_statements: bool) -> Select[tuple[Application]]:
    # Built once for each stage: every page for one application runs it.
    query = select(Application).where(
        Application.campaign_id == bindparam("campaign_id"),
        recorded_as(stage, ELIGIBLE[stage]),
        Application.reference == bindparam("reference"),
    )
    return query.options(joinedload(Application.statements)) if with_statements else query


def listing_query(campaign: Campaign, stage: str, with_names: bool = False) -> Select[tuple[Application]]:
    """The stage's applications for a list page. Where the page shows names (services/visibility.shows_names),
    they come with the page in one query rather than one per row; elsewhere they are not loaded at all."""
    query = eligible_query(campaign, stage)
    if with_names:
        query = query.options(selectinload(Application.personal_details))
    return query


def listed(campaign: Campaign, stage: str, ids: list[int], with_names: bool = False) -> list[Application]:
    """The stage's applications with these ids (listing_query's, by id): one page of a list."""
    if not ids:
        return []
    return list(db.session.scalars(_listed_query(stage, with_names), {"campaign_id": campaign.id, "ids": ids}))


@cache
def _listed_query(stage: str, with_names: bool) -> Select[tuple[Application]]:
    # Built once for each stage: the work list and the moderation board run it on every load.
    query = select(Application).where(
        Application.campaign_id == bindparam("campaign_id"),
        recorded_as(stage, ELIGIBLE[stage]),
        Application.id.in_(bindparam("ids", expanding=True)),
    )
    return query.options(selectinload(Application.personal_details)) if with_names else query


_MASK = (1 << 64) - 1
_GAMMA = 0x9E3779B97F4A7C15
_MIX_1 = 0xBF58476D1CE4E5B9
_MIX_2 = 0x94D049BB133111EB


def _seed(campaign_id: int, stage: str, assessor_id: int) -> int:
    """The assessor's seed: from hashlib, not Python's hash(), which is salted afresh in every process."""
    digest = hashlib.sha256(f"recruit:assessor-order:{campaign_id}:{stage}:{assessor_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def order_key(campaign_id: int, stage: str, assessor_id: int) -> Callable[[int], int]:
    """The seeded generator behind an assessor's order: SplitMix64, seeded from the campaign, the stage and the
    assessor, gives each application its number in the stream at the application's id; sorting by those numbers
    is a pseudo-random permutation.

    The seed comes from hashlib, not Python's hash(), which is salted afresh in every process: every app process,
    and every release, gives the same assessor the same order. Each application's number depends on its own id
    alone, so a withdrawal takes that application out of the list and leaves the others where they were.
    """
    seed = _seed(campaign_id, stage, assessor_id)

    def sort_key(application_id: int) -> int:
        z = (seed + application_id * _GAMMA) & _MASK
        z = ((z ^ (z >> 30)) * _MIX_1) & _MASK
        z = ((z ^ (z >> 27)) * _MIX_2) & _MASK
        return z ^ (z >> 31)

    return sort_key


def _order_keys(seed: int, ids: np.ndarray) -> np.ndarray:
    """order_key's numbers for a whole array of ids at once: arithmetic on uint64 wraps modulo 2**64, as the
    masking does in order_key."""
    with np.errstate(over="ignore"):
        z = ids * np.uint64(_GAMMA) + np.uint64(seed)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(_MIX_1)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(_MIX_2)
        return z ^ (z >> np.uint64(31))


def assessor_order(campaign_id: int, stage: str, assessor_id: int, application_ids: Iterable[int]) -> list[int]:
    """The applications in this assessor's own shuffled order: the same for them every time, different from
    everyone else's. By order_key's number, then by id; worked out for all the ids at once (a stage's few thousand
    applications in a fraction of a millisecond), giving exactly the order that sorting by order_key gives."""
    ids = list(application_ids)
    if not ids:
        return []
    if min(ids) < 0 or max(ids) > _MASK:
        # Beyond what a uint64 holds (no database id is): order_key itself, one id at a time.
        sort_key = order_key(campaign_id, stage, assessor_id)
        return sorted(ids, key=lambda application_id: (sort_key(application_id), application_id))
    array = np.array(ids, dtype=np.uint64)
    keys = _order_keys(_seed(campaign_id, stage, assessor_id), array)
    # lexsort sorts by the last key first, and is stable: by number, then by id.
    ordered: list[int] = array[np.lexsort((array, keys))].tolist()
    return ordered
