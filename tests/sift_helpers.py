"""Building a campaign that is at the sift, with submitted applications and a panel, for tests."""
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

import time_machine

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import Application, Campaign, PersonalDetails, Statement, User
from recruit.services.assessment import agreement
from recruit.services.campaigns import status as campaign_status
from recruit.services.campaigns import setup as campaigns
from recruit.services.campaigns import criteria as criteria_service
from recruit.services.assessment import results
from recruit.services.assessment import scoring
from recruit.services.campaigns.stages import stage_record
from recruit.services.applications.submission import unique_references
from recruit.services.assessment.scoring import ScoreInput, save
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


# Interview agreed scores per candidate for the Band B criteria, in their listed order
# (Leading and Communicating, Collaborating and Partnering, Managing a Quality Service, Delivering at Pace),
# all weight 1, pass mark 4.  Totals: A 24, B 22, C 20, D 18, E has a 3 (not appointable).
INTERVIEW = {
    0: [6, 6, 6, 6],
    1: [6, 5, 6, 5],
    2: [5, 5, 5, 5],
    3: [5, 4, 5, 4],
    4: [7, 7, 7, 3],
}


def interview_stage(admin: User):
    """Five candidates through the sift to a signed-off interview stage, with agreed interview scores."""
    setup = sift_campaign(admin, applications=5)
    campaign = setup.campaign
    chair, member = UserFactory(role="assessor"), UserFactory(role="assessor")
    campaigns.set_panel(setup.admin, campaign, "interview", chair, [member])
    for application in setup.applications:
        application.status = "sift_passed"
    record = stage_record(campaign, "sift")
    record.decision_rule, record.decided_at, record.signed_off_at = "all_passing", utcnow(), utcnow()
    db.session.commit()
    campaign_status.move(setup.admin, campaign, "interview")
    panel = [chair, member]
    for application in setup.applications:
        for person in panel:
            scoring.declare(person, campaign, application, "interview", False, "")
    for index, application in enumerate(setup.applications):
        for criterion, value in zip(campaign.criteria_at("interview"), INTERVIEW[index]):
            for person in panel:
                scoring.save(person, campaign, application, criterion, "interview",
                             scoring.ScoreInput(value=value, ticked=[], rationale="Heard at interview",
                                                notes="Answered the question"), submit=True, version=None,
                             confirmed=True)
    assert agreement.confirm_all_proposals(chair, campaign, "interview", setup.applications) == 20
    results.sign_off(chair, campaign, "interview")
    return setup, chair
