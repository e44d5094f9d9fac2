"""Recruitment admin pages: user accounts and the audit log (campaign set-up joins later)."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from recruit.admin import routes  # noqa: E402,F401
