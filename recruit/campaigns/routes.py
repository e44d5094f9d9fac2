"""Routes for building and running a campaign (admins only)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from recruit.access import roles
from recruit.campaigns import bp
from recruit.campaigns.forms import (
    AddCompetencyForm,
    AddOwnCriterionForm,
    ClosingForm,
    DetailsForm,
    NewCampaignForm,
    PanelForm,
    SettingsForm,
    StatusForm,
    criterion_form,
    entered,
)
from recruit.clock import NotAUKTime, parse_time_of_day, uk_time, uk_to_utc
from recruit.extensions import db
from recruit.forms import show_refusal
from recruit.models import Campaign, Criterion, Grade, RoleProfile, ScoringScale
from recruit.models.campaign import STATUSES, CampaignStatus
from recruit.services.applications import adjustments, disability_confident_report
from recruit.services.campaigns import criteria, task_list
from recruit.services.campaigns import setup as campaigns
from recruit.services.campaigns import status as campaign_status
from recruit.services.campaigns.rules import allowed
from recruit.services.campaigns.views import campaign_for_admin, campaign_list, source_choices
from recruit.services.errors import Refused
from recruit.services.fairness import redaction
from recruit.services.records.audit_log import audit_query


def _campaign_or_404(campaign_id: int) -> Campaign:
    campaign = campaign_for_admin(current_user, campaign_id)
    if campaign is None:
        abort(404)
    return campaign


def _criterion_or_404(campaign: Campaign, criterion_id: int) -> Criterion:
    criterion = next((c for c in campaign.criteria if c.id == criterion_id), None)
    if criterion is None:
        abort(404)
    return criterion


def _overview(campaign: Campaign) -> ResponseReturnValue:
    return redirect(url_for("campaigns.overview", campaign_id=campaign.id))


@bp.get("")
@roles("admin")
def campaign_index() -> str:
    status = request.args.get("status")
    status = status if status in STATUSES else None
    return render_template("campaigns/list.html", campaigns=campaign_list(status), status=status, statuses=STATUSES)


@bp.route("/new", methods=["GET", "POST"])
@roles("admin")
def new() -> ResponseReturnValue:
    form = NewCampaignForm(
        choices=source_choices(), data={"nationality_requirements": current_app.config["NATIONALITY_REQUIREMENTS"]}
    )
    if form.validate_on_submit():
        kind, _, raw_id = form.source.data.partition(":")
        grade = db.session.get(Grade, int(raw_id)) if kind == "grade" else None
        profile = db.session.get(RoleProfile, int(raw_id)) if kind == "role" else None
        try:
            campaign = campaigns.create_campaign(current_user, form.details(), grade=grade, role_profile=profile)
        except Refused as error:
            show_refusal(form, error, "source")
        else:
            flash(f"Campaign {campaign.reference} created with {len(campaign.criteria)} proposed criteria.", "success")
            return _overview(campaign)
    return render_template("campaigns/new.html", form=form)


@bp.get("/<int:campaign_id>")
@roles("admin")
def overview(campaign_id: int) -> str:
    campaign = _campaign_or_404(campaign_id)
    entries = db.session.scalars(audit_query(record_type="campaign", record_id=str(campaign.id)).limit(20)).all()
    return render_template(
        "campaigns/overview.html",
        campaign=campaign,
        allowed=allowed,
        level_warning=criteria.level_warning,
        entries=entries,
        tasks=task_list.tasks(campaign),
        next_step=task_list.next_step(campaign),
        adjustments_awaiting=adjustments.awaiting_count(campaign),
        disability_confident=disability_confident_report.shown(campaign),
        redaction_open=redaction.refusal(campaign) is None,
        withdraw=campaign_status.ACTION_NAMES[CampaignStatus.WITHDRAWN],
        form=StatusForm(),
    )


@bp.route("/<int:campaign_id>/details", methods=["GET", "POST"])
@roles("admin")
def details(campaign_id: int) -> ResponseReturnValue:
    campaign = _campaign_or_404(campaign_id)
    form = DetailsForm(obj=campaign)
    if not form.is_submitted() and not campaign.nationality_requirements:
        # A campaign made before the advert had its fields starts from the operator's nationality wording.
        form.nationality_requirements.data = current_app.config["NATIONALITY_REQUIREMENTS"]
    if form.validate_on_submit():
        try:
            campaigns.update_details(current_user, campaign, form.details())
        except Refused as error:
            show_refusal(form, error)
        else:
            return _overview(campaign)
    return render_template("campaigns/details.html", form=form, campaign=campaign)


@bp.route("/<int:campaign_id>/closing", methods=["GET", "POST"])
@roles("admin")
def closing(campaign_id: int) -> ResponseReturnValue:
    campaign = _campaign_or_404(campaign_id)
    form = ClosingForm()
    if request.method == "GET" and campaign.closes_at is not None:
        local = uk_time(campaign.closes_at)
        form.closes_on.data = local.date()
        form.closes_at_time.data = f"{local:%H:%M}"
    if form.validate_on_submit():
        try:
            hour, minute = parse_time_of_day(form.closes_at_time.data)
            moment = uk_to_utc(entered(form.closes_on.data), hour, minute)
        except NotAUKTime as error:
            form.closes_at_time.errors = [str(error)]
        else:
            try:
                campaigns.set_closing(current_user, campaign, moment)
            except Refused as error:
                show_refusal(form, error, "closes_on")
            else:
                return _overview(campaign)
    return render_template("campaigns/closing.html", form=form, campaign=campaign)


@bp.route("/<int:campaign_id>/settings", methods=["GET", "POST"])
@roles("admin")
def settings(campaign_id: int) -> ResponseReturnValue:
    campaign = _campaign_or_404(campaign_id)
    form = SettingsForm(obj=campaign) if request.method == "GET" else SettingsForm()
    scales = list(db.session.scalars(select(ScoringScale).order_by(ScoringScale.is_default.desc(), ScoringScale.name)))
    form.scale.choices = [(s.id, s.name) for s in scales]
    if request.method == "GET":
        form.scale.data = campaign.scale_id
    if form.validate_on_submit():
        try:
            campaigns.update_settings(
                current_user,
                campaign,
                scale=next(s for s in scales if s.id == form.scale.data),
                discrepancy_threshold=entered(form.discrepancy_threshold.data),
                overall_pass_mark=form.overall_pass_mark.data,
                presift_threshold=form.presift_threshold.data,
                merit_basis=form.merit_basis.data,
                reserve_months=form.reserve_months.data,
                calibration_required=bool(form.calibration_required.data),
                disability_confident=bool(form.disability_confident.data),
                disability_confident_minimum=form.disability_confident_minimum.data,
            )
        except Refused as error:
            show_refusal(form, error)
        else:
            return _overview(campaign)
    return render_template("campaigns/settings.html", form=form, campaign=campaign, scales=scales)


def _level_choices(campaign: Campaign) -> list[tuple[int, str]]:
    return [
        (level.id, level.name + (f" ({level.description})" if level.description else ""))
        for level in campaign.framework.levels
    ]


@bp.route("/<int:campaign_id>/criteria/<int:criterion_id>", methods=["GET", "POST"])
@roles("admin")
def criterion(campaign_id: int, criterion_id: int) -> ResponseReturnValue:
    campaign = _campaign_or_404(campaign_id)
    item = _criterion_or_404(campaign, criterion_id)
    own = item.competency is None
    form = criterion_form(item, obj=item) if request.method == "GET" else criterion_form(item)
    if not own:
        form.level.choices = _level_choices(campaign)
    if request.method == "GET":
        if not own:
            form.level.data = item.level_id
        form.stages.data = item.stages
    if form.validate_on_submit():
        level = None if own else next((lv for lv in campaign.framework.levels if lv.id == form.level.data), None)
        try:
            criteria.update_criterion(
                current_user,
                item,
                level=level,
                at_sift="sift" in form.stages.data,
                at_interview="interview" in form.stages.data,
                weight=entered(form.weight.data),
                pass_mark=entered(form.pass_mark.data),
                word_limit=entered(form.word_limit.data),
                is_lead=form.is_lead.data,
                title=form.title.data if own else None,
                description=form.description.data if own else None,
            )
        except Refused as error:
            show_refusal(form, error)
        else:
            return _overview(campaign)
    return render_template(
        "campaigns/criterion.html", form=form, campaign=campaign, criterion=item, warning=criteria.level_warning(item)
    )


@bp.route("/<int:campaign_id>/criteria/<int:criterion_id>/remove", methods=["GET", "POST"])
@roles("admin")
def remove_criterion(campaign_id: int, criterion_id: int) -> ResponseReturnValue:
    campaign = _campaign_or_404(campaign_id)
    item = _criterion_or_404(campaign, criterion_id)
    form = StatusForm()
    if form.validate_on_submit():
        name = item.name
        try:
            criteria.remove_criterion(current_user, item)
        except Refused as error:
            show_refusal(form, error)
        else:
            flash(f"{name} removed.", "success")
            return _overview(campaign)
    elif request.method == "POST":
        abort(400)
    status_code = 400 if form.form_errors else 200
    return render_template(
        "campaigns/remove_criterion.html",
        form=form,
        campaign=campaign,
        criterion=item,
        refusal=None if form.form_errors else criteria.removal_refusal(item),
        warnings=criteria.removal_warnings(item),
    ), status_code


@bp.post("/<int:campaign_id>/criteria/<int:criterion_id>/move/<direction>")
@roles("admin")
def move_criterion(campaign_id: int, criterion_id: int, direction: str) -> ResponseReturnValue:
    campaign = _campaign_or_404(campaign_id)
    item = _criterion_or_404(campaign, criterion_id)
    if direction not in ("up", "down") or not StatusForm().validate_on_submit():
        abort(400)
    try:
        criteria.move_criterion(current_user, item, -1 if direction == "up" else 1)
    except Refused as error:
        flash(error.message, "important")
    return _overview(campaign)


@bp.route("/<int:campaign_id>/criteria/add-competency", methods=["GET", "POST"])
@roles("admin")
def add_competency(campaign_id: int) -> ResponseReturnValue:
    campaign = _campaign_or_404(campaign_id)
    form = AddCompetencyForm()
    used = {c.competency_id for c in campaign.criteria}
    available = [c for c in campaign.framework.competencies if c.id not in used]
    form.competency.choices = [(0, "Select a competency")] + [(c.id, c.name) for c in available]
    form.level.choices = _level_choices(campaign)
    if request.method == "GET":
        form.stages.data = ["sift", "interview"]
    if form.validate_on_submit():
        competency = next((c for c in available if c.id == form.competency.data), None)
        level = next((lv for lv in campaign.framework.levels if lv.id == form.level.data), None)
        if competency is None:
            form.competency.errors = ["Select a competency"]
        elif level is None:
            form.level.errors = ["Select a level"]
        else:
            try:
                criteria.add_competency(
                    current_user,
                    campaign,
                    competency,
                    level,
                    "sift" in form.stages.data,
                    "interview" in form.stages.data,
                )
            except Refused as error:
                show_refusal(form, error, "competency")
            else:
                return _overview(campaign)
    return render_template("campaigns/add_competency.html", form=form, campaign=campaign)


@bp.route("/<int:campaign_id>/criteria/add-own", methods=["GET", "POST"])
@roles("admin")
def add_own_criterion(campaign_id: int) -> ResponseReturnValue:
    campaign = _campaign_or_404(campaign_id)
    form = AddOwnCriterionForm()
    if request.method == "GET":
        form.stages.data = ["sift", "interview"]
    if form.validate_on_submit():
        try:
            criteria.add_own_criterion(
                current_user,
                campaign,
                form.title.data,
                form.description.data,
                "sift" in form.stages.data,
                "interview" in form.stages.data,
            )
        except Refused as error:
            show_refusal(form, error, "title")
        else:
            return _overview(campaign)
    suggestions = campaign.role_profile.essential_criteria if campaign.role_profile else []
    return render_template("campaigns/add_own.html", form=form, campaign=campaign, suggestions=suggestions)


@bp.route("/<int:campaign_id>/panels/<stage>", methods=["GET", "POST"])
@roles("admin")
def panel(campaign_id: int, stage: str) -> ResponseReturnValue:
    campaign = _campaign_or_404(campaign_id)
    if stage not in ("sift", "interview"):
        abort(404)
    people = campaigns.assessors()
    form = PanelForm()
    form.chair.choices = [(0, "Select the chair")] + [(p.id, f"{p.name} ({p.email})") for p in people]
    form.members.choices = [(p.id, f"{p.name} ({p.email})") for p in people]
    current = campaign.panel(stage)
    if request.method == "GET" and current is not None:
        form.chair.data = current.chair.id if current.chair else 0
        form.members.data = [m.user_id for m in current.members if not m.is_chair]
    if form.validate_on_submit():
        chosen = {p.id: p for p in people}
        chair = chosen.get(form.chair.data)
        if chair is None:
            form.chair.errors = ["Select the chair"]
        else:
            try:
                campaigns.set_panel(
                    current_user, campaign, stage, chair, [chosen[i] for i in form.members.data if i in chosen]
                )
            except Refused as error:
                show_refusal(form, error, "members")
            else:
                return _overview(campaign)
    return render_template("campaigns/panel.html", form=form, campaign=campaign, stage=stage, people=people)


@bp.route("/<int:campaign_id>/status/<target>", methods=["GET", "POST"])
@roles("admin")
def change_status(campaign_id: int, target: str) -> ResponseReturnValue:
    campaign = _campaign_or_404(campaign_id)
    if target not in campaign_status.ACTION_NAMES:
        abort(404)
    confirm = campaign_status.confirmation(campaign, CampaignStatus(target))
    form = StatusForm()
    problems = campaign_status.problems_before(campaign, target)
    if form.validate_on_submit():
        try:
            campaign_status.move(current_user, campaign, target, form.reason.data or "")
        except Refused as error:
            show_refusal(form, error, "reason" if confirm.asks_reason else None)
            return render_template(
                "campaigns/status.html",
                form=form,
                campaign=campaign,
                confirm=confirm,
                problems=campaign_status.problems_before(campaign, target),
            ), 400
        flash(f"{campaign.reference}: {confirm.action.lower()} – done.", "success")
        return _overview(campaign)
    return render_template(
        "campaigns/status.html",
        form=form,
        campaign=campaign,
        confirm=confirm,
        problems=problems,
        warnings=[w for w in (criteria.level_warning(c) for c in campaign.criteria) if w],
    )
