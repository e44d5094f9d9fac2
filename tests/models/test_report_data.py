"""The report data version (models/report_data.py): every table is placed (it leads to a campaign, it counts for
every campaign, or no report shows it), and a write to a row of each table a campaign's reports are built from moves
that campaign's counter on at the commit, and no other campaign's; the change log names the applications a version
changed when nothing else of the campaign changed, and keeps a bounded number of versions."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from recruit.extensions import db
from recruit.models import Application, Campaign, ReportDataVersion, Score
from recruit.models.report_data import (
    EVERY_CAMPAIGN,
    FEEDS,
    KEPT_VERSIONS,
    NOT_SHOWN,
    PRUNE_EVERY,
    ReportDataChange,
    committed_version,
    version_and_changes,
)
from tests.factories import interview_stage, sift_campaign
from tests.helpers import recording


def test_every_table_is_placed_once():
    tables = set(db.metadata.tables)
    placed = [*FEEDS, *EVERY_CAMPAIGN, *NOT_SHOWN]
    assert sorted(tables - set(placed)) == []
    assert len(placed) == len(set(placed))


@pytest.fixture
def two_campaigns(admin):
    """A campaign through a signed-off interview (scores, agreed scores, conflicts, panels, records...), and
    another at the sift."""
    setup, _ = interview_stage(admin)
    other = sift_campaign(admin, applications=1, keep_criteria=1, email_domain="other.example.org")
    db.session.commit()
    return setup.campaign, other.campaign


def model_of(table: str) -> type:
    return next(m.class_ for m in db.Model.registry.mappers if getattr(m.class_, "__tablename__", None) == table)


def rows_of(table: str, campaign_id: int) -> list[object]:
    """The ORM rows of the table that belong to the campaign, by the path FEEDS gives."""
    return [row for row in db.session.scalars(select(model_of(table))) if _campaign_of(table, row) == campaign_id]


def _campaign_of(table: str, row: object) -> int | None:
    column, parent = FEEDS[table]
    value = getattr(row, column)
    if parent == "campaigns":
        return value
    return _campaign_of(parent, db.session.get(model_of(parent), value))


def _application_of(table: str, row: object) -> int | None:
    """The application the row belongs to, by the path FEEDS gives; None for a row of no one application."""
    if table == "applications":
        return row.id
    column, parent = FEEDS[table]
    if parent == "applications":
        return getattr(row, column)
    if parent == "campaigns":
        return None
    return _application_of(parent, db.session.get(model_of(parent), getattr(row, column)))


def logged(campaign_id: int, version: int | None = None) -> set[int]:
    """The applications the change log holds for the campaign's version (by default its current one)."""
    version = committed_version(db.session(), campaign_id) if version is None else version
    return set(
        db.session.scalars(
            select(ReportDataChange.application_id).where(
                ReportDataChange.campaign_id == campaign_id, ReportDataChange.version == version
            )
        )
    )


def test_a_write_to_any_row_a_campaigns_reports_read_moves_that_campaign_on(two_campaigns):
    campaign, other = two_campaigns
    written = []
    for table in FEEDS:
        rows = rows_of(table, campaign.id)
        if not rows:
            continue
        before = (committed_version(db.session(), campaign.id), committed_version(db.session(), other.id))
        row = rows[0]
        column = FEEDS[table][0] if FEEDS[table][0] != "id" else "reference"
        if table == "scores":
            column = "value"  # a submitted score: the draft rule does not apply
        flag_modified(row, column)
        db.session.commit()
        after = (committed_version(db.session(), campaign.id), committed_version(db.session(), other.id))
        assert after == (before[0] + 1, before[1]), table
        # A row of one application logs that application alone; any other row of the campaign logs nothing.
        application_id = _application_of(table, row)
        assert logged(campaign.id) == ({application_id} if application_id else set()), table
        written.append(table)
    # The world has rows of the tables at the heart of every report.
    assert {"campaigns", "criteria", "panel_members", "applications", "scores", "agreed_scores"} <= set(written)
    assert {"agreed_score_versions", "conflicts", "stage_records", "personal_details", "statements"} <= set(written)


def test_a_campaign_without_a_counter_gets_one_at_its_first_write(two_campaigns):
    campaign, _ = two_campaigns
    db.session.execute(db.delete(ReportDataVersion).where(ReportDataVersion.campaign_id == campaign.id))
    db.session.commit()
    assert committed_version(db.session(), campaign.id) == 0
    campaign.location = "Leeds"
    db.session.commit()
    assert committed_version(db.session(), campaign.id) == 1


def test_the_version_is_read_once_a_transaction_and_again_in_the_next(two_campaigns):
    campaign_id = two_campaigns[0].id
    with recording() as statements:  # from a new session, as a request's
        first = committed_version(db.session(), campaign_id)
        assert version_and_changes(db.session(), campaign_id, None) == (first, None)
        assert committed_version(db.session(), campaign_id) == first
        assert len(statements) == 1, statements
    campaign = db.session.get_one(Campaign, campaign_id)
    campaign.location = "Leeds"
    db.session.flush()
    assert committed_version(db.session(), campaign_id) is None, "this transaction's own write is no version"
    db.session.commit()
    with recording() as statements:
        assert committed_version(db.session(), campaign_id) == first + 1
        assert len(statements) == 1, statements


def test_a_transaction_rolled_back_moves_nothing(two_campaigns):
    campaign, _ = two_campaigns
    before = committed_version(db.session(), campaign.id)
    campaign.location = "Leeds"
    db.session.flush()
    db.session.rollback()
    assert committed_version(db.session(), campaign.id) == before


def test_the_change_log_names_the_applications_a_commit_changed_when_it_changed_nothing_else(two_campaigns, admin):
    campaign, other = two_campaigns
    first, second = db.session.scalars(
        select(Score).where(Score.status == "submitted").join(Application).where(Application.campaign_id == campaign.id)
    ).all()[:2]
    scores = [first, second] if first.application_id != second.application_id else [first]
    for row in scores:
        flag_modified(row, "value")
    db.session.commit()
    assert logged(campaign.id) == {row.application_id for row in scores}
    assert logged(other.id) == set()
    version = committed_version(db.session(), campaign.id)
    assert version_and_changes(db.session(), campaign.id, version - 1) == (version, {s.application_id for s in scores})
    assert version_and_changes(db.session(), campaign.id, version) == (version, None), "nothing changed since"
    # A score and the campaign's settings in one commit: anything may have changed, nothing is logged.
    flag_modified(first, "value")
    campaign.location = "Leeds"
    db.session.commit()
    assert logged(campaign.id) == set()
    assert version_and_changes(db.session(), campaign.id, version) == (version + 1, None)
    assert version_and_changes(db.session(), campaign.id, version - 1) == (version + 1, None)
    # A person's name shows in every campaign's reports: every counter moves, and nothing is logged.
    versions = (committed_version(db.session(), campaign.id), committed_version(db.session(), other.id))
    admin.name = "Alex Admin-Smith"
    db.session.commit()
    assert (committed_version(db.session(), campaign.id), committed_version(db.session(), other.id)) == (
        versions[0] + 1,
        versions[1] + 1,
    )
    assert logged(campaign.id) == set() and logged(other.id) == set()


def test_the_change_log_keeps_each_campaigns_last_versions(two_campaigns):
    campaign, other = two_campaigns
    application = db.session.scalars(select(Application).where(Application.campaign_id == campaign.id)).first()
    # Versions logged long ago, and the counter just short of a pruning.
    start = 5 * PRUNE_EVERY - 1
    db.session.execute(db.delete(ReportDataChange))
    db.session.execute(
        ReportDataVersion.__table__.update().where(ReportDataVersion.campaign_id == campaign.id).values(version=start)
    )
    old = [1, start + 1 - KEPT_VERSIONS, start + 2 - KEPT_VERSIONS, start]
    for version in old:
        db.session.add(ReportDataChange(campaign_id=campaign.id, version=version, application_id=application.id))
    db.session.add(ReportDataChange(campaign_id=other.id, version=1, application_id=application.id))
    db.session.commit()
    application.reference = "Z" + application.reference[1:]
    db.session.commit()
    assert committed_version(db.session(), campaign.id) == start + 1
    kept = db.session.scalars(select(ReportDataChange.version).where(ReportDataChange.campaign_id == campaign.id)).all()
    assert sorted(kept) == [start + 2 - KEPT_VERSIONS, start, start + 1]
    assert logged(other.id, 1) == {application.id}, "another campaign's log is its own to prune"
    # What changed since a version is known while every version after it is logged, and no further back than the
    # log keeps.
    assert version_and_changes(db.session(), campaign.id, start) == (start + 1, {application.id})
    assert version_and_changes(db.session(), campaign.id, start - 1) == (start + 1, {application.id})
    assert version_and_changes(db.session(), campaign.id, start - 2) == (start + 1, None)
    assert version_and_changes(db.session(), campaign.id, start - KEPT_VERSIONS) == (start + 1, None)
    # A transaction that wrote the campaign's data has no committed version.
    application.reference = "Y" + application.reference[1:]
    assert version_and_changes(db.session(), campaign.id, start) == (None, None)
