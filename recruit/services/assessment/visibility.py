"""What someone on a panel may see (DESIGN §6), decided here for every page, JSON answer and report.

Other assessors' scores and rationales for an item: once the person's own score for it is submitted (or they
declared a conflict with the candidate, so will never score it), or once the stage is signed off. Candidates' names:
hidden from everyone on a panel until the sift is signed off, even once the admin has recorded who goes on to
interview, and never shown at the sift itself. Admins are not panel members and see everything.

A report is one copy for everyone who may have it (services/reports/versions.py keeps it), so it is never trimmed to the
person asking: it is refused, with the reason, while it would show them something they may not see yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

from sqlalchemy import Integer, ScalarSelect, Select, and_, bindparam, cast, exists, func, null, or_, select, union_all
from sqlalchemy.orm import aliased

from recruit.extensions import db
from recruit.models import Application, Campaign, Conflict, Criterion, Score, ScoreVersion, User
from recruit.models.application import ApplicationStatus
from recruit.models.scoring import ScoreStatus
from recruit.services.campaigns.stages import assessor_ids, eligible_query, membership, recorded, stage_criteria

if TYPE_CHECKING:
    from recruit.services.reports.versions import Kind

# Applications as a list of ids, or a subquery of them.
Applications: TypeAlias = list[int] | ScalarSelect[int]

# The reports that name candidates, and those that show each assessor's scores (services/reports/versions.py KINDS).
NAMING_REPORTS = ("interview", "merit", "interview-candidate", "feedback")
SCORING_REPORTS = ("sift", "interview", "interview-candidate")


def signed_off(campaign: Campaign, stage: str) -> bool:
    record = recorded(campaign, stage)
    return record is not None and record.signed_off_at is not None


# Names.


def names_visible(user: User, campaign: Campaign) -> bool:
    """Whether this person may see who the campaign's candidates are."""
    return user.role == "admin" or signed_off(campaign, "sift")


def shows_names(user: User, campaign: Campaign, stage: str) -> bool:
    """Whether a page about this stage shows candidates' names beside their references: never at the sift."""
    return stage == "interview" and names_visible(user, campaign)


# Other assessors' scores.


@dataclass(frozen=True)
class ScoreSight:
    """Which items' other scores one person sees, for a page of applications."""

    everything: bool
    submitted: frozenset[tuple[int, int]]  # (application id, criterion id) with the person's own score in
    conflicted: frozenset[int]  # applications the person declared a conflict with

    def sees(self, application_id: int, criterion_id: int) -> bool:
        return self.everything or (application_id, criterion_id) in self.submitted or application_id in self.conflicted


# One round trip for the two things that decide it now (the board is among the busiest pages): each conflict as
# (application, NULL), each submitted score as (application, criterion). Built once: every load of the board runs it.
_SIGHT = union_all(
    select(Conflict.application_id, cast(null(), Integer)).where(
        Conflict.assessor_id == bindparam("user_id"),
        Conflict.stage == bindparam("stage"),
        Conflict.has_conflict.is_(True),
        Conflict.application_id.in_(bindparam("ids", expanding=True)),
    ),
    select(Score.application_id, Score.criterion_id).where(
        Score.assessor_id == bindparam("user_id"),
        Score.stage == bindparam("stage"),
        Score.status == ScoreStatus.SUBMITTED,
        Score.application_id.in_(bindparam("ids", expanding=True)),
    ),
)


def score_sight(user: User, campaign: Campaign, stage: str, application_ids: list[int]) -> ScoreSight:
    if user.role == "admin":
        return ScoreSight(True, frozenset(), frozenset())
    if membership(campaign, stage, user) is None:
        return ScoreSight(False, frozenset(), frozenset())
    if signed_off(campaign, stage):
        return ScoreSight(True, frozenset(), frozenset())
    if not application_ids:
        return ScoreSight(False, frozenset(), frozenset())
    rows = db.session.execute(_SIGHT, {"user_id": user.id, "stage": stage, "ids": application_ids}).all()
    return ScoreSight(
        False, frozenset((a, c) for a, c in rows if c is not None), frozenset(a for a, c in rows if c is None)
    )


def sees_others_scores(
    user: User, campaign: Campaign, stage: str, application: Application, criterion: Criterion
) -> bool:
    return score_sight(user, campaign, stage, [application.id]).sees(application.id, criterion.id)


def score_history(
    user: User, campaign: Campaign, stage: str, application: Application, criterion: Criterion
) -> list[ScoreVersion]:
    """Every saved version of the item's scores this person may see, oldest first: all of them for an admin; for the
    chair or a deputy chair their own, and the others' submitted versions on the item page's terms
    (sees_others_scores), never another assessor's drafts."""
    query = (
        select(ScoreVersion)
        .join(Score)
        .where(Score.application_id == application.id, Score.criterion_id == criterion.id, Score.stage == stage)
    )
    if user.role != "admin":
        visible = Score.assessor_id == user.id
        if sees_others_scores(user, campaign, stage, application, criterion):
            visible = or_(visible, ScoreVersion.status == ScoreStatus.SUBMITTED)
        query = query.where(visible)
    return list(db.session.scalars(query.order_by(ScoreVersion.id)))


def unseen_items(
    user: User, campaign: Campaign, stage: str, applications: Applications, criterion_ids: list[int]
) -> int:
    """How many of these items (the applications, a list of ids or a subquery of them, by these criteria) have a
    counted score from another panel member that this person may not see yet. One query, whatever the number."""
    if not criterion_ids or score_sight(user, campaign, stage, []).everything:
        return 0
    own, own_conflict, their_conflict = aliased(Score), aliased(Conflict), aliased(Conflict)
    hidden = (
        select(Score.application_id, Score.criterion_id)
        .where(
            Score.stage == stage,
            Score.status == ScoreStatus.SUBMITTED,
            Score.assessor_id != user.id,
            Score.assessor_id.in_(assessor_ids(campaign, stage)),
            Score.application_id.in_(applications),
            Score.criterion_id.in_(criterion_ids),
            ~exists().where(
                and_(
                    own.application_id == Score.application_id,
                    own.criterion_id == Score.criterion_id,
                    own.stage == stage,
                    own.assessor_id == user.id,
                    own.status == ScoreStatus.SUBMITTED,
                )
            ),
            ~exists().where(
                and_(
                    own_conflict.application_id == Score.application_id,
                    own_conflict.stage == stage,
                    own_conflict.assessor_id == user.id,
                    own_conflict.has_conflict.is_(True),
                )
            ),
            # A conflicted assessor's score is not counted, and no report shows it.
            ~exists().where(
                and_(
                    their_conflict.application_id == Score.application_id,
                    their_conflict.stage == stage,
                    their_conflict.assessor_id == Score.assessor_id,
                    their_conflict.has_conflict.is_(True),
                )
            ),
        )
        .distinct()
        .subquery()
    )
    return db.session.scalar(select(func.count()).select_from(hidden)) or 0


# Reports.


def _report_items(
    campaign: Campaign, stage: str, application: Application | None
) -> list[tuple[Applications, list[int]]]:
    """The items a report shows each assessor's scores for, as (applications, criterion ids) groups."""
    if application is not None:
        return [([application.id], [c.id for c in stage_criteria(campaign, stage)])]

    def ids(query: Select[tuple[Application]]) -> ScalarSelect[int]:
        return query.with_only_columns(Application.id).scalar_subquery()

    if stage == "interview":
        from recruit.services.reports.content.interview import INTERVIEWED  # the report's own list (loads charts)

        invited = select(Application).where(Application.campaign_id == campaign.id, Application.status.in_(INTERVIEWED))
        return [(ids(invited), [c.id for c in stage_criteria(campaign, stage)])]
    groups: list[tuple[Applications, list[int]]] = [
        (ids(eligible_query(campaign, stage)), [c.id for c in stage_criteria(campaign, stage)])
    ]
    if campaign.lead_criterion is not None:
        # Those who left at the pre-sift, with their lead-criterion scores.
        left = select(Application).where(
            Application.campaign_id == campaign.id, Application.status == ApplicationStatus.PRESIFT_FAILED
        )
        groups.append((ids(left), [campaign.lead_criterion.id]))
    return groups


def report_refusal(user: User, campaign: Campaign, kind: Kind, application: Application | None = None) -> str | None:
    """Why this person may not have the report now, or None. Whether they may ever have it (admins and the stage's
    chair) is services/reports.may_have's to say."""
    if user.role == "admin":
        return None
    if kind.slug in NAMING_REPORTS and not names_visible(user, campaign):
        return (
            "You can download this report once the sift is signed off. Until then, candidates' names are "
            "hidden from the panel"
        )
    if kind.slug in SCORING_REPORTS:
        unseen = sum(
            unseen_items(user, campaign, kind.stage, applications, criteria)
            for applications, criteria in _report_items(campaign, kind.stage, application)
        )
        if unseen:
            items = "1 item" if unseen == 1 else f"{unseen} items"
            return (
                f"This report shows other panel members' scores for {items} you have not scored yet. You can "
                f"download it once you have submitted your own scores for them, or once the {kind.stage} is "
                "signed off"
            )
    return None
