"""Erasing a campaign's personal data erases the monitoring answers and keeps the figures exactly as they were."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import MonitoringCount, MonitoringResponse
from recruit.services.campaigns import status as campaign_status
from recruit.services.fairness.loader import campaign_figures, counts
from recruit.services.interview import invitations as interviews
from recruit.services.interview import offers
from recruit.services.records import retention
from tests.factories import interview_stage, offer_terms


def test_erasure_keeps_the_figures_and_removes_the_answers(admin):
    setup, _ = interview_stage(admin)
    campaign, apps = setup.campaign, setup.applications
    interviews.schedule(
        admin, apps[1], starts_at=utcnow() + timedelta(days=2), minutes=60, place="Leeds", video_link=""
    )
    offers.make_offer(admin, campaign, apps[0], offer_terms())
    for index, application in enumerate(apps):
        db.session.add(
            MonitoringResponse(
                application_id=application.id,
                sex=("female", "male")[index % 2],
                ethnicity=("asian_indian", "white_british", None)[index % 3],
                disability="prefer_not_to_say" if index == 4 else "no",
            )
        )
    db.session.commit()
    campaign_status.move(admin, campaign, "complete")
    before = campaign_figures(campaign)
    # With five candidates every count is suppressed on the page: compare the counts behind it too.
    raw = counts([campaign])
    sex = {answer: at for (question, answer), at in raw[0][campaign.id].items() if question == "sex"}
    assert sum(sum(at.values()) for at in sex.values()) == 5
    assert sex["female"]["offered"] == 1  # the first candidate, offered the post
    assert retention.counts_for(campaign.id)["monitoring"] == 5
    assert "5 sets of diversity monitoring answers" in retention.describe_counts(retention.counts_for(campaign.id))

    with time_machine.travel(utcnow() + relativedelta(months=13)):
        assert retention.erase_campaign(campaign.id, 12) is not None

    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(MonitoringResponse)) == 0
    kept = db.session.scalars(select(MonitoringCount).where(MonitoringCount.campaign_id == campaign.id)).all()
    assert sum(row.count for row in kept if row.question == "sex") == 5
    assert campaign_figures(campaign) == before
    assert counts([campaign]) == raw
    assert retention.counts_for(campaign.id)["monitoring"] == 0
