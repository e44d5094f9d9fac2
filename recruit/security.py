"""Sign-in sessions, response headers and rate limits."""

from __future__ import annotations

from flask import Flask, Response, current_app, flash, g, request, session
from flask_login import current_user, login_user, logout_user
from flask_talisman import Talisman

from recruit.clock import utcnow
from recruit.config import DEVELOPMENT_SECRET_KEY
from recruit.extensions import limiter, login_manager
from recruit.models import User
from recruit.services.campaigns.kept_setup import load_user

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def check_production_settings(app: Flask) -> None:
    if app.config["RECRUIT_ENV"] != "production":
        return
    key = app.config.get("SECRET_KEY")
    if not key or key == DEVELOPMENT_SECRET_KEY or len(key) < 32:
        raise RuntimeError(
            "SECRET_KEY must be set to a long random value in production "
            "(for example: python -c 'import secrets; print(secrets.token_hex(32))')."
        )
    base_url = app.config.get("BASE_URL")
    # Emailed links are built from BASE_URL, and only its host is served: without it neither can be right.
    if not base_url or not base_url.lower().startswith("https://"):
        raise RuntimeError(
            "BASE_URL must be set in production to the https:// address people use to reach Recruit "
            "(for example: BASE_URL=https://recruit.example.org)."
        )
    if app.config.get("DEVELOPMENT_OUTBOX"):
        raise RuntimeError(
            "DEVELOPMENT_OUTBOX keeps emails, with their sign-in links, in the database; "
            "it cannot be turned on in production."
        )


def init_security(app: Flask) -> None:
    production = app.config["RECRUIT_ENV"] == "production"
    app.config.setdefault("REQUIRE_STAFF_MFA", production)
    app.config["SESSION_COOKIE_SECURE"] = production
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")

    # Talisman keeps its settings on the instance, so each app gets its own.
    app.extensions["talisman"] = Talisman(
        app,
        force_https=production,
        strict_transport_security=production,
        strict_transport_security_max_age=31536000,
        session_cookie_secure=production,
        session_cookie_http_only=True,
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        x_content_type_options=True,
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )
    limiter.init_app(app)

    login_manager.init_app(app)
    login_manager.session_protection = None  # sessions are ended by the per-user session version instead
    login_manager.user_loader(_load_user)
    app.before_request(_enforce_session_lifetime)
    app.after_request(_no_store_when_signed_in)


# How often a signed-in person's activity is recorded in their session, for the idle time-out.
SEEN_EVERY_SECONDS = 60


def _load_user(user_id: str) -> User | None:
    try:
        raw_id, raw_version = user_id.split(":", 1)
        user = load_user(int(raw_id))
        version = int(raw_version)
    except (ValueError, TypeError):
        return None
    if user is None or not user.active or user.session_version != version:
        return None
    return user


def start_session(user: User) -> None:
    """A fresh session for a signed-in person: nothing from before sign-in carries over."""
    session.clear()
    # Flask-WTF keeps this request's CSRF token in g; it belonged to the old session, so a page shown
    # now (new recovery codes, say) must get one of the new session's, or its forms would be refused.
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    login_user(user)
    session.permanent = True
    now = utcnow().timestamp()
    session["signed_in_at"] = now
    session["seen_at"] = now


def end_session() -> None:
    logout_user()
    session.clear()


def _enforce_session_lifetime() -> None:
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    now = utcnow().timestamp()
    started = session.get("signed_in_at", 0)
    seen = session.get("seen_at", 0)
    expired = now - started > current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    idle = current_user.is_staff and now - seen > current_app.config["STAFF_IDLE_TIMEOUT"].total_seconds()
    if expired or idle:
        end_session()
        g.session_expired = True
        flash("You were signed out to keep your account secure. Sign in again to continue.", "signed-out")
        return None
    # Recorded at most once a minute: the session cookie is then signed and sent again once a minute rather than
    # with every response. An idle session so ends at most a minute early, never late.
    if now - seen >= SEEN_EVERY_SECONDS:
        session["seen_at"] = now
    return None


def _no_store_when_signed_in(response: Response) -> Response:
    # is_anonymous rather than is_authenticated: the user was checked active when loaded, and reading `active` again
    # after a commit (which expires the user) would load the user a second time for every form saved.
    if not current_user.is_anonymous or getattr(g, "session_expired", False):
        response.headers["Cache-Control"] = "no-store"
    return response
