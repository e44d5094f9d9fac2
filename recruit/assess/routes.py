"""Routes for assessors: their dashboard, work lists in their own shuffled order, and the scoring form.

At the sift these pages show the application's reference and evidence only, never a name or
contact detail; at interview they show names once services/visibility.shows_names says so.
"""

from __future__ import annotations

from contextlib import nullcontext

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import Field

from recruit.access import roles
from recruit.assess import bp
from recruit.assess.forms import (
    ApplicationScoresForm,
    ConflictForm,
    ScoreForm,
    SiftConflictForm,
    application_scores_form,
)
from recruit.models import Application, Campaign, Conflict, Criterion
from recruit.pagination import page_number
from recruit.services.applications import adjustments
from recruit.services.assessment import assessor_views, calibration, moderators, score_sheet, scoring, visibility
from recruit.services.campaigns.stages import is_chair, presift_active, scoring_open, stage_criteria
from recruit.services.errors import Refused
from recruit.services.frameworks import kept_wording
from recruit.services.unit_of_work import keeping_loaded


def _stage_or_404(campaign_id: int, stage: str) -> Campaign:
    campaign = assessor_views.stage_for_assessor(current_user, campaign_id, stage)
    if campaign is None:
        abort(404)
    return campaign


def _application_or_404(campaign: Campaign, stage: str, reference: str, *, with_statements: bool = True) -> Application:
    application = assessor_views.application_in_stage(campaign, stage, reference, with_statements=with_statements)
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
        calibration=calibration.todo(current_user),
        deputyships=moderators.deputyships(current_user),
    )


@bp.get("/<int:campaign_id>/<stage>")
@roles("assessor")
def work(campaign_id: int, stage: str) -> str:
    campaign = _stage_or_404(campaign_id, stage)
    criteria = stage_criteria(campaign, stage)
    mode = "criterion" if request.args.get("by") == "criterion" else "candidate"
    chosen = next((c for c in criteria if c.code == request.args.get("criterion")), criteria[0] if criteria else None)
    drafts_only = request.args.get("show") == "drafts"
    names = visibility.shows_names(current_user, campaign, stage)
    # By criterion, the counts and what comes next are about the chosen criterion alone.
    counted = [chosen] if mode == "criterion" and chosen is not None else criteria
    standing = assessor_views.standing(current_user, campaign, stage, [c.id for c in counted])
    pagination = assessor_views.work_list(
        current_user, campaign, stage, page_number(), with_names=names, among=standing, drafts_only=drafts_only
    )
    return render_template(
        "assess/work.html",
        campaign=campaign,
        stage=stage,
        criteria=criteria,
        mode=mode,
        chosen=chosen,
        drafts_only=drafts_only,
        pagination=pagination,
        # Each score's value shows only by criterion; by candidate the counts in `standing` are enough.
        scores=assessor_views.own_scores(current_user, stage, pagination.items) if mode == "criterion" else {},
        standing=standing,
        next_reference=standing.next_reference(),
        open=scoring_open(campaign, stage),
        chair=is_chair(campaign, stage, current_user),
        presift=presift_active(campaign, stage),
        names=names,
        # What the admin shared about agreed adjustments; nothing at the sift.
        adjustment_notes=adjustments.panel_notes(campaign, stage, pagination.items),
    )


def _scale(fields: dict[str, Field], campaign: Campaign) -> None:
    points = kept_wording.scale_points(campaign.scale_id)
    fields["value"].choices = [(p.value, f"{p.value} – {p.label}") for p in points]


def _show(fields: dict[str, Field], entry: score_sheet.CriterionSheet | calibration.BenchmarkSheet) -> None:
    """What a criterion's fields offer to tick; on the first showing of the page, the person's saved score. After a
    refused save the fields keep what was typed."""
    fields["effective"].choices = [(i.id, i.text) for i in entry.indicators["effective"]]
    fields["ineffective"].choices = [(i.id, i.text) for i in entry.indicators["ineffective"]]
    if request.method == "GET":
        saved = entry.score
        if saved is not None:
            fields["value"].data = saved.value
            fields["effective"].data = [i for i, _ in fields["effective"].choices if i in saved.ticked]
            fields["ineffective"].data = [i for i, _ in fields["ineffective"].choices if i in saved.ticked]
            fields["rationale"].data = saved.rationale
            fields["notes"].data = saved.notes
        fields["version"].data = str(saved.version) if saved else "0"


def _shown_version(fields: dict[str, Field], entry: score_sheet.CriterionSheet | calibration.BenchmarkSheet) -> None:
    """Take the version saved now: after a stale save (the answers stay as typed; saving them again, once checked,
    replaces the newer version), or after saving this criterion alone while the page stays."""
    fields["version"].data = str(entry.score.version) if entry.score else "0"


def _entry(fields: dict[str, Field]) -> scoring.ScoreInput:
    return scoring.ScoreInput(
        value=fields["value"].data,
        ticked=[*fields["effective"].data, *fields["ineffective"].data],
        rationale=fields["rationale"].data or "",
        notes=fields["notes"].data or "",
    )


def _refused_field(fields: dict[str, Field], error: Refused) -> Field:
    """Where a criterion's refusal shows: on the field it names; the consistency prompt on the box that confirms the
    score; the others (a stale version, a lock) on the score."""
    if isinstance(error, scoring.NeedsConfirmation):
        return fields["confirm"]
    name = "effective" if error.field == "ticked" else error.field
    return fields.get(name or "value", fields["value"])


@bp.route("/<int:campaign_id>/<stage>/<reference>", methods=["GET", "POST"])
@roles("assessor")
def application(campaign_id: int, stage: str, reference: str) -> ResponseReturnValue:
    """Every criterion of an application on one page, saved all together or one at a time (DESIGN §6: candidate by
    candidate)."""
    campaign = _stage_or_404(campaign_id, stage)
    # A submission that is saved goes on to another page: the candidate's statements, which only a page shown
    # again needs (and then loads), are not read with it.
    item = _application_or_404(campaign, stage, reference, with_statements=request.method == "GET")
    conflict = scoring.conflict_for(current_user, item, stage)
    if stage == "interview" and conflict is None:
        return redirect(url_for("assess.conflict", campaign_id=campaign.id, stage=stage, reference=item.reference))
    criteria = stage_criteria(campaign, stage)
    codes = [criterion.code for criterion in criteria]
    form = application_scores_form(codes)
    for code in codes:
        _scale(form.fields_of(code), campaign)
    saved_now: list[str] = []
    alone = ""
    if request.method == "POST":
        # The criteria the page showed open to score: their versions came with the form.
        shown = [code for code in codes if f"{code}-version" in request.form]
        alone = form.save.data or ""
        if alone:
            if alone not in shown:
                abort(400)
            shown = [alone]
        form.validate()
        for code in codes:
            if code not in shown:  # not being saved: what was typed there stays on the page, unchecked
                for field in form.fields_of(code).values():
                    field.errors = []
        if not form.errors:
            answer, saved_now = _save_application(form, campaign, item, stage, criteria, conflict, shown, alone)
            if answer is not None:
                return answer
    sheet = score_sheet.sheet(current_user, campaign, item, stage, conflict, criteria)
    for entry in sheet.editable:
        fields = form.fields_of(entry.code)
        _show(fields, entry)
        if entry.code in saved_now:
            _shown_version(fields, entry)
    # Each criterion's errors name it, so that the error summary at the top says which criterion to look at.
    for entry in sheet.criteria:
        for field in form.fields_of(entry.code).values():
            field.errors = [f"{entry.criterion.name}: {message}" for message in field.errors]
    return render_template(
        "assess/application.html",
        campaign=campaign,
        stage=stage,
        application=sheet.application,
        sheet=sheet,
        form=form,
        names=visibility.shows_names(current_user, campaign, stage),
        adjustment_notes=adjustments.panel_notes(campaign, stage, [sheet.application]).get(sheet.application.id, []),
    )


def _save_application(
    form: ApplicationScoresForm,
    campaign: Campaign,
    item: Application,
    stage: str,
    scored_now: list[Criterion],
    conflict: Conflict | None,
    shown: list[str],
    alone: str,
) -> tuple[Response | None, list[str]]:
    """Save the application's answers as the button pressed asks (`scored_now` and `conflict`: the stage's criteria
    and the person's conflict declaration, as the page read them). Returns the redirect that follows, or none when
    the page is to be shown again, with the codes of the criteria whose version changed under it (those refused as
    stale, or the one saved alone): the page must now carry their saved version."""
    submitting = bool(form.submit_scores.data or form.submit_next.data) and not alone
    criteria = {criterion.code: criterion for criterion in scored_now}
    answers = [
        scoring.Answer(
            criteria[code],
            _entry(form.fields_of(code)),
            form.version_number(code),
            bool(form.fields_of(code)["confirm"].data),
        )
        for code in shown
    ]
    # Read before saving: the commit expires the models, and reading them again would load the campaign again.
    campaign_id, application_id, reference = campaign.id, item.id, item.reference
    criterion_ids, names = [c.id for c in criteria.values()], {code: criteria[code].name for code in shown}
    # When a redirect follows, nothing but ids is read after the commit (to find the next application), so what the
    # page loaded need not be loaded again; the page shown again after saving one criterion reads it afresh.
    try:
        with nullcontext() if alone else keeping_loaded():
            written = scoring.save_answers(
                current_user, campaign, item, stage, answers, submit=submitting, declared=conflict
            )
    except scoring.AnswersRefused as refused:
        for code, error in refused.refusals.items():
            _refused_field(form.fields_of(code), error).errors = [error.message]
        return None, [code for code, error in refused.refusals.items() if error.message == scoring.STALE]
    except Refused as error:
        form.form_errors.append(error.message)
        return None, []
    if alone:
        # The page stays rather than redirecting: what is typed in the other criteria is not saved yet.
        flash(f"Draft saved for {names[alone]}." if written else "No changes to save.", "success")
        return None, [alone]
    if not form.submit_next.data:
        flash("Scores submitted." if submitting else ("Draft saved." if written else "No changes to save."), "success")
        return redirect(url_for("assess.application", campaign_id=campaign_id, stage=stage, reference=reference)), []
    upcoming = assessor_views.next_reference(current_user, campaign, stage, criterion_ids, application_id)
    if upcoming is None:
        flash(f"Scores submitted for {reference}. You have scored every application.", "success")
        return redirect(url_for("assess.work", campaign_id=campaign_id, stage=stage)), []
    flash(f"Scores submitted for {reference}. This is your next application.", "success")
    return redirect(url_for("assess.application", campaign_id=campaign_id, stage=stage, reference=upcoming)), []


@bp.route("/<int:campaign_id>/<stage>/<reference>/<code>", methods=["GET", "POST"])
@roles("assessor")
def score(campaign_id: int, stage: str, reference: str, code: str) -> ResponseReturnValue:
    """One criterion of one application; with ?by=criterion, one answer of those to a criterion across every
    application (DESIGN §6: criterion by criterion)."""
    campaign = _stage_or_404(campaign_id, stage)
    # A submission that is saved goes on to another page: the candidate's statements, which only a page shown
    # again needs (and then loads), are not read with it.
    item = _application_or_404(campaign, stage, reference, with_statements=request.method == "GET")
    criterion = _criterion_or_404(campaign, stage, code)
    conflict = scoring.conflict_for(current_user, item, stage)
    if stage == "interview" and conflict is None:
        return redirect(url_for("assess.conflict", campaign_id=campaign.id, stage=stage, reference=item.reference))
    by_criterion = request.args.get("by") == "criterion"
    form = ScoreForm()
    _scale(form.fields_of(), campaign)
    prompt, stale = None, False
    if form.validate_on_submit():
        submitting = bool(form.submit_score.data or form.submit_next.data)
        # Read before saving: the commit expires the models, and reading them again would load the campaign again.
        reference_read, code_read, criterion_id = item.reference, criterion.code, criterion.id
        try:
            # Only a redirect follows the commit (a refusal rolls back, which still expires what was loaded).
            with keeping_loaded():
                scoring.save(
                    current_user,
                    campaign,
                    item,
                    criterion,
                    stage,
                    _entry(form.fields_of()),
                    submit=submitting,
                    version=form.version_number(),
                    confirmed=bool(form.confirm.data),
                )
        except scoring.NeedsConfirmation as error:
            prompt = error.message
        except Refused as error:
            field = getattr(form, error.field, None) if error.field else None
            (field.errors if field is not None else form.form_errors).append(error.message)
            stale = error.message == scoring.STALE
        else:
            back = url_for("assess.application", campaign_id=campaign_id, stage=stage, reference=reference_read)
            if by_criterion:
                back = url_for("assess.work", campaign_id=campaign_id, stage=stage, by="criterion", criterion=code_read)
            if not (by_criterion and form.submit_next.data):
                flash("Score submitted." if submitting else "Draft saved.", "success")
                return redirect(back)
            upcoming = assessor_views.next_reference(current_user, campaign, stage, [criterion_id], item.id)
            if upcoming is None:
                flash(f"Score submitted for {reference_read}. You have scored every answer.", "success")
                return redirect(back)
            flash(f"Score submitted for {reference_read}. This is the next answer.", "success")
            return redirect(
                url_for(
                    "assess.score",
                    campaign_id=campaign_id,
                    stage=stage,
                    reference=upcoming,
                    code=code_read,
                    by="criterion",
                )
            )
    sheet = score_sheet.sheet(current_user, campaign, item, stage, conflict, [criterion])
    [entry] = sheet.criteria
    _show(form.fields_of(), entry)
    if stale:
        _shown_version(form.fields_of(), entry)
    return render_template(
        "assess/score.html",
        campaign=campaign,
        stage=stage,
        application=item,
        criterion=criterion,
        entry=entry,
        form=form,
        existing=entry.score,
        prompt=prompt,
        open=sheet.open,
        by_criterion=by_criterion,
        standing=assessor_views.standing(current_user, campaign, stage, [criterion.id]) if by_criterion else None,
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
