"""Adverse impact figures for admins (DESIGN §12): one campaign's, linked from its page, and across the campaigns
closing in a date range, linked from the admin navigation. Aggregates only, suppressed; nothing here names anyone."""

from __future__ import annotations

from datetime import date

from flask import Response, render_template, request
from flask.typing import ResponseReturnValue

from recruit.access import roles
from recruit.campaigns import bp
from recruit.campaigns.fairness_forms import CharacteristicForm, DateRangeForm
from recruit.campaigns.routes import _campaign_or_404
from recruit.clock import format_uk_date
from recruit.services.fairness import presentation
from recruit.services.fairness.adverse_impact import Characteristic, characteristics
from recruit.services.fairness.loader import campaign_figures, range_figures
from recruit.services.fairness.stages import STAGE_LABELS


def _key(form: CharacteristicForm) -> str:
    """The characteristic asked for; the first, before one is chosen."""
    return form.characteristic.data or characteristics()[0][0]


def _chosen(form: CharacteristicForm, figures: list[Characteristic]) -> Characteristic:
    return next(c for c in figures if c.key == _key(form))


def _csv(subject: str, filename: str, figures: list[Characteristic]) -> Response:
    response = Response(presentation.csv_bytes(subject, figures), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _page(template_args: dict[str, object], figures: list[Characteristic], form: CharacteristicForm) -> str:
    chosen = _chosen(form, figures)
    return render_template(
        "campaigns/fairness.html",
        **template_args,
        form=form,
        chosen=chosen,
        chart=presentation.chart(chosen),
        stage_labels=STAGE_LABELS,
        fmt=presentation,
    )


def _dates(form: DateRangeForm) -> tuple[date, date]:
    # The form's validation makes both dates required.
    assert form.since.data is not None and form.until.data is not None
    return form.since.data, form.until.data


@bp.get("/<int:campaign_id>/fairness")
@roles("admin")
def fairness(campaign_id: int) -> ResponseReturnValue:
    campaign = _campaign_or_404(campaign_id)
    form = CharacteristicForm(formdata=request.args or None)
    if request.args and not form.validate():
        return render_template("campaigns/fairness.html", campaign=campaign, form=form, chosen=None, span=None), 400
    figures = campaign_figures(campaign, {_key(form)})
    return _page({"campaign": campaign, "span": None}, figures, form)


@bp.get("/<int:campaign_id>/fairness.csv")
@roles("admin")
def fairness_csv(campaign_id: int) -> ResponseReturnValue:
    campaign = _campaign_or_404(campaign_id)
    subject = campaign.title  # an admin's text: the CSV writer escapes it if it looks like a formula
    return _csv(subject, f"fairness-{campaign.reference}.csv", campaign_figures(campaign))


@bp.get("/fairness")
@roles("admin")
def fairness_range() -> ResponseReturnValue:
    form = DateRangeForm(formdata=request.args or None)
    if not request.args:
        return render_template("campaigns/fairness.html", campaign=None, form=form, chosen=None, span=None)
    if not form.validate():
        return render_template("campaigns/fairness.html", campaign=None, form=form, chosen=None, span=None), 400
    start, end = _dates(form)
    campaigns, figures = range_figures(start, end, {_key(form)})
    span = {
        "since": format_uk_date(start),
        "until": format_uk_date(end),
        "campaigns": campaigns,
        "query": request.args.to_dict(flat=False),
    }
    return _page({"campaign": None, "span": span}, figures, form)


@bp.get("/fairness.csv")
@roles("admin")
def fairness_range_csv() -> ResponseReturnValue:
    form = DateRangeForm(formdata=request.args or None)
    if not request.args or not form.validate():
        return render_template("campaigns/fairness.html", campaign=None, form=form, chosen=None, span=None), 400
    start, end = _dates(form)
    campaigns, figures = range_figures(start, end)
    since, until = start.isoformat(), end.isoformat()
    dates = f"{format_uk_date(start)} to {format_uk_date(end)}"
    subject = f"{len(campaigns)} {'campaign' if len(campaigns) == 1 else 'campaigns'} closing from {dates}"
    return _csv(subject, f"fairness-{since}-to-{until}.csv", figures)
