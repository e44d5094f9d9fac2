"""Routes for the chair (moderation) and for chair and admins (results); admins record the sift decision."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from recruit.access import roles
from recruit.extensions import db
from recruit.models import Application, Campaign, Criterion
from recruit.moderate import bp
from recruit.moderate.forms import ActionForm, AgreeForm, DecisionForm, ReasonForm
from recruit.pagination import page_number, page_of
from recruit.services.applications import disability_confident_report as scheme_report
from recruit.services.assessment import (
    agreement,
    board,
    consequences,
    item_detail,
    moderators,
    progress,
    quality,
    results,
    visibility,
)
from recruit.services.campaigns.kept_setup import load_campaign
from recruit.services.campaigns.stages import (
    eligible_query,
    in_stage,
    is_chair,
    listed,
    membership,
    presift_active,
    scoring_open,
    stage_criteria,
    stage_record,
)
from recruit.services.errors import Refused
from recruit.services.frameworks import kept_wording
from recruit.services.reports import versions as reports
from recruit.services.reports.content.distribution import score_distribution
from recruit.services.reports.content.panel_quality import agreement_rows
from recruit.services.unit_of_work import keeping_loaded

PAGE_SIZE = 50


def _campaign(campaign_id: int, stage: str, *, admin_may_view: bool) -> Campaign:
    """Object access for moderation: the stage's chair; admins too for viewing progress and results."""
    campaign = load_campaign(campaign_id) if stage in ("sift", "interview") else None
    if campaign is None:
        abort(404)
    if is_chair(campaign, stage, current_user):
        return campaign
    if admin_may_view and current_user.role == "admin":
        return campaign
    abort(403 if current_user.role in ("admin", "assessor") else 404)


def _application_access(
    campaign_id: int, stage: str, reference: str, *, with_statements: bool = False
) -> tuple[Campaign, Application]:
    """Object access for one application's moderation pages (its items, its feedback): the stage's chair and admins,
    and the deputy chair an admin named for this application (who reaches it and nothing else of the board). With
    its statements loaded in the same query if asked."""
    campaign = load_campaign(campaign_id) if stage in ("sift", "interview") else None
    if campaign is None:
        abort(404)
    application = in_stage(campaign, stage, reference, with_statements=with_statements)
    if is_chair(campaign, stage, current_user) or current_user.role == "admin":
        if application is None:
            abort(404)
        return campaign, application
    # Any other reference is refused alike, whether or not it exists.
    if (
        membership(campaign, stage, current_user) is not None
        and application is not None
        and moderators.is_deputy(current_user, stage, application)
    ):
        return campaign, application
    abort(403 if current_user.role in ("admin", "assessor") else 404)


def _item_access(
    campaign_id: int, stage: str, reference: str, code: str, *, with_statements: bool = False
) -> tuple[Campaign, Application, Criterion]:
    """Object access for one item's moderation pages, as for its application's."""
    campaign, application = _application_access(campaign_id, stage, reference, with_statements=with_statements)
    criterion = next((c for c in stage_criteria(campaign, stage) if c.code == code), None)
    if criterion is None:
        abort(404)
    return campaign, application, criterion


def board_args() -> dict[str, Any]:
    """The board's filter and page, from the request: kept as the chair goes from the board to an item and back,
    and on from item to item. Defaults are left out of the address."""
    view = request.args.get("view")
    args: dict[str, Any] = {"view": view} if view in progress.VIEWS and view != "all" else {}
    page = page_number()
    if page > 1:
        args["page"] = page
    return args


def _back(campaign: Campaign, stage: str) -> str:
    """Where an item page leads back to: the board (as the chair left it) for the chair, the results for an admin,
    the dashboard for a deputy chair (who sees neither)."""
    if is_chair(campaign, stage, current_user):
        return url_for("moderate.board_view", campaign_id=campaign.id, stage=stage, **board_args())
    if current_user.role == "admin":
        return url_for("moderate.results_page", campaign_id=campaign.id, stage=stage)
    return url_for("assess.dashboard")


def _handover(
    campaign: Campaign, stage: str, application: Application, conflicted: Iterable[int]
) -> moderators.Handover | None:
    """Who moderates an application its chair stands aside from, for the pages to say so; None otherwise."""
    if not moderators.chair_stands_aside(campaign, stage, conflicted):
        return None
    named = moderators.deputy_of(application, stage)
    return moderators.Handover(application, named.deputy if named else None)


@bp.get("/<int:campaign_id>/<stage>")
@roles("assessor")
def board_view(campaign_id: int, stage: str) -> str:
    campaign = _campaign(campaign_id, stage, admin_may_view=False)
    args = board_args()
    view = str(args.get("view", "all"))
    names = visibility.shows_names(current_user, campaign, stage)
    criteria = stage_criteria(campaign, stage)
    standing = progress.load(campaign, stage, criteria)
    listing = page_of(standing.in_view(view), page_number(), PAGE_SIZE)
    # The page's items, with their scores: one page of applications, whatever the view.
    ids = list(dict.fromkeys(s.application_id for s in listing.items))
    applications = listed(campaign, stage, ids, names)
    loaded = {
        (i.application.id, i.criterion.id): i
        for i in board.load_items(campaign, stage, applications, criteria, known=(standing.conflicts, standing.agreed))
    }
    items = [loaded[s.key] for s in listing.items if s.key in loaded]
    sight = visibility.score_sight(current_user, campaign, stage, ids)
    # Who moderates the applications the chair stands aside from (a query only when the page has any).
    aside = {i.application.id for i in items if moderators.chair_stands_aside(campaign, stage, i.conflicted)}
    deputies = moderators.deputies_for(stage, sorted(aside)) if aside else {}
    handovers = {application_id: deputies.get(application_id) for application_id in aside}
    moderated = moderators.moderated_among(current_user, campaign, stage, standing.conflicts)
    # The agreement between the panel's scores, from every score submitted so far (worked out once for each report
    # data version: quality.figures_of), or on a large stage as worked out in the last minute (quality.board_quality).
    figures = quality.board_quality(campaign, stage)
    return render_template(
        "moderate/board.html",
        campaign=campaign,
        stage=stage,
        rows=[(item, progress.tag_for(item)) for item in items],
        view=view,
        args=args,
        views=progress.VIEW_LABELS,
        counts=standing.view_counts(),
        next_item=standing.next_to_agree(moderated),
        handovers=handovers,
        pagination=listing,
        sight=sight,
        names=names,
        open=scoring_open(campaign, stage),
        presift=presift_active(campaign, stage),
        agreement_figures=agreement_rows(figures),
        flagged=len(figures.flagged),
        figures_as_of=figures.as_of,
        figures_scores=figures.scores,
    )


@bp.route("/<int:campaign_id>/<stage>/confirm-all", methods=["GET", "POST"])
@roles("assessor")
def confirm_all(campaign_id: int, stage: str) -> ResponseReturnValue:
    """A page saying how many proposals would be confirmed (and what is left out); its button confirms them."""
    campaign = _campaign(campaign_id, stage, admin_may_view=False)
    if request.method == "GET":
        return render_template(
            "moderate/confirm_all.html",
            campaign=campaign,
            stage=stage,
            consequences=consequences.bulk_confirmation(current_user, campaign, stage),
            action=ActionForm(),
            args=board_args(),
        )
    if not ActionForm().validate_on_submit():
        abort(400)
    applications = list(db.session.scalars(eligible_query(campaign, stage)))
    try:
        count = agreement.confirm_all_proposals(current_user, campaign, stage, applications)
    except Refused as error:
        flash(error.message, "important")
    else:
        message = f"{count} proposed scores confirmed. Discrepant items need an agreed score with a rationale."
        left, candidates = agreement.proposals_left_for_others(current_user, campaign, stage)
        if left:
            message += (
                f" {left} {'proposal was' if left == 1 else 'proposals were'} left for an admin or a deputy "
                f"chair to confirm: you declared a conflict of interest with "
                f"{'the candidate' if candidates == 1 else f'{candidates} of the candidates'}."
            )
        flash(message, "success")
    return redirect(url_for("moderate.board_view", campaign_id=campaign.id, stage=stage, **board_args()))


def _next_discrepant(campaign: Campaign, stage: str, after: tuple[int, int]) -> progress.Standing | None:
    """The next discrepant item this person moderates, after this one in the board's order."""
    standing = progress.load(campaign, stage)
    moderated = moderators.moderated_among(current_user, campaign, stage, standing.conflicts)
    return standing.next_to_agree(moderated, (progress.DISCREPANT,), after=after)


@bp.route("/<int:campaign_id>/<stage>/items/<reference>/<code>", methods=["GET", "POST"])
@roles("assessor", "admin")
def item(campaign_id: int, stage: str, reference: str, code: str) -> ResponseReturnValue:
    # The sift's item page shows the candidate's statement: it comes with the application, in the same query.
    campaign, application, criterion = _item_access(
        campaign_id, stage, reference, code, with_statements=stage == "sift"
    )
    args = board_args()
    current = agreement.item_for(campaign, stage, application, criterion)
    chair = is_chair(campaign, stage, current_user)
    # Read from the item (who declared a conflict) rather than asked again: the chair's page stays as it was.
    refusal = moderators.refusal(current_user, campaign, stage, application, conflicted=current.conflicted)
    reopen_refusal = moderators.refusal(
        current_user, campaign, stage, application, "reopen", conflicted=current.conflicted
    )
    handover = _handover(campaign, stage, application, current.conflicted)
    form = AgreeForm()
    form.value.choices = [(p.value, f"{p.value} – {p.label}") for p in kept_wording.scale_points(campaign.scale_id)]
    if request.method == "GET" and current.state.proposal is not None:
        form.value.data = current.agreed.value if current.agreed else current.state.proposal
    if form.validate_on_submit():
        # Read before agreeing: the commit expires the models, and reading them again would reload them.
        agreed_message = f"Agreed score recorded for {application.reference}, {criterion.name}."
        here = (application.id, criterion.id)
        try:
            # A redirect follows the commit, finding the next discrepant item from the campaign as loaded: it need
            # not be loaded again (a refusal rolls back, which still expires everything, and the page reads afresh).
            with keeping_loaded():
                agreement.agree(
                    current_user,
                    campaign,
                    application,
                    criterion,
                    stage,
                    form.value.data,
                    form.rationale.data or "",
                    item=current,  # read above, in this transaction
                )
        except Refused as error:
            field = getattr(form, error.field, None) if error.field else None
            (field.errors if field is not None else form.form_errors).append(error.message)
            current = agreement.item_for(campaign, stage, application, criterion)
        else:
            if form.next_item.data:
                following = _next_discrepant(campaign, stage, here)
                if following is not None:
                    flash(f"{agreed_message} This is the next discrepant item.", "success")
                    return redirect(
                        url_for(
                            "moderate.item",
                            campaign_id=campaign_id,
                            stage=stage,
                            reference=following.reference,
                            code=following.code,
                            **args,
                        )
                    )
                agreed_message += " There are no more discrepant items for you to agree."
            flash(agreed_message, "success")
            if chair:
                return redirect(url_for("moderate.board_view", campaign_id=campaign_id, stage=stage, **args))
            return redirect(
                url_for(
                    "moderate.item",
                    campaign_id=campaign_id,
                    stage=stage,
                    reference=application.reference,
                    code=criterion.code,
                    **args,
                )
            )
    history = agreement.history_of(current.agreed) if current.agreed else []
    open_ = scoring_open(campaign, stage)
    may_agree = refusal is None
    agreeing = may_agree and open_ and current.state.ready
    following = _next_discrepant(campaign, stage, (application.id, criterion.id)) if agreeing else None
    return render_template(
        "moderate/item.html",
        campaign=campaign,
        stage=stage,
        application=application,
        criterion=criterion,
        current=current,
        detail=item_detail.read(current_user, campaign, stage, application, criterion, current),
        state_label=progress.LABELS[progress.state_key(current.state)],
        form=form,
        chair=chair,
        names=visibility.shows_names(current_user, campaign, stage),
        history=history,
        reopen_form=ReasonForm(),
        open=open_,
        agreeing=agreeing,
        may_agree=may_agree,
        may_reopen=reopen_refusal is None,
        next_discrepant=following,
        handover=handover,
        back=_back(campaign, stage),
        args=args,
    )


@bp.post("/<int:campaign_id>/<stage>/items/<reference>/<code>/reopen")
@roles("assessor", "admin")
def reopen(campaign_id: int, stage: str, reference: str, code: str) -> ResponseReturnValue:
    campaign, application, criterion = _item_access(campaign_id, stage, reference, code)
    current = agreement.item_for(campaign, stage, application, criterion)
    form = ReasonForm()
    if current.agreed is None:
        abort(404)
    if form.validate_on_submit():
        try:
            agreement.reopen(current_user, campaign, current.agreed, form.reason.data)
        except Refused as error:
            flash(error.message, "important")
        else:
            flash("The item is open again. Assessors can change their scores; the chair agrees it again.", "success")
    else:
        flash(form.reason.errors[0] if form.reason.errors else "Enter the reason for reopening", "important")
    return redirect(
        url_for(
            "moderate.item",
            campaign_id=campaign.id,
            stage=stage,
            reference=application.reference,
            code=criterion.code,
            **board_args(),
        )
    )


@bp.get("/<int:campaign_id>/<stage>/items/<reference>/<code>/history")
@roles("assessor", "admin")
def score_history(campaign_id: int, stage: str, reference: str, code: str) -> str:
    campaign, application, criterion = _item_access(campaign_id, stage, reference, code)
    versions = visibility.score_history(current_user, campaign, stage, application, criterion)
    current = agreement.item_for(campaign, stage, application, criterion)
    agreed_history = agreement.history_of(current.agreed) if current.agreed else []
    return render_template(
        "moderate/history.html",
        campaign=campaign,
        stage=stage,
        application=application,
        criterion=criterion,
        versions=versions,
        agreed_history=agreed_history,
    )


@bp.get("/<int:campaign_id>/<stage>/results")
@roles("assessor", "admin")
def results_page(campaign_id: int, stage: str) -> str:
    campaign = _campaign(campaign_id, stage, admin_may_view=True)
    outcome = results.compute(campaign, stage)
    record = stage_record(campaign, stage)
    return render_template(
        "moderate/results.html",
        campaign=campaign,
        stage=stage,
        outcome=outcome,
        record=record,
        chair=is_chair(campaign, stage, current_user),
        decision=DecisionForm(),
        action=ActionForm(),
        presift=presift_active(campaign, stage),
        distribution=score_distribution(campaign, outcome),
        later=results.later_events(campaign, stage),
        # Admins only, at the sift: the panel never learns who opted in to the Disability Confident scheme.
        scheme=scheme_report.rows(campaign) if current_user.role == "admin" and stage == "sift" else None,
    )


def _left_out() -> dict[str, str | None]:
    """Disability Confident candidates the admin leaves out of the guarantee, each with the reason entered."""
    return {
        reference: request.form.get(f"reason-{reference}")
        for reference in request.form.getlist("left_out")
        if isinstance(reference, str)
    }


@bp.post("/<int:campaign_id>/<stage>/decision")
@roles("admin")
def decision(campaign_id: int, stage: str) -> ResponseReturnValue:
    campaign = _campaign(campaign_id, stage, admin_may_view=True)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            chosen = results.decide(
                current_user, campaign, stage, form.rule.data, form.top_n.data, left_out=_left_out()
            )
        except Refused as error:
            flash(error.message, "important")
        else:
            flash(f"Decision recorded: {len(chosen)} applications go on to interview.", "success")
    else:
        flash(next(iter(e for errors in form.errors.values() for e in errors)), "important")
    return redirect(url_for("moderate.results_page", campaign_id=campaign.id, stage=stage))


@bp.route("/<int:campaign_id>/<stage>/sign-off", methods=["GET", "POST"])
@roles("assessor")
def sign_off(campaign_id: int, stage: str) -> ResponseReturnValue:
    """A page saying what signing off fixes, and that it cannot be undone; its button signs the stage off."""
    campaign = _campaign(campaign_id, stage, admin_may_view=False)
    if request.method == "GET":
        return render_template(
            "moderate/sign_off.html",
            campaign=campaign,
            stage=stage,
            consequences=consequences.sign_off(current_user, campaign, stage),
            action=ActionForm(),
        )
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        results.sign_off(current_user, campaign, stage)
    except Refused as error:
        flash(error.message, "important")
    else:
        reports.prepare_signed_off(current_user, campaign, stage)
        flash(f"The {stage} is signed off.", "success")
    return redirect(url_for("moderate.results_page", campaign_id=campaign.id, stage=stage))


@bp.post("/<int:campaign_id>/<stage>/presift")
@roles("assessor", "admin")
def finish_presift(campaign_id: int, stage: str) -> ResponseReturnValue:
    campaign = _campaign(campaign_id, stage, admin_may_view=True)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        failed = results.finish_presift(current_user, campaign)
    except Refused as error:
        flash(error.message, "important")
    else:
        flash(f"Pre-sift finished: {failed} applications did not pass the lead criterion.", "success")
    return redirect(url_for("moderate.results_page", campaign_id=campaign.id, stage=stage))
