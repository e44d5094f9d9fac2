"""The interview report: per candidate invited to interview and per criterion, the questions the panel were given
to ask, each panel member's notes of the evidence heard, their score, indicators and rationale, and the agreed score;
the outcome and a chart comparing the panel's scores; with the merit list when it covers every candidate. It is the
record an appeal reads."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from recruit.extensions import db
from recruit.models import AgreedScore, Application, Campaign, Indicator, Score
from recruit.services.assessment import feedback, results
from recruit.services.assessment.board import load_items
from recruit.services.assessment.ranking_rules import Result
from recruit.services.assessment.results import StageResults
from recruit.services.campaigns.stages import recorded_status, stage_criteria
from recruit.services.errors import Refused
from recruit.services.interview import offers, questions
from recruit.services.reports import charts
from recruit.services.reports.content.merit import MeritRow, merit_rows
from recruit.services.reports.content.panel_quality import panel_quality
from recruit.services.reports.content.shared import (
    NO_SCORE,
    ReportSpec,
    after_sign_off,
    base_context,
    candidate_name,
    criteria_rows,
    panel_seats,
    ranked,
    record_of,
    recorded_in,
    sign_off_line,
    stage_state,
    with_personal_details,
)

INTERVIEWED = ("sift_passed", *feedback.ABSENT)


@dataclass
class MemberScore:
    name: str
    chair: bool
    value: str
    effective: list[str]
    ineffective: list[str]
    rationale: str
    note: str = ""  # why there is no score: a conflict of interest, or none submitted
    heard: str = ""  # the member's notes of the evidence heard, with their counted score


@dataclass
class CriterionRecord:
    name: str
    level: str
    weight: int
    pass_mark: int
    questions: list[str]
    members: list[MemberScore]
    proposal: str
    agreed: str
    agreed_label: str
    rationale: str


@dataclass
class CandidateRecord:
    name: str
    reference: str
    outcome: str
    total: str
    criteria: list[CriterionRecord]
    chart: charts.Chart | None
    comparison: list[tuple[str, list[str], str]]  # criterion, each member's score, agreed: the chart's figures
    absent: bool = False


def _outcome(
    application: Application,
    status: str,
    result: Result[Application] | None,
    view: offers.MeritView,
    rows: dict[str, MeritRow],
) -> str:
    if status in feedback.ABSENT:
        return feedback.ABSENT[status]
    if result is None:
        return "Not yet agreed"
    if not result.passed:
        return "Not appointable"
    row = rows[application.reference]
    text = f"Appointable, place {row['place']} on the merit list: {row['status'][:1].lower()}{row['status'][1:]}"
    return text if view.final else f"Provisional (the interview stage is not signed off). {text}"


def _candidate_records(
    campaign: Campaign, applications: list[Application], outcome: StageResults, view: offers.MeritView
) -> list[CandidateRecord]:
    stage, criteria = "interview", outcome.criteria
    seats = panel_seats(campaign, stage)
    labels = {p.value: p.label for p in campaign.scale.points}
    points = [p.value for p in campaign.scale.points]
    ids = [a.id for a in applications]
    items = {(i.application.id, i.criterion.id): i for i in load_items(campaign, stage, applications, criteria)}
    scores = (
        {
            (r.application_id, r.criterion_id, r.assessor_id): r
            for r in db.session.execute(
                select(
                    Score.application_id,
                    Score.criterion_id,
                    Score.assessor_id,
                    Score.value,
                    Score.rationale,
                    Score.notes,
                    Score.ticked,
                ).where(Score.application_id.in_(ids), Score.stage == stage, Score.status == "submitted")
            )
        }
        if ids
        else {}
    )
    ticked = {i for row in scores.values() for i in (row.ticked or [])}
    indicators = (
        {
            row.id: row
            for row in db.session.execute(
                select(Indicator.id, Indicator.text, Indicator.kind, Indicator.position).where(Indicator.id.in_(ticked))
            )
        }
        if ticked
        else {}
    )
    agreed = (
        {
            (r.application_id, r.criterion_id): r
            for r in db.session.execute(
                select(
                    AgreedScore.application_id,
                    AgreedScore.criterion_id,
                    AgreedScore.value,
                    AgreedScore.proposal,
                    AgreedScore.rationale,
                    AgreedScore.status,
                ).where(AgreedScore.stage == stage, AgreedScore.application_id.in_(ids))
            )
        }
        if ids
        else {}
    )
    asked = questions.chosen_for(criteria)
    by_result = {ranked(r.key).id: r for r in outcome.results}
    merit = {row["reference"]: row for row in merit_rows(view)}
    record = record_of(campaign, stage)
    signed_off = record.signed_off_at if record is not None else None

    records = []
    for application in applications:
        result = by_result.get(application.id)
        criterion_records, comparison = [], []
        for criterion in criteria:
            item = items[(application.id, criterion.id)]
            counted = dict(zip(item.assessors, item.values))
            members = []
            for seat in seats:
                row = scores.get((application.id, criterion.id, seat.user_id))
                ticks = (
                    sorted((indicators[i] for i in (row.ticked or []) if i in indicators), key=lambda i: i.position)
                    if row
                    else []
                )
                shown = row is not None and seat.user_id in counted
                member = MemberScore(
                    seat.name,
                    seat.chair,
                    str(counted[seat.user_id]) if seat.user_id in counted else NO_SCORE,
                    [i.text for i in ticks if i.kind == "effective"],
                    [i.text for i in ticks if i.kind == "ineffective"],
                    row.rationale if row and shown else "",
                    heard=row.notes if row and shown else "",
                )
                if seat.user_id in item.conflicted:
                    member.note = "Conflict of interest declared: not counted"
                    member.effective, member.ineffective = [], []
                elif seat.user_id not in counted:
                    member.note = "No score submitted"
                members.append(member)
            final = agreed.get((application.id, criterion.id))
            current = final if final is not None and final.status == "agreed" else None
            criterion_records.append(
                CriterionRecord(
                    criterion.name,
                    criterion.level.name if criterion.level else "Not a framework competency",
                    criterion.weight,
                    criterion.pass_mark,
                    asked[criterion.id],
                    members,
                    str(item.state.proposal) if item.state.proposal is not None else NO_SCORE,
                    str(current.value) if current else "Not agreed",
                    labels.get(current.value, "") if current else "",
                    current.rationale if current else "",
                )
            )
            comparison.append((criterion.name, [m.value for m in members], str(current.value) if current else NO_SCORE))
        chart = None
        if any(member.value != NO_SCORE for record in criterion_records for member in record.members):
            chart = charts.panel_comparison(
                [c.name for c in criteria],
                [s.name for s in seats],
                [[int(v) if v.isdigit() else None for v in member_values] for _, member_values, _ in comparison],
                [int(a) if a.isdigit() else None for _, _, a in comparison],
                points,
            )
        status = recorded_status(application, signed_off)
        records.append(
            CandidateRecord(
                candidate_name(application),
                application.reference,
                _outcome(application, status, result, view, merit),
                str(result.total) if result else NO_SCORE,
                criterion_records,
                chart,
                comparison,
                status in feedback.ABSENT,
            )
        )
    return records


def interview_report(campaign: Campaign, application: Application | None = None) -> ReportSpec:
    """One candidate's interview record when given, else every candidate's with the merit list."""
    stage = "interview"
    record = record_of(campaign, stage)
    if application is not None and (
        application.campaign_id != campaign.id
        or recorded_status(application, record.signed_off_at if record else None) not in INTERVIEWED
    ):
        raise Refused(f"{application.reference} was not invited to interview for {campaign.reference}")
    outcome = results.compute(campaign, stage)
    view = offers.merit_view(campaign)
    invited = with_personal_details(
        select(Application)
        .where(Application.campaign_id == campaign.id, recorded_in(stage, INTERVIEWED))
        .order_by(Application.reference)
    )
    if application is not None:
        candidates = [application]
        title = f"Interview report – {campaign.reference} – {application.reference}"
    else:
        order = [ranked(e.key).id for e in view.entries] + [ranked(r.key).id for r in outcome.results if not r.passed]
        place = {application_id: index for index, application_id in enumerate(order)}
        candidates = sorted(
            invited, key=lambda a: (a.status in feedback.ABSENT, place.get(a.id, len(order)), a.reference)
        )
        title = f"Interview report – {campaign.reference} – {campaign.title}"
    one = application is not None
    context = base_context(campaign, title, "Interview report", stage_state(campaign, stage, record))
    context.update(
        one=one,
        criteria=criteria_rows(stage_criteria(campaign, stage)),
        seats=panel_seats(campaign, stage),
        scale=campaign.scale.points,
        overall_pass_mark=campaign.overall_pass_mark,
        candidates=_candidate_records(campaign, candidates, outcome, view),
        merit=[] if one else merit_rows(view),
        basis=campaign.merit_basis,
        final=view.final,
        sign_off=sign_off_line(record),
        later=[] if one else after_sign_off(campaign, stage),
        panel_quality=None if one else panel_quality(campaign, stage),
    )
    return ReportSpec("pdf/interview.html", title, context)
