"""Feedback for candidates, a candidate at a time: every criterion's feedback on one page, starting from drafts built
from the moderated record and saved together; and an overview of whose feedback is complete, for the chair (from
the board) and admins (from the release step). The old page per criterion leads to the candidate's page."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from recruit.access import roles
from recruit.forms import show_refusal
from recruit.models import Campaign
from recruit.moderate import bp
from recruit.moderate.forms import candidate_feedback_form, version_name
from recruit.moderate.routes import _application_access, _campaign, _item_access
from recruit.pagination import page_number
from recruit.services.assessment import agreement, candidate_feedback, feedback, moderators, visibility
from recruit.services.campaigns.stages import is_chair
from recruit.services.errors import Refused

PAGE_SIZE = 50


@bp.get("/<int:campaign_id>/<stage>/feedback")
@roles("assessor", "admin")
def feedback_overview(campaign_id: int, stage: str) -> str:
    campaign = _campaign(campaign_id, stage, admin_may_view=True)
    view = request.args.get("view")
    view = view if view in candidate_feedback.VIEWS else "all"
    found = candidate_feedback.overview(current_user, campaign, stage, view, page_number(), PAGE_SIZE)
    chair = is_chair(campaign, stage, current_user)
    releasable = current_user.role == "admin" and feedback.release_refusal(campaign, stage) is None
    return render_template(
        "moderate/feedback_overview.html",
        campaign=campaign,
        stage=stage,
        view=view,
        views=candidate_feedback.VIEWS,
        counts={"all": found.candidates, "incomplete": found.incomplete, "complete": found.complete},
        overview=found,
        pagination=found.rows,
        names=visibility.shows_names(current_user, campaign, stage),
        back=url_for("moderate.board_view", campaign_id=campaign.id, stage=stage)
        if chair
        else url_for("moderate.results_page", campaign_id=campaign.id, stage=stage),
        release=url_for("campaigns.release", campaign_id=campaign.id, stage=stage) if releasable else None,
    )


@bp.route("/<int:campaign_id>/<stage>/feedback/<reference>", methods=["GET", "POST"])
@roles("assessor", "admin")
def candidate_feedback_page(campaign_id: int, stage: str, reference: str) -> ResponseReturnValue:
    campaign, application = _application_access(campaign_id, stage, reference)
    page = candidate_feedback.for_candidate(current_user, campaign, stage, application)
    agreed = [row.criterion for row in page.agreed]
    if request.method == "POST":
        # Also any criterion the page was shown with that is no longer agreed, for the service to refuse in words.
        agreed = [
            row.criterion
            for row in page.criteria
            if row.agreed is not None or version_name(row.criterion) in request.form
        ]
    form = candidate_feedback_form(agreed if page.refusal is None else [])
    if request.method == "POST" and page.refusal is not None:
        form.validate_on_submit()  # the token is checked all the same
        form.form_errors.append(page.refusal)
    elif form.validate_on_submit():
        # Read before saving: the commit expires the models.
        saved_reference, overview = application.reference, _overview_url(campaign, stage)
        try:
            # Only what was sent: a box missing from the request leaves its feedback as it was.
            sent = [criterion for criterion in agreed if candidate_feedback.field_name(criterion) in request.form]
            candidate_feedback.save_all(
                current_user, campaign, stage, application, form.texts(sent), form.versions(sent)
            )
        except Refused as error:
            show_refusal(form, error)
            if error.message == candidate_feedback.STALE:
                # What was typed stays; the versions become today's, so that saving again, once checked, replaces them.
                page = candidate_feedback.for_candidate(current_user, campaign, stage, application)
                for row in page.agreed:
                    if row.agreed is not None:
                        form[version_name(row.criterion)].data = str(row.agreed.version)
        else:
            flash(
                f"Feedback saved for {saved_reference}. Candidates see it once an admin releases the outcomes.",
                "success",
            )
            if overview is not None:
                return redirect(overview)
            return redirect(
                url_for("moderate.candidate_feedback_page", campaign_id=campaign_id, stage=stage, reference=reference)
            )
    elif request.method == "GET":
        for row in page.agreed:
            if row.agreed is not None and page.refusal is None:
                form[candidate_feedback.field_name(row.criterion)].data = row.text
                form[version_name(row.criterion)].data = str(row.agreed.version)
    return render_template(
        "moderate/candidate_feedback.html",
        campaign=campaign,
        stage=stage,
        application=application,
        page=page,
        form=form,
        field_name=candidate_feedback.field_name,
        version_name=version_name,
        names=visibility.shows_names(current_user, campaign, stage),
        back=_overview_url(campaign, stage) or url_for("assess.dashboard"),
    )


def _overview_url(campaign: Campaign, stage: str) -> str | None:
    """The overview, for those who may see it (the chair and admins): a deputy chair goes back to their dashboard."""
    if is_chair(campaign, stage, current_user) or current_user.role == "admin":
        return url_for("moderate.feedback_overview", campaign_id=campaign.id, stage=stage)
    return None


@bp.get("/<int:campaign_id>/<stage>/items/<reference>/<code>/feedback")
@roles("assessor", "admin")
def write_feedback(campaign_id: int, stage: str, reference: str, code: str) -> ResponseReturnValue:
    """The page feedback was once written on, a criterion at a time: now the candidate's page, at that criterion."""
    campaign, application, criterion = _item_access(campaign_id, stage, reference, code)
    current = agreement.item_for(campaign, stage, application, criterion)
    if current.agreed is None or not current.agreed.locked:
        abort(404)
    refusal = moderators.refusal(current_user, campaign, stage, application, "feedback", conflicted=current.conflicted)
    if refusal is not None:
        flash(refusal, "important")
        return redirect(
            url_for("moderate.item", campaign_id=campaign.id, stage=stage, reference=application.reference, code=code)
        )
    return redirect(
        url_for(
            "moderate.candidate_feedback_page",
            campaign_id=campaign.id,
            stage=stage,
            reference=application.reference,
            _anchor=f"criterion-{criterion.code}",
        )
    )
