"""Routes for the interview stage on the admin side: invitations, absences, the merit list, offers,
releasing outcomes, and the question bank."""

from __future__ import annotations

from functools import partial

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from recruit.access import roles
from recruit.campaigns import bp
from recruit.campaigns.interview_forms import (
    AbsenceForm,
    OfferResponseForm,
    OfferTermsForm,
    PickQuestionsForm,
    QuestionForm,
    ReleaseForm,
    ScheduleForm,
)
from recruit.campaigns.routes import _campaign_or_404, _criterion_or_404
from recruit.extensions import db
from recruit.forms import flash_outcome, show_refusal
from recruit.models import Application, Campaign, Competency, Framework, FrameworkLevel, InterviewSlot, Offer
from recruit.services.assessment import consequences, feedback
from recruit.services.campaigns.stages import stage_record
from recruit.services.errors import Refused
from recruit.services.interview import booking, offer_terms, offers, questions
from recruit.services.interview import invitations as interviews

INVITED = ("sift_passed", "did_not_attend", "interview_withdrawn")


def _invitee_or_404(campaign: Campaign, reference: str) -> Application:
    application = db.session.scalar(
        select(Application).where(
            Application.campaign_id == campaign.id,
            Application.reference == reference[:20],
            Application.status.in_(INVITED),
        )
    )
    if application is None:
        abort(404)
    return application


@bp.get("/<int:campaign_id>/interviews")
@roles("admin")
def interview_list(campaign_id: int) -> str:
    campaign = _campaign_or_404(campaign_id)
    invitees = list(
        db.session.scalars(
            select(Application)
            .where(Application.campaign_id == campaign.id, Application.status.in_(INVITED))
            .outerjoin(InterviewSlot, InterviewSlot.application_id == Application.id)
            # The timetable: in time order, those without a time yet last.
            .order_by(InterviewSlot.starts_at.is_(None), InterviewSlot.starts_at, Application.reference)
        )
    )
    slots = {a.id: interviews.slot_for(a) for a in invitees}
    return render_template("campaigns/interviews.html", campaign=campaign, invitees=invitees, slots=slots)


@bp.route("/<int:campaign_id>/interviews/<reference>", methods=["GET", "POST"])
@roles("admin")
def interview(campaign_id: int, reference: str) -> ResponseReturnValue:
    campaign = _campaign_or_404(campaign_id)
    application = _invitee_or_404(campaign, reference)
    slot = interviews.slot_for(application)
    form = ScheduleForm()
    if request.method == "GET" and slot is not None:
        form.show(slot)
    if form.validate_on_submit() and form.act(partial(interviews.schedule, current_user, application)):
        flash(f"Interview invitation saved for {application.reference}.", "success")
        return redirect(url_for("campaigns.interview_list", campaign_id=campaign.id))
    return render_template(
        "campaigns/interview.html",
        campaign=campaign,
        application=application,
        slot=slot,
        booked=booking.booked_time(application),
        form=form,
        absence=AbsenceForm(),
    )


@bp.post("/<int:campaign_id>/interviews/<reference>/absence")
@roles("admin")
def interview_absence(campaign_id: int, reference: str) -> ResponseReturnValue:
    campaign = _campaign_or_404(campaign_id)
    application = _invitee_or_404(campaign, reference)
    slot = interviews.slot_for(application)
    form = AbsenceForm()
    if slot is None:
        abort(404)
    if form.validate_on_submit():
        flash_outcome(lambda: interviews.record_absence(current_user, slot, form.outcome.data), "Recorded.")
    else:
        flash("Select what happened", "important")
    return redirect(url_for("campaigns.interview", campaign_id=campaign.id, reference=application.reference))


@bp.get("/<int:campaign_id>/merit")
@roles("admin")
def merit(campaign_id: int) -> str:
    campaign = _campaign_or_404(campaign_id)
    view = offers.merit_view(campaign)
    records = {stage: stage_record(campaign, stage) for stage in ("sift", "interview")}
    return render_template(
        "campaigns/merit.html",
        campaign=campaign,
        view=view,
        records=records,
        response=OfferResponseForm(),
    )


@bp.route("/<int:campaign_id>/offers/<reference>", methods=["GET", "POST"])
@roles("admin")
def make_offer(campaign_id: int, reference: str) -> ResponseReturnValue:
    """The offer's terms, then a page that says to whom and for which post before the offer is made."""
    campaign = _campaign_or_404(campaign_id)
    application = _invitee_or_404(campaign, reference)
    merit_page = redirect(url_for("campaigns.merit", campaign_id=campaign.id))
    refusal = offers.merit_view(campaign).offer_refusal(application)
    if refusal is not None:
        flash(refusal, "important")
        return merit_page
    form = OfferTermsForm()
    confirming = False
    if request.method == "GET":
        suggested = offer_terms.suggested_terms(campaign)
        form.salary.data, form.location.data = suggested.salary, suggested.location
        form.starts_on.data, form.conditions.data = suggested.starts_on, suggested.conditions
        form.respond_by.data = suggested.respond_by
    elif form.validate_on_submit() and "change" not in request.form:
        try:
            if form.step.data == "confirm":
                offers.make_offer(current_user, campaign, application, form.terms())
            else:
                offer_terms.check_terms(form.terms())
        except Refused as error:
            show_refusal(form, error)
        else:
            if form.step.data == "confirm":
                flash(f"Offer made to {application.reference}.", "success")
                return merit_page
            confirming = True
    form.step.data = "confirm" if confirming else ""
    return render_template(
        "campaigns/offer_confirm.html" if confirming else "campaigns/offer.html",
        campaign=campaign,
        application=application,
        form=form,
        released=stage_record(campaign, "interview").released_at is not None,
    )


@bp.post("/<int:campaign_id>/offers/<int:offer_id>/response")
@roles("admin")
def offer_response(campaign_id: int, offer_id: int) -> ResponseReturnValue:
    campaign = _campaign_or_404(campaign_id)
    offer = db.session.get(Offer, offer_id)
    if offer is None or offer.campaign_id != campaign.id:
        abort(404)
    form = OfferResponseForm()
    if form.validate_on_submit():
        flash_outcome(
            lambda: offers.record_response(current_user, offer, form.outcome.data),
            "The answer to the offer is recorded.",
        )
    else:
        flash("Select what happened to the offer", "important")
    return redirect(url_for("campaigns.merit", campaign_id=campaign.id))


@bp.route("/<int:campaign_id>/release/<stage>", methods=["GET", "POST"])
@roles("admin")
def release(campaign_id: int, stage: str) -> ResponseReturnValue:
    """Confirm the release of a stage's outcomes and feedback, seeing first which candidates lack feedback."""
    campaign = _campaign_or_404(campaign_id)
    if stage not in ("sift", "interview"):
        abort(404)
    merit_page = redirect(url_for("campaigns.merit", campaign_id=campaign.id))
    refusal = feedback.release_refusal(campaign, stage)
    if refusal:
        flash(refusal, "important")
        return merit_page
    form = ReleaseForm()
    if form.validate_on_submit():
        try:
            feedback.release(current_user, campaign, stage, missing_confirmed=form.missing_confirmed())
        except Refused as error:
            show_refusal(form, error)
            form.confirm.data = False
        else:
            flash(f"Outcomes and feedback for the {stage} are released to candidates.", "success")
            return merit_page
    release = consequences.release(current_user, campaign, stage)
    form.missing.data = str(release.gaps.items)
    return render_template("campaigns/release.html", campaign=campaign, stage=stage, release=release, form=form)


@bp.route("/<int:campaign_id>/criteria/<int:criterion_id>/questions", methods=["GET", "POST"])
@roles("admin")
def criterion_questions(campaign_id: int, criterion_id: int) -> ResponseReturnValue:
    campaign = _campaign_or_404(campaign_id)
    criterion = _criterion_or_404(campaign, criterion_id)
    if not criterion.at_interview:
        abort(404)
    form = PickQuestionsForm()
    form.questions.choices = [(q.id, q.text) for q in questions.suitable(criterion)]
    if request.method == "GET":
        form.questions.data = [q.id for q in questions.chosen(criterion)]
    if form.validate_on_submit():
        try:
            questions.choose(current_user, criterion, form.questions.data)
        except Refused as error:
            show_refusal(form, error, "questions")
        else:
            return redirect(url_for("campaigns.overview", campaign_id=campaign.id))
    return render_template("campaigns/criterion_questions.html", campaign=campaign, criterion=criterion, form=form)


@bp.route("/questions", methods=["GET", "POST"])
@roles("admin")
def question_bank() -> ResponseReturnValue:
    form = QuestionForm()
    competencies = list(
        db.session.scalars(select(Competency).join(Framework).order_by(Framework.name, Competency.name))
    )
    levels = list(
        db.session.scalars(select(FrameworkLevel).join(Framework).order_by(Framework.name, FrameworkLevel.number))
    )
    form.competency.choices = [(0, "Any competency")] + [(c.id, f"{c.name} ({c.framework.name})") for c in competencies]
    form.level.choices = [(0, "Any level")] + [(lv.id, f"{lv.name} ({lv.framework.name})") for lv in levels]
    if form.validate_on_submit():
        competency = next((c for c in competencies if c.id == form.competency.data), None)
        level = next((lv for lv in levels if lv.id == form.level.data), None)
        try:
            questions.add(current_user, form.text.data, competency, level)
        except Refused as error:
            show_refusal(form, error)
        else:
            flash("Question added.", "success")
            return redirect(url_for("campaigns.question_bank"))
    return render_template("campaigns/questions.html", form=form, bank=questions.bank())
