"""The report data version: a counter per campaign that moves on with every committed write that can change what
one of the campaign's PDF reports shows. A kept report records the version it was made from
(RenderedReport.data_version); while the campaign's counter still stands there, the kept PDF is served as it is,
without building the report again (services/reports/versions.py).

The counter is moved on here, in one place, so that no writing service has to remember it:

- every flush notes the campaigns its rows belong to (FEEDS says, per table, how a row leads to its campaign; a
  change to a table in EVERY_CAMPAIGN, such as a person's name or the framework, counts for every campaign);
- a bulk UPDATE, INSERT or DELETE on such a table names its campaigns with the `report_campaigns` execution option
  (without it, every campaign counts);
- the commit moves each noted campaign on by one, in campaign order, as the transaction's last statement, so the row
  lock it takes is held only for the commit: concurrent writers in one campaign queue on it and cannot deadlock.

A draft score is shown in no report (only submitted scores are), so saving one moves nothing. Every table is in
FEEDS, EVERY_CAMPAIGN or NOT_SHOWN (tests/models/test_report_data.py checks), so a new table has to be placed.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain
from typing import Any, cast

from sqlalchemy import ForeignKey, Select, Table, event, inspect, literal, select, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import InstanceState, Mapped, Session, SessionTransaction, UOWTransaction, mapped_column
from sqlalchemy.orm.session import ORMExecuteState

from recruit.extensions import Model
from recruit.models.application import Application, Statement
from recruit.models.calibration import BenchmarkAnswer
from recruit.models.campaign import Campaign, Criterion, Panel
from recruit.models.scoring import AgreedScore, Score


class ReportDataVersion(Model):
    __tablename__ = "report_data_versions"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(default=0)


# How a row of each table leads to its campaign: the column holding the id, and the table that id is of.
FEEDS: dict[str, tuple[str, str]] = {
    "campaigns": ("id", "campaigns"),
    "campaign_working_patterns": ("campaign_id", "campaigns"),
    "campaign_status_changes": ("campaign_id", "campaigns"),
    "criteria": ("campaign_id", "campaigns"),
    "panels": ("campaign_id", "campaigns"),
    "panel_members": ("panel_id", "panels"),
    "stage_records": ("campaign_id", "campaigns"),
    "benchmark_answers": ("campaign_id", "campaigns"),
    "benchmark_scores": ("benchmark_id", "benchmark_answers"),
    "interview_times": ("campaign_id", "campaigns"),
    "interview_slots": ("application_id", "applications"),
    "criterion_questions": ("criterion_id", "criteria"),
    "offers": ("campaign_id", "campaigns"),
    "applications": ("campaign_id", "campaigns"),
    "personal_details": ("application_id", "applications"),
    "statements": ("application_id", "applications"),
    "statement_redactions": ("statement_id", "statements"),
    "adjustment_requests": ("application_id", "applications"),
    "disability_confident_claims": ("application_id", "applications"),
    "scores": ("application_id", "applications"),
    "conflicts": ("application_id", "applications"),
    "moderation_deputies": ("application_id", "applications"),
    "agreed_scores": ("application_id", "applications"),
    "agreed_score_versions": ("agreed_score_id", "agreed_scores"),
}

# Tables shared by every campaign whose rows reports show (a framework level's name, an indicator's text, a scale
# point's label, a question, a grade): a change to one counts for every campaign. Of a person, only the name shows.
EVERY_CAMPAIGN = frozenset(
    {
        "users",
        "frameworks",
        "framework_levels",
        "clusters",
        "competencies",
        "indicators",
        "grades",
        "role_profiles",
        "scoring_scales",
        "scale_points",
        "interview_questions",
    }
)
USER_COLUMNS_SHOWN = ("name",)

# Tables no report shows anything of.
NOT_SHOWN = frozenset(
    {
        "alembic_version",
        "report_data_versions",
        "public_content_versions",  # what the public pages show is versioned apart
        "rendered_reports",
        "audit_events",
        "access_denial_windows",
        "notifications",
        "development_emails",
        "recovery_codes",
        "user_tokens",
        "pending_registrations",
        "monitoring_responses",  # equality answers: reported as figures elsewhere, never in these reports
        "monitoring_counts",
        "score_versions",  # a score's history; the score itself moves the counter when it changes
        "competency_aliases",
        "grade_requirements",
        "role_profile_competencies",
        "objective_areas",
        "objectives",
        "objective_area_competencies",
        "essential_criteria",
    }
)


def _campaigns_of(parent: str, ids: list[int]) -> Select[tuple[int]]:
    """The campaigns the rows of `parent` with these ids belong to."""
    if parent == "applications":
        return select(Application.campaign_id).where(Application.id.in_(ids))
    if parent == "criteria":
        return select(Criterion.campaign_id).where(Criterion.id.in_(ids))
    if parent == "panels":
        return select(Panel.campaign_id).where(Panel.id.in_(ids))
    if parent == "benchmark_answers":
        return select(BenchmarkAnswer.campaign_id).where(BenchmarkAnswer.id.in_(ids))
    if parent == "statements":
        return select(Application.campaign_id).join(Statement).where(Statement.id.in_(ids))
    if parent == "agreed_scores":
        return select(Application.campaign_id).join(AgreedScore).where(AgreedScore.id.in_(ids))
    raise ValueError(f"No way from {parent} to a campaign")


_NOTED = "recruit.report_data.campaigns"
_EVERY = "recruit.report_data.every_campaign"


def note(session: Session, campaign_ids: Iterable[int]) -> None:
    """Count a write to these campaigns' report data, for the commit to move their counters on."""
    session.info.setdefault(_NOTED, set()).update(campaign_ids)


def note_every_campaign(session: Session) -> None:
    session.info[_EVERY] = True


def noted(session: Session, campaign_id: int) -> bool:
    """Whether this transaction has written report data of the campaign that is not committed yet."""
    return bool(session.info.get(_EVERY)) or campaign_id in session.info.get(_NOTED, ())


def _draft_before_and_after(row: Score) -> bool:
    history = inspect(row).attrs.status.history
    before = list(history.deleted or history.unchanged or ())
    return row.status == "draft" and all(status == "draft" for status in before)


def _shown_change(session: Session, row: object, table: str) -> bool:
    state = cast("InstanceState[object]", inspect(row))
    if row in session.dirty and not session.is_modified(row, include_collections=False):
        return False
    if table == "users":
        return row in session.deleted or (
            row not in session.new and any(state.attrs[name].history.has_changes() for name in USER_COLUMNS_SHOWN)
        )
    return not (table == "scores" and isinstance(row, Score) and _draft_before_and_after(row))


@event.listens_for(Session, "after_flush")
def _note_flushed(session: Session, context: UOWTransaction) -> None:
    """Note the campaigns of the rows this flush wrote (their ids and histories are still at hand here)."""
    wanted: dict[str, set[int]] = {}
    for row in chain(session.new, session.dirty, session.deleted):
        table = getattr(type(row), "__tablename__", None)
        if table is None or table in NOT_SHOWN or not _shown_change(session, row, table):
            continue
        if table not in FEEDS:
            note_every_campaign(session)  # EVERY_CAMPAIGN, or a table no one placed yet: count it everywhere
            continue
        column, parent = FEEDS[table]
        value = inspect(row).dict.get(column)
        if value is None and column == "id":
            identity = inspect(row).identity
            value = identity[0] if identity else None
        if value is None:
            note_every_campaign(session)
            continue
        if parent == "applications":
            # An application already in the session names its campaign without a query.
            loaded = session.identity_map.get(inspect(Application).identity_key_from_primary_key((value,)))
            if loaded is not None and inspect(loaded).dict.get("campaign_id") is not None:
                note(session, [inspect(loaded).dict["campaign_id"]])
                continue
        wanted.setdefault(parent, set()).add(value)
    # Rows deleted in this flush are noted themselves (a benchmark answer deleted with its scores).
    gone = {(getattr(type(row), "__tablename__", None), inspect(row).dict.get("id")) for row in session.deleted}
    for parent, ids in wanted.items():
        if parent == "campaigns":
            note(session, ids)
            continue
        with session.no_autoflush:
            found = set(session.execute(_campaigns_of(parent, sorted(ids))).scalars())
        if not found and not all((parent, value) in gone for value in ids):
            note_every_campaign(session)  # the rows it led through are gone: count it everywhere
        note(session, found)


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_statement(state: ORMExecuteState) -> None:
    """A bulk UPDATE, INSERT or DELETE skips the flush: it names its campaigns, or counts for every one."""
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(getattr(state.statement, "table", None), "name", None)
    if table is None or table in NOT_SHOWN:
        return
    campaigns: Any = state.execution_options.get("report_campaigns")
    if campaigns is None:
        note_every_campaign(state.session)
    else:
        note(state.session, campaigns)


@event.listens_for(Session, "before_commit")
def _move_on_at_commit(session: Session) -> None:
    """Move the noted campaigns' counters on, last in the transaction: after its final flush."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    every = bool(session.info.pop(_EVERY, False))
    campaigns = sorted(session.info.pop(_NOTED, set()))
    if every or campaigns:
        move_on(session, None if every else campaigns)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    # A transaction that ended without its commit (rolled back) wrote nothing to count. A savepoint rolled back
    # keeps what the transaction around it noted: counting too much only costs a check.
    if transaction.parent is None:
        session.info.pop(_NOTED, None)
        session.info.pop(_EVERY, None)


def move_on(session: Session, campaign_ids: list[int] | None) -> None:
    """Add one to these campaigns' counters (every campaign's for None), creating those not kept yet, in campaign
    order so that two transactions take the rows' locks in the same order."""
    table = cast(Table, ReportDataVersion.__table__)
    source = select(Campaign.id, literal(1)).where(true()).order_by(Campaign.id)
    if campaign_ids is not None:
        source = source.where(Campaign.id.in_(campaign_ids))
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    statement = insert.from_select(["campaign_id", "version"], source).on_conflict_do_update(
        index_elements=["campaign_id"], set_={"version": table.c.version + 1}
    )
    session.execute(statement)


def committed_version(session: Session, campaign_id: int) -> int | None:
    """The campaign's report data version as committed; None while this transaction has written report data of
    the campaign that is not committed yet (what it writes is no version anyone can have kept)."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    if noted(session, campaign_id):
        return None
    found = session.scalar(select(ReportDataVersion.version).where(ReportDataVersion.campaign_id == campaign_id))
    return found or 0
