"""Read-side helpers for assessors: the panels they sit on, their progress, their work lists in their own order, and
which application or answer comes next.

Each function runs a fixed number of queries, whatever the number of applications.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, cached_property
from itertools import chain, islice
from math import ceil
from typing import Any

from sqlalchemy import Result, Select, bindparam, func, select
from sqlalchemy.orm import selectinload

from recruit.extensions import db
from recruit.labels import status_label
from recruit.models import Application, Campaign, Conflict, InterviewSlot, Panel, PanelMember, Score, User
from recruit.models.campaign import CampaignStatus
from recruit.models.scoring import ScoreStatus
from recruit.services.assessment.kept import KeptByVersion, per_application
from recruit.services.campaigns.kept_setup import load_campaign
from recruit.services.campaigns.stages import (
    assessor_order,
    eligible_ids,
    eligible_parameters,
    eligible_query,
    in_stage,
    listed,
    stage_criteria,
)


@dataclass
class Progress:
    campaign: Campaign
    stage: str
    is_chair: bool
    total: int
    drafts: int
    submitted: int

    @property
    def remaining(self) -> int:
        return max(self.total - self.submitted, 0)

    @property
    def campaign_elsewhere(self) -> str:
        """Where the campaign is, when that is not this stage (say it has closed, or moved on); else empty."""
        return "" if self.campaign.status == self.stage else status_label(self.campaign.display_status).lower()


def stage_for_assessor(user: User, campaign_id: int, stage: str) -> Campaign | None:
    """Object access for scoring: only the stage's panel members reach it."""
    if stage not in ("sift", "interview") or user.role != "assessor":
        return None
    campaign = load_campaign(campaign_id)
    panel = campaign.panel(stage) if campaign is not None else None
    if campaign is None or panel is None:
        return None
    if not any(member.user_id == user.id for member in panel.members):
        return None
    return campaign


def dashboard(user: User) -> list[Progress]:
    memberships = db.session.execute(
        select(PanelMember, Panel)
        .join(Panel)
        .where(PanelMember.user_id == user.id)
        .options(selectinload(PanelMember.panel).selectinload(Panel.campaign))
    ).all()
    rows = []
    for member, panel in memberships:
        campaign = panel.campaign
        if campaign.status in (CampaignStatus.DRAFT, CampaignStatus.WITHDRAWN):
            continue
        eligible = eligible_query(campaign, panel.stage).with_only_columns(Application.id).scalar_subquery()
        applications = (
            db.session.scalar(select(func.count()).select_from(eligible_query(campaign, panel.stage).subquery())) or 0
        )
        conflicts = (
            db.session.scalar(
                select(func.count(Conflict.id)).where(
                    Conflict.assessor_id == user.id,
                    Conflict.stage == panel.stage,
                    Conflict.has_conflict.is_(True),
                    Conflict.application_id.in_(eligible),
                )
            )
            or 0
        )
        counts = dict(
            db.session.execute(
                select(Score.status, func.count(Score.id))
                .where(Score.assessor_id == user.id, Score.stage == panel.stage, Score.application_id.in_(eligible))
                .group_by(Score.status)
            )
            .tuples()
            .all()
        )
        criteria = len(stage_criteria(campaign, panel.stage))
        rows.append(
            Progress(
                campaign,
                panel.stage,
                member.is_chair,
                (applications - conflicts) * criteria,
                counts.get(ScoreStatus.DRAFT, 0),
                counts.get(ScoreStatus.SUBMITTED, 0),
            )
        )
    return rows


@dataclass
class WorkPage:
    """One page of an assessor's work list, with what the pager needs. At interview, `starts` holds each listed
    application's interview time (absent when it has none yet)."""

    items: list[Application]
    page: int
    per_page: int
    total: int
    starts: dict[int, datetime] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return ceil(self.total / self.per_page) if self.total else 0

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


@dataclass(frozen=True)
class Order:
    """Every application of the stage in the order this assessor works through them (ids), with their references and
    each interview's start time. At the sift the ids and references are shared between requests (stage_references):
    callers must not change them."""

    ids: list[int]
    references: dict[int, str]
    starts: dict[int, datetime]


def _plain_rows(statement: Select[Any], parameters: dict[str, Any] | None = None) -> Result[Any]:
    """A statement of plain columns run on the session's connection, its rows as they come: the ORM's work on each
    row (some milliseconds over a stage's thousands of applications) buys nothing for ids, references and counts.
    Changes not yet written go to the database first, as the ORM would send them."""
    if db.session.autoflush:
        db.session.flush()
    return db.session.connection().execute(statement, parameters)


# Orders kept with one stage's applications: a sift panel has a handful of people, and a 10,000-application order
# takes about 0.4 MB.
ORDERS_KEPT = 32


class References(dict[int, str]):
    """The applications a stage scores, by id with their references, and each assessor's own order of them, worked
    out the first time it is asked for (by assessor id): a stage's ten thousand applications take a few
    milliseconds to order, and every submission asks for the next one. A new value for new applications starts
    with no orders."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.orders: dict[int, list[int]] = {}


# The applications each stage scores (ids with their references), kept in each process under the campaign's report
# data version (kept.py), bounded by the applications held: every assessor of a campaign works through the same
# ones, each in their own order.
_references: KeptByVersion[References] = KeptByVersion(200_000, len)


def stage_references(campaign: Campaign, stage: str) -> References:
    """The applications the stage scores, by id with their references: kept, brought up to date by reading again
    only the applications changed since (a withdrawal, say) when only those changed, else read (one query). Shared
    between requests: callers must not change it."""

    def read(only: list[int] | None = None) -> References:
        query = _references_query(stage, only is not None)
        return References(_plain_rows(query, eligible_parameters(campaign, only)).tuples().all())

    def update(kept: References, changed: set[int]) -> References | None:
        # A score or a conflict leaves the same applications, and the kept value with its orders.
        return per_application(kept, changed, read, References)

    return _references.get(campaign.id, ("references", stage), read, update)


@cache
def _references_query(stage: str, only: bool) -> Select[tuple[int, str]]:
    return eligible_ids(stage, only).add_columns(Application.reference)


def ordering(user: User, campaign: Campaign, stage: str) -> Order:
    """At the sift the assessor's own shuffled order of the stage's applications (kept: stage_references); at
    interview the timetable's, applications not yet timetabled last, by reference (the panel shares it; one query,
    whatever the number of applications)."""
    if stage == "interview":
        rows = _plain_rows(
            eligible_query(campaign, stage)
            .with_only_columns(Application.id, Application.reference, InterviewSlot.starts_at)
            .outerjoin(InterviewSlot, InterviewSlot.application_id == Application.id)
            .order_by(InterviewSlot.starts_at.is_(None), InterviewSlot.starts_at, Application.reference)
        ).all()
        return Order(
            [application_id for application_id, _, _ in rows],
            {application_id: reference for application_id, reference, _ in rows},
            {application_id: starts for application_id, _, starts in rows if starts is not None},
        )
    references = stage_references(campaign, stage)
    ids = references.orders.get(user.id)
    if ids is None:
        ids = assessor_order(campaign.id, stage, user.id, references)
        if len(references.orders) < ORDERS_KEPT:
            references.orders[user.id] = ids
    return Order(ids, references, {})


@dataclass
class Standing:
    """Where one assessor stands with a stage, on some of its criteria (all of them, or the one they work across):
    the applications in their order, those they declared a conflict with, and their drafts and submitted scores on
    each. A few queries, whatever the number of applications: the order and the submitted counts are kept between
    requests, brought up to date from the applications changed since (_submitted_counts).

    The counts come from the applications the assessor has scored or declared a conflict with, worked out once: a
    page reads them without going through the whole order again. `references` holds exactly the applications of
    the order (each appears in it once)."""

    order: list[int]
    references: dict[int, str]
    starts: dict[int, datetime]
    criteria: int
    conflicted: frozenset[int]
    submitted: Counter[int]
    drafts: Counter[int]

    def done(self, application_id: int) -> bool:
        """Nothing left to do: every criterion submitted, or a conflict declared (they do not score it)."""
        return application_id in self.conflicted or self.submitted[application_id] >= self.criteria

    def next_after(self, application_id: int | None = None) -> int | None:
        """The next application with work left: after this one in the order, else the first from the top."""
        if self.finished == self.to_score:  # nothing left anywhere
            return None
        # One look at each application until the first with work left (assessors mostly go in order, so those
        # before it are done): no set of the done ones is made, on a stage of tens of thousands.
        conflicted, submitted, criteria = self.conflicted, self.submitted, self.criteria
        start = self.order.index(application_id) + 1 if application_id in self.references else 0
        for candidate in chain(islice(self.order, start, None), islice(self.order, start)):
            if candidate != application_id and candidate not in conflicted and submitted.get(candidate, 0) < criteria:
                return candidate
        return None

    def next_reference(self, application_id: int | None = None) -> str | None:
        """The reference of next_after's application, for a link to it."""
        upcoming = self.next_after(application_id)
        return None if upcoming is None else self.references[upcoming]

    @staticmethod
    def _scored(counts: Counter[int], listed: dict[int, str], conflicted: frozenset[int]) -> dict[int, int]:
        """Of these counts per application, those of applications in the order that the assessor scores."""
        return {i: count for i, count in counts.items() if count and i in listed and i not in conflicted}

    @cached_property
    def _submitted_scored(self) -> dict[int, int]:
        return self._scored(self.submitted, self.references, self.conflicted)

    @cached_property
    def _drafts_scored(self) -> dict[int, int]:
        return self._scored(self.drafts, self.references, self.conflicted)

    @cached_property
    def to_score(self) -> int:
        """The applications this assessor scores: all but those with a declared conflict."""
        listed = self.references
        return len(self.order) - sum(1 for i in self.conflicted if i in listed)

    @cached_property
    def finished(self) -> int:
        """The applications (or answers, on one criterion) with every criterion submitted."""
        if self.criteria <= 0:
            return self.to_score
        return sum(1 for count in self._submitted_scored.values() if count >= self.criteria)

    @cached_property
    def submitted_scores(self) -> int:
        return sum(self._submitted_scored.values())

    @cached_property
    def draft_scores(self) -> int:
        return sum(self._drafts_scored.values())

    @cached_property
    def with_drafts(self) -> list[int]:
        """The applications with a draft, in the assessor's order."""
        drafted = self._drafts_scored
        return [i for i in self.order if i in drafted] if drafted else []


def _own_conflicts(user: User, campaign: Campaign, stage: str) -> frozenset[int]:
    """The applications of the campaign whose candidate this assessor declared a conflict with, at this stage."""
    parameters = {"campaign_id": campaign.id, "assessor_id": user.id, "stage": stage}
    return frozenset(_plain_rows(_OWN_CONFLICTS, parameters).scalars().all())


# Built once, with the statements below: the assessor's pages and every submission run them.
_OWN_CONFLICTS = (
    select(Conflict.application_id)
    .join(Application, Application.id == Conflict.application_id)
    .where(
        Application.campaign_id == bindparam("campaign_id"),
        Conflict.assessor_id == bindparam("assessor_id"),
        Conflict.stage == bindparam("stage"),
        Conflict.has_conflict.is_(True),
    )
)
# The assessor's scores on some criteria, counted per application: by status (standing), or those submitted on some
# applications (next_reference).
_OWN_SCORES = select(Score.application_id, func.count(Score.id)).where(
    Score.assessor_id == bindparam("assessor_id"),
    Score.stage == bindparam("stage"),
    Score.criterion_id.in_(bindparam("criteria", expanding=True)),
)
_OWN_SUBMITTED = _OWN_SCORES.where(Score.status == ScoreStatus.SUBMITTED).group_by(Score.application_id)
_OWN_SUBMITTED_AMONG = _OWN_SUBMITTED.where(Score.application_id.in_(bindparam("among", expanding=True)))
_OWN_DRAFTS = _OWN_SCORES.where(Score.status == ScoreStatus.DRAFT).group_by(Score.application_id)


def _own_score_parameters(user: User, stage: str, criterion_ids: list[int], **more: Any) -> dict[str, Any]:
    return {"assessor_id": user.id, "stage": stage, "criteria": criterion_ids, **more}


# Each assessor's submitted scores on some criteria of a stage, counted per application: kept in each process under
# the campaign's report data version (kept.py). A score submitted (a submitted score is never taken back to a
# draft) moves the version on and logs its application, so a work list reads again only the applications changed
# since, most often by someone else, when nothing of this assessor's has changed. Bounded by the applications
# counted, at about 60 bytes each: 500,000 (30 MB) is fifty assessors well into 10,000-application sifts.
_own_submitted: KeptByVersion[Counter[int]] = KeptByVersion(500_000, len)


def _submitted_counts(user: User, campaign: Campaign, stage: str, criterion_ids: list[int]) -> Counter[int]:
    """How many of these criteria the assessor has submitted a score on, per application of the campaign (those with
    none left out). Shared between requests: callers must not change it."""

    def read(only: list[int] | None = None) -> Counter[int]:
        statement, more = (_OWN_SUBMITTED, {}) if only is None else (_OWN_SUBMITTED_AMONG, {"among": only})
        parameters = _own_score_parameters(user, stage, criterion_ids, **more)
        return Counter(dict(_plain_rows(statement, parameters).tuples().all()))

    def update(kept: Counter[int], changed: set[int]) -> Counter[int] | None:
        return per_application(kept, changed, read, Counter)

    key = ("submitted", stage, user.id, tuple(criterion_ids))
    return _own_submitted.get(campaign.id, key, read, update)


def standing(user: User, campaign: Campaign, stage: str, criterion_ids: list[int]) -> Standing:
    """Where this assessor stands with the stage on these criteria (by id: a page that has just saved has them from
    before its commit)."""
    order = ordering(user, campaign, stage)
    conflicted = _own_conflicts(user, campaign, stage)
    submitted: Counter[int] = Counter()
    drafts: Counter[int] = Counter()
    if criterion_ids:
        submitted = _submitted_counts(user, campaign, stage, criterion_ids)
        parameters = _own_score_parameters(user, stage, criterion_ids)
        drafts = Counter(dict(_plain_rows(_OWN_DRAFTS, parameters).tuples().all()))
    return Standing(order.ids, order.references, order.starts, len(criterion_ids), conflicted, submitted, drafts)


# How many of the applications next in the order next_reference reads the assessor's scores on at a time, before
# it counts them on the whole stage.
LOOK_AHEAD = (20, 200)


def next_reference(
    user: User, campaign: Campaign, stage: str, criterion_ids: list[int], application_id: int | None = None
) -> str | None:
    """The reference of the next application with work left for this assessor on these criteria, after this one
    in their order, else the first from the top: standing(...).next_reference(application_id), without counting
    their scores on the whole stage. The applications next in the order are looked at a few at a time (assessors
    mostly go in order, so the first few usually hold it); the whole stage only when those are all done."""
    if not criterion_ids:
        return None
    order = ordering(user, campaign, stage)
    conflicted = _own_conflicts(user, campaign, stage)
    ids, listed = order.ids, order.references
    start = ids.index(application_id) + 1 if application_id in listed else 0
    following = [
        candidate
        for candidate in chain(islice(ids, start, None), islice(ids, start))
        if candidate != application_id and candidate not in conflicted
    ]
    looked = 0
    for size in LOOK_AHEAD:
        batch = following[looked : looked + size]
        if not batch:
            return None
        submitted = dict(
            _plain_rows(_OWN_SUBMITTED_AMONG, _own_score_parameters(user, stage, criterion_ids, among=batch))
            .tuples()
            .all()
        )
        for candidate in batch:
            if submitted.get(candidate, 0) < len(criterion_ids):
                return listed[candidate]
        looked += size
    if looked >= len(following):
        return None
    return standing(user, campaign, stage, criterion_ids).next_reference(application_id)


def work_list(
    user: User,
    campaign: Campaign,
    stage: str,
    page: int,
    per_page: int = 50,
    *,
    with_names: bool = False,
    among: Standing | None = None,
    drafts_only: bool = False,
) -> WorkPage:
    """One page of the sift in the assessor's own shuffled order, or of the interview in the timetable's order; with
    `drafts_only`, of the applications with a draft among the criteria `among` counts.

    The order (or the Standing that holds it), then the page's applications, with their names where the page shows
    them: the same queries whatever the number of applications.
    """
    page = max(page, 1)
    if among is not None:
        order, starts = among.order, among.starts
    else:
        whole = ordering(user, campaign, stage)
        order, starts = whole.ids, whole.starts
    if drafts_only and among is not None:
        order = among.with_drafts
    chosen = order[(page - 1) * per_page : page * per_page]
    loaded = {application.id: application for application in listed(campaign, stage, chosen, with_names)}
    return WorkPage(
        [loaded[i] for i in chosen if i in loaded],
        page,
        per_page,
        len(order),
        {i: starts[i] for i in chosen if i in starts},
    )


def own_scores(user: User, stage: str, applications: list[Application]) -> dict[tuple[int, int], Score]:
    ids = [a.id for a in applications]
    if not ids:
        return {}
    return {
        (s.application_id, s.criterion_id): s
        for s in db.session.scalars(
            select(Score).where(Score.assessor_id == user.id, Score.stage == stage, Score.application_id.in_(ids))
        )
    }


def application_in_stage(
    campaign: Campaign, stage: str, reference: str, *, with_statements: bool = True
) -> Application | None:
    # The statements come joined, in the same query; a statement's criterion is one of the campaign's, already
    # loaded with it.
    return in_stage(campaign, stage, reference, with_statements=with_statements)
