"""The demonstration a bare development machine starts with (DESIGN §13): an admin, a sift panel of three assessors
(one the chair) and a campaign in the sift with a dozen applications, some scored.

The people, the campaign and the candidates' evidence are in seeds/demo/demo.yaml; this module only plays them
through the services the pages use, so every rule applies and every step is in the audit log. The campaign's life
is replayed at the times it would have happened: the clock is set back to the day it opened (with a closing date
two weeks on, as the open rule needs), forward through the days applications came in, and past the closing date
to close it and start the sift. Nothing is written straight to the database and no rule is bypassed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import Application, Campaign, Criterion, Framework, Grade, User
from recruit.services.accounts import account_changes
from recruit.services.applications import submission
from recruit.services.assessment import scoring
from recruit.services.assessment.scoring import ScoreInput
from recruit.services.campaigns import criteria as criteria_service
from recruit.services.campaigns import setup
from recruit.services.campaigns import status as campaign_status
from recruit.services.errors import Refused
from recruit.services.fairness.demo_figures import answer_for_candidates, last_years_intake
from recruit.services.frameworks.yaml_files import load_yaml

# Where the demonstration may be made: never in production, nor anywhere else real people's data might be.
ALLOWED_ENVIRONMENTS = ("development", "test")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Person(_Strict):
    name: str
    email: str


class PanelSpec(_Strict):
    chair: Person
    members: list[Person]


class SalarySpec(_Strict):
    min: int
    max: int
    notes: str = ""


class ContractSpec(_Strict):
    type: str
    months: int | None = None


class CampaignSpec(_Strict):
    framework: str
    grade: str
    title: str
    organisation: str
    location: str
    other_locations: list[str] = []
    posts: int
    description: str
    salary: SalarySpec
    contract: ContractSpec
    working_patterns: list[str]
    security_clearance: str
    # Left out, the advert says what the app's NATIONALITY_REQUIREMENTS setting says.
    nationality_requirements: str | None = None
    contact: Person
    criteria: list[str]

    def details(self, default_nationality: str) -> setup.Details:
        return setup.Details(
            self.title,
            self.organisation,
            self.location,
            self.posts,
            self.description.strip(),
            salary_min=self.salary.min,
            salary_max=self.salary.max,
            pay_notes=self.salary.notes,
            contract_type=self.contract.type,
            contract_months=self.contract.months,
            working_patterns=list(self.working_patterns),
            other_locations="\n".join(self.other_locations),
            security_clearance=self.security_clearance,
            nationality_requirements=(self.nationality_requirements or default_nationality).strip(),
            contact_name=self.contact.name,
            contact_email=self.contact.email,
        )


class Timeline(_Strict):
    opened: int
    closes: int
    sift: int


class ScoreSpec(_Strict):
    by: str
    values: list[int]
    rationale: str
    draft: bool = False


class Candidate(_Strict):
    name: str
    email: str
    phone: str
    evidence: dict[str, str]
    scores: list[ScoreSpec] = []


class DemoSpec(_Strict):
    password: str
    admin: Person
    panel: PanelSpec
    campaign: CampaignSpec
    timeline: Timeline
    candidates: list[Candidate]


class NotHere(Exception):
    """The demonstration is refused in this environment."""


@dataclass(frozen=True)
class SignIn:
    role: str
    name: str
    email: str


@dataclass(frozen=True)
class Demo:
    created: bool
    campaign: Campaign
    password: str
    sign_ins: list[SignIn]


def load_spec(seeds_dir: str | Path) -> DemoSpec:
    raw = (Path(seeds_dir) / "demo" / "demo.yaml").read_bytes()
    return DemoSpec.model_validate(load_yaml(raw))


def sign_ins(spec: DemoSpec) -> list[SignIn]:
    chair = spec.panel.chair
    return [
        SignIn("Recruitment admin", spec.admin.name, spec.admin.email),
        SignIn("Assessor, chair of the sift panel", chair.name, chair.email),
        *(SignIn("Assessor on the sift panel", member.name, member.email) for member in spec.panel.members),
    ]


def existing_campaign(spec: DemoSpec) -> Campaign | None:
    admin = account_changes.find_by_email(spec.admin.email)
    if admin is None:
        return None
    return db.session.scalar(
        select(Campaign)
        .where(Campaign.created_by_id == admin.id, Campaign.title == spec.campaign.title)
        .order_by(Campaign.id)
        .limit(1)
    )


def applications_of(campaign: Campaign) -> list[Application]:
    return list(
        db.session.scalars(select(Application).where(Application.campaign_id == campaign.id).order_by(Application.id))
    )


def make_demo(environment: str, seeds_dir: str | Path) -> Demo:
    """The demonstration, built unless it is there already (its admin account is the sign)."""
    if environment not in ALLOWED_ENVIRONMENTS:
        raise NotHere(f"The demonstration is made only in development; RECRUIT_ENV is {environment!r}.")
    spec = load_spec(seeds_dir)
    if account_changes.find_by_email(spec.admin.email) is not None:
        campaign = existing_campaign(spec)
        if campaign is None:
            raise Refused(f"{spec.admin.email} already has an account but the demonstration campaign is missing")
        return Demo(False, campaign, spec.password, sign_ins(spec))
    return Demo(True, _build(spec), spec.password, sign_ins(spec))


@contextmanager
def _at(moment: datetime) -> Iterator[None]:
    # time-machine moves the clock every service reads (recruit.clock.utcnow); imported here because only the
    # demonstration, in development, replays the past.
    import time_machine

    with time_machine.travel(moment, tick=False):
        yield


def _staff(admin: User, person: Person, password: str) -> User:
    """An assessor invited by the admin, who then sets their password from the invitation."""
    _, token = account_changes.invite_staff(admin, person.name, person.email, "assessor")
    return account_changes.set_password_with_token(token, password)


def _candidate(person: Candidate, password: str) -> User:
    """A candidate who registered and confirmed their address."""
    request = account_changes.request_registration(person.name, person.email, password)
    assert request.token is not None  # a new address
    user, _ = account_changes.confirm_registration(request.token, password)
    return user


def _build(spec: DemoSpec) -> Campaign:
    now = utcnow()
    opened = now - timedelta(days=spec.timeline.opened)
    closes = now - timedelta(days=spec.timeline.closes)
    sift = now - timedelta(days=spec.timeline.sift)
    with _at(opened - timedelta(days=1)):
        admin = account_changes.create_admin(spec.admin.name, spec.admin.email, spec.password)
        chair = _staff(admin, spec.panel.chair, spec.password)
        members = [_staff(admin, member, spec.password) for member in spec.panel.members]
        grade = db.session.scalar(
            select(Grade)
            .join(Framework)
            .where(Framework.slug == spec.campaign.framework, Grade.slug == spec.campaign.grade)
        )
        if grade is None:
            raise Refused(
                f"There is no grade {spec.campaign.grade} in {spec.campaign.framework}: run `flask seed` first"
            )
        c = spec.campaign
        campaign = setup.create_campaign(admin, c.details(current_app.config["NATIONALITY_REQUIREMENTS"]), grade=grade)
        for criterion in list(campaign.criteria):
            if criterion.competency is None or criterion.competency.slug not in c.criteria:
                criteria_service.remove_criterion(admin, criterion)
        setup.set_panel(admin, campaign, "sift", chair, members)
    with _at(opened):
        setup.set_closing(admin, campaign, closes)
        campaign_status.move(admin, campaign, "open")
    sift_criteria = {
        criterion.competency.slug: criterion for criterion in campaign.criteria_at("sift") if criterion.competency
    }
    step = (closes - opened) / (len(spec.candidates) + 1)
    for number, person in enumerate(spec.candidates, start=1):
        with _at(opened + step * number):
            _apply(campaign, person, spec.password, sift_criteria)
    with _at(sift):
        campaign_status.move(admin, campaign, "closed")
        campaign_status.move(admin, campaign, "sift")
    # Both made up (recruit.services.fairness.demo_figures): the candidates' monitoring answers, and last year's
    # intake for the post, erased, whose kept counts give the fairness pages figures to show.
    answer_for_candidates(applications_of(campaign))
    last_years_intake(admin, grade, c.details(current_app.config["NATIONALITY_REQUIREMENTS"]))
    panel = {"chair": chair, **{f"member {i}": member for i, member in enumerate(members, start=1)}}
    ordered = [sift_criteria[slug] for slug in c.criteria]
    applications = {a.personal_details.email: a for a in applications_of(campaign) if a.personal_details}
    day = 0
    for person in spec.candidates:
        for entry in person.scores:
            day += 1
            with _at(sift + timedelta(hours=6 * day)):
                for criterion, value in zip(ordered, entry.values, strict=False):
                    scoring.save(
                        panel[entry.by],
                        campaign,
                        applications[person.email],
                        criterion,
                        "sift",
                        ScoreInput(value=value, ticked=[], rationale=entry.rationale),
                        submit=not entry.draft,
                        version=None,
                        confirmed=True,
                    )
    return campaign


def _apply(campaign: Campaign, person: Candidate, password: str, criteria: dict[str, Criterion]) -> None:
    candidate = _candidate(person, password)
    application = submission.start(candidate, campaign)
    submission.save_personal_details(
        candidate, application, full_name=person.name, email=person.email, phone=person.phone, version=None
    )
    for slug, text in person.evidence.items():
        criterion = criteria[slug]
        submission.save_statement(candidate, application, criterion, " ".join(text.split()), version=None)
    submission.submit(candidate, application, version=None)
