"""The candidate's side: applying with evidence statements, following applications, their own data."""

from flask import Blueprint

bp = Blueprint("apply", __name__)

from recruit.apply import adjustments, disability_confident, monitoring, routes  # noqa: E402,F401
