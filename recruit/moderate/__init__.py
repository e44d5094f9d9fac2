"""The chair's moderation board, agreed scores, results, the sift decision and sign-off."""

from flask import Blueprint

bp = Blueprint("moderate", __name__, url_prefix="/moderate")

from recruit.moderate import feedback_routes, quality_routes, routes  # noqa: E402,F401
