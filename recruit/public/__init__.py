"""Public pages: competency frameworks, guidance and (later) vacancies. No sign-in."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from recruit.public import routes  # noqa: E402,F401
