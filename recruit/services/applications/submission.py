"""The candidate's application: starting it, saving each part, submitting and withdrawing.

Nothing changes after the closing time or once submitted, whatever the browser sends.
Each save carries the version the person started from; a save based on an older version
is refused rather than overwriting a change made in another window.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from recruit.clock import format_uk, utcnow
from recruit.extensions import db
from recruit.models import Application, Campaign, Criterion, PersonalDetails, Statement, User
from recruit.models.application import ApplicationStatus
from recruit.services.applications.words import count_words
from recruit.services.campaigns.vacancies import accepting_applications
from recruit.services.errors import Refused
from recruit.services.notifications import messages
from recruit.services.records import audit
from recruit.services.unit_of_work import unit_of_work

REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no I, L, O, U, 0 or 1 to misread
ORGANISATIONS_MAX = 20
ORGANISATION_MAX = 100
STALE = "Your application was changed in another window or tab. Check your answer below and save it again"


def new_reference() -> str:
    return "RC-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


def unique_references(count: int) -> list[str]:
    """`count` new references that no application has yet."""
    chosen: set[str] = set()
    while len(chosen) < count:
        wanted = {new_reference() for _ in range(count - len(chosen))} - chosen
        taken = set(db.session.scalars(select(Application.reference).where(Application.reference.in_(wanted))))
        chosen |= wanted - taken
    return list(chosen)


def application_for_candidate(user: User, reference: str) -> Application | None:
    """Object access for applications on the candidate side: only your own."""
    if user.role != "candidate" or not reference or len(reference) > 20:
        return None
    return db.session.scalar(
        select(Application)
        .where(Application.reference == reference.upper(), Application.candidate_id == user.id)
        .options(selectinload(Application.statements), selectinload(Application.personal_details))
    )


def applications_of(user: User) -> list[Application]:
    return list(
        db.session.scalars(
            select(Application)
            .where(Application.candidate_id == user.id)
            .order_by(Application.created_at.desc())
            .options(selectinload(Application.campaign))
        )
    )


def closed_message(campaign: Campaign) -> str:
    if campaign.closes_at is None:
        return "This vacancy is not open for applications"
    return f"This vacancy closed on {format_uk(campaign.closes_at)}. Applications can no longer be changed"


@unit_of_work()
def start(user: User, campaign: Campaign) -> Application:
    """The candidate's application to the campaign, created if they have none (twice gives the same one)."""
    if user.role != "candidate":
        raise Refused("Only candidate accounts can apply for vacancies")
    existing = db.session.scalar(
        select(Application).where(Application.campaign_id == campaign.id, Application.candidate_id == user.id)
    )
    if existing is not None:
        return existing
    if not accepting_applications(campaign):
        raise Refused(closed_message(campaign) if campaign.closes_at else "This vacancy is not open for applications")
    application = Application(
        campaign=campaign, candidate=user, reference=unique_references(1)[0], status=ApplicationStatus.DRAFT
    )
    db.session.add(application)
    db.session.flush()
    audit.record(
        "application.started",
        "application",
        application.id,
        after={"reference": application.reference, "campaign": campaign.reference},
        actor=user,
    )
    return application


def ensure_changeable(application: Application) -> None:
    if application.status == ApplicationStatus.SUBMITTED:
        raise Refused("You have submitted this application, so it cannot be changed")
    if application.status == ApplicationStatus.WITHDRAWN:
        raise Refused("You have withdrawn this application, so it cannot be changed")
    if not accepting_applications(application.campaign):
        raise Refused(closed_message(application.campaign))


def _check_version(application: Application, version: int | None) -> None:
    if version is not None and version != application.version:
        raise Refused(STALE)


def _mark_changed(application: Application) -> None:
    # Bumps the version: the unit of work refuses the change (STALE) if someone else's came first.
    application.updated_at = utcnow()


def details_of(details: PersonalDetails | None) -> dict[str, str] | None:
    if details is None:
        return None
    return {
        "full_name": details.full_name,
        "email": details.email,
        "phone": details.phone,
        "organisations": details.organisations,
    }


def organisations_to_keep_out(text: str | None) -> str:
    """The organisations to keep out of the evidence (DESIGN §12, redaction), one a line, blank lines dropped."""
    lines = [line.strip() for line in (text or "").replace("\x00", "").splitlines() if line.strip()]
    if len(lines) > ORGANISATIONS_MAX:
        raise Refused(f"Enter {ORGANISATIONS_MAX} organisations or fewer", "organisations")
    if any(len(line) > ORGANISATION_MAX for line in lines):
        raise Refused(f"Each organisation must be {ORGANISATION_MAX} characters or fewer", "organisations")
    return "\n".join(lines)


@unit_of_work(STALE)
def save_personal_details(
    user: User,
    application: Application,
    *,
    full_name: str,
    email: str,
    phone: str,
    version: int | None,
    organisations: str | None = "",
) -> None:
    ensure_changeable(application)
    _check_version(application, version)
    keep_out = organisations_to_keep_out(organisations)
    before = details_of(application.personal_details)
    if application.personal_details is None:
        application.personal_details = PersonalDetails(full_name="", email="", phone="")
    details = application.personal_details
    details.full_name, details.email, details.phone = full_name.strip(), email.strip().lower(), phone.strip()
    details.organisations = keep_out
    after = details_of(details)
    if after != before:
        audit.record(
            "application.personal_details_changed",
            "application",
            application.id,
            before=before,
            after=after,
            actor=user,
        )
    _mark_changed(application)


@unit_of_work(STALE)
def save_statement(
    user: User, application: Application, criterion: Criterion, text: str, version: int | None
) -> Statement:
    ensure_changeable(application)
    _check_version(application, version)
    if criterion.campaign_id != application.campaign_id or not criterion.at_sift:
        raise Refused("This criterion is not part of the application")
    words = count_words(text)
    if words > criterion.word_limit:
        raise Refused(f"Your evidence must be {criterion.word_limit} words or fewer; it has {words} words", "text")
    statement = application.statement_for(criterion)
    if statement is None:
        statement = Statement(criterion=criterion, text="", word_count=0)
        application.statements.append(statement)
    statement.text = text.strip()
    statement.word_count = words
    _mark_changed(application)
    return statement


def missing_parts(application: Application) -> list[str]:
    """What must be done before the application can be submitted, in task-list order."""
    missing = []
    details = application.personal_details
    if details is None or not (details.full_name and details.email):
        missing.append("Add your personal details")
    for criterion in application.campaign.criteria_at("sift"):
        statement = application.statement_for(criterion)
        if statement is None or statement.word_count == 0:
            missing.append(f"Write your evidence for {criterion.name}")
    return missing


@unit_of_work(STALE)
def submit(user: User, application: Application, version: int | None) -> bool:
    """Submit the application; False when it was already submitted (a repeated click changes nothing)."""
    if application.status == ApplicationStatus.SUBMITTED:
        return False
    ensure_changeable(application)
    _check_version(application, version)
    missing = missing_parts(application)
    if missing:
        raise Refused("; ".join(missing))
    for criterion in application.campaign.criteria_at("sift"):
        statement = application.statement_for(criterion)
        if statement is not None and statement.word_count > criterion.word_limit:
            raise Refused(f"Your evidence for {criterion.name} is over the {criterion.word_limit}-word limit")
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = utcnow()
    audit.record(
        "application.submitted",
        "application",
        application.id,
        after={
            "reference": application.reference,
            "statements": {s.criterion.code: s.word_count for s in application.statements},
        },
        actor=user,
    )
    _mark_changed(application)
    messages.application_submitted(application)
    return True


def withdraw_refusal(application: Application) -> str | None:
    """Why the candidate cannot withdraw the application now; None when they can. The task list offers the
    link exactly when this is None."""
    if application.status == ApplicationStatus.WITHDRAWN:
        return "You have already withdrawn this application"
    if application.campaign.finished:
        return "This campaign has finished, so the application can no longer be withdrawn"
    return None


@unit_of_work(STALE)
def withdraw(user: User, application: Application) -> bool:
    if application.status == ApplicationStatus.WITHDRAWN:
        return False
    refusal = withdraw_refusal(application)
    if refusal:
        raise Refused(refusal)
    from recruit.services.interview import offers

    before = application.status
    application.status = ApplicationStatus.WITHDRAWN
    application.withdrawn_at = utcnow()
    # A stage signed off before now keeps the application in its record with this status (services/campaigns/stages.py).
    application.withdrawn_from = before
    audit.record(
        "application.withdrawn",
        "application",
        application.id,
        before={"status": before},
        after={"status": ApplicationStatus.WITHDRAWN, "at": application.withdrawn_at.isoformat()},
        actor=user,
    )
    offers.end_with_application(user, application)
    _mark_changed(application)
    messages.application_withdrawn(application)
    return True
