"""Signing in and out, registration, passwords, two-factor authentication and the account pages."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from recruit.auth import routes  # noqa: E402,F401
