"""Downloading a campaign's PDF reports, and the progress of the ones rendered in the background."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")

from recruit.reports import routes  # noqa: E402,F401
