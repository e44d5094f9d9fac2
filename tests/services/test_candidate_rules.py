"""Rules that pages used to decide for themselves, now in the services: answering an interview invitation,
and the time allowed for the two-factor step of signing in."""

from datetime import timedelta

import pytest
import time_machine

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import InterviewSlot
from recruit.models.application import ApplicationStatus
from recruit.models.campaign import CampaignStatus
from recruit.models.interview import SlotStatus
from recruit.services.accounts import signin
from recruit.services.applications import submission as applications
from recruit.services.errors import Refused
from recruit.services.interview import invitations as interviews
from tests.factories import open_campaign


@pytest.fixture
def invitation(make_user):
    campaign = open_campaign(make_user(role="admin"))
    candidate = make_user()
    application = applications.start(candidate, campaign)
    application.status = ApplicationStatus.SIFT_PASSED
    campaign.status = CampaignStatus.INTERVIEW
    slot = InterviewSlot(application_id=application.id, starts_at=utcnow() + timedelta(days=7), place="Room 1")
    db.session.add(slot)
    db.session.commit()
    return candidate, slot


def test_a_standing_invitation_can_be_answered(invitation):
    candidate, slot = invitation
    assert interviews.reply_refusal(slot) is None
    interviews.respond(candidate, slot, accept=True)
    assert slot.status == SlotStatus.ACCEPTED


def test_the_service_refuses_a_reply_once_the_campaign_has_finished(invitation):
    candidate, slot = invitation
    slot.application.campaign.status = CampaignStatus.COMPLETE
    db.session.commit()
    with pytest.raises(Refused, match="This interview can no longer be changed"):
        interviews.respond(candidate, slot, accept=True)
    assert slot.status == SlotStatus.INVITED


def test_the_service_refuses_a_reply_from_an_application_that_left_the_interview_stage(invitation):
    candidate, slot = invitation
    slot.application.status = ApplicationStatus.WITHDRAWN
    db.session.commit()
    with pytest.raises(Refused, match="This interview can no longer be changed"):
        interviews.respond(candidate, slot, accept=False, note="Any Tuesday")
    assert slot.status == SlotStatus.INVITED


def test_the_two_factor_step_is_allowed_within_its_window_only(make_user):
    user = make_user()
    started = signin.two_factor_started_at()
    assert signin.pending_two_factor_user(user.get_id(), started) == user
    with time_machine.travel(utcnow() + timedelta(seconds=signin.TWO_FACTOR_WINDOW_SECONDS + 1), tick=False):
        assert signin.pending_two_factor_user(user.get_id(), started) is None
    assert signin.pending_two_factor_user(None, started) is None
    assert signin.pending_two_factor_user("not-an-id", started) is None


def test_a_locked_or_signed_out_account_cannot_finish_the_two_factor_step(make_user):
    user = make_user()
    pending, started = user.get_id(), signin.two_factor_started_at()
    user.locked_until = utcnow() + timedelta(minutes=15)
    db.session.commit()
    assert signin.pending_two_factor_user(pending, started) is None
    user.locked_until = None
    user.session_version += 1
    db.session.commit()
    assert signin.pending_two_factor_user(pending, started) is None
