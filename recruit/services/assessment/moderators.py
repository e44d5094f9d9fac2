"""Who may moderate an application at a stage (DESIGN §6, "Who may moderate what"): the stage's chair, unless
they declared a conflict of interest with the candidate; then an admin, or the panel member an admin names as
deputy chair for that application. Agreeing, confirming in bulk, reopening and writing feedback all ask here.
"""

from __future__ import annotations

from collections.abc import Collection, Container, Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import Application, Campaign, Conflict, Criterion, ModerationDeputy, User
from recruit.services.campaigns.stages import (
    ELIGIBLE,
    applicants_among,
    eligible_query,
    has_applied,
    membership,
    scoring_open,
    stage_criteria,
)
from recruit.services.errors import Refused
from recruit.services.records import audit
from recruit.services.unit_of_work import unit_of_work

CONFLICTED_CHAIR = (
    "You declared a conflict of interest with this candidate, so you take no part in moderating "
    "their application. An admin, or a deputy chair named by an admin, moderates it"
)
CONFLICTED_DEPUTY = "You declared a conflict of interest with this candidate, so you cannot moderate their application"
APPLICANT = "You applied to this campaign, so you take no part in assessing it"
# What everyone else is told, by action (the words the chair-only rules have always used).
NOT_YOURS = {
    "agree": "Only the panel's chair can moderate this stage",
    "reopen": "Only the chair or an admin can reopen an agreed score",
    "feedback": "Only the panel's chair writes feedback",
}


def conflicted_ids(application: Application, stage: str) -> set[int]:
    """Every panel member who declared a conflict of interest with this candidate at this stage."""
    return set(
        db.session.scalars(
            select(Conflict.assessor_id).where(
                Conflict.application_id == application.id, Conflict.stage == stage, Conflict.has_conflict.is_(True)
            )
        )
    )


def _chair_id(campaign: Campaign, stage: str) -> int | None:
    panel = campaign.panel(stage)
    return next((member.user_id for member in panel.members if member.is_chair), None) if panel else None


def chair_stands_aside(campaign: Campaign, stage: str, conflicted: Iterable[int]) -> bool:
    """Whether the chair takes no part in moderating an application with these conflicts declared (or the stage
    has no chair at all)."""
    chair_id = _chair_id(campaign, stage)
    return chair_id is None or chair_id in set(conflicted)


def deputy_of(application: Application, stage: str) -> ModerationDeputy | None:
    return db.session.scalar(
        select(ModerationDeputy)
        .where(ModerationDeputy.application_id == application.id, ModerationDeputy.stage == stage)
        .options(joinedload(ModerationDeputy.deputy))
    )


def deputies_for(stage: str, application_ids: list[int]) -> dict[int, User]:
    """The named deputies of these applications at this stage, by application id (one query)."""
    if not application_ids:
        return {}
    rows = db.session.scalars(
        select(ModerationDeputy)
        .where(ModerationDeputy.stage == stage, ModerationDeputy.application_id.in_(application_ids))
        .options(joinedload(ModerationDeputy.deputy))
    )
    return {row.application_id: row.deputy for row in rows}


def refusal(
    user: User,
    campaign: Campaign,
    stage: str,
    application: Application,
    action: str = "agree",
    *,
    conflicted: Iterable[int] | None = None,
) -> str | None:
    """Why this person may not moderate this application at this stage (agree, reopen or feedback), or None when
    they may. `conflicted` is who declared a conflict with the candidate, when the caller has already read it.

    - the chair, unless they declared a conflict with the candidate;
    - an admin, where the chair may not (and reopening anything, as DESIGN §6 has always allowed);
    - the deputy an admin named for the application, where the chair may not, while they are a member of the
      stage's panel without a conflict of their own.
    """
    conflicted = conflicted_ids(application, stage) if conflicted is None else set(conflicted)
    stands_aside = chair_stands_aside(campaign, stage, conflicted)
    member = membership(campaign, stage, user)
    if member is not None and member.is_chair:
        return CONFLICTED_CHAIR if stands_aside else None
    if user.role == "admin":
        return None if stands_aside or action == "reopen" else NOT_YOURS[action]
    if member is not None and stands_aside:
        named = deputy_of(application, stage)
        if named is not None and named.deputy_id == user.id:
            return CONFLICTED_DEPUTY if user.id in conflicted else None
    return NOT_YOURS[action]


def may_moderate(
    user: User,
    campaign: Campaign,
    stage: str,
    application: Application,
    action: str = "agree",
    *,
    conflicted: Iterable[int] | None = None,
) -> bool:
    return refusal(user, campaign, stage, application, action, conflicted=conflicted) is None


@dataclass(frozen=True)
class _ChairSide(Container[int]):
    """The applications of `conflicts` (by id, each with who declared a conflict with its candidate) whose conflicts
    hold the chair (`with_chair`), or do not: looked up one application at a time, rather than a set made of a
    large sift's tens of thousands each time a chair's page asks."""

    conflicts: Mapping[int, Collection[int]]
    chair_id: int
    with_chair: bool

    def __contains__(self, application_id: object) -> bool:
        if not isinstance(application_id, int):
            return False
        conflicted = self.conflicts.get(application_id)
        return conflicted is not None and (self.chair_id in conflicted) is self.with_chair


def moderated_among(
    user: User, campaign: Campaign, stage: str, conflicts: Mapping[int, Collection[int]]
) -> Container[int]:
    """Which of these applications (by id, each with who declared a conflict with its candidate) this person
    moderates: `refusal`'s rule for agreeing and feedback, for a whole stage at once (one query at most, for a
    deputy chair's applications)."""
    chair_id = _chair_id(campaign, stage)

    def aside(conflicted: Collection[int]) -> bool:
        return chair_id is None or chair_id in conflicted

    member = membership(campaign, stage, user)
    # The chair and an admin go through every application of the stage (a large sift's are tens of thousands).
    if member is not None and member.is_chair:
        return set() if chair_id is None else _ChairSide(conflicts, chair_id, with_chair=False)
    if user.role == "admin":
        return set(conflicts) if chair_id is None else _ChairSide(conflicts, chair_id, with_chair=True)
    if member is None:
        return set()
    named = set(
        db.session.scalars(
            select(ModerationDeputy.application_id).where(
                ModerationDeputy.deputy_id == user.id, ModerationDeputy.stage == stage
            )
        )
    )
    return {
        application_id
        for application_id in named & conflicts.keys()
        if aside(conflicts[application_id]) and user.id not in set(conflicts[application_id])
    }


def check(
    user: User,
    campaign: Campaign,
    stage: str,
    application: Application,
    action: str = "agree",
    *,
    conflicted: Iterable[int] | None = None,
) -> None:
    """Refuse a moderating write this person may not make. A panel member who applied to the campaign is refused
    too: the panel rules keep applicants off it, and this holds for a membership made some other way."""
    reason = refusal(user, campaign, stage, application, action, conflicted=conflicted)
    if reason is not None:
        raise Refused(reason)
    if user.role != "admin" and has_applied(campaign, user):
        raise Refused(APPLICANT)


def is_deputy(user: User, stage: str, application: Application) -> bool:
    """Whether this person is named as the application's deputy chair (for reaching its moderation pages; what
    they may do there is `refusal`'s to say)."""
    named = deputy_of(application, stage)
    return named is not None and named.deputy_id == user.id


@dataclass(frozen=True)
class Deputyship:
    """An application a panel member moderates as its deputy chair, and the criteria to moderate."""

    campaign: Campaign
    stage: str
    application: Application
    criteria: list[Criterion]


def deputyships(user: User) -> list[Deputyship]:
    """The applications this person moderates as deputy chair, in campaigns now at that stage (one query, and one
    per campaign and stage for its criteria)."""
    rows = db.session.execute(
        select(ModerationDeputy, Application)
        .join(Application, Application.id == ModerationDeputy.application_id)
        .where(ModerationDeputy.deputy_id == user.id)
        .options(joinedload(Application.campaign))
        .order_by(Application.campaign_id, ModerationDeputy.stage, Application.reference)
    ).all()
    found, criteria = [], {}
    for named, application in rows:
        campaign, stage = application.campaign, named.stage
        if campaign.status != stage or application.status not in ELIGIBLE[stage]:
            continue
        if membership(campaign, stage, user) is None:
            continue
        if (campaign.id, stage) not in criteria:
            criteria[(campaign.id, stage)] = stage_criteria(campaign, stage)
        found.append(Deputyship(campaign, stage, application, criteria[(campaign.id, stage)]))
    return found


# -- naming a deputy (admins) ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Handover:
    """An application whose chair declared a conflict of interest with the candidate, and who moderates it."""

    application: Application
    deputy: User | None  # None: an admin moderates it


def handovers(campaign: Campaign, stage: str) -> list[Handover]:
    """The stage's applications the chair may not moderate, by reference, with their deputies (two queries)."""
    chair_id = _chair_id(campaign, stage)
    if chair_id is None:
        return []
    applications = list(
        db.session.scalars(
            eligible_query(campaign, stage)
            .where(
                Application.id.in_(
                    select(Conflict.application_id).where(
                        Conflict.assessor_id == chair_id, Conflict.stage == stage, Conflict.has_conflict.is_(True)
                    )
                )
            )
            .order_by(Application.reference)
        )
    )
    deputies = deputies_for(stage, [a.id for a in applications])
    return [Handover(application, deputies.get(application.id)) for application in applications]


def deputy_candidates(campaign: Campaign, stage: str, application: Application) -> list[User]:
    """The panel members who could be named: not the chair, no conflict with the candidate, not an applicant."""
    panel = campaign.panel(stage)
    if panel is None:
        return []
    conflicted = conflicted_ids(application, stage)
    others = [member.user for member in panel.members if not member.is_chair and member.user_id not in conflicted]
    applied = applicants_among(campaign, [person.id for person in others])
    return [person for person in others if person.id not in applied and person.active]


@unit_of_work()
def name_deputy(actor: User, campaign: Campaign, stage: str, application: Application, deputy_id: int | None) -> None:
    """Name (or change, or with None remove) the deputy chair who moderates this application at this stage."""
    if actor.role != "admin":
        raise Refused("Only an admin names a deputy chair")
    if stage not in ELIGIBLE or application.campaign_id != campaign.id or application.status not in ELIGIBLE[stage]:
        raise Refused(f"This application is not at the {stage} of this campaign")
    if not scoring_open(campaign, stage):
        raise Refused(f"Moderation of the {stage} is not open, so no deputy chair can be named for it")
    conflicted = conflicted_ids(application, stage)
    if not chair_stands_aside(campaign, stage, conflicted):
        raise Refused(
            "The chair has not declared a conflict of interest with this candidate, so the chair "
            "moderates this application"
        )
    existing = deputy_of(application, stage)
    before = {
        "stage": stage,
        "application": application.reference,
        "deputy": existing.deputy.email if existing else None,
    }
    if deputy_id is None:
        if existing is None:
            return
        db.session.delete(existing)
        audit.record(
            "moderation.deputy_removed",
            "application",
            application.id,
            before=before,
            after={**before, "deputy": None},
            actor=actor,
        )
        return
    panel = campaign.panel(stage)
    member = next((m for m in panel.members if m.user_id == deputy_id), None) if panel else None
    if member is None:
        raise Refused(f"Select a member of the {stage} panel", "deputy")
    person = member.user
    if member.is_chair:
        raise Refused(
            "The chair has declared a conflict of interest with this candidate; select another member of the panel",
            "deputy",
        )
    if person.id in conflicted:
        raise Refused(
            f"{person.name} has declared a conflict of interest with this candidate; select another "
            "member of the panel",
            "deputy",
        )
    if not person.active or person.role != "assessor":
        raise Refused(
            f"{person.name}'s account is not an active assessor account; select another member of the panel", "deputy"
        )
    if has_applied(campaign, person):
        raise Refused(f"{person.name} applied to this campaign; select another member of the panel", "deputy")
    if existing is not None and existing.deputy_id == person.id:
        return
    if existing is None:
        existing = ModerationDeputy(
            application_id=application.id, stage=stage, deputy_id=person.id, named_by_id=actor.id
        )
        db.session.add(existing)
    existing.deputy_id, existing.named_by_id = person.id, actor.id
    existing.named_at = utcnow()
    audit.record(
        "moderation.deputy_named",
        "application",
        application.id,
        before=before,
        after={**before, "deputy": person.email},
        actor=actor,
    )
