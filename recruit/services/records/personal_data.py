"""Everything Recruit holds about a person, for them to download (a subject access copy)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from recruit.extensions import db
from recruit.models import (
    AdjustmentRequest,
    Application,
    DisabilityConfidentClaim,
    Statement,
    StatementRedaction,
    User,
)
from recruit.services.assessment.feedback import released_for, released_outcome, visible_status
from recruit.services.fairness import monitoring


def _time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _released(application: Application) -> dict[str, Any]:
    released = {}
    for stage in ("sift", "interview"):
        outcome = released_outcome(application, stage)
        if outcome is None:
            continue
        released[stage] = {
            "outcome": outcome,
            "criteria": [
                {"criterion": row.criterion, "score": row.label, "feedback": row.feedback}
                for row in released_for(application, stage) or []
            ],
        }
    return released


def _adjustments(application: Application) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(AdjustmentRequest)
        .where(AdjustmentRequest.application_id == application.id)
        .order_by(AdjustmentRequest.requested_at, AdjustmentRequest.id)
    )
    return [
        {
            "category": row.category_label,
            "asked_at": _time(row.requested_at),
            "stage": row.stage_label,
            "details": row.details,
            "response": {
                "outcome": row.outcome_label,
                "agreed": row.agreed,
                "shared_with_the_interview_panel": row.panel_note,
                "responded_at": _time(row.responded_at),
            }
            if row.responded
            else None,
        }
        for row in rows
    ]


def _disability_confident(application: Application) -> dict[str, Any] | None:
    claim = db.session.scalar(
        select(DisabilityConfidentClaim).where(DisabilityConfidentClaim.application_id == application.id)
    )
    if claim is None:
        return None
    return {
        "opted_in": claim.opted_in,
        "opted_in_at": _time(claim.opted_in_at),
        "answered_at": _time(claim.answered_at),
    }


def _redactions(statement_ids: list[int]) -> dict[int, list[StatementRedaction]]:
    found: dict[int, list[StatementRedaction]] = {}
    if statement_ids:
        for row in db.session.scalars(
            select(StatementRedaction)
            .where(StatementRedaction.statement_id.in_(statement_ids))
            .order_by(StatementRedaction.start)
        ):
            found.setdefault(row.statement_id, []).append(row)
    return found


def everything_about(user: User) -> dict[str, Any]:
    applications = list(
        db.session.scalars(
            select(Application)
            .where(Application.candidate_id == user.id)
            .order_by(Application.created_at)
            .options(
                selectinload(Application.statements).selectinload(Statement.criterion),
                selectinload(Application.personal_details),
                selectinload(Application.campaign),
            )
        )
    )
    redactions = _redactions([s.id for a in applications for s in a.statements])
    return {
        "account": {
            "name": user.name,
            "email": user.email,
            "role": user.role,
            "created_at": _time(user.created_at),
            "last_signed_in_at": _time(user.last_signed_in_at),
            "two_factor_authentication": user.has_two_factor,
        },
        "applications": [
            {
                "reference": application.reference,
                "vacancy": {"reference": application.campaign.reference, "title": application.campaign.title},
                "status": visible_status(application),
                "started_at": _time(application.created_at),
                "submitted_at": _time(application.submitted_at),
                "withdrawn_at": _time(application.withdrawn_at),
                "personal_details": {
                    "full_name": application.personal_details.full_name,
                    "email": application.personal_details.email,
                    "phone": application.personal_details.phone,
                    "organisations_to_keep_out": application.personal_details.organisations,
                }
                if application.personal_details
                else None,
                "statements": [
                    {
                        "criterion": s.criterion.name,
                        "text": s.text,
                        "words": s.word_count,
                        # What an admin hid from the panel: characters [start, end) of the text above.
                        "redactions": [
                            {"start": r.start, "end": r.end, "redacted_at": _time(r.created_at)}
                            for r in redactions.get(s.id, [])
                        ],
                    }
                    for s in sorted(application.statements, key=lambda s: s.criterion.position)
                ],
                # Scores and feedback only once an admin has released the stage.
                "results": _released(application),
                "adjustments": _adjustments(application),
                # The candidate's own equality and diversity answers; None when they gave none.
                "equality_and_diversity_answers": monitoring.for_download(application),
                "disability_confident_scheme": _disability_confident(application),
            }
            for application in applications
        ],
    }
