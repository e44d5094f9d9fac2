"""Building a campaign that is at the sift, with submitted applications and a panel, for tests."""
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

import time_machine

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import Application, Campaign, PersonalDetails, Statement, User
from recruit.services import campaign_status, campaigns, criteria as criteria_service
from recruit.services.applications import unique_references
from recruit.services.scoring import ScoreInput, save
from tests.campaign_helpers import draft_campaign
from tests.factories import UserFactory


@dataclass
class SiftSetup:
    campaign: Campaign
    admin: User
    chair: User
    members: list[User]
    applications: list[Application]

    @property
    def assessors(self) -> list[User]:
        return [self.chair, *self.members]


def sift_campaign(admin: User, applications: int = 3, members: int = 2, grade: str = "band-b",
                  keep_criteria: int | None = None, presift_threshold: int | None = None,
                  configure: Callable[[Campaign], None] | None = None) -> SiftSetup:
    """An open campaign with `applications` submitted applications, closed and moved to the sift.

    Candidates' names are "Candidate N" with emails candidateN@example.org and phone 0770090000N.
    `configure` is called with the draft campaign, for changes only a draft allows (the lead criterion).
    """
    campaign = draft_campaign(admin, grade)
    if keep_criteria is not None:
        for criterion in list(campaign.criteria)[keep_criteria:]:
            criteria_service.remove_criterion(admin, criterion)
    if presift_threshold is not None:
        campaigns.update_settings(admin, campaign, scale=campaign.scale, discrepancy_threshold=2,
                                  overall_pass_mark=None, presift_threshold=presift_threshold)
    if configure is not None:
        configure(campaign)
    chair = UserFactory(role="assessor", name="Chair Person")
    panel = [UserFactory(role="assessor", name=f"Member {i + 1}") for i in range(members)]
    campaigns.set_closing(admin, campaign, utcnow() + timedelta(days=1))
    campaigns.set_panel(admin, campaign, "sift", chair, panel)
    campaign_status.move(admin, campaign, "open")
    created = []
    for number, reference in enumerate(unique_references(applications), start=1):
        candidate = UserFactory(role="candidate", name=f"Candidate {number}", email=f"candidate{number}@example.org")
        application = Application(
            campaign=campaign, candidate=candidate, reference=reference, status="submitted", submitted_at=utcnow(),
            personal_details=PersonalDetails(full_name=f"Candidate {number}", email=candidate.email,
                                             phone=f"0770090000{number}"),
            statements=[Statement(criterion=c, text=f"Evidence {number} for {c.name}: I led a project.",
                                  word_count=8) for c in campaign.criteria_at("sift")],
        )
        db.session.add(application)
        created.append(application)
    db.session.commit()
    with time_machine.travel(utcnow() + timedelta(days=2)):
        campaign_status.move(admin, campaign, "closed")
        campaign_status.move(admin, campaign, "sift")
    return SiftSetup(campaign, admin, chair, panel, created)


def score(assessor: User, setup: SiftSetup, application: Application, code: str, value: int,
          rationale: str = "Meets the indicators.", ticked: list[int] | None = None, submit: bool = True):
    criterion = next(c for c in setup.campaign.criteria if c.code == code)
    return save(assessor, setup.campaign, application, criterion, "sift",
                ScoreInput(value=value, ticked=ticked or [], rationale=rationale), submit=submit, version=None,
                confirmed=True)
