"""Routes for assessors: their dashboard, work lists in their own shuffled order, and the scoring form.

At the sift these pages show the application's reference and evidence only, never a name or
contact detail; at interview they show names once services/visibility.shows_names says so.
"""

from __future__ import annotations

from collections import Counter

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from recruit.access import roles
from recruit.assess import bp
from recruit.assess.forms import ConflictForm, ScoreForm, SiftConflictForm
from recruit.models import Application, Campaign, Criterion
from recruit.pagination import page_number
from recruit.services.assessment import assessor_views, moderators, scoring, visibility
from recruit.services.campaigns.stages import is_chair, presift_active, scoring_open, stage_criteria
from recruit.services.errors import Refused
from recruit.services.interview import questions


def _stage_or_404(campaign_id: int, stage: str) -> Campaign:
    campaign = assessor_views.stage_for_assessor(current_user, campaign_id, stage)
    if campaign is None:
        abort(404)
    return campaign


def _application_or_404(campaign: Campaign, stage: str, reference: str) -> Application:
    application = assessor_views.application_in_stage(campaign, stage, reference)
    if application is None:
        abort(404)
    return application


def _criterion_or_404(campaign: Campaign, stage: str, code: str) -> Criterion:
    criterion = next((c for c in stage_criteria(campaign, stage) if c.code == code), None)
    if criterion is None:
        abort(404)
    return criterion


@bp.get("")
@roles("assessor")
def dashboard() -> str:
    return render_template(
        "assess/dashboard.html",
        panels=assessor_views.dashboard(current_user),
        deputyships=moderators.deputyships(current_user),
    )


@bp.get("/<int:campaign_id>/<stage>")
@roles("assessor")
def work(campaign_id: int, stage: str) -> str:
    campaign = _stage_or_404(campaign_id, stage)
    criteria = stage_criteria(campaign, stage)
    mode = "criterion" if request.args.get("by") == "criterion" else "candidate"
    chosen = next((c for c in criteria if c.code == request.args.get("criterion")), criteria[0] if criteria else None)
    names = visibility.shows_names(current_user, campaign, stage)
    pagination = assessor_views.work_list(current_user, campaign, stage, page_number(), with_names=names)
    items = pagination.items
    scores = assessor_views.own_scores(current_user, stage, items)
    # Counted here, once: counting in the template went through every score on the page for every row.
    submitted = Counter(score.application_id for score in scores.values() if score.status == "submitted")
    return render_template(
        "assess/work.html",
        campaign=campaign,
        stage=stage,
        criteria=criteria,
        mode=mode,
        chosen=chosen,
        pagination=pagination,
        scores=scores,
        submitted=submitted,
        conflicts=assessor_views.own_conflicts(current_user, stage, items),
        open=scoring_open(campaign, stage),
        chair=is_chair(campaign, stage, current_user),
        presift=presift_active(campaign, stage),
        names=names,
    )


@bp.get("/<int:campaign_id>/<stage>/<reference>")
@roles("assessor")
def application(campaign_id: int, stage: str, reference: str) -> ResponseReturnValue:
    campaign = _stage_or_404(campaign_id, stage)
    item = _application_or_404(campaign, stage, reference)
    if stage == "interview" and scoring.conflict_for(current_user, item, stage) is None:
        return redirect(url_for("assess.conflict", campaign_id=campaign.id, stage=stage, reference=item.reference))
    return render_template(
        "assess/application.html",
        campaign=campaign,
        stage=stage,
        application=item,
        criteria=stage_criteria(campaign, stage),
        scores=assessor_views.own_scores(current_user, stage, [item]),
        conflict=scoring.conflict_for(current_user, item, stage),
        names=visibility.shows_names(current_user, campaign, stage),
    )


def _fill_choices(form: ScoreForm, campaign: Campaign, criterion: Criterion) -> None:
    lists = scoring.indicator_choices(criterion)
    form.effective.choices = [(i.id, i.text) for i in lists["effective"]]
    form.ineffective.choices = [(i.id, i.text) for i in lists["ineffective"]]
    form.value.choices = [(p.value, f"{p.value} – {p.label}") for p in campaign.scale.points]


@bp.route("/<int:campaign_id>/<stage>/<reference>/<code>", methods=["GET", "POST"])
@roles("assessor")
def score(campaign_id: int, stage: str, reference: str, code: str) -> ResponseReturnValue:
    campaign = _stage_or_404(campaign_id, stage)
    item = _application_or_404(campaign, stage, reference)
    criterion = _criterion_or_404(campaign, stage, code)
    conflict = scoring.conflict_for(current_user, item, stage)
    if stage == "interview" and conflict is None:
        return redirect(url_for("assess.conflict", campaign_id=campaign.id, stage=stage, reference=item.reference))
    existing = scoring.own_score(current_user, item, criterion, stage)
    agreed = scoring.agreed_for(item, criterion, stage)
    form = ScoreForm()
    _fill_choices(form, campaign, criterion)
    prompt = None
    if request.method == "GET" and existing is not None:
        form.value.data = existing.value
        form.effective.data = [i for i, _ in form.effective.choices if i in existing.ticked]
        form.ineffective.data = [i for i, _ in form.ineffective.choices if i in existing.ticked]
        form.rationale.data = existing.rationale
        form.notes.data = existing.notes
    if request.method == "GET":
        form.version.data = str(existing.version) if existing else "0"
    if form.validate_on_submit():
        submitting = bool(form.submit_score.data)
        reference_read, code_read = item.reference, criterion.code
        entry = scoring.ScoreInput(
            value=form.value.data,
            ticked=[*form.effective.data, *form.ineffective.data],
            rationale=form.rationale.data or "",
            notes=form.notes.data or "",
        )
        try:
            scoring.save(
                current_user,
                campaign,
                item,
                criterion,
                stage,
                entry,
                submit=submitting,
                version=form.version_number(),
                confirmed=bool(form.confirm.data),
            )
        except scoring.NeedsConfirmation as error:
            prompt = error.message
        except Refused as error:
            field = getattr(form, error.field, None) if error.field else None
            (field.errors if field is not None else form.form_errors).append(error.message)
            if error.message == scoring.STALE:
                # The answers stay as typed; saving them again, once checked, replaces the newer version.
                existing = scoring.own_score(current_user, item, criterion, stage)
                form.version.data = str(existing.version) if existing else "0"
        else:
            flash("Score submitted." if submitting else "Draft saved.", "success")
            back = request.args.get("by")
            # From what was read before saving: the commit expired the models, and reading them again would reload
            # the campaign with everything loaded alongside it.
            if back == "criterion":
                return redirect(
                    url_for("assess.work", campaign_id=campaign_id, stage=stage, by="criterion", criterion=code_read)
                )
            return redirect(
                url_for("assess.application", campaign_id=campaign_id, stage=stage, reference=reference_read)
            )
    statement = item.statement_for(criterion) if stage == "sift" else None
    asked = questions.chosen(criterion) if stage == "interview" else []
    return render_template(
        "assess/score.html",
        questions=asked,
        campaign=campaign,
        stage=stage,
        application=item,
        criterion=criterion,
        form=form,
        statement=statement,
        existing=existing,
        agreed=agreed,
        prompt=prompt,
        conflict=conflict,
        open=scoring_open(campaign, stage),
        names=visibility.shows_names(current_user, campaign, stage),
    )


@bp.route("/<int:campaign_id>/<stage>/<reference>/conflict", methods=["GET", "POST"])
@roles("assessor")
def conflict(campaign_id: int, stage: str, reference: str) -> ResponseReturnValue:
    campaign = _stage_or_404(campaign_id, stage)
    item = _application_or_404(campaign, stage, reference)
    existing = scoring.conflict_for(current_user, item, stage)
    form = ConflictForm() if stage == "interview" else SiftConflictForm()
    if form.validate_on_submit():
        declared = stage == "sift" or form.has_conflict.data == "yes"
        try:
            scoring.declare(current_user, campaign, item, stage, declared, form.reason.data or "")
        except Refused as error:
            field = getattr(form, error.field, None) if error.field else None
            (field.errors if field is not None else form.form_errors).append(error.message)
        else:
            if declared:
                flash(
                    "Conflict of interest recorded. You will not score this candidate; the chair has been told.",
                    "success",
                )
                return redirect(url_for("assess.work", campaign_id=campaign.id, stage=stage))
            return redirect(
                url_for("assess.application", campaign_id=campaign.id, stage=stage, reference=item.reference)
            )
    return render_template(
        "assess/conflict.html",
        campaign=campaign,
        stage=stage,
        application=item,
        form=form,
        existing=existing,
        names=visibility.shows_names(current_user, campaign, stage),
    )
