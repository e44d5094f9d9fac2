"""Retention of candidates' personal data: what the purge erases and when, erasing it, and legal holds.

A finished campaign (complete or withdrawn) keeps its candidates' personal data for RETENTION_MONTHS; then
`flask --app recruit retention purge --apply` erases it and keeps the scores, anonymous, for statistics.
A legal hold keeps the data past that time until an admin releases it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy import (
    Case,
    ColumnElement,
    Executable,
    ScalarSelect,
    Select,
    SQLColumnExpression,
    String,
    and_,
    case,
    cast,
    delete,
    exists,
    func,
    literal,
    or_,
    select,
    update,
)

from recruit.clock import format_uk, utcnow
from recruit.extensions import Model, db
from recruit.models import (
    AdjustmentRequest,
    AgreedScore,
    AgreedScoreVersion,
    Application,
    AuditEvent,
    Campaign,
    Conflict,
    DisabilityConfidentClaim,
    InterviewSlot,
    InterviewTime,
    MonitoringResponse,
    Notification,
    PersonalDetails,
    RecoveryCode,
    RenderedReport,
    Score,
    ScoreVersion,
    Statement,
    StatementRedaction,
    StatusChange,
    User,
    UserToken,
)
from recruit.models.campaign import CampaignStatus
from recruit.services.errors import Refused
from recruit.services.fairness.erasure import keep_monitoring_counts
from recruit.services.records import audit
from recruit.services.unit_of_work import unit_of_work

FINISHED = (CampaignStatus.COMPLETE, CampaignStatus.WITHDRAWN)
# What erased free text becomes: text that was there is marked, empty text stays empty.
ERASED_TEXT = "Erased after the retention period."
ERASED_ACCOUNT_NAME = "Erased account"
# .invalid can never be a real address (RFC 2606).
ERASED_EMAIL_DOMAIN = "erased.invalid"
MAX_MONTHS = 1200
REASON_MAX = 2000
ACCOUNT_BATCH = 500
BULK = {"synchronize_session": False}


class BadRetentionPeriod(ValueError):
    pass


def retention_months(value: object) -> int:
    """RETENTION_MONTHS as a number of months, or a message an operator can act on."""
    text = str(value).strip() if value is not None else ""
    if not re.fullmatch(r"\d{1,4}", text) or not 1 <= int(text) <= MAX_MONTHS:
        raise BadRetentionPeriod(
            f"RETENTION_MONTHS must be a whole number of months from 1 to {MAX_MONTHS}, like 12 (it is {text!r})."
        )
    return int(text)


def cutoff_for(months: int, now: datetime | None = None) -> datetime:
    """Campaigns that finished before this moment have been finished for longer than the retention period."""
    return (now or utcnow()) - relativedelta(months=months)


def _finished_at_column() -> ScalarSelect[datetime]:
    # When the campaign reached its present, finished status.
    return (
        select(func.max(StatusChange.at))
        .where(StatusChange.campaign_id == Campaign.id, StatusChange.to_status == Campaign.status)
        .correlate(Campaign)
        .scalar_subquery()
    )


def finished_at(campaign: Campaign) -> datetime | None:
    if campaign.status not in FINISHED:
        return None
    return db.session.scalar(
        select(func.max(StatusChange.at)).where(
            StatusChange.campaign_id == campaign.id, StatusChange.to_status == campaign.status
        )
    )


@dataclass
class RetentionStatus:
    """What the campaign page says about the campaign's personal data."""

    finished_at: datetime | None
    due_at: datetime | None
    months: int | None
    problem: str | None


def status_of(campaign: Campaign, configured: object) -> RetentionStatus:
    try:
        months = retention_months(configured)
    except BadRetentionPeriod as error:
        return RetentionStatus(finished_at(campaign), None, None, str(error))
    finished = finished_at(campaign)
    due = finished + relativedelta(months=months) if finished is not None else None
    return RetentionStatus(finished, due, months, None)


# What the purge erases, counted per campaign. Each count is of records that still hold something to erase.


def _applications(campaign_id: int) -> Select[tuple[int]]:
    return select(Application.id).where(Application.campaign_id == campaign_id)


def _scores(campaign_id: int) -> Select[tuple[int]]:
    return select(Score.id).where(Score.application_id.in_(_applications(campaign_id)))


def _agreed(campaign_id: int) -> Select[tuple[int]]:
    return select(AgreedScore.id).where(AgreedScore.application_id.in_(_applications(campaign_id)))


def _of_campaign(model: type[Score] | type[AgreedScore], campaign_id: int) -> ColumnElement[bool]:
    return model.application_id.in_(_applications(campaign_id))


def _has_text(column: SQLColumnExpression[str]) -> ColumnElement[bool]:
    return and_(column != "", column != ERASED_TEXT)


def _erased(column: SQLColumnExpression[str]) -> Case[str]:
    return case((column == "", ""), else_=ERASED_TEXT)


def _statements(applications: Select[tuple[int]]) -> Select[tuple[int]]:
    return select(Statement.id).where(Statement.application_id.in_(applications))


def _count(model: type[Model], *conditions: ColumnElement[bool]) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0


ITEMS = (
    ("applications", "application linked to an account", "applications linked to accounts"),
    ("personal_details", "set of personal details", "sets of personal details"),
    ("statements", "statement", "statements"),
    ("redactions", "redaction", "redactions"),
    ("score_texts", "score rationale or note", "score rationales and notes"),
    ("conflict_reasons", "conflict of interest reason", "conflict of interest reasons"),
    ("agreed_texts", "agreed-score rationale or feedback", "agreed-score rationales and feedback"),
    ("interviews", "interview arrangement", "interview arrangements"),
    ("adjustments", "request for adjustments", "requests for adjustments"),
    ("disability_confident", "Disability Confident answer", "Disability Confident answers"),
    ("reports", "rendered report", "rendered reports"),
    ("monitoring", "set of diversity monitoring answers", "sets of diversity monitoring answers"),
)


def counts_for(campaign_id: int) -> dict[str, int]:
    applications, scores, agreed = _applications(campaign_id), _scores(campaign_id), _agreed(campaign_id)
    return {
        "applications": _count(
            Application, Application.campaign_id == campaign_id, Application.candidate_id.is_not(None)
        ),
        "personal_details": _count(PersonalDetails, PersonalDetails.application_id.in_(applications)),
        "statements": _count(Statement, Statement.application_id.in_(applications), _has_text(Statement.text)),
        "redactions": _count(StatementRedaction, StatementRedaction.statement_id.in_(_statements(applications))),
        "score_texts": _count(
            Score, _of_campaign(Score, campaign_id), or_(_has_text(Score.rationale), _has_text(Score.notes))
        )
        + _count(
            ScoreVersion,
            ScoreVersion.score_id.in_(scores),
            or_(_has_text(ScoreVersion.rationale), _has_text(ScoreVersion.notes)),
        ),
        "conflict_reasons": _count(Conflict, Conflict.application_id.in_(applications), _has_text(Conflict.reason)),
        "agreed_texts": _count(
            AgreedScore,
            _of_campaign(AgreedScore, campaign_id),
            or_(_has_text(AgreedScore.rationale), _has_text(AgreedScore.feedback)),
        )
        + _count(
            AgreedScoreVersion,
            AgreedScoreVersion.agreed_score_id.in_(agreed),
            or_(_has_text(AgreedScoreVersion.rationale), _has_text(AgreedScoreVersion.reason)),
        ),
        "interviews": _count(InterviewSlot, InterviewSlot.application_id.in_(applications)),
        "adjustments": _count(AdjustmentRequest, AdjustmentRequest.application_id.in_(applications)),
        "disability_confident": _count(
            DisabilityConfidentClaim, DisabilityConfidentClaim.application_id.in_(applications)
        ),
        "reports": _count(RenderedReport, RenderedReport.campaign_id == campaign_id),
        "monitoring": _count(MonitoringResponse, MonitoringResponse.application_id.in_(applications)),
    }


def describe_counts(counts: dict[str, int]) -> str:
    parts = [f"{counts[key]} {one if counts[key] == 1 else many}" for key, one, many in ITEMS if counts.get(key)]
    return ", ".join(parts) if parts else "nothing left to erase"


@dataclass
class CampaignLine:
    id: int
    reference: str
    title: str
    status: str
    finished_at: datetime
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class PurgeReport:
    months: int
    cutoff: datetime
    applied: bool
    campaigns: list[CampaignLine]
    held: list[CampaignLine]
    accounts: int


def _finished_before(cutoff: datetime) -> Select[tuple[Campaign, datetime]]:
    finished = _finished_at_column()
    return (
        select(Campaign, finished)
        .where(Campaign.status.in_(FINISHED), Campaign.personal_data_erased_at.is_(None), finished < cutoff)
        .order_by(finished, Campaign.id)
    )


def _line(campaign: Campaign, finished: datetime, counts: dict[str, int] | None = None) -> CampaignLine:
    return CampaignLine(campaign.id, campaign.reference, campaign.title, campaign.status, finished, counts or {})


def _idle_accounts(cutoff: datetime, ignoring_campaigns: Sequence[int] = ()) -> Select[tuple[int]]:
    """Candidate accounts with no applications (other than in the campaigns being erased) that nobody has
    signed in to, or claimed, within the retention period."""
    other_applications = select(Application.id).where(Application.candidate_id == User.id)
    if ignoring_campaigns:
        other_applications = other_applications.where(Application.campaign_id.not_in(ignoring_campaigns))
    return (
        select(User.id)
        .where(
            User.role == "candidate",
            User.email.not_like(f"%@{ERASED_EMAIL_DOMAIN}"),
            or_(User.last_signed_in_at < cutoff, and_(User.last_signed_in_at.is_(None), User.created_at < cutoff)),
            ~exists(other_applications),
        )
        .order_by(User.id)
    )


def purge(months: int, *, apply: bool, now: datetime | None = None) -> PurgeReport:
    """List (and with apply, erase) the personal data past its retention period. Safe to run again."""
    cutoff = cutoff_for(months, now)
    due: list[CampaignLine] = []
    held: list[CampaignLine] = []
    for campaign, finished in db.session.execute(_finished_before(cutoff)).all():
        (held if campaign.legal_hold else due).append(_line(campaign, finished))
    if not apply:
        for line in due:
            line.counts = counts_for(line.id)
        accounts = len(db.session.scalars(_idle_accounts(cutoff, [line.id for line in due])).all())
        return PurgeReport(months, cutoff, False, due, held, accounts)
    erased = [line for line in (erase_campaign(line.id, months, now) for line in due) if line is not None]
    accounts = erase_accounts(db.session.scalars(_idle_accounts(cutoff)).all(), months, now)
    return PurgeReport(months, cutoff, True, erased, held, accounts)


def _locked_campaign(campaign_id: int) -> Campaign | None:
    # The row lock (PostgreSQL) makes a concurrent purge or legal hold wait and then see this one's outcome.
    return db.session.scalars(
        select(Campaign).where(Campaign.id == campaign_id).with_for_update().execution_options(populate_existing=True)
    ).one_or_none()


@unit_of_work()
def erase_campaign(campaign_id: int, months: int, now: datetime | None = None) -> CampaignLine | None:
    """Erase one campaign's personal data in its own transaction; None when it is not (or no longer) due."""
    campaign = _locked_campaign(campaign_id)
    finished = finished_at(campaign) if campaign is not None else None
    if (
        campaign is None
        or campaign.legal_hold
        or campaign.personal_data_erased_at is not None
        or finished is None
        or finished >= cutoff_for(months, now)
    ):
        return None
    counts = counts_for(campaign_id)
    applications, scores, agreed = _applications(campaign_id), _scores(campaign_id), _agreed(campaign_id)

    # Earlier audit entries about these records stay as written (the log is append-only); the entry says how many.
    def about(record_type: str, ids: Select[tuple[str]]) -> ColumnElement[bool]:
        return and_(AuditEvent.record_type == record_type, AuditEvent.record_id.in_(ids))

    audit_entries = _count(
        AuditEvent,
        or_(
            about("application", select(cast(Application.id, String)).where(Application.campaign_id == campaign_id)),
            about("score", select(cast(Score.id, String)).where(_of_campaign(Score, campaign_id))),
            about("agreed_score", select(cast(AgreedScore.id, String)).where(_of_campaign(AgreedScore, campaign_id))),
        ),
    )

    def run(statement: Executable, execution_options: dict[str, bool]) -> None:
        # Every statement here is about this campaign: its reports' data version moves on at the commit.
        db.session.execute(statement, execution_options={**execution_options, "report_campaigns": [campaign_id]})

    # First, while the interview arrangements that say who was invited are still there: the answers become
    # counts that name nobody, and the fairness figures read the same afterwards.
    keep_monitoring_counts(campaign)
    run(delete(MonitoringResponse).where(MonitoringResponse.application_id.in_(applications)), execution_options=BULK)
    run(delete(PersonalDetails).where(PersonalDetails.application_id.in_(applications)), execution_options=BULK)
    run(delete(InterviewSlot).where(InterviewSlot.application_id.in_(applications)), execution_options=BULK)
    # A booked interview time says whose interview it was: the times stay, no longer linked to anyone.
    run(
        update(InterviewTime)
        .where(InterviewTime.campaign_id == campaign_id, InterviewTime.booked_application_id.is_not(None))
        .values(booked_application_id=None, version=InterviewTime.version + 1),
        execution_options=BULK,
    )
    # What a candidate said they need, and what was agreed and shared, say much about their health.
    run(
        delete(AdjustmentRequest).where(AdjustmentRequest.application_id.in_(applications)),
        execution_options=BULK,
    )
    # Opting in to Disability Confident says the candidate has a disability.
    run(
        delete(DisabilityConfidentClaim).where(DisabilityConfidentClaim.application_id.in_(applications)),
        execution_options=BULK,
    )
    # The ranges point into the text erased next; they would say where the candidate's name was.
    run(
        delete(StatementRedaction).where(StatementRedaction.statement_id.in_(_statements(applications))),
        execution_options=BULK,
    )
    run(
        update(Statement)
        .where(Statement.application_id.in_(applications), _has_text(Statement.text))
        .values(text=ERASED_TEXT),
        execution_options=BULK,
    )
    run(
        update(Score)
        .where(_of_campaign(Score, campaign_id), or_(_has_text(Score.rationale), _has_text(Score.notes)))
        .values(rationale=_erased(Score.rationale), notes=_erased(Score.notes)),
        execution_options=BULK,
    )
    run(
        update(ScoreVersion)
        .where(ScoreVersion.score_id.in_(scores), or_(_has_text(ScoreVersion.rationale), _has_text(ScoreVersion.notes)))
        .values(rationale=_erased(ScoreVersion.rationale), notes=_erased(ScoreVersion.notes)),
        execution_options=BULK,
    )
    run(
        update(Conflict)
        .where(Conflict.application_id.in_(applications), _has_text(Conflict.reason))
        .values(reason=ERASED_TEXT),
        execution_options=BULK,
    )
    run(
        update(AgreedScore)
        .where(
            _of_campaign(AgreedScore, campaign_id),
            or_(_has_text(AgreedScore.rationale), _has_text(AgreedScore.feedback)),
        )
        .values(rationale=_erased(AgreedScore.rationale), feedback=_erased(AgreedScore.feedback)),
        execution_options=BULK,
    )
    run(
        update(AgreedScoreVersion)
        .where(
            AgreedScoreVersion.agreed_score_id.in_(agreed),
            or_(_has_text(AgreedScoreVersion.rationale), _has_text(AgreedScoreVersion.reason)),
        )
        .values(rationale=_erased(AgreedScoreVersion.rationale), reason=_erased(AgreedScoreVersion.reason)),
        execution_options=BULK,
    )
    run(delete(RenderedReport).where(RenderedReport.campaign_id == campaign_id), execution_options=BULK)
    # The campaign's emails hold addresses and what was said to each person.
    run(delete(Notification).where(Notification.campaign_id == campaign_id), execution_options=BULK)
    # Last, so the scores no longer lead to a person: the account is the candidate's and may live on.
    run(
        update(Application)
        .where(Application.campaign_id == campaign_id, Application.candidate_id.is_not(None))
        .values(candidate_id=None),
        execution_options=BULK,
    )

    campaign.personal_data_erased_at = now or utcnow()
    audit.record(
        "campaign.personal_data_erased",
        "campaign",
        campaign.id,
        after={
            "retention_months": months,
            "finished": campaign.status,
            "finished_at": finished.isoformat(),
            "erased": counts,
            "kept": "scores, agreed scores, ticked indicators, criteria, stages, outcomes and offers, anonymous",
            "earlier_audit_entries_kept": audit_entries,
        },
    )
    line = _line(campaign, finished, counts)
    return line


def erase_accounts(user_ids: Sequence[int], months: int, now: datetime | None = None) -> int:
    """Erase idle candidate accounts in place, a batch per transaction: the audit log refers to them, so the rows
    stay, with nothing left that says who the person was. Returns how many were erased."""
    erased = 0
    for start in range(0, len(user_ids), ACCOUNT_BATCH):
        batch = user_ids[start : start + ACCOUNT_BATCH]
        with unit_of_work():
            # Locked and checked again: someone may have signed in or applied since the list was made.
            ids = db.session.scalars(
                _idle_accounts(cutoff_for(months, now)).where(User.id.in_(batch)).with_for_update(of=User)
            ).all()
            if not ids:
                continue
            run = db.session.execute
            run(delete(RecoveryCode).where(RecoveryCode.user_id.in_(ids)), execution_options=BULK)
            run(delete(UserToken).where(UserToken.user_id.in_(ids)), execution_options=BULK)
            # Emails sent to the account (resets, claim links) name its address.
            run(
                delete(Notification).where(Notification.recipient.in_(select(User.email).where(User.id.in_(ids)))),
                execution_options=BULK,
            )
            run(
                update(User)
                .where(User.id.in_(ids))
                .values(
                    name=ERASED_ACCOUNT_NAME,
                    email=literal("erased-") + cast(User.id, String) + f"@{ERASED_EMAIL_DOMAIN}",
                    password_hash=None,
                    totp_secret=None,
                    totp_enabled_at=None,
                    totp_last_step=None,
                    failed_sign_ins=0,
                    locked_until=None,
                    active=False,
                    session_version=User.session_version + 1,
                ),
                execution_options=BULK,
            )
            for user_id in ids:
                audit.record(
                    "account.erased",
                    "user",
                    user_id,
                    after={
                        "retention_months": months,
                        "why": "a candidate account with no applications, not used within the retention period",
                    },
                )
        erased += len(ids)
    return erased


def summary_lines(report: PurgeReport) -> list[str]:
    def campaigns(n: int) -> str:
        return f"{n} campaign" if n == 1 else f"{n} campaigns"

    def accounts(n: int) -> str:
        return f"{n} candidate account" if n == 1 else f"{n} candidate accounts"

    lines = [
        f"Retention period: {report.months} months. Campaigns that finished before "
        f"{format_uk(report.cutoff)} (UK time) are due for erasure."
    ]
    if report.campaigns:
        lines.append(
            f"Erased the personal data of {campaigns(len(report.campaigns))}:"
            if report.applied
            else f"{campaigns(len(report.campaigns))} due for erasure; the purge would erase:"
        )
        lines += [
            f"  {line.reference} {line.title} ({line.status} since {format_uk(line.finished_at)}): "
            f"{describe_counts(line.counts)}"
            for line in report.campaigns
        ]
    else:
        lines.append("No campaigns are due for erasure.")
    if report.held:
        lines.append(f"Kept on legal hold: {campaigns(len(report.held))} past the retention period:")
        lines += [
            f"  {line.reference} {line.title} ({line.status} since {format_uk(line.finished_at)})"
            for line in report.held
        ]
    if report.accounts:
        done = (
            f"Erased {accounts(report.accounts)}" if report.applied else f"{accounts(report.accounts)} would be erased"
        )
        lines.append(
            f"{done} (no applications left and not used for {report.months} months): name, email address "
            "and sign-in details."
        )
    if report.applied:
        lines.append("Scores, agreed scores, criteria and outcomes are kept, anonymous, for statistics.")
    else:
        lines.append(
            "This was a dry run: nothing was changed. Run `flask --app recruit retention purge --apply` to erase."
        )
    return lines


# Legal holds.


def _reason(text: str | None, missing: str) -> str:
    reason = (text or "").strip()
    if not reason:
        raise Refused(missing, "reason")
    if len(reason) > REASON_MAX:
        raise Refused(f"Reason must be {REASON_MAX} characters or fewer", "reason")
    return reason


@unit_of_work()
def set_legal_hold(actor: User, campaign: Campaign, reason: str) -> None:
    reason = _reason(reason, "Enter the reason for the legal hold")
    locked = _locked_campaign(campaign.id)
    if locked is None:
        raise Refused("This campaign no longer exists")
    campaign = locked
    if campaign.personal_data_erased_at is not None:
        raise Refused(
            f"This campaign's personal data was erased on {format_uk(campaign.personal_data_erased_at)}, "
            "so there is nothing left to hold"
        )
    if campaign.legal_hold:
        raise Refused("This campaign is already on legal hold")
    campaign.legal_hold, campaign.legal_hold_reason = True, reason
    campaign.legal_hold_set_at, campaign.legal_hold_set_by_id = utcnow(), actor.id
    audit.record(
        "campaign.legal_hold_placed",
        "campaign",
        campaign.id,
        before={"legal_hold": False},
        after={"legal_hold": True, "reason": reason},
        actor=actor,
    )


@unit_of_work()
def release_legal_hold(actor: User, campaign: Campaign, reason: str) -> None:
    reason = _reason(reason, "Enter the reason for releasing the legal hold")
    locked = _locked_campaign(campaign.id)
    if locked is None:
        raise Refused("This campaign no longer exists")
    campaign = locked
    if not campaign.legal_hold:
        raise Refused("This campaign is not on legal hold")
    before = {
        "legal_hold": True,
        "reason": campaign.legal_hold_reason,
        "placed_at": campaign.legal_hold_set_at.isoformat() if campaign.legal_hold_set_at else None,
        "placed_by_id": campaign.legal_hold_set_by_id,
    }
    campaign.legal_hold, campaign.legal_hold_reason = False, ""
    campaign.legal_hold_set_at, campaign.legal_hold_set_by_id = None, None
    audit.record(
        "campaign.legal_hold_released",
        "campaign",
        campaign.id,
        before=before,
        after={"legal_hold": False, "reason": reason},
        actor=actor,
    )
