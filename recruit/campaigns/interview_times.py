"""Routes for self-service interview times on the admin side: publishing times candidates book themselves,
changing or withdrawing them (telling any candidate who booked one), and the booking cut-off."""

from __future__ import annotations

from functools import partial

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from recruit.access import roles
from recruit.campaigns import bp
from recruit.campaigns.forms import entered
from recruit.campaigns.interview_forms import BookingCutoffForm, ChangeTimeForm, PublishTimeForm, WithdrawTimeForm
from recruit.campaigns.routes import _campaign_or_404
from recruit.clock import format_uk
from recruit.extensions import db
from recruit.forms import show_refusal
from recruit.models import Campaign, InterviewTime
from recruit.services.errors import Refused
from recruit.services.interview import booking


def _render(campaign: Campaign, form: PublishTimeForm, cutoff: BookingCutoffForm) -> str:
    if cutoff.hours.data is None and not cutoff.hours.errors:
        cutoff.hours.data = campaign.booking_cutoff_hours
    return render_template(
        "campaigns/interview_times.html",
        campaign=campaign,
        times=booking.times_of(campaign),
        form=form,
        cutoff=cutoff,
    )


@bp.route("/<int:campaign_id>/interview-times", methods=["GET", "POST"])
@roles("admin")
def interview_times(campaign_id: int) -> ResponseReturnValue:
    campaign = _campaign_or_404(campaign_id)
    form = PublishTimeForm()
    if form.validate_on_submit():
        time = form.act(partial(booking.publish, current_user, campaign))
        if time is not None:
            flash(f"Interview time published: {format_uk(time.starts_at)} (UK time).", "success")
            return redirect(url_for("campaigns.interview_times", campaign_id=campaign.id))
    return _render(campaign, form, BookingCutoffForm(formdata=None))


@bp.post("/<int:campaign_id>/interview-times/cutoff")
@roles("admin")
def interview_booking_cutoff(campaign_id: int) -> ResponseReturnValue:
    campaign = _campaign_or_404(campaign_id)
    cutoff = BookingCutoffForm()
    if cutoff.validate_on_submit():
        try:
            booking.set_cutoff(current_user, campaign, entered(cutoff.hours.data))
        except Refused as error:
            show_refusal(cutoff, error, "hours")
        else:
            flash(f"Booking now closes {campaign.booking_cutoff_hours} hours before each interview.", "success")
            return redirect(url_for("campaigns.interview_times", campaign_id=campaign.id))
    return _render(campaign, PublishTimeForm(formdata=None), cutoff)


def _time_or_404(campaign: Campaign, time_id: int) -> InterviewTime:
    time = db.session.get(InterviewTime, time_id)
    if time is None or time.campaign_id != campaign.id:
        abort(404)
    return time


@bp.route("/<int:campaign_id>/interview-times/<int:time_id>/change", methods=["GET", "POST"])
@roles("admin")
def change_interview_time(campaign_id: int, time_id: int) -> ResponseReturnValue:
    campaign = _campaign_or_404(campaign_id)
    time = _time_or_404(campaign, time_id)
    form = ChangeTimeForm()
    if request.method == "GET":
        form.show(time)
        form.version.data = str(time.version)
    elif form.validate_on_submit() and form.act(
        partial(booking.change_time, current_user, time, version=form.version.data or "")
    ):
        flash(f"Interview time changed: {format_uk(time.starts_at)} (UK time).", "success")
        return redirect(url_for("campaigns.interview_times", campaign_id=campaign.id))
    return render_template(
        "campaigns/interview_time_change.html",
        campaign=campaign,
        time=time,
        change=booking.time_change(time),
        form=form,
    )


@bp.route("/<int:campaign_id>/interview-times/<int:time_id>/withdraw", methods=["GET", "POST"])
@roles("admin")
def withdraw_interview_time(campaign_id: int, time_id: int) -> ResponseReturnValue:
    campaign = _campaign_or_404(campaign_id)
    time = _time_or_404(campaign, time_id)
    form = WithdrawTimeForm()
    if request.method == "GET":
        form.version.data = str(time.version)
    elif form.validate_on_submit():
        starts_at = time.starts_at
        try:
            booking.withdraw_time(current_user, time, version=form.version.data or "")
        except Refused as error:
            show_refusal(form, error)
        else:
            flash(f"Interview time withdrawn: {format_uk(starts_at)} (UK time).", "success")
            return redirect(url_for("campaigns.interview_times", campaign_id=campaign.id))
    return render_template(
        "campaigns/interview_time_withdraw.html",
        campaign=campaign,
        time=time,
        change=booking.time_change(time),
        form=form,
    )
