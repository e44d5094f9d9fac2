"""The report data version (models/report_data.py): every table is placed (it leads to a campaign, it counts for
every campaign, or no report shows it), and a write to a row of each table a campaign's reports are built from moves
that campaign's counter on at the commit, and no other campaign's."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from recruit.extensions import db
from recruit.models import ReportDataVersion
from recruit.models.report_data import EVERY_CAMPAIGN, FEEDS, NOT_SHOWN, committed_version
from tests.factories import interview_stage, sift_campaign


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


def test_a_transaction_rolled_back_moves_nothing(two_campaigns):
    campaign, _ = two_campaigns
    before = committed_version(db.session(), campaign.id)
    campaign.location = "Leeds"
    db.session.flush()
    db.session.rollback()
    assert committed_version(db.session(), campaign.id) == before
