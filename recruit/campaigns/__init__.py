"""Campaign set-up for recruitment admins: details, criteria, scoring settings, panels and status."""

from flask import Blueprint

bp = Blueprint("campaigns", __name__, url_prefix="/admin/campaigns")

from recruit.campaigns import (  # noqa: E402,F401
    adjustments,
    applications,
    deputies,
    disability_confident,
    fairness,
    interview_times,
    interviews,
    legal_hold,
    messages,
    redactions,
    routes,
)
