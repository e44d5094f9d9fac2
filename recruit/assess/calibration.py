"""Routes for the calibration round before the sift (DESIGN §11): the round's page, adding, changing and removing
benchmark answers (admins and the sift chair), scoring them in the scoring screen (the sift panel), the chair's
comparison with the agreed score, and the chair starting the sift.

A panel member who is not the chair sees their own benchmark scores only: the comparison, and how many others have
scored, are the chair's (and admins'). Anyone else reaches none of these pages: the campaign is not found.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from recruit.access import roles
from recruit.assess import bp
from recruit.assess.forms import AgreeBenchmarkForm, BenchmarkForm, ConfirmForm, ScoreForm
from recruit.assess.routes import _entry, _scale, _show, _shown_version
from recruit.forms import show_refusal
from recruit.models import BenchmarkAnswer, Campaign
from recruit.models.campaign import CampaignStatus
from recruit.services.assessment import calibration, scoring
from recruit.services.campaigns import status as campaign_status
from recruit.services.campaigns.kept_setup import load_campaign
from recruit.services.errors import Refused


def _campaign(campaign_id: int) -> Campaign:
    campaign = load_campaign(campaign_id)
    if campaign is None or not calibration.may_view(current_user, campaign):
        abort(404)
    return campaign


def _managed(campaign_id: int) -> Campaign:
    campaign = load_campaign(campaign_id)
    if campaign is None or not calibration.may_manage(current_user, campaign):
        abort(404)
    return campaign


def _benchmark(campaign: Campaign, benchmark_id: int) -> BenchmarkAnswer:
    benchmark = calibration.benchmark_of(campaign, benchmark_id)
    if benchmark is None:
        abort(404)
    return benchmark


def _round(campaign: Campaign) -> ResponseReturnValue:
    return redirect(url_for("assess.calibration", campaign_id=campaign.id))


@bp.get("/<int:campaign_id>/calibration", endpoint="calibration")
@roles("assessor", "admin")
def calibration_page(campaign_id: int) -> str:
    campaign = _campaign(campaign_id)
    manager = calibration.may_manage(current_user, campaign)
    return render_template(
        "assess/calibration.html",
        campaign=campaign,
        view=calibration.round_view(current_user, campaign),
        manager=manager,
        chair=calibration.may_agree(current_user, campaign),
        member=calibration.is_member(current_user, campaign),
        admin=current_user.role == "admin",
        # The chair starts the sift from here once applications have closed; admins from the campaign page.
        may_start=calibration.may_agree(current_user, campaign) and campaign.status == CampaignStatus.CLOSED,
    )


def _criterion_choices(form: BenchmarkForm, campaign: Campaign) -> None:
    form.criterion.choices = [("", "Select a criterion")] + [
        (str(criterion.id), criterion.name) for criterion in campaign.criteria_at("sift")
    ]


@bp.route("/<int:campaign_id>/calibration/add", methods=["GET", "POST"])
@roles("assessor", "admin")
def add_benchmark(campaign_id: int) -> ResponseReturnValue:
    campaign = _managed(campaign_id)
    form = BenchmarkForm()
    _criterion_choices(form, campaign)
    if request.method == "GET":
        form.label.data = calibration.next_label(campaign)
        form.criterion.data = request.args.get("criterion", "")[:20]
    if form.validate_on_submit():
        try:
            benchmark = calibration.add_benchmark(
                current_user, campaign, form.criterion_id(), form.label.data or "", form.text.data or ""
            )
        except Refused as error:
            show_refusal(form, error)
        else:
            flash(f"{benchmark.label} added.", "success")
            return _round(campaign)
    return render_template("assess/benchmark_form.html", campaign=campaign, form=form, benchmark=None)


@bp.route("/<int:campaign_id>/calibration/<int:benchmark_id>/edit", methods=["GET", "POST"])
@roles("assessor", "admin")
def edit_benchmark(campaign_id: int, benchmark_id: int) -> ResponseReturnValue:
    campaign = _managed(campaign_id)
    benchmark = _benchmark(campaign, benchmark_id)
    form = BenchmarkForm()
    _criterion_choices(form, campaign)
    if request.method == "GET":
        form.criterion.data = str(benchmark.criterion_id)
        form.label.data = benchmark.label
        form.text.data = benchmark.text
        form.version.data = str(benchmark.version)
    if form.validate_on_submit():
        label = benchmark.label
        try:
            calibration.change_benchmark(
                current_user,
                campaign,
                benchmark,
                form.criterion_id(),
                form.label.data or "",
                form.text.data or "",
                form.version_number(),
            )
        except Refused as error:
            show_refusal(form, error)
        else:
            flash(f"{label} saved.", "success")
            return _round(campaign)
    return render_template("assess/benchmark_form.html", campaign=campaign, form=form, benchmark=benchmark)


@bp.route("/<int:campaign_id>/calibration/<int:benchmark_id>/remove", methods=["GET", "POST"])
@roles("assessor", "admin")
def remove_benchmark(campaign_id: int, benchmark_id: int) -> ResponseReturnValue:
    campaign = _managed(campaign_id)
    benchmark = _benchmark(campaign, benchmark_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        label = benchmark.label
        try:
            calibration.remove_benchmark(current_user, campaign, benchmark)
        except Refused as error:
            show_refusal(form, error)
        else:
            flash(f"{label} removed.", "success")
            return _round(campaign)
    return render_template(
        "assess/benchmark_remove.html",
        campaign=campaign,
        benchmark=benchmark,
        scored=len(benchmark.scores),
        form=form,
        open=calibration.round_open(campaign),
    )


@bp.route("/<int:campaign_id>/calibration/<int:benchmark_id>/score", methods=["GET", "POST"])
@roles("assessor")
def score_benchmark(campaign_id: int, benchmark_id: int) -> ResponseReturnValue:
    """A benchmark answer in the scoring screen: the same indicators, scale, rationale and consistency prompt as a
    candidate's answer. Only the sift panel scores it, each on their own."""
    campaign = load_campaign(campaign_id)
    if campaign is None or not calibration.is_member(current_user, campaign):
        abort(404)
    benchmark = _benchmark(campaign, benchmark_id)
    form = ScoreForm()
    _scale(form.fields_of(), campaign)
    prompt, stale = None, False
    if form.validate_on_submit():
        submitting = bool(form.submit_score.data)
        try:
            calibration.save_score(
                current_user,
                campaign,
                benchmark,
                _entry(form.fields_of()),
                submit=submitting,
                version=form.version_number(),
                confirmed=bool(form.confirm.data),
            )
        except scoring.NeedsConfirmation as error:
            prompt = error.message
        except Refused as error:
            field = getattr(form, error.field, None) if error.field else None
            if error.field == "ticked":
                field = form.effective
            (field.errors if field is not None else form.form_errors).append(error.message)
            stale = error.message == calibration.STALE
        else:
            flash("Benchmark score submitted." if submitting else "Draft saved.", "success")
            return _round(campaign)
    entry = calibration.sheet(current_user, campaign, benchmark)
    _show(form.fields_of(), entry)
    if stale:
        _shown_version(form.fields_of(), entry)
    return render_template(
        "assess/benchmark_score.html",
        campaign=campaign,
        benchmark=benchmark,
        entry=entry,
        form=form,
        prompt=prompt,
    )


@bp.route("/<int:campaign_id>/calibration/<int:benchmark_id>/compare", methods=["GET", "POST"])
@roles("assessor", "admin")
def compare_benchmark(campaign_id: int, benchmark_id: int) -> ResponseReturnValue:
    """Every member's score, ticks and rationale side by side with the spread, and the agreed score: the chair's
    (admins may look). A member who is not the chair does not reach it."""
    campaign = _managed(campaign_id)
    benchmark = _benchmark(campaign, benchmark_id)
    chair = calibration.may_agree(current_user, campaign)
    form = AgreeBenchmarkForm()
    form.value.choices = [(p.value, f"{p.value} – {p.label}") for p in campaign.scale.points]
    if request.method == "GET":
        form.value.data = benchmark.agreed_value
        form.notes.data = benchmark.agreed_notes
        form.version.data = str(benchmark.version)
    if form.validate_on_submit():
        label = benchmark.label
        try:
            calibration.agree(
                current_user, campaign, benchmark, form.value.data, form.notes.data or "", form.version_number()
            )
        except Refused as error:
            show_refusal(form, error)
        else:
            flash(f"Agreed score recorded for {label}.", "success")
            return _round(campaign)
    return render_template(
        "assess/benchmark_compare.html",
        campaign=campaign,
        benchmark=benchmark,
        comparison=calibration.comparison(campaign, benchmark),
        form=form,
        chair=chair,
        open=calibration.round_open(campaign),
    )


@bp.route("/<int:campaign_id>/calibration/start-sift", methods=["GET", "POST"])
@roles("assessor")
def start_sift(campaign_id: int) -> ResponseReturnValue:
    """The chair opens scoring once the round is done: the campaign moves to the sift, on the same checks as an
    admin's move (services/campaigns/status.py)."""
    campaign = load_campaign(campaign_id)
    if campaign is None or not calibration.may_agree(current_user, campaign):
        abort(404)
    target = CampaignStatus.SIFT
    confirm = campaign_status.confirmation(campaign, target)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            campaign_status.move(current_user, campaign, target)
        except Refused as error:
            show_refusal(form, error)
        else:
            flash(f"{campaign.reference}: the sift has started and the panel can score.", "success")
            return redirect(url_for("assess.work", campaign_id=campaign.id, stage="sift"))
    return render_template(
        "assess/calibration_start.html",
        campaign=campaign,
        confirm=confirm,
        problems=campaign_status.problems_before(campaign, target),
        form=form,
    )
