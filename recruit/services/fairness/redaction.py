"""Redaction (DESIGN §12): an admin hides what could identify a candidate from the panel, before the sift.

The statement's text is never changed. A redaction is a range of it, [start, end) in characters, with who made it
and when; the panel's text (`panel_text`, `panel_texts`) is the statement with each range replaced by
"[redacted]". The original stays for the record and for the candidate's copy of their data. Redactions may be made
or removed only once the campaign has closed and before the sift starts: after that the panel may have read the
text, and a change would make their scores rest on words they can no longer see.

The audit log records which statement and which ranges, never the words: the log outlives the erasure of personal
data, and the words are in the statement for as long as it is kept.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import selectinload

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import Application, Campaign, Statement, StatementRedaction, User
from recruit.models.application import ApplicationStatus
from recruit.models.campaign import CampaignStatus, Criterion
from recruit.services.errors import Refused
from recruit.services.fairness.identifiers import Finder, Span
from recruit.services.records import audit
from recruit.services.unit_of_work import unit_of_work

REDACTED = "[redacted]"
TEXT_MAX = 200
NOT_NOW = "Redactions can only be made or removed after the campaign has closed and before the sift starts"


def apply_ranges(text: str, ranges: Iterable[tuple[int, int]]) -> str:
    """The text with each range replaced by "[redacted]". Ranges never overlap (the service refuses that)."""
    pieces: list[str] = []
    position = 0
    for start, end in sorted(ranges):
        start, end = max(start, position), min(end, len(text))
        if end <= start:
            continue
        pieces += [text[position:start], REDACTED]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def panel_texts(statements: Sequence[Statement]) -> dict[int, str]:
    """What the panel reads of each statement, by statement id, in one query."""
    ranges: dict[int, list[tuple[int, int]]] = defaultdict(list)
    ids = [statement.id for statement in statements]
    if ids:
        rows = db.session.execute(_RANGES, {"ids": ids})
        for statement_id, start, end in rows:
            ranges[statement_id].append((start, end))
    return {statement.id: apply_ranges(statement.text, ranges[statement.id]) for statement in statements}


# Built once: every page showing evidence runs it.
_RANGES = select(StatementRedaction.statement_id, StatementRedaction.start, StatementRedaction.end).where(
    StatementRedaction.statement_id.in_(bindparam("ids", expanding=True))
)


def panel_text(statement: Statement | None) -> str:
    """The one place the panel's text of a statement comes from: "" when there is none."""
    if statement is None:
        return ""
    return panel_texts([statement])[statement.id]


def refusal(campaign: Campaign) -> str | None:
    """Why redactions cannot be changed now; None when they can."""
    if campaign.display_status != CampaignStatus.CLOSED:
        return NOT_NOW
    return None


# ------------------------------------------------------------------------------------------------ what to show


@dataclass
class StatementFindings:
    criterion: Criterion
    statement: Statement | None
    findings: list[Span]
    redactions: list[StatementRedaction]

    @property
    def text(self) -> str:
        return self.statement.text if self.statement is not None else ""

    def pieces(self) -> list[tuple[str, str]]:
        """The text cut at each finding and redaction, for the admin's page to mark: (kind, text) with kind
        "" for plain text, "redacted" or "finding"."""
        marks = [(r.start, r.end, "redacted") for r in self.redactions]
        marks += [(f.start, f.end, "finding") for f in self.findings if not self._covered(f)]
        result: list[tuple[str, str]] = []
        position = 0
        for start, end, kind in sorted(marks):
            if start < position:
                continue
            result += [("", self.text[position:start]), (kind, self.text[start:end])]
            position = end
        result.append(("", self.text[position:]))
        return [piece for piece in result if piece[1]]

    def _covered(self, span: Span) -> bool:
        return any(r.start < span.end and span.start < r.end for r in self.redactions)

    @property
    def open_findings(self) -> list[Span]:
        """The findings not yet redacted (none of their characters hidden)."""
        return [f for f in self.findings if not self._covered(f)]


def finder_for(application: Application) -> Finder:
    details = application.personal_details
    if details is None:
        return Finder()
    return Finder(details.full_name, details.organisations)


def findings_for(application: Application, criteria: Sequence[Criterion]) -> list[StatementFindings]:
    """Each criterion's statement with what in it could identify the candidate and the redactions made."""
    finder = finder_for(application)
    statements = [s for s in (application.statement_for(c) for c in criteria) if s is not None]
    redactions: dict[int, list[StatementRedaction]] = defaultdict(list)
    if statements:
        for row in db.session.scalars(
            select(StatementRedaction)
            .where(StatementRedaction.statement_id.in_([s.id for s in statements]))
            .order_by(StatementRedaction.start)
            .options(selectinload(StatementRedaction.created_by))
        ):
            redactions[row.statement_id].append(row)
    result = []
    for criterion in criteria:
        statement = application.statement_for(criterion)
        found = finder.find(statement.text) if statement is not None else []
        result.append(StatementFindings(criterion, statement, found, redactions[statement.id] if statement else []))
    return result


@dataclass
class ApplicationRow:
    application: Application
    findings: int
    redactions: int


def campaign_rows(campaign: Campaign) -> list[ApplicationRow]:
    """Every submitted application of the campaign by reference, with how many findings its statements hold and
    how many redactions were made."""
    applications = list(
        db.session.scalars(
            select(Application)
            .where(Application.campaign_id == campaign.id, Application.status == ApplicationStatus.SUBMITTED)
            .order_by(Application.reference)
            .options(selectinload(Application.statements), selectinload(Application.personal_details))
        )
    )
    rows = db.session.execute(
        select(Statement.application_id, func.count(StatementRedaction.id))
        .join(StatementRedaction, StatementRedaction.statement_id == Statement.id)
        .where(Statement.application_id.in_([a.id for a in applications]))
        .group_by(Statement.application_id)
    ).all()
    counts: dict[int, int] = {application_id: count for application_id, count in rows}  # noqa: C416
    criteria = campaign.criteria_at("sift")
    return [
        ApplicationRow(application, findings_for_loaded(application, criteria), counts.get(application.id, 0))
        for application in applications
    ]


def findings_for_loaded(application: Application, criteria: Sequence[Criterion]) -> int:
    """How many findings the application's statements hold (redacted or not), without a query."""
    finder = finder_for(application)
    return sum(len(finder.find(s.text)) for s in (application.statement_for(c) for c in criteria) if s is not None)


def candidate_warnings(application: Application) -> list[StatementFindings]:
    """What the candidate is warned of before submitting: each statement holding something that could identify
    them. No query: the page has the application, its statements and personal details."""
    finder = finder_for(application)
    result = []
    for criterion in application.campaign.criteria_at("sift"):
        statement = application.statement_for(criterion)
        found = finder.find(statement.text) if statement is not None else []
        if found:
            result.append(StatementFindings(criterion, statement, found, []))
    return result


def application_for_admin(actor: User, campaign: Campaign, application_id: int) -> Application | None:
    """Object access: a submitted application of this campaign, for its admins."""
    if actor.role != "admin":
        return None
    return db.session.scalar(
        select(Application)
        .where(
            Application.id == application_id,
            Application.campaign_id == campaign.id,
            Application.status == ApplicationStatus.SUBMITTED,
        )
        .options(selectinload(Application.statements), selectinload(Application.personal_details))
    )


# ------------------------------------------------------------------------------------------------------ changes


def _statement(application: Application, statement_id: int | None) -> Statement:
    statement = next((s for s in application.statements if s.id == statement_id), None)
    if statement is None:
        raise Refused("Select a statement of this application", "statement")
    # Locked, so two admins redacting the same statement at once cannot save overlapping ranges.
    db.session.execute(select(Statement.id).where(Statement.id == statement.id).with_for_update())
    return statement


def _check_ranges(statement: Statement, ranges: Sequence[tuple[int, int]], field: str) -> list[tuple[int, int]]:
    if not ranges:
        raise Refused("Select what to redact", field)
    existing = db.session.execute(
        select(StatementRedaction.start, StatementRedaction.end).where(StatementRedaction.statement_id == statement.id)
    ).all()
    chosen: list[tuple[int, int]] = []
    for start, end in sorted(set(ranges)):
        if start < 0 or end > len(statement.text) or end <= start:
            raise Refused("What you selected is not in the statement. Reload the page and try again", field)
        if any(s < end and start < e for s, e in existing):
            raise Refused(f"“{statement.text[start:end]}” overlaps text that is already redacted", field)
        if any(s < end and start < e for s, e in chosen):
            raise Refused(f"“{statement.text[start:end]}” overlaps another part you selected", field)
        chosen.append((start, end))
    return chosen


@unit_of_work()
def redact(
    actor: User, application: Application, statement_id: int | None, ranges: Sequence[tuple[int, int]], field: str
) -> list[StatementRedaction]:
    """Hide these ranges of one statement from the panel: all of them, or none if any is refused."""
    message = refusal(application.campaign)
    if message:
        raise Refused(message, field)
    statement = _statement(application, statement_id)
    chosen = _check_ranges(statement, ranges, field)
    now = utcnow()
    rows = [
        StatementRedaction(statement_id=statement.id, start=start, end=end, created_by_id=actor.id, created_at=now)
        for start, end in chosen
    ]
    db.session.add_all(rows)
    db.session.flush()
    audit.record(
        "statement.redacted",
        "application",
        application.id,
        after={"statement": statement.id, "criterion": statement.criterion.code, "ranges": [list(r) for r in chosen]},
        actor=actor,
    )
    return rows


@unit_of_work()
def redact_findings(
    actor: User, application: Application, selected: Sequence[tuple[int, int, int]] | None
) -> list[StatementRedaction]:
    """The findings the admin ticked, (statement, start, end) each, across the statements: all or none."""
    if not selected:
        raise Refused("Select what to redact", "spans")
    by_statement: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for statement_id, start, end in selected:
        by_statement[statement_id].append((start, end))
    rows: list[StatementRedaction] = []
    for statement_id, ranges in sorted(by_statement.items()):
        rows += redact(actor, application, statement_id, ranges, "spans")
    return rows


def occurrences(text: str, wanted: str, every: bool) -> list[tuple[int, int]]:
    """Where `wanted` is in the text, exactly as typed: every occurrence, or the first."""
    found: list[tuple[int, int]] = []
    position = text.find(wanted) if wanted else -1
    while position >= 0:
        found.append((position, position + len(wanted)))
        if not every:
            break
        position = text.find(wanted, position + len(wanted))
    return found


def redact_text(
    actor: User, application: Application, statement_id: int | None, wanted: str | None, every: bool
) -> list[StatementRedaction]:
    """Redact text the admin typed, exactly as it is written in the statement."""
    text = (wanted or "").replace("\x00", "")
    if not text.strip():
        raise Refused("Enter the text to redact", "text")
    if len(text) > TEXT_MAX:
        raise Refused(f"The text to redact must be {TEXT_MAX} characters or fewer", "text")
    statement = next((s for s in application.statements if s.id == statement_id), None)
    if statement is None:
        raise Refused("Select a statement of this application", "statement")
    found = occurrences(statement.text, text, every)
    if not found:
        raise Refused(f"“{text}” is not in the statement for {statement.criterion.name}. Enter it exactly", "text")
    return redact(actor, application, statement.id, found, "text")


@unit_of_work()
def remove(actor: User, application: Application, redaction_id: int | None) -> None:
    """Show a redacted range to the panel again."""
    message = refusal(application.campaign)
    if message:
        raise Refused(message)
    row = db.session.scalar(
        select(StatementRedaction)
        .join(Statement, Statement.id == StatementRedaction.statement_id)
        .where(StatementRedaction.id == redaction_id, Statement.application_id == application.id)
    )
    if row is None:
        raise Refused("That redaction has already been removed")
    audit.record(
        "statement.redaction_removed",
        "application",
        application.id,
        before={"statement": row.statement_id, "ranges": [[row.start, row.end]]},
        actor=actor,
    )
    db.session.delete(row)
