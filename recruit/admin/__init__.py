"""Recruitment admin pages: user accounts, the emails Recruit sends and the audit log."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from recruit.admin import emails, routes  # noqa: E402,F401
