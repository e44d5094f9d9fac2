"""The public pages' version: which commits replace it, and which leave it as it was."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select, update

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import Campaign, Indicator, PublicContentVersion
from recruit.services.campaigns import status as campaign_status
from recruit.services.errors import Refused
from recruit.services.public_content import current_key
from recruit.services.unit_of_work import unit_of_work
from tests.factories import UserFactory, open_campaign


def token() -> str:
    db.session.expire_all()
    return db.session.scalar(select(PublicContentVersion.token))


def test_moving_a_vacancy_on_gives_a_new_version(admin):
    campaign = open_campaign(admin, closes_in=timedelta(days=1))
    before = token()
    with time_machine.travel(utcnow() + timedelta(days=2)):
        campaign_status.move(admin, campaign, "closed")
    assert token() != before


def test_a_commit_changing_nothing_public_keeps_the_version(admin):
    open_campaign(admin)
    before = token()
    UserFactory(role="candidate")
    db.session.commit()
    assert token() == before


def test_a_change_rolled_back_keeps_the_version():
    indicator = db.session.scalars(select(Indicator)).first()
    before = token()
    with pytest.raises(Refused), unit_of_work():
        indicator.text = "Changed, then rolled back"
        db.session.flush()
        raise Refused("Stopped on purpose")
    assert token() == before


def test_an_update_statement_on_a_public_table_gives_a_new_version(admin):
    campaign = open_campaign(admin)
    before = token()
    with unit_of_work():
        db.session.execute(update(Campaign).where(Campaign.id == campaign.id).values(title="Renamed in bulk"))
    assert token() != before


def test_a_change_inside_a_savepoint_gives_a_new_version_when_the_transaction_commits():
    indicator = db.session.scalars(select(Indicator)).first()
    before = token()
    with db.session.begin_nested():
        indicator.text = indicator.text + " (revised)"
    assert db.session.scalar(select(PublicContentVersion.token)) == before  # not yet: nothing is committed
    db.session.commit()
    assert token() != before


def test_the_key_moves_on_when_the_next_closing_time_passes(admin):
    open_campaign(admin, closes_in=timedelta(days=1))
    open_campaign(admin, closes_in=timedelta(days=5))
    now = current_key()
    with time_machine.travel(utcnow() + timedelta(days=1, minutes=1)):
        after_first = current_key()
    with time_machine.travel(utcnow() + timedelta(days=5, minutes=1)):
        after_both = current_key()
    assert len({now, after_first, after_both}) == 3
    assert {key.split(".")[0] for key in (now, after_first, after_both)} == {token()}
