"""The suite's records: people from factory_boy's UserFactory, and campaigns and applications built through the
same services the admin pages use, at each step of a campaign's life: a draft, open, at the sift with submitted
applications and a panel, and moved to interview. Bulk inserts make the 1,000-application campaigns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

import factory
import pyotp
import time_machine
from argon2 import PasswordHasher
from factory.alchemy import SQLAlchemyModelFactory
from sqlalchemy import insert, select

from recruit.clock import utcnow
from recruit.config import TestConfig
from recruit.extensions import db
from recruit.models import (
    AgreedScore,
    Application,
    Campaign,
    Framework,
    Grade,
    PersonalDetails,
    RoleProfile,
    Score,
    Statement,
    User,
)
from recruit.services.applications.submission import unique_references
from recruit.services.assessment import agreement, results, scoring
from recruit.services.assessment.scoring import ScoreInput
from recruit.services.campaigns import criteria as criteria_service
from recruit.services.campaigns import setup as campaigns
from recruit.services.campaigns import status as campaign_status
from recruit.services.campaigns.stages import stage_record
from recruit.services.interview.offer_terms import DEFAULT_CONDITIONS, OfferTerms, uk_today, working_days_after

PASSWORD = "granite orchid lantern ninety-seven"
# Hashed once, with the parameters the test configuration gives new hashes (so no sign-in upgrades it).
PASSWORD_HASH = PasswordHasher(**TestConfig.PASSWORD_HASHING).hash(PASSWORD)


class UserFactory(SQLAlchemyModelFactory):
    class Meta:
        model = User
        # A callable, because the session changes for every test.
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"

    name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    role = "candidate"
    password_hash = PASSWORD_HASH

    class Params:
        two_factor = factory.Trait(
            totp_secret=factory.LazyFunction(pyotp.random_base32),
            totp_enabled_at=factory.LazyFunction(utcnow),
        )


# ---------------------------------------------------------------- campaigns


def grade(slug: str, framework: str = "civil-service-2012") -> Grade:
    return db.session.scalar(select(Grade).join(Framework).where(Framework.slug == framework, Grade.slug == slug))


def role_profile(slug: str) -> RoleProfile:
    return db.session.scalar(select(RoleProfile).where(RoleProfile.slug == slug))


def details(
    title: str = "Caseworker", posts: int = 2, description: str = "Help families.\n\nSecond paragraph.", **advert
) -> campaigns.Details:
    """A campaign's details with a realistic advert; `advert` changes any of the advert's fields."""
    made = campaigns.Details(
        title,
        "Child Maintenance Group",
        "Glasgow",
        posts,
        description,
        salary_min=26_000,
        salary_max=28_500,
        contract_type="permanent",
        working_patterns=["full_time", "part_time"],
        security_clearance="bpss",
        nationality_requirements="Open to UK nationals and others with the right to work in the UK.",
        contact_name="Morag Finlay",
        contact_email="cmg-recruitment@example.org",
    )
    return replace(made, **advert)


# What the details form needs besides the title, organisation, location, posts and description.
ADVERT_FORM = {
    "salary_min": "26000",
    "salary_max": "28500",
    "pay_notes": "",
    "contract_type": "permanent",
    "contract_months": "",
    "working_patterns": ["full_time", "part_time"],
    "other_locations": "",
    "security_clearance": "bpss",
    "nationality_requirements": "Open to UK nationals and others with the right to work in the UK.",
    "contact_name": "Morag Finlay",
    "contact_email": "cmg-recruitment@example.org",
}


def draft_campaign(admin, grade_slug: str = "band-c", **kwargs) -> Campaign:
    """A draft campaign for the grade, with the criteria the grade proposes; `kwargs` go to `details`."""
    return campaigns.create_campaign(admin, details(**kwargs), grade=grade(grade_slug))


def ready_to_open(admin, campaign, closes_in=timedelta(days=14)) -> Campaign:
    """A closing date and a sift panel of two new assessors: all a draft needs before it opens."""
    campaigns.set_closing(admin, campaign, utcnow() + closes_in)
    chair, member = UserFactory(role="assessor"), UserFactory(role="assessor")
    campaigns.set_panel(admin, campaign, "sift", chair, [member])
    return campaign


def open_campaign(admin, grade_slug: str = "band-c", closes_in=timedelta(days=14), **kwargs) -> Campaign:
    campaign = ready_to_open(admin, draft_campaign(admin, grade_slug, **kwargs), closes_in)
    campaign_status.move(admin, campaign, "open")
    return campaign


def to_sift(admin, campaign) -> None:
    """Close an open campaign and move it to the sift, two days on (past any closing date the builders set)."""
    with time_machine.travel(utcnow() + timedelta(days=2)):
        campaign_status.move(admin, campaign, "closed")
        campaign_status.move(admin, campaign, "sift")


# ---------------------------------------------------------------- applications


def submitted_application(
    campaign,
    candidate,
    reference: str,
    *,
    full_name: str | None = None,
    phone: str = "",
    evidence: str = "Evidence for {criterion}: I led a project.",
    word_count: int = 8,
) -> Application:
    """A submitted application to an open campaign, added to the session (not committed): the candidate's
    personal details, and a statement for each sift criterion (`evidence` with the criterion's name in it)."""
    application = Application(
        campaign=campaign,
        candidate=candidate,
        reference=reference,
        status="submitted",
        submitted_at=utcnow(),
        personal_details=PersonalDetails(full_name=full_name or candidate.name, email=candidate.email, phone=phone),
        statements=[
            Statement(criterion=c, text=evidence.replace("{criterion}", c.name), word_count=word_count)
            for c in campaign.criteria_at("sift")
        ],
    )
    db.session.add(application)
    return application


# ---------------------------------------------------------------- the sift


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

    def to_interview(
        self,
        chair: User | None = None,
        member: User | None = None,
        failed: Sequence[Application] = (),
        released: bool = False,
    ) -> tuple[User, User]:
        """The sift signed off with every application through but `failed` (and its outcomes `released` to the
        candidates if asked), an interview panel of `chair` and `member` (two new assessors unless given), and the
        campaign moved to interview. Returns the panel."""
        campaign = self.campaign
        chair = chair or UserFactory(role="assessor")
        member = member or UserFactory(role="assessor")
        campaigns.set_panel(self.admin, campaign, "interview", chair, [member])
        for application in self.applications:
            application.status = "sift_failed" if application in failed else "sift_passed"
        record = stage_record(campaign, "sift")
        record.decision_rule, record.decided_at, record.signed_off_at = "all_passing", utcnow(), utcnow()
        if released:
            record.released_at = utcnow()
        db.session.commit()
        campaign_status.move(self.admin, campaign, "interview")
        return chair, member


def sift_campaign(
    admin: User,
    applications: int = 3,
    members: int = 2,
    grade: str = "band-b",
    keep_criteria: int | None = None,
    presift_threshold: int | None = None,
    configure: Callable[[Campaign], None] | None = None,
    email_domain: str = "example.org",
) -> SiftSetup:
    """An open campaign with `applications` submitted applications, closed and moved to the sift.

    Candidates' names are "Candidate N" with emails candidateN@example.org (another `email_domain` lets two such
    campaigns share a database) and phone 0770090000N; the panel is "Chair Person" and "Member N". `configure` is called with the draft campaign, for changes only a draft
    allows (the lead criterion).
    """
    campaign = draft_campaign(admin, grade)
    if keep_criteria is not None:
        for criterion in list(campaign.criteria)[keep_criteria:]:
            criteria_service.remove_criterion(admin, criterion)
    if presift_threshold is not None:
        campaigns.update_settings(
            admin,
            campaign,
            scale=campaign.scale,
            discrepancy_threshold=2,
            overall_pass_mark=None,
            presift_threshold=presift_threshold,
        )
    if configure is not None:
        configure(campaign)
    chair = UserFactory(role="assessor", name="Chair Person")
    panel = [UserFactory(role="assessor", name=f"Member {i + 1}") for i in range(members)]
    campaigns.set_closing(admin, campaign, utcnow() + timedelta(days=1))
    campaigns.set_panel(admin, campaign, "sift", chair, panel)
    campaign_status.move(admin, campaign, "open")
    created = []
    for number, reference in enumerate(unique_references(applications), start=1):
        candidate = UserFactory(role="candidate", name=f"Candidate {number}", email=f"candidate{number}@{email_domain}")
        created.append(
            submitted_application(
                campaign,
                candidate,
                reference,
                phone=f"0770090000{number}",
                evidence=f"Evidence {number} for {{criterion}}: I led a project.",
            )
        )
    db.session.commit()
    to_sift(admin, campaign)
    return SiftSetup(campaign, admin, chair, panel, created)


def offering_guarantee(admin: User, minimum: int | None = None, then: Callable[[Campaign], None] | None = None):
    """A `configure` for sift_campaign: the draft offers the Disability Confident guarantee (with one minimum score
    for every criterion, or each criterion's pass mark); `then` changes the draft first."""

    def change(campaign: Campaign) -> None:
        if then is not None:
            then(campaign)
        campaigns.update_settings(
            admin,
            campaign,
            scale=campaign.scale,
            discrepancy_threshold=2,
            overall_pass_mark=campaign.overall_pass_mark,
            presift_threshold=campaign.presift_threshold,
            disability_confident=True,
            disability_confident_minimum=minimum,
        )

    return change


def agree_scores(setup: SiftSetup, application: Application, values: Sequence[int]) -> None:
    """Agreed sift scores for the application, one per sift criterion in order, as if the chair had agreed them."""
    for criterion, value in zip(setup.campaign.criteria_at("sift"), values, strict=True):
        db.session.add(
            AgreedScore(
                application_id=application.id,
                criterion_id=criterion.id,
                stage="sift",
                value=value,
                proposal=value,
                discrepant=False,
                agreed_by_id=setup.chair.id,
            )
        )
    db.session.commit()


def closed_campaign(
    admin: User, applications: int = 2, members: int = 2, grade: str = "band-b", keep_criteria: int | None = 2
) -> SiftSetup:
    """A campaign with `applications` submitted applications, closed for applications and not yet at the sift: the
    calibration round's time. The panel is "Chair Person" and "Member N", as for sift_campaign."""
    campaign = draft_campaign(admin, grade)
    if keep_criteria is not None:
        for criterion in list(campaign.criteria)[keep_criteria:]:
            criteria_service.remove_criterion(admin, criterion)
    chair = UserFactory(role="assessor", name="Chair Person")
    panel = [UserFactory(role="assessor", name=f"Member {i + 1}") for i in range(members)]
    campaigns.set_closing(admin, campaign, utcnow() + timedelta(days=1))
    campaigns.set_panel(admin, campaign, "sift", chair, panel)
    campaign_status.move(admin, campaign, "open")
    created = [
        submitted_application(
            campaign,
            UserFactory(role="candidate", name=f"Candidate {number}"),
            reference,
            evidence=f"Evidence {number} for {{criterion}}: I led a project.",
        )
        for number, reference in enumerate(unique_references(applications), start=1)
    ]
    db.session.commit()
    with time_machine.travel(utcnow() + timedelta(days=2)):
        campaign_status.move(admin, campaign, "closed")
    return SiftSetup(campaign, admin, chair, panel, created)


def submit_score(
    assessor: User,
    campaign: Campaign,
    application: Application,
    criterion,
    value: int,
    *,
    stage: str = "sift",
    rationale: str = "Meets the indicators.",
    ticked: list[int] | None = None,
    notes: str = "",
    submit: bool = True,
):
    """An assessor's score as the scoring page saves it, past the consistency prompt: submitted unless `submit`
    is False (a draft)."""
    return scoring.save(
        assessor,
        campaign,
        application,
        criterion,
        stage,
        ScoreInput(value=value, ticked=ticked or [], rationale=rationale, notes=notes),
        submit=submit,
        version=None,
        confirmed=True,
    )


def score(
    assessor: User,
    setup: SiftSetup,
    application: Application,
    code: str,
    value: int,
    rationale: str = "Meets the indicators.",
    ticked: list[int] | None = None,
    submit: bool = True,
):
    criterion = next(c for c in setup.campaign.criteria if c.code == code)
    return submit_score(
        assessor, setup.campaign, application, criterion, value, rationale=rationale, ticked=ticked, submit=submit
    )


# ---------------------------------------------------------------- the interview

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


def interview_stage(admin: User, email_domain: str = "example.org") -> tuple[SiftSetup, User]:
    """Five candidates through the sift to a signed-off interview stage, with agreed interview scores (INTERVIEW).
    Returns the setup and the interview chair."""
    setup = sift_campaign(admin, applications=5, email_domain=email_domain)
    campaign = setup.campaign
    chair, member = setup.to_interview()
    panel = [chair, member]
    for application in setup.applications:
        for person in panel:
            scoring.declare(person, campaign, application, "interview", False, "")
    for index, application in enumerate(setup.applications):
        for criterion, value in zip(campaign.criteria_at("interview"), INTERVIEW[index], strict=True):
            for person in panel:
                submit_score(
                    person,
                    campaign,
                    application,
                    criterion,
                    value,
                    stage="interview",
                    rationale="Heard at interview",
                    notes="Answered the question",
                )
    assert agreement.confirm_all_proposals(chair, campaign, "interview", setup.applications) == 20
    results.sign_off(chair, campaign, "interview")
    return setup, chair


def offer_terms(**changes) -> OfferTerms:
    """Terms an admin could offer today: £32,000 in Leeds, starting in two months, answered within five working
    days."""
    today = uk_today()
    terms = OfferTerms(
        salary=32000,
        location="Leeds",
        starts_on=today + timedelta(days=60),
        conditions=DEFAULT_CONDITIONS,
        respond_by=working_days_after(today, 5),
    )
    return replace(terms, **changes)


# ---------------------------------------------------------------- in bulk


def add_applications(campaign: Campaign, count: int, start: int, status: str = "submitted") -> list[tuple[int, str]]:
    """`count` more applications (submitted unless told), inserted in bulk: sift_campaign's one-by-one way is too
    slow for 1,000. Candidates are "Candidate N", candidateN@example.org, phone 0770090000N for N from `start`."""
    now = utcnow()
    numbers = range(start, start + count)
    user_ids = db.session.scalars(
        insert(User).returning(User.id, sort_by_parameter_order=True),
        [{"email": f"candidate{n}@example.org", "name": f"Candidate {n}", "role": "candidate"} for n in numbers],
    ).all()
    references = unique_references(count)
    application_ids = db.session.scalars(
        insert(Application).returning(Application.id, sort_by_parameter_order=True),
        [
            {
                "campaign_id": campaign.id,
                "candidate_id": user_id,
                "reference": reference,
                "status": status,
                "submitted_at": None if status == "draft" else now,
            }
            for user_id, reference in zip(user_ids, references, strict=True)
        ],
    ).all()
    db.session.execute(
        insert(PersonalDetails),
        [
            {
                "application_id": application_id,
                "full_name": f"Candidate {n}",
                "email": f"candidate{n}@example.org",
                "phone": f"0770090000{n}",
            }
            for application_id, n in zip(application_ids, numbers, strict=True)
        ],
    )
    db.session.execute(
        insert(Statement),
        [
            {
                "application_id": application_id,
                "criterion_id": criterion.id,
                "word_count": 8,
                "text": f"Evidence {n} for {criterion.name}: I led a project.",
            }
            for application_id, n in zip(application_ids, numbers, strict=True)
            for criterion in campaign.criteria_at("sift")
        ],
    )
    db.session.commit()
    return list(zip(application_ids, references, strict=True))


def add_scores(
    campaign: Campaign,
    application_ids: list[int],
    assessors: list[User],
    value: int = 5,
    stage: str = "sift",
    notes: str = "",
) -> None:
    """A submitted score at the stage (the sift unless told) from each assessor for every criterion of these
    applications, inserted in bulk; at interview, `notes` are the evidence heard."""
    now = utcnow()
    db.session.execute(
        insert(Score),
        [
            {
                "application_id": application_id,
                "criterion_id": criterion.id,
                "assessor_id": assessor.id,
                "stage": stage,
                "value": value,
                "rationale": "Bulk rationale.",
                "notes": notes,
                "status": "submitted",
                "ticked": [],
                "submitted_at": now,
                "version": 1,
            }
            for application_id in application_ids
            for criterion in campaign.criteria_at(stage)
            for assessor in assessors
        ],
    )
    db.session.commit()


def scores_with_a_high_scorer(
    campaign: Campaign, application_ids: Sequence[int], assessors: Sequence[User], stage: str = "sift"
) -> None:
    """Submitted scores from every assessor on every criterion of these applications, inserted in bulk: the panel
    mostly agrees, and the last assessor scores about two points above the rest. With ten applications or more,
    alpha has enough items to be judged and the last assessor differs from the panel enough to be marked."""
    now = utcnow()
    last = len(assessors) - 1
    rows = []
    for number, application_id in enumerate(application_ids):
        for position, criterion in enumerate(campaign.criteria_at(stage)):
            base = 2 + (number + position) % 4  # 2 to 5
            for seat, assessor in enumerate(assessors):
                if seat == last:
                    value = base + (1 if number % 4 == 0 else 2)
                else:
                    value = base + (1 if (number + position + seat) % 5 == 0 else 0)
                rows.append(
                    {
                        "application_id": application_id,
                        "criterion_id": criterion.id,
                        "assessor_id": assessor.id,
                        "stage": stage,
                        "value": value,
                        "rationale": "Bulk rationale.",
                        "status": "submitted",
                        "ticked": [],
                        "submitted_at": now,
                        "version": 1,
                    }
                )
    db.session.execute(insert(Score), rows)
    db.session.commit()
