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

The change log (ReportDataChange) says which applications a version changed, for those who keep figures worked out
from a whole stage (services/assessment/kept.py) to read again only those applications' rows. A commit whose every
change to a campaign's data was to rows of known applications (the applications themselves, or rows FEEDS leads
to through them: scores, conflicts, agreed scores, statements...) writes one row per application at the campaign's
new version; a commit that changed anything else of the campaign (its settings, criteria, panels, stage records, a
bulk statement, something every campaign shares) writes none, and a version without rows means "anything may have
changed". Every PRUNE_EVERY versions, a campaign's rows older than its last KEPT_VERSIONS versions are deleted.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain
from typing import Any, cast

from sqlalchemy import (
    ForeignKey,
    Select,
    Table,
    and_,
    bindparam,
    delete,
    event,
    insert,
    inspect,
    or_,
    select,
    text,
)
from sqlalchemy.orm import InstanceState, Mapped, Session, SessionTransaction, UOWTransaction, mapped_column
from sqlalchemy.orm.session import ORMExecuteState

from recruit.extensions import Model
from recruit.models.application import Application, Statement
from recruit.models.calibration import BenchmarkAnswer
from recruit.models.campaign import Criterion, Panel
from recruit.models.scoring import AgreedScore, Score


class ReportDataVersion(Model):
    __tablename__ = "report_data_versions"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(default=0)


class ReportDataChange(Model):
    """One application whose report data the campaign's version `version` changed, and nothing else did."""

    __tablename__ = "report_data_changes"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    # No foreign key: a deleted application's change is still a change.
    application_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)


# A commit that changed more applications of a campaign than this logs none (a full read is as quick then).
LOGGED_AT_MOST = 500
# Each campaign's change log keeps its last KEPT_VERSIONS versions, pruned once every PRUNE_EVERY versions.
KEPT_VERSIONS = 256
PRUNE_EVERY = 64


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
        "report_data_changes",
        "public_content_versions",  # what the public pages show is versioned apart
        "setup_versions",  # so is what each process keeps of campaigns' setup
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
    if parent == "criteria":
        return select(Criterion.campaign_id).where(Criterion.id.in_(ids))
    if parent == "panels":
        return select(Panel.campaign_id).where(Panel.id.in_(ids))
    if parent == "benchmark_answers":
        return select(BenchmarkAnswer.campaign_id).where(BenchmarkAnswer.id.in_(ids))
    raise ValueError(f"No way from {parent} to a campaign")


# The parents whose rows each lead to one application.
_THROUGH_APPLICATIONS = frozenset({"applications", "statements", "agreed_scores"})


def _applications_of(parent: str, ids: list[int]) -> Select[tuple[int, int]]:
    """The applications (with their campaigns) the rows of `parent` with these ids belong to."""
    found = select(Application.campaign_id, Application.id)
    if parent == "applications":
        return found.where(Application.id.in_(ids))
    if parent == "statements":
        return found.join(Statement).where(Statement.id.in_(ids))
    if parent == "agreed_scores":
        return found.join(AgreedScore).where(AgreedScore.id.in_(ids))
    raise ValueError(f"No way from {parent} to an application")


_NOTED = "recruit.report_data.campaigns"
_APPLICATIONS = "recruit.report_data.applications"
_EVERY = "recruit.report_data.every_campaign"
# The versions (and changes) this transaction has read, by campaign and the version kept (version_and_changes).
_READ = "recruit.report_data.read"


def note(session: Session, campaign_ids: Iterable[int]) -> None:
    """Count a write to these campaigns' report data, for the commit to move their counters on (anything of the
    campaign may have changed: the commit logs no applications for it)."""
    session.info.setdefault(_NOTED, set()).update(campaign_ids)


def note_applications(session: Session, pairs: Iterable[tuple[int, int]]) -> None:
    """Count a write to the report data of these applications (campaign id, application id) alone."""
    noted_ = session.info.setdefault(_APPLICATIONS, {})
    for campaign_id, application_id in pairs:
        noted_.setdefault(campaign_id, set()).add(application_id)


def note_every_campaign(session: Session) -> None:
    session.info[_EVERY] = True


def noted(session: Session, campaign_id: int) -> bool:
    """Whether this transaction has written report data of the campaign that is not committed yet."""
    return (
        bool(session.info.get(_EVERY))
        or campaign_id in session.info.get(_NOTED, ())
        or campaign_id in session.info.get(_APPLICATIONS, {})
    )


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


def _row_id(row: object) -> int | None:
    state = cast("InstanceState[object]", inspect(row))
    value = state.dict.get("id")
    if value is None and state.identity:
        value = state.identity[0]
    return cast("int | None", value)


@event.listens_for(Session, "after_flush")
def _note_flushed(session: Session, context: UOWTransaction) -> None:
    """Note the campaigns of the rows this flush wrote, and the application of each row that has one (their ids and
    histories are still at hand here)."""
    wanted: dict[str, set[int]] = {}
    for row in chain(session.new, session.dirty, session.deleted):
        table = getattr(type(row), "__tablename__", None)
        if table is None or table in NOT_SHOWN or not _shown_change(session, row, table):
            continue
        if table not in FEEDS:
            note_every_campaign(session)  # EVERY_CAMPAIGN, or a table no one placed yet: count it everywhere
            continue
        column, parent = FEEDS[table]
        value = _row_id(row) if column == "id" else inspect(row).dict.get(column)
        if table == "applications" and value is not None and (own := _row_id(row)) is not None:
            # The application's own row (its status or reference): it moves its own items, and only those.
            note_applications(session, [(value, own)])
            continue
        if value is None:
            note_every_campaign(session)
            continue
        if parent == "applications":
            # An application already in the session names its campaign without a query.
            loaded = session.identity_map.get(inspect(Application).identity_key_from_primary_key((value,)))
            if loaded is not None and inspect(loaded).dict.get("campaign_id") is not None:
                note_applications(session, [(inspect(loaded).dict["campaign_id"], value)])
                continue
        wanted.setdefault(parent, set()).add(value)
    # Rows deleted in this flush are noted themselves (a benchmark answer deleted with its scores).
    gone = {(getattr(type(row), "__tablename__", None), inspect(row).dict.get("id")) for row in session.deleted}
    for parent, ids in wanted.items():
        if parent == "campaigns":
            note(session, ids)
            continue
        with session.no_autoflush:
            if parent in _THROUGH_APPLICATIONS:
                pairs = session.execute(_applications_of(parent, sorted(ids))).tuples().all()
                found = {campaign_id for campaign_id, _ in pairs}
                note_applications(session, pairs)
            else:
                found = set(session.execute(_campaigns_of(parent, sorted(ids))).scalars())
                note(session, found)
        if not found and not all((parent, value) in gone for value in ids):
            note_every_campaign(session)  # the rows it led through are gone: count it everywhere


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
    """Move the noted campaigns' counters on, and log the applications changed, last in the transaction: after its
    final flush."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    every = bool(session.info.pop(_EVERY, False))
    others = session.info.pop(_NOTED, set())
    applications: dict[int, set[int]] = session.info.pop(_APPLICATIONS, {})
    campaigns = sorted(others | applications.keys())
    if not (every or campaigns):
        return
    versions = move_on(session, None if every else campaigns)
    if every:
        return
    log(
        session,
        {
            campaign_id: (versions[campaign_id], ids)
            for campaign_id, ids in applications.items()
            if campaign_id not in others and campaign_id in versions and len(ids) <= LOGGED_AT_MOST
        },
    )
    prune(session, versions)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    # A transaction that ended without its commit (rolled back) wrote nothing to count. A savepoint rolled back
    # keeps what the transaction around it noted: counting too much only costs a check.
    if transaction.parent is None:
        session.info.pop(_NOTED, None)
        session.info.pop(_APPLICATIONS, None)
        session.info.pop(_EVERY, None)
        session.info.pop(_READ, None)  # read again in the next: another process may have committed since


# Written out, the same for PostgreSQL and SQLite: SQLAlchemy cannot keep the compiled form of an INSERT from a SELECT,
# and compiled it afresh at every commit that wrote report data. The SELECT's WHERE keeps SQLite from reading ON
# CONFLICT as part of a join.
_MOVE_ON = """INSERT INTO report_data_versions (campaign_id, version)
SELECT id, 1 FROM campaigns WHERE {where} ORDER BY id
ON CONFLICT (campaign_id) DO UPDATE SET version = report_data_versions.version + 1
RETURNING campaign_id, version"""
_MOVE_ON_EVERY = text(_MOVE_ON.format(where="1 = 1"))
_MOVE_ON_THESE = text(_MOVE_ON.format(where="id IN :ids")).bindparams(bindparam("ids", expanding=True))


def move_on(session: Session, campaign_ids: list[int] | None) -> dict[int, int]:
    """Add one to these campaigns' counters (every campaign's for None), creating those not kept yet, in campaign
    order so that two transactions take the rows' locks in the same order. Returns each one's new version."""
    if campaign_ids is None:
        return dict(session.execute(_MOVE_ON_EVERY).tuples().all())
    return dict(session.execute(_MOVE_ON_THESE, {"ids": campaign_ids}).tuples().all())


def log(session: Session, changes: dict[int, tuple[int, set[int]]]) -> None:
    """Log the applications each campaign's new version changed (campaign id: its version, the applications), in
    one INSERT (the table's own, without the ORM's bulk handling, which the rows do not need)."""
    rows = [
        {"campaign_id": campaign_id, "version": version, "application_id": application_id}
        for campaign_id, (version, ids) in sorted(changes.items())
        for application_id in sorted(ids)
    ]
    if rows:
        session.execute(insert(cast(Table, ReportDataChange.__table__)), rows)


def prune(session: Session, versions: dict[int, int]) -> None:
    """Once every PRUNE_EVERY versions of a campaign, drop its logged changes older than its last KEPT_VERSIONS."""
    due = [(campaign_id, version) for campaign_id, version in versions.items() if version % PRUNE_EVERY == 0]
    if due:
        session.execute(
            delete(ReportDataChange).where(
                or_(
                    *(
                        and_(
                            ReportDataChange.campaign_id == campaign_id,
                            ReportDataChange.version <= version - KEPT_VERSIONS,
                        )
                        for campaign_id, version in due
                    )
                )
            )
        )


def committed_version(session: Session, campaign_id: int) -> int | None:
    """The campaign's report data version as committed; None while this transaction has written report data of
    the campaign that is not committed yet (what it writes is no version anyone can have kept)."""
    return version_and_changes(session, campaign_id, None)[0]


def version_and_changes(session: Session, campaign_id: int, since: int | None) -> tuple[int | None, set[int] | None]:
    """The campaign's report data version as committed (None as for committed_version), and, given the version
    `since` of a value kept, the applications whose report data the versions after it changed, in the same one
    query; those are None when some version of them logged no applications (anything of the campaign may have
    changed), or is pruned, or when nothing is kept or the version has not moved on."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    if noted(session, campaign_id):
        return None, None
    # Read once a transaction for each version kept: the board asks for its standings and for its counted scores,
    # most often kept at the same version.
    known: dict[tuple[int, int | None], tuple[int | None, set[int] | None]] = session.info.setdefault(_READ, {})
    key = (campaign_id, since)
    if key not in known:
        known[key] = _version_and_changes(session, campaign_id, since)
    return known[key]


# Built once: every page kept under the version runs one of them.
_VERSION = select(ReportDataVersion.version).where(ReportDataVersion.campaign_id == bindparam("campaign_id"))
_VERSION_AND_CHANGES = (
    select(ReportDataVersion.version, ReportDataChange.version, ReportDataChange.application_id)
    .outerjoin(
        ReportDataChange,
        and_(
            ReportDataChange.campaign_id == ReportDataVersion.campaign_id,
            ReportDataChange.version > bindparam("since"),
            ReportDataChange.version <= ReportDataVersion.version,
            ReportDataChange.version <= bindparam("until"),
        ),
    )
    .where(ReportDataVersion.campaign_id == bindparam("campaign_id"))
)


def _version_and_changes(session: Session, campaign_id: int, since: int | None) -> tuple[int, set[int] | None]:
    if since is None:
        found = session.scalar(_VERSION, {"campaign_id": campaign_id})
        return found or 0, None
    parameters = {"campaign_id": campaign_id, "since": since, "until": since + KEPT_VERSIONS}
    logged = session.execute(_VERSION_AND_CHANGES, parameters).tuples().all()
    current = logged[0][0] if logged else 0  # a campaign whose data was never written has no counter yet
    versions = {version for _, version, _ in logged if version is not None}
    applications = {application_id for _, version, application_id in logged if version is not None}
    if since < current and len(versions) == current - since:
        return current, applications
    return current, None
