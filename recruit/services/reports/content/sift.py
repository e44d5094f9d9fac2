"""The sift report: every application's scores per criterion and seat, the agreed scores, results and ranks, the
moderation log, the pre-sift, the decision and the sign-off.

The sift report is name-blind: it never loads a candidate's personal details.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypedDict

from sqlalchemy import Row, select

from recruit.clock import format_uk
from recruit.extensions import db
from recruit.models import AgreedScore, AgreedScoreVersion, Application, Campaign, Criterion
from recruit.services.assessment import feedback, results
from recruit.services.assessment.board import Item, load_items
from recruit.services.assessment.moderation_rules import ItemState
from recruit.services.campaigns.stages import eligible_query, presift_active, recorded_status
from recruit.services.reports.content.distribution import score_distribution
from recruit.services.reports.content.panel_quality import panel_quality
from recruit.services.reports.content.shared import (
    CONFLICT,
    NO_SCORE,
    PanelSeat,
    ReportSpec,
    after_sign_off,
    base_context,
    criteria_rows,
    panel_seats,
    ranked,
    record_of,
    recorded_in,
    sign_off_line,
    stage_state,
    user_names,
)

# An agreed score as the report reads it: id, application, criterion, value, proposal, discrepant, rationale,
# status.
AgreedRow = Row[tuple[int, int, int, int, int, bool, str, str]]
# A version of an agreed score: agreed score, action, value, rationale, reason, when, by whom.
VersionRow = Row[tuple[int, str, int, str, str, datetime, int]]


@dataclass
class SiftRow:
    reference: str
    cells: list[tuple[list[str], str, bool]]  # per criterion: each seat's score, the agreed score, below pass mark
    total: str
    result: str
    rank: str


@dataclass
class LogEntry:
    reference: str
    criterion: str
    scores: str
    reasons: str
    proposal: str
    agreed: str
    rationale: str
    events: list[dict[str, object]] = field(default_factory=list)


@dataclass
class CalibrationRow:
    label: str
    criterion: str
    scores: list[str]  # each seat's submitted benchmark score, in seat order
    spread: str
    agreed: str
    notes: str


class Presift(TypedDict):
    lead: str
    pass_mark: int
    rows: list[tuple[str, list[str], str]]  # reference, each seat's score, the agreed score


def _seat_scores(item: Item, seats: list[PanelSeat]) -> list[str]:
    values = dict(zip(item.assessors, item.values))
    return [
        CONFLICT
        if seat.user_id in item.conflicted
        else str(values[seat.user_id])
        if seat.user_id in values
        else NO_SCORE
        for seat in seats
    ]


def _agreed_records(
    stage: str, criteria: list[Criterion]
) -> tuple[dict[tuple[int, int], AgreedRow], dict[int, list[VersionRow]]]:
    """Every agreed score of these criteria at the stage, with its versions, as plain rows in two queries."""
    ids = [c.id for c in criteria]
    agreed = {
        (row.application_id, row.criterion_id): row
        for row in db.session.execute(
            select(
                AgreedScore.id,
                AgreedScore.application_id,
                AgreedScore.criterion_id,
                AgreedScore.value,
                AgreedScore.proposal,
                AgreedScore.discrepant,
                AgreedScore.rationale,
                AgreedScore.status,
            ).where(AgreedScore.stage == stage, AgreedScore.criterion_id.in_(ids))
        )
    }
    versions: defaultdict[int, list[VersionRow]] = defaultdict(list)
    for row in db.session.execute(
        select(
            AgreedScoreVersion.agreed_score_id,
            AgreedScoreVersion.action,
            AgreedScoreVersion.value,
            AgreedScoreVersion.rationale,
            AgreedScoreVersion.reason,
            AgreedScoreVersion.at,
            AgreedScoreVersion.by_id,
        )
        .join(AgreedScore, AgreedScore.id == AgreedScoreVersion.agreed_score_id)
        .where(AgreedScore.stage == stage, AgreedScore.criterion_id.in_(ids))
        .order_by(AgreedScoreVersion.id)
    ):
        versions[row.agreed_score_id].append(row)
    return agreed, versions


def _log_entry(
    item: Item,
    state: ItemState,
    seats: list[PanelSeat],
    agreed: AgreedRow | None,
    history: list[VersionRow],
    names: dict[int, str],
) -> LogEntry | None:
    discrepant = state.discrepant
    reopened = any(v.action == "reopened" for v in history)
    changed = agreed is not None and (agreed.discrepant or agreed.value != agreed.proposal or agreed.rationale)
    if not (discrepant or changed or reopened):
        return None
    labels = {seat.user_id: seat.label for seat in seats}
    scores = ", ".join(f"{labels[a]} {v}" for a, v in zip(item.assessors, item.values) if a in labels)
    events: list[dict[str, object]] = [
        {
            "action": v.action,
            "value": v.value,
            "by": names.get(v.by_id, ""),
            "at": format_uk(v.at),
            "text": v.reason if v.action == "reopened" else v.rationale,
        }
        for v in history
    ]
    current = agreed if agreed is not None and agreed.status == "agreed" else None
    return LogEntry(
        item.application.reference,
        item.criterion.name,
        scores or NO_SCORE,
        "; ".join(state.reasons).capitalize() if discrepant else "",
        str(state.proposal) if state.proposal is not None else NO_SCORE,
        str(current.value) if current else "Not agreed",
        current.rationale if current else "",
        events,
    )


def _column_widths(criteria: int, seats: int) -> dict[str, str]:
    fixed = {"reference": 10.0, "total": 5.0, "result": 6.5, "rank": 4.5}
    score = (100.0 - sum(fixed.values())) / max(criteria * (seats + 1), 1)
    return {**{k: f"{v:.2f}%" for k, v in fixed.items()}, "score": f"{score:.2f}%"}


def sift_report(campaign: Campaign) -> ReportSpec:
    stage = "sift"
    outcome = results.compute(campaign, stage)
    criteria = outcome.criteria
    seats = panel_seats(campaign, stage)
    applications = list(db.session.scalars(eligible_query(campaign, stage).order_by(Application.reference)))
    items = load_items(campaign, stage, applications, criteria)
    by_key = {(item.application.id, item.criterion.id): item for item in items}
    agreed, versions = _agreed_records(stage, criteria)
    names = user_names({row.by_id for rows in versions.values() for row in rows})
    by_result = {ranked(result.key).id: result for result in outcome.results}
    ordered = [ranked(r.key) for r in outcome.results] + [a for a in applications if a.id not in by_result]

    rows, log = [], []
    for application in ordered:
        result = by_result.get(application.id)
        cells = []
        for criterion in criteria:
            item = by_key[(application.id, criterion.id)]
            below = result is not None and not result.passes[criterion.code]
            cells.append(
                (
                    _seat_scores(item, seats),
                    str(item.agreed_value) if item.agreed_value is not None else NO_SCORE,
                    below,
                )
            )
        rows.append(
            SiftRow(
                application.reference,
                cells,
                str(result.total) if result else NO_SCORE,
                ("Pass" if result.passed else "Fail") if result else "Not agreed",
                result.rank_label if result else "",
            )
        )
    discrepant = 0
    for item in sorted(items, key=lambda i: (i.application.reference, i.criterion.position)):
        state = item.state
        discrepant += state.discrepant
        row = agreed.get((item.application.id, item.criterion.id))
        entry = _log_entry(item, state, seats, row, versions.get(row.id, []) if row else [], names)
        if entry is not None:
            log.append(entry)

    record = record_of(campaign, stage)
    passed = sum(1 for r in outcome.results if r.passed)
    summary = [
        ("Applications in the sift", len(applications)),
        ("Applications with every criterion agreed", len(outcome.results)),
        ("Items still to agree", outcome.unagreed),
        ("Applications passing", passed),
        ("Applications not passing", len(outcome.results) - passed),
        ("Discrepant items", discrepant),
        ("Agreed scores reopened", sum(1 for rows_ in versions.values() for v in rows_ if v.action == "reopened")),
        ("Conflicts of interest declared", len({(i.application.id, a) for i in items for a in i.conflicted})),
    ]
    presift = _presift(campaign, stage, seats)
    if presift is not None:
        summary.append(("Applications not through the pre-sift", len(presift["rows"])))
    decision = None
    if record is not None and record.decided_at is not None:
        # Those absent from the interview were invited all the same.
        through = sum(1 for a in applications if recorded_status(a, record.signed_off_at) in feedback.SIFT_OUTCOMES)
        rule = (
            "everyone who passes"
            if record.decision_rule == "all_passing"
            else f"the top {record.decision_top_n} by rank"
        )
        decision = f"Decided on {format_uk(record.decided_at)}: {rule}; {through} go on to interview."

    title = f"Sift report – {campaign.reference} – {campaign.title}"
    context = base_context(campaign, title, "Sift report", stage_state(campaign, stage, record))
    context.update(
        criteria=criteria_rows(criteria),
        all_criteria=criteria_rows(campaign.criteria_at(stage)),
        presift_running=presift_active(campaign, stage),
        seats=seats,
        scale=campaign.scale.points,
        threshold=campaign.discrepancy_threshold,
        overall_pass_mark=campaign.overall_pass_mark,
        summary=summary,
        distribution=score_distribution(campaign, outcome),
        rows=rows,
        log=log,
        widths=_column_widths(len(criteria), len(seats)),
        presift=presift,
        calibration=_calibration(campaign, seats),
        decision=decision,
        sign_off=sign_off_line(record),
        later=after_sign_off(campaign, stage),
        panel_quality=panel_quality(campaign, stage),
    )
    return ReportSpec("pdf/sift.html", title, context)


def _presift(campaign: Campaign, stage: str, seats: list[PanelSeat]) -> Presift | None:
    """Applications that left at the pre-sift, with their lead-criterion scores."""
    lead = campaign.lead_criterion
    failed = list(
        db.session.scalars(
            select(Application)
            .where(Application.campaign_id == campaign.id, recorded_in(stage, ("presift_failed",)))
            .order_by(Application.reference)
        )
    )
    if lead is None or not failed:
        return None
    rows = [
        (
            item.application.reference,
            _seat_scores(item, seats),
            str(item.agreed_value) if item.agreed_value is not None else NO_SCORE,
        )
        for item in load_items(campaign, stage, failed, [lead])
    ]
    return {"lead": lead.name, "pass_mark": lead.pass_mark, "rows": rows}


def _calibration(campaign: Campaign, seats: list[PanelSeat]) -> list[CalibrationRow]:
    """The calibration round before the sift: each benchmark answer with each seat's score, their spread and the
    agreed score. Benchmark answers are not candidates: nothing here enters the figures above."""
    from recruit.services.assessment.calibration import benchmarks

    rows = []
    for benchmark in benchmarks(campaign):
        submitted = {score.assessor_id: score.value for score in benchmark.scores if score.submitted}
        values = [value for value in submitted.values() if value is not None]
        spread = f"{min(values)}–{max(values)} (range {max(values) - min(values)})" if values else NO_SCORE
        rows.append(
            CalibrationRow(
                benchmark.label,
                benchmark.criterion.name,
                [str(submitted[seat.user_id]) if seat.user_id in submitted else NO_SCORE for seat in seats],
                spread,
                str(benchmark.agreed_value) if benchmark.agreed_value is not None else "Not agreed",
                benchmark.agreed_notes,
            )
        )
    return rows
