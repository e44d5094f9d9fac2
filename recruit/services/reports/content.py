"""What each PDF report shows (DESIGN §7), gathered from the services that own the figures, and the template
that lays it out. Every score, total, pass, rank and merit place comes from results, board, merit, offers and
feedback; nothing here applies a scoring rule of its own.

The sift report is name-blind: it never loads a candidate's personal details.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from recruit.clock import format_uk, utcnow
from recruit.extensions import db
from recruit.labels import status_label
from recruit.models import (AgreedScore, AgreedScoreVersion, Application, Campaign, Indicator, Offer, Score,
                            StageRecord, User)
from recruit.services.reports import charts
from recruit.services.assessment import feedback
from recruit.services.interview import offers
from recruit.services.assessment import results
from recruit.services.assessment.board import Item, load_items
from recruit.services.errors import Refused
from recruit.services.assessment.results import StageResults
from recruit.services.campaigns.stages import eligible_query, presift_active, recorded_as, recorded_status, stage_criteria

NO_SCORE = "–"
CONFLICT = "C"


@dataclass
class ReportSpec:
    template: str          # e.g. "pdf/sift.html"
    title: str             # the PDF document title
    context: dict          # passed to render_template(template, **context)


def css_string(text: str) -> str:
    """Text for a CSS string in double quotes: anything but letters, digits and plain punctuation is escaped,
    so that no value can end the string or the style sheet."""
    return "".join(c if (c.isascii() and c.isalnum()) or c in " -_./" else f"\\{ord(c):06X} " for c in text)


def _base(campaign: Campaign, title: str, heading: str) -> dict:
    return {"title": title, "heading": heading, "campaign": campaign,
            "header_reference": css_string(campaign.reference), "produced": format_uk(utcnow()),
            "details": _details(campaign)}


def _details(campaign: Campaign) -> list[tuple[str, str]]:
    rows = [("Reference", campaign.reference), ("Title", campaign.title), ("Organisation", campaign.organisation),
            ("Location", campaign.location), ("Posts", str(campaign.posts)),
            ("Framework", campaign.framework.name)]
    if campaign.grade_label:
        rows.append(("Grade", campaign.grade_label))
    if campaign.closes_at is not None:
        rows.append(("Closing date", format_uk(campaign.closes_at)))
    rows.append(("Status", status_label(campaign.status)))
    return rows


@dataclass
class PanelSeat:
    user_id: int
    name: str
    chair: bool
    label: str             # A1, A2 … in the sift table


def panel_seats(campaign: Campaign, stage: str) -> list[PanelSeat]:
    panel = campaign.panel(stage)
    members = sorted(panel.members, key=lambda m: (not m.is_chair, m.id)) if panel else []
    return [PanelSeat(m.user_id, m.user.name, m.is_chair, f"A{number}") for number, m in enumerate(members, 1)]


def _criteria_rows(criteria) -> list[dict]:
    return [{"name": c.name, "level": c.level.name if c.level is not None else "Not a framework competency",
             "weight": c.weight, "pass_mark": c.pass_mark, "lead": c.is_lead} for c in criteria]


def _record(campaign: Campaign, stage: str) -> StageRecord | None:
    # Read only: a report never creates the stage's record.
    return db.session.scalar(select(StageRecord).where(StageRecord.campaign_id == campaign.id,
                                                       StageRecord.stage == stage))


def _names(ids) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()) if ids else {}


def _later(campaign: Campaign, stage: str) -> list[str]:
    """What happened after the sign-off, for a report made later: the results above it stay as signed off."""
    return [f"{event.reference} {event.what.lower()} on {format_uk(event.at)}, after sign-off"
            for event in results.later_events(campaign, stage)]


def _sign_off(record: StageRecord | None) -> str:
    if record is None or record.signed_off_at is None:
        return "Not signed off"
    name = record.signed_off_by.name if record.signed_off_by else "the chair"
    return f"Signed off by {name} on {format_uk(record.signed_off_at)}"


@dataclass
class Distribution:
    chart: charts.Chart
    points: list[int]
    rows: list[tuple[str, list[int], int]]   # criterion, count per scale point, how many reach its pass mark
    applications: int


def score_distribution(campaign: Campaign, outcome: StageResults) -> Distribution | None:
    """How many fully agreed applications got each agreed score, per criterion: the chart on the results page
    and in the sift report. None until an application has every criterion agreed."""
    if not outcome.results or not outcome.criteria:
        return None
    points = [p.value for p in campaign.scale.points]
    rows = []
    for criterion in outcome.criteria:
        counts = dict.fromkeys(points, 0)
        for result in outcome.results:
            counts[result.agreed[criterion.code]] = counts.get(result.agreed[criterion.code], 0) + 1
        rows.append((criterion.name, [counts[p] for p in points],
                     sum(1 for r in outcome.results if r.passes[criterion.code])))
    chart = charts.score_distribution([name for name, _, _ in rows], points, [c for _, c, _ in rows],
                                      len(outcome.results))
    return Distribution(chart, points, rows, len(outcome.results))


# The sift report.

@dataclass
class SiftRow:
    reference: str
    cells: list[tuple[list[str], str, bool]]   # per criterion: each seat's score, the agreed score, below pass mark
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
    events: list[dict] = field(default_factory=list)


def _seat_scores(item: Item, seats: list[PanelSeat]) -> list[str]:
    values = dict(zip(item.assessors, item.values))
    return [CONFLICT if seat.user_id in item.conflicted else str(values[seat.user_id])
            if seat.user_id in values else NO_SCORE for seat in seats]


def _agreed_records(stage: str, criteria) -> tuple[dict, dict]:
    """Every agreed score of these criteria at the stage, with its versions, as plain rows in two queries."""
    ids = [c.id for c in criteria]
    agreed = {(row.application_id, row.criterion_id): row for row in db.session.execute(
        select(AgreedScore.id, AgreedScore.application_id, AgreedScore.criterion_id, AgreedScore.value,
               AgreedScore.proposal, AgreedScore.discrepant, AgreedScore.rationale, AgreedScore.status)
        .where(AgreedScore.stage == stage, AgreedScore.criterion_id.in_(ids)))}
    versions = defaultdict(list)
    for row in db.session.execute(
            select(AgreedScoreVersion.agreed_score_id, AgreedScoreVersion.action, AgreedScoreVersion.value,
                   AgreedScoreVersion.rationale, AgreedScoreVersion.reason, AgreedScoreVersion.at,
                   AgreedScoreVersion.by_id)
            .join(AgreedScore, AgreedScore.id == AgreedScoreVersion.agreed_score_id)
            .where(AgreedScore.stage == stage, AgreedScore.criterion_id.in_(ids))
            .order_by(AgreedScoreVersion.id)):
        versions[row.agreed_score_id].append(row)
    return agreed, versions


def _log_entry(item: Item, state, seats: list[PanelSeat], agreed, history: list, names: dict) -> LogEntry | None:
    discrepant = state.discrepant
    reopened = any(v.action == "reopened" for v in history)
    changed = agreed is not None and (agreed.discrepant or agreed.value != agreed.proposal or agreed.rationale)
    if not (discrepant or changed or reopened):
        return None
    labels = {seat.user_id: seat.label for seat in seats}
    scores = ", ".join(f"{labels[a]} {v}" for a, v in zip(item.assessors, item.values) if a in labels)
    events = [{"action": v.action, "value": v.value, "by": names.get(v.by_id, ""), "at": format_uk(v.at),
               "text": v.reason if v.action == "reopened" else v.rationale} for v in history]
    current = agreed is not None and agreed.status == "agreed"
    return LogEntry(item.application.reference, item.criterion.name, scores or NO_SCORE,
                    "; ".join(state.reasons).capitalize() if discrepant else "",
                    str(state.proposal) if state.proposal is not None else NO_SCORE,
                    str(agreed.value) if current else "Not agreed", agreed.rationale if current else "", events)


def _column_widths(criteria: int, seats: int) -> dict:
    fixed = {"reference": 10.0, "total": 5.0, "result": 6.5, "rank": 4.5}
    score = (100.0 - sum(fixed.values())) / max(criteria * (seats + 1), 1)
    return {**{k: f"{v:.2f}%" for k, v in fixed.items()}, "score": f"{score:.2f}%"}


def sift_report(campaign) -> ReportSpec:
    stage = "sift"
    outcome = results.compute(campaign, stage)
    criteria = outcome.criteria
    seats = panel_seats(campaign, stage)
    applications = list(db.session.scalars(eligible_query(campaign, stage).order_by(Application.reference)))
    items = load_items(campaign, stage, applications, criteria)
    by_key = {(item.application.id, item.criterion.id): item for item in items}
    agreed, versions = _agreed_records(stage, criteria)
    names = _names({row.by_id for rows in versions.values() for row in rows})
    by_result = {result.key.id: result for result in outcome.results}
    ordered = [r.key for r in outcome.results] + [a for a in applications if a.id not in by_result]

    rows, log = [], []
    for application in ordered:
        result = by_result.get(application.id)
        cells = []
        for criterion in criteria:
            item = by_key[(application.id, criterion.id)]
            below = result is not None and not result.passes[criterion.code]
            cells.append((_seat_scores(item, seats),
                          str(item.agreed_value) if item.agreed_value is not None else NO_SCORE, below))
        rows.append(SiftRow(application.reference, cells, str(result.total) if result else NO_SCORE,
                            ("Pass" if result.passed else "Fail") if result else "Not agreed",
                            result.rank_label if result else ""))
    discrepant = 0
    for item in sorted(items, key=lambda i: (i.application.reference, i.criterion.position)):
        state = item.state
        discrepant += state.discrepant
        row = agreed.get((item.application.id, item.criterion.id))
        entry = _log_entry(item, state, seats, row, versions.get(row.id, []) if row else [], names)
        if entry is not None:
            log.append(entry)

    record = _record(campaign, stage)
    passed = sum(1 for r in outcome.results if r.passed)
    summary = [("Applications in the sift", len(applications)),
               ("Applications with every criterion agreed", len(outcome.results)),
               ("Items still to agree", outcome.unagreed),
               ("Applications passing", passed),
               ("Applications not passing", len(outcome.results) - passed),
               ("Discrepant items", discrepant),
               ("Agreed scores reopened", sum(1 for rows_ in versions.values() for v in rows_
                                              if v.action == "reopened")),
               ("Conflicts of interest declared", len({(i.application.id, a) for i in items for a in i.conflicted}))]
    presift = _presift(campaign, stage, seats)
    if presift is not None:
        summary.append(("Applications not through the pre-sift", len(presift["rows"])))
    decision = None
    if record is not None and record.decided_at is not None:
        # Those absent from the interview were invited all the same.
        through = sum(1 for a in applications if recorded_status(a, record.signed_off_at) in feedback.SIFT_OUTCOMES)
        rule = "everyone who passes" if record.decision_rule == "all_passing" \
            else f"the top {record.decision_top_n} by rank"
        decision = f"Decided on {format_uk(record.decided_at)}: {rule}; {through} go on to interview."

    title = f"Sift report – {campaign.reference} – {campaign.title}"
    context = _base(campaign, title, "Sift report")
    context.update(
        criteria=_criteria_rows(criteria), all_criteria=_criteria_rows(campaign.criteria_at(stage)),
        presift_running=presift_active(campaign, stage), seats=seats, scale=campaign.scale.points,
        threshold=campaign.discrepancy_threshold, overall_pass_mark=campaign.overall_pass_mark,
        summary=summary, distribution=score_distribution(campaign, outcome), rows=rows, log=log,
        widths=_column_widths(len(criteria), len(seats)), presift=presift, decision=decision,
        sign_off=_sign_off(record), later=_later(campaign, stage))
    return ReportSpec("pdf/sift.html", title, context)


def _presift(campaign: Campaign, stage: str, seats: list[PanelSeat]) -> dict | None:
    """Applications that left at the pre-sift, with their lead-criterion scores."""
    lead = campaign.lead_criterion
    failed = list(db.session.scalars(select(Application).where(
        Application.campaign_id == campaign.id, recorded_as(stage, ("presift_failed",)))
        .order_by(Application.reference)))
    if lead is None or not failed:
        return None
    rows = [(item.application.reference, _seat_scores(item, seats),
             str(item.agreed_value) if item.agreed_value is not None else NO_SCORE)
            for item in load_items(campaign, stage, failed, [lead])]
    return {"lead": lead.name, "pass_mark": lead.pass_mark, "rows": rows}


# The interview report and the merit list.

@dataclass
class MemberScore:
    name: str
    chair: bool
    value: str
    effective: list[str]
    ineffective: list[str]
    rationale: str
    note: str = ""


@dataclass
class CriterionRecord:
    name: str
    level: str
    weight: int
    pass_mark: int
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
    comparison: list[tuple[str, list[str], str]]   # criterion, each member's score, agreed: the chart's figures
    absent: bool = False


def _name(application: Application) -> str:
    details = application.personal_details
    return details.full_name if details is not None else "Name erased"


OFFER_STATUS = {"offered": "Offer made", "accepted": "Offer accepted", "declined": "Offer declined",
                "withdrawn": "Offer withdrawn"}


def _merit_rows(view: offers.MeritView) -> list[dict]:
    next_ids = {a.id for a in view.allocation.next_offers}
    tied_ids = {a.id for a in view.allocation.tied_at_cut}
    rows = []
    for entry in view.entries:
        offer = view.offers.get(entry.key.id)
        withdrew = (f"withdrew on {format_uk(entry.key.withdrawn_at)}, after sign-off"
                    if entry.key.status == "withdrawn" and entry.key.withdrawn_at else "")
        if offer is not None:
            status = OFFER_STATUS[offer.status] + (" (from the reserve list)" if offer.from_reserve else "")
            status += f": {withdrew}" if withdrew else ""
        elif withdrew:
            status = withdrew[:1].upper() + withdrew[1:]
        elif entry.key.id in tied_ids:
            status = "Shares the place at the cut: the admin chooses whom to offer"
        elif entry.key.id in next_ids:
            status = "Next to be offered" if view.final else "In line for an offer"
        else:
            status = "Reserve list"
        rows.append({"place": entry.rank_label, "name": _name(entry.key), "reference": entry.key.reference,
                     "interview": entry.interview.total, "sift": entry.sift_total, "total": entry.total,
                     "status": status})
    return rows


def _outcome(application: Application, status: str, result, view: offers.MeritView, rows: dict) -> str:
    if status in feedback.ABSENT:
        return feedback.ABSENT[status]
    if result is None:
        return "Not yet agreed"
    if not result.passed:
        return "Not appointable"
    row = rows[application.reference]
    text = f"Appointable, place {row['place']} on the merit list: {row['status'][:1].lower()}{row['status'][1:]}"
    return text if view.final else f"Provisional (the interview stage is not signed off). {text}"


def _candidate_records(campaign: Campaign, applications: list[Application], outcome: StageResults,
                       view: offers.MeritView) -> list[CandidateRecord]:
    stage, criteria = "interview", outcome.criteria
    seats = panel_seats(campaign, stage)
    labels = {p.value: p.label for p in campaign.scale.points}
    points = [p.value for p in campaign.scale.points]
    ids = [a.id for a in applications]
    items = {(i.application.id, i.criterion.id): i for i in load_items(campaign, stage, applications, criteria)}
    scores = {(r.application_id, r.criterion_id, r.assessor_id): r for r in db.session.execute(
        select(Score.application_id, Score.criterion_id, Score.assessor_id, Score.value, Score.rationale,
               Score.ticked).where(Score.application_id.in_(ids), Score.stage == stage,
                                   Score.status == "submitted"))} if ids else {}
    ticked = {i for row in scores.values() for i in (row.ticked or [])}
    indicators = {row.id: row for row in db.session.execute(
        select(Indicator.id, Indicator.text, Indicator.kind, Indicator.position).where(Indicator.id.in_(ticked)))
    } if ticked else {}
    agreed = {(r.application_id, r.criterion_id): r for r in db.session.execute(
        select(AgreedScore.application_id, AgreedScore.criterion_id, AgreedScore.value, AgreedScore.proposal,
               AgreedScore.rationale, AgreedScore.status)
        .where(AgreedScore.stage == stage, AgreedScore.application_id.in_(ids)))} if ids else {}
    by_result = {r.key.id: r for r in outcome.results}
    merit = {row["reference"]: row for row in _merit_rows(view)}
    record = _record(campaign, stage)
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
                ticks = sorted((indicators[i] for i in (row.ticked or []) if i in indicators),
                               key=lambda i: i.position) if row else []
                member = MemberScore(seat.name, seat.chair, str(counted[seat.user_id]) if seat.user_id in counted
                                     else NO_SCORE, [i.text for i in ticks if i.kind == "effective"],
                                     [i.text for i in ticks if i.kind == "ineffective"],
                                     row.rationale if row and seat.user_id in counted else "")
                if seat.user_id in item.conflicted:
                    member.note = "Conflict of interest declared: not counted"
                    member.effective, member.ineffective = [], []
                elif seat.user_id not in counted:
                    member.note = "No score submitted"
                members.append(member)
            final = agreed.get((application.id, criterion.id))
            current = final is not None and final.status == "agreed"
            criterion_records.append(CriterionRecord(
                criterion.name, criterion.level.name if criterion.level else "Not a framework competency",
                criterion.weight, criterion.pass_mark, members,
                str(item.state.proposal) if item.state.proposal is not None else NO_SCORE,
                str(final.value) if current else "Not agreed",
                labels.get(final.value, "") if current else "", final.rationale if current else ""))
            comparison.append((criterion.name, [m.value for m in members], str(final.value) if current else NO_SCORE))
        chart = None
        if any(member.value != NO_SCORE for record in criterion_records for member in record.members):
            chart = charts.panel_comparison(
                [c.name for c in criteria], [s.name for s in seats],
                [[int(v) if v.isdigit() else None for v in member_values] for _, member_values, _ in comparison],
                [int(a) if a.isdigit() else None for _, _, a in comparison], points)
        status = recorded_status(application, signed_off)
        records.append(CandidateRecord(_name(application), application.reference,
                                       _outcome(application, status, result, view, merit),
                                       str(result.total) if result else NO_SCORE, criterion_records, chart,
                                       comparison, status in feedback.ABSENT))
    return records


INTERVIEWED = ("sift_passed", *feedback.ABSENT)


def _with_names(query):
    return list(db.session.scalars(query.options(selectinload(Application.personal_details))))


def interview_report(campaign, application=None) -> ReportSpec:
    """One candidate's interview record when given, else every candidate's with the merit list."""
    stage = "interview"
    record = _record(campaign, stage)
    if application is not None and (
            application.campaign_id != campaign.id
            or recorded_status(application, record.signed_off_at if record else None) not in INTERVIEWED):
        raise Refused(f"{application.reference} was not invited to interview for {campaign.reference}")
    outcome = results.compute(campaign, stage)
    view = offers.merit_view(campaign)
    invited = _with_names(select(Application).where(Application.campaign_id == campaign.id,
                                                    recorded_as(stage, INTERVIEWED))
                          .order_by(Application.reference))
    if application is not None:
        candidates = [application]
    else:
        order = [e.key.id for e in view.entries] + [r.key.id for r in outcome.results if not r.passed]
        place = {application_id: index for index, application_id in enumerate(order)}
        candidates = sorted(invited, key=lambda a: (a.status in feedback.ABSENT, place.get(a.id, len(order)),
                                                    a.reference))
    one = application is not None
    title = (f"Interview report – {campaign.reference} – {application.reference}" if one
             else f"Interview report – {campaign.reference} – {campaign.title}")
    context = _base(campaign, title, "Interview report")
    context.update(
        one=one, criteria=_criteria_rows(stage_criteria(campaign, stage)), seats=panel_seats(campaign, stage),
        scale=campaign.scale.points, overall_pass_mark=campaign.overall_pass_mark,
        candidates=_candidate_records(campaign, candidates, outcome, view),
        merit=[] if one else _merit_rows(view), basis=campaign.merit_basis, final=view.final,
        sign_off=_sign_off(record), later=[] if one else _later(campaign, stage))
    return ReportSpec("pdf/interview.html", title, context)


def merit_report(campaign) -> ReportSpec:
    view = offers.merit_view(campaign)
    _with_names(select(Application).where(Application.id.in_([e.key.id for e in view.entries])))
    made = db.session.scalars(select(Offer).where(Offer.campaign_id == campaign.id).order_by(Offer.id)
                              .options(selectinload(Offer.application).selectinload(Application.personal_details))
                              ).all()
    reserve = [row for row in _merit_rows(view) if row["status"] == "Reserve list"]
    expiry = None
    if view.reserve_expires_at is not None:
        expiry = ("expired on " if view.reserve_expired else "expires on ") + format_uk(view.reserve_expires_at)
    title = f"Merit list – {campaign.reference} – {campaign.title}"
    context = _base(campaign, title, "Merit list")
    context.update(
        merit=_merit_rows(view), basis=campaign.merit_basis, final=view.final, posts=campaign.posts,
        offers=[{"name": _name(o.application), "reference": o.application.reference, "made": format_uk(o.made_at),
                 "by": o.made_by.name, "status": status_label(o.status), "from_reserve": o.from_reserve,
                 "answered": format_uk(o.responded_at) if o.responded_at else ""} for o in made],
        reserve=reserve, reserve_expiry=expiry, tied=bool(view.allocation.tied_at_cut),
        sign_off=_sign_off(_record(campaign, "interview")))
    return ReportSpec("pdf/merit.html", title, context)


# The candidate's feedback letter.

def feedback_letter(campaign, application) -> ReportSpec:
    """Per released stage the candidate took part in: the outcome, and per criterion the agreed score's label and
    the feedback written from the moderated record."""
    if application.campaign_id != campaign.id:
        raise Refused("This application is not for this campaign")
    stages = []
    for stage in feedback.released_stages(application):
        rows = feedback.released_for(application, stage)
        if rows is not None:
            stages.append({"stage": stage, "outcome": feedback.stage_outcome(application, stage), "rows": rows})
    if not stages:
        raise Refused("Feedback for this application has not been released yet")
    title = f"Feedback – {campaign.reference} – {application.reference}"
    context = _base(campaign, title, "Feedback on your application")
    context.update(name=_name(application) if application.personal_details else "candidate",
                   reference=application.reference, stages=stages,
                   without_feedback=feedback.without_feedback([(part["stage"], part["rows"]) for part in stages]))
    return ReportSpec("pdf/feedback.html", title, context)
