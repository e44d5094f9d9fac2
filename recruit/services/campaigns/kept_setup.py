"""A campaign's setup as every scoring and moderation request loads it, kept in each process under the setup version
(models/setup_version.py) rather than read on every request.

The setup is the campaign with its scale and framework, its criteria with their competencies and levels, and its
panels with their members and the members' accounts: three queries and some forty objects on every page of a panel.
It changes when an admin edits the campaign, its criteria or its panels, moves it on a stage, or changes a staff
account, and a framework import or seed changes the wording; any such change gives the setup version a new token at
its commit (services/change_tokens.py notices every write). So a request reads the token (one small query) and, while
it stands, copies the campaign as kept into its own session, where it behaves as if just loaded: what the request
changes through it is written as usual, and anything else it reaches is loaded as usual.

The kept copy is loaded in a session of its own, on the request's connection (the same transaction, so the same
snapshot as the token): it holds exactly what the query loads, and nothing the request had loaded before. A
transaction that has itself changed a campaign's setup has no committed token and loads afresh, keeping nothing.

Candidates' accounts are no part of any setup, so their changes (signing in, registering, applying) leave the token
alone. A write made outside the application's sessions (by hand in the database) is not noticed: after one, restart
the app's processes, as after a migration.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, inspect, select
from sqlalchemy.orm import Session, joinedload, selectinload

from recruit.extensions import db
from recruit.models import (
    Campaign,
    Competency,
    Criterion,
    Framework,
    FrameworkLevel,
    Panel,
    PanelMember,
    ScoringScale,
    SetupVersion,
    StageRecord,
    User,
)
from recruit.models.setup_version import ROW_ID
from recruit.models.user import STAFF_ROLES
from recruit.services.change_tokens import ChangeToken, KeptByToken

# The records a campaign's setup is loaded from (load_campaign's query).
SETUP_MODELS: tuple[type, ...] = (
    Campaign,
    ScoringScale,
    Framework,
    Criterion,
    Competency,
    FrameworkLevel,
    Panel,
    PanelMember,
    User,
    StageRecord,
)


def _counts(_session: Session, instance: object) -> bool:
    """Whether a change to this record can change a setup: any of the setup's records but a candidate's account (a
    change of role counts if either role is staff)."""
    if not isinstance(instance, User):
        return True
    roles = {instance.role, *inspect(instance).attrs.role.history.deleted}
    return any(role in STAFF_ROLES for role in roles)


SETUP = ChangeToken("campaign_setup", cast(Table, SetupVersion.__table__), ROW_ID, SETUP_MODELS, counts=_counts)

# Detached campaigns, each with its setup loaded; a few hundred campaigns at the sift or interview at once at most.
_kept: KeptByToken[int, Campaign | None] = KeptByToken(500, SETUP.committed)


def _setup_query(campaign_id: int) -> Select[tuple[Campaign]]:
    # The scale and framework (one row each) come joined to the campaign, each criterion's competency and level to
    # the criteria, and each panel's members and their accounts to the panels; the status history only the
    # overview shows is left to it.
    return (
        select(Campaign)
        .where(Campaign.id == campaign_id)
        .options(
            joinedload(Campaign.scale),
            joinedload(Campaign.framework),
            selectinload(Campaign.criteria).options(joinedload(Criterion.competency), joinedload(Criterion.level)),
            selectinload(Campaign.panels).joinedload(Panel.members).joinedload(PanelMember.user),
        )
    )


def _detached(query: Select[Any], parameters: dict[str, Any] | None = None) -> Any:
    """The query's one row (or None), loaded in a session of its own on the request's connection (the same
    transaction), then let go of: detached objects that hold what the query loaded and nothing else."""
    # rollback_only: this session never ends the request's transaction, which it only reads in.
    with Session(bind=db.session.connection(), autoflush=False, join_transaction_mode="rollback_only") as own:
        found = own.scalar(query, parameters)
        own.expunge_all()
    return found


def _read_detached(wanted: set[int]) -> dict[int, Campaign | None]:
    return {campaign_id: _detached(_setup_query(campaign_id)) for campaign_id in wanted}


def load_campaign(campaign_id: int) -> Campaign | None:
    """The campaign with its setup loaded, in the request's session: copied from the setup kept in this process
    while the setup version stands (one query for the token), else loaded (three queries) and kept."""
    if SETUP.committed() is None:  # this transaction changed a setup: read what it wrote, keep nothing
        return db.session.scalar(_setup_query(campaign_id))
    kept = _kept.get(campaign_id, _read_detached)
    if kept is None:
        return None
    # load=False: the kept state is taken as it stands, with no query; the copy is the session's own.
    campaign: Campaign = db.session.merge(kept, load=False)
    return campaign


# A stage's record (what has been decided at it: the pre-sift, the decision, the sign-off) is part of the setup too;
# kept as a one-item tuple, so that a stage with no record yet is kept as such.
_stage_records: KeptByToken[tuple[int, str], tuple[StageRecord | None]] = KeptByToken(1_000, SETUP.committed)


def load_stage_record(campaign_id: int, stage: str) -> StageRecord | None:
    """The stage's record, in the request's session, or None while it has none: kept as for the campaign."""
    parameters = {"campaign_id": campaign_id, "stage": stage}
    if SETUP.committed() is None:
        return db.session.scalar(_STAGE_RECORD, parameters)
    (kept,) = _stage_records.get(
        (campaign_id, stage), lambda _wanted: {(campaign_id, stage): (_detached(_STAGE_RECORD, parameters),)}
    )
    return db.session.merge(kept, load=False) if kept is not None else None


_STAGE_RECORD = select(StageRecord).where(
    StageRecord.campaign_id == bindparam("campaign_id"), StageRecord.stage == bindparam("stage")
)


# Staff accounts are part of the setup (every panel member's is), so the signed-in person's account, read at the start
# of every request, is kept as well when it is a staff account. A candidate's is read each time: changes to candidates'
# accounts leave the setup version alone.
_staff: KeptByToken[int, User] = KeptByToken(2_000, SETUP.committed)


def load_user(user_id: int) -> User | None:
    """The account with this id, in the request's session: a staff account kept while the setup version stands."""
    kept = _staff.kept(user_id)  # the version is read first: a change committed after it only makes this newer
    if kept is not None:
        return db.session.merge(kept, load=False)
    user = db.session.get(User, user_id)
    if user is not None and user.is_staff and SETUP.committed() is not None:
        _staff.keep(user_id, _detached(select(User).where(User.id == user_id)))
    return user
