"""Assessors: the dashboard of panels they sit on, and independent scoring against indicators."""

from flask import Blueprint

bp = Blueprint("assess", __name__, url_prefix="/assess")

from recruit.assess import calibration, routes  # noqa: E402,F401
