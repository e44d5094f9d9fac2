"""A stage's record is read once a transaction, however many checks of one request ask for it (whether scoring is
open, whether a pre-sift runs, whether the stage is signed off), and read again once the transaction ends or a
record is made or deleted."""

from __future__ import annotations

from sqlalchemy import inspect

from recruit.extensions import db
from recruit.models import Campaign, StageRecord
from recruit.services.assessment.visibility import signed_off
from recruit.services.campaigns.stages import (
    presift_active,
    scoring_open,
    stage_criteria,
    stage_record,
    stage_record_to_change,
)
from tests.factories import sift_campaign
from tests.helpers import recording


def record_reads(statements: list[str]) -> list[str]:
    return [s for s in statements if s.startswith("SELECT stage_records.id")]


def test_the_checks_of_one_request_read_the_record_once(make_user):
    campaign_id = sift_campaign(make_user(role="admin")).campaign.id
    db.session.commit()
    with recording() as statements:  # from a new session, as a request's
        campaign = db.session.get_one(Campaign, campaign_id)
        assert scoring_open(campaign, "sift")
        assert not presift_active(campaign, "sift")
        assert not signed_off(campaign, "sift")
        assert [c.id for c in stage_criteria(campaign, "sift")] == [c.id for c in campaign.criteria_at("sift")]
        assert stage_record(campaign, "sift").signed_off_at is None
        assert len(record_reads(statements)) == 1


def test_a_new_transaction_reads_it_again_and_sees_a_committed_change(make_user):
    campaign = sift_campaign(make_user(role="admin")).campaign
    db.session.commit()
    assert scoring_open(campaign, "sift")
    stage_record_to_change(campaign, "sift").presift_active = True
    db.session.commit()
    campaign_id = campaign.id
    with recording() as statements:
        campaign = db.session.get_one(Campaign, campaign_id)
        assert presift_active(campaign, "sift")
        assert presift_active(campaign, "sift")
        assert len(record_reads(statements)) == 1


def test_a_record_made_to_change_is_the_one_read_after_it(make_user):
    campaign = sift_campaign(make_user(role="admin")).campaign
    db.session.commit()
    assert not inspect(stage_record(campaign, "interview")).persistent  # none yet: an empty one, not saved
    made = stage_record_to_change(campaign, "interview")
    assert stage_record(campaign, "interview") is made


def test_a_record_made_in_a_savepoint_rolled_back_is_gone(make_user):
    campaign = sift_campaign(make_user(role="admin")).campaign
    db.session.commit()
    savepoint = db.session.begin_nested()
    stage_record_to_change(campaign, "interview")
    savepoint.rollback()
    assert not inspect(stage_record(campaign, "interview")).persistent


def test_a_record_made_directly_is_seen_once_flushed(make_user):
    campaign = sift_campaign(make_user(role="admin")).campaign
    db.session.commit()
    assert not inspect(stage_record(campaign, "interview")).persistent
    db.session.add(StageRecord(campaign=campaign, stage="interview", presift_active=False))
    db.session.flush()
    assert inspect(stage_record(campaign, "interview")).persistent
