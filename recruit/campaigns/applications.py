"""Routes for an admin's view of a campaign's applications, and importing applications from CSV."""

from __future__ import annotations

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import SubmitField

from recruit.access import roles
from recruit.campaigns import bp
from recruit.campaigns.routes import _campaign_or_404
from recruit.extensions import db
from recruit.forms import Form
from recruit.models.application import APPLICATION_STATUSES
from recruit.services import notifications
from recruit.services.applications import csv_import as application_import
from recruit.services.applications import views as application_views
from recruit.services.errors import Refused
from recruit.services.frameworks.yaml_files import FileProblems


class ImportForm(Form):
    file = FileField("CSV file", widget=GovFileInput(), validators=[FileRequired(message="Select a CSV file")])
    submit = SubmitField("Import applications", widget=GovSubmitInput())


@bp.get("/<int:campaign_id>/applications")
@roles("admin")
def applications(campaign_id: int) -> str:
    campaign = _campaign_or_404(campaign_id)
    status = request.args.get("status") if request.args.get("status") in APPLICATION_STATUSES else None
    text = (request.args.get("q") or "")[:200]
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), 100_000)
    pagination = db.paginate(
        application_views.search(campaign, text, status),
        page=page,
        per_page=application_views.PAGE_SIZE,
        error_out=False,
    )
    return render_template(
        "campaigns/applications.html",
        campaign=campaign,
        pagination=pagination,
        counts=application_views.counts_by_status(campaign),
        status=status,
        q=text,
        statuses=APPLICATION_STATUSES,
    )


@bp.get("/<int:campaign_id>/applications/<reference>")
@roles("admin")
def application(campaign_id: int, reference: str) -> str:
    campaign = _campaign_or_404(campaign_id)
    item = application_views.application_for_admin(current_user, campaign, reference)
    if item is None:
        abort(404)
    return render_template("campaigns/application.html", campaign=campaign, application=item)


@bp.route("/<int:campaign_id>/applications/import", methods=["GET", "POST"])
@roles("admin")
def import_applications(campaign_id: int) -> ResponseReturnValue:
    campaign = _campaign_or_404(campaign_id)
    form = ImportForm()
    problems = []
    if form.validate_on_submit():
        raw = form.file.data.read(application_import.MAX_BYTES + 1)
        try:
            result = application_import.import_applications(
                current_user, campaign, raw, send_claim_links=notifications.configured()
            )
        except FileProblems as error:
            problems = error.problems
            form.file.errors = [
                f"The file has {len(problems)} problem{'s' if len(problems) != 1 else ''}; nothing was imported"
            ]
        except Refused as error:
            form.file.errors = [error.message]
        else:
            # The claim links were queued with the import, and are sent once it is committed.
            return render_template(
                "campaigns/import_done.html", campaign=campaign, result=result, mailed=notifications.configured()
            )
    status = 400 if request.method == "POST" else 200
    return render_template("campaigns/import.html", campaign=campaign, form=form, problems=problems), status
