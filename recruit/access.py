"""Who may use each route, declared where the route is defined, and checked on every request.

Every view carries one of @public, @signed_in or @roles(...). A test walks the URL map
and fails on any route without a declaration. Object access (which records a person
may see) is decided by one helper per kind of record, next to the services for it.
"""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import Flask, abort, current_app, redirect, request, url_for
from flask_login import current_user

ACCESS_ATTRIBUTE = "recruit_access"
# Views a signed-in member of staff can reach before setting up two-factor authentication.
MFA_EXEMPT_ATTRIBUTE = "recruit_mfa_exempt"


def public(view: Callable) -> Callable:
    setattr(view, ACCESS_ATTRIBUTE, ("public",))
    return view


def safe_next(target: str | None) -> str | None:
    """Only same-site paths are followed after sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def _guard(view: Callable, allowed_roles: tuple[str, ...] | None) -> Callable:
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
        if allowed_roles is not None and current_user.role not in allowed_roles:
            abort(403)
        if (
            current_app.config.get("REQUIRE_STAFF_MFA")
            and current_user.is_staff
            and not current_user.has_two_factor
            and not getattr(view, MFA_EXEMPT_ATTRIBUTE, False)
        ):
            return redirect(url_for("auth.two_factor_setup"))
        return view(*args, **kwargs)

    setattr(wrapper, ACCESS_ATTRIBUTE, ("signed-in",) if allowed_roles is None else ("roles", *allowed_roles))
    return wrapper


def signed_in(view: Callable) -> Callable:
    return _guard(view, None)


def roles(*names: str) -> Callable[[Callable], Callable]:
    def decorate(view: Callable) -> Callable:
        return _guard(view, names)

    return decorate


def mfa_exempt(view: Callable) -> Callable:
    """Reachable by staff who still have to set up two-factor (the set-up pages themselves, sign-out)."""
    setattr(view, MFA_EXEMPT_ATTRIBUTE, True)
    return view


def declared_access(app: Flask, endpoint: str) -> tuple[str, ...] | None:
    if endpoint == "static":
        return ("public",)
    return getattr(app.view_functions[endpoint], ACCESS_ATTRIBUTE, None)


def undeclared_endpoints(app: Flask) -> list[str]:
    return sorted({rule.endpoint for rule in app.url_map.iter_rules() if declared_access(app, rule.endpoint) is None})
